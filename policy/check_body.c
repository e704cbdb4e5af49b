/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The CBOR form of kansa serve's check (design §10; layout in
 * check_body.h). The body comes from any authenticated unit: it goes
 * through kansa_cbor__decode (canonical, bounded) and then one exact shape.
 * Whatever does not fit is the caller's to record as malformed-request.
 * kansa_check_body_cbor() makes such a body for a client.
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

/* ---- the body, for a client ------------------------------------------ */

int kansa_check_body_cbor(uint8_t **out, size_t *out_len, const uint8_t *warrant, size_t warrant_len,
    const uint8_t *request, size_t request_len)
{
	kansa_buf b = KANSA_BUF_INIT(SIZE_MAX);
	int error;

	if (out == NULL || out_len == NULL || request == NULL || request_len == 0 ||
	    (warrant == NULL && warrant_len > 0))
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_CBOR, "kansa_check_body_cbor: missing argument");
	*out = NULL;
	*out_len = 0;
	/* the keys in canonical order: "request" < "warrant" (same length, bytewise);
	 * the request's bytes as given: one that is not canonical CBOR makes a
	 * body that is not either, which the service records as malformed-request */
	if ((error = kansa_cbor__put_head(&b, KANSA_CBOR_MAP, 2)) < 0 ||
	    (error = kansa_cbor__put_text(&b, "request")) < 0 ||
	    (error = kansa_buf_put(&b, request, request_len)) < 0 ||
	    (error = kansa_cbor__put_text(&b, "warrant")) < 0 ||
	    (error = warrant ? kansa_cbor__put_bytes(&b, warrant, warrant_len) : kansa_cbor__put_null(&b)) < 0) {
		kansa_buf_dispose(&b);
		return error;
	}
	*out = kansa_buf_detach(&b, out_len);
	return 0;
}
