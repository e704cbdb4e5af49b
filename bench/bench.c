/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kansa-bench: kansa's figures next to the limits of the machine they run
 * on, measured in the same run (docs/performance.md):
 *
 *   1. limits: Ed25519 verify/s and sign/s, SHA-256 records/s, raw SQLCipher
 *      inserts/s (per-row durable and batched), keyed scan rows/s;
 *   2. cold check (a new warrant each time, quorum k = 2), 1 and 64 callers;
 *   3. warm check, one caller, durable: checks/s, p50/p99;
 *   4. warm check, 8 and 64 threads, group commit: checks/s, p50/p99;
 *      cold-64 and warm-64 also against the CPU bound (every core doing only
 *      the signatures and the insert a check cannot do without);
 *   5. replay of a 1,000,000-entry ledger: entries/s, peak RSS (a child
 *      process, so the RSS is the replay's own);
 *   6. inclusion and consistency proofs at 1,000,000 entries;
 *   7. checks through kansa serve, 1 and 64 keep-alive clients, as ratios to
 *      the in-process warm check with 1 and 64 threads (bench_service.c);
 *   8. growth: one ledger at 10k, 100k (and with --growth-1m or
 *      KANSA_BENCH_GROWTH_1M=1, 1M) entries: open, bytes per entry, proofs,
 *      audit, replay, warm check (bench/growth.c);
 *   9. on PostgreSQL (--pg URI or KANSA_BENCH_PG): raw limits on the same
 *      server, warm check (1 and 64 callers), cold check (64 callers), replay
 *      of an (--entries / 10)-entry ledger (bench/pg.c, bench/pg_limits.c);
 *  10. each figure as a ratio to its limit, and whether its target is met.
 *
 * Usage: kansa-bench [--quick] [--data DIR] [--json FILE] [--seconds S]
 *                    [--entries N] [--growth-1m] [--pg URI] [--only SECTIONS]
 * SECTIONS is a comma-separated list of limits, cold, warm (or warm1, warm8,
 * warm64), replay, proofs, service, growth, pg (or pg-limits, pg-cold,
 * pg-warm, pg-warm1, pg-warm64, pg-replay)
 * (for profiling one of them: perf record -g ./bench/kansa-bench --only warm).
 * Without --only, the PostgreSQL sections run when a server is named.
 * The 1,000,000-entry ledger is made once and kept in DIR (bench/data).
 * Uses the public API only (the raw database limits aside, bench/limits.c
 * and bench/pg_limits.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bench/bench.h"

static const char *only; /* --only: sections to run (NULL: all) */

/* "1M", "2000": the big ledger's size in labels. */
static const char *size_label(const char *before, uint64_t n, const char *after)
{
	static char buf[4][64];
	static int k;
	char num[24];

	if (n % 1000000 == 0)
		snprintf(num, sizeof(num), "%lluM", (unsigned long long)(n / 1000000));
	else
		snprintf(num, sizeof(num), "%llu", (unsigned long long)n);
	k = (k + 1) % 4;
	snprintf(buf[k], sizeof(buf[k]), "%s%s%s", before, num, after);
	return buf[k];
}

bool bench_wanted(const char *section)
{
	const char *p = only;
	size_t n = strlen(section);

	if (only == NULL)
		return true;
	while ((p = strstr(p, section)) != NULL) {
		if ((p == only || p[-1] == ',') && (p[n] == '\0' || p[n] == ','))
			return true;
		p += n;
	}
	return false;
}


/* ---- checks under load (bench/load.c) ------------------------------------ */

/*
 * A threaded figure against the CPU that no check can do without: @p sigs
 * Ed25519 verifications (cold: the warrant's k), one Ed25519 signature (the
 * receipt) and one row of a batched insert, on every core at once. It is
 * what the machine could give were everything else free: a ratio of 1 is
 * out of reach, and the distance to it is what kansa's own code costs.
 */
static void cpu_bound_row(const char *key, const char *name, double rate, int sigs,
    const bench_limits *lim)
{
	bench_row *r = bench_add_row(key, name, rate, "/s");
	double cpu;

	if (lim->verify_per_s <= 0 || lim->sign_per_s <= 0 || lim->insert_batch_per_s <= 0)
		return; /* the limits were not measured */
	cpu = sigs / lim->verify_per_s + 1 / lim->sign_per_s + 1 / lim->insert_batch_per_s;
	r->limit_name = "cores / CPU a check needs";
	r->limit = lim->cores / cpu;
	snprintf(r->note, sizeof(r->note), "%d cores; %d verify + 1 sign %.0f us, insert row %.1f us; "
	    "ratio of the bound to the target's limit %.2f", lim->cores, sigs,
	    1e6 * (sigs / lim->verify_per_s + 1 / lim->sign_per_s), 1e6 / lim->insert_batch_per_s,
	    r->limit / (sigs ? lim->verify_per_s / sigs : lim->insert_batch_per_s));
}

/*
 * 2. cold: a new warrant for every check. One caller waits for its own
 * commit every time (fsync-bound, like warm-1); 64 callers share commits,
 * so the signature verifications are what is left to bound them: the
 * target applies there (docs/performance.md).
 */
static void cold_sections(bench_load *l, const bench_opts *o, const bench_limits *lim)
{
	bench_row *r;

	(void)bench_cold_row(l, o, 1, "cold_1_caller", "cold check (k=2), 1 caller",
	    lim->verify_per_s / 2);
	r = bench_cold_row(l, o, 64, "cold_64_threads", "cold check (k=2), 64 threads",
	    lim->verify_per_s / 2);
	r->target = 0.8;
	cpu_bound_row("cold_64_threads_cpu_bound", "  cold-64 vs CPU bound", r->value, 2, lim);
}

static void check_sections(const bench_opts *o, const bench_limits *lim, const bench_commission *c)
{
	static const int counts[2] = { 8, 64 };
	static const char *const keys[2] = { "warm_8_threads", "warm_64_threads" };
	static const char *const names[2] = { "warm check, 8 threads", "warm check, 64 threads" };
	char path[4096];
	bench_load l;
	kansa_ledger_stats st;
	bench_samples lat = { 0 };
	bench_raw *raw;
	double rate, limit;
	bench_row *r;
	int error;

	memset(&l, 0, sizeof(l));
	l.c = c;
	snprintf(path, sizeof(path), "%s/checks.db", o->data_dir);
	bench_ledger_create(c, path);
	if ((error = kansa_ledger_open(&l.lg, path, c->db_key, 0)) < 0)
		bench_fail("open", error);
	raw = bench_raw_open(o->data_dir);
	if (bench_wanted("cold"))
		cold_sections(&l, o, lim);
	if (!bench_wanted("warm") && !bench_wanted("warm1") && !bench_wanted("warm8") && !bench_wanted("warm64"))
		goto out;

	/* 3. warm, one caller, durable */
	bench_warrant_make((uint8_t **)&l.warrant, &l.warrant_len, c);
	{
		kansa_receipt rc;
		if ((error = kansa_check(&rc, l.lg, l.warrant, l.warrant_len, c->request,
		    c->request_len)) < 0) /* the one cold check: the cache is warm after it */
			bench_fail("check", error);
	}
	if (bench_wanted("warm") || bench_wanted("warm1")) {
		bench_load_begin(&l, &st);
		rate = bench_paired(&l, 1, o->seconds * 2, &lat, bench_limit_durable, raw, &limit);
		r = bench_load_row("warm_1_caller", "warm check, 1 caller (durable)", rate, &lat);
		r->limit_name = "durable insert/s, paired";
		r->limit = limit;
		r->target = 0.8;
		bench_stats_note(r, &l, &st, lim->insert_durable_per_s);
	}

	/* 4. warm, 8 and 64 threads, group commit */
	for (int i = 0; i < 2; i++) {
		if (!bench_wanted("warm") && !bench_wanted(i ? "warm64" : "warm8"))
			continue;
		bench_load_begin(&l, &st);
		rate = bench_paired(&l, counts[i], o->seconds * 2, &lat, bench_limit_batch, raw, &limit);
		r = bench_load_row(keys[i], names[i], rate, &lat);
		r->limit_name = "batched insert/s, paired";
		r->limit = limit;
		r->target = counts[i] == 64 ? 0.5 : 0;
		bench_stats_note(r, &l, &st, lim->insert_batch_per_s);
		if (counts[i] == 64)
			cpu_bound_row("warm_64_threads_cpu_bound", "  warm-64 vs CPU bound", rate, 0, lim);
	}
	free((void *)(uintptr_t)l.warrant);
out:
	bench_raw_close(raw);
	kansa_ledger_close(l.lg);
}

/* ---- the big ledger: replay and proofs ------------------------------------ */

static void big_ledger(char *path, size_t size, const bench_opts *o, const bench_commission *c)
{
	char done[4200];
	kansa_ledger *lg = NULL;
	kansa_ledger_info info;
	struct stat sb;
	double t0;

	snprintf(path, size, "%s/ledger-%llu.db", o->data_dir, (unsigned long long)o->big_entries);
	snprintf(done, sizeof(done), "%s.done", path);
	if (stat(done, &sb) == 0 && kansa_ledger_open(&lg, path, c->db_key, KANSA_LEDGER_READONLY) == 0 &&
	    kansa_ledger_get_info(&info, lg) == 0 && info.size == o->big_entries) {
		kansa_ledger_close(lg);
		return; /* made by an earlier run */
	}
	kansa_ledger_close(lg);
	unlink(done);
	fprintf(stderr, "kansa-bench: making a %llu-entry ledger in %s (kept for later runs)\n",
	    (unsigned long long)o->big_entries, path);
	t0 = bench_now();
	bench_ledger_create(c, path);
	bench_ledger_fill(c, path, o->big_entries - 1, 64); /* + the policy entry */
	fprintf(stderr, "kansa-bench: made in %.0f s\n", bench_now() - t0);
	{
		FILE *f = fopen(done, "w");
		if (f) {
			fprintf(f, "%llu\n", (unsigned long long)o->big_entries);
			fclose(f);
		}
	}
}

static void replay_section(const bench_opts *o, const bench_limits *lim, const char *path)
{
	static const bench_replay_names nm = { "replay", NULL, "replay_peak_rss", "replay peak RSS" };
	bench_replay_names n = nm;

	n.name = size_label("replay, ", o->big_entries, " entries");
	bench_replay_rows(o, path, &n, "1/(1/scan + 1/sha)", lim->scan_per_s > 0 && lim->sha_per_s > 0 ?
	    1 / (1 / lim->scan_per_s + 1 / lim->sha_per_s) : 0);
}

static void proof_section(const bench_opts *o, const char *path, const bench_commission *c)
{
	kansa_ledger *lg = NULL;
	kansa_merkle_proof p;
	uint8_t leaf[KANSA_HASH_LEN], root[KANSA_HASH_LEN], old_root[KANSA_HASH_LEN];
	uint64_t n = 0, size = o->big_entries, x = 0x9e3779b97f4a7c15ull;
	double t0, t;
	bench_row *r;
	int error;

	if ((error = kansa_ledger_open(&lg, path, c->db_key, KANSA_LEDGER_READONLY)) < 0)
		bench_fail("proof open", error);
	t0 = bench_now();
	do {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		if ((error = kansa_ledger_prove_inclusion(&p, leaf, root, lg, x % size, 0)) < 0)
			bench_fail("inclusion proof", error);
		n++;
	} while ((t = bench_now() - t0) < o->seconds);
	if (kansa_merkle_verify_inclusion(p.index, p.size, leaf, (const uint8_t (*)[KANSA_HASH_LEN])p.hashes,
	    p.len, root) != 0)
		bench_fail("inclusion proof does not verify", KANSA_EVERIFY);
	r = bench_add_row("inclusion_proof", size_label("inclusion proof at ", size, ""),
	    t / (double)n * 1e3, "ms");
	r->limit_name = "bound";
	r->limit = 1;
	r->target = 1;
	r->at_most = true;
	snprintf(r->note, sizeof(r->note), "%.0f proofs/s", (double)n / t);
	n = 0;
	t0 = bench_now();
	do {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		if ((error = kansa_ledger_prove_consistency(&p, old_root, root, lg, 1 + x % size, 0)) < 0)
			bench_fail("consistency proof", error);
		n++;
	} while ((t = bench_now() - t0) < o->seconds);
	if (kansa_merkle_verify_consistency(p.old_size, p.size, old_root, root,
	    (const uint8_t (*)[KANSA_HASH_LEN])p.hashes, p.len) != 0)
		bench_fail("consistency proof does not verify", KANSA_EVERIFY);
	r = bench_add_row("consistency_proof", size_label("consistency proof at ", size, ""),
	    t / (double)n * 1e3, "ms");
	snprintf(r->note, sizeof(r->note), "%.0f proofs/s", (double)n / t);
	kansa_ledger_close(lg);
}

int main(int argc, char **argv)
{
	bench_opts o = { false, 2.0, 1000000, "bench/data", argv[0], false, NULL, 0 };
	const char *g1m = getenv("KANSA_BENCH_GROWTH_1M"), *pg = getenv("KANSA_BENCH_PG");
	const char *json = "bench/results.json";
	bench_commission c;
	bench_limits lim;
	char path[4096];

	if (argc == 3 && strcmp(argv[1], "--replay-child") == 0)
		return bench_replay_child(argv[2]);
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--quick") == 0) {
			o.quick = true;
			o.seconds = 0.2;
			o.big_entries = 2000;
		} else if (strcmp(argv[i], "--data") == 0 && i + 1 < argc) {
			o.data_dir = argv[++i];
		} else if (strcmp(argv[i], "--json") == 0 && i + 1 < argc) {
			json = argv[++i];
		} else if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc) {
			o.seconds = strtod(argv[++i], NULL);
		} else if (strcmp(argv[i], "--entries") == 0 && i + 1 < argc) {
			o.big_entries = strtoull(argv[++i], NULL, 10);
		} else if (strcmp(argv[i], "--growth-1m") == 0) {
			o.growth_1m = true;
		} else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc) {
			only = argv[++i];
		} else if (strcmp(argv[i], "--pg") == 0 && i + 1 < argc) {
			o.pg_uri = argv[++i];
		} else {
			fprintf(stderr, "usage: kansa-bench [--quick] [--data DIR] [--json FILE] [--seconds S]"
			    " [--entries N] [--growth-1m] [--pg URI]"
			    " [--only limits,cold,warm,replay,proofs,service,growth,pg]\n");
			return 2;
		}
	}
	if (g1m != NULL && strcmp(g1m, "1") == 0)
		o.growth_1m = true;
	if (o.pg_uri == NULL && pg != NULL && pg[0] != '\0')
		o.pg_uri = pg;
	if (o.seconds <= 0)
		o.seconds = 0.2;
	if (o.big_entries < 2)
		o.big_entries = 2;
	o.pg_entries = o.big_entries / 10 < 2 ? 2 : o.big_entries / 10;
	(void)mkdir(o.data_dir, 0700);
	bench_commission_make(&c);

	memset(&lim, 0, sizeof(lim));
	/* growth's ratios need all of them, the PostgreSQL replay's the SHA-256 rate */
	if (bench_wanted("limits") || bench_wanted("growth") || bench_wanted("pg") ||
	    bench_wanted("pg-limits") || bench_wanted("pg-replay"))
		bench_limits_measure(&lim, &o, o.data_dir);
	else /* ratios need limits: without them, compare with nothing */
		memset(&lim, 0, sizeof(lim));
	bench_add_row("ed25519_verify", "limit: Ed25519 verify", lim.verify_per_s, "/s");
	bench_add_row("ed25519_sign", "limit: Ed25519 sign", lim.sign_per_s, "/s");
	bench_add_row("sha256_600", "limit: SHA-256 600-byte records", lim.sha_per_s, "/s");
	bench_add_row("insert_durable", "limit: SQLCipher insert, durable", lim.insert_durable_per_s, "/s");
	bench_add_row("insert_batched", "limit: SQLCipher insert, 1000/txn", lim.insert_batch_per_s, "/s");
	bench_add_row("scan", "limit: keyed scan", lim.scan_per_s, "rows/s");
	bench_add_row("raw_bytes_per_row", "limit: SQLCipher bytes/600-B row", lim.bytes_per_row, "B");
	bench_add_row("raw_open_cold", "limit: SQLCipher open+read, cold", lim.open_s * 1e3, "ms");

	if (bench_wanted("cold") || bench_wanted("warm") || bench_wanted("warm1") || bench_wanted("warm8") || bench_wanted("warm64"))
		check_sections(&o, &lim, &c);
	if (bench_wanted("replay") || bench_wanted("proofs"))
		big_ledger(path, sizeof(path), &o, &c);
	if (bench_wanted("replay"))
		replay_section(&o, &lim, path);
	if (bench_wanted("proofs"))
		proof_section(&o, path, &c);
	if (bench_wanted("service"))
		bench_service_section(&o, &c);
	if (bench_wanted("growth"))
		bench_growth_section(&o, &lim, &c);
	if (o.pg_uri != NULL || only != NULL) /* all sections: PostgreSQL's when a server is named */
		bench_pg_sections(&o, &lim, &c);

	bench_print_table(&o);
	bench_write_json(json, &o);
	bench_commission_free(&c);
	return 0;
}
