/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kansa-bench: checks under load, on any ledger (a SQLCipher file or a
 * PostgreSQL URI): threads calling kansa_check() for a time, in turns with
 * the limit the figure is compared with (paired measurements, bench.h), and
 * the rows and notes those loads give. The cold figure draws a new warrant
 * for every check; the warm ones share one.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "bench/bench.h"

typedef struct {
	bench_load *l;
	uint64_t done;
	bench_samples lat;
} load_thread;

static void *load_worker(void *arg)
{
	load_thread *t = arg;
	bench_load *l = t->l;
	kansa_receipt r;

	while (bench_now() < l->until && (l->max_checks == 0 || t->done < l->max_checks)) {
		const uint8_t *w = l->warrant;
		size_t wlen = l->warrant_len;
		double t0;
		int error;

		if (l->warrants) {
			pthread_mutex_lock(&l->mu);
			size_t i = l->next_warrant < l->n_warrants ? l->next_warrant++ : SIZE_MAX;
			pthread_mutex_unlock(&l->mu);
			if (i == SIZE_MAX)
				break;
			w = l->warrants[i];
			wlen = l->warrant_lens[i];
		}
		t0 = bench_now();
		if ((error = kansa_check(&r, l->lg, w, wlen, l->c->request, l->c->request_len)) < 0)
			bench_fail("check", error);
		bench_samples_add(&t->lat, bench_now() - t0);
		if (r.verdict != KANSA_ALLOW) {
			fprintf(stderr, "kansa-bench: check denied: %s\n", r.detail);
			exit(5);
		}
		t->done++;
	}
	return NULL;
}

/* Process CPU seconds (user + system). */
static double cpu_now(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru) != 0)
		return 0;
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	    (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e-6;
}

/* Run @p threads callers for @p seconds; adds the checks done and the time
 * taken to *done and *secs, and the latencies to *lat. */
static void run_load(bench_load *l, int threads, double seconds, bench_samples *lat, uint64_t *done,
    double *secs)
{
	load_thread *t = calloc((size_t)threads, sizeof(*t));
	pthread_t *id = calloc((size_t)threads, sizeof(*id));
	double t0, cpu0 = cpu_now();

	if (t == NULL || id == NULL)
		bench_fail("threads", KANSA_ENOMEM);
	pthread_mutex_init(&l->mu, NULL);
	t0 = bench_now();
	l->until = t0 + seconds;
	for (int i = 0; i < threads; i++) {
		t[i].l = l;
		if (pthread_create(&id[i], NULL, load_worker, &t[i]) != 0)
			bench_fail("pthread_create", KANSA_ERROR);
	}
	for (int i = 0; i < threads; i++) {
		pthread_join(id[i], NULL);
		*done += t[i].done;
		l->checks += t[i].done;
		bench_samples_merge(lat, &t[i].lat);
		bench_samples_free(&t[i].lat);
	}
	*secs += bench_now() - t0;
	l->cpu += cpu_now() - cpu0; /* nothing else runs during a load: the checks' CPU */
	pthread_mutex_destroy(&l->mu);
	free(t);
	free(id);
}

#define ROUNDS 4

double bench_paired(bench_load *l, int threads, double seconds, bench_samples *lat,
    bench_limit_fn limit, void *arg, double *limit_out)
{
	uint64_t done = 0, lim_n = 0;
	double secs = 0, lim_secs = 0;

	for (int i = 0; i < ROUNDS; i++) {
		limit(arg, seconds / ROUNDS / 2, &lim_n, &lim_secs);
		run_load(l, threads, seconds / ROUNDS, lat, &done, &secs);
	}
	*limit_out = lim_secs > 0 ? (double)lim_n / lim_secs : 0;
	return secs > 0 ? (double)done / secs : 0;
}

void bench_limit_verify(void *arg, double seconds, uint64_t *n, double *secs)
{
	(void)arg;
	bench_verify_for(seconds, n, secs);
}

void bench_limit_durable(void *raw, double seconds, uint64_t *n, double *secs)
{
	bench_raw_insert_for(raw, seconds, 1, n, secs);
}

void bench_limit_batch(void *raw, double seconds, uint64_t *n, double *secs)
{
	bench_raw_insert_for(raw, seconds, 1000, n, secs);
}

void bench_load_begin(bench_load *l, kansa_ledger_stats *before)
{
	(void)kansa_ledger_get_stats(before, l->lg);
	l->cpu = 0;
	l->checks = 0;
}

void bench_stats_note(bench_row *r, bench_load *l, const kansa_ledger_stats *before,
    double first_limit)
{
	kansa_ledger_stats s;
	double us = l->checks ? l->cpu / (double)l->checks * 1e6 : 0;

	l->cpu = 0;
	l->checks = 0;
	if (kansa_ledger_get_stats(&s, l->lg) < 0)
		return;
	snprintf(r->note, sizeof(r->note), "batch %.1f; cache %llu hit %llu miss; %.0f us CPU/check; vs (1): %.2f",
	    s.commits > before->commits ? (double)(s.appends - before->appends) /
	    (double)(s.commits - before->commits) : 0.0,
	    (unsigned long long)(s.cache_hits - before->cache_hits),
	    (unsigned long long)(s.cache_misses - before->cache_misses), us,
	    first_limit > 0 ? r->value / first_limit : 0.0);
}

bench_row *bench_load_row(const char *key, const char *name, double rate, bench_samples *lat)
{
	bench_row *r = bench_add_row(key, name, rate, "/s");

	r->p50 = bench_samples_pct(lat, 0.5) * 1e3;
	r->p99 = bench_samples_pct(lat, 0.99) * 1e3;
	bench_samples_free(lat);
	return r;
}

bench_row *bench_cold_row(bench_load *l, const bench_opts *o, int threads, const char *key,
    const char *name, double first_limit)
{
	size_t n = o->quick ? 40 : (threads == 1 ? 6000 : 30000);
	kansa_ledger_stats st;
	bench_samples lat = { 0 };
	double rate, limit;
	bench_row *r;

	l->warrants = calloc(n, sizeof(*l->warrants));
	l->warrant_lens = calloc(n, sizeof(*l->warrant_lens));
	if (l->warrants == NULL || l->warrant_lens == NULL)
		bench_fail("warrants", KANSA_ENOMEM);
	for (size_t i = 0; i < n; i++)
		bench_warrant_make(&l->warrants[i], &l->warrant_lens[i], l->c);
	l->n_warrants = n;
	l->next_warrant = 0;
	bench_load_begin(l, &st);
	rate = bench_paired(l, threads, o->seconds * 2, &lat, bench_limit_verify, NULL, &limit);
	r = bench_load_row(key, name, rate, &lat);
	r->limit_name = "verify/s / k, paired";
	r->limit = limit / 2;
	bench_stats_note(r, l, &st, first_limit);
	for (size_t i = 0; i < n; i++)
		free(l->warrants[i]);
	free(l->warrants);
	free(l->warrant_lens);
	l->warrants = NULL;
	l->warrant_lens = NULL;
	return r;
}
