/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: the proof text parser (ledger/tlog/merkle.c,
 * docs/formats.md "Proofs") and the verifiers behind it. Input: any bytes.
 * Must never crash or leak; a parsed proof must format back to exactly the
 * input (the format has one spelling per proof), and verification of
 * arbitrary hashes must simply succeed or fail.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ledger/tlog/merkle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t zero[KANSA_HASH_LEN];
	kansa_merkle_proof p;
	char *text = NULL;
	size_t len = 0;
	int rc;

	if (kansa_merkle_proof_parse(&p, (const char *)data, size) != 0)
		return 0;
	if (kansa_merkle_proof_format(&text, &len, &p) != 0)
		abort();
	if (len != size || memcmp(text, data, size) != 0) /* canonical: one spelling */
		abort();
	free(text);
	rc = kansa_merkle_proof_verify(&p, p.len > 0 ? p.hashes[0] : zero, zero);
	if (rc != 0 && rc != KANSA_EVERIFY)
		abort();
	return 0;
}
