/* SPDX-License-Identifier: Apache-2.0 */
/* The audit's entries decoded ahead (ledger/audit/ahead.c): a ledger longer
 * than the reader's ring gives every row once, in order, with the leaf hash
 * and decode of its own bytes; findings past the ring's first turn still
 * name their entries in order; a reader freed mid-pass leaks nothing; its
 * worker takes none of the process's signals. */
#include "tests/unit/hang_guard.h"
#include <pthread.h>
#include <signal.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "tests/unit/ledger/fixture.h"
#include "ledger/audit/audit.h"
#include "ledger/ledger_impl.h"
#include "ledger/store/store.h"
#include "ledger/tlog/merkle.h"

/* More entries than the ring holds (256), so that slots are reused. */
static int ring_turns(void)
{
	return kansa_test_scaled(600, 260);
}

Test(kansa_audit_ahead, gives_every_row_once_in_order_with_its_own_hash_and_decode,
    .timeout = KANSA_HANG_GUARD)
{
	ledger_fixture f;
	int n = ring_turns();
	kansa_ledger *lg = fixture_open_checked(&f, n);
	kansa_store_iter *it, *ref;
	kansa_audit_ahead *a;
	kansa_audit_item *item;
	kansa_store_row row;
	uint64_t count = 0, requests = 0;
	int rc;

	cr_assert_eq(kansa_store__iter_new(&it, kansa_ledger__store(lg), 0), 0);
	cr_assert_eq(kansa_store__iter_new(&ref, kansa_ledger__store(lg), 0), 0);
	cr_assert_eq(kansa_audit_ahead__new(&a, it, true), 0);
	while ((rc = kansa_audit_ahead__next(&item, a)) == 1) {
		uint8_t leaf[KANSA_HASH_LEN];
		kansa_entry e;

		cr_assert_eq(kansa_store__iter_next(&row, ref), 1);
		cr_assert_eq(item->rc, 1);
		cr_assert_eq(item->row.seq, count);
		cr_assert_eq(item->row.seq, row.seq);
		cr_assert_eq(item->row.body_len, row.body_len);
		cr_assert_arr_eq(item->row.body, row.body, row.body_len);
		cr_assert_arr_eq(item->row.leaf_hash, row.leaf_hash, KANSA_HASH_LEN);
		cr_assert_eq(kansa_merkle_leaf_hash(leaf, row.body, row.body_len), 0);
		cr_assert_arr_eq(item->leaf, leaf, KANSA_HASH_LEN);
		cr_assert(item->decoded, "entry %llu: %s", (unsigned long long)count, item->err.message);
		cr_assert_eq(kansa_entry__decode(&e, row.body, row.body_len), 0);
		cr_assert_eq(item->e.seq, e.seq);
		cr_assert_eq(item->e.kind, e.kind);
		cr_assert_eq(item->e.time, e.time);
		cr_assert_arr_eq(item->e.prev, e.prev, KANSA_HASH_LEN);
		if (e.kind == KANSA_ENTRY_DECISION) {
			cr_assert(item->req.parsed);
			cr_assert(item->req.complete, "%s", item->req.d.detail);
			cr_assert_eq(item->req.d.action, item->req.doc.action);
			requests++;
		} else {
			cr_assert_not(item->req.parsed);
		}
		kansa_entry__dispose(&e);
		count++;
	}
	cr_assert_eq(rc, 0);
	cr_assert_eq(kansa_store__iter_next(&row, ref), 0, "the reader gave every row");
	cr_assert_eq(count, (uint64_t)n + 1, "the policy entry and every check");
	cr_assert_eq(requests, (uint64_t)n);
	cr_assert_eq(kansa_audit_ahead__next(&item, a), 0, "the end stays the end");
	kansa_audit_ahead__free(a);
	kansa_store__iter_free(ref);
	kansa_store__iter_free(it);
	kansa_ledger_close(lg);
	fixture_free(&f);
}

Test(kansa_audit_ahead, without_requests_decisions_are_decoded_not_parsed, .timeout = KANSA_HANG_GUARD)
{
	ledger_fixture f;
	kansa_ledger *lg = fixture_open_checked(&f, 3);
	kansa_store_iter *it;
	kansa_audit_ahead *a;
	kansa_audit_item *item;
	int rc, count = 0;

	cr_assert_eq(kansa_store__iter_new(&it, kansa_ledger__store(lg), 0), 0);
	cr_assert_eq(kansa_audit_ahead__new(&a, it, false), 0);
	while ((rc = kansa_audit_ahead__next(&item, a)) == 1) {
		cr_assert(item->decoded);
		cr_assert_not(item->req.parsed);
		count++;
	}
	cr_assert_eq(rc, 0);
	cr_assert_eq(count, 4);
	kansa_audit_ahead__free(a);
	kansa_store__iter_free(it);
	kansa_ledger_close(lg);
	fixture_free(&f);
}

/* The pass stops early (an error, or the caller gives up): the items in
 * flight, decoded or not, are freed with the reader (the sanitizer and
 * valgrind runs see a leak or a race here). */
Test(kansa_audit_ahead, a_reader_freed_mid_pass_frees_its_items, .timeout = KANSA_HANG_GUARD)
{
	ledger_fixture f;
	kansa_ledger *lg = fixture_open_checked(&f, ring_turns());
	kansa_store_iter *it;
	kansa_audit_ahead *a;
	kansa_audit_item *item;

	for (int stop_after = 0; stop_after < 260; stop_after += 97) {
		cr_assert_eq(kansa_store__iter_new(&it, kansa_ledger__store(lg), 0), 0);
		cr_assert_eq(kansa_audit_ahead__new(&a, it, true), 0);
		for (int i = 0; i < stop_after; i++)
			cr_assert_eq(kansa_audit_ahead__next(&item, a), 1);
		kansa_audit_ahead__free(a);
		kansa_store__iter_free(it);
	}
	kansa_ledger_close(lg);
	fixture_free(&f);
}

typedef struct {
	uint64_t seqs[8];
	size_t n;
} seqs_seen;

static void on_finding(void *ctx, const kansa_audit_finding *fd)
{
	seqs_seen *s = ctx;

	if (fd->has_seq && s->n < 8)
		s->seqs[s->n++] = fd->seq;
}

/* Stored leaves that lie, before and after the ring's first turn: the
 * findings name both entries, in seq order, and nothing else. */
Test(kansa_ledger_audit, findings_past_the_read_ahead_ring_name_their_entries_in_order,
    .timeout = KANSA_HANG_GUARD)
{
	ledger_fixture f;
	int n = ring_turns();
	kansa_ledger *lg = fixture_open_checked(&f, n);
	uint64_t early = 100, late = (uint64_t)n - 20;
	uint8_t bad[KANSA_HASH_LEN];
	kansa_audit_summary sum;
	seqs_seen s = { { 0 }, 0 };
	kansa_audit_options opt = { KANSA_AUDIT_REPLAY, on_finding, NULL, &s, NULL };

	memset(bad, 0x5a, sizeof(bad));
	cr_assert_eq(kansa_store__node_put(kansa_ledger__store(lg), 0, late, bad), 0);
	cr_assert_eq(kansa_store__node_put(kansa_ledger__store(lg), 0, early, bad), 0);
	cr_assert_eq(kansa_ledger_audit(&sum, lg, &opt), 0, "%s", kansa_error_last()->message);
	cr_assert_eq(sum.entries, (uint64_t)n + 1);
	cr_assert_eq(sum.decisions, (uint64_t)n, "every decision replayed");
	cr_assert_eq(s.n, 2);
	cr_assert_eq(s.seqs[0], early);
	cr_assert_eq(s.seqs[1], late);
	cr_assert(sum.has_first_bad);
	cr_assert_eq(sum.first_bad_seq, early);
	kansa_ledger_close(lg);
	fixture_free(&f);
}

/* Which thread ran the SIGUSR1 handler: this test's own, or another. */
static volatile sig_atomic_t usr1_here, usr1_elsewhere;
static pid_t usr1_tid;

static void on_usr1(int sig)
{
	(void)sig;
	if ((pid_t)syscall(SYS_gettid) == usr1_tid)
		usr1_here = 1;
	else
		usr1_elsewhere = 1;
}

/* The process's signals stay with the application's threads: a signal sent
 * to the process while this thread blocks it stays pending, and is not taken
 * by the worker, although the worker was started while this thread blocked
 * nothing (a worker that inherited the mask would take it). The signal is
 * observed, not the kernel's mask, which valgrind keeps for itself. */
Test(kansa_audit_ahead, its_worker_takes_none_of_the_process_signals, .timeout = KANSA_HANG_GUARD)
{
	ledger_fixture f;
	kansa_ledger *lg = fixture_open_checked(&f, 1);
	kansa_store_iter *it;
	kansa_audit_ahead *a;
	struct sigaction sa = { .sa_handler = on_usr1 }, old_sa;
	struct timespec tick = { 0, 10 * 1000 * 1000 };
	sigset_t none, usr1, old, pending;

	usr1_tid = (pid_t)syscall(SYS_gettid);
	sigemptyset(&sa.sa_mask);
	cr_assert_eq(sigaction(SIGUSR1, &sa, &old_sa), 0);
	sigemptyset(&none);
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	cr_assert_eq(pthread_sigmask(SIG_SETMASK, &none, &old), 0);
	cr_assert_eq(kansa_store__iter_new(&it, kansa_ledger__store(lg), 0), 0);
	cr_assert_eq(kansa_audit_ahead__new(&a, it, false), 0);

	cr_assert_eq(pthread_sigmask(SIG_BLOCK, &usr1, NULL), 0);
	cr_assert_eq(kill(getpid(), SIGUSR1), 0);
	/* a worker that took signals would have run the handler by now */
	for (int i = 0; i < 20 && !usr1_elsewhere; i++)
		nanosleep(&tick, NULL);
	cr_assert_eq(usr1_elsewhere, 0, "the worker took a signal sent to the process");
	cr_assert_eq(sigpending(&pending), 0);
	cr_assert(sigismember(&pending, SIGUSR1), "the signal waits for this thread");
	cr_assert_eq(pthread_sigmask(SIG_UNBLOCK, &usr1, NULL), 0);
	cr_assert_eq(usr1_here, 1, "this thread took it once it unblocked it");

	kansa_audit_ahead__free(a);
	cr_assert_eq(pthread_sigmask(SIG_SETMASK, &old, NULL), 0);
	cr_assert_eq(sigaction(SIGUSR1, &old_sa, NULL), 0);
	kansa_store__iter_free(it);
	kansa_ledger_close(lg);
	fixture_free(&f);
}
