/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The audit's entries, decoded ahead on a second thread (docs/audit.md,
 * "Speed: how the pass runs").
 *
 * What the pass does per entry falls in two parts. The leaf hash, the strict
 * decode of the entry and, under replay, the strict parse of a decision's
 * request depend on the entry's bytes alone. Everything else depends on the
 * entries before it and reads the store: the chain, the Merkle frontier and
 * the stored nodes, the documents and the state the replay keeps. So the
 * caller's thread reads the rows from the store (it alone touches the
 * iterator and its connection), copies them into a ring of slots and hands
 * them to one worker thread, which does the first part; the caller takes
 * them back in order and does the rest. Every finding is still made on the
 * caller's thread, in seq order, so the pass reports exactly what it would
 * report on one thread.
 *
 * The ring is bounded (AHEAD_SLOTS entries: memory does not grow with the
 * ledger) and handed over in chunks, so a lock is taken once per chunk, not
 * per entry. Slots keep their body buffers from entry to entry, and what a
 * decode allocates is freed by the next decode of its slot, on the thread
 * that allocated it. When the worker cannot be started the same code runs
 * inline.
 */
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "ledger/audit/audit.h"
#include "ledger/tlog/merkle.h"

/* Entries in flight, a power of two; and entries per hand-over. */
#define AHEAD_SLOTS 256u
#define AHEAD_CHUNK 32u

typedef struct {
	kansa_audit_item item;
	size_t cap;                /* bytes allocated at item.row.body */
} ahead_slot;

/*
 * Positions count entries from 0 and never wrap; an entry's slot is its
 * position modulo AHEAD_SLOTS. read >= published >= decoded >= given.
 */
struct kansa_audit_ahead {
	kansa_store_iter *it;
	bool requests;             /* replay: parse decisions' requests too */
	ahead_slot *slots;
	/* the caller's thread only */
	uint64_t read;             /* rows copied into slots */
	uint64_t given;            /* items handed to the caller */
	uint64_t seen;             /* decoded, as last read under mu */
	bool at_end;               /* the iterator has no more rows */
	/* shared, under mu */
	pthread_mutex_t mu;
	pthread_cond_t work;       /* published moved, or stop */
	pthread_cond_t done;       /* decoded moved */
	uint64_t published;        /* rows the worker may decode */
	uint64_t decoded;          /* rows it has decoded */
	bool stop;
	bool threaded;             /* a worker runs (else items are decoded inline) */
	pthread_t thread;
};

static ahead_slot *slot_at(kansa_audit_ahead *a, uint64_t pos)
{
	return &a->slots[pos & (AHEAD_SLOTS - 1)];
}

/* Free what the decode of the slot's last entry left (the caller is done
 * with it). On the worker's thread, which allocated it. */
static void recycle(kansa_audit_item *item)
{
	if (item->decoded)
		kansa_entry__dispose(&item->e);
	if (item->req.parsed)
		kansa_request__dispose(&item->req.doc);
	item->decoded = false;
	item->req.parsed = false;
}

/* The part that depends on the bytes alone. */
static void decode_item(kansa_audit_item *item, bool requests)
{
	kansa_entry *e = &item->e;

	recycle(item);
	item->hash_error = 0;
	if (item->rc != 1)
		return; /* a malformed row: nothing to hash */
	if ((item->hash_error = kansa_merkle_leaf_hash(item->leaf, item->row.body, item->row.body_len)) < 0) {
		item->err = *kansa_error_last();
		return;
	}
	if (kansa_entry__decode(e, item->row.body, item->row.body_len) < 0) {
		item->err = *kansa_error_last();
		return;
	}
	item->decoded = true;
	if (requests && e->kind == KANSA_ENTRY_DECISION && !e->request_hashed) {
		item->req.complete = kansa_decide__request(&item->req.d, &item->req.doc, e->request,
		    e->request_len);
		item->req.parsed = true;
	}
}

static void *worker(void *arg)
{
	kansa_audit_ahead *a = arg;

	pthread_mutex_lock(&a->mu);
	for (;;) {
		uint64_t from, to;

		while (a->decoded == a->published && !a->stop)
			pthread_cond_wait(&a->work, &a->mu);
		if (a->stop)
			break;
		from = a->decoded;
		to = a->published - from > AHEAD_CHUNK ? from + AHEAD_CHUNK : a->published;
		pthread_mutex_unlock(&a->mu);
		for (uint64_t pos = from; pos < to; pos++)
			decode_item(&slot_at(a, pos)->item, a->requests);
		pthread_mutex_lock(&a->mu);
		a->decoded = to;
		pthread_cond_signal(&a->done);
	}
	pthread_mutex_unlock(&a->mu);
	return NULL;
}

static void publish(kansa_audit_ahead *a)
{
	if (!a->threaded) {
		a->published = a->read;
		return;
	}
	pthread_mutex_lock(&a->mu);
	a->published = a->read;
	pthread_cond_signal(&a->work);
	pthread_mutex_unlock(&a->mu);
}

/* Copy one row into its slot. */
static int take_row(kansa_audit_ahead *a, const kansa_store_row *row, int rc)
{
	ahead_slot *s = slot_at(a, a->read);
	kansa_audit_item *item = &s->item;
	uint8_t *body = item->row.body;

	if (rc == 1 && row->body_len > s->cap) {
		if ((body = realloc(item->row.body, row->body_len)) == NULL)
			return kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
		s->cap = row->body_len;
	}
	item->row = *row;
	item->row.body = body;
	if (rc == 1)
		memcpy(body, row->body, row->body_len);
	else
		item->row.body_len = 0;
	item->rc = rc;
	a->read++;
	return 0;
}

/* Read rows into every free slot, handing them over a chunk at a time. */
static int fill(kansa_audit_ahead *a)
{
	kansa_store_row row;
	int rc, error;

	while (!a->at_end && a->read - a->given < AHEAD_SLOTS) {
		rc = kansa_store__iter_next(&row, a->it);
		if (rc == 0) {
			a->at_end = true;
			break;
		}
		if (rc < 0 && !(rc == KANSA_EFORMAT && row.malformed))
			return rc;
		if ((error = take_row(a, &row, rc)) < 0)
			return error;
		if (a->read - a->published >= AHEAD_CHUNK)
			publish(a);
	}
	if (a->read > a->published)
		publish(a);
	return 0;
}

/* Wait until the item at a->given is decoded (or decode it here). */
static void wait_decoded(kansa_audit_ahead *a)
{
	if (!a->threaded) {
		decode_item(&slot_at(a, a->given)->item, a->requests);
		a->decoded = a->seen = a->given + 1;
		return;
	}
	if (a->seen > a->given)
		return;
	pthread_mutex_lock(&a->mu);
	while (a->decoded <= a->given)
		pthread_cond_wait(&a->done, &a->mu);
	a->seen = a->decoded;
	pthread_mutex_unlock(&a->mu);
}

int kansa_audit_ahead__new(kansa_audit_ahead **out, kansa_store_iter *it, bool requests)
{
	sigset_t all, old;
	kansa_audit_ahead *a;

	*out = NULL;
	if ((a = calloc(1, sizeof(*a))) == NULL || (a->slots = calloc(AHEAD_SLOTS, sizeof(*a->slots))) == NULL) {
		free(a);
		return kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
	}
	a->it = it;
	a->requests = requests;
	pthread_mutex_init(&a->mu, NULL);
	pthread_cond_init(&a->work, NULL);
	pthread_cond_init(&a->done, NULL);
	/* The worker blocks every signal: the process's signals stay with the
	 * application's own threads. Without a worker the pass is slower, not
	 * different. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	a->threaded = pthread_create(&a->thread, NULL, worker, a) == 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	*out = a;
	return 0;
}

int kansa_audit_ahead__next(kansa_audit_item **out, kansa_audit_ahead *a)
{
	int error;

	*out = NULL;
	if ((error = fill(a)) < 0)
		return error;
	if (a->given == a->read)
		return 0;
	wait_decoded(a);
	*out = &slot_at(a, a->given)->item;
	a->given++;
	return 1;
}

void kansa_audit_ahead__free(kansa_audit_ahead *a)
{
	if (a == NULL)
		return;
	if (a->threaded) {
		pthread_mutex_lock(&a->mu);
		a->stop = true;
		pthread_cond_signal(&a->work);
		pthread_mutex_unlock(&a->mu);
		pthread_join(a->thread, NULL);
	}
	for (size_t i = 0; i < AHEAD_SLOTS; i++) {
		recycle(&a->slots[i].item);
		free(a->slots[i].item.row.body);
	}
	pthread_cond_destroy(&a->done);
	pthread_cond_destroy(&a->work);
	pthread_mutex_destroy(&a->mu);
	free(a->slots);
	free(a);
}
