/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The strict field readers of doc_field.h over the pull reader of
 * policy/cbor.h instead of a libcbor item tree: the request's parser
 * (doc_request.c) reads every check's request with them. A value is the
 * head the map walk read and where its item is in the validated input; each
 * item is decoded once, and containers are read on from their first item.
 *
 * Each reader enforces what its tree twin in doc_field.c enforces, with
 * the same messages: known keys only, exact types, bounded texts and
 * lists, no duplicate names. The rules on a text or a time are shared
 * (kansa_field__check_text, kansa_field__check_time).
 */
#include <stdlib.h>
#include <string.h>

#include "policy/doc_field.h"

/* The head of value @p v; false when absent. */
static bool head_of(kansa_cbor_head *h, const kansa_field_val *v)
{
	*h = v->head;
	return v->at != SIZE_MAX;
}

/* A reader at the first item inside container value @p v. */
static kansa_cbor_reader inside(const kansa_cbor_reader *r, const kansa_field_val *v)
{
	kansa_cbor_reader in = *r;

	in.pos = v->body;
	return in;
}

int kansa_field__text_val(char **out, const kansa_field_val *v, const char *path, int what)
{
	kansa_cbor_head h;
	int error;

	*out = NULL;
	if (!head_of(&h, v) || kansa_cbor__head_strdup(out, &h) < 0)
		return kansa_field__error(path, "must be a text string");
	if ((error = kansa_field__check_text(*out, (size_t)h.value, what, path)) < 0) {
		free(*out);
		*out = NULL;
	}
	return error;
}

int kansa_field__bool_val(bool *out, const kansa_field_val *v)
{
	kansa_cbor_head h;

	*out = false;
	if (!head_of(&h, v))
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

/* Item @p i of a name list, not a name: the text reader says why, under its path. */
static int not_a_name(char **out, const kansa_cbor_head *h, const char *path, size_t i)
{
	kansa_field_val v = { .head = *h, .at = 0, .body = 0 };
	char pi[128];
	int error;

	kansa_field__indexpath(pi, path, i);
	if ((error = kansa_field__text_val(out, &v, pi, KANSA_TEXT_NAME)) == 0)
		error = kansa_field__error(pi, "must be a name");
	return error;
}

int kansa_field__names_val(char ***out, size_t *n_out, const kansa_cbor_reader *r, const kansa_field_val *v,
    const char *path, size_t max, bool may_be_empty)
{
	kansa_cbor_reader in = inside(r, v);
	kansa_cbor_head h;
	char **l = NULL;
	size_t n, i;
	int error = 0;

	*out = NULL;
	*n_out = 0;
	if (!head_of(&h, v) || h.major != KANSA_CBOR_ARRAY)
		return kansa_field__error(path, "must be an array of names");
	if (h.value > max)
		return kansa_field__limit(path, max);
	n = (size_t)h.value;
	if (n == 0)
		return may_be_empty ? 0 : kansa_field__error(path, "must not be empty");
	if ((l = calloc(n, sizeof(*l))) == NULL)
		return kansa_field__nomem();
	for (i = 0; i < n; i++) {
		/* a name is one text head: reading it passes it */
		if ((error = kansa_cbor__read(&in, &h)) < 0)
			goto fail;
		if (!is_name(&h)) {
			error = not_a_name(&l[i], &h, path, i);
			goto fail;
		}
		if ((l[i] = kansa_strndup((const char *)h.data, (size_t)h.value)) == NULL) {
			error = kansa_field__nomem();
			goto fail;
		}
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

int kansa_field__prefixes_val(kansa_prefix **out, size_t *n_out, const kansa_cbor_reader *r,
    const kansa_field_val *v, const char *path, size_t max, bool address_only)
{
	kansa_cbor_reader in = inside(r, v);
	kansa_cbor_head h;
	char pi[128];
	kansa_prefix *l;
	size_t n;

	*out = NULL;
	*n_out = 0;
	if (!head_of(&h, v) || h.major != KANSA_CBOR_ARRAY)
		return kansa_field__error(path, "must be an array of IP %s", address_only ? "addresses" : "prefixes");
	if (h.value > max)
		return kansa_field__limit(path, max);
	n = (size_t)h.value;
	if (n == 0)
		return kansa_field__error(path, "must not be empty");
	if ((l = calloc(n, sizeof(*l))) == NULL)
		return kansa_field__nomem();
	for (size_t i = 0; i < n; i++) {
		/* a prefix read whole passes it */
		if (kansa_prefix__read(&l[i], &in, address_only) < 0) {
			free(l);
			kansa_field__indexpath(pi, path, i);
			return kansa_error_prefix("%s", pi);
		}
	}
	*out = l;
	*n_out = n;
	return 0;
}

int kansa_field__window_val(int64_t w[2], const kansa_cbor_reader *r, const kansa_field_val *v,
    const char *path)
{
	kansa_cbor_reader in = inside(r, v);
	kansa_cbor_head h;
	char pi[128];

	if (!head_of(&h, v) || h.major != KANSA_CBOR_ARRAY || h.value != 2)
		return kansa_field__error(path, "must be [from, to]");
	for (size_t i = 0; i < 2; i++) {
		/* an integer is one head: reading it passes it */
		bool is_int = kansa_cbor__read(&in, &h) == 0 && kansa_cbor__head_int(&w[i], &h) == 0;

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

int kansa_field__action_val(int *out, const kansa_field_val *v, const char *path)
{
	kansa_cbor_head h;
	char *s = NULL;
	int e;

	*out = -1;
	if (!head_of(&h, v) || kansa_cbor__head_strdup(&s, &h) < 0)
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
int kansa_field__walk_val(kansa_field_val *vals, const kansa_cbor_reader *r, size_t at,
    const kansa_field_def *defs, size_t n, const char *path, const char *what)
{
	kansa_cbor_reader in = *r;
	kansa_cbor_head h;
	char pk[128];
	int error;

	for (size_t k = 0; k < n; k++) {
		vals[k].head.major = -1;
		vals[k].at = SIZE_MAX;
		vals[k].body = SIZE_MAX;
	}
	in.pos = at;
	if (kansa_cbor__read(&in, &h) < 0 || h.major != KANSA_CBOR_MAP)
		return kansa_field__error(path, "must be a map (%s)", what);
	for (uint64_t i = 0; i < h.value; i++) {
		kansa_field_val *v;
		size_t k = 0;

		if ((error = match_key(&k, &in, defs, n, path, what)) < 0)
			return error;
		v = &vals[k];
		v->at = in.pos;
		if ((error = kansa_cbor__read(&in, &v->head)) < 0)
			return error;
		v->body = in.pos;
		if ((error = kansa_cbor__skip_rest(&in, &v->head)) < 0)
			return error;
	}
	for (size_t k = 0; k < n; k++) {
		if (defs[k].required && vals[k].at == SIZE_MAX) {
			kansa_field__subpath(pk, path, defs[k].name);
			return kansa_field__error(pk, "required");
		}
	}
	return 0;
}
