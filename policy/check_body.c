/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The CBOR form of kansa serve's check (design §10; layout in
 * check_body.h). The body comes from any authenticated unit: it goes
 * through kansa_cbor__decode (canonical, bounded) and then one exact shape.
 * Whatever does not fit is the caller's to record as malformed-request.
 */
#include <stdlib.h>
#include <string.h>

#include "policy/cbor.h"
#include "policy/check_body.h"

static int bad(const char *what)
{
	return kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_CBOR, "check body: %s", what);
}

/* Every key is "warrant" or "request", each once (the decoder refused duplicates). */
static int known_keys(const cbor_item_t *map)
{
	struct cbor_pair *pairs = cbor_map_handle(map);
	size_t n = cbor_map_size(map);

	for (size_t i = 0; i < n; i++) {
		const cbor_item_t *k = pairs[i].key;
		size_t kl = cbor_isa_string(k) && cbor_string_is_definite(k) ? cbor_string_length(k) : 0;

		if (kl != 7 || (memcmp(cbor_string_handle(k), "warrant", 7) != 0 &&
		    memcmp(cbor_string_handle(k), "request", 7) != 0))
			return bad("a key other than \"warrant\" and \"request\"");
	}
	return 0;
}

static int take_warrant(uint8_t **warrant, size_t *warrant_len, const cbor_item_t *w)
{
	const uint8_t *p;
	size_t n;

	if (w == NULL || cbor_is_null(w))
		return 0;
	if (kansa_cbor__get_bytes(&p, &n, w) < 0)
		return bad("\"warrant\" is neither a byte string (COSE) nor null");
	if ((*warrant = malloc(n ? n : 1)) == NULL)
		return kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_CBOR, "out of memory");
	memcpy(*warrant, p, n);
	*warrant_len = n;
	return 0;
}

int kansa_check_body__split(uint8_t **warrant, size_t *warrant_len, uint8_t **request,
    size_t *request_len, const uint8_t *body, size_t len)
{
	cbor_item_t *root = NULL, *r;
	int error;

	*warrant = *request = NULL;
	*warrant_len = *request_len = 0;
	if ((error = kansa_cbor__decode(&root, body, len)) < 0)
		return error;
	if (!cbor_isa_map(root)) {
		error = bad("not a map");
		goto out;
	}
	if ((error = known_keys(root)) < 0)
		goto out;
	r = kansa_cbor__map_get(root, "request");
	if (r == NULL || !cbor_isa_map(r)) {
		error = bad("\"request\" is missing or not a map");
		goto out;
	}
	/* the decoder checked the body canonical: so is the request's encoding */
	if ((error = take_warrant(warrant, warrant_len, kansa_cbor__map_get(root, "warrant"))) < 0 ||
	    (error = kansa_cbor__encode(request, request_len, r)) < 0)
		goto out;
out:
	if (error < 0) {
		free(*warrant);
		*warrant = NULL;
		*warrant_len = 0;
	}
	cbor_decref(&root);
	return error;
}

/* ---- the answer ------------------------------------------------------- */

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
