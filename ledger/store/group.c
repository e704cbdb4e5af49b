/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Group commit for kansa_store__append (design §6 and §8): many threads
 * appending to one store share one write transaction and its one fsync.
 *
 * Callers queue in FIFO order. Whoever finds no batch running becomes the
 * leader: it takes up to KANSA_STORE_MAX_BATCH queued callers, begins the
 * engine's write transaction (SQLCipher: BEGIN IMMEDIATE; PostgreSQL: an
 * advisory transaction lock), re-reads the head, runs each caller's build callback in
 * queue order (each sees the seq, prev hash and time that the one before it
 * produced), inserts, COMMITs (durably), and then wakes every caller
 * of the batch. Callers that arrive while a batch runs queue for the next
 * one, so batches grow with concurrency and a lone caller is not delayed.
 * A leader that saw more concurrent callers last time waits at most
 * KANSA_STORE_BATCH_WAIT_US for them to queue again.
 *
 * One caller's input must never fail another's append. When building one
 * caller's entry fails for a reason of that entry (its callback's decision,
 * an entry over KANSA_MAX_ENTRY_BYTES, a text its encoder refuses), the
 * transaction is rolled back, that caller alone gets the error, and the
 * rest of the batch is built again, in order, in a new transaction. An error
 * of the database itself (I/O, lock, key, memory) fails the whole batch.
 *
 * This file must never let a caller return 0 before the COMMIT holding its
 * entry has returned, and never commit part of a transaction: on any error
 * the whole transaction is rolled back before anyone is answered.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "keys/keys.h"
#include "ledger/store/store_impl.h"

/* REQ: LEDGER-6 leaf hash = SHA-256(0x00 || entry). The builder's leaf is
 * checked before it is stored: the tree and the chain are built from it
 * inside the callback, so a builder's mistake would otherwise be committed
 * and found only by the next audit. One hash of a few hundred bytes. */
static int check_leaf(const kansa_store_entry *e, uint64_t seq)
{
	uint8_t h[KANSA_HASH_LEN];
	int error;

	if ((error = kansa_sha256_leaf(h, e->body, e->body_len)) < 0)
		return error;
	if (!kansa_ct_equal(h, e->leaf_hash, sizeof(h)))
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_LEDGER,
		    "entry %llu: leaf hash does not match its body", (unsigned long long)seq);
	return 0;
}

/* Build and insert one entry at *pos, then advance *pos past it. */
static int build_one(kansa_store *s, store_waiter *w, kansa_store_pos *pos)
{
	kansa_store_entry e;
	int error;

	memset(&e, 0, sizeof(e));
	error = w->build(w->ctx, s, pos, &e);
	if (error > 0 || (error < 0 && kansa_error_last()->code != error))
		error = kansa_error_set(error < 0 ? error : KANSA_ERROR, KANSA_ERRCLASS_LEDGER,
		    "entry %llu: build callback failed (%d)", (unsigned long long)pos->seq, error);
	if (error < 0)
		goto out;
	/* REQ: LEDGER-7 entry times never go backwards (design §5) */
	if (e.time < pos->last_time) {
		error = kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_LEDGER,
		    "entry %llu: time %lld is before the previous entry's %lld",
		    (unsigned long long)pos->seq, (long long)e.time, (long long)pos->last_time);
		goto out;
	}
	if (e.body == NULL || e.body_len == 0) {
		error = kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_LEDGER,
		    "entry %llu: empty body", (unsigned long long)pos->seq);
		goto out;
	}
	if (e.body_len > KANSA_MAX_ENTRY_BYTES) {
		error = kansa_error_set(KANSA_ELIMIT, KANSA_ERRCLASS_LEDGER,
		    "entry %llu: larger than %d bytes", (unsigned long long)pos->seq,
		    KANSA_MAX_ENTRY_BYTES);
		goto out;
	}
	if ((error = check_leaf(&e, pos->seq)) < 0 ||
	    (error = s->eng->insert(s, pos->seq, &e)) < 0)
		goto out;
	w->seq = pos->seq;
	pos->seq++;
	memcpy(pos->prev, e.leaf_hash, KANSA_HASH_LEN);
	pos->last_time = e.time;
out:
	free(e.body); /* the store takes the body in every case */
	return error;
}

/* Errors of the database or the machine, not of one entry: the whole batch
 * shares them, and building it again without one entry would not help. */
static bool batch_wide(int error)
{
	return error == KANSA_EIO || error == KANSA_ELOCKED || error == KANSA_EKEY ||
	    error == KANSA_ENOMEM;
}

/*
 * One transaction for @p n callers. On success every waiter's seq is set;
 * on failure nothing of the batch remains in the database, and *bad is the
 * index of the waiter whose own entry failed (n when the failure is not
 * one entry's).
 */
static int run_batch(kansa_store *s, store_waiter **batch, size_t n, size_t *bad)
{
	kansa_store_pos pos;
	int error;

	*bad = n;

	pthread_mutex_lock(&s->db_mu);
	if (s->flags & KANSA_STORE_READONLY) {
		error = kansa_error_set(KANSA_EIO, KANSA_ERRCLASS_LEDGER,
		    "cannot append: ledger is read-only");
		goto out;
	}
	/* REQ: LEDGER-FORK-1 one writer at a time across processes, head read under the lock */
	if ((error = s->eng->begin(s)) < 0)
		goto out;
	s->batch_no = ++s->batches_run;
	if ((error = s->eng->read_head(&pos, s)) < 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		if (pos.seq >= (uint64_t)INT64_MAX) {
			error = kansa_error_set(KANSA_ELIMIT, KANSA_ERRCLASS_LEDGER, "ledger is full");
			goto out;
		}
		if ((error = build_one(s, batch[i], &pos)) < 0) {
			/* REQ: LEDGER-BATCH-ISOLATION one entry's failure is its caller's */
			if (!batch_wide(error) && s->eng->in_txn(s))
				*bad = i;
			goto out;
		}
	}
	/* REQ: LEDGER-DURABLE-1 COMMIT returns once durable (SQLCipher: the WAL
	 * fsync of synchronous=FULL; PostgreSQL: the WAL flush of the commit) */
	error = s->eng->commit(s);
out:
	/* REQ: LEDGER-FAILCLOSED-1 on any error the whole batch is rolled back */
	if (error < 0 && s->eng->in_txn(s)) {
		kansa_error saved = *kansa_error_last();
		s->eng->rollback(s);
		kansa_error_set(saved.code, saved.klass, "%s", saved.message);
	}
	s->batch_no = 0;
	pthread_mutex_unlock(&s->db_mu);
	return error;
}

uint64_t kansa_store__batch_no(kansa_store *s)
{
	return s->batch_no;
}

/* The histogram bucket of a batch of @p n entries: the least i with n <= 2^i. */
static size_t batch_bucket(size_t n)
{
	size_t i = 0;

	while (i + 1 < KANSA_BATCH_BUCKETS && ((size_t)1 << i) < n)
		i++;
	return i;
}

void kansa_store__set_batch_hook(kansa_store *s, void (*hook)(kansa_store *s, void *ctx), void *ctx)
{
	s->batch_hook = hook;
	s->batch_hook_ctx = ctx;
}

/* Lead one batch. Called and returns with q_mu held. */
static void lead(kansa_store *s)
{
	store_waiter *batch[KANSA_STORE_MAX_BATCH], *failed[KANSA_STORE_MAX_BATCH];
	size_t n = 0, want, live, n_failed = 0;
	kansa_error detail;
	int error;

	s->leading = true;
	want = s->expect < KANSA_STORE_MAX_BATCH ? s->expect : KANSA_STORE_MAX_BATCH;
	if (s->q_len < want) {
		/* More callers were about last time: give them a moment to queue again. */
		struct timespec deadline;
		clock_gettime(CLOCK_MONOTONIC, &deadline);
		deadline.tv_nsec += KANSA_STORE_BATCH_WAIT_US * 1000L;
		if (deadline.tv_nsec >= 1000000000L) {
			deadline.tv_sec++;
			deadline.tv_nsec -= 1000000000L;
		}
		while (s->q_len < want)
			if (pthread_cond_timedwait(&s->lead_cv, &s->q_mu, &deadline) == ETIMEDOUT)
				break;
	}
	while (n < KANSA_STORE_MAX_BATCH && s->q_head != NULL) {
		batch[n++] = s->q_head;
		s->q_head = s->q_head->next;
		s->q_len--;
	}
	if (s->q_head == NULL)
		s->q_tail = NULL;
	pthread_mutex_unlock(&s->q_mu);
	if (s->batch_hook != NULL) /* tests: callers queue behind this batch meanwhile */
		s->batch_hook(s, s->batch_hook_ctx);

	/* Each round either commits what is left, fails it all, or answers the
	 * one caller whose entry failed and builds the others again: at most n
	 * rounds. Waiters are answered (done) only under q_mu, below. */
	live = n;
	for (;;) {
		size_t bad;

		error = run_batch(s, batch, live, &bad);
		detail = *kansa_error_last();
		if (error < 0 && detail.code != error) { /* keep code and message together */
			kansa_error_set(error, KANSA_ERRCLASS_LEDGER, "append failed (%d)", error);
			detail = *kansa_error_last();
		}
		if (error == 0 || bad >= live)
			break;
		batch[bad]->error = error;
		batch[bad]->detail = detail;
		failed[n_failed++] = batch[bad];
		memmove(&batch[bad], &batch[bad + 1], (live - bad - 1) * sizeof(batch[0]));
		if (--live == 0) {
			error = 0;
			break;
		}
	}

	pthread_mutex_lock(&s->q_mu);
	for (size_t i = 0; i < live; i++) {
		batch[i]->error = error;
		if (error < 0)
			batch[i]->detail = detail;
		batch[i]->done = true;
	}
	for (size_t i = 0; i < n_failed; i++)
		failed[i]->done = true;
	if (error == 0 && live > 0) {
		s->commits++;
		s->appends += live;
		s->batches[batch_bucket(live)]++;
	}
	s->expect = s->active; /* callers inside append now: the next batch's likely size */
	s->leading = false;
	pthread_cond_broadcast(&s->q_cv);
}

int kansa_store__append(kansa_store *s, kansa_store_build_fn build, void *ctx, uint64_t *seq_out)
{
	store_waiter w;

	if (seq_out)
		*seq_out = 0;
	if (s == NULL || build == NULL)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_LEDGER, "append: invalid arguments");
	memset(&w, 0, sizeof(w));
	w.build = build;
	w.ctx = ctx;

	pthread_mutex_lock(&s->q_mu);
	s->active++;
	if (s->q_tail)
		s->q_tail->next = &w;
	else
		s->q_head = &w;
	s->q_tail = &w;
	s->q_len++;
	pthread_cond_signal(&s->lead_cv); /* a leader waiting for more callers re-checks */
	while (!w.done) {
		if (!s->leading)
			lead(s);
		else
			pthread_cond_wait(&s->q_cv, &s->q_mu);
	}
	s->active--;
	pthread_mutex_unlock(&s->q_mu);

	if (w.error < 0) /* the batch's error, on this caller's thread too */
		return kansa_error_set(w.detail.code, w.detail.klass, "%s", w.detail.message);
	if (seq_out)
		*seq_out = w.seq;
	return 0;
}

size_t kansa_store__queued(kansa_store *s, bool *leading)
{
	size_t n;

	pthread_mutex_lock(&s->q_mu);
	n = s->q_len;
	if (leading)
		*leading = s->leading;
	pthread_mutex_unlock(&s->q_mu);
	return n;
}

void kansa_store__batches(kansa_store *s, uint64_t *counts, size_t n, uint64_t *sum)
{
	pthread_mutex_lock(&s->q_mu);
	for (size_t i = 0; i < n; i++)
		counts[i] = i < KANSA_BATCH_BUCKETS ? s->batches[i] : 0;
	/* a shorter array's last bucket also counts the larger batches */
	for (size_t i = n; n > 0 && i < KANSA_BATCH_BUCKETS; i++)
		counts[n - 1] += s->batches[i];
	if (sum)
		*sum = s->appends;
	pthread_mutex_unlock(&s->q_mu);
}

void kansa_store__stats(kansa_store *s, uint64_t *commits, uint64_t *appends)
{
	pthread_mutex_lock(&s->q_mu);
	if (commits)
		*commits = s->commits;
	if (appends)
		*appends = s->appends;
	pthread_mutex_unlock(&s->q_mu);
}
