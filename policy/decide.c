/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The decision function (design §5): pure, ordered, fail-closed. Each check
 * is tagged with its row in the design's table (REQ: DECIDE-n) so that
 * grep finds the rule, the code and the test together. Nothing here reads a
 * clock, a file or the ledger: time, uses and revocation come in as inputs.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "keys/keys.h"
#include "policy/decide.h"
#include "policy/rules.h"

static const char *const reason_names[KANSA_REASON_COUNT] = {
	[KANSA_REASON_ALLOWED] = "allowed",
	[KANSA_REASON_EMERGENCY] = "emergency",
	[KANSA_REASON_MALFORMED_REQUEST] = "malformed-request",
	[KANSA_REASON_MALFORMED_WARRANT] = "malformed-warrant",
	[KANSA_REASON_BAD_SIGNATURE] = "bad-signature",
	[KANSA_REASON_WRONG_COMMISSION] = "wrong-commission",
	[KANSA_REASON_NO_QUORUM] = "no-quorum",
	[KANSA_REASON_NOT_YET_VALID] = "not-yet-valid",
	[KANSA_REASON_EXPIRED] = "expired",
	[KANSA_REASON_VALIDITY_TOO_LONG] = "validity-too-long",
	[KANSA_REASON_REVOKED] = "revoked",
	[KANSA_REASON_WRONG_REQUESTER] = "wrong-requester",
	[KANSA_REASON_WRONG_ACTION] = "wrong-action",
	[KANSA_REASON_FORBIDDEN_FIELD] = "forbidden-field",
	[KANSA_REASON_FIELD_OUT_OF_SCOPE] = "field-out-of-scope",
	[KANSA_REASON_TARGET_OUT_OF_SCOPE] = "target-out-of-scope",
	[KANSA_REASON_WINDOW_OUT_OF_SCOPE] = "window-out-of-scope",
	[KANSA_REASON_OP_NOT_ALLOWED] = "op-not-allowed",
	[KANSA_REASON_USES_EXHAUSTED] = "uses-exhausted",
	[KANSA_REASON_UNAUTHENTICATED_REQUESTER] = "unauthenticated-requester",
	[KANSA_REASON_EMERGENCY_OUT_OF_SCOPE] = "emergency-out-of-scope",
};

const char *kansa_reason_name(int reason)
{
	if (reason < 0 || reason >= KANSA_REASON_COUNT)
		return "unknown";
	return reason_names[reason];
}

int kansa_reason_from_name(const char *name)
{
	for (int r = 0; name && r < KANSA_REASON_COUNT; r++)
		if (strcmp(reason_names[r], name) == 0)
			return r;
	return -1;
}

static void verdict(kansa_decision *out, int v, int reason, const char *fmt, ...)
	KANSA_PRINTF(4, 5);

static void verdict(kansa_decision *out, int v, int reason, const char *fmt, ...)
{
	va_list ap;

	out->verdict = v;
	out->reason = reason;
	va_start(ap, fmt);
	vsnprintf(out->detail, sizeof(out->detail), fmt, ap);
	va_end(ap);
	/* REQ: LEDGER-BATCH-ISOLATION the detail quotes input, maybe cut inside a
	 * UTF-8 sequence: made valid text here, so its entry always encodes */
	kansa_text__sanitize(out->detail);
}

#define DENY(out, reason, ...) verdict((out), KANSA_DENY, (reason), __VA_ARGS__)

/* A time as people read it in a detail: RFC 3339, UTC. */
static const char *rfc3339(char buf[32], int64_t t)
{
	kansa_time__format(buf, t);
	return buf;
}

static bool in_list(char *const *list, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i], s) == 0)
			return true;
	return false;
}

bool kansa_decide__policy_checks(kansa_decision *out, const kansa_policy_doc *policy,
    const kansa_request_doc *req)
{
	/* REQ: DECIDE-1 more targets than the policy's max_targets is malformed */
	if (req->action == KANSA_ACT_METADATA_QUERY && req->n_targets > policy->max_targets) {
		DENY(out, KANSA_REASON_MALFORMED_REQUEST,
		    "request names %zu targets; the policy allows at most %llu per request",
		    req->n_targets, (unsigned long long)policy->max_targets);
		return false;
	}
	/* REQ: DECIDE-10 forbidden or unknown fields */
	for (size_t i = 0; i < req->n_fields; i++) {
		const char *f = req->fields[i];
		bool content;

		if (kansa_rules__field(policy, f, &content) != KANSA_REASON_ALLOWED) {
			DENY(out, KANSA_REASON_FORBIDDEN_FIELD, content ?
			    "field '%.64s' is content, forbidden by the policy" :
			    "field '%.64s' is not a metadata field of the policy", f);
			return false;
		}
	}
	return true;
}

static bool target_in_scope(const kansa_warrant_doc *w, const kansa_prefix *t)
{
	for (size_t i = 0; i < w->n_targets; i++)
		if (kansa_prefix__contains(&w->targets[i], t))
			return true;
	return false;
}

static bool host_listed(const kansa_warrant_doc *w, const kansa_prefix *h)
{
	for (size_t i = 0; i < w->n_hosts; i++)
		if (w->hosts[i].family == h->family && w->hosts[i].len == h->len &&
		    memcmp(w->hosts[i].addr, h->addr, sizeof(h->addr)) == 0)
			return true;
	return false;
}

void kansa_decide__evaluate(kansa_decision *out, const kansa_policy_doc *policy,
    const kansa_warrant_doc *w, size_t signers, const kansa_request_doc *req,
    int64_t time, const kansa_warrant_state *state)
{
	char text[64], t1[32], t2[32], t3[32], t4[32];

	/* REQ: DECIDE-3 REQ: DECIDE-4 the rules of policy/rules.c, worded for the entry */
	switch (kansa_rules__authority(policy, w->commission, w->action, signers)) {
	case KANSA_REASON_WRONG_COMMISSION:
		DENY(out, KANSA_REASON_WRONG_COMMISSION,
		    "warrant is from commission '%.64s', the policy is '%.64s'", w->commission,
		    policy->commission);
		return;
	case KANSA_REASON_NO_QUORUM:
		DENY(out, KANSA_REASON_NO_QUORUM, "%zu of %llu required signatures", signers,
		    (unsigned long long)kansa_rules__quorum_need(policy, w->action));
		return;
	default:
		break;
	}
	/* REQ: DECIDE-5 REQ: DECIDE-6 */
	switch (kansa_rules__validity(w, policy, time)) {
	case KANSA_REASON_NOT_YET_VALID:
		DENY(out, KANSA_REASON_NOT_YET_VALID, "valid from %s, decision time %s",
		    rfc3339(t1, w->not_before), rfc3339(t2, time));
		return;
	case KANSA_REASON_EXPIRED:
		DENY(out, KANSA_REASON_EXPIRED, "expired at %s, decision time %s",
		    rfc3339(t1, w->expires), rfc3339(t2, time));
		return;
	case KANSA_REASON_VALIDITY_TOO_LONG:
		DENY(out, KANSA_REASON_VALIDITY_TOO_LONG,
		    "valid for %lld s, the policy allows at most %lld s for %s",
		    (long long)(w->expires - w->not_before),
		    (long long)kansa_rules__max_validity(policy, w->action),
		    kansa_action__name(w->action));
		return;
	default:
		break;
	}
	/* REQ: DECIDE-7 a revocation in the ledger */
	if (state->revoked) {
		DENY(out, KANSA_REASON_REVOKED, "the warrant was revoked");
		return;
	}
	/* REQ: DECIDE-8 */
	if (strcmp(req->requester, w->subject) != 0) {
		DENY(out, KANSA_REASON_WRONG_REQUESTER,
		    "requester '%.64s' is not the warrant's subject '%.64s'", req->requester, w->subject);
		return;
	}
	/* REQ: DECIDE-9 */
	if (req->action != w->action) {
		DENY(out, KANSA_REASON_WRONG_ACTION, "request is %s, the warrant allows %s",
		    kansa_action__name(req->action), kansa_action__name(w->action));
		return;
	}
	/* REQ: DECIDE-10 (and DECIDE-1's max_targets) */
	if (!kansa_decide__policy_checks(out, policy, req))
		return;
	if (req->action == KANSA_ACT_METADATA_QUERY) {
		/* REQ: DECIDE-11 every field in the warrant's scope */
		for (size_t i = 0; i < req->n_fields; i++) {
			if (!in_list(w->fields, w->n_fields, req->fields[i])) {
				DENY(out, KANSA_REASON_FIELD_OUT_OF_SCOPE,
				    "field '%.64s' is not in the warrant's scope", req->fields[i]);
				return;
			}
		}
		/* REQ: DECIDE-12 each target wholly inside one warrant prefix; families never mix */
		for (size_t i = 0; i < req->n_targets; i++) {
			if (!target_in_scope(w, &req->targets[i])) {
				kansa_prefix__format(text, &req->targets[i]);
				DENY(out, KANSA_REASON_TARGET_OUT_OF_SCOPE,
				    "target %s is not inside the warrant's targets", text);
				return;
			}
		}
		/* REQ: DECIDE-13 the request's window inside the warrant's window */
		if (req->window[0] < w->window[0] || req->window[1] > w->window[1] ||
		    req->window[0] > req->window[1]) {
			DENY(out, KANSA_REASON_WINDOW_OUT_OF_SCOPE,
			    "window [%s, %s] is not inside the warrant's [%s, %s]",
			    rfc3339(t1, req->window[0]), rfc3339(t2, req->window[1]),
			    rfc3339(t3, w->window[0]), rfc3339(t4, w->window[1]));
			return;
		}
	} else {
		/* REQ: DECIDE-12 a neutralize host must be listed */
		if (!host_listed(w, &req->host)) {
			kansa_prefix__format(text, &req->host);
			DENY(out, KANSA_REASON_TARGET_OUT_OF_SCOPE,
			    "host %s is not listed in the warrant", text);
			return;
		}
		/* REQ: DECIDE-14 op in the warrant's ops and the policy's ops */
		if (!in_list(w->ops, w->n_ops, req->op) || !kansa_rules__op_allowed(policy, req->op)) {
			DENY(out, KANSA_REASON_OP_NOT_ALLOWED, "operation '%.64s' is not allowed by the %s",
			    req->op, in_list(w->ops, w->n_ops, req->op) ? "policy" : "warrant");
			return;
		}
	}
	/* REQ: DECIDE-15 max_uses allowed entries; 0 means no limit */
	if (w->max_uses > 0 && state->uses >= w->max_uses) {
		DENY(out, KANSA_REASON_USES_EXHAUSTED, "all %llu uses of the warrant are spent",
		    (unsigned long long)w->max_uses);
		return;
	}
	if (w->max_uses == 0)
		verdict(out, KANSA_ALLOW, KANSA_REASON_ALLOWED, "use %llu (no limit)",
		    (unsigned long long)state->uses + 1);
	else
		verdict(out, KANSA_ALLOW, KANSA_REASON_ALLOWED, "use %llu of %llu",
		    (unsigned long long)state->uses + 1, (unsigned long long)w->max_uses);
}

/* The addresses @p n prefixes cover, saturating at UINT64_MAX (overlaps
 * count twice: an upper bound, which is what a bound needs). */
static uint64_t addresses_covered(const kansa_prefix *l, size_t n)
{
	uint64_t total = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned bits = (l[i].family == 4 ? 32u : 128u) - l[i].len;

		if (bits >= 64 || __builtin_add_overflow(total, (uint64_t)1 << bits, &total))
			return UINT64_MAX;
	}
	return total;
}

/* REQ: DECIDE-EMERGENCY-BOUNDS the policy's emergency bounds (design §12),
 * where a warrant's scope would be: hosts, prefixes, window. */
static bool emergency_in_scope(kansa_decision *out, const kansa_emergency_bounds *b,
    const kansa_request_doc *req)
{
	const kansa_prefix *l = req->action == KANSA_ACT_NEUTRALIZE ? &req->host : req->targets;
	size_t n = req->action == KANSA_ACT_NEUTRALIZE ? 1 : req->n_targets;
	uint64_t covered = addresses_covered(l, n);
	char text[64], d1[32], d2[32];

	if (b->max_hosts > 0 && covered > b->max_hosts) {
		if (covered == UINT64_MAX)
			snprintf(text, sizeof(text), "at least 2^64");
		else
			snprintf(text, sizeof(text), "%llu", (unsigned long long)covered);
		DENY(out, KANSA_REASON_EMERGENCY_OUT_OF_SCOPE,
		    "the request covers %s addresses, more than the emergency bound of %llu hosts", text,
		    (unsigned long long)b->max_hosts);
		return false;
	}
	for (size_t i = 0; req->action == KANSA_ACT_METADATA_QUERY && i < n; i++) {
		uint8_t bound = b->max_prefix[l[i].family == 4 ? 0 : 1];

		if (bound > 0 && l[i].len < bound) {
			kansa_prefix__format(text, &l[i]);
			DENY(out, KANSA_REASON_EMERGENCY_OUT_OF_SCOPE,
			    "prefix %s is broader than the emergency bound /%u", text, (unsigned)bound);
			return false;
		}
	}
	if (req->action == KANSA_ACT_METADATA_QUERY && b->max_window > 0 &&
	    (req->window[1] < req->window[0] || req->window[1] - req->window[0] > b->max_window)) {
		kansa_duration__text(d1, req->window[1] - req->window[0]);
		kansa_duration__text(d2, b->max_window);
		if (req->window[1] < req->window[0])
			DENY(out, KANSA_REASON_EMERGENCY_OUT_OF_SCOPE, "the window ends before it starts");
		else
			DENY(out, KANSA_REASON_EMERGENCY_OUT_OF_SCOPE,
			    "window of %s is longer than the emergency bound of %s", d1, d2);
		return false;
	}
	return true;
}

/* Emergency acts (design §5): no warrant; the policy must allow them for
 * the action; the checks that do not need a warrant still apply, and the
 * policy's emergency bounds stand where the warrant's scope would. */
static void decide_emergency(kansa_decision *out, const kansa_policy_doc *policy,
    const kansa_request_doc *req, int64_t time)
{
	const kansa_emergency_bounds *b;
	char t1[32];

	if (req->action < 0 || req->action > KANSA_ACT_NEUTRALIZE || policy->emergency[req->action] <= 0) {
		DENY(out, KANSA_REASON_MALFORMED_WARRANT,
		    "no warrant, and the policy allows no emergency %s", kansa_action__name(req->action));
		return;
	}
	b = &policy->emergency_bounds[req->action];
	if (!kansa_decide__policy_checks(out, policy, req) || !emergency_in_scope(out, b, req))
		return;
	if (req->action == KANSA_ACT_NEUTRALIZE && !kansa_rules__op_allowed(policy, req->op)) {
		DENY(out, KANSA_REASON_OP_NOT_ALLOWED, "operation '%.64s' is not allowed by the policy", req->op);
		return;
	}
	/* REQ: DECIDE-EMERGENCY-BOUNDS an op outside the emergency ops */
	if (req->action == KANSA_ACT_NEUTRALIZE && b->n_ops > 0 && !in_list(b->ops, b->n_ops, req->op)) {
		DENY(out, KANSA_REASON_EMERGENCY_OUT_OF_SCOPE,
		    "operation '%.64s' is not among the policy's emergency ops", req->op);
		return;
	}
	out->ratify_by = time + policy->emergency[req->action];
	verdict(out, KANSA_ALLOW, KANSA_REASON_EMERGENCY, "emergency act; to be ratified by %s",
	    rfc3339(t1, out->ratify_by));
}

/* A well-formed request has what its action needs (the parser checks the
 * same; this keeps the decision safe for any caller of evaluate). */
static bool request_complete(kansa_decision *out, const kansa_request_doc *req)
{
	/* REQ: REQUEST-BLANK the same rule as the parser's, for every caller of evaluate */
	if (kansa_text__is_blank(req->officer) || kansa_text__is_blank(req->justification) ||
	    req->requester == NULL) {
		DENY(out, KANSA_REASON_MALFORMED_REQUEST, "requester, officer and justification are required");
		return false;
	}
	if (req->action == KANSA_ACT_METADATA_QUERY &&
	    (req->n_targets == 0 || req->n_fields == 0 || !req->has_window)) {
		DENY(out, KANSA_REASON_MALFORMED_REQUEST, "a metadata-query needs targets, fields and a window");
		return false;
	}
	if (req->action == KANSA_ACT_NEUTRALIZE && (!req->has_host || req->op == NULL)) {
		DENY(out, KANSA_REASON_MALFORMED_REQUEST, "a neutralize request needs a host and an op");
		return false;
	}
	if (req->action != KANSA_ACT_METADATA_QUERY && req->action != KANSA_ACT_NEUTRALIZE) {
		DENY(out, KANSA_REASON_MALFORMED_REQUEST, "unknown action");
		return false;
	}
	return true;
}

bool kansa_decide__request(kansa_decision *out, kansa_request_doc *req, const uint8_t *request,
    size_t request_len)
{
	memset(out, 0, sizeof(*out));
	memset(req, 0, sizeof(*req));
	out->verdict = KANSA_DENY;
	out->action = -1;
	/* REQ: DECIDE-1 the request first, then the warrant */
	if (request == NULL || kansa_request__parse(req, request, request_len) < 0) {
		DENY(out, KANSA_REASON_MALFORMED_REQUEST, "%s",
		    request ? kansa_error_last()->message : "no request");
		return false;
	}
	out->action = req->action;
	return request_complete(out, req);
}

bool kansa_decide__request_parsed(kansa_decision *out, const kansa_request_doc *req)
{
	memset(out, 0, sizeof(*out));
	out->verdict = KANSA_DENY;
	out->action = req->action;
	return request_complete(out, req);
}

void kansa_decide__request_unkept(kansa_decision *out, uint64_t size, bool json, const char *why)
{
	memset(out, 0, sizeof(*out));
	out->verdict = KANSA_DENY;
	out->action = -1;
	/* REQ: LEDGER-REQUEST-RECORDED a request that cannot be decided on is still an answer */
	DENY(out, KANSA_REASON_MALFORMED_REQUEST, "request not kept (%llu bytes of %s)%s%.150s",
	    (unsigned long long)size, json ? "JSON" : "CBOR", why && why[0] ? ": " : "", why ? why : "");
}

/* REQ: DECIDE-2 every signature verifies and every kid is a member */
static void verify_signers(kansa_warrant_check *out, const kansa_policy_doc *policy)
{
	memcpy(out->hash, out->doc->hash, KANSA_HASH_LEN);
	if (kansa_signed_doc__verify_signers(&out->signers, out->doc, policy, NULL) < 0) {
		out->reason = KANSA_REASON_BAD_SIGNATURE;
		out->signers = 0;
		snprintf(out->detail, sizeof(out->detail), "%.199s", kansa_error_last()->message);
		return;
	}
	out->reason = KANSA_REASON_ALLOWED;
}

static int warrant_check_start(kansa_warrant_check *out, const kansa_policy_doc *policy)
{
	if (out == NULL)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_DOCUMENT, "no output");
	memset(out, 0, sizeof(*out));
	out->reason = KANSA_REASON_MALFORMED_WARRANT;
	if (policy == NULL) {
		snprintf(out->detail, sizeof(out->detail), "no policy in force");
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_DOCUMENT, "no policy in force");
	}
	return 0;
}

int kansa_decide__verify_warrant(kansa_warrant_check *out, const kansa_policy_doc *policy,
    const uint8_t *warrant, size_t warrant_len, const uint8_t *hash)
{
	kansa_signed_doc *doc = NULL;
	int error;

	if ((error = warrant_check_start(out, policy)) < 0)
		return error;
	if (warrant == NULL || warrant_len == 0) {
		snprintf(out->detail, sizeof(out->detail), "no warrant given");
		return 0;
	}
	if (kansa_signed_doc__parse(&doc, warrant, warrant_len, KANSA_DOC_WARRANT, hash) < 0) {
		snprintf(out->detail, sizeof(out->detail), "%.199s", kansa_error_last()->message);
		return 0;
	}
	out->doc = doc;
	verify_signers(out, policy);
	return 0;
}

int kansa_decide__verify_parsed(kansa_warrant_check *out, const kansa_policy_doc *policy,
    const kansa_signed_doc *doc)
{
	int error;

	if ((error = warrant_check_start(out, policy)) < 0)
		return error;
	if (doc == NULL || doc->kind != KANSA_DOC_WARRANT)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_DOCUMENT, "not a parsed warrant");
	out->doc = doc;
	out->doc_borrowed = true;
	verify_signers(out, policy);
	return 0;
}

void kansa_warrant_check__dispose(kansa_warrant_check *wc)
{
	if (wc == NULL)
		return;
	if (!wc->doc_borrowed)
		kansa_signed_doc__free((kansa_signed_doc *)wc->doc);
	memset(wc, 0, sizeof(*wc));
}

bool kansa_decide__unit(kansa_decision *out, const kansa_policy_doc *policy,
    const kansa_request_doc *req, const char *unit)
{
	const kansa_unit *u = NULL;

	for (size_t i = 0; unit != NULL && i < policy->n_units; i++)
		if (strcmp(policy->units[i].name, unit) == 0)
			u = &policy->units[i];
	/* REQ: SERVICE-UNIT-1 the caller is a unit the policy names */
	if (u == NULL) {
		DENY(out, KANSA_REASON_UNAUTHENTICATED_REQUESTER, "unit '%.64s' is not named in the policy's units",
		    unit ? unit : "");
		return false;
	}
	/* REQ: SERVICE-UNIT-2 the requester is the authenticated unit */
	if (strcmp(req->requester, unit) != 0) {
		DENY(out, KANSA_REASON_UNAUTHENTICATED_REQUESTER,
		    "requester '%.64s' is not the authenticated unit '%.64s'", req->requester, unit);
		return false;
	}
	/* REQ: SERVICE-UNIT-3 the unit is listed for the action */
	if (req->action < 0 || req->action > KANSA_ACT_NEUTRALIZE || !u->actions[req->action]) {
		DENY(out, KANSA_REASON_UNAUTHENTICATED_REQUESTER, "unit '%.64s' is not listed for %s",
		    unit, kansa_action__name(req->action));
		return false;
	}
	return true;
}

int kansa_decide__finish(kansa_decision *out, const kansa_policy_doc *policy,
    const kansa_request_doc *req, const kansa_warrant_check *wc, const char *unit, int64_t time,
    kansa_state_fn state_fn, void *state_ctx)
{
	kansa_warrant_state state = { 0, false };
	int error = 0;

	if (policy == NULL)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_DOCUMENT, "no policy in force");
	if (wc == NULL) {
		if (!req->emergency)
			DENY(out, KANSA_REASON_MALFORMED_WARRANT, "no warrant given");
		else if (unit == NULL || kansa_decide__unit(out, policy, req, unit))
			decide_emergency(out, policy, req, time);
		return 0;
	}
	if (wc->doc == NULL) {
		DENY(out, KANSA_REASON_MALFORMED_WARRANT, "%s", wc->detail);
		return 0;
	}
	out->has_warrant = true;
	memcpy(out->warrant_hash, wc->hash, KANSA_HASH_LEN);
	memcpy(out->cti, wc->doc->u.warrant.cti, sizeof(out->cti));
	/* design §5: right after row 1, before the warrant's signatures (row 2) */
	if (unit != NULL && !kansa_decide__unit(out, policy, req, unit))
		return 0;
	if (wc->reason != KANSA_REASON_ALLOWED) {
		DENY(out, wc->reason, "%s", wc->detail);
		return 0;
	}
	if (state_fn && (error = state_fn(state_ctx, out->warrant_hash, out->cti, &state)) < 0) {
		DENY(out, out->reason, "ledger state unavailable");
		return error;
	}
	kansa_decide__evaluate(out, policy, &wc->doc->u.warrant, wc->signers, req, time, &state);
	return 0;
}

int kansa_decide(kansa_decision *out, const kansa_policy_doc *policy,
    const uint8_t *warrant, size_t warrant_len, const uint8_t *request, size_t request_len,
    int64_t time, kansa_state_fn state_fn, void *state_ctx)
{
	kansa_request_doc req;
	kansa_warrant_check wc;
	bool has_warrant = warrant != NULL && warrant_len > 0;
	int error = 0;

	memset(&wc, 0, sizeof(wc));
	if (policy == NULL) {
		memset(out, 0, sizeof(*out));
		out->verdict = KANSA_DENY;
		out->action = -1;
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_DOCUMENT, "no policy in force");
	}
	if (kansa_decide__request(out, &req, request, request_len)) {
		if (has_warrant)
			(void)kansa_decide__verify_warrant(&wc, policy, warrant, warrant_len, NULL);
		error = kansa_decide__finish(out, policy, &req, has_warrant ? &wc : NULL, NULL, time,
		    state_fn, state_ctx);
	}
	kansa_warrant_check__dispose(&wc);
	kansa_request__dispose(&req);
	return error;
}
