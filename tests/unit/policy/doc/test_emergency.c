/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The policy's "emergency" (design §12) in both forms, and its "retention":
 * parsed strictly from JSON through canonical CBOR, shown again, and every
 * value that makes no sense refused with the field named; and the policy
 * in force loaded alone (kansa_policy_load_unverified).
 */
#include "helpers.h"

static json_t *policy_with(const char *key, json_t *v)
{
	json_t *p = policy_json(1);

	json_object_set_new(p, key, v);
	return p;
}

static kansa_signed_doc *parsed(json_t *p)
{
	uint8_t *cose = NULL;
	size_t len = 0;
	kansa_signed_doc *d = NULL;

	cr_assert_eq(create_doc(&cose, &len, KANSA_DOC_POLICY, p), 0, "%s", kansa_error_last()->message);
	cr_assert_eq(kansa_signed_doc__parse(&d, cose, len, KANSA_DOC_POLICY, NULL), 0, "%s",
	    kansa_error_last()->message);
	free(cose);
	return d;
}

static char *shown(json_t *p)
{
	uint8_t *cose = NULL;
	size_t len = 0;
	kansa_doc *doc = NULL;
	char *json = NULL;

	cr_assert_eq(create_doc(&cose, &len, KANSA_DOC_POLICY, p), 0, "%s", kansa_error_last()->message);
	cr_assert_eq(kansa_doc_parse(&doc, cose, len, KANSA_DOC_POLICY), 0);
	cr_assert_eq(kansa_doc_to_json(&json, NULL, doc, NULL, NOW), 0);
	kansa_doc_free(doc);
	free(cose);
	return json;
}

static void expect_refused(json_t *p, const char *msg)
{
	uint8_t *out = NULL;
	size_t len = 0;

	cr_expect_eq(create_doc(&out, &len, KANSA_DOC_POLICY, p), KANSA_EFORMAT, "got %d: %s",
	    kansa_error_last()->code, kansa_error_last()->message);
	cr_expect_null(out);
	cr_expect(strstr(kansa_error_last()->message, msg) != NULL, "message '%s' lacks '%s'",
	    kansa_error_last()->message, msg);
	free(out);
}

static json_t *long_form(const char *action, const char *bounds)
{
	json_error_t e;
	json_t *b = json_loads(bounds, 0, &e);

	cr_assert_not_null(b, "%s: %s", bounds, e.text);
	return json_pack("{s:o}", action, b);
}

Test(policy_emergency, short_form_unchanged)
{
	kansa_signed_doc *d = parsed(policy_with("emergency", json_pack("{s:s}", "neutralize", "24h")));
	char *json;

	cr_expect_eq(d->u.policy.emergency[KANSA_ACT_NEUTRALIZE], 86400);
	cr_expect_eq(d->u.policy.emergency[KANSA_ACT_METADATA_QUERY], 0);
	cr_expect_eq(d->u.policy.emergency_bounds[KANSA_ACT_NEUTRALIZE].max_hosts, 0);
	cr_expect_eq(d->u.policy.emergency_bounds[KANSA_ACT_NEUTRALIZE].n_ops, 0);
	kansa_signed_doc__free(d);
	json = shown(policy_with("emergency", json_pack("{s:s}", "neutralize", "24h")));
	cr_expect(strstr(json, "\"emergency\":{\"neutralize\":\"1d\"}") != NULL, "%s", json);
	free(json);
}

Test(policy_emergency, long_form_parsed_and_shown)
{
	json_t *e = long_form("neutralize", "{\"ratify_within\": \"24h\", \"max_hosts\": 1,"
	    " \"ops\": [\"stop-process\", \"block-c2\"]}");
	kansa_signed_doc *d;
	char *json;

	json_object_set_new(e, "metadata-query", json_pack("{s:s, s:i, s:i, s:s, s:i}",
	    "ratify_within", "12h", "max_prefix_v4", 24, "max_prefix_v6", 48, "max_window", "7d",
	    "max_hosts", 256));
	d = parsed(policy_with("emergency", json_incref(e)));
	const kansa_policy_doc *p = &d->u.policy;
	cr_expect_eq(p->emergency[KANSA_ACT_NEUTRALIZE], 86400);
	cr_expect_eq(p->emergency[KANSA_ACT_METADATA_QUERY], 12 * 3600);
	cr_expect_eq(p->emergency_bounds[KANSA_ACT_NEUTRALIZE].max_hosts, 1);
	cr_assert_eq(p->emergency_bounds[KANSA_ACT_NEUTRALIZE].n_ops, 2);
	cr_expect_str_eq(p->emergency_bounds[KANSA_ACT_NEUTRALIZE].ops[1], "block-c2");
	cr_expect_eq(p->emergency_bounds[KANSA_ACT_METADATA_QUERY].max_prefix[0], 24);
	cr_expect_eq(p->emergency_bounds[KANSA_ACT_METADATA_QUERY].max_prefix[1], 48);
	cr_expect_eq(p->emergency_bounds[KANSA_ACT_METADATA_QUERY].max_window, 7 * 86400);
	cr_expect_eq(p->emergency_bounds[KANSA_ACT_METADATA_QUERY].max_hosts, 256);
	kansa_signed_doc__free(d);
	json = shown(policy_with("emergency", e));
	cr_expect(strstr(json, "\"emergency\":{\"metadata-query\":{\"max_hosts\":256,\"max_prefix_v4\":24,"
	    "\"max_prefix_v6\":48,\"max_window\":\"7d\",\"ratify_within\":\"12h\"},\"neutralize\":"
	    "{\"max_hosts\":1,\"ops\":[\"stop-process\",\"block-c2\"],\"ratify_within\":\"1d\"}}") != NULL,
	    "%s", json);
	free(json);
}

/* The long form with ratify_within only means what the short form means. */
Test(policy_emergency, long_form_without_bounds_is_the_short_form)
{
	kansa_signed_doc *d = parsed(policy_with("emergency",
	    long_form("metadata-query", "{\"ratify_within\": \"2h\"}")));

	cr_expect_eq(d->u.policy.emergency[KANSA_ACT_METADATA_QUERY], 7200);
	kansa_signed_doc__free(d);
}

Test(policy_emergency, nonsense_refused)
{
	expect_refused(policy_with("emergency", long_form("neutralize", "{\"ratify_within\": \"24h\", \"colour\": 1}")),
	    "unknown key \"colour\"");
	expect_refused(policy_with("emergency", long_form("neutralize", "{\"max_hosts\": 1}")),
	    "emergency.neutralize.ratify_within: required");
	expect_refused(policy_with("emergency", long_form("neutralize", "{\"ratify_within\": \"24h\", \"max_hosts\": 0}")),
	    "emergency.neutralize.max_hosts: must be at least 1");
	expect_refused(policy_with("emergency", long_form("neutralize", "{\"ratify_within\": \"24h\", \"max_hosts\": -1}")),
	    "emergency.neutralize.max_hosts: must be a non-negative integer");
	expect_refused(policy_with("emergency", long_form("neutralize", "{\"ratify_within\": \"0h\"}")),
	    "emergency.neutralize.ratify_within");
	expect_refused(policy_with("emergency", long_form("neutralize", "{\"ratify_within\": -5}")),
	    "emergency.neutralize.ratify_within: must be a positive number of seconds");
	expect_refused(policy_with("emergency", long_form("metadata-query", "{\"ratify_within\": \"24h\", \"max_window\": \"7x\"}")),
	    "emergency.metadata-query.max_window: not a duration");
	expect_refused(policy_with("emergency", long_form("metadata-query", "{\"ratify_within\": \"24h\", \"max_prefix_v4\": 33}")),
	    "emergency.metadata-query.max_prefix_v4: must be a prefix length from 1 to 32");
	expect_refused(policy_with("emergency", long_form("metadata-query", "{\"ratify_within\": \"24h\", \"max_prefix_v4\": 0}")),
	    "emergency.metadata-query.max_prefix_v4: must be a prefix length from 1 to 32");
	expect_refused(policy_with("emergency", long_form("metadata-query", "{\"ratify_within\": \"24h\", \"max_prefix_v6\": 129}")),
	    "emergency.metadata-query.max_prefix_v6: must be a prefix length from 1 to 128");
	expect_refused(policy_with("emergency", long_form("metadata-query", "{\"ratify_within\": \"24h\", \"ops\": [\"stop-process\"]}")),
	    "emergency.metadata-query.ops: does not apply to metadata-query");
	expect_refused(policy_with("emergency", long_form("neutralize", "{\"ratify_within\": \"24h\", \"max_window\": \"1d\"}")),
	    "emergency.neutralize.max_window: does not apply to neutralize");
	expect_refused(policy_with("emergency", long_form("neutralize", "{\"ratify_within\": \"24h\", \"ops\": [\"quarantine\"]}")),
	    "emergency.neutralize.ops[0]: \"quarantine\" is not one of the policy's ops");
	expect_refused(policy_with("emergency", long_form("neutralize", "{\"ratify_within\": \"24h\", \"ops\": []}")),
	    "emergency.neutralize.ops");
	expect_refused(policy_with("emergency", json_pack("{s:[s]}", "neutralize", "24h")),
	    "emergency.neutralize: must be a duration");
	expect_refused(policy_with("emergency", json_pack("{s:s}", "revoke", "24h")), "unknown key \"revoke\"");
}

Test(policy_retention, parsed_shown_and_refused)
{
	kansa_signed_doc *d = parsed(policy_with("retention", json_pack("{s:s}", "metadata-query", "90d")));
	char *json;

	cr_expect_eq(d->u.policy.retention[KANSA_ACT_METADATA_QUERY], 90 * 86400);
	cr_expect_eq(d->u.policy.retention[KANSA_ACT_NEUTRALIZE], 0);
	kansa_signed_doc__free(d);
	expect_refused(policy_with("retention", json_pack("{s:s, s:s}", "metadata-query", "90d", "neutralize", "1y")),
	    "retention.neutralize: not a duration");
	json = shown(policy_with("retention", json_pack("{s:s}", "neutralize", "30d")));
	cr_expect(strstr(json, "\"retention\":{\"neutralize\":\"30d\"}") != NULL, "%s", json);
	free(json);
	expect_refused(policy_with("retention", json_pack("{s:s}", "metadata-query", "-1d")),
	    "retention.metadata-query");
	expect_refused(policy_with("retention", json_pack("{s:s}", "policy", "1d")), "unknown key \"policy\"");
}

/* The policy in force alone (kansa warrant verify with one --policy):
 * version 2 loads without its predecessor, version 1 is still verified. */
Test(policy_load_unverified, the_policy_in_force_alone)
{
	static const int one[] = { 0, -1 };
	uint8_t *cose = NULL;
	size_t len = 0;
	kansa_policy *p = NULL;

	cr_assert_eq(create_doc(&cose, &len, KANSA_DOC_POLICY, policy_json(2)), 0);
	sign_with(&cose, &len, one);
	cr_expect_eq(kansa_policy_load(&p, cose, len, NULL), KANSA_EVERIFY, "the chain rule stands");
	cr_assert_eq(kansa_policy_load_unverified(&p, cose, len), 0, "%s", kansa_error_last()->message);
	cr_expect_eq(kansa_policy_version(p), 2);
	kansa_policy_free(p);
	free(cose);
	/* version 1 with one signature of three: refused, also unverified */
	cr_assert_eq(create_doc(&cose, &len, KANSA_DOC_POLICY, policy_json(1)), 0);
	sign_with(&cose, &len, one);
	p = NULL;
	cr_expect_eq(kansa_policy_load_unverified(&p, cose, len), KANSA_EVERIFY);
	cr_expect_null(p);
	/* not a policy at all */
	cose[0] ^= 0xff;
	cr_expect_eq(kansa_policy_load_unverified(&p, cose, len), KANSA_EFORMAT);
	cr_expect_null(p);
	free(cose);
}
