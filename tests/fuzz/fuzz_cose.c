/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: COSE_Sign parsing, verification and signing
 * (policy/cose.c). Input: any bytes, as a message and as a payload. Must
 * never crash, leak or read out of bounds, and must hold these invariants:
 *  - a parsed message has at most KANSA_MAX_SIGNATURES signatures, and
 *    verifying any of them gives 0 or EVERIFY;
 *  - add_signature on a parsed message succeeds (or hits a limit), keeps
 *    every input byte of the existing signatures, and the new signature
 *    verifies; a signer already present gets the input back unchanged;
 *  - an input that is canonical CBOR builds into a draft that parses back
 *    with the same payload.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "policy/cose.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* RFC 8032 TEST 1 secret key: the seeds are signed by it. */
static const uint8_t seed[32] = {
	0x9d, 0x61, 0xb1, 0x9d, 0xef, 0xfd, 0x5a, 0x60, 0xba, 0x84, 0x4a, 0xf4, 0x92, 0xec, 0x2c, 0xc4,
	0x44, 0x49, 0xc5, 0x69, 0x7b, 0x32, 0x69, 0x19, 0x70, 0x3b, 0xac, 0x03, 0x1c, 0xae, 0x7f, 0x60,
};

static void check_signing(const kansa_cose_sign *c, const uint8_t *data, size_t size,
    const kansa_key *key)
{
	uint8_t *out = NULL;
	size_t out_len = 0;
	bool already = false;
	kansa_cose_sign *c2 = NULL;
	size_t n = kansa_cose__signature_count(c);
	uint8_t hash[KANSA_HASH_LEN];
	int rc;

	if (kansa_sha256(hash, data, size) != 0)
		abort();
	rc = kansa_cose__add_signature(&out, &out_len, &already, c, hash, key);

	if (rc == KANSA_ELIMIT)
		return;
	if (rc != 0)
		abort();
	if (already) {
		if (out_len != size || memcmp(out, data, size) != 0)
			abort();
		free(out);
		return;
	}
	/* the new document parses, has one more signature, which verifies, and
	 * the existing ones are unchanged */
	if (out_len <= size || kansa_cose__parse(&c2, out, out_len) != 0 ||
	    kansa_cose__signature_count(c2) != n + 1 ||
	    kansa_cose__verify_signature(c2, n, key) != 0)
		abort();
	for (size_t i = 0; i < n; i++)
		if (memcmp(kansa_cose__signature(c2, i), kansa_cose__signature(c, i),
		    sizeof(kansa_cose_signature)) != 0)
			abort();
	kansa_cose__free(c2);
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static kansa_key *key;
	kansa_cose_sign *c = NULL;
	uint8_t *draft = NULL, *tbs = NULL;
	size_t draft_len = 0, tbs_len = 0, pl;
	int rc;

	if (key == NULL && kansa_key_from_seed(&key, seed) != 0)
		abort();

	rc = kansa_cose__parse(&c, data, size);
	if (rc == 0) {
		size_t n = kansa_cose__signature_count(c);

		if (n > KANSA_MAX_SIGNATURES || kansa_cose__content_type(c) == NULL ||
		    kansa_cose__payload_unverified(c, &pl) == NULL)
			abort();
		for (size_t i = 0; i < n; i++) {
			int v = kansa_cose__verify_signature(c, i, key);
			if (v != 0 && v != KANSA_EVERIFY)
				abort();
		}
		if (n > 0) {
			if (kansa_cose__sig_structure(&tbs, &tbs_len, c, 0) != 0)
				abort();
			free(tbs);
		}
		check_signing(c, data, size, key);
		kansa_cose__free(c);
	} else if (c != NULL || (rc != KANSA_EFORMAT && rc != KANSA_ELIMIT)) {
		abort();
	}

	/* the input as a payload */
	if (kansa_cose__build(&draft, &draft_len, "application/kansa-warrant+cbor", data, size) == 0) {
		const uint8_t *p;

		if (kansa_cose__parse(&c, draft, draft_len) != 0 ||
		    kansa_cose__signature_count(c) != 0 ||
		    (p = kansa_cose__payload_unverified(c, &pl)) == NULL || pl != size ||
		    memcmp(p, data, size) != 0)
			abort();
		kansa_cose__free(c);
		free(draft);
	}
	return 0;
}
