/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Emergency acts within the policy's bounds (design §12, REQ:
 * DECIDE-EMERGENCY-BOUNDS): each bound at its limit (allowed) and just past
 * it (emergency-out-of-scope), IPv4 and IPv6, and the short form that sets
 * no bounds. The acts go through kansa_decide__finish() with no warrant,
 * the path kansa_check and replay take.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "policy/decide.h"

#define T0 1790000000LL
#define DAY 86400LL

static char *pol_ops[] = { "stop-process", "delete-file", "block-c2" };
static char *pol_fields[] = { "src_ip", "dst_ip", "ts" };
static char *em_ops[] = { "stop-process", "block-c2" };
static char *req_fields[] = { "src_ip" };

typedef struct {
	kansa_policy_doc policy;
	kansa_request_doc req;
	kansa_prefix targets[4];
} fixture;

static void prefix(kansa_prefix *p, const char *text)
{
	cr_assert_eq(kansa_prefix__parse_text(p, text), 0, "%s: %s", text, kansa_error_last()->message);
}

/* A policy with emergency acts for both actions, in the short form. */
static void policy(fixture *f)
{
	memset(f, 0, sizeof(*f));
	f->policy.commission = "jp-ccisc";
	f->policy.version = 1;
	f->policy.ops = pol_ops;
	f->policy.n_ops = 3;
	f->policy.fields = pol_fields;
	f->policy.n_fields = 3;
	f->policy.max_targets = 256;
	f->policy.emergency[KANSA_ACT_NEUTRALIZE] = DAY;
	f->policy.emergency[KANSA_ACT_METADATA_QUERY] = DAY;
}

static void query(fixture *f, const char *t1, const char *t2, int64_t window)
{
	policy(f);
	f->req.requester = "npa-cyber-3";
	f->req.officer = "officer-1207";
	f->req.justification = "ransomware C2 live";
	f->req.emergency = true;
	f->req.action = KANSA_ACT_METADATA_QUERY;
	prefix(&f->targets[0], t1);
	f->req.n_targets = 1;
	if (t2 != NULL) {
		prefix(&f->targets[1], t2);
		f->req.n_targets = 2;
	}
	f->req.targets = f->targets;
	f->req.fields = req_fields;
	f->req.n_fields = 1;
	f->req.has_window = true;
	f->req.window[0] = T0 - window;
	f->req.window[1] = T0;
}

static void neutralize(fixture *f, const char *op)
{
	policy(f);
	f->req.requester = "jsdf-cyber";
	f->req.officer = "officer-7";
	f->req.justification = "wiper spreading";
	f->req.emergency = true;
	f->req.action = KANSA_ACT_NEUTRALIZE;
	f->req.has_host = true;
	prefix(&f->req.host, "198.51.100.7");
	f->req.op = (char *)op;
}

static kansa_decision decide(const fixture *f)
{
	kansa_decision d;

	cr_assert(kansa_decide__request_parsed(&d, &f->req), "%s", d.detail);
	cr_assert_eq(kansa_decide__finish(&d, &f->policy, &f->req, NULL, NULL, T0, NULL, NULL), 0);
	return d;
}

#define EXPECT_ALLOWED(f) do { \
	kansa_decision d_ = decide(f); \
	cr_expect_eq(d_.verdict, KANSA_ALLOW, "%s", d_.detail); \
	cr_expect_eq(d_.reason, KANSA_REASON_EMERGENCY, "%s", d_.detail); \
	cr_expect_eq(d_.ratify_by, T0 + DAY); \
} while (0)

#define EXPECT_OUT_OF_SCOPE(f, text) do { \
	kansa_decision d_ = decide(f); \
	cr_expect_eq(d_.verdict, KANSA_DENY); \
	cr_expect_eq(d_.reason, KANSA_REASON_EMERGENCY_OUT_OF_SCOPE, "%s: %s", \
	    kansa_reason_name(d_.reason), d_.detail); \
	cr_expect_str_eq(d_.detail, text); \
	cr_expect_eq(d_.ratify_by, 0); \
} while (0)

Test(emergency_bounds, the_reason_has_its_number_and_name)
{
	cr_expect_eq(KANSA_REASON_EMERGENCY_OUT_OF_SCOPE, 20);
	cr_expect_eq(KANSA_REASON_COUNT, 21);
	cr_expect_str_eq(kansa_reason_name(20), "emergency-out-of-scope");
	cr_expect_eq(kansa_reason_from_name("emergency-out-of-scope"), 20);
}

/* The short form sets no bounds: a /8 over thirty days, any policy op. */
Test(emergency_bounds, short_form_has_no_bounds)
{
	fixture f;

	query(&f, "10.0.0.0/8", "2001:db8::/32", 30 * DAY);
	EXPECT_ALLOWED(&f);
	neutralize(&f, "delete-file");
	EXPECT_ALLOWED(&f);
}

Test(emergency_bounds, prefix_v4_at_and_past_the_bound)
{
	fixture f;

	query(&f, "203.0.113.0/24", NULL, DAY);
	f.policy.emergency_bounds[KANSA_ACT_METADATA_QUERY].max_prefix[0] = 24;
	EXPECT_ALLOWED(&f);
	query(&f, "203.0.113.7", NULL, DAY); /* an address counts as /32 */
	f.policy.emergency_bounds[KANSA_ACT_METADATA_QUERY].max_prefix[0] = 24;
	EXPECT_ALLOWED(&f);
	query(&f, "203.0.112.0/23", NULL, DAY);
	f.policy.emergency_bounds[KANSA_ACT_METADATA_QUERY].max_prefix[0] = 24;
	EXPECT_OUT_OF_SCOPE(&f, "prefix 203.0.112.0/23 is broader than the emergency bound /24");
	query(&f, "203.0.113.7", "10.0.0.0/8", DAY);
	f.policy.emergency_bounds[KANSA_ACT_METADATA_QUERY].max_prefix[0] = 24;
	EXPECT_OUT_OF_SCOPE(&f, "prefix 10.0.0.0/8 is broader than the emergency bound /24");
	/* the IPv4 bound says nothing about IPv6 */
	query(&f, "2001:db8::/32", NULL, DAY);
	f.policy.emergency_bounds[KANSA_ACT_METADATA_QUERY].max_prefix[0] = 24;
	EXPECT_ALLOWED(&f);
}

Test(emergency_bounds, prefix_v6_limits)
{
	fixture f;

	query(&f, "2001:db8:1::/48", NULL, DAY);
	f.policy.emergency_bounds[KANSA_ACT_METADATA_QUERY].max_prefix[1] = 48;
	EXPECT_ALLOWED(&f);
	query(&f, "2001:db8:1::7", NULL, DAY); /* an address counts as /128 */
	f.policy.emergency_bounds[KANSA_ACT_METADATA_QUERY].max_prefix[1] = 48;
	EXPECT_ALLOWED(&f);
	query(&f, "2001:db8::/47", NULL, DAY);
	f.policy.emergency_bounds[KANSA_ACT_METADATA_QUERY].max_prefix[1] = 48;
	EXPECT_OUT_OF_SCOPE(&f, "prefix 2001:db8::/47 is broader than the emergency bound /48");
	/* the IPv6 bound says nothing about IPv4 */
	query(&f, "10.0.0.0/8", NULL, DAY);
	f.policy.emergency_bounds[KANSA_ACT_METADATA_QUERY].max_prefix[1] = 48;
	EXPECT_ALLOWED(&f);
}

Test(emergency_bounds, window_at_and_past_the_bound)
{
	fixture f;

	query(&f, "203.0.113.7", NULL, 7 * DAY);
	f.policy.emergency_bounds[KANSA_ACT_METADATA_QUERY].max_window = 7 * DAY;
	EXPECT_ALLOWED(&f);
	query(&f, "203.0.113.7", NULL, 7 * DAY + 1);
	f.policy.emergency_bounds[KANSA_ACT_METADATA_QUERY].max_window = 7 * DAY;
	EXPECT_OUT_OF_SCOPE(&f, "window of 604801s is longer than the emergency bound of 7d");
	query(&f, "203.0.113.7", NULL, -DAY);
	f.policy.emergency_bounds[KANSA_ACT_METADATA_QUERY].max_window = 7 * DAY;
	EXPECT_OUT_OF_SCOPE(&f, "the window ends before it starts");
}

Test(emergency_bounds, hosts_at_and_past_the_bound)
{
	fixture f;

	/* a /24 and an address: 257 addresses */
	query(&f, "203.0.113.0/24", "198.51.100.7", DAY);
	f.policy.emergency_bounds[KANSA_ACT_METADATA_QUERY].max_hosts = 257;
	EXPECT_ALLOWED(&f);
	query(&f, "203.0.113.0/24", "198.51.100.7", DAY);
	f.policy.emergency_bounds[KANSA_ACT_METADATA_QUERY].max_hosts = 256;
	EXPECT_OUT_OF_SCOPE(&f, "the request covers 257 addresses, more than the emergency bound of 256 hosts");
	/* IPv6: a /120 is 256 addresses; a /64 is more than any bound */
	query(&f, "2001:db8::/120", NULL, DAY);
	f.policy.emergency_bounds[KANSA_ACT_METADATA_QUERY].max_hosts = 256;
	EXPECT_ALLOWED(&f);
	query(&f, "2001:db8::/119", NULL, DAY);
	f.policy.emergency_bounds[KANSA_ACT_METADATA_QUERY].max_hosts = 256;
	EXPECT_OUT_OF_SCOPE(&f, "the request covers 512 addresses, more than the emergency bound of 256 hosts");
	query(&f, "2001:db8::/64", NULL, DAY);
	f.policy.emergency_bounds[KANSA_ACT_METADATA_QUERY].max_hosts = UINT64_MAX - 1;
	EXPECT_OUT_OF_SCOPE(&f, "the request covers at least 2^64 addresses, more than the emergency bound "
	    "of 18446744073709551614 hosts");
	/* a neutralization names one host */
	neutralize(&f, "stop-process");
	f.policy.emergency_bounds[KANSA_ACT_NEUTRALIZE].max_hosts = 1;
	EXPECT_ALLOWED(&f);
}

Test(emergency_bounds, ops_of_the_emergency)
{
	fixture f;

	neutralize(&f, "block-c2");
	f.policy.emergency_bounds[KANSA_ACT_NEUTRALIZE].ops = em_ops;
	f.policy.emergency_bounds[KANSA_ACT_NEUTRALIZE].n_ops = 2;
	EXPECT_ALLOWED(&f);
	neutralize(&f, "delete-file");
	f.policy.emergency_bounds[KANSA_ACT_NEUTRALIZE].ops = em_ops;
	f.policy.emergency_bounds[KANSA_ACT_NEUTRALIZE].n_ops = 2;
	EXPECT_OUT_OF_SCOPE(&f, "operation 'delete-file' is not among the policy's emergency ops");
	/* an op the policy does not know stays op-not-allowed */
	neutralize(&f, "quarantine");
	f.policy.emergency_bounds[KANSA_ACT_NEUTRALIZE].ops = em_ops;
	f.policy.emergency_bounds[KANSA_ACT_NEUTRALIZE].n_ops = 2;
	kansa_decision d = decide(&f);
	cr_expect_eq(d.reason, KANSA_REASON_OP_NOT_ALLOWED, "%s", d.detail);
}

/* The checks that need no warrant come first: a forbidden field is
 * forbidden-field even when the request is also beyond the bounds. */
Test(emergency_bounds, policy_fields_before_bounds)
{
	static char *bad[] = { "payload" };
	fixture f;
	kansa_decision d;

	query(&f, "10.0.0.0/8", NULL, DAY);
	f.policy.emergency_bounds[KANSA_ACT_METADATA_QUERY].max_prefix[0] = 24;
	f.req.fields = bad;
	d = decide(&f);
	cr_expect_eq(d.reason, KANSA_REASON_FORBIDDEN_FIELD, "%s", d.detail);
}

/* A request with a warrant is judged by the warrant: the emergency bounds
 * are not consulted (kansa_decide__evaluate never reads them). */
Test(emergency_bounds, not_applied_to_warrant_requests)
{
	static char *wfields[] = { "src_ip" };
	fixture f;
	kansa_warrant_doc w;
	kansa_warrant_state st = { 0, false };
	kansa_prefix wt;
	kansa_decision d;

	query(&f, "10.0.0.0/8", NULL, DAY);
	f.policy.emergency_bounds[KANSA_ACT_METADATA_QUERY].max_prefix[0] = 24;
	f.policy.quorum[KANSA_ACT_METADATA_QUERY] = 1;
	memset(&w, 0, sizeof(w));
	w.commission = "jp-ccisc";
	w.subject = "npa-cyber-3";
	w.action = KANSA_ACT_METADATA_QUERY;
	w.not_before = T0 - DAY;
	w.expires = T0 + DAY;
	prefix(&wt, "10.0.0.0/8");
	w.targets = &wt;
	w.n_targets = 1;
	w.fields = wfields;
	w.n_fields = 1;
	w.window[0] = T0 - 2 * DAY;
	w.window[1] = T0;
	memset(&d, 0, sizeof(d));
	kansa_decide__evaluate(&d, &f.policy, &w, 1, &f.req, T0, &st);
	cr_expect_eq(d.verdict, KANSA_ALLOW, "%s", d.detail);
	cr_expect_eq(d.reason, KANSA_REASON_ALLOWED);
}
