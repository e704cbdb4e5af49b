/* SPDX-License-Identifier: Apache-2.0 */
/* Shared helpers of the cbor and cose unit tests: vectors, hex, files. */
#ifndef KANSA_TEST_CBOR_HELPERS_H
#define KANSA_TEST_CBOR_HELPERS_H

#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/cbor.h"

/* tests/vectors: $KANSA_VECTORS (set by make check), else next to this file. */
static inline const char *vectors_dir(void)
{
	static char path[1024];
	const char *v = getenv("KANSA_VECTORS");
	const char *s;
	size_t n;

	if (v != NULL)
		return v;
	s = getenv("KANSA_SRCDIR");
	if (s != NULL) {
		snprintf(path, sizeof(path), "%s/tests/vectors", s);
		return path;
	}
	/* __FILE__ is .../tests/unit/policy/cbor/helpers.h */
	n = strlen(__FILE__);
	snprintf(path, sizeof(path), "%.*s/vectors", (int)(n - strlen("/unit/policy/cbor/helpers.h")), __FILE__);
	return path;
}

static inline json_t *load_json(const char *rel, size_t flags)
{
	char path[1200];
	json_error_t err;
	json_t *j;

	snprintf(path, sizeof(path), "%s/%s", vectors_dir(), rel);
	j = json_load_file(path, flags, &err);
	cr_assert_not_null(j, "cannot load %s: %s", path, err.text);
	return j;
}

/* Decode hex (either case) into a malloc'd buffer. */
static inline uint8_t *unhex(const char *hex, size_t *len)
{
	size_t n = strlen(hex) / 2;
	uint8_t *p = malloc(n ? n : 1);
	char tmp[3] = { 0 };

	cr_assert_not_null(p);
	cr_assert_eq(strlen(hex) % 2, 0, "odd hex: %s", hex);
	for (size_t i = 0; i < n; i++) {
		tmp[0] = hex[2 * i];
		tmp[1] = hex[2 * i + 1];
		p[i] = (uint8_t)strtoul(tmp, NULL, 16);
	}
	*len = n;
	return p;
}

/* Lowercase hex of a buffer, malloc'd. */
static inline char *tohex(const uint8_t *p, size_t n)
{
	char *s = malloc(2 * n + 1);

	cr_assert_not_null(s);
	for (size_t i = 0; i < n; i++)
		snprintf(s + 2 * i, 3, "%02x", p[i]);
	s[2 * n] = '\0';
	return s;
}

static inline void lower(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'F')
			*s = (char)(*s - 'A' + 'a');
}

/* kansa_cbor__validate over a hex string. */
static inline int validate_hex(const char *hex)
{
	size_t n;
	uint8_t *p = unhex(hex, &n);
	int rc = kansa_cbor__validate(p, n);

	free(p);
	return rc;
}

/* Encode an item (which is consumed) and return lowercase hex, or NULL with
 * *rc set when encoding failed. */
static inline char *encode_hex(cbor_item_t *item, int *rc)
{
	uint8_t *out = NULL;
	size_t n = 0;
	char *h = NULL;

	cr_assert_not_null(item);
	*rc = kansa_cbor__encode(&out, &n, item);
	cbor_decref(&item);
	if (*rc == 0)
		h = tohex(out, n);
	free(out);
	return h;
}

#endif
