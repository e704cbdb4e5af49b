/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kansa-bench: the replay of a ledger (kansa_ledger_audit with
 * KANSA_AUDIT_REPLAY) in a child process of its own, so that its peak RSS
 * is the replay's alone. The child is this program with --replay-child DB;
 * with DB "-" it reads the database (a postgresql:// URI, which may hold a
 * password) from its standard input instead of its argv.
 */
#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench/bench.h"

/* kansa_ledger_audit arrives with the audit work: until then it is not in
 * the library, and the replay rows say so instead of failing to link. */
#pragma weak kansa_ledger_audit

extern char **environ;

/* The database named on stdin (one line), for --replay-child -. */
static char *db_from_stdin(void)
{
	static char buf[4096];
	size_t n;

	if (fgets(buf, sizeof(buf), stdin) == NULL)
		return NULL;
	n = strcspn(buf, "\r\n");
	buf[n] = '\0';
	return n > 0 ? buf : NULL;
}

int bench_replay_child(const char *db)
{
	kansa_audit_options opt = { KANSA_AUDIT_REPLAY, NULL, NULL, NULL, NULL };
	kansa_audit_summary sum;
	kansa_secret *key = NULL;
	kansa_ledger *lg = NULL;
	double t0;
	int error;

	if (kansa_ledger_audit == NULL)
		return 3;
	if (strcmp(db, "-") == 0 && (db = db_from_stdin()) == NULL) {
		fprintf(stderr, "kansa-bench: --replay-child -: no database on standard input\n");
		return 2;
	}
	if ((error = kansa_secret_from(&key, BENCH_DB_KEY, strlen(BENCH_DB_KEY))) < 0 ||
	    (error = kansa_ledger_open(&lg, db, key, KANSA_LEDGER_READONLY)) < 0)
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

/* Write @p db to @p fd (the child's stdin) and close it. */
static void send_db(int fd, const char *db)
{
	size_t len = strlen(db), off = 0;

	while (off < len) {
		ssize_t n = write(fd, db + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break; /* the child failed: its status says so */
		off += (size_t)n;
	}
	if (off == len)
		(void)!write(fd, "\n", 1);
	close(fd);
}

/* Run the child on @p db; true with its figures, false (and *status) if it failed. */
static bool run_child(const bench_opts *o, const char *db, bool via_stdin, unsigned long long *entries,
    double *secs, unsigned long long *findings, double *rss_mib, int *status)
{
	char *argv[] = { (char *)(uintptr_t)o->self, (char *)"--replay-child",
	    (char *)(uintptr_t)(via_stdin ? "-" : db), NULL };
	posix_spawn_file_actions_t fa;
	struct rusage ru;
	char buf[256] = "";
	int out[2], in[2] = { -1, -1 };
	pid_t pid;
	ssize_t got;

	if (pipe(out) != 0 || (via_stdin && pipe(in) != 0))
		bench_fail("pipe", KANSA_EIO);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, out[1], 1);
	posix_spawn_file_actions_addclose(&fa, out[0]);
	if (via_stdin) {
		posix_spawn_file_actions_adddup2(&fa, in[0], 0);
		posix_spawn_file_actions_addclose(&fa, in[1]);
	}
	if (posix_spawn(&pid, o->self, &fa, NULL, argv, environ) != 0)
		bench_fail("spawn replay", KANSA_ERROR);
	posix_spawn_file_actions_destroy(&fa);
	close(out[1]);
	if (via_stdin) {
		close(in[0]);
		send_db(in[1], db);
	}
	got = read(out[0], buf, sizeof(buf) - 1);
	buf[got > 0 ? got : 0] = '\0';
	close(out[0]);
	*status = 0;
	if (wait4(pid, status, 0, &ru) < 0 || !WIFEXITED(*status) || WEXITSTATUS(*status) != 0 ||
	    sscanf(buf, "%llu %lf %llu", entries, secs, findings) != 3 || *secs <= 0)
		return false;
	*rss_mib = (double)ru.ru_maxrss / 1024.0; /* KiB */
	return true;
}

void bench_replay_rows(const bench_opts *o, const char *db, const bench_replay_names *nm,
    const char *limit_name, double limit)
{
	unsigned long long entries = 0, findings = 0;
	double secs = 0, rss = 0;
	int status = 0;
	bench_row *r, *m;

	r = bench_add_row(nm->key, nm->name, 0, "/s");
	r->limit_name = limit_name;
	r->limit = limit;
	r->target = 0.33;
	m = bench_add_row(nm->rss_key, nm->rss_name, 0, "MiB");
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
	if (!run_child(o, db, strncmp(db, "postgres", 8) == 0, &entries, &secs, &findings, &rss,
	    &status)) {
		r->na = m->na = true;
		snprintf(r->note, sizeof(r->note), "replay failed (status %d)", status);
		return;
	}
	r->value = (double)entries / secs;
	m->value = rss;
	snprintf(r->note, sizeof(r->note), "%llu entries in %.1f s, %llu findings", entries, secs,
	    findings);
}
