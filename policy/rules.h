/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The rules of design §5 rows 3 to 6: the authority of a signed document
 * (its commission, the quorum of distinct members) and the validity of a
 * warrant (its time window and its length). Each rule exists here once. The
 * decision (kansa_decide__evaluate, what kansa_check and replay run) and the
 * verification of documents (kansa_signed_doc__verify_quorum and
 * kansa_warrant_doc__check_validity, behind `warrant verify` and `show`)
 * both ask these functions and only word the answer in their own way, so
 * the two can never disagree.
 *
 * The answers are kansa_reason values; nothing here formats a message,
 * reads a clock or allocates.
 */
#ifndef KANSA_POLICY_RULES_H
#define KANSA_POLICY_RULES_H

#include "policy/doc.h"

/* Whether a document of @p commission belongs to @p policy's commission. */
bool kansa_rules__same_commission(const char *commission, const kansa_policy_doc *policy);

/* The number of distinct members @p policy asks for @p action (kansa_action);
 * 0 for an action it has no quorum for. */
uint64_t kansa_rules__quorum_need(const kansa_policy_doc *policy, int action);

/* Whether @p have distinct signers meet a quorum of @p need: at least need,
 * and never zero signers. */
bool kansa_rules__has_quorum(size_t have, uint64_t need);

/*
 * Rows 3 and 4 for a document of @p commission whose authority is the
 * quorum of @p action, signed by @p signers distinct members of @p policy:
 * KANSA_REASON_ALLOWED, _WRONG_COMMISSION or _NO_QUORUM (the first that fails).
 */
int kansa_rules__authority(const kansa_policy_doc *policy, const char *commission, int action,
    size_t signers);

/*
 * Rows 5 and 6 for warrant @p w at @p time: KANSA_REASON_ALLOWED,
 * _NOT_YET_VALID, _EXPIRED or _VALIDITY_TOO_LONG (the first that fails).
 * not_before is inclusive, expires exclusive. @p policy NULL skips row 6.
 */
int kansa_rules__validity(const kansa_warrant_doc *w, const kansa_policy_doc *policy, int64_t time);

/* The policy's max_validity for the warrant's action in seconds; 0 = no limit. */
int64_t kansa_rules__max_validity(const kansa_policy_doc *policy, int action);

/* Row 10: KANSA_REASON_ALLOWED when @p field is one of the policy's metadata
 * fields and not forbidden; else KANSA_REASON_FORBIDDEN_FIELD. *content
 * (may be NULL) tells a forbidden field (content) from an unknown one. */
int kansa_rules__field(const kansa_policy_doc *policy, const char *field, bool *content);

/* Row 14, the policy's half: whether the policy allows operation @p op. */
bool kansa_rules__op_allowed(const kansa_policy_doc *policy, const char *op);

/*
 * Whether any request could pass rows 10 and 14 under warrant @p w: a
 * metadata-query warrant needs a scope field that row 10 allows (every
 * request asks for at least one field, each inside the scope), a neutralize
 * warrant an op the policy allows. KANSA_REASON_ALLOWED, or
 * _FORBIDDEN_FIELD / _OP_NOT_ALLOWED when no request ever can: the warrant
 * is unusable under this policy, and `warrant verify` says it is invalid.
 */
int kansa_rules__usable(const kansa_warrant_doc *w, const kansa_policy_doc *policy);

#endif
