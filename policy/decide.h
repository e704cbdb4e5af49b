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
 * The decision in three stages, so that the ledger can run the expensive,
 * pure part (parsing and verifying the warrant's signatures) outside its
 * write transaction and cache it by (warrant hash, policy hash). kansa_check
 * and replay both run these stages, each keeping stage 2 for reuse;
 * kansa_decide() composes them in the same order in one call:
 *
 *   kansa_decide__request()         row 1 for the request (no policy needed)
 *   kansa_decide__verify_warrant()  rows 1-2 for the warrant (policy members only)
 *   kansa_decide__finish()          emergency acts, then rows 3-15 (state, time)
 */

/* A warrant parsed and its signatures checked against one policy's members.
 * Depends only on the warrant bytes and the policy (members), never on time
 * or ledger state: that is what makes it cacheable. */
typedef struct {
	int reason;                    /* KANSA_REASON_ALLOWED (verified), _MALFORMED_WARRANT or _BAD_SIGNATURE */
	char detail[200];              /* why it failed, when it did */
	const kansa_signed_doc *doc;   /* the parsed warrant; NULL when malformed */
	bool doc_borrowed;             /* doc is the caller's (verify_parsed), not freed by dispose */
	size_t signers;                /* distinct members whose signatures verified */
	uint8_t hash[KANSA_HASH_LEN];  /* SHA-256 of the COSE bytes (when parsed) */
} kansa_warrant_check;

/*
 * Stage 1: parse the request and check it is complete. @p out is reset
 * first (deny, action -1). Returns true when the request can be decided on;
 * otherwise *out holds the malformed-request denial. @p req is filled (and
 * must be disposed with kansa_request__dispose) in both cases.
 */
bool kansa_decide__request(kansa_decision *out, kansa_request_doc *req, const uint8_t *request,
    size_t request_len);

/* Stage 1 for a request the caller parsed strictly already (a JSON request
 * converted by kansa_request__from_json, which parses its own output). */
bool kansa_decide__request_parsed(kansa_decision *out, const kansa_request_doc *req);

/*
 * Stage 1 for a request whose bytes the ledger does not keep: larger than
 * KANSA_MAX_REQUEST_BYTES, or JSON that is not a request (design §5 row 1).
 * It is always malformed-request; @p why (may be NULL) says what could be
 * read, for people. The ledger and replay both decide such entries here.
 */
void kansa_decide__request_unkept(kansa_decision *out, uint64_t size, bool json, const char *why);

/* Stage 2: parse the warrant and verify every signature against @p policy's
 * members (REQ: DECIDE-1, DECIDE-2). @p hash is the SHA-256 of the bytes
 * when the caller has it (NULL: computed here). Always fills *out (dispose
 * it with kansa_warrant_check__dispose); returns KANSA_EINVAL only for a
 * NULL argument. */
int kansa_decide__verify_warrant(kansa_warrant_check *out, const kansa_policy_doc *policy,
    const uint8_t *warrant, size_t warrant_len, const uint8_t *hash);

/* Stage 2 for a warrant the caller already parsed (replay keeps each
 * document parsed once): @p doc is borrowed and must outlive *out. */
int kansa_decide__verify_parsed(kansa_warrant_check *out, const kansa_policy_doc *policy,
    const kansa_signed_doc *doc);
void kansa_warrant_check__dispose(kansa_warrant_check *wc);

/*
 * Stage 3: with *out as stage 1 left it for a complete request: no warrant
 * (@p wc NULL) decides an emergency act; otherwise the warrant check's
 * result, the ledger state from @p state_fn, and checks 3 to 15. @p wc must
 * have been made against @p policy. @p unit is the unit authenticated by
 * the service (design §10), or NULL for an in-process check: when given,
 * kansa_decide__unit() runs right after row 1 (the warrant's malformed-
 * warrant included). Returns 0, or state_fn's error (then the caller must
 * deny).
 */
int kansa_decide__finish(kansa_decision *out, const kansa_policy_doc *policy,
    const kansa_request_doc *req, const kansa_warrant_check *wc, const char *unit, int64_t time,
    kansa_state_fn state_fn, void *state_ctx);

/*
 * The service's check (design §10): the authenticated @p unit is one of the
 * policy's units, listed for the request's action, and is the request's
 * requester. Returns true when it passes; otherwise *out holds the denial
 * unauthenticated-requester.
 */
bool kansa_decide__unit(kansa_decision *out, const kansa_policy_doc *policy,
    const kansa_request_doc *req, const char *unit);

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
