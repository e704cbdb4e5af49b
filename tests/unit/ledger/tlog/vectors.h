/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Helpers shared by the merkle and note tests: find and load the JSON
 * vectors of tests/vectors/ (from $KANSA_VECTORS, else the source path) and
 * decode their hex and base64 fields. Header-only; test code, not library.
 */
#ifndef KANSA_TEST_VECTORS_H
#define KANSA_TEST_VECTORS_H

#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keys/keys.h"

/* The vectors directory: $KANSA_VECTORS, or tests/vectors next to this file. */
static inline const char *tv_dir(void)
{
	static char path[4096];
	const char *env = getenv("KANSA_VECTORS");
	const char *slash;

	if (env != NULL && env[0] != '\0')
		return env;
	/* __FILE__ is .../tests/unit/ledger/tlog/vectors.h */
	slash = strstr(__FILE__, "tests/unit/");
	if (slash == NULL)
		return "tests/vectors";
	snprintf(path, sizeof(path), "%.*stests/vectors", (int)(slash - __FILE__), __FILE__);
	return path;
}

static inline json_t *tv_load(const char *rel)
{
	char path[8192];
	json_error_t err;
	json_t *j;

	snprintf(path, sizeof(path), "%s/%s", tv_dir(), rel);
	j = json_load_file(path, 0, &err);
	cr_assert_not_null(j, "cannot load %s: %s (line %d)", path, err.text, err.line);
	return j;
}

/* Read a whole file relative to the vectors directory; NUL-terminated. */
static inline char *tv_read(const char *rel, size_t *len_out)
{
	char path[8192];
	FILE *f;
	char *buf;
	long n;

	snprintf(path, sizeof(path), "%s/%s", tv_dir(), rel);
	f = fopen(path, "rb");
	cr_assert_not_null(f, "cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	cr_assert_not_null(buf);
	cr_assert_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len_out = (size_t)n;
	return buf;
}

/*
 * Load a JSON file whose integers may exceed jansson's int64 (the probes use
 * 2^64 - 1): every unquoted run of 19 or more digits is quoted first, and
 * tv_u64 reads such strings back as numbers.
 */
static inline json_t *tv_load_bigint(const char *rel)
{
	size_t len, o = 0;
	char *in = tv_read(rel, &len), *out = malloc(2 * len + 1);
	bool in_str = false;
	json_error_t err;
	json_t *j;

	cr_assert_not_null(out);
	for (size_t i = 0; i < len;) {
		if (in_str) {
			if (in[i] == '\\') {
				out[o++] = in[i++];
			} else if (in[i] == '"') {
				in_str = false;
			}
			out[o++] = in[i++];
		} else if (in[i] == '"') {
			in_str = true;
			out[o++] = in[i++];
		} else if (in[i] >= '0' && in[i] <= '9') {
			size_t n = strspn(in + i, "0123456789");
			if (n >= 19)
				out[o++] = '"';
			memcpy(out + o, in + i, n);
			o += n;
			if (n >= 19)
				out[o++] = '"';
			i += n;
		} else {
			out[o++] = in[i++];
		}
	}
	out[o] = '\0';
	j = json_loads(out, 0, &err);
	cr_assert_not_null(j, "cannot parse %s: %s (line %d)", rel, err.text, err.line);
	free(in);
	free(out);
	return j;
}

static inline const char *tv_str(const json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));
	cr_assert_not_null(s, "missing string field %s", key);
	return s;
}

static inline uint64_t tv_u64(const json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);
	if (json_is_string(v))
		return strtoull(json_string_value(v), NULL, 10);
	cr_assert(json_is_integer(v), "missing integer field %s", key);
	return (uint64_t)json_integer_value(v);
}

/* Decode a hex string of any even length into out (room for cap); returns the length. */
static inline size_t tv_hex(uint8_t *out, size_t cap, const char *hex)
{
	size_t n = strlen(hex) / 2;
	char tmp[3] = { 0 };

	cr_assert_leq(n, cap, "hex too long: %s", hex);
	for (size_t i = 0; i < n; i++) {
		tmp[0] = hex[2 * i];
		tmp[1] = hex[2 * i + 1];
		out[i] = (uint8_t)strtoul(tmp, NULL, 16);
	}
	return n;
}

static inline void tv_hash_hex(uint8_t out[KANSA_HASH_LEN], const char *hex)
{
	cr_assert_eq(strlen(hex), 2 * KANSA_HASH_LEN, "not a 32-byte hash: %s", hex);
	cr_assert_eq(kansa_hex_decode(out, KANSA_HASH_LEN, hex), 0);
}

/* Decode a base64 field (null => empty) with the library decoder; returns
 * the length, or (size_t)-1 when it does not fit in cap. */
static inline size_t tv_b64(uint8_t *out, size_t cap, const json_t *v)
{
	const char *s = json_is_null(v) || v == NULL ? "" : json_string_value(v);
	uint8_t tmp[1024];
	size_t n;

	cr_assert_not_null(s);
	cr_assert_eq(kansa_base64_decode(tmp, sizeof(tmp), &n, s, strlen(s)), 0, "bad base64 %s", s);
	if (n > cap)
		return (size_t)-1;
	memcpy(out, tmp, n);
	return n;
}

#endif
