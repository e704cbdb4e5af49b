/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The commission's documents through kansa serve (design §10): POST
 * /v1/policies, /v1/revocations, /v1/ratifications, each with the signed
 * COSE document as its body (application/cose or application/cbor) or in JSON
 * {"document": base64}. A document carries its own authority, its quorum
 * of the policy in force, checked by the same library calls as `kansa
 * ledger policy|revoke|ratify`; the caller's client certificate only says
 * the CA knows it. Also the CBOR answer of a check.
 *
 * This file must never answer a document as recorded unless its entry is
 * in the ledger, nor record one the library refused.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "keys/keys.h"
#include "ledger/json.h"
#include "service/service.h"

static const struct {
	int route;
	const char *kind;
	int (*record)(kansa_receipt *out, kansa_ledger *lg, const uint8_t *doc, size_t len);
} kinds[] = {
	{ KANSA_ROUTE_POLICIES, "policy", kansa_ledger_activate_policy },
	{ KANSA_ROUTE_REVOCATIONS, "revocation", kansa_ledger_revoke },
	{ KANSA_ROUTE_RATIFICATIONS, "ratification", kansa_ledger_ratify },
};

/* The document's bytes: the body itself, or the base64 of {"document": ...}. */
static int document_of(uint8_t **out, size_t *out_len, int route, const uint8_t *body, size_t len)
{
	json_error_t jerr;
	json_t *root;
	const char *text;
	size_t n;
	int error = 0;

	*out = NULL;
	*out_len = 0;
	if (route & KANSA_ROUTE_BODY_COSE) {
		if ((*out = malloc(len ? len : 1)) == NULL)
			return kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
		memcpy(*out, body, len);
		*out_len = len;
		return 0;
	}
	root = json_loadb((const char *)body, len, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL || !json_is_object(root) || json_object_size(root) != 1 ||
	    !json_is_string(json_object_get(root, "document"))) {
		json_decref(root);
		return kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_DOCUMENT,
		    "the body is neither the COSE document (Content-Type: application/cose or application/cbor) nor "
		    "JSON {\"document\": base64}");
	}
	text = json_string_value(json_object_get(root, "document"));
	n = json_string_length(json_object_get(root, "document"));
	if ((*out = malloc(n + 3)) == NULL)
		error = kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
	else if (kansa_base64_decode(*out, n + 3, out_len, text, n) < 0)
		error = kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_DOCUMENT,
		    "\"document\" is not base64");
	json_decref(root);
	if (error < 0) {
		free(*out);
		*out = NULL;
	}
	return error;
}

/* The HTTP status of a refused document: what the caller should do differs. */
static int refused_status(int error)
{
	switch (error) {
	case KANSA_EFORMAT: return 400; /* not a document of this kind */
	case KANSA_ELIMIT: return 413;
	case KANSA_EVERIFY: return 422; /* a signature, the quorum, the commission, the act */
	case KANSA_EEXISTS: return 409; /* revoked or ratified already */
	default: return 503;            /* the ledger could not record it: try again */
	}
}

static void answer(kansa_response *out, int status, json_t *j)
{
	out->status = status;
	out->content_type = "application/json";
	out->body = j ? json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	json_decref(j);
	if (out->body == NULL)
		kansa_route__error(out, 500, "ENOMEM", "out of memory");
	else
		out->len = strlen(out->body);
}

void kansa_route__document(kansa_response *out, int route, kansa_ledger *lg, const uint8_t *body,
    size_t len)
{
	size_t k = 0;
	uint8_t *doc = NULL;
	size_t doc_len = 0;
	kansa_receipt r;
	json_t *j;
	int error;

	while (k < KANSA_ARRAY_SIZE(kinds) && kinds[k].route != (route & KANSA_ROUTE_MASK))
		k++;
	if (k == KANSA_ARRAY_SIZE(kinds)) {
		kansa_route__error(out, 404, "ENOTFOUND", "no such route");
		return;
	}
	memset(&r, 0, sizeof(r));
	/* REQ: SERVICE-DOC-QUORUM a document is recorded only as the library accepts it, on its own quorum */
	if ((error = document_of(&doc, &doc_len, route, body, len)) == 0)
		error = kinds[k].record(&r, lg, doc, doc_len);
	free(doc);
	if (error < 0 && !r.recorded) {
		const kansa_error *e = kansa_error_last();

		answer(out, refused_status(error), json_pack("{s:b, s:s, s:s, s:b, s:{s:s, s:s}}", "ok", 0,
		    "schema", "kansa.document/1", "kind", kinds[k].kind, "recorded", 0, "error", "code",
		    kansa_error_name(error), "message", e->code == error ? e->message : kansa_strerror(error)));
		return;
	}
	j = json_pack("{s:b, s:s, s:s, s:s, s:s, s:s, s:I, s:o, s:b}", "ok", error == 0,
	    "schema", "kansa.document/1", "kind", kinds[k].kind,
	    "decision", r.verdict == KANSA_ALLOW ? "allow" : "deny", "reason", kansa_reason_name(r.reason),
	    "detail", r.detail, "seq", (json_int_t)r.seq, "leaf_hash", kansa_json_out__hex(r.leaf_hash, KANSA_HASH_LEN),
	    "recorded", 1);
	kansa_json_out__set_time(j, "time", r.time);
	if (j != NULL && r.cose_len > 0) {
		char b64[KANSA_RECEIPT_MAX_BASE64];

		if (kansa_receipt_to_base64(b64, r.cose, r.cose_len) == 0)
			json_object_set_new(j, "receipt", json_string(b64));
	}
	/* recorded, but its receipt could not be signed: say so */
	if (j != NULL && error < 0)
		json_object_set_new(j, "error", json_pack("{s:s, s:s}", "code", kansa_error_name(error),
		    "message", kansa_error_last()->message));
	answer(out, 200, j);
}

void kansa_route__check_cbor(kansa_response *out, const kansa_receipt *r, const char *unit, int error)
{
	const kansa_error *e = kansa_error_last();
	uint8_t *cbor = NULL;
	size_t n = 0;

	if (kansa_check_answer_cbor(&cbor, &n, r, unit, error,
	    error < 0 && e->code == error ? e->message : NULL) < 0) {
		kansa_route__error(out, 500, "ENOMEM", "the answer could not be encoded; the check's "
		    "entry, if any, is in the ledger");
		return;
	}
	out->status = error < 0 && !r->recorded ? 503 : 200;
	out->content_type = "application/cbor";
	out->body = (char *)cbor;
	out->len = n;
}
