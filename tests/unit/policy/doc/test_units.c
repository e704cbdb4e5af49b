/* SPDX-License-Identifier: Apache-2.0 */
/* The policy's "units" (design §10): parsed strictly, shown, never guessed. */
#include "helpers.h"

static json_t *unit(const char *name, const char *a1, const char *a2)
{
	json_t *acts = json_array();

	if (a1)
		json_array_append_new(acts, json_string(a1));
	if (a2)
		json_array_append_new(acts, json_string(a2));
	return json_pack("{s:s, s:o}", "name", name, "actions", acts);
}

static json_t *policy_with(json_t *units)
{
	json_t *p = policy_json(1);

	json_object_set_new(p, "units", units);
	return p;
}

static void expect_refused(json_t *p, int code, const char *msg)
{
	uint8_t *out = NULL;
	size_t len = 0;

	cr_expect_eq(create_doc(&out, &len, KANSA_DOC_POLICY, p), code, "got %d: %s",
	    kansa_error_last()->code, kansa_error_last()->message);
	cr_expect_null(out);
	cr_expect(strstr(kansa_error_last()->message, msg) != NULL, "message '%s' lacks '%s'",
	    kansa_error_last()->message, msg);
}

Test(policy_units, parsed_and_shown)
{
	uint8_t *cose = NULL;
	size_t len = 0;
	kansa_signed_doc *d = NULL;
	kansa_doc *doc = NULL;
	char *json = NULL;

	cr_assert_eq(create_doc(&cose, &len, KANSA_DOC_POLICY,
	    policy_with(json_pack("[o, o]", unit("npa-cyber-3", "metadata-query", NULL),
	    unit("jsdf-cyber", "neutralize", "metadata-query")))), 0, "%s", kansa_error_last()->message);
	cr_assert_eq(kansa_signed_doc__parse(&d, cose, len, KANSA_DOC_POLICY, NULL), 0);
	cr_assert_eq(d->u.policy.n_units, 2);
	cr_expect_str_eq(d->u.policy.units[0].name, "npa-cyber-3");
	cr_expect(d->u.policy.units[0].actions[KANSA_ACT_METADATA_QUERY]);
	cr_expect_not(d->u.policy.units[0].actions[KANSA_ACT_NEUTRALIZE]);
	cr_expect(d->u.policy.units[1].actions[KANSA_ACT_METADATA_QUERY]);
	cr_expect(d->u.policy.units[1].actions[KANSA_ACT_NEUTRALIZE]);
	kansa_signed_doc__free(d);
	cr_assert_eq(kansa_doc_parse(&doc, cose, len, KANSA_DOC_POLICY), 0);
	cr_assert_eq(kansa_doc_to_json(&json, NULL, doc, NULL, NOW), 0);
	cr_expect(strstr(json, "\"units\":[{\"actions\":[\"metadata-query\"],\"name\":\"npa-cyber-3\"},"
	    "{\"actions\":[\"metadata-query\",\"neutralize\"],\"name\":\"jsdf-cyber\"}]") != NULL, "%s", json);
	free(json);
	kansa_doc_free(doc);
	free(cose);

	/* absent: no units, so the service admits no one */
	cr_assert_eq(create_doc(&cose, &len, KANSA_DOC_POLICY, policy_json(1)), 0);
	cr_assert_eq(kansa_signed_doc__parse(&d, cose, len, KANSA_DOC_POLICY, NULL), 0);
	cr_expect_eq(d->u.policy.n_units, 0);
	kansa_signed_doc__free(d);
	free(cose);
}

Test(policy_units, refused_when_not_exactly_right)
{
	/* REQ: POLICY-UNITS distinct unit names */
	expect_refused(policy_with(json_pack("[o, o]", unit("npa-cyber-3", "metadata-query", NULL),
	    unit("npa-cyber-3", "neutralize", NULL))), KANSA_EFORMAT, "units[1]: unit name \"npa-cyber-3\" is listed twice");
	expect_refused(policy_with(json_pack("[o]", unit("npa-cyber-3", "revoke", NULL))), KANSA_EFORMAT,
	    "units[0].actions[0]");
	expect_refused(policy_with(json_pack("[o]", unit("npa-cyber-3", "neutralize", "neutralize"))),
	    KANSA_EFORMAT, "listed twice");
	expect_refused(policy_with(json_pack("[o]", unit("npa-cyber-3", NULL, NULL))), KANSA_EFORMAT,
	    "units[0].actions");
	expect_refused(policy_with(json_pack("[o]", unit("", "neutralize", NULL))), KANSA_EFORMAT,
	    "units[0].name");
	expect_refused(policy_with(json_array()), KANSA_EFORMAT, "units");
	expect_refused(policy_with(json_string("npa-cyber-3")), KANSA_EFORMAT, "units");
	expect_refused(policy_with(json_pack("[{s:s, s:[s], s:b}]", "name", "u", "actions", "neutralize",
	    "admin", 1)), KANSA_EFORMAT, "units[0]");
	expect_refused(policy_with(json_pack("[{s:s}]", "name", "u")), KANSA_EFORMAT, "units[0].actions");
}
