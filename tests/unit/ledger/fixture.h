/* SPDX-License-Identifier: Apache-2.0 */
/* A small commission for ledger tests: three member keys, a policy signed by
 * all, a metadata-query warrant signed by two, a request, and a new ledger. */
#ifndef KANSA_TEST_LEDGER_FIXTURE_H
#define KANSA_TEST_LEDGER_FIXTURE_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "kansa.h"

/*
 * KANSA_TEST_DB_URI names a PostgreSQL database (tests/unit/ledger-pg.sh):
 * the ledger of a fixture is then made there (the database emptied first)
 * instead of in a file. Criterion must run one test at a time then.
 */
static inline void fixture_pg_target(char *db, size_t size)
{
	const char *uri = getenv("KANSA_TEST_DB_URI");
	PGconn *c;
	PGresult *r;

	if (uri == NULL || uri[0] == '\0')
		return;
	cr_assert_lt(strlen(uri), size, "KANSA_TEST_DB_URI is too long for the fixture");
	snprintf(db, size, "%s", uri);
	c = PQconnectdb(uri);
	cr_assert_eq(PQstatus(c), CONNECTION_OK, "%s", PQerrorMessage(c));
	r = PQexec(c, "SET client_min_messages = warning; DROP SCHEMA public CASCADE; CREATE SCHEMA public");
	cr_assert_eq(PQresultStatus(r), PGRES_COMMAND_OK, "%s", PQresultErrorMessage(r));
	PQclear(r);
	PQfinish(c);
}

/* At the top of a test that needs a ledger file, or two ledgers at once
 * (the test database holds one), or rekey (refused on PostgreSQL). */
#define FIXTURE_FILE_ONLY() do { \
	if (getenv("KANSA_TEST_DB_URI") && getenv("KANSA_TEST_DB_URI")[0]) \
		cr_skip_test("needs a ledger file (KANSA_TEST_DB_URI is set)"); \
} while (0)

typedef struct {
	char dir[64], db[128];
	kansa_secret *dbkey;
	uint8_t *policy, *warrant, *request;
	size_t policy_len, warrant_len, request_len;
} ledger_fixture;

static inline char *pem_json(const kansa_key *k)
{
	char *pem = NULL, *out;
	size_t n = 0;

	cr_assert_eq(kansa_key_public_pem(&pem, k), 0);
	out = malloc(2 * strlen(pem) + 3);
	out[n++] = '"';
	for (const char *p = strstr(pem, "-----BEGIN"); *p; p++) {
		if (*p == '\n') { out[n++] = '\\'; out[n++] = 'n'; } else out[n++] = *p;
	}
	out[n++] = '"';
	out[n] = 0;
	free(pem);
	return out;
}

static inline void sign_all(uint8_t **doc, size_t *len, kansa_key **keys, int n)
{
	for (int i = 0; i < n; i++) {
		uint8_t *next = NULL;
		size_t nlen = 0;
		bool already = false;
		kansa_doc *d = NULL;

		cr_assert_eq(kansa_doc_parse(&d, *doc, *len, 0), 0);
		cr_assert_eq(kansa_doc_sign(&next, &nlen, &already, d, keys[i]), 0);
		kansa_doc_free(d);
		free(*doc);
		*doc = next;
		*len = nlen;
	}
}

/* The fixture with @p policy_extra (JSON members, each followed by a comma,
 * or "") added to the policy: e.g. its "units". */
static inline void fixture_make_with(ledger_fixture *f, uint64_t max_uses, const char *policy_extra)
{
	kansa_key *k[3];
	char *pem[3], json[4096], uses[48] = "";
	int64_t now = (int64_t)time(NULL);

	memset(f, 0, sizeof(*f));
	snprintf(f->dir, sizeof(f->dir), "/tmp/kansa-ledger-XXXXXX");
	cr_assert_not_null(mkdtemp(f->dir));
	snprintf(f->db, sizeof(f->db), "%s/l.db", f->dir);
	fixture_pg_target(f->db, sizeof(f->db));
	cr_assert_eq(kansa_secret_from(&f->dbkey,
	    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", 64), 0);
	for (int i = 0; i < 3; i++) {
		cr_assert_eq(kansa_key_generate(&k[i]), 0);
		pem[i] = pem_json(k[i]);
	}
	snprintf(json, sizeof(json),
	    "{%s\"commission\":\"jp-ccisc\",\"version\":1,\"members\":["
	    "{\"name\":\"member-a\",\"public_key\":%s},{\"name\":\"member-b\",\"public_key\":%s},"
	    "{\"name\":\"member-c\",\"public_key\":%s}],"
	    "\"quorum\":{\"metadata-query\":2,\"neutralize\":3,\"revoke\":2,\"policy\":3},"
	    "\"max_validity\":{\"metadata-query\":\"90d\",\"neutralize\":\"7d\"},"
	    "\"fields\":[\"src_ip\",\"dst_ip\",\"ts\"],\"forbidden_fields\":[\"payload\"],"
	    "\"ops\":[\"stop-process\"]}", policy_extra, pem[0], pem[1], pem[2]);
	cr_assert_eq(kansa_doc_create_json(&f->policy, &f->policy_len, KANSA_DOC_POLICY, json,
	    strlen(json), NULL, now), 0, "%s", kansa_error_last()->message);
	sign_all(&f->policy, &f->policy_len, k, 3);
	if (max_uses)
		snprintf(uses, sizeof(uses), "\"max_uses\":%llu,", (unsigned long long)max_uses);
	snprintf(json, sizeof(json),
	    "{\"commission\":\"jp-ccisc\",\"subject\":\"npa-cyber-3\",\"action\":\"metadata-query\","
	    "\"case\":\"T-1\",\"not_before\":\"-1h\",\"expires\":\"+30d\",%s"
	    "\"scope\":{\"targets\":[\"203.0.113.0/24\"],\"fields\":[\"src_ip\",\"dst_ip\"],"
	    "\"window\":[\"-30d\",\"now\"]}}", uses);
	cr_assert_eq(kansa_doc_create_json(&f->warrant, &f->warrant_len, KANSA_DOC_WARRANT, json,
	    strlen(json), NULL, now), 0, "%s", kansa_error_last()->message);
	sign_all(&f->warrant, &f->warrant_len, k, 2);
	snprintf(json, sizeof(json),
	    "{\"requester\":\"npa-cyber-3\",\"officer\":\"officer-1\",\"action\":\"metadata-query\","
	    "\"targets\":[\"203.0.113.17\"],\"fields\":[\"src_ip\"],\"window\":[\"-2d\",\"-1d\"],"
	    "\"justification\":\"test\"}");
	cr_assert_eq(kansa_request_from_json(&f->request, &f->request_len, json, strlen(json), now), 0,
	    "%s", kansa_error_last()->message);
	cr_assert_eq(kansa_ledger_init(f->db, f->dbkey, f->policy, f->policy_len), 0,
	    "%s", kansa_error_last()->message);
	for (int i = 0; i < 3; i++) {
		kansa_key_free(k[i]);
		free(pem[i]);
	}
}

static inline void fixture_make(ledger_fixture *f, uint64_t max_uses)
{
	fixture_make_with(f, max_uses, "");
}

/* The fixture made and its ledger opened, with @p n_checks allowed checks
 * after its policy entry. */
static inline kansa_ledger *fixture_open_checked(ledger_fixture *f, int n_checks)
{
	kansa_ledger *lg = NULL;
	kansa_receipt r;

	fixture_make(f, 0);
	cr_assert_eq(kansa_ledger_open(&lg, f->db, f->dbkey, 0), 0, "%s", kansa_error_last()->message);
	for (int i = 0; i < n_checks; i++)
		cr_assert_eq(kansa_check(&r, lg, f->warrant, f->warrant_len, f->request, f->request_len), 0);
	return lg;
}

static inline void fixture_free(ledger_fixture *f)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	cr_expect_eq(system(cmd), 0);
	kansa_secret_free(f->dbkey);
	free(f->policy);
	free(f->warrant);
	free(f->request);
}

#endif
