/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The limits of the PostgreSQL sections, measured through libpq on the
 * server the ledger uses, in the same run: durable single-row inserts (one
 * row per transaction, synchronous_commit on, as every kansa session sets),
 * inserts in transactions of 1,000 rows, and a scan in pages of 256 rows
 * (as the engine's iterator reads), into and from a scratch table shaped
 * like the engine's entries (seq, time, kind, body bytea of an entry's
 * sealed size, leaf_hash with its index) in a schema of its own, dropped
 * afterwards. Each statement is one round trip with binary parameters and
 * results, as the engine's are. AES-256-GCM opens of a body of that size
 * (OpenSSL, one core) explain the replay: the engine decrypts every body.
 *
 * Also the harness's own libpq: an empty schema for each ledger of the
 * sections (a kansa ledger fills one schema of a database), and the mean
 * sealed body size of a ledger's entries, so the scratch rows have it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>
#include <openssl/evp.h>

#include "bench/bench.h"

#define RAW_SCHEMA "kansa_bench_raw"
#define PAGE 256    /* rows per scan query */
#define HASH_LEN 32
#define NONCE_LEN 12
#define TAG_LEN 16

struct bench_pg_raw {
	PGconn *conn;
	uint8_t *body;     /* the row's body (its first 8 bytes: the seq) */
	size_t body_len;
	int64_t next;      /* next seq */
};

static PGconn *connect_or_die(const char *uri)
{
	PGconn *conn = PQconnectdb(uri);

	if (conn == NULL || PQstatus(conn) != CONNECTION_OK) {
		fprintf(stderr, "kansa-bench: cannot connect to the PostgreSQL server: %s",
		    conn ? PQerrorMessage(conn) : "out of memory\n");
		exit(4);
	}
	return conn;
}

/* Run @p sql (statements without results); die with the server's message. */
static void exec_or_die(PGconn *conn, const char *sql)
{
	PGresult *r = PQexec(conn, sql);

	if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK) {
		fprintf(stderr, "kansa-bench: PostgreSQL: %s: %s", sql, PQerrorMessage(conn));
		exit(5);
	}
	PQclear(r);
}

bool bench_pg_reachable(const char *uri)
{
	PGconn *conn = PQconnectdb(uri);
	bool ok = conn != NULL && PQstatus(conn) == CONNECTION_OK;

	if (!ok)
		fprintf(stderr, "kansa-bench: cannot connect to the PostgreSQL server (--pg): %s",
		    conn ? PQerrorMessage(conn) : "out of memory\n");
	PQfinish(conn);
	return ok;
}

char *bench_pg_schema(const char *uri, const char *schema, bool reset)
{
	PGconn *conn = connect_or_die(uri);
	char sql[256], *out;
	size_t len = strlen(uri) + strlen(schema) + 40;

	snprintf(sql, sizeof(sql), reset ? "SET client_min_messages = warning; DROP SCHEMA IF EXISTS %s"
	    " CASCADE; CREATE SCHEMA %s" : "SET client_min_messages = warning; CREATE SCHEMA IF NOT"
	    " EXISTS %s", schema, schema);
	exec_or_die(conn, sql);
	PQfinish(conn);
	if ((out = malloc(len)) == NULL)
		bench_fail("uri", KANSA_ENOMEM);
	/* the sessions' search_path: the engine's unqualified tables are the schema's */
	snprintf(out, len, "%s%coptions=-csearch_path%%3D%s", uri, strchr(uri, '?') ? '&' : '?', schema);
	return out;
}

double bench_pg_body_bytes(const char *uri, const char *schema)
{
	PGconn *conn = connect_or_die(uri);
	char sql[256];
	PGresult *r;
	double v = 0;

	snprintf(sql, sizeof(sql), "SELECT avg(octet_length(body))::float8 FROM %s.entries WHERE seq > 0",
	    schema);
	r = PQexec(conn, sql);
	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 && !PQgetisnull(r, 0, 0))
		v = strtod(PQgetvalue(r, 0, 0), NULL);
	PQclear(r);
	PQfinish(conn);
	if (v <= 0)
		bench_fail("PostgreSQL: no entry to take the body size from", KANSA_ENOTFOUND);
	return v;
}

bench_pg_raw *bench_pg_raw_open(const char *uri, size_t body_bytes)
{
	bench_pg_raw *r = calloc(1, sizeof(*r));
	PGresult *res;

	if (r == NULL || (r->body = malloc(body_bytes + 8)) == NULL)
		bench_fail("raw", KANSA_ENOMEM);
	r->body_len = body_bytes < 8 ? 8 : body_bytes;
	memset(r->body, 0x3c, r->body_len);
	r->conn = connect_or_die(uri);
	exec_or_die(r->conn, "SET synchronous_commit = on; SET client_min_messages = warning;"
	    " DROP SCHEMA IF EXISTS " RAW_SCHEMA " CASCADE; CREATE SCHEMA " RAW_SCHEMA ";"
	    " CREATE TABLE " RAW_SCHEMA ".entries(seq bigint PRIMARY KEY CHECK (seq >= 0),"
	    " time bigint NOT NULL, kind integer NOT NULL, body bytea NOT NULL,"
	    " leaf_hash bytea NOT NULL);"
	    " CREATE INDEX ON " RAW_SCHEMA ".entries(leaf_hash)");
	res = PQprepare(r->conn, "ins", "INSERT INTO " RAW_SCHEMA ".entries(seq, time, kind, body,"
	    " leaf_hash) VALUES($1, $2, $3, $4, $5)", 5, NULL);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		fprintf(stderr, "kansa-bench: PostgreSQL: prepare: %s", PQerrorMessage(r->conn));
		exit(5);
	}
	PQclear(res);
	res = PQprepare(r->conn, "page", "SELECT seq, time, kind, body, leaf_hash FROM " RAW_SCHEMA
	    ".entries WHERE seq >= $1 ORDER BY seq LIMIT $2", 2, NULL);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		fprintf(stderr, "kansa-bench: PostgreSQL: prepare: %s", PQerrorMessage(r->conn));
		exit(5);
	}
	PQclear(res);
	return r;
}

void bench_pg_raw_close(bench_pg_raw *r)
{
	if (r == NULL)
		return;
	exec_or_die(r->conn, "SET client_min_messages = warning; DROP SCHEMA " RAW_SCHEMA " CASCADE");
	PQfinish(r->conn);
	free(r->body);
	free(r);
}

static void put_be(uint8_t *p, uint64_t v, int n)
{
	for (int i = n - 1; i >= 0; i--) {
		p[i] = (uint8_t)(v & 0xff);
		v >>= 8;
	}
}

static uint64_t get_be(const uint8_t *p, int n)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

/* One INSERT of the next row (one round trip). */
static void insert_row(bench_pg_raw *r)
{
	uint8_t seq[8], t[8], kind[4], hash[HASH_LEN];
	const char *v[5] = { (char *)seq, (char *)t, (char *)kind, (char *)r->body, (char *)hash };
	int len[5] = { 8, 8, 4, (int)r->body_len, HASH_LEN }, fmt[5] = { 1, 1, 1, 1, 1 };
	PGresult *res;

	put_be(seq, (uint64_t)r->next, 8);
	put_be(t, (uint64_t)r->next + 1700000000000ull, 8);
	put_be(kind, 1, 4);
	memcpy(r->body, seq, 8); /* distinct rows */
	memset(hash, 0xa5, sizeof(hash));
	memcpy(hash, seq, 8);
	res = PQexecPrepared(r->conn, "ins", 5, v, len, fmt, 1);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		fprintf(stderr, "kansa-bench: PostgreSQL insert: %s", PQerrorMessage(r->conn));
		exit(5);
	}
	PQclear(res);
	r->next++;
}

/* Insert rows in transactions of @p per_txn (1: each INSERT its own) for
 * about @p seconds, at least one transaction; adds rows and time. */
static void insert_for(bench_pg_raw *r, double seconds, uint64_t per_txn, uint64_t *rows,
    double *secs)
{
	double t0 = bench_now(), t;
	uint64_t n = 0;

	do {
		if (per_txn > 1)
			exec_or_die(r->conn, "BEGIN");
		for (uint64_t i = 0; i < per_txn; i++)
			insert_row(r);
		if (per_txn > 1)
			exec_or_die(r->conn, "COMMIT");
		n += per_txn;
	} while ((t = bench_now() - t0) < seconds);
	*rows += n;
	*secs += t;
}

void bench_pg_limit_durable(void *raw, double seconds, uint64_t *n, double *secs)
{
	insert_for(raw, seconds, 1, n, secs);
}

void bench_pg_limit_batch(void *raw, double seconds, uint64_t *n, double *secs)
{
	insert_for(raw, seconds, 1000, n, secs);
}

/* One pass over the table in pages; returns the rows read. */
static uint64_t scan_pass(bench_pg_raw *r)
{
	uint8_t from[8], page[8];
	const char *v[2] = { (char *)from, (char *)page };
	int len[2] = { 8, 8 }, fmt[2] = { 1, 1 };
	uint64_t n = 0, next = 0, sum = 0;

	put_be(page, PAGE, 8);
	for (;;) {
		PGresult *res;
		int rows;

		put_be(from, next, 8);
		res = PQexecPrepared(r->conn, "page", 2, v, len, fmt, 1);
		if (PQresultStatus(res) != PGRES_TUPLES_OK) {
			fprintf(stderr, "kansa-bench: PostgreSQL scan: %s", PQerrorMessage(r->conn));
			exit(5);
		}
		rows = PQntuples(res);
		for (int i = 0; i < rows; i++) {
			if (PQgetlength(res, i, 0) != 8 || PQgetlength(res, i, 4) != HASH_LEN)
				bench_fail("PostgreSQL scan: a malformed row", KANSA_EFORMAT);
			next = get_be((const uint8_t *)PQgetvalue(res, i, 0), 8) + 1;
			sum += (uint64_t)PQgetlength(res, i, 3) + (uint8_t)PQgetvalue(res, i, 3)[0];
		}
		PQclear(res);
		n += (uint64_t)rows;
		if (rows < PAGE)
			break;
	}
	return n + (sum & 0); /* keep the reads */
}

static double scan_rate(bench_pg_raw *r, double seconds)
{
	double t0 = bench_now(), t;
	uint64_t n = 0;

	do
		n += scan_pass(r);
	while ((t = bench_now() - t0) < seconds);
	return n > 0 ? (double)n / t : 0;
}

/* AES-256-GCM opens/s of a sealed body of @p sealed bytes (nonce, text, tag). */
static double aes_open_rate(size_t sealed, double seconds)
{
	static const uint8_t key[32] = { 0x6b, 0x61, 0x6e, 0x73, 0x61 };
	uint8_t nonce[NONCE_LEN] = { 1 }, tag[TAG_LEN], ad[36] = { 2 };
	size_t len = sealed > NONCE_LEN + TAG_LEN ? sealed - NONCE_LEN - TAG_LEN : 1;
	uint8_t *pt = calloc(1, len), *ct = calloc(1, len + 16), *out = calloc(1, len + 16);
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	double t0, t;
	uint64_t n = 0;
	int l1 = 0, l2 = 0;

	if (pt == NULL || ct == NULL || out == NULL || ctx == NULL)
		bench_fail("aes", KANSA_ENOMEM);
	/* one sealed body, then opens of it */
	if (EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, key, nonce) != 1 ||
	    EVP_EncryptUpdate(ctx, NULL, &l1, ad, sizeof(ad)) != 1 ||
	    EVP_EncryptUpdate(ctx, ct, &l1, pt, (int)len) != 1 ||
	    EVP_EncryptFinal_ex(ctx, ct + l1, &l2) != 1 ||
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, TAG_LEN, tag) != 1)
		bench_fail("aes seal", KANSA_ERROR);
	t0 = bench_now();
	do {
		for (int i = 0; i < 256; i++) {
			if (EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, key, nonce) != 1 ||
			    EVP_DecryptUpdate(ctx, NULL, &l1, ad, sizeof(ad)) != 1 ||
			    EVP_DecryptUpdate(ctx, out, &l1, ct, (int)len) != 1 ||
			    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, TAG_LEN, tag) != 1 ||
			    EVP_DecryptFinal_ex(ctx, out + l1, &l2) != 1)
				bench_fail("aes open", KANSA_EVERIFY);
		}
		n += 256;
	} while ((t = bench_now() - t0) < seconds);
	EVP_CIPHER_CTX_free(ctx);
	free(pt);
	free(ct);
	free(out);
	return (double)n / t;
}

void bench_pg_limits_measure(bench_pg_limits *out, bench_pg_raw *r, const bench_opts *o)
{
	uint64_t n = 0;
	double secs = 0;

	out->body_bytes = (double)r->body_len;
	insert_for(r, o->seconds / 2, 1, &n, &secs);
	out->insert_durable_per_s = secs > 0 ? (double)n / secs : 0;
	n = 0;
	secs = 0;
	insert_for(r, o->seconds / 2, 1000, &n, &secs);
	out->insert_batch_per_s = secs > 0 ? (double)n / secs : 0;
	exec_or_die(r->conn, "VACUUM ANALYZE " RAW_SCHEMA ".entries");
	out->scan_per_s = scan_rate(r, o->seconds / 2);
	out->aes_open_per_s = aes_open_rate(r->body_len, o->seconds / 4);
}
