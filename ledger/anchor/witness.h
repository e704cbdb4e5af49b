/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The witness (design §11), internal to the ledger: the C2SP tlog-witness
 * add-checkpoint request body, and the witness state file that
 * kansa_witness_add_checkpoint() (witness.c) and the offline
 * kansa_anchor_cosign() (anchor_verify.c) share. A state file holds the
 * checkpoint this witness cosigned last for one log: the log's note with
 * the log's signature and this witness's cosignature, nothing else.
 */
#ifndef KANSA_LEDGER_WITNESS_H
#define KANSA_LEDGER_WITNESS_H

#include "common/common.h"

/* tlog-witness: at most 63 consistency proof lines. */
#define KANSA_WITNESS_MAX_PROOF 63

/* An add-checkpoint body split into its parts; note borrows the body. */
typedef struct {
	uint64_t old_size;                                 /* the "old N" line */
	size_t n_proof;                                    /* consistency proof lines */
	uint8_t proof[KANSA_WITNESS_MAX_PROOF][KANSA_HASH_LEN];
	const char *note;                                  /* the checkpoint note, after the blank line */
	size_t note_len;
} kansa_witness_request;

/*
 * Split @p body (c2sp.org/tlog-witness): "old N\n" (decimal, no leading
 * zero), up to 63 lines of one base64 hash each, an empty line, then the
 * note (not checked here). Returns 0 or KANSA_EFORMAT (the message says
 * what is wrong), KANSA_ELIMIT (more than 63 proof lines).
 */
int kansa_witness__parse(kansa_witness_request *out, const char *body, size_t len);

/*
 * Read the witness state @p path: the checkpoint of @p log that the
 * witness @p me (type 0x04; @p me_old the same key as type 0x01, for state
 * written before C2SP cosignatures) cosigned last. *have false when there
 * is no such file. KANSA_EVERIFY when the file is not signed by the log,
 * or holds no cosignature by @p me (another witness's state); the other
 * errors of kansa_file_read().
 */
int kansa_witness__state_read(kansa_anchor_checkpoint *out, bool *have, const char *path,
    const kansa_note_verifier *log, const kansa_note_verifier *me, const kansa_note_verifier *me_old);

#endif
