/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: the receipt parser and verifier (policy/receipt.c,
 * ledger/receipt.c), which a data holder's gateway runs on bytes from
 * anyone. Input: any bytes, as a receipt and as receipt text. Must never
 * crash, leak or read out of bounds, and must hold these invariants:
 *  - parse gives 0, EFORMAT or ELIMIT, and a zeroed result on error;
 *  - a parsed receipt re-encodes, from its fields and signature alone, to
 *    exactly the input bytes (one shape, canonical: nothing unparsed can
 *    hide in it);
 *  - verify with the corpus's log key gives 0 only for a receipt that
 *    parsed, and only the codes kansa_receipt_verify() documents;
 *  - decode (raw or base64 text) gives 0, EFORMAT or ELIMIT, and what it
 *    gives is at most KANSA_RECEIPT_MAX_BYTES.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "policy/receipt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* RFC 8032 TEST 1 secret key: the seeds are signed by it, under this log name. */
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

/* The round trip: fields + signature -> the same bytes. */
static void check_round_trip(const kansa_receipt_info *ri, const uint8_t sig[KANSA_SIG_LEN],
    const uint8_t *data, size_t size)
{
	kansa_receipt_parts p;
	uint8_t out[KANSA_RECEIPT_MAX_BYTES];
	size_t n = 0;

	if (kansa_receipt__encode(&p, ri) != 0 ||
	    kansa_receipt__assemble(out, sizeof(out), &n, &p, sig) != 0 || n != size ||
	    memcmp(out, data, size) != 0)
		abort();
	kansa_receipt__parts_dispose(&p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static kansa_key *key;
	static kansa_note_verifier *vkey;
	static const uint8_t request[] = { 0xa0 };
	kansa_receipt_info ri, vi;
	kansa_receipt_parts parts;
	uint8_t sig[KANSA_SIG_LEN], buf[KANSA_RECEIPT_MAX_BYTES];
	size_t n = 0;
	int rc, v;

	if (key == NULL && (kansa_key_from_seed(&key, seed) != 0 ||
	    kansa_note_verifier_from_key(&vkey, key, LOG_NAME) != 0))
		abort();

	rc = kansa_receipt__parse(&ri, &parts, sig, data, size);
	if (rc == 0) {
		if (parts.tbs == NULL || ri.log[0] == '\0' ||
		    (ri.verdict != KANSA_ALLOW && ri.verdict != KANSA_DENY))
			abort();
		kansa_receipt__parts_dispose(&parts);
		check_round_trip(&ri, sig, data, size);
	} else if ((rc != KANSA_EFORMAT && rc != KANSA_ELIMIT) || !all_zero(&ri, sizeof(ri)) ||
	    parts.tbs != NULL) {
		abort();
	}

	v = kansa_receipt_verify(&vi, data, size, vkey, request, sizeof(request), 1000);
	if (v == 0 && rc != 0)
		abort();
	if (v != 0 && v != KANSA_EFORMAT && v != KANSA_ELIMIT && v != KANSA_EVERIFY &&
	    v != KANSA_EDENIED && v != KANSA_EEXPIRED)
		abort();
	if ((v == KANSA_EFORMAT || v == KANSA_ELIMIT) && !all_zero(&vi, sizeof(vi)))
		abort();

	rc = kansa_receipt_decode(buf, &n, data, size);
	if ((rc != 0 && rc != KANSA_EFORMAT && rc != KANSA_ELIMIT) || n > KANSA_RECEIPT_MAX_BYTES ||
	    (rc != 0 && n != 0))
		abort();
	return 0;
}
