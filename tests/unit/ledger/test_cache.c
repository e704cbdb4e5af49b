/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The verified-document cache (ledger/cache.h), on its own and inside
 * kansa_check: hits, LRU eviction by entries and by bytes, invalidation by
 * warrant id and by policy, refcounted entries that outlive eviction, many
 * threads at once; and in the ledger: a warrant is verified once, a
 * revocation and a policy change drop what they must, and a policy that
 * removes a signer is never answered from a stale verification.
 */
#include "tests/unit/hang_guard.h"
#include <pthread.h>
#include <stdatomic.h>

#include "threads_fixture.h"
#include "ledger/cache.h"
#include "ledger/ledger_impl.h"
#include "tests/unit/ledger/store/queue_wait.h"
#include "policy/doc.h"

/* A verification result of warrant @p w (COSE bytes) against policy @p pol. */
static kansa_warrant_check check_of(const uint8_t *pol, size_t pol_len, const uint8_t *w, size_t wlen)
{
	kansa_policy *p = NULL;
	kansa_warrant_check wc;

	cr_assert_eq(kansa_policy_load(&p, pol, pol_len, NULL), 0);
	cr_assert_eq(kansa_decide__verify_warrant(&wc, kansa_policy__doc(p), w, wlen, NULL), 0);
	kansa_policy_free(p);
	return wc;
}

static void key_of(uint8_t h[KANSA_HASH_LEN], int n)
{
	memset(h, 0, KANSA_HASH_LEN);
	h[0] = (uint8_t)n;
	h[31] = (uint8_t)(n >> 8);
}

/* An entry with no document (cost only). */
static kansa_cache_entry *put_plain(kansa_cache *c, int w, int p, size_t cost)
{
	uint8_t wh[KANSA_HASH_LEN], ph[KANSA_HASH_LEN];
	kansa_warrant_check wc;
	kansa_cache_entry *e = NULL;

	memset(&wc, 0, sizeof(wc));
	wc.signers = (size_t)w;
	key_of(wh, w);
	key_of(ph, p);
	cr_assert_eq(kansa_cache__put(&e, c, wh, ph, &wc, cost), 0);
	return e;
}

static bool has(kansa_cache *c, int w, int p)
{
	uint8_t wh[KANSA_HASH_LEN], ph[KANSA_HASH_LEN];
	kansa_cache_entry *e;

	key_of(wh, w);
	key_of(ph, p);
	e = kansa_cache__get(c, wh, ph);
	if (e)
		cr_expect_eq(kansa_cache_entry__value(e)->signers, (size_t)w, "entry of another key");
	kansa_cache__release(c, e);
	return e != NULL;
}

Test(kansa_cache, hit_and_miss_by_warrant_and_policy)
{
	kansa_cache *c = NULL;
	kansa_cache_stats st;

	cr_assert_eq(kansa_cache__new(&c, 8, 1 << 20), 0);
	kansa_cache__release(c, put_plain(c, 1, 1, 10));
	cr_expect(has(c, 1, 1));
	cr_expect(!has(c, 1, 2), "another policy is another key");
	cr_expect(!has(c, 2, 1));
	kansa_cache__stats(&st, c);
	cr_expect_eq(st.hits, 1);
	cr_expect_eq(st.misses, 2);
	cr_expect_eq(st.entries, 1);
	kansa_cache__free(c);
}

Test(kansa_cache, evicts_least_recently_used_by_entries)
{
	kansa_cache *c = NULL;
	kansa_cache_stats st;

	/* REQ: PERF-CACHE-1 */
	cr_assert_eq(kansa_cache__new(&c, 3, 1 << 20), 0);
	for (int i = 1; i <= 3; i++)
		kansa_cache__release(c, put_plain(c, i, 0, 10));
	cr_expect(has(c, 1, 0)); /* 1 is now the most recently used: 2 goes first */
	kansa_cache__release(c, put_plain(c, 4, 0, 10));
	cr_expect(!has(c, 2, 0));
	cr_expect(has(c, 1, 0) && has(c, 3, 0) && has(c, 4, 0));
	kansa_cache__stats(&st, c);
	cr_expect_eq(st.entries, 3);
	cr_expect_eq(st.evictions, 1);
	kansa_cache__free(c);
}

Test(kansa_cache, evicts_by_bytes_and_refuses_an_entry_larger_than_the_cache)
{
	kansa_cache *c = NULL;
	kansa_cache_entry *e = NULL;
	kansa_warrant_check wc;
	kansa_cache_stats st;
	uint8_t h[KANSA_HASH_LEN] = { 0 };

	cr_assert_eq(kansa_cache__new(&c, 100, 4096), 0);
	for (int i = 1; i <= 10; i++)
		kansa_cache__release(c, put_plain(c, i, 0, 1000));
	kansa_cache__stats(&st, c);
	cr_expect_leq(st.bytes, 4096);
	cr_expect_lt(st.entries, 4);
	cr_expect(has(c, 10, 0) && !has(c, 1, 0));
	memset(&wc, 0, sizeof(wc));
	wc.signers = 77;
	cr_expect_eq(kansa_cache__put(&e, c, h, h, &wc, 5000), KANSA_ELIMIT);
	cr_expect_null(e);
	cr_expect_eq(wc.signers, 77, "the value stays the caller's");
	kansa_cache__free(c);
}

Test(kansa_cache, held_entry_outlives_eviction_and_invalidation)
{
	kansa_cache *c = NULL;
	kansa_cache_entry *held, *e2;

	/* REQ: PERF-CACHE-5 refcounted: a held entry is freed on its last release only */
	cr_assert_eq(kansa_cache__new(&c, 1, 1 << 20), 0);
	held = put_plain(c, 1, 0, 10);
	kansa_cache__release(c, put_plain(c, 2, 0, 10)); /* evicts 1 while held */
	cr_expect(!has(c, 1, 0));
	cr_expect_eq(kansa_cache_entry__value(held)->signers, 1); /* still valid (ASan/valgrind) */
	e2 = put_plain(c, 3, 0, 10);
	cr_expect_eq(kansa_cache__invalidate_policy(c, NULL), 1);
	cr_expect_eq(kansa_cache_entry__value(e2)->signers, 3);
	kansa_cache__release(c, held);
	kansa_cache__release(c, e2);
	kansa_cache__free(c);
}

Test(kansa_cache, same_key_twice_keeps_one_copy)
{
	kansa_cache *c = NULL;
	kansa_cache_entry *a, *b;
	kansa_cache_stats st;

	cr_assert_eq(kansa_cache__new(&c, 8, 1 << 20), 0);
	a = put_plain(c, 5, 5, 10);
	b = put_plain(c, 5, 5, 10);
	cr_expect_eq(a, b);
	kansa_cache__stats(&st, c);
	cr_expect_eq(st.entries, 1);
	kansa_cache__release(c, a);
	kansa_cache__release(c, b);
	kansa_cache__free(c);
}

Test(kansa_cache, invalidates_by_cti_and_by_policy, .timeout = KANSA_HANG_GUARD)
{
	perf_fixture p;
	kansa_cache *c = NULL;
	kansa_cache_entry *e = NULL;
	uint8_t *w2 = NULL, ph1[KANSA_HASH_LEN], ph2[KANSA_HASH_LEN];
	size_t w2_len = 0;
	kansa_warrant_check wc;

	perf_fixture_make(&p);
	perf_warrant(&w2, &w2_len, &p, 2);
	cr_assert_eq(kansa_cache__new(&c, 8, 1 << 20), 0);
	key_of(ph1, 1);
	key_of(ph2, 2);
	wc = check_of(p.f.policy, p.f.policy_len, p.f.warrant, p.f.warrant_len);
	cr_assert_eq(wc.reason, KANSA_REASON_ALLOWED);
	{
		uint8_t wh[KANSA_HASH_LEN];
		memcpy(wh, wc.hash, sizeof(wh));
		cr_assert_eq(kansa_cache__put(&e, c, wh, ph1, &wc, 100), 0);
		kansa_cache__release(c, e);
		wc = check_of(p.f.policy, p.f.policy_len, p.f.warrant, p.f.warrant_len);
		cr_assert_eq(kansa_cache__put(&e, c, wh, ph2, &wc, 100), 0);
		kansa_cache__release(c, e);
	}
	wc = check_of(p.f.policy, p.f.policy_len, w2, w2_len);
	{
		uint8_t wh[KANSA_HASH_LEN], cti[16];
		memcpy(wh, wc.hash, sizeof(wh));
		memcpy(cti, wc.doc->u.warrant.cti, sizeof(cti));
		cr_assert_eq(kansa_cache__put(&e, c, wh, ph1, &wc, 100), 0);
		kansa_cache__release(c, e);
		/* REQ: PERF-CACHE-4 both policies' entries of one warrant go, the other stays */
		wc = check_of(p.f.policy, p.f.policy_len, p.f.warrant, p.f.warrant_len);
		memcpy(cti, wc.doc->u.warrant.cti, sizeof(cti));
		kansa_warrant_check__dispose(&wc);
		cr_expect_eq(kansa_cache__invalidate_cti(c, cti), 2);
		cr_expect_not_null(e = kansa_cache__get(c, wh, ph1));
		kansa_cache__release(c, e);
		/* REQ: PERF-CACHE-3 */
		cr_expect_eq(kansa_cache__invalidate_policy(c, ph2), 1);
		cr_expect_null(kansa_cache__get(c, wh, ph1));
	}
	kansa_cache__free(c);
	free(w2);
	perf_fixture_free(&p);
}

typedef struct {
	kansa_cache *c;
	int seed;
} stress_arg;

static void *stress(void *arg)
{
	stress_arg *a = arg;
	unsigned x = (unsigned)a->seed * 2654435761u + 1;

	for (int i = 0; i < 20000; i++) {
		uint8_t wh[KANSA_HASH_LEN], ph[KANSA_HASH_LEN];
		kansa_cache_entry *e;
		int k;

		x = x * 1103515245u + 12345u;
		k = (int)((x >> 8) % 64);
		key_of(wh, k);
		key_of(ph, 0);
		if ((e = kansa_cache__get(a->c, wh, ph)) == NULL) {
			kansa_warrant_check wc;
			memset(&wc, 0, sizeof(wc));
			wc.signers = (size_t)k;
			if (kansa_cache__put(&e, a->c, wh, ph, &wc, 64) < 0)
				return (void *)1;
		}
		if (kansa_cache_entry__value(e)->signers != (size_t)k)
			return (void *)1;
		if ((x >> 20) % 97 == 0)
			(void)kansa_cache__invalidate_policy(a->c, NULL);
		kansa_cache__release(a->c, e);
	}
	return NULL;
}

Test(kansa_cache, many_threads_get_put_evict_and_invalidate, .timeout = KANSA_HANG_GUARD)
{
	kansa_cache *c = NULL;
	pthread_t t[8];
	stress_arg a[8];
	kansa_cache_stats st;

	cr_assert_eq(kansa_cache__new(&c, 16, 1 << 20), 0);
	for (int i = 0; i < 8; i++) {
		a[i] = (stress_arg){ c, i };
		cr_assert_eq(pthread_create(&t[i], NULL, stress, &a[i]), 0);
	}
	for (int i = 0; i < 8; i++) {
		void *rv = NULL;
		pthread_join(t[i], &rv);
		cr_expect_null(rv, "thread %d saw a wrong entry", i);
	}
	kansa_cache__stats(&st, c);
	cr_expect_leq(st.entries, 16);
	cr_expect_gt(st.evictions, 0);
	kansa_cache__free(c);
}

/* ---- inside kansa_check -------------------------------------------------- */

static kansa_receipt check(kansa_ledger *lg, const uint8_t *w, size_t wlen, ledger_fixture *f)
{
	kansa_receipt r;

	cr_assert_eq(kansa_check(&r, lg, w, wlen, f->request, f->request_len), 0, "%s",
	    kansa_error_last()->message);
	return r;
}

Test(kansa_check_cache, verifies_a_warrant_once, .timeout = KANSA_HANG_GUARD)
{
	perf_fixture p;
	kansa_ledger *lg = NULL;
	kansa_ledger_stats st;

	/* REQ: PERF-CACHE-2 */
	perf_fixture_make(&p);
	cr_assert_eq(kansa_ledger_open(&lg, p.f.db, p.f.dbkey, 0), 0);
	for (int i = 0; i < 5; i++)
		cr_expect_eq(check(lg, p.f.warrant, p.f.warrant_len, &p.f).verdict, KANSA_ALLOW);
	cr_assert_eq(kansa_ledger_get_stats(&st, lg), 0);
	cr_expect_eq(st.cache_misses, 1);
	cr_expect_eq(st.cache_hits, 4);
	cr_expect_eq(st.cache_entries, 1);
	cr_expect_gt(st.cache_bytes, 0);
	kansa_ledger_close(lg);

	/* the warrant was inserted once (later checks skip it): replay finds
	 * every document and every decision as recorded */
	{
		kansa_audit_options opt = { KANSA_AUDIT_REPLAY, NULL, NULL, NULL, NULL };
		kansa_audit_summary sum;

		cr_assert_eq(kansa_ledger_open(&lg, p.f.db, p.f.dbkey, KANSA_LEDGER_READONLY), 0);
		cr_assert_eq(kansa_ledger_audit(&sum, lg, &opt), 0, "%s", kansa_error_last()->message);
		cr_expect_eq(sum.findings, 0);
		cr_expect_eq(sum.decisions, 5);
		kansa_ledger_close(lg);
	}
	perf_fixture_free(&p);
}

Test(kansa_check_cache, revocation_drops_the_warrant_and_denies, .timeout = KANSA_HANG_GUARD)
{
	perf_fixture p;
	kansa_ledger *lg = NULL;
	kansa_ledger_stats st;
	kansa_receipt r;
	kansa_doc *d = NULL;
	uint8_t *rev = NULL;
	size_t rev_len = 0;
	char *json = NULL, *q, cti[33];

	perf_fixture_make(&p);
	cr_assert_eq(kansa_ledger_open(&lg, p.f.db, p.f.dbkey, 0), 0);
	cr_expect_eq(check(lg, p.f.warrant, p.f.warrant_len, &p.f).verdict, KANSA_ALLOW);
	cr_assert_eq(kansa_doc_parse(&d, p.f.warrant, p.f.warrant_len, KANSA_DOC_WARRANT), 0);
	cr_assert_eq(kansa_doc_to_json(&json, NULL, d, NULL, 0), 0);
	cr_assert_not_null(q = strstr(json, "\"cti\":\""));
	memcpy(cti, q + 7, 32);
	cti[32] = 0;
	perf_revocation(&rev, &rev_len, &p, cti);
	cr_assert_eq(kansa_ledger_revoke(&r, lg, rev, rev_len), 0, "%s", kansa_error_last()->message);
	cr_assert_eq(kansa_ledger_get_stats(&st, lg), 0);
	cr_expect_eq(st.cache_entries, 0);
	cr_expect_eq(st.cache_invalidations, 1);
	cr_expect(strstr(r.detail, cti) != NULL, "the detail names the warrant: %s", r.detail);
	cr_expect_null(strstr(r.detail, "not been used"), "a used warrant: no note");
	r = check(lg, p.f.warrant, p.f.warrant_len, &p.f);
	cr_expect_eq(r.verdict, KANSA_DENY);
	cr_expect_eq(r.reason, KANSA_REASON_REVOKED);
	/* REQ: REVOKE-ONCE a second revocation of the same warrant is refused, nothing recorded */
	{
		kansa_ledger_info before, after;
		uint8_t *rev2 = NULL;
		size_t rev2_len = 0;

		cr_assert_eq(kansa_ledger_get_info(&before, lg), 0);
		cr_expect_eq(kansa_ledger_revoke(&r, lg, rev, rev_len), KANSA_EEXISTS);
		cr_expect(strstr(kansa_error_last()->message, "already revoked") != NULL, "%s",
		    kansa_error_last()->message);
		cr_assert_eq(kansa_ledger_get_info(&after, lg), 0);
		cr_expect_eq(after.size, before.size);
		/* a warrant never used here: recorded, with a note (it may be revoked before use) */
		perf_revocation(&rev2, &rev2_len, &p, "00112233445566778899aabbccddeeff");
		cr_expect_eq(kansa_ledger_revoke(&r, lg, rev2, rev2_len), 0, "%s", kansa_error_last()->message);
		cr_expect(strstr(r.detail, "has not been used in this ledger") != NULL, "%s", r.detail);
		cr_assert_eq(kansa_ledger_get_info(&after, lg), 0);
		cr_expect_eq(after.size, before.size + 1);
		free(rev2);
	}
	free(json);
	free(rev);
	kansa_doc_free(d);
	kansa_ledger_close(lg);
	perf_fixture_free(&p);
}

Test(kansa_check_cache, policy_change_never_answers_from_a_stale_verification, .timeout = KANSA_HANG_GUARD)
{
	perf_fixture p;
	kansa_ledger *lg = NULL, *other = NULL;
	kansa_ledger_stats st;
	kansa_receipt r;
	uint8_t *v2 = NULL;
	size_t v2_len = 0;

	perf_fixture_make(&p);
	perf_policy(&v2, &v2_len, &p, 2, false); /* member-b leaves the commission */
	cr_assert_eq(kansa_ledger_open(&lg, p.f.db, p.f.dbkey, 0), 0);
	cr_assert_eq(kansa_ledger_open(&other, p.f.db, p.f.dbkey, 0), 0);
	cr_expect_eq(check(lg, p.f.warrant, p.f.warrant_len, &p.f).verdict, KANSA_ALLOW);
	cr_expect_eq(check(other, p.f.warrant, p.f.warrant_len, &p.f).verdict, KANSA_ALLOW);

	/* activated through this handle: its cache drops the old policy's entries */
	cr_assert_eq(kansa_ledger_activate_policy(&r, lg, v2, v2_len), 0, "%s", kansa_error_last()->message);
	cr_assert_eq(kansa_ledger_get_stats(&st, lg), 0);
	cr_expect_eq(st.cache_entries, 0);
	r = check(lg, p.f.warrant, p.f.warrant_len, &p.f);
	cr_expect_eq(r.reason, KANSA_REASON_BAD_SIGNATURE, "member-b's signature no longer counts");

	/* the other handle still caches the v1 verification: inside the
	 * transaction it sees v2 and verifies again */
	r = check(other, p.f.warrant, p.f.warrant_len, &p.f);
	cr_expect_eq(r.verdict, KANSA_DENY);
	cr_expect_eq(r.reason, KANSA_REASON_BAD_SIGNATURE, "%s", r.detail);
	cr_assert_eq(kansa_ledger_get_stats(&st, other), 0);
	cr_expect_eq(st.cache_invalidations, 1, "the reload dropped the v1 entry");
	free(v2);
	kansa_ledger_close(other);
	kansa_ledger_close(lg);
	perf_fixture_free(&p);
}

/* One call of a batch: a check, or the activation of a policy. */
typedef struct {
	kansa_ledger *lg;
	perf_fixture *p;
	const uint8_t *policy; /* NULL: a check */
	size_t policy_len;
	kansa_receipt r;
	int rc;
} batch_call;

static void *batch_call_run(void *arg)
{
	batch_call *c = arg;

	c->rc = c->policy ? kansa_ledger_activate_policy(&c->r, c->lg, c->policy, c->policy_len) :
	    kansa_check(&c->r, c->lg, c->p->f.warrant, c->p->f.warrant_len, c->p->f.request,
	    c->p->f.request_len);
	return NULL;
}

/* The first leader waits in its hook until the next three calls queued. */
typedef struct {
	atomic_int fired;
	size_t n;
} gate;

static void gate_hook(kansa_store *s, void *ctx)
{
	gate *g = ctx;

	if (atomic_exchange(&g->fired, 1) == 0 && !queue_wait(s, g->n, true))
		cr_assert_fail("the calls never queued behind the first batch");
}

/* REQ: LEDGER-POLICY-BATCH the version in force is read once per write
 * batch, and a policy entry of the batch is in force for the entries after
 * it: check, policy v2 (member-b leaves), check in one commit; the first is
 * allowed under v1, the last denied under v2 */
Test(kansa_check_cache, a_policy_entry_is_in_force_within_its_batch, .timeout = KANSA_HANG_GUARD)
{
	perf_fixture p;
	kansa_ledger *lg = NULL;
	kansa_store *s;
	uint8_t *v2 = NULL;
	size_t v2_len = 0;
	uint64_t batches[KANSA_BATCH_BUCKETS], sum;
	gate g = { .n = 3 };
	batch_call c[4];
	pthread_t t[4];

	perf_fixture_make(&p);
	perf_policy(&v2, &v2_len, &p, 2, false);
	cr_assert_eq(kansa_ledger_open(&lg, p.f.db, p.f.dbkey, 0), 0);
	s = kansa_ledger__store(lg);
	/* the first call leads and waits in the hook; the next three queue behind it, in order */
	kansa_store__set_batch_hook(s, gate_hook, &g);
	for (int i = 0; i < 4; i++) {
		c[i] = (batch_call){ .lg = lg, .p = &p };
		if (i == 2) {
			c[i].policy = v2;
			c[i].policy_len = v2_len;
		}
		cr_assert_eq(pthread_create(&t[i], NULL, batch_call_run, &c[i]), 0);
		if (!queue_wait(s, (size_t)i, true))
			cr_assert_fail("call %d never queued", i);
	}
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);

	for (int i = 0; i < 4; i++)
		cr_assert_eq(c[i].rc, 0, "call %d: %s", i, c[i].r.detail);
	cr_assert_eq(kansa_ledger_get_batch_sizes(batches, KANSA_BATCH_BUCKETS, &sum, lg), 0);
	cr_expect(batches[0] == 1 && batches[1] == 0 && batches[2] == 1 && sum == 4,
	    "the first call alone, then the three in one commit (%llu, %llu, %llu)",
	    (unsigned long long)batches[0], (unsigned long long)batches[1],
	    (unsigned long long)batches[2]);
	cr_expect_eq(c[0].r.verdict, KANSA_ALLOW);
	cr_expect_eq(c[1].r.verdict, KANSA_ALLOW, "before v2 in the batch: v1 is in force");
	cr_expect_eq(c[2].r.verdict, KANSA_ALLOW, "%s", c[2].r.detail);
	cr_expect_eq(c[3].r.verdict, KANSA_DENY, "after v2 in the same batch: v2 is in force");
	cr_expect_eq(c[3].r.reason, KANSA_REASON_BAD_SIGNATURE, "%s", c[3].r.detail);
	cr_expect_eq(c[1].r.seq + 2, c[3].r.seq);
	free(v2);
	kansa_ledger_close(lg);
	perf_fixture_free(&p);
}
