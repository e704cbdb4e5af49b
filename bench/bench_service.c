/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kansa-bench, section 7: checks through kansa serve (design §10). The
 * server runs in this process (kansa_serve() on its own thread, on a
 * loopback port it picks, stopped with SIGTERM as an operator stops it); the
 * clients are kansa_client handles, one per thread, each keeping its TLS
 * connection alive. Each figure is compared with the in-process warm check
 * (kansa_check_as(), the call the service makes) with as many threads,
 * measured on the same ledger in turns with it: the ratio is what the
 * network, TLS, HTTP and JSON cost. The certificates are made with the openssl
 * program in the data directory.
 */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench/bench.h"

typedef struct {
	const bench_commission *c;
	kansa_ledger *lg;           /* in process; NULL: through the service */
	const char *url, *dir;
	const uint8_t *warrant;
	size_t warrant_len;
	double seconds;
	pthread_barrier_t *start;   /* after each caller's first check (its TLS handshake) */
	uint64_t done;
	bench_samples lat;
} caller;

static int one_check(caller *k, kansa_client *cl, kansa_receipt *r)
{
	return cl ? kansa_client_check(r, cl, k->warrant, k->warrant_len, k->c->request_json,
	    strlen(k->c->request_json)) : kansa_check_as(r, k->lg, "npa-cyber-3", k->warrant,
	    k->warrant_len, k->c->request, k->c->request_len);
}

static void *caller_run(void *arg)
{
	caller *k = arg;
	kansa_client *cl = NULL;
	char cert[4200], key[4200], ca[4200];
	kansa_receipt r;
	int error;

	if (k->lg == NULL) {
		snprintf(cert, sizeof(cert), "%s/unit.pem", k->dir);
		snprintf(key, sizeof(key), "%s/unit.key", k->dir);
		snprintf(ca, sizeof(ca), "%s/ca.pem", k->dir);
		if ((error = kansa_client_open(&cl, k->url, cert, key, ca)) < 0)
			bench_fail("client open", error);
	}
	/* not timed: the connection and its TLS handshake */
	if ((error = one_check(k, cl, &r)) < 0)
		bench_fail(cl ? "check through the service" : "check", error);
	pthread_barrier_wait(k->start);
	for (double until = bench_now() + k->seconds; bench_now() < until;) {
		double t0 = bench_now();

		if ((error = one_check(k, cl, &r)) < 0)
			bench_fail(cl ? "check through the service" : "check", error);
		if (r.verdict != KANSA_ALLOW) {
			fprintf(stderr, "kansa-bench: service check denied: %s\n", r.detail);
			exit(5);
		}
		bench_samples_add(&k->lat, bench_now() - t0);
		k->done++;
	}
	kansa_client_close(cl);
	return NULL;
}

/* @p n callers for @p seconds: checks/s, latencies into *lat. */
static double run_callers(const caller *proto, int n, double seconds, bench_samples *lat)
{
	caller *k = calloc((size_t)n, sizeof(*k));
	pthread_t *id = calloc((size_t)n, sizeof(*id));
	pthread_barrier_t start;
	uint64_t done = 0;
	double t0;

	if (k == NULL || id == NULL || pthread_barrier_init(&start, NULL, (unsigned)n + 1) != 0)
		bench_fail("callers", KANSA_ENOMEM);
	for (int i = 0; i < n; i++) {
		k[i] = *proto;
		k[i].seconds = seconds;
		k[i].start = &start;
		if (pthread_create(&id[i], NULL, caller_run, &k[i]) != 0)
			bench_fail("pthread_create", KANSA_ERROR);
	}
	pthread_barrier_wait(&start); /* every caller connected */
	t0 = bench_now();
	for (int i = 0; i < n; i++) {
		pthread_join(id[i], NULL);
		done += k[i].done;
		bench_samples_merge(lat, &k[i].lat);
		bench_samples_free(&k[i].lat);
	}
	t0 = bench_now() - t0;
	pthread_barrier_destroy(&start);
	free(k);
	free(id);
	return t0 > 0 ? (double)done / t0 : 0;
}

/* A CA, the server's certificate for 127.0.0.1 and the unit's, in @p dir. */
static void make_certs(const char *dir)
{
	char cmd[8192];

	snprintf(cmd, sizeof(cmd),
	    "cd '%s' && exec >openssl.log 2>&1 && "
	    "k() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out $1.key &&"
	    " chmod 600 $1.key; } && "
	    "c() { k $1 && openssl req -new -key $1.key -subj $2 -out $1.csr && echo \"$3\" > $1.ext &&"
	    " openssl x509 -req -in $1.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2"
	    " -extfile $1.ext -out $1.pem; } && "
	    "k ca && openssl req -x509 -new -key ca.key -out ca.pem -days 2 -subj /CN=bench-ca && "
	    "c server /CN=localhost subjectAltName=IP:127.0.0.1 && "
	    "c unit /CN=npa-cyber-3 basicConstraints=CA:FALSE",
	    dir);
	if (system(cmd) != 0)
		bench_fail("openssl: making the certificates (see openssl.log in the data directory)",
		    KANSA_ERROR);
}

typedef struct {
	kansa_ledger *lg;
	kansa_serve_options opt;
	atomic_uint port;
	atomic_int state;   /* 0 running, 1 returned */
	int error;
} server_run;

static void on_event(void *ctx, const char *line)
{
	server_run *s = ctx;
	unsigned port;

	if (sscanf(line, "listening on https://127.0.0.1:%u", &port) == 1)
		atomic_store(&s->port, port);
}

static void *server_main(void *arg)
{
	server_run *s = arg;

	s->error = kansa_serve(s->lg, &s->opt);
	atomic_store(&s->state, 1);
	return NULL;
}

#define ROUNDS 4

/* @p n callers in process, then as many through the service, in ROUNDS
 * turns, so that both see the same machine (its fsyncs drift by the minute). */
static void service_rows(const caller *inproc, const caller *remote, int n, double seconds)
{
	bench_samples lat = { 0 }, local_lat = { 0 };
	double local = 0, rate = 0, local_p50;
	bench_row *r;

	for (int i = 0; i < ROUNDS; i++) {
		local += run_callers(inproc, n, seconds / ROUNDS, &local_lat) / ROUNDS;
		rate += run_callers(remote, n, seconds / ROUNDS, &lat) / ROUNDS;
	}
	local_p50 = bench_samples_pct(&local_lat, 0.5) * 1e3;
	bench_samples_free(&local_lat);
	r = bench_add_row(n == 1 ? "service_1_client" : "service_64_clients",
	    n == 1 ? "service check, 1 client" : "service check, 64 clients", rate, "/s");
	r->p50 = bench_samples_pct(&lat, 0.5) * 1e3;
	r->p99 = bench_samples_pct(&lat, 0.99) * 1e3;
	bench_samples_free(&lat);
	r->limit_name = n == 1 ? "in-process warm, 1 thread" : "in-process warm, 64 threads";
	r->limit = local;
	snprintf(r->note, sizeof(r->note), "keep-alive TLS 1.3; in process %.0f/s, p50 %.3f ms", local,
	    local_p50);
}

void bench_service_section(const bench_opts *o, const bench_commission *c)
{
	char dir[4096], path[4200], cert[4200], key[4200], ca[4200], url[64];
	server_run s;
	pthread_t tid;
	caller inproc, remote;
	uint8_t *warrant = NULL;
	size_t warrant_len = 0;
	kansa_receipt r;
	int error;

	snprintf(dir, sizeof(dir), "%s/service", o->data_dir);
	(void)mkdir(dir, 0700);
	make_certs(dir);
	snprintf(path, sizeof(path), "%s/service.db", dir);
	snprintf(cert, sizeof(cert), "%s/server.pem", dir);
	snprintf(key, sizeof(key), "%s/server.key", dir);
	snprintf(ca, sizeof(ca), "%s/ca.pem", dir);
	memset(&s, 0, sizeof(s));
	bench_ledger_create(c, path);
	if ((error = kansa_ledger_open(&s.lg, path, c->db_key, 0)) < 0)
		bench_fail("open", error);
	bench_warrant_make(&warrant, &warrant_len, c);
	if ((error = kansa_check_as(&r, s.lg, "npa-cyber-3", warrant, warrant_len, c->request,
	    c->request_len)) < 0) /* the one cold check: the cache is warm after it */
		bench_fail("check", error);
	s.opt = (kansa_serve_options){ .listen = "127.0.0.1:0", .cert = cert, .key = key, .client_ca = ca,
	    .workers = 8, .max_connections = 256, .timeout = 30, .on_event = on_event, .ctx = &s };
	if (pthread_create(&tid, NULL, server_main, &s) != 0)
		bench_fail("pthread_create", KANSA_ERROR);
	for (int i = 0; i < 3000 && atomic_load(&s.port) == 0 && atomic_load(&s.state) == 0; i++)
		usleep(10000); /* hang guard: 30 s */
	if (atomic_load(&s.port) == 0)
		bench_fail("kansa serve did not start", s.error ? s.error : KANSA_ERROR);
	snprintf(url, sizeof(url), "https://127.0.0.1:%u", atomic_load(&s.port));
	inproc = (caller){ c, s.lg, NULL, dir, warrant, warrant_len, 0, NULL, 0, { 0 } };
	remote = inproc;
	remote.lg = NULL;
	remote.url = url;
	service_rows(&inproc, &remote, 1, o->seconds * 2);
	service_rows(&inproc, &remote, 64, o->seconds * 2);
	/* the clients are closed: the server stops as an operator stops it */
	kill(getpid(), SIGTERM);
	pthread_join(tid, NULL);
	if (s.error < 0)
		bench_fail("kansa serve", s.error);
	kansa_ledger_close(s.lg);
	free(warrant);
}
