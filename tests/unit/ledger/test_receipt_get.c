/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kansa_ledger_receipt() (design §9): the receipt of an entry rebuilt from
 * the ledger is the very receipt the check returned; and where the entry
 * and what the code reads now disagree (an entry the check would not have
 * written), nothing is signed. The disagreeing entries are appended to the
 * store directly, as a damaged or foreign ledger could hold them.
 */
#include "tests/unit/hang_guard.h"

#include "fixture.h"
#include "ledger/ledger_impl.h"

static void open_ledger(ledger_fixture *f, kansa_ledger **lg)
{
	fixture_make(f, 0);
	cr_assert_eq(kansa_ledger_open(lg, f->db, f->dbkey, 0), 0, "%s", kansa_error_last()->message);
}

static void assert_same(kansa_ledger *lg, const kansa_receipt *r)
{
	uint8_t *got = NULL;
	size_t len = 0;

	cr_assert_eq(kansa_ledger_receipt(&got, &len, lg, r->seq), 0, "%s", kansa_error_last()->message);
	cr_assert_eq(len, r->cose_len);
	cr_assert_eq(memcmp(got, r->cose, len), 0, "entry %llu: rebuilt receipt differs", (unsigned long long)r->seq);
	free(got);
}

/* REQ: RECEIPT-GET-SAME */
Test(receipt_get, rebuilt_receipts_are_the_returned_bytes, .timeout = KANSA_HANG_GUARD)
{
	ledger_fixture f;
	kansa_ledger *lg;
	kansa_receipt r;
	static const uint8_t junk[] = { 0xff, 0x00 };

	open_ledger(&f, &lg);
	cr_assert_eq(kansa_check(&r, lg, f.warrant, f.warrant_len, f.request, f.request_len), 0);
	cr_assert_eq(r.verdict, KANSA_ALLOW, "%s", r.detail);
	assert_same(lg, &r);
	cr_assert_eq(kansa_check(&r, lg, NULL, 0, f.request, f.request_len), 0); /* no warrant */
	cr_assert_eq(r.verdict, KANSA_DENY);
	assert_same(lg, &r);
	cr_assert_eq(kansa_check(&r, lg, junk, sizeof(junk), f.request, f.request_len), 0); /* malformed warrant */
	cr_assert_eq(r.reason, KANSA_REASON_MALFORMED_WARRANT);
	assert_same(lg, &r);
	/* the policy's bytes as the warrant: stored as the policy, decided malformed-warrant */
	cr_assert_eq(kansa_check(&r, lg, f.policy, f.policy_len, f.request, f.request_len), 0);
	cr_assert_eq(r.reason, KANSA_REASON_MALFORMED_WARRANT);
	assert_same(lg, &r);
	cr_assert_eq(kansa_check(&r, lg, f.warrant, f.warrant_len, junk, sizeof(junk)), 0); /* malformed request */
	cr_assert_eq(r.reason, KANSA_REASON_MALFORMED_REQUEST);
	assert_same(lg, &r);
	kansa_ledger_close(lg);
	fixture_free(&f);
}

Test(receipt_get, unknown_entry_and_entry_0_are_not_found, .timeout = KANSA_HANG_GUARD)
{
	ledger_fixture f;
	kansa_ledger *lg;
	uint8_t *got = (uint8_t *)&f;
	size_t len = 1;

	open_ledger(&f, &lg);
	cr_assert_eq(kansa_ledger_receipt(&got, &len, lg, 0), KANSA_ENOTFOUND);
	cr_assert_null(got);
	cr_assert_eq(len, 0);
	cr_assert_eq(kansa_ledger_receipt(&got, &len, lg, 1), KANSA_ENOTFOUND);
	cr_assert_eq(kansa_ledger_receipt(&got, &len, lg, UINT64_MAX), KANSA_ENOTFOUND);
	cr_assert_eq(kansa_ledger_receipt(NULL, &len, lg, 0), KANSA_EINVAL);
	kansa_ledger_close(lg);
	fixture_free(&f);
}

/* A decision entry as given, appended without deciding. */
typedef struct {
	const uint8_t *request;
	size_t request_len;
	int reason;
	uint64_t policy_version;
	bool warrant;       /* name a warrant document the ledger does not hold */
} raw_decision;

static int build_raw(void *vctx, kansa_store *s, const kansa_store_pos *pos, kansa_store_entry *out)
{
	const raw_decision *c = vctx;
	kansa_entry e;

	memset(&e, 0, sizeof(e));
	e.seq = pos->seq;
	e.time = kansa_ledger__entry_time(pos);
	e.kind = KANSA_ENTRY_DECISION;
	memcpy(e.prev, pos->prev, KANSA_HASH_LEN);
	e.request = (uint8_t *)c->request;
	e.request_len = c->request_len;
	e.policy_version = c->policy_version;
	e.verdict = c->reason == KANSA_REASON_ALLOWED ? KANSA_ALLOW : KANSA_DENY;
	e.reason = c->reason;
	if (c->warrant) {
		e.has_warrant = true;
		memset(e.warrant, 0x5a, KANSA_HASH_LEN);
	}
	out->has_decision = true;
	return kansa_ledger__finish_entry(s, &e, out, NULL);
}

static void assert_refused(const raw_decision *c, const char *why)
{
	ledger_fixture f;
	kansa_ledger *lg;
	uint8_t *got = NULL;
	size_t len = 0;
	uint64_t seq = 0;

	open_ledger(&f, &lg);
	cr_assert_eq(kansa_store__append(kansa_ledger__store(lg), build_raw, (void *)c, &seq), 0,
	    "%s", kansa_error_last()->message);
	cr_assert_eq(kansa_ledger_receipt(&got, &len, lg, seq), KANSA_EVERIFY, "%s: not refused", why);
	cr_assert_null(got, "%s: something was signed", why);
	cr_assert(strstr(kansa_error_last()->message, "cannot be rebuilt exactly") != NULL, "%s",
	    kansa_error_last()->message);
	kansa_ledger_close(lg);
	fixture_free(&f);
}

/* REQ: RECEIPT-GET-REQUEST REQ: RECEIPT-GET-WARRANT */
Test(receipt_get, an_entry_the_check_would_not_write_is_refused, .timeout = KANSA_HANG_GUARD)
{
	static const uint8_t junk[] = { 0xff, 0x00 };
	ledger_fixture f;
	raw_decision c;

	fixture_make(&f, 0); /* for a request that parses */
	c = (raw_decision){ junk, sizeof(junk), KANSA_REASON_ALLOWED, 1, false };
	assert_refused(&c, "an unreadable request recorded allowed");
	c = (raw_decision){ f.request, f.request_len, KANSA_REASON_ALLOWED, 1, true };
	assert_refused(&c, "a warrant the ledger does not hold");
	c = (raw_decision){ f.request, f.request_len, KANSA_REASON_MALFORMED_WARRANT, 9, false };
	assert_refused(&c, "a policy version the ledger does not hold");
	fixture_free(&f);
}
