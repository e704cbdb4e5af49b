/* SPDX-License-Identifier: Apache-2.0 */
/* kansa-bench: the table of figures, printed for people and written as JSON
 * ("schema": "kansa.bench/1"; docs/performance.md). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/bench.h"

static bench_row rows[64];
static size_t n_rows;

bench_row *bench_add_row(const char *key, const char *name, double value, const char *unit)
{
	bench_row *r;

	if (n_rows == sizeof(rows) / sizeof(rows[0]))
		bench_fail("too many rows", KANSA_ELIMIT);
	r = &rows[n_rows++];
	memset(r, 0, sizeof(*r));
	r->key = key;
	r->name = name;
	r->value = value;
	r->unit = unit;
	r->p50 = r->p99 = -1;
	return r;
}

static bool met(const bench_row *r, double *ratio)
{
	*ratio = r->limit > 0 ? r->value / r->limit : 0;
	return r->at_most ? *ratio < r->target : *ratio >= r->target;
}

void bench_print_table(const bench_opts *o)
{
	printf("%-34s %12s %9s %9s  %-20s %12s %7s %7s  %s\n", "figure", "value", "p50 ms", "p99 ms",
	    "limit (same run)", "limit", "ratio", "target", "note");
	for (size_t i = 0; i < n_rows; i++) {
		const bench_row *r = &rows[i];
		char v[32], p50[16] = "", p99[16] = "", lim[32] = "", ratio[16] = "", tgt[24] = "";
		double q;
		bool ok = met(r, &q);

		snprintf(v, sizeof(v), r->na ? "n/a" : "%.*f %s", r->value >= 100 ? 0 : 3, r->value, r->unit);
		if (r->p50 >= 0) {
			snprintf(p50, sizeof(p50), "%.3f", r->p50);
			snprintf(p99, sizeof(p99), "%.3f", r->p99);
		}
		if (r->limit > 0) {
			snprintf(lim, sizeof(lim), "%.*f", r->limit >= 100 ? 0 : 3, r->limit);
			if (!r->na)
				snprintf(ratio, sizeof(ratio), "%.2f", q);
		}
		if (r->target > 0)
			snprintf(tgt, sizeof(tgt), "%s%.2f %s", r->at_most ? "<" : ">=", r->target,
			    r->na || r->limit <= 0 ? "n/a" : ok ? "met" : "MISSED");
		printf("%-34s %12s %9s %9s  %-20s %12s %7s %12s  %s\n", r->name, v, p50, p99,
		    r->limit_name ? r->limit_name : "", lim, ratio, tgt, r->note);
	}
	printf("(%s run; %.1f s per section; figures are noisy on a shared machine: compare ratios)\n",
	    o->quick ? "quick" : "full", o->seconds);
}

void bench_write_json(const char *file, const bench_opts *o)
{
	FILE *f = fopen(file, "w");

	if (f == NULL) {
		fprintf(stderr, "kansa-bench: cannot write %s: %s\n", file, strerror(errno));
		exit(4);
	}
	fprintf(f, "{\"schema\":\"kansa.bench/1\",\"quick\":%s,\"seconds\":%.2f,\"big_entries\":%llu,"
	    "\"figures\":{", o->quick ? "true" : "false", o->seconds,
	    (unsigned long long)o->big_entries);
	for (size_t i = 0; i < n_rows; i++) {
		const bench_row *r = &rows[i];
		double q;
		bool ok = met(r, &q);

		fprintf(f, "%s\"%s\":{\"name\":\"%s\",\"unit\":\"%s\"", i ? "," : "", r->key, r->name, r->unit);
		if (r->na)
			fprintf(f, ",\"value\":null");
		else
			fprintf(f, ",\"value\":%.6g", r->value);
		if (r->p50 >= 0)
			fprintf(f, ",\"p50_ms\":%.6g,\"p99_ms\":%.6g", r->p50, r->p99);
		if (r->limit > 0)
			fprintf(f, ",\"limit\":%.6g,\"limit_name\":\"%s\",\"ratio\":%s", r->limit,
			    r->limit_name, r->na ? "null" : "");
		if (r->limit > 0 && !r->na)
			fprintf(f, "%.4g", q);
		if (r->target > 0)
			fprintf(f, ",\"target\":\"%s%.2f\",\"met\":%s", r->at_most ? "<" : ">=", r->target,
			    r->na || r->limit <= 0 ? "null" : ok ? "true" : "false");
		fprintf(f, ",\"note\":\"%s\"}", r->note);
	}
	fprintf(f, "}}\n");
	fclose(f);
}
