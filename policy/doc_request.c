/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The parser of the integrator's request (design §4) from canonical CBOR
 * into kansa_request_doc, through the strict field readers over the pull
 * reader (doc_field.h, doc_field_read.c): every check parses one, so no
 * libcbor item tree is built.
 * The decision (decide.c) treats any error here as malformed-request.
 *
 * This file must never accept a request without its officer and
 * justification, or with the keys of the other action.
 */
#include <stdlib.h>
#include <string.h>

#include "policy/doc_field.h"

#define ABSENT SIZE_MAX

void kansa_request__dispose(kansa_request_doc *r)
{
	if (r == NULL)
		return;
	free(r->requester);
	free(r->officer);
	free(r->justification);
	free(r->targets);
	kansa_field__free_names(r->fields, r->n_fields);
	free(r->op);
	memset(r, 0, sizeof(*r));
}

int kansa_request__parse(kansa_request_doc *r, const uint8_t *in, size_t len)
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
	kansa_cbor_reader rd, host;
	kansa_field_val vals[NKEYS];
	int error;

	memset(r, 0, sizeof(*r));
	r->action = -1;
	if (in == NULL)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_DOCUMENT, "no request given");
	if ((error = kansa_cbor__reader_init(&rd, in, len)) < 0)
		goto out;
	/* REQ: REQUEST-NAMED every act names its officer and justification */
	if ((error = kansa_field__walk_val(vals, &rd, 0, defs, NKEYS, "", "request")) < 0 ||
	    (error = kansa_field__text_val(&r->requester, &vals[REQUESTER], "requester", KANSA_TEXT_ID)) < 0 ||
	    (error = kansa_field__text_val(&r->officer, &vals[OFFICER], "officer", KANSA_TEXT_ID)) < 0 ||
	    (error = kansa_field__text_val(&r->justification, &vals[JUSTIFICATION], "justification",
		KANSA_TEXT_FREE)) < 0 ||
	    (error = kansa_field__action_val(&r->action, &vals[ACTION], "action")) < 0)
		goto out;
	/* REQ: REQUEST-BLANK an officer or justification of only white space names no one and
	 * no reason (design §5 row 1) */
	if (kansa_text__is_blank(r->officer) || kansa_text__is_blank(r->justification)) {
		error = kansa_field__error(kansa_text__is_blank(r->officer) ? "officer" : "justification",
		    "must not be only white space");
		goto out;
	}
	if (vals[EMERGENCY].at != ABSENT && kansa_field__bool_val(&r->emergency, &vals[EMERGENCY]) < 0) {
		error = kansa_field__error("emergency", "must be true or false");
		goto out;
	}
	if (r->action == KANSA_ACT_METADATA_QUERY) {
		if (vals[HOST].at != ABSENT || vals[OP].at != ABSENT) {
			error = kansa_field__error(vals[HOST].at != ABSENT ? "host" : "op",
			    "not allowed in a metadata-query request");
			goto out;
		}
		if (vals[TARGETS].at == ABSENT || vals[FIELDS].at == ABSENT || vals[WINDOW].at == ABSENT) {
			error = kansa_field__error(vals[TARGETS].at == ABSENT ? "targets"
			    : vals[FIELDS].at == ABSENT ? "fields" : "window", "required");
			goto out;
		}
		/* REQ: REQUEST-TARGETS the hard bound here; max_targets in the decision */
		if ((error = kansa_field__prefixes_val(&r->targets, &r->n_targets, &rd, &vals[TARGETS], "targets",
			KANSA_MAX_REQUEST_TARGETS, false)) < 0 ||
		    (error = kansa_field__names_val(&r->fields, &r->n_fields, &rd, &vals[FIELDS], "fields",
			KANSA_MAX_VOCABULARY, false)) < 0 ||
		    (error = kansa_field__window_val(r->window, &rd, &vals[WINDOW], "window")) < 0)
			goto out;
		r->has_window = true;
	} else {
		if (vals[TARGETS].at != ABSENT || vals[FIELDS].at != ABSENT || vals[WINDOW].at != ABSENT) {
			error = kansa_field__error(vals[TARGETS].at != ABSENT ? "targets"
			    : vals[FIELDS].at != ABSENT ? "fields" : "window", "not allowed in a neutralize request");
			goto out;
		}
		if (vals[HOST].at == ABSENT || vals[OP].at == ABSENT) {
			error = kansa_field__error(vals[HOST].at == ABSENT ? "host" : "op", "required");
			goto out;
		}
		host = rd;
		host.pos = vals[HOST].at;
		if (kansa_prefix__read(&r->host, &host, true) < 0) {
			error = kansa_error_prefix("host");
			goto out;
		}
		r->has_host = true;
		if ((error = kansa_field__text_val(&r->op, &vals[OP], "op", KANSA_TEXT_NAME)) < 0)
			goto out;
	}
out:
	if (error < 0) {
		kansa_request__dispose(r);
		r->action = -1;
	}
	return error;
}
