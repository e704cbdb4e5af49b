/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file kansa.h
 * @brief The one public header of libkansa: independent oversight of active
 * cyber defence.
 *
 * Commission members sign warrants (COSE_Sign over canonical CBOR) with
 * Ed25519 keys; integrating systems call kansa_check() for every act; every
 * decision is written to an encrypted, hash-chained ledger before it is
 * returned. See docs/ and the design contract for formats and guarantees.
 *
 * Conventions (as libgit2):
 *  - functions are kansa_<noun>_<verb>; types are opaque;
 *  - every fallible call returns int: 0 on success, a negative
 *    kansa_error_code on failure, with detail from kansa_error_last();
 *  - an object returned through `T **out` belongs to the caller, who frees it
 *    with kansa_<T>_free(); every _free accepts NULL; on error *out is NULL;
 *  - the library never prints, never exits, never reads a file the caller
 *    did not name.
 *
 * This header exposes no OpenSSL, SQLCipher, libgit2 or libcbor type.
 */
#ifndef KANSA_H
#define KANSA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define KANSA_EXTERN(type) __attribute__((visibility("default"))) type
#else
#define KANSA_EXTERN(type) type
#endif

#define KANSA_VERSION "0.1.0"

/* ---------------------------------------------------------------------- */
/* Errors                                                                  */
/* ---------------------------------------------------------------------- */

/** Error codes. Never renumbered; new codes are appended. */
typedef enum {
	KANSA_OK = 0,
	KANSA_ERROR = -1,     /**< generic or internal: see kansa_error_last() */
	KANSA_ENOMEM = -2,    /**< out of memory */
	KANSA_ENOTFOUND = -3, /**< file, entry or document not found */
	KANSA_EFORMAT = -4,   /**< malformed input: CBOR, PEM, JSON, row */
	KANSA_EVERIFY = -5,   /**< well-formed, but a signature, hash or chain fails */
	KANSA_EDENIED = -6,   /**< valid, but does not authorise this act */
	KANSA_EEXPIRED = -7,  /**< outside its validity period */
	KANSA_ELIMIT = -8,    /**< a bound of kansa_limits.h was exceeded */
	KANSA_EKEY = -9,      /**< wrong key or passphrase */
	KANSA_ELOCKED = -10,  /**< database or repository busy past the timeout */
	KANSA_EIO = -11,      /**< I/O error: read, write, fsync, disk full */
	KANSA_EPERM = -12,    /**< insecure permissions on a secret file */
	KANSA_EEXISTS = -13,  /**< refusing to overwrite an existing file */
	KANSA_EINVAL = -14,   /**< invalid argument from the caller (a bug) */
} kansa_error_code;

/** Classes of error: which part of the library raised it. */
typedef enum {
	KANSA_ERRCLASS_NONE = 0,
	KANSA_ERRCLASS_OS,
	KANSA_ERRCLASS_CRYPTO,
	KANSA_ERRCLASS_CBOR,
	KANSA_ERRCLASS_COSE,
	KANSA_ERRCLASS_DOCUMENT,
	KANSA_ERRCLASS_LEDGER,
	KANSA_ERRCLASS_GIT,
} kansa_error_class;

/** The last error raised on this thread. */
typedef struct {
	int code;          /**< a kansa_error_code */
	int klass;         /**< a kansa_error_class */
	char message[256]; /**< one lowercase line, no trailing period */
} kansa_error;

/**
 * The detail of the last error on the calling thread.
 * @return never NULL; borrowed, valid until the next kansa call on this
 * thread. When no error was raised, code is 0 and message is empty.
 */
KANSA_EXTERN(const kansa_error *) kansa_error_last(void);

/**
 * Set the calling thread's error (for callers that report through the same
 * channel, as the CLI does). @return @p code.
 */
KANSA_EXTERN(int) kansa_error_set_str(int code, const char *message);

/** Forget the last error of the calling thread. */
KANSA_EXTERN(void) kansa_error_clear(void);

/**
 * A short fixed description of an error code ("wrong key or passphrase").
 * @return a static string; never NULL.
 */
KANSA_EXTERN(const char *) kansa_strerror(int code);

/** The short symbolic name of an error code ("EKEY"), for JSON output. */
KANSA_EXTERN(const char *) kansa_error_name(int code);

/**
 * Optional process-wide setup, for programs that handle secrets: reserves
 * OpenSSL's secure heap (mlock'ed, not swapped out) for kansa_secret. Call
 * once before other threads start; kansa works without it (secrets then
 * live in the ordinary heap, still wiped on free). @return 0 always.
 */
KANSA_EXTERN(int) kansa_global_init(void);

/** Undo kansa_global_init() at exit. */
KANSA_EXTERN(void) kansa_global_shutdown(void);

/** The library's version string. */
KANSA_EXTERN(const char *) kansa_version(void);

/* ---------------------------------------------------------------------- */
/* Secrets                                                                 */
/* ---------------------------------------------------------------------- */

/**
 * A secret: a passphrase or raw key. Its bytes live in OpenSSL's secure heap
 * where available and are wiped with OPENSSL_cleanse when it is freed.
 */
typedef struct kansa_secret kansa_secret;

/**
 * Allocate a zeroed secret of @p len bytes (at most KANSA_MAX_SECRET_BYTES).
 * @return 0, KANSA_ENOMEM or KANSA_ELIMIT.
 */
KANSA_EXTERN(int) kansa_secret_new(kansa_secret **out, size_t len);

/** Copy @p len bytes into a new secret. The caller wipes its own copy. */
KANSA_EXTERN(int) kansa_secret_from(kansa_secret **out, const void *data, size_t len);

/**
 * Read a secret from a file: the first line, without its line ending.
 * The file must not be readable or writable by group or others.
 * @return 0, KANSA_ENOTFOUND, KANSA_EPERM (mode too open), KANSA_EIO,
 * KANSA_ELIMIT (longer than KANSA_MAX_SECRET_BYTES) or KANSA_EFORMAT (empty).
 */
KANSA_EXTERN(int) kansa_secret_read_file(kansa_secret **out, const char *path);

/** The secret's bytes; borrowed, valid until the secret is freed. */
KANSA_EXTERN(const uint8_t *) kansa_secret_data(const kansa_secret *s);

/** The secret's length in bytes. */
KANSA_EXTERN(size_t) kansa_secret_len(const kansa_secret *s);

/** Wipe and free a secret. Accepts NULL. */
KANSA_EXTERN(void) kansa_secret_free(kansa_secret *s);

/* ---------------------------------------------------------------------- */
/* Keys                                                                    */
/* ---------------------------------------------------------------------- */

#define KANSA_KID_LEN 8      /**< key id: first 8 bytes of SHA-256(raw public key) */
#define KANSA_PUBKEY_LEN 32  /**< raw Ed25519 public key */
#define KANSA_SIG_LEN 64     /**< Ed25519 signature */
#define KANSA_HASH_LEN 32    /**< SHA-256 */

/** An Ed25519 key: a private key (which can also verify) or a public key. */
typedef struct kansa_key kansa_key;

/** Generate a fresh Ed25519 private key. @return 0, KANSA_ERROR, KANSA_ENOMEM. */
KANSA_EXTERN(int) kansa_key_generate(kansa_key **out);

/** A private key from its 32-byte RFC 8032 seed. */
KANSA_EXTERN(int) kansa_key_from_seed(kansa_key **out, const uint8_t seed[32]);

/** A public key from its 32 raw bytes. @return 0 or KANSA_EFORMAT. */
KANSA_EXTERN(int) kansa_key_from_public(kansa_key **out, const uint8_t pub[KANSA_PUBKEY_LEN]);

/**
 * Load a key from PEM text: PKCS#8 private key ("PRIVATE KEY" or
 * "ENCRYPTED PRIVATE KEY") or SubjectPublicKeyInfo ("PUBLIC KEY").
 * @param passphrase needed for an encrypted key; may be NULL otherwise.
 * @return 0; KANSA_EFORMAT (not PEM, truncated, not Ed25519: the message
 * says which); KANSA_EKEY (encrypted and the passphrase is wrong or missing).
 */
KANSA_EXTERN(int) kansa_key_parse_pem(kansa_key **out, const char *pem, size_t len,
    const kansa_secret *passphrase);

/**
 * Load a key file (see kansa_key_parse_pem). A file holding a private key
 * is refused with KANSA_EPERM when group or others may read or write it.
 * Symbolic links are not followed.
 * @return as kansa_key_parse_pem, plus KANSA_ENOTFOUND, KANSA_EIO, KANSA_EPERM.
 */
KANSA_EXTERN(int) kansa_key_load(kansa_key **out, const char *path,
    const kansa_secret *passphrase);

/** Whether a private key file needs a passphrase (is encrypted PKCS#8). */
KANSA_EXTERN(bool) kansa_key_file_is_encrypted(const char *path);

/**
 * Write a private key as PKCS#8 PEM, atomically, mode 0600: written to a
 * temporary file in the same directory, fsync'd, then linked into place;
 * an existing @p path is never overwritten. With a passphrase the key is
 * encrypted with AES-256-CBC under a scrypt-derived key (N=2^14, r=8, p=1,
 * as `openssl pkcs8 -scrypt`); with NULL it is written unencrypted.
 * @return 0, KANSA_EINVAL (not a private key), KANSA_EEXISTS, KANSA_EIO.
 * On failure no file is left at @p path nor any temporary file.
 */
KANSA_EXTERN(int) kansa_key_save_private(const kansa_key *key, const char *path,
    const kansa_secret *passphrase);

/** Write the public key as SubjectPublicKeyInfo PEM, atomically (mode 0644). */
KANSA_EXTERN(int) kansa_key_save_public(const kansa_key *key, const char *path);

/**
 * The public key as SubjectPublicKeyInfo PEM text.
 * @param[out] out NUL-terminated, owned by the caller: free with free().
 */
KANSA_EXTERN(int) kansa_key_public_pem(char **out, const kansa_key *key);

/**
 * Give the key a name (a commission member's name, [A-Za-z0-9._@-], at most
 * 64 characters). Saved key files carry it on a "kansa-name:" line before
 * the PEM block, which OpenSSL ignores. @return 0 or KANSA_EFORMAT.
 */
KANSA_EXTERN(int) kansa_key_set_name(kansa_key *key, const char *name);

/** The key's name, or "" when it has none. Borrowed, valid until the key is freed. */
KANSA_EXTERN(const char *) kansa_key_name(const kansa_key *key);

/** Whether the key holds a private part. */
KANSA_EXTERN(bool) kansa_key_is_private(const kansa_key *key);

/** The 32 raw public-key bytes. */
KANSA_EXTERN(void) kansa_key_public_raw(uint8_t out[KANSA_PUBKEY_LEN], const kansa_key *key);

/** The key id: SHA-256(raw public key)[0..8]. */
KANSA_EXTERN(void) kansa_key_kid(uint8_t out[KANSA_KID_LEN], const kansa_key *key);

/**
 * Sign a message (pure Ed25519, RFC 8032).
 * @return 0, KANSA_EINVAL (public key only), KANSA_ERROR.
 */
KANSA_EXTERN(int) kansa_key_sign(uint8_t out[KANSA_SIG_LEN], const kansa_key *key,
    const uint8_t *msg, size_t len);

/**
 * Verify an Ed25519 signature.
 * @return 0 when valid, KANSA_EVERIFY when not.
 */
KANSA_EXTERN(int) kansa_key_verify(const kansa_key *key, const uint8_t *msg, size_t len,
    const uint8_t sig[KANSA_SIG_LEN]);

/** Free a key (its private part is wiped). Accepts NULL. */
KANSA_EXTERN(void) kansa_key_free(kansa_key *key);

/* ---------------------------------------------------------------------- */
/* Hashing and encoding helpers                                            */
/* ---------------------------------------------------------------------- */

/** SHA-256 of @p len bytes. */
KANSA_EXTERN(int) kansa_sha256(uint8_t out[KANSA_HASH_LEN], const uint8_t *data, size_t len);

/** Lowercase hex of @p len bytes into @p out, which holds 2*len+1 chars. */
KANSA_EXTERN(void) kansa_hex_encode(char *out, const uint8_t *data, size_t len);

/**
 * Parse exactly @p len bytes of hex (either case) from a NUL-terminated
 * string of exactly 2*len digits. @return 0 or KANSA_EFORMAT.
 */
KANSA_EXTERN(int) kansa_hex_decode(uint8_t *out, size_t len, const char *hex);

/* ---------------------------------------------------------------------- */
/* Files                                                                   */
/* ---------------------------------------------------------------------- */

/** Flags for kansa_file_read() and kansa_file_write(). */
enum {
	KANSA_FILE_SECRET = 1 << 0,  /**< read: refuse if group/others have access; write: mode 0600 */
	KANSA_FILE_REPLACE = 1 << 1, /**< write: atomically replace an existing file */
};

/**
 * Read a whole file (symbolic links are not followed; "-" is stdin).
 * @param[out] out owned by the caller, free with free(); NUL-terminated
 * (the NUL is not counted in *len_out).
 * @param max the largest size accepted.
 * @return 0, KANSA_ENOTFOUND, KANSA_EIO, KANSA_ELIMIT (larger than max),
 * KANSA_EPERM (KANSA_FILE_SECRET and the mode is too open).
 */
KANSA_EXTERN(int) kansa_file_read(uint8_t **out, size_t *len_out, const char *path,
    size_t max, int flags);

/**
 * Write a whole file atomically: a temporary file in the same directory is
 * written, fsync'd and then linked (or, with KANSA_FILE_REPLACE, renamed)
 * into place, and the directory is fsync'd. On failure nothing is left
 * behind. Without KANSA_FILE_REPLACE an existing file is never overwritten.
 * @param mode permission bits of the new file (forced to 0600 with
 * KANSA_FILE_SECRET).
 * @return 0, KANSA_EEXISTS, KANSA_EIO.
 */
KANSA_EXTERN(int) kansa_file_write(const char *path, const void *data, size_t len,
    unsigned mode, int flags);

/* @@KANSA_API_MORE@@ later modules add their declarations above this line */

#ifdef __cplusplus
}
#endif
#endif /* KANSA_H */
