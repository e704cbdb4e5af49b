/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kansa-bench: shared declarations of the benchmark's files (the .c files of bench/).
 * The benchmark uses the public API (include/kansa.h) only; the raw
 * SQLCipher limits (bench/limits.c) talk to SQLCipher directly because
 * they measure what the database can do without kansa.
 */
#ifndef KANSA_BENCH_H
#define KANSA_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kansa.h"

/* How long and how much: full runs and the --quick smoke run. */
typedef struct {
	bool quick;            /* --quick: tiny counts, for make check */
	double seconds;        /* time per timed section */
	uint64_t big_entries;  /* entries of the replay/proof ledger (1,000,000) */
	const char *data_dir;  /* where generated ledgers are kept (--data) */
	const char *self;      /* argv[0], to start the replay child */
	bool growth_1m;        /* --growth-1m: the growth section also at 1,000,000 entries */
} bench_opts;

/* Monotonic time in seconds. */
double bench_now(void);

/* Latency samples (seconds) and their percentiles. */
typedef struct {
	double *v;   /* samples */
	size_t n;    /* used */
	size_t cap;  /* allocated */
} bench_samples;
void bench_samples_add(bench_samples *s, double x);
void bench_samples_merge(bench_samples *into, const bench_samples *from);
double bench_samples_pct(bench_samples *s, double p); /* sorts; p in [0, 1] */
void bench_samples_free(bench_samples *s);

/* Die with a message (the benchmark is a program: it may exit). */
void bench_fail(const char *what, int error) __attribute__((noreturn));

/* ---- limits (bench/limits.c) ------------------------------------------- */

typedef struct {
	double verify_per_s;        /* Ed25519 verifications/s, one core */
	double sha_per_s;           /* SHA-256 over 600-byte records/s */
	double insert_durable_per_s;/* SQLCipher 600-byte rows, one fsync'd txn per row */
	double insert_batch_per_s;  /* the same in txns of 1,000 rows */
	double scan_per_s;          /* keyed sequential scan, rows/s */
	double bytes_per_row;       /* the scanned database's file bytes per 600-byte row */
	double open_s;              /* open + key + one keyed read of it, pages not cached */
} bench_limits;

void bench_limits_measure(bench_limits *out, const bench_opts *o, const char *dir);

/*
 * Paired measurements: on a shared machine the limits move from one second
 * to the next, so a figure is also compared with its limit measured in
 * turns with it (the counts and seconds are added to the outputs).
 */
typedef struct bench_raw bench_raw;
bench_raw *bench_raw_open(const char *dir);
void bench_raw_insert_for(bench_raw *r, double seconds, uint64_t per_txn, uint64_t *rows,
    double *secs);
void bench_raw_close(bench_raw *r);
void bench_verify_for(double seconds, uint64_t *n, double *secs);

/* ---- a commission and its ledger (bench/commission.c) ------------------ */

typedef struct {
	kansa_key *members[3];       /* member-a..c */
	uint8_t *policy;             /* policy v1, signed by all three; quorum 2 for queries */
	size_t policy_len;
	kansa_secret *db_key;        /* a raw key */
	uint8_t *request;            /* a metadata-query request inside the warrants' scope */
	size_t request_len;
	char *request_json;          /* the same request in JSON (as the service's clients send it) */
} bench_commission;

void bench_commission_make(bench_commission *c);
void bench_commission_free(bench_commission *c);
/* A new warrant (fresh cti) signed by members a and b (k = 2); free() it. */
void bench_warrant_make(uint8_t **out, size_t *len, const bench_commission *c);
/* Create a ledger at @p path (removing an old one). */
void bench_ledger_create(const bench_commission *c, const char *path);
/* Fill a ledger with @p n entries (checks from @p threads threads, a few
 * warrants, some denials), for replay and proofs. */
void bench_ledger_fill(const bench_commission *c, const char *path, uint64_t n, int threads);
/* The benchmark's fixed raw database key (its ledgers hold no secrets). */
#define BENCH_DB_KEY "6b616e73612d62656e63682d6b65792d6b616e73612d62656e63682d6b657921"

/* ---- the service (bench/bench_service.c) ------------------------------ */

/* Checks/s through kansa serve with 1 and 64 keep-alive clients, against
 * the in-process warm check with 1 and 64 threads measured in the same run. */
void bench_service_section(const bench_opts *o, const bench_commission *c);

/* ---- growth (bench/growth.c) ------------------------------------------ */

/* One ledger grown to 10k, 100k (and with o->growth_1m 1M) entries through
 * kansa_check(); at each size open, size per entry, proofs, audit, replay
 * and the warm check, as ratios to limits (measured here if *lim is empty). */
void bench_growth_section(const bench_opts *o, bench_limits *lim, const bench_commission *c);

/* ---- the table (bench/report.c) ------------------------------------- */

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
	char note[128];        /* why not, or what else to know */
} bench_row;

/* A new row of the table (at most 64). */
bench_row *bench_add_row(const char *key, const char *name, double value, const char *unit);
/* The table on stdout, and as JSON in @p file. */
void bench_print_table(const bench_opts *o);
void bench_write_json(const char *file, const bench_opts *o);

#endif
