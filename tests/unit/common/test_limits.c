/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Resource bounds on hostile input (common/kansa_limits.h): inputs over a
 * size limit, requests with thousands of targets, warrants with thousands
 * of prefixes, policies with hundreds of members, deep nesting. Each is
 * either handled in bounded time or refused with the exact error code and
 * a message naming the bound; nothing is recorded for an input kansa_check
 * refuses.
 */
#include "tests/unit/hang_guard.h"
#include <sys/resource.h>
#include <valgrind/valgrind.h>

#include "tests/unit/ledger/fixture.h"
#include "tests/unit/ledger/chain.h"

/* A hang guard for one operation on bounded input: far above what any
 * machine needs (well under a second here), so that only a runaway (a loop
 * that does not end, or work that grows without bound) fails it, never a
 * slow or loaded machine. Not applied under valgrind. */
#define HANG_SECONDS 300.0

static double seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void expect_bounded(double t0, const char *what)
{
	double dt = seconds() - t0;

	if (!RUNNING_ON_VALGRIND)
		cr_expect_lt(dt, HANG_SECONDS, "%s took %.2f s", what, dt);
}

/* A growing string. */
typedef struct {
	char *p;
	size_t n, cap;
} sbuf;

static void sb_add(sbuf *b, const char *s)
{
	size_t n = strlen(s);

	if (b->n + n + 1 > b->cap) {
		b->cap = 2 * (b->n + n + 1);
		cr_assert_not_null(b->p = realloc(b->p, b->cap));
	}
	memcpy(b->p + b->n, s, n + 1);
	b->n += n;
}

/* "10.a.b.c[/len]" items, comma separated. */
static void sb_addresses(sbuf *b, int n, bool prefixes)
{
	char item[48];

	for (int i = 0; i < n; i++) {
		if (prefixes)
			snprintf(item, sizeof(item), "%s\"10.%d.%d.0/24\"", i ? "," : "", i / 256, i % 256);
		else
			snprintf(item, sizeof(item), "%s\"10.15.255.%d\"", i ? "," : "", i % 256);
		sb_add(b, item);
	}
}

static char *request_json(int targets)
{
	sbuf b = { 0 };

	sb_add(&b, "{\"requester\":\"npa-cyber-3\",\"officer\":\"o-1\",\"action\":\"metadata-query\",\"targets\":[");
	sb_addresses(&b, targets, false);
	sb_add(&b, "],\"fields\":[\"src_ip\"],\"window\":[\"-2d\",\"-1d\"],\"justification\":\"bounds\"}");
	return b.p;
}

static uint64_t ledger_size(kansa_ledger *lg)
{
	kansa_ledger_info info;

	cr_assert_eq(kansa_ledger_get_info(&info, lg), 0);
	return info.size;
}

/* REQ: LIMITS-SIZE */
Test(limits, inputs_over_the_size_limit_are_elimit_but_a_request_is_recorded, .timeout = KANSA_HANG_GUARD)
{
	ledger_fixture f;
	kansa_ledger *lg = NULL;
	kansa_receipt r;
	kansa_doc *d = NULL;
	uint8_t *big = calloc(1, KANSA_MAX_CBOR_BYTES + 2), *out = NULL;
	size_t outlen = 7;
	kansa_merkle_proof p;
	kansa_note_report nr;
	double t0;

	cr_assert_not_null(big);
	memset(big, ' ', KANSA_MAX_CBOR_BYTES + 1);
	fixture_make(&f, 0);
	cr_assert_eq(kansa_ledger_open(&lg, f.db, f.dbkey, 0), 0);
	t0 = seconds();
	cr_expect_eq(kansa_doc_parse(&d, big, KANSA_MAX_DOC_BYTES + 1, 0), KANSA_ELIMIT);
	cr_expect_null(d);
	cr_expect_eq(kansa_request_from_json(&out, &outlen, (char *)big, KANSA_MAX_JSON_BYTES + 1, 0),
	    KANSA_ELIMIT);
	cr_expect_null(out);
	cr_expect_eq(kansa_doc_create_json(&out, &outlen, KANSA_DOC_POLICY, (char *)big,
	    KANSA_MAX_JSON_BYTES + 1, NULL, 0), KANSA_ELIMIT);
	cr_expect(strstr(kansa_error_last()->message, "limit") != NULL, "%s", kansa_error_last()->message);
	/* REQ: LEDGER-REQUEST-RECORDED an oversized request is not refused but
	 * recorded, by hash, as malformed-request (tests/unit/ledger/test_input.c) */
	cr_expect_eq(kansa_check(&r, lg, f.warrant, f.warrant_len, big, KANSA_MAX_CBOR_BYTES + 1), 0);
	cr_expect_eq(r.verdict, KANSA_DENY);
	cr_expect_eq(r.reason, KANSA_REASON_MALFORMED_REQUEST);
	cr_expect_eq(kansa_check(&r, lg, big, KANSA_MAX_DOC_BYTES + 1, f.request, f.request_len),
	    KANSA_ELIMIT);
	cr_expect_eq(r.verdict, KANSA_DENY);
	cr_expect_eq(ledger_size(lg), 2, "the request recorded, nothing for the refused warrant");
	cr_expect_eq(kansa_merkle_proof_parse(&p, (char *)big, KANSA_MAX_PROOF_TEXT_BYTES + 1), KANSA_ELIMIT);
	cr_expect_eq(kansa_note_verify(&nr, (char *)big, KANSA_NOTE_MAX_BYTES + 1, NULL, 0, 0), KANSA_ELIMIT);
	expect_bounded(t0, "refusing oversized inputs");
	kansa_ledger_close(lg);
	fixture_free(&f);
	free(big);
}

Test(limits, secret_and_file_reads_are_bounded)
{
	char path[] = "/tmp/kansa-limits-XXXXXX";
	int fd = mkstemp(path);
	kansa_secret *s = NULL;
	uint8_t *data = NULL;
	size_t len = 0;
	char line[KANSA_MAX_SECRET_BYTES + 2];

	cr_assert_geq(fd, 0);
	memset(line, 'x', sizeof(line));
	cr_assert_eq(write(fd, line, sizeof(line)), (ssize_t)sizeof(line));
	close(fd);
	cr_expect_eq(kansa_secret_read_file(&s, path), KANSA_ELIMIT);
	cr_expect_null(s);
	cr_expect_eq(kansa_file_read(&data, &len, path, 100, 0), KANSA_ELIMIT);
	cr_expect_null(data);
	unlink(path);
}

/* REQ: LIMITS-TARGETS */
Test(limits, requests_with_thousands_of_targets, .timeout = KANSA_HANG_GUARD)
{
	ledger_fixture f;
	kansa_ledger *lg = NULL;
	kansa_receipt r;
	uint8_t *req = NULL;
	size_t len = 0;
	char *json;
	double t0;

	fixture_make(&f, 0);
	cr_assert_eq(kansa_ledger_open(&lg, f.db, f.dbkey, 0), 0);
	/* at the hard bound: built, then denied by the policy's max_targets (256) */
	json = request_json(KANSA_MAX_REQUEST_TARGETS);
	t0 = seconds();
	cr_assert_eq(kansa_request_from_json(&req, &len, json, strlen(json), (int64_t)time(NULL)), 0,
	    "%s", kansa_error_last()->message);
	cr_assert_eq(kansa_check(&r, lg, f.warrant, f.warrant_len, req, len), 0);
	expect_bounded(t0, "a request of 4096 targets");
	cr_expect_eq(r.verdict, KANSA_DENY);
	cr_expect_eq(r.reason, KANSA_REASON_MALFORMED_REQUEST, "%s", r.detail);
	cr_expect(strstr(r.detail, "max_targets") != NULL || strstr(r.detail, "targets") != NULL, "%s", r.detail);
	free(req);
	free(json);
	/* past the hard bound: refused while building */
	json = request_json(KANSA_MAX_REQUEST_TARGETS + 1);
	cr_expect_eq(kansa_request_from_json(&req, &len, json, strlen(json), 0), KANSA_ELIMIT);
	cr_expect(strstr(kansa_error_last()->message, "targets") != NULL, "%s", kansa_error_last()->message);
	free(json);
	/* a hand-made CBOR array of 100001 items: the decoder's item bound */
	{
		size_t n = 5 + KANSA_MAX_CBOR_ITEMS + 1;
		uint8_t *cbor = calloc(1, n);
		cr_assert_not_null(cbor);
		cbor[0] = 0x9a; /* array, 32-bit count */
		cbor[1] = (uint8_t)((KANSA_MAX_CBOR_ITEMS + 1) >> 24);
		cbor[2] = (uint8_t)((KANSA_MAX_CBOR_ITEMS + 1) >> 16);
		cbor[3] = (uint8_t)((KANSA_MAX_CBOR_ITEMS + 1) >> 8);
		cbor[4] = (uint8_t)(KANSA_MAX_CBOR_ITEMS + 1);
		t0 = seconds();
		cr_assert_eq(kansa_check(&r, lg, f.warrant, f.warrant_len, cbor, n), 0);
		expect_bounded(t0, "a request of 100001 CBOR items");
		cr_expect_eq(r.verdict, KANSA_DENY);
		cr_expect_eq(r.reason, KANSA_REASON_MALFORMED_REQUEST, "%s", r.detail);
		free(cbor);
	}
	cr_expect_eq(chain_walk(lg, NULL, 0), 3);
	kansa_ledger_close(lg);
	fixture_free(&f);
}

/* A warrant over @p n /24 prefixes, signed by members 0 and 1 of a new
 * commission whose policy allows 4096 request targets. */
static void big_warrant(ledger_fixture *f, int n)
{
	kansa_key *k[2];
	char *pem[2], head[4096];
	sbuf b = { 0 };
	int64_t now = (int64_t)time(NULL);

	memset(f, 0, sizeof(*f));
	snprintf(f->dir, sizeof(f->dir), "/tmp/kansa-limits-XXXXXX");
	cr_assert_not_null(mkdtemp(f->dir));
	snprintf(f->db, sizeof(f->db), "%s/l.db", f->dir);
	cr_assert_eq(kansa_secret_from(&f->dbkey, "limits passphrase", 17), 0);
	for (int i = 0; i < 2; i++) {
		cr_assert_eq(kansa_key_generate(&k[i]), 0);
		pem[i] = pem_json(k[i]);
	}
	snprintf(head, sizeof(head),
	    "{\"commission\":\"c\",\"version\":1,\"members\":[{\"name\":\"a\",\"public_key\":%s},"
	    "{\"name\":\"b\",\"public_key\":%s}],\"quorum\":{\"metadata-query\":2,\"neutralize\":2,"
	    "\"revoke\":2,\"policy\":2},\"max_validity\":{\"metadata-query\":\"90d\",\"neutralize\":\"7d\"},"
	    "\"fields\":[\"src_ip\"],\"forbidden_fields\":[],\"ops\":[\"stop-process\"],\"max_targets\":%d}",
	    pem[0], pem[1], KANSA_MAX_REQUEST_TARGETS);
	cr_assert_eq(kansa_doc_create_json(&f->policy, &f->policy_len, KANSA_DOC_POLICY, head,
	    strlen(head), NULL, now), 0, "%s", kansa_error_last()->message);
	sign_all(&f->policy, &f->policy_len, k, 2);
	sb_add(&b, "{\"commission\":\"c\",\"subject\":\"npa-cyber-3\",\"action\":\"metadata-query\","
	    "\"case\":\"L-1\",\"not_before\":\"-1h\",\"expires\":\"+30d\",\"scope\":{\"targets\":[");
	sb_addresses(&b, n, true);
	sb_add(&b, "],\"fields\":[\"src_ip\"],\"window\":[\"-30d\",\"now\"]}}");
	f->warrant = NULL;
	if (kansa_doc_create_json(&f->warrant, &f->warrant_len, KANSA_DOC_WARRANT, b.p, b.n, NULL, now) == 0)
		sign_all(&f->warrant, &f->warrant_len, k, 2);
	free(b.p);
	for (int i = 0; i < 2; i++) {
		kansa_key_free(k[i]);
		free(pem[i]);
	}
	cr_assert_eq(kansa_ledger_init(f->db, f->dbkey, f->policy, f->policy_len), 0);
}

/* REQ: LIMITS-PREFIXES */
Test(limits, warrants_with_thousands_of_prefixes, .timeout = KANSA_HANG_GUARD)
{
	ledger_fixture f;
	kansa_ledger *lg = NULL;
	kansa_receipt r;
	uint8_t *req = NULL;
	size_t len = 0;
	char *json;
	double t0;

	big_warrant(&f, KANSA_MAX_SCOPE_ITEMS + 1);
	cr_expect_null(f.warrant, "a warrant past KANSA_MAX_SCOPE_ITEMS is refused");
	cr_expect_eq(kansa_error_last()->code, KANSA_ELIMIT, "%s", kansa_error_last()->message);
	fixture_free(&f);

	big_warrant(&f, KANSA_MAX_SCOPE_ITEMS);
	cr_assert_not_null(f.warrant, "%s", kansa_error_last()->message);
	cr_assert_eq(kansa_ledger_open(&lg, f.db, f.dbkey, 0), 0);
	/* every target inside the LAST prefix (10.15.255.0/24): the worst case,
	 * 4096 targets x 4096 prefixes */
	json = request_json(KANSA_MAX_REQUEST_TARGETS);
	cr_assert_eq(kansa_request_from_json(&req, &len, json, strlen(json), (int64_t)time(NULL)), 0);
	t0 = seconds();
	cr_assert_eq(kansa_check(&r, lg, f.warrant, f.warrant_len, req, len), 0,
	    "%s", kansa_error_last()->message);
	expect_bounded(t0, "4096 targets against 4096 prefixes");
	cr_expect_eq(r.verdict, KANSA_ALLOW, "%s", r.detail);
	free(req);
	free(json);
	kansa_ledger_close(lg);
	fixture_free(&f);
}

/* A policy JSON with @p n members; keys[] gets the first two private keys. */
static char *members_policy(int n, kansa_key **keys)
{
	sbuf b = { 0 };

	sb_add(&b, "{\"commission\":\"c\",\"version\":1,\"members\":[");
	for (int i = 0; i < n; i++) {
		kansa_key *k = NULL;
		char head[64], *pem;
		cr_assert_eq(kansa_key_generate(&k), 0);
		pem = pem_json(k);
		snprintf(head, sizeof(head), "%s{\"name\":\"member-%d\",\"public_key\":", i ? "," : "", i);
		sb_add(&b, head);
		sb_add(&b, pem);
		sb_add(&b, "}");
		free(pem);
		if (i < KANSA_MAX_SIGNATURES)
			keys[i] = k;
		else
			kansa_key_free(k);
	}
	sb_add(&b, "],\"quorum\":{\"metadata-query\":2,\"neutralize\":2,\"revoke\":2,\"policy\":64},"
	    "\"max_validity\":{\"metadata-query\":\"90d\",\"neutralize\":\"7d\"},"
	    "\"fields\":[\"src_ip\"],\"forbidden_fields\":[],\"ops\":[\"stop-process\"]}");
	return b.p;
}

/* REQ: LIMITS-MEMBERS */
Test(limits, policies_with_hundreds_of_members, .timeout = KANSA_HANG_GUARD)
{
	kansa_key *keys[KANSA_MAX_SIGNATURES + 1] = { 0 }, *extra = NULL;
	kansa_policy *p = NULL;
	uint8_t *doc = NULL, *more = NULL;
	kansa_doc *parsed = NULL;
	size_t len = 0, mlen = 0;
	bool already = false;
	char *json;
	double t0;

	json = members_policy(KANSA_MAX_MEMBERS + 1, keys);
	cr_expect_eq(kansa_doc_create_json(&doc, &len, KANSA_DOC_POLICY, json, strlen(json), NULL, 0),
	    KANSA_ELIMIT);
	cr_expect(strstr(kansa_error_last()->message, "members") != NULL, "%s", kansa_error_last()->message);
	free(json);
	for (int i = 0; i < KANSA_MAX_SIGNATURES; i++)
		kansa_key_free(keys[i]);

	json = members_policy(KANSA_MAX_MEMBERS, keys);
	cr_assert_eq(kansa_doc_create_json(&doc, &len, KANSA_DOC_POLICY, json, strlen(json), NULL, 0), 0,
	    "%s", kansa_error_last()->message);
	sign_all(&doc, &len, keys, KANSA_MAX_SIGNATURES);
	t0 = seconds();
	cr_expect_eq(kansa_policy_load(&p, doc, len, NULL), 0, "%s", kansa_error_last()->message);
	expect_bounded(t0, "a policy of 256 members and 64 signatures");
	kansa_policy_free(p);
	/* one signature more than KANSA_MAX_SIGNATURES */
	cr_assert_eq(kansa_key_generate(&extra), 0);
	cr_assert_eq(kansa_doc_parse(&parsed, doc, len, KANSA_DOC_POLICY), 0);
	cr_expect_eq(kansa_doc_sign(&more, &mlen, &already, parsed, extra), KANSA_ELIMIT);
	kansa_doc_free(parsed);
	cr_expect_null(more);
	kansa_key_free(extra);
	for (int i = 0; i < KANSA_MAX_SIGNATURES; i++)
		kansa_key_free(keys[i]);
	free(doc);
	free(json);
}

/* REQ: LIMITS-DEPTH no recursion on input */
Test(limits, deep_nesting_is_refused_without_stack_overflow, .timeout = KANSA_HANG_GUARD)
{
	size_t n = 200000;
	char *json = malloc(2 * n + 1);
	uint8_t *cbor = malloc(n + 1), *out = NULL;
	kansa_doc *d = NULL;
	size_t len = 0;

	cr_assert(json && cbor);
	memset(json, '[', n);
	memset(json + n, ']', n);
	json[2 * n] = 0;
	cr_expect_eq(kansa_request_from_json(&out, &len, json, 2 * n, 0), KANSA_EFORMAT);
	memset(cbor, 0x81, n); /* nested one-element arrays */
	cbor[n] = 0;
	cr_expect_eq(kansa_doc_parse(&d, cbor, n + 1, 0), KANSA_ELIMIT, "%s", kansa_error_last()->message);
	free(json);
	free(cbor);
}
