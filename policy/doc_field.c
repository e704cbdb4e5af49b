/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The strict field reader of the document parsers (doc_field.h): a walker
 * over the known keys of a CBOR map, and readers of each kind of value.
 *
 * Strict means: the bytes are canonical CBOR (kansa_cbor__decode), every map
 * key is known, every value has exactly its type, required fields are
 * present, texts are bounded and free of control characters, lists are
 * bounded by kansa_limits.h and free of duplicates. Each error names the
 * field the way the JSON form does ("scope.targets[2]: ...").
 *
 * This file must never accept an unknown key, a value of another type, or
 * a list longer than its bound; and it knows no document: what a field
 * means is the payload parsers' business.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/doc_field.h"

int kansa_field__error(const char *path, const char *fmt, ...)
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

int kansa_field__limit(const char *path, size_t max)
{
	return kansa_error_set(KANSA_ELIMIT, KANSA_ERRCLASS_DOCUMENT, "%s: more than %zu entries", path, max);
}

int kansa_field__nomem(void)
{
	return kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
}

void kansa_field__subpath(char out[128], const char *path, const char *key)
{
	int n = path[0] == '\0' ? snprintf(out, 128, "%s", key) : snprintf(out, 128, "%s.%s", path, key);

	if (n < 0 || n >= 128)
		out[127] = '\0';
}

void kansa_field__indexpath(char out[128], const char *path, size_t i)
{
	int n = snprintf(out, 128, "%s[%zu]", path, i);

	if (n < 0 || n >= 128)
		out[127] = '\0';
}

/* ---------------------------------------------------------------------- */
/* Values                                                                  */
/* ---------------------------------------------------------------------- */

int kansa_field__check_text(const char *s, size_t n, int what, const char *path)
{
	size_t max = what == KANSA_TEXT_ID ? 127 : what == KANSA_TEXT_NAME ? 64 : KANSA_MAX_TEXT_BYTES;

	/* REQ: DOC-TEXT required texts are never empty (officer, justification, ...) */
	if (n == 0)
		return kansa_field__error(path, "must not be empty");
	if (n > max)
		return kansa_field__error(path, "longer than %zu bytes", max);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (what == KANSA_TEXT_NAME) {
			if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			    c == '.' || c == '_' || c == '@' || c == '-'))
				return kansa_field__error(path, "\"%.64s\": only letters, digits and . _ @ - are allowed", s);
		} else if (c < 0x20 || c == 0x7f) {
			if (!(what == KANSA_TEXT_FREE && c == '\n'))
				return kansa_field__error(path, "contains a control character");
		}
	}
	return 0;
}

int kansa_field__text(char **out, const cbor_item_t *v, const char *path, int what)
{
	int error;

	*out = NULL;
	if (kansa_cbor__get_text(out, v) < 0)
		return kansa_field__error(path, "must be a text string");
	if ((error = kansa_field__check_text(*out, strlen(*out), what, path)) < 0) {
		free(*out);
		*out = NULL;
	}
	return error;
}

int kansa_field__int(int64_t *out, const cbor_item_t *v, const char *path)
{
	if (kansa_cbor__get_int(out, v) < 0)
		return kansa_field__error(path, "must be an integer");
	return 0;
}

int kansa_field__uint(uint64_t *out, const cbor_item_t *v, const char *path)
{
	if (kansa_cbor__get_uint(out, v) < 0)
		return kansa_field__error(path, "must be an unsigned integer");
	return 0;
}

int kansa_field__time(int64_t *out, const cbor_item_t *v, const char *path)
{
	int error;

	if ((error = kansa_field__int(out, v, path)) < 0)
		return error;
	return kansa_field__check_time(*out, path);
}

int kansa_field__check_time(int64_t t, const char *path)
{
	if (t < 0 || t > KANSA_FIELD_TIME_MAX)
		return kansa_field__error(path, "time out of range (1970 to 9999)");
	return 0;
}

int kansa_field__name_once(char *const *l, size_t i, const char *path)
{
	char pi[128];

	for (size_t k = 0; k < i; k++)
		if (strcmp(l[k], l[i]) == 0) {
			kansa_field__indexpath(pi, path, i);
			return kansa_field__error(pi, "\"%s\" is listed twice", l[i]);
		}
	return 0;
}

void kansa_field__free_names(char **l, size_t n)
{
	for (size_t i = 0; l != NULL && i < n; i++)
		free(l[i]);
	free(l);
}

int kansa_field__names(char ***out, size_t *n_out, const cbor_item_t *v, const char *path, size_t max,
    bool may_be_empty)
{
	char pi[128];
	char **l = NULL;
	size_t n, i;
	int error = 0;

	*out = NULL;
	*n_out = 0;
	if (v == NULL || !cbor_isa_array(v))
		return kansa_field__error(path, "must be an array of names");
	n = cbor_array_size(v);
	if (n > max)
		return kansa_field__limit(path, max);
	if (n == 0)
		return may_be_empty ? 0 : kansa_field__error(path, "must not be empty");
	if ((l = calloc(n, sizeof(*l))) == NULL)
		return kansa_field__nomem();
	for (i = 0; i < n; i++) {
		kansa_field__indexpath(pi, path, i);
		if ((error = kansa_field__text(&l[i], cbor_array_handle(v)[i], pi, KANSA_TEXT_NAME)) < 0)
			goto fail;
		if ((error = kansa_field__name_once(l, i, path)) < 0)
			goto fail;
	}
	*out = l;
	*n_out = n;
	return 0;
fail:
	kansa_field__free_names(l, n);
	return error;
}

int kansa_field__prefixes(kansa_prefix **out, size_t *n_out, const cbor_item_t *v, const char *path,
    size_t max, bool address_only)
{
	char pi[128];
	kansa_prefix *l;
	size_t n;

	*out = NULL;
	*n_out = 0;
	if (v == NULL || !cbor_isa_array(v))
		return kansa_field__error(path, "must be an array of IP %s", address_only ? "addresses" : "prefixes");
	n = cbor_array_size(v);
	if (n > max)
		return kansa_field__limit(path, max);
	if (n == 0)
		return kansa_field__error(path, "must not be empty");
	if ((l = calloc(n, sizeof(*l))) == NULL)
		return kansa_field__nomem();
	for (size_t i = 0; i < n; i++) {
		if (kansa_prefix__from_cbor(&l[i], cbor_array_handle(v)[i], address_only) < 0) {
			free(l);
			kansa_field__indexpath(pi, path, i);
			return kansa_error_prefix("%s", pi);
		}
	}
	*out = l;
	*n_out = n;
	return 0;
}

int kansa_field__window(int64_t w[2], const cbor_item_t *v, const char *path)
{
	char pi[128];
	int error;

	if (v == NULL || !cbor_isa_array(v) || cbor_array_size(v) != 2)
		return kansa_field__error(path, "must be [from, to]");
	for (size_t i = 0; i < 2; i++) {
		kansa_field__indexpath(pi, path, i);
		if ((error = kansa_field__time(&w[i], cbor_array_handle(v)[i], pi)) < 0)
			return error;
	}
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Maps with known keys                                                    */
/* ---------------------------------------------------------------------- */

/* Canonical input has no duplicate keys: each key is seen once. */
int kansa_field__walk(cbor_item_t **vals, const cbor_item_t *map, const kansa_field_def *defs, size_t n,
    const char *path, const char *what)
{
	struct cbor_pair *pairs;
	char pk[128];

	for (size_t k = 0; k < n; k++)
		vals[k] = NULL;
	if (map == NULL || !cbor_isa_map(map))
		return kansa_field__error(path, "must be a map (%s)", what);
	pairs = cbor_map_handle(map);
	for (size_t i = 0; i < cbor_map_size(map); i++) {
		const cbor_item_t *key = pairs[i].key;
		size_t k;

		if (cbor_isa_string(key)) {
			char *s = NULL;

			if (kansa_cbor__get_text(&s, key) < 0)
				return kansa_field__error(path, "a map key is not valid text");
			for (k = 0; k < n; k++)
				if (defs[k].label == 0 && strcmp(defs[k].name, s) == 0)
					break;
			if (k == n) {
				int e = kansa_field__error(path, "unknown key \"%.64s\" in a %s", s, what);

				free(s);
				return e;
			}
			free(s);
		} else if (cbor_is_int(key)) {
			int64_t label;

			if (kansa_cbor__get_int(&label, key) < 0)
				return kansa_field__error(path, "unknown integer key in a %s", what);
			for (k = 0; k < n; k++)
				if (defs[k].label != 0 && defs[k].label == label)
					break;
			if (k == n)
				return kansa_field__error(path, "unknown key %lld in a %s", (long long)label, what);
		} else {
			return kansa_field__error(path, "a map key is neither text nor an integer");
		}
		vals[k] = pairs[i].value;
	}
	for (size_t k = 0; k < n; k++) {
		if (defs[k].required && vals[k] == NULL) {
			kansa_field__subpath(pk, path, defs[k].name);
			return kansa_field__error(pk, "required");
		}
	}
	return 0;
}

int kansa_field__decode(cbor_item_t **root, const uint8_t *in, size_t len, const char *what)
{
	int error;

	if (in == NULL)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_DOCUMENT, "no %s given", what);
	if ((error = kansa_cbor__decode(root, in, len)) < 0)
		return error;
	return 0;
}

int kansa_field__bytes(uint8_t *out, size_t n, const cbor_item_t *v, const char *path)
{
	const uint8_t *p;
	size_t len;

	if (kansa_cbor__get_bytes(&p, &len, v) < 0 || len != n)
		return kansa_field__error(path, "must be %zu bytes", n);
	memcpy(out, p, n);
	return 0;
}

int kansa_field__action(int *out, const cbor_item_t *v, const char *path)
{
	char *s = NULL;

	*out = -1;
	if (kansa_cbor__get_text(&s, v) < 0)
		return kansa_field__error(path, "must be a text string");
	*out = kansa_action__from_name(s);
	if (*out != KANSA_ACT_METADATA_QUERY && *out != KANSA_ACT_NEUTRALIZE) {
		int e = kansa_field__error(path, "\"%.64s\" is not metadata-query or neutralize", s);

		free(s);
		*out = -1;
		return e;
	}
	free(s);
	return 0;
}
