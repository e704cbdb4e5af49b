/* SPDX-License-Identifier: Apache-2.0 */
/* Shared helpers of the storage tests: temp dirs, keys, trivial entries, chain checks. */
#ifndef KANSA_TEST_STORE_HELPERS_H
#define KANSA_TEST_STORE_HELPERS_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "keys/keys.h"
#include "ledger/store/store.h"

#define RAW_KEY_A "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
#define RAW_KEY_B "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100"

/* A fresh directory per test, and the ledger path inside it. */
static inline void tmp_db(char *dir, size_t dsize, char *path, size_t psize)
{
	snprintf(dir, dsize, "/tmp/kansa-store-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, psize, "%s/ledger.db", dir);
}

/*
 * KANSA_TEST_DB_URI names a PostgreSQL database (tests/unit/store-pg.sh
 * makes one): the engine-independent tests then run against it instead of
 * a SQLCipher file, and the file tests skip. Criterion must run one test
 * at a time then (--jobs 1): each test empties that database first.
 */
static inline const char *test_db_uri(void)
{
	const char *u = getenv("KANSA_TEST_DB_URI");
	return u && u[0] ? u : NULL;
}

/* Run SQL on the test database (libpq, one connection per call). */
static inline void pg_sql(const char *sql)
{
	PGconn *c = PQconnectdb(test_db_uri());
	PGresult *r;

	cr_assert_eq(PQstatus(c), CONNECTION_OK, "%s", PQerrorMessage(c));
	r = PQexec(c, sql);
	cr_assert(PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK,
	    "%s: %s", sql, PQresultErrorMessage(r));
	PQclear(r);
	PQfinish(c);
}

/* The ledger to test: a file in a fresh directory, or the emptied database. */
static inline void test_target(char *dir, size_t dsize, char *path, size_t psize)
{
	tmp_db(dir, dsize, path, psize);
	if (test_db_uri()) {
		snprintf(path, psize, "%s", test_db_uri());
		pg_sql("SET client_min_messages = warning; DROP SCHEMA public CASCADE; CREATE SCHEMA public");
	}
}

/* At the top of a test of the SQLCipher file itself. */
#define FILE_ENGINE_ONLY() do { \
	if (test_db_uri()) \
		cr_skip_test("a test of the SQLCipher file (KANSA_TEST_DB_URI is set)"); \
} while (0)

static inline void rm_db(const char *dir)
{
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_expect_eq(system(cmd), 0);
}

static inline kansa_secret *secret(const char *text)
{
	kansa_secret *s = NULL;
	cr_assert_eq(kansa_secret_from(&s, text, strlen(text)), 0);
	return s;
}

static inline void leaf_of(uint8_t out[KANSA_HASH_LEN], const uint8_t *body, size_t len)
{
	uint8_t *buf = malloc(len + 1);
	cr_assert_not_null(buf);
	buf[0] = 0x00;
	memcpy(buf + 1, body, len);
	cr_assert_eq(kansa_sha256(out, buf, len + 1), 0);
	free(buf);
}

/*
 * The trivial test entry: "entry <seq> prev <hex> tag <tag>", leaf hash =
 * SHA-256(0x00 || body). Carrying prev in the body lets a reader check the
 * chain from bodies alone.
 */
typedef struct {
	const char *tag;        /* who appended */
	int64_t time;           /* 0: last_time + 1 */
	int fail;               /* return this instead of building */
	bool has_warrant;       /* fields copied into the entry */
	bool allowed;
	uint8_t warrant_hash[KANSA_HASH_LEN];
	uint8_t warrant_cti[16];
	bool is_revocation;
	uint8_t revoked_cti[16];
	const char *doc;        /* a document to store with the entry */
	bool corrupt_leaf;      /* give a wrong leaf hash */
	size_t pad;             /* when larger than the text: the body's length ('x' after it) */
	/* what the callback saw */
	uint64_t seen_uses;
	bool seen_revoked;
	bool query;             /* query uses(warrant_hash) and is_revoked(warrant_cti) */
	kansa_store_pos seen;
} tentry;

static inline int tbuild(void *ctx, kansa_store *s, const kansa_store_pos *pos,
    kansa_store_entry *out)
{
	tentry *t = ctx;
	char prev[2 * KANSA_HASH_LEN + 1], text[256];
	int n;

	t->seen = *pos;
	if (t->query) {
		int e1 = kansa_store__uses(&t->seen_uses, s, t->warrant_cti);
		int e2 = kansa_store__is_revoked(&t->seen_revoked, NULL, s, t->warrant_cti);
		if (e1 < 0 || e2 < 0)
			return e1 < 0 ? e1 : e2;
	}
	if (t->fail)
		return kansa_error_set(t->fail, KANSA_ERRCLASS_LEDGER, "test callback fails");
	kansa_hex_encode(prev, pos->prev, KANSA_HASH_LEN);
	n = snprintf(text, sizeof(text), "entry %llu prev %s tag %s", (unsigned long long)pos->seq,
	    prev, t->tag ? t->tag : "-");
	out->body_len = t->pad > (size_t)n ? t->pad : (size_t)n;
	out->body = malloc(out->body_len);
	if (out->body == NULL)
		return KANSA_ENOMEM;
	memset(out->body, 'x', out->body_len);
	memcpy(out->body, text, (size_t)n);
	out->time = t->time ? t->time
	    : (pos->last_time == INT64_MIN ? 1700000000 : pos->last_time + 1);
	out->kind = 1;
	leaf_of(out->leaf_hash, out->body, out->body_len);
	if (t->corrupt_leaf)
		out->leaf_hash[0] ^= 1;
	out->has_decision = true;
	out->allowed = t->allowed;
	out->has_warrant = t->has_warrant;
	memcpy(out->warrant_hash, t->warrant_hash, KANSA_HASH_LEN);
	memcpy(out->warrant_cti, t->warrant_cti, 16);
	out->is_revocation = t->is_revocation;
	memcpy(out->revoked_cti, t->revoked_cti, 16);
	if (t->doc) {
		out->n_docs = 1;
		out->docs[0].body = (const uint8_t *)t->doc;
		out->docs[0].len = strlen(t->doc);
		out->docs[0].kind = 7;
	}
	return 0;
}

static inline int append_simple(kansa_store *s, const char *tag, uint64_t *seq)
{
	tentry t = { .tag = tag };
	return kansa_store__append(s, tbuild, &t, seq);
}

/*
 * Walk the whole ledger with an iterator: seq 0..n-1 without gaps, each
 * body names the previous leaf hash, each leaf hash matches its body.
 * Returns the number of entries.
 */
static inline uint64_t check_chain(kansa_store *s)
{
	kansa_store_iter *it = NULL;
	kansa_store_row row;
	uint8_t prev[KANSA_HASH_LEN] = { 0 }, leaf[KANSA_HASH_LEN];
	uint64_t n = 0;
	int64_t last_time = INT64_MIN;
	int rc;

	cr_assert_eq(kansa_store__iter_new(&it, s, 0), 0, "%s", kansa_error_last()->message);
	while ((rc = kansa_store__iter_next(&row, it)) == 1) {
		char want[64 + 2 * KANSA_HASH_LEN], hex[2 * KANSA_HASH_LEN + 1];
		cr_assert_eq(row.seq, n, "gap at %llu", (unsigned long long)n);
		kansa_hex_encode(hex, prev, KANSA_HASH_LEN);
		int w = snprintf(want, sizeof(want), "entry %llu prev %s ", (unsigned long long)n, hex);
		cr_assert(row.body_len > (size_t)w && memcmp(row.body, want, (size_t)w) == 0,
		    "entry %llu does not link to its predecessor", (unsigned long long)n);
		leaf_of(leaf, row.body, row.body_len);
		cr_assert(memcmp(leaf, row.leaf_hash, KANSA_HASH_LEN) == 0);
		cr_assert_geq(row.time, last_time);
		last_time = row.time;
		memcpy(prev, row.leaf_hash, KANSA_HASH_LEN);
		n++;
	}
	cr_assert_eq(rc, 0, "%s", kansa_error_last()->message);
	kansa_store__iter_free(it);
	return n;
}

/* SHA-256 of a whole file, to show that a failed open changed nothing. */
static inline void file_hash(uint8_t out[KANSA_HASH_LEN], const char *path)
{
	FILE *f = fopen(path, "rb");
	static uint8_t buf[1 << 22];
	size_t n;

	cr_assert_not_null(f);
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	cr_assert_eq(kansa_sha256(out, buf, n), 0);
}

#endif
