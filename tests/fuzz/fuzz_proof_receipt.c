/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: the proven receipt parser and verifier
 * (policy/receipt_proof.c, ledger/receipt_proof.c), which a data holder
 * runs on bytes from anyone. Input: any bytes, as a proven receipt and as
 * its text. Must never crash, leak or read out of bounds, and must hold:
 *  - the parser gives 0, EFORMAT or ELIMIT, and nothing to free on error;
 *  - a parsed proven receipt re-assembles, from its parts alone, to exactly
 *    the input bytes (one shape, canonical: nothing unparsed can hide);
 *    a plain one is its own receipt;
 *  - verify with the corpus's log key (and a witness) gives 0 only for a
 *    proven receipt that parsed, and only the codes
 *    kansa_receipt_verify_proof() documents;
 *  - decode gives 0, EFORMAT or ELIMIT, at most KANSA_PROVEN_RECEIPT_MAX_BYTES.
 * The seeds (tests/fuzz/corpus/proof_receipt) are signed with the RFC 8032
 * TEST 1 key under LOG_NAME by tests/fuzz/proof_receipt_seeds.py.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "policy/receipt_proof.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t seed[32] = {
	0x9d, 0x61, 0xb1, 0x9d, 0xef, 0xfd, 0x5a, 0x60, 0xba, 0x84, 0x4a, 0xf4, 0x92, 0xec, 0x2c, 0xc4,
	0x44, 0x49, 0xc5, 0x69, 0x7b, 0x32, 0x69, 0x19, 0x70, 0x3b, 0xac, 0x03, 0x1c, 0xae, 0x7f, 0x60,
};
#define LOG_NAME "kansa/fuzz/0000000000000000"

static bool all_zero(const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i] != 0)
			return false;
	return true;
}

static void check_parts(const uint8_t *data, size_t size)
{
	kansa_receipt_proof_parts p;
	uint8_t *out = NULL;
	size_t n = 0;
	bool has = false;
	int rc = kansa_receipt__proof_parse(&p, &has, data, size);

	if (rc != 0) {
		if ((rc != KANSA_EFORMAT && rc != KANSA_ELIMIT) || has || !all_zero(&p, sizeof(p)))
			abort();
		return;
	}
	if (p.receipt == NULL || p.receipt_len > KANSA_RECEIPT_MAX_BYTES)
		abort();
	if (!has && (p.receipt_len != size || memcmp(p.receipt, data, size) != 0))
		abort();
	if (has && (kansa_receipt__proof_assemble(&out, &n, p.receipt, p.receipt_len, &p) != 0 || n != size ||
	    memcmp(out, data, size) != 0 || p.path_len > KANSA_RECEIPT_MAX_PATH))
		abort();
	free(out);
	kansa_receipt__proof_dispose(&p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static kansa_key *key;
	static kansa_note_verifier *vkey, *witness;
	static const uint8_t request[] = { 0xa0 };
	const kansa_note_verifier *w[2];
	kansa_receipt_info ri;
	kansa_receipt_proof proof;
	uint8_t *buf = NULL;
	size_t n = 0;
	bool has = false;
	int rc, v;

	if (key == NULL && (kansa_key_from_seed(&key, seed) != 0 ||
	    kansa_note_verifier_from_key(&vkey, key, LOG_NAME) != 0 ||
	    kansa_cosig_verifier_from_key(&witness, key, "witness-fuzz") != 0))
		abort();
	w[0] = witness;
	w[1] = witness;
	check_parts(data, size);

	rc = kansa_receipt_proof_parse(&ri, &proof, &has, data, size);
	if (rc != 0 && ((rc != KANSA_EFORMAT && rc != KANSA_ELIMIT) || has || !all_zero(&ri, sizeof(ri)) ||
	    !all_zero(&proof, sizeof(proof))))
		abort();

	v = kansa_receipt_verify_proof(&ri, &proof, data, size, vkey, w, size % 3, size % 2, request,
	    sizeof(request), 1000);
	if (v == 0 && (rc != 0 || !has))
		abort();
	if (v != 0 && v != KANSA_EFORMAT && v != KANSA_ELIMIT && v != KANSA_EVERIFY && v != KANSA_EDENIED &&
	    v != KANSA_EEXPIRED)
		abort();

	rc = kansa_receipt_proof_decode(&buf, &n, data, size);
	if ((rc != 0 && rc != KANSA_EFORMAT && rc != KANSA_ELIMIT) || n > KANSA_PROVEN_RECEIPT_MAX_BYTES ||
	    (rc != 0 && (n != 0 || buf != NULL)))
		abort();
	free(buf);
	return 0;
}
