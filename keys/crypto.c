/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Thin adapters over OpenSSL: SHA-256, randomness, constant-time compare,
 * wiping, and the translation of OpenSSL's error queue into kansa errors.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "keys/keys.h"

struct kansa_sha256_ctx {
	EVP_MD_CTX *md; /* owned */
};

int kansa_error_openssl(int code, const char *fmt, ...)
{
	char what[160], reason[128] = "";
	unsigned long e;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if ((e = ERR_peek_last_error()) != 0)
		ERR_error_string_n(e, reason, sizeof(reason));
	ERR_clear_error();
	if (reason[0])
		return kansa_error_set(code, KANSA_ERRCLASS_CRYPTO, "%s (openssl: %s)", what, reason);
	return kansa_error_set(code, KANSA_ERRCLASS_CRYPTO, "%s", what);
}

bool kansa_ct_equal(const void *a, const void *b, size_t len)
{
	return CRYPTO_memcmp(a, b, len) == 0;
}

void kansa_wipe(void *p, size_t len)
{
	OPENSSL_cleanse(p, len);
}

int kansa_random(uint8_t *out, size_t len)
{
	if (len > INT32_MAX || RAND_bytes(out, (int)len) != 1)
		return kansa_error_openssl(KANSA_ERROR, "random number generator failed");
	return 0;
}

/* SHA-256 fetched from the provider once: EVP_sha256() makes every digest
 * look it up again under a lock (a third of a hash of 64 bytes). Never
 * freed: one object for the life of the process. */
static EVP_MD *sha256_md;
static pthread_once_t sha256_once = PTHREAD_ONCE_INIT;

static void sha256_fetch(void)
{
	sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL);
}

static const EVP_MD *sha256(void)
{
	pthread_once(&sha256_once, sha256_fetch);
	return sha256_md ? sha256_md : EVP_sha256();
}

int kansa_sha256(uint8_t out[KANSA_HASH_LEN], const uint8_t *data, size_t len)
{
	if (EVP_Digest(data, len, out, NULL, sha256(), NULL) != 1)
		return kansa_error_openssl(KANSA_ERROR, "sha-256 failed");
	return 0;
}

int kansa_sha256_leaf(uint8_t out[KANSA_HASH_LEN], const uint8_t *data, size_t len)
{
	static const uint8_t prefix = 0x00; /* RFC 9162 2.1.1: the leaf domain */
	kansa_sha256_ctx *c = NULL;
	uint8_t buf[2048];
	int error;

	if (data == NULL && len > 0)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_LEDGER, "leaf hash: no data");
	if (len < sizeof(buf)) { /* most entries: one call, no context to allocate */
		buf[0] = prefix;
		if (len > 0)
			memcpy(buf + 1, data, len);
		return kansa_sha256(out, buf, len + 1);
	}
	if ((error = kansa_sha256_new(&c)) < 0)
		return error;
	if ((error = kansa_sha256_update(c, &prefix, 1)) == 0 &&
	    (error = kansa_sha256_update(c, data, len)) == 0)
		error = kansa_sha256_final(out, c);
	kansa_sha256_free(c);
	return error;
}

int kansa_sha256_new(kansa_sha256_ctx **out)
{
	kansa_sha256_ctx *c;

	*out = NULL;
	if ((c = OPENSSL_zalloc(sizeof(*c))) == NULL)
		return kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
	if ((c->md = EVP_MD_CTX_new()) == NULL || EVP_DigestInit_ex(c->md, sha256(), NULL) != 1) {
		kansa_sha256_free(c);
		return kansa_error_openssl(KANSA_ERROR, "sha-256 init failed");
	}
	*out = c;
	return 0;
}

int kansa_sha256_update(kansa_sha256_ctx *c, const void *data, size_t len)
{
	if (EVP_DigestUpdate(c->md, data, len) != 1)
		return kansa_error_openssl(KANSA_ERROR, "sha-256 update failed");
	return 0;
}

int kansa_sha256_final(uint8_t out[KANSA_HASH_LEN], kansa_sha256_ctx *c)
{
	int error = 0;

	if (EVP_DigestFinal_ex(c->md, out, NULL) != 1)
		error = kansa_error_openssl(KANSA_ERROR, "sha-256 final failed");
	else if (EVP_DigestInit_ex(c->md, sha256(), NULL) != 1) /* ready for reuse */
		error = kansa_error_openssl(KANSA_ERROR, "sha-256 init failed");
	return error;
}

void kansa_sha256_free(kansa_sha256_ctx *c)
{
	if (c == NULL)
		return;
	EVP_MD_CTX_free(c->md);
	OPENSSL_free(c);
}
