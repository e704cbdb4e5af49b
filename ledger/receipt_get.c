/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The receipt of a recorded entry, again (design §9, §10 GET /v1/receipt/SEQ).
 * The ledger keeps no receipt it signs, but every field of one comes from
 * the entry and the documents it names, and Ed25519 signatures are
 * deterministic (RFC 8032): rebuilding the payload exactly and signing it
 * with the log key gives the very bytes handed out at the time.
 *
 * Each field is rebuilt as kansa_check() (ledger.c) or the commission
 * document's call (commission.c, kansa_ledger_activate_policy) made it:
 *   decision: request = SHA-256 of the kept bytes (or the kept hash);
 *     action, requester, officer from the request when stage 1 read it;
 *     warrant = the warrant's cti when the request was read and the
 *     warrant parsed (kansa_decide__finish); not_after = time + the
 *     receipt_ttl of the policy version the entry names.
 *   policy, revocation, ratification: the kind's name, the document's
 *     hash, the revoked cti, not_after = time + KANSA_RECEIPT_TTL.
 * Whatever cannot be rebuilt, or disagrees with what the entry recorded
 * (a request that parses now but was recorded malformed, a warrant that
 * does not parse but was not recorded malformed), is refused: this never
 * signs a statement the ledger did not make.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keys/keys.h"
#include "ledger/ledger_impl.h"
#include "ledger/tlog/merkle.h"
#include "policy/decide.h"

static int cannot(uint64_t seq, const char *why)
{
	return kansa_error_set(KANSA_EVERIFY, KANSA_ERRCLASS_LEDGER,
	    "the receipt of entry %llu cannot be rebuilt exactly (%s): nothing signed",
	    (unsigned long long)seq, why);
}

/* A stored document of @p kind by @p hash, parsed (or *out NULL when its
 * bytes do not parse). *bytes malloc'd. */
static int stored_doc(uint8_t **bytes, size_t *len, kansa_signed_doc **out, kansa_store *s, int kind,
    const uint8_t hash[KANSA_HASH_LEN], uint64_t seq)
{
	uint8_t h[KANSA_HASH_LEN];
	int stored_kind = 0, error;

	*bytes = NULL;
	*out = NULL;
	if ((error = kansa_store__doc_get(bytes, len, &stored_kind, s, hash)) == KANSA_ENOTFOUND)
		return cannot(seq, "a document it names is not in the ledger");
	if (error < 0)
		return error;
	if ((error = kansa_sha256(h, *bytes, *len)) < 0)
		return error;
	/* the kind is not compared: bytes are stored once, under the kind they
	 * first came as (a policy's bytes given as a warrant stay a policy) */
	if (!kansa_ct_equal(h, hash, KANSA_HASH_LEN))
		return cannot(seq, "a document it names is not stored as recorded");
	if (kansa_signed_doc__parse(out, *bytes, *len, kind, h) < 0)
		*out = NULL;
	return 0;
}

/* The receipt_ttl of policy @p version, as the ledger stored it. */
static int policy_ttl(int64_t *ttl, kansa_store *s, uint64_t version, uint64_t seq)
{
	kansa_signed_doc *p = NULL;
	uint8_t *hash = NULL, *doc = NULL;
	size_t hlen = 0, dlen = 0;
	char key[40];
	int error;

	snprintf(key, sizeof(key), "policy.%llu", (unsigned long long)version);
	if ((error = kansa_store__meta_get(&hash, &hlen, s, key)) == KANSA_ENOTFOUND || (error == 0 && hlen != KANSA_HASH_LEN))
		error = cannot(seq, "the ledger holds no policy of the version it names");
	if (error == 0 && (error = stored_doc(&doc, &dlen, &p, s, KANSA_DOC_POLICY, hash, seq)) == 0) {
		if (p == NULL || p->u.policy.version != version || p->u.policy.receipt_ttl <= 0)
			error = cannot(seq, "the policy in force at it does not read as that version");
		else
			*ttl = p->u.policy.receipt_ttl;
	}
	kansa_signed_doc__free(p);
	free(hash);
	free(doc);
	return error;
}

/* The warrant's cti into @p info when the decision saw it parse. */
static int decision_warrant(kansa_receipt_info *info, kansa_store *s, const kansa_entry *e)
{
	kansa_signed_doc *w = NULL;
	uint8_t *doc = NULL;
	size_t len = 0;
	int error;

	if ((error = stored_doc(&doc, &len, &w, s, KANSA_DOC_WARRANT, e->warrant, e->seq)) < 0)
		goto out;
	/* REQ: RECEIPT-GET-WARRANT the cti only of a warrant that parsed, as the decision saw it */
	if (w == NULL && e->reason != KANSA_REASON_MALFORMED_WARRANT)
		error = cannot(e->seq, "its warrant does not parse, but was not recorded malformed");
	else if (w != NULL && e->reason == KANSA_REASON_MALFORMED_WARRANT)
		error = cannot(e->seq, "its warrant parses, but was recorded malformed");
	else if (w != NULL) {
		info->has_warrant = true;
		memcpy(info->warrant_cti, w->u.warrant.cti, sizeof(info->warrant_cti));
	}
out:
	kansa_signed_doc__free(w);
	free(doc);
	return error;
}

/* A check's receipt fields (info) and its TTL, from its entry. */
static int decision_info(kansa_receipt_info *info, int64_t *ttl, kansa_store *s, const kansa_entry *e)
{
	kansa_decision first;
	kansa_request_doc req;
	bool read = false;
	int error;

	if ((error = policy_ttl(ttl, s, e->policy_version, e->seq)) < 0)
		return error;
	if (e->request_hashed)
		memcpy(info->request_hash, e->request_hash, KANSA_HASH_LEN);
	else if ((error = kansa_sha256(info->request_hash, e->request, e->request_len)) < 0)
		return error;
	if (!e->request_hashed) {
		read = kansa_decide__request(&first, &req, e->request, e->request_len);
		if (read)
			kansa_ledger__receipt_act(info, &req);
		kansa_request__dispose(&req);
	}
	/* REQ: RECEIPT-GET-REQUEST stage 1 now agrees with what the entry recorded */
	if (!read && e->reason != KANSA_REASON_MALFORMED_REQUEST)
		return cannot(e->seq, "its request does not read now, but was not recorded malformed");
	if (read && e->has_warrant)
		return decision_warrant(info, s, e);
	return 0;
}

/* A commission document's receipt fields, as kansa_ledger__receipt_sign_doc makes them. */
static int document_info(kansa_receipt_info *info, kansa_store *s, const kansa_entry *e, int kind)
{
	kansa_signed_doc *d = NULL;
	uint8_t *doc = NULL;
	size_t len = 0;
	int error;

	if ((error = stored_doc(&doc, &len, &d, s, kind, e->document, e->seq)) < 0)
		return error;
	snprintf(info->action, sizeof(info->action), "%s", kansa_doc_kind_name(kind));
	memcpy(info->request_hash, e->document, KANSA_HASH_LEN);
	if (kind == KANSA_DOC_REVOCATION) {
		info->has_warrant = true;
		memcpy(info->warrant_cti, e->cti, sizeof(info->warrant_cti));
	}
	kansa_signed_doc__free(d);
	free(doc);
	return 0;
}

static int doc_kind_of(int entry_kind)
{
	switch (entry_kind) {
	case KANSA_ENTRY_POLICY: return KANSA_DOC_POLICY;
	case KANSA_ENTRY_REVOCATION: return KANSA_DOC_REVOCATION;
	case KANSA_ENTRY_RATIFICATION: return KANSA_DOC_RATIFICATION;
	default: return 0;
	}
}

/* Entry @p seq, decoded and its leaf hash checked against the stored one. */
static int read_entry(kansa_entry *e, uint8_t leaf[KANSA_HASH_LEN], kansa_store *s, uint64_t seq)
{
	kansa_store_row row;
	uint8_t node[KANSA_HASH_LEN];
	int error;

	memset(&row, 0, sizeof(row));
	/* a seq past what the store can hold is an entry the ledger does not have */
	if ((error = seq > (uint64_t)INT64_MAX ? KANSA_ENOTFOUND : kansa_store__get(&row, s, seq)) == KANSA_ENOTFOUND)
		return kansa_error_set(KANSA_ENOTFOUND, KANSA_ERRCLASS_LEDGER,
		    "the ledger has no entry %llu: see 'kansa ledger status' for its size", (unsigned long long)seq);
	if (error == 0 && (error = kansa_entry__decode(e, row.body, row.body_len)) < 0)
		kansa_error_prefix("entry %llu", (unsigned long long)seq);
	if (error == 0 && (error = kansa_merkle_leaf_hash(leaf, row.body, row.body_len)) == 0 &&
	    (error = kansa_store__node_get(node, s, 0, seq)) == 0 &&
	    (!kansa_ct_equal(leaf, row.leaf_hash, KANSA_HASH_LEN) || !kansa_ct_equal(leaf, node, KANSA_HASH_LEN) ||
	    e->seq != seq || e->time != row.time))
		error = cannot(seq, "its stored leaf hash is not its bytes': run 'kansa ledger verify'");
	kansa_store__row_dispose(&row);
	return error;
}

int kansa_ledger_receipt(uint8_t **out, size_t *len, kansa_ledger *lg, uint64_t seq)
{
	kansa_store *s;
	kansa_receipt *r = NULL;
	kansa_receipt_info info;
	kansa_entry e;
	int64_t ttl = KANSA_RECEIPT_TTL;
	int error;

	if (out)
		*out = NULL;
	if (len)
		*len = 0;
	if (out == NULL || len == NULL || lg == NULL)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_LEDGER, "kansa_ledger_receipt: missing argument");
	s = kansa_ledger__store(lg);
	memset(&e, 0, sizeof(e));
	memset(&info, 0, sizeof(info));
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
	if ((error = read_entry(&e, r->leaf_hash, s, seq)) < 0)
		goto out;
	/* REQ: RECEIPT-GET-INIT the first policy (ledger init) was given no receipt */
	if (e.kind == KANSA_ENTRY_POLICY && e.version == 1) {
		error = kansa_error_set(KANSA_ENOTFOUND, KANSA_ERRCLASS_LEDGER,
		    "entry %llu is the ledger's first policy: 'kansa ledger init' signs no receipt for it",
		    (unsigned long long)seq);
		goto out;
	}
	if (e.kind == KANSA_ENTRY_DECISION)
		error = decision_info(&info, &ttl, s, &e);
	else if (doc_kind_of(e.kind) != 0)
		error = document_info(&info, s, &e, doc_kind_of(e.kind));
	else
		error = cannot(seq, "an entry of an unknown kind");
	if (error < 0)
		goto out;
	r->seq = e.seq;
	r->time = e.time;
	r->verdict = e.kind == KANSA_ENTRY_DECISION ? e.verdict : KANSA_ALLOW;
	r->reason = e.kind == KANSA_ENTRY_DECISION ? e.reason : KANSA_REASON_ALLOWED;
	/* REQ: RECEIPT-GET-SAME signed by the same rule (and key) as at the time */
	if ((error = kansa_ledger__receipt_sign(r, lg, &info, ttl)) < 0)
		goto out;
	if ((*out = malloc(r->cose_len)) == NULL) {
		error = kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
		goto out;
	}
	memcpy(*out, r->cose, r->cose_len);
	*len = r->cose_len;
out:
	kansa_entry__dispose(&e);
	free(r);
	return error;
}
