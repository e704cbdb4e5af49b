/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: revocations and ratifications (policy/doc_*.c). Input:
 * any bytes, taken as a revocation's COSE_Sign (parsed, verified against a
 * policy whose members are the seeds' keys, rendered) and as bare
 * revocation and ratification payloads. Must never crash, leak or read out
 * of bounds.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/doc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_NOW ((int64_t)1777593600)

#define POLICY_FMT \
	    "{\"commission\":\"jp-ccisc\",\"version\":1,\"members\":[" \
	    "{\"name\":\"member-a\",\"public_key\":\"%s\"},{\"name\":\"member-b\",\"public_key\":\"%s\"}," \
	    "{\"name\":\"member-c\",\"public_key\":\"%s\"}]," \
	    "\"quorum\":{\"metadata-query\":2,\"neutralize\":3,\"revoke\":2,\"policy\":3}," \
	    "\"fields\":[\"src_ip\"],\"forbidden_fields\":[\"payload\"],\"ops\":[\"stop-process\"]}"

/* A policy of the three seed keys (0x40.., 0x41.., 0x42..), revoke quorum 2. */
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
		char *pem = NULL, *o = pems[i];
		const char *s;

		memset(seed, 0x40 + i, sizeof(seed));
		if (kansa_key_from_seed(&keys[i], seed) < 0 || kansa_key_public_pem(&pem, keys[i]) < 0)
			abort();
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
	kansa_revocation_doc r;
	kansa_ratification_doc q;
	kansa_doc *d = NULL;
	char *json = NULL;

	if (policy == NULL)
		policy = fuzz_policy();
	if (kansa_doc_parse(&d, data, size, KANSA_DOC_REVOCATION) == 0) {
		int rc = kansa_doc_verify(d, policy, FUZZ_NOW);

		if (rc != 0 && rc != KANSA_EVERIFY)
			abort();
		if (kansa_doc_to_json(&json, NULL, d, policy, FUZZ_NOW) == 0)
			free(json);
		kansa_doc_free(d);
	}
	if (kansa_doc_parse(&d, data, size, KANSA_DOC_RATIFICATION) == 0) {
		(void)kansa_doc_verify(d, policy, FUZZ_NOW);
		kansa_doc_free(d);
	}
	if (kansa_revocation_doc__parse(&r, data, size) == 0) {
		if (r.commission == NULL || r.reason == NULL || r.reason[0] == '\0')
			abort();
		kansa_revocation_doc__dispose(&r);
	}
	if (kansa_ratification_doc__parse(&q, data, size) == 0)
		kansa_ratification_doc__dispose(&q);
	return 0;
}
