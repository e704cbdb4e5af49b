/* SPDX-License-Identifier: Apache-2.0 */
/*
 * C2SP tlog-cosignature v1 (c2sp.org/tlog-cosignature), internal to the
 * ledger: a witness's timestamped Ed25519 signature on a checkpoint, as a
 * signed-note signature line of type 0x04.
 *
 *   key ID    = SHA-256(name || 0x0A || 0x04 || 32-byte public key)[:4]
 *   message   = "cosignature/v1\n" "time <T>\n" || checkpoint note text
 *   line      = "— <name> " base64(key ID || u64be T || Ed25519 signature)
 *
 * The public calls (kansa_cosig_*) are declared in include/kansa.h; these
 * are the pieces note.c and the anchor code share.
 */
#ifndef KANSA_LEDGER_COSIG_H
#define KANSA_LEDGER_COSIG_H

#include "ledger/tlog/note.h"

#define KANSA_COSIG_TIME_LEN 8 /* u64 big-endian timestamp before the signature */
#define KANSA_COSIG_SIG_LEN (KANSA_COSIG_TIME_LEN + KANSA_SIG_LEN) /* 72 bytes after the key ID */
#define KANSA_COSIG_MAX_TIME ((uint64_t)INT64_MAX) /* tlog-cosignature: at most 2^63 - 1 */

/* "cosignature/v1\ntime <T>\n" followed by @p text into @p b. */
int kansa_cosig__message(kansa_buf *b, uint64_t timestamp, const char *text, size_t text_len);

/*
 * Check one cosignature: @p sig (the @p sig_len bytes after the key ID) is
 * a timestamped signature by @p v (type 0x04) over @p text. Returns 0 with
 * *time_out (may be NULL) the timestamp, or KANSA_EVERIFY saying why not
 * (wrong length, timestamp over 2^63 - 1, bad signature).
 */
int kansa_cosig__check(uint64_t *time_out, const kansa_note_verifier *v, const char *text,
    size_t text_len, const uint8_t *sig, size_t sig_len);

/* Append the cosignature line by @p key under @p name over @p text at
 * @p timestamp to @p b. */
int kansa_cosig__line(kansa_buf *b, const char *text, size_t text_len, const kansa_key *key,
    const char *name, uint64_t timestamp);

#endif
