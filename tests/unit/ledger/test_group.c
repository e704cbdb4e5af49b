/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Group commit through kansa_check (ledger/store/group.c, design §6 and §8), not
 * timed: many threads share commits; a call that returned before another
 * began has the smaller seq (order is preserved); every receipt's entry is
 * in the ledger after it is closed and reopened, with the receipt's leaf
 * hash and a valid inclusion proof (durability); the chain is unbroken;
 * a lone caller commits alone.
 */
#include "tests/unit/hang_guard.h"
#include <pthread.h>
#include <stdatomic.h>

#include "threads_fixture.h"
#include "keys/keys.h"
#include "ledger/entry.h"
#include "ledger/store/store.h"

#define THREADS 32
#define PER_THREAD 60

static atomic_ulong ticket;

typedef struct {
	perf_fixture *p;
	kansa_ledger *lg;
	kansa_receipt r[PER_THREAD];
	unsigned long start[PER_THREAD]; /* ticket taken before the call */
	unsigned long end[PER_THREAD];   /* ticket taken after it returned */
	int errors;
} worker;

static void *run(void *arg)
{
	worker *w = arg;

	for (int i = 0; i < PER_THREAD; i++) {
		w->start[i] = atomic_fetch_add(&ticket, 1);
		if (kansa_check(&w->r[i], w->lg, w->p->f.warrant, w->p->f.warrant_len,
		    w->p->f.request, w->p->f.request_len) != 0 || w->r[i].verdict != KANSA_ALLOW)
			w->errors++;
		w->end[i] = atomic_fetch_add(&ticket, 1);
	}
	return NULL;
}

/* Read every entry back: seq 0..n-1, prev links, leaf hashes. */
static uint64_t chain_length(perf_fixture *p, uint8_t (*leaves)[KANSA_HASH_LEN], uint64_t max)
{
	kansa_store *s = NULL;
	kansa_store_iter *it = NULL;
	kansa_store_row row;
	uint8_t prev[KANSA_HASH_LEN] = { 0 }, leaf[KANSA_HASH_LEN];
	uint64_t n = 0;
	int rc;

	cr_assert_eq(kansa_store__open(&s, p->f.db, p->f.dbkey, KANSA_STORE_READONLY), 0);
	cr_assert_eq(kansa_store__iter_new(&it, s, 0), 0);
	while ((rc = kansa_store__iter_next(&row, it)) == 1) {
		kansa_entry e;
		cr_assert_eq(kansa_entry__decode(&e, row.body, row.body_len), 0);
		cr_assert_eq(e.seq, n, "seq gap at %llu", (unsigned long long)n);
		cr_assert(kansa_ct_equal(e.prev, prev, KANSA_HASH_LEN), "broken link at %llu",
		    (unsigned long long)n);
		cr_assert_eq(kansa_merkle_leaf_hash(leaf, row.body, row.body_len), 0);
		cr_assert(kansa_ct_equal(leaf, row.leaf_hash, KANSA_HASH_LEN));
		if (n < max)
			memcpy(leaves[n], leaf, KANSA_HASH_LEN);
		memcpy(prev, leaf, sizeof(prev));
		kansa_entry__dispose(&e);
		n++;
	}
	cr_assert_eq(rc, 0);
	kansa_store__iter_free(it);
	kansa_store__close(s);
	return n;
}

Test(group_commit, many_threads_keep_order_durability_and_the_chain, .timeout = KANSA_HANG_GUARD)
{
	perf_fixture p;
	kansa_ledger *lg = NULL;
	worker *w = calloc(THREADS, sizeof(*w));
	pthread_t t[THREADS];
	kansa_ledger_stats st;
	uint64_t n, total = (uint64_t)THREADS * PER_THREAD;
	uint8_t (*leaves)[KANSA_HASH_LEN] = calloc(total + 1, KANSA_HASH_LEN);

	perf_fixture_make(&p);
	cr_assert_eq(kansa_ledger_open(&lg, p.f.db, p.f.dbkey, 0), 0);
	for (int i = 0; i < THREADS; i++) {
		w[i].p = &p;
		w[i].lg = lg;
		cr_assert_eq(pthread_create(&t[i], NULL, run, &w[i]), 0);
	}
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	cr_assert_eq(kansa_ledger_get_stats(&st, lg), 0);
	kansa_ledger_close(lg);

	/* REQ: LEDGER-FORK-1 one unbroken chain with every call in it */
	for (int i = 0; i < THREADS; i++)
		cr_expect_eq(w[i].errors, 0);
	n = chain_length(&p, leaves, total + 1);
	cr_expect_eq(n, total + 1);
	cr_expect_eq(st.appends, total);
	cr_expect_lt(st.commits, st.appends, "concurrent calls shared commits (%llu commits)",
	    (unsigned long long)st.commits);

	/* REQ: LEDGER-DURABLE-1 after a reopen every receipt's entry is there, as answered */
	cr_assert_eq(kansa_ledger_open(&lg, p.f.db, p.f.dbkey, KANSA_LEDGER_READONLY), 0);
	for (int i = 0; i < THREADS; i++) {
		for (int j = 0; j < PER_THREAD; j++) {
			const kansa_receipt *r = &w[i].r[j];
			kansa_merkle_proof proof;
			uint8_t leaf[KANSA_HASH_LEN], root[KANSA_HASH_LEN];

			cr_assert(r->seq >= 1 && r->seq <= total);
			cr_assert(kansa_ct_equal(leaves[r->seq], r->leaf_hash, KANSA_HASH_LEN),
			    "entry %llu is not the one answered", (unsigned long long)r->seq);
			if (j % 20 == 0) {
				cr_assert_eq(kansa_ledger_prove_inclusion(&proof, leaf, root, lg, r->seq, 0), 0);
				cr_expect_eq(kansa_merkle_verify_inclusion(r->seq, proof.size, r->leaf_hash,
				    (const uint8_t (*)[KANSA_HASH_LEN])proof.hashes, proof.len, root), 0);
			}
		}
	}
	kansa_ledger_close(lg);

	/* REQ: PERF-GROUP-1 a call that returned before another began has the smaller seq;
	 * within one thread seqs and times only grow */
	for (int a = 0; a < THREADS; a++) {
		for (int i = 0; i < PER_THREAD; i++) {
			if (i > 0) {
				cr_expect_gt(w[a].r[i].seq, w[a].r[i - 1].seq);
				cr_expect_geq(w[a].r[i].time, w[a].r[i - 1].time);
			}
			for (int b = 0; b < THREADS; b++)
				for (int j = 0; j < PER_THREAD; j++)
					if (w[a].end[i] < w[b].start[j] && w[a].r[i].seq >= w[b].r[j].seq)
						cr_assert_fail("call %d/%d returned before %d/%d began but got seq %llu >= %llu",
						    a, i, b, j, (unsigned long long)w[a].r[i].seq,
						    (unsigned long long)w[b].r[j].seq);
		}
	}
	free(leaves);
	free(w);
	perf_fixture_free(&p);
}

Test(group_commit, a_lone_caller_commits_alone, .timeout = KANSA_HANG_GUARD)
{
	perf_fixture p;
	kansa_ledger *lg = NULL;
	kansa_ledger_stats st;
	kansa_receipt r;

	perf_fixture_make(&p);
	cr_assert_eq(kansa_ledger_open(&lg, p.f.db, p.f.dbkey, 0), 0);
	for (int i = 0; i < 20; i++) {
		cr_assert_eq(kansa_check(&r, lg, p.f.warrant, p.f.warrant_len, p.f.request,
		    p.f.request_len), 0);
		cr_expect_eq(r.seq, (uint64_t)i + 1);
	}
	cr_assert_eq(kansa_ledger_get_stats(&st, lg), 0);
	cr_expect_eq(st.commits, 20, "one commit per call: nobody to wait for");
	cr_expect_eq(st.appends, 20);
	kansa_ledger_close(lg);
	perf_fixture_free(&p);
}

/* Merkle nodes are written with a plain INSERT (no statement journal, see
 * ledger/store/store.c); "put replaces" still holds, inside a transaction too. */
typedef struct {
	int calls;
} node_ctx;

static int build_nodes(void *vctx, kansa_store *s, const kansa_store_pos *pos, kansa_store_entry *out)
{
	static const char body[] = "entry";
	uint8_t a[KANSA_HASH_LEN], b[KANSA_HASH_LEN], got[KANSA_HASH_LEN], *buf;
	node_ctx *c = vctx;
	int error;

	memset(a, 0xaa, sizeof(a));
	memset(b, 0xbb, sizeof(b));
	if ((error = kansa_store__node_put(s, 7, 7, a)) < 0 ||
	    (error = kansa_store__node_put(s, 7, 7, b)) < 0 ||
	    (error = kansa_store__node_get(got, s, 7, 7)) < 0)
		return error;
	c->calls += kansa_ct_equal(got, b, sizeof(got)) ? 1 : 100;
	if ((buf = malloc(sizeof(body) + 1)) == NULL)
		return KANSA_ENOMEM;
	buf[0] = 0;
	memcpy(buf + 1, body, sizeof(body));
	if ((error = kansa_sha256(out->leaf_hash, buf, sizeof(body) + 1)) < 0) {
		free(buf);
		return error;
	}
	memmove(buf, buf + 1, sizeof(body));
	out->body = buf;
	out->body_len = sizeof(body);
	out->time = pos->last_time > 0 ? pos->last_time : 1;
	return 0;
}

Test(store_node_put, replaces_inside_and_outside_a_transaction, .timeout = KANSA_HANG_GUARD)
{
	char dir[64], path[128];
	kansa_store *s = NULL;
	kansa_secret *key = NULL;
	uint8_t h[KANSA_HASH_LEN], got[KANSA_HASH_LEN];
	node_ctx c = { 0 };

	snprintf(dir, sizeof(dir), "/tmp/kansa-group-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/l.db", dir);
	cr_assert_eq(kansa_secret_from(&key,
	    "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff", 64), 0);
	cr_assert_eq(kansa_store__open(&s, path, key, KANSA_STORE_CREATE), 0);
	memset(h, 1, sizeof(h));
	cr_assert_eq(kansa_store__node_put(s, 0, 3, h), 0);
	memset(h, 2, sizeof(h));
	cr_assert_eq(kansa_store__node_put(s, 0, 3, h), 0);
	cr_assert_eq(kansa_store__node_get(got, s, 0, 3), 0);
	cr_expect(kansa_ct_equal(got, h, sizeof(h)));
	cr_assert_eq(kansa_store__append(s, build_nodes, &c, NULL), 0, "%s", kansa_error_last()->message);
	cr_expect_eq(c.calls, 1);
	cr_assert_eq(kansa_store__node_get(got, s, 7, 7), 0);
	memset(h, 0xbb, sizeof(h));
	cr_expect(kansa_ct_equal(got, h, sizeof(h)), "the replaced node was committed");
	kansa_store__close(s);
	kansa_secret_free(key);
	{
		char cmd[128];
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		cr_expect_eq(system(cmd), 0);
	}
}
