/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kansa-bench: kansa's figures next to the limits of the machine they run
 * on, measured in the same run (docs/performance.md):
 *
 *   1. limits: Ed25519 verify/s, SHA-256 records/s, raw SQLCipher inserts/s
 *      (per-row durable and batched), keyed scan rows/s;
 *   2. cold check (a new warrant each time, quorum k = 2);
 *   3. warm check, one caller, durable: checks/s, p50/p99;
 *   4. warm check, 8 and 64 threads, group commit: checks/s, p50/p99;
 *   5. replay of a 1,000,000-entry ledger: entries/s, peak RSS (a child
 *      process, so the RSS is the replay's own);
 *   6. inclusion and consistency proofs at 1,000,000 entries;
 *   7. each figure as a ratio to its limit, and whether its target is met.
 *
 * Usage: kansa-bench [--quick] [--data DIR] [--json FILE] [--seconds S]
 * The 1,000,000-entry ledger is made once and kept in DIR (bench/data).
 * Uses the public API only (the raw database limits aside, bench/limits.c).
 */
#include <errno.h>
#include <pthread.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench/bench.h"

/* kansa_ledger_audit arrives with the audit work: until then it is not in
 * the library, and the replay section says so instead of failing to link. */
#pragma weak kansa_ledger_audit

extern char **environ;

typedef struct {
	const char *key;       /* JSON name */
	const char *name;      /* table label */
	double value;          /* the figure */
	const char *unit;      /* "/s", "ms", "MiB" */
	double p50, p99;       /* latency in ms; < 0 when not measured */
	const char *limit_name;/* what it is compared with */
	double limit;          /* that limit, same unit; <= 0: no ratio */
	double target;         /* required ratio (0: none) */
	bool at_most;          /* the target is an upper bound (latency, memory) */
	bool na;               /* not measured */
	char note[96];         /* why not, or what else to know */
} row;

static row rows[24];
static size_t n_rows;

static row *add_row(const char *key, const char *name, double value, const char *unit)
{
	row *r = &rows[n_rows++];

	memset(r, 0, sizeof(*r));
	r->key = key;
	r->name = name;
	r->value = value;
	r->unit = unit;
	r->p50 = r->p99 = -1;
	return r;
}

/* ---- checks under load --------------------------------------------------- */

typedef struct {
	kansa_ledger *lg;
	const bench_commission *c;
	const uint8_t *warrant;     /* warm: one warrant for all */
	size_t warrant_len;
	uint8_t **warrants;         /* cold: a new one per check */
	size_t *warrant_lens;
	size_t n_warrants;
	size_t next_warrant;        /* cold: shared index */
	pthread_mutex_t mu;
	double until;               /* stop time */
	uint64_t max_checks;        /* per thread, 0 = until the time is up */
} load_ctx;

typedef struct {
	load_ctx *l;
	uint64_t done;
	bench_samples lat;
} load_thread;

static void *load_worker(void *arg)
{
	load_thread *t = arg;
	load_ctx *l = t->l;
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

/* Run @p threads callers for o->seconds; checks/s, with latencies in *lat. */
static double run_load(load_ctx *l, int threads, double seconds, bench_samples *lat)
{
	load_thread *t = calloc((size_t)threads, sizeof(*t));
	pthread_t *id = calloc((size_t)threads, sizeof(*id));
	uint64_t done = 0;
	double t0;

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
		done += t[i].done;
		bench_samples_merge(lat, &t[i].lat);
		bench_samples_free(&t[i].lat);
	}
	t0 = bench_now() - t0;
	pthread_mutex_destroy(&l->mu);
	free(t);
	free(id);
	return (double)done / t0;
}

static void stats_note(row *r, kansa_ledger *lg, const kansa_ledger_stats *before)
{
	kansa_ledger_stats s;

	if (kansa_ledger_get_stats(&s, lg) < 0)
		return;
	snprintf(r->note, sizeof(r->note), "mean batch %.1f; cache hits %llu, misses %llu",
	    s.commits > before->commits ? (double)(s.appends - before->appends) /
	    (double)(s.commits - before->commits) : 0.0,
	    (unsigned long long)(s.cache_hits - before->cache_hits),
	    (unsigned long long)(s.cache_misses - before->cache_misses));
}

static void check_sections(const bench_opts *o, const bench_limits *lim, const bench_commission *c)
{
	static const int counts[2] = { 8, 64 };
	static const char *const keys[2] = { "warm_8_threads", "warm_64_threads" };
	static const char *const names[2] = { "warm check, 8 threads", "warm check, 64 threads" };
	char path[4096];
	load_ctx l;
	kansa_ledger_stats st;
	bench_samples lat = { 0 };
	double rate;
	row *r;
	int error;

	snprintf(path, sizeof(path), "%s/checks.db", o->data_dir);
	bench_ledger_create(c, path);
	if ((error = kansa_ledger_open(&l.lg, path, c->db_key, 0)) < 0)
		bench_fail("open", error);

	/* 2. cold: a new warrant for every check, one caller and 8 callers */
	for (int threads = 1; threads <= 8; threads += 7) {
		size_t n = o->quick ? 40 : (threads == 1 ? 4000 : 8000);
		kansa_ledger *lg = l.lg;
		memset(&l, 0, sizeof(l));
		l.lg = lg;
		l.c = c;
		l.warrants = calloc(n, sizeof(*l.warrants));
		l.warrant_lens = calloc(n, sizeof(*l.warrant_lens));
		if (l.warrants == NULL || l.warrant_lens == NULL)
			bench_fail("warrants", KANSA_ENOMEM);
		for (size_t i = 0; i < n; i++)
			bench_warrant_make(&l.warrants[i], &l.warrant_lens[i], c);
		l.n_warrants = n;
		(void)kansa_ledger_get_stats(&st, l.lg);
		rate = run_load(&l, threads, o->seconds * 4, &lat);
		r = add_row(threads == 1 ? "cold_1_thread" : "cold_8_threads",
		    threads == 1 ? "cold check (k=2), 1 caller" : "cold check (k=2), 8 threads",
		    rate, "/s");
		r->p50 = bench_samples_pct(&lat, 0.5) * 1e3;
		r->p99 = bench_samples_pct(&lat, 0.99) * 1e3;
		r->limit_name = "verify/s / k";
		r->limit = lim->verify_per_s / 2;
		r->target = threads == 1 ? 0.8 : 0;
		stats_note(r, l.lg, &st);
		bench_samples_free(&lat);
		for (size_t i = 0; i < n; i++)
			free(l.warrants[i]);
		free(l.warrants);
		free(l.warrant_lens);
		l.warrants = NULL;
	}

	/* 3. warm, one caller, durable */
	bench_warrant_make((uint8_t **)&l.warrant, &l.warrant_len, c);
	l.max_checks = 0;
	{
		kansa_receipt rc;
		if ((error = kansa_check(&rc, l.lg, l.warrant, l.warrant_len, c->request,
		    c->request_len)) < 0) /* the one cold check: the cache is warm after it */
			bench_fail("check", error);
	}
	(void)kansa_ledger_get_stats(&st, l.lg);
	rate = run_load(&l, 1, o->seconds, &lat);
	r = add_row("warm_1_caller", "warm check, 1 caller (durable)", rate, "/s");
	r->p50 = bench_samples_pct(&lat, 0.5) * 1e3;
	r->p99 = bench_samples_pct(&lat, 0.99) * 1e3;
	r->limit_name = "durable insert/s";
	r->limit = lim->insert_durable_per_s;
	r->target = 0.8;
	stats_note(r, l.lg, &st);
	bench_samples_free(&lat);

	/* 4. warm, 8 and 64 threads, group commit */
	for (int i = 0; i < 2; i++) {
		(void)kansa_ledger_get_stats(&st, l.lg);
		rate = run_load(&l, counts[i], o->seconds, &lat);
		r = add_row(keys[i], names[i], rate, "/s");
		r->p50 = bench_samples_pct(&lat, 0.5) * 1e3;
		r->p99 = bench_samples_pct(&lat, 0.99) * 1e3;
		r->limit_name = "batched insert/s";
		r->limit = lim->insert_batch_per_s;
		r->target = counts[i] == 64 ? 0.5 : 0;
		stats_note(r, l.lg, &st);
		bench_samples_free(&lat);
	}
	free((void *)(uintptr_t)l.warrant);
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

/* The child: replay the ledger and print "entries seconds findings". */
static int replay_child(const char *path)
{
	kansa_audit_options opt = { KANSA_AUDIT_REPLAY, NULL, NULL, NULL };
	kansa_audit_summary sum;
	kansa_secret *key = NULL;
	kansa_ledger *lg = NULL;
	double t0;
	int error;

	if (kansa_ledger_audit == NULL)
		return 3;
	if ((error = kansa_secret_from(&key, BENCH_DB_KEY, strlen(BENCH_DB_KEY))) < 0 ||
	    (error = kansa_ledger_open(&lg, path, key, KANSA_LEDGER_READONLY)) < 0)
		bench_fail("replay open", error);
	t0 = bench_now();
	if ((error = kansa_ledger_audit(&sum, lg, &opt)) < 0)
		bench_fail("replay", error);
	printf("%llu %.6f %llu\n", (unsigned long long)sum.entries, bench_now() - t0,
	    (unsigned long long)sum.findings);
	kansa_ledger_close(lg);
	kansa_secret_free(key);
	return 0;
}

static void replay_section(const bench_opts *o, const bench_limits *lim, const char *path)
{
	char *argv[] = { (char *)(uintptr_t)o->self, (char *)"--replay-child", (char *)(uintptr_t)path, NULL };
	posix_spawn_file_actions_t fa;
	unsigned long long entries = 0, findings = 0;
	double secs = 0, combined = 1 / (1 / lim->scan_per_s + 1 / lim->sha_per_s);
	struct rusage ru;
	char buf[256] = "";
	int pfd[2], status = 0;
	pid_t pid;
	ssize_t got;
	row *r, *m;

	r = add_row("replay", "replay, 1M entries", 0, "/s");
	r->limit_name = "1/(1/scan + 1/sha)";
	r->limit = combined;
	r->target = 0.33;
	m = add_row("replay_peak_rss", "replay peak RSS", 0, "MiB");
	m->limit_name = "bound";
	m->limit = 64;
	m->target = 1;
	m->at_most = true;
	if (kansa_ledger_audit == NULL) {
		r->na = m->na = true;
		snprintf(r->note, sizeof(r->note), "n/a (audit not built)");
		snprintf(m->note, sizeof(m->note), "n/a (audit not built)");
		return;
	}
	if (pipe(pfd) != 0)
		bench_fail("pipe", KANSA_EIO);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, pfd[1], 1);
	posix_spawn_file_actions_addclose(&fa, pfd[0]);
	if (posix_spawn(&pid, o->self, &fa, NULL, argv, environ) != 0)
		bench_fail("spawn replay", KANSA_ERROR);
	posix_spawn_file_actions_destroy(&fa);
	close(pfd[1]);
	got = read(pfd[0], buf, sizeof(buf) - 1);
	buf[got > 0 ? got : 0] = '\0';
	close(pfd[0]);
	if (wait4(pid, &status, 0, &ru) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0 ||
	    sscanf(buf, "%llu %lf %llu", &entries, &secs, &findings) != 3 || secs <= 0) {
		r->na = m->na = true;
		snprintf(r->note, sizeof(r->note), "replay failed (status %d)", status);
		return;
	}
	r->value = (double)entries / secs;
	m->value = (double)ru.ru_maxrss / 1024.0; /* KiB */
	snprintf(r->note, sizeof(r->note), "%llu entries in %.1f s, %llu findings", entries, secs,
	    findings);
}

static void proof_section(const bench_opts *o, const char *path, const bench_commission *c)
{
	kansa_ledger *lg = NULL;
	kansa_merkle_proof p;
	uint8_t leaf[KANSA_HASH_LEN], root[KANSA_HASH_LEN], old_root[KANSA_HASH_LEN];
	uint64_t n = 0, size = o->big_entries, x = 0x9e3779b97f4a7c15ull;
	double t0, t;
	row *r;
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
	r = add_row("inclusion_proof", "inclusion proof at 1M", t / (double)n * 1e3, "ms");
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
	r = add_row("consistency_proof", "consistency proof at 1M", t / (double)n * 1e3, "ms");
	snprintf(r->note, sizeof(r->note), "%.0f proofs/s", (double)n / t);
	kansa_ledger_close(lg);
}

/* ---- output ------------------------------------------------------------------ */

static bool met(const row *r, double *ratio)
{
	*ratio = r->limit > 0 ? r->value / r->limit : 0;
	return r->at_most ? *ratio < r->target : *ratio >= r->target;
}

static void print_table(const bench_opts *o)
{
	printf("%-34s %12s %9s %9s  %-20s %12s %7s %7s  %s\n", "figure", "value", "p50 ms", "p99 ms",
	    "limit (same run)", "limit", "ratio", "target", "note");
	for (size_t i = 0; i < n_rows; i++) {
		const row *r = &rows[i];
		char v[32], p50[16] = "", p99[16] = "", lim[32] = "", ratio[16] = "", tgt[24] = "";
		double q;
		bool ok = met(r, &q);

		snprintf(v, sizeof(v), r->na ? "n/a" : "%.*f %s", r->value >= 100 ? 0 : 3, r->value, r->unit);
		if (r->p50 >= 0) {
			snprintf(p50, sizeof(p50), "%.3f", r->p50);
			snprintf(p99, sizeof(p99), "%.3f", r->p99);
		}
		if (r->limit > 0) {
			snprintf(lim, sizeof(lim), "%.0f", r->limit);
			if (!r->na)
				snprintf(ratio, sizeof(ratio), "%.2f", q);
		}
		if (r->target > 0)
			snprintf(tgt, sizeof(tgt), "%s%.2f %s", r->at_most ? "<" : ">=", r->target,
			    r->na ? "n/a" : ok ? "met" : "MISSED");
		printf("%-34s %12s %9s %9s  %-20s %12s %7s %12s  %s\n", r->name, v, p50, p99,
		    r->limit_name ? r->limit_name : "", lim, ratio, tgt, r->note);
	}
	printf("(%s run; %.1f s per section; figures are noisy on a shared machine: compare ratios)\n",
	    o->quick ? "quick" : "full", o->seconds);
}

static void write_json(const char *file, const bench_opts *o)
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
		const row *r = &rows[i];
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
			    r->na ? "null" : ok ? "true" : "false");
		fprintf(f, ",\"note\":\"%s\"}", r->note);
	}
	fprintf(f, "}}\n");
	fclose(f);
}

int main(int argc, char **argv)
{
	bench_opts o = { false, 2.0, 1000000, "bench/data", argv[0] };
	const char *json = "bench/results.json";
	bench_commission c;
	bench_limits lim;
	char path[4096];

	if (argc == 3 && strcmp(argv[1], "--replay-child") == 0)
		return replay_child(argv[2]);
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
		} else {
			fprintf(stderr, "usage: kansa-bench [--quick] [--data DIR] [--json FILE] [--seconds S]\n");
			return 2;
		}
	}
	if (o.seconds <= 0)
		o.seconds = 0.2;
	(void)mkdir(o.data_dir, 0700);
	bench_commission_make(&c);

	bench_limits_measure(&lim, &o, o.data_dir);
	add_row("ed25519_verify", "limit: Ed25519 verify", lim.verify_per_s, "/s");
	add_row("sha256_600", "limit: SHA-256 600-byte records", lim.sha_per_s, "/s");
	add_row("insert_durable", "limit: SQLCipher insert, durable", lim.insert_durable_per_s, "/s");
	add_row("insert_batched", "limit: SQLCipher insert, 1000/txn", lim.insert_batch_per_s, "/s");
	add_row("scan", "limit: keyed scan", lim.scan_per_s, "rows/s");

	check_sections(&o, &lim, &c);
	big_ledger(path, sizeof(path), &o, &c);
	replay_section(&o, &lim, path);
	proof_section(&o, path, &c);

	print_table(&o);
	write_json(json, &o);
	bench_commission_free(&c);
	return 0;
}
