/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The limits every kansa figure is compared with, measured in the same run
 * on the same machine: Ed25519 verification, SHA-256 over 600-byte records,
 * raw SQLCipher inserts of 600-byte rows (one fsync'd transaction per row,
 * and transactions of 1,000 rows) and a keyed sequential scan. The database
 * is configured as the ledger's is (cipher_page_size 4096, WAL,
 * synchronous=FULL, a raw 256-bit key), so the ratios compare like with like.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef SQLITE_HAS_CODEC
#define SQLITE_HAS_CODEC 1
#endif
#include <sqlite3.h>

#include "bench/bench.h"

#define RECORD 600

static void sql(sqlite3 *db, const char *q)
{
	char *err = NULL;

	if (sqlite3_exec(db, q, NULL, NULL, &err) != SQLITE_OK) {
		fprintf(stderr, "kansa-bench: sqlite: %s: %s\n", q, err ? err : "?");
		exit(5);
	}
}

/* Ed25519 over 256-byte messages on one core: verifications/s (@p sign
 * false) or signatures/s. */
static double ed25519_rate(const bench_opts *o, bool sign)
{
	kansa_key *k = NULL;
	uint8_t msg[256], sig[KANSA_SIG_LEN];
	uint64_t n = 0;
	double t0, t;
	int error;

	memset(msg, 0x5a, sizeof(msg));
	if ((error = kansa_key_generate(&k)) < 0 ||
	    (error = kansa_key_sign(sig, k, msg, sizeof(msg))) < 0)
		bench_fail("ed25519", error);
	t0 = bench_now();
	do {
		for (int i = 0; i < 64; i++) {
			if (sign) {
				msg[0] = (uint8_t)i;
				if ((error = kansa_key_sign(sig, k, msg, sizeof(msg))) < 0)
					bench_fail("ed25519 sign", error);
			} else if (kansa_key_verify(k, msg, sizeof(msg), sig) != 0) {
				bench_fail("ed25519 verify", KANSA_EVERIFY);
			}
		}
		n += 64;
	} while ((t = bench_now() - t0) < o->seconds / 2);
	kansa_key_free(k);
	return (double)n / t;
}

static double sha_rate(const bench_opts *o)
{
	uint8_t rec[RECORD], h[KANSA_HASH_LEN];
	uint64_t n = 0;
	double t0, t;

	memset(rec, 0xa5, sizeof(rec));
	t0 = bench_now();
	do {
		for (int i = 0; i < 1024; i++) {
			rec[0] = (uint8_t)i;
			(void)kansa_sha256(h, rec, sizeof(rec));
		}
		n += 1024;
	} while ((t = bench_now() - t0) < o->seconds / 2);
	return (double)n / t;
}

static sqlite3 *open_db(const char *path)
{
	static const char key[] = "x'" BENCH_DB_KEY "'";
	sqlite3 *db = NULL;

	unlink(path);
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK ||
	    sqlite3_key_v2(db, "main", key, (int)strlen(key)) != SQLITE_OK) {
		fprintf(stderr, "kansa-bench: cannot open %s\n", path);
		exit(4);
	}
	sql(db, "PRAGMA cipher_page_size = 4096");
	sql(db, "PRAGMA journal_mode = WAL");
	sql(db, "PRAGMA synchronous = FULL");
	sql(db, "CREATE TABLE t(seq INTEGER PRIMARY KEY, body BLOB NOT NULL)");
	return db;
}

/* Insert @p n rows starting at @p from, @p per_txn rows per transaction. */
static double insert_rate(sqlite3 *db, uint64_t from, uint64_t n, uint64_t per_txn)
{
	sqlite3_stmt *st = NULL;
	uint8_t rec[RECORD];
	double t0 = bench_now();

	memset(rec, 0x3c, sizeof(rec));
	if (sqlite3_prepare_v2(db, "INSERT INTO t(seq, body) VALUES(?1, ?2)", -1, &st, NULL) != SQLITE_OK)
		bench_fail("sqlite prepare", KANSA_ERROR);
	for (uint64_t i = 0; i < n; i += per_txn) {
		sql(db, "BEGIN");
		for (uint64_t j = i; j < i + per_txn && j < n; j++) {
			memcpy(rec, &j, sizeof(j)); /* distinct rows */
			sqlite3_bind_int64(st, 1, (sqlite3_int64)(from + j));
			sqlite3_bind_blob(st, 2, rec, sizeof(rec), SQLITE_STATIC);
			if (sqlite3_step(st) != SQLITE_DONE)
				bench_fail("sqlite insert", KANSA_EIO);
			sqlite3_reset(st);
		}
		sql(db, "COMMIT");
	}
	sqlite3_finalize(st);
	return (double)n / (bench_now() - t0);
}

static double scan_rate(sqlite3 *db, uint64_t *rows)
{
	sqlite3_stmt *st = NULL;
	uint64_t n = 0, sum = 0;
	double t0;

	sql(db, "PRAGMA wal_checkpoint(TRUNCATE)");
	if (sqlite3_prepare_v2(db, "SELECT seq, body FROM t WHERE seq >= 0 ORDER BY seq", -1, &st,
	    NULL) != SQLITE_OK)
		bench_fail("sqlite prepare", KANSA_ERROR);
	t0 = bench_now();
	while (sqlite3_step(st) == SQLITE_ROW) {
		const uint8_t *b = sqlite3_column_blob(st, 1);
		sum += (uint64_t)sqlite3_column_int64(st, 0) + (b ? b[0] : 0u) +
		    (uint64_t)sqlite3_column_bytes(st, 1);
		n++;
	}
	t0 = bench_now() - t0;
	sqlite3_finalize(st);
	*rows = n + (sum & 0); /* keep the reads */
	return (double)n / t0;
}

/*
 * Seconds to open the database at @p path with its pages out of the page
 * cache (written back, then dropped), key it, and read one row by key: what
 * any open of an encrypted database must do before it can answer.
 */
static double open_cold_time(const char *path, uint64_t rows)
{
	static const char key[] = "x'" BENCH_DB_KEY "'";
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	double best = 0;

	for (int i = 0; i < 3; i++) {
		int fd = open(path, O_RDONLY);
		double t0;

		if (fd >= 0) {
			(void)fdatasync(fd);
			(void)posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
			close(fd);
		}
		t0 = bench_now();
		if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
		    sqlite3_key_v2(db, "main", key, (int)strlen(key)) != SQLITE_OK)
			bench_fail("sqlite open", KANSA_EIO);
		sql(db, "PRAGMA cipher_page_size = 4096");
		if (sqlite3_prepare_v2(db, "SELECT body FROM t WHERE seq = ?1", -1, &st, NULL) != SQLITE_OK)
			bench_fail("sqlite prepare", KANSA_ERROR);
		sqlite3_bind_int64(st, 1, (sqlite3_int64)(rows / 2));
		if (sqlite3_step(st) != SQLITE_ROW)
			bench_fail("sqlite read", KANSA_EIO);
		sqlite3_finalize(st);
		sqlite3_close(db);
		t0 = bench_now() - t0;
		best = i == 0 || t0 < best ? t0 : best;
	}
	return best;
}

/* ---- paired measurements: the limit measured in turns with the figure ---- */

struct bench_raw {
	sqlite3 *db;       /* a limits database of its own */
	char path[4096];   /* its file */
	uint64_t next;     /* next seq */
};

bench_raw *bench_raw_open(const char *dir)
{
	bench_raw *r = calloc(1, sizeof(*r));

	if (r == NULL)
		bench_fail("raw", KANSA_ENOMEM);
	snprintf(r->path, sizeof(r->path), "%s/paired.db", dir);
	r->db = open_db(r->path);
	return r;
}

void bench_raw_insert_for(bench_raw *r, double seconds, uint64_t per_txn, uint64_t *rows,
    double *secs)
{
	double t0 = bench_now(), t;
	uint64_t n = 0;

	do {
		(void)insert_rate(r->db, r->next, per_txn, per_txn);
		r->next += per_txn;
		n += per_txn;
	} while ((t = bench_now() - t0) < seconds);
	*rows += n;
	*secs += t;
}

void bench_verify_for(double seconds, uint64_t *n_out, double *secs)
{
	bench_opts o;
	double t0 = bench_now(), rate;

	memset(&o, 0, sizeof(o));
	o.seconds = 2 * seconds; /* ed25519_rate runs for seconds / 2 */
	rate = ed25519_rate(&o, false);
	t0 = bench_now() - t0;
	*n_out += (uint64_t)(rate * t0);
	*secs += t0;
}

void bench_raw_close(bench_raw *r)
{
	char p[4200];

	if (r == NULL)
		return;
	sqlite3_close(r->db);
	unlink(r->path);
	snprintf(p, sizeof(p), "%s-wal", r->path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", r->path);
	unlink(p);
	free(r);
}

void bench_limits_measure(bench_limits *out, const bench_opts *o, const char *dir)
{
	char path[4096];
	sqlite3 *db;
	uint64_t durable_n = o->quick ? 100 : 3000, batch_n = o->quick ? 5000 : 300000, rows = 0;

	memset(out, 0, sizeof(*out));
	out->verify_per_s = ed25519_rate(o, false);
	out->sign_per_s = ed25519_rate(o, true);
	out->sha_per_s = sha_rate(o);
	out->cores = sysconf(_SC_NPROCESSORS_ONLN) > 0 ? (int)sysconf(_SC_NPROCESSORS_ONLN) : 1;
	snprintf(path, sizeof(path), "%s/limits.db", dir);
	db = open_db(path);
	out->insert_durable_per_s = insert_rate(db, 0, durable_n, 1);
	out->insert_batch_per_s = insert_rate(db, durable_n, batch_n, 1000);
	out->scan_per_s = scan_rate(db, &rows);
	sqlite3_close(db);
	{
		struct stat sb;
		if (stat(path, &sb) == 0 && rows > 0)
			out->bytes_per_row = (double)sb.st_size / (double)rows;
	}
	out->open_s = open_cold_time(path, rows);
	for (const char *sfx = ""; ; sfx = (sfx[0] == '\0') ? "-wal" : "-shm") {
		char p2[4200];
		snprintf(p2, sizeof(p2), "%s%s", path, sfx);
		unlink(p2);
		if (strcmp(sfx, "-shm") == 0)
			break;
	}
}
