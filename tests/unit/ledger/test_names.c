/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One ledger file under two names (ledger/store/store_file.c): a hard link, or a
 * bind mount of the file, gives SQLite a -wal and -shm per name, so writers
 * under both would fork the chain. A writer refuses a second name with
 * KANSA_EIO; the handle opened before the second name appeared keeps one
 * chain: the entries equal the checks, uses never pass max_uses, and the
 * audit (replay) finds nothing.
 */
#include "tests/unit/hang_guard.h"
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "fixture.h"

/* Audit with replay: entries read and findings. */
static void audit(ledger_fixture *f, uint64_t *entries, uint64_t *findings)
{
	kansa_ledger *lg = NULL;
	kansa_audit_summary sum;
	kansa_audit_options opt = { KANSA_AUDIT_REPLAY, NULL, NULL, NULL, NULL };

	cr_assert_eq(kansa_ledger_open(&lg, f->db, f->dbkey, KANSA_LEDGER_READONLY), 0, "%s",
	    kansa_error_last()->message);
	cr_assert_eq(kansa_ledger_audit(&sum, lg, &opt), 0, "%s", kansa_error_last()->message);
	*entries = sum.entries;
	*findings = sum.findings;
	kansa_ledger_close(lg);
}

static int check(kansa_ledger *lg, ledger_fixture *f, kansa_receipt *r)
{
	return kansa_check(r, lg, f->warrant, f->warrant_len, f->request, f->request_len);
}

/*
 * lg1 is open under the first name, @p other names the same inode. A
 * writer under @p other must be refused; lg1 goes on alone (max_uses 1)
 * and is closed here.
 */
static void second_name_refused(ledger_fixture *f, kansa_ledger *lg1, const char *other)
{
	kansa_ledger *lg2 = NULL;
	kansa_receipt r;
	uint64_t entries = 0, findings = 0;

	/* REQ: LEDGER-NAMES-1 */
	cr_expect_eq(kansa_ledger_open(&lg2, other, f->dbkey, 0), KANSA_EIO,
	    "a writer under a second name must be refused");
	cr_expect_null(lg2);
	if (lg2 != NULL) { /* today's behaviour: both names append */
		cr_expect_eq(check(lg1, f, &r), 0);
		cr_expect_eq(check(lg2, f, &r), 0);
		cr_expect_neq(r.verdict, KANSA_ALLOW, "a second allow past max_uses 1 (a fork)");
		kansa_ledger_close(lg2);
		kansa_ledger_close(lg1);
		return;
	}
	cr_assert_eq(check(lg1, f, &r), 0, "%s", kansa_error_last()->message);
	cr_expect_eq(r.verdict, KANSA_ALLOW);
	cr_assert_eq(check(lg1, f, &r), 0, "%s", kansa_error_last()->message);
	cr_expect_eq(r.verdict, KANSA_DENY, "max_uses 1");
	kansa_ledger_close(lg1);
	audit(f, &entries, &findings);
	cr_expect_eq(entries, 3, "policy + two checks, no more");
	cr_expect_eq(findings, 0);
}

Test(ledger_open, refuses_a_writer_under_a_hard_link, .timeout = KANSA_HANG_GUARD)
{
	FIXTURE_FILE_ONLY();
	ledger_fixture f;
	kansa_ledger *lg1 = NULL, *lg2 = NULL;
	char link_name[160];

	fixture_make(&f, 1);
	snprintf(link_name, sizeof(link_name), "%s/link.db", f.dir);
	cr_assert_eq(kansa_ledger_open(&lg1, f.db, f.dbkey, 0), 0);
	cr_assert_eq(link(f.db, link_name), 0, "%s", strerror(errno));
	second_name_refused(&f, lg1, link_name);
	/* both names stay refused to writers while the link exists; readers may open */
	cr_expect_eq(kansa_ledger_open(&lg2, f.db, f.dbkey, 0), KANSA_EIO);
	cr_expect_eq(kansa_ledger_open(&lg2, link_name, f.dbkey, KANSA_LEDGER_READONLY), 0);
	kansa_ledger_close(lg2);
	lg2 = NULL;
	cr_assert_eq(unlink(link_name), 0);
	cr_expect_eq(kansa_ledger_open(&lg2, f.db, f.dbkey, 0), 0, "one name again: writable");
	kansa_ledger_close(lg2);
	fixture_free(&f);
}

Test(ledger_open, refuses_a_writer_under_a_bind_mounted_file, .timeout = KANSA_HANG_GUARD)
{
	ledger_fixture f;
	kansa_ledger *lg1 = NULL;
	char target[160];
	int fd;

	/* Criterion runs each test in its own process: a private mount
	 * namespace keeps the bind mount to this process and ends with it. */
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		cr_skip_test("bind mount: no private mount namespace here (%s)", strerror(errno));
	fixture_make(&f, 1);
	snprintf(target, sizeof(target), "%s/mounted.db", f.dir);
	cr_assert((fd = open(target, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600)) >= 0);
	close(fd);
	if (mount(f.db, target, NULL, MS_BIND, NULL) < 0) {
		fixture_free(&f);
		cr_skip_test("bind mount: not permitted here (%s)", strerror(errno));
	}
	cr_assert_eq(kansa_ledger_open(&lg1, f.db, f.dbkey, 0), 0);
	second_name_refused(&f, lg1, target);
	cr_expect_eq(umount2(target, MNT_DETACH), 0, "%s", strerror(errno));
	fixture_free(&f);
}
