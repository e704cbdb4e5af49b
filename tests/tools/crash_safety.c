/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Crash safety of kansa_check (design §6 "no entry, no allow"), run by
 * tests/cli/crash-safety.sh:
 *
 *   crash_safety DIR [KILLS [THREADS]]     (or $KANSA_CRASH_KILLS, ..._THREADS,
 *                                           $KANSA_CRASH_SEED, ..._MAX_MS)
 *
 * KILLS times: a child process opens the ledger DIR/l.db and runs kansa_check
 * from THREADS threads without pause (three allowed requests to one denied);
 * each thread writes every allow receipt (seq, leaf hash) to a pipe as soon
 * as kansa_check returns. The parent kills the child with SIGKILL after a
 * random 2-150 ms (up to $KANSA_CRASH_MAX_MS: longer under valgrind), then re-opens the ledger and verifies it: the chain is
 * whole (seq without gaps, prev links, recomputed leaf hashes, times never
 * going backwards), the Merkle root of kansa_ledger_get_info() is the root
 * of the leaves, and EVERY allow receipt the child ever reported is in the
 * ledger at its seq with the same leaf hash and an allow decision; and
 * kansa_ledger_audit() finds nothing (with replay, after the last kill).
 *
 * Every third round is also a power-loss round: in mid-load the child is
 * stopped (SIGSTOP), the database and its -wal (and, every other time, its
 * -shm) are copied as they are on disk at that instant, and the child goes
 * on; the copy must open and verify, and hold every receipt reported before
 * the stop.
 *
 * Prints one summary line (grepped by CI):
 *   crash-safety: kills N, power-loss copies C verified, allow receipts
 *   checked R, found F, missing M, ledger entries E verified
 * Exit status: 0 all found and verified, 1 a receipt missing or the ledger
 * broken, 99 a setup failure.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "commission.h"
#include "ledger/entry.h"
#include "ledger/ledger_impl.h"
#include "ledger/store/store.h"

typedef struct {
	uint64_t seq;
	uint8_t leaf[KANSA_HASH_LEN];
} receipt_rec; /* 40 bytes: one write() to a pipe is atomic below PIPE_BUF */

typedef struct {
	receipt_rec *r;
	size_t n, cap;
} receipts;

static commission C;
static int g_fd = -1;

/* ---- the child: load until killed ---------------------------------- */

static void *load(void *arg)
{
	kansa_ledger *lg = arg;
	kansa_receipt r;

	for (unsigned i = 0;; i++) {
		bool deny = (i & 3) == 3;
		int rc = kansa_check(&r, lg, C.warrant, C.warrant_len, deny ? C.deny_req : C.allow_req,
		    deny ? C.deny_len : C.allow_len);
		if (rc == 0 && r.verdict == KANSA_ALLOW) {
			receipt_rec rec;
			memset(&rec, 0, sizeof(rec));
			rec.seq = r.seq;
			memcpy(rec.leaf, r.leaf_hash, KANSA_HASH_LEN);
			if (write(g_fd, &rec, sizeof(rec)) != (ssize_t)sizeof(rec))
				_exit(98);
		}
	}
	return NULL;
}

static void child(int fd, int threads)
{
	kansa_ledger *lg = NULL;
	pthread_t t[64];

	g_fd = fd;
	if (kansa_ledger_open(&lg, C.db, C.dbkey, 0) != 0) {
		/* a kill during a previous open may leave the ledger busy for a moment */
		fprintf(stderr, "child: open: %s\n", kansa_error_last()->message);
		_exit(97);
	}
	for (int i = 0; i < threads; i++)
		if (pthread_create(&t[i], NULL, load, lg) != 0)
			_exit(96);
	for (;;)
		pause();
}

/* ---- the parent ------------------------------------------------------ */

static void add(receipts *rs, const receipt_rec *r)
{
	if (rs->n == rs->cap) {
		rs->cap = rs->cap ? 2 * rs->cap : 1024;
		if ((rs->r = realloc(rs->r, rs->cap * sizeof(*rs->r))) == NULL)
			exit(99);
	}
	rs->r[rs->n++] = *r;
}

/* Read whole records; with block, until EOF, else until the pipe is empty. */
static void drain(receipts *rs, int fd, bool block)
{
	static uint8_t part[sizeof(receipt_rec)];
	static size_t have;

	for (;;) {
		ssize_t n = read(fd, part + have, sizeof(part) - have);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n < 0 && errno == EAGAIN && block) {
				struct pollfd p = { fd, POLLIN, 0 };
				(void)poll(&p, 1, 100);
				continue;
			}
			if (n == 0)
				have = 0; /* a torn record at EOF cannot happen (atomic writes) */
			return;
		}
		have += (size_t)n;
		if (have == sizeof(part)) {
			receipt_rec r;
			memcpy(&r, part, sizeof(r));
			add(rs, &r);
			have = 0;
		}
	}
}

static int64_t ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Read until the deadline (ms_now() value). */
static void read_until(receipts *rs, int fd, int64_t deadline)
{
	int64_t now;

	while ((now = ms_now()) < deadline) {
		struct pollfd p = { fd, POLLIN, 0 };
		if (poll(&p, 1, (int)(deadline - now)) > 0)
			drain(rs, fd, false);
	}
}

static int copy_file(const char *from, const char *to)
{
	uint8_t buf[65536];
	int in, out, error = 0;
	ssize_t n;

	if ((in = open(from, O_RDONLY | O_CLOEXEC)) < 0)
		return errno == ENOENT ? 0 : -1; /* no -wal / -shm at this instant */
	if ((out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0) {
		close(in);
		return -1;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			error = -1;
	if (n < 0)
		error = -1;
	close(in);
	close(out);
	return error;
}

/* RFC 9162 MTH over leaves[0..n). */
static void mth(uint8_t out[KANSA_HASH_LEN], const uint8_t (*leaves)[KANSA_HASH_LEN], uint64_t n)
{
	uint8_t buf[1 + 2 * KANSA_HASH_LEN];
	uint64_t k = 1;

	if (n == 0) {
		kansa_sha256(out, NULL, 0);
		return;
	}
	if (n == 1) {
		memcpy(out, leaves[0], KANSA_HASH_LEN);
		return;
	}
	while (k * 2 < n)
		k *= 2;
	buf[0] = 1;
	mth(buf + 1, leaves, k);
	mth(buf + 1 + KANSA_HASH_LEN, leaves + k, n - k);
	kansa_sha256(out, buf, sizeof(buf));
}

static int fail(const char *path, const char *what, uint64_t seq)
{
	fprintf(stderr, "crash-safety: %s: %s (seq %llu)\n", path, what, (unsigned long long)seq);
	return -1;
}

static void on_finding(void *ctx, const kansa_audit_finding *f)
{
	fprintf(stderr, "crash-safety: %s: audit: %s at %llu: %s\n", (const char *)ctx,
	    kansa_finding_name(f->kind), (unsigned long long)f->seq, f->message);
}

/*
 * Open the ledger at @p path and verify it: kansa_ledger_audit() (with
 * @p replay also re-deciding every entry: the last round) must find nothing; the walk below collects the leaves that the
 * receipts are checked against (and re-checks chain and root on its own).
 */
static int verify(uint64_t *entries_out, size_t *found, const char *path, const receipts *rs, size_t upto,
    bool replay)
{
	kansa_ledger *lg = NULL;
	kansa_ledger_info info;
	kansa_store_iter *it = NULL;
	kansa_store_row row;
	uint8_t (*leaves)[KANSA_HASH_LEN] = NULL;
	uint8_t prev[KANSA_HASH_LEN] = { 0 }, leaf[KANSA_HASH_LEN], root[KANSA_HASH_LEN];
	bool *allowed = NULL;
	int64_t last = INT64_MIN;
	uint64_t n = 0, cap = 0;
	int rc = 0, error = 0;

	*found = 0;
	if (kansa_ledger_open(&lg, path, C.dbkey, 0) != 0) {
		fprintf(stderr, "crash-safety: %s: cannot open: %s\n", path, kansa_error_last()->message);
		return -1;
	}
	{
		kansa_audit_options opt = { replay ? KANSA_AUDIT_REPLAY : 0, on_finding, NULL, (void *)path, NULL };
		kansa_audit_summary sum;
		if (kansa_ledger_audit(&sum, lg, &opt) != 0 || sum.findings != 0) {
			error = fail(path, sum.findings ? "the audit found problems" : kansa_error_last()->message, 0);
			goto out;
		}
	}
	if (kansa_ledger_get_info(&info, lg) != 0 ||
	    kansa_store__iter_new(&it, kansa_ledger__store(lg), 0) != 0) {
		error = fail(path, kansa_error_last()->message, 0);
		goto out;
	}
	while (error == 0 && (rc = kansa_store__iter_next(&row, it)) == 1) {
		kansa_entry e;
		if (n == cap) {
			cap = cap ? 2 * cap : 4096;
			if ((leaves = realloc(leaves, cap * sizeof(*leaves))) == NULL ||
			    (allowed = realloc(allowed, cap * sizeof(*allowed))) == NULL)
				exit(99);
		}
		if (kansa_entry__decode(&e, row.body, row.body_len) != 0) {
			error = fail(path, "malformed entry", n);
			break;
		}
		kansa_merkle_leaf_hash(leaf, row.body, row.body_len);
		if (e.seq != n || row.seq != n)
			error = fail(path, "seq gap", n);
		else if (memcmp(e.prev, prev, KANSA_HASH_LEN) != 0)
			error = fail(path, "hash chain broken", n);
		else if (memcmp(leaf, row.leaf_hash, KANSA_HASH_LEN) != 0)
			error = fail(path, "leaf hash differs from the body", n);
		else if (e.time < last)
			error = fail(path, "time goes backwards", n);
		memcpy(leaves[n], leaf, KANSA_HASH_LEN);
		allowed[n] = e.kind == KANSA_ENTRY_DECISION && e.verdict == KANSA_ALLOW;
		memcpy(prev, leaf, KANSA_HASH_LEN);
		last = e.time;
		kansa_entry__dispose(&e);
		n++;
	}
	if (error == 0 && rc != 0)
		error = fail(path, kansa_error_last()->message, n);
	if (error == 0 && n != info.size)
		error = fail(path, "ledger info size differs from the entries", n);
	if (error == 0) {
		mth(root, (const uint8_t (*)[KANSA_HASH_LEN])leaves, n);
		if (memcmp(root, info.root, KANSA_HASH_LEN) != 0)
			error = fail(path, "stored Merkle root differs from the entries' root", n);
	}
	/* REQ: LEDGER-DURABLE every allow answered is a durable entry */
	for (size_t i = 0; error == 0 && i < upto; i++) {
		const receipt_rec *r = &rs->r[i];
		if (r->seq >= n)
			fprintf(stderr, "crash-safety: %s: receipt seq %llu missing (ledger has %llu)\n",
			    path, (unsigned long long)r->seq, (unsigned long long)n);
		else if (memcmp(leaves[r->seq], r->leaf, KANSA_HASH_LEN) != 0 || !allowed[r->seq])
			fprintf(stderr, "crash-safety: %s: receipt seq %llu: another entry there\n",
			    path, (unsigned long long)r->seq);
		else
			(*found)++;
	}
	*entries_out = n;
out:
	kansa_store__iter_free(it);
	kansa_ledger_close(lg);
	free(leaves);
	free(allowed);
	return error;
}

static long env_or(const char *name, long def)
{
	const char *v = getenv(name);

	return v && *v ? strtol(v, NULL, 10) : def;
}

int main(int argc, char **argv)
{
	receipts rs = { NULL, 0, 0 };
	char db[512], copy[600], from[600], to[700];
	long kills, threads, max_ms;
	unsigned seed;
	uint64_t entries = 0, checked = 0, found_total = 0, copies = 0;
	int status = 0;

	if (argc < 2 || argc > 4) {
		fprintf(stderr, "usage: crash_safety DIR [KILLS [THREADS]]\n");
		return 2;
	}
	kills = argc > 2 ? strtol(argv[2], NULL, 10) : env_or("KANSA_CRASH_KILLS", 30);
	threads = argc > 3 ? strtol(argv[3], NULL, 10) : env_or("KANSA_CRASH_THREADS", 4);
	seed = (unsigned)env_or("KANSA_CRASH_SEED", (long)time(NULL) ^ getpid());
	max_ms = env_or("KANSA_CRASH_MAX_MS", 150);
	if (kills < 1 || threads < 1 || threads > 64 || max_ms < 3 || max_ms > 600000)
		return 2;
	printf("crash-safety: seed %u (KANSA_CRASH_SEED), %ld kills, %ld threads\n", seed, kills, threads);
	fflush(stdout);
	srand(seed);
	signal(SIGPIPE, SIG_IGN);
	snprintf(db, sizeof(db), "%s/l.db", argv[1]);
	commission_make(&C, db, (int64_t)time(NULL));

	for (long k = 0; k < kills && status == 0; k++) {
		bool powerloss = k % 3 == 1, with_shm = k % 6 == 1;
		int64_t start, delay = 2 + rand() % (max_ms - 1);
		size_t copy_upto = 0, found = 0;
		int p[2], ws = 0;
		pid_t pid;

		if (pipe(p) != 0)
			return 99;
		fflush(NULL);
		if ((pid = fork()) < 0)
			return 99;
		if (pid == 0) {
			close(p[0]);
			child(p[1], (int)threads);
		}
		close(p[1]);
		fcntl(p[0], F_SETFL, O_NONBLOCK);
		start = ms_now();
		if (powerloss) {
			read_until(&rs, p[0], start + delay / 2);
			/* the files as they are on disk at one instant (power cut) */
			kill(pid, SIGSTOP);
			waitpid(pid, &ws, WUNTRACED);
			drain(&rs, p[0], false); /* every receipt written before the stop */
			copy_upto = rs.n;
			snprintf(copy, sizeof(copy), "%s/copy-%ld.db", argv[1], k);
			for (int i = 0; i < (with_shm ? 3 : 2); i++) {
				static const char *const ext[] = { "", "-wal", "-shm" };
				snprintf(from, sizeof(from), "%s%s", db, ext[i]);
				snprintf(to, sizeof(to), "%s%s", copy, ext[i]);
				if (copy_file(from, to) != 0)
					return 99;
			}
			kill(pid, SIGCONT);
		}
		read_until(&rs, p[0], start + delay);
		kill(pid, SIGKILL);
		waitpid(pid, &ws, 0);
		drain(&rs, p[0], true);
		close(p[0]);
		if (!WIFSIGNALED(ws) || WTERMSIG(ws) != SIGKILL) {
			fprintf(stderr, "crash-safety: round %ld: the child ended by itself (status %d)\n", k,
			    WIFEXITED(ws) ? WEXITSTATUS(ws) : -1);
			status = WIFEXITED(ws) && WEXITSTATUS(ws) == 97 ? 0 : 1;
			if (status)
				break;
		}
		if (verify(&entries, &found, db, &rs, rs.n, k == kills - 1) != 0 || found != rs.n)
			status = 1;
		checked = rs.n;
		found_total = found;
		if (powerloss && status == 0) {
			uint64_t ce = 0;
			size_t cf = 0;
			if (verify(&ce, &cf, copy, &rs, copy_upto, false) != 0 || cf != copy_upto) {
				fprintf(stderr, "crash-safety: power-loss copy %s: %zu of %zu receipts\n", copy, cf,
				    copy_upto);
				status = 1;
			} else {
				copies++;
			}
		}
	}
	printf("crash-safety: kills %ld, power-loss copies %llu verified, allow receipts checked %llu, "
	    "found %llu, missing %llu, ledger entries %llu verified\n", kills, (unsigned long long)copies,
	    (unsigned long long)checked, (unsigned long long)found_total,
	    (unsigned long long)(checked - found_total), (unsigned long long)entries);
	commission_free(&C);
	free(rs.r);
	return status;
}
