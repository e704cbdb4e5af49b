/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kansa_check_json(): a check whose request is handed over in its JSON
 * form (design §4). A JSON request that converts is decided exactly as
 * kansa_check() decides its canonical CBOR. One that does not (not JSON,
 * not an object, a wrong type, a blank officer, too large) is still
 * recorded (design §5 row 1): deny malformed-request, with the SHA-256 and
 * the size of the bytes handed over and what could be read of them.
 *
 * kansa_check_as() and kansa_check_json_as() are the service's checks
 * (design §10): the same, with the unit its client certificate
 * authenticated recorded in the entry and checked by the decision.
 *
 * This file must never answer a request it was handed without an entry,
 * unless nothing could be recorded (then the caller gets the error, deny).
 */
#include <stdio.h>
#include <stdlib.h>

#include "ledger/ledger_impl.h"

int kansa_check_as(kansa_receipt *out, kansa_ledger *lg, const char *unit, const uint8_t *warrant,
    size_t warrant_len, const uint8_t *request, size_t request_len)
{
	const kansa_check_input in = { warrant, warrant_len, request, request_len,
		KANSA_REQUEST_FORM_CBOR, NULL, NULL, unit };

	return kansa_ledger__check(out, lg, &in);
}

int kansa_check_json(kansa_receipt *out, kansa_ledger *lg, const uint8_t *warrant,
    size_t warrant_len, const char *request_json, size_t json_len, int64_t now)
{
	return kansa_check_json_as(out, lg, NULL, warrant, warrant_len, request_json, json_len, now);
}

int kansa_check_json_as(kansa_receipt *out, kansa_ledger *lg, const char *unit,
    const uint8_t *warrant, size_t warrant_len, const char *request_json, size_t json_len,
    int64_t now)
{
	kansa_check_input in = { warrant, warrant_len, NULL, 0, KANSA_REQUEST_FORM_CBOR, NULL, NULL, unit };
	kansa_request_doc parsed;
	uint8_t *cbor = NULL;
	size_t len = 0;
	char why[240], names[120];
	int error;

	if (request_json == NULL) /* kansa_check answers a missing request */
		return kansa_ledger__check(out, lg, &in);
	/* converted and parsed once: the check decides on this parse */
	if ((error = kansa_request__from_json(&cbor, &len, &parsed, request_json, json_len, now)) == 0) {
		in.request = cbor;
		in.request_len = len;
		in.parsed = &parsed;
		error = kansa_ledger__check(out, lg, &in);
		free(cbor);
		return error;
	}
	if (error == KANSA_ENOMEM || error == KANSA_EINVAL) { /* not the request's fault */
		if (out)
			kansa_ledger__receipt_deny(out, error);
		return error;
	}
	/* REQ: LEDGER-REQUEST-RECORDED a JSON request that cannot be parsed is recorded */
	kansa_request__json_peek(names, sizeof(names), request_json, json_len);
	snprintf(why, sizeof(why), "%s%s%.100s", names, names[0] ? "; " : "",
	    kansa_error_last()->code == error ? kansa_error_last()->message : kansa_strerror(error));
	in.request = (const uint8_t *)request_json;
	in.request_len = json_len;
	in.form = KANSA_REQUEST_FORM_JSON;
	in.why = why;
	return kansa_ledger__check(out, lg, &in);
}
