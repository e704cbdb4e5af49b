/* SPDX-License-Identifier: Apache-2.0 */
/* ledger/store/store.c and ledger/store/group.c: keys, schema, group commit, fail-closed appends. */
#include "tests/unit/hang_guard.h"
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>

#include <sqlite3.h>

#include "helpers.h"
#include "tests/unit/ledger/store/queue_wait.h"

static char dir[64], path[512];

static void setup(void)
{
	test_target(dir, sizeof(dir), path, sizeof(path));
}

static void teardown(void)
{
	rm_db(dir);
}

static kansa_store *create_raw(void)
{
	kansa_secret *k = secret(RAW_KEY_A);
	kansa_store *s = NULL;
	cr_assert_eq(kansa_store__open(&s, path, k, KANSA_STORE_CREATE), 0, "%s",
	    kansa_error_last()->message);
	kansa_secret_free(k);
	return s;
}

static int open_with(kansa_store **s, const char *key, int flags)
{
	kansa_secret *k = secret(key);
	int error = kansa_store__open(s, path, k, flags);
	kansa_secret_free(k);
	return error;
}

/* ---------------------------------------------------------------------- */
/* Keys and files                                                          */
/* ---------------------------------------------------------------------- */

TestSuite(store_open, .init = setup, .fini = teardown, .timeout = KANSA_HANG_GUARD);

Test(store_open, creates_encrypted_0600_file_with_raw_key)
{
	FILE_ENGINE_ONLY();
	kansa_store *s = create_raw();
	struct stat st;
	char wal[540], head[16];
	FILE *f;

	cr_assert_eq(append_simple(s, "a", NULL), 0);
	/* REQ: LEDGER-STORE-5 mode 0600, also the WAL beside it */
	cr_assert_eq(stat(path, &st), 0);
	cr_expect_eq(st.st_mode & 0777, 0600);
	snprintf(wal, sizeof(wal), "%s-wal", path);
	cr_assert_eq(stat(wal, &st), 0);
	cr_expect_eq(st.st_mode & 0777, 0600);
	kansa_store__close(s);

	f = fopen(path, "rb");
	cr_assert_not_null(f);
	cr_assert_eq(fread(head, 1, sizeof(head), f), sizeof(head));
	fclose(f);
	cr_expect_neq(memcmp(head, "SQLite format 3", 16), 0, "the file header is plaintext");

	cr_assert_eq(open_with(&s, RAW_KEY_A, 0), 0, "%s", kansa_error_last()->message);
	uint64_t n;
	cr_assert_eq(kansa_store__count(&n, s), 0);
	cr_expect_eq(n, 1);
	kansa_store__close(s);
	/* Either case of hex digits is the same key. */
	char upper[65];
	for (int i = 0; i < 64; i++)
		upper[i] = (char)(RAW_KEY_A[i] >= 'a' ? RAW_KEY_A[i] - 32 : RAW_KEY_A[i]);
	upper[64] = 0;
	cr_expect_eq(open_with(&s, upper, KANSA_STORE_READONLY), 0);
	kansa_store__close(s);
}

/* REQ: LEDGER-KEY-3 wrong key is KANSA_EKEY and the file is left as it was */
Test(store_open, wrong_raw_key_is_ekey_and_file_unchanged)
{
	kansa_store *s = create_raw();
	uint8_t before[KANSA_HASH_LEN], after[KANSA_HASH_LEN];

	cr_assert_eq(append_simple(s, "a", NULL), 0);
	kansa_store__close(s);
	if (!test_db_uri())
		file_hash(before, path);
	s = (kansa_store *)1;
	cr_expect_eq(open_with(&s, RAW_KEY_B, 0), KANSA_EKEY);
	cr_expect_null(s);
	cr_expect_str_eq(kansa_error_last()->message, "wrong database key (or not a kansa ledger)");
	/* a passphrase where a raw key was used */
	cr_expect_eq(open_with(&s, "correct horse", 0), KANSA_EKEY);
	if (!test_db_uri()) {
		file_hash(after, path);
		cr_expect(memcmp(before, after, sizeof(before)) == 0, "a failed open changed the file");
	}
	cr_expect_eq(open_with(&s, RAW_KEY_A, 0), 0);
	kansa_store__close(s);
}

/* REQ: LEDGER-KEY-2 passphrase key files go through scrypt with the db salt */
Test(store_open, passphrase_roundtrip_and_wrong_passphrase)
{
	kansa_store *s = NULL;
	uint8_t before[KANSA_HASH_LEN], after[KANSA_HASH_LEN];
	uint64_t n;

	/* 63 hex digits: not a raw key, so a passphrase */
	cr_assert_eq(open_with(&s, "correct horse battery staple", KANSA_STORE_CREATE), 0, "%s",
	    kansa_error_last()->message);
	cr_assert_eq(append_simple(s, "p", NULL), 0);
	kansa_store__close(s);
	if (!test_db_uri())
		file_hash(before, path);
	cr_expect_eq(open_with(&s, "correct horse battery stapler", 0), KANSA_EKEY);
	cr_expect_eq(open_with(&s, RAW_KEY_A, 0), KANSA_EKEY);
	if (!test_db_uri()) {
		file_hash(after, path);
		cr_expect(memcmp(before, after, sizeof(before)) == 0);
	}
	cr_assert_eq(open_with(&s, "correct horse battery staple", 0), 0, "%s",
	    kansa_error_last()->message);
	cr_assert_eq(kansa_store__count(&n, s), 0);
	cr_expect_eq(n, 1);
	kansa_store__close(s);
}

Test(store_open, missing_existing_and_invalid)
{
	FILE_ENGINE_ONLY();
	kansa_store *s = NULL;
	FILE *f;

	cr_expect_eq(open_with(&s, RAW_KEY_A, 0), KANSA_ENOTFOUND);
	cr_expect_eq(open_with(&s, RAW_KEY_A, KANSA_STORE_READONLY), KANSA_ENOTFOUND);
	cr_expect_eq(open_with(&s, RAW_KEY_A, KANSA_STORE_CREATE | KANSA_STORE_READONLY),
	    KANSA_EINVAL);
	s = create_raw();
	kansa_store__close(s);
	/* CREATE never clobbers */
	cr_expect_eq(open_with(&s, RAW_KEY_A, KANSA_STORE_CREATE), KANSA_EEXISTS);
	cr_expect_eq(open_with(&s, RAW_KEY_A, 0), 0);
	kansa_store__close(s);

	/* Too short to be a ledger. */
	f = fopen(path, "wb");
	cr_assert_not_null(f);
	fputs("hello", f);
	fclose(f);
	cr_expect_eq(open_with(&s, RAW_KEY_A, 0), KANSA_EFORMAT);
	/* Random bytes do not decrypt. */
	f = fopen(path, "wb");
	for (int i = 0; i < 8192; i++)
		fputc((i * 7919) & 0xff, f);
	fclose(f);
	cr_expect_eq(open_with(&s, RAW_KEY_A, 0), KANSA_EKEY);
}

Test(store_open, failed_create_leaves_no_file)
{
	FILE_ENGINE_ONLY();
	kansa_store *s = NULL;
	char bad[200];

	snprintf(bad, sizeof(bad), "%s/no/such/dir/x.db", dir);
	kansa_secret *k = secret(RAW_KEY_A);
	cr_expect_eq(kansa_store__open(&s, bad, k, KANSA_STORE_CREATE), KANSA_EIO);
	kansa_secret_free(k);
	cr_expect_null(s);
}

/* REQ: LEDGER-STORE-2 unknown schema versions are refused */
Test(store_open, refuses_unknown_schema_version)
{
	FILE_ENGINE_ONLY();
	kansa_store *s = create_raw();
	sqlite3 *db = NULL;
	const char *spec = "x'" RAW_KEY_A "'";

	kansa_store__close(s);
	/* Tamper with the version through a raw SQLCipher connection. */
	cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
	char sql[256];
	snprintf(sql, sizeof(sql), "PRAGMA key = \"%s\"", spec);
	cr_assert_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	cr_assert_eq(sqlite3_exec(db, "PRAGMA cipher_page_size = 4096", NULL, NULL, NULL), SQLITE_OK);
	cr_assert_eq(sqlite3_exec(db, "UPDATE meta SET value = 99 WHERE key = 'store.schema_version'",
	    NULL, NULL, NULL), SQLITE_OK, "%s", sqlite3_errmsg(db));
	sqlite3_close(db);
	cr_expect_eq(open_with(&s, RAW_KEY_A, 0), KANSA_EFORMAT);
	cr_expect(strstr(kansa_error_last()->message, "unsupported ledger schema version 99") != NULL,
	    "%s", kansa_error_last()->message);
}

Test(store_open, rekey_raw_to_passphrase_and_back)
{
	FILE_ENGINE_ONLY();
	kansa_store *s = create_raw();
	kansa_secret *k;
	uint64_t n;

	cr_assert_eq(append_simple(s, "a", NULL), 0);
	k = secret("a new passphrase");
	cr_assert_eq(kansa_store__rekey(s, k), 0, "%s", kansa_error_last()->message);
	kansa_secret_free(k);
	cr_assert_eq(append_simple(s, "b", NULL), 0);
	kansa_store__close(s);
	cr_expect_eq(open_with(&s, RAW_KEY_A, 0), KANSA_EKEY);
	cr_assert_eq(open_with(&s, "a new passphrase", 0), 0, "%s", kansa_error_last()->message);
	k = secret(RAW_KEY_B);
	cr_assert_eq(kansa_store__rekey(s, k), 0, "%s", kansa_error_last()->message);
	kansa_secret_free(k);
	kansa_store__close(s);
	cr_expect_eq(open_with(&s, "a new passphrase", 0), KANSA_EKEY);
	cr_assert_eq(open_with(&s, RAW_KEY_B, 0), 0);
	cr_expect_eq(check_chain(s), 2);
	cr_assert_eq(kansa_store__count(&n, s), 0);
	cr_expect_eq(n, 2);
	kansa_store__close(s);
}

/* ---------------------------------------------------------------------- */
/* Appending                                                               */
/* ---------------------------------------------------------------------- */

TestSuite(store_append, .init = setup, .fini = teardown, .timeout = KANSA_HANG_GUARD);

Test(store_append, sequential_1000_one_chain)
{
	kansa_store *s = create_raw();
	kansa_store_pos head;
	kansa_store_row row;
	uint64_t seq, n;

	for (uint64_t i = 0; i < 1000; i++) {
		cr_assert_eq(append_simple(s, "seq", &seq), 0, "%s", kansa_error_last()->message);
		cr_assert_eq(seq, i);
	}
	cr_expect_eq(check_chain(s), 1000);
	cr_assert_eq(kansa_store__count(&n, s), 0);
	cr_expect_eq(n, 1000);
	cr_assert_eq(kansa_store__head(&head, s), 0);
	cr_expect_eq(head.seq, 1000);
	cr_assert_eq(kansa_store__get(&row, s, 999), 0);
	cr_expect(memcmp(row.leaf_hash, head.prev, KANSA_HASH_LEN) == 0);
	cr_expect_eq(row.time, head.last_time);
	kansa_store__row_dispose(&row);
	cr_assert_eq(kansa_store__get(&row, s, 0), 0);
	cr_expect_eq(row.time, 1700000000);
	cr_expect_eq(row.kind, 1);
	cr_expect(row.body_len > 8 && memcmp(row.body, "entry 0 prev 0000", 17) == 0);
	kansa_store__row_dispose(&row);
	cr_expect_eq(kansa_store__get(&row, s, 1000), KANSA_ENOTFOUND);

	/* An iterator from the middle, on a snapshot: later appends are not seen. */
	kansa_store_iter *it = NULL;
	cr_assert_eq(kansa_store__iter_new(&it, s, 990), 0);
	cr_assert_eq(append_simple(s, "late", NULL), 0);
	int rc;
	n = 0;
	while ((rc = kansa_store__iter_next(&row, it)) == 1)
		cr_expect_eq(row.seq, 990 + n++);
	cr_expect_eq(rc, 0);
	cr_expect_eq(n, 10);
	kansa_store__iter_free(it);
	kansa_store__close(s);
}

typedef struct {
	kansa_store *s;
	int id;
	int count;
	int failures;
} worker_arg;

static void *worker(void *p)
{
	worker_arg *a = p;
	char tag[32];

	snprintf(tag, sizeof(tag), "thread-%d", a->id);
	for (int i = 0; i < a->count; i++)
		if (append_simple(a->s, tag, NULL) != 0)
			a->failures++;
	return NULL;
}

/* The commits by size are @p want (KANSA_BATCH_BUCKETS of them), summing
 * to @p entries; a shorter read folds the larger batches into its last bucket. */
static void expect_batches(kansa_store *s, const uint64_t *want, uint64_t entries)
{
	uint64_t got[KANSA_BATCH_BUCKETS + 2], two[2], sum = 0, wide = 0;

	memset(got, 0xff, sizeof(got));
	kansa_store__batches(s, got, KANSA_BATCH_BUCKETS + 2, &sum);
	for (size_t i = 0; i < KANSA_BATCH_BUCKETS; i++) {
		cr_expect_eq(got[i], want[i], "batches of bucket %zu: %llu, not %llu", i,
		    (unsigned long long)got[i], (unsigned long long)want[i]);
		wide += i > 0 ? want[i] : 0;
	}
	cr_expect_eq(got[KANSA_BATCH_BUCKETS], 0, "a bucket past the last is 0");
	cr_expect_eq(got[KANSA_BATCH_BUCKETS + 1], 0);
	cr_expect_eq(sum, entries, "entries %llu, not %llu", (unsigned long long)sum,
	    (unsigned long long)entries);
	kansa_store__batches(s, two, 2, NULL);
	cr_expect_eq(two[0], want[0]);
	cr_expect_eq(two[1], wide, "the last of two buckets holds every batch of 2 or more");
}

/* Every commit is in exactly one bucket, and the buckets hold the entries
 * their bounds allow. */
static void expect_batch_totals(kansa_store *s, uint64_t commits, uint64_t appends)
{
	uint64_t got[KANSA_BATCH_BUCKETS], sum, n = 0, most = 0, least = 0;

	kansa_store__batches(s, got, KANSA_BATCH_BUCKETS, &sum);
	for (size_t i = 0; i < KANSA_BATCH_BUCKETS; i++) {
		n += got[i];
		most += got[i] << i;
		least += i == 0 ? got[i] : got[i] * ((1ULL << (i - 1)) + 1);
	}
	cr_expect_eq(n, commits, "%llu commits in the buckets, %llu made", (unsigned long long)n,
	    (unsigned long long)commits);
	cr_expect_eq(sum, appends);
	cr_expect(least <= appends && appends <= most, "%llu entries outside the buckets' %llu..%llu",
	    (unsigned long long)appends, (unsigned long long)least, (unsigned long long)most);
}

/* REQ: LEDGER-FORK-1 threads never fork the chain; group commit shares fsyncs */
Test(store_append, threads_8x500_group_commit)
{
	kansa_store *s = create_raw();
	pthread_t t[8];
	worker_arg a[8];
	uint64_t commits, appends, n;
	struct timespec t0, t1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < 8; i++) {
		a[i] = (worker_arg){ .s = s, .id = i, .count = 500 };
		cr_assert_eq(pthread_create(&t[i], NULL, worker, &a[i]), 0);
	}
	for (int i = 0; i < 8; i++) {
		pthread_join(t[i], NULL);
		cr_expect_eq(a[i].failures, 0);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	kansa_store__stats(s, &commits, &appends);
	cr_expect_eq(appends, 4000);
	cr_expect_lt(commits, appends, "no group commit: %llu commits", (unsigned long long)commits);
	expect_batch_totals(s, commits, appends);
	cr_assert_eq(kansa_store__count(&n, s), 0);
	cr_expect_eq(n, 4000);
	cr_expect_eq(check_chain(s), 4000);
	double sec = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	cr_log_info("8 threads x 500: %llu commits, %.1f entries/commit, %.0f appends/s",
	    (unsigned long long)commits, (double)appends / (double)commits, 4000.0 / sec);
	kansa_store__close(s);
}

/* REQ: LEDGER-FORK-1 processes never fork the chain */
Test(store_append, processes_4x200_one_chain)
{
	kansa_store *s = create_raw();
	pid_t pid[4];
	uint64_t n;

	kansa_store__close(s);
	for (int p = 0; p < 4; p++) {
		pid[p] = fork();
		cr_assert_geq(pid[p], 0);
		if (pid[p] == 0) {
			kansa_store *c = NULL;
			char tag[32];
			int bad = 0;
			snprintf(tag, sizeof(tag), "process-%d", p);
			if (open_with(&c, RAW_KEY_A, 0) != 0)
				_exit(10);
			for (int i = 0; i < 200; i++)
				if (append_simple(c, tag, NULL) != 0) {
					fprintf(stderr, "%s: %s\n", tag, kansa_error_last()->message);
					bad++;
				}
			kansa_store__close(c);
			_exit(bad ? 11 : 0);
		}
	}
	for (int p = 0; p < 4; p++) {
		int status;
		cr_assert_eq(waitpid(pid[p], &status, 0), pid[p]);
		cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child %d failed: %d", p, status);
	}
	cr_assert_eq(open_with(&s, RAW_KEY_A, 0), 0);
	cr_assert_eq(kansa_store__count(&n, s), 0);
	cr_expect_eq(n, 800);
	cr_expect_eq(check_chain(s), 800);
	kansa_store__close(s);
}

Test(store_append, readonly_store_appends_nothing)
{
	kansa_store *s = create_raw();
	uint64_t n;
	tentry t = { .tag = "ro" };

	cr_assert_eq(append_simple(s, "a", NULL), 0);
	kansa_store__close(s);
	cr_assert_eq(open_with(&s, RAW_KEY_A, KANSA_STORE_READONLY), 0, "%s",
	    kansa_error_last()->message);
	cr_expect_eq(kansa_store__append(s, tbuild, &t, NULL), KANSA_EIO);
	cr_expect_eq(kansa_store__meta_put(s, "x", (const uint8_t *)"y", 1), KANSA_EIO);
	cr_assert_eq(kansa_store__count(&n, s), 0);
	cr_expect_eq(n, 1);
	kansa_store__close(s);

	/* A file without write permission (meaningful only when not root). */
	if (geteuid() != 0 && !test_db_uri()) {
		cr_assert_eq(chmod(path, 0400), 0);
		if (open_with(&s, RAW_KEY_A, 0) == 0) {
			cr_expect_eq(kansa_store__append(s, tbuild, &t, NULL), KANSA_EIO);
			kansa_store__close(s);
		}
		chmod(path, 0600);
	}
	cr_assert_eq(open_with(&s, RAW_KEY_A, 0), 0);
	cr_assert_eq(kansa_store__count(&n, s), 0);
	cr_expect_eq(n, 1);
	kansa_store__close(s);
}

Test(store_append, invalid_entries_are_refused)
{
	kansa_store *s = create_raw();
	tentry t = { .tag = "x" };
	uint64_t n;

	cr_assert_eq(append_simple(s, "a", NULL), 0);
	t.corrupt_leaf = true;
	cr_expect_eq(kansa_store__append(s, tbuild, &t, NULL), KANSA_EINVAL);
	t.corrupt_leaf = false;
	/* REQ: LEDGER-7 time never goes backwards */
	t.time = 1600000000;
	cr_expect_eq(kansa_store__append(s, tbuild, &t, NULL), KANSA_EINVAL);
	cr_expect(strstr(kansa_error_last()->message, "before the previous entry") != NULL);
	cr_assert_eq(kansa_store__count(&n, s), 0);
	cr_expect_eq(n, 1);
	kansa_store__close(s);
}

/* REQ: LEDGER-FAILCLOSED-1 a failing callback leaves nothing behind */
Test(store_append, callback_failure_rolls_back)
{
	kansa_store *s = create_raw();
	tentry t = { .tag = "f", .fail = KANSA_EDENIED, .doc = "doc" };
	uint64_t n, seq = 77;

	cr_assert_eq(append_simple(s, "a", NULL), 0);
	cr_expect_eq(kansa_store__append(s, tbuild, &t, &seq), KANSA_EDENIED);
	cr_expect_str_eq(kansa_error_last()->message, "test callback fails");
	cr_expect_eq(seq, 0);
	cr_assert_eq(kansa_store__count(&n, s), 0);
	cr_expect_eq(n, 1);
	cr_expect_eq(append_simple(s, "b", &seq), 0);
	cr_expect_eq(seq, 1);
	cr_expect_eq(check_chain(s), 2);
	kansa_store__close(s);
}

/*
 * Put several callers into one batch: a first append whose callback sleeps
 * holds the leader slot while the others queue; they then form the next batch.
 */
typedef struct {
	kansa_store *s;
	tentry t;
	int rc;
} gate_arg;

static int gate_build(void *ctx, kansa_store *s, const kansa_store_pos *pos, kansa_store_entry *out)
{
	/* hold the batch until the three callers queued */
	(void)queue_wait(s, 3, false);
	return tbuild(ctx, s, pos, out);
}

static void *gate_worker(void *p)
{
	gate_arg *g = p;
	g->rc = kansa_store__append(g->s, gate_build, &g->t, NULL);
	return NULL;
}

static void *batch_worker(void *p)
{
	gate_arg *g = p;
	g->rc = kansa_store__append(g->s, tbuild, &g->t, NULL);
	return NULL;
}

/* Wait until @p n callers are queued behind a running batch. */
static void wait_queued(kansa_store *s, size_t n)
{
	if (!queue_wait(s, n, true))
		cr_assert_fail("%zu callers never queued behind the gate", n);
}

/* Run the gate, then B, C, D in that order (each queued before the next starts). */
static void run_batch_of_three(kansa_store *s, gate_arg *b)
{
	gate_arg gate = { .s = s, .t = { .tag = "gate" } };
	pthread_t tg, tb[3];

	cr_assert_eq(pthread_create(&tg, NULL, gate_worker, &gate), 0);
	wait_queued(s, 0); /* the gate is leading and asleep */
	for (int i = 0; i < 3; i++) {
		b[i].s = s;
		cr_assert_eq(pthread_create(&tb[i], NULL, batch_worker, &b[i]), 0);
		wait_queued(s, (size_t)i + 1); /* keep FIFO order B, C, D */
	}
	pthread_join(tg, NULL);
	for (int i = 0; i < 3; i++)
		pthread_join(tb[i], NULL);
	cr_assert_eq(gate.rc, 0);
}

/* REQ: LEDGER-BATCH-ISOLATION a caller whose own entry fails gets its error;
 * the others of its batch commit, in order, in one transaction */
Test(store_append, failing_entry_fails_only_its_caller)
{
	kansa_store *s = create_raw();
	gate_arg b[3] = { { .t = { .tag = "B" } }, { .t = { .tag = "C", .fail = KANSA_EDENIED } },
		{ .t = { .tag = "D" } } };
	uint64_t commits, appends, n;

	run_batch_of_three(s, b);
	kansa_store__stats(s, &commits, &appends);
	cr_expect_eq(commits, 2, "the gate, then B and D together (got %llu)", (unsigned long long)commits);
	cr_expect_eq(appends, 3);
	expect_batches(s, (uint64_t[KANSA_BATCH_BUCKETS]){ 1, 1 }, 3); /* gate alone, then B+D */
	cr_expect_eq(b[0].rc, 0, "B got %d", b[0].rc);
	cr_expect_eq(b[1].rc, KANSA_EDENIED, "C got %d", b[1].rc);
	cr_expect_eq(b[2].rc, 0, "D got %d", b[2].rc);
	cr_expect_eq(b[0].t.seen.seq, 1);
	cr_expect_eq(b[2].t.seen.seq, 2, "D follows B: C left no gap");
	cr_assert_eq(kansa_store__count(&n, s), 0);
	cr_expect_eq(n, 3);
	cr_expect_eq(check_chain(s), 3);
	kansa_store__close(s);
}

/* REQ: LEDGER-BATCH-ISOLATION an entry over the entry bound fails its caller alone */
Test(store_append, oversized_entry_fails_only_its_caller)
{
	kansa_store *s = create_raw();
	gate_arg b[3] = { { .t = { .tag = "B" } },
		{ .t = { .tag = "C", .pad = KANSA_MAX_ENTRY_BYTES + 1 } }, { .t = { .tag = "D" } } };
	uint64_t n;

	run_batch_of_three(s, b);
	cr_expect_eq(b[0].rc, 0, "B got %d", b[0].rc);
	cr_expect_eq(b[1].rc, KANSA_ELIMIT, "C got %d", b[1].rc);
	cr_expect_eq(b[2].rc, 0, "D got %d", b[2].rc);
	cr_assert_eq(kansa_store__count(&n, s), 0);
	cr_expect_eq(n, 3);
	cr_expect_eq(check_chain(s), 3);
	kansa_store__close(s);
}

/* Every entry of a batch failing on its own: each caller gets its error,
 * nothing is committed, and the store takes the next append. */
Test(store_append, every_entry_failing_commits_nothing)
{
	kansa_store *s = create_raw();
	gate_arg b[3] = { { .t = { .tag = "B", .fail = KANSA_EDENIED } },
		{ .t = { .tag = "C", .fail = KANSA_EVERIFY } }, { .t = { .tag = "D", .fail = KANSA_EDENIED } } };
	uint64_t commits, n;

	run_batch_of_three(s, b);
	kansa_store__stats(s, &commits, NULL);
	cr_expect_eq(commits, 1, "gate only");
	cr_expect_eq(b[0].rc, KANSA_EDENIED);
	cr_expect_eq(b[1].rc, KANSA_EVERIFY);
	cr_expect_eq(b[2].rc, KANSA_EDENIED);
	cr_assert_eq(kansa_store__count(&n, s), 0);
	cr_expect_eq(n, 1);
	cr_expect_eq(append_simple(s, "e", NULL), 0);
	cr_expect_eq(check_chain(s), 2);
	kansa_store__close(s);
}

/* REQ: LEDGER-FAILCLOSED-1 an error of the database fails the whole batch */
Test(store_append, database_error_fails_the_whole_batch)
{
	kansa_store *s = create_raw();
	gate_arg b[3] = { { .t = { .tag = "B" } }, { .t = { .tag = "C", .fail = KANSA_EIO } },
		{ .t = { .tag = "D" } } };
	uint64_t commits, appends, n;

	run_batch_of_three(s, b);
	kansa_store__stats(s, &commits, &appends);
	cr_expect_eq(commits, 1, "gate only");
	cr_expect_eq(appends, 1);
	expect_batches(s, (uint64_t[KANSA_BATCH_BUCKETS]){ 1 }, 1); /* the failed batch is not counted */
	for (int i = 0; i < 3; i++)
		cr_expect_eq(b[i].rc, KANSA_EIO, "caller %d got %d", i, b[i].rc);
	cr_assert_eq(kansa_store__count(&n, s), 0);
	cr_expect_eq(n, 1);
	cr_expect_eq(check_chain(s), 1);
	kansa_store__close(s);
}

/* Allowed (odd ids also denied) uses of warrant cti {id % 2} from one thread. */
typedef struct {
	kansa_store *s;
	int id;
	int uses;
	int failures;
} use_arg;

static void *use_worker(void *vp)
{
	use_arg *a = vp;

	for (int i = 0; i < a->uses; i++) {
		tentry t = { .tag = "use", .has_warrant = true, .allowed = true };
		tentry d = { .tag = "denied", .has_warrant = true, .allowed = false };

		memset(t.warrant_cti, 0x10 + a->id % 2, sizeof(t.warrant_cti));
		memcpy(d.warrant_cti, t.warrant_cti, sizeof(d.warrant_cti));
		if (kansa_store__append(a->s, tbuild, &t, NULL) < 0 ||
		    (a->id % 2 && kansa_store__append(a->s, tbuild, &d, NULL) < 0))
			a->failures++;
	}
	return NULL;
}

/* REQ: LEDGER-STORE-6 every allowed use counts once, the first of a warrant
 * too, alone or sharing a batch; denied uses never count */
Test(store_append, uses_count_every_allowed_use)
{
	kansa_store *s = create_raw();
	pthread_t t[6];
	use_arg a[6];
	uint8_t cti[16];
	uint64_t uses;

	for (int i = 0; i < 6; i++) {
		a[i] = (use_arg){ .s = s, .id = i, .uses = 40 };
		cr_assert_eq(pthread_create(&t[i], NULL, use_worker, &a[i]), 0);
	}
	for (int i = 0; i < 6; i++) {
		pthread_join(t[i], NULL);
		cr_expect_eq(a[i].failures, 0);
	}
	for (int k = 0; k < 2; k++) {
		memset(cti, 0x10 + k, sizeof(cti));
		cr_assert_eq(kansa_store__uses(&uses, s, cti), 0);
		cr_expect_eq(uses, 120, "warrant %d: %llu uses counted, 120 allowed", k, (unsigned long long)uses);
	}
	memset(cti, 0x12, sizeof(cti));
	cr_assert_eq(kansa_store__uses(&uses, s, cti), 0);
	cr_expect_eq(uses, 0, "a warrant never used has no uses");
	kansa_store__close(s);
}

/* REQ: LEDGER-STORE-6 uses and revocations are visible within the batch */
Test(store_append, uses_and_revocations_visible_within_batch)
{
	kansa_store *s = create_raw();
	gate_arg b[3] = { 0 };
	uint64_t commits, appends, uses, rseq;
	bool revoked;
	uint8_t w[KANSA_HASH_LEN], cti[16];

	memset(w, 0xaa, sizeof(w));
	memset(cti, 0xbb, sizeof(cti));
	/* B: an allowed use of W; C: a revocation of cti; D: queries both */
	b[0].t = (tentry){ .tag = "B", .has_warrant = true, .allowed = true };
	memcpy(b[0].t.warrant_hash, w, sizeof(w));
	memcpy(b[0].t.warrant_cti, cti, sizeof(cti));
	b[1].t = (tentry){ .tag = "C", .is_revocation = true, .doc = "revocation document" };
	memcpy(b[1].t.revoked_cti, cti, sizeof(cti));
	b[2].t = (tentry){ .tag = "D", .query = true, .has_warrant = true, .allowed = false };
	memcpy(b[2].t.warrant_hash, w, sizeof(w));
	memcpy(b[2].t.warrant_cti, cti, sizeof(cti));
	run_batch_of_three(s, b);
	for (int i = 0; i < 3; i++)
		cr_assert_eq(b[i].rc, 0);
	kansa_store__stats(s, &commits, &appends);
	cr_expect_eq(commits, 2, "B, C and D shared one commit");
	cr_expect_eq(appends, 4);
	expect_batches(s, (uint64_t[KANSA_BATCH_BUCKETS]){ 1, 0, 1 }, 4); /* 1, then 3 in 3-4 */
	cr_expect_eq(b[2].t.seen_uses, 1);
	cr_expect(b[2].t.seen_revoked);
	cr_expect_eq(b[2].t.seen.seq, 3);
	cr_expect_eq(b[1].t.seen.seq, 2);

	/* After the commit: a denied use does not count. */
	cr_assert_eq(kansa_store__uses(&uses, s, cti), 0);
	cr_expect_eq(uses, 1);
	cr_assert_eq(kansa_store__is_revoked(&revoked, &rseq, s, cti), 0);
	cr_expect(revoked);
	cr_expect_eq(rseq, 2);
	uses = 0;
	revoked = false;
	cr_assert_eq(kansa_store__warrant_state(&uses, &revoked, s, cti), 0, "%s", kansa_error_last()->message);
	cr_expect(uses == 1 && revoked, "both at once: %llu uses, revoked %d", (unsigned long long)uses, revoked);
	memset(cti, 0xcc, sizeof(cti));
	cr_assert_eq(kansa_store__uses(&uses, s, cti), 0);
	cr_expect_eq(uses, 0);
	cr_assert_eq(kansa_store__warrant_state(&uses, &revoked, s, cti), 0);
	cr_expect(uses == 0 && !revoked, "an unknown warrant: neither");

	/* The document came with C, keyed by its SHA-256. */
	uint8_t h[KANSA_HASH_LEN], *body = NULL;
	size_t len;
	int kind;
	const char *doc = "revocation document";
	cr_assert_eq(kansa_sha256(h, (const uint8_t *)doc, strlen(doc)), 0);
	cr_assert_eq(kansa_store__doc_get(&body, &len, &kind, s, h), 0);
	cr_expect_eq(len, strlen(doc));
	cr_expect_eq(kind, 7);
	cr_expect(memcmp(body, doc, len) == 0);
	free(body);
	kansa_store__close(s);
}

/* REQ: LEDGER-STORE-7 another writer past the busy timeout is KANSA_ELOCKED */
Test(store_append, busy_past_timeout_is_elocked, .timeout = KANSA_HANG_GUARD)
{
	FILE_ENGINE_ONLY();
	kansa_store *s = create_raw();
	sqlite3 *db = NULL;
	uint64_t n;

	cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
	cr_assert_eq(sqlite3_exec(db, "PRAGMA key = \"x'" RAW_KEY_A "'\"", NULL, NULL, NULL), 0);
	cr_assert_eq(sqlite3_exec(db, "PRAGMA cipher_page_size = 4096", NULL, NULL, NULL), 0);
	cr_assert_eq(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK,
	    "%s", sqlite3_errmsg(db));
	cr_expect_eq(append_simple(s, "blocked", NULL), KANSA_ELOCKED);
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(db);
	cr_assert_eq(kansa_store__count(&n, s), 0);
	cr_expect_eq(n, 0);
	cr_expect_eq(append_simple(s, "free", NULL), 0);
	kansa_store__close(s);
}

/* A full disk (here: a file size limit) fails the append with KANSA_EIO and loses nothing committed. */
Test(store_append, file_size_limit_is_eio_and_nothing_half_written)
{
	FILE_ENGINE_ONLY();
	kansa_store *s = create_raw();
	struct rlimit old, lim;
	uint64_t ok = 0, n;
	int error = 0;

	signal(SIGXFSZ, SIG_IGN);
	cr_assert_eq(getrlimit(RLIMIT_FSIZE, &old), 0);
	lim = old;
	lim.rlim_cur = 256 * 1024;
	cr_assert_eq(setrlimit(RLIMIT_FSIZE, &lim), 0);
	for (int i = 0; i < 100000 && error == 0; i++)
		if ((error = append_simple(s, "fill-the-disk-fill-the-disk-fill-the-disk", NULL)) == 0)
			ok++;
	cr_expect_eq(error, KANSA_EIO, "got %d: %s", error, kansa_error_last()->message);
	kansa_store__close(s);
	cr_assert_eq(setrlimit(RLIMIT_FSIZE, &old), 0);
	cr_assert_eq(open_with(&s, RAW_KEY_A, 0), 0, "%s", kansa_error_last()->message);
	cr_assert_eq(kansa_store__count(&n, s), 0);
	cr_expect_eq(n, ok);
	cr_expect_eq(check_chain(s), ok);
	cr_expect_eq(append_simple(s, "after", NULL), 0);
	kansa_store__close(s);
}

/* ---------------------------------------------------------------------- */
/* Documents, meta, nodes, checkpoints                                     */
/* ---------------------------------------------------------------------- */

TestSuite(store_tables, .init = setup, .fini = teardown, .timeout = KANSA_HANG_GUARD);

Test(store_tables, documents_meta_nodes_checkpoints)
{
	kansa_store *s = create_raw();
	uint8_t h[KANSA_HASH_LEN], h2[KANSA_HASH_LEN], *p = NULL;
	size_t len;
	uint64_t size;
	kansa_secret *sec = NULL;

	cr_assert_eq(kansa_store__doc_put(h, s, 3, (const uint8_t *)"abc", 3), 0);
	cr_assert_eq(kansa_store__doc_put(h2, s, 3, (const uint8_t *)"abc", 3), 0); /* once */
	cr_expect(memcmp(h, h2, sizeof(h)) == 0);
	cr_expect_eq(kansa_store__doc_put(h2, s, 3, NULL, 0), KANSA_EINVAL);
	memset(h2, 0, sizeof(h2));
	cr_expect_eq(kansa_store__doc_get(&p, &len, NULL, s, h2), KANSA_ENOTFOUND);

	cr_expect_eq(kansa_store__meta_put(s, "store.schema_version", (const uint8_t *)"2", 1),
	    KANSA_EINVAL);
	cr_expect_eq(kansa_store__meta_get(&p, &len, s, "log.key"), KANSA_ENOTFOUND);
	cr_assert_eq(kansa_store__meta_put(s, "log.key", (const uint8_t *)"k1", 2), 0);
	cr_assert_eq(kansa_store__meta_put(s, "log.key", (const uint8_t *)"secret", 6), 0);
	cr_assert_eq(kansa_store__meta_get(&p, &len, s, "log.key"), 0);
	cr_expect_eq(len, 6);
	cr_expect_str_eq((char *)p, "secret");
	free(p);
	cr_assert_eq(kansa_store__meta_get_secret(&sec, s, "log.key"), 0);
	cr_expect_eq(kansa_secret_len(sec), 6);
	cr_expect(memcmp(kansa_secret_data(sec), "secret", 6) == 0);
	kansa_secret_free(sec);

	cr_expect_eq(kansa_store__node_get(h2, s, 0, 5), KANSA_ENOTFOUND);
	cr_assert_eq(kansa_store__node_put(s, 0, 5, h), 0);
	cr_assert_eq(kansa_store__node_get(h2, s, 0, 5), 0);
	cr_expect(memcmp(h, h2, sizeof(h)) == 0);

	cr_expect_eq(kansa_store__checkpoint_latest(&size, &p, &len, s), KANSA_ENOTFOUND);
	cr_assert_eq(kansa_store__checkpoint_put(s, 1, (const uint8_t *)"note1", 5), 0);
	cr_assert_eq(kansa_store__checkpoint_put(s, 10, (const uint8_t *)"note10", 6), 0);
	cr_expect_eq(kansa_store__checkpoint_put(s, 10, (const uint8_t *)"note10", 6), 0);
	cr_expect_eq(kansa_store__checkpoint_put(s, 10, (const uint8_t *)"other", 5), KANSA_EEXISTS);
	cr_assert_eq(kansa_store__checkpoint_latest(&size, &p, &len, s), 0);
	cr_expect_eq(size, 10);
	cr_expect_str_eq((char *)p, "note10");
	free(p);
	cr_assert_eq(kansa_store__checkpoint_get(&p, &len, s, 1), 0);
	cr_expect_str_eq((char *)p, "note1");
	free(p);
	cr_expect_eq(kansa_store__checkpoint_get(&p, &len, s, 2), KANSA_ENOTFOUND);
	/* replace: only while the stored note is the one the caller read */
	cr_expect_eq(kansa_store__checkpoint_replace(s, 2, (const uint8_t *)"x", 1, (const uint8_t *)"y", 1),
	    KANSA_ENOTFOUND);
	cr_expect_eq(kansa_store__checkpoint_replace(s, 1, (const uint8_t *)"note", 4,
	    (const uint8_t *)"note1+w", 7), KANSA_EEXISTS);
	cr_assert_eq(kansa_store__checkpoint_get(&p, &len, s, 1), 0);
	cr_expect_str_eq((char *)p, "note1");
	free(p);
	cr_assert_eq(kansa_store__checkpoint_replace(s, 1, (const uint8_t *)"note1", 5,
	    (const uint8_t *)"note1+w", 7), 0);
	kansa_store__close(s);

	/* Everything survives a reopen. */
	cr_assert_eq(open_with(&s, RAW_KEY_A, KANSA_STORE_READONLY), 0);
	cr_assert_eq(kansa_store__doc_get(&p, &len, NULL, s, h), 0);
	cr_expect_eq(len, 3);
	free(p);
	cr_assert_eq(kansa_store__checkpoint_get(&p, &len, s, 1), 0);
	cr_expect_str_eq((char *)p, "note1+w");
	free(p);
	cr_expect_eq(kansa_store__checkpoint_replace(s, 1, (const uint8_t *)"note1+w", 7,
	    (const uint8_t *)"z", 1), KANSA_EIO);
	kansa_store__close(s);
}

/* ---------------------------------------------------------------------- */
/* scrypt                                                                  */
/* ---------------------------------------------------------------------- */

/* RFC 7914 §12, the N=1024 r=8 p=16 vector ("password", "NaCl"). */
Test(kdf_scrypt, rfc7914_vector)
{
	static const uint8_t want[16] = { 0xfd, 0xba, 0xbe, 0x1c, 0x9d, 0x34, 0x72, 0x00,
		0x78, 0x56, 0xe7, 0x19, 0x0d, 0x01, 0xe9, 0xfe };
	uint8_t out[64];
	kansa_secret *pw = secret("password");

	cr_assert_eq(kansa_kdf_scrypt(out, sizeof(out), pw, (const uint8_t *)"NaCl", 4, 1024, 8, 16), 0,
	    "%s", kansa_error_last()->message);
	cr_expect(memcmp(out, want, sizeof(want)) == 0);
	cr_expect_eq(kansa_kdf_scrypt(out, sizeof(out), pw, (const uint8_t *)"NaCl", 4, 1000, 8, 16),
	    KANSA_EINVAL);
	kansa_secret_free(pw);
}

/*
 * Criterion's parallel runner sometimes leaks a 48-byte calloc of its own
 * when a long test (the 5 s busy timeout) finishes last; none of our frames
 * are involved. Tell LeakSanitizer about it (used only in sanitizer builds).
 */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libcriterion.so\n";
}
