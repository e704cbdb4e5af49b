/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The JSON form of documents (design §4, docs/documents.md) -> canonical
 * CBOR payloads: policy, warrant, revocation, ratification, and requests.
 *
 * This file converts: it checks every JSON key and type (through the value
 * readers of doc_json.h), resolves times ("now", "+30d", RFC 3339) against
 * the caller's now, reads member key files (only under the caller's
 * base_dir), draws the warrant's cti, and encodes. The rules on values
 * (quorum bounds, duplicate members, expires after not_before, ...) live in
 * one place, the strict CBOR parsers of doc_payload.c and doc_request.c,
 * and every payload built here is parsed back by them before it is
 * returned, so that a draft can never hold what a verifier would refuse.
 *
 * This file must never read a file the caller did not allow (base_dir NULL
 * means PEM text only), and never accept a JSON key it does not know.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keys/keys.h"
#include "policy/doc_json.h"

/* {"metadata-query": d, "neutralize": d} -> CBOR map of seconds; NULL when
 * the JSON object is absent or empty (the key is then left out). */
static int per_action_durations(cbor_item_t **out, const json_t *obj, const char *key,
    const char *path)
{
	static const char *const allowed[] = { "metadata-query", "neutralize", NULL };
	char p[128], pa[128];
	json_t *v = json_object_get(obj, key);
	cbor_item_t *map;
	int error;

	*out = NULL;
	kansa_field__subpath(p, path, key);
	if (v == NULL)
		return 0;
	if (!json_is_object(v))
		return kansa_json__error(p, "must be an object like {\"metadata-query\": \"90d\", \"neutralize\": \"7d\"}");
	if ((error = kansa_json__check_keys(v, p, allowed)) < 0)
		return error;
	if (json_object_size(v) == 0)
		return 0;
	if ((map = kansa_cbor__map()) == NULL)
		return KANSA_ENOMEM;
	for (size_t i = 0; allowed[i] != NULL; i++) {
		json_t *d = json_object_get(v, allowed[i]);
		int64_t secs;

		if (d == NULL)
			continue;
		kansa_field__subpath(pa, p, allowed[i]);
		if ((error = kansa_json__duration(&secs, d, pa)) < 0 ||
		    (error = kansa_json__put(map, allowed[i], kansa_cbor__int(secs))) < 0) {
			cbor_decref(&map);
			return error;
		}
	}
	*out = map;
	return 0;
}

/* A member's public key: PEM text, or a file under base_dir. */
static int member_key(uint8_t pub[KANSA_PUBKEY_LEN], const char *spec, const char *base_dir,
    const char *p)
{
	kansa_key *key = NULL;
	uint8_t *pem = NULL;
	size_t pem_len = 0;
	char *path = NULL;
	int error;

	if (strstr(spec, "-----BEGIN") != NULL) {
		error = kansa_key_parse_pem(&key, spec, strlen(spec), NULL);
	} else {
		size_t n;

		if (base_dir == NULL)
			return kansa_json__error(p, "a key file, but key files are not allowed here (give the PEM text)");
		if (spec[0] == '\0')
			return kansa_json__error(p, "must be a PEM file name or PEM text");
		n = strlen(base_dir) + strlen(spec) + 2;
		if ((path = malloc(n)) == NULL)
			return kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
		if (spec[0] == '/')
			snprintf(path, n, "%s", spec);
		else
			snprintf(path, n, "%s/%s", base_dir, spec);
		error = kansa_file_read(&pem, &pem_len, path, KANSA_MAX_PEM_BYTES, 0);
		if (error == 0)
			error = kansa_key_parse_pem(&key, (const char *)pem, pem_len, NULL);
	}
	if (error == KANSA_EKEY)
		error = kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_DOCUMENT,
		    "an encrypted private key; give the member's public key (FILE.pub)");
	if (error == 0 && kansa_key_is_private(key))
		error = kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_DOCUMENT,
		    "a private key; give the member's public key (FILE.pub)");
	if (error == 0)
		kansa_key_public_raw(pub, key);
	else
		kansa_error_prefix("%s", p);
	kansa_key_free(key);
	free(pem);
	free(path);
	return error;
}

/* "units": [{"name", "actions": [...]}] (design §10), left out when absent;
 * the values' rules (known actions, distinct names) are the CBOR parser's. */
static int units_from_json(cbor_item_t *m, const json_t *j)
{
	static const char *const unit_keys[] = { "name", "actions", NULL };
	json_t *v = json_object_get(j, "units"), *e;
	cbor_item_t *arr, *um;
	char p[128];
	size_t i;
	int error;

	if (v == NULL)
		return 0;
	if (!json_is_array(v))
		return kansa_json__error("units", "must be an array of {\"name\", \"actions\"}");
	if (json_array_size(v) > KANSA_MAX_UNITS)
		return kansa_error_set(KANSA_ELIMIT, KANSA_ERRCLASS_DOCUMENT,
		    "units: more than %d units", KANSA_MAX_UNITS);
	if ((arr = kansa_cbor__array()) == NULL)
		return KANSA_ENOMEM;
	json_array_foreach(v, i, e) {
		kansa_field__indexpath(p, "units", i);
		if (!json_is_object(e)) {
			error = kansa_json__error(p, "must be an object {\"name\", \"actions\"}");
			goto fail;
		}
		if ((error = kansa_json__check_keys(e, p, unit_keys)) < 0)
			goto fail;
		if ((um = kansa_cbor__map()) == NULL) {
			error = KANSA_ENOMEM;
			goto fail;
		}
		if ((error = kansa_json__put_text(um, "name", e, p, true)) < 0 ||
		    (error = kansa_json__put_texts(um, "actions", e, p, 2)) < 0) {
			cbor_decref(&um);
			goto fail;
		}
		if ((error = kansa_cbor__array_push(arr, um)) < 0)
			goto fail;
	}
	return kansa_json__put(m, "units", arr);
fail:
	cbor_decref(&arr);
	return error;
}

int kansa_policy_doc__from_json(cbor_item_t *m, const json_t *j, const char *base_dir, int64_t now)
{
	static const char *const keys[] = { "commission", "version", "members", "quorum",
		"max_validity", "fields", "forbidden_fields", "ops", "max_targets", "emergency",
		"origin", "witnesses", "witness_quorum", "receipt_ttl", "units", "retention", NULL };
	static const char *const member_keys[] = { "name", "public_key", NULL };
	static const char *const quorum_keys[] = { "metadata-query", "neutralize", "revoke",
		"policy", NULL };
	char p[128], pk[128];
	json_t *v = NULL, *e;
	cbor_item_t *arr = NULL, *sub = NULL;
	uint64_t u;
	size_t i;
	int error;

	(void)now;
	if ((error = kansa_json__check_keys(j, "", keys)) < 0 ||
	    (error = kansa_json__put_text(m, "commission", j, "", true)) < 0 ||
	    (error = kansa_json__need(&v, j, "", "version")) < 0)
		return error;
	if (!json_is_integer(v) || json_integer_value(v) < 1)
		return kansa_json__error("version", "must be a positive integer");
	if ((error = kansa_json__put(m, "version", kansa_cbor__uint((uint64_t)json_integer_value(v)))) < 0)
		return error;

	/* members */
	if ((error = kansa_json__need(&v, j, "", "members")) < 0)
		return error;
	if (!json_is_array(v) || json_array_size(v) == 0)
		return kansa_json__error("members", "must be a non-empty array of {\"name\", \"public_key\"}");
	if (json_array_size(v) > KANSA_MAX_MEMBERS)
		return kansa_error_set(KANSA_ELIMIT, KANSA_ERRCLASS_DOCUMENT,
		    "members: more than %d members", KANSA_MAX_MEMBERS);
	if ((arr = kansa_cbor__array()) == NULL)
		return KANSA_ENOMEM;
	json_array_foreach(v, i, e) {
		uint8_t pub[KANSA_PUBKEY_LEN];
		json_t *pkv;
		cbor_item_t *mm;

		kansa_field__indexpath(p, "members", i);
		if (!json_is_object(e)) {
			error = kansa_json__error(p, "must be an object {\"name\", \"public_key\"}");
			goto fail;
		}
		if ((error = kansa_json__check_keys(e, p, member_keys)) < 0 ||
		    (error = kansa_json__need(&pkv, e, p, "public_key")) < 0)
			goto fail;
		kansa_field__subpath(pk, p, "public_key");
		if (!json_is_string(pkv)) {
			error = kansa_json__error(pk, "must be a PEM file name or PEM text");
			goto fail;
		}
		if ((error = member_key(pub, json_string_value(pkv), base_dir, pk)) < 0)
			goto fail;
		if ((mm = kansa_cbor__map()) == NULL) {
			error = KANSA_ENOMEM;
			goto fail;
		}
		if ((error = kansa_json__put_text(mm, "name", e, p, true)) < 0 ||
		    (error = kansa_json__put(mm, "public_key", kansa_cbor__bytes(pub, sizeof(pub)))) < 0) {
			cbor_decref(&mm);
			goto fail;
		}
		if ((error = kansa_cbor__array_push(arr, mm)) < 0)
			goto fail;
	}
	error = kansa_json__put(m, "members", arr);
	arr = NULL;
	if (error < 0)
		return error;

	/* quorum: every action named */
	if ((error = kansa_json__need(&v, j, "", "quorum")) < 0)
		return error;
	if (!json_is_object(v))
		return kansa_json__error("quorum", "must be an object {\"metadata-query\", \"neutralize\", \"revoke\", \"policy\"}");
	if ((error = kansa_json__check_keys(v, "quorum", quorum_keys)) < 0)
		return error;
	if ((sub = kansa_cbor__map()) == NULL)
		return KANSA_ENOMEM;
	for (i = 0; quorum_keys[i] != NULL; i++) {
		if ((error = kansa_json__need(&e, v, "quorum", quorum_keys[i])) < 0)
			goto fail;
		kansa_field__subpath(p, "quorum", quorum_keys[i]);
		if ((error = kansa_json__uint(&u, e, p)) < 0 ||
		    (error = kansa_json__put(sub, quorum_keys[i], kansa_cbor__uint(u))) < 0)
			goto fail;
	}
	error = kansa_json__put(m, "quorum", sub);
	sub = NULL;
	if (error < 0)
		return error;

	if ((error = per_action_durations(&sub, j, "max_validity", "")) < 0)
		return error;
	if (sub != NULL) {
		error = kansa_json__put(m, "max_validity", sub);
		sub = NULL;
		if (error < 0)
			return error;
	}
	if ((error = per_action_durations(&sub, j, "retention", "")) < 0)
		return error;
	if (sub != NULL) {
		error = kansa_json__put(m, "retention", sub);
		sub = NULL;
		if (error < 0)
			return error;
	}
	if ((error = kansa_policy_doc__emergency_from_json(m, j)) < 0)
		return error;
	if ((error = kansa_json__put_texts(m, "fields", j, "", KANSA_MAX_VOCABULARY)) < 0 ||
	    (error = kansa_json__put_texts(m, "forbidden_fields", j, "", KANSA_MAX_VOCABULARY)) < 0 ||
	    (error = kansa_json__put_texts(m, "ops", j, "", KANSA_MAX_VOCABULARY)) < 0 ||
	    (error = kansa_policy_doc__witnesses_from_json(m, j)) < 0 ||
	    (error = units_from_json(m, j)) < 0)
		return error;
	/* receipt_ttl: a duration ("5m"), written only when given */
	if ((v = json_object_get(j, "receipt_ttl")) != NULL) {
		int64_t ttl = 0;

		if ((error = kansa_json__duration(&ttl, v, "receipt_ttl")) < 0 ||
		    (error = kansa_json__put(m, "receipt_ttl", kansa_cbor__uint((uint64_t)ttl))) < 0)
			return error;
	}
	/* max_targets: written always (default 256), so a reader never guesses */
	u = 256;
	if ((v = json_object_get(j, "max_targets")) != NULL && (error = kansa_json__uint(&u, v, "max_targets")) < 0)
		return error;
	return kansa_json__put(m, "max_targets", kansa_cbor__uint(u));
fail:
	if (arr != NULL)
		cbor_decref(&arr);
	if (sub != NULL)
		cbor_decref(&sub);
	return error;
}

int kansa_warrant_doc__from_json(cbor_item_t *m, const json_t *j, const char *base_dir, int64_t now)
{
	static const char *const keys[] = { "commission", "subject", "action", "case", "basis",
		"not_before", "expires", "max_uses", "scope", NULL };
	static const char *const mq_keys[] = { "targets", "fields", "window", NULL };
	static const char *const nz_keys[] = { "hosts", "ops", NULL };
	json_t *v = NULL, *s = NULL, *e = NULL;
	cbor_item_t *scope = NULL, *item = NULL;
	uint8_t cti[16];
	int64_t nbf, exp;
	int action, error;

	(void)base_dir;
	if ((error = kansa_json__check_keys(j, "", keys)) < 0 ||
	    (error = kansa_json__need(&v, j, "", "action")) < 0)
		return error;
	action = json_is_string(v) ? kansa_action__from_name(json_string_value(v)) : -1;
	if (action != KANSA_ACT_METADATA_QUERY && action != KANSA_ACT_NEUTRALIZE)
		return kansa_json__error("action", "must be \"metadata-query\" or \"neutralize\"");
	if ((error = kansa_json__put(m, "action", kansa_cbor__text(kansa_action__name(action)))) < 0)
		return error;
	if ((error = kansa_json__need(&v, j, "", "commission")) < 0)
		return error;
	if (!json_is_string(v))
		return kansa_json__error("commission", "must be a string");
	if ((error = kansa_cbor__map_put_int(m, 1, kansa_cbor__text(json_string_value(v)))) < 0 ||
	    (error = kansa_json__need(&v, j, "", "subject")) < 0)
		return error;
	if (!json_is_string(v))
		return kansa_json__error("subject", "must be a string");
	if ((error = kansa_cbor__map_put_int(m, 2, kansa_cbor__text(json_string_value(v)))) < 0)
		return error;
	if ((error = kansa_json__need(&v, j, "", "not_before")) < 0 ||
	    (error = kansa_json__time(&nbf, v, "not_before", now)) < 0 ||
	    (error = kansa_json__need(&v, j, "", "expires")) < 0 ||
	    (error = kansa_json__time(&exp, v, "expires", now)) < 0)
		return error;
	if ((error = kansa_random(cti, sizeof(cti))) < 0)
		return error;
	/* REQ: WARRANT-CWT claims under their RFC 8392 integer keys */
	if ((error = kansa_cbor__map_put_int(m, 4, kansa_cbor__int(exp))) < 0 ||
	    (error = kansa_cbor__map_put_int(m, 5, kansa_cbor__int(nbf))) < 0 ||
	    (error = kansa_cbor__map_put_int(m, 6, kansa_cbor__int(now))) < 0 ||
	    (error = kansa_cbor__map_put_int(m, 7, kansa_cbor__bytes(cti, sizeof(cti)))) < 0 ||
	    (error = kansa_json__put_text(m, "case", j, "", true)) < 0 ||
	    (error = kansa_json__put_text(m, "basis", j, "", false)) < 0)
		return error;
	if ((v = json_object_get(j, "max_uses")) != NULL) {
		uint64_t u;

		if ((error = kansa_json__uint(&u, v, "max_uses")) < 0)
			return error;
		if (u == 0)
			return kansa_json__error("max_uses", "must be at least 1 (leave it out for no limit)");
		if ((error = kansa_json__put(m, "max_uses", kansa_cbor__uint(u))) < 0)
			return error;
	}

	if ((error = kansa_json__need(&s, j, "", "scope")) < 0)
		return error;
	if (!json_is_object(s))
		return kansa_json__error("scope", "must be an object");
	if ((error = kansa_json__check_keys(s, "scope", action == KANSA_ACT_METADATA_QUERY ? mq_keys : nz_keys)) < 0)
		return kansa_error_prefix("%s warrant", kansa_action__name(action));
	if ((scope = kansa_cbor__map()) == NULL)
		return KANSA_ENOMEM;
	if (action == KANSA_ACT_METADATA_QUERY) {
		if ((error = kansa_json__need(&e, s, "scope", "targets")) < 0 ||
		    (error = kansa_json__prefixes(&item, e, "scope.targets", KANSA_MAX_SCOPE_ITEMS, false)) < 0 ||
		    (error = kansa_json__put(scope, "targets", item)) < 0 ||
		    (error = kansa_json__put_texts(scope, "fields", s, "scope", KANSA_MAX_VOCABULARY)) < 0 ||
		    (error = kansa_json__need(&e, s, "scope", "window")) < 0 ||
		    (error = kansa_json__window(&item, e, "scope.window", now)) < 0 ||
		    (error = kansa_json__put(scope, "window", item)) < 0)
			goto fail;
	} else {
		if ((error = kansa_json__need(&e, s, "scope", "hosts")) < 0 ||
		    (error = kansa_json__prefixes(&item, e, "scope.hosts", KANSA_MAX_SCOPE_ITEMS, true)) < 0 ||
		    (error = kansa_json__put(scope, "hosts", item)) < 0 ||
		    (error = kansa_json__put_texts(scope, "ops", s, "scope", KANSA_MAX_VOCABULARY)) < 0)
			goto fail;
	}
	return kansa_json__put(m, "scope", scope);
fail:
	cbor_decref(&scope);
	return error;
}

int kansa_revocation_doc__from_json(cbor_item_t *m, const json_t *j, const char *base_dir, int64_t now)
{
	static const char *const keys[] = { "commission", "warrant", "reason", NULL };
	int error;

	(void)base_dir;
	(void)now;
	if ((error = kansa_json__check_keys(j, "", keys)) < 0 ||
	    (error = kansa_json__put_text(m, "commission", j, "", true)) < 0 ||
	    (error = kansa_json__put_hex(m, "warrant", j, 16)) < 0)
		return error;
	return kansa_json__put_text(m, "reason", j, "", true);
}

int kansa_ratification_doc__from_json(cbor_item_t *m, const json_t *j, const char *base_dir,
    int64_t now)
{
	static const char *const keys[] = { "commission", "entry", "approved", "reason", NULL };
	json_t *v = NULL;
	int error;

	(void)base_dir;
	(void)now;
	if ((error = kansa_json__check_keys(j, "", keys)) < 0 ||
	    (error = kansa_json__put_text(m, "commission", j, "", true)) < 0 ||
	    (error = kansa_json__put_hex(m, "entry", j, KANSA_HASH_LEN)) < 0 ||
	    (error = kansa_json__need(&v, j, "", "approved")) < 0)
		return error;
	if (!json_is_boolean(v))
		return kansa_json__error("approved", "must be true or false");
	if ((error = kansa_json__put(m, "approved", kansa_cbor__bool(json_is_true(v)))) < 0)
		return error;
	return kansa_json__put_text(m, "reason", j, "", true);
}

static int build_request(cbor_item_t *m, const json_t *j, const char *base_dir, int64_t now)
{
	static const char *const mq_keys[] = { "requester", "officer", "action", "justification",
		"emergency", "targets", "fields", "window", NULL };
	static const char *const nz_keys[] = { "requester", "officer", "action", "justification",
		"emergency", "host", "op", NULL };
	cbor_item_t *item = NULL;
	json_t *v = NULL;
	int action, error;

	(void)base_dir;
	if ((error = kansa_json__need(&v, j, "", "action")) < 0)
		return error;
	action = json_is_string(v) ? kansa_action__from_name(json_string_value(v)) : -1;
	if (action != KANSA_ACT_METADATA_QUERY && action != KANSA_ACT_NEUTRALIZE)
		return kansa_json__error("action", "must be \"metadata-query\" or \"neutralize\"");
	if ((error = kansa_json__check_keys(j, "", action == KANSA_ACT_METADATA_QUERY ? mq_keys : nz_keys)) < 0)
		return kansa_error_prefix("%s request", kansa_action__name(action));
	if ((error = kansa_json__put(m, "action", kansa_cbor__text(kansa_action__name(action)))) < 0 ||
	    (error = kansa_json__put_text(m, "requester", j, "", true)) < 0 ||
	    (error = kansa_json__put_text(m, "officer", j, "", true)) < 0 ||
	    (error = kansa_json__put_text(m, "justification", j, "", true)) < 0)
		return error;
	if ((v = json_object_get(j, "emergency")) != NULL) {
		if (!json_is_boolean(v))
			return kansa_json__error("emergency", "must be true or false");
		/* written only when true: one encoding per request */
		if (json_is_true(v) && (error = kansa_json__put(m, "emergency", kansa_cbor__bool(true))) < 0)
			return error;
	}
	if (action == KANSA_ACT_METADATA_QUERY) {
		/* REQ: REQUEST-TARGETS the hard bound; the policy's max_targets is
		 * the decision's (design §5 row 1) */
		if ((error = kansa_json__need(&v, j, "", "targets")) < 0 ||
		    (error = kansa_json__prefixes(&item, v, "targets", KANSA_MAX_REQUEST_TARGETS, false)) < 0 ||
		    (error = kansa_json__put(m, "targets", item)) < 0 ||
		    (error = kansa_json__put_texts(m, "fields", j, "", KANSA_MAX_VOCABULARY)) < 0 ||
		    (error = kansa_json__need(&v, j, "", "window")) < 0 ||
		    (error = kansa_json__window(&item, v, "window", now)) < 0)
			return error;
		return kansa_json__put(m, "window", item);
	}
	{
		kansa_prefix host;

		if ((error = kansa_json__need(&v, j, "", "host")) < 0)
			return error;
		if (!json_is_string(v))
			return kansa_json__error("host", "must be an IP address");
		if (kansa_prefix__parse_text(&host, json_string_value(v)) < 0)
			return kansa_error_prefix("host");
		if (host.len != (host.family == 4 ? 32 : 128))
			return kansa_json__error("host", "not an IP address: %.64s (a host is one address)",
			    json_string_value(v));
		if ((error = kansa_json__put(m, "host", kansa_prefix__to_cbor(&host))) < 0)
			return error;
	}
	return kansa_json__put_text(m, "op", j, "", true);
}

/* A payload builder (a kind's from_json, or the request's) and the strict
 * parser that must accept what it built. */
typedef int (*build_fn)(cbor_item_t *m, const json_t *j, const char *base_dir, int64_t now);
typedef int (*check_fn)(int kind, const uint8_t *p, size_t n, kansa_request_doc *keep);

/* Parse a built payload back with the strict parser of its kind. */
static int check_doc(int kind, const uint8_t *p, size_t n, kansa_request_doc *keep)
{
	const kansa_doc_kind_def *k = kansa_doc_kind__def(kind);
	kansa_signed_doc d;
	int error;

	(void)keep;
	memset(&d, 0, sizeof(d));
	d.kind = kind;
	if ((error = k->parse(&d, p, n)) == 0)
		k->dispose(&d);
	return error;
}

/* The parse is the request's one parse when the caller keeps it (@p keep). */
static int check_request(int kind, const uint8_t *p, size_t n, kansa_request_doc *keep)
{
	kansa_request_doc r;
	int error;

	(void)kind;
	if ((error = kansa_request__parse(keep != NULL ? keep : &r, p, n)) == 0 && keep == NULL)
		kansa_request__dispose(&r);
	return error;
}

static int build(uint8_t **out, size_t *out_len, int kind, build_fn build_map, check_fn check,
    kansa_request_doc *keep, const char *json, size_t json_len, const char *base_dir, int64_t now)
{
	cbor_item_t *m = NULL;
	json_t *j = NULL;
	int error;

	*out = NULL;
	*out_len = 0;
	if ((error = kansa_json__load(&j, json, json_len)) < 0)
		return error;
	if ((m = kansa_cbor__map()) == NULL) {
		error = KANSA_ENOMEM;
		goto out;
	}
	if ((error = build_map(m, j, base_dir, now)) < 0 ||
	    (error = kansa_cbor__encode(out, out_len, m)) < 0)
		goto out;
	/* REQ: DOC-BUILD a draft holds only what the strict parser accepts */
	if ((error = check(kind, *out, *out_len, keep)) < 0) {
		free(*out);
		*out = NULL;
		*out_len = 0;
	}
out:
	if (m != NULL)
		cbor_decref(&m);
	json_decref(j);
	return error;
}

int kansa_doc__payload_from_json(uint8_t **out, size_t *out_len, int kind, const char *json,
    size_t json_len, const char *base_dir, int64_t now)
{
	const kansa_doc_kind_def *k = kansa_doc_kind__def(kind);

	if (k == NULL) {
		*out = NULL;
		*out_len = 0;
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_DOCUMENT, "unknown document kind %d", kind);
	}
	return build(out, out_len, kind, k->from_json, check_doc, NULL, json, json_len, base_dir, now);
}

int kansa_request__from_json(uint8_t **out, size_t *out_len, kansa_request_doc *parsed,
    const char *json, size_t json_len, int64_t now)
{
	if (parsed != NULL)
		memset(parsed, 0, sizeof(*parsed));
	return build(out, out_len, 0, build_request, check_request, parsed, json, json_len, NULL, now);
}
