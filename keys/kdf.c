/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Password-based key derivation: scrypt (RFC 7914) through OpenSSL's EVP_KDF
 * "SCRYPT". Used to turn a ledger passphrase into the 256-bit SQLCipher key.
 * The derived key goes only into the caller's buffer (which the caller wipes);
 * nothing here logs or keeps a passphrase or a derived key.
 */
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include "keys/keys.h"

int kansa_kdf_scrypt(uint8_t *out, size_t out_len, const kansa_secret *passphrase,
    const uint8_t *salt, size_t salt_len, uint64_t n, uint32_t r, uint32_t p)
{
	OSSL_PARAM params[7], *q = params;
	EVP_KDF *kdf = NULL;
	EVP_KDF_CTX *kctx = NULL;
	uint64_t maxmem, v, b;
	int error = 0;

	if (out == NULL || out_len == 0 || passphrase == NULL || salt == NULL ||
	    n < 2 || (n & (n - 1)) != 0 || r == 0 || p == 0)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_CRYPTO,
		    "scrypt: invalid parameters");
	/*
	 * OpenSSL refuses parameters that need more than maxmem (32 MiB by
	 * default), and N=2^15, r=8 needs V = 128*r*(N+2) bytes, a little over
	 * 32 MiB. Raise maxmem to exactly what the parameters need (V plus
	 * B = 128*r*p), checked for overflow.
	 */
	if (__builtin_mul_overflow((uint64_t)128 * r, n + 2, &v) ||
	    __builtin_mul_overflow((uint64_t)128 * r, (uint64_t)p, &b) ||
	    __builtin_add_overflow(v, b, &maxmem) ||
	    __builtin_add_overflow(maxmem, (uint64_t)1 << 20, &maxmem))
		return kansa_error_set(KANSA_ELIMIT, KANSA_ERRCLASS_CRYPTO,
		    "scrypt: parameters too large");

	*q++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PASSWORD,
	    (void *)(uintptr_t)kansa_secret_data(passphrase), kansa_secret_len(passphrase));
	*q++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT,
	    (void *)(uintptr_t)salt, salt_len);
	*q++ = OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_N, &n);
	*q++ = OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_R, &r);
	*q++ = OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_P, &p);
	*q++ = OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_MAXMEM, &maxmem);
	*q = OSSL_PARAM_construct_end();

	if ((kdf = EVP_KDF_fetch(NULL, "SCRYPT", NULL)) == NULL ||
	    (kctx = EVP_KDF_CTX_new(kdf)) == NULL) {
		error = kansa_error_openssl(KANSA_ERROR, "scrypt is not available");
		goto out;
	}
	if (EVP_KDF_derive(kctx, out, out_len, params) != 1) {
		OPENSSL_cleanse(out, out_len);
		error = kansa_error_openssl(KANSA_ERROR, "scrypt key derivation failed");
		goto out;
	}
out:
	EVP_KDF_CTX_free(kctx);
	EVP_KDF_free(kdf);
	return error;
}
