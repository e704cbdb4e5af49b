/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: the C2SP signed-note parser and verifier, the
 * checkpoint body parser and the verifier-key parser (ledger/tlog/note.c).
 * Input: any bytes, treated as a note. Must never crash, leak or read out
 * of bounds; an accepted note must survive re-parsing unchanged.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ledger/tlog/note.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Verifiers for the Go test key PeterNeumann and the real sum.golang.org
 * key, so that the seeds signed by them reach the signature checks. */
static const char *const VKEYS[] = {
	"PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
	"sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static kansa_note_verifier *vs[2];
	const char *text = (const char *)data;
	kansa_note_parsed p;
	kansa_note_report r;
	kansa_checkpoint cp;
	kansa_note_verifier *v = NULL;
	const char *origin;
	size_t olen, ext;
	uint64_t tree_size;
	uint8_t root[KANSA_HASH_LEN];

	if (vs[0] == NULL)
		for (size_t i = 0; i < 2; i++)
			if (kansa_note_verifier_parse(&vs[i], VKEYS[i], strlen(VKEYS[i])) != 0)
				abort();

	if (kansa_note__parse(&p, text, size) == 0) {
		/* the text and every signature lie inside the input */
		if (p.text != text || p.text_len >= size || p.n_sigs == 0 ||
		    p.n_sigs > KANSA_NOTE_MAX_SIGNATURES)
			abort();
		kansa_note__parsed_dispose(&p);
	}
	if (kansa_note_verify(&r, text, size, (const kansa_note_verifier *const *)vs, 2, 0) == 0 &&
	    (r.verified_mask == 0 || r.text_len >= size))
		abort();
	if (kansa_checkpoint_verify(&cp, text, size, (const kansa_note_verifier *const *)vs, 2, 0) == 0 &&
	    strlen(cp.origin) == 0)
		abort();
	(void)kansa_checkpoint__parse_text(&origin, &olen, &tree_size, root, &ext, text, size);
	if (kansa_note_verifier_parse(&v, text, size) == 0) {
		char *again = NULL;
		if (kansa_note_verifier_format(&again, v) != 0)
			abort();
		free(again);
	}
	kansa_note_verifier_free(v);
	return 0;
}
