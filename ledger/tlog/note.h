/* SPDX-License-Identifier: Apache-2.0 */
/*
 * C2SP signed notes (c2sp.org/signed-note) with Ed25519 signatures, and the
 * tlog-checkpoint body (c2sp.org/tlog-checkpoint), internal to the ledger.
 * The public API (include/kansa.h) signs and verifies checkpoints; these are
 * the pieces it is made of, exposed for the tests and the anchor code.
 *
 * A parsed note borrows the input bytes. Nothing here trusts a note's text
 * before a signature over it has verified: kansa_note__parse only splits and
 * checks syntax.
 */
#ifndef KANSA_LEDGER_NOTE_H
#define KANSA_LEDGER_NOTE_H

#include "keys/keys.h"

#define KANSA_NOTE_KEY_ID_LEN 4   /* big-endian uint32 key ID */
#define KANSA_NOTE_SIG_ED25519 KANSA_NOTE_TYPE_ED25519 /* signature type byte of Ed25519 */
#define KANSA_NOTE_SIG_COSIG_V1 KANSA_NOTE_TYPE_COSIGNATURE /* C2SP tlog-cosignature v1 (timestamped Ed25519) */
#define KANSA_NOTE_MAX_SIG_PAYLOAD (8 + KANSA_SIG_LEN) /* longest signature we keep: a cosignature */

/* Longest base64 signature field we decode: a post-quantum signature of
 * about 5 kB (C2SP) plus the key ID fits. */
#define KANSA_NOTE_MAX_SIG_B64 8192

struct kansa_note_verifier {
	char name[KANSA_NOTE_MAX_NAME + 1];      /* NUL-terminated key name */
	size_t name_len;                         /* bytes of name */
	uint8_t type;                            /* KANSA_NOTE_SIG_ED25519 or KANSA_NOTE_SIG_COSIG_V1 */
	uint8_t key_id[KANSA_NOTE_KEY_ID_LEN];   /* SHA-256(name || 0x0A || type || pub)[:4] */
	uint8_t pub[KANSA_PUBKEY_LEN];           /* raw Ed25519 public key */
	kansa_key *key;                          /* owned; the public key, for kansa_key_verify */
};

/* One signature line of a parsed note; pointers borrow the note. */
typedef struct {
	const char *line;                       /* the whole line, from the em dash */
	size_t line_len;                        /* without the newline */
	const char *name;                       /* key name */
	size_t name_len;                        /* bytes of name */
	uint8_t key_id[KANSA_NOTE_KEY_ID_LEN];  /* first 4 decoded bytes */
	size_t sig_len;                         /* decoded bytes after the key ID */
	uint8_t sig[KANSA_NOTE_MAX_SIG_PAYLOAD]; /* the signature, when sig_len is 64 or 72 */
	bool duplicate;                         /* the same line appeared before: ignored */
} kansa_note_sig;

/* A note split into its text and signature lines. */
typedef struct {
	const char *text;              /* borrowed: the note text, ending with "\n" */
	size_t text_len;               /* bytes of text */
	size_t n_sigs;                 /* signature lines */
	kansa_note_sig *sigs;          /* owned array of n_sigs */
} kansa_note_parsed;

/* SHA-256(name || 0x0A || type || pub)[:4]; type is the signature type byte
 * (0x01 for note signatures, 0x04 for cosignatures). */
int kansa_note__key_id(uint8_t out[KANSA_NOTE_KEY_ID_LEN], uint8_t type, const char *name,
    size_t name_len, const uint8_t pub[KANSA_PUBKEY_LEN]);

/* A verifier of @p type (KANSA_NOTE_SIG_ED25519 or KANSA_NOTE_SIG_COSIG_V1)
 * for the Ed25519 key @p pub under @p name. */
int kansa_note__verifier_new(kansa_note_verifier **out, uint8_t type, const char *name,
    size_t name_len, const uint8_t pub[KANSA_PUBKEY_LEN]);

/* A valid key name: non-empty, at most KANSA_NOTE_MAX_NAME bytes of UTF-8,
 * no control characters, no Unicode white space, no '+'. */
bool kansa_note__name_is_valid(const char *name, size_t len);

/* Valid UTF-8 with no ASCII control characters other than newline. Returns
 * 0 or KANSA_EFORMAT naming the offset. */
int kansa_note__check_text(const char *s, size_t len);

/*
 * Split a note into text and signature lines and check its syntax
 * (signed-note "Format"). Returns 0, KANSA_ELIMIT (longer than
 * KANSA_NOTE_MAX_BYTES, more than KANSA_NOTE_MAX_SIGNATURES lines or an
 * over-long signature), KANSA_EFORMAT or KANSA_ENOMEM. On success dispose
 * *out with kansa_note__parsed_dispose; on error there is nothing to free.
 */
int kansa_note__parse(kansa_note_parsed *out, const char *note, size_t len);
void kansa_note__parsed_dispose(kansa_note_parsed *p);

/*
 * A checkpoint body: origin, size, 32-byte root, extension lines
 * (tlog-checkpoint "Note text"). Returns 0, KANSA_EFORMAT or KANSA_ELIMIT
 * (origin longer than KANSA_CHECKPOINT_MAX_ORIGIN). On success *origin_out
 * borrows the text.
 */
int kansa_checkpoint__parse_text(const char **origin_out, size_t *origin_len_out, uint64_t *size_out,
    uint8_t root_out[KANSA_HASH_LEN], size_t *extensions_out, const char *text, size_t len);

/* "origin\nsize\nbase64(root)\n" into b. Returns 0, KANSA_EFORMAT (bad
 * origin), KANSA_ELIMIT or KANSA_ENOMEM. */
int kansa_checkpoint__format_text(kansa_buf *b, const char *origin, uint64_t size,
    const uint8_t root[KANSA_HASH_LEN]);

#endif
