/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The service's unit check (design §10, §5 "right after row 1"):
 * kansa_decide__unit() alone, and where kansa_decide__finish() runs it:
 * after malformed-warrant, before bad-signature and the warrant's rows, and
 * before an emergency act is allowed.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "policy/decide.h"

#define T0 1790000000LL

static kansa_unit units[] = {
	{ "npa-cyber-3", { true, false } },
	{ "jsdf-cyber", { false, true } },
};
static char *ops[] = { "stop-process" };
static char *fields[] = { "src_ip" };

static void policy(kansa_policy_doc *p)
{
	memset(p, 0, sizeof(*p));
	p->commission = "jp-ccisc";
	p->version = 1;
	p->units = units;
	p->n_units = 2;
	p->ops = ops;
	p->n_ops = 1;
	p->fields = fields;
	p->n_fields = 1;
	p->max_targets = 256;
	p->emergency[KANSA_ACT_NEUTRALIZE] = 86400;
}

static void request(kansa_request_doc *r, const char *requester, int action)
{
	memset(r, 0, sizeof(*r));
	r->requester = (char *)requester;
	r->officer = "officer-1";
	r->justification = "test";
	r->action = action;
	r->op = "stop-process";
	r->has_host = true;
}

static void fresh(kansa_decision *d)
{
	memset(d, 0, sizeof(*d));
	d->verdict = KANSA_DENY;
}

Test(kansa_decide__unit, named_listed_and_the_requester)
{
	kansa_policy_doc p;
	kansa_request_doc r;
	kansa_decision d;

	policy(&p);
	request(&r, "npa-cyber-3", KANSA_ACT_METADATA_QUERY);
	fresh(&d);
	cr_expect(kansa_decide__unit(&d, &p, &r, "npa-cyber-3"));

	/* REQ: SERVICE-UNIT-1 not in the policy */
	cr_expect_not(kansa_decide__unit(&d, &p, &r, "npa-cyber-33"));
	cr_expect_eq(d.reason, KANSA_REASON_UNAUTHENTICATED_REQUESTER);
	cr_expect_eq(d.verdict, KANSA_DENY);
	cr_expect(strstr(d.detail, "not named") != NULL, "%s", d.detail);
	/* a unit name that is a prefix of a listed one is not that unit */
	cr_expect_not(kansa_decide__unit(&d, &p, &r, "npa-cyber"));

	/* REQ: SERVICE-UNIT-2 another unit's name as requester */
	cr_expect_not(kansa_decide__unit(&d, &p, &r, "jsdf-cyber"));
	cr_expect_eq(d.reason, KANSA_REASON_UNAUTHENTICATED_REQUESTER);
	cr_expect(strstr(d.detail, "not the authenticated unit") != NULL, "%s", d.detail);

	/* REQ: SERVICE-UNIT-3 not listed for the action */
	request(&r, "npa-cyber-3", KANSA_ACT_NEUTRALIZE);
	cr_expect_not(kansa_decide__unit(&d, &p, &r, "npa-cyber-3"));
	cr_expect(strstr(d.detail, "not listed for neutralize") != NULL, "%s", d.detail);

	/* a policy without units admits no unit */
	p.n_units = 0;
	p.units = NULL;
	request(&r, "npa-cyber-3", KANSA_ACT_METADATA_QUERY);
	cr_expect_not(kansa_decide__unit(&d, &p, &r, "npa-cyber-3"));
}

Test(kansa_decide__finish, the_unit_is_checked_right_after_row_1)
{
	kansa_policy_doc p;
	kansa_request_doc r;
	kansa_decision d;
	kansa_warrant_check wc;
	kansa_signed_doc doc;

	policy(&p);
	request(&r, "jsdf-cyber", KANSA_ACT_NEUTRALIZE);

	/* a malformed warrant is row 1: it comes first */
	memset(&wc, 0, sizeof(wc));
	wc.reason = KANSA_REASON_MALFORMED_WARRANT;
	fresh(&d);
	cr_assert_eq(kansa_decide__finish(&d, &p, &r, &wc, "nobody", T0, NULL, NULL), 0);
	cr_expect_eq(d.reason, KANSA_REASON_MALFORMED_WARRANT);

	/* a bad signature is row 2: the unit comes first */
	memset(&doc, 0, sizeof(doc));
	memset(doc.u.warrant.cti, 7, sizeof(doc.u.warrant.cti));
	wc.doc = &doc;
	wc.reason = KANSA_REASON_BAD_SIGNATURE;
	fresh(&d);
	cr_assert_eq(kansa_decide__finish(&d, &p, &r, &wc, "nobody", T0, NULL, NULL), 0);
	cr_expect_eq(d.reason, KANSA_REASON_UNAUTHENTICATED_REQUESTER);
	cr_expect(d.has_warrant, "the warrant is named in the decision");
	fresh(&d);
	cr_assert_eq(kansa_decide__finish(&d, &p, &r, &wc, "jsdf-cyber", T0, NULL, NULL), 0);
	cr_expect_eq(d.reason, KANSA_REASON_BAD_SIGNATURE);

	/* emergency acts: the unit is checked before the act is allowed */
	r.emergency = true;
	fresh(&d);
	cr_assert_eq(kansa_decide__finish(&d, &p, &r, NULL, "npa-cyber-3", T0, NULL, NULL), 0);
	cr_expect_eq(d.reason, KANSA_REASON_UNAUTHENTICATED_REQUESTER);
	cr_expect_eq(d.ratify_by, 0);
	fresh(&d);
	cr_assert_eq(kansa_decide__finish(&d, &p, &r, NULL, "jsdf-cyber", T0, NULL, NULL), 0);
	cr_expect_eq(d.reason, KANSA_REASON_EMERGENCY, "%s", d.detail);
	cr_expect_eq(d.verdict, KANSA_ALLOW);
	/* in process (no unit): as before */
	fresh(&d);
	cr_assert_eq(kansa_decide__finish(&d, &p, &r, NULL, NULL, T0, NULL, NULL), 0);
	cr_expect_eq(d.reason, KANSA_REASON_EMERGENCY);
}
