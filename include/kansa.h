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
/* Basics: errors, limits, hashing, files                                 */
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
	KANSA_ERRCLASS_OS = 1,
	KANSA_ERRCLASS_CRYPTO = 2,
	KANSA_ERRCLASS_CBOR = 3,
	KANSA_ERRCLASS_COSE = 4,
	KANSA_ERRCLASS_DOCUMENT = 5,
	KANSA_ERRCLASS_LEDGER = 6,
	KANSA_ERRCLASS_GIT = 7,
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

/* Limits: the sizes and bounds a caller needs (internal ones are in the
 * library's own limits header). */

#define KANSA_KID_LEN 8      /**< key id: first 8 bytes of SHA-256(raw public key) */
#define KANSA_PUBKEY_LEN 32  /**< raw Ed25519 public key */
#define KANSA_SIG_LEN 64     /**< Ed25519 signature */
#define KANSA_HASH_LEN 32    /**< SHA-256 */

/** Largest signed document (COSE bytes) and largest document or request JSON accepted. */
#define KANSA_MAX_DOC_BYTES (1024 * 1024)
#define KANSA_MAX_JSON_BYTES (1024 * 1024)
/** Largest request recorded as it is (1 MiB less 1 KiB of entry fields); a larger one is
 * denied as malformed-request and recorded by its SHA-256 and size. */
#define KANSA_MAX_REQUEST_BYTES (1024 * 1024 - 1024)

/** Most hashes in a proof: PATH has at most 64 for a 64-bit tree size, PROOF 65. */
#define KANSA_MERKLE_MAX_PROOF 65
/** Longest proof text accepted by kansa_merkle_proof_parse() (65 hashes need about 3 KiB). */
#define KANSA_MAX_PROOF_TEXT_BYTES 4096
/** Largest signed note accepted (C2SP asks for room for 16 post-quantum signatures). */
#define KANSA_NOTE_MAX_BYTES (256 * 1024)
/** Most signature lines in a note (as Go's golang.org/x/mod/sumdb/note; C2SP requires >= 16). */
#define KANSA_NOTE_MAX_SIGNATURES 100
/** Longest note key name, in bytes. */
#define KANSA_NOTE_MAX_NAME 255
/** Longest checkpoint origin line, in bytes. */
#define KANSA_CHECKPOINT_MAX_ORIGIN 255
/** Most verifier keys given to one verification (the bits of verified_mask). */
#define KANSA_NOTE_MAX_VERIFIERS 64

/** The system clock is reported when it is this far after the last entry's time (24 h). */
#define KANSA_CLOCK_MAX_AHEAD (24 * 3600)
/** ... or this far before it (5 min): entries then keep the last entry's time. */
#define KANSA_CLOCK_MAX_BEHIND (5 * 60)

/** Hex digits of a commit id, plus the NUL. */
#define KANSA_ANCHOR_COMMIT_HEX (40 + 1)
/** Cosigners listed by name in one kansa_anchor_checkpoint (more are counted). */
#define KANSA_ANCHOR_MAX_LISTED 16

/** Largest signed receipt (COSE_Sign1 bytes, design §9) a check returns or a verifier accepts. */
#define KANSA_RECEIPT_MAX_BYTES 1024
/** How long a receipt is valid after its entry's time when the policy names no receipt_ttl (s). */
#define KANSA_RECEIPT_TTL 300
/** The longest receipt_ttl a policy may set (s): a receipt is a short-lived permission. */
#define KANSA_RECEIPT_MAX_TTL 3600
/** Longest text field of a receipt (requester, officer: a document's ID text), in bytes. */
#define KANSA_RECEIPT_MAX_TEXT 127
/** Characters of a receipt's base64 text (kansa_receipt_to_base64()), with the NUL. */
#define KANSA_RECEIPT_MAX_BASE64 (4 * ((KANSA_RECEIPT_MAX_BYTES + 2) / 3) + 1)
/** Largest proven receipt (a receipt with its inclusion proof and checkpoint, design §9). */
#define KANSA_PROVEN_RECEIPT_MAX_BYTES 16384

/** SHA-256 of @p len bytes. */
KANSA_EXTERN(int) kansa_sha256(uint8_t out[KANSA_HASH_LEN], const uint8_t *data, size_t len);

/** Lowercase hex of @p len bytes into @p out, which holds 2*len+1 chars. */
KANSA_EXTERN(void) kansa_hex_encode(char *out, const uint8_t *data, size_t len);

/**
 * Parse exactly @p len bytes of hex (either case) from a NUL-terminated
 * string of exactly 2*len digits. @return 0 or KANSA_EFORMAT.
 */
KANSA_EXTERN(int) kansa_hex_decode(uint8_t *out, size_t len, const char *hex);

/** Flags for kansa_file_read() and kansa_file_write(). */
enum {
	KANSA_FILE_SECRET = 1 << 0,  /**< read: refuse if group/others have access; write: mode 0600 */
	KANSA_FILE_REPLACE = 1 << 1, /**< write: atomically replace an existing file */
};

/**
 * Read a whole file (symbolic links are not followed; "-" is stdin).
 * Only a regular file is read: a FIFO, device or directory is refused at
 * once, without waiting for a writer.
 * @param[out] out owned by the caller, free with free(); NUL-terminated
 * (the NUL is not counted in *len_out).
 * @param max the largest size accepted.
 * @return 0, KANSA_ENOTFOUND, KANSA_EIO, KANSA_ELIMIT (larger than max),
 * KANSA_EFORMAT (not a regular file; KANSA_EIO with KANSA_FILE_SECRET),
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

/* ---------------------------------------------------------------------- */
/* Keys and secrets                                                       */
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
 * The file must not be readable or writable by group or others, and must
 * be a regular file (a FIFO is refused at once with KANSA_EIO).
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

/** An Ed25519 key: a private key (which can also verify) or a public key. */
typedef struct kansa_key kansa_key;

/** Generate a fresh Ed25519 private key. @return 0, KANSA_ERROR, KANSA_ENOMEM. */
KANSA_EXTERN(int) kansa_key_generate(kansa_key **out);

/** A private key from its 32-byte RFC 8032 seed. */
KANSA_EXTERN(int) kansa_key_from_seed(kansa_key **out, const uint8_t seed[32]);

/**
 * A public key from its 32 raw bytes.
 * @return 0 or KANSA_EFORMAT: also for a key that is not canonically encoded
 * (y >= 2^255 - 19) or is one of the eight small-order points, which would
 * accept signatures nobody made. Every other way to get a key refuses them too.
 */
KANSA_EXTERN(int) kansa_key_from_public(kansa_key **out, const uint8_t pub[KANSA_PUBKEY_LEN]);

/**
 * Load a key from PEM text: PKCS#8 private key ("PRIVATE KEY" or
 * "ENCRYPTED PRIVATE KEY") or SubjectPublicKeyInfo ("PUBLIC KEY").
 * @param passphrase needed for an encrypted key; may be NULL otherwise.
 * @return 0; KANSA_EFORMAT (not PEM, truncated, not Ed25519, a small-order
 * or non-canonical public key: the message says which); KANSA_EKEY (encrypted and the passphrase is wrong or missing).
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
/* Signed documents: policies, warrants, revocations, ratifications       */
/* ---------------------------------------------------------------------- */

/** Kinds of signed document (the COSE content type application/kansa-<kind>+cbor). */
enum {
	KANSA_DOC_POLICY = 1,       /**< the commission's standing rules */
	KANSA_DOC_WARRANT = 2,      /**< an approval to act */
	KANSA_DOC_REVOCATION = 3,   /**< withdraws a warrant */
	KANSA_DOC_RATIFICATION = 4, /**< approves or refuses an emergency act */
};

/** A parsed signed document of any kind (COSE_Sign, design §3-§4). */
typedef struct kansa_doc kansa_doc;

/** A policy whose signatures and quorum were verified (see kansa_policy_load()). */
typedef struct kansa_policy kansa_policy;

/**
 * Build a draft (a document without signatures) from its JSON form
 * (docs/documents.md). Times may be RFC 3339 or relative to @p now ("now",
 * "+30d", "-2h"); a warrant gets issued_at = @p now and a random 16-byte
 * cti. A policy member's "public_key" is PEM text, or a PEM file name taken
 * relative to @p base_dir; with @p base_dir NULL no file is ever read.
 * @param[out] out the COSE bytes, owned by the caller: free with free().
 * @param kind a KANSA_DOC_* kind.
 * @return 0; KANSA_EFORMAT (the message names the field, e.g.
 * "scope.targets[2]: not an IP prefix: 203.0.113.0/33"); KANSA_ELIMIT (a
 * bound of kansa_limits.h); KANSA_ENOTFOUND or KANSA_EIO (a key file);
 * KANSA_EINVAL (unknown kind); KANSA_ENOMEM.
 */
KANSA_EXTERN(int) kansa_doc_create_json(uint8_t **out, size_t *out_len, int kind,
    const char *json, size_t json_len, const char *base_dir, int64_t now);

/**
 * Parse a signed document strictly (canonical CBOR, known keys, exact
 * types). Nothing is verified yet: see kansa_doc_verify().
 * @param expected_kind a KANSA_DOC_* kind, or 0 for any.
 * @param[out] out owned by the caller: free with kansa_doc_free(). The input
 * is copied; it may be freed at once.
 * @return 0; KANSA_EFORMAT (malformed, or of another kind: "document is a
 * revocation, not a warrant"); KANSA_ELIMIT; KANSA_ENOMEM.
 */
KANSA_EXTERN(int) kansa_doc_parse(kansa_doc **out, const uint8_t *cose, size_t len,
    int expected_kind);

/**
 * Add one signature by @p key (a private key) to the document @p d (as
 * kansa_doc_parse() gave it: the strict parse a verifier runs), leaving the
 * other signatures byte for byte. If this key already signed, *already is
 * set and *out is a copy of the document's bytes (not an error).
 * @param[out] out the new COSE bytes, owned by the caller: free with free().
 * @return 0; KANSA_ELIMIT (KANSA_MAX_SIGNATURES); KANSA_EINVAL (a public
 * key); KANSA_ENOMEM; KANSA_ERROR.
 */
KANSA_EXTERN(int) kansa_doc_sign(uint8_t **out, size_t *out_len, bool *already,
    const kansa_doc *d, const kansa_key *key);

/**
 * Remove every signature by @p kid from the document @p d, leaving the
 * others byte for byte (a member who signed by mistake, or a stray key).
 * @param[out] out the new COSE bytes, owned by the caller: free with free().
 * @param[out] removed how many signatures were removed (1 unless a kid
 * signed twice).
 * @return 0; KANSA_ENOTFOUND (no signature by that kid); KANSA_ENOMEM;
 * KANSA_ERROR.
 */
KANSA_EXTERN(int) kansa_doc_unsign(uint8_t **out, size_t *out_len, size_t *removed,
    const kansa_doc *d, const uint8_t kid[KANSA_KID_LEN]);

/**
 * The member with @p kid among those who sign @p d: the members of
 * @p policy (the policy in force; for a policy of version n+1, version n),
 * or for a policy of version 1 its own members (@p policy may be NULL).
 * Lets a signer refuse to add a signature that would make the document
 * invalid for every verifier.
 * @param[out] name the member's name, borrowed from @p d or @p policy.
 * @return 0; KANSA_ENOTFOUND (not a member); KANSA_EINVAL (no policy given
 * where one is needed).
 */
KANSA_EXTERN(int) kansa_doc_member(const char **name, const kansa_doc *d,
    const kansa_policy *policy, const uint8_t kid[KANSA_KID_LEN]);

/** The document's kind (KANSA_DOC_*). */
KANSA_EXTERN(int) kansa_doc_kind(const kansa_doc *d);

/** A kind's name ("warrant"), as in content types and messages; "unknown" otherwise. */
KANSA_EXTERN(const char *) kansa_doc_kind_name(int kind);

/** SHA-256 of the document's COSE bytes, as given to kansa_doc_parse(). */
KANSA_EXTERN(void) kansa_doc_hash(uint8_t out[KANSA_HASH_LEN], const kansa_doc *d);

/** The number of signatures on the document (0 for a draft). */
KANSA_EXTERN(size_t) kansa_doc_signature_count(const kansa_doc *d);

/**
 * Verify a document against a policy at time @p now: every signature
 * verifies and is by a member, the commission matches, and enough distinct
 * members signed (a warrant: its action's quorum; a revocation or
 * ratification: the "revoke" quorum; a policy: the "policy" quorum of the
 * previous version @p policy, or of itself for version 1 with @p policy
 * NULL). For a warrant also not_before <= now < expires and the policy's
 * max_validity.
 * @return 0; KANSA_EVERIFY (bad signature, non-member, wrong commission, no
 * quorum, version gap, validity too long); KANSA_EEXPIRED (not yet valid or
 * expired); KANSA_EINVAL (@p policy NULL where one is needed). The reason
 * is in kansa_error_last().
 */
KANSA_EXTERN(int) kansa_doc_verify(const kansa_doc *d, const kansa_policy *policy, int64_t now);

/**
 * The document as one JSON object (what `show --json` prints): kind,
 * hash, the content (commission, cti, subject, action, case, validity,
 * scope, max_uses, ...), signers (each kid, name, valid) and, when a policy
 * is given (or for a policy of version 1, its own), quorum {have, need} and
 * valid / problem. Each signature is verified once, for both.
 * @param[out] out NUL-terminated compact JSON with sorted keys, owned by
 * the caller: free with free().
 * @param[out] verdict (may be NULL) what kansa_doc_verify() would return:
 * 0 when "valid" is true, else its error (the message is "problem");
 * KANSA_EINVAL when no verdict was possible (no policy given).
 * @return 0 or KANSA_ENOMEM.
 */
KANSA_EXTERN(int) kansa_doc_to_json(char **out, int *verdict, const kansa_doc *d, const kansa_policy *policy,
    int64_t now);

/** Free a document. Accepts NULL. */
KANSA_EXTERN(void) kansa_doc_free(kansa_doc *d);

/**
 * Load a policy and verify it: version 1 (@p previous NULL) must carry the
 * "policy" quorum of its own members; version n+1 must be of the same
 * commission and carry the "policy" quorum of @p previous (version n).
 * @param[out] out owned by the caller: free with kansa_policy_free(); it
 * does not borrow @p previous or the input.
 * @return 0; KANSA_EFORMAT (malformed, not a policy); KANSA_EVERIFY (a bad
 * signature, a non-member, no quorum, another commission, a version that
 * does not follow); KANSA_ELIMIT; KANSA_ENOMEM.
 */
KANSA_EXTERN(int) kansa_policy_load(kansa_policy **out, const uint8_t *cose, size_t len,
    const kansa_policy *previous);

/**
 * Load a policy without verifying who signed it: for checking a warrant
 * against the policy in force when the versions before it are not at hand
 * (kansa warrant verify with one --policy). The policy's own authority (the
 * "policy" quorum of the version before) is NOT checked: take the file only
 * from a source you trust (the commission, the ledger), or give the chain
 * to kansa_policy_load(). Version 1 is verified anyway (it needs no other).
 * @param[out] out owned by the caller: free with kansa_policy_free().
 * @return 0; KANSA_EFORMAT (malformed, not a policy); for version 1 the
 * errors of kansa_policy_load(); KANSA_ENOMEM.
 */
KANSA_EXTERN(int) kansa_policy_load_unverified(kansa_policy **out, const uint8_t *cose, size_t len);

/** The policy's version (1, 2, ...). */
KANSA_EXTERN(uint64_t) kansa_policy_version(const kansa_policy *p);

/** The policy's commission; borrowed, valid until @p p is freed. */
KANSA_EXTERN(const char *) kansa_policy_commission(const kansa_policy *p);

/** SHA-256 of the policy's COSE bytes. */
KANSA_EXTERN(void) kansa_policy_hash(uint8_t out[KANSA_HASH_LEN], const kansa_policy *p);

/** Free a policy. Accepts NULL. */
KANSA_EXTERN(void) kansa_policy_free(kansa_policy *p);

/**
 * Verify a warrant against a verified policy at time @p now (design §5 rows
 * 1-6, in that order): well-formed, every signature by a member and valid,
 * same commission, the action's quorum of distinct members, not_before <=
 * now < expires, and no longer than the policy's max_validity.
 * @return 0 (valid now); KANSA_EFORMAT (malformed, or not a warrant);
 * KANSA_EVERIFY (bad signature, non-member, wrong commission, no quorum,
 * validity too long); KANSA_EEXPIRED (not yet valid, or expired);
 * KANSA_ELIMIT; KANSA_ENOMEM. The reason is in kansa_error_last().
 */
KANSA_EXTERN(int) kansa_warrant_verify(const kansa_policy *p, const uint8_t *cose, size_t len,
    int64_t now);

/**
 * Build a request's canonical CBOR (what kansa_check() takes) from its JSON
 * form (design §4). Window times may be relative to @p now. At most
 * KANSA_MAX_REQUEST_TARGETS targets (the policy's max_targets is checked by
 * the decision).
 * @param[out] out owned by the caller: free with free().
 * @return 0; KANSA_EFORMAT (naming the field); KANSA_ELIMIT; KANSA_ENOMEM.
 */
KANSA_EXTERN(int) kansa_request_from_json(uint8_t **out, size_t *out_len, const char *json,
    size_t json_len, int64_t now);

/**
 * Parse a time as documents write it: RFC 3339 ("2026-05-01T09:00:00Z",
 * "2026-05-01T18:00:00+09:00"), "now", or an offset from @p now ("+30d",
 * "-2h", "+15m", "+90s"). @return 0 or KANSA_EFORMAT.
 */
KANSA_EXTERN(int) kansa_time_parse(int64_t *out, const char *text, int64_t now);

/** Format a time as RFC 3339 UTC ("2026-05-01T00:00:00Z"). */
KANSA_EXTERN(void) kansa_time_format(char out[32], int64_t t);

/* ---------------------------------------------------------------------- */
/* Ledger: decisions and checks (design §5, §6)                           */
/* ---------------------------------------------------------------------- */

/** The answer to a request. */
typedef enum {
	KANSA_DENY = 0,
	KANSA_ALLOW = 1,
} kansa_verdict;

/**
 * Why a request was allowed or denied (design §5). Denial reasons are listed
 * in the order the checks run. Never renumbered; append only.
 */
typedef enum {
	KANSA_REASON_ALLOWED = 0,              /**< "allowed": inside the warrant and the policy */
	KANSA_REASON_EMERGENCY = 1,            /**< "emergency": allowed without a warrant, to be ratified */
	KANSA_REASON_MALFORMED_REQUEST = 2,    /**< "malformed-request" */
	KANSA_REASON_MALFORMED_WARRANT = 3,    /**< "malformed-warrant" */
	KANSA_REASON_BAD_SIGNATURE = 4,        /**< "bad-signature" */
	KANSA_REASON_WRONG_COMMISSION = 5,     /**< "wrong-commission" */
	KANSA_REASON_NO_QUORUM = 6,            /**< "no-quorum" */
	KANSA_REASON_NOT_YET_VALID = 7,        /**< "not-yet-valid" */
	KANSA_REASON_EXPIRED = 8,              /**< "expired" */
	KANSA_REASON_VALIDITY_TOO_LONG = 9,    /**< "validity-too-long" */
	KANSA_REASON_REVOKED = 10,             /**< "revoked" */
	KANSA_REASON_WRONG_REQUESTER = 11,     /**< "wrong-requester" */
	KANSA_REASON_WRONG_ACTION = 12,        /**< "wrong-action" */
	KANSA_REASON_FORBIDDEN_FIELD = 13,     /**< "forbidden-field" */
	KANSA_REASON_FIELD_OUT_OF_SCOPE = 14,  /**< "field-out-of-scope" */
	KANSA_REASON_TARGET_OUT_OF_SCOPE = 15, /**< "target-out-of-scope" */
	KANSA_REASON_WINDOW_OUT_OF_SCOPE = 16, /**< "window-out-of-scope" */
	KANSA_REASON_OP_NOT_ALLOWED = 17,      /**< "op-not-allowed" */
	KANSA_REASON_USES_EXHAUSTED = 18,      /**< "uses-exhausted" */
	/** "unauthenticated-requester": through the service only (design §10),
	 * the unit whose certificate made the call is not in the policy's
	 * units, is not listed for the action, or is not the request's
	 * requester; checked right after row 1 */
	KANSA_REASON_UNAUTHENTICATED_REQUESTER = 19,
	/** "emergency-out-of-scope": an emergency request (no warrant) reaches
	 * further than the policy's emergency bounds for its action (design
	 * §12: more hosts, an op, a broader prefix or a longer window than
	 * allowed); checked where a warrant's scope would be */
	KANSA_REASON_EMERGENCY_OUT_OF_SCOPE = 20,
	KANSA_REASON_COUNT = 21,
} kansa_reason;

/** The reason's name as in the design and the ledger ("target-out-of-scope"); "unknown" otherwise. */
KANSA_EXTERN(const char *) kansa_reason_name(int reason);

/** The reason for a name, or -1. */
KANSA_EXTERN(int) kansa_reason_from_name(const char *name);

/**
 * An open ledger: one SQLCipher database file (design §6). Safe to share
 * between threads: kansa_check() may be called from many threads at once,
 * and concurrent calls share commits (group commit).
 */
typedef struct kansa_ledger kansa_ledger;

/** What kansa_check() (and the other appends) answer: the recorded entry. */
typedef struct {
	int verdict;                        /**< KANSA_ALLOW or KANSA_DENY */
	int reason;                         /**< kansa_reason */
	uint64_t seq;                       /**< the entry's position in the ledger */
	uint8_t leaf_hash[KANSA_HASH_LEN];  /**< SHA-256(0x00 || entry) */
	int64_t time;                       /**< the recorded decision time */
	int64_t ratify_by;                  /**< emergency acts: ratification deadline, else 0 */
	char detail[200];                   /**< why, for people ("target 198.51.100.1 is not inside ...") */
	bool recorded;                      /**< the entry is durably in the ledger (also when the
						 call failed only in signing the receipt) */
	size_t cose_len;                    /**< bytes of cose in use (0: no signed receipt) */
	uint8_t cose[KANSA_RECEIPT_MAX_BYTES]; /**< the signed receipt (COSE_Sign1, design §9):
						 what the data holder checks, kansa_receipt_verify() */
} kansa_receipt;

/** Flags for kansa_ledger_open(). */
enum {
	KANSA_LEDGER_READONLY = 1 << 0, /**< open for reading only (audit) */
	/** open to audit it (implies read only): the policy state the store
	 * derived (its meta rows) is not loaded, so a damaged one is a finding
	 * of kansa_ledger_audit() and kansa_ledger_report(), not an error of
	 * the open; calls that need the policy in force load it then */
	KANSA_LEDGER_AUDIT = 1 << 1,
};

/**
 * Create a new ledger at @p path: an encrypted database keyed by @p db_key
 * (the contents of a key file: 64 hex digits are a raw 256-bit key,
 * anything else a passphrase put through scrypt), a fresh Ed25519 ledger
 * signing key kept inside the database, and the policy (version 1, which
 * must carry its own quorum of signatures) as entry 0.
 * @return 0; KANSA_EEXISTS; KANSA_EVERIFY (policy signatures or quorum);
 * KANSA_EFORMAT (policy malformed); KANSA_EIO.
 */
KANSA_EXTERN(int) kansa_ledger_init(const char *path, const kansa_secret *db_key,
    const uint8_t *policy, size_t policy_len);

/**
 * Open an existing ledger.
 * @return 0; KANSA_ENOTFOUND; KANSA_EKEY (wrong key, or not a kansa ledger);
 * KANSA_ELOCKED; KANSA_EIO; KANSA_EFORMAT (unknown schema version).
 */
KANSA_EXTERN(int) kansa_ledger_open(kansa_ledger **out, const char *path,
    const kansa_secret *db_key, int flags);

/** Close a ledger. Accepts NULL. Must not race with calls on it. */
KANSA_EXTERN(void) kansa_ledger_close(kansa_ledger *lg);

/** Whether @p lg was opened for reading only (KANSA_LEDGER_READONLY or
 * KANSA_LEDGER_AUDIT): it then stores nothing, not even a checkpoint. */
KANSA_EXTERN(bool) kansa_ledger_is_readonly(const kansa_ledger *lg);

/**
 * Decide on a request and record the decision before answering (design §5,
 * §6). @p warrant is the warrant's COSE bytes, or NULL/0 for an emergency
 * act; @p request the request's canonical CBOR. Any bytes are recorded: a
 * request that does not parse is denied as malformed-request, and one
 * larger than KANSA_MAX_REQUEST_BYTES (1 MiB less 1 KiB) is denied the same way
 * and recorded by the SHA-256 and the size of its bytes instead of them.
 *
 * The receipt is signed with the ledger's log key after the commit, outside
 * the write transaction (out->cose, design §9).
 *
 * @return 0 when the decision (allow or deny) is durably in the ledger,
 * with @p out filled and signed. Otherwise the caller must treat the request
 * as denied: with out->recorded false nothing was recorded (out->verdict is
 * KANSA_DENY): KANSA_EIO, KANSA_ELOCKED, KANSA_EKEY, KANSA_ENOMEM; with
 * out->recorded true the entry IS in the ledger (out->seq, leaf_hash and
 * verdict say what it records) but its receipt could not be signed
 * (out->cose_len 0): KANSA_ERROR, KANSA_ENOMEM, KANSA_ELIMIT.
 * Thread-safe; concurrent calls share one commit; receipts are signed in
 * parallel, each on its caller's thread.
 */
KANSA_EXTERN(int) kansa_check(kansa_receipt *out, kansa_ledger *lg,
    const uint8_t *warrant, size_t warrant_len, const uint8_t *request, size_t request_len);

/**
 * kansa_check() for a request in its JSON form (design §4), as an
 * integrating system or `kansa check` hands it over; relative window times
 * are resolved against @p now. JSON that converts is decided as its
 * canonical CBOR (kansa_request_from_json()) and kept in that form. JSON
 * that does not (invalid JSON or UTF-8, not an object, a wrong type or
 * field, a blank officer, too large) is still recorded, as deny
 * malformed-request with the SHA-256 and the size of the bytes and, in the
 * detail, what could be read of them.
 *
 * @return as kansa_check(); out->seq and out->leaf_hash name the entry.
 */
KANSA_EXTERN(int) kansa_check_json(kansa_receipt *out, kansa_ledger *lg,
    const uint8_t *warrant, size_t warrant_len, const char *request_json, size_t json_len,
    int64_t now);

/**
 * kansa_check() on behalf of an authenticated unit, as `kansa serve` calls
 * it (design §10): @p unit is the name the caller's client certificate
 * proved (its CN, or a URI SAN kansa:unit:NAME). The entry records the unit,
 * and the request is denied unauthenticated-requester (recorded) when the
 * unit is not in the policy's "units", is not listed for the request's
 * action, or is not the request's requester; checked right after design §5
 * row 1, and recomputed by audit replay. @p unit NULL is kansa_check().
 * @return as kansa_check(); KANSA_EINVAL (nothing recorded) for a unit name
 * that is empty, longer than 127 bytes or not text.
 */
KANSA_EXTERN(int) kansa_check_as(kansa_receipt *out, kansa_ledger *lg, const char *unit,
    const uint8_t *warrant, size_t warrant_len, const uint8_t *request, size_t request_len);

/** kansa_check_json() on behalf of an authenticated unit, as kansa_check_as(). */
KANSA_EXTERN(int) kansa_check_json_as(kansa_receipt *out, kansa_ledger *lg, const char *unit,
    const uint8_t *warrant, size_t warrant_len, const char *request_json, size_t json_len,
    int64_t now);

/**
 * kansa_check_as() for the CBOR body of `kansa serve`'s check (design §10):
 * one canonical CBOR map {"warrant": bstr (the COSE bytes) | null,
 * "request": the request's canonical CBOR map}, "warrant" optional. A body
 * that is not such a map (not canonical CBOR, another shape) is still
 * recorded: its bytes are handed to kansa_check_as() as the request, denied
 * malformed-request and kept as kansa_check() keeps any CBOR (by their
 * SHA-256 and size past KANSA_MAX_REQUEST_BYTES).
 * @return as kansa_check_as().
 */
KANSA_EXTERN(int) kansa_check_cbor_as(kansa_receipt *out, kansa_ledger *lg, const char *unit,
    const uint8_t *body, size_t len);

/**
 * The answer to a check of `kansa serve` in CBOR (design §10): a canonical
 * map with the keys of the JSON answer ("schema" "kansa.check/1", "unit",
 * "ok", "decision", "reason", "detail", "seq", "leaf_hash", "time",
 * "recorded", "ratify_by", "receipt", "error": {"code", "message"}), the
 * leaf hash and the signed receipt as byte strings. @p r and @p code are
 * what the check returned (@p message its error's text, or NULL); an entry
 * not recorded is answered {"decision": "deny", "reason": "not-recorded"}.
 * @return 0 with *out malloc'd (the caller's); KANSA_EINVAL; KANSA_ENOMEM.
 */
KANSA_EXTERN(int) kansa_check_answer_cbor(uint8_t **out, size_t *out_len, const kansa_receipt *r,
    const char *unit, int code, const char *message);

/**
 * The CBOR body of a check for `kansa serve` (design §10), as
 * kansa_check_cbor_as() reads it: {"request": the request's bytes as given,
 * "warrant": bstr (the COSE bytes) | null}. A request that is not one
 * canonical CBOR map makes a body that is not either, which the service
 * records as malformed-request. @p warrant may be NULL (no warrant).
 * @return 0 with *out malloc'd (the caller's); KANSA_EINVAL (no request);
 * KANSA_ELIMIT; KANSA_ENOMEM.
 */
KANSA_EXTERN(int) kansa_check_body_cbor(uint8_t **out, size_t *out_len, const uint8_t *warrant,
    size_t warrant_len, const uint8_t *request, size_t request_len);

/**
 * Read the CBOR answer of `kansa serve` to a check (kansa_check_answer_cbor()'s
 * map, canonical, with no other keys) into @p out: the recorded entry and its
 * signed receipt's bytes (not verified here: kansa_receipt_verify() does).
 * @return 0 (allow or deny, recorded, with a receipt); KANSA_EIO with the
 * service's message when it recorded nothing, or recorded the entry but
 * signed no receipt (out->recorded then true, the act denied); KANSA_EFORMAT
 * (not such an answer). On any error out->verdict is KANSA_DENY.
 */
KANSA_EXTERN(int) kansa_check_answer_cbor_read(kansa_receipt *out, const uint8_t *answer, size_t len);

/**
 * Read the JSON answer (200) of `kansa serve` to a check into @p out, as
 * kansa_client_check() does: `decision`, `reason`, `detail`, `seq`,
 * `leaf_hash`, `time_unix` (`ratify_by_unix` when given) and `receipt`, the
 * base64 of the signed receipt's bytes (not verified here:
 * kansa_receipt_verify() does). For a program that speaks HTTP itself.
 * @return 0 (allow or deny, recorded, with a receipt); KANSA_EIO when the
 * service recorded the entry but signed no receipt (out->recorded then true,
 * the act denied); KANSA_EFORMAT (not such an answer, or no receipt). On any
 * error out->verdict is KANSA_DENY.
 */
KANSA_EXTERN(int) kansa_check_answer_json_read(kansa_receipt *out, const char *answer, size_t len);

/**
 * Activate the next policy version: it must be version n+1 of the same
 * commission and carry the `policy` quorum of version n.
 * @return 0 (recorded); KANSA_EVERIFY; KANSA_EFORMAT; environment errors.
 */
KANSA_EXTERN(int) kansa_ledger_activate_policy(kansa_receipt *out, kansa_ledger *lg,
    const uint8_t *policy, size_t policy_len);

/**
 * Record a revocation (signed by the `revoke` quorum of the policy in force).
 * Every later request under the revoked warrant is denied.
 * @return 0 (recorded); KANSA_EVERIFY; KANSA_EFORMAT; environment errors.
 */
KANSA_EXTERN(int) kansa_ledger_revoke(kansa_receipt *out, kansa_ledger *lg,
    const uint8_t *revocation, size_t revocation_len);

/**
 * Record the commission's answer to an emergency act (design §5): a signed
 * ratification naming the act's leaf hash, approving or refusing it, with
 * the `revoke` quorum of the policy in force. The named entry must be an
 * allowed emergency act of this ledger, not yet ratified.
 * @return 0 (recorded); KANSA_EVERIFY (quorum, not an emergency act, or
 * already ratified: an act has one answer, and the message names the entry
 * that gave it); KANSA_EFORMAT; environment errors.
 */
KANSA_EXTERN(int) kansa_ledger_ratify(kansa_receipt *out, kansa_ledger *lg,
    const uint8_t *ratification, size_t ratification_len);

/** A summary of a ledger. */
typedef struct {
	uint64_t size;                 /**< number of entries */
	uint8_t head[KANSA_HASH_LEN];  /**< leaf hash of the last entry */
	uint8_t root[KANSA_HASH_LEN];  /**< RFC 9162 Merkle root over all entries */
	uint64_t policy_version;       /**< version of the policy in force */
	char commission[128];          /**< the policy's commission */
	char origin[128];              /**< checkpoint origin line: the log's name */
	char log_key[256];             /**< signed-note verifier key: name+hash+base64 */
	int64_t last_time;             /**< time of the last entry */
} kansa_ledger_info;

/** Fill @p out with the ledger's summary. */
KANSA_EXTERN(int) kansa_ledger_get_info(kansa_ledger_info *out, kansa_ledger *lg);

/**
 * The witnesses the policy in force lists (design §11): their C2SP vkeys,
 * one per line, into *vkeys_out (NUL-terminated, "" when none; free()), and
 * its witness_quorum (0: none) into *quorum_out.
 * @return 0; KANSA_ENOMEM; the errors of reading the policy.
 */
KANSA_EXTERN(int) kansa_ledger_witnesses(char **vkeys_out, size_t *quorum_out, kansa_ledger *lg);

/* ---------------------------------------------------------------------- */
/* Ledger statistics                                                      */
/* ---------------------------------------------------------------------- */

/** Counters of an open ledger since kansa_ledger_open() (docs/performance.md). */
typedef struct {
	uint64_t commits;             /**< write transactions committed (group commits) */
	uint64_t appends;             /**< entries committed: appends / commits is the mean batch */
	uint64_t cache_hits;          /**< checks whose warrant verification came from the cache */
	uint64_t cache_misses;        /**< lookups that had to verify the warrant's signatures */
	uint64_t cache_evictions;     /**< cached warrants dropped to stay within the bounds */
	uint64_t cache_invalidations; /**< cached warrants dropped by a revocation or policy change */
	uint64_t cache_entries;       /**< verified warrants cached now (at most 1024) */
	uint64_t cache_bytes;         /**< their estimated memory (at most 16 MiB) */
} kansa_ledger_stats;

/**
 * Fill @p out with the ledger's counters (this process's handle only).
 * @return 0 or KANSA_EINVAL (a NULL argument).
 */
KANSA_EXTERN(int) kansa_ledger_get_stats(kansa_ledger_stats *out, kansa_ledger *lg);

/** Buckets of kansa_ledger_get_batch_sizes(): commits of 1, 2, 3-4, 5-8, ..., 129-256 entries. */
#define KANSA_BATCH_BUCKETS 9

/**
 * The group commits of this process's handle since kansa_ledger_open(), by
 * their size (design §10, /metrics): @p counts[i] is the number of commits of
 * more than 2^(i-1) and at most 2^i entries (counts[0]: one entry), for i <
 * @p n; when n < KANSA_BATCH_BUCKETS the last bucket also counts the larger
 * ones, and buckets past KANSA_BATCH_BUCKETS are 0. @p sum_out, when not
 * NULL, receives the entries of all those commits (kansa_ledger_stats'
 * appends), read at the same moment as the counts.
 * @return 0 or KANSA_EINVAL (a NULL ledger, or NULL counts with n > 0).
 */
KANSA_EXTERN(int) kansa_ledger_get_batch_sizes(uint64_t *counts, size_t n, uint64_t *sum_out,
    kansa_ledger *lg);

/* ---------------------------------------------------------------------- */
/* Ledger upkeep: database rekey, clock sanity                            */
/* ---------------------------------------------------------------------- */

/**
 * Change the ledger's database key: every SQLCipher page, or on PostgreSQL
 * every row kansa sealed (under a new salt), is encrypted again under
 * @p new_key (the contents of a key file: 64 hex digits are a raw key,
 * anything else a passphrase), in one transaction. The content is
 * untouched. Afterwards only the new key opens the ledger. @p lg must be
 * open read-write, and no other process may have the ledger open.
 * @return 0; KANSA_ELOCKED (the ledger is in use elsewhere: nothing
 * changed); KANSA_EINVAL (read-only, or a NULL argument); KANSA_EFORMAT
 * (an empty key); KANSA_EVERIFY (PostgreSQL: a row that does not open under
 * the current key: nothing changed); KANSA_EIO; KANSA_ERROR.
 */
KANSA_EXTERN(int) kansa_ledger_rekey(kansa_ledger *lg, const kansa_secret *new_key);

/**
 * kansa_ledger_rekey() calling @p on_progress (may be NULL) now and then
 * with the entries done and the ledger's size: on PostgreSQL after each
 * page of entries sealed again; a SQLCipher rekey is one call and does not
 * call it.
 */
KANSA_EXTERN(int) kansa_ledger_rekey_progress(kansa_ledger *lg, const kansa_secret *new_key,
    void (*on_progress)(void *ctx, uint64_t done, uint64_t total), void *ctx);

/**
 * Copy the ledger at @p from (a SQLCipher file or a postgresql:// URI) to
 * a new ledger at @p to (either kind; it must not exist, or the database
 * must hold no ledger) and prove the copy: the same size, head and Merkle
 * root. Every entry, document, meta value (the ledger's signing key
 * included), Merkle node and checkpoint is copied; the copy is encrypted
 * under @p to_key. No one may append to the source meanwhile.
 * @param[out] out the copy's summary.
 * @return 0; KANSA_EEXISTS (@p to exists); KANSA_ELOCKED (the source grew
 * during the copy); KANSA_EVERIFY (a source row does not read back, or the
 * roots differ); the errors of opening either ledger. After an error the
 * copy is incomplete and must be removed.
 */
KANSA_EXTERN(int) kansa_ledger_migrate(kansa_ledger_info *out, const char *from,
    const kansa_secret *from_key, const char *to, const kansa_secret *to_key);

/** States of kansa_clock_status. */
enum {
	KANSA_CLOCK_OK = 0,     /**< "ok": within the bounds */
	KANSA_CLOCK_AHEAD = 1,  /**< "ahead": more than KANSA_CLOCK_MAX_AHEAD after the last entry */
	KANSA_CLOCK_BEHIND = 2, /**< "behind": more than KANSA_CLOCK_MAX_BEHIND before the last entry */
};

/** The system clock against the ledger's last entry. */
typedef struct {
	int state;          /**< KANSA_CLOCK_* */
	int64_t now;        /**< the clock the ledger uses for new entries */
	int64_t last_time;  /**< the last entry's time (now, for an empty ledger) */
	int64_t skew;       /**< now - last_time, in seconds (saturating) */
	char message[200];  /**< for people, when state is not KANSA_CLOCK_OK; else "" */
} kansa_clock_status;

/**
 * Compare the clock with the last entry's time (docs/ledger.md "Time").
 * Entry times never go backwards whatever the clock does; this only tells
 * the caller, so that a wrong clock is seen before entries carry its time.
 * @return 0 or an error reading the ledger (KANSA_EIO, ...).
 */
KANSA_EXTERN(int) kansa_ledger_clock_check(kansa_clock_status *out, kansa_ledger *lg);

/** "ok", "ahead", "behind" or "unknown". */
KANSA_EXTERN(const char *) kansa_clock_state_name(int state);

/* ---------------------------------------------------------------------- */
/* Audit: verify, replay, report (design §6)                              */
/* ---------------------------------------------------------------------- */

/** What an audit can find wrong. kansa_finding_name() gives the stable name. */
typedef enum {
	KANSA_FINDING_MALFORMED_ENTRY = 1, /**< "malformed-entry": not a canonical entry of its kind */
	KANSA_FINDING_BODY_ALTERED = 2, /**< "body-altered": bytes do not hash to the recorded leaf hash */
	KANSA_FINDING_LINK_BROKEN = 3, /**< "link-broken": prev is not the previous entry's leaf hash */
	KANSA_FINDING_ENTRY_MISSING = 4, /**< "entry-missing": a gap in the seqs */
	KANSA_FINDING_REORDERED = 5, /**< "entries-reordered": an entry's own seq is not its position */
	KANSA_FINDING_TIME_BACKWARDS = 6, /**< "time-backwards": earlier than the entry before */
	KANSA_FINDING_TREE_MISMATCH = 7, /**< "tree-mismatch": stored Merkle nodes differ from the entries */
	KANSA_FINDING_CHECKPOINT_ROOT = 8, /**< "checkpoint-root-mismatch" */
	KANSA_FINDING_CHECKPOINT_SIGNATURE = 9, /**< "checkpoint-bad-signature": not signed by the ledger key */
	KANSA_FINDING_TRUNCATED = 10, /**< "ledger-shorter-than-checkpoint" */
	KANSA_FINDING_DOCUMENT = 11, /**< "document-mismatch": missing, altered or invalid document */
	KANSA_FINDING_DECISION = 12, /**< "decision-mismatch": replay decides otherwise */
	KANSA_FINDING_USES = 13, /**< "uses-mismatch": recorded use count differs */
	KANSA_FINDING_STATE = 14, /**< "state-mismatch": derived tables (uses, revocations, policy) differ */
} kansa_finding_kind;

/** The stable name of a finding kind ("body-altered"), or "unknown". */
KANSA_EXTERN(const char *) kansa_finding_name(int kind);

/** One problem an audit found. */
typedef struct {
	int kind;           /**< kansa_finding_kind */
	bool has_seq;       /**< the finding is about entry seq (else the ledger as a whole) */
	uint64_t seq;       /**< the entry, or for checkpoint findings the checkpoint's size */
	char message[320];  /**< what is wrong, for people */
} kansa_audit_finding;

/** Audit flags. */
enum {
	KANSA_AUDIT_REPLAY = 1 << 0, /**< also re-verify documents and re-run every decision */
};

/**
 * A root known from outside the ledger (an anchored checkpoint) that the
 * first @c size entries must give. The audit compares it with the tree it
 * rebuilds from the entry bodies, as it does the stored checkpoints; the
 * stored Merkle nodes play no part in it.
 */
typedef struct {
	uint64_t size;                /**< in: how many entries the root covers */
	uint8_t root[KANSA_HASH_LEN]; /**< in: the root they must give */
	bool checked;                 /**< out: the tree was rebuilt to size with no entry missing */
	bool matched;                 /**< out: ... and its root is root */
} kansa_audit_expect;

/** How to run an audit. All callbacks and @c expect may be NULL. */
typedef struct {
	int flags;                                                        /**< KANSA_AUDIT_* */
	void (*on_finding)(void *ctx, const kansa_audit_finding *f);      /**< each finding, in seq order */
	void (*on_progress)(void *ctx, uint64_t done, uint64_t total);    /**< now and then, entries read */
	void *ctx;                                                        /**< passed to the callbacks */
	kansa_audit_expect *expect;                                       /**< a root to check, filled in */
} kansa_audit_options;

/** What an audit did. */
typedef struct {
	uint64_t entries;       /**< entries read */
	uint64_t size;          /**< entries the store says it holds */
	uint64_t checkpoints;   /**< stored checkpoints checked */
	uint64_t documents;     /**< documents re-verified (replay) */
	uint64_t decisions;     /**< decisions re-run (replay) */
	uint64_t findings;      /**< problems found (0: the ledger is whole) */
	bool has_first_bad;     /**< some finding names an entry */
	uint64_t first_bad_seq; /**< the lowest seq named by a finding */
	uint8_t root[KANSA_HASH_LEN]; /**< RFC 9162 root recomputed from the entries read */
} kansa_audit_summary;

/**
 * Audit the ledger on a read snapshot: recompute every leaf hash, the hash
 * chain and the Merkle tree; check every stored checkpoint's signature (the
 * ledger key) and root, and that the ledger is not shorter than any of
 * them. With KANSA_AUDIT_REPLAY also re-verify every document against the
 * policy in force at its entry, re-run the decision function with the
 * recorded time, use count and revocations, and compare the store's derived
 * state (uses, revocations) with what the entries imply.
 * Memory does not grow with the number of entries (only with warrants).
 * @return 0 when the audit ran to the end (see out->findings); an
 * environment error (KANSA_EIO, KANSA_ENOMEM, ...) when it could not.
 */
KANSA_EXTERN(int) kansa_ledger_audit(kansa_audit_summary *out, kansa_ledger *lg,
    const kansa_audit_options *opt);

/**
 * The audit report (replay included) as one JSON object, for overseers:
 * per warrant (case, subject, action, signers, validity, uses / max uses,
 * denials by reason), per requester, per officer and unit, every denied
 * attempt (most serious first), emergency acts and their ratification state
 * (ratified late included), the checkpoints, and the audit summary and
 * findings. The schema is in docs/audit.md.
 * @param[out] json NUL-terminated, owned by the caller: free with free().
 * @param now the time that decides whether a ratification is overdue.
 * @return as kansa_ledger_audit().
 */
KANSA_EXTERN(int) kansa_ledger_report(char **json, kansa_audit_summary *out, kansa_ledger *lg,
    const kansa_audit_options *opt, int64_t now);

/* ---------------------------------------------------------------------- */
/* Audit: entries and statistics, what the commission sees (design §12)  */
/* ---------------------------------------------------------------------- */

/** The kinds of a kansa_audit_entry (the ledger's entry kinds, design §6). */
enum {
	KANSA_AUDIT_ENTRY_MALFORMED = 0,    /**< "malformed": the stored row does not decode */
	KANSA_AUDIT_ENTRY_DECISION = 1,     /**< "decision": a check, allowed or denied */
	KANSA_AUDIT_ENTRY_POLICY = 2,       /**< "policy": a policy version activated */
	KANSA_AUDIT_ENTRY_REVOCATION = 3,   /**< "revocation": a warrant revoked */
	KANSA_AUDIT_ENTRY_RATIFICATION = 4, /**< "ratification": the answer to an emergency act */
};

/**
 * Which entries kansa_audit_entries_new() hands out. Start from
 * KANSA_AUDIT_FILTER_INIT (which matches every entry) and set what you
 * need. Any of requester, officer, warrant, decision or reason keeps
 * decision entries only.
 */
typedef struct {
	int version;               /**< KANSA_AUDIT_FILTER_VERSION */
	uint64_t first_seq;        /**< start at this entry (0: the first) */
	int64_t from;              /**< entries with time >= from (INT64_MIN: no bound) */
	int64_t until;             /**< entries with time < until (INT64_MAX: no bound) */
	const char *requester;     /**< the request's requester (NULL: any) */
	const char *officer;       /**< the request's officer (NULL: any) */
	bool has_warrant;          /**< only entries under the warrant with this cti: */
	uint8_t warrant_cti[16];   /**< ... its id */
	int decision;              /**< KANSA_ALLOW, KANSA_DENY, or -1 for any */
	int reason;                /**< a kansa_reason, or -1 for any */
} kansa_audit_filter;

#define KANSA_AUDIT_FILTER_VERSION 1
#define KANSA_AUDIT_FILTER_INIT \
	{ KANSA_AUDIT_FILTER_VERSION, 0, INT64_MIN, INT64_MAX, NULL, NULL, false, {0}, -1, -1 }

/**
 * One ledger entry, decoded for people (design §12). Every pointer is
 * borrowed: valid until the next kansa_audit_entries_next() or
 * kansa_audit_entries_free(). Text fields are "" when the entry has none
 * (never NULL); lists have n_ entries.
 */
typedef struct {
	uint64_t seq;                      /**< its position */
	int64_t time;                      /**< the recorded time (the decision time) */
	int kind;                          /**< KANSA_AUDIT_ENTRY_* */
	const char *kind_name;             /**< "decision", "policy", ... or "malformed" */
	uint8_t leaf_hash[KANSA_HASH_LEN]; /**< SHA-256(0x00 || entry), from the stored bytes */
	bool altered;                      /**< the recorded leaf hash is not that (run an audit) */
	/* decision */
	int verdict;                       /**< KANSA_ALLOW or KANSA_DENY */
	int reason;                        /**< kansa_reason */
	const char *detail;                /**< why, for people */
	bool has_request;                  /**< the request was kept and parses: the fields below hold it */
	const char *requester;             /**< the requesting unit */
	const char *officer;               /**< the named person acting */
	const char *action;                /**< "metadata-query" or "neutralize" */
	const char *justification;         /**< why the act was needed */
	bool emergency;                    /**< asked as an emergency act, without a warrant */
	const char *const *targets;        /**< metadata-query: addresses and prefixes as text */
	size_t n_targets;
	const char *const *fields;         /**< metadata-query: the metadata fields */
	size_t n_fields;
	bool has_window;                   /**< metadata-query: the window [from, to] */
	int64_t window[2];
	const char *host;                  /**< neutralize: the host as text */
	const char *op;                    /**< neutralize: the operation */
	bool request_hashed;               /**< the request's bytes were not kept: only their ... */
	uint8_t request_hash[KANSA_HASH_LEN]; /**< ... SHA-256 and ... */
	uint64_t request_size;             /**< ... size are */
	bool has_warrant;                  /**< a warrant was given: */
	uint8_t warrant_hash[KANSA_HASH_LEN]; /**< ... the hash of its document */
	bool has_cti;                      /**< the warrant's document is stored and parses: */
	uint8_t cti[16];                   /**< ... its id */
	const char *case_id;               /**< ... and its case */
	uint64_t policy_version;           /**< the policy in force */
	uint64_t uses;                     /**< allowed uses of the warrant before this entry */
	int64_t ratify_by;                 /**< emergency acts: the ratification deadline, else 0 */
	/* policy, revocation, ratification */
	uint8_t document[KANSA_HASH_LEN];  /**< the hash of the stored document */
	uint64_t version;                  /**< policy: its version */
	uint8_t revoked_cti[16];           /**< revocation: the warrant revoked */
	uint8_t ratified_entry[KANSA_HASH_LEN]; /**< ratification: the emergency act's leaf hash */
	bool approved;                     /**< ratification: approved (else refused) */
} kansa_audit_entry;

/** An iterator over decoded entries, on one read snapshot of the ledger. */
typedef struct kansa_audit_entries kansa_audit_entries;

/**
 * Start iterating the entries of @p lg that @p filter (NULL: all) lets
 * through, in seq order, on a read snapshot (appends may go on and are not
 * seen). Memory does not grow with the ledger: the entries are streamed;
 * only the warrants' ids are kept, one per warrant.
 * @param[out] out owned by the caller: free with kansa_audit_entries_free().
 * @return 0; KANSA_EINVAL (a NULL ledger, an unknown filter version);
 * KANSA_EIO; KANSA_ENOMEM.
 */
KANSA_EXTERN(int) kansa_audit_entries_new(kansa_audit_entries **out, kansa_ledger *lg,
    const kansa_audit_filter *filter);

/**
 * The next entry. A stored row that does not decode is handed out as kind
 * KANSA_AUDIT_ENTRY_MALFORMED (when the filter keeps every kind).
 * @param[out] out borrowed: valid until the next call or the free.
 * @return 1 with *out set, 0 at the end, or KANSA_EIO, KANSA_ENOMEM.
 */
KANSA_EXTERN(int) kansa_audit_entries_next(const kansa_audit_entry **out, kansa_audit_entries *it);

/** Entries in the snapshot (for progress), and entries read so far. */
KANSA_EXTERN(void) kansa_audit_entries_progress(uint64_t *done, uint64_t *total,
    const kansa_audit_entries *it);

/** Free an iterator. Accepts NULL. */
KANSA_EXTERN(void) kansa_audit_entries_free(kansa_audit_entries *it);

/**
 * The figures of the commission's annual report for the period [@p from,
 * @p until) as one JSON object (design §12; the schema is in docs/audit.md
 * "Statistics"): warrants approved per action (those the ledger's documents
 * say were issued in the period), checks allowed and denied by reason,
 * emergency acts of the period by outcome as of @p now (ratified, ratified
 * late, refused, pending, overdue), neutralizations by operation, distinct
 * targets and officers (counted, never listed), revocations, policy versions.
 * One pass over a read snapshot; only @c opt->on_progress is used (opt may
 * be NULL). Like kansa_audit_entries_next(), this decodes and does not
 * verify: replay the ledger to know the entries counted are sound.
 * @param[out] json NUL-terminated, owned by the caller: free with free().
 * @return 0; KANSA_EINVAL (NULL arguments, or from >= until); KANSA_EIO;
 * KANSA_ENOMEM.
 */
KANSA_EXTERN(int) kansa_audit_stats(char **json, kansa_ledger *lg, int64_t from, int64_t until,
    int64_t now, const kansa_audit_options *opt);

/**
 * Acts and denials per officer and unit in [@p from, @p until) (INT64_MIN,
 * INT64_MAX: the whole ledger) as one JSON object (design §12; schema in
 * docs/audit.md "Officers"), with the patterns an overseer looks for:
 * repeated forbidden fields or out-of-scope targets, use after revocation,
 * expiry or max_uses. One pass over a read snapshot (opt: progress only).
 * @param[out] json owned by the caller: free with free().
 * @return 0; KANSA_EINVAL; KANSA_EIO; KANSA_ENOMEM.
 */
KANSA_EXTERN(int) kansa_audit_officers(char **json, kansa_ledger *lg, int64_t from, int64_t until,
    const kansa_audit_options *opt);

/**
 * Every emergency act in full (who, what, on which host or targets, why),
 * its deadline and its state at @p now: ratified, ratified-late (approved
 * after the deadline), refused, pending (with the time left) or overdue, as
 * one JSON object (docs/audit.md "Emergency acts"). One pass over a read
 * snapshot; memory grows with the emergency acts.
 * @param[out] json owned by the caller: free with free().
 * @return 0; KANSA_EINVAL; KANSA_EIO; KANSA_ENOMEM.
 */
KANSA_EXTERN(int) kansa_audit_emergencies(char **json, kansa_ledger *lg, int64_t now,
    const kansa_audit_options *opt);

/**
 * Which data the policy's retention periods say should be gone at @p at
 * (design §12; schema in docs/audit.md "Retention"): every warrant under
 * which an act was allowed, and every emergency act, with the end of its
 * data window (a warrant's scope.window end, a neutralize warrant's expiry,
 * an emergency query's request window end, an emergency neutralization's
 * time), the retention of its action in the policy in force at @p at, and
 * when it fell or falls due. "due" lists those due by @p at; with @p all,
 * "within" (not yet due, with the time left) and "unset" (no retention for
 * the action) too. Entries after @p at are not looked at. One pass over a
 * read snapshot; memory grows with the warrants used and emergency acts.
 * @param[out] json owned by the caller: free with free().
 * @return 0; KANSA_EINVAL; KANSA_EFORMAT (a policy document the ledger
 * names is missing or malformed); KANSA_EIO; KANSA_ENOMEM.
 */
KANSA_EXTERN(int) kansa_audit_retention(char **json, kansa_ledger *lg, int64_t at, bool all,
    const kansa_audit_options *opt);

/* ---------------------------------------------------------------------- */
/* Transparency log: Merkle proofs, signed notes, checkpoints             */
/* ---------------------------------------------------------------------- */

/**
 * RFC 9162 leaf hash: SHA-256(0x00 || data).
 * @return 0, KANSA_EINVAL (data NULL with len > 0) or KANSA_ERROR.
 */
KANSA_EXTERN(int) kansa_merkle_leaf_hash(uint8_t out[KANSA_HASH_LEN], const uint8_t *data, size_t len);

/**
 * Verify an inclusion proof (RFC 9162 §2.1.3.2): that @p leaf_hash is leaf
 * @p index of the tree of @p size leaves whose root is @p root. The proof
 * lists the audit path leaf side first. Hashes are compared in constant time.
 * @return 0; KANSA_EVERIFY (index >= size, a proof too long or too short, or
 * a root mismatch: the message says which); KANSA_EINVAL (a NULL argument).
 */
KANSA_EXTERN(int) kansa_merkle_verify_inclusion(uint64_t index, uint64_t size,
    const uint8_t leaf_hash[KANSA_HASH_LEN], const uint8_t (*proof)[KANSA_HASH_LEN],
    size_t proof_len, const uint8_t root[KANSA_HASH_LEN]);

/**
 * Verify a consistency proof (RFC 9162 §2.1.4.2): that the tree of @p size1
 * leaves with root @p root1 is a prefix of the tree of @p size2 leaves with
 * root @p root2. As in transparency-dev, size1 == 0 never verifies, and
 * size1 == size2 verifies only with an empty proof and equal roots.
 * @return 0; KANSA_EVERIFY (size1 == 0, size1 > size2, a wrong proof length,
 * or a root mismatch); KANSA_EINVAL (a NULL argument).
 */
KANSA_EXTERN(int) kansa_merkle_verify_consistency(uint64_t size1, uint64_t size2,
    const uint8_t root1[KANSA_HASH_LEN], const uint8_t root2[KANSA_HASH_LEN],
    const uint8_t (*proof)[KANSA_HASH_LEN], size_t proof_len);

/** The kinds of kansa_merkle_proof. */
enum {
	KANSA_PROOF_INCLUSION = 1,   /**< a leaf is in a tree */
	KANSA_PROOF_CONSISTENCY = 2, /**< a tree is a prefix of a larger one */
};

/**
 * A proof as read from or written to text (docs/formats.md, "Proofs").
 * Caller-allocated and self-contained (no pointers): no dispose needed.
 */
typedef struct {
	int kind;          /**< KANSA_PROOF_INCLUSION or KANSA_PROOF_CONSISTENCY */
	uint64_t index;    /**< inclusion: the 0-based leaf index; else 0 */
	uint64_t old_size; /**< consistency: the smaller tree size (size1); else 0 */
	uint64_t size;     /**< the tree size (consistency: the larger size, size2) */
	size_t len;        /**< hashes in use */
	uint8_t hashes[KANSA_MERKLE_MAX_PROOF][KANSA_HASH_LEN]; /**< leaf side first */
} kansa_merkle_proof;

/**
 * Parse proof text strictly: the header lines, then one base64 hash per
 * line, every line ending in "\n", nothing else (docs/formats.md "Proofs").
 * Syntax only: whether the hashes prove anything is for
 * kansa_merkle_proof_verify().
 * @param[out] out filled on success, zeroed on error.
 * @return 0; KANSA_EFORMAT (the message names the line); KANSA_ELIMIT (more
 * than KANSA_MAX_PROOF_TEXT_BYTES bytes or KANSA_MERKLE_MAX_PROOF hashes).
 */
KANSA_EXTERN(int) kansa_merkle_proof_parse(kansa_merkle_proof *out, const char *text, size_t len);

/**
 * Format a proof as text.
 * @param[out] out NUL-terminated text, owned by the caller: free with free().
 * @param[out] len_out its length without the NUL (may be NULL).
 * @return 0, KANSA_EINVAL (unknown kind or len too large), KANSA_ENOMEM.
 */
KANSA_EXTERN(int) kansa_merkle_proof_format(char **out, size_t *len_out,
    const kansa_merkle_proof *proof);

/**
 * Verify a parsed proof. For an inclusion proof @p hash is the leaf hash and
 * @p root the tree's root; for a consistency proof @p hash is the old root
 * and @p root the new one.
 * @return as kansa_merkle_verify_inclusion() or kansa_merkle_verify_consistency().
 */
KANSA_EXTERN(int) kansa_merkle_proof_verify(const kansa_merkle_proof *proof,
    const uint8_t hash[KANSA_HASH_LEN], const uint8_t root[KANSA_HASH_LEN]);

/**
 * A note verifier key: a name and an Ed25519 public key, written as the
 * C2SP verifier key string "name+hex(key ID)+base64(0x01 || public key)".
 */
typedef struct kansa_note_verifier kansa_note_verifier;

/**
 * Parse a verifier key string (split at the first two '+'; the base64 may
 * contain more). The key ID must match the name and key.
 * @param[out] out owned by the caller: free with kansa_note_verifier_free().
 * @return 0, KANSA_EFORMAT (bad syntax, name, key ID, signature type or key
 * length: the message says which), KANSA_ENOMEM.
 */
KANSA_EXTERN(int) kansa_note_verifier_parse(kansa_note_verifier **out, const char *vkey, size_t len);

/**
 * The verifier for @p key's public part under @p name (a valid note key
 * name; the log's key name should be its origin).
 * @return 0, KANSA_EFORMAT (invalid name), KANSA_ENOMEM.
 */
KANSA_EXTERN(int) kansa_note_verifier_from_key(kansa_note_verifier **out, const kansa_key *key,
    const char *name);

/**
 * The verifier key string.
 * @param[out] out NUL-terminated, owned by the caller: free with free().
 * @return 0 or KANSA_ENOMEM.
 */
KANSA_EXTERN(int) kansa_note_verifier_format(char **out, const kansa_note_verifier *v);

/** The key name; borrowed, valid until @p v is freed. */
KANSA_EXTERN(const char *) kansa_note_verifier_name(const kansa_note_verifier *v);

/** Free a verifier. Accepts NULL. */
KANSA_EXTERN(void) kansa_note_verifier_free(kansa_note_verifier *v);

/** What a note verification found. */
typedef struct {
	size_t text_len;        /**< the note text is the first text_len bytes of the note */
	size_t signatures;      /**< distinct signature lines */
	size_t unknown;         /**< distinct lines from keys not given, ignored as C2SP requires */
	uint64_t verified_mask; /**< bit i set: verifiers[i] signed and the signature verified */
} kansa_note_report;

/**
 * Verify a signed note. Signatures whose name and key ID match no verifier
 * are ignored (counted in unknown); every matching one must verify.
 * @param[out] out filled on success, zeroed on error.
 * @param verifiers at most KANSA_NOTE_MAX_VERIFIERS keys; the first
 *        @p n_required of them must each have signed (with n_required 0, at
 *        least one of them must).
 * @return 0; KANSA_EFORMAT (malformed note); KANSA_ELIMIT (over
 * KANSA_NOTE_MAX_BYTES or KANSA_NOTE_MAX_SIGNATURES); KANSA_EVERIFY (a known
 * key's signature fails, no known key signed, or a required key did not);
 * KANSA_EINVAL; KANSA_ENOMEM.
 */
KANSA_EXTERN(int) kansa_note_verify(kansa_note_report *out, const char *note, size_t len,
    const kansa_note_verifier *const *verifiers, size_t n_verifiers, size_t n_required);

/**
 * Sign a note text (non-empty, ending in "\n", UTF-8 without control
 * characters other than newline) with an Ed25519 key under @p name.
 * @param[out] out the signed note, NUL-terminated, owned by the caller:
 *             free with free(). @param[out] len_out its length (may be NULL).
 * @return 0, KANSA_EFORMAT (bad text or name), KANSA_EINVAL (a public key),
 * KANSA_ELIMIT, KANSA_ENOMEM, KANSA_ERROR.
 */
KANSA_EXTERN(int) kansa_note_sign(char **out, size_t *len_out, const char *text, size_t text_len,
    const kansa_key *key, const char *name);

/**
 * Add an Ed25519 signature line (type 0x01, as a witness's or commission
 * member's) to a signed note. The existing signatures are not verified
 * here: verify the note first.
 * @param[out] out the new note, owned by the caller: free with free().
 * @return as kansa_note_sign(), plus KANSA_EEXISTS (this name and key
 * already signed) and the errors of parsing the note.
 */
KANSA_EXTERN(int) kansa_note_add_signature(char **out, size_t *len_out, const char *note,
    size_t len, const kansa_key *key, const char *name);

/** A verified checkpoint (c2sp.org/tlog-checkpoint). */
typedef struct {
	char origin[KANSA_CHECKPOINT_MAX_ORIGIN + 1]; /**< the origin line, NUL-terminated */
	uint64_t size;                                /**< tree size */
	uint8_t root[KANSA_HASH_LEN];                 /**< RFC 9162 root hash */
	size_t extensions;                            /**< extension lines (not returned) */
	kansa_note_report note;                       /**< which keys signed */
} kansa_checkpoint;

/**
 * Make a signed checkpoint: "origin\nsize\nbase64(root)\n", signed with
 * @p key under @p name (NULL: the origin).
 * @param[out] out the signed note, NUL-terminated, owned by the caller:
 *             free with free(). @param[out] len_out its length (may be NULL).
 * @return 0, KANSA_EFORMAT (origin empty or not one line of UTF-8 text,
 * bad name), KANSA_ELIMIT (origin too long), KANSA_EINVAL (a public key),
 * KANSA_ENOMEM, KANSA_ERROR.
 */
KANSA_EXTERN(int) kansa_checkpoint_sign(char **out, size_t *len_out, const kansa_key *key,
    const char *name, const char *origin, uint64_t size, const uint8_t root[KANSA_HASH_LEN]);

/**
 * Verify a signed checkpoint (see kansa_note_verify() for the signature
 * rules), then parse its body: origin, decimal size without leading zeros,
 * base64 of a 32-byte root, non-empty extension lines. Nothing of the body
 * is returned unless the signatures verified.
 * @param[out] out filled on success, zeroed on error.
 * @return as kansa_note_verify(), plus KANSA_EFORMAT for a bad body.
 */
KANSA_EXTERN(int) kansa_checkpoint_verify(kansa_checkpoint *out, const char *note, size_t len,
    const kansa_note_verifier *const *verifiers, size_t n_verifiers, size_t n_required);

/**
 * Sign a checkpoint of the ledger as it is now (C2SP tlog-checkpoint: the
 * origin, the size, the Merkle root) with the ledger's own key, and store it
 * in the ledger. Verify it with the `log_key` of kansa_ledger_get_info().
 * @param[out] out the signed note, NUL-terminated, owned by the caller
 * (free()); @param[out] len_out its length (may be NULL).
 * @return 0; KANSA_EIO (read-only ledger, I/O); KANSA_ENOMEM.
 */
KANSA_EXTERN(int) kansa_ledger_checkpoint(char **out, size_t *len_out, kansa_ledger *lg);

/**
 * Keep witnesses' cosignatures with a stored checkpoint (docs/witness.md,
 * "Stored cosignatures"). @p note must be a checkpoint stored in @p lg
 * (the same body, signed by the ledger's key) with extra signature lines;
 * each extra line must verify as a C2SP tlog-cosignature by one of the
 * policy's witnesses (kansa_ledger_witnesses()). The stored note becomes
 * the union in one transaction: lines it has are not added again, nor a
 * second line by a witness that already cosigned it. A line that does not
 * verify or is by another key is refused (the error names it) and nothing
 * is stored. Later kansa_ledger_checkpoint() calls at that size, receipt
 * proofs and anchors carry the stored lines.
 * @param[out] added_out lines added (may be NULL).
 * @return 0; KANSA_ENOTFOUND (no checkpoint of that size stored);
 * KANSA_EVERIFY (another body, not signed by the ledger, a bad or foreign
 * line); KANSA_EFORMAT; KANSA_ELIMIT; KANSA_EIO (read-only ledger, I/O).
 */
KANSA_EXTERN(int) kansa_ledger_add_cosignatures(kansa_ledger *lg, const uint8_t *note, size_t len,
    size_t *added_out);

/**
 * The policy's witnesses whose cosignature on the latest stored checkpoint
 * verifies: their names, one per line, into *names_out (NUL-terminated, ""
 * when none; free()), how many into *count_out, and that checkpoint's size
 * into *size_out.
 * @return 0; KANSA_ENOTFOUND (no checkpoint stored); KANSA_ENOMEM; KANSA_EIO.
 */
KANSA_EXTERN(int) kansa_ledger_cosigners(char **names_out, size_t *count_out, uint64_t *size_out,
    kansa_ledger *lg);

/**
 * An RFC 9162 inclusion proof of entry @p seq in the tree of the first
 * @p size entries (0 = the whole ledger), with that tree's root and the
 * entry's leaf hash. O(log n) reads.
 * @return 0; KANSA_EINVAL (seq >= size, or size larger than the ledger).
 */
KANSA_EXTERN(int) kansa_ledger_prove_inclusion(kansa_merkle_proof *out,
    uint8_t leaf_hash_out[KANSA_HASH_LEN], uint8_t root_out[KANSA_HASH_LEN],
    kansa_ledger *lg, uint64_t seq, uint64_t size);

/**
 * An RFC 9162 consistency proof between the trees of the first @p old_size
 * and @p size entries (0 = the whole ledger), with both roots.
 * @return 0; KANSA_EINVAL (old_size 0 or larger than size, or size larger
 * than the ledger).
 */
KANSA_EXTERN(int) kansa_ledger_prove_consistency(kansa_merkle_proof *out,
    uint8_t old_root_out[KANSA_HASH_LEN], uint8_t root_out[KANSA_HASH_LEN],
    kansa_ledger *lg, uint64_t old_size, uint64_t size);

/* ---------------------------------------------------------------------- */
/* Receipts: signed proof of logging the data holder checks (design §9)   */
/* ---------------------------------------------------------------------- */

/**
 * What a receipt says (its payload, design §9), as kansa_receipt_parse()
 * reads it. A text the receipt has as null (the request could not be read;
 * an entry that is not an act) is "".
 */
typedef struct {
	char log[KANSA_CHECKPOINT_MAX_ORIGIN + 1]; /**< the log: its checkpoint origin */
	uint8_t kid[KANSA_KID_LEN];         /**< key id of the log key that signed it */
	uint64_t seq;                       /**< the entry's position in the ledger */
	uint8_t leaf_hash[KANSA_HASH_LEN];  /**< the entry's leaf hash */
	int64_t time;                       /**< the recorded decision time */
	int verdict;                        /**< KANSA_ALLOW or KANSA_DENY */
	int reason;                         /**< kansa_reason */
	uint8_t request_hash[KANSA_HASH_LEN]; /**< SHA-256 of the request's bytes (canonical CBOR) */
	bool has_warrant;                   /**< warrant_cti is set (null: an emergency act) */
	uint8_t warrant_cti[16];            /**< the warrant's id */
	char action[32];                    /**< "metadata-query", "neutralize"; "policy",
						 "revocation", "ratification" for the commission's
						 entries; "" for an unreadable request */
	char requester[KANSA_RECEIPT_MAX_TEXT + 1]; /**< the requesting unit */
	char officer[KANSA_RECEIPT_MAX_TEXT + 1];   /**< the person acting */
	int64_t not_after;                  /**< valid while now < not_after */
} kansa_receipt_info;

/**
 * Parse a receipt strictly: CBOR tag 18 (COSE_Sign1), canonical CBOR
 * throughout, protected header exactly {1: -8, 3:
 * "application/kansa-receipt+cbor", 4: kid}, empty unprotected header, a
 * payload with exactly the fields of kansa_receipt_info, a 64-byte
 * signature. NOTHING IS VERIFIED: to trust it, use kansa_receipt_verify().
 * @param[out] out filled on success, zeroed on error.
 * @return 0; KANSA_EFORMAT (the message names what is wrong); KANSA_ELIMIT
 * (over KANSA_RECEIPT_MAX_BYTES); KANSA_ENOMEM.
 */
KANSA_EXTERN(int) kansa_receipt_parse(kansa_receipt_info *out, const uint8_t *receipt, size_t len);

/**
 * Verify a receipt as the data holder does before releasing anything
 * (design §9), with the log's public key alone (no ledger, no database key):
 * it parses strictly; it is signed by @p log_key (the ledger's `log_key`
 * verifier text, kansa_note_verifier_parse()) and names that key's log;
 * its request hash is SHA-256 of @p request (the request's canonical CBOR,
 * as kansa_request_from_json() makes it) and it records an act
 * (metadata-query or neutralize); it records an allow; and @p now <
 * not_after.
 * @param[out] out what the receipt says, filled once its signature has
 * verified (also when a later check fails); zeroed before that.
 * @return 0 (a valid allow receipt for this request); KANSA_EFORMAT,
 * KANSA_ELIMIT (as kansa_receipt_parse()); KANSA_EVERIFY (signed by another
 * key, a bad signature, another log, another request, not an act);
 * KANSA_EDENIED (it records a deny: out->reason says why); KANSA_EEXPIRED
 * (now >= not_after); KANSA_EINVAL (a NULL argument); KANSA_ENOMEM.
 * The message says which.
 */
KANSA_EXTERN(int) kansa_receipt_verify(kansa_receipt_info *out, const uint8_t *receipt, size_t len,
    const kansa_note_verifier *log_key, const uint8_t *request, size_t request_len, int64_t now);

/**
 * A receipt as text: standard base64 (RFC 4648 §4, padded), as `kansa check
 * --json` prints it. @return 0; KANSA_ELIMIT (over KANSA_RECEIPT_MAX_BYTES).
 */
KANSA_EXTERN(int) kansa_receipt_to_base64(char out[KANSA_RECEIPT_MAX_BASE64], const uint8_t *cose,
    size_t len);

/**
 * A receipt's bytes from what a file or message holds: the COSE_Sign1 itself
 * (its first byte is the tag 0xd2), or its base64 text, with white space
 * around it. Syntax only: parse or verify it next.
 * @param[out] out the COSE bytes; @param[out] len_out their length.
 * @return 0; KANSA_EFORMAT (neither); KANSA_ELIMIT (over KANSA_RECEIPT_MAX_BYTES).
 */
KANSA_EXTERN(int) kansa_receipt_decode(uint8_t out[KANSA_RECEIPT_MAX_BYTES], size_t *len_out,
    const uint8_t *in, size_t len);

/** What the proof part of a proven receipt says (design §9). */
typedef struct {
	uint64_t size;        /**< tree size of the COSE Receipt (and, verified, of the checkpoint) */
	uint64_t index;       /**< leaf index of the inclusion proof (verified: the receipt's seq) */
	size_t path_len;      /**< hashes in the audit path */
	uint8_t root[KANSA_HASH_LEN]; /**< the checkpoint's root */
	size_t cosignatures;  /**< signature lines on the checkpoint besides the log's (not verified) */
	size_t witnessed;     /**< distinct given witnesses whose cosignature verified */
} kansa_receipt_proof;

/**
 * Prove a receipt of this ledger: attach to it an RFC 9942 COSE Receipt (vds
 * RFC9162_SHA256) of its entry's inclusion in the tree of a checkpoint,
 * signed by the log key, and that checkpoint's note (docs/formats.md,
 * "Proven receipts"). The checkpoint is @p checkpoint when given (a note of
 * this log, e.g. one its witnesses cosigned, whose tree must match the
 * ledger), else the latest one stored. Deny receipts are proven too: a proof
 * proves logging, not permission.
 * @param receipt a receipt of this ledger (its signature and leaf are checked).
 * @param[out] out the proven receipt, owned by the caller: free().
 * @return 0; KANSA_ENOTFOUND (no checkpoint covers the entry yet: make one
 * with kansa_ledger_checkpoint()); KANSA_EVERIFY (not this ledger's receipt,
 * or a checkpoint not of this ledger); KANSA_EFORMAT; KANSA_ELIMIT; KANSA_EIO.
 */
KANSA_EXTERN(int) kansa_ledger_prove_receipt(uint8_t **out, size_t *len_out, kansa_ledger *lg,
    const uint8_t *receipt, size_t len, const char *checkpoint, size_t checkpoint_len);

/**
 * The receipt of entry @p seq again: its payload rebuilt from the stored
 * entry and the documents it names, signed with the log key. Ed25519 is
 * deterministic, so these are the very bytes the check (or the commission
 * document's call) returned. A field that cannot be rebuilt exactly is
 * refused, never guessed.
 * @param[out] out the receipt (COSE_Sign1), owned by the caller: free().
 * @return 0; KANSA_ENOTFOUND (no such entry, or entry 0, the first policy,
 * which 'kansa ledger init' gives no receipt); KANSA_EVERIFY (the receipt
 * cannot be rebuilt exactly: nothing is signed); KANSA_EFORMAT; KANSA_EIO.
 */
KANSA_EXTERN(int) kansa_ledger_receipt(uint8_t **out, size_t *len, kansa_ledger *lg, uint64_t seq);

/**
 * Parse a proven receipt (or a plain one: @p has_proof false) strictly.
 * NOTHING IS VERIFIED. @param[out] proof zeroed for a plain receipt.
 * @return as kansa_receipt_parse().
 */
KANSA_EXTERN(int) kansa_receipt_proof_parse(kansa_receipt_info *out, kansa_receipt_proof *proof,
    bool *has_proof, const uint8_t *in, size_t len);

/**
 * A receipt's bytes, plain or proven, from what a file or message holds: the
 * COSE_Sign1 itself (first byte 0xd2) or its base64 text with white space
 * around it. Syntax only.
 * @param[out] out owned by the caller: free().
 * @return 0; KANSA_EFORMAT; KANSA_ELIMIT (over KANSA_PROVEN_RECEIPT_MAX_BYTES); KANSA_ENOMEM.
 */
KANSA_EXTERN(int) kansa_receipt_proof_decode(uint8_t **out, size_t *len_out, const uint8_t *in, size_t len);

/**
 * A proven receipt as base64 text (RFC 4648 §4, padded, NUL-terminated).
 * @param[out] out owned by the caller: free().
 * @return 0; KANSA_ELIMIT (over KANSA_PROVEN_RECEIPT_MAX_BYTES); KANSA_ENOMEM.
 */
KANSA_EXTERN(int) kansa_receipt_proof_to_base64(char **out, const uint8_t *in, size_t len);

/**
 * Verify a proven receipt offline: everything kansa_receipt_verify() checks
 * of the receipt in it, and that the COSE Receipt is signed by @p log_key
 * over the root recomputed from the receipt's leaf hash and the audit path
 * at leaf index = the receipt's seq, and that the checkpoint note is signed
 * by @p log_key, names the receipt's log and has the same tree size and
 * root; then that at least @p quorum distinct @p witnesses (type 0x04
 * vkeys; the same one given twice counts once) cosigned that checkpoint.
 * A deny receipt with a valid proof still gives KANSA_EDENIED.
 * @param[out] out as kansa_receipt_verify(). @param[out] proof filled as far
 * as verified (may be NULL).
 * @return as kansa_receipt_verify(), plus KANSA_EVERIFY for a proof that
 * fails or a quorum not met; a proof failure is reported before the
 * receipt's own claims (deny, expiry, request).
 */
KANSA_EXTERN(int) kansa_receipt_verify_proof(kansa_receipt_info *out, kansa_receipt_proof *proof,
    const uint8_t *proven, size_t len, const kansa_note_verifier *log_key,
    const kansa_note_verifier *const *witnesses, size_t n_witnesses, size_t quorum,
    const uint8_t *request, size_t request_len, int64_t now);

/* ---------------------------------------------------------------------- */
/* Witnesses (design §11): C2SP cosignatures, vkeys, the policy's list    */
/* ---------------------------------------------------------------------- */

/** Signature type byte of a note verifier: Ed25519 note signatures. */
#define KANSA_NOTE_TYPE_ED25519 0x01
/** Signature type byte of a note verifier: C2SP tlog-cosignature v1. */
#define KANSA_NOTE_TYPE_COSIGNATURE 0x04

/**
 * The signature type of @p v: KANSA_NOTE_TYPE_ED25519 (a log's key, or a
 * witness line of the old form) or KANSA_NOTE_TYPE_COSIGNATURE (a witness
 * vkey "name+hex(key ID)+base64(0x04 || public key)", which
 * kansa_note_verifier_parse() also reads). kansa_note_verify() and
 * kansa_checkpoint_verify() check each line by its verifier's type.
 */
KANSA_EXTERN(int) kansa_note_verifier_type(const kansa_note_verifier *v);

/**
 * The checkpoint origin prefix the policy sets for new ledgers (a
 * schema-less name such as "oversight.example/jp-ccisc"; each ledger adds
 * "/<16 hex>"), or NULL when the policy names none (then
 * "kansa.example/<commission>" is used). Borrowed from @p p.
 */
KANSA_EXTERN(const char *) kansa_policy_origin(const kansa_policy *p);

/** Witnesses the policy lists (its "witnesses" field). */
KANSA_EXTERN(size_t) kansa_policy_witness_count(const kansa_policy *p);

/** The C2SP vkey (type 0x04) of listed witness @p i, or NULL past the end. Borrowed. */
KANSA_EXTERN(const char *) kansa_policy_witness_vkey(const kansa_policy *p, size_t i);

/** Distinct listed witnesses whose cosignatures the policy requires (0: none). */
KANSA_EXTERN(size_t) kansa_policy_witness_quorum(const kansa_policy *p);

/**
 * A witness's cosignature verifier (type 0x04) for @p key's public part
 * under @p name: key ID SHA-256(name || 0x0A || 0x04 || public key)[:4].
 * @return 0, KANSA_EFORMAT (invalid name), KANSA_ENOMEM.
 */
KANSA_EXTERN(int) kansa_cosig_verifier_from_key(kansa_note_verifier **out, const kansa_key *key,
    const char *name);

/**
 * Add a C2SP tlog-cosignature v1 line by @p key under @p name to the signed
 * checkpoint @p note: an Ed25519 signature over "cosignature/v1\ntime T\n"
 * followed by the checkpoint text, written as base64(key ID || T as 8
 * big-endian bytes || signature). The existing signatures are not verified
 * here: verify the checkpoint, and its consistency with what this witness
 * saw before, first.
 * @param timestamp seconds since the Epoch, at most 2^63 - 1.
 * @param[out] out the new note, NUL-terminated, owned by the caller: free().
 * @return 0; KANSA_EEXISTS (already cosigned by this name and key);
 * KANSA_EFORMAT (not a checkpoint, bad name); KANSA_EINVAL; KANSA_ELIMIT.
 */
KANSA_EXTERN(int) kansa_cosig_add(char **out, size_t *len_out, const char *note, size_t len,
    const kansa_key *key, const char *name, uint64_t timestamp);

/**
 * Find and check @p witness's (type 0x04) cosignature on @p note. Does not
 * check the log's signature: use kansa_checkpoint_verify() for that.
 * @param[out] time_out the cosignature's timestamp (may be NULL).
 * @return 0; KANSA_ENOTFOUND (no line of this name and key ID);
 * KANSA_EVERIFY (such a line does not verify); KANSA_EINVAL (not a type 0x04
 * key); KANSA_EFORMAT (malformed note).
 */
KANSA_EXTERN(int) kansa_cosig_verify(uint64_t *time_out, const char *note, size_t len,
    const kansa_note_verifier *witness);

/* ---------------------------------------------------------------------- */
/* Anchoring: signed checkpoints in a git repository                      */
/* ---------------------------------------------------------------------- */

/** A cosignature line on an anchored checkpoint. */
typedef struct {
	char name[KANSA_NOTE_MAX_NAME + 1]; /**< the signer's key name (a member's name) */
	bool verified; /**< a witness key of this name was given and the signature verified */
	bool old_form; /**< a type 0x01 signature line (before C2SP cosignatures), not tlog-cosignature v1 */
	uint64_t timestamp; /**< verified C2SP cosignature: its time (seconds since the Epoch), else 0 */
} kansa_anchor_cosigner;

/** One anchored checkpoint of one log, as found in a commit. */
typedef struct {
	char commit[KANSA_ANCHOR_COMMIT_HEX];         /**< the commit that holds it */
	char origin[KANSA_CHECKPOINT_MAX_ORIGIN + 1]; /**< the log (its checkpoint origin) */
	uint64_t old_size;       /**< size anchored before, proven to be a prefix (0: first anchor) */
	uint64_t size;           /**< tree size */
	uint8_t root[KANSA_HASH_LEN]; /**< RFC 9162 root */
	size_t n_cosigners;      /**< signature lines besides the log's own */
	kansa_anchor_cosigner cosigners[KANSA_ANCHOR_MAX_LISTED]; /**< the first of them */
	size_t n_witnessed;      /**< distinct given witness keys whose cosignature verified */
} kansa_anchor_checkpoint;

/** Remotes one push or cosign reports on, one by one (all it accepts). */
#define KANSA_ANCHOR_MAX_REMOTES 32

/** How the push to one remote went. */
typedef struct {
	int error;         /**< 0: pushed; else the kansa error code of this remote's failure */
	char message[256]; /**< what failed and what to do, when error != 0 */
	size_t folded;     /**< push: this remote's witness commits folded in before the push */
} kansa_anchor_remote;

/** What kansa_anchor_push() did. */
typedef struct {
	kansa_anchor_checkpoint checkpoint; /**< now anchored (commit: the tip) */
	bool committed;        /**< a commit was made (false: the repository already held this size) */
	bool created;          /**< the repository was created */
	size_t remotes_pushed; /**< remotes updated */
	size_t n_remotes;      /**< remotes tried: remote[i] is the i-th name given */
	kansa_anchor_remote remote[KANSA_ANCHOR_MAX_REMOTES]; /**< each remote's outcome */
	size_t folded;         /**< remotes' commits folded in (only adding cosignatures) */
	size_t rebased;        /**< local commits replayed on top of them */
	size_t cosignatures;   /**< cosignature lines those commits added */
	size_t unverified;     /**< of those, by keys not among the witnesses given (kept) */
} kansa_anchor_push_result;

/**
 * Anchor the ledger: when it grew since the checkpoint its origin has in the
 * repository at @p repo_path, sign a new checkpoint (kansa_ledger_checkpoint())
 * and commit it as logs/<origin>/checkpoint with logs/<origin>/consistency-proof
 * (from the anchored size) on the branch HEAD names; then push that branch to
 * each named remote, going on past a remote that fails (out->remote[] says
how each went; the result is filled also when a push failed). The
repository (bare or not) is created when the path
 * does not exist or is an empty directory: bare when the path ends in ".git".
 * A ledger that is not an extension of what the repository holds is refused
 * and nothing is committed or pushed. Before that, each remote's
 * cosignature commits are folded in as by kansa_anchor_publish() (with no
 * witness keys: every well-formed added cosignature is kept unverified).
 * @param remotes names of remotes configured in the repository (may be NULL).
 * @return 0; KANSA_EVERIFY (the ledger is shorter than, or forks from, the
 * anchored checkpoint; or that checkpoint is not signed by this ledger's
 * key; or a remote holds commits that do more than add cosignatures); KANSA_EFORMAT (a malformed file in the repository); KANSA_ELIMIT;
 * KANSA_ENOTFOUND (no such remote); KANSA_ELOCKED (the repository is locked
 * or moved on meanwhile); KANSA_EIO (git or push failure); KANSA_ENOMEM.
 */
KANSA_EXTERN(int) kansa_anchor_push(kansa_anchor_push_result *out, kansa_ledger *lg,
    const char *repo_path, const char *const *remotes, size_t n_remotes);

/** Options of kansa_anchor_publish(). */
typedef struct {
	unsigned version; /**< KANSA_ANCHOR_PUSH_OPTIONS_VERSION */
	/** witness keys (either form); a remote's cosignature line by one of
	 * them must verify before it is folded in (may be NULL) */
	const kansa_note_verifier *const *witnesses;
	size_t n_witnesses; /**< entries of witnesses */
} kansa_anchor_push_options;

#define KANSA_ANCHOR_PUSH_OPTIONS_VERSION 1
#define KANSA_ANCHOR_PUSH_OPTIONS_INIT { KANSA_ANCHOR_PUSH_OPTIONS_VERSION, NULL, 0 }

/**
 * kansa_anchor_push() that first folds in what witnesses pushed to the
 * remotes: each remote is fetched, and when its commits that this
 * repository lacks only add cosignature lines to checkpoints this history
 * also has (a line by a key of @p opt's witnesses must verify; lines by
 * other keys must be well formed and are kept, counted in out->unverified),
 * the branch is moved onto them, replaying local commits the remote lacks
 * on top (merged cosignature lines when both sides cosigned one
 * checkpoint). History stays linear. A remote whose commits do anything
 * else (another checkpoint, a removed line, another file, a merge, a bad
 * signature) is refused with KANSA_EVERIFY and nothing is committed,
 * moved or pushed. kansa_anchor_push() is this without witness keys.
 * @param opt NULL for the defaults.
 * @return as kansa_anchor_push().
 */
KANSA_EXTERN(int) kansa_anchor_publish(kansa_anchor_push_result *out, kansa_ledger *lg,
    const char *repo_path, const char *const *remotes, size_t n_remotes,
    const kansa_anchor_push_options *opt);

/** How kansa_anchor_verify() reports. The callback may be NULL. */
typedef struct {
	/** each checkpoint change, oldest first, once verified; the pointer is borrowed */
	void (*on_checkpoint)(void *ctx, const kansa_anchor_checkpoint *c);
	void *ctx; /**< passed to the callback */
	/** the newest checkpoint of each log needs cosignatures from this many
	 * distinct witness keys among those given (0: no quorum) */
	size_t witness_quorum;
} kansa_anchor_verify_options;

/** What kansa_anchor_verify() walked. */
typedef struct {
	uint64_t commits;      /**< commits walked */
	uint64_t checkpoints;  /**< checkpoint changes verified */
	size_t logs;           /**< logs found (each a given log key) */
	size_t unverified;     /**< logs in the tip with no log key given (not verified) */
	char tip[KANSA_ANCHOR_COMMIT_HEX];        /**< the commit HEAD names */
	char bad_commit[KANSA_ANCHOR_COMMIT_HEX]; /**< KANSA_EVERIFY/EFORMAT: the commit at fault */
} kansa_anchor_summary;

/**
 * Verify an anchor repository from its first commit to HEAD: history is
 * linear; for every log key given (its name is the log's origin), each
 * version of logs/<origin>/checkpoint is signed by that key, and extends the
 * one before by the consistency proof next to it (same size: the same
 * root); a log once anchored is never removed. Cosignature lines from the
 * @p witnesses keys must verify; others are listed as unverified. Needs no
 * database key: only public keys.
 * @param logs the logs' verifier keys, at least one.
 * @param witnesses verifier keys of witnesses (may be NULL).
 * @return 0 (every log key's log found and verified); KANSA_EVERIFY (the
 * message and out->bad_commit name the commit); KANSA_EFORMAT (malformed
 * file, also naming the commit); KANSA_ELIMIT (over a kansa_limits.h
 * bound); KANSA_ENOTFOUND (no repository, or no commits); KANSA_EIO.
 */
KANSA_EXTERN(int) kansa_anchor_verify(kansa_anchor_summary *out, const char *repo_path,
    const kansa_note_verifier *const *logs, size_t n_logs,
    const kansa_note_verifier *const *witnesses, size_t n_witnesses,
    const kansa_anchor_verify_options *opt);

/**
 * Check a ledger against the newest checkpoint the repository holds for its
 * origin. The ledger's log key must be one of @p logs (same name, same
 * public key): a key read from the database proves nothing by itself. That
 * checkpoint must be signed by it, and the ledger must verify as
 * kansa_ledger_audit() has it (no replay) with its first checkpoint-size
 * entries giving the anchored root, the tree rebuilt from the entry bodies
 * (leaf hash SHA-256(0x00 || body)), never read from the stored Merkle
 * nodes. So the ledger was neither truncated nor rewritten since it was
 * anchored, and its tree now extends the anchored one. Reads every entry.
 * @param[out] out the anchored checkpoint (commit: HEAD).
 * @param[out] size_out the entries read.
 * @param logs the verifier keys the caller trusts, at least one.
 * @return 0; KANSA_EVERIFY (a log key not in @p logs, no checkpoint of this
 * ledger in the repository, truncated, rewritten or forked, or any audit
 * finding); KANSA_EINVAL; KANSA_ENOTFOUND (no repository); KANSA_EFORMAT;
 * KANSA_EIO.
 */
KANSA_EXTERN(int) kansa_anchor_check_ledger(kansa_anchor_checkpoint *out, uint64_t *size_out,
    kansa_ledger *lg, const char *repo_path, const kansa_note_verifier *const *logs,
    size_t n_logs);

/** What kansa_anchor_cosign() did. */
typedef struct {
	kansa_anchor_checkpoint checkpoint; /**< the checkpoint cosigned (or already cosigned) */
	uint64_t previous_size; /**< the size this witness cosigned before (0: none) */
	bool committed;         /**< a commit was made (false: already cosigned by this key) */
	size_t remotes_pushed;  /**< remotes updated */
	size_t n_remotes;       /**< remotes tried: remote[i] is the i-th name given */
	kansa_anchor_remote remote[KANSA_ANCHOR_MAX_REMOTES]; /**< each remote's outcome */
} kansa_anchor_cosign_result;

/**
 * Cosign, as a witness, the newest checkpoint of the log @p log in the
 * repository: verify the repository's history of that log as
 * kansa_anchor_verify() does, and that it passes through the checkpoint
 * recorded in the witness state file @p state_path (so the newest extends
 * what this witness cosigned before); record the newest there (mode 0600,
 * created when missing), then add a signature line by @p witness under its
 * name (kansa_key_name(), which must be set) and commit it; then push to
 * each named remote.
 * @return 0; KANSA_EVERIFY (the newest does not extend what this witness
 * cosigned: the message says so and names sizes); KANSA_EINVAL (the key is
 * public or has no name); as kansa_anchor_verify() and kansa_anchor_push().
 */
KANSA_EXTERN(int) kansa_anchor_cosign(kansa_anchor_cosign_result *out, const char *repo_path,
    const kansa_note_verifier *log, const kansa_key *witness, const char *state_path,
    const char *const *remotes, size_t n_remotes);

/** A witness of C2SP tlog-witness (kansa witness serve): its key, the logs
 * it knows and their state files. Safe to use from many threads at once. */
typedef struct kansa_witness kansa_witness;

/**
 * Make a witness that cosigns checkpoints of the logs @p logs (each a log's
 * verifier key: its name is the log's origin) with @p key (private, with a
 * name), keeping per log the checkpoint it cosigned last in
 * @p state_dir/<origin, '/' as '_'>: the same file kansa_anchor_cosign()
 * takes as its state, so the offline witness and the service go on from
 * each other. @p key is borrowed and must outlive the witness.
 * @return 0; KANSA_EINVAL (no logs, a witness key given as a log, a log
 * twice, a public or unnamed key); KANSA_ENOMEM.
 */
KANSA_EXTERN(int) kansa_witness_open(kansa_witness **out, const kansa_key *key,
    const kansa_note_verifier *const *logs, size_t n_logs, const char *state_dir);

/** Free a witness. Accepts NULL. */
KANSA_EXTERN(void) kansa_witness_free(kansa_witness *w);

/** The answer to one add-checkpoint request. */
typedef struct {
	int status;               /**< HTTP status: 200, 400, 403, 404, 409, 422, 500 */
	const char *content_type; /**< static */
	char *body;               /**< owned, dispose with kansa_witness_answer_dispose(): 200
				       the cosignature line(s); 409 "N\n"; else a message line */
	size_t len;               /**< bytes of body */
	uint64_t known_size;      /**< 409: the size this witness cosigned last */
	uint64_t previous_size;   /**< 200: the size it had cosigned before */
} kansa_witness_answer;

/**
 * Answer a C2SP tlog-witness add-checkpoint request body ("old N", the
 * consistency proof lines, an empty line, the checkpoint note): 200 with a
 * tlog-cosignature v1 line once the new state is durable; 400 malformed;
 * 404 a log this witness does not know; 403 not signed by the log's key;
 * 409 old size not the size cosigned last (body: that size), or another
 * root for that size; 422 the consistency proof fails. Requests for one log
 * are serialized. Never cosigns a smaller size after a larger one, nor two
 * roots for one size.
 * @return 0 with @p out filled (whatever its status); KANSA_ENOMEM,
 * KANSA_EIO, KANSA_EVERIFY (the state file cannot be used) with out->status
 * 500.
 */
KANSA_EXTERN(int) kansa_witness_add_checkpoint(kansa_witness_answer *out, kansa_witness *w,
    const char *body, size_t len);

/** Free the body of an answer. Accepts NULL. */
KANSA_EXTERN(void) kansa_witness_answer_dispose(kansa_witness_answer *a);

/* ---------------------------------------------------------------------- */
/* Service: kansa serve and its client (design §10)                       */
/* ---------------------------------------------------------------------- */

/** How kansa_serve() runs. Zero values take the defaults named. */
typedef struct {
	const char *listen;        /**< "127.0.0.1:8443" (IPv4 or [IPv6]); port 0 picks a free port */
	const char *cert;          /**< the server's certificate chain, PEM */
	const char *key;           /**< its private key, PEM, not encrypted, mode 0600 */
	const char *client_ca;     /**< the CA certificates (PEM) that issue the units' certificates */
	bool public_read;          /**< GET routes without a client certificate (checks always need one) */
	unsigned workers;          /**< threads that run checks; 0: 8 */
	unsigned max_connections;  /**< open connections; past it new ones wait unaccepted; 0: 256 */
	unsigned timeout;          /**< seconds a connection may take for its TLS handshake, headers,
				        body, or idle between requests; 0: 10 */
	/** a line for the operator's log ("listening on 127.0.0.1:8443",
	 * "stopping: ..."); called on the server's thread; may be NULL */
	void (*on_event)(void *ctx, const char *line);
	void *ctx;                 /**< passed to on_event */
	/** CRLs (PEM) of the client CAs, or NULL: with it every client
	 * certificate is checked against its issuer's CRL, and one revoked, or
	 * whose issuer has no CRL here or an expired one, is refused at TLS;
	 * read again on SIGHUP */
	const char *crl;
	/** kansa_serve() only: sign a checkpoint (kansa_ledger_checkpoint())
	 * once this many entries were appended since the last one it signed;
	 * 0: not by count */
	uint64_t checkpoint_every;
	/** kansa_serve() only: sign one at most this many seconds after an
	 * entry was appended that no checkpoint of it covers; 0: not by time */
	unsigned checkpoint_interval;
	/** witnesses (https://host:port) whose cosignatures each such
	 * checkpoint collects (kansa_ledger_collect_cosignatures(), the
	 * policy's quorum), at most 64; needs checkpoint_every or
	 * checkpoint_interval. Counted in /metrics, never printed. */
	const char *const *witness_urls;
	size_t n_witness_urls;
	const kansa_note_verifier *const *witness_keys; /**< trusted besides the policy's witnesses */
	size_t n_witness_keys;
	const char *witness_ca;     /**< CA certificates (PEM) of the witnesses' TLS; NULL: the system's */
	unsigned witness_timeout;   /**< seconds per request to a witness; 0: 30 */
	/** distinct trusted witnesses whose cosignatures a round needs (short of
	 * it, the round is tried again after checkpoint_interval); 0: the
	 * policy's witness_quorum */
	size_t witness_quorum;
} kansa_serve_options;

/**
 * Serve @p lg over HTTPS (TLS 1.3 only) until SIGTERM or SIGINT: POST
 * /v1/check ({"warrant": base64 COSE or null, "request": {...}} -> the
 * check's JSON, as `kansa check --json` prints it, with "unit"; or its CBOR
 * form, kansa_check_cbor_as(), answered by kansa_check_answer_cbor()), POST
 * /v1/policies, /v1/revocations, /v1/ratifications (signed documents,
 * recorded on their own quorum by any client whose certificate verifies),
 * GET /healthz, /v1/info, /v1/checkpoint (C2SP signed note), /metrics
 * (Prometheus text). Every caller shows a client certificate issued by
 * opt->client_ca; its unit (URI SAN kansa:unit:NAME, else the subject CN)
 * is passed to kansa_check_json_as(). Checks run on worker threads. Bodies
 * over 1 MiB get 413. On SIGTERM or SIGINT it stops accepting, answers every
 * check in flight (and 503 to requests arriving on open connections), and
 * returns once those connections have closed (idle ones at opt->timeout);
 * the caller then closes the ledger. On SIGHUP
 * it reads the certificate, key and client CA files again (new connections
 * use them; on failure the old ones stay). With opt->checkpoint_every or
 * opt->checkpoint_interval a thread of its own signs checkpoints and
 * collects the cosignatures of opt->witness_urls (counted in /metrics); it
 * is stopped and joined before this returns.
 * @return 0 after a signal; KANSA_EINVAL (options); KANSA_EIO (cannot
 * listen); KANSA_EKEY / KANSA_EFORMAT / KANSA_EPERM (certificate or key
 * files); KANSA_ENOMEM.
 */
KANSA_EXTERN(int) kansa_serve(kansa_ledger *lg, const kansa_serve_options *opt);

/**
 * Serve the witness @p w (kansa witness serve, design §11) over HTTPS
 * (TLS 1.3) as C2SP tlog-witness: POST /add-checkpoint (the answer of
 * kansa_witness_add_checkpoint()) and GET /healthz, on worker threads.
 * opt->client_ca is not used: no client certificates are asked for, a
 * checkpoint counts by its log's signature. Limits, signals and options as
 * kansa_serve() (public_read has no meaning here).
 * @return as kansa_serve().
 */
KANSA_EXTERN(int) kansa_witness_serve(kansa_witness *w, const kansa_serve_options *opt);

/** A connection to a kansa serve (libcurl, keep-alive). One thread at a time. */
typedef struct kansa_client kansa_client;

/**
 * Prepare a client of the service at @p url ("https://host:port"), showing
 * the client certificate @p cert with its key @p key (PEM; the key mode
 * 0600), and trusting only the CA certificates in @p ca for the server.
 * Nothing is sent yet. @return 0; KANSA_EINVAL; KANSA_ENOTFOUND / KANSA_EPERM
 * (a file); KANSA_ENOMEM.
 */
KANSA_EXTERN(int) kansa_client_open(kansa_client **out, const char *url, const char *cert,
    const char *key, const char *ca);

/**
 * kansa_check_json() through the service: the same receipt, recorded in
 * the service's ledger under the unit of this client's certificate.
 * @return 0 with @p out filled (allow or deny); otherwise out->verdict is
 * KANSA_DENY and nothing is known to be recorded: KANSA_EIO (transport or
 * TLS failure, or the service could not record), KANSA_ELIMIT (the body is
 * over 1 MiB), KANSA_EFORMAT (the answer is not a check's), KANSA_ENOMEM.
 */
KANSA_EXTERN(int) kansa_client_check(kansa_receipt *out, kansa_client *c, const uint8_t *warrant,
    size_t warrant_len, const char *request_json, size_t json_len);

/**
 * kansa_client_check() with a request in canonical CBOR (kansa_check()'s
 * form): the body and the answer are CBOR (application/cbor,
 * kansa_check_body_cbor() and kansa_check_answer_cbor_read()). The same
 * receipt and the same errors as kansa_client_check().
 */
KANSA_EXTERN(int) kansa_client_check_cbor(kansa_receipt *out, kansa_client *c, const uint8_t *warrant,
    size_t warrant_len, const uint8_t *request, size_t request_len);

/** Close a client. Accepts NULL. */
KANSA_EXTERN(void) kansa_client_close(kansa_client *c);

/** What one witness answered to kansa_ledger_witness(). */
typedef struct {
	int status;        /**< HTTP status of the last answer; 0: not reached */
	uint64_t old_size; /**< the old size of the last request */
	char *lines;       /**< owned (free()): the signature lines of a 200 answer, else NULL */
	size_t len;        /**< bytes of lines */
} kansa_witness_reply;

/**
 * Ask the C2SP tlog-witness at @p url (https://host:port, the submission
 * prefix) to cosign @p note, a checkpoint kansa_ledger_checkpoint() made of
 * @p lg: POST <url>/add-checkpoint with old size 0 and, when the witness
 * answers 409 with the size it cosigned last, once more with the
 * consistency proof from that size (read from @p lg). The witness's
 * certificate is verified against @p ca (PEM; NULL: the system's CAs).
 * @p timeout seconds per request (0: 30). The lines are not verified here:
 * check them with the witnesses' keys (kansa_cosig_verify()), ignoring
 * lines of unknown keys as C2SP asks.
 * @return 0 with out->lines; KANSA_EVERIFY (refused: 403, 404, 409 again,
 * 422, or the witness cosigned a larger size than the checkpoint's);
 * KANSA_EIO (unreachable, TLS, another status); KANSA_EFORMAT (a 200 answer
 * that is not signature lines, or @p note is not a checkpoint);
 * KANSA_EINVAL (not an https:// URL); KANSA_ENOMEM.
 */
KANSA_EXTERN(int) kansa_ledger_witness(kansa_witness_reply *out, kansa_ledger *lg, const char *note,
    size_t len, const char *url, const char *ca, unsigned timeout);

/** What one witness gave to kansa_ledger_collect_cosignatures(). */
typedef struct {
	const char *url;    /**< borrowed from the options */
	int status;         /**< HTTP status of its last answer; 0: not reached */
	uint64_t old_size;  /**< the old size of its last request */
	size_t kept;        /**< its lines that verified under a trusted key */
	/** the trusted witnesses its lines were the first to show, one name
	 * per line ("" when none); owned */
	char *names;
	int error;          /**< 0 when it answered (kept may still be 0), else why not */
	char message[256];  /**< the error's message when error != 0, else "" */
} kansa_cosign_witness;

/** How kansa_ledger_collect_cosignatures() asks the witnesses. */
typedef struct {
	const char *const *urls;   /**< the witnesses (https://host:port), asked in this order */
	size_t n_urls;
	/** keys trusted besides the policy's witnesses (type 0x04 vkeys):
	 * their lines are kept in the note and count toward a quorum given
	 * here, not toward the policy's; they are not stored */
	const kansa_note_verifier *const *keys;
	size_t n_keys;
	const char *ca;            /**< CA certificates (PEM) for the witnesses' TLS; NULL: the system's */
	unsigned timeout;          /**< seconds per request to a witness; 0: 30 */
	size_t quorum;             /**< distinct trusted witnesses needed; SIZE_MAX: the policy's */
	/** asked before each witness and while waiting for one (about once a
	 * second); nonzero stops the collection: the witnesses not asked yet
	 * are reported with KANSA_EIO. NULL: never stops. */
	int (*stop)(void *ctx);
	/** told what witness @p index gave as soon as it answered or failed;
	 * may be NULL */
	void (*on_witness)(void *ctx, size_t index, const kansa_cosign_witness *w);
	void *ctx;                 /**< passed to stop and on_witness */
} kansa_cosign_options;

/** The outcome of kansa_ledger_collect_cosignatures(). Free with kansa_cosign_result_dispose(). */
typedef struct {
	kansa_cosign_witness *witnesses; /**< one per URL, in order; owned */
	size_t n_witnesses;
	size_t trusted;     /**< trusted keys (the policy's and opt->keys); 0: every line is dropped */
	/** distinct trusted witnesses whose cosignature verified; under the
	 * policy's quorum (opt->quorum SIZE_MAX) the policy's witnesses only */
	size_t have;
	size_t need;        /**< the quorum asked for */
	size_t stored;      /**< lines newly stored with the checkpoint in the ledger */
	char *note;         /**< the checkpoint with every verified line; owned, NUL-terminated */
	size_t len;
} kansa_cosign_result;

/**
 * Collect witnesses' cosignatures of @p note, a checkpoint
 * kansa_ledger_checkpoint() made of @p lg (design §11): ask each witness of
 * @p opt with kansa_ledger_witness(), keep the lines that verify under a
 * trusted key (the policy's witnesses, kansa_ledger_witnesses(), and
 * opt->keys; other lines are dropped, as C2SP asks), store the policy
 * witnesses' lines with the checkpoint (kansa_ledger_add_cosignatures()),
 * and count the distinct trusted witnesses against the quorum. A witness
 * that cannot be reached or refuses is reported in its entry, never an
 * error of the call. Prints nothing.
 * @return 0 (the quorum met); KANSA_EVERIFY short of the quorum (@p out
 * filled, its note carries what was collected); or the error that kept it
 * from asking or storing (KANSA_EINVAL, KANSA_EFORMAT a bad policy key,
 * KANSA_ENOMEM, KANSA_EIO), @p out then empty.
 */
KANSA_EXTERN(int) kansa_ledger_collect_cosignatures(kansa_cosign_result *out, kansa_ledger *lg,
    const char *note, size_t len, const kansa_cosign_options *opt);

/** Free what a kansa_cosign_result holds and zero it. Accepts NULL. */
KANSA_EXTERN(void) kansa_cosign_result_dispose(kansa_cosign_result *r);

#ifdef __cplusplus
}
#endif
#endif /* KANSA_H */
