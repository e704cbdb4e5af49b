/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The ledger entry decoder as it was before the pull reader: a libcbor item
 * tree (kansa_cbor__decode) read by key. Kept only as the reference of the
 * differential test (test_decode_diff.c): the library's decoder must accept
 * exactly what this one accepts, with the same fields and messages.
 */
#include <stdlib.h>
#include <string.h>

#include "ledger/entry.h"
#include "policy/cbor.h"
#include "tests/unit/diff/tree.h"

static int kind_from_name(const char *s)
{
	for (int k = KANSA_ENTRY_DECISION; k <= KANSA_ENTRY_RATIFICATION; k++)
		if (strcmp(kansa_entry__kind_name(k), s) == 0)
			return k;
	return -1;
}

/* Fixed-length byte string field. */
static int get_fixed(uint8_t *out, size_t len, const cbor_item_t *map, const char *key)
{
	const cbor_item_t *v = kansa_cbor__map_get(map, key);
	const uint8_t *p;
	size_t n;

	if (v == NULL)
		return kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_LEDGER, "entry: missing '%s'", key);
	if (kansa_cbor__get_bytes(&p, &n, v) < 0 || n != len)
		return kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_LEDGER,
		    "entry: '%s' must be a %zu-byte string", key, len);
	memcpy(out, p, len);
	return 0;
}

static int get_u64(uint64_t *out, const cbor_item_t *map, const char *key)
{
	const cbor_item_t *v = kansa_cbor__map_get(map, key);

	if (v == NULL || kansa_cbor__get_uint(out, v) < 0)
		return kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_LEDGER,
		    "entry: '%s' must be an unsigned integer", key);
	return 0;
}

static int get_i64(int64_t *out, const cbor_item_t *map, const char *key)
{
	const cbor_item_t *v = kansa_cbor__map_get(map, key);

	if (v == NULL || kansa_cbor__get_int(out, v) < 0)
		return kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_LEDGER,
		    "entry: '%s' must be an integer", key);
	return 0;
}

static int get_text(char **out, const cbor_item_t *map, const char *key)
{
	const cbor_item_t *v = kansa_cbor__map_get(map, key);

	if (v == NULL || kansa_cbor__get_text(out, v) < 0)
		return kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_LEDGER,
		    "entry: '%s' must be a text string", key);
	return 0;
}

/* "request", or "request_hash", "request_size" and "request_form": never both. */
static int decode_request(kansa_entry *e, const cbor_item_t *map, size_t *keys)
{
	const cbor_item_t *v = kansa_cbor__map_get(map, "request");
	const uint8_t *p;
	char *form = NULL;
	size_t n;
	int error;

	if (v != NULL) {
		if (kansa_cbor__get_bytes(&p, &n, v) < 0)
			return kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_LEDGER,
			    "entry: 'request' must be a byte string");
		if ((e->request = kansa_memdup(p, n)) == NULL)
			return KANSA_ENOMEM;
		e->request_len = n;
		(*keys)++;
		return 0;
	}
	if ((error = get_fixed(e->request_hash, KANSA_HASH_LEN, map, "request_hash")) < 0 ||
	    (error = get_u64(&e->request_size, map, "request_size")) < 0 ||
	    (error = get_text(&form, map, "request_form")) < 0)
		return error;
	e->request_hashed = true;
	e->request_form = strcmp(form, "cbor") == 0 ? KANSA_REQUEST_FORM_CBOR
	    : strcmp(form, "json") == 0 ? KANSA_REQUEST_FORM_JSON : 0;
	free(form);
	if (e->request_form == 0)
		return kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_LEDGER,
		    "entry: 'request_form' must be cbor or json");
	*keys += 3;
	return 0;
}

static int decode_decision(kansa_entry *e, const cbor_item_t *map, size_t *keys)
{
	char *s = NULL;
	int error;

	if ((error = decode_request(e, map, keys)) < 0)
		return error;
	if (kansa_cbor__map_get(map, "warrant") != NULL) {
		if ((error = get_fixed(e->warrant, KANSA_HASH_LEN, map, "warrant")) < 0)
			return error;
		e->has_warrant = true;
		(*keys)++;
	}
	if ((error = get_u64(&e->policy_version, map, "policy")) < 0 ||
	    (error = get_u64(&e->uses, map, "uses")) < 0 ||
	    (error = get_text(&e->detail, map, "detail")) < 0 ||
	    (error = get_text(&s, map, "decision")) < 0)
		return error;
	if (strcmp(s, "allow") == 0)
		e->verdict = KANSA_ALLOW;
	else if (strcmp(s, "deny") == 0)
		e->verdict = KANSA_DENY;
	else
		error = kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_LEDGER, "entry: 'decision' must be allow or deny");
	free(s);
	s = NULL;
	if (error < 0 || (error = get_text(&s, map, "reason")) < 0)
		return error;
	e->reason = kansa_reason_from_name(s);
	free(s);
	if (e->reason < 0)
		return kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_LEDGER, "entry: unknown 'reason'");
	*keys += 5;
	if (kansa_cbor__map_get(map, "ratify_by") != NULL) {
		if ((error = get_i64(&e->ratify_by, map, "ratify_by")) < 0)
			return error;
		(*keys)++;
	}
	if (kansa_cbor__map_get(map, "unit") != NULL) {
		if ((error = get_text(&e->unit, map, "unit")) < 0)
			return error;
		if (e->unit[0] == '\0' || strlen(e->unit) > KANSA_MAX_UNIT_BYTES)
			return kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_LEDGER,
			    "entry: 'unit' must be 1 to %d bytes", KANSA_MAX_UNIT_BYTES);
		(*keys)++;
	}
	return 0;
}

int tree_entry_decode(kansa_entry *e, const uint8_t *in, size_t len)
{
	cbor_item_t *map = NULL;
	char *kind = NULL;
	size_t keys = 4;
	int error;

	memset(e, 0, sizeof(*e));
	if ((error = kansa_cbor__decode(&map, in, len)) < 0)
		return error;
	if (!cbor_isa_map(map)) {
		error = kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_LEDGER, "entry: not a map");
		goto out;
	}
	if ((error = get_u64(&e->seq, map, "seq")) < 0 || (error = get_i64(&e->time, map, "time")) < 0 ||
	    (error = get_fixed(e->prev, KANSA_HASH_LEN, map, "prev")) < 0 ||
	    (error = get_text(&kind, map, "kind")) < 0)
		goto out;
	switch ((e->kind = kind_from_name(kind))) {
	case KANSA_ENTRY_DECISION:
		error = decode_decision(e, map, &keys);
		break;
	case KANSA_ENTRY_POLICY:
		if ((error = get_fixed(e->document, KANSA_HASH_LEN, map, "document")) == 0)
			error = get_u64(&e->version, map, "version");
		keys += 2;
		break;
	case KANSA_ENTRY_REVOCATION:
		if ((error = get_fixed(e->document, KANSA_HASH_LEN, map, "document")) == 0)
			error = get_fixed(e->cti, sizeof(e->cti), map, "cti");
		keys += 2;
		break;
	case KANSA_ENTRY_RATIFICATION: {
		const cbor_item_t *v = kansa_cbor__map_get(map, "approved");
		if ((error = get_fixed(e->document, KANSA_HASH_LEN, map, "document")) == 0 &&
		    (error = get_fixed(e->entry, KANSA_HASH_LEN, map, "entry")) == 0 &&
		    (v == NULL || kansa_cbor__get_bool(&e->approved, v) < 0))
			error = kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_LEDGER, "entry: 'approved' must be a bool");
		keys += 3;
		break;
	}
	default:
		error = kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_LEDGER, "entry: unknown kind '%.32s'", kind);
	}
	if (error == 0 && cbor_map_size(map) != keys)
		error = kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_LEDGER,
		    "entry: %zu keys, a %s entry has %zu", cbor_map_size(map), kind, keys);
out:
	free(kind);
	cbor_decref(&map);
	if (error < 0)
		kansa_entry__dispose(e);
	return error;
}
