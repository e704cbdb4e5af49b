/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The strict field readers of doc_field.h over the pull reader of
 * policy/cbor.h instead of a libcbor item tree: the request's parser
 * (doc_request.c) reads every check's request with them. A value is the
 * offset of its item in the validated input; SIZE_MAX is an absent one.
 *
 * Each reader enforces what its tree twin in doc_field.c enforces, with
 * the same messages: known keys only, exact types, bounded texts and
 * lists, no duplicate names. The rules on a text or a time are shared
 * (kansa_field__check_text, kansa_field__check_time).
 */
#include <stdlib.h>
#include <string.h>

#include "policy/doc_field.h"

/* The head of the item at @p at; false when absent or unreadable. */
static bool head_at(kansa_cbor_head *h, const kansa_cbor_reader *r, size_t at)
{
	if (at == SIZE_MAX) {
		h->major = -1;
		return false;
	}
	return kansa_cbor__read_at(r, at, h) == 0;
}

/* The offsets of the @p n items of the array whose head is at @p at. */
static int items_at(size_t *offs, size_t n, const kansa_cbor_reader *r, size_t at)
{
	kansa_cbor_reader in = *r;
	kansa_cbor_head h;
	int error;

	in.pos = at;
	if ((error = kansa_cbor__read(&in, &h)) < 0)
		return error;
	for (size_t i = 0; i < n; i++) {
		offs[i] = in.pos;
		if ((error = kansa_cbor__skip(&in)) < 0)
			return error;
	}
	return 0;
}

int kansa_field__text_at(char **out, const kansa_cbor_reader *r, size_t at, const char *path, int what)
{
	kansa_cbor_head h;
	int error;

	*out = NULL;
	if (!head_at(&h, r, at) || kansa_cbor__head_strdup(out, &h) < 0)
		return kansa_field__error(path, "must be a text string");
	if ((error = kansa_field__check_text(*out, (size_t)h.value, what, path)) < 0) {
		free(*out);
		*out = NULL;
	}
	return error;
}

int kansa_field__bool_at(bool *out, const kansa_cbor_reader *r, size_t at)
{
	kansa_cbor_head h;

	*out = false;
	if (!head_at(&h, r, at))
		return kansa_cbor__head_bool(out, NULL);
	return kansa_cbor__head_bool(out, &h);
}

/* Whether @p h is a text that kansa_field__check_text takes as a
 * KANSA_TEXT_NAME: 1..64 of [A-Za-z0-9._@-]. */
static bool is_name(const kansa_cbor_head *h)
{
	if (h->major != KANSA_CBOR_TEXT || h->value == 0 || h->value > 64)
		return false;
	for (size_t i = 0; i < h->value; i++) {
		unsigned char c = h->data[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '.' || c == '_' || c == '@' || c == '-'))
			return false;
	}
	return true;
}

int kansa_field__names_at(char ***out, size_t *n_out, const kansa_cbor_reader *r, size_t at,
    const char *path, size_t max, bool may_be_empty)
{
	kansa_cbor_reader in = *r;
	kansa_cbor_head h;
	char pi[128];
	char **l = NULL;
	size_t n, i;
	int error = 0;

	*out = NULL;
	*n_out = 0;
	if (!head_at(&h, r, at) || h.major != KANSA_CBOR_ARRAY)
		return kansa_field__error(path, "must be an array of names");
	if (h.value > max)
		return kansa_field__limit(path, max);
	n = (size_t)h.value;
	if (n == 0)
		return may_be_empty ? 0 : kansa_field__error(path, "must not be empty");
	if ((l = calloc(n, sizeof(*l))) == NULL)
		return kansa_field__nomem();
	in.pos = at;
	if ((error = kansa_cbor__read(&in, &h)) < 0)
		goto fail;
	for (i = 0; i < n; i++) {
		size_t item = in.pos;

		if ((error = kansa_cbor__read(&in, &h)) < 0)
			goto fail;
		if (is_name(&h)) {
			if ((l[i] = kansa_strndup((const char *)h.data, (size_t)h.value)) == NULL) {
				error = kansa_field__nomem();
				goto fail;
			}
		} else {
			/* not a name: the text reader says why, under the item's path */
			kansa_field__indexpath(pi, path, i);
			error = kansa_field__text_at(&l[i], r, item, pi, KANSA_TEXT_NAME);
			if (error == 0)
				error = kansa_field__error(pi, "must be a name");
			goto fail;
		}
		for (size_t k = 0; k < i; k++) {
			if (strcmp(l[k], l[i]) == 0) {
				kansa_field__indexpath(pi, path, i);
				error = kansa_field__error(pi, "\"%s\" is listed twice", l[i]);
				goto fail;
			}
		}
	}
	*out = l;
	*n_out = n;
	return 0;
fail:
	kansa_field__free_names(l, n);
	return error;
}

int kansa_field__prefixes_at(kansa_prefix **out, size_t *n_out, const kansa_cbor_reader *r, size_t at,
    const char *path, size_t max, bool address_only)
{
	kansa_cbor_reader in = *r;
	kansa_cbor_head h;
	char pi[128];
	kansa_prefix *l;
	size_t n;
	int error;

	*out = NULL;
	*n_out = 0;
	if (!head_at(&h, r, at) || h.major != KANSA_CBOR_ARRAY)
		return kansa_field__error(path, "must be an array of IP %s", address_only ? "addresses" : "prefixes");
	if (h.value > max)
		return kansa_field__limit(path, max);
	n = (size_t)h.value;
	if (n == 0)
		return kansa_field__error(path, "must not be empty");
	if ((l = calloc(n, sizeof(*l))) == NULL)
		return kansa_field__nomem();
	in.pos = at;
	if ((error = kansa_cbor__read(&in, &h)) < 0) {
		free(l);
		return error;
	}
	for (size_t i = 0; i < n; i++) {
		size_t item = in.pos;

		if (kansa_prefix__from_head(&l[i], r, item, address_only) < 0) {
			free(l);
			kansa_field__indexpath(pi, path, i);
			return kansa_error_prefix("%s", pi);
		}
		if ((error = kansa_cbor__skip(&in)) < 0) {
			free(l);
			return error;
		}
	}
	*out = l;
	*n_out = n;
	return 0;
}

int kansa_field__window_at(int64_t w[2], const kansa_cbor_reader *r, size_t at, const char *path)
{
	kansa_cbor_head h;
	size_t offs[2];
	char pi[128];
	int error;

	if (!head_at(&h, r, at) || h.major != KANSA_CBOR_ARRAY || h.value != 2)
		return kansa_field__error(path, "must be [from, to]");
	if ((error = items_at(offs, 2, r, at)) < 0)
		return error;
	for (size_t i = 0; i < 2; i++) {
		bool is_int = head_at(&h, r, offs[i]) && kansa_cbor__head_int(&w[i], &h) == 0;

		if (is_int && w[i] >= 0 && w[i] <= KANSA_FIELD_TIME_MAX)
			continue;
		/* the item's path only for its message */
		kansa_field__indexpath(pi, path, i);
		if (!is_int)
			return kansa_field__error(pi, "must be an integer");
		return kansa_field__check_time(w[i], pi);
	}
	return 0;
}

int kansa_field__action_at(int *out, const kansa_cbor_reader *r, size_t at, const char *path)
{
	kansa_cbor_head h;
	char *s = NULL;
	int e;

	*out = -1;
	if (!head_at(&h, r, at) || kansa_cbor__head_strdup(&s, &h) < 0)
		return kansa_field__error(path, "must be a text string");
	*out = kansa_action__from_name(s);
	if (*out == KANSA_ACT_METADATA_QUERY || *out == KANSA_ACT_NEUTRALIZE) {
		free(s);
		return 0;
	}
	e = kansa_field__error(path, "\"%.64s\" is not metadata-query or neutralize", s);
	free(s);
	*out = -1;
	return e;
}

/* Which of @p defs the key at the reader's position is; moves past it. */
static int match_key(size_t *k_out, kansa_cbor_reader *in, const kansa_field_def *defs, size_t n,
    const char *path, const char *what)
{
	kansa_cbor_head key;
	size_t k;
	int error;

	if ((error = kansa_cbor__read(in, &key)) < 0)
		return error;
	if (key.major == KANSA_CBOR_TEXT) {
		const char *s;
		size_t len;

		if (kansa_cbor__head_text(&s, &len, &key) < 0)
			return kansa_field__error(path, "a map key is not valid text");
		for (k = 0; k < n; k++)
			if (defs[k].label == 0 && len > 0 && defs[k].name[0] == s[0] && strlen(defs[k].name) == len &&
			    memcmp(defs[k].name, s, len) == 0)
				break;
		if (k == n)
			return kansa_field__error(path, "unknown key \"%.*s\" in a %s", (int)(len < 64 ? len : 64), s,
			    what);
	} else if (key.major == KANSA_CBOR_UINT || key.major == KANSA_CBOR_NEGINT) {
		int64_t label;

		if (kansa_cbor__head_int(&label, &key) < 0)
			return kansa_field__error(path, "unknown integer key in a %s", what);
		for (k = 0; k < n; k++)
			if (defs[k].label != 0 && defs[k].label == label)
				break;
		if (k == n)
			return kansa_field__error(path, "unknown key %lld in a %s", (long long)label, what);
	} else {
		return kansa_field__error(path, "a map key is neither text nor an integer");
	}
	*k_out = k;
	return 0;
}

/* Canonical input has no duplicate keys: each key is seen once. */
int kansa_field__walk_at(size_t *vals, const kansa_cbor_reader *r, size_t at, const kansa_field_def *defs,
    size_t n, const char *path, const char *what)
{
	kansa_cbor_reader in = *r;
	kansa_cbor_head h;
	char pk[128];
	int error;

	for (size_t k = 0; k < n; k++)
		vals[k] = SIZE_MAX;
	if (!head_at(&h, r, at) || h.major != KANSA_CBOR_MAP)
		return kansa_field__error(path, "must be a map (%s)", what);
	in.pos = at;
	if ((error = kansa_cbor__read(&in, &h)) < 0)
		return error;
	for (uint64_t i = 0; i < h.value; i++) {
		size_t k = 0;

		if ((error = match_key(&k, &in, defs, n, path, what)) < 0)
			return error;
		vals[k] = in.pos;
		if ((error = kansa_cbor__skip(&in)) < 0)
			return error;
	}
	for (size_t k = 0; k < n; k++) {
		if (defs[k].required && vals[k] == SIZE_MAX) {
			kansa_field__subpath(pk, path, defs[k].name);
			return kansa_field__error(pk, "required");
		}
	}
	return 0;
}
