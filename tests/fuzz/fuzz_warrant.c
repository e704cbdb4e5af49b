/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: warrants (policy/doc_*.c). Input: any
 * bytes, taken as a warrant's COSE_Sign and, separately, as a bare warrant
 * payload. The warrant is verified against a fixed policy whose members are
 * the keys with seeds 0x40, 0x41, 0x42 repeated, so that seeds signed by
 * them (tests/fuzz/corpus/warrant) reach the signature, quorum and validity
 * checks. Must never crash, leak or read out of bounds, and a warrant that
 * verifies must parse, render and carry the policy's commission.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/doc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_NOW ((int64_t)1777593600) /* 2026-05-01T00:00:00Z, as the seeds */

#define POLICY_FMT \
	    "{\"commission\":\"jp-ccisc\",\"version\":1,\"members\":[" \
	    "{\"name\":\"member-a\",\"public_key\":\"%s\"},{\"name\":\"member-b\",\"public_key\":\"%s\"}," \
	    "{\"name\":\"member-c\",\"public_key\":\"%s\"}]," \
	    "\"quorum\":{\"metadata-query\":2,\"neutralize\":3,\"revoke\":2,\"policy\":3}," \
	    "\"max_validity\":{\"metadata-query\":\"90d\",\"neutralize\":\"7d\"}," \
	    "\"fields\":[\"src_ip\",\"dst_ip\",\"ts\"],\"forbidden_fields\":[\"payload\"]," \
	    "\"ops\":[\"stop-process\",\"delete-file\"]}"

/* The fixed policy: three members, quorum 2/3/2/3. */
static kansa_policy *fuzz_policy(void)
{
	char pems[3][512], json[4096];
	kansa_key *keys[3];
	uint8_t *doc = NULL, *next = NULL;
	size_t len = 0, nlen = 0;
	kansa_policy *p = NULL;
	bool already;

	for (int i = 0; i < 3; i++) {
		uint8_t seed[32];
		char *pem = NULL, *o;
		const char *s;

		memset(seed, 0x40 + i, sizeof(seed));
		if (kansa_key_from_seed(&keys[i], seed) < 0 || kansa_key_public_pem(&pem, keys[i]) < 0)
			abort();
		/* JSON-escape the newlines of the PEM text */
		o = pems[i];
		for (s = strstr(pem, "-----BEGIN"); s && *s && o < pems[i] + sizeof(pems[i]) - 3; s++) {
			if (*s == '\n') {
				*o++ = '\\';
				*o++ = 'n';
			} else {
				*o++ = *s;
			}
		}
		*o = '\0';
		free(pem);
	}
	snprintf(json, sizeof(json), POLICY_FMT, pems[0], pems[1], pems[2]);
	if (kansa_doc_create_json(&doc, &len, KANSA_DOC_POLICY, json, strlen(json), NULL, FUZZ_NOW) < 0)
		abort();
	for (int i = 0; i < 3; i++) {
		kansa_doc *d = NULL;

		if (kansa_doc_parse(&d, doc, len, KANSA_DOC_POLICY) < 0 ||
		    kansa_doc_sign(&next, &nlen, &already, d, keys[i]) < 0)
			abort();
		kansa_doc_free(d);
		free(doc);
		doc = next;
		len = nlen;
		kansa_key_free(keys[i]);
	}
	if (kansa_policy_load(&p, doc, len, NULL) < 0)
		abort();
	free(doc);
	return p;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static kansa_policy *policy;
	kansa_warrant_doc w;
	kansa_doc *d = NULL;
	char *json = NULL;
	int rc;

	if (policy == NULL)
		policy = fuzz_policy();

	rc = kansa_warrant_verify(policy, data, size, FUZZ_NOW);
	if (rc != 0 && rc != KANSA_EFORMAT && rc != KANSA_EVERIFY && rc != KANSA_EEXPIRED &&
	    rc != KANSA_ELIMIT && rc != KANSA_ENOMEM)
		abort();
	if (kansa_doc_parse(&d, data, size, KANSA_DOC_WARRANT) == 0) {
		const kansa_signed_doc *sd = kansa_doc__signed(d);

		if (rc == 0 && strcmp(sd->u.warrant.commission, kansa_policy_commission(policy)) != 0)
			abort();
		if (sd->u.warrant.expires <= sd->u.warrant.not_before)
			abort();
		if (kansa_doc_to_json(&json, NULL, d, policy, FUZZ_NOW) == 0)
			free(json);
		kansa_doc_free(d);
	} else if (rc == 0) {
		abort(); /* valid, yet does not parse */
	}
	/* the payload parser on its own */
	if (kansa_warrant_doc__parse(&w, data, size) == 0) {
		if (w.action != KANSA_ACT_METADATA_QUERY && w.action != KANSA_ACT_NEUTRALIZE)
			abort();
		kansa_warrant_doc__dispose(&w);
	}
	return 0;
}
