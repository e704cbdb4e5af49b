/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Hostile request input on the check path (design §5 row 1, §6): a request
 * too large for its entry, one that is not a request at all, and officers
 * or justifications of only white space are recorded as malformed-request,
 * never fail the checks of other callers in the same group commit, and
 * replay re-decides them identically.
 */
#include "tests/unit/hang_guard.h"
#include <pthread.h>
#include <stdatomic.h>

#include "fixture.h"
#include "common/kansa_limits.h"
#include "keys/keys.h"
#include "ledger/entry.h"
#include "ledger/ledger_impl.h"
#include "ledger/store/store.h"
#include "policy/cbor.h"
#include "policy/decide.h"
#include "tests/unit/ledger/store/queue_wait.h"

/* ---- helpers ---------------------------------------------------------- */

/* Decode entry @p seq of the ledger (on its own read-only store). */
static void entry_at(kansa_entry *e, ledger_fixture *f, uint64_t seq, size_t *body_len)
{
	kansa_store *s = NULL;
	kansa_store_iter *it = NULL;
	kansa_store_row row;
	int rc;

	cr_assert_eq(kansa_store__open(&s, f->db, f->dbkey, KANSA_STORE_READONLY), 0);
	cr_assert_eq(kansa_store__iter_new(&it, s, seq), 0);
	cr_assert_eq((rc = kansa_store__iter_next(&row, it)), 1, "no entry %llu", (unsigned long long)seq);
	cr_assert_eq(row.seq, seq);
	if (body_len)
		*body_len = row.body_len;
	cr_assert_eq(kansa_entry__decode(e, row.body, row.body_len), 0, "%s", kansa_error_last()->message);
	kansa_store__iter_free(it);
	kansa_store__close(s);
}

/* Replay the whole ledger: no finding. */
static void replay_is_clean(kansa_ledger *lg, uint64_t want_decisions)
{
	kansa_audit_options opt = { KANSA_AUDIT_REPLAY, NULL, NULL, NULL, NULL };
	kansa_audit_summary sum;

	cr_assert_eq(kansa_ledger_audit(&sum, lg, &opt), 0, "%s", kansa_error_last()->message);
	cr_expect_eq(sum.findings, 0, "replay found %llu problems", (unsigned long long)sum.findings);
	cr_expect_eq(sum.decisions, want_decisions);
}

static void expect_hashed(ledger_fixture *f, const kansa_receipt *r, const uint8_t *bytes, size_t len,
    int form)
{
	uint8_t h[KANSA_HASH_LEN];
	kansa_entry e;

	entry_at(&e, f, r->seq, NULL);
	cr_expect_eq(e.kind, KANSA_ENTRY_DECISION);
	cr_expect(e.request_hashed, "the request is kept by hash");
	cr_expect_null(e.request);
	cr_expect_eq(e.request_size, (uint64_t)len);
	cr_expect_eq(e.request_form, form);
	cr_assert_eq(kansa_sha256(h, bytes, len), 0);
	cr_expect_arr_eq(e.request_hash, h, KANSA_HASH_LEN);
	cr_expect_eq(e.verdict, KANSA_DENY);
	cr_expect_eq(e.reason, KANSA_REASON_MALFORMED_REQUEST);
	kansa_entry__dispose(&e);
}

/* ---- one oversized request in a batch of lawful ones ------------------ */

#define LAWFUL 6

typedef struct {
	kansa_ledger *lg;
	ledger_fixture *f;
	const uint8_t *request;
	size_t request_len;
	kansa_receipt r;
	int rc;
} checker;

static void *check_thread(void *arg)
{
	checker *c = arg;

	c->rc = kansa_check(&c->r, c->lg, c->f->warrant, c->f->warrant_len, c->request, c->request_len);
	return NULL;
}

typedef struct {
	kansa_store *s;
	size_t want; /* callers to wait for */
	int rc;
	atomic_bool open; /* set by the test once it has seen them all queued */
} gate;

/* Holds the leader slot until @p want callers queued and the test has seen
 * them (else the batch after it could take them before the test looks, and
 * the test would wait for a queue that is gone), then fails on its own: it
 * records nothing, and the callers it held form the next batch. */
static int gate_build(void *ctx, kansa_store *s, const kansa_store_pos *pos, kansa_store_entry *out)
{
	gate *g = ctx;

	(void)pos;
	(void)out;
	(void)queue_wait(s, g->want, false);
	for (long i = 0; i < QUEUE_WAIT_MS && !atomic_load(&g->open); i++)
		usleep(1000);
	return kansa_error_set(KANSA_EDENIED, KANSA_ERRCLASS_LEDGER, "gate");
}

static void *gate_thread(void *arg)
{
	gate *g = arg;

	g->rc = kansa_store__append(g->s, gate_build, g, NULL);
	return NULL;
}

static void wait_queued(kansa_store *s, size_t n)
{
	if (!queue_wait(s, n, true))
		cr_assert_fail("%zu callers never queued behind the gate", n);
}

/* REQ: LEDGER-REQUEST-FITS REQ: LEDGER-BATCH-ISOLATION */
Test(kansa_check, an_oversized_request_fails_no_other_check_in_its_batch, .timeout = KANSA_HANG_GUARD)
{
	ledger_fixture f;
	kansa_ledger *lg = NULL;
	kansa_store *s;
	checker c[LAWFUL + 1];
	pthread_t t[LAWFUL + 1], tg;
	gate g;
	uint64_t commits = 0, appends = 0;
	size_t big_len = KANSA_MAX_CBOR_BYTES; /* the largest request kansa_check ever queued */
	uint8_t *big = malloc(big_len);
	const size_t hostile = LAWFUL / 2;   /* in the middle of the batch */

	cr_assert_not_null(big);
	memset(big, 0x78, big_len);
	fixture_make(&f, 0);
	cr_assert_eq(kansa_ledger_open(&lg, f.db, f.dbkey, 0), 0, "%s", kansa_error_last()->message);
	s = kansa_ledger__store(lg);
	g = (gate){ s, LAWFUL + 1, 0, false };
	cr_assert_eq(pthread_create(&tg, NULL, gate_thread, &g), 0);
	wait_queued(s, 0);
	for (size_t i = 0; i <= LAWFUL; i++) {
		c[i] = (checker){ lg, &f, f.request, f.request_len, { 0 }, -99 };
		if (i == hostile) {
			c[i].request = big;
			c[i].request_len = big_len;
		}
		cr_assert_eq(pthread_create(&t[i], NULL, check_thread, &c[i]), 0);
		wait_queued(s, i + 1); /* FIFO: the hostile request is queued among the others */
	}
	atomic_store(&g.open, true);
	pthread_join(tg, NULL);
	for (size_t i = 0; i <= LAWFUL; i++)
		pthread_join(t[i], NULL);
	cr_expect_eq(g.rc, KANSA_EDENIED);
	kansa_store__stats(s, &commits, &appends);
	cr_expect_eq(commits, 1, "the %d checks shared one commit (%llu)", LAWFUL + 1,
	    (unsigned long long)commits);
	cr_expect_eq(appends, LAWFUL + 1);
	for (size_t i = 0; i <= LAWFUL; i++) {
		cr_expect_eq(c[i].rc, 0, "check %zu failed with %d", i, c[i].rc);
		cr_expect_eq(c[i].r.seq, i + 1, "check %zu has seq %llu", i, (unsigned long long)c[i].r.seq);
		if (i == hostile) {
			cr_expect_eq(c[i].r.verdict, KANSA_DENY);
			cr_expect_eq(c[i].r.reason, KANSA_REASON_MALFORMED_REQUEST);
		} else {
			cr_expect_eq(c[i].r.verdict, KANSA_ALLOW, "lawful check %zu: %s", i, c[i].r.detail);
		}
	}
	expect_hashed(&f, &c[hostile].r, big, big_len, KANSA_REQUEST_FORM_CBOR);
	replay_is_clean(lg, LAWFUL + 1);
	kansa_ledger_close(lg);
	free(big);
	fixture_free(&f);
}

/* REQ: LEDGER-REQUEST-FITS a request up to the bound is kept whole; above it, by hash */
Test(kansa_check, requests_at_and_over_the_bound_are_recorded, .timeout = KANSA_HANG_GUARD)
{
	static const size_t sizes[] = { KANSA_MAX_REQUEST_BYTES, KANSA_MAX_REQUEST_BYTES + 1,
		2u * 1024 * 1024 };
	ledger_fixture f;
	kansa_ledger *lg = NULL;
	uint8_t *big = malloc(sizes[2]);
	kansa_receipt r;

	cr_assert_not_null(big);
	memset(big, 0xff, sizes[2]); /* 0xff: a CBOR "break" with nothing to end */
	fixture_make(&f, 0);
	cr_assert_eq(kansa_ledger_open(&lg, f.db, f.dbkey, 0), 0);
	for (size_t i = 0; i < 3; i++) {
		cr_assert_eq(kansa_check(&r, lg, f.warrant, f.warrant_len, big, sizes[i]), 0, "%zu: %s",
		    sizes[i], kansa_error_last()->message);
		cr_expect_eq(r.verdict, KANSA_DENY);
		cr_expect_eq(r.reason, KANSA_REASON_MALFORMED_REQUEST);
		cr_expect_eq(r.seq, i + 1);
		if (i == 0) {
			kansa_entry e;
			size_t body_len = 0;
			entry_at(&e, &f, r.seq, &body_len);
			cr_expect_not(e.request_hashed);
			cr_expect_eq(e.request_len, KANSA_MAX_REQUEST_BYTES);
			cr_expect_leq(body_len, KANSA_MAX_ENTRY_BYTES);
			kansa_entry__dispose(&e);
		} else {
			expect_hashed(&f, &r, big, sizes[i], KANSA_REQUEST_FORM_CBOR);
		}
	}
	cr_assert_eq(kansa_check(&r, lg, f.warrant, f.warrant_len, f.request, f.request_len), 0);
	cr_expect_eq(r.verdict, KANSA_ALLOW);
	replay_is_clean(lg, 4);
	kansa_ledger_close(lg);
	free(big);
	fixture_free(&f);
}

/* REQ: LEDGER-REQUEST-FITS the fixed part of a decision entry stays under
 * KANSA_MAX_ENTRY_FIXED_BYTES, so the largest kept request fits */
Test(kansa_entry, the_largest_decision_entry_fits_the_bound)
{
	char detail[KANSA_MAX_DETAIL_BYTES + 2];
	uint8_t *req = malloc(KANSA_MAX_REQUEST_BYTES + 1), *out = NULL;
	size_t len = 0;
	kansa_entry e;

	cr_assert_not_null(req);
	memset(req, 0xa5, KANSA_MAX_REQUEST_BYTES + 1);
	memset(detail, 'd', sizeof(detail));
	detail[KANSA_MAX_DETAIL_BYTES] = '\0';
	memset(&e, 0, sizeof(e));
	e = (kansa_entry){ .seq = UINT64_MAX, .time = INT64_MIN, .kind = KANSA_ENTRY_DECISION,
		.request = req, .request_len = KANSA_MAX_REQUEST_BYTES, .has_warrant = true,
		.policy_version = UINT64_MAX, .verdict = KANSA_DENY,
		.reason = KANSA_REASON_TARGET_OUT_OF_SCOPE, .detail = detail, .uses = UINT64_MAX,
		.ratify_by = INT64_MIN };
	cr_assert_eq(kansa_entry__encode(&out, &len, &e), 0, "%s", kansa_error_last()->message);
	cr_expect_leq(len, KANSA_MAX_ENTRY_BYTES);
	cr_expect_leq(len - KANSA_MAX_REQUEST_BYTES, KANSA_MAX_ENTRY_FIXED_BYTES);
	free(out);
	/* one byte more is refused by the encoder, and a longer detail too */
	e.request_len = KANSA_MAX_REQUEST_BYTES + 1;
	cr_expect_eq(kansa_entry__encode(&out, &len, &e), KANSA_ELIMIT);
	cr_expect_null(out);
	e.request_len = 1;
	detail[KANSA_MAX_DETAIL_BYTES] = 'd';
	detail[KANSA_MAX_DETAIL_BYTES + 1] = '\0';
	cr_expect_eq(kansa_entry__encode(&out, &len, &e), KANSA_ELIMIT);
	cr_expect_null(out);
	free(req);
}

Test(kansa_entry, a_hashed_request_round_trips_and_is_exclusive)
{
	kansa_entry e, d;
	uint8_t *out = NULL;
	size_t len = 0;

	memset(&e, 0, sizeof(e));
	e.kind = KANSA_ENTRY_DECISION;
	e.reason = KANSA_REASON_MALFORMED_REQUEST;
	e.request_hashed = true;
	memset(e.request_hash, 0x5a, KANSA_HASH_LEN);
	e.request_size = 5u << 20;
	e.request_form = KANSA_REQUEST_FORM_JSON;
	cr_assert_eq(kansa_entry__encode(&out, &len, &e), 0);
	cr_assert_eq(kansa_entry__decode(&d, out, len), 0, "%s", kansa_error_last()->message);
	cr_expect(d.request_hashed);
	cr_expect_null(d.request);
	cr_expect_arr_eq(d.request_hash, e.request_hash, KANSA_HASH_LEN);
	cr_expect_eq(d.request_size, e.request_size);
	cr_expect_eq(d.request_form, KANSA_REQUEST_FORM_JSON);
	kansa_entry__dispose(&d);
	free(out);
	e.request_form = 7;
	cr_expect_eq(kansa_entry__encode(&out, &len, &e), KANSA_EINVAL);
}

/* ---- a detail cut inside a UTF-8 sequence ------------------------------ */

/* A neutralize request map (unless @p action names another action). */
static void request_as(uint8_t **out, size_t *len, const char *action, const char *officer,
    const char *justification, const char *op)
{
	cbor_item_t *m = kansa_cbor__map();
	kansa_prefix host;

	cr_assert_eq(kansa_prefix__parse_text(&host, "198.51.100.7"), 0);
	cr_assert_eq(kansa_cbor__map_put(m, "requester", kansa_cbor__text("npa-cyber-3")), 0);
	cr_assert_eq(kansa_cbor__map_put(m, "officer", kansa_cbor__text(officer)), 0);
	cr_assert_eq(kansa_cbor__map_put(m, "action", kansa_cbor__text(action)), 0);
	cr_assert_eq(kansa_cbor__map_put(m, "justification", kansa_cbor__text(justification)), 0);
	cr_assert_eq(kansa_cbor__map_put(m, "host", kansa_prefix__to_cbor(&host)), 0);
	cr_assert_eq(kansa_cbor__map_put(m, "op", kansa_cbor__text(op)), 0);
	cr_assert_eq(kansa_cbor__encode(out, len, m), 0);
	cbor_decref(&m);
}

static void request_with(uint8_t **out, size_t *len, const char *officer, const char *justification,
    const char *op)
{
	request_as(out, len, "neutralize", officer, justification, op);
}

/* REQ: LEDGER-BATCH-ISOLATION a detail quoting input is valid text, so its entry encodes */
Test(kansa_check, a_detail_cut_inside_a_character_is_recorded, .timeout = KANSA_HANG_GUARD)
{
	char op[80];
	ledger_fixture f;
	kansa_ledger *lg = NULL;
	kansa_receipt r;
	uint8_t *req = NULL;
	size_t len = 0;
	kansa_entry e;

	/* 63 ASCII letters and a 2-byte character: the parser's quote of an
	 * unknown action ("%.64s") ends in half a character */
	memset(op, 'a', 63);
	memcpy(op + 63, "\xc3\xa9", 3); /* U+00E9 and the NUL */
	request_as(&req, &len, op, "officer-1", "test", "stop-process");
	fixture_make(&f, 0);
	cr_assert_eq(kansa_ledger_open(&lg, f.db, f.dbkey, 0), 0);
	cr_assert_eq(kansa_check(&r, lg, NULL, 0, req, len), 0, "%s", kansa_error_last()->message);
	cr_expect_eq(r.verdict, KANSA_DENY);
	cr_expect_eq(r.reason, KANSA_REASON_MALFORMED_REQUEST);
	entry_at(&e, &f, r.seq, NULL);
	cr_expect_not(e.request_hashed, "a request that fits is kept whole");
	cr_expect_eq(e.request_len, len);
	kansa_entry__dispose(&e);
	replay_is_clean(lg, 1);
	kansa_ledger_close(lg);
	free(req);
	fixture_free(&f);
}

/* ---- officers and justifications of only white space ------------------ */

static const char *const blanks[] = {
	" ", "   ", "\n", "\t", "\r\n", "\xe2\x80\x8b" /* U+200B */, "\xc2\xa0" /* U+00A0 */,
	"\xe3\x80\x80" /* U+3000 */, "\xe2\x80\xa8" /* U+2028 */, "\xef\xbb\xbf" /* U+FEFF */,
	"\xc2\x85" /* U+0085 */, "\xe1\x9a\x80" /* U+1680 */, "\xe2\x80\x8a" /* U+200A */,
	"\xe2\x80\xaf" /* U+202F */, "\xe2\x81\x9f" /* U+205F */, "\xe2\x81\xa0" /* U+2060 */,
	"\xe2\x80\x8d" /* U+200D */, " \xe2\x80\x8b\t\xe3\x80\x80 ",
};

/* REQ: REQUEST-BLANK */
Test(text_is_blank, white_space_and_invisible_characters_only)
{
	for (size_t i = 0; i < sizeof(blanks) / sizeof(blanks[0]); i++)
		cr_expect(kansa_text__is_blank(blanks[i]), "blank %zu", i);
	cr_expect(kansa_text__is_blank(""));
	cr_expect(kansa_text__is_blank(NULL));
	cr_expect_not(kansa_text__is_blank("a"));
	cr_expect_not(kansa_text__is_blank(" \xe2\x80\x8b" "x"));
	cr_expect_not(kansa_text__is_blank("\xe5\xb1\xb1\xe7\x94\xb0")); /* a name in kanji */
	cr_expect_not(kansa_text__is_blank("\xe2\x80\x8c\xe0\xa4\x95")); /* ZWNJ + a letter */
	cr_expect_not(kansa_text__is_blank("\xc2"));                     /* not UTF-8: not blank */
	cr_expect_not(kansa_text__is_blank("\xe0\x80\xa0"));             /* overlong U+0020 */
}

/* REQ: REQUEST-BLANK the parser refuses a blank officer or justification by name */
Test(request_parse, a_blank_officer_or_justification_is_malformed)
{
	for (size_t i = 0; i < sizeof(blanks) / sizeof(blanks[0]); i++) {
		for (int field = 0; field < 2; field++) {
			uint8_t *req = NULL;
			size_t len = 0;
			kansa_request_doc doc;
			kansa_decision d;
			const char *msg;

			request_with(&req, &len, field == 0 ? blanks[i] : "officer-1",
			    field == 1 ? blanks[i] : "test", "stop-process");
			cr_expect_eq(kansa_request__parse(&doc, req, len), KANSA_EFORMAT, "blank %zu, %s", i,
			    field ? "justification" : "officer");
			msg = kansa_error_last()->message;
			cr_expect(strncmp(msg, field ? "justification: " : "officer: ",
			    field ? 15 : 9) == 0, "blank %zu: %s", i, msg);
			cr_expect(strstr(msg, "white space") != NULL || strstr(msg, "control character") != NULL,
			    "blank %zu: %s", i, msg);
			kansa_request__dispose(&doc);
			cr_expect_not(kansa_decide__request(&d, &doc, req, len));
			cr_expect_eq(d.reason, KANSA_REASON_MALFORMED_REQUEST);
			cr_expect_eq(d.verdict, KANSA_DENY);
			kansa_request__dispose(&doc);
			free(req);
		}
	}
}

/* REQ: REQUEST-BLANK through kansa_check (CBOR, kept) and kansa_check_json (recorded by hash) */
Test(kansa_check, a_blank_officer_is_recorded_as_malformed, .timeout = KANSA_HANG_GUARD)
{
	static const char json[] =
	    "{\"requester\":\"npa-cyber-3\",\"officer\":\"\\u3000\",\"action\":\"neutralize\","
	    "\"host\":\"198.51.100.7\",\"op\":\"stop-process\",\"justification\":\"test\"}";
	ledger_fixture f;
	kansa_ledger *lg = NULL;
	kansa_receipt r;
	uint8_t *req = NULL;
	size_t len = 0;
	kansa_entry e;

	request_with(&req, &len, "officer-1", "\xe2\x80\x8b", "stop-process");
	fixture_make(&f, 0);
	cr_assert_eq(kansa_ledger_open(&lg, f.db, f.dbkey, 0), 0);
	cr_assert_eq(kansa_check(&r, lg, NULL, 0, req, len), 0);
	cr_expect_eq(r.verdict, KANSA_DENY);
	cr_expect_eq(r.reason, KANSA_REASON_MALFORMED_REQUEST);
	cr_expect(strstr(r.detail, "justification: must not be only white space") != NULL, "%s", r.detail);
	entry_at(&e, &f, r.seq, NULL);
	cr_expect_eq(e.request_len, len, "kept whole: replay decides on the same bytes");
	kansa_entry__dispose(&e);
	cr_assert_eq(kansa_check_json(&r, lg, NULL, 0, json, strlen(json), (int64_t)time(NULL)), 0);
	cr_expect_eq(r.verdict, KANSA_DENY);
	cr_expect_eq(r.reason, KANSA_REASON_MALFORMED_REQUEST);
	cr_expect(strstr(r.detail, "officer: must not be only white space") != NULL, "%s", r.detail);
	cr_expect(strstr(r.detail, "requester \"npa-cyber-3\"") != NULL, "%s", r.detail);
	expect_hashed(&f, &r, (const uint8_t *)json, strlen(json), KANSA_REQUEST_FORM_JSON);
	replay_is_clean(lg, 2);
	kansa_ledger_close(lg);
	free(req);
	fixture_free(&f);
}

/* REQ: LEDGER-REQUEST-RECORDED JSON that is no request is recorded, never just refused */
Test(kansa_check_json, json_that_does_not_convert_is_recorded, .timeout = KANSA_HANG_GUARD)
{
	static const char *const bad[] = { "{\"requester\": ", "[1, 2]", "\xff\xfe{}",
		"{\"requester\":\"npa-cyber-3\",\"officer\":7,\"action\":\"neutralize\"}", "" };
	ledger_fixture f;
	kansa_ledger *lg = NULL;
	kansa_receipt r;
	char ok[512];
	size_t n = sizeof(bad) / sizeof(bad[0]);

	fixture_make(&f, 0);
	cr_assert_eq(kansa_ledger_open(&lg, f.db, f.dbkey, 0), 0);
	for (size_t i = 0; i < n; i++) {
		cr_assert_eq(kansa_check_json(&r, lg, f.warrant, f.warrant_len, bad[i], strlen(bad[i]),
		    (int64_t)time(NULL)), 0, "%zu: %s", i, kansa_error_last()->message);
		cr_expect_eq(r.verdict, KANSA_DENY);
		cr_expect_eq(r.reason, KANSA_REASON_MALFORMED_REQUEST, "%zu", i);
		cr_expect_eq(r.seq, i + 1);
		expect_hashed(&f, &r, (const uint8_t *)bad[i], strlen(bad[i]), KANSA_REQUEST_FORM_JSON);
	}
	/* a JSON request that converts is decided and kept as its CBOR */
	snprintf(ok, sizeof(ok), "{\"requester\":\"npa-cyber-3\",\"officer\":\"officer-1\","
	    "\"action\":\"metadata-query\",\"targets\":[\"203.0.113.17\"],\"fields\":[\"src_ip\"],"
	    "\"window\":[\"-2d\",\"-1d\"],\"justification\":\"test\"}");
	cr_assert_eq(kansa_check_json(&r, lg, f.warrant, f.warrant_len, ok, strlen(ok),
	    (int64_t)time(NULL)), 0);
	cr_expect_eq(r.verdict, KANSA_ALLOW, "%s", r.detail);
	{
		kansa_entry e;
		entry_at(&e, &f, r.seq, NULL);
		cr_expect_not(e.request_hashed);
		kansa_entry__dispose(&e);
	}
	replay_is_clean(lg, n + 1);
	kansa_ledger_close(lg);
	fixture_free(&f);
}
