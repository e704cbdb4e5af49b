/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The decision function (design §5). It is pure: given the policy in force,
 * the warrant and request bytes, the decision time, the warrant's use count
 * and whether it is revoked, it returns the same decision every time. It does
 * no I/O; the ledger hands it the state, and replay calls the very same code.
 *
 * The checks run in exactly the order of design §5 and the first failing
 * check gives the reason. Only programmer errors (NULL policy) and out of
 * memory are returned as errors; everything about the inputs is a decision.
 */
#ifndef KANSA_POLICY_DECIDE_H
#define KANSA_POLICY_DECIDE_H

#include "policy/doc.h"

typedef struct {
	int verdict;                           /* KANSA_ALLOW or KANSA_DENY */
	int reason;                            /* kansa_reason */
	char detail[200];                      /* what failed, for people: "field 'payload' is forbidden" */
	int action;                            /* the request's action, -1 when malformed */
	bool has_warrant;                      /* a well-formed warrant was given */
	uint8_t warrant_hash[KANSA_HASH_LEN];  /* SHA-256 of the warrant's COSE bytes */
	uint8_t cti[16];                       /* the warrant's id */
	int64_t ratify_by;                     /* emergency acts: the ratification deadline, else 0 */
} kansa_decision;

/* What the ledger knows about a warrant at decision time. */
typedef struct {
	uint64_t uses;  /* entries that allowed an act under this warrant */
	bool revoked;   /* a revocation of this warrant is in the ledger */
} kansa_warrant_state;

/* Looks up the ledger state of a warrant (by hash and cti), after the
 * warrant has parsed: the use count is per warrant hash, revocation per cti.
 * Returns 0 or an error (a database failure), which kansa_decide returns. */
typedef int (*kansa_state_fn)(void *ctx, const uint8_t warrant_hash[KANSA_HASH_LEN],
    const uint8_t cti[16], kansa_warrant_state *out);

/*
 * Decide on a request. @p warrant may be NULL/0 (no warrant: only an
 * emergency request can then be allowed). @p state_fn may be NULL (no uses,
 * not revoked). Returns 0 with *out filled, or an error from state_fn or
 * KANSA_ENOMEM; on error the caller must deny.
 */
int kansa_decide(kansa_decision *out, const kansa_policy_doc *policy,
    const uint8_t *warrant, size_t warrant_len, const uint8_t *request, size_t request_len,
    int64_t time, kansa_state_fn state_fn, void *state_ctx);

/*
 * Checks 3 to 15 on parsed documents, for callers that already parsed and
 * verified (the verified-document cache) and for table-driven tests.
 * @p signers is the number of distinct members whose signatures verified.
 */
void kansa_decide__evaluate(kansa_decision *out, const kansa_policy_doc *policy,
    const kansa_warrant_doc *warrant, size_t signers, const kansa_request_doc *request,
    int64_t time, const kansa_warrant_state *state);

/* Checks that do not need a warrant (max_targets, policy fields and ops),
 * shared by the warrant path and emergency acts. Returns true when they pass. */
bool kansa_decide__policy_checks(kansa_decision *out, const kansa_policy_doc *policy,
    const kansa_request_doc *request);

#endif
