/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The worker pool of kansa serve: checks (and the routes that read the
 * ledger) run here, never on the event loop, so that one slow check, a
 * commit, or a slow client never holds up the others. kansa_check is
 * thread-safe and concurrent checks share commits, so more workers mean
 * larger batches, not contention.
 *
 * The queue is bounded: a job past KANSA_SERVICE_MAX_QUEUE is refused (the
 * server answers 503), never queued without limit. Stopping runs what is
 * queued first: every accepted check is answered.
 */
#include <pthread.h>
#include <stdlib.h>

#include "service/service.h"

struct kansa_pool {
	pthread_mutex_t mu;   /* guards the queue and stopping */
	pthread_cond_t cv;    /* a job was queued, or stopping */
	kansa_job *head, *tail;
	size_t queued, max_queue;
	bool stopping;
	pthread_t *threads;
	unsigned n_threads;   /* started */
};

static void *worker(void *arg)
{
	kansa_pool *p = arg;

	for (;;) {
		kansa_job *job;

		pthread_mutex_lock(&p->mu);
		while (p->head == NULL && !p->stopping)
			pthread_cond_wait(&p->cv, &p->mu);
		if ((job = p->head) == NULL) { /* stopping, and nothing left */
			pthread_mutex_unlock(&p->mu);
			return NULL;
		}
		p->head = job->next;
		if (p->head == NULL)
			p->tail = NULL;
		p->queued--;
		pthread_mutex_unlock(&p->mu);
		job->next = NULL;
		job->run(job);
	}
}

int kansa_pool__start(kansa_pool **out, unsigned n, size_t max_queue)
{
	kansa_pool *p;

	*out = NULL;
	if (n == 0)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_OS, "a pool needs a worker");
	if ((p = calloc(1, sizeof(*p))) == NULL || (p->threads = calloc(n, sizeof(*p->threads))) == NULL) {
		free(p);
		return kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
	}
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	p->max_queue = max_queue;
	for (; p->n_threads < n; p->n_threads++) {
		if (pthread_create(&p->threads[p->n_threads], NULL, worker, p) != 0) {
			kansa_pool__stop(p);
			return kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS,
			    "cannot start worker thread %u of %u", p->n_threads + 1, n);
		}
	}
	*out = p;
	return 0;
}

int kansa_pool__push(kansa_pool *p, kansa_job *job)
{
	pthread_mutex_lock(&p->mu);
	if (p->stopping || p->queued >= p->max_queue) {
		pthread_mutex_unlock(&p->mu);
		return kansa_error_set(KANSA_ELIMIT, KANSA_ERRCLASS_OS, "%zu checks wait already",
		    p->max_queue);
	}
	job->next = NULL;
	if (p->tail)
		p->tail->next = job;
	else
		p->head = job;
	p->tail = job;
	p->queued++;
	pthread_cond_signal(&p->cv);
	pthread_mutex_unlock(&p->mu);
	return 0;
}

void kansa_pool__stop(kansa_pool *p)
{
	if (p == NULL)
		return;
	pthread_mutex_lock(&p->mu);
	p->stopping = true;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	for (unsigned i = 0; i < p->n_threads; i++)
		pthread_join(p->threads[i], NULL);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->cv);
	free(p->threads);
	free(p);
}
