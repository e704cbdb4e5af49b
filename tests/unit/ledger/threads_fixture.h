/* SPDX-License-Identifier: Apache-2.0 */
/* A commission for the performance tests that keeps its member keys, so a
 * test can sign more warrants, revocations and the next policy version. */
#ifndef KANSA_TEST_PERF_FIXTURE_H
#define KANSA_TEST_PERF_FIXTURE_H

#include "tests/unit/ledger/fixture.h"

typedef struct {
	ledger_fixture f;   /* dir, db, key, policy v1, a warrant (a+b), a request */
	kansa_key *k[3];    /* member-a, -b, -c */
	char *pem[3];       /* their public keys as JSON strings */
} perf_fixture;

static inline void perf_policy(uint8_t **out, size_t *len, perf_fixture *p, int version,
    bool with_b)
{
	char json[8192];

	snprintf(json, sizeof(json),
	    "{\"commission\":\"jp-ccisc\",\"version\":%d,\"members\":["
	    "{\"name\":\"member-a\",\"public_key\":%s},%s%s%s"
	    "{\"name\":\"member-c\",\"public_key\":%s}],"
	    "\"quorum\":{\"metadata-query\":%d,\"neutralize\":2,\"revoke\":2,\"policy\":2},"
	    "\"max_validity\":{\"metadata-query\":\"90d\",\"neutralize\":\"7d\"},"
	    "\"fields\":[\"src_ip\",\"dst_ip\",\"ts\"],\"forbidden_fields\":[\"payload\"],"
	    "\"ops\":[\"stop-process\"]}", version, p->pem[0],
	    with_b ? "{\"name\":\"member-b\",\"public_key\":" : "", with_b ? p->pem[1] : "",
	    with_b ? "}," : "", p->pem[2], with_b ? 2 : 1);
	cr_assert_eq(kansa_doc_create_json(out, len, KANSA_DOC_POLICY, json, strlen(json), NULL,
	    (int64_t)time(NULL)), 0, "%s", kansa_error_last()->message);
	sign_all(out, len, p->k, 3);
}

/* A new warrant (fresh cti) signed by the first @p signers members. */
static inline void perf_warrant(uint8_t **out, size_t *len, perf_fixture *p, int signers)
{
	static const char json[] =
	    "{\"commission\":\"jp-ccisc\",\"subject\":\"npa-cyber-3\",\"action\":\"metadata-query\","
	    "\"case\":\"T-2\",\"not_before\":\"-1h\",\"expires\":\"+30d\","
	    "\"scope\":{\"targets\":[\"203.0.113.0/24\"],\"fields\":[\"src_ip\",\"dst_ip\"],"
	    "\"window\":[\"-30d\",\"now\"]}}";

	cr_assert_eq(kansa_doc_create_json(out, len, KANSA_DOC_WARRANT, json, strlen(json), NULL,
	    (int64_t)time(NULL)), 0, "%s", kansa_error_last()->message);
	sign_all(out, len, p->k, signers);
}

static inline void perf_revocation(uint8_t **out, size_t *len, perf_fixture *p, const char *cti_hex)
{
	char json[512];

	snprintf(json, sizeof(json), "{\"commission\":\"jp-ccisc\",\"warrant\":\"%s\",\"reason\":\"test\"}",
	    cti_hex);
	cr_assert_eq(kansa_doc_create_json(out, len, KANSA_DOC_REVOCATION, json, strlen(json), NULL,
	    (int64_t)time(NULL)), 0, "%s", kansa_error_last()->message);
	sign_all(out, len, p->k, 2);
}

/* A ledger whose policy v1 has members a, b, c (quorum 2) made from our keys. */
static inline void perf_fixture_make(perf_fixture *p)
{
	ledger_fixture *f = &p->f;

	memset(p, 0, sizeof(*p));
	fixture_make(f, 0); /* for dir, db key and request; its ledger is replaced */
	for (int i = 0; i < 3; i++) {
		cr_assert_eq(kansa_key_generate(&p->k[i]), 0);
		p->pem[i] = pem_json(p->k[i]);
	}
	free(f->policy);
	free(f->warrant);
	perf_policy(&f->policy, &f->policy_len, p, 1, true);
	perf_warrant(&f->warrant, &f->warrant_len, p, 2);
	{
		char cmd[512];
		snprintf(cmd, sizeof(cmd), "rm -f '%s' '%s-wal' '%s-shm'", f->db, f->db, f->db);
		cr_assert_eq(system(cmd), 0);
	}
	cr_assert_eq(kansa_ledger_init(f->db, f->dbkey, f->policy, f->policy_len), 0, "%s",
	    kansa_error_last()->message);
}

static inline void perf_fixture_free(perf_fixture *p)
{
	for (int i = 0; i < 3; i++) {
		kansa_key_free(p->k[i]);
		free(p->pem[i]);
	}
	fixture_free(&p->f);
}

#endif
