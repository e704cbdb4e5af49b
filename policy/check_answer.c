/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The CBOR answer of kansa serve's check (design §10): made by the service
 * (kansa_check_answer_cbor()) and read by a client
 * (kansa_check_answer_cbor_read()), one canonical map with the keys of the
 * JSON answer, the leaf hash and the signed receipt as byte strings.
 *
 * The reader takes an answer from the network: it goes through
 * kansa_cbor__decode (canonical, bounded), then one exact shape; it must
 * never report an allow that is not whole, recorded and signed.
 */
#include <stdlib.h>
#include <string.h>

#include "policy/cbor.h"
#include "policy/check_body.h"

/* Add @p v (stolen, may be NULL: out of memory) under @p key unless an
 * earlier step failed with @p error: a chain of puts reports the first failure. */
static int put(cbor_item_t *m, const char *key, cbor_item_t *v, int error)
{
	if (error < 0) {
		if (v != NULL)
			cbor_decref(&v);
		return error;
	}
	return kansa_cbor__map_put(m, key, v);
}

static int put_error(cbor_item_t *m, int code, const char *message, int error)
{
	cbor_item_t *e = kansa_cbor__map();

	if (e == NULL)
		return error < 0 ? error : KANSA_ENOMEM;
	error = put(e, "code", kansa_cbor__text(kansa_error_name(code)), error);
	error = put(e, "message", kansa_cbor__text(message ? message : kansa_strerror(code)), error);
	return put(m, "error", e, error);
}

/* The recorded entry's fields, as the JSON answer has them. */
static int put_entry(cbor_item_t *m, const kansa_receipt *r, int error)
{
	error = put(m, "decision", kansa_cbor__text(r->verdict == KANSA_ALLOW ? "allow" : "deny"), error);
	error = put(m, "reason", kansa_cbor__text(kansa_reason_name(r->reason)), error);
	error = put(m, "detail", kansa_cbor__text(r->detail), error);
	error = put(m, "seq", kansa_cbor__uint(r->seq), error);
	error = put(m, "leaf_hash", kansa_cbor__bytes(r->leaf_hash, KANSA_HASH_LEN), error);
	error = put(m, "time", kansa_cbor__int(r->time), error);
	error = put(m, "recorded", kansa_cbor__bool(true), error);
	if (r->ratify_by)
		error = put(m, "ratify_by", kansa_cbor__int(r->ratify_by), error);
	if (r->cose_len > 0)
		error = put(m, "receipt", kansa_cbor__bytes(r->cose, r->cose_len), error);
	return error;
}

int kansa_check_answer_cbor(uint8_t **out, size_t *out_len, const kansa_receipt *r,
    const char *unit, int code, const char *message)
{
	cbor_item_t *m;
	int error = 0;

	if (out == NULL || out_len == NULL || r == NULL || unit == NULL)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_CBOR, "kansa_check_answer_cbor: missing argument");
	*out = NULL;
	*out_len = 0;
	if ((m = kansa_cbor__map()) == NULL)
		return kansa_error_last()->code;
	error = put(m, "schema", kansa_cbor__text("kansa.check/1"), error);
	error = put(m, "unit", kansa_cbor__text(unit), error);
	/* a receipt only for an entry recorded and signed: otherwise not ok */
	error = put(m, "ok", kansa_cbor__bool(r->recorded && code == 0 && r->verdict == KANSA_ALLOW), error);
	if (!r->recorded) {
		error = put(m, "decision", kansa_cbor__text("deny"), error);
		error = put(m, "reason", kansa_cbor__text("not-recorded"), error);
	} else {
		error = put_entry(m, r, error);
	}
	if (code < 0)
		error = put_error(m, code, message, error);
	if (error == 0)
		error = kansa_cbor__encode(out, out_len, m);
	cbor_decref(&m);
	return error;
}

/* ---- reading it --------------------------------------------------------- */

static int bad_answer(const char *what)
{
	return kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_CBOR,
	    "the service's CBOR answer is not a check's receipt (%s): treated as deny", what);
}

/* Every key is one of the answer's. */
static int answer_keys(const cbor_item_t *map)
{
	static const char *const known[] = { "schema", "unit", "ok", "decision", "reason", "detail",
		"seq", "leaf_hash", "time", "recorded", "ratify_by", "receipt", "error" };
	struct cbor_pair *pairs = cbor_map_handle(map);

	for (size_t i = 0; i < cbor_map_size(map); i++) {
		const cbor_item_t *k = pairs[i].key;
		bool found = false;

		for (size_t j = 0; j < sizeof(known) / sizeof(known[0]) && !found; j++)
			found = cbor_isa_string(k) && cbor_string_is_definite(k) &&
			    cbor_string_length(k) == strlen(known[j]) &&
			    memcmp(cbor_string_handle(k), known[j], cbor_string_length(k)) == 0;
		if (!found)
			return bad_answer("an unknown key");
	}
	return 0;
}

/* The text under @p key, compared with @p want (NULL: any text) or copied. */
static int text_is(const cbor_item_t *m, const char *key, const char *want)
{
	char *v = NULL;
	int same;

	if (kansa_cbor__get_text(&v, kansa_cbor__map_get(m, key)) < 0)
		return -1;
	same = want == NULL || strcmp(v, want) == 0;
	free(v);
	return same ? 0 : -1;
}

/* {"error": {"code", "message"}} as the error of this call, with @p code. */
static int service_error(const cbor_item_t *m, int code, const char *what)
{
	const cbor_item_t *e = kansa_cbor__map_get(m, "error");
	char *msg = NULL;
	int error;

	if (e != NULL && cbor_isa_map(e))
		(void)kansa_cbor__get_text(&msg, kansa_cbor__map_get(e, "message"));
	error = kansa_error_set(code, KANSA_ERRCLASS_CBOR, "%s: %.180s", what, msg ? msg : "no message");
	free(msg);
	return error;
}

/* The recorded entry's fields into @p out. */
static int read_entry(kansa_receipt *out, const cbor_item_t *m)
{
	const cbor_item_t *rb = kansa_cbor__map_get(m, "ratify_by"), *rc = kansa_cbor__map_get(m, "receipt");
	char *decision = NULL, *reason = NULL, *detail = NULL;
	const uint8_t *p;
	size_t n;
	bool recorded = false;
	int error = 0;

	if (kansa_cbor__get_text(&decision, kansa_cbor__map_get(m, "decision")) < 0 ||
	    kansa_cbor__get_text(&reason, kansa_cbor__map_get(m, "reason")) < 0 ||
	    kansa_cbor__get_text(&detail, kansa_cbor__map_get(m, "detail")) < 0)
		error = bad_answer("decision, reason or detail");
	else if ((strcmp(decision, "allow") != 0 && strcmp(decision, "deny") != 0) ||
	    (out->reason = kansa_reason_from_name(reason)) < 0)
		error = bad_answer("an unknown decision or reason");
	else if (kansa_cbor__get_uint(&out->seq, kansa_cbor__map_get(m, "seq")) < 0 ||
	    kansa_cbor__get_int(&out->time, kansa_cbor__map_get(m, "time")) < 0 ||
	    (rb != NULL && kansa_cbor__get_int(&out->ratify_by, rb) < 0) ||
	    kansa_cbor__get_bool(&recorded, kansa_cbor__map_get(m, "recorded")) < 0 || !recorded)
		error = bad_answer("seq, time, ratify_by or recorded");
	else if (kansa_cbor__get_bytes(&p, &n, kansa_cbor__map_get(m, "leaf_hash")) < 0 ||
	    n != KANSA_HASH_LEN)
		error = bad_answer("leaf_hash");
	if (error == 0) {
		memcpy(out->leaf_hash, p, KANSA_HASH_LEN);
		if (rc != NULL && (kansa_cbor__get_bytes(&p, &n, rc) < 0 || n == 0 || n > sizeof(out->cose)))
			error = bad_answer("receipt");
		else if (rc != NULL) {
			memcpy(out->cose, p, n);
			out->cose_len = n;
		}
	}
	if (error == 0) {
		out->verdict = strcmp(decision, "allow") == 0 ? KANSA_ALLOW : KANSA_DENY;
		out->recorded = true;
		snprintf(out->detail, sizeof(out->detail), "%s", detail);
	}
	free(decision);
	free(reason);
	free(detail);
	return error;
}

int kansa_check_answer_cbor_read(kansa_receipt *out, const uint8_t *answer, size_t len)
{
	cbor_item_t *m = NULL;
	int error;

	if (out == NULL || answer == NULL)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_CBOR,
		    "kansa_check_answer_cbor_read: missing argument");
	memset(out, 0, sizeof(*out));
	out->verdict = KANSA_DENY;
	if ((error = kansa_cbor__decode(&m, answer, len)) < 0) {
		error = bad_answer(kansa_error_last()->message);
		goto out;
	}
	if (!cbor_isa_map(m)) {
		error = bad_answer("not a map");
		goto out;
	}
	if ((error = answer_keys(m)) < 0)
		goto out;
	if (text_is(m, "schema", "kansa.check/1") < 0) {
		error = bad_answer("schema");
		goto out;
	}
	/* REQ: SERVICE-CLIENT-CBOR nothing recorded, or recorded without a receipt: deny with the service's error */
	if (text_is(m, "reason", "not-recorded") == 0) {
		error = service_error(m, KANSA_EIO, "the service recorded nothing");
		goto out;
	}
	if ((error = read_entry(out, m)) < 0)
		goto out;
	if (kansa_cbor__map_get(m, "error") != NULL)
		error = service_error(m, KANSA_EIO, "the service recorded the entry but signed no receipt");
	else if (out->cose_len == 0)
		error = bad_answer("no receipt");
out:
	if (error == KANSA_EFORMAT || (error < 0 && !out->recorded)) /* only "recorded, unsigned" is kept */
		memset(out, 0, sizeof(*out));
	if (error < 0) /* fail closed: recorded without a receipt is no allow */
		out->verdict = KANSA_DENY;
	if (m != NULL)
		cbor_decref(&m);
	return error;
}
