/* SPDX-License-Identifier: Apache-2.0 */
/* kansa-bench: clocks, latency samples and percentiles, failure. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench/bench.h"

double bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void bench_fail(const char *what, int error)
{
	fprintf(stderr, "kansa-bench: %s: %s (%s)\n", what, kansa_error_last()->message,
	    kansa_error_name(error));
	exit(5);
}

void bench_samples_add(bench_samples *s, double x)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 4096;
		double *v = realloc(s->v, cap * sizeof(*v));
		if (v == NULL)
			bench_fail("samples", KANSA_ENOMEM);
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = x;
}

void bench_samples_merge(bench_samples *into, const bench_samples *from)
{
	for (size_t i = 0; i < from->n; i++)
		bench_samples_add(into, from->v[i]);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double bench_samples_pct(bench_samples *s, double p)
{
	size_t i;

	if (s->n == 0)
		return 0;
	qsort(s->v, s->n, sizeof(*s->v), cmp_double);
	i = (size_t)(p * (double)(s->n - 1) + 0.5);
	return s->v[i < s->n ? i : s->n - 1];
}

void bench_samples_free(bench_samples *s)
{
	free(s->v);
	memset(s, 0, sizeof(*s));
}
