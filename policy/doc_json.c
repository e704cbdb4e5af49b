/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The JSON form of documents (design §4, docs/documents.md) -> canonical
 * CBOR payloads: policy, warrant, revocation, ratification, and requests.
 *
 * This file converts: it checks every JSON key and type, resolves times
 * ("now", "+30d", RFC 3339) against the caller's now, reads member key files
 * (only under the caller's base_dir), draws the warrant's cti, and encodes.
 * The rules on values (quorum bounds, duplicate members, expires after
 * not_before, ...) live in one place, the strict CBOR parsers of doc_payload.c and
 * every payload built here is parsed back by them before it is returned, so
 * that a draft can never hold what a verifier would refuse.
 *
 * This file must never read a file the caller did not allow (base_dir NULL
 * means PEM text only), and never accept a JSON key it does not know.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keys/keys.h"
#include "policy/cbor.h"
#include "policy/doc.h"

static int jerr(const char *path, const char *fmt, ...) KANSA_PRINTF(2, 3);

/* "path: message"; path may be "" for the top level. */
static int jerr(const char *path, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (path[0] == '\0')
		return kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_DOCUMENT, "%s", msg);
	return kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_DOCUMENT, "%s: %s", path, msg);
}

/* A child path: "scope" + "targets" -> "scope.targets". */
static void subpath(char out[128], const char *path, const char *key)
{
	int n = path[0] == '\0' ? snprintf(out, 128, "%s", key) : snprintf(out, 128, "%s.%s", path, key);

	if (n < 0 || n >= 128)
		out[127] = '\0'; /* a message path, cut short */
}

static void indexpath(char out[128], const char *path, size_t i)
{
	int n = snprintf(out, 128, "%s[%zu]", path, i);

	if (n < 0 || n >= 128)
		out[127] = '\0';
}

/* Refuse keys not in the NULL-terminated list. */
static int check_keys(const json_t *obj, const char *path, const char *const *allowed)
{
	const char *key;
	json_t *v;

	json_object_foreach((json_t *)(uintptr_t)obj, key, v) {
		bool ok = false;

		(void)v;
		for (size_t i = 0; allowed[i] != NULL && !ok; i++)
			ok = strcmp(allowed[i], key) == 0;
		if (!ok)
			return jerr(path, "unknown key \"%.64s\"", key);
	}
	return 0;
}

static int need(json_t **out, const json_t *obj, const char *path, const char *key)
{
	*out = json_object_get(obj, key);
	if (*out == NULL) {
		char p[128];

		subpath(p, path, key);
		return jerr(p, "required");
	}
	return 0;
}

static int put(cbor_item_t *map, const char *key, cbor_item_t *value)
{
	return kansa_cbor__map_put(map, key, value);
}

/* A JSON string to a CBOR text. */
static int put_text(cbor_item_t *map, const char *key, const json_t *obj, const char *path,
    bool required)
{
	char p[128];
	json_t *v = json_object_get(obj, key);

	subpath(p, path, key);
	if (v == NULL)
		return required ? jerr(p, "required") : 0;
	if (!json_is_string(v))
		return jerr(p, "must be a string");
	if (json_string_length(v) > KANSA_MAX_TEXT_BYTES)
		return kansa_error_set(KANSA_ELIMIT, KANSA_ERRCLASS_DOCUMENT,
		    "%s: longer than %d bytes", p, KANSA_MAX_TEXT_BYTES);
	return put(map, key, kansa_cbor__text(json_string_value(v)));
}

/* A JSON time (string, or integer seconds since the epoch). */
static int get_time(int64_t *out, const json_t *v, const char *path, int64_t now)
{
	*out = 0;
	if (json_is_integer(v)) {
		if (json_integer_value(v) < 0)
			return jerr(path, "must not be before 1970");
		*out = (int64_t)json_integer_value(v);
		return 0;
	}
	if (!json_is_string(v))
		return jerr(path, "must be a time: RFC 3339, \"now\", or an offset like \"+30d\"");
	if (kansa_time__parse(out, json_string_value(v), now) < 0)
		return kansa_error_prefix("%s", path);
	return 0;
}

static int get_duration(int64_t *out, const json_t *v, const char *path)
{
	*out = 0;
	if (json_is_integer(v)) {
		if (json_integer_value(v) <= 0)
			return jerr(path, "must be a positive number of seconds");
		*out = (int64_t)json_integer_value(v);
		return 0;
	}
	if (!json_is_string(v))
		return jerr(path, "must be a duration like \"90d\", \"24h\", \"15m\" or \"90s\"");
	if (kansa_duration__parse(out, json_string_value(v)) < 0)
		return kansa_error_prefix("%s", path);
	return 0;
}

static int get_uint(uint64_t *out, const json_t *v, const char *path)
{
	*out = 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return jerr(path, "must be a non-negative integer");
	*out = (uint64_t)json_integer_value(v);
	return 0;
}

/* An array of strings -> CBOR array of texts (at most max entries). */
static int put_text_array(cbor_item_t *map, const char *key, const json_t *obj, const char *path,
    size_t max)
{
	char p[128], pi[128];
	cbor_item_t *arr;
	json_t *v = NULL, *e;
	size_t i;
	int error;

	subpath(p, path, key);
	if ((error = need(&v, obj, path, key)) < 0)
		return error;
	if (!json_is_array(v))
		return jerr(p, "must be an array of strings");
	if (json_array_size(v) > max)
		return kansa_error_set(KANSA_ELIMIT, KANSA_ERRCLASS_DOCUMENT,
		    "%s: more than %zu entries", p, max);
	if ((arr = kansa_cbor__array()) == NULL)
		return KANSA_ENOMEM;
	json_array_foreach(v, i, e) {
		indexpath(pi, p, i);
		if (!json_is_string(e)) {
			cbor_decref(&arr);
			return jerr(pi, "must be a string");
		}
		if ((error = kansa_cbor__array_push(arr, kansa_cbor__text(json_string_value(e)))) < 0) {
			cbor_decref(&arr);
			return error;
		}
	}
	return put(map, key, arr);
}

/* An array of IP prefix strings -> RFC 9164 items. */
static int prefix_array(cbor_item_t **out, const json_t *v, const char *p, size_t max,
    bool address_only)
{
	char pi[128];
	cbor_item_t *arr;
	json_t *e;
	size_t i;
	int error;

	*out = NULL;
	if (!json_is_array(v))
		return jerr(p, "must be an array of IP %s", address_only ? "addresses" : "prefixes");
	if (json_array_size(v) > max)
		return kansa_error_set(KANSA_ELIMIT, KANSA_ERRCLASS_DOCUMENT,
		    "%s: more than %zu entries", p, max);
	if ((arr = kansa_cbor__array()) == NULL)
		return KANSA_ENOMEM;
	json_array_foreach(v, i, e) {
		kansa_prefix pfx;

		indexpath(pi, p, i);
		if (!json_is_string(e)) {
			cbor_decref(&arr);
			return jerr(pi, "must be a string");
		}
		if ((error = kansa_prefix__parse_text(&pfx, json_string_value(e))) < 0) {
			cbor_decref(&arr);
			return kansa_error_prefix("%s", pi);
		}
		if (address_only && pfx.len != (pfx.family == 4 ? 32 : 128)) {
			cbor_decref(&arr);
			return jerr(pi, "not an IP address: %.64s (a host is one address, not a prefix)",
			    json_string_value(e));
		}
		if ((error = kansa_cbor__array_push(arr, kansa_prefix__to_cbor(&pfx))) < 0) {
			cbor_decref(&arr);
			return error;
		}
	}
	*out = arr;
	return 0;
}

/* [from, to] times -> CBOR [int, int]. */
static int window_item(cbor_item_t **out, const json_t *v, const char *p, int64_t now)
{
	char pi[128];
	int64_t t[2];
	cbor_item_t *arr;
	int error;

	*out = NULL;
	if (!json_is_array(v) || json_array_size(v) != 2)
		return jerr(p, "must be [from, to], two times");
	for (size_t i = 0; i < 2; i++) {
		indexpath(pi, p, i);
		if ((error = get_time(&t[i], json_array_get(v, i), pi, now)) < 0)
			return error;
	}
	if ((arr = kansa_cbor__array()) == NULL)
		return KANSA_ENOMEM;
	if ((error = kansa_cbor__array_push(arr, kansa_cbor__int(t[0]))) < 0 ||
	    (error = kansa_cbor__array_push(arr, kansa_cbor__int(t[1]))) < 0) {
		cbor_decref(&arr);
		return error;
	}
	*out = arr;
	return 0;
}

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
	subpath(p, path, key);
	if (v == NULL)
		return 0;
	if (!json_is_object(v))
		return jerr(p, "must be an object like {\"metadata-query\": \"90d\", \"neutralize\": \"7d\"}");
	if ((error = check_keys(v, p, allowed)) < 0)
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
		subpath(pa, p, allowed[i]);
		if ((error = get_duration(&secs, d, pa)) < 0 ||
		    (error = put(map, allowed[i], kansa_cbor__int(secs))) < 0) {
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
			return jerr(p, "a key file, but key files are not allowed here (give the PEM text)");
		if (spec[0] == '\0')
			return jerr(p, "must be a PEM file name or PEM text");
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

int kansa_policy_doc__from_json(cbor_item_t *m, const json_t *j, const char *base_dir, int64_t now)
{
	static const char *const keys[] = { "commission", "version", "members", "quorum",
		"max_validity", "fields", "forbidden_fields", "ops", "max_targets", "emergency", NULL };
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
	if ((error = check_keys(j, "", keys)) < 0 ||
	    (error = put_text(m, "commission", j, "", true)) < 0 ||
	    (error = need(&v, j, "", "version")) < 0)
		return error;
	if (!json_is_integer(v) || json_integer_value(v) < 1)
		return jerr("version", "must be a positive integer");
	if ((error = put(m, "version", kansa_cbor__uint((uint64_t)json_integer_value(v)))) < 0)
		return error;

	/* members */
	if ((error = need(&v, j, "", "members")) < 0)
		return error;
	if (!json_is_array(v) || json_array_size(v) == 0)
		return jerr("members", "must be a non-empty array of {\"name\", \"public_key\"}");
	if (json_array_size(v) > KANSA_MAX_MEMBERS)
		return kansa_error_set(KANSA_ELIMIT, KANSA_ERRCLASS_DOCUMENT,
		    "members: more than %d members", KANSA_MAX_MEMBERS);
	if ((arr = kansa_cbor__array()) == NULL)
		return KANSA_ENOMEM;
	json_array_foreach(v, i, e) {
		uint8_t pub[KANSA_PUBKEY_LEN];
		json_t *pkv;
		cbor_item_t *mm;

		indexpath(p, "members", i);
		if (!json_is_object(e)) {
			error = jerr(p, "must be an object {\"name\", \"public_key\"}");
			goto fail;
		}
		if ((error = check_keys(e, p, member_keys)) < 0 ||
		    (error = need(&pkv, e, p, "public_key")) < 0)
			goto fail;
		subpath(pk, p, "public_key");
		if (!json_is_string(pkv)) {
			error = jerr(pk, "must be a PEM file name or PEM text");
			goto fail;
		}
		if ((error = member_key(pub, json_string_value(pkv), base_dir, pk)) < 0)
			goto fail;
		if ((mm = kansa_cbor__map()) == NULL) {
			error = KANSA_ENOMEM;
			goto fail;
		}
		if ((error = put_text(mm, "name", e, p, true)) < 0 ||
		    (error = put(mm, "public_key", kansa_cbor__bytes(pub, sizeof(pub)))) < 0) {
			cbor_decref(&mm);
			goto fail;
		}
		if ((error = kansa_cbor__array_push(arr, mm)) < 0)
			goto fail;
	}
	error = put(m, "members", arr);
	arr = NULL;
	if (error < 0)
		return error;

	/* quorum: every action named */
	if ((error = need(&v, j, "", "quorum")) < 0)
		return error;
	if (!json_is_object(v))
		return jerr("quorum", "must be an object {\"metadata-query\", \"neutralize\", \"revoke\", \"policy\"}");
	if ((error = check_keys(v, "quorum", quorum_keys)) < 0)
		return error;
	if ((sub = kansa_cbor__map()) == NULL)
		return KANSA_ENOMEM;
	for (i = 0; quorum_keys[i] != NULL; i++) {
		if ((error = need(&e, v, "quorum", quorum_keys[i])) < 0)
			goto fail;
		subpath(p, "quorum", quorum_keys[i]);
		if ((error = get_uint(&u, e, p)) < 0 ||
		    (error = put(sub, quorum_keys[i], kansa_cbor__uint(u))) < 0)
			goto fail;
	}
	error = put(m, "quorum", sub);
	sub = NULL;
	if (error < 0)
		return error;

	if ((error = per_action_durations(&sub, j, "max_validity", "")) < 0)
		return error;
	if (sub != NULL) {
		error = put(m, "max_validity", sub);
		sub = NULL;
		if (error < 0)
			return error;
	}
	if ((error = per_action_durations(&sub, j, "emergency", "")) < 0)
		return error;
	if (sub != NULL) {
		error = put(m, "emergency", sub);
		sub = NULL;
		if (error < 0)
			return error;
	}
	if ((error = put_text_array(m, "fields", j, "", KANSA_MAX_VOCABULARY)) < 0 ||
	    (error = put_text_array(m, "forbidden_fields", j, "", KANSA_MAX_VOCABULARY)) < 0 ||
	    (error = put_text_array(m, "ops", j, "", KANSA_MAX_VOCABULARY)) < 0)
		return error;
	/* max_targets: written always (default 256), so a reader never guesses */
	u = 256;
	if ((v = json_object_get(j, "max_targets")) != NULL && (error = get_uint(&u, v, "max_targets")) < 0)
		return error;
	return put(m, "max_targets", kansa_cbor__uint(u));
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
	if ((error = check_keys(j, "", keys)) < 0 ||
	    (error = need(&v, j, "", "action")) < 0)
		return error;
	action = json_is_string(v) ? kansa_action__from_name(json_string_value(v)) : -1;
	if (action != KANSA_ACT_METADATA_QUERY && action != KANSA_ACT_NEUTRALIZE)
		return jerr("action", "must be \"metadata-query\" or \"neutralize\"");
	if ((error = put(m, "action", kansa_cbor__text(kansa_action__name(action)))) < 0)
		return error;
	if ((error = need(&v, j, "", "commission")) < 0)
		return error;
	if (!json_is_string(v))
		return jerr("commission", "must be a string");
	if ((error = kansa_cbor__map_put_int(m, 1, kansa_cbor__text(json_string_value(v)))) < 0 ||
	    (error = need(&v, j, "", "subject")) < 0)
		return error;
	if (!json_is_string(v))
		return jerr("subject", "must be a string");
	if ((error = kansa_cbor__map_put_int(m, 2, kansa_cbor__text(json_string_value(v)))) < 0)
		return error;
	if ((error = need(&v, j, "", "not_before")) < 0 ||
	    (error = get_time(&nbf, v, "not_before", now)) < 0 ||
	    (error = need(&v, j, "", "expires")) < 0 ||
	    (error = get_time(&exp, v, "expires", now)) < 0)
		return error;
	if ((error = kansa_random(cti, sizeof(cti))) < 0)
		return error;
	/* REQ: WARRANT-CWT claims under their RFC 8392 integer keys */
	if ((error = kansa_cbor__map_put_int(m, 4, kansa_cbor__int(exp))) < 0 ||
	    (error = kansa_cbor__map_put_int(m, 5, kansa_cbor__int(nbf))) < 0 ||
	    (error = kansa_cbor__map_put_int(m, 6, kansa_cbor__int(now))) < 0 ||
	    (error = kansa_cbor__map_put_int(m, 7, kansa_cbor__bytes(cti, sizeof(cti)))) < 0 ||
	    (error = put_text(m, "case", j, "", true)) < 0 ||
	    (error = put_text(m, "basis", j, "", false)) < 0)
		return error;
	if ((v = json_object_get(j, "max_uses")) != NULL) {
		uint64_t u;

		if ((error = get_uint(&u, v, "max_uses")) < 0)
			return error;
		if (u == 0)
			return jerr("max_uses", "must be at least 1 (leave it out for no limit)");
		if ((error = put(m, "max_uses", kansa_cbor__uint(u))) < 0)
			return error;
	}

	if ((error = need(&s, j, "", "scope")) < 0)
		return error;
	if (!json_is_object(s))
		return jerr("scope", "must be an object");
	if ((error = check_keys(s, "scope", action == KANSA_ACT_METADATA_QUERY ? mq_keys : nz_keys)) < 0)
		return kansa_error_prefix("%s warrant", kansa_action__name(action));
	if ((scope = kansa_cbor__map()) == NULL)
		return KANSA_ENOMEM;
	if (action == KANSA_ACT_METADATA_QUERY) {
		if ((error = need(&e, s, "scope", "targets")) < 0 ||
		    (error = prefix_array(&item, e, "scope.targets", KANSA_MAX_SCOPE_ITEMS, false)) < 0 ||
		    (error = put(scope, "targets", item)) < 0 ||
		    (error = put_text_array(scope, "fields", s, "scope", KANSA_MAX_VOCABULARY)) < 0 ||
		    (error = need(&e, s, "scope", "window")) < 0 ||
		    (error = window_item(&item, e, "scope.window", now)) < 0 ||
		    (error = put(scope, "window", item)) < 0)
			goto fail;
	} else {
		if ((error = need(&e, s, "scope", "hosts")) < 0 ||
		    (error = prefix_array(&item, e, "scope.hosts", KANSA_MAX_SCOPE_ITEMS, true)) < 0 ||
		    (error = put(scope, "hosts", item)) < 0 ||
		    (error = put_text_array(scope, "ops", s, "scope", KANSA_MAX_VOCABULARY)) < 0)
			goto fail;
	}
	return put(m, "scope", scope);
fail:
	cbor_decref(&scope);
	return error;
}

/* Exactly n bytes of hex from a JSON string. */
static int put_hex(cbor_item_t *m, const char *key, const json_t *j, size_t n)
{
	uint8_t buf[KANSA_HASH_LEN];
	json_t *v = NULL;
	int error;

	if ((error = need(&v, j, "", key)) < 0)
		return error;
	if (!json_is_string(v) || json_string_length(v) != 2 * n ||
	    kansa_hex_decode(buf, n, json_string_value(v)) < 0)
		return jerr(key, "must be %zu hex digits", 2 * n);
	return put(m, key, kansa_cbor__bytes(buf, n));
}

int kansa_revocation_doc__from_json(cbor_item_t *m, const json_t *j, const char *base_dir, int64_t now)
{
	static const char *const keys[] = { "commission", "warrant", "reason", NULL };
	int error;

	(void)base_dir;
	(void)now;
	if ((error = check_keys(j, "", keys)) < 0 ||
	    (error = put_text(m, "commission", j, "", true)) < 0 ||
	    (error = put_hex(m, "warrant", j, 16)) < 0)
		return error;
	return put_text(m, "reason", j, "", true);
}

int kansa_ratification_doc__from_json(cbor_item_t *m, const json_t *j, const char *base_dir,
    int64_t now)
{
	static const char *const keys[] = { "commission", "entry", "approved", "reason", NULL };
	json_t *v = NULL;
	int error;

	(void)base_dir;
	(void)now;
	if ((error = check_keys(j, "", keys)) < 0 ||
	    (error = put_text(m, "commission", j, "", true)) < 0 ||
	    (error = put_hex(m, "entry", j, KANSA_HASH_LEN)) < 0 ||
	    (error = need(&v, j, "", "approved")) < 0)
		return error;
	if (!json_is_boolean(v))
		return jerr("approved", "must be true or false");
	if ((error = put(m, "approved", kansa_cbor__bool(json_is_true(v)))) < 0)
		return error;
	return put_text(m, "reason", j, "", true);
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
	if ((error = need(&v, j, "", "action")) < 0)
		return error;
	action = json_is_string(v) ? kansa_action__from_name(json_string_value(v)) : -1;
	if (action != KANSA_ACT_METADATA_QUERY && action != KANSA_ACT_NEUTRALIZE)
		return jerr("action", "must be \"metadata-query\" or \"neutralize\"");
	if ((error = check_keys(j, "", action == KANSA_ACT_METADATA_QUERY ? mq_keys : nz_keys)) < 0)
		return kansa_error_prefix("%s request", kansa_action__name(action));
	if ((error = put(m, "action", kansa_cbor__text(kansa_action__name(action)))) < 0 ||
	    (error = put_text(m, "requester", j, "", true)) < 0 ||
	    (error = put_text(m, "officer", j, "", true)) < 0 ||
	    (error = put_text(m, "justification", j, "", true)) < 0)
		return error;
	if ((v = json_object_get(j, "emergency")) != NULL) {
		if (!json_is_boolean(v))
			return jerr("emergency", "must be true or false");
		/* written only when true: one encoding per request */
		if (json_is_true(v) && (error = put(m, "emergency", kansa_cbor__bool(true))) < 0)
			return error;
	}
	if (action == KANSA_ACT_METADATA_QUERY) {
		/* REQ: REQUEST-TARGETS the hard bound; the policy's max_targets is
		 * the decision's (design §5 row 1) */
		if ((error = need(&v, j, "", "targets")) < 0 ||
		    (error = prefix_array(&item, v, "targets", KANSA_MAX_REQUEST_TARGETS, false)) < 0 ||
		    (error = put(m, "targets", item)) < 0 ||
		    (error = put_text_array(m, "fields", j, "", KANSA_MAX_VOCABULARY)) < 0 ||
		    (error = need(&v, j, "", "window")) < 0 ||
		    (error = window_item(&item, v, "window", now)) < 0)
			return error;
		return put(m, "window", item);
	}
	{
		kansa_prefix host;

		if ((error = need(&v, j, "", "host")) < 0)
			return error;
		if (!json_is_string(v))
			return jerr("host", "must be an IP address");
		if (kansa_prefix__parse_text(&host, json_string_value(v)) < 0)
			return kansa_error_prefix("host");
		if (host.len != (host.family == 4 ? 32 : 128))
			return jerr("host", "not an IP address: %.64s (a host is one address)",
			    json_string_value(v));
		if ((error = put(m, "host", kansa_prefix__to_cbor(&host))) < 0)
			return error;
	}
	return put_text(m, "op", j, "", true);
}

/* Parse JSON text into an object, strictly. */
static int load_json(json_t **out, const char *json, size_t len)
{
	json_error_t jerror;

	*out = NULL;
	if (json == NULL)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_DOCUMENT, "no JSON given");
	if (len > KANSA_MAX_JSON_BYTES)
		return kansa_error_set(KANSA_ELIMIT, KANSA_ERRCLASS_DOCUMENT,
		    "json: %zu bytes exceed the limit of %d", len, KANSA_MAX_JSON_BYTES);
	/* REQ: DOC-JSON duplicate keys are an error, not "last one wins" */
	*out = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerror);
	if (*out == NULL)
		return kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_DOCUMENT,
		    "json: line %d column %d: %s", jerror.line, jerror.column, jerror.text);
	if (!json_is_object(*out)) {
		json_decref(*out);
		*out = NULL;
		return kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_DOCUMENT,
		    "json: the document must be one JSON object");
	}
	return 0;
}

/* A payload builder (a kind's from_json, or the request's) and the strict
 * parser that must accept what it built. */
typedef int (*build_fn)(cbor_item_t *m, const json_t *j, const char *base_dir, int64_t now);
typedef int (*check_fn)(int kind, const uint8_t *p, size_t n);

/* Parse a built payload back with the strict parser of its kind. */
static int check_doc(int kind, const uint8_t *p, size_t n)
{
	const kansa_doc_kind_def *k = kansa_doc_kind__def(kind);
	kansa_signed_doc d;
	int error;

	memset(&d, 0, sizeof(d));
	d.kind = kind;
	if ((error = k->parse(&d, p, n)) == 0)
		k->dispose(&d);
	return error;
}

static int check_request(int kind, const uint8_t *p, size_t n)
{
	kansa_request_doc r;
	int error;

	(void)kind;
	if ((error = kansa_request__parse(&r, p, n)) == 0)
		kansa_request__dispose(&r);
	return error;
}

static int build(uint8_t **out, size_t *out_len, int kind, build_fn build_map, check_fn check,
    const char *json, size_t json_len, const char *base_dir, int64_t now)
{
	cbor_item_t *m = NULL;
	json_t *j = NULL;
	int error;

	*out = NULL;
	*out_len = 0;
	if ((error = load_json(&j, json, json_len)) < 0)
		return error;
	if ((m = kansa_cbor__map()) == NULL) {
		error = KANSA_ENOMEM;
		goto out;
	}
	if ((error = build_map(m, j, base_dir, now)) < 0 ||
	    (error = kansa_cbor__encode(out, out_len, m)) < 0)
		goto out;
	/* REQ: DOC-BUILD a draft holds only what the strict parser accepts */
	if ((error = check(kind, *out, *out_len)) < 0) {
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
	return build(out, out_len, kind, k->from_json, check_doc, json, json_len, base_dir, now);
}

int kansa_request__from_json(uint8_t **out, size_t *out_len, const char *json, size_t json_len,
    int64_t now)
{
	return build(out, out_len, 0, build_request, check_request, json, json_len, NULL, now);
}
