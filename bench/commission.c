/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The benchmark's commission: three member keys, a policy (quorum 2 for
 * metadata queries), warrants signed by two members, a request inside their
 * scope, and ledgers made and filled through the public API only (the
 * ledger for replay and proofs is filled with real kansa_check calls, so
 * that replay re-verifies and re-decides real decisions).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench/bench.h"

static char *pem_json(const kansa_key *k)
{
	char *pem = NULL, *out;
	size_t n = 0;
	int error;

	if ((error = kansa_key_public_pem(&pem, k)) < 0)
		bench_fail("public pem", error);
	if ((out = malloc(2 * strlen(pem) + 3)) == NULL)
		bench_fail("pem", KANSA_ENOMEM);
	out[n++] = '"';
	for (const char *p = pem; *p; p++) {
		if (*p == '\n') {
			out[n++] = '\\';
			out[n++] = 'n';
		} else {
			out[n++] = *p;
		}
	}
	out[n++] = '"';
	out[n] = 0;
	free(pem);
	return out;
}

static void sign_with(uint8_t **doc, size_t *len, kansa_key *const *keys, int n)
{
	for (int i = 0; i < n; i++) {
		uint8_t *next = NULL;
		size_t nlen = 0;
		bool already = false;
		kansa_doc *d = NULL;
		int error;

		if ((error = kansa_doc_parse(&d, *doc, *len, 0)) < 0 ||
		    (error = kansa_doc_sign(&next, &nlen, &already, d, keys[i])) < 0)
			bench_fail("sign", error);
		kansa_doc_free(d);
		free(*doc);
		*doc = next;
		*len = nlen;
	}
}

void bench_commission_make(bench_commission *c)
{
	char *pem[3], json[8192];
	int64_t now = (int64_t)time(NULL);
	int error;

	memset(c, 0, sizeof(*c));
	for (int i = 0; i < 3; i++) {
		if ((error = kansa_key_generate(&c->members[i])) < 0)
			bench_fail("keygen", error);
		pem[i] = pem_json(c->members[i]);
	}
	snprintf(json, sizeof(json),
	    "{\"commission\":\"jp-ccisc\",\"version\":1,\"members\":["
	    "{\"name\":\"member-a\",\"public_key\":%s},{\"name\":\"member-b\",\"public_key\":%s},"
	    "{\"name\":\"member-c\",\"public_key\":%s}],"
	    "\"quorum\":{\"metadata-query\":2,\"neutralize\":3,\"revoke\":2,\"policy\":3},"
	    "\"max_validity\":{\"metadata-query\":\"90d\",\"neutralize\":\"7d\"},"
	    "\"fields\":[\"src_ip\",\"dst_ip\",\"src_port\",\"dst_port\",\"proto\",\"ts\",\"bytes\","
	    "\"packets\",\"tcp_flags\",\"command\",\"domain\",\"asn\"],"
	    "\"forbidden_fields\":[\"payload\",\"content\",\"body\",\"subject\",\"message\"],"
	    "\"ops\":[\"stop-process\",\"delete-file\",\"block-c2\",\"quarantine\"],"
	    "\"units\":[{\"name\":\"npa-cyber-3\",\"actions\":[\"metadata-query\"]}]}",
	    pem[0], pem[1], pem[2]);
	for (int i = 0; i < 3; i++)
		free(pem[i]);
	if ((error = kansa_doc_create_json(&c->policy, &c->policy_len, KANSA_DOC_POLICY, json,
	    strlen(json), NULL, now)) < 0)
		bench_fail("policy", error);
	sign_with(&c->policy, &c->policy_len, c->members, 3);
	snprintf(json, sizeof(json),
	    "{\"requester\":\"npa-cyber-3\",\"officer\":\"officer-1207\",\"action\":\"metadata-query\","
	    "\"targets\":[\"203.0.113.17\",\"203.0.113.64/28\",\"2001:db8:1::5\"],"
	    "\"fields\":[\"src_ip\",\"dst_ip\",\"dst_port\",\"proto\",\"ts\"],"
	    "\"window\":[\"-7d\",\"-1d\"],"
	    "\"justification\":\"C2 beaconing analysis of the reported botnet, case 2026-ACD-0042\"}");
	if ((error = kansa_request_from_json(&c->request, &c->request_len, json, strlen(json), now)) < 0)
		bench_fail("request", error);
	if ((c->request_json = strdup(json)) == NULL)
		bench_fail("request", KANSA_ENOMEM);
	if ((error = kansa_secret_from(&c->db_key, BENCH_DB_KEY, strlen(BENCH_DB_KEY))) < 0)
		bench_fail("db key", error);
}

void bench_commission_free(bench_commission *c)
{
	for (int i = 0; i < 3; i++)
		kansa_key_free(c->members[i]);
	free(c->policy);
	free(c->request);
	free(c->request_json);
	kansa_secret_free(c->db_key);
	memset(c, 0, sizeof(*c));
}

void bench_warrant_make(uint8_t **out, size_t *len, const bench_commission *c)
{
	static const char json[] =
	    "{\"commission\":\"jp-ccisc\",\"subject\":\"npa-cyber-3\",\"action\":\"metadata-query\","
	    "\"case\":\"2026-ACD-0042\",\"basis\":\"Art. 17(1)\",\"not_before\":\"-1h\","
	    "\"expires\":\"+30d\",\"scope\":{\"targets\":[\"203.0.113.0/24\",\"2001:db8:1::/48\"],"
	    "\"fields\":[\"src_ip\",\"dst_ip\",\"dst_port\",\"proto\",\"ts\",\"command\"],"
	    "\"window\":[\"-30d\",\"now\"]}}";
	int error;

	if ((error = kansa_doc_create_json(out, len, KANSA_DOC_WARRANT, json, strlen(json), NULL,
	    (int64_t)time(NULL))) < 0)
		bench_fail("warrant", error);
	sign_with(out, len, c->members, 2);
}

static void remove_db(const char *path)
{
	static const char *const sfx[] = { "", "-wal", "-shm", "-journal" };
	char p[4200];

	for (size_t i = 0; i < sizeof(sfx) / sizeof(sfx[0]); i++) {
		snprintf(p, sizeof(p), "%s%s", path, sfx[i]);
		unlink(p);
	}
}

void bench_ledger_create(const bench_commission *c, const char *path)
{
	int error;

	remove_db(path);
	if ((error = kansa_ledger_init(path, c->db_key, c->policy, c->policy_len)) < 0)
		bench_fail("ledger init", error);
}

typedef struct {
	kansa_ledger *lg;
	const bench_commission *c;
	uint8_t *warrants[8];
	size_t warrant_lens[8];
	uint8_t *bad_request;   /* out of scope: some entries are denials */
	size_t bad_request_len;
	uint64_t next;          /* next entry to make (shared) */
	uint64_t total;         /* entries to make */
	pthread_mutex_t mu;
} fill_ctx;

static void *fill_worker(void *arg)
{
	fill_ctx *f = arg;
	kansa_receipt r;

	for (;;) {
		uint64_t i;
		int error;

		pthread_mutex_lock(&f->mu);
		i = f->next < f->total ? f->next++ : UINT64_MAX;
		pthread_mutex_unlock(&f->mu);
		if (i == UINT64_MAX)
			return NULL;
		if (i % 10 == 9) /* one in ten is denied (target out of scope) */
			error = kansa_check(&r, f->lg, f->warrants[i % 8], f->warrant_lens[i % 8],
			    f->bad_request, f->bad_request_len);
		else
			error = kansa_check(&r, f->lg, f->warrants[i % 8], f->warrant_lens[i % 8],
			    f->c->request, f->c->request_len);
		if (error < 0)
			bench_fail("fill check", error);
	}
}

void bench_ledger_fill(const bench_commission *c, const char *path, uint64_t n, int threads)
{
	static const char bad[] =
	    "{\"requester\":\"npa-cyber-3\",\"officer\":\"officer-1207\",\"action\":\"metadata-query\","
	    "\"targets\":[\"198.51.100.9\"],\"fields\":[\"src_ip\",\"dst_ip\"],"
	    "\"window\":[\"-7d\",\"-1d\"],\"justification\":\"follow the C2 to its upstream\"}";
	fill_ctx f;
	pthread_t t[64];
	int error;

	memset(&f, 0, sizeof(f));
	pthread_mutex_init(&f.mu, NULL);
	f.c = c;
	f.total = n;
	if (threads > 64)
		threads = 64;
	for (int i = 0; i < 8; i++)
		bench_warrant_make(&f.warrants[i], &f.warrant_lens[i], c);
	if ((error = kansa_request_from_json(&f.bad_request, &f.bad_request_len, bad, strlen(bad),
	    (int64_t)time(NULL))) < 0)
		bench_fail("request", error);
	if ((error = kansa_ledger_open(&f.lg, path, c->db_key, 0)) < 0)
		bench_fail("ledger open", error);
	for (int i = 0; i < threads; i++)
		pthread_create(&t[i], NULL, fill_worker, &f);
	for (int i = 0; i < threads; i++)
		pthread_join(t[i], NULL);
	kansa_ledger_close(f.lg);
	for (int i = 0; i < 8; i++)
		free(f.warrants[i]);
	free(f.bad_request);
	pthread_mutex_destroy(&f.mu);
}
