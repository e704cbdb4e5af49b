/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Table-driven tests of the decision checks 3-15 (design §5) on parsed
 * documents: one case per reason at least, and the edges the issue names
 * (a /32 inside a /24, a /23 overlapping but not inside a /24, IPv4-mapped
 * IPv6, a window ending exactly at the warrant's end, max_uses reached
 * exactly, expiry at the exact second).
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "policy/decide.h"
#include "policy/rules.h"

#define T0 1790000000LL /* decision time of the baseline */
#define DAY 86400LL

static char *pol_fields[] = { "src_ip", "dst_ip", "src_port", "dst_port", "proto", "ts", "bytes", "command" };
static char *pol_forbidden[] = { "payload", "content", "body" };
static char *pol_ops[] = { "stop-process", "delete-file", "block-c2" };
static char *w_fields[] = { "src_ip", "dst_ip", "dst_port", "proto", "ts", "command" };
static char *w_ops[] = { "stop-process", "quarantine" };

typedef struct {
	kansa_policy_doc policy;
	kansa_warrant_doc warrant;
	kansa_request_doc request;
	kansa_prefix wt[2], ht[1], rt[KANSA_MAX_REQUEST_TARGETS];
	char *rf[4];
	size_t signers;
	int64_t time;
	kansa_warrant_state state;
} fixture;

static void prefix(kansa_prefix *p, const char *text)
{
	cr_assert_eq(kansa_prefix__parse_text(p, text), 0, "%s: %s", text, kansa_error_last()->message);
}

/* The baseline: a metadata-query that is allowed. */
static void baseline(fixture *f)
{
	memset(f, 0, sizeof(*f));
	f->policy.commission = "jp-ccisc";
	f->policy.version = 1;
	f->policy.quorum[KANSA_ACT_METADATA_QUERY] = 2;
	f->policy.quorum[KANSA_ACT_NEUTRALIZE] = 3;
	f->policy.quorum[KANSA_ACT_REVOKE] = 2;
	f->policy.quorum[KANSA_ACT_POLICY] = 3;
	f->policy.max_validity[KANSA_ACT_METADATA_QUERY] = 90 * DAY;
	f->policy.max_validity[KANSA_ACT_NEUTRALIZE] = 7 * DAY;
	f->policy.fields = pol_fields;
	f->policy.n_fields = 8;
	f->policy.forbidden_fields = pol_forbidden;
	f->policy.n_forbidden_fields = 3;
	f->policy.ops = pol_ops;
	f->policy.n_ops = 3;
	f->policy.max_targets = 256;

	f->warrant.commission = "jp-ccisc";
	f->warrant.subject = "npa-cyber-3";
	f->warrant.action = KANSA_ACT_METADATA_QUERY;
	f->warrant.not_before = T0 - DAY;
	f->warrant.expires = T0 + 29 * DAY;
	f->warrant.max_uses = 100;
	prefix(&f->wt[0], "203.0.113.0/24");
	prefix(&f->wt[1], "2001:db8:1::/48");
	f->warrant.targets = f->wt;
	f->warrant.n_targets = 2;
	f->warrant.fields = w_fields;
	f->warrant.n_fields = 6;
	f->warrant.window[0] = T0 - 30 * DAY;
	f->warrant.window[1] = T0;

	f->request.requester = "npa-cyber-3";
	f->request.officer = "officer-1207";
	f->request.justification = "C2 beaconing analysis";
	f->request.action = KANSA_ACT_METADATA_QUERY;
	prefix(&f->rt[0], "203.0.113.17");
	prefix(&f->rt[1], "203.0.113.64/28");
	f->request.targets = f->rt;
	f->request.n_targets = 2;
	f->rf[0] = "src_ip";
	f->rf[1] = "dst_ip";
	f->request.fields = f->rf;
	f->request.n_fields = 2;
	f->request.has_window = true;
	f->request.window[0] = T0 - 7 * DAY;
	f->request.window[1] = T0 - DAY;

	f->signers = 2;
	f->time = T0;
	f->state.uses = 0;
	f->state.revoked = false;
}

/* A neutralize warrant and request that are allowed. */
static void neutralize(fixture *f)
{
	baseline(f);
	f->warrant.action = KANSA_ACT_NEUTRALIZE;
	f->warrant.expires = T0 + 5 * DAY;
	f->warrant.n_targets = 0;
	prefix(&f->ht[0], "198.51.100.7");
	f->warrant.hosts = f->ht;
	f->warrant.n_hosts = 1;
	f->warrant.ops = w_ops;
	f->warrant.n_ops = 2;
	f->request.action = KANSA_ACT_NEUTRALIZE;
	f->request.n_targets = 0;
	f->request.n_fields = 0;
	f->request.has_window = false;
	f->request.has_host = true;
	prefix(&f->request.host, "198.51.100.7");
	f->request.op = "stop-process";
	f->signers = 3;
}

typedef struct {
	const char *name;
	void (*setup)(fixture *f);
	int verdict;
	int reason;
} evaluate_case;

static void c_allowed(fixture *f) { baseline(f); }
static void c_wrong_commission(fixture *f) { baseline(f); f->warrant.commission = "other-commission"; }
static void c_no_quorum(fixture *f) { baseline(f); f->signers = 1; }
static void c_no_signers(fixture *f) { baseline(f); f->policy.quorum[0] = 0; f->signers = 0; }
static void c_neutralize_needs_three(fixture *f) { neutralize(f); f->signers = 2; }
static void c_not_yet_valid(fixture *f) { baseline(f); f->time = f->warrant.not_before - 1; }
static void c_valid_at_not_before(fixture *f) { baseline(f); f->time = f->warrant.not_before; f->request.window[1] = f->time; f->request.window[0] = f->time - DAY; }
static void c_expired_at_exact_second(fixture *f) { baseline(f); f->time = f->warrant.expires; }
static void c_valid_one_second_before_expiry(fixture *f) { baseline(f); f->time = f->warrant.expires - 1; }
static void c_validity_too_long(fixture *f) { baseline(f); f->warrant.expires = f->warrant.not_before + 90 * DAY + 1; }
static void c_validity_exactly_max(fixture *f) { baseline(f); f->warrant.expires = f->warrant.not_before + 90 * DAY; }
static void c_revoked(fixture *f) { baseline(f); f->state.revoked = true; }
static void c_wrong_requester(fixture *f) { baseline(f); f->request.requester = "npa-cyber-4"; }
static void c_wrong_action(fixture *f) { baseline(f); f->request.action = KANSA_ACT_NEUTRALIZE; f->request.has_host = true; prefix(&f->request.host, "203.0.113.9"); f->request.op = "stop-process"; }
static void c_forbidden_field(fixture *f) { baseline(f); f->rf[2] = "payload"; f->request.n_fields = 3; }
static void c_unknown_field(fixture *f) { baseline(f); f->rf[2] = "geolocation"; f->request.n_fields = 3; }
static void c_field_out_of_scope(fixture *f) { baseline(f); f->rf[2] = "bytes"; f->request.n_fields = 3; }
static void c_target_outside(fixture *f) { baseline(f); prefix(&f->rt[1], "198.51.100.1"); }
static void c_slash32_inside_slash24(fixture *f) { baseline(f); prefix(&f->rt[0], "203.0.113.255/32"); f->request.n_targets = 1; }
static void c_slash24_equal(fixture *f) { baseline(f); prefix(&f->rt[0], "203.0.113.0/24"); f->request.n_targets = 1; }
static void c_slash23_overlapping(fixture *f) { baseline(f); prefix(&f->rt[0], "203.0.112.0/23"); f->request.n_targets = 1; }
static void c_ipv4_mapped_ipv6(fixture *f) { baseline(f); prefix(&f->rt[0], "::ffff:203.0.113.17"); f->request.n_targets = 1; }
static void c_ipv6_inside(fixture *f) { baseline(f); prefix(&f->rt[0], "2001:db8:1:2::/64"); f->request.n_targets = 1; }
static void c_ipv6_wider(fixture *f) { baseline(f); prefix(&f->rt[0], "2001:db8::/32"); f->request.n_targets = 1; }
static void c_window_starts_early(fixture *f) { baseline(f); f->request.window[0] = f->warrant.window[0] - 1; }
static void c_window_ends_late(fixture *f) { baseline(f); f->request.window[1] = f->warrant.window[1] + 1; }
static void c_window_ends_at_warrant_end(fixture *f) { baseline(f); f->request.window[1] = f->warrant.window[1]; f->request.window[0] = f->warrant.window[0]; }
static void c_window_reversed(fixture *f) { baseline(f); f->request.window[0] = T0 - DAY; f->request.window[1] = T0 - 2 * DAY; }
static void c_neutralize_allowed(fixture *f) { neutralize(f); }
static void c_host_not_listed(fixture *f) { neutralize(f); prefix(&f->request.host, "198.51.100.8"); }
static void c_op_not_in_warrant(fixture *f) { neutralize(f); f->request.op = "delete-file"; }
static void c_op_not_in_policy(fixture *f) { neutralize(f); f->request.op = "quarantine"; }
static void c_uses_exhausted_exactly(fixture *f) { baseline(f); f->state.uses = 100; }
static void c_last_use(fixture *f) { baseline(f); f->state.uses = 99; }
static void c_unlimited_uses(fixture *f) { baseline(f); f->warrant.max_uses = 0; f->state.uses = 1000000; }
static void c_too_many_targets(fixture *f)
{
	baseline(f);
	f->policy.max_targets = 4;
	for (int i = 0; i < 5; i++)
		prefix(&f->rt[i], "203.0.113.1");
	f->request.n_targets = 5;
}
static void c_max_targets_exactly(fixture *f)
{
	c_too_many_targets(f);
	f->request.n_targets = 4;
}
/* Order: with several faults the earliest check in §5 decides. */
static void c_order_expired_before_scope(fixture *f) { baseline(f); f->time = f->warrant.expires; prefix(&f->rt[0], "198.51.100.1"); }
static void c_order_revoked_before_requester(fixture *f) { baseline(f); f->state.revoked = true; f->request.requester = "x"; }
static void c_order_forbidden_before_scope(fixture *f) { baseline(f); f->rf[0] = "payload"; prefix(&f->rt[0], "198.51.100.1"); }

#define A KANSA_ALLOW
#define D KANSA_DENY
static evaluate_case cases[] = {
	{ "allowed", c_allowed, A, KANSA_REASON_ALLOWED },
	/* REQ: DECIDE-3 wrong-commission */
	{ "wrong-commission", c_wrong_commission, D, KANSA_REASON_WRONG_COMMISSION },
	/* REQ: DECIDE-4 no-quorum */
	{ "no-quorum", c_no_quorum, D, KANSA_REASON_NO_QUORUM },
	/* REQ: DECIDE-4 no-quorum */
	{ "no-quorum with zero signers", c_no_signers, D, KANSA_REASON_NO_QUORUM },
	/* REQ: DECIDE-4 no-quorum */
	{ "neutralize needs its own quorum", c_neutralize_needs_three, D, KANSA_REASON_NO_QUORUM },
	/* REQ: DECIDE-5 not-yet-valid */
	{ "not-yet-valid", c_not_yet_valid, D, KANSA_REASON_NOT_YET_VALID },
	/* REQ: DECIDE-5 not_before is inclusive */
	{ "valid at not_before", c_valid_at_not_before, A, KANSA_REASON_ALLOWED },
	/* REQ: DECIDE-5 expired */
	{ "expired at the exact second", c_expired_at_exact_second, D, KANSA_REASON_EXPIRED },
	/* REQ: DECIDE-5 expires is exclusive */
	{ "valid one second before expiry", c_valid_one_second_before_expiry, A, KANSA_REASON_ALLOWED },
	/* REQ: DECIDE-6 validity-too-long */
	{ "validity-too-long", c_validity_too_long, D, KANSA_REASON_VALIDITY_TOO_LONG },
	/* REQ: DECIDE-6 max_validity is inclusive */
	{ "validity exactly max", c_validity_exactly_max, A, KANSA_REASON_ALLOWED },
	/* REQ: DECIDE-7 revoked */
	{ "revoked", c_revoked, D, KANSA_REASON_REVOKED },
	/* REQ: DECIDE-8 wrong-requester */
	{ "wrong-requester", c_wrong_requester, D, KANSA_REASON_WRONG_REQUESTER },
	/* REQ: DECIDE-9 wrong-action */
	{ "wrong-action", c_wrong_action, D, KANSA_REASON_WRONG_ACTION },
	/* REQ: DECIDE-10 forbidden-field */
	{ "forbidden-field", c_forbidden_field, D, KANSA_REASON_FORBIDDEN_FIELD },
	/* REQ: DECIDE-10 forbidden-field */
	{ "field not in the policy", c_unknown_field, D, KANSA_REASON_FORBIDDEN_FIELD },
	/* REQ: DECIDE-11 field-out-of-scope */
	{ "field-out-of-scope", c_field_out_of_scope, D, KANSA_REASON_FIELD_OUT_OF_SCOPE },
	/* REQ: DECIDE-12 target-out-of-scope */
	{ "target-out-of-scope", c_target_outside, D, KANSA_REASON_TARGET_OUT_OF_SCOPE },
	/* REQ: DECIDE-12 target-out-of-scope */
	{ "/32 inside /24", c_slash32_inside_slash24, A, KANSA_REASON_ALLOWED },
	/* REQ: DECIDE-12 target-out-of-scope */
	{ "/24 equal to /24", c_slash24_equal, A, KANSA_REASON_ALLOWED },
	/* REQ: DECIDE-12 target-out-of-scope */
	{ "/23 overlapping a /24", c_slash23_overlapping, D, KANSA_REASON_TARGET_OUT_OF_SCOPE },
	/* REQ: DECIDE-12 target-out-of-scope */
	{ "IPv4-mapped IPv6 never matches IPv4", c_ipv4_mapped_ipv6, D, KANSA_REASON_TARGET_OUT_OF_SCOPE },
	/* REQ: DECIDE-12 target-out-of-scope */
	{ "IPv6 /64 inside /48", c_ipv6_inside, A, KANSA_REASON_ALLOWED },
	/* REQ: DECIDE-12 target-out-of-scope */
	{ "IPv6 /32 wider than /48", c_ipv6_wider, D, KANSA_REASON_TARGET_OUT_OF_SCOPE },
	/* REQ: DECIDE-13 window-out-of-scope */
	{ "window starts before", c_window_starts_early, D, KANSA_REASON_WINDOW_OUT_OF_SCOPE },
	/* REQ: DECIDE-13 window-out-of-scope */
	{ "window ends after", c_window_ends_late, D, KANSA_REASON_WINDOW_OUT_OF_SCOPE },
	/* REQ: DECIDE-13 window-out-of-scope */
	{ "window exactly the warrant's", c_window_ends_at_warrant_end, A, KANSA_REASON_ALLOWED },
	/* REQ: DECIDE-13 window-out-of-scope */
	{ "window reversed", c_window_reversed, D, KANSA_REASON_WINDOW_OUT_OF_SCOPE },
	{ "neutralize allowed", c_neutralize_allowed, A, KANSA_REASON_ALLOWED },
	/* REQ: DECIDE-12 target-out-of-scope */
	{ "host not listed", c_host_not_listed, D, KANSA_REASON_TARGET_OUT_OF_SCOPE },
	/* REQ: DECIDE-14 op-not-allowed */
	{ "op not in warrant", c_op_not_in_warrant, D, KANSA_REASON_OP_NOT_ALLOWED },
	/* REQ: DECIDE-14 op-not-allowed */
	{ "op not in policy", c_op_not_in_policy, D, KANSA_REASON_OP_NOT_ALLOWED },
	/* REQ: DECIDE-15 uses-exhausted */
	{ "uses-exhausted exactly at max_uses", c_uses_exhausted_exactly, D, KANSA_REASON_USES_EXHAUSTED },
	/* REQ: DECIDE-15 uses-exhausted */
	{ "last use allowed", c_last_use, A, KANSA_REASON_ALLOWED },
	/* REQ: DECIDE-15 uses-exhausted */
	{ "max_uses 0 means unlimited", c_unlimited_uses, A, KANSA_REASON_ALLOWED },
	/* REQ: DECIDE-1 malformed-request */
	{ "more targets than max_targets", c_too_many_targets, D, KANSA_REASON_MALFORMED_REQUEST },
	/* REQ: DECIDE-1 malformed-request */
	{ "exactly max_targets", c_max_targets_exactly, A, KANSA_REASON_ALLOWED },
	/* REQ: DECIDE-5 expired */
	{ "order: expiry before scope", c_order_expired_before_scope, D, KANSA_REASON_EXPIRED },
	/* REQ: DECIDE-7 revoked */
	{ "order: revocation before requester", c_order_revoked_before_requester, D, KANSA_REASON_REVOKED },
	/* REQ: DECIDE-10 forbidden-field */
	{ "order: forbidden before scope", c_order_forbidden_before_scope, D, KANSA_REASON_FORBIDDEN_FIELD },
};

#define N_CASES (sizeof(cases) / sizeof(cases[0]))

/* One test over the whole table, each failure naming its case (a test per
 * row would start a process per row: seconds each under valgrind). */
Test(kansa_decide__evaluate, table)
{
	for (size_t i = 0; i < N_CASES; i++) {
		const evaluate_case *c = &cases[i];
		fixture *f = calloc(1, sizeof(*f));
		kansa_decision d;

		cr_assert_not_null(f);
		c->setup(f);
		memset(&d, 0, sizeof(d));
		kansa_decide__evaluate(&d, &f->policy, &f->warrant, f->signers, &f->request, f->time,
		    &f->state);
		cr_expect_eq(d.verdict, c->verdict, "%s: verdict %d (%s: %s)", c->name, d.verdict,
		    kansa_reason_name(d.reason), d.detail);
		cr_expect_eq(d.reason, c->reason, "%s: reason %s, wanted %s (%s)", c->name,
		    kansa_reason_name(d.reason), kansa_reason_name(c->reason), d.detail);
		cr_expect_neq(d.detail[0], '\0', "%s: a decision always says why", c->name);
		free(f);
	}
}

/* REQ: DECIDE-3 REQ: DECIDE-4 REQ: DECIDE-5 REQ: DECIDE-6 `warrant verify` and the
 * decision answer rows 3-6 alike, on every case of the table */
Test(kansa_decide__evaluate, agrees_with_document_verification)
{
	for (size_t i = 0; i < N_CASES; i++) {
		const evaluate_case *c = &cases[i];
		fixture *f = calloc(1, sizeof(*f));
		kansa_decision d;
		int authority, validity, want;

		cr_assert_not_null(f);
		c->setup(f);
		memset(&d, 0, sizeof(d));
		kansa_decide__evaluate(&d, &f->policy, &f->warrant, f->signers, &f->request, f->time,
		    &f->state);
		authority = kansa_rules__authority(&f->policy, f->warrant.commission, f->warrant.action,
		    f->signers);
		validity = kansa_warrant_doc__check_validity(&f->warrant, &f->policy, f->time);
		if (d.reason == KANSA_REASON_WRONG_COMMISSION || d.reason == KANSA_REASON_NO_QUORUM) {
			cr_expect_eq(authority, d.reason, "%s", c->name);
		} else {
			cr_expect_eq(authority, KANSA_REASON_ALLOWED, "%s", c->name);
			want = d.reason == KANSA_REASON_NOT_YET_VALID || d.reason == KANSA_REASON_EXPIRED
			    ? KANSA_EEXPIRED : d.reason == KANSA_REASON_VALIDITY_TOO_LONG ? KANSA_EVERIFY : 0;
			cr_expect_eq(validity, want, "%s: %s", c->name, kansa_error_last()->message);
		}
		free(f);
	}
}

Test(kansa_decide__evaluate, every_denial_reason_is_covered)
{
	bool seen[KANSA_REASON_COUNT] = { false };

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		seen[cases[i].reason] = true;
	/* malformed-warrant, bad-signature and emergency need real documents:
	 * tests/cli/ledger.sh covers them through kansa_check, and
	 * tests/unit/ledger/test_cache.c covers bad-signature through the cache.
	 * unauthenticated-requester is not evaluate's (it runs before the
	 * warrant): test_unit.c and tests/unit/ledger/test_units.c cover it.
	 * emergency-out-of-scope has no warrant: test_emergency.c covers it. */
	for (int r = KANSA_REASON_MALFORMED_REQUEST; r < KANSA_REASON_COUNT; r++) {
		if (r == KANSA_REASON_MALFORMED_WARRANT || r == KANSA_REASON_BAD_SIGNATURE ||
		    r == KANSA_REASON_UNAUTHENTICATED_REQUESTER || r == KANSA_REASON_EMERGENCY_OUT_OF_SCOPE)
			continue;
		cr_expect(seen[r], "no table case for %s", kansa_reason_name(r));
	}
}

Test(kansa_reason_name, round_trips_every_reason)
{
	for (int r = 0; r < KANSA_REASON_COUNT; r++) {
		cr_expect_str_neq(kansa_reason_name(r), "unknown");
		cr_expect_eq(kansa_reason_from_name(kansa_reason_name(r)), r);
	}
	cr_expect_str_eq(kansa_reason_name(KANSA_REASON_TARGET_OUT_OF_SCOPE), "target-out-of-scope");
	cr_expect_str_eq(kansa_reason_name(19), "unauthenticated-requester");
	cr_expect_str_eq(kansa_reason_name(KANSA_REASON_COUNT), "unknown");
	cr_expect_eq(kansa_reason_from_name("nonsense"), -1);
}

/* kansa_decide(): the stages composed in one call, on request bytes. */
static void request_bytes(uint8_t **out, size_t *len, const char *json)
{
	cr_assert_eq(kansa_request__from_json(out, len, NULL, json, strlen(json), T0), 0, "%s",
	    kansa_error_last()->message);
}

#define NEUTRALIZE_JSON(extra) \
    "{\"requester\": \"npa-cyber-3\", \"officer\": \"officer-1207\", \"action\": \"neutralize\"," \
    " \"host\": \"198.51.100.7\", \"op\": \"stop-process\", \"justification\": \"wiper\"" extra "}"

/* REQ: DECIDE-1 malformed-request: the request is examined first */
Test(kansa_decide, garbage_request_is_malformed)
{
	static const uint8_t junk[] = { 0xff, 0x00, 'x' };
	fixture f;
	kansa_decision d;

	baseline(&f);
	cr_assert_eq(kansa_decide(&d, &f.policy, junk, sizeof(junk), junk, sizeof(junk), T0, NULL, NULL), 0);
	cr_expect_eq(d.verdict, KANSA_DENY);
	cr_expect_eq(d.reason, KANSA_REASON_MALFORMED_REQUEST, "%s", d.detail);
	cr_expect_eq(d.action, -1);
}

/* REQ: DECIDE-1 malformed-warrant: no warrant, or bytes that are not one */
Test(kansa_decide, missing_or_garbage_warrant_is_malformed)
{
	static const uint8_t junk[] = { 0xff, 0x00, 'x' };
	uint8_t *req = NULL;
	size_t len = 0;
	fixture f;
	kansa_decision d;

	baseline(&f);
	request_bytes(&req, &len, NEUTRALIZE_JSON(""));
	cr_assert_eq(kansa_decide(&d, &f.policy, NULL, 0, req, len, T0, NULL, NULL), 0);
	cr_expect_eq(d.reason, KANSA_REASON_MALFORMED_WARRANT, "%s", d.detail);
	cr_expect_not(d.has_warrant);
	cr_assert_eq(kansa_decide(&d, &f.policy, junk, sizeof(junk), req, len, T0, NULL, NULL), 0);
	cr_expect_eq(d.reason, KANSA_REASON_MALFORMED_WARRANT, "%s", d.detail);
	cr_expect_eq(d.action, KANSA_ACT_NEUTRALIZE);
	free(req);
}

/* Emergency acts: allowed without a warrant only when the policy says so. */
Test(kansa_decide, emergency_act_needs_the_policy)
{
	uint8_t *req = NULL;
	size_t len = 0;
	fixture f;
	kansa_decision d;

	baseline(&f);
	request_bytes(&req, &len, NEUTRALIZE_JSON(", \"emergency\": true"));
	cr_assert_eq(kansa_decide(&d, &f.policy, NULL, 0, req, len, T0, NULL, NULL), 0);
	cr_expect_eq(d.reason, KANSA_REASON_MALFORMED_WARRANT, "%s", d.detail);
	f.policy.emergency[KANSA_ACT_NEUTRALIZE] = DAY;
	cr_assert_eq(kansa_decide(&d, &f.policy, NULL, 0, req, len, T0, NULL, NULL), 0);
	cr_expect_eq(d.verdict, KANSA_ALLOW, "%s", d.detail);
	cr_expect_eq(d.reason, KANSA_REASON_EMERGENCY);
	cr_expect_eq(d.ratify_by, T0 + DAY);
	free(req);
}

/* Details are for people: times in RFC 3339, an unlimited warrant's use
 * without "of 0". */
Test(kansa_decide__evaluate, details_read_as_people_write)
{
	fixture *f = calloc(1, sizeof(*f));
	kansa_decision d;
	char when[32];

	cr_assert_not_null(f);
	baseline(f);
	f->warrant.max_uses = 0;
	kansa_decide__evaluate(&d, &f->policy, &f->warrant, f->signers, &f->request, f->time, &f->state);
	cr_expect_eq(d.verdict, KANSA_ALLOW, "%s", d.detail);
	cr_expect_str_eq(d.detail, "use 1 (no limit)");
	f->warrant.max_uses = 5;
	kansa_decide__evaluate(&d, &f->policy, &f->warrant, f->signers, &f->request, f->time, &f->state);
	cr_expect_str_eq(d.detail, "use 1 of 5");
	f->time = f->warrant.expires;
	kansa_decide__evaluate(&d, &f->policy, &f->warrant, f->signers, &f->request, f->time, &f->state);
	kansa_time_format(when, f->warrant.expires);
	cr_expect_eq(d.reason, KANSA_REASON_EXPIRED);
	cr_expect(strstr(d.detail, when) != NULL && strchr(when, 'T') != NULL, "%s", d.detail);
	free(f);
}
