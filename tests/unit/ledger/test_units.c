/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Checks on behalf of an authenticated unit (design §10): kansa_check_as()
 * and kansa_check_json_as() deny unauthenticated-requester, and record it,
 * when the unit is not in the policy's units, is not listed for the action,
 * or is not the request's requester; the entry records the unit; replay
 * re-decides every such entry the same way (a replay that ignored the unit
 * would find an allow where the ledger says deny).
 */
#include "tests/unit/hang_guard.h"

#include "fixture.h"
#include "ledger/entry.h"
#include "ledger/store/store.h"

#define UNITS "\"units\":[{\"name\":\"npa-cyber-3\",\"actions\":[\"metadata-query\"]}," \
	"{\"name\":\"jsdf-cyber\",\"actions\":[\"neutralize\"]}],"

static const char request_json[] =
    "{\"requester\":\"npa-cyber-3\",\"officer\":\"officer-1\",\"action\":\"metadata-query\","
    "\"targets\":[\"203.0.113.17\"],\"fields\":[\"src_ip\"],\"window\":[\"-2d\",\"-1d\"],"
    "\"justification\":\"test\"}";

static void entry_at(kansa_entry *e, ledger_fixture *f, uint64_t seq)
{
	kansa_store *s = NULL;
	kansa_store_row row;

	cr_assert_eq(kansa_store__open(&s, f->db, f->dbkey, KANSA_STORE_READONLY), 0);
	cr_assert_eq(kansa_store__get(&row, s, seq), 0, "%s", kansa_error_last()->message);
	cr_assert_eq(kansa_entry__decode(e, row.body, row.body_len), 0, "%s", kansa_error_last()->message);
	kansa_store__row_dispose(&row);
	kansa_store__close(s);
}

static void replay_is_clean(kansa_ledger *lg, uint64_t want_decisions)
{
	kansa_audit_options opt = { KANSA_AUDIT_REPLAY, NULL, NULL, NULL, NULL };
	kansa_audit_summary sum;

	cr_assert_eq(kansa_ledger_audit(&sum, lg, &opt), 0, "%s", kansa_error_last()->message);
	cr_expect_eq(sum.findings, 0, "replay found %llu problems", (unsigned long long)sum.findings);
	cr_expect_eq(sum.decisions, want_decisions);
}

/* Check @p json as @p unit; expect @p reason, recorded, with the unit in the entry. */
static void expect_as(ledger_fixture *f, kansa_ledger *lg, const char *unit, const char *json,
    int reason)
{
	kansa_receipt r;
	kansa_entry e;

	cr_assert_eq(kansa_check_json_as(&r, lg, unit, f->warrant, f->warrant_len, json, strlen(json),
	    (int64_t)time(NULL)), 0, "%s", kansa_error_last()->message);
	cr_expect_eq(r.reason, reason, "unit %s: got %s (%s)", unit ? unit : "(none)",
	    kansa_reason_name(r.reason), r.detail);
	cr_expect_eq(r.verdict, reason == KANSA_REASON_ALLOWED ? KANSA_ALLOW : KANSA_DENY);
	entry_at(&e, f, r.seq);
	cr_expect_eq(e.reason, reason);
	if (unit == NULL)
		cr_expect_null(e.unit);
	else
		cr_expect_str_eq(e.unit, unit);
	kansa_entry__dispose(&e);
}

Test(kansa_check_as, the_unit_must_be_named_listed_and_the_requester, .timeout = KANSA_HANG_GUARD)
{
	static const char other[] =
	    "{\"requester\":\"jsdf-cyber\",\"officer\":\"officer-1\",\"action\":\"metadata-query\","
	    "\"targets\":[\"203.0.113.17\"],\"fields\":[\"src_ip\"],\"window\":[\"-2d\",\"-1d\"],"
	    "\"justification\":\"test\"}";
	ledger_fixture f;
	kansa_ledger *lg = NULL;

	fixture_make_with(&f, 0, UNITS);
	cr_assert_eq(kansa_ledger_open(&lg, f.db, f.dbkey, 0), 0);
	/* REQ: SERVICE-UNIT-2 the authenticated unit asking for itself */
	expect_as(&f, lg, "npa-cyber-3", request_json, KANSA_REASON_ALLOWED);
	/* in process: no unit, no unit check, nothing recorded about one */
	expect_as(&f, lg, NULL, request_json, KANSA_REASON_ALLOWED);
	/* REQ: SERVICE-UNIT-1 a unit the policy does not name, even asking as the warrant's subject */
	expect_as(&f, lg, "npa-cyber-9", request_json, KANSA_REASON_UNAUTHENTICATED_REQUESTER);
	/* REQ: SERVICE-UNIT-2 a unit asking in another unit's name */
	expect_as(&f, lg, "jsdf-cyber", request_json, KANSA_REASON_UNAUTHENTICATED_REQUESTER);
	/* REQ: SERVICE-UNIT-3 a unit asking for an action it is not listed for */
	expect_as(&f, lg, "jsdf-cyber", other, KANSA_REASON_UNAUTHENTICATED_REQUESTER);
	/* row 1 first: a malformed request is malformed whoever asks */
	expect_as(&f, lg, "npa-cyber-9", "{not json", KANSA_REASON_MALFORMED_REQUEST);
	/* REQ: SERVICE-UNIT-REPLAY every one re-decided the same way */
	replay_is_clean(lg, 6);
	kansa_ledger_close(lg);
	fixture_free(&f);
}

Test(kansa_check_as, a_policy_without_units_admits_no_unit, .timeout = KANSA_HANG_GUARD)
{
	ledger_fixture f;
	kansa_ledger *lg = NULL;
	kansa_receipt r;

	fixture_make(&f, 0);
	cr_assert_eq(kansa_ledger_open(&lg, f.db, f.dbkey, 0), 0);
	expect_as(&f, lg, "npa-cyber-3", request_json, KANSA_REASON_UNAUTHENTICATED_REQUESTER);
	/* the CBOR path too */
	cr_assert_eq(kansa_check_as(&r, lg, "npa-cyber-3", f.warrant, f.warrant_len, f.request,
	    f.request_len), 0);
	cr_expect_eq(r.reason, KANSA_REASON_UNAUTHENTICATED_REQUESTER);
	replay_is_clean(lg, 2);
	kansa_ledger_close(lg);
	fixture_free(&f);
}

Test(kansa_check_as, a_unit_name_that_cannot_be_recorded_is_refused, .timeout = KANSA_HANG_GUARD)
{
	ledger_fixture f;
	kansa_ledger *lg = NULL;
	kansa_receipt r;
	kansa_ledger_info info;
	char longname[200];

	memset(longname, 'u', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	fixture_make_with(&f, 0, UNITS);
	cr_assert_eq(kansa_ledger_open(&lg, f.db, f.dbkey, 0), 0);
	cr_expect_eq(kansa_check_as(&r, lg, "", f.warrant, f.warrant_len, f.request, f.request_len),
	    KANSA_EINVAL);
	cr_expect_eq(r.verdict, KANSA_DENY);
	cr_expect_eq(kansa_check_as(&r, lg, longname, f.warrant, f.warrant_len, f.request,
	    f.request_len), KANSA_EINVAL);
	cr_expect_eq(kansa_check_as(&r, lg, "npa\ncyber", f.warrant, f.warrant_len, f.request,
	    f.request_len), KANSA_EINVAL);
	cr_expect_eq(r.verdict, KANSA_DENY);
	cr_assert_eq(kansa_ledger_get_info(&info, lg), 0);
	cr_expect_eq(info.size, 1, "nothing but the policy was recorded");
	kansa_ledger_close(lg);
	fixture_free(&f);
}
