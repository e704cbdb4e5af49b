/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kansa-bench: kansa's figures next to the limits of the machine they run
 * on, measured in the same run (docs/performance.md):
 *
 *   1. limits: Ed25519 verify/s, SHA-256 records/s, raw SQLCipher inserts/s
 *      (per-row durable and batched), keyed scan rows/s;
 *   2. cold check (a new warrant each time, quorum k = 2), 1 and 64 callers;
 *   3. warm check, one caller, durable: checks/s, p50/p99;
 *   4. warm check, 8 and 64 threads, group commit: checks/s, p50/p99;
 *   5. replay of a 1,000,000-entry ledger: entries/s, peak RSS (a child
 *      process, so the RSS is the replay's own);
 *   6. inclusion and consistency proofs at 1,000,000 entries;
 *   7. checks through kansa serve, 1 and 64 keep-alive clients, as ratios to
 *      the in-process warm check with 1 and 64 threads (bench_service.c);
 *   8. growth: one ledger at 10k, 100k (and with --growth-1m or
 *      KANSA_BENCH_GROWTH_1M=1, 1M) entries: open, bytes per entry, proofs,
 *      audit, replay, warm check (bench/growth.c);
 *   9. each figure as a ratio to its limit, and whether its target is met.
 *
 * Usage: kansa-bench [--quick] [--data DIR] [--json FILE] [--seconds S]
 *                    [--entries N] [--growth-1m] [--only SECTIONS]
 * SECTIONS is a comma-separated list of limits, cold, warm (or warm1, warm8,
 * warm64), replay, proofs, service, growth
 * (for profiling one of them: perf record -g ./bench/kansa-bench --only warm).
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

static bool wanted(const char *section)
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
	double cpu;                 /* process CPU seconds spent in run_load (checks only) */
	uint64_t checks;            /* checks those seconds did */
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

/* Run @p threads callers for @p seconds; adds the checks done and the time
 * taken to *done and *secs, and the latencies to *lat. */
static double cpu_now(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru) != 0)
		return 0;
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	    (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e-6;
}

static void run_load(load_ctx *l, int threads, double seconds, bench_samples *lat, uint64_t *done,
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

/* What a figure is paired with (measured in turns with it). */
enum { PAIR_VERIFY, PAIR_DURABLE, PAIR_BATCH };
#define ROUNDS 4

/*
 * Run a load for @p seconds in ROUNDS turns with its limit, each turn first
 * the limit, then the load, so both see the same machine. Returns checks/s;
 * *limit_out is the paired limit (for PAIR_VERIFY: verifications/s).
 */
static double paired(load_ctx *l, int threads, double seconds, bench_samples *lat, int pair,
    bench_raw *raw, double *limit_out)
{
	uint64_t done = 0, lim_n = 0;
	double secs = 0, lim_secs = 0;

	for (int i = 0; i < ROUNDS; i++) {
		if (pair == PAIR_VERIFY)
			bench_verify_for(seconds / ROUNDS / 2, &lim_n, &lim_secs);
		else
			bench_raw_insert_for(raw, seconds / ROUNDS / 2, pair == PAIR_DURABLE ? 1 : 1000,
			    &lim_n, &lim_secs);
		run_load(l, threads, seconds / ROUNDS, lat, &done, &secs);
	}
	*limit_out = lim_secs > 0 ? (double)lim_n / lim_secs : 0;
	return secs > 0 ? (double)done / secs : 0;
}

/* The note of a load row; takes (and clears) the CPU the load's checks used. */
static void stats_note(bench_row *r, load_ctx *l, const kansa_ledger_stats *before, double first_limit)
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

static bench_row *load_row(const char *key, const char *name, double rate, bench_samples *lat)
{
	bench_row *r = bench_add_row(key, name, rate, "/s");

	r->p50 = bench_samples_pct(lat, 0.5) * 1e3;
	r->p99 = bench_samples_pct(lat, 0.99) * 1e3;
	bench_samples_free(lat);
	return r;
}

static void cold_sections(load_ctx *l, const bench_opts *o, const bench_limits *lim)
{
	kansa_ledger_stats st;
	bench_samples lat = { 0 };
	double rate, limit;
	bench_row *r;

	/*
	 * 2. cold: a new warrant for every check. One caller waits for its own
	 * commit every time (fsync-bound, like warm-1); 64 callers share commits,
	 * so the signature verifications are what is left to bound them: the
	 * target applies there (docs/performance.md).
	 */
	for (int threads = 1; threads <= 64; threads += 63) {
		size_t n = o->quick ? 40 : (threads == 1 ? 6000 : 30000);

		l->warrants = calloc(n, sizeof(*l->warrants));
		l->warrant_lens = calloc(n, sizeof(*l->warrant_lens));
		if (l->warrants == NULL || l->warrant_lens == NULL)
			bench_fail("warrants", KANSA_ENOMEM);
		for (size_t i = 0; i < n; i++)
			bench_warrant_make(&l->warrants[i], &l->warrant_lens[i], l->c);
		l->n_warrants = n;
		l->next_warrant = 0;
		(void)kansa_ledger_get_stats(&st, l->lg);
		l->cpu = 0;
		l->checks = 0;
		rate = paired(l, threads, o->seconds * 2, &lat, PAIR_VERIFY, NULL, &limit);
		r = load_row(threads == 1 ? "cold_1_caller" : "cold_64_threads",
		    threads == 1 ? "cold check (k=2), 1 caller" : "cold check (k=2), 64 threads", rate, &lat);
		r->limit_name = "verify/s / k, paired";
		r->limit = limit / 2;
		r->target = threads == 1 ? 0 : 0.8;
		stats_note(r, l, &st, lim->verify_per_s / 2);
		for (size_t i = 0; i < n; i++)
			free(l->warrants[i]);
		free(l->warrants);
		free(l->warrant_lens);
		l->warrants = NULL;
		l->warrant_lens = NULL;
	}
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
	if (wanted("cold"))
		cold_sections(&l, o, lim);
	if (!wanted("warm") && !wanted("warm1") && !wanted("warm8") && !wanted("warm64"))
		goto out;

	/* 3. warm, one caller, durable */
	bench_warrant_make((uint8_t **)&l.warrant, &l.warrant_len, c);
	{
		kansa_receipt rc;
		if ((error = kansa_check(&rc, l.lg, l.warrant, l.warrant_len, c->request,
		    c->request_len)) < 0) /* the one cold check: the cache is warm after it */
			bench_fail("check", error);
	}
	if (wanted("warm") || wanted("warm1")) {
		(void)kansa_ledger_get_stats(&st, l.lg);
		rate = paired(&l, 1, o->seconds * 2, &lat, PAIR_DURABLE, raw, &limit);
		r = load_row("warm_1_caller", "warm check, 1 caller (durable)", rate, &lat);
		r->limit_name = "durable insert/s, paired";
		r->limit = limit;
		r->target = 0.8;
		stats_note(r, &l, &st, lim->insert_durable_per_s);
	}

	/* 4. warm, 8 and 64 threads, group commit */
	for (int i = 0; i < 2; i++) {
		if (!wanted("warm") && !wanted(i ? "warm64" : "warm8"))
			continue;
		(void)kansa_ledger_get_stats(&st, l.lg);
		rate = paired(&l, counts[i], o->seconds * 2, &lat, PAIR_BATCH, raw, &limit);
		r = load_row(keys[i], names[i], rate, &lat);
		r->limit_name = "batched insert/s, paired";
		r->limit = limit;
		r->target = counts[i] == 64 ? 0.5 : 0;
		stats_note(r, &l, &st, lim->insert_batch_per_s);
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

/* The child: replay the ledger and print "entries seconds findings". */
static int replay_child(const char *path)
{
	kansa_audit_options opt = { KANSA_AUDIT_REPLAY, NULL, NULL, NULL, NULL };
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
	double secs = 0, combined = lim->scan_per_s > 0 && lim->sha_per_s > 0 ?
	    1 / (1 / lim->scan_per_s + 1 / lim->sha_per_s) : 0;
	struct rusage ru;
	char buf[256] = "";
	int pfd[2], status = 0;
	pid_t pid;
	ssize_t got;
	bench_row *r, *m;

	r = bench_add_row("replay", size_label("replay, ", o->big_entries, " entries"), 0, "/s");
	r->limit_name = "1/(1/scan + 1/sha)";
	r->limit = combined;
	r->target = 0.33;
	m = bench_add_row("replay_peak_rss", "replay peak RSS", 0, "MiB");
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
	bench_opts o = { false, 2.0, 1000000, "bench/data", argv[0], false };
	const char *g1m = getenv("KANSA_BENCH_GROWTH_1M");
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
		} else if (strcmp(argv[i], "--entries") == 0 && i + 1 < argc) {
			o.big_entries = strtoull(argv[++i], NULL, 10);
		} else if (strcmp(argv[i], "--growth-1m") == 0) {
			o.growth_1m = true;
		} else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc) {
			only = argv[++i];
		} else {
			fprintf(stderr, "usage: kansa-bench [--quick] [--data DIR] [--json FILE] [--seconds S]"
			    " [--entries N] [--growth-1m] [--only limits,cold,warm,replay,proofs,service,growth]\n");
			return 2;
		}
	}
	if (g1m != NULL && strcmp(g1m, "1") == 0)
		o.growth_1m = true;
	if (o.seconds <= 0)
		o.seconds = 0.2;
	if (o.big_entries < 2)
		o.big_entries = 2;
	(void)mkdir(o.data_dir, 0700);
	bench_commission_make(&c);

	memset(&lim, 0, sizeof(lim));
	if (wanted("limits") || wanted("growth")) /* growth's ratios need all of them */
		bench_limits_measure(&lim, &o, o.data_dir);
	else /* ratios need limits: without them, compare with nothing */
		memset(&lim, 0, sizeof(lim));
	bench_add_row("ed25519_verify", "limit: Ed25519 verify", lim.verify_per_s, "/s");
	bench_add_row("sha256_600", "limit: SHA-256 600-byte records", lim.sha_per_s, "/s");
	bench_add_row("insert_durable", "limit: SQLCipher insert, durable", lim.insert_durable_per_s, "/s");
	bench_add_row("insert_batched", "limit: SQLCipher insert, 1000/txn", lim.insert_batch_per_s, "/s");
	bench_add_row("scan", "limit: keyed scan", lim.scan_per_s, "rows/s");
	bench_add_row("raw_bytes_per_row", "limit: SQLCipher bytes/600-B row", lim.bytes_per_row, "B");
	bench_add_row("raw_open_cold", "limit: SQLCipher open+read, cold", lim.open_s * 1e3, "ms");

	if (wanted("cold") || wanted("warm") || wanted("warm1") || wanted("warm8") || wanted("warm64"))
		check_sections(&o, &lim, &c);
	if (wanted("replay") || wanted("proofs"))
		big_ledger(path, sizeof(path), &o, &c);
	if (wanted("replay"))
		replay_section(&o, &lim, path);
	if (wanted("proofs"))
		proof_section(&o, path, &c);
	if (wanted("service"))
		bench_service_section(&o, &c);
	if (wanted("growth"))
		bench_growth_section(&o, &lim, &c);

	bench_print_table(&o);
	bench_write_json(json, &o);
	bench_commission_free(&c);
	return 0;
}
