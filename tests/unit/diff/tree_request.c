/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The request parser as it was before the pull reader: a libcbor item tree
 * read by the tree field readers of policy/doc_field.c. Kept only as the
 * reference of the differential test (test_decode_diff.c).
 */
#include <stdlib.h>
#include <string.h>

#include "policy/doc_field.h"
#include "tests/unit/diff/tree.h"

int tree_request_parse(kansa_request_doc *r, const uint8_t *in, size_t len)
{
	enum { REQUESTER, OFFICER, ACTION, JUSTIFICATION, EMERGENCY, TARGETS, FIELDS, WINDOW, HOST,
		OP, NKEYS };
	static const kansa_field_def defs[NKEYS] = {
		[REQUESTER] = { "requester", 0, true }, [OFFICER] = { "officer", 0, true },
		[ACTION] = { "action", 0, true }, [JUSTIFICATION] = { "justification", 0, true },
		[EMERGENCY] = { "emergency", 0, false }, [TARGETS] = { "targets", 0, false },
		[FIELDS] = { "fields", 0, false }, [WINDOW] = { "window", 0, false },
		[HOST] = { "host", 0, false }, [OP] = { "op", 0, false },
	};
	cbor_item_t *root = NULL, *vals[NKEYS];
	int error;

	memset(r, 0, sizeof(*r));
	r->action = -1;
	if ((error = kansa_field__decode(&root, in, len, "request")) < 0)
		return error;
	/* REQ: REQUEST-NAMED every act names its officer and justification */
	if ((error = kansa_field__walk(vals, root, defs, NKEYS, "", "request")) < 0 ||
	    (error = kansa_field__text(&r->requester, vals[REQUESTER], "requester", KANSA_TEXT_ID)) < 0 ||
	    (error = kansa_field__text(&r->officer, vals[OFFICER], "officer", KANSA_TEXT_ID)) < 0 ||
	    (error = kansa_field__text(&r->justification, vals[JUSTIFICATION], "justification", KANSA_TEXT_FREE)) < 0 ||
	    (error = kansa_field__action(&r->action, vals[ACTION], "action")) < 0)
		goto out;
	/* REQ: REQUEST-BLANK an officer or justification of only white space names no one and
	 * no reason (design §5 row 1) */
	if (kansa_text__is_blank(r->officer) || kansa_text__is_blank(r->justification)) {
		error = kansa_field__error(kansa_text__is_blank(r->officer) ? "officer" : "justification",
		    "must not be only white space");
		goto out;
	}
	if (vals[EMERGENCY] != NULL && kansa_cbor__get_bool(&r->emergency, vals[EMERGENCY]) < 0) {
		error = kansa_field__error("emergency", "must be true or false");
		goto out;
	}
	if (r->action == KANSA_ACT_METADATA_QUERY) {
		if (vals[HOST] != NULL || vals[OP] != NULL) {
			error = kansa_field__error(vals[HOST] ? "host" : "op", "not allowed in a metadata-query request");
			goto out;
		}
		if (vals[TARGETS] == NULL || vals[FIELDS] == NULL || vals[WINDOW] == NULL) {
			error = kansa_field__error(vals[TARGETS] == NULL ? "targets" : vals[FIELDS] == NULL ? "fields" : "window",
			    "required");
			goto out;
		}
		/* REQ: REQUEST-TARGETS the hard bound here; max_targets in the decision */
		if ((error = kansa_field__prefixes(&r->targets, &r->n_targets, vals[TARGETS], "targets",
			KANSA_MAX_REQUEST_TARGETS, false)) < 0 ||
		    (error = kansa_field__names(&r->fields, &r->n_fields, vals[FIELDS], "fields",
			KANSA_MAX_VOCABULARY, false)) < 0 ||
		    (error = kansa_field__window(r->window, vals[WINDOW], "window")) < 0)
			goto out;
		r->has_window = true;
	} else {
		if (vals[TARGETS] != NULL || vals[FIELDS] != NULL || vals[WINDOW] != NULL) {
			error = kansa_field__error(vals[TARGETS] ? "targets" : vals[FIELDS] ? "fields" : "window",
			    "not allowed in a neutralize request");
			goto out;
		}
		if (vals[HOST] == NULL || vals[OP] == NULL) {
			error = kansa_field__error(vals[HOST] == NULL ? "host" : "op", "required");
			goto out;
		}
		if (kansa_prefix__from_cbor(&r->host, vals[HOST], true) < 0) {
			error = kansa_error_prefix("host");
			goto out;
		}
		r->has_host = true;
		if ((error = kansa_field__text(&r->op, vals[OP], "op", KANSA_TEXT_NAME)) < 0)
			goto out;
	}
out:
	if (root != NULL)
		cbor_decref(&root);
	if (error < 0) {
		kansa_request__dispose(r);
		r->action = -1;
	}
	return error;
}
