/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The lock hierarchy (docs/ledger.md "Locks"): check threads, whose batch
 * leader holds the store lock inside the write transaction and then takes
 * the ledger lock, run at the same time as threads asking for the ledger's
 * info and a thread activating new policy versions, which read the policy
 * from the store. Every call returns (no deadlock; the .timeout is the hang
 * guard, far above the expected time), every check is recorded, and the
 * ledger ends at the last policy version with one chain.
 */
#include "tests/unit/hang_guard.h"
#include <pthread.h>

#include "fixture.h"

#define CHECKERS 4
#define CHECKS 150
#define READERS 2
#define INFOS 300
#define VERSIONS 12

typedef struct {
	perf_fixture *p;
	kansa_ledger *lg;
	uint8_t *policy[VERSIONS]; /* versions 2 .. VERSIONS + 1 */
	size_t policy_len[VERSIONS];
} shared;

typedef struct {
	shared *sh;
	int done;   /* calls that returned 0 */
	int failed; /* calls that did not */
} worker;

static void *checker(void *arg)
{
	worker *w = arg;
	perf_fixture *p = w->sh->p;

	for (int i = 0; i < CHECKS; i++) {
		kansa_receipt r;
		if (kansa_check(&r, w->sh->lg, p->f.warrant, p->f.warrant_len, p->f.request,
		    p->f.request_len) == 0 && r.verdict == KANSA_ALLOW)
			w->done++;
		else
			w->failed++;
	}
	return NULL;
}

static void *reader(void *arg)
{
	worker *w = arg;

	for (int i = 0; i < INFOS; i++) {
		kansa_ledger_info info;
		if (kansa_ledger_get_info(&info, w->sh->lg) == 0)
			w->done++;
		else
			w->failed++;
	}
	return NULL;
}

static void *activator(void *arg)
{
	worker *w = arg;

	for (int i = 0; i < VERSIONS; i++) {
		kansa_receipt r;
		if (kansa_ledger_activate_policy(&r, w->sh->lg, w->sh->policy[i],
		    w->sh->policy_len[i]) == 0)
			w->done++;
		else
			w->failed++;
	}
	return NULL;
}

/* REQ: LEDGER-LOCKS-1 the store lock is taken before the ledger lock, never after */
Test(ledger_locks, checks_info_and_policy_activation_never_deadlock, .timeout = KANSA_HANG_GUARD)
{
	perf_fixture p;
	shared sh = { 0 };
	worker w[CHECKERS + READERS + 1] = { 0 };
	pthread_t t[CHECKERS + READERS + 1];
	kansa_ledger_info info;
	size_t n = 0;

	perf_fixture_make(&p);
	sh.p = &p;
	for (int i = 0; i < VERSIONS; i++)
		perf_policy(&sh.policy[i], &sh.policy_len[i], &p, i + 2, true);
	cr_assert_eq(kansa_ledger_open(&sh.lg, p.f.db, p.f.dbkey, 0), 0);
	for (int i = 0; i < CHECKERS; i++) {
		w[n].sh = &sh;
		cr_assert_eq(pthread_create(&t[n], NULL, checker, &w[n]), 0);
		n++;
	}
	for (int i = 0; i < READERS; i++) {
		w[n].sh = &sh;
		cr_assert_eq(pthread_create(&t[n], NULL, reader, &w[n]), 0);
		n++;
	}
	w[n].sh = &sh;
	cr_assert_eq(pthread_create(&t[n], NULL, activator, &w[n]), 0);
	n++;
	for (size_t i = 0; i < n; i++)
		cr_assert_eq(pthread_join(t[i], NULL), 0);

	for (size_t i = 0; i < CHECKERS; i++)
		cr_expect_eq(w[i].done, CHECKS, "checker %zu: %d failed", i, w[i].failed);
	for (size_t i = CHECKERS; i < CHECKERS + READERS; i++)
		cr_expect_eq(w[i].done, INFOS, "reader %zu: %d failed", i, w[i].failed);
	cr_expect_eq(w[n - 1].done, VERSIONS, "activations: %d failed", w[n - 1].failed);
	cr_assert_eq(kansa_ledger_get_info(&info, sh.lg), 0);
	cr_expect_eq(info.policy_version, VERSIONS + 1);
	cr_expect_eq(info.size, 1 + CHECKERS * CHECKS + VERSIONS, "policy v1, the checks, the activations");
	kansa_ledger_close(sh.lg);
	for (int i = 0; i < VERSIONS; i++)
		free(sh.policy[i]);
	perf_fixture_free(&p);
}
