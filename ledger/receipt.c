/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Signed receipts (design §9): the ledger signs, with its log key (the key
 * of its checkpoints), a COSE_Sign1 for every entry it records, and anyone
 * holding only the log's verifier key checks it (kansa_receipt_verify(), the
 * data holder's gate: no valid allow receipt, no data).
 *
 * Signing runs AFTER the entry's commit, on the caller's thread and outside
 * the store's write lock, so receipts are signed in parallel and never
 * slow the group commit. A failure to sign happens to a recorded entry:
 * it must be reported as such (out->recorded stays true), never as
 * "nothing was recorded".
 *
 * Verification follows "verify, then use": the kid is compared in constant
 * time and the signature checked before any field of the payload is
 * believed or handed out.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "keys/keys.h"
#include "ledger/ledger_impl.h"
#include "ledger/tlog/note.h"
#include "policy/receipt.h"

void kansa_ledger__receipt_act(kansa_receipt_info *info, const kansa_request_doc *req)
{
	snprintf(info->action, sizeof(info->action), "%s", kansa_action__name(req->action));
	snprintf(info->requester, sizeof(info->requester), "%s", req->requester ? req->requester : "");
	snprintf(info->officer, sizeof(info->officer), "%s", req->officer ? req->officer : "");
}

static atomic_int receipt_fault; /* tests only: kansa_ledger__set_receipt_fault */

void kansa_ledger__set_receipt_fault(int error)
{
	atomic_store(&receipt_fault, error);
}

static int64_t add_ttl(int64_t t, int64_t ttl)
{
	int64_t out;

	return __builtin_add_overflow(t, ttl, &out) ? INT64_MAX : out;
}

int kansa_ledger__receipt_sign(kansa_receipt *r, kansa_ledger *lg, kansa_receipt_info *info, int64_t ttl)
{
	const kansa_key *key = kansa_ledger__log_key(lg);
	kansa_receipt_parts parts;
	uint8_t sig[KANSA_SIG_LEN];
	int error;

	r->cose_len = 0;
	memset(&parts, 0, sizeof(parts));
	snprintf(info->log, sizeof(info->log), "%s", kansa_ledger__origin(lg));
	kansa_key_kid(info->kid, key);
	info->seq = r->seq;
	memcpy(info->leaf_hash, r->leaf_hash, KANSA_HASH_LEN);
	info->time = r->time;
	info->verdict = r->verdict;
	info->reason = r->reason;
	info->not_after = add_ttl(r->time, ttl > 0 ? ttl : KANSA_RECEIPT_TTL);
	/* REQ: RECEIPT-SIGN Ed25519 by the log key over the Sig_structure */
	if ((error = atomic_load(&receipt_fault)) < 0)
		kansa_error_set(error, KANSA_ERRCLASS_CRYPTO, "injected fault");
	else if ((error = kansa_receipt__encode(&parts, info)) == 0 &&
	    (error = kansa_key_sign(sig, key, parts.tbs, parts.tbs_len)) == 0)
		error = kansa_receipt__assemble(r->cose, sizeof(r->cose), &r->cose_len, &parts, sig);
	kansa_receipt__parts_dispose(&parts);
	if (error < 0) {
		/* REQ: RECEIPT-TRUTH the entry is recorded even though its receipt is not signed */
		r->cose_len = 0;
		snprintf(r->detail, sizeof(r->detail),
		    "recorded as entry %llu, but its receipt could not be signed: %.100s",
		    (unsigned long long)r->seq, kansa_error_last()->message);
		kansa_error_prefix("entry %llu recorded (%s), but its receipt could not be signed",
		    (unsigned long long)r->seq, r->verdict == KANSA_ALLOW ? "allow" : "deny");
	}
	return error;
}

int kansa_ledger__receipt_sign_doc(kansa_receipt *r, kansa_ledger *lg, int kind, const uint8_t *doc,
    size_t len, const uint8_t *cti)
{
	kansa_receipt_info info;
	int error;

	memset(&info, 0, sizeof(info));
	r->recorded = true;
	snprintf(info.action, sizeof(info.action), "%s", kansa_doc_kind_name(kind));
	if (cti) {
		info.has_warrant = true;
		memcpy(info.warrant_cti, cti, sizeof(info.warrant_cti));
	}
	if ((error = kansa_sha256(info.request_hash, doc, len)) < 0)
		return error;
	return kansa_ledger__receipt_sign(r, lg, &info, KANSA_RECEIPT_TTL);
}

/* ---- verification: the data holder's side -------------------------------- */

static int fail(int code, const char *fmt, ...) KANSA_PRINTF(2, 3);

static int fail(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kansa_error_vset(code, KANSA_ERRCLASS_COSE, fmt, ap);
	va_end(ap);
	return code;
}

static bool is_act(const char *action)
{
	return strcmp(action, "metadata-query") == 0 || strcmp(action, "neutralize") == 0;
}

/* What a valid signature vouches for, checked against what the caller holds. */
static int check_claims(const kansa_receipt_info *r, const kansa_note_verifier *log_key,
    const uint8_t *request, size_t request_len, int64_t now)
{
	uint8_t h[KANSA_HASH_LEN];
	char when[32];
	int error;

	/* REQ: RECEIPT-LOG the receipt names the log whose key signed it */
	if (strcmp(r->log, log_key->name) != 0)
		return fail(KANSA_EVERIFY, "receipt is from log '%.128s', not '%.128s'", r->log, log_key->name);
	/* REQ: RECEIPT-ACT only an act (metadata-query, neutralize) releases anything */
	if (!is_act(r->action))
		return fail(KANSA_EVERIFY, "receipt records %s entry, not an act",
		    r->action[0] ? r->action : "an unreadable request's");
	/* REQ: RECEIPT-REQUEST the receipt is for exactly these request bytes */
	if ((error = kansa_sha256(h, request, request_len)) < 0)
		return error;
	if (!kansa_ct_equal(h, r->request_hash, KANSA_HASH_LEN))
		return fail(KANSA_EVERIFY, "receipt is for another request (its request hash differs)");
	/* REQ: RECEIPT-ALLOW a deny receipt proves a refusal, never a permission */
	if (r->verdict != KANSA_ALLOW)
		return fail(KANSA_EDENIED, "receipt records a deny (%s) of entry %llu",
		    kansa_reason_name(r->reason), (unsigned long long)r->seq);
	/* REQ: RECEIPT-TTL valid while now < not_after */
	if (now >= r->not_after) {
		kansa_time_format(when, r->not_after);
		return fail(KANSA_EEXPIRED, "receipt expired at %s", when);
	}
	return 0;
}

int kansa_receipt_verify(kansa_receipt_info *out, const uint8_t *receipt, size_t len,
    const kansa_note_verifier *log_key, const uint8_t *request, size_t request_len, int64_t now)
{
	kansa_receipt_info info;
	kansa_receipt_parts parts;
	uint8_t sig[KANSA_SIG_LEN], kid[KANSA_KID_LEN];
	char have[2 * KANSA_KID_LEN + 1], want[2 * KANSA_KID_LEN + 1];
	int error;

	if (out)
		memset(out, 0, sizeof(*out));
	if (out == NULL || receipt == NULL || log_key == NULL || (request == NULL && request_len > 0))
		return fail(KANSA_EINVAL, "kansa_receipt_verify: missing argument");
	if ((error = kansa_receipt__parse(&info, &parts, sig, receipt, len)) < 0)
		return error;
	kansa_key_kid(kid, log_key->key);
	/* REQ: RECEIPT-KID the kid is compared in constant time before any crypto */
	if (!kansa_ct_equal(kid, info.kid, KANSA_KID_LEN)) {
		kansa_hex_encode(have, info.kid, KANSA_KID_LEN);
		kansa_hex_encode(want, kid, KANSA_KID_LEN);
		error = fail(KANSA_EVERIFY, "receipt is signed by key %s, not by the log key %s (%.128s)",
		    have, want, log_key->name);
	} else if (kansa_key_verify(log_key->key, parts.tbs, parts.tbs_len, sig) < 0) {
		error = fail(KANSA_EVERIFY, "receipt signature does not verify with the log key (%.128s)",
		    log_key->name);
	} else {
		*out = info; /* vouched for by the log key from here on */
		error = check_claims(&info, log_key, request, request_len, now);
	}
	kansa_receipt__parts_dispose(&parts);
	return error;
}
