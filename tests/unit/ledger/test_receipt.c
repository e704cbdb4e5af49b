/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Signed receipts (design §9): every check returns a COSE_Sign1 signed by the
 * log key, and kansa_receipt_verify() -- with the log's verifier key alone --
 * accepts exactly a valid, unexpired allow receipt of the request it is
 * given. The negative cases are the data holder's threats: a tampered byte,
 * another log's key, a deny, an expired receipt, another request, malformed
 * or non-canonical CBOR, a wrong tag, a wrong content type, a forged field.
 */
#include "tests/unit/hang_guard.h"

#include "fixture.h"
#include "keys/keys.h"
#include "ledger/ledger_impl.h"
#include "ledger/tlog/note.h"
#include "policy/cbor.h"
#include "policy/receipt.h"

/* An open ledger with its log verifier key. */
typedef struct {
	ledger_fixture f;
	kansa_ledger *lg;
	kansa_note_verifier *vkey;
	kansa_ledger_info info;
} rfix;

static void rfix_open(rfix *x)
{
	fixture_make(&x->f, 0);
	cr_assert_eq(kansa_ledger_open(&x->lg, x->f.db, x->f.dbkey, 0), 0, "%s", kansa_error_last()->message);
	cr_assert_eq(kansa_ledger_get_info(&x->info, x->lg), 0);
	cr_assert_eq(kansa_note_verifier_parse(&x->vkey, x->info.log_key, strlen(x->info.log_key)), 0);
}

static void rfix_close(rfix *x)
{
	kansa_note_verifier_free(x->vkey);
	kansa_ledger_close(x->lg);
	fixture_free(&x->f);
}

static void check_allow(kansa_receipt *r, rfix *x)
{
	cr_assert_eq(kansa_check(r, x->lg, x->f.warrant, x->f.warrant_len, x->f.request, x->f.request_len), 0,
	    "%s", kansa_error_last()->message);
	cr_assert_eq(r->verdict, KANSA_ALLOW, "%s", r->detail);
	cr_assert(r->recorded);
	cr_assert_gt(r->cose_len, 0);
}

static int verify(kansa_receipt_info *out, const uint8_t *cose, size_t len, rfix *x, int64_t now)
{
	return kansa_receipt_verify(out, cose, len, x->vkey, x->f.request, x->f.request_len, now);
}

/* REQ: RECEIPT-SIGN REQ: RECEIPT-AFTER-COMMIT */
Test(receipt_verify, allow_receipt_verifies_with_the_log_key, .timeout = KANSA_HANG_GUARD)
{
	rfix x;
	kansa_receipt r;
	kansa_receipt_info ri, pi;
	char hex[2 * KANSA_HASH_LEN + 1];
	uint8_t h[KANSA_HASH_LEN];

	rfix_open(&x);
	check_allow(&r, &x);
	cr_assert_eq(verify(&ri, r.cose, r.cose_len, &x, r.time), 0, "%s", kansa_error_last()->message);
	cr_expect_str_eq(ri.log, x.info.origin);
	cr_expect_eq(ri.seq, r.seq);
	cr_expect(memcmp(ri.leaf_hash, r.leaf_hash, KANSA_HASH_LEN) == 0);
	cr_expect_eq(ri.time, r.time);
	cr_expect_eq(ri.not_after, r.time + KANSA_RECEIPT_TTL);
	cr_expect_eq(ri.verdict, KANSA_ALLOW);
	cr_expect_eq(ri.reason, KANSA_REASON_ALLOWED);
	cr_expect(ri.has_warrant);
	cr_expect_str_eq(ri.action, "metadata-query");
	cr_expect_str_eq(ri.requester, "npa-cyber-3");
	cr_expect_str_eq(ri.officer, "officer-1");
	cr_assert_eq(kansa_sha256(h, x.f.request, x.f.request_len), 0);
	kansa_hex_encode(hex, ri.request_hash, KANSA_HASH_LEN);
	cr_expect(memcmp(ri.request_hash, h, KANSA_HASH_LEN) == 0, "request hash %s", hex);
	/* parse alone gives the same fields */
	cr_assert_eq(kansa_receipt_parse(&pi, r.cose, r.cose_len), 0);
	cr_expect(memcmp(&pi, &ri, sizeof(pi)) == 0);
	/* valid until just before not_after */
	cr_expect_eq(verify(&ri, r.cose, r.cose_len, &x, r.time + KANSA_RECEIPT_TTL - 1), 0);
	rfix_close(&x);
}

/* REQ: RECEIPT-TRUTH a signing failure after the commit says the entry is recorded */
Test(receipt_sign, failure_after_the_commit_reports_the_entry_recorded, .timeout = KANSA_HANG_GUARD)
{
	rfix x;
	kansa_receipt r, r2;
	kansa_ledger_info before, after;

	rfix_open(&x);
	cr_assert_eq(kansa_ledger_get_info(&before, x.lg), 0);
	kansa_ledger__set_receipt_fault(KANSA_ERROR);
	cr_expect_eq(kansa_check(&r, x.lg, x.f.warrant, x.f.warrant_len, x.f.request, x.f.request_len),
	    KANSA_ERROR);
	kansa_ledger__set_receipt_fault(0);
	cr_expect(r.recorded, "the entry is in the ledger");
	cr_expect_eq(r.cose_len, 0, "no receipt");
	cr_expect_eq(r.verdict, KANSA_ALLOW, "the verdict is what the entry records");
	cr_expect_eq(r.seq, before.size);
	cr_expect(strstr(r.detail, "recorded as entry") != NULL, "%s", r.detail);
	cr_expect(strstr(kansa_error_last()->message, "recorded") != NULL, "%s", kansa_error_last()->message);
	cr_expect(strstr(r.detail, "not recorded") == NULL, "%s", r.detail);
	cr_assert_eq(kansa_ledger_get_info(&after, x.lg), 0);
	cr_expect_eq(after.size, before.size + 1, "the entry was committed");
	cr_expect(memcmp(after.head, r.leaf_hash, KANSA_HASH_LEN) == 0);
	/* the fault gone, receipts are signed again */
	check_allow(&r2, &x);
	cr_expect_eq(r2.seq, r.seq + 1);
	rfix_close(&x);
}

/* REQ: RECEIPT-TTL */
Test(receipt_verify, refuses_an_expired_receipt, .timeout = KANSA_HANG_GUARD)
{
	rfix x;
	kansa_receipt r;
	kansa_receipt_info ri;

	rfix_open(&x);
	check_allow(&r, &x);
	cr_expect_eq(verify(&ri, r.cose, r.cose_len, &x, r.time + KANSA_RECEIPT_TTL), KANSA_EEXPIRED);
	cr_expect_eq(verify(&ri, r.cose, r.cose_len, &x, INT64_MAX), KANSA_EEXPIRED);
	cr_expect_eq(ri.seq, r.seq, "the fields are given once the signature verified");
	rfix_close(&x);
}

/* REQ: RECEIPT-KID REQ: RECEIPT-LOG */
Test(receipt_verify, refuses_another_logs_key, .timeout = KANSA_HANG_GUARD)
{
	FIXTURE_FILE_ONLY();
	rfix x, y;
	kansa_receipt r;
	kansa_receipt_info ri;

	rfix_open(&x);
	rfix_open(&y);
	check_allow(&r, &x);
	cr_expect_eq(kansa_receipt_verify(&ri, r.cose, r.cose_len, y.vkey, x.f.request, x.f.request_len, r.time),
	    KANSA_EVERIFY);
	cr_expect(strstr(kansa_error_last()->message, "not by the log key") != NULL, "%s",
	    kansa_error_last()->message);
	cr_expect_eq(ri.seq, 0, "nothing is handed out before the signature verified");
	rfix_close(&y);
	rfix_close(&x);
}

/* REQ: RECEIPT-LOG the same key under another log name is another log */
Test(receipt_verify, refuses_the_key_under_another_log_name, .timeout = KANSA_HANG_GUARD)
{
	rfix x;
	kansa_receipt r;
	kansa_receipt_info ri;
	kansa_note_verifier *other = NULL;

	rfix_open(&x);
	check_allow(&r, &x);
	cr_assert_eq(kansa_note_verifier_from_key(&other, x.vkey->key, "kansa/other-log"), 0);
	cr_expect_eq(kansa_receipt_verify(&ri, r.cose, r.cose_len, other, x.f.request, x.f.request_len, r.time),
	    KANSA_EVERIFY);
	cr_expect(strstr(kansa_error_last()->message, "from log") != NULL, "%s", kansa_error_last()->message);
	kansa_note_verifier_free(other);
	rfix_close(&x);
}

/* REQ: RECEIPT-ALLOW */
Test(receipt_verify, a_deny_receipt_is_denied, .timeout = KANSA_HANG_GUARD)
{
	rfix x;
	kansa_receipt r;
	kansa_receipt_info ri;
	uint8_t *req = NULL;
	size_t len = 0;
	const char *json = "{\"requester\":\"someone-else\",\"officer\":\"officer-1\",\"action\":\"metadata-query\","
	    "\"targets\":[\"203.0.113.17\"],\"fields\":[\"src_ip\"],\"window\":[\"-2d\",\"-1d\"],\"justification\":\"test\"}";

	rfix_open(&x);
	cr_assert_eq(kansa_request_from_json(&req, &len, json, strlen(json), (int64_t)time(NULL)), 0);
	cr_assert_eq(kansa_check(&r, x.lg, x.f.warrant, x.f.warrant_len, req, len), 0);
	cr_assert_eq(r.verdict, KANSA_DENY);
	cr_assert_gt(r.cose_len, 0, "a deny is signed too");
	cr_expect_eq(kansa_receipt_verify(&ri, r.cose, r.cose_len, x.vkey, req, len, r.time), KANSA_EDENIED);
	cr_expect_eq(ri.verdict, KANSA_DENY);
	cr_expect_eq(ri.reason, KANSA_REASON_WRONG_REQUESTER);
	cr_expect_str_eq(ri.requester, "someone-else");
	free(req);
	rfix_close(&x);
}

/* REQ: RECEIPT-REQUEST */
Test(receipt_verify, refuses_another_request, .timeout = KANSA_HANG_GUARD)
{
	rfix x;
	kansa_receipt r;
	kansa_receipt_info ri;
	uint8_t *req = NULL;
	size_t len = 0;
	const char *json = "{\"requester\":\"npa-cyber-3\",\"officer\":\"officer-1\",\"action\":\"metadata-query\","
	    "\"targets\":[\"203.0.113.18\"],\"fields\":[\"src_ip\"],\"window\":[\"-2d\",\"-1d\"],\"justification\":\"test\"}";

	rfix_open(&x);
	check_allow(&r, &x);
	cr_assert_eq(kansa_request_from_json(&req, &len, json, strlen(json), (int64_t)time(NULL)), 0);
	cr_expect_eq(kansa_receipt_verify(&ri, r.cose, r.cose_len, x.vkey, req, len, r.time), KANSA_EVERIFY);
	cr_expect(strstr(kansa_error_last()->message, "another request") != NULL);
	cr_expect_eq(kansa_receipt_verify(&ri, r.cose, r.cose_len, x.vkey, x.f.request, x.f.request_len - 1,
	    r.time), KANSA_EVERIFY);
	free(req);
	rfix_close(&x);
}

/* REQ: RECEIPT-ACT an unreadable request's receipt proves nothing was allowed */
Test(receipt_verify, malformed_request_receipt_is_no_act, .timeout = KANSA_HANG_GUARD)
{
	rfix x;
	kansa_receipt r;
	kansa_receipt_info ri;
	const uint8_t junk[] = { 0xa1, 0x61, 0x78, 0x01 };

	rfix_open(&x);
	cr_assert_eq(kansa_check(&r, x.lg, x.f.warrant, x.f.warrant_len, junk, sizeof(junk)), 0);
	cr_assert_eq(r.reason, KANSA_REASON_MALFORMED_REQUEST);
	cr_assert_gt(r.cose_len, 0);
	cr_expect_eq(kansa_receipt_verify(&ri, r.cose, r.cose_len, x.vkey, junk, sizeof(junk), r.time),
	    KANSA_EVERIFY);
	cr_expect_str_eq(ri.action, "");
	cr_expect_str_eq(ri.requester, "");
	rfix_close(&x);
}

Test(receipt_verify, json_check_binds_the_canonical_cbor, .timeout = KANSA_HANG_GUARD)
{
	rfix x;
	kansa_receipt r;
	kansa_receipt_info ri;
	uint8_t *req = NULL;
	size_t len = 0;
	int64_t now = (int64_t)time(NULL); /* one time for both conversions */
	const char *json = "{\"requester\":\"npa-cyber-3\",\"officer\":\"officer-1\",\"action\":\"metadata-query\","
	    "\"targets\":[\"203.0.113.17\"],\"fields\":[\"src_ip\"],\"window\":[\"-2d\",\"-1d\"],\"justification\":\"json\"}";

	rfix_open(&x);
	cr_assert_eq(kansa_check_json(&r, x.lg, x.f.warrant, x.f.warrant_len, json, strlen(json), now), 0);
	cr_assert_eq(r.verdict, KANSA_ALLOW, "%s", r.detail);
	cr_assert_eq(kansa_request_from_json(&req, &len, json, strlen(json), now), 0);
	cr_expect_eq(kansa_receipt_verify(&ri, r.cose, r.cose_len, x.vkey, req, len, r.time), 0, "%s",
	    kansa_error_last()->message);
	cr_expect_eq(kansa_receipt_verify(&ri, r.cose, r.cose_len, x.vkey, (const uint8_t *)json, strlen(json),
	    r.time), KANSA_EVERIFY, "the JSON text is not what was decided on");
	free(req);
	rfix_close(&x);
}

/* REQ: RECEIPT-SIG every single-bit change is refused (under valgrind, a bit of every byte) */
Test(receipt_verify, refuses_every_flipped_bit, .timeout = KANSA_HANG_GUARD)
{
	/* under valgrind one bit of each byte, a different one from byte to byte */
	const int bits = kansa_test_scaled(8, 1);
	rfix x;
	kansa_receipt r;
	kansa_receipt_info ri;
	uint8_t buf[KANSA_RECEIPT_MAX_BYTES];

	rfix_open(&x);
	check_allow(&r, &x);
	for (size_t i = 0; i < r.cose_len; i++) {
		for (int b = 0; b < bits; b++) {
			int bit = bits == 8 ? b : (int)(i % 8), rc;

			memcpy(buf, r.cose, r.cose_len);
			buf[i] ^= (uint8_t)(1u << bit);
			rc = verify(&ri, buf, r.cose_len, &x, r.time);
			cr_assert(rc == KANSA_EFORMAT || rc == KANSA_EVERIFY || rc == KANSA_ELIMIT,
			    "flip of bit %d of byte %zu: %d (%s)", bit, i, rc, kansa_error_last()->message);
		}
	}
	rfix_close(&x);
}

/* ---- forged and malformed receipts --------------------------------------- */

/* A COSE_Sign1 around @p prot and @p payload, signed (over the honest
 * Sig_structure) by @p key, with @p tag head bytes in front. */
static size_t forge(uint8_t *out, size_t cap, const uint8_t *tag, size_t tag_len, const uint8_t *prot,
    size_t prot_len, const uint8_t *payload, size_t payload_len, const kansa_key *key)
{
	cbor_item_t *tbs = kansa_cbor__array(), *msg = kansa_cbor__array();
	uint8_t sig[KANSA_SIG_LEN], *tb = NULL, *enc = NULL;
	size_t tb_len = 0, n = 0;

	cr_assert_eq(kansa_cbor__array_push(tbs, kansa_cbor__text("Signature1")), 0);
	cr_assert_eq(kansa_cbor__array_push(tbs, kansa_cbor__bytes(prot, prot_len)), 0);
	cr_assert_eq(kansa_cbor__array_push(tbs, kansa_cbor__bytes(NULL, 0)), 0);
	cr_assert_eq(kansa_cbor__array_push(tbs, kansa_cbor__bytes(payload, payload_len)), 0);
	cr_assert_eq(kansa_cbor__encode(&tb, &tb_len, tbs), 0);
	cr_assert_eq(kansa_key_sign(sig, key, tb, tb_len), 0);
	cr_assert_eq(kansa_cbor__array_push(msg, kansa_cbor__bytes(prot, prot_len)), 0);
	cr_assert_eq(kansa_cbor__array_push(msg, kansa_cbor__map()), 0);
	cr_assert_eq(kansa_cbor__array_push(msg, kansa_cbor__bytes(payload, payload_len)), 0);
	cr_assert_eq(kansa_cbor__array_push(msg, kansa_cbor__bytes(sig, sizeof(sig))), 0);
	cr_assert_eq(kansa_cbor__encode(&enc, &n, msg), 0);
	cr_assert_leq(tag_len + n, cap);
	memcpy(out, tag, tag_len);
	memcpy(out + tag_len, enc, n);
	free(tb);
	free(enc);
	cbor_decref(&tbs);
	cbor_decref(&msg);
	return tag_len + n;
}

/* A standalone log: a key and its verifier, and an honest allow receipt's fields. */
typedef struct {
	kansa_key *key;
	kansa_note_verifier *vkey;
	kansa_receipt_info info;
	uint8_t request[3];
} flog;

static void flog_make(flog *l)
{
	memset(l, 0, sizeof(*l));
	cr_assert_eq(kansa_key_generate(&l->key), 0);
	cr_assert_eq(kansa_note_verifier_from_key(&l->vkey, l->key, "kansa/test/0011223344556677"), 0);
	snprintf(l->info.log, sizeof(l->info.log), "kansa/test/0011223344556677");
	kansa_key_kid(l->info.kid, l->key);
	l->info.seq = 7;
	l->info.time = 1000;
	l->info.not_after = 1300;
	l->info.verdict = KANSA_ALLOW;
	l->info.reason = KANSA_REASON_ALLOWED;
	memcpy(l->request, "\xa0\xa0\xa0", 3);
	cr_assert_eq(kansa_sha256(l->info.request_hash, l->request, 1), 0); /* the request is h'a0' ({}) */
	snprintf(l->info.action, sizeof(l->info.action), "neutralize");
	snprintf(l->info.requester, sizeof(l->info.requester), "npa-cyber-3");
	snprintf(l->info.officer, sizeof(l->info.officer), "officer-1");
}

static void flog_free(flog *l)
{
	kansa_note_verifier_free(l->vkey);
	kansa_key_free(l->key);
}

static int flog_verify(flog *l, const uint8_t *cose, size_t len)
{
	kansa_receipt_info ri;

	return kansa_receipt_verify(&ri, cose, len, l->vkey, l->request, 1, 1100);
}

/* An honest receipt of l->info; its parts stay in @p p. */
static size_t honest(uint8_t *out, flog *l, kansa_receipt_parts *p)
{
	static const uint8_t tag18[] = { 0xd2 };

	cr_assert_eq(kansa_receipt__encode(p, &l->info), 0, "%s", kansa_error_last()->message);
	return forge(out, KANSA_RECEIPT_MAX_BYTES, tag18, 1, p->protected_hdr, p->protected_len, p->payload,
	    p->payload_len, l->key);
}

Test(receipt_parse, forged_baseline_verifies_and_assembles_the_same, .timeout = KANSA_HANG_GUARD)
{
	flog l;
	kansa_receipt_parts p;
	uint8_t a[KANSA_RECEIPT_MAX_BYTES], b[KANSA_RECEIPT_MAX_BYTES], sig[KANSA_SIG_LEN];
	size_t n, m = 0;

	flog_make(&l);
	n = honest(a, &l, &p);
	cr_expect_eq(flog_verify(&l, a, n), 0, "%s", kansa_error_last()->message);
	memcpy(sig, a + n - KANSA_SIG_LEN, KANSA_SIG_LEN);
	cr_assert_eq(kansa_receipt__assemble(b, sizeof(b), &m, &p, sig), 0);
	cr_expect_eq(m, n);
	cr_expect(memcmp(a, b, n) == 0, "the test's forge and the library agree byte for byte");
	cr_expect_eq(kansa_receipt__assemble(b, n - 1, &m, &p, sig), KANSA_ELIMIT);
	kansa_receipt__parts_dispose(&p);
	flog_free(&l);
}

/* REQ: RECEIPT-TAG */
Test(receipt_parse, refuses_a_wrong_or_non_canonical_tag, .timeout = KANSA_HANG_GUARD)
{
	flog l;
	kansa_receipt_parts p;
	uint8_t a[KANSA_RECEIPT_MAX_BYTES];
	static const uint8_t t17[] = { 0xd1 }, t18long[] = { 0xd8, 0x12 }, t98[] = { 0xd8, 0x62 };
	size_t n;

	flog_make(&l);
	honest(a, &l, &p);
	n = forge(a, sizeof(a), t17, 1, p.protected_hdr, p.protected_len, p.payload, p.payload_len, l.key);
	cr_expect_eq(flog_verify(&l, a, n), KANSA_EFORMAT);
	n = forge(a, sizeof(a), t18long, 2, p.protected_hdr, p.protected_len, p.payload, p.payload_len, l.key);
	cr_expect_eq(flog_verify(&l, a, n), KANSA_EFORMAT);
	n = forge(a, sizeof(a), t98, 2, p.protected_hdr, p.protected_len, p.payload, p.payload_len, l.key);
	cr_expect_eq(flog_verify(&l, a, n), KANSA_EFORMAT);
	n = forge(a, sizeof(a), t17, 0, p.protected_hdr, p.protected_len, p.payload, p.payload_len, l.key);
	cr_expect_eq(flog_verify(&l, a, n), KANSA_EFORMAT, "untagged");
	kansa_receipt__parts_dispose(&p);
	flog_free(&l);
}

/* REQ: RECEIPT-HDR */
Test(receipt_parse, refuses_a_wrong_content_type_or_alg, .timeout = KANSA_HANG_GUARD)
{
	flog l;
	kansa_receipt_parts p;
	uint8_t a[KANSA_RECEIPT_MAX_BYTES], prot[64];
	static const uint8_t t18[] = { 0xd2 };
	const char *ct = "application/kansa-warrant+cbor";
	size_t n, k = 0;

	flog_make(&l);
	honest(a, &l, &p);
	/* {1: -8, 3: ct, 4: kid} by hand, canonical */
	prot[k++] = 0xa3; prot[k++] = 0x01; prot[k++] = 0x27; prot[k++] = 0x03;
	prot[k++] = 0x78; prot[k++] = (uint8_t)strlen(ct); /* 30 bytes: a one-byte length */
	memcpy(prot + k, ct, strlen(ct)); k += strlen(ct);
	prot[k++] = 0x04; prot[k++] = 0x48;
	memcpy(prot + k, l.info.kid, KANSA_KID_LEN); k += KANSA_KID_LEN;
	n = forge(a, sizeof(a), t18, 1, prot, k, p.payload, p.payload_len, l.key);
	cr_expect_eq(flog_verify(&l, a, n), KANSA_EFORMAT);
	cr_expect(strstr(kansa_error_last()->message, "content type") != NULL, "%s", kansa_error_last()->message);
	/* the honest header with alg -7 (ES256) */
	memcpy(prot, p.protected_hdr, p.protected_len);
	cr_assert_eq(prot[2], 0x27);
	prot[2] = 0x26;
	n = forge(a, sizeof(a), t18, 1, prot, p.protected_len, p.payload, p.payload_len, l.key);
	cr_expect_eq(flog_verify(&l, a, n), KANSA_EFORMAT);
	kansa_receipt__parts_dispose(&p);
	flog_free(&l);
}

/* REQ: RECEIPT-SHAPE */
Test(receipt_parse, refuses_non_canonical_or_misshapen_payloads, .timeout = KANSA_HANG_GUARD)
{
	flog l;
	kansa_receipt_parts p;
	uint8_t a[KANSA_RECEIPT_MAX_BYTES], pay[KANSA_RECEIPT_MAX_BYTES];
	static const uint8_t t18[] = { 0xd2 };
	size_t n;

	flog_make(&l);
	honest(a, &l, &p);
	/* the map head 0xac (12) as the non-shortest 0xb8 0x0c */
	cr_assert_eq(p.payload[0], 0xac);
	pay[0] = 0xb8; pay[1] = 0x0c;
	memcpy(pay + 2, p.payload + 1, p.payload_len - 1);
	n = forge(a, sizeof(a), t18, 1, p.protected_hdr, p.protected_len, pay, p.payload_len + 1, l.key);
	cr_expect_eq(flog_verify(&l, a, n), KANSA_EFORMAT);
	/* an empty map: no field at all */
	n = forge(a, sizeof(a), t18, 1, p.protected_hdr, p.protected_len, (const uint8_t *)"\xa0", 1, l.key);
	cr_expect_eq(flog_verify(&l, a, n), KANSA_EFORMAT);
	/* a payload that is not even CBOR */
	n = forge(a, sizeof(a), t18, 1, p.protected_hdr, p.protected_len, (const uint8_t *)"\xff", 1, l.key);
	cr_expect_eq(flog_verify(&l, a, n), KANSA_EFORMAT);
	kansa_receipt__parts_dispose(&p);
	/* an allow with a denial reason, though honestly signed */
	l.info.reason = KANSA_REASON_EXPIRED;
	n = honest(a, &l, &p);
	cr_expect_eq(flog_verify(&l, a, n), KANSA_EFORMAT);
	kansa_receipt__parts_dispose(&p);
	flog_free(&l);
}

Test(receipt_parse, refuses_trailing_truncated_and_oversized_input, .timeout = KANSA_HANG_GUARD)
{
	flog l;
	kansa_receipt_parts p;
	uint8_t a[KANSA_RECEIPT_MAX_BYTES + 8];
	kansa_receipt_info ri;
	size_t n;

	flog_make(&l);
	n = honest(a, &l, &p);
	a[n] = 0x00;
	cr_expect_eq(flog_verify(&l, a, n + 1), KANSA_EFORMAT, "trailing byte");
	for (size_t cut = 0; cut < n; cut++)
		cr_expect_eq(flog_verify(&l, a, cut), KANSA_EFORMAT, "truncated to %zu bytes", cut);
	memset(a, 0, sizeof(a));
	cr_expect_eq(kansa_receipt_parse(&ri, a, KANSA_RECEIPT_MAX_BYTES + 1), KANSA_ELIMIT);
	cr_expect_eq(kansa_receipt_verify(&ri, a, 4, NULL, NULL, 0, 0), KANSA_EINVAL);
	kansa_receipt__parts_dispose(&p);
	flog_free(&l);
}

/* REQ: RECEIPT-KID a key that is not the log's, even with the log's kid */
Test(receipt_parse, refuses_a_signature_by_another_key_under_the_logs_kid, .timeout = KANSA_HANG_GUARD)
{
	flog l, m;
	kansa_receipt_parts p;
	uint8_t a[KANSA_RECEIPT_MAX_BYTES];
	static const uint8_t t18[] = { 0xd2 };
	size_t n;

	flog_make(&l);
	flog_make(&m);
	cr_assert_eq(kansa_receipt__encode(&p, &l.info), 0);
	n = forge(a, sizeof(a), t18, 1, p.protected_hdr, p.protected_len, p.payload, p.payload_len, m.key);
	cr_expect_eq(flog_verify(&l, a, n), KANSA_EVERIFY);
	cr_expect(strstr(kansa_error_last()->message, "does not verify") != NULL, "%s", kansa_error_last()->message);
	kansa_receipt__parts_dispose(&p);
	flog_free(&m);
	flog_free(&l);
}

/* REQ: RECEIPT-ACT a commission entry's receipt releases nothing */
Test(receipt_parse, refuses_a_receipt_that_records_no_act, .timeout = KANSA_HANG_GUARD)
{
	flog l;
	kansa_receipt_parts p;
	uint8_t a[KANSA_RECEIPT_MAX_BYTES];
	size_t n;

	flog_make(&l);
	snprintf(l.info.action, sizeof(l.info.action), "revocation");
	n = honest(a, &l, &p);
	cr_expect_eq(flog_verify(&l, a, n), KANSA_EVERIFY);
	cr_expect(strstr(kansa_error_last()->message, "not an act") != NULL, "%s", kansa_error_last()->message);
	kansa_receipt__parts_dispose(&p);
	flog_free(&l);
}

/* ---- the writers against the tree encoder -------------------------------- */

/* The payload as the tree encoder writes it: the map of design §9, its keys
 * sorted by kansa_cbor__encode. */
static void tree_payload(uint8_t **out, size_t *len, const kansa_receipt_info *r)
{
	cbor_item_t *m = kansa_cbor__map();

#define TEXT_OR_NULL(s) ((s)[0] ? kansa_cbor__text(s) : cbor_new_null())
	cr_assert_eq(kansa_cbor__map_put(m, "log", kansa_cbor__text(r->log)), 0);
	cr_assert_eq(kansa_cbor__map_put(m, "seq", kansa_cbor__uint(r->seq)), 0);
	cr_assert_eq(kansa_cbor__map_put(m, "leaf", kansa_cbor__bytes(r->leaf_hash, KANSA_HASH_LEN)), 0);
	cr_assert_eq(kansa_cbor__map_put(m, "time", kansa_cbor__int(r->time)), 0);
	cr_assert_eq(kansa_cbor__map_put(m, "decision", kansa_cbor__text(r->verdict == KANSA_ALLOW ? "allow" : "deny")), 0);
	cr_assert_eq(kansa_cbor__map_put(m, "reason", kansa_cbor__text(kansa_reason_name(r->reason))), 0);
	cr_assert_eq(kansa_cbor__map_put(m, "request", kansa_cbor__bytes(r->request_hash, KANSA_HASH_LEN)), 0);
	cr_assert_eq(kansa_cbor__map_put(m, "warrant", r->has_warrant ?
	    kansa_cbor__bytes(r->warrant_cti, sizeof(r->warrant_cti)) : cbor_new_null()), 0);
	cr_assert_eq(kansa_cbor__map_put(m, "action", TEXT_OR_NULL(r->action)), 0);
	cr_assert_eq(kansa_cbor__map_put(m, "requester", TEXT_OR_NULL(r->requester)), 0);
	cr_assert_eq(kansa_cbor__map_put(m, "officer", TEXT_OR_NULL(r->officer)), 0);
	cr_assert_eq(kansa_cbor__map_put(m, "not_after", kansa_cbor__int(r->not_after)), 0);
#undef TEXT_OR_NULL
	cr_assert_eq(kansa_cbor__encode(out, len, m), 0);
	cbor_decref(&m);
}

static void expect_tree_bytes(const kansa_receipt_info *r, const char *what)
{
	kansa_receipt_parts p;
	cbor_item_t *h = kansa_cbor__map();
	uint8_t *pay = NULL, *prot = NULL;
	size_t pay_len = 0, prot_len = 0;

	cr_assert_eq(kansa_receipt__encode(&p, r), 0, "%s: %s", what, kansa_error_last()->message);
	tree_payload(&pay, &pay_len, r);
	cr_expect(p.payload_len == pay_len && memcmp(p.payload, pay, pay_len) == 0,
	    "%s: the payload is the tree encoder's, byte for byte", what);
	cr_assert_eq(kansa_cbor__map_put_int(h, 4, kansa_cbor__bytes(r->kid, KANSA_KID_LEN)), 0);
	cr_assert_eq(kansa_cbor__map_put_int(h, 1, kansa_cbor__int(-8)), 0);
	cr_assert_eq(kansa_cbor__map_put_int(h, 3, kansa_cbor__text(KANSA_RECEIPT_CONTENT_TYPE)), 0);
	cr_assert_eq(kansa_cbor__encode(&prot, &prot_len, h), 0);
	cr_expect(p.protected_len == prot_len && memcmp(p.protected_hdr, prot, prot_len) == 0,
	    "%s: the protected header is the tree encoder's", what);
	free(pay);
	free(prot);
	cbor_decref(&h);
	kansa_receipt__parts_dispose(&p);
}

Test(receipt_encode, writes_what_the_tree_encoder_writes, .timeout = KANSA_HANG_GUARD)
{
	flog l;

	flog_make(&l);
	expect_tree_bytes(&l.info, "an allow with every field");
	l.info.has_warrant = true;
	memset(l.info.warrant_cti, 0xab, sizeof(l.info.warrant_cti));
	l.info.seq = UINT64_C(0x7fffffffffffffff);
	l.info.time = -1;
	l.info.not_after = INT64_MAX;
	expect_tree_bytes(&l.info, "a warrant, the widest seq, a negative time");
	l.info.verdict = KANSA_DENY;
	l.info.reason = KANSA_REASON_EXPIRED;
	l.info.has_warrant = false;
	l.info.action[0] = l.info.requester[0] = l.info.officer[0] = '\0';
	l.info.seq = 24;
	l.info.time = 65536;
	expect_tree_bytes(&l.info, "a deny with null action, requester, officer and warrant");
	snprintf(l.info.officer, sizeof(l.info.officer), "officer-\xc3\xa9");
	expect_tree_bytes(&l.info, "a multi-byte UTF-8 officer");
	flog_free(&l);
}

/* REQ: CBOR-CANON a receipt's text is valid UTF-8, or nothing is signed */
Test(receipt_encode, refuses_invalid_utf8, .timeout = KANSA_HANG_GUARD)
{
	flog l;
	kansa_receipt_parts p;

	flog_make(&l);
	snprintf(l.info.requester, sizeof(l.info.requester), "unit-\xc0\x80");
	cr_expect_eq(kansa_receipt__encode(&p, &l.info), KANSA_EINVAL);
	kansa_receipt__parts_dispose(&p);
	flog_free(&l);
}
