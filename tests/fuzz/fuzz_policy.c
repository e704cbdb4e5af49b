/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: policies (policy/doc_*.c). Input: any
 * bytes, taken as a policy's COSE_Sign (parsed, rendered, loaded as version
 * 1 with its own quorum) and as a bare policy payload. Must never crash,
 * leak or read out of bounds; a parsed policy's quorums lie within 1 and
 * its number of members, its emergency bounds are in range, and a loaded
 * one is version 1.
 */
#include <stdint.h>
#include <stdlib.h>

#include "policy/doc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const kansa_policy_doc *p)
{
	if (p->n_members < 1 || p->n_members > KANSA_MAX_MEMBERS || p->version < 1 ||
	    p->max_targets < 1 || p->max_targets > KANSA_MAX_REQUEST_TARGETS)
		abort();
	for (int a = 0; a < KANSA_ACT_COUNT; a++)
		if (p->quorum[a] < 1 || p->quorum[a] > p->n_members)
			abort();
	/* emergency bounds: only with emergency acts, prefix lengths in range,
	 * ops for neutralize only and within the policy's ops */
	for (int a = 0; a < 2; a++) {
		const kansa_emergency_bounds *b = &p->emergency_bounds[a];

		if (p->emergency[a] < 0 || (p->emergency[a] == 0 && (b->max_hosts || b->n_ops ||
		    b->max_prefix[0] || b->max_prefix[1] || b->max_window)) ||
		    b->max_prefix[0] > 32 || b->max_prefix[1] > 128 || b->max_window < 0 ||
		    (a == KANSA_ACT_METADATA_QUERY && b->n_ops) || b->n_ops > p->n_ops)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	kansa_policy_doc pd;
	kansa_policy *p = NULL;
	kansa_doc *d = NULL;
	char *json = NULL;

	if (kansa_doc_parse(&d, data, size, KANSA_DOC_POLICY) == 0) {
		check(&kansa_doc__signed(d)->u.policy);
		if (kansa_doc_to_json(&json, NULL, d, NULL, 0) == 0)
			free(json);
		kansa_doc_free(d);
	}
	if (kansa_policy_load(&p, data, size, NULL) == 0) {
		if (kansa_policy_version(p) != 1)
			abort();
		check(kansa_policy__doc(p));
		kansa_policy_free(p);
	}
	if (kansa_policy_doc__parse(&pd, data, size) == 0) {
		check(&pd);
		kansa_policy_doc__dispose(&pd);
	}
	return 0;
}
