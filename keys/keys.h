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

/*
 * Open @p path to read it (keys/file.c): no symbolic link, never blocking
 * (a FIFO is refused at once), a regular file only, and with
 * KANSA_FILE_SECRET a mode closed to group and others. *fd_out is the open
 * descriptor (the caller closes it) or -1. @p what prefixes the name in
 * messages ("" or "secret file "). Returns 0, KANSA_ENOTFOUND, KANSA_EIO,
 * KANSA_EFORMAT (not a regular file; KANSA_EIO for a secret), KANSA_EPERM.
 */
struct stat;
int kansa_file__open_read(int *fd_out, struct stat *st_out, const char *path, int flags,
    const char *what);

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

/* The RFC 9162 §2.1.1 leaf hash, SHA-256(0x00 || data): the one
 * implementation behind kansa_merkle_leaf_hash() and every entry's leaf. */
int kansa_sha256_leaf(uint8_t out[KANSA_HASH_LEN], const uint8_t *data, size_t len);

/* Record an OpenSSL failure: @p what, then the queued OpenSSL reasons;
 * drains and clears OpenSSL's error queue. Returns @p code. */
int kansa_error_openssl(int code, const char *fmt, ...) KANSA_PRINTF(2, 3);

/*
 * Standard base64 (RFC 4648 section 4, with '=' padding), through OpenSSL's
 * EVP_EncodeBlock/EVP_DecodeBlock. Added for signed notes and proof text.
 */

/* Characters of the base64 encoding of @p len bytes, without the NUL. */
size_t kansa_base64_encoded_len(size_t len);

/*
 * Encode @p len bytes into @p out, which holds @p out_size chars; the
 * result is NUL-terminated. Returns 0, or KANSA_ELIMIT when out_size is less
 * than kansa_base64_encoded_len(len) + 1 or len is too large for OpenSSL.
 */
int kansa_base64_encode(char *out, size_t out_size, const uint8_t *data, size_t len);

/*
 * Decode exactly @p in_len chars of strict base64 into @p out (room for
 * @p out_size bytes); *len_out gets the decoded length. Strict: the length
 * is a multiple of 4, only the RFC 4648 alphabet, no whitespace or line
 * breaks, '=' only as one or two final pad characters, and the unused bits
 * before the padding are zero (the canonical encoding). Empty input decodes
 * to zero bytes. Returns 0, KANSA_EFORMAT (not strict base64) or
 * KANSA_ELIMIT (the decoded bytes do not fit in out_size).
 */
int kansa_base64_decode(uint8_t *out, size_t out_size, size_t *len_out,
    const char *in, size_t in_len);

/*
 * scrypt (RFC 7914) via EVP_KDF "SCRYPT": derive @p out_len bytes from a
 * passphrase and salt. @p n must be a power of two; OpenSSL's memory cap is
 * raised to what n, r, p need. The caller wipes @p out after use.
 * Returns 0, KANSA_EINVAL, KANSA_ELIMIT or KANSA_ERROR (OpenSSL failure).
 */
int kansa_kdf_scrypt(uint8_t *out, size_t out_len, const kansa_secret *passphrase,
    const uint8_t *salt, size_t salt_len, uint64_t n, uint32_t r, uint32_t p);

/*
 * Whether raw Ed25519 public key bytes may stand for a signer. Refused with
 * KANSA_EFORMAT: an encoding with y >= 2^255 - 19 ("not canonically
 * encoded"), and any encoding of one of the eight small-order points ("a
 * small-order point"), for which a signature with R = identity and S = 0
 * verifies on every message. Called by every path that makes a kansa_key,
 * so no other module checks again. Returns 0 or KANSA_EFORMAT.
 */
int kansa_key__pub_check(const uint8_t pub[KANSA_PUBKEY_LEN]);

/* The 32-byte RFC 8032 seed of a private key, into a new secret (for
 * keeping the ledger's signing key inside the encrypted database). */
int kansa_key__seed(kansa_secret **out, const kansa_key *key);

/* ---- keys/aead.c: AES-256-GCM, HKDF-SHA256, HMAC-SHA256 (OpenSSL EVP) ---- */
#define KANSA_AEAD_KEY_LEN 32
#define KANSA_AEAD_OVERHEAD (12 + 16) /* the random nonce before, the tag after */

/*
 * Seal @p pt under @p key with associated data @p ad: out = nonce || ct ||
 * tag, *out_len = len + KANSA_AEAD_OVERHEAD (@p out_size at least that).
 * Returns 0, KANSA_ELIMIT, KANSA_ERROR.
 */
int kansa_aead_seal(uint8_t *out, size_t out_size, size_t *out_len,
    const uint8_t key[KANSA_AEAD_KEY_LEN], const uint8_t *ad, size_t ad_len,
    const uint8_t *pt, size_t len);
/* Open a sealed value: KANSA_EVERIFY when the tag fails (altered bytes,
 * another key or other associated data); nothing is left in @p out then. */
int kansa_aead_open(uint8_t *out, size_t out_size, size_t *out_len,
    const uint8_t key[KANSA_AEAD_KEY_LEN], const uint8_t *ad, size_t ad_len,
    const uint8_t *in, size_t in_len);
/* HKDF-SHA256 (RFC 5869) of @p ikm with @p salt (may be NULL) and @p info. */
int kansa_hkdf_sha256(uint8_t *out, size_t out_len, const uint8_t *ikm, size_t ikm_len,
    const uint8_t *salt, size_t salt_len, const char *info);
/* HMAC-SHA256 of @p data under @p key. */
int kansa_hmac_sha256(uint8_t out[KANSA_HASH_LEN], const uint8_t *key, size_t key_len,
    const uint8_t *data, size_t len);

#endif
