/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Read-only opens (ledger/store/store_file.c): a ledger at rest is read
 * "immutable", making no -wal or -shm beside it (so a read-only copy,
 * directory or mount can be verified, and the owner is never left with
 * files it cannot write); a ledger whose -wal holds entries, or that a
 * connection has open, is read through SQLite's WAL and sees every entry;
 * an immutable reader keeps a writer that opens meanwhile from
 * checkpointing into the file under it.
 */
#include "tests/unit/hang_guard.h"
#include <fcntl.h>
#include <sys/wait.h>

#include "helpers.h"

static char dir[64], path[128], wal[140], shm[140];

static void setup(void)
{
	tmp_db(dir, sizeof(dir), path, sizeof(path));
	snprintf(wal, sizeof(wal), "%s-wal", path);
	snprintf(shm, sizeof(shm), "%s-shm", path);
}

static void teardown(void)
{
	chmod(path, 0600);
	rm_db(dir);
}

TestSuite(store_readonly, .init = setup, .fini = teardown, .timeout = KANSA_HANG_GUARD);

static int open_as(kansa_store **s, int flags)
{
	kansa_secret *k = secret(RAW_KEY_A);
	int error = kansa_store__open(s, path, k, flags);
	kansa_secret_free(k);
	return error;
}

static void append_n(kansa_store *s, int n)
{
	for (int i = 0; i < n; i++) {
		tentry t = { .tag = "w" };
		cr_assert_eq(kansa_store__append(s, tbuild, &t, NULL), 0, "%s",
		    kansa_error_last()->message);
	}
}

/* A ledger of @p n entries, closed: at rest, no -wal left. */
static void make_at_rest(int n)
{
	kansa_store *s = NULL;

	cr_assert_eq(open_as(&s, KANSA_STORE_CREATE), 0, "%s", kansa_error_last()->message);
	append_n(s, n);
	kansa_store__close(s);
	cr_assert_neq(access(wal, F_OK), 0, "a closed ledger has no -wal");
}

static uint64_t iter_count(kansa_store *s)
{
	kansa_store_iter *it = NULL;
	kansa_store_row row;
	uint64_t n = 0;
	int rc;

	cr_assert_eq(kansa_store__iter_new(&it, s, 0), 0, "%s", kansa_error_last()->message);
	while ((rc = kansa_store__iter_next(&row, it)) == 1)
		n++;
	cr_assert_eq(rc, 0);
	kansa_store__iter_free(it);
	return n;
}

static bool exists(const char *p)
{
	return access(p, F_OK) == 0;
}

Test(store_readonly, a_read_only_file_at_rest_makes_no_wal_or_shm)
{
	FILE_ENGINE_ONLY();
	kansa_store *s = NULL;
	uint64_t n = 0;

	make_at_rest(5);
	cr_assert_eq(chmod(path, 0444), 0);
	/* REQ: LEDGER-RO-3 */
	cr_assert_eq(open_as(&s, KANSA_STORE_READONLY), 0, "%s", kansa_error_last()->message);
	cr_expect_eq(kansa_store__count(&n, s), 0);
	cr_expect_eq(n, 5);
	cr_expect_eq(iter_count(s), 5, "the iterator's connection reads the same file");
	cr_expect(!exists(wal) && !exists(shm), "no -wal or -shm while open");
	kansa_store__close(s);
	cr_expect(!exists(wal) && !exists(shm), "no -wal or -shm after close");
	/* the owner writes on afterwards */
	cr_assert_eq(chmod(path, 0600), 0);
	cr_assert_eq(open_as(&s, 0), 0, "%s", kansa_error_last()->message);
	append_n(s, 1);
	kansa_store__close(s);
}

Test(store_readonly, a_failed_read_only_open_makes_no_wal_or_shm)
{
	FILE_ENGINE_ONLY();
	kansa_secret *k = secret(RAW_KEY_B);
	kansa_store *s = NULL;

	make_at_rest(2);
	cr_assert_eq(chmod(path, 0444), 0);
	cr_expect_eq(kansa_store__open(&s, path, k, KANSA_STORE_READONLY), KANSA_EKEY);
	cr_expect_null(s);
	kansa_secret_free(k);
	cr_expect(!exists(wal) && !exists(shm), "a wrong key leaves no -wal or -shm");
}

Test(store_readonly, a_live_wal_is_read_through_sqlite)
{
	FILE_ENGINE_ONLY();
	kansa_store *w = NULL, *r = NULL;
	uint64_t n = 0;

	make_at_rest(1);
	cr_assert_eq(open_as(&w, 0), 0);
	append_n(w, 4); /* committed into the -wal; the writer stays open */
	cr_assert(exists(wal));
	/* REQ: LEDGER-RO-1 REQ: LEDGER-RO-2 */
	cr_assert_eq(open_as(&r, KANSA_STORE_READONLY), 0, "%s", kansa_error_last()->message);
	cr_expect_eq(kansa_store__count(&n, r), 0);
	cr_expect_eq(n, 5, "the reader sees the entries in the writer's -wal");
	cr_expect_eq(iter_count(r), 5);
	append_n(w, 1);
	cr_expect_eq(kansa_store__count(&n, r), 0);
	cr_expect_eq(n, 6, "and the ones committed while it is open");
	kansa_store__close(r);
	kansa_store__close(w);
}

Test(store_readonly, a_writer_keeps_its_log_out_of_the_file_under_an_immutable_reader)
{
	FILE_ENGINE_ONLY();
	kansa_store *w = NULL, *r = NULL;
	uint64_t n = 0;
	pid_t pid;
	int status = 0;

	make_at_rest(3);
	cr_assert_eq(open_as(&r, KANSA_STORE_READONLY), 0, "%s", kansa_error_last()->message);
	cr_assert(!exists(wal) && !exists(shm), "opened immutable");
	/* Another process writes and closes: its close must not checkpoint into
	 * the file the reader reads without locks of SQLite's. */
	if ((pid = fork()) == 0) {
		int ok = open_as(&w, 0) == 0;
		if (ok)
			append_n(w, 2);
		kansa_store__close(w);
		_exit(ok ? 0 : 1);
	}
	cr_assert(pid > 0);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	cr_expect(exists(wal), "the writer's log stays in its -wal");
	cr_expect_eq(kansa_store__count(&n, r), 0);
	cr_expect_eq(n, 3, "the reader's snapshot is whole");
	kansa_store__close(r);
	cr_assert_eq(open_as(&r, KANSA_STORE_READONLY), 0);
	cr_expect_eq(kansa_store__count(&n, r), 0);
	cr_expect_eq(n, 5, "a new reader sees the writer's entries");
	kansa_store__close(r);
}
