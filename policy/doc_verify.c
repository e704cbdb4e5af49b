/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The signed-document envelope and its verification against a policy
 * (design §3-§5): COSE_Sign parsed and its payload handed to its kind's
 * parser (doc_kind.c), every signature checked against the policy's
 * members (row 2), the authority rules of rows 3-4 and the validity rules
 * of rows 5-6 (rules.c) worded as errors for `warrant verify` and `show`,
 * and the succession of policy versions.
 *
 * This file must never count a signature that did not verify, count a member
 * twice, let a document with a failing signature or a non-member kid pass,
 * or decide a rule of rows 3-6 itself: it asks rules.c.
 */
#include <stdlib.h>
#include <string.h>

#include "keys/keys.h"
#include "policy/doc.h"
#include "policy/rules.h"

const kansa_member *kansa_policy_doc__member_by_kid(const kansa_policy_doc *policy,
    const uint8_t kid[KANSA_KID_LEN])
{
	const kansa_member *found = NULL;

	/* every member is compared, in constant time (style §5) */
	for (size_t i = 0; policy != NULL && i < policy->n_members; i++)
		if (kansa_ct_equal(policy->members[i].kid, kid, KANSA_KID_LEN) && found == NULL)
			found = &policy->members[i];
	return found;
}

/* ---------------------------------------------------------------------- */
/* Signed documents                                                        */
/* ---------------------------------------------------------------------- */

void kansa_signed_doc__free(kansa_signed_doc *d)
{
	if (d == NULL)
		return;
	if (kansa_doc_kind__def(d->kind) != NULL)
		kansa_doc_kind__def(d->kind)->dispose(d);
	kansa_cose__free(d->cose);
	free(d);
}

int kansa_signed_doc__parse(kansa_signed_doc **out, const uint8_t *in, size_t len, int expected_kind,
    const uint8_t *hash)
{
	kansa_signed_doc *d = NULL;
	const uint8_t *payload;
	size_t plen;
	int kind, error;

	*out = NULL;
	if (in == NULL)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_DOCUMENT, "no document given");
	if (len > KANSA_MAX_DOC_BYTES)
		return kansa_error_set(KANSA_ELIMIT, KANSA_ERRCLASS_DOCUMENT,
		    "document of %zu bytes exceeds the limit of %d", len, KANSA_MAX_DOC_BYTES);
	if ((d = calloc(1, sizeof(*d))) == NULL)
		return kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
	if ((error = kansa_cose__parse(&d->cose, in, len)) < 0)
		goto out;
	/* REQ: DOC-KIND the content type names the kind; a verifier refuses another */
	kind = kansa_doc_kind__from_content_type(kansa_cose__content_type(d->cose));
	if (kind == 0) {
		error = kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_DOCUMENT,
		    "unknown document content type \"%.80s\"", kansa_cose__content_type(d->cose));
		goto out;
	}
	if (expected_kind != 0 && kind != expected_kind) {
		error = kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_DOCUMENT,
		    "document is a %s, not a %s", kansa_doc_kind__name(kind),
		    kansa_doc_kind__name(expected_kind));
		goto out;
	}
	payload = kansa_cose__payload_unverified(d->cose, &plen);
	if ((error = kansa_doc_kind__def(kind)->parse(d, payload, plen)) < 0) {
		kansa_error_prefix("%s", kansa_doc_kind__name(kind));
		goto out;
	}
	d->kind = kind;
	if (hash != NULL)
		memcpy(d->hash, hash, KANSA_HASH_LEN);
	else if ((error = kansa_sha256(d->hash, in, len)) < 0)
		goto out;
	*out = d;
	d = NULL;
out:
	if (d != NULL) {
		kansa_cose__free(d->cose);
		free(d);
	}
	return error;
}

void kansa_signed_doc__check_signers(kansa_signers *out, const kansa_signed_doc *d,
    const kansa_policy_doc *policy, bool all)
{
	size_t n = kansa_cose__signature_count(d->cose);

	out->n = 0;
	for (size_t i = 0; i < n && i < KANSA_MAX_SIGNATURES; i++) {
		const kansa_cose_signature *s = kansa_cose__signature(d->cose, i);
		const kansa_member *m = kansa_policy_doc__member_by_kid(policy, s->kid);

		out->member[i] = m != NULL ? (int)(m - policy->members) : -1;
		out->valid[i] = m != NULL && kansa_cose__verify_signature(d->cose, i, m->key) == 0;
		out->n = i + 1;
		if (!all && !out->valid[i])
			break;
	}
}

int kansa_signed_doc__verify_signers(size_t *distinct_out, const kansa_signed_doc *d,
    const kansa_policy_doc *policy, const kansa_signers *known)
{
	bool seen[KANSA_MAX_MEMBERS];
	kansa_signers pass;
	size_t n, distinct = 0;
	char kid[2 * KANSA_KID_LEN + 1];

	if (distinct_out != NULL)
		*distinct_out = 0;
	if (d == NULL || policy == NULL)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_DOCUMENT, "no document or no policy");
	if (known == NULL) {
		kansa_signed_doc__check_signers(&pass, d, policy, false);
		known = &pass;
	}
	memset(seen, 0, sizeof(seen));
	n = kansa_cose__signature_count(d->cose);
	for (size_t i = 0; i < n; i++) {
		const kansa_cose_signature *s = kansa_cose__signature(d->cose, i);
		size_t idx;

		if (i >= known->n)
			return kansa_error_set(KANSA_ERROR, KANSA_ERRCLASS_DOCUMENT,
			    "internal error: signature %zu was not checked", i + 1);
		/* REQ: DOC-SIGNERS a non-member kid invalidates the whole document */
		if (known->member[i] < 0) {
			kansa_hex_encode(kid, s->kid, KANSA_KID_LEN);
			return kansa_error_set(KANSA_EVERIFY, KANSA_ERRCLASS_DOCUMENT,
			    "signature %zu: kid %s is not a member of policy version %llu of %.64s", i + 1,
			    kid, (unsigned long long)policy->version, policy->commission);
		}
		idx = (size_t)known->member[i];
		/* REQ: DOC-SIGNERS any failing signature invalidates the whole document */
		if (!known->valid[i]) {
			kansa_hex_encode(kid, s->kid, KANSA_KID_LEN);
			return kansa_error_set(KANSA_EVERIFY, KANSA_ERRCLASS_DOCUMENT,
			    "signature %zu (%s, kid %s) does not verify", i + 1, policy->members[idx].name, kid);
		}
		/* REQ: DOC-DISTINCT the same member twice counts once */
		if (!seen[idx]) {
			seen[idx] = true;
			distinct++;
		}
	}
	if (distinct_out != NULL)
		*distinct_out = distinct;
	return 0;
}

static int no_quorum(size_t have, uint64_t need, const char *what)
{
	return kansa_error_set(KANSA_EVERIFY, KANSA_ERRCLASS_DOCUMENT,
	    "no quorum: %zu of %llu required signatures (%s)", have, (unsigned long long)need, what);
}

int kansa_policy_doc__verify_next(size_t *have_out, size_t *need_out,
    const kansa_signed_doc *next, const kansa_policy_doc *prev, const kansa_signers *known)
{
	const kansa_policy_doc *np, *signers_of;
	size_t have = 0;
	uint64_t need;
	int error;

	if (have_out != NULL)
		*have_out = 0;
	if (need_out != NULL)
		*need_out = 0;
	if (next == NULL || next->kind != KANSA_DOC_POLICY)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_DOCUMENT, "not a policy document");
	np = &next->u.policy;
	if (prev == NULL) {
		/* REQ: POLICY-V1 version 1 is signed by its own policy quorum */
		if (np->version != 1)
			return kansa_error_set(KANSA_EVERIFY, KANSA_ERRCLASS_DOCUMENT,
			    "policy version %llu can only be verified after version %llu",
			    (unsigned long long)np->version, (unsigned long long)(np->version - 1));
		signers_of = np;
	} else {
		/* REQ: POLICY-NEXT same commission, version n+1, the policy quorum of n */
		if (!kansa_rules__same_commission(np->commission, prev))
			return kansa_error_set(KANSA_EVERIFY, KANSA_ERRCLASS_DOCUMENT,
			    "wrong commission: the new policy is for '%.64s', the policy in force for '%.64s'",
			    np->commission, prev->commission);
		if (prev->version == UINT64_MAX || np->version != prev->version + 1)
			return kansa_error_set(KANSA_EVERIFY, KANSA_ERRCLASS_DOCUMENT,
			    "policy version %llu does not follow version %llu (expected %llu)",
			    (unsigned long long)np->version, (unsigned long long)prev->version,
			    (unsigned long long)(prev->version + 1));
		signers_of = prev;
	}
	need = kansa_rules__quorum_need(signers_of, kansa_signed_doc__quorum_action(next));
	if (need_out != NULL)
		*need_out = (size_t)need;
	if ((error = kansa_signed_doc__verify_signers(&have, next, signers_of, known)) < 0)
		return error;
	if (have_out != NULL)
		*have_out = have;
	if (!kansa_rules__has_quorum(have, need))
		return no_quorum(have, need, prev == NULL ? "policy, by its own members" :
		    "policy, by the members of the previous version");
	return 0;
}

int kansa_signed_doc__verify_quorum(size_t *have_out, size_t *need_out,
    const kansa_signed_doc *d, const kansa_policy_doc *policy, const kansa_signers *known)
{
	const char *commission;
	size_t have = 0;
	uint64_t need;
	int action, error;

	if (have_out != NULL)
		*have_out = 0;
	if (need_out != NULL)
		*need_out = 0;
	if (d == NULL)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_DOCUMENT, "no document");
	if (d->kind == KANSA_DOC_POLICY)
		return kansa_policy_doc__verify_next(have_out, need_out, d, policy, known);
	if (policy == NULL)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_DOCUMENT, "no policy");
	action = kansa_signed_doc__quorum_action(d);
	if (action < 0 || action >= KANSA_ACT_COUNT)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_DOCUMENT, "bad action");
	need = kansa_rules__quorum_need(policy, action);
	if (need_out != NULL)
		*need_out = (size_t)need;
	/* design §5 order: signatures (row 2), then the rules of rows 3 and 4 */
	if ((error = kansa_signed_doc__verify_signers(&have, d, policy, known)) < 0)
		return error;
	if (have_out != NULL)
		*have_out = have;
	commission = kansa_doc_kind__def(d->kind)->commission(d);
	switch (kansa_rules__authority(policy, commission, action, have)) {
	case KANSA_REASON_WRONG_COMMISSION:
		return kansa_error_set(KANSA_EVERIFY, KANSA_ERRCLASS_DOCUMENT,
		    "wrong commission: the %s is from '%.64s', the policy is '%.64s'",
		    kansa_doc_kind__name(d->kind), commission, policy->commission);
	case KANSA_REASON_NO_QUORUM:
		return no_quorum(have, need, kansa_action__name(action));
	default:
		return 0;
	}
}

int kansa_warrant_doc__check_validity(const kansa_warrant_doc *w, const kansa_policy_doc *policy,
    int64_t now)
{
	char a[32], b[32];

	/* REQ: DECIDE-5 REQ: DECIDE-6 the rules of policy/rules.c, worded for people */
	switch (kansa_rules__validity(w, policy, now)) {
	case KANSA_REASON_NOT_YET_VALID:
		kansa_time__format(a, w->not_before);
		kansa_duration__format(b, w->not_before - now);
		return kansa_error_set(KANSA_EEXPIRED, KANSA_ERRCLASS_DOCUMENT,
		    "not yet valid: valid from %s (in %s)", a, b);
	case KANSA_REASON_EXPIRED:
		kansa_time__format(a, w->expires);
		return kansa_error_set(KANSA_EEXPIRED, KANSA_ERRCLASS_DOCUMENT, "expired at %s", a);
	case KANSA_REASON_VALIDITY_TOO_LONG:
		kansa_duration__format(a, w->expires - w->not_before);
		kansa_duration__format(b, kansa_rules__max_validity(policy, w->action));
		return kansa_error_set(KANSA_EVERIFY, KANSA_ERRCLASS_DOCUMENT,
		    "validity too long: valid for %s, the policy allows at most %s for %s", a, b,
		    kansa_action__name(w->action));
	default:
		return 0;
	}
}
