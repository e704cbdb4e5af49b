/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The answers of kansa serve (design §10), made on worker threads:
 * POST /v1/check, GET /v1/info, /v1/checkpoint, /metrics, /healthz.
 *
 * A check's body is {"warrant": base64 COSE | null, "request": {...}}, or
 * its CBOR form (kansa_check_cbor_as(), answered in CBOR). Every
 * body is decided and recorded, whatever it holds (design §5 row 1): one
 * that is not such an object is handed to kansa_check_json_as() as it came,
 * and recorded as malformed-request by its hash; a warrant that is not
 * base64 is handed over as its text, and recorded as malformed-warrant.
 *
 * This file must never answer a check without its entry, except with deny
 * and the error that kept it from being recorded (503).
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "keys/keys.h"
#include "ledger/json.h"
#include "service/service.h"

static const char json_content_type[] = "application/json";

/* Put @p j (stolen) into @p out as compact JSON with sorted keys. */
static void json_response(kansa_response *out, int status, json_t *j)
{
	out->status = status;
	out->content_type = json_content_type;
	out->body = j ? json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	json_decref(j);
	if (out->body == NULL) {
		out->status = 500;
		out->body = strdup("{\"ok\":false,\"error\":{\"code\":\"ENOMEM\",\"message\":\"out of memory\"}}");
	}
	out->len = out->body ? strlen(out->body) : 0;
}

void kansa_route__error(kansa_response *out, int status, const char *code, const char *message)
{
	json_response(out, status, json_pack("{s:b, s:{s:s, s:s}}", "ok", 0, "error", "code", code,
	    "message", message));
}

void kansa_route__json(kansa_response *out, int status, json_t *j)
{
	json_response(out, status, j);
}

/* What the check's body gives: the warrant bytes and the request's JSON.
 * Anything else leaves the body itself as the request (recorded malformed). */
typedef struct {
	uint8_t *warrant;      /* owned; NULL: none */
	size_t warrant_len;
	char *request;         /* owned JSON text; NULL: the body is the request */
	size_t request_len;
} check_input;

static void warrant_from(check_input *in, const json_t *w)
{
	const char *text = json_string_value(w);
	size_t n = json_string_length(w), cap = n + 3; /* the decoded bytes, or the text */

	if ((in->warrant = malloc(cap)) == NULL)
		return;
	/* REQ: SERVICE-CHECK-WARRANT a warrant that is not base64 is still recorded (malformed-warrant) */
	if (kansa_base64_decode(in->warrant, cap, &in->warrant_len, text, n) < 0) {
		memcpy(in->warrant, text, n);
		in->warrant_len = n;
	}
}

static void parse_body(check_input *in, const uint8_t *body, size_t len)
{
	json_error_t jerr;
	json_t *root = json_loadb((const char *)body, len, JSON_REJECT_DUPLICATES, &jerr);
	json_t *w, *r;
	const char *key;
	json_t *v;

	memset(in, 0, sizeof(*in));
	if (root == NULL || !json_is_object(root))
		goto out;
	json_object_foreach(root, key, v)
		if (strcmp(key, "warrant") != 0 && strcmp(key, "request") != 0)
			goto out; /* unknown key: the body is recorded as it came */
	w = json_object_get(root, "warrant");
	r = json_object_get(root, "request");
	if (r == NULL || !json_is_object(r) || (w != NULL && !json_is_null(w) && !json_is_string(w)))
		goto out;
	if ((in->request = json_dumps(r, JSON_COMPACT)) == NULL)
		goto out;
	in->request_len = strlen(in->request);
	if (json_is_string(w))
		warrant_from(in, w);
out:
	json_decref(root);
}

static void route_check(kansa_response *out, int route, kansa_ledger *lg, kansa_metrics *m,
    const char *unit, const uint8_t *body, size_t len)
{
	check_input in;
	kansa_receipt r;
	struct timespec t0, t1;
	json_t *j;
	int error;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (route & KANSA_ROUTE_BODY_CBOR)
		memset(&in, 0, sizeof(in));
	else
		parse_body(&in, body, len);
	/* REQ: SERVICE-CHECK-RECORDED every body is decided and recorded under the unit */
	if (route & KANSA_ROUTE_BODY_CBOR)
		error = kansa_check_cbor_as(&r, lg, unit, body, len);
	else if (in.request != NULL)
		error = kansa_check_json_as(&r, lg, unit, in.warrant, in.warrant_len, in.request,
		    in.request_len, (int64_t)time(NULL));
	else
		error = kansa_check_json_as(&r, lg, unit, NULL, 0, (const char *)body, len,
		    (int64_t)time(NULL));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	kansa_metrics__check(m, error, &r, (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	free(in.warrant);
	free(in.request);
	if (route & KANSA_ROUTE_ANSWER_CBOR) {
		kansa_route__check_cbor(out, &r, unit, error);
		return;
	}
	if (error < 0 && !r.recorded) {
		/* fail closed: nothing recorded, so the answer is deny */
		const kansa_error *e = kansa_error_last();
		json_response(out, 503, json_pack("{s:b, s:s, s:s, s:s, s:s, s:{s:s, s:s}}", "ok", 0,
		    "decision", "deny", "reason", "not-recorded", "schema", "kansa.check/1", "unit", unit,
		    "error", "code", kansa_error_name(error), "message",
		    e->code == error ? e->message : kansa_strerror(error)));
		return;
	}
	/* the fields of `kansa check --json` (cli/receipt.c), and the unit */
	j = json_pack("{s:b, s:s, s:s, s:s, s:I, s:o, s:s, s:s}", "ok", r.verdict == KANSA_ALLOW,
	    "decision", r.verdict == KANSA_ALLOW ? "allow" : "deny", "reason", kansa_reason_name(r.reason),
	    "detail", r.detail, "seq", (json_int_t)r.seq, "leaf_hash", kansa_json_out__hex(r.leaf_hash, KANSA_HASH_LEN),
	    "schema", "kansa.check/1", "unit", unit);
	kansa_json_out__set_time(j, "time", r.time);
	if (r.ratify_by)
		kansa_json_out__set_time(j, "ratify_by", r.ratify_by);
	/* the signed receipt (design §9), for the data holder */
	if (j != NULL && r.cose_len > 0) {
		char b64[KANSA_RECEIPT_MAX_BASE64];

		if (kansa_receipt_to_base64(b64, r.cose, r.cose_len) == 0)
			json_object_set_new(j, "receipt", json_string(b64));
	}
	if (j != NULL) {
		json_object_set_new(j, "recorded", json_true());
		/* recorded, but its receipt could not be signed: the unit must treat
		 * the act as denied (no receipt, no data) */
		if (error < 0) {
			json_object_set_new(j, "ok", json_false());
			json_object_set_new(j, "error", json_pack("{s:s, s:s}", "code", kansa_error_name(error),
			    "message", kansa_error_last()->message));
		}
	}
	json_response(out, 200, j);
}

static void route_info(kansa_response *out, kansa_ledger *lg)
{
	kansa_ledger_info info;
	json_t *j;
	int error;

	if ((error = kansa_ledger_get_info(&info, lg)) < 0) {
		kansa_route__error(out, 503, kansa_error_name(error), kansa_error_last()->message);
		return;
	}
	j = json_pack("{s:b, s:I, s:o, s:o, s:I, s:s, s:s, s:s, s:s}", "ok", 1,
	    "size", (json_int_t)info.size, "head", kansa_json_out__hex(info.head, KANSA_HASH_LEN),
	    "root", kansa_json_out__hex(info.root, KANSA_HASH_LEN), "policy_version", (json_int_t)info.policy_version,
	    "commission", info.commission, "origin", info.origin, "log_key", info.log_key,
	    "schema", "kansa.info/1");
	kansa_json_out__set_time(j, "last_time", info.last_time);
	json_response(out, 200, j);
}

static void route_text(kansa_response *out, int status, char *text, size_t len, const char *type)
{
	out->status = status;
	out->content_type = type;
	out->body = text;
	out->len = len;
}

void kansa_route__run(kansa_response *out, int route, kansa_ledger *lg, kansa_metrics *m,
    const char *unit, const uint8_t *body, size_t len)
{
	char *text = NULL;
	size_t n = 0;
	int error;

	memset(out, 0, sizeof(*out));
	if ((route & KANSA_ROUTE_MASK) >= KANSA_ROUTE_POLICIES &&
	    (route & KANSA_ROUTE_MASK) <= KANSA_ROUTE_RATIFICATIONS) {
		kansa_route__document(out, route, lg, body, len);
		return;
	}
	if ((route & KANSA_ROUTE_MASK) == KANSA_ROUTE_CHECK) {
		route_check(out, route, lg, m, unit, body, len);
		return;
	}
	switch (route) {
	case KANSA_ROUTE_INFO:
		route_info(out, lg);
		return;
	case KANSA_ROUTE_CHECKPOINT:
		error = kansa_ledger_checkpoint(&text, &n, lg);
		if (error == 0)
			route_text(out, 200, text, n, "text/plain; charset=utf-8");
		break;
	case KANSA_ROUTE_METRICS:
		error = kansa_metrics__text(&text, &n, m, lg);
		if (error == 0)
			route_text(out, 200, text, n, "text/plain; version=0.0.4; charset=utf-8");
		break;
	case KANSA_ROUTE_HEALTHZ: {
		kansa_ledger_info info;

		if ((error = kansa_ledger_get_info(&info, lg)) == 0 && (text = strdup("ok\n")) == NULL)
			error = KANSA_ENOMEM;
		if (error == 0)
			route_text(out, 200, text, 3, "text/plain; charset=utf-8");
		break;
	}
	default:
		kansa_route__error(out, 404, "ENOTFOUND", "no such route");
		return;
	}
	if (error < 0)
		kansa_route__error(out, 503, kansa_error_name(error),
		    kansa_error_last()->code == error ? kansa_error_last()->message : kansa_strerror(error));
}

void kansa_route__witness(kansa_response *out, int route, kansa_witness *w, const uint8_t *body,
    size_t len)
{
	kansa_witness_answer a;
	char *text;

	memset(out, 0, sizeof(*out));
	if (route != KANSA_ROUTE_ADD_CHECKPOINT) {
		if ((text = strdup("ok\n")) == NULL)
			kansa_route__error(out, 503, "ENOMEM", "out of memory");
		else
			route_text(out, 200, text, 3, "text/plain; charset=utf-8");
		return;
	}
	/* every outcome, also a failure (500), comes with its status and body */
	(void)kansa_witness_add_checkpoint(&a, w, (const char *)body, len);
	if (a.body == NULL) {
		kansa_route__error(out, 500, "ENOMEM", "out of memory");
		return;
	}
	route_text(out, a.status, a.body, a.len, a.content_type);
}
