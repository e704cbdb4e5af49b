/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The checkpointer of kansa serve (design §10, §11): a thread of its own
 * that signs a checkpoint of the ledger (kansa_ledger_checkpoint(), as
 * `kansa ledger checkpoint` does) once opt->checkpoint_every entries were
 * appended since the last one it signed, or opt->checkpoint_interval
 * seconds after the first entry no checkpoint of it covers (and, when a
 * round fell short of the witnesses' quorum, again that many seconds
 * later, new entries or not), and then collects the witnesses'
 * cosignatures of it
 * (kansa_ledger_collect_cosignatures(), which stores the policy
 * witnesses' lines with the checkpoint). What each round gave is counted in
 * /metrics (metrics.c); nothing is printed.
 *
 * Checks never wait for it: a worker only takes the lock for an instant to
 * wake it (kansa_checkpointer__appended()), and the thread holds the lock
 * only to decide, never while it signs or asks a witness. It sleeps on a
 * condition variable (with a deadline when an interval is set), never
 * polls. Stopping wakes it; a collection in progress gives up within about
 * a second (libcurl's progress callback).
 *
 * This file must never hold its lock across a ledger call or a witness.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "service/service.h"

struct kansa_checkpointer {
	kansa_ledger *lg;
	const kansa_serve_options *opt;
	kansa_metrics *m;
	pthread_t thread;
	pthread_mutex_t mu;     /* guards what follows */
	pthread_cond_t cv;      /* an entry was appended, or stopping */
	uint64_t wakes;         /* kansa_checkpointer__appended() calls, ever */
	uint64_t target;        /* the wake count the thread waits for; UINT64_MAX: none */
	bool stopping;
	atomic_bool stop_now;   /* read by a collection in progress, without the lock */
};

static uint64_t appends_now(kansa_ledger *lg)
{
	kansa_ledger_stats st;

	return kansa_ledger_get_stats(&st, lg) == 0 ? st.appends : 0;
}

static int should_stop(void *ctx)
{
	kansa_checkpointer *c = ctx;

	return atomic_load(&c->stop_now);
}

static void witness_done(void *ctx, size_t index, const kansa_cosign_witness *w)
{
	kansa_checkpointer *c = ctx;

	kansa_metrics__witness(c->m, index, w);
}

/* One round: sign a checkpoint, collect its cosignatures, count both.
 * Whether the witnesses met the quorum (true without witnesses). */
static bool round_once(kansa_checkpointer *c)
{
	const kansa_serve_options *o = c->opt;
	kansa_cosign_options co = {
		.urls = o->witness_urls, .n_urls = o->n_witness_urls,
		.keys = o->witness_keys, .n_keys = o->n_witness_keys,
		.ca = o->witness_ca, .timeout = o->witness_timeout,
		.quorum = o->witness_quorum ? o->witness_quorum : SIZE_MAX,
		.stop = should_stop, .on_witness = witness_done, .ctx = c,
	};
	kansa_cosign_result r;
	char *note = NULL;
	size_t len = 0;
	uint64_t size = 0;
	bool met;
	int error;

	if ((error = kansa_ledger_checkpoint(&note, &len, c->lg)) < 0 ||
	    (error = kansa_service__note_size(&size, note, len)) < 0) {
		kansa_metrics__round(c->m, error, 0, NULL);
		free(note);
		return false;
	}
	kansa_metrics__signed(c->m);
	if (o->n_witness_urls == 0) {
		kansa_metrics__round(c->m, 0, size, NULL);
		free(note);
		return true;
	}
	error = kansa_ledger_collect_cosignatures(&r, c->lg, note, len, &co);
	/* short of the quorum (KANSA_EVERIFY) is a round like another: its counts tell */
	kansa_metrics__round(c->m, error == KANSA_EVERIFY ? 0 : error, size,
	    error == 0 || error == KANSA_EVERIFY ? &r : NULL);
	met = error == 0 && r.have >= (r.need ? r.need : 1);
	if (error == 0 || error == KANSA_EVERIFY)
		kansa_cosign_result_dispose(&r);
	free(note);
	return met;
}

static struct timespec after(const struct timespec *t, unsigned seconds)
{
	struct timespec d = *t;

	d.tv_sec += (time_t)seconds;
	return d;
}

static bool reached(const struct timespec *now, const struct timespec *deadline)
{
	return now->tv_sec > deadline->tv_sec ||
	    (now->tv_sec == deadline->tv_sec && now->tv_nsec >= deadline->tv_nsec);
}

/* Wait (the lock held) until the wake count reaches @p target, the
 * deadline passes (when @p timed), or stopping. */
static void wait_for(kansa_checkpointer *c, uint64_t target, bool timed, const struct timespec *deadline)
{
	c->target = target;
	while (!c->stopping && c->wakes < c->target) {
		if (!timed)
			pthread_cond_wait(&c->cv, &c->mu);
		else if (pthread_cond_timedwait(&c->cv, &c->mu, deadline) != 0)
			break; /* the deadline */
	}
	c->target = UINT64_MAX;
}

static void *run(void *arg)
{
	kansa_checkpointer *c = arg;
	const uint64_t every = c->opt->checkpoint_every;
	const unsigned interval = c->opt->checkpoint_interval;
	uint64_t base = appends_now(c->lg); /* appends the last checkpoint covers */
	struct timespec now, deadline = { 0, 0 }; /* deadline: interval after an entry past base was seen */
	bool pending = false; /* an entry past base */
	bool retry = false;   /* the last round fell short of the quorum: again at the deadline */

	pthread_mutex_lock(&c->mu);
	while (!c->stopping) {
		uint64_t seen = c->wakes, fresh;

		pthread_mutex_unlock(&c->mu);
		/* every append whose wake is in seen is in fresh: a worker wakes after its commit */
		fresh = appends_now(c->lg);
		fresh = fresh > base ? fresh - base : 0;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (fresh > 0 && !pending) {
			pending = true;
			if (!retry) /* a retry's deadline is sooner */
				deadline = after(&now, interval);
		}
		if ((fresh > 0 && every && fresh >= every) ||
		    ((fresh > 0 || retry) && interval && reached(&now, &deadline))) {
			base = appends_now(c->lg); /* what this checkpoint will cover, at least */
			pending = false;
			/* REQ: SERVICE-CHECKPOINTER-RETRY short of the quorum: asked again an interval later */
			retry = !round_once(c) && interval;
			if (retry) {
				clock_gettime(CLOCK_MONOTONIC, &now);
				deadline = after(&now, interval);
			}
			pthread_mutex_lock(&c->mu);
			continue;
		}
		pthread_mutex_lock(&c->mu);
		/* look again at the first entry (to start the interval), or once
		 * enough for a checkpoint may have come */
		wait_for(c, seen + (!pending ? 1 : every ? every - fresh : UINT64_MAX - seen),
		    interval && (pending || retry), &deadline);
	}
	pthread_mutex_unlock(&c->mu);
	return NULL;
}

void kansa_checkpointer__appended(kansa_checkpointer *c)
{
	if (c == NULL)
		return;
	pthread_mutex_lock(&c->mu);
	if (++c->wakes == c->target)
		pthread_cond_signal(&c->cv);
	pthread_mutex_unlock(&c->mu);
}

/* The checkpointer's options (design §11): witnesses only with a trigger. */
int kansa_checkpointer__options(const kansa_serve_options *o)
{
	if (o->n_witness_urls && o->checkpoint_every == 0 && o->checkpoint_interval == 0)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_OS, "witnesses are asked to cosign "
		    "the checkpoints the server signs: give --checkpoint-every N or --checkpoint-interval "
		    "SECONDS with --witness");
	if (o->n_witness_urls > KANSA_SERVICE_MAX_WITNESSES)
		return kansa_error_set(KANSA_ELIMIT, KANSA_ERRCLASS_OS, "at most %d witnesses",
		    KANSA_SERVICE_MAX_WITNESSES);
	if ((o->n_witness_urls && o->witness_urls == NULL) || (o->n_witness_keys && o->witness_keys == NULL))
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_OS, "kansa_serve: witness list missing");
	for (size_t i = 0; i < o->n_witness_urls; i++)
		if (o->witness_urls[i] == NULL || strncmp(o->witness_urls[i], "https://", 8) != 0)
			return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_OS, "--witness '%.100s': give an "
			    "https:// URL, as https://witness.example:7380", o->witness_urls[i] ?
			    o->witness_urls[i] : "");
	return 0;
}

int kansa_checkpointer__start(kansa_checkpointer **out, kansa_ledger *lg,
    const kansa_serve_options *opt, kansa_metrics *m)
{
	kansa_checkpointer *c;
	pthread_condattr_t ca;
	int rc;

	*out = NULL;
	if (opt->checkpoint_every == 0 && opt->checkpoint_interval == 0)
		return 0;
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory (checkpointer)");
	c->lg = lg;
	c->opt = opt;
	c->m = m;
	c->target = UINT64_MAX;
	atomic_init(&c->stop_now, false);
	if (pthread_condattr_init(&ca) != 0) {
		free(c);
		return kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory (checkpointer)");
	}
	/* the deadline is on the monotonic clock: setting the time does not move it */
	rc = pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	if (rc == 0 && (rc = pthread_cond_init(&c->cv, &ca)) == 0 &&
	    (rc = pthread_mutex_init(&c->mu, NULL)) != 0)
		pthread_cond_destroy(&c->cv);
	pthread_condattr_destroy(&ca);
	if (rc != 0) {
		free(c);
		return kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "cannot start the checkpointer");
	}
	if (pthread_create(&c->thread, NULL, run, c) != 0) {
		pthread_cond_destroy(&c->cv);
		pthread_mutex_destroy(&c->mu);
		free(c);
		return kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "cannot start the checkpointer thread");
	}
	*out = c;
	return 0;
}

void kansa_checkpointer__stop(kansa_checkpointer *c)
{
	if (c == NULL)
		return;
	atomic_store(&c->stop_now, true);
	pthread_mutex_lock(&c->mu);
	c->stopping = true;
	pthread_cond_signal(&c->cv);
	pthread_mutex_unlock(&c->mu);
	pthread_join(c->thread, NULL);
	pthread_cond_destroy(&c->cv);
	pthread_mutex_destroy(&c->mu);
	free(c);
}
