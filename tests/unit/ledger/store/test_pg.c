/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ledger/store/pg*.c: what only the PostgreSQL engine has (design §13):
 * rows sealed by kansa (ciphertext only in the database, a changed byte or
 * a row moved to another place is KANSA_EVERIFY), warrant ids as keyed
 * MACs, a wrong key, rekey (every row sealed again; refused while another
 * session is connected; a writer of the old key writes nothing), open and
 * create errors. Skipped unless
 * KANSA_TEST_DB_URI names a database (tests/unit/store-pg.sh).
 */
#include "tests/unit/hang_guard.h"
#include <signal.h>

#include "helpers.h"
#include "ledger/store/pg_impl.h"

static char dir[64], path[512];

static void setup(void)
{
	if (!test_db_uri())
		return;
	test_target(dir, sizeof(dir), path, sizeof(path));
}

static void teardown(void)
{
	if (test_db_uri())
		rm_db(dir);
}

#define PG_ONLY() do { \
	if (!test_db_uri()) \
		cr_skip_test("KANSA_TEST_DB_URI is not set (tests/unit/store-pg.sh sets it)"); \
} while (0)

static int open_pg(kansa_store **s, const char *key, int flags)
{
	kansa_secret *k = secret(key);
	int error = kansa_store__open(s, path, k, flags);
	kansa_secret_free(k);
	return error;
}

/* One integer (count) of a query on the test database. */
static long pg_count(const char *sql)
{
	PGconn *c = PQconnectdb(test_db_uri());
	PGresult *r;
	long n;

	cr_assert_eq(PQstatus(c), CONNECTION_OK, "%s", PQerrorMessage(c));
	r = PQexec(c, sql);
	cr_assert_eq(PQresultStatus(r), PGRES_TUPLES_OK, "%s: %s", sql, PQresultErrorMessage(r));
	n = strtol(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	PQfinish(c);
	return n;
}

TestSuite(store_pg, .init = setup, .fini = teardown, .timeout = KANSA_HANG_GUARD);

Test(store_pg, open_create_and_keys)
{
	kansa_store *s = NULL;
	kansa_secret *k;

	PG_ONLY();
	cr_expect_eq(open_pg(&s, RAW_KEY_A, 0), KANSA_ENOTFOUND, "%s", kansa_error_last()->message);
	cr_expect_null(s);
	cr_expect_eq(open_pg(&s, RAW_KEY_A, KANSA_STORE_CREATE | KANSA_STORE_READONLY), KANSA_EINVAL);
	cr_assert_eq(open_pg(&s, RAW_KEY_A, KANSA_STORE_CREATE), 0, "%s", kansa_error_last()->message);
	cr_assert_eq(append_simple(s, "a", NULL), 0, "%s", kansa_error_last()->message);
	kansa_store__close(s);
	/* CREATE never clobbers */
	cr_expect_eq(open_pg(&s, RAW_KEY_A, KANSA_STORE_CREATE), KANSA_EEXISTS);
	/* REQ: LEDGER-KEY-3 a wrong key (raw or passphrase) is KANSA_EKEY */
	cr_expect_eq(open_pg(&s, RAW_KEY_B, 0), KANSA_EKEY);
	cr_expect_str_eq(kansa_error_last()->message, "wrong database key (or not a kansa ledger)");
	cr_expect_eq(open_pg(&s, "correct horse", 0), KANSA_EKEY);
	cr_expect_null(s);
	/* Either case of hex digits is the same key. */
	char upper[65];
	for (int i = 0; i < 64; i++)
		upper[i] = (char)((RAW_KEY_A[i] >= 'a' && RAW_KEY_A[i] <= 'f') ? RAW_KEY_A[i] - 32 : RAW_KEY_A[i]);
	upper[64] = 0;
	cr_assert_eq(open_pg(&s, upper, KANSA_STORE_READONLY), 0, "%s", kansa_error_last()->message);
	cr_expect_eq(append_simple(s, "ro", NULL), KANSA_EIO);
	cr_expect_eq(check_chain(s), 1);
	k = secret(RAW_KEY_B);
	cr_expect_eq(kansa_store__rekey(s, k), KANSA_EINVAL, "a read-only store is not rekeyed");
	kansa_secret_free(k);
	kansa_store__close(s);
	/* an unknown schema version is refused */
	pg_sql("UPDATE store_info SET schema_version = 99");
	cr_expect_eq(open_pg(&s, RAW_KEY_A, 0), KANSA_EFORMAT);
	cr_expect(strstr(kansa_error_last()->message, "schema version 99") != NULL, "%s",
	    kansa_error_last()->message);
}

/* An entry with a warrant use, a document, and a meta value. */
static kansa_store *populated(uint8_t doc_hash[KANSA_HASH_LEN], const uint8_t cti[16])
{
	kansa_store *s = NULL;
	tentry t = { .tag = "first", .doc = "the document text", .has_warrant = true, .allowed = true };

	memcpy(t.warrant_cti, cti, 16);
	memset(t.warrant_hash, 0x55, KANSA_HASH_LEN);
	cr_assert_eq(open_pg(&s, RAW_KEY_A, KANSA_STORE_CREATE), 0, "%s", kansa_error_last()->message);
	cr_assert_eq(kansa_store__append(s, tbuild, &t, NULL), 0, "%s", kansa_error_last()->message);
	for (int i = 0; i < 3; i++)
		cr_assert_eq(append_simple(s, "more", NULL), 0);
	cr_assert_eq(kansa_store__meta_put(s, "log.seed", (const uint8_t *)"seed-in-clear?", 14), 0);
	cr_assert_eq(kansa_sha256(doc_hash, (const uint8_t *)"the document text", 17), 0);
	return s;
}

/* REQ: STORE-PG-SEAL the database holds ciphertext and MACs only */
Test(store_pg, rows_are_sealed)
{
	uint8_t h[KANSA_HASH_LEN], cti[16], *body = NULL;
	char sql[512], hex[33];
	uint64_t uses;
	size_t len;

	PG_ONLY();
	memset(cti, 0x3c, sizeof(cti));
	kansa_store *s = populated(h, cti);
	cr_expect_eq(pg_count("SELECT count(*) FROM entries"), 4);
	cr_expect_eq(pg_count("SELECT count(*) FROM entries WHERE position('entry '::bytea IN body) > 0"), 0,
	    "an entry body is in clear");
	/* the check can find what is there */
	cr_expect_eq(pg_count("SELECT count(*) FROM entries WHERE position('\\x00'::bytea IN '\\x0000'::bytea) > 0"), 4);
	cr_expect_eq(pg_count("SELECT count(*) FROM documents WHERE position('document'::bytea IN body) > 0"), 0);
	cr_expect_eq(pg_count("SELECT count(*) FROM meta WHERE position('seed'::bytea IN value) > 0"), 0);
	kansa_hex_encode(hex, cti, sizeof(cti));
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM uses WHERE position('\\x%s'::bytea IN cti) > 0"
	    " OR position('\\x%s'::bytea IN cti_mac) > 0", hex, hex);
	cr_expect_eq(pg_count(sql), 0, "a warrant id is in clear in uses");
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM entries WHERE position('\\x%s'::bytea IN body) > 0"
	    " OR position('\\x%s'::bytea IN warrant_mac) > 0", hex, hex);
	cr_expect_eq(pg_count(sql), 0, "a warrant id is in clear in entries");
	/* and kansa reads it all back */
	cr_assert_eq(kansa_store__uses(&uses, s, cti), 0);
	cr_expect_eq(uses, 1);
	cr_assert_eq(kansa_store__doc_get(&body, &len, NULL, s, h), 0);
	cr_expect_eq(len, 17);
	free(body);
	cr_expect_eq(check_chain(s), 4);
	kansa_store__close(s);
}

/* REQ: STORE-PG-TAMPER a changed ciphertext, a changed clear column or a
 * row moved to another seq does not open: KANSA_EVERIFY, and the iterator
 * hands the audit a malformed row at that seq */
Test(store_pg, tampered_rows_are_everify)
{
	uint8_t h[KANSA_HASH_LEN], cti[16], *p = NULL;
	kansa_store_iter *it = NULL;
	kansa_store_row row;
	size_t len;
	int rc, bad = 0, good = 0;

	PG_ONLY();
	memset(cti, 0x3d, sizeof(cti));
	kansa_store *s = populated(h, cti);

	pg_sql("UPDATE entries SET body = set_byte(body, 20, get_byte(body, 20) # 1) WHERE seq = 1");
	cr_expect_eq(kansa_store__get(&row, s, 1), KANSA_EVERIFY);
	cr_expect(strstr(kansa_error_last()->message, "entry 1") != NULL, "%s", kansa_error_last()->message);
	cr_assert_eq(kansa_store__iter_new(&it, s, 0), 0);
	while ((rc = kansa_store__iter_next(&row, it)) == 1 || (rc == KANSA_EFORMAT && row.malformed)) {
		if (rc == 1) {
			good++;
		} else {
			bad++;
			cr_expect_eq(row.seq, 1);
		}
	}
	cr_expect_eq(rc, 0);
	cr_expect_eq(good, 3);
	cr_expect_eq(bad, 1);
	kansa_store__iter_free(it);
	pg_sql("UPDATE entries SET body = set_byte(body, 20, get_byte(body, 20) # 1) WHERE seq = 1");
	cr_assert_eq(kansa_store__get(&row, s, 1), 0, "restored");
	kansa_store__row_dispose(&row);

	/* the clear columns are bound to the body */
	pg_sql("UPDATE entries SET time = time + 1 WHERE seq = 2");
	cr_expect_eq(kansa_store__get(&row, s, 2), KANSA_EVERIFY);
	pg_sql("UPDATE entries SET time = time - 1, kind = 2 WHERE seq = 2");
	cr_expect_eq(kansa_store__get(&row, s, 2), KANSA_EVERIFY);
	pg_sql("UPDATE entries SET kind = 1 WHERE seq = 2");
	/* a body moved to another seq */
	pg_sql("UPDATE entries SET body = (SELECT body FROM entries WHERE seq = 3) WHERE seq = 2");
	cr_expect_eq(kansa_store__get(&row, s, 2), KANSA_EVERIFY);

	pg_sql("UPDATE documents SET body = set_byte(body, 14, get_byte(body, 14) # 128)");
	cr_expect_eq(kansa_store__doc_get(&p, &len, NULL, s, h), KANSA_EVERIFY);
	cr_expect_null(p);
	pg_sql("UPDATE meta SET value = set_byte(value, 13, get_byte(value, 13) # 1) WHERE key = 'log.seed'");
	cr_expect_eq(kansa_store__meta_get(&p, &len, s, "log.seed"), KANSA_EVERIFY);
	cr_expect_null(p);
	kansa_store__close(s);
}

/* REQ: LEDGER-FORK-1 the writers' lock is inside the database: while another
 * session holds it, an append waits, and past the busy timeout is
 * KANSA_ELOCKED with nothing written */
Test(store_pg, another_sessions_write_lock_is_elocked, .timeout = KANSA_HANG_GUARD)
{
	kansa_store *s = NULL;
	PGconn *c;
	PGresult *r;
	uint64_t n;

	PG_ONLY();
	cr_assert_eq(open_pg(&s, RAW_KEY_A, KANSA_STORE_CREATE), 0, "%s", kansa_error_last()->message);
	cr_assert_eq(append_simple(s, "a", NULL), 0);
	c = PQconnectdb(test_db_uri());
	cr_assert_eq(PQstatus(c), CONNECTION_OK);
	r = PQexec(c, "BEGIN; SELECT pg_advisory_xact_lock(1802400609)"); /* "knsa", pg.c */
	cr_assert_eq(PQresultStatus(r), PGRES_TUPLES_OK, "%s", PQresultErrorMessage(r));
	PQclear(r);
	cr_expect_eq(append_simple(s, "b", NULL), KANSA_ELOCKED, "%s", kansa_error_last()->message);
	PQclear(PQexec(c, "ROLLBACK"));
	PQfinish(c);
	cr_assert_eq(kansa_store__count(&n, s), 0);
	cr_expect_eq(n, 1);
	cr_expect_eq(append_simple(s, "c", NULL), 0, "the lock is free again");
	cr_expect_eq(check_chain(s), 2);
	kansa_store__close(s);
}

/* A connection lost between transactions (a server restart, a failover)
 * is made again: the next append goes on, on one chain. */
Test(store_pg, a_lost_connection_is_made_again)
{
	kansa_store *s = NULL;
	uint64_t seq;

	PG_ONLY();
	cr_assert_eq(open_pg(&s, RAW_KEY_A, KANSA_STORE_CREATE), 0, "%s", kansa_error_last()->message);
	cr_assert_eq(append_simple(s, "a", NULL), 0);
	cr_expect_geq(pg_count("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
	    " WHERE datname = current_database() AND pid <> pg_backend_pid()"), 1);
	cr_assert_eq(append_simple(s, "b", &seq), 0, "%s", kansa_error_last()->message);
	cr_expect_eq(seq, 1);
	cr_expect_eq(check_chain(s), 2);
	kansa_store__close(s);
}

/* A connection the server closed between calls (a terminated backend, a
 * restart) is found lost before the next query is sent: a read goes on,
 * on a new connection, without failing once. */
Test(store_pg, a_closed_connection_is_found_before_a_read)
{
	kansa_store *s = NULL;
	kansa_store_pos pos;
	long pid;

	PG_ONLY();
	cr_assert_eq(open_pg(&s, RAW_KEY_A, KANSA_STORE_CREATE), 0, "%s", kansa_error_last()->message);
	cr_assert_eq(append_simple(s, "a", NULL), 0);
	pid = pg_count("SELECT max(pid) FROM pg_stat_activity WHERE datname = current_database()"
	    " AND pid <> pg_backend_pid()");
	cr_assert_gt(pid, 0, "the store's connection is in pg_stat_activity");
	cr_assert_eq(pg_count("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
	    " WHERE datname = current_database() AND pid <> pg_backend_pid()"), 1);
	/* the backend has exited (its socket closed) once the pid is gone */
	while (kill((pid_t)pid, 0) == 0)
		usleep(10000);
	cr_assert_eq(kansa_store__head(&pos, s), 0, "%s", kansa_error_last()->message);
	cr_expect_eq(pos.seq, 1);
	kansa_store__close(s);
}

/* The first value of a query, as text (bytea in hex); malloc'd. */
static char *pg_text(const char *sql)
{
	PGconn *c = PQconnectdb(test_db_uri());
	PGresult *r;
	char *v;

	cr_assert_eq(PQstatus(c), CONNECTION_OK, "%s", PQerrorMessage(c));
	r = PQexec(c, sql);
	cr_assert_eq(PQresultStatus(r), PGRES_TUPLES_OK, "%s: %s", sql, PQresultErrorMessage(r));
	cr_assert_eq(PQntuples(r), 1, "%s: %d rows", sql, PQntuples(r));
	v = strdup(PQgetvalue(r, 0, 0));
	PQclear(r);
	PQfinish(c);
	return v;
}

static const char *const sealed_columns[] = {
	"SELECT body FROM entries WHERE seq = 0", "SELECT warrant_mac FROM entries WHERE seq = 0",
	"SELECT warrant_cti FROM entries WHERE seq = 0", "SELECT warrant_mac FROM entries WHERE seq = 4",
	"SELECT body FROM documents ORDER BY hash LIMIT 1", "SELECT value FROM meta WHERE key = 'log.seed'",
	"SELECT cti_mac FROM uses", "SELECT cti FROM uses", "SELECT cti_mac FROM revocations",
	"SELECT cti FROM revocations", "SELECT salt FROM store_info", "SELECT key_check FROM store_info",
};
#define N_SEALED (sizeof(sealed_columns) / sizeof(sealed_columns[0]))
static const char clear_columns[] = "SELECT string_agg(seq || ':' || time || ':' || kind || ':' ||"
    " encode(leaf_hash, 'hex') || ':' || coalesce(encode(warrant_hash, 'hex'), '-') || ':' ||"
    " coalesce(decision::text, '-'), ',' ORDER BY seq) FROM entries";

/* What a store of key @p key must read after a rekey: the use, the
 * revocation, the document, the seed, and the chain of @p n entries. */
static void expect_readable(kansa_store *s, const uint8_t cti[16], const uint8_t rcti[16],
    const uint8_t h[KANSA_HASH_LEN], int n)
{
	uint64_t uses = 0, seq = 0;
	bool revoked = false;
	uint8_t *v = NULL;
	size_t len = 0;

	cr_assert_eq(kansa_store__uses(&uses, s, cti), 0, "%s", kansa_error_last()->message);
	cr_expect_eq(uses, 1, "the use count is found by the new MAC");
	cr_assert_eq(kansa_store__is_revoked(&revoked, &seq, s, rcti), 0);
	cr_expect(revoked, "the revocation is found by the new MAC");
	cr_expect_eq(seq, 4);
	/* both at once, in one query: the use, the revocation, and neither */
	{
		uint8_t none[16];

		memset(none, 0x01, sizeof(none));
		cr_assert_eq(kansa_store__warrant_state(&uses, &revoked, s, cti), 0, "%s",
		    kansa_error_last()->message);
		cr_expect(uses == 1 && !revoked);
		cr_assert_eq(kansa_store__warrant_state(&uses, &revoked, s, rcti), 0);
		cr_expect(uses == 0 && revoked);
		cr_assert_eq(kansa_store__warrant_state(&uses, &revoked, s, none), 0);
		cr_expect(uses == 0 && !revoked);
	}
	cr_assert_eq(kansa_store__doc_get(&v, &len, NULL, s, h), 0, "%s", kansa_error_last()->message);
	cr_expect(len == 17 && memcmp(v, "the document text", 17) == 0);
	free(v);
	cr_assert_eq(kansa_store__meta_get(&v, &len, s, "log.seed"), 0, "%s", kansa_error_last()->message);
	cr_expect(len == 14 && memcmp(v, "seed-in-clear?", 14) == 0);
	free(v);
	cr_expect_eq(check_chain(s), n);
}

/* What a rekey's progress calls said. */
typedef struct {
	int calls;
	bool monotonic;
	uint64_t done, total;
} progress_seen;

static void on_progress(void *ctx, uint64_t done, uint64_t total)
{
	progress_seen *p = ctx;

	if (done < p->done || done > total)
		p->monotonic = false;
	p->calls++;
	p->done = done;
	p->total = total;
}

/* REQ: STORE-PG-REKEY every sealed value and MAC is made again under the new
 * key and a new salt, the clear columns and the chain unchanged; the old key
 * no longer opens, the new one (raw or passphrase) does */
Test(store_pg, rekey_seals_every_row_again)
{
	uint8_t h[KANSA_HASH_LEN], cti[16], rcti[16];
	tentry rv = { .tag = "rv", .is_revocation = true, .doc = "revocation document" };
	char *before[N_SEALED], *clear;
	progress_seen prog = { .monotonic = true };
	kansa_secret *k;
	kansa_store *s;

	PG_ONLY();
	memset(cti, 0x3e, sizeof(cti));
	memset(rcti, 0x3f, sizeof(rcti));
	memcpy(rv.revoked_cti, rcti, sizeof(rcti));
	s = populated(h, cti);
	cr_assert_eq(kansa_store__append(s, tbuild, &rv, NULL), 0, "%s", kansa_error_last()->message);
	for (size_t i = 0; i < N_SEALED; i++)
		before[i] = pg_text(sealed_columns[i]);
	clear = pg_text(clear_columns);

	k = secret(RAW_KEY_B);
	cr_assert_eq(kansa_store__rekey_progress(s, k, on_progress, &prog), 0, "%s",
	    kansa_error_last()->message);
	kansa_secret_free(k);
	cr_expect(prog.calls >= 1 && prog.monotonic && prog.done == 5 && prog.total == 5,
	    "progress: %d calls, last %llu of %llu", prog.calls, (unsigned long long)prog.done,
	    (unsigned long long)prog.total);
	for (size_t i = 0; i < N_SEALED; i++) {
		char *after = pg_text(sealed_columns[i]);
		cr_expect_str_neq(after, before[i], "unchanged by the rekey: %s", sealed_columns[i]);
		free(after);
		free(before[i]);
	}
	char *clear_after = pg_text(clear_columns);
	cr_expect_str_eq(clear_after, clear, "the clear columns and leaf hashes stay");
	free(clear_after);
	free(clear);
	/* the handle that rekeyed goes on under the new keys */
	expect_readable(s, cti, rcti, h, 5);
	cr_expect_eq(append_simple(s, "after", NULL), 0, "%s", kansa_error_last()->message);
	kansa_store__close(s);

	cr_expect_eq(open_pg(&s, RAW_KEY_A, 0), KANSA_EKEY, "the old key opens nothing");
	cr_assert_eq(open_pg(&s, RAW_KEY_B, 0), 0, "%s", kansa_error_last()->message);
	expect_readable(s, cti, rcti, h, 6);
	k = secret("correct horse battery staple");
	cr_assert_eq(kansa_store__rekey(s, k), 0, "to a passphrase: %s", kansa_error_last()->message);
	kansa_secret_free(k);
	kansa_store__close(s);
	cr_expect_eq(open_pg(&s, RAW_KEY_B, 0), KANSA_EKEY);
	cr_assert_eq(open_pg(&s, "correct horse battery staple", KANSA_STORE_READONLY), 0, "%s",
	    kansa_error_last()->message);
	expect_readable(s, cti, rcti, h, 6);
	kansa_store__close(s);
}

/* REQ: STORE-PG-REKEY refused while another session is connected, and when
 * a row does not open, with nothing changed; a process that kept the old
 * keys (it connected again after the rekey) writes nothing: KANSA_EKEY */
Test(store_pg, rekey_refusals_and_a_writer_of_the_old_key)
{
	kansa_store *s = NULL, *other = NULL;
	kansa_secret *k = secret(RAW_KEY_B);
	char *salt, *now;
	uint64_t n;
	int pid;

	PG_ONLY();
	cr_assert_eq(open_pg(&s, RAW_KEY_A, KANSA_STORE_CREATE), 0, "%s", kansa_error_last()->message);
	cr_assert_eq(append_simple(s, "a", NULL), 0);
	cr_assert_eq(append_simple(s, "b", NULL), 0);
	salt = pg_text("SELECT salt FROM store_info");

	/* a tampered row: the rekey stops at it and changes nothing */
	pg_sql("UPDATE entries SET body = set_byte(body, 20, get_byte(body, 20) # 1) WHERE seq = 1");
	cr_expect_eq(kansa_store__rekey(s, k), KANSA_EVERIFY);
	cr_expect(strstr(kansa_error_last()->message, "entry 1") != NULL, "%s", kansa_error_last()->message);
	pg_sql("UPDATE entries SET body = set_byte(body, 20, get_byte(body, 20) # 1) WHERE seq = 1");
	now = pg_text("SELECT salt FROM store_info");
	cr_expect_str_eq(now, salt, "nothing changed");
	free(now);
	cr_expect_eq(check_chain(s), 2, "the old key still reads every row");

	/* another session on the database */
	cr_assert_eq(open_pg(&other, RAW_KEY_A, 0), 0, "%s", kansa_error_last()->message);
	cr_expect_eq(kansa_store__rekey(s, k), KANSA_ELOCKED);
	cr_expect(strstr(kansa_error_last()->message, "other session") != NULL, "%s",
	    kansa_error_last()->message);
	now = pg_text("SELECT salt FROM store_info");
	cr_expect_str_eq(now, salt, "nothing changed");
	free(now);
	cr_expect_eq(append_simple(other, "c", NULL), 0, "the other process goes on");

	/* its session ends (a restart, say); the rekey goes through */
	pid = PQbackendPID(other->pg->conn);
	cr_assert_gt(pid, 0);
	char sql[96];
	snprintf(sql, sizeof(sql), "SELECT count(pg_terminate_backend(%d))", pid);
	cr_assert_eq(pg_count(sql), 1);
	while (kill((pid_t)pid, 0) == 0)
		usleep(10000);
	cr_assert_eq(kansa_store__rekey(s, k), 0, "%s", kansa_error_last()->message);
	/* it connects again, with the keys of the old salt: its batch is refused */
	cr_expect_eq(append_simple(other, "stale", NULL), KANSA_EKEY);
	cr_expect(strstr(kansa_error_last()->message, "open the ledger again") != NULL, "%s",
	    kansa_error_last()->message);
	cr_assert_eq(kansa_store__count(&n, s), 0);
	cr_expect_eq(n, 3, "nothing of the stale writer is stored");
	cr_expect_eq(append_simple(s, "d", NULL), 0);
	cr_expect_eq(check_chain(s), 4);
	kansa_store__close(other);
	kansa_store__close(s);
	kansa_secret_free(k);
	free(salt);
}
