/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Design §5 rows 3 to 6, once (see rules.h): commission, quorum of distinct
 * members, the validity window, and the longest validity the policy allows.
 * Each rule is tagged with its row (REQ: DECIDE-n); its tests carry the
 * same tag.
 *
 * This file must never format a message, read a clock or the ledger, or
 * have a second copy anywhere: a caller that needs one of these rules calls
 * it here.
 */
#include <string.h>

#include "policy/rules.h"

bool kansa_rules__same_commission(const char *commission, const kansa_policy_doc *policy)
{
	/* REQ: DECIDE-3 the document's commission is the policy's */
	return strcmp(commission, policy->commission) == 0;
}

uint64_t kansa_rules__quorum_need(const kansa_policy_doc *policy, int action)
{
	if (policy == NULL || action < 0 || action >= KANSA_ACT_COUNT)
		return 0;
	return policy->quorum[action];
}

bool kansa_rules__has_quorum(size_t have, uint64_t need)
{
	/* REQ: DECIDE-4 distinct members, at least the quorum; never none */
	return have > 0 && have >= need;
}

int kansa_rules__authority(const kansa_policy_doc *policy, const char *commission, int action,
    size_t signers)
{
	if (!kansa_rules__same_commission(commission, policy))
		return KANSA_REASON_WRONG_COMMISSION;
	/* REQ: DECIDE-4 the quorum of the document's action */
	if (action < 0 || action >= KANSA_ACT_COUNT ||
	    !kansa_rules__has_quorum(signers, kansa_rules__quorum_need(policy, action)))
		return KANSA_REASON_NO_QUORUM;
	return KANSA_REASON_ALLOWED;
}

int64_t kansa_rules__max_validity(const kansa_policy_doc *policy, int action)
{
	if (policy == NULL || action < KANSA_ACT_METADATA_QUERY || action > KANSA_ACT_NEUTRALIZE)
		return 0;
	return policy->max_validity[action];
}

int kansa_rules__validity(const kansa_warrant_doc *w, const kansa_policy_doc *policy, int64_t time)
{
	int64_t max = kansa_rules__max_validity(policy, w->action);

	/* REQ: DECIDE-5 not_before <= time < expires (expiry is exclusive at the second) */
	if (time < w->not_before)
		return KANSA_REASON_NOT_YET_VALID;
	if (time >= w->expires)
		return KANSA_REASON_EXPIRED;
	/* REQ: DECIDE-6 validity no longer than the policy's max_validity */
	if (max > 0 && w->expires - w->not_before > max)
		return KANSA_REASON_VALIDITY_TOO_LONG;
	return KANSA_REASON_ALLOWED;
}

static bool listed(char *const *list, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i], s) == 0)
			return true;
	return false;
}

int kansa_rules__field(const kansa_policy_doc *policy, const char *field, bool *content)
{
	bool forbidden = listed(policy->forbidden_fields, policy->n_forbidden_fields, field);

	if (content != NULL)
		*content = forbidden;
	if (forbidden || !listed(policy->fields, policy->n_fields, field))
		return KANSA_REASON_FORBIDDEN_FIELD;
	return KANSA_REASON_ALLOWED;
}

bool kansa_rules__op_allowed(const kansa_policy_doc *policy, const char *op)
{
	return listed(policy->ops, policy->n_ops, op);
}

int kansa_rules__usable(const kansa_warrant_doc *w, const kansa_policy_doc *policy)
{
	if (w->action == KANSA_ACT_METADATA_QUERY) {
		for (size_t i = 0; i < w->n_fields; i++)
			if (kansa_rules__field(policy, w->fields[i], NULL) == KANSA_REASON_ALLOWED)
				return KANSA_REASON_ALLOWED;
		return KANSA_REASON_FORBIDDEN_FIELD;
	}
	if (w->action == KANSA_ACT_NEUTRALIZE) {
		for (size_t i = 0; i < w->n_ops; i++)
			if (kansa_rules__op_allowed(policy, w->ops[i]))
				return KANSA_REASON_ALLOWED;
		return KANSA_REASON_OP_NOT_ALLOWED;
	}
	return KANSA_REASON_ALLOWED;
}
