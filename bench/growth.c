/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Growth (section 8 of kansa-bench): one ledger grown through the real
 * kansa_check() path (64 threads sharing group commits, as
 * bench_ledger_fill() makes every ledger) to 10,000 and 100,000 entries,
 * and 1,000,000 with --growth-1m (or KANSA_BENCH_GROWTH_1M=1), measured at
 * each size:
 *
 *   open (cold: the file's pages dropped from the page cache first),
 *   file size per entry, and with the file back in the page cache:
 *   inclusion, consistency and receipt proofs,
 *   audit (chain, leaf hashes, Merkle tree) and replay throughput, and the
 *   warm check with one caller (paired with raw durable inserts).
 *
 * Each figure is a ratio to a limit measured in the same run; what a proof
 * costs is compared with ceil(log2 n) keyed reads and hashes, so a ratio that
 * stays flat while n grows a hundredfold says the cost is O(log n). The row
 * of the largest size carries the growth of the figure since the smallest.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench/bench.h"

#define MAX_SIZES 3
#define RECEIPTS 16

/* Row keys and labels live as long as the table. */
static char labels[MAX_SIZES * 10][2][64];
static size_t n_labels;

static bench_row *row(const char *size, const char *key, const char *name, double value,
    const char *unit)
{
	char (*l)[64];

	if (n_labels == sizeof(labels) / sizeof(labels[0]))
		bench_fail("too many growth rows", KANSA_ELIMIT);
	l = labels[n_labels++];
	snprintf(l[0], sizeof(l[0]), "growth_%s_%s", size, key);
	snprintf(l[1], sizeof(l[1]), "growth %s: %s", size, name);
	return bench_add_row(l[0], l[1], value, unit);
}

static void size_name(char *out, size_t len, uint64_t n)
{
	if (n % 1000000 == 0)
		snprintf(out, len, "%lluM", (unsigned long long)(n / 1000000));
	else if (n % 1000 == 0)
		snprintf(out, len, "%lluk", (unsigned long long)(n / 1000));
	else
		snprintf(out, len, "%llu", (unsigned long long)n);
}

/* Drop the ledger's pages from the page cache (written back first): the
 * next open reads them from the disk. Best effort: a file that is not there
 * (no WAL) is skipped. */
static void drop_cache(const char *path)
{
	static const char *const sfx[] = { "", "-wal" };
	char p[4200];

	for (size_t i = 0; i < sizeof(sfx) / sizeof(sfx[0]); i++) {
		int fd;

		snprintf(p, sizeof(p), "%s%s", path, sfx[i]);
		if ((fd = open(p, O_RDONLY)) < 0)
			continue;
		(void)fdatasync(fd);
		(void)posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
		close(fd);
	}
}

/* Read the ledger's files once, so that what follows finds them in the page
 * cache, as a long-running service does (SQLite's own cache stays 2 MB). */
static void warm_cache(const char *path)
{
	static const char *const sfx[] = { "", "-wal" };
	static char buf[1 << 20];
	char p[4200];

	for (size_t i = 0; i < sizeof(sfx) / sizeof(sfx[0]); i++) {
		int fd;

		snprintf(p, sizeof(p), "%s%s", path, sfx[i]);
		if ((fd = open(p, O_RDONLY)) < 0)
			continue;
		while (read(fd, buf, sizeof(buf)) > 0)
			;
		close(fd);
	}
}

static double file_bytes(const char *path)
{
	char p[4200];
	struct stat sb;
	double total = 0;

	if (stat(path, &sb) == 0)
		total += (double)sb.st_size;
	snprintf(p, sizeof(p), "%s-wal", path);
	if (stat(p, &sb) == 0)
		total += (double)sb.st_size;
	return total;
}

/* ceil(log2 n): the levels of a proof in a tree of n leaves. */
static double levels_of(uint64_t n)
{
	double k = 0;

	while (n > 1) {
		n = (n + 1) / 2;
		k++;
	}
	return k;
}

static uint64_t next_rand(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/* What the figures at one size are compared with. */
typedef struct {
	double level_s;   /* one level of a proof: a keyed read and a hash */
	double replay_s;  /* one entry of an audit: a scanned row and a hash */
	double sig_s;     /* one Ed25519 operation */
} growth_limits;

/* The figures of one size, kept for the growth notes of the largest. */
typedef struct {
	uint64_t n;
	double v[8];
	bench_row *r[8];
} growth_point;

enum { G_OPEN, G_BYTES, G_INCL, G_CONS, G_RECEIPT, G_AUDIT, G_REPLAY, G_CHECK, G_N };

static double open_cold(const char *path, const bench_commission *c, kansa_ledger **lg)
{
	double best = 0;

	for (int i = 0; i < 3; i++) {
		double t0;
		int error;

		drop_cache(path);
		t0 = bench_now();
		if ((error = kansa_ledger_open(lg, path, c->db_key, 0)) < 0)
			bench_fail("growth open", error);
		t0 = bench_now() - t0;
		best = i == 0 || t0 < best ? t0 : best;
		if (i < 2)
			kansa_ledger_close(*lg);
	}
	return best;
}

static double proofs(kansa_ledger *lg, uint64_t n, double seconds, bool consistency)
{
	kansa_merkle_proof p;
	uint8_t a[KANSA_HASH_LEN], b[KANSA_HASH_LEN];
	uint64_t done = 0, x = 0x9e3779b97f4a7c15ull;
	double t0 = bench_now(), t;
	int error;

	do {
		if (consistency)
			error = kansa_ledger_prove_consistency(&p, a, b, lg, 1 + next_rand(&x) % n, 0);
		else
			error = kansa_ledger_prove_inclusion(&p, a, b, lg, next_rand(&x) % n, 0);
		if (error < 0)
			bench_fail(consistency ? "growth consistency proof" : "growth inclusion proof", error);
		done++;
	} while ((t = bench_now() - t0) < seconds);
	return t / (double)done;
}

/* Seconds per proven receipt, over RECEIPTS receipts of random entries. */
static double receipt_proofs(kansa_ledger *lg, uint64_t n, double seconds)
{
	uint8_t *rc[RECEIPTS];
	size_t rc_len[RECEIPTS];
	char *note = NULL;
	uint64_t done = 0, x = 0x2545f4914f6cdd1dull;
	double t0, t;
	int error;

	if ((error = kansa_ledger_checkpoint(&note, NULL, lg)) < 0)
		bench_fail("growth checkpoint", error);
	free(note);
	for (int i = 0; i < RECEIPTS; i++)
		if ((error = kansa_ledger_receipt(&rc[i], &rc_len[i], lg, 1 + next_rand(&x) % (n - 1))) < 0)
			bench_fail("growth receipt", error);
	t0 = bench_now();
	do {
		uint8_t *proven = NULL;
		size_t len = 0;

		if ((error = kansa_ledger_prove_receipt(&proven, &len, lg, rc[done % RECEIPTS],
		    rc_len[done % RECEIPTS], NULL, 0)) < 0)
			bench_fail("growth receipt proof", error);
		free(proven);
		done++;
	} while ((t = bench_now() - t0) < seconds);
	for (int i = 0; i < RECEIPTS; i++)
		free(rc[i]);
	return t / (double)done;
}

static double audit_rate(kansa_ledger *lg, int flags, uint64_t *findings)
{
	kansa_audit_options opt = { flags, NULL, NULL, NULL, NULL };
	kansa_audit_summary sum;
	double t0 = bench_now();
	int error;

	if ((error = kansa_ledger_audit(&sum, lg, &opt)) < 0)
		bench_fail("growth audit", error);
	t0 = bench_now() - t0;
	*findings += sum.findings;
	return t0 > 0 ? (double)sum.entries / t0 : 0;
}

/* Warm checks, one caller, in two turns with raw durable inserts. */
static double warm_checks(kansa_ledger *lg, const bench_commission *c, const uint8_t *w, size_t wlen,
    bench_raw *raw, double seconds, bench_samples *lat, double *limit)
{
	uint64_t done = 0, lim_n = 0;
	double secs = 0, lim_secs = 0;

	{
		kansa_receipt r; /* untimed: a new handle's cache is empty */
		int error = kansa_check(&r, lg, w, wlen, c->request, c->request_len);
		if (error < 0)
			bench_fail("growth check", error);
	}
	for (int round = 0; round < 2; round++) {
		double t0, t;

		bench_raw_insert_for(raw, seconds / 4, 1, &lim_n, &lim_secs);
		t0 = bench_now();
		do {
			kansa_receipt r;
			double c0 = bench_now();
			int error;

			if ((error = kansa_check(&r, lg, w, wlen, c->request, c->request_len)) < 0)
				bench_fail("growth check", error);
			if (r.verdict != KANSA_ALLOW)
				bench_fail("growth check denied", KANSA_ERROR);
			bench_samples_add(lat, bench_now() - c0);
			done++;
		} while ((t = bench_now() - t0) < seconds / 2);
		secs += t;
	}
	*limit = lim_secs > 0 ? (double)lim_n / lim_secs : 0;
	return secs > 0 ? (double)done / secs : 0;
}

static void measure(growth_point *g, const char *path, const bench_opts *o, const bench_limits *lim,
    const growth_limits *gl, const bench_commission *c, bench_raw *raw, const uint8_t *w, size_t wlen)
{
	char sz[24];
	double levels = levels_of(g->n), limit = 0;
	bench_samples lat = { 0 };
	uint64_t findings = 0;
	kansa_ledger *lg = NULL;
	bench_row *r;

	size_name(sz, sizeof(sz), g->n);
	g->v[G_BYTES] = file_bytes(path) / (double)g->n;
	g->v[G_OPEN] = open_cold(path, c, &lg) * 1e3;
	warm_cache(path);
	g->v[G_INCL] = proofs(lg, g->n, o->seconds / 2, false) * 1e3;
	g->v[G_CONS] = proofs(lg, g->n, o->seconds / 2, true) * 1e3;
	g->v[G_RECEIPT] = receipt_proofs(lg, g->n, o->seconds / 2) * 1e3;
	g->v[G_AUDIT] = audit_rate(lg, 0, &findings);
	g->v[G_REPLAY] = audit_rate(lg, KANSA_AUDIT_REPLAY, &findings);
	g->v[G_CHECK] = warm_checks(lg, c, w, wlen, raw, o->seconds, &lat, &limit);
	kansa_ledger_close(lg);

	r = g->r[G_OPEN] = row(sz, "open_cold", "open (cold)", g->v[G_OPEN], "ms");
	r->limit_name = "raw open + read, cold";
	r->limit = lim->open_s * 1e3;
	r = g->r[G_BYTES] = row(sz, "bytes_per_entry", "file bytes per entry", g->v[G_BYTES], "B");
	r->limit_name = "raw 600-byte row";
	r->limit = lim->bytes_per_row;
	r = g->r[G_INCL] = row(sz, "inclusion_proof", "inclusion proof", g->v[G_INCL], "ms");
	r->limit_name = "log2(n) x (read+hash)";
	r->limit = levels * gl->level_s * 1e3;
	r = g->r[G_CONS] = row(sz, "consistency_proof", "consistency proof", g->v[G_CONS], "ms");
	r->limit_name = "log2(n) x (read+hash)";
	r->limit = levels * gl->level_s * 1e3;
	r = g->r[G_RECEIPT] = row(sz, "receipt_proof", "receipt proof", g->v[G_RECEIPT], "ms");
	r->limit_name = "2 Ed25519 + log2(n)";
	r->limit = (2 * gl->sig_s + levels * gl->level_s) * 1e3;
	r = g->r[G_AUDIT] = row(sz, "audit", "audit (no replay)", g->v[G_AUDIT], "/s");
	r->limit_name = "1/(1/scan + 1/sha)";
	r->limit = gl->replay_s > 0 ? 1 / gl->replay_s : 0;
	r = g->r[G_REPLAY] = row(sz, "replay", "replay", g->v[G_REPLAY], "/s");
	r->limit_name = "1/(1/scan + 1/sha)";
	r->limit = gl->replay_s > 0 ? 1 / gl->replay_s : 0;
	snprintf(r->note, sizeof(r->note), "%llu findings (audit and replay)",
	    (unsigned long long)findings);
	r = g->r[G_CHECK] = row(sz, "warm_check", "warm check, 1 caller", g->v[G_CHECK], "/s");
	r->p50 = bench_samples_pct(&lat, 0.5) * 1e3;
	r->p99 = bench_samples_pct(&lat, 0.99) * 1e3;
	r->limit_name = "durable insert/s, paired";
	r->limit = limit;
	bench_samples_free(&lat);
	if (findings != 0)
		bench_fail("growth: the audit found problems in a ledger kansa_check made", KANSA_EVERIFY);
}

/* On the largest size's rows: the figure's growth since the smallest size,
 * next to the growth of log2(n) (per-operation costs) or of 1 (rates). */
static void growth_notes(const growth_point *first, const growth_point *last)
{
	double logs = levels_of(last->n) / levels_of(first->n);

	for (int k = 0; k < G_N; k++) {
		bench_row *r = last->r[k];
		size_t used = strlen(r->note);
		double g = first->v[k] > 0 ? last->v[k] / first->v[k] : 0;

		snprintf(r->note + used, sizeof(r->note) - used, "%sx%.2f for n x%.0f (log2 n x%.2f)",
		    used ? "; " : "", g, (double)last->n / (double)first->n, logs);
	}
}

void bench_growth_section(const bench_opts *o, bench_limits *lim, const bench_commission *c)
{
	uint64_t sizes[MAX_SIZES] = { 10000, 100000, 1000000 };
	size_t n_sizes = o->growth_1m ? 3 : 2;
	growth_point g[MAX_SIZES];
	growth_limits gl;
	kansa_ledger *lg = NULL;
	kansa_ledger_info info;
	char path[4096];
	uint8_t *w = NULL;
	size_t wlen = 0;
	uint64_t have = 1; /* the first policy's entry */
	bench_raw *raw;
	int error;

	if (o->quick) {
		sizes[0] = 200;
		sizes[1] = 2000;
		n_sizes = 2;
	}
	if (lim->scan_per_s <= 0) /* --only growth: the ratios still need their limits */
		bench_limits_measure(lim, o, o->data_dir);
	gl.level_s = 1 / lim->scan_per_s + 1 / lim->sha_per_s;
	gl.replay_s = gl.level_s;
	gl.sig_s = 1 / lim->verify_per_s;
	snprintf(path, sizeof(path), "%s/growth.db", o->data_dir);
	bench_ledger_create(c, path);
	bench_warrant_make(&w, &wlen, c);
	raw = bench_raw_open(o->data_dir);
	memset(g, 0, sizeof(g));
	for (size_t i = 0; i < n_sizes; i++) {
		double t0 = bench_now();

		if (sizes[i] > have)
			bench_ledger_fill(c, path, sizes[i] - have, 64);
		if ((error = kansa_ledger_open(&lg, path, c->db_key, KANSA_LEDGER_READONLY)) < 0 ||
		    (error = kansa_ledger_get_info(&info, lg)) < 0)
			bench_fail("growth info", error);
		kansa_ledger_close(lg);
		fprintf(stderr, "kansa-bench: growth ledger at %llu entries (filled in %.1f s)\n",
		    (unsigned long long)info.size, bench_now() - t0);
		g[i].n = info.size;
		measure(&g[i], path, o, lim, &gl, c, raw, w, wlen);
		if ((error = kansa_ledger_open(&lg, path, c->db_key, KANSA_LEDGER_READONLY)) < 0 ||
		    (error = kansa_ledger_get_info(&info, lg)) < 0)
			bench_fail("growth info", error);
		kansa_ledger_close(lg);
		have = info.size; /* the checks just measured are entries too */
	}
	growth_notes(&g[0], &g[n_sizes - 1]);
	bench_raw_close(raw);
	free(w);
}
