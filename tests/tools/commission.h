/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A small commission for test programs that are not Criterion tests
 * (tests/tools/): three member keys, a policy signed by all three, a
 * metadata-query warrant signed by two, an allowed and a denied request,
 * and a new ledger. Every failure prints the library's error and exits 99
 * (a hard error for the test drivers).
 */
#ifndef KANSA_TEST_TOOLS_COMMISSION_H
#define KANSA_TEST_TOOLS_COMMISSION_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kansa.h"

typedef struct {
	char db[512];                 /* the ledger file */
	kansa_secret *dbkey;          /* its raw key (64 hex digits) */
	uint8_t *policy, *warrant;    /* COSE, signed */
	uint8_t *allow_req, *deny_req; /* request CBOR: inside / outside the scope */
	size_t policy_len, warrant_len, allow_len, deny_len;
} commission;

#define TOOL_DB_KEY "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static inline void tool_die(const char *what)
{
	fprintf(stderr, "%s: %s\n", what, kansa_error_last()->message);
	exit(99);
}

static inline char *tool_pem_json(const kansa_key *k)
{
	char *pem = NULL, *out;
	size_t n = 0;

	if (kansa_key_public_pem(&pem, k) != 0 || (out = malloc(2 * strlen(pem) + 3)) == NULL)
		tool_die("public key");
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

static inline void tool_sign(uint8_t **doc, size_t *len, kansa_key **keys, int n)
{
	for (int i = 0; i < n; i++) {
		uint8_t *next = NULL;
		size_t nlen = 0;
		bool already = false;
		kansa_doc *d = NULL;

		if (kansa_doc_parse(&d, *doc, *len, 0) != 0 ||
		    kansa_doc_sign(&next, &nlen, &already, d, keys[i]) != 0)
			tool_die("sign");
		kansa_doc_free(d);
		free(*doc);
		*doc = next;
		*len = nlen;
	}
}

static inline void tool_request(uint8_t **out, size_t *len, const char *target, int64_t now)
{
	char json[512];

	snprintf(json, sizeof(json),
	    "{\"requester\":\"npa-cyber-3\",\"officer\":\"officer-1\",\"action\":\"metadata-query\","
	    "\"targets\":[\"%s\"],\"fields\":[\"src_ip\"],\"window\":[\"-2d\",\"-1d\"],"
	    "\"justification\":\"crash test\"}", target);
	if (kansa_request_from_json(out, len, json, strlen(json), now) != 0)
		tool_die("request");
}

/* Make the documents; with @p db non-NULL also a new ledger there. */
static inline void commission_make(commission *c, const char *db, int64_t now)
{
	kansa_key *k[3];
	char *pem[3], json[4096];

	memset(c, 0, sizeof(*c));
	if (kansa_secret_from(&c->dbkey, TOOL_DB_KEY, 64) != 0)
		tool_die("db key");
	for (int i = 0; i < 3; i++) {
		if (kansa_key_generate(&k[i]) != 0)
			tool_die("key");
		pem[i] = tool_pem_json(k[i]);
	}
	snprintf(json, sizeof(json),
	    "{\"commission\":\"jp-ccisc\",\"version\":1,\"members\":["
	    "{\"name\":\"member-a\",\"public_key\":%s},{\"name\":\"member-b\",\"public_key\":%s},"
	    "{\"name\":\"member-c\",\"public_key\":%s}],"
	    "\"quorum\":{\"metadata-query\":2,\"neutralize\":3,\"revoke\":2,\"policy\":3},"
	    "\"max_validity\":{\"metadata-query\":\"90d\",\"neutralize\":\"7d\"},"
	    "\"fields\":[\"src_ip\",\"dst_ip\",\"ts\"],\"forbidden_fields\":[\"payload\"],"
	    "\"ops\":[\"stop-process\"]}", pem[0], pem[1], pem[2]);
	if (kansa_doc_create_json(&c->policy, &c->policy_len, KANSA_DOC_POLICY, json, strlen(json),
	    NULL, now) != 0)
		tool_die("policy");
	tool_sign(&c->policy, &c->policy_len, k, 3);
	snprintf(json, sizeof(json),
	    "{\"commission\":\"jp-ccisc\",\"subject\":\"npa-cyber-3\",\"action\":\"metadata-query\","
	    "\"case\":\"T-1\",\"not_before\":\"-1h\",\"expires\":\"+30d\","
	    "\"scope\":{\"targets\":[\"203.0.113.0/24\"],\"fields\":[\"src_ip\",\"dst_ip\"],"
	    "\"window\":[\"-30d\",\"now\"]}}");
	if (kansa_doc_create_json(&c->warrant, &c->warrant_len, KANSA_DOC_WARRANT, json, strlen(json),
	    NULL, now) != 0)
		tool_die("warrant");
	tool_sign(&c->warrant, &c->warrant_len, k, 2);
	tool_request(&c->allow_req, &c->allow_len, "203.0.113.17", now);
	tool_request(&c->deny_req, &c->deny_len, "198.51.100.1", now);
	for (int i = 0; i < 3; i++) {
		kansa_key_free(k[i]);
		free(pem[i]);
	}
	if (db != NULL) {
		snprintf(c->db, sizeof(c->db), "%s", db);
		if (kansa_ledger_init(c->db, c->dbkey, c->policy, c->policy_len) != 0)
			tool_die("ledger init");
	}
}

static inline void commission_free(commission *c)
{
	kansa_secret_free(c->dbkey);
	free(c->policy);
	free(c->warrant);
	free(c->allow_req);
	free(c->deny_req);
}

#endif
