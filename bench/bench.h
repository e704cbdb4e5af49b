/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kansa-bench: shared declarations of the benchmark's files (the .c files of bench/).
 * The benchmark uses the public API (include/kansa.h) only; the raw
 * SQLCipher limits (bench/limits.c) talk to SQLCipher directly, and the
 * PostgreSQL ones (bench/pg_limits.c) to libpq and OpenSSL, because they
 * measure what the database can do without kansa.
 */
#ifndef KANSA_BENCH_H
#define KANSA_BENCH_H

#include <pthread.h>
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
	const char *pg_uri;    /* --pg or KANSA_BENCH_PG: the PostgreSQL sections' database */
	uint64_t pg_entries;   /* entries of the PostgreSQL replay ledger (big_entries / 10) */
} bench_opts;

/* Whether --only names @p section (or no --only was given). */
bool bench_wanted(const char *section);

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
	double sign_per_s;          /* Ed25519 signatures/s, one core */
	int cores;                  /* online CPUs */
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

/* ---- checks under load (bench/load.c) ---------------------------------- */

/* A limit measured in turns with a figure: adds what it did in about
 * @p seconds to *n and the time it took to *secs. */
typedef void (*bench_limit_fn)(void *arg, double seconds, uint64_t *n, double *secs);
void bench_limit_verify(void *unused, double seconds, uint64_t *n, double *secs);
void bench_limit_durable(void *raw, double seconds, uint64_t *n, double *secs); /* bench_raw */
void bench_limit_batch(void *raw, double seconds, uint64_t *n, double *secs);   /* bench_raw */

typedef struct bench_commission bench_commission;

/* Callers of kansa_check() on one ledger. */
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
	double cpu;                 /* process CPU seconds spent in loads (checks only) */
	uint64_t checks;            /* checks those seconds did */
} bench_load;

/*
 * Run @p threads callers for @p seconds in four turns with @p limit, each
 * turn first the limit, then the load, so both see the same machine.
 * Returns checks/s; *limit_out is the limit's rate over its turns.
 */
double bench_paired(bench_load *l, int threads, double seconds, bench_samples *lat,
    bench_limit_fn limit, void *arg, double *limit_out);
/* Before a load: the ledger's stats, and the CPU count reset. */
void bench_load_begin(bench_load *l, kansa_ledger_stats *before);
/* A load's row (rate, p50/p99 of @p lat, which is freed). */
struct bench_row;
struct bench_row *bench_load_row(const char *key, const char *name, double rate, bench_samples *lat);
/* A load row's note (batch, cache, CPU per check, ratio to @p first_limit). */
void bench_stats_note(struct bench_row *r, bench_load *l, const kansa_ledger_stats *before,
    double first_limit);
/* Cold checks (a new warrant each) from @p threads callers, paired with
 * Ed25519 verify / k: the row, its limit and note set (not its target). */
struct bench_row *bench_cold_row(bench_load *l, const bench_opts *o, int threads, const char *key,
    const char *name, double first_limit);

/* ---- replay in a child process (bench/replay.c) ------------------------ */

typedef struct {
	const char *key, *name;         /* the replay row */
	const char *rss_key, *rss_name; /* its peak RSS row */
} bench_replay_names;
/* The child (--replay-child DB): replays DB ("-": read from stdin), prints
 * "entries seconds findings". */
int bench_replay_child(const char *db);
/* Replay @p db in a child: its rate (ratio to @p limit, target 0.33) and
 * peak RSS (bound 64 MiB) rows. */
void bench_replay_rows(const bench_opts *o, const char *db, const bench_replay_names *nm,
    const char *limit_name, double limit);

/* ---- PostgreSQL (bench/pg.c, bench/pg_limits.c) ------------------------ */

/* The raw PostgreSQL limits, through libpq on the server of the sections. */
typedef struct {
	double insert_durable_per_s; /* one row per transaction, synchronous_commit on */
	double insert_batch_per_s;   /* 1,000 rows per transaction */
	double scan_per_s;           /* rows/s, in pages as the engine reads them */
	double aes_open_per_s;       /* AES-256-GCM opens of a sealed body/s, one core */
	double body_bytes;           /* the sealed body size the rows have */
} bench_pg_limits;

typedef struct bench_pg_raw bench_pg_raw;
/* A connection to @p uri and a scratch table shaped like entries, in a
 * schema of its own, with rows of @p body_bytes; dropped by close. */
bench_pg_raw *bench_pg_raw_open(const char *uri, size_t body_bytes);
void bench_pg_limits_measure(bench_pg_limits *out, bench_pg_raw *r, const bench_opts *o);
void bench_pg_limit_durable(void *raw, double seconds, uint64_t *n, double *secs);
void bench_pg_limit_batch(void *raw, double seconds, uint64_t *n, double *secs);
void bench_pg_raw_close(bench_pg_raw *r);
/* Empty schema @p schema of @p uri (dropped with what it held, then made
 * again), and the URI whose sessions use it (free() it). */
char *bench_pg_schema(const char *uri, const char *schema, bool reset);
/* The mean body bytes of the entries of @p schema (the sealed size). */
double bench_pg_body_bytes(const char *uri, const char *schema);
/* Does the server of @p uri answer? (false, with libpq's message on stderr) */
bool bench_pg_reachable(const char *uri);

/* Does --only name a PostgreSQL section (or is there no --only)? */
bool bench_pg_wanted(void);
/* The PostgreSQL sections: pg-limits, pg-cold, pg-warm (pg-warm1,
 * pg-warm64), pg-replay; "pg" names them all. */
void bench_pg_sections(const bench_opts *o, const bench_limits *lim, const bench_commission *c);

/* ---- a commission and its ledger (bench/commission.c) ------------------ */

struct bench_commission {
	kansa_key *members[3];       /* member-a..c */
	uint8_t *policy;             /* policy v1, signed by all three; quorum 2 for queries */
	size_t policy_len;
	kansa_secret *db_key;        /* a raw key */
	uint8_t *request;            /* a metadata-query request inside the warrants' scope */
	size_t request_len;
	char *request_json;          /* the same request in JSON (as the service's clients send it) */
};

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

typedef struct bench_row {
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
