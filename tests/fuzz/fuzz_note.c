/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: the C2SP signed-note parser and verifier, the
 * checkpoint body parser, the verifier-key parser (ledger/tlog/note.c,
 * vkey.c) and C2SP cosignatures (cosig.c).
 * Input: any bytes, treated as a note. Must never crash, leak or read out
 * of bounds; an accepted note must survive re-parsing unchanged.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ledger/tlog/cosig.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Verifiers for the Go test key PeterNeumann, the real sum.golang.org key,
 * the reference log of docs/formats.md and a witness (type 0x04) that
 * cosigned it, so that the seeds signed by them reach the signature checks. */
static const char *const VKEYS[] = {
	"PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
	"sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8",
	"kansa.example/ledger+f567a4d6+AYqI4910CfGV/VLbLTy6XXLKZwm/HZQSG/N0iAG0D29c",
	"witness.example/w1+df1c0a35+BIE5dw6ofRdfVqNUZsNMfszLjYqRtO43ol32D1uPybOU",
};
#define N_VKEYS (sizeof(VKEYS) / sizeof(VKEYS[0]))

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static kansa_note_verifier *vs[N_VKEYS];
	const char *text = (const char *)data;
	kansa_note_parsed p;
	kansa_note_report r;
	kansa_checkpoint cp;
	kansa_note_verifier *v = NULL;
	const char *origin;
	size_t olen, ext;
	uint64_t tree_size;
	uint8_t root[KANSA_HASH_LEN];
	uint64_t t;

	if (vs[0] == NULL)
		for (size_t i = 0; i < N_VKEYS; i++)
			if (kansa_note_verifier_parse(&vs[i], VKEYS[i], strlen(VKEYS[i])) != 0)
				abort();

	if (kansa_note__parse(&p, text, size) == 0) {
		/* the text and every signature lie inside the input */
		if (p.text != text || p.text_len >= size || p.n_sigs == 0 ||
		    p.n_sigs > KANSA_NOTE_MAX_SIGNATURES)
			abort();
		kansa_note__parsed_dispose(&p);
	}
	if (kansa_note_verify(&r, text, size, (const kansa_note_verifier *const *)vs, N_VKEYS, 0) == 0 &&
	    (r.verified_mask == 0 || r.text_len >= size))
		abort();
	if (kansa_checkpoint_verify(&cp, text, size, (const kansa_note_verifier *const *)vs, N_VKEYS, 0) == 0 &&
	    strlen(cp.origin) == 0)
		abort();
	/* a verified cosignature has a timestamp of at most 2^63 - 1 */
	if (kansa_cosig_verify(&t, text, size, vs[N_VKEYS - 1]) == 0 && t > KANSA_COSIG_MAX_TIME)
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
