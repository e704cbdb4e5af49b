/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Strict parsers from canonical CBOR to the document structs of doc.h
 * (policy, warrant, revocation, ratification, request), the signed-document
 * envelope, and verification against a policy: signers, commission, quorum
 * of distinct members, policy succession and warrant validity (design §3-§5).
 *
 * Strict means: the bytes are canonical CBOR (kansa_cbor__decode), every map
 * key is known, every value has exactly its type, required fields are
 * present, texts are bounded and free of control characters, lists are
 * bounded by kansa_limits.h and free of duplicates. Each error names the
 * field the way the JSON form does ("scope.targets[2]: ...").
 *
 * This file must never count a signature that did not verify, count a member
 * twice, or let a document with a failing signature or a non-member kid pass.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keys/keys.h"
#include "policy/cbor.h"
#include "policy/doc.h"

static int perr(const char *path, const char *fmt, ...) KANSA_PRINTF(2, 3);

static int perr(const char *path, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (path == NULL || path[0] == '\0')
		return kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_DOCUMENT, "%s", msg);
	return kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_DOCUMENT, "%s: %s", path, msg);
}

static int plimit(const char *path, size_t max)
{
	return kansa_error_set(KANSA_ELIMIT, KANSA_ERRCLASS_DOCUMENT, "%s: more than %zu entries", path, max);
}

static int nomem(void)
{
	return kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
}

/* Paths of fields for messages ("scope.targets[2]"); cut short if long. */
static void subpath(char out[128], const char *path, const char *key)
{
	int n = path[0] == '\0' ? snprintf(out, 128, "%s", key) : snprintf(out, 128, "%s.%s", path, key);

	if (n < 0 || n >= 128)
		out[127] = '\0';
}

static void indexpath(char out[128], const char *path, size_t i)
{
	int n = snprintf(out, 128, "%s[%zu]", path, i);

	if (n < 0 || n >= 128)
		out[127] = '\0';
}

/* ---------------------------------------------------------------------- */
/* Kinds                                                                   */
/* ---------------------------------------------------------------------- */

static const char *const kind_names[] = { "unknown", "policy", "warrant", "revocation", "ratification" };
static const char *const content_types[] = {
	NULL,
	"application/kansa-policy+cbor",
	"application/kansa-warrant+cbor",
	"application/kansa-revocation+cbor",
	"application/kansa-ratification+cbor",
};

const char *kansa_doc_kind__content_type(int kind)
{
	return kind >= KANSA_KIND_POLICY && kind <= KANSA_KIND_RATIFICATION ? content_types[kind] : NULL;
}

const char *kansa_doc_kind__name(int kind)
{
	return kind >= KANSA_KIND_POLICY && kind <= KANSA_KIND_RATIFICATION ? kind_names[kind] : kind_names[0];
}

int kansa_doc_kind__from_content_type(const char *ctyp)
{
	for (int k = KANSA_KIND_POLICY; ctyp != NULL && k <= KANSA_KIND_RATIFICATION; k++)
		if (strcmp(content_types[k], ctyp) == 0)
			return k;
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Values                                                                  */
/* ---------------------------------------------------------------------- */

enum {
	TEXT_ID,   /* commission, subject, requester, officer, case: 1..127 bytes, no controls */
	TEXT_NAME, /* member, field and op names: 1..64 of [A-Za-z0-9._@-] */
	TEXT_FREE, /* basis, reason, justification: 1..KANSA_MAX_TEXT_BYTES, no controls but \n */
};

static int check_text(const char *s, int what, const char *path)
{
	size_t n = strlen(s), max = what == TEXT_ID ? 127 : what == TEXT_NAME ? 64 : KANSA_MAX_TEXT_BYTES;

	/* REQ: DOC-TEXT required texts are never empty (officer, justification, ...) */
	if (n == 0)
		return perr(path, "must not be empty");
	if (n > max)
		return perr(path, "longer than %zu bytes", max);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (what == TEXT_NAME) {
			if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			    c == '.' || c == '_' || c == '@' || c == '-'))
				return perr(path, "\"%.64s\": only letters, digits and . _ @ - are allowed", s);
		} else if (c < 0x20 || c == 0x7f) {
			if (!(what == TEXT_FREE && c == '\n'))
				return perr(path, "contains a control character");
		}
	}
	return 0;
}

static int get_text(char **out, const cbor_item_t *v, const char *path, int what)
{
	int error;

	*out = NULL;
	if (kansa_cbor__get_text(out, v) < 0)
		return perr(path, "must be a text string");
	if ((error = check_text(*out, what, path)) < 0) {
		free(*out);
		*out = NULL;
	}
	return error;
}

static int get_int(int64_t *out, const cbor_item_t *v, const char *path)
{
	if (kansa_cbor__get_int(out, v) < 0)
		return perr(path, "must be an integer");
	return 0;
}

static int get_uint(uint64_t *out, const cbor_item_t *v, const char *path)
{
	if (kansa_cbor__get_uint(out, v) < 0)
		return perr(path, "must be an unsigned integer");
	return 0;
}

/* Times are seconds since the epoch from 1970 to 9999: bounded, so that no
 * difference or sum of two times can overflow (here or in the decision). */
#define TIME_MAX INT64_C(253402300799) /* 9999-12-31T23:59:59Z */

static int get_time(int64_t *out, const cbor_item_t *v, const char *path)
{
	int error;

	if ((error = get_int(out, v, path)) < 0)
		return error;
	if (*out < 0 || *out > TIME_MAX)
		return perr(path, "time out of range (1970 to 9999)");
	return 0;
}

static void free_list(char **l, size_t n)
{
	for (size_t i = 0; l != NULL && i < n; i++)
		free(l[i]);
	free(l);
}

/* An array of 1..max (0..max when may_be_empty) distinct names. */
static int get_names(char ***out, size_t *n_out, const cbor_item_t *v, const char *path, size_t max,
    bool may_be_empty)
{
	char pi[128];
	char **l = NULL;
	size_t n, i;
	int error = 0;

	*out = NULL;
	*n_out = 0;
	if (v == NULL || !cbor_isa_array(v))
		return perr(path, "must be an array of names");
	n = cbor_array_size(v);
	if (n > max)
		return plimit(path, max);
	if (n == 0)
		return may_be_empty ? 0 : perr(path, "must not be empty");
	if ((l = calloc(n, sizeof(*l))) == NULL)
		return nomem();
	for (i = 0; i < n; i++) {
		indexpath(pi, path, i);
		if ((error = get_text(&l[i], cbor_array_handle(v)[i], pi, TEXT_NAME)) < 0)
			goto fail;
		for (size_t k = 0; k < i; k++) {
			if (strcmp(l[k], l[i]) == 0) {
				error = perr(pi, "\"%s\" is listed twice", l[i]);
				goto fail;
			}
		}
	}
	*out = l;
	*n_out = n;
	return 0;
fail:
	free_list(l, n);
	return error;
}

/* An array of 1..max prefixes (or addresses). */
static int get_prefixes(kansa_prefix **out, size_t *n_out, const cbor_item_t *v, const char *path,
    size_t max, bool address_only)
{
	char pi[128];
	kansa_prefix *l;
	size_t n;

	*out = NULL;
	*n_out = 0;
	if (v == NULL || !cbor_isa_array(v))
		return perr(path, "must be an array of IP %s", address_only ? "addresses" : "prefixes");
	n = cbor_array_size(v);
	if (n > max)
		return plimit(path, max);
	if (n == 0)
		return perr(path, "must not be empty");
	if ((l = calloc(n, sizeof(*l))) == NULL)
		return nomem();
	for (size_t i = 0; i < n; i++) {
		if (kansa_prefix__from_cbor(&l[i], cbor_array_handle(v)[i], address_only) < 0) {
			free(l);
			indexpath(pi, path, i);
			return kansa_error_prefix("%s", pi);
		}
	}
	*out = l;
	*n_out = n;
	return 0;
}

static int get_window(int64_t w[2], const cbor_item_t *v, const char *path)
{
	char pi[128];
	int error;

	if (v == NULL || !cbor_isa_array(v) || cbor_array_size(v) != 2)
		return perr(path, "must be [from, to]");
	for (size_t i = 0; i < 2; i++) {
		indexpath(pi, path, i);
		if ((error = get_time(&w[i], cbor_array_handle(v)[i], pi)) < 0)
			return error;
	}
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Maps with known keys                                                    */
/* ---------------------------------------------------------------------- */

typedef struct {
	const char *name; /* the JSON name; also the CBOR text key unless label != 0 */
	int64_t label;    /* a CBOR integer key (CWT claims), or 0 for a text key */
	bool required;    /* absent -> "<name>: required" */
} keydef;

/*
 * Find each key of @p defs in @p map (borrowed values, NULL when absent);
 * any other key is an error. Canonical input has no duplicate keys.
 */
static int walk(cbor_item_t **vals, const cbor_item_t *map, const keydef *defs, size_t n,
    const char *path, const char *what)
{
	struct cbor_pair *pairs;
	char pk[128];

	for (size_t k = 0; k < n; k++)
		vals[k] = NULL;
	if (map == NULL || !cbor_isa_map(map))
		return perr(path, "must be a map (%s)", what);
	pairs = cbor_map_handle(map);
	for (size_t i = 0; i < cbor_map_size(map); i++) {
		const cbor_item_t *key = pairs[i].key;
		size_t k;

		if (cbor_isa_string(key)) {
			char *s = NULL;

			if (kansa_cbor__get_text(&s, key) < 0)
				return perr(path, "a map key is not valid text");
			for (k = 0; k < n; k++)
				if (defs[k].label == 0 && strcmp(defs[k].name, s) == 0)
					break;
			if (k == n) {
				int e = perr(path, "unknown key \"%.64s\" in a %s", s, what);

				free(s);
				return e;
			}
			free(s);
		} else if (cbor_is_int(key)) {
			int64_t label;

			if (kansa_cbor__get_int(&label, key) < 0)
				return perr(path, "unknown integer key in a %s", what);
			for (k = 0; k < n; k++)
				if (defs[k].label != 0 && defs[k].label == label)
					break;
			if (k == n)
				return perr(path, "unknown key %lld in a %s", (long long)label, what);
		} else {
			return perr(path, "a map key is neither text nor an integer");
		}
		vals[k] = pairs[i].value;
	}
	for (size_t k = 0; k < n; k++) {
		if (defs[k].required && vals[k] == NULL) {
			subpath(pk, path, defs[k].name);
			return perr(pk, "required");
		}
	}
	return 0;
}

static int decode(cbor_item_t **root, const uint8_t *in, size_t len, const char *what)
{
	int error;

	if (in == NULL)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_DOCUMENT, "no %s given", what);
	if ((error = kansa_cbor__decode(root, in, len)) < 0)
		return error;
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Policy                                                                  */
/* ---------------------------------------------------------------------- */

static void dispose_members(kansa_member *m, size_t n)
{
	for (size_t i = 0; m != NULL && i < n; i++) {
		free(m[i].name);
		kansa_key_free(m[i].key);
	}
	free(m);
}

void kansa_policy_doc__dispose(kansa_policy_doc *p)
{
	if (p == NULL)
		return;
	free(p->commission);
	dispose_members(p->members, p->n_members);
	free_list(p->fields, p->n_fields);
	free_list(p->forbidden_fields, p->n_forbidden_fields);
	free_list(p->ops, p->n_ops);
	memset(p, 0, sizeof(*p));
}

static int parse_members(kansa_policy_doc *p, const cbor_item_t *v)
{
	static const keydef defs[] = { { "name", 0, true }, { "public_key", 0, true } };
	cbor_item_t *vals[2];
	char pm[128], pk[128];
	size_t n;
	int error;

	if (!cbor_isa_array(v))
		return perr("members", "must be an array");
	n = cbor_array_size(v);
	if (n == 0)
		return perr("members", "must not be empty");
	if (n > KANSA_MAX_MEMBERS)
		return plimit("members", KANSA_MAX_MEMBERS);
	if ((p->members = calloc(n, sizeof(*p->members))) == NULL)
		return nomem();
	for (size_t i = 0; i < n; i++) {
		kansa_member *m = &p->members[i];
		const uint8_t *raw;
		size_t rlen;

		p->n_members = i + 1;
		indexpath(pm, "members", i);
		subpath(pk, pm, "name");
		if ((error = walk(vals, cbor_array_handle(v)[i], defs, 2, pm, "member")) < 0 ||
		    (error = get_text(&m->name, vals[0], pk, TEXT_NAME)) < 0)
			return error;
		subpath(pk, pm, "public_key");
		if (kansa_cbor__get_bytes(&raw, &rlen, vals[1]) < 0 || rlen != KANSA_PUBKEY_LEN)
			return perr(pk, "must be the 32-byte raw Ed25519 public key");
		if (kansa_key_from_public(&m->key, raw) < 0)
			return kansa_error_prefix("%s", pk);
		kansa_key_kid(m->kid, m->key);
		/* REQ: POLICY-MEMBERS distinct names and distinct keys */
		for (size_t k = 0; k < i; k++) {
			uint8_t a[KANSA_PUBKEY_LEN], b[KANSA_PUBKEY_LEN];

			if (strcmp(p->members[k].name, m->name) == 0)
				return perr(pm, "member name \"%s\" is listed twice", m->name);
			kansa_key_public_raw(a, p->members[k].key);
			kansa_key_public_raw(b, m->key);
			if (kansa_ct_equal(a, b, sizeof(a)) || kansa_ct_equal(p->members[k].kid, m->kid, KANSA_KID_LEN))
				return perr(pm, "same public key (kid) as members[%zu]", k);
		}
	}
	return 0;
}

/* {"metadata-query": s, "neutralize": s}: positive seconds per warrant action. */
static int parse_per_action(int64_t out[2], const cbor_item_t *v, const char *path)
{
	static const keydef defs[] = { { "metadata-query", 0, false }, { "neutralize", 0, false } };
	cbor_item_t *vals[2];
	char pk[128];
	int error;

	if ((error = walk(vals, v, defs, 2, path, "map of actions")) < 0)
		return error;
	if (cbor_map_size(v) == 0)
		return perr(path, "empty (leave it out instead)");
	for (size_t i = 0; i < 2; i++) {
		uint64_t s;

		if (vals[i] == NULL)
			continue;
		subpath(pk, path, defs[i].name);
		if ((error = get_uint(&s, vals[i], pk)) < 0)
			return error;
		if (s == 0 || s > (uint64_t)INT64_MAX)
			return perr(pk, "must be a positive number of seconds");
		out[i] = (int64_t)s;
	}
	return 0;
}

int kansa_policy_doc__parse(kansa_policy_doc *p, const uint8_t *in, size_t len)
{
	enum { P_COMMISSION, P_VERSION, P_MEMBERS, P_QUORUM, P_MAX_VALIDITY, P_FIELDS, P_FORBIDDEN,
		P_OPS, P_MAX_TARGETS, P_EMERGENCY, P_NKEYS };
	static const keydef defs[P_NKEYS] = {
		[P_COMMISSION] = { "commission", 0, true }, [P_VERSION] = { "version", 0, true },
		[P_MEMBERS] = { "members", 0, true }, [P_QUORUM] = { "quorum", 0, true },
		[P_MAX_VALIDITY] = { "max_validity", 0, false }, [P_FIELDS] = { "fields", 0, true },
		[P_FORBIDDEN] = { "forbidden_fields", 0, true }, [P_OPS] = { "ops", 0, true },
		[P_MAX_TARGETS] = { "max_targets", 0, false }, [P_EMERGENCY] = { "emergency", 0, false },
	};
	static const keydef qdefs[KANSA_ACT_COUNT] = {
		{ "metadata-query", 0, true }, { "neutralize", 0, true },
		{ "revoke", 0, true }, { "policy", 0, true },
	};
	cbor_item_t *root = NULL, *vals[P_NKEYS], *q[KANSA_ACT_COUNT];
	char pk[128];
	int error;

	memset(p, 0, sizeof(*p));
	if ((error = decode(&root, in, len, "policy")) < 0)
		return error;
	if ((error = walk(vals, root, defs, P_NKEYS, "", "policy")) < 0 ||
	    (error = get_text(&p->commission, vals[P_COMMISSION], "commission", TEXT_ID)) < 0 ||
	    (error = get_uint(&p->version, vals[P_VERSION], "version")) < 0)
		goto out;
	if (p->version == 0) {
		error = perr("version", "must be at least 1");
		goto out;
	}
	if ((error = parse_members(p, vals[P_MEMBERS])) < 0 ||
	    (error = walk(q, vals[P_QUORUM], qdefs, KANSA_ACT_COUNT, "quorum", "quorum map")) < 0)
		goto out;
	for (int a = 0; a < KANSA_ACT_COUNT; a++) {
		subpath(pk, "quorum", qdefs[a].name);
		if ((error = get_uint(&p->quorum[a], q[a], pk)) < 0)
			goto out;
		/* REQ: POLICY-P_QUORUM 1 <= quorum <= members, for every action */
		if (p->quorum[a] < 1 || p->quorum[a] > p->n_members) {
			error = perr(pk, "must be at least 1 and at most the number of members (%zu)",
			    p->n_members);
			goto out;
		}
	}
	if (vals[P_MAX_VALIDITY] != NULL &&
	    (error = parse_per_action(p->max_validity, vals[P_MAX_VALIDITY], "max_validity")) < 0)
		goto out;
	if (vals[P_EMERGENCY] != NULL &&
	    (error = parse_per_action(p->emergency, vals[P_EMERGENCY], "emergency")) < 0)
		goto out;
	if ((error = get_names(&p->fields, &p->n_fields, vals[P_FIELDS], "fields", KANSA_MAX_VOCABULARY, true)) < 0 ||
	    (error = get_names(&p->forbidden_fields, &p->n_forbidden_fields, vals[P_FORBIDDEN],
		"forbidden_fields", KANSA_MAX_VOCABULARY, true)) < 0 ||
	    (error = get_names(&p->ops, &p->n_ops, vals[P_OPS], "ops", KANSA_MAX_VOCABULARY, true)) < 0)
		goto out;
	/* REQ: POLICY-P_FIELDS a content field can never also be a metadata field */
	for (size_t i = 0; i < p->n_forbidden_fields; i++) {
		for (size_t k = 0; k < p->n_fields; k++) {
			if (strcmp(p->forbidden_fields[i], p->fields[k]) == 0) {
				indexpath(pk, "forbidden_fields", i);
				error = perr(pk, "\"%s\" is also in fields", p->fields[k]);
				goto out;
			}
		}
	}
	p->max_targets = 256;
	if (vals[P_MAX_TARGETS] != NULL) {
		if ((error = get_uint(&p->max_targets, vals[P_MAX_TARGETS], "max_targets")) < 0)
			goto out;
		if (p->max_targets < 1 || p->max_targets > KANSA_MAX_REQUEST_TARGETS) {
			error = perr("max_targets", "must be at least 1 and at most %d",
			    KANSA_MAX_REQUEST_TARGETS);
			goto out;
		}
	}
out:
	if (root != NULL)
		cbor_decref(&root);
	if (error < 0)
		kansa_policy_doc__dispose(p);
	return error;
}

const kansa_member *kansa_policy_doc__member_by_kid(const kansa_policy_doc *policy,
    const uint8_t kid[KANSA_KID_LEN])
{
	const kansa_member *found = NULL;

	/* every member is compared, in constant time (style §5) */
	for (size_t i = 0; policy != NULL && i < policy->n_members; i++)
		if (kansa_ct_equal(policy->members[i].kid, kid, KANSA_KID_LEN) && found == NULL)
			found = &policy->members[i];
	return found;
}

/* ---------------------------------------------------------------------- */
/* Warrant                                                                 */
/* ---------------------------------------------------------------------- */

void kansa_warrant_doc__dispose(kansa_warrant_doc *w)
{
	if (w == NULL)
		return;
	free(w->commission);
	free(w->subject);
	free(w->case_id);
	free(w->basis);
	free(w->targets);
	free_list(w->fields, w->n_fields);
	free(w->hosts);
	free_list(w->ops, w->n_ops);
	memset(w, 0, sizeof(*w));
}

static int parse_action(int *out, const cbor_item_t *v, const char *path)
{
	char *s = NULL;

	*out = -1;
	if (kansa_cbor__get_text(&s, v) < 0)
		return perr(path, "must be a text string");
	*out = kansa_action__from_name(s);
	if (*out != KANSA_ACT_METADATA_QUERY && *out != KANSA_ACT_NEUTRALIZE) {
		int e = perr(path, "\"%.64s\" is not metadata-query or neutralize", s);

		free(s);
		*out = -1;
		return e;
	}
	free(s);
	return 0;
}

static int parse_scope(kansa_warrant_doc *w, const cbor_item_t *v)
{
	static const keydef mq[] = { { "targets", 0, true }, { "fields", 0, true }, { "window", 0, true } };
	static const keydef nz[] = { { "hosts", 0, true }, { "ops", 0, true } };
	cbor_item_t *vals[3];
	int error;

	if (w->action == KANSA_ACT_METADATA_QUERY) {
		if ((error = walk(vals, v, mq, 3, "scope", "metadata-query scope")) < 0 ||
		    (error = get_prefixes(&w->targets, &w->n_targets, vals[0], "scope.targets",
			KANSA_MAX_SCOPE_ITEMS, false)) < 0 ||
		    (error = get_names(&w->fields, &w->n_fields, vals[1], "scope.fields",
			KANSA_MAX_VOCABULARY, false)) < 0 ||
		    (error = get_window(w->window, vals[2], "scope.window")) < 0)
			return error;
		if (w->window[1] < w->window[0])
			return perr("scope.window", "ends before it starts");
		return 0;
	}
	if ((error = walk(vals, v, nz, 2, "scope", "neutralize scope")) < 0 ||
	    (error = get_prefixes(&w->hosts, &w->n_hosts, vals[0], "scope.hosts",
		KANSA_MAX_SCOPE_ITEMS, true)) < 0)
		return error;
	return get_names(&w->ops, &w->n_ops, vals[1], "scope.ops", KANSA_MAX_VOCABULARY, false);
}

int kansa_warrant_doc__parse(kansa_warrant_doc *w, const uint8_t *in, size_t len)
{
	enum { ISS, SUB, EXP, NBF, IAT, CTI, ACTION, CASE, BASIS, MAX_USES, SCOPE, NKEYS };
	/* REQ: WARRANT-CWT claims under their RFC 8392 integer keys */
	static const keydef defs[NKEYS] = {
		[ISS] = { "commission", 1, true }, [SUB] = { "subject", 2, true },
		[EXP] = { "expires", 4, true }, [NBF] = { "not_before", 5, true },
		[IAT] = { "issued_at", 6, true }, [CTI] = { "cti", 7, true },
		[ACTION] = { "action", 0, true }, [CASE] = { "case", 0, true },
		[BASIS] = { "basis", 0, false }, [MAX_USES] = { "max_uses", 0, false },
		[SCOPE] = { "scope", 0, true },
	};
	cbor_item_t *root = NULL, *vals[NKEYS];
	const uint8_t *cti;
	size_t cti_len;
	int error;

	memset(w, 0, sizeof(*w));
	w->action = -1;
	if ((error = decode(&root, in, len, "warrant")) < 0)
		return error;
	if ((error = walk(vals, root, defs, NKEYS, "", "warrant")) < 0 ||
	    (error = get_text(&w->commission, vals[ISS], "commission", TEXT_ID)) < 0 ||
	    (error = get_text(&w->subject, vals[SUB], "subject", TEXT_ID)) < 0 ||
	    (error = get_time(&w->expires, vals[EXP], "expires")) < 0 ||
	    (error = get_time(&w->not_before, vals[NBF], "not_before")) < 0 ||
	    (error = get_time(&w->issued_at, vals[IAT], "issued_at")) < 0 ||
	    (error = parse_action(&w->action, vals[ACTION], "action")) < 0 ||
	    (error = get_text(&w->case_id, vals[CASE], "case", TEXT_ID)) < 0)
		goto out;
	if (kansa_cbor__get_bytes(&cti, &cti_len, vals[CTI]) < 0 || cti_len != sizeof(w->cti)) {
		error = perr("cti", "must be 16 bytes");
		goto out;
	}
	memcpy(w->cti, cti, sizeof(w->cti));
	/* REQ: WARRANT-VALIDITY expires after not_before */
	if (w->expires < w->not_before) {
		error = perr("expires", "before not_before");
		goto out;
	}
	if (w->expires == w->not_before) {
		error = perr("expires", "equal to not_before (a warrant is valid for some time)");
		goto out;
	}
	if (vals[BASIS] != NULL && (error = get_text(&w->basis, vals[BASIS], "basis", TEXT_FREE)) < 0)
		goto out;
	if (vals[MAX_USES] != NULL) {
		if ((error = get_uint(&w->max_uses, vals[MAX_USES], "max_uses")) < 0)
			goto out;
		if (w->max_uses == 0) {
			error = perr("max_uses", "must be at least 1 (left out: no limit)");
			goto out;
		}
	}
	error = parse_scope(w, vals[SCOPE]);
out:
	if (root != NULL)
		cbor_decref(&root);
	if (error < 0) {
		kansa_warrant_doc__dispose(w);
		w->action = -1;
	}
	return error;
}

/* ---------------------------------------------------------------------- */
/* Revocation and ratification                                             */
/* ---------------------------------------------------------------------- */

void kansa_revocation_doc__dispose(kansa_revocation_doc *r)
{
	if (r == NULL)
		return;
	free(r->commission);
	free(r->reason);
	memset(r, 0, sizeof(*r));
}

static int get_fixed_bytes(uint8_t *out, size_t n, const cbor_item_t *v, const char *path)
{
	const uint8_t *p;
	size_t len;

	if (kansa_cbor__get_bytes(&p, &len, v) < 0 || len != n)
		return perr(path, "must be %zu bytes", n);
	memcpy(out, p, n);
	return 0;
}

int kansa_revocation_doc__parse(kansa_revocation_doc *r, const uint8_t *in, size_t len)
{
	static const keydef defs[] = { { "commission", 0, true }, { "warrant", 0, true },
		{ "reason", 0, true } };
	cbor_item_t *root = NULL, *vals[3];
	int error;

	memset(r, 0, sizeof(*r));
	if ((error = decode(&root, in, len, "revocation")) < 0)
		return error;
	if ((error = walk(vals, root, defs, 3, "", "revocation")) == 0 &&
	    (error = get_text(&r->commission, vals[0], "commission", TEXT_ID)) == 0 &&
	    (error = get_fixed_bytes(r->warrant_cti, sizeof(r->warrant_cti), vals[1], "warrant")) == 0)
		error = get_text(&r->reason, vals[2], "reason", TEXT_FREE);
	cbor_decref(&root);
	if (error < 0)
		kansa_revocation_doc__dispose(r);
	return error;
}

void kansa_ratification_doc__dispose(kansa_ratification_doc *r)
{
	if (r == NULL)
		return;
	free(r->commission);
	free(r->reason);
	memset(r, 0, sizeof(*r));
}

int kansa_ratification_doc__parse(kansa_ratification_doc *r, const uint8_t *in, size_t len)
{
	static const keydef defs[] = { { "commission", 0, true }, { "entry", 0, true },
		{ "approved", 0, true }, { "reason", 0, true } };
	cbor_item_t *root = NULL, *vals[4];
	int error;

	memset(r, 0, sizeof(*r));
	if ((error = decode(&root, in, len, "ratification")) < 0)
		return error;
	if ((error = walk(vals, root, defs, 4, "", "ratification")) == 0 &&
	    (error = get_text(&r->commission, vals[0], "commission", TEXT_ID)) == 0 &&
	    (error = get_fixed_bytes(r->entry, sizeof(r->entry), vals[1], "entry")) == 0) {
		if (kansa_cbor__get_bool(&r->approved, vals[2]) < 0)
			error = perr("approved", "must be true or false");
		else
			error = get_text(&r->reason, vals[3], "reason", TEXT_FREE);
	}
	cbor_decref(&root);
	if (error < 0)
		kansa_ratification_doc__dispose(r);
	return error;
}

/* ---------------------------------------------------------------------- */
/* Request                                                                 */
/* ---------------------------------------------------------------------- */

void kansa_request__dispose(kansa_request_doc *r)
{
	if (r == NULL)
		return;
	free(r->requester);
	free(r->officer);
	free(r->justification);
	free(r->targets);
	free_list(r->fields, r->n_fields);
	free(r->op);
	memset(r, 0, sizeof(*r));
}

int kansa_request__parse(kansa_request_doc *r, const uint8_t *in, size_t len)
{
	enum { REQUESTER, OFFICER, ACTION, JUSTIFICATION, EMERGENCY, TARGETS, FIELDS, WINDOW, HOST,
		OP, NKEYS };
	static const keydef defs[NKEYS] = {
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
	if ((error = decode(&root, in, len, "request")) < 0)
		return error;
	/* REQ: REQUEST-NAMED every act names its officer and justification */
	if ((error = walk(vals, root, defs, NKEYS, "", "request")) < 0 ||
	    (error = get_text(&r->requester, vals[REQUESTER], "requester", TEXT_ID)) < 0 ||
	    (error = get_text(&r->officer, vals[OFFICER], "officer", TEXT_ID)) < 0 ||
	    (error = get_text(&r->justification, vals[JUSTIFICATION], "justification", TEXT_FREE)) < 0 ||
	    (error = parse_action(&r->action, vals[ACTION], "action")) < 0)
		goto out;
	/* REQ: REQUEST-BLANK an officer or justification of only white space names no one and
	 * no reason (design §5 row 1) */
	if (kansa_text__is_blank(r->officer) || kansa_text__is_blank(r->justification)) {
		error = perr(kansa_text__is_blank(r->officer) ? "officer" : "justification",
		    "must not be only white space");
		goto out;
	}
	if (vals[EMERGENCY] != NULL && kansa_cbor__get_bool(&r->emergency, vals[EMERGENCY]) < 0) {
		error = perr("emergency", "must be true or false");
		goto out;
	}
	if (r->action == KANSA_ACT_METADATA_QUERY) {
		if (vals[HOST] != NULL || vals[OP] != NULL) {
			error = perr(vals[HOST] ? "host" : "op", "not allowed in a metadata-query request");
			goto out;
		}
		if (vals[TARGETS] == NULL || vals[FIELDS] == NULL || vals[WINDOW] == NULL) {
			error = perr(vals[TARGETS] == NULL ? "targets" : vals[FIELDS] == NULL ? "fields" : "window",
			    "required");
			goto out;
		}
		/* REQ: REQUEST-TARGETS the hard bound here; max_targets in the decision */
		if ((error = get_prefixes(&r->targets, &r->n_targets, vals[TARGETS], "targets",
			KANSA_MAX_REQUEST_TARGETS, false)) < 0 ||
		    (error = get_names(&r->fields, &r->n_fields, vals[FIELDS], "fields",
			KANSA_MAX_VOCABULARY, false)) < 0 ||
		    (error = get_window(r->window, vals[WINDOW], "window")) < 0)
			goto out;
		r->has_window = true;
	} else {
		if (vals[TARGETS] != NULL || vals[FIELDS] != NULL || vals[WINDOW] != NULL) {
			error = perr(vals[TARGETS] ? "targets" : vals[FIELDS] ? "fields" : "window",
			    "not allowed in a neutralize request");
			goto out;
		}
		if (vals[HOST] == NULL || vals[OP] == NULL) {
			error = perr(vals[HOST] == NULL ? "host" : "op", "required");
			goto out;
		}
		if (kansa_prefix__from_cbor(&r->host, vals[HOST], true) < 0) {
			error = kansa_error_prefix("host");
			goto out;
		}
		r->has_host = true;
		if ((error = get_text(&r->op, vals[OP], "op", TEXT_NAME)) < 0)
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

/* ---------------------------------------------------------------------- */
/* Signed documents                                                        */
/* ---------------------------------------------------------------------- */

static void dispose_payload(kansa_signed_doc *d)
{
	switch (d->kind) {
	case KANSA_KIND_POLICY: kansa_policy_doc__dispose(&d->u.policy); break;
	case KANSA_KIND_WARRANT: kansa_warrant_doc__dispose(&d->u.warrant); break;
	case KANSA_KIND_REVOCATION: kansa_revocation_doc__dispose(&d->u.revocation); break;
	case KANSA_KIND_RATIFICATION: kansa_ratification_doc__dispose(&d->u.ratification); break;
	}
}

void kansa_signed_doc__free(kansa_signed_doc *d)
{
	if (d == NULL)
		return;
	dispose_payload(d);
	kansa_cose__free(d->cose);
	free(d);
}

int kansa_signed_doc__parse(kansa_signed_doc **out, const uint8_t *in, size_t len, int expected_kind)
{
	kansa_signed_doc *d = NULL;
	const uint8_t *payload;
	size_t plen;
	int kind, error;

	*out = NULL;
	if (in == NULL)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_DOCUMENT, "no document given");
	if (len > KANSA_MAX_DOC_BYTES)
		return kansa_error_set(KANSA_ELIMIT, KANSA_ERRCLASS_DOCUMENT,
		    "document of %zu bytes exceeds the limit of %d", len, KANSA_MAX_DOC_BYTES);
	if ((d = calloc(1, sizeof(*d))) == NULL)
		return nomem();
	if ((error = kansa_cose__parse(&d->cose, in, len)) < 0)
		goto out;
	/* REQ: DOC-KIND the content type names the kind; a verifier refuses another */
	kind = kansa_doc_kind__from_content_type(kansa_cose__content_type(d->cose));
	if (kind == 0) {
		error = kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_DOCUMENT,
		    "unknown document content type \"%.80s\"", kansa_cose__content_type(d->cose));
		goto out;
	}
	if (expected_kind != 0 && kind != expected_kind) {
		error = kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_DOCUMENT,
		    "document is a %s, not a %s", kansa_doc_kind__name(kind),
		    kansa_doc_kind__name(expected_kind));
		goto out;
	}
	payload = kansa_cose__payload_unverified(d->cose, &plen);
	switch (kind) {
	case KANSA_KIND_POLICY: error = kansa_policy_doc__parse(&d->u.policy, payload, plen); break;
	case KANSA_KIND_WARRANT: error = kansa_warrant_doc__parse(&d->u.warrant, payload, plen); break;
	case KANSA_KIND_REVOCATION: error = kansa_revocation_doc__parse(&d->u.revocation, payload, plen); break;
	default: error = kansa_ratification_doc__parse(&d->u.ratification, payload, plen); break;
	}
	if (error < 0) {
		kansa_error_prefix("%s", kansa_doc_kind__name(kind));
		goto out;
	}
	d->kind = (kansa_signed_doc_kind)kind;
	if ((error = kansa_sha256(d->hash, in, len)) < 0)
		goto out;
	*out = d;
	d = NULL;
out:
	if (d != NULL) {
		kansa_cose__free(d->cose);
		free(d);
	}
	return error;
}

static const char *doc_commission(const kansa_signed_doc *d)
{
	switch (d->kind) {
	case KANSA_KIND_POLICY: return d->u.policy.commission;
	case KANSA_KIND_WARRANT: return d->u.warrant.commission;
	case KANSA_KIND_REVOCATION: return d->u.revocation.commission;
	default: return d->u.ratification.commission;
	}
}

int kansa_signed_doc__verify_signers(size_t *distinct_out, const kansa_signed_doc *d,
    const kansa_policy_doc *policy)
{
	bool seen[KANSA_MAX_MEMBERS];
	size_t n, distinct = 0;
	char kid[2 * KANSA_KID_LEN + 1];

	if (distinct_out != NULL)
		*distinct_out = 0;
	if (d == NULL || policy == NULL)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_DOCUMENT, "no document or no policy");
	memset(seen, 0, sizeof(seen));
	n = kansa_cose__signature_count(d->cose);
	for (size_t i = 0; i < n; i++) {
		const kansa_cose_signature *s = kansa_cose__signature(d->cose, i);
		const kansa_member *m = kansa_policy_doc__member_by_kid(policy, s->kid);
		size_t idx;

		/* REQ: DOC-SIGNERS a non-member kid invalidates the whole document */
		if (m == NULL) {
			kansa_hex_encode(kid, s->kid, KANSA_KID_LEN);
			return kansa_error_set(KANSA_EVERIFY, KANSA_ERRCLASS_DOCUMENT,
			    "signature %zu: kid %s is not a member of policy version %llu of %.64s", i + 1,
			    kid, (unsigned long long)policy->version, policy->commission);
		}
		/* REQ: DOC-SIGNERS any failing signature invalidates the whole document */
		if (kansa_cose__verify_signature(d->cose, i, m->key) < 0) {
			kansa_hex_encode(kid, s->kid, KANSA_KID_LEN);
			return kansa_error_set(KANSA_EVERIFY, KANSA_ERRCLASS_DOCUMENT,
			    "signature %zu (%s, kid %s) does not verify", i + 1, m->name, kid);
		}
		/* REQ: DOC-DISTINCT the same member twice counts once */
		idx = (size_t)(m - policy->members);
		if (!seen[idx]) {
			seen[idx] = true;
			distinct++;
		}
	}
	if (distinct_out != NULL)
		*distinct_out = distinct;
	return 0;
}

static int no_quorum(size_t have, uint64_t need, const char *what)
{
	return kansa_error_set(KANSA_EVERIFY, KANSA_ERRCLASS_DOCUMENT,
	    "no quorum: %zu of %llu required signatures (%s)", have, (unsigned long long)need, what);
}

int kansa_policy_doc__verify_next(size_t *have_out, size_t *need_out,
    const kansa_signed_doc *next, const kansa_policy_doc *prev)
{
	const kansa_policy_doc *np, *signers_of;
	size_t have = 0;
	uint64_t need;
	int error;

	if (have_out != NULL)
		*have_out = 0;
	if (need_out != NULL)
		*need_out = 0;
	if (next == NULL || next->kind != KANSA_KIND_POLICY)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_DOCUMENT, "not a policy document");
	np = &next->u.policy;
	if (prev == NULL) {
		/* REQ: POLICY-V1 version 1 is signed by its own policy quorum */
		if (np->version != 1)
			return kansa_error_set(KANSA_EVERIFY, KANSA_ERRCLASS_DOCUMENT,
			    "policy version %llu can only be verified after version %llu",
			    (unsigned long long)np->version, (unsigned long long)(np->version - 1));
		signers_of = np;
	} else {
		/* REQ: POLICY-NEXT same commission, version n+1, the policy quorum of n */
		if (strcmp(np->commission, prev->commission) != 0)
			return kansa_error_set(KANSA_EVERIFY, KANSA_ERRCLASS_DOCUMENT,
			    "wrong commission: the new policy is for '%.64s', the policy in force for '%.64s'",
			    np->commission, prev->commission);
		if (prev->version == UINT64_MAX || np->version != prev->version + 1)
			return kansa_error_set(KANSA_EVERIFY, KANSA_ERRCLASS_DOCUMENT,
			    "policy version %llu does not follow version %llu (expected %llu)",
			    (unsigned long long)np->version, (unsigned long long)prev->version,
			    (unsigned long long)(prev->version + 1));
		signers_of = prev;
	}
	need = signers_of->quorum[KANSA_ACT_POLICY];
	if (need_out != NULL)
		*need_out = (size_t)need;
	if ((error = kansa_signed_doc__verify_signers(&have, next, signers_of)) < 0)
		return error;
	if (have_out != NULL)
		*have_out = have;
	if (have < need || have == 0)
		return no_quorum(have, need, prev == NULL ? "policy, by its own members" :
		    "policy, by the members of the previous version");
	return 0;
}

int kansa_signed_doc__verify_quorum(size_t *have_out, size_t *need_out,
    const kansa_signed_doc *d, const kansa_policy_doc *policy)
{
	const char *commission;
	size_t have = 0;
	uint64_t need;
	int action, error;

	if (have_out != NULL)
		*have_out = 0;
	if (need_out != NULL)
		*need_out = 0;
	if (d == NULL)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_DOCUMENT, "no document");
	if (d->kind == KANSA_KIND_POLICY)
		return kansa_policy_doc__verify_next(have_out, need_out, d, policy);
	if (policy == NULL)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_DOCUMENT, "no policy");
	action = d->kind == KANSA_KIND_WARRANT ? d->u.warrant.action : KANSA_ACT_REVOKE;
	if (action < 0 || action >= KANSA_ACT_COUNT)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_DOCUMENT, "bad action");
	need = policy->quorum[action];
	if (need_out != NULL)
		*need_out = (size_t)need;
	/* design §5 order: signatures, commission, quorum */
	if ((error = kansa_signed_doc__verify_signers(&have, d, policy)) < 0)
		return error;
	if (have_out != NULL)
		*have_out = have;
	commission = doc_commission(d);
	if (strcmp(commission, policy->commission) != 0)
		return kansa_error_set(KANSA_EVERIFY, KANSA_ERRCLASS_DOCUMENT,
		    "wrong commission: the %s is from '%.64s', the policy is '%.64s'",
		    kansa_doc_kind__name(d->kind), commission, policy->commission);
	/* REQ: DOC-QUORUM distinct members, at least the action's quorum */
	if (have < need || have == 0)
		return no_quorum(have, need, kansa_action__name(action));
	return 0;
}

int kansa_warrant_doc__check_validity(const kansa_warrant_doc *w, const kansa_policy_doc *policy,
    int64_t now)
{
	char a[32], b[32];

	/* REQ: WARRANT-VALIDITY not_before <= now < expires */
	if (now < w->not_before) {
		kansa_time__format(a, w->not_before);
		kansa_duration__format(b, w->not_before - now);
		return kansa_error_set(KANSA_EEXPIRED, KANSA_ERRCLASS_DOCUMENT,
		    "not yet valid: valid from %s (in %s)", a, b);
	}
	if (now >= w->expires) {
		kansa_time__format(a, w->expires);
		return kansa_error_set(KANSA_EEXPIRED, KANSA_ERRCLASS_DOCUMENT, "expired at %s", a);
	}
	/* REQ: WARRANT-MAXVALIDITY expires - not_before <= max_validity */
	if (policy != NULL && w->action >= 0 && w->action <= KANSA_ACT_NEUTRALIZE &&
	    policy->max_validity[w->action] > 0 &&
	    w->expires - w->not_before > policy->max_validity[w->action]) {
		kansa_duration__format(a, w->expires - w->not_before);
		kansa_duration__format(b, policy->max_validity[w->action]);
		return kansa_error_set(KANSA_EVERIFY, KANSA_ERRCLASS_DOCUMENT,
		    "validity too long: valid for %s, the policy allows at most %s for %s", a, b,
		    kansa_action__name(w->action));
	}
	return 0;
}
