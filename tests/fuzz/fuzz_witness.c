/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: the C2SP tlog-witness add-checkpoint body parser
 * (ledger/anchor/witness.c). Input: any bytes, as a request body. Must
 * never crash, leak or read out of bounds; an accepted body has at most 63
 * proof hashes and a non-empty note that lies inside the input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ledger/anchor/witness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static kansa_witness_request rq;
	const char *body = (const char *)data;

	if (kansa_witness__parse(&rq, body, size) == 0 &&
	    (rq.n_proof > KANSA_WITNESS_MAX_PROOF || rq.note_len == 0 || rq.note < body ||
	    rq.note + rq.note_len != body + size))
		abort();
	return 0;
}
