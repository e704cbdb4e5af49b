/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: requests (policy/doc_request.c, policy/doc_json.c). Input: any
 * bytes, taken as a request's canonical CBOR and as its JSON form. Must
 * never crash, leak or read out of bounds; a parsed request names a
 * non-empty officer and justification and has what its action needs, and
 * every request built from JSON parses back.
 */
#include <stdint.h>
#include <stdlib.h>

#include "policy/doc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const kansa_request_doc *r)
{
	if (r->officer == NULL || r->officer[0] == '\0' || r->justification == NULL ||
	    r->justification[0] == '\0' || r->requester == NULL)
		abort();
	if (r->action == KANSA_ACT_METADATA_QUERY) {
		if (r->n_targets < 1 || r->n_targets > KANSA_MAX_REQUEST_TARGETS || r->n_fields < 1 ||
		    !r->has_window || r->has_host || r->op != NULL)
			abort();
	} else if (r->action == KANSA_ACT_NEUTRALIZE) {
		if (!r->has_host || r->op == NULL || r->n_targets != 0 || r->has_window)
			abort();
	} else {
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	kansa_request_doc r;
	uint8_t *cbor = NULL;
	size_t len = 0;

	if (kansa_request__parse(&r, data, size) == 0) {
		check(&r);
		kansa_request__dispose(&r);
	}
	if (kansa_request__from_json(&cbor, &len, NULL, (const char *)data, size, 1777593600) == 0) {
		if (kansa_request__parse(&r, cbor, len) != 0)
			abort(); /* a request built from JSON always parses back */
		check(&r);
		kansa_request__dispose(&r);
		free(cbor);
	}
	return 0;
}
