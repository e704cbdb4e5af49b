/* SPDX-License-Identifier: Apache-2.0 */
/* Shared helpers of the keys/ unit tests: temp dirs, vectors, hex. */
#ifndef KANSA_TEST_KEYS_HELPERS_H
#define KANSA_TEST_KEYS_HELPERS_H

#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "keys/keys.h"

static inline const char *vectors_dir(void)
{
	const char *v = getenv("KANSA_VECTORS");
	return v ? v : "tests/vectors";
}

static inline json_t *load_vector(const char *rel)
{
	char path[512];
	json_error_t err;
	json_t *j;

	snprintf(path, sizeof(path), "%s/%s", vectors_dir(), rel);
	j = json_load_file(path, 0, &err);
	cr_assert_not_null(j, "cannot load %s: %s", path, err.text);
	return j;
}

/* Decode hex into a malloc'd buffer. */
static inline uint8_t *unhex(const char *hex, size_t *len)
{
	size_t n = strlen(hex) / 2;
	uint8_t *p = malloc(n ? n : 1);
	char tmp[3] = { 0 };

	cr_assert_not_null(p);
	for (size_t i = 0; i < n; i++) {
		tmp[0] = hex[2 * i];
		tmp[1] = hex[2 * i + 1];
		p[i] = (uint8_t)strtoul(tmp, NULL, 16);
	}
	*len = n;
	return p;
}

/* A fresh temporary directory; the caller removes it with rm_tree. */
static inline char *make_tmpdir(void)
{
	char *d = strdup("/tmp/kansa-test-XXXXXX");
	cr_assert_not_null(mkdtemp(d));
	return d;
}

static inline void rm_tree(char *dir)
{
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_expect_eq(system(cmd), 0);
	free(dir);
}

static inline void write_text(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");
	cr_assert_not_null(f, "cannot write %s", path);
	fputs(text, f);
	fclose(f);
	cr_assert_eq(chmod(path, mode), 0);
}

#endif
