/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Encoding and strict decoding of ledger entries (see entry.h). The decoder
 * is what replay and verify trust: it accepts only canonical CBOR with
 * exactly the keys of the entry's kind.
 */
#include <stdlib.h>
#include <string.h>

#include "keys/keys.h"
#include "ledger/entry.h"
#include "policy/cbor.h"

static const char *const kind_names[] = {
	[KANSA_ENTRY_DECISION] = "decision",
	[KANSA_ENTRY_POLICY] = "policy",
	[KANSA_ENTRY_REVOCATION] = "revocation",
	[KANSA_ENTRY_RATIFICATION] = "ratification",
};

const char *kansa_entry__kind_name(int kind)
{
	if (kind < KANSA_ENTRY_DECISION || kind > KANSA_ENTRY_RATIFICATION)
		return "unknown";
	return kind_names[kind];
}

#define PUT(key, item) \
	do { if ((error = kansa_cbor__map_put(map, (key), (item))) < 0) goto out; } while (0)

int kansa_entry__encode(uint8_t **out, size_t *out_len, const kansa_entry *e)
{
	cbor_item_t *map = kansa_cbor__map();
	int error = 0;

	*out = NULL;
	*out_len = 0;
	if (map == NULL)
		return KANSA_ENOMEM;
	PUT("seq", kansa_cbor__uint(e->seq));
	PUT("time", kansa_cbor__int(e->time));
	PUT("kind", kansa_cbor__text(kansa_entry__kind_name(e->kind)));
	PUT("prev", kansa_cbor__bytes(e->prev, KANSA_HASH_LEN));
	switch (e->kind) {
	case KANSA_ENTRY_DECISION:
		/* REQ: LEDGER-REQUEST-FITS the entry keeps a request's bytes only up
		 * to KANSA_MAX_REQUEST_BYTES, so that it fits KANSA_MAX_ENTRY_BYTES */
		if (e->request_hashed) {
			if (e->request_form != KANSA_REQUEST_FORM_CBOR &&
			    e->request_form != KANSA_REQUEST_FORM_JSON) {
				error = kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_LEDGER,
				    "entry: unknown request form %d", e->request_form);
				goto out;
			}
			PUT("request_hash", kansa_cbor__bytes(e->request_hash, KANSA_HASH_LEN));
			PUT("request_size", kansa_cbor__uint(e->request_size));
			PUT("request_form", kansa_cbor__text(e->request_form == KANSA_REQUEST_FORM_JSON
			    ? "json" : "cbor"));
		} else {
			if (e->request_len > KANSA_MAX_REQUEST_BYTES) {
				error = kansa_error_set(KANSA_ELIMIT, KANSA_ERRCLASS_LEDGER,
				    "entry: request of %zu bytes is larger than %d", e->request_len,
				    KANSA_MAX_REQUEST_BYTES);
				goto out;
			}
			PUT("request", kansa_cbor__bytes(e->request, e->request_len));
		}
		if (e->detail && strlen(e->detail) > KANSA_MAX_DETAIL_BYTES) {
			error = kansa_error_set(KANSA_ELIMIT, KANSA_ERRCLASS_LEDGER,
			    "entry: detail longer than %d bytes", KANSA_MAX_DETAIL_BYTES);
			goto out;
		}
		if (e->has_warrant)
			PUT("warrant", kansa_cbor__bytes(e->warrant, KANSA_HASH_LEN));
		PUT("policy", kansa_cbor__uint(e->policy_version));
		PUT("decision", kansa_cbor__text(e->verdict == KANSA_ALLOW ? "allow" : "deny"));
		PUT("reason", kansa_cbor__text(kansa_reason_name(e->reason)));
		PUT("detail", kansa_cbor__text(e->detail ? e->detail : ""));
		PUT("uses", kansa_cbor__uint(e->uses));
		if (e->ratify_by)
			PUT("ratify_by", kansa_cbor__int(e->ratify_by));
		if (e->unit != NULL) {
			if (e->unit[0] == '\0' || strlen(e->unit) > KANSA_MAX_UNIT_BYTES) {
				error = kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_LEDGER,
				    "entry: a unit name must be 1 to %d bytes", KANSA_MAX_UNIT_BYTES);
				goto out;
			}
			PUT("unit", kansa_cbor__text(e->unit));
		}
		break;
	case KANSA_ENTRY_POLICY:
		PUT("document", kansa_cbor__bytes(e->document, KANSA_HASH_LEN));
		PUT("version", kansa_cbor__uint(e->version));
		break;
	case KANSA_ENTRY_REVOCATION:
		PUT("document", kansa_cbor__bytes(e->document, KANSA_HASH_LEN));
		PUT("cti", kansa_cbor__bytes(e->cti, sizeof(e->cti)));
		break;
	case KANSA_ENTRY_RATIFICATION:
		PUT("document", kansa_cbor__bytes(e->document, KANSA_HASH_LEN));
		PUT("entry", kansa_cbor__bytes(e->entry, KANSA_HASH_LEN));
		PUT("approved", kansa_cbor__bool(e->approved));
		break;
	default:
		error = kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_LEDGER, "unknown entry kind %d", e->kind);
		goto out;
	}
	error = kansa_cbor__encode(out, out_len, map);
out:
	cbor_decref(&map);
	return error;
}

/* The keys an entry may have, found in one pass over its map. */
enum {
	K_SEQ, K_TIME, K_KIND, K_PREV, K_REQUEST, K_REQUEST_HASH, K_REQUEST_SIZE, K_REQUEST_FORM,
	K_WARRANT, K_POLICY, K_DECISION, K_REASON, K_DETAIL, K_USES, K_RATIFY_BY, K_UNIT,
	K_DOCUMENT, K_VERSION, K_CTI, K_ENTRY, K_APPROVED, NKEYS
};

static const char *const key_names[NKEYS] = {
	[K_SEQ] = "seq", [K_TIME] = "time", [K_KIND] = "kind", [K_PREV] = "prev",
	[K_REQUEST] = "request", [K_REQUEST_HASH] = "request_hash", [K_REQUEST_SIZE] = "request_size",
	[K_REQUEST_FORM] = "request_form", [K_WARRANT] = "warrant", [K_POLICY] = "policy",
	[K_DECISION] = "decision", [K_REASON] = "reason", [K_DETAIL] = "detail", [K_USES] = "uses",
	[K_RATIFY_BY] = "ratify_by", [K_UNIT] = "unit", [K_DOCUMENT] = "document",
	[K_VERSION] = "version", [K_CTI] = "cti", [K_ENTRY] = "entry", [K_APPROVED] = "approved",
};

/* The entry's map: where each known key's value starts (SIZE_MAX: absent),
 * and its head. */
struct fields {
	kansa_cbor_reader r;
	size_t at[NKEYS];
	kansa_cbor_head head[NKEYS];
};

static bool has(const struct fields *f, int k)
{
	return f->at[k] != SIZE_MAX;
}

/* The head of key @p k's value; false when absent. */
static bool head(kansa_cbor_head *h, const struct fields *f, int k)
{
	*h = f->head[k];
	return has(f, k);
}

/* Fixed-length byte string field. */
static int get_fixed(uint8_t *out, size_t len, const struct fields *f, int k)
{
	kansa_cbor_head h;
	const uint8_t *p;
	size_t n;

	if (!has(f, k))
		return kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_LEDGER, "entry: missing '%s'", key_names[k]);
	if (!head(&h, f, k) || kansa_cbor__head_bytes(&p, &n, &h) < 0 || n != len)
		return kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_LEDGER,
		    "entry: '%s' must be a %zu-byte string", key_names[k], len);
	memcpy(out, p, len);
	return 0;
}

static int get_u64(uint64_t *out, const struct fields *f, int k)
{
	kansa_cbor_head h;

	if (!head(&h, f, k) || kansa_cbor__head_uint(out, &h) < 0)
		return kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_LEDGER,
		    "entry: '%s' must be an unsigned integer", key_names[k]);
	return 0;
}

static int get_i64(int64_t *out, const struct fields *f, int k)
{
	kansa_cbor_head h;

	if (!head(&h, f, k) || kansa_cbor__head_int(out, &h) < 0)
		return kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_LEDGER,
		    "entry: '%s' must be an integer", key_names[k]);
	return 0;
}

/* A text field, borrowed from the input (no NUL inside, not terminated). */
static int get_span(const char **p, size_t *n, const struct fields *f, int k)
{
	kansa_cbor_head h;

	if (!head(&h, f, k) || kansa_cbor__head_text(p, n, &h) < 0)
		return kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_LEDGER,
		    "entry: '%s' must be a text string", key_names[k]);
	return 0;
}

/* A text field as an owned copy. */
static int get_text(char **out, const struct fields *f, int k)
{
	const char *p;
	size_t n;
	int error;

	*out = NULL;
	if ((error = get_span(&p, &n, f, k)) < 0)
		return error;
	if ((*out = kansa_strndup(p, n)) == NULL)
		return kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
	return 0;
}

static bool span_is(const char *p, size_t n, const char *s)
{
	return strlen(s) == n && strncmp(p, s, n) == 0;
}

/* "request", or "request_hash", "request_size" and "request_form": never both. */
static int decode_request(kansa_entry *e, const struct fields *f, size_t *keys)
{
	kansa_cbor_head h;
	const uint8_t *p;
	const char *form;
	size_t n;
	int error;

	if (has(f, K_REQUEST)) {
		if (!head(&h, f, K_REQUEST) || kansa_cbor__head_bytes(&p, &n, &h) < 0)
			return kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_LEDGER,
			    "entry: 'request' must be a byte string");
		if ((e->request = kansa_memdup(p, n)) == NULL)
			return kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
		e->request_len = n;
		(*keys)++;
		return 0;
	}
	if ((error = get_fixed(e->request_hash, KANSA_HASH_LEN, f, K_REQUEST_HASH)) < 0 ||
	    (error = get_u64(&e->request_size, f, K_REQUEST_SIZE)) < 0 ||
	    (error = get_span(&form, &n, f, K_REQUEST_FORM)) < 0)
		return error;
	e->request_hashed = true;
	e->request_form = span_is(form, n, "cbor") ? KANSA_REQUEST_FORM_CBOR
	    : span_is(form, n, "json") ? KANSA_REQUEST_FORM_JSON : 0;
	if (e->request_form == 0)
		return kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_LEDGER,
		    "entry: 'request_form' must be cbor or json");
	*keys += 3;
	return 0;
}

static int decode_decision(kansa_entry *e, const struct fields *f, size_t *keys)
{
	const char *s;
	char name[64];
	size_t n;
	int error;

	if ((error = decode_request(e, f, keys)) < 0)
		return error;
	if (has(f, K_WARRANT)) {
		if ((error = get_fixed(e->warrant, KANSA_HASH_LEN, f, K_WARRANT)) < 0)
			return error;
		e->has_warrant = true;
		(*keys)++;
	}
	if ((error = get_u64(&e->policy_version, f, K_POLICY)) < 0 ||
	    (error = get_u64(&e->uses, f, K_USES)) < 0 ||
	    (error = get_text(&e->detail, f, K_DETAIL)) < 0 ||
	    (error = get_span(&s, &n, f, K_DECISION)) < 0)
		return error;
	if (span_is(s, n, "allow"))
		e->verdict = KANSA_ALLOW;
	else if (span_is(s, n, "deny"))
		e->verdict = KANSA_DENY;
	else
		return kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_LEDGER, "entry: 'decision' must be allow or deny");
	if ((error = get_span(&s, &n, f, K_REASON)) < 0)
		return error;
	/* reason names are short: a longer text names none */
	e->reason = -1;
	if (n < sizeof(name)) {
		memcpy(name, s, n);
		name[n] = '\0';
		e->reason = kansa_reason_from_name(name);
	}
	if (e->reason < 0)
		return kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_LEDGER, "entry: unknown 'reason'");
	*keys += 5;
	if (has(f, K_RATIFY_BY)) {
		if ((error = get_i64(&e->ratify_by, f, K_RATIFY_BY)) < 0)
			return error;
		(*keys)++;
	}
	if (has(f, K_UNIT)) {
		if ((error = get_text(&e->unit, f, K_UNIT)) < 0)
			return error;
		if (e->unit[0] == '\0' || strlen(e->unit) > KANSA_MAX_UNIT_BYTES)
			return kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_LEDGER,
			    "entry: 'unit' must be 1 to %d bytes", KANSA_MAX_UNIT_BYTES);
		(*keys)++;
	}
	return 0;
}

static int kind_from_span(const char *p, size_t n)
{
	for (int k = KANSA_ENTRY_DECISION; k <= KANSA_ENTRY_RATIFICATION; k++)
		if (span_is(p, n, kind_names[k]))
			return k;
	return -1;
}

/* One pass over the map (libcbor's streaming decoder under the reader,
 * no item tree), then each field checked in a fixed order. */
int kansa_entry__decode(kansa_entry *e, const uint8_t *in, size_t len)
{
	struct fields f;
	kansa_cbor_head top;
	const char *kind = "";
	size_t kind_len = 0, keys = 4;
	uint64_t pairs;
	int error;

	memset(e, 0, sizeof(*e));
	if ((error = kansa_cbor__reader_init(&f.r, in, len)) < 0)
		return error;
	if ((error = kansa_cbor__read_at(&f.r, 0, &top)) < 0)
		return error;
	if (top.major != KANSA_CBOR_MAP)
		return kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_LEDGER, "entry: not a map");
	if ((error = kansa_cbor__map_index(&f.r, key_names, NKEYS, f.at, f.head, &pairs)) < 0)
		return error;
	if ((error = get_u64(&e->seq, &f, K_SEQ)) < 0 || (error = get_i64(&e->time, &f, K_TIME)) < 0 ||
	    (error = get_fixed(e->prev, KANSA_HASH_LEN, &f, K_PREV)) < 0 ||
	    (error = get_span(&kind, &kind_len, &f, K_KIND)) < 0)
		goto out;
	switch ((e->kind = kind_from_span(kind, kind_len))) {
	case KANSA_ENTRY_DECISION:
		error = decode_decision(e, &f, &keys);
		break;
	case KANSA_ENTRY_POLICY:
		if ((error = get_fixed(e->document, KANSA_HASH_LEN, &f, K_DOCUMENT)) == 0)
			error = get_u64(&e->version, &f, K_VERSION);
		keys += 2;
		break;
	case KANSA_ENTRY_REVOCATION:
		if ((error = get_fixed(e->document, KANSA_HASH_LEN, &f, K_DOCUMENT)) == 0)
			error = get_fixed(e->cti, sizeof(e->cti), &f, K_CTI);
		keys += 2;
		break;
	case KANSA_ENTRY_RATIFICATION: {
		kansa_cbor_head h;

		if ((error = get_fixed(e->document, KANSA_HASH_LEN, &f, K_DOCUMENT)) == 0 &&
		    (error = get_fixed(e->entry, KANSA_HASH_LEN, &f, K_ENTRY)) == 0 &&
		    (!head(&h, &f, K_APPROVED) || kansa_cbor__head_bool(&e->approved, &h) < 0))
			error = kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_LEDGER, "entry: 'approved' must be a bool");
		keys += 3;
		break;
	}
	default:
		error = kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_LEDGER, "entry: unknown kind '%.*s'",
		    (int)(kind_len < 32 ? kind_len : 32), kind);
	}
	if (error == 0 && pairs != keys)
		error = kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_LEDGER,
		    "entry: %zu keys, a %s entry has %zu", (size_t)pairs, kansa_entry__kind_name(e->kind), keys);
out:
	if (error < 0)
		kansa_entry__dispose(e);
	return error;
}

void kansa_entry__dispose(kansa_entry *e)
{
	free(e->request);
	free(e->detail);
	free(e->unit);
	e->request = NULL;
	e->detail = NULL;
	e->unit = NULL;
}
