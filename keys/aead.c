/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Authenticated encryption and keyed hashing through OpenSSL EVP: AES-256-GCM
 * with a random 96-bit nonce, HKDF-SHA256 (RFC 5869) and HMAC-SHA256. Used
 * by the PostgreSQL storage engine, which encrypts entry bodies, documents
 * and meta values itself (design §13).
 *
 * A sealed value is nonce (12) || ciphertext || tag (16). Opening checks the
 * tag before a byte of plaintext is handed back; a wrong key, another
 * associated data or any changed byte gives KANSA_EVERIFY and the output is
 * wiped. Nothing here keeps or logs a key.
 */
#include <pthread.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include "keys/keys.h"

#define NONCE_LEN 12
#define TAG_LEN 16

/* The cipher is fetched from the provider once per process, not at every
 * EVP_*Init_ex (which, given EVP_aes_256_gcm(), fetches it each time). It
 * lives as long as the process. */
static EVP_CIPHER *gcm;
static pthread_once_t gcm_once = PTHREAD_ONCE_INIT;

static void gcm_fetch(void)
{
	gcm = EVP_CIPHER_fetch(NULL, "AES-256-GCM", NULL);
}

static const EVP_CIPHER *aes_256_gcm(void)
{
	pthread_once(&gcm_once, gcm_fetch);
	return gcm;
}

int kansa_aead_seal(uint8_t *out, size_t out_size, size_t *out_len,
    const uint8_t key[KANSA_AEAD_KEY_LEN], const uint8_t *ad, size_t ad_len,
    const uint8_t *pt, size_t len)
{
	EVP_CIPHER_CTX *c = NULL;
	int n = 0, error = 0;

	*out_len = 0;
	if (len > INT32_MAX - KANSA_AEAD_OVERHEAD || ad_len > INT32_MAX ||
	    out_size < len + KANSA_AEAD_OVERHEAD)
		return kansa_error_set(KANSA_ELIMIT, KANSA_ERRCLASS_CRYPTO, "aead: value too big");
	if ((error = kansa_random(out, NONCE_LEN)) < 0)
		return error;
	if ((c = EVP_CIPHER_CTX_new()) == NULL ||
	    aes_256_gcm() == NULL || EVP_EncryptInit_ex(c, aes_256_gcm(), NULL, key, out) != 1 ||
	    (ad_len > 0 && EVP_EncryptUpdate(c, NULL, &n, ad, (int)ad_len) != 1) ||
	    (len > 0 && EVP_EncryptUpdate(c, out + NONCE_LEN, &n, pt, (int)len) != 1) ||
	    EVP_EncryptFinal_ex(c, out + NONCE_LEN + len, &n) != 1 ||
	    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, TAG_LEN, out + NONCE_LEN + len) != 1) {
		OPENSSL_cleanse(out, out_size);
		error = kansa_error_openssl(KANSA_ERROR, "aead: AES-256-GCM encryption failed");
		goto out;
	}
	*out_len = len + KANSA_AEAD_OVERHEAD;
out:
	EVP_CIPHER_CTX_free(c);
	return error;
}

int kansa_aead_open(uint8_t *out, size_t out_size, size_t *out_len,
    const uint8_t key[KANSA_AEAD_KEY_LEN], const uint8_t *ad, size_t ad_len,
    const uint8_t *in, size_t in_len)
{
	EVP_CIPHER_CTX *c = NULL;
	size_t len;
	int n = 0, error = 0;

	*out_len = 0;
	if (in_len < KANSA_AEAD_OVERHEAD)
		return kansa_error_set(KANSA_EVERIFY, KANSA_ERRCLASS_CRYPTO,
		    "aead: sealed value too short (altered?)");
	len = in_len - KANSA_AEAD_OVERHEAD;
	if (len > INT32_MAX || ad_len > INT32_MAX || out_size < len)
		return kansa_error_set(KANSA_ELIMIT, KANSA_ERRCLASS_CRYPTO, "aead: value too big");
	if ((c = EVP_CIPHER_CTX_new()) == NULL ||
	    aes_256_gcm() == NULL || EVP_DecryptInit_ex(c, aes_256_gcm(), NULL, key, in) != 1 ||
	    (ad_len > 0 && EVP_DecryptUpdate(c, NULL, &n, ad, (int)ad_len) != 1) ||
	    (len > 0 && EVP_DecryptUpdate(c, out, &n, in + NONCE_LEN, (int)len) != 1) ||
	    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, TAG_LEN,
	    (void *)(uintptr_t)(in + NONCE_LEN + len)) != 1) {
		error = kansa_error_openssl(KANSA_ERROR, "aead: AES-256-GCM decryption failed");
		goto out;
	}
	/* REQ: STORE-PG-AEAD a changed byte, key or associated data fails the tag */
	if (EVP_DecryptFinal_ex(c, out + len, &n) != 1) {
		error = kansa_error_set(KANSA_EVERIFY, KANSA_ERRCLASS_CRYPTO,
		    "aead: authentication failed (the value was altered, or another key)");
		goto out;
	}
	*out_len = len;
out:
	if (error < 0 && len > 0 && out_size >= len)
		OPENSSL_cleanse(out, len);
	EVP_CIPHER_CTX_free(c);
	return error;
}

int kansa_hkdf_sha256(uint8_t *out, size_t out_len, const uint8_t *ikm, size_t ikm_len,
    const uint8_t *salt, size_t salt_len, const char *info)
{
	OSSL_PARAM params[5], *q = params;
	EVP_KDF *kdf = NULL;
	EVP_KDF_CTX *kctx = NULL;
	int error = 0;

	if (out == NULL || out_len == 0 || ikm == NULL || ikm_len == 0 || info == NULL)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_CRYPTO, "hkdf: invalid parameters");
	*q++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)"SHA256", 0);
	*q++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)(uintptr_t)ikm, ikm_len);
	*q++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT,
	    (void *)(uintptr_t)(salt ? salt : (const uint8_t *)""), salt ? salt_len : 0);
	*q++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO,
	    (void *)(uintptr_t)info, strlen(info));
	*q = OSSL_PARAM_construct_end();
	if ((kdf = EVP_KDF_fetch(NULL, "HKDF", NULL)) == NULL ||
	    (kctx = EVP_KDF_CTX_new(kdf)) == NULL) {
		error = kansa_error_openssl(KANSA_ERROR, "HKDF is not available");
		goto out;
	}
	if (EVP_KDF_derive(kctx, out, out_len, params) != 1) {
		OPENSSL_cleanse(out, out_len);
		error = kansa_error_openssl(KANSA_ERROR, "HKDF failed");
	}
out:
	EVP_KDF_CTX_free(kctx);
	EVP_KDF_free(kdf);
	return error;
}

int kansa_hmac_sha256(uint8_t out[KANSA_HASH_LEN], const uint8_t *key, size_t key_len,
    const uint8_t *data, size_t len)
{
	size_t n = 0;

	if (EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL, key, key_len, data, len, out,
	    KANSA_HASH_LEN, &n) == NULL || n != KANSA_HASH_LEN)
		return kansa_error_openssl(KANSA_ERROR, "HMAC-SHA256 failed");
	return 0;
}
