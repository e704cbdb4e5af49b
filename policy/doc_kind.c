/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The table of document kinds (doc.h, kansa_doc_kind_def): for policy,
 * warrant, revocation and ratification, the name, the COSE content type,
 * the quorum that gives the document its authority, and the functions of
 * each step of its life cycle. Code that needs to know what differs between
 * kinds looks here; the adapters below only point each row at the typed
 * functions of its payload.
 *
 * This file must never hold a rule: it says which function applies to a
 * kind, never what that function decides.
 */
#include <string.h>

#include "policy/doc.h"

static int policy_parse(kansa_signed_doc *d, const uint8_t *in, size_t len)
{
	return kansa_policy_doc__parse(&d->u.policy, in, len);
}

static void policy_dispose(kansa_signed_doc *d)
{
	kansa_policy_doc__dispose(&d->u.policy);
}

static const char *policy_commission(const kansa_signed_doc *d)
{
	return d->u.policy.commission;
}

static int warrant_parse(kansa_signed_doc *d, const uint8_t *in, size_t len)
{
	return kansa_warrant_doc__parse(&d->u.warrant, in, len);
}

static void warrant_dispose(kansa_signed_doc *d)
{
	kansa_warrant_doc__dispose(&d->u.warrant);
}

static const char *warrant_commission(const kansa_signed_doc *d)
{
	return d->u.warrant.commission;
}

static int warrant_check_time(const kansa_signed_doc *d, const kansa_policy_doc *policy, int64_t now)
{
	return kansa_warrant_doc__check_validity(&d->u.warrant, policy, now);
}

static int revocation_parse(kansa_signed_doc *d, const uint8_t *in, size_t len)
{
	return kansa_revocation_doc__parse(&d->u.revocation, in, len);
}

static void revocation_dispose(kansa_signed_doc *d)
{
	kansa_revocation_doc__dispose(&d->u.revocation);
}

static const char *revocation_commission(const kansa_signed_doc *d)
{
	return d->u.revocation.commission;
}

static int ratification_parse(kansa_signed_doc *d, const uint8_t *in, size_t len)
{
	return kansa_ratification_doc__parse(&d->u.ratification, in, len);
}

static void ratification_dispose(kansa_signed_doc *d)
{
	kansa_ratification_doc__dispose(&d->u.ratification);
}

static const char *ratification_commission(const kansa_signed_doc *d)
{
	return d->u.ratification.commission;
}

static const kansa_doc_kind_def kinds[] = {
	[KANSA_DOC_POLICY] = {
		"policy", "application/kansa-policy+cbor", KANSA_ACT_POLICY,
		policy_parse, policy_dispose, policy_commission, NULL,
		kansa_policy_doc__from_json, kansa_policy_doc__to_json,
	},
	[KANSA_DOC_WARRANT] = {
		"warrant", "application/kansa-warrant+cbor", KANSA_QUORUM_OWN_ACTION,
		warrant_parse, warrant_dispose, warrant_commission, warrant_check_time,
		kansa_warrant_doc__from_json, kansa_warrant_doc__to_json,
	},
	/* REQ: REVOKE-QUORUM REQ: RATIFY-QUORUM the revoke quorum */
	[KANSA_DOC_REVOCATION] = {
		"revocation", "application/kansa-revocation+cbor", KANSA_ACT_REVOKE,
		revocation_parse, revocation_dispose, revocation_commission, NULL,
		kansa_revocation_doc__from_json, kansa_revocation_doc__to_json,
	},
	[KANSA_DOC_RATIFICATION] = {
		"ratification", "application/kansa-ratification+cbor", KANSA_ACT_REVOKE,
		ratification_parse, ratification_dispose, ratification_commission, NULL,
		kansa_ratification_doc__from_json, kansa_ratification_doc__to_json,
	},
};

#define N_KINDS (sizeof(kinds) / sizeof(kinds[0]))

const kansa_doc_kind_def *kansa_doc_kind__def(int kind)
{
	if (kind <= 0 || (size_t)kind >= N_KINDS || kinds[kind].name == NULL)
		return NULL;
	return &kinds[kind];
}

const char *kansa_doc_kind__name(int kind)
{
	const kansa_doc_kind_def *k = kansa_doc_kind__def(kind);

	return k ? k->name : "unknown";
}

const char *kansa_doc_kind_name(int kind)
{
	return kansa_doc_kind__name(kind);
}

int kansa_doc_kind__from_content_type(const char *ctyp)
{
	for (size_t k = 1; ctyp != NULL && k < N_KINDS; k++)
		if (kinds[k].content_type != NULL && strcmp(kinds[k].content_type, ctyp) == 0)
			return (int)k;
	return 0;
}

int kansa_signed_doc__quorum_action(const kansa_signed_doc *d)
{
	const kansa_doc_kind_def *k = kansa_doc_kind__def(d->kind);

	if (k == NULL)
		return -1;
	return k->quorum_action == KANSA_QUORUM_OWN_ACTION ? d->u.warrant.action : k->quorum_action;
}
