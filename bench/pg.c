/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kansa-bench on PostgreSQL (--pg URI or KANSA_BENCH_PG): the warm, cold
 * and replay figures of the SQLCipher sections, with ledgers in that
 * database, each as a ratio to a limit measured on the same server in the
 * same run (bench/pg_limits.c):
 *
 *   pg-limits  durable and batched raw inserts, a paged scan, AES-256-GCM
 *              opens, with rows of the sealed size of the ledger's entries;
 *   pg-warm    warm check, 1 caller (paired with raw durable inserts) and
 *              64 threads (paired with raw 1,000-row transactions);
 *              pg-warm1, pg-warm64 for one of them;
 *   pg-cold    cold check (k = 2), 64 threads, paired with Ed25519 verify / k;
 *   pg-replay  replay of an N-entry ledger (N = --entries / 10: 100,000 by
 *              default), against 1/(1/scan + 1/sha + 1/open), and its peak RSS.
 *
 * A ledger fills one schema: kansa_bench_checks (made again every run) and
 * kansa_bench_ledger_N (kept, as the SQLCipher replay ledger is, and made
 * again when it does not hold N entries). Public API only; the schemas and
 * the limits are bench/pg_limits.c's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/bench.h"

bool bench_pg_wanted(void)
{
	return bench_wanted("pg") || bench_wanted("pg-limits") || bench_wanted("pg-cold") ||
	    bench_wanted("pg-warm") || bench_wanted("pg-warm1") || bench_wanted("pg-warm64") ||
	    bench_wanted("pg-replay");
}

static bool wanted(const char *section)
{
	return bench_wanted("pg") || bench_wanted(section);
}

/* The checks ledger, one check made (the warrant's cache is warm after it). */
static char *checks_ledger(bench_load *l, const bench_opts *o, const bench_commission *c)
{
	char *uri = bench_pg_schema(o->pg_uri, "kansa_bench_checks", true);
	kansa_receipt rc;
	int error;

	if ((error = kansa_ledger_init(uri, c->db_key, c->policy, c->policy_len)) < 0 ||
	    (error = kansa_ledger_open(&l->lg, uri, c->db_key, 0)) < 0)
		bench_fail("PostgreSQL ledger", error);
	bench_warrant_make((uint8_t **)&l->warrant, &l->warrant_len, c);
	if ((error = kansa_check(&rc, l->lg, l->warrant, l->warrant_len, c->request,
	    c->request_len)) < 0)
		bench_fail("check", error);
	return uri;
}

static void limit_rows(const bench_pg_limits *pl)
{
	bench_row *r;

	bench_add_row("pg_insert_durable", "limit: PostgreSQL insert, durable", pl->insert_durable_per_s,
	    "/s");
	bench_add_row("pg_insert_batched", "limit: PostgreSQL insert, 1000/txn", pl->insert_batch_per_s,
	    "/s");
	bench_add_row("pg_scan", "limit: PostgreSQL paged scan", pl->scan_per_s, "rows/s");
	r = bench_add_row("pg_aes_gcm_open", "limit: AES-256-GCM open", pl->aes_open_per_s, "/s");
	if (pl->body_bytes > 0)
		snprintf(r->note, sizeof(r->note), "%.0f-byte sealed bodies, the mean of the ledger's",
		    pl->body_bytes);
}

static void warm_rows(bench_load *l, const bench_opts *o, const bench_pg_limits *pl,
    bench_pg_raw *raw)
{
	kansa_ledger_stats st;
	bench_samples lat = { 0 };
	double rate, limit;
	bench_row *r;

	if (wanted("pg-warm") || wanted("pg-warm1")) {
		bench_load_begin(l, &st);
		rate = bench_paired(l, 1, o->seconds * 2, &lat, bench_pg_limit_durable, raw, &limit);
		r = bench_load_row("pg_warm_1_caller", "pg: warm check, 1 caller", rate, &lat);
		r->limit_name = "pg durable insert/s, paired";
		r->limit = limit;
		r->target = 0.8;
		bench_stats_note(r, l, &st, pl->insert_durable_per_s);
	}
	if (wanted("pg-warm") || wanted("pg-warm64")) {
		bench_load_begin(l, &st);
		rate = bench_paired(l, 64, o->seconds * 2, &lat, bench_pg_limit_batch, raw, &limit);
		r = bench_load_row("pg_warm_64_threads", "pg: warm check, 64 threads", rate, &lat);
		r->limit_name = "pg batched insert/s, paired";
		r->limit = limit;
		r->target = 0.5;
		bench_stats_note(r, l, &st, pl->insert_batch_per_s);
	}
}

/* The replay ledger of o->pg_entries entries, kept between runs. */
static char *replay_ledger(const bench_opts *o, const bench_commission *c)
{
	char schema[64], *uri;
	kansa_ledger *lg = NULL;
	kansa_ledger_info info;
	double t0;

	snprintf(schema, sizeof(schema), "kansa_bench_ledger_%llu", (unsigned long long)o->pg_entries);
	uri = bench_pg_schema(o->pg_uri, schema, false);
	if (kansa_ledger_open(&lg, uri, c->db_key, KANSA_LEDGER_READONLY) == 0 &&
	    kansa_ledger_get_info(&info, lg) == 0 && info.size == o->pg_entries) {
		kansa_ledger_close(lg);
		return uri; /* made by an earlier run */
	}
	kansa_ledger_close(lg);
	free(uri);
	fprintf(stderr, "kansa-bench: making a %llu-entry ledger in PostgreSQL schema %s (kept for"
	    " later runs)\n", (unsigned long long)o->pg_entries, schema);
	t0 = bench_now();
	uri = bench_pg_schema(o->pg_uri, schema, true);
	bench_ledger_create(c, uri);
	bench_ledger_fill(c, uri, o->pg_entries - 1, 64); /* + the policy entry */
	fprintf(stderr, "kansa-bench: made in %.0f s\n", bench_now() - t0);
	return uri;
}

static void replay_rows(const bench_opts *o, const bench_limits *lim, const bench_pg_limits *pl,
    const bench_commission *c)
{
	static char name[64];
	bench_replay_names nm = { "pg_replay", name, "pg_replay_peak_rss", "pg: replay peak RSS" };
	char *uri = replay_ledger(o, c);
	double limit = pl->scan_per_s > 0 && lim->sha_per_s > 0 && pl->aes_open_per_s > 0 ?
	    1 / (1 / pl->scan_per_s + 1 / lim->sha_per_s + 1 / pl->aes_open_per_s) : 0;

	snprintf(name, sizeof(name), "pg: replay, %llu entries", (unsigned long long)o->pg_entries);
	bench_replay_rows(o, uri, &nm, "1/(1/scan+1/sha+1/open)", limit);
	free(uri);
}

void bench_pg_sections(const bench_opts *o, const bench_limits *lim, const bench_commission *c)
{
	bench_pg_limits pl;
	bench_pg_raw *raw;
	bench_load l;
	bench_row *r;
	char *uri;

	if (!bench_pg_wanted())
		return;
	if (o->pg_uri == NULL) {
		fprintf(stderr, "kansa-bench: the PostgreSQL sections need a server: --pg URI or"
		    " KANSA_BENCH_PG (bench/pg-bench.sh makes a throw-away one)\n");
		exit(2);
	}
	if (!bench_pg_reachable(o->pg_uri))
		exit(4);
	memset(&l, 0, sizeof(l));
	memset(&pl, 0, sizeof(pl));
	l.c = c;
	uri = checks_ledger(&l, o, c);
	raw = bench_pg_raw_open(o->pg_uri, (size_t)(bench_pg_body_bytes(o->pg_uri,
	    "kansa_bench_checks") + 0.5));
	if (wanted("pg-limits") || wanted("pg-replay")) /* the replay's limit needs them */
		bench_pg_limits_measure(&pl, raw, o);
	limit_rows(&pl);
	if (wanted("pg-cold")) {
		size_t used;

		r = bench_cold_row(&l, o, 64, "pg_cold_64_threads", "pg: cold check (k=2), 64 threads",
		    lim->verify_per_s / 2);
		r->target = 0.8;
		/* what bounds it on PostgreSQL may be the append, not the verifications */
		used = strlen(r->note);
		if (pl.insert_batch_per_s > 0)
			snprintf(r->note + used, sizeof(r->note) - used, "; vs pg batched (1): %.3f",
			    r->value / pl.insert_batch_per_s);
	}
	warm_rows(&l, o, &pl, raw);
	bench_pg_raw_close(raw);
	kansa_ledger_close(l.lg);
	free((void *)(uintptr_t)l.warrant);
	free(uri);
	if (wanted("pg-replay"))
		replay_rows(o, lim, &pl, c);
}
