/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The readers of JSON values for the document builders (doc_json.h): keys,
 * texts, name lists, hex, times, durations, integers, prefixes and windows,
 * each checked for its type and put as canonical CBOR.
 *
 * This file must never accept a JSON key that is not listed, a value of
 * another type, or more entries than the bound it is given; and it knows no
 * document: which keys a kind has is the builders' business.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keys/keys.h"
#include "policy/doc_json.h"

int kansa_json__error(const char *path, const char *fmt, ...)
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

int kansa_json__check_keys(const json_t *obj, const char *path, const char *const *allowed)
{
	const char *key;
	json_t *v;

	json_object_foreach((json_t *)(uintptr_t)obj, key, v) {
		bool ok = false;

		(void)v;
		for (size_t i = 0; allowed[i] != NULL && !ok; i++)
			ok = strcmp(allowed[i], key) == 0;
		if (!ok)
			return kansa_json__error(path, "unknown key \"%.64s\"", key);
	}
	return 0;
}

int kansa_json__need(json_t **out, const json_t *obj, const char *path, const char *key)
{
	*out = json_object_get(obj, key);
	if (*out == NULL) {
		char p[128];

		kansa_field__subpath(p, path, key);
		return kansa_json__error(p, "required");
	}
	return 0;
}

int kansa_json__put(cbor_item_t *map, const char *key, cbor_item_t *value)
{
	return kansa_cbor__map_put(map, key, value);
}

int kansa_json__put_text(cbor_item_t *map, const char *key, const json_t *obj, const char *path,
    bool required)
{
	char p[128];
	json_t *v = json_object_get(obj, key);

	kansa_field__subpath(p, path, key);
	if (v == NULL)
		return required ? kansa_json__error(p, "required") : 0;
	if (!json_is_string(v))
		return kansa_json__error(p, "must be a string");
	if (json_string_length(v) > KANSA_MAX_TEXT_BYTES)
		return kansa_error_set(KANSA_ELIMIT, KANSA_ERRCLASS_DOCUMENT,
		    "%s: longer than %d bytes", p, KANSA_MAX_TEXT_BYTES);
	return kansa_json__put(map, key, kansa_cbor__text(json_string_value(v)));
}

int kansa_json__time(int64_t *out, const json_t *v, const char *path, int64_t now)
{
	*out = 0;
	if (json_is_integer(v)) {
		if (json_integer_value(v) < 0)
			return kansa_json__error(path, "must not be before 1970");
		*out = (int64_t)json_integer_value(v);
		return 0;
	}
	if (!json_is_string(v))
		return kansa_json__error(path, "must be a time: RFC 3339, \"now\", or an offset like \"+30d\"");
	if (kansa_time__parse(out, json_string_value(v), now) < 0)
		return kansa_error_prefix("%s", path);
	return 0;
}

int kansa_json__duration(int64_t *out, const json_t *v, const char *path)
{
	*out = 0;
	if (json_is_integer(v)) {
		if (json_integer_value(v) <= 0)
			return kansa_json__error(path, "must be a positive number of seconds");
		*out = (int64_t)json_integer_value(v);
		return 0;
	}
	if (!json_is_string(v))
		return kansa_json__error(path, "must be a duration like \"90d\", \"24h\", \"15m\" or \"90s\"");
	if (kansa_duration__parse(out, json_string_value(v)) < 0)
		return kansa_error_prefix("%s", path);
	return 0;
}

int kansa_json__uint(uint64_t *out, const json_t *v, const char *path)
{
	*out = 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return kansa_json__error(path, "must be a non-negative integer");
	*out = (uint64_t)json_integer_value(v);
	return 0;
}

int kansa_json__put_texts(cbor_item_t *map, const char *key, const json_t *obj, const char *path,
    size_t max)
{
	char p[128], pi[128];
	cbor_item_t *arr;
	json_t *v = NULL, *e;
	size_t i;
	int error;

	kansa_field__subpath(p, path, key);
	if ((error = kansa_json__need(&v, obj, path, key)) < 0)
		return error;
	if (!json_is_array(v))
		return kansa_json__error(p, "must be an array of strings");
	if (json_array_size(v) > max)
		return kansa_error_set(KANSA_ELIMIT, KANSA_ERRCLASS_DOCUMENT,
		    "%s: more than %zu entries", p, max);
	if ((arr = kansa_cbor__array()) == NULL)
		return KANSA_ENOMEM;
	json_array_foreach(v, i, e) {
		kansa_field__indexpath(pi, p, i);
		if (!json_is_string(e)) {
			cbor_decref(&arr);
			return kansa_json__error(pi, "must be a string");
		}
		if ((error = kansa_cbor__array_push(arr, kansa_cbor__text(json_string_value(e)))) < 0) {
			cbor_decref(&arr);
			return error;
		}
	}
	return kansa_json__put(map, key, arr);
}

int kansa_json__prefixes(cbor_item_t **out, const json_t *v, const char *p, size_t max,
    bool address_only)
{
	char pi[128];
	cbor_item_t *arr;
	json_t *e;
	size_t i;
	int error;

	*out = NULL;
	if (!json_is_array(v))
		return kansa_json__error(p, "must be an array of IP %s", address_only ? "addresses" : "prefixes");
	if (json_array_size(v) > max)
		return kansa_error_set(KANSA_ELIMIT, KANSA_ERRCLASS_DOCUMENT,
		    "%s: more than %zu entries", p, max);
	if ((arr = kansa_cbor__array()) == NULL)
		return KANSA_ENOMEM;
	json_array_foreach(v, i, e) {
		kansa_prefix pfx;

		kansa_field__indexpath(pi, p, i);
		if (!json_is_string(e)) {
			cbor_decref(&arr);
			return kansa_json__error(pi, "must be a string");
		}
		if ((error = kansa_prefix__parse_text(&pfx, json_string_value(e))) < 0) {
			cbor_decref(&arr);
			return kansa_error_prefix("%s", pi);
		}
		if (address_only && pfx.len != (pfx.family == 4 ? 32 : 128)) {
			cbor_decref(&arr);
			return kansa_json__error(pi, "not an IP address: %.64s (a host is one address, not a prefix)",
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

int kansa_json__window(cbor_item_t **out, const json_t *v, const char *p, int64_t now)
{
	char pi[128];
	int64_t t[2];
	cbor_item_t *arr;
	int error;

	*out = NULL;
	if (!json_is_array(v) || json_array_size(v) != 2)
		return kansa_json__error(p, "must be [from, to], two times");
	for (size_t i = 0; i < 2; i++) {
		kansa_field__indexpath(pi, p, i);
		if ((error = kansa_json__time(&t[i], json_array_get(v, i), pi, now)) < 0)
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

int kansa_json__put_hex(cbor_item_t *m, const char *key, const json_t *j, size_t n)
{
	uint8_t buf[KANSA_HASH_LEN];
	json_t *v = NULL;
	int error;

	if ((error = kansa_json__need(&v, j, "", key)) < 0)
		return error;
	if (!json_is_string(v) || json_string_length(v) != 2 * n ||
	    kansa_hex_decode(buf, n, json_string_value(v)) < 0)
		return kansa_json__error(key, "must be %zu hex digits", 2 * n);
	return kansa_json__put(m, key, kansa_cbor__bytes(buf, n));
}

int kansa_json__load(json_t **out, const char *json, size_t len)
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
