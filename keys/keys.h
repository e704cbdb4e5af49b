/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internal interface of keys/, the only module that calls OpenSSL's EVP:
 * Ed25519, SHA-256, randomness, constant-time compares, secret buffers and
 * careful file I/O for secrets. Modules above use these helpers and never
 * OpenSSL directly (except OPENSSL_cleanse).
 */
#ifndef KANSA_KEYS_H
#define KANSA_KEYS_H

#include "common/common.h"

/* Constant-time equality of two equal-length byte strings (CRYPTO_memcmp). */
bool kansa_ct_equal(const void *a, const void *b, size_t len);

/* Wipe memory (OPENSSL_cleanse). */
void kansa_wipe(void *p, size_t len);

/* Cryptographically strong random bytes. */
int kansa_random(uint8_t *out, size_t len);

/* Incremental SHA-256 for hashing in pieces (leaf = 0x00 || entry). */
typedef struct kansa_sha256_ctx kansa_sha256_ctx;
int kansa_sha256_new(kansa_sha256_ctx **out);
int kansa_sha256_update(kansa_sha256_ctx *c, const void *data, size_t len);
int kansa_sha256_final(uint8_t out[KANSA_HASH_LEN], kansa_sha256_ctx *c);
void kansa_sha256_free(kansa_sha256_ctx *c);

/* Record an OpenSSL failure: @p what, then the queued OpenSSL reasons;
 * drains and clears OpenSSL's error queue. Returns @p code. */
int kansa_error_openssl(int code, const char *fmt, ...) KANSA_PRINTF(2, 3);

#endif
