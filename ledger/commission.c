/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The commission's answers recorded in the ledger (design §4, §5):
 * revocations of warrants and ratifications of emergency acts. Each carries
 * the `revoke` quorum of the policy in force, checked inside the append's
 * transaction, as the policy may change meanwhile.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ledger/cache.h"
#include "ledger/entry.h"
#include "ledger/ledger_impl.h"
#include "policy/doc.h"

typedef struct {
	kansa_ledger *lg;
	const uint8_t *doc;
	size_t len;
	kansa_signed_doc *rev;
	kansa_receipt *receipt;
} revoke_ctx;

static int build_revoke(void *vctx, kansa_store *s, const kansa_store_pos *pos, kansa_store_entry *out)
{
	revoke_ctx *c = vctx;
	const uint8_t *cti = c->rev->u.revocation.warrant_cti;
	char hex[2 * KANSA_STORE_CTI_LEN + 1];
	kansa_entry e;
	size_t have = 0, need = 0;
	uint64_t uses = 0, rseq = 0;
	bool revoked = false;
	int error;

	memset(&e, 0, sizeof(e));
	/* REQ: REVOKE-QUORUM the revoke quorum of the policy in force */
	if ((error = kansa_ledger__policy_quorum(&have, &need, &e.policy_version, c->lg, s, c->rev)) < 0)
		return error;
	/* REQ: REVOKE-ONCE a warrant is revoked once; a second revocation is refused */
	kansa_hex_encode(hex, cti, KANSA_STORE_CTI_LEN);
	if ((error = kansa_store__is_revoked(&revoked, &rseq, s, cti)) < 0 ||
	    (error = kansa_store__uses(&uses, s, cti)) < 0)
		return error;
	if (revoked)
		return kansa_error_set(KANSA_EEXISTS, KANSA_ERRCLASS_LEDGER,
		    "warrant %s is already revoked (entry %llu): nothing recorded", hex,
		    (unsigned long long)rseq);
	e.seq = pos->seq;
	e.time = kansa_ledger__entry_time(pos);
	e.kind = KANSA_ENTRY_REVOCATION;
	memcpy(e.prev, pos->prev, KANSA_HASH_LEN);
	memcpy(e.document, c->rev->hash, KANSA_HASH_LEN);
	memcpy(e.cti, c->rev->u.revocation.warrant_cti, sizeof(e.cti));
	out->is_revocation = true;
	memcpy(out->revoked_cti, e.cti, sizeof(e.cti));
	out->docs[0] = (kansa_store_doc){ c->doc, c->len, KANSA_DOC_REVOCATION, NULL };
	out->n_docs = 1;
	c->receipt->verdict = KANSA_ALLOW;
	c->receipt->reason = KANSA_REASON_ALLOWED;
	/* A warrant may be revoked before it is ever used (the ledger sees a
	 * warrant only with its first check): recorded, with a word of warning
	 * in case the cti was mistyped. */
	snprintf(c->receipt->detail, sizeof(c->receipt->detail),
	    "revocation of warrant %s recorded (%zu of %zu signatures)%s", hex, have, need,
	    uses == 0 ? "; note: this warrant has not been used in this ledger" : "");
	return kansa_ledger__finish_entry(s, &e, out, c->receipt);
}

int kansa_ledger_revoke(kansa_receipt *out, kansa_ledger *lg, const uint8_t *revocation,
    size_t revocation_len)
{
	revoke_ctx c = { lg, revocation, revocation_len, NULL, out };
	int error;

	memset(out, 0, sizeof(*out));
	if ((error = kansa_signed_doc__parse(&c.rev, revocation, revocation_len,
	    KANSA_DOC_REVOCATION, NULL)) < 0)
		return error;
	if ((error = kansa_store__append(kansa_ledger__store(lg), build_revoke, &c, NULL)) < 0)
		kansa_ledger__receipt_deny(out, error);
	else /* REQ: PERF-CACHE-4 a revocation drops the revoked warrant's cached checks */
		(void)kansa_cache__invalidate_cti(kansa_ledger__cache(lg), c.rev->u.revocation.warrant_cti);
	kansa_signed_doc__free(c.rev);
	return error;
}

/* ---- ratification of emergency acts ------------------------------------ */

typedef struct {
	kansa_ledger *lg;
	const uint8_t *doc;
	size_t len;
	kansa_signed_doc *rat;
	kansa_receipt *receipt;
} ratify_ctx;

/* The entry a ratification names must be an allowed emergency act, not yet
 * ratified. Runs in the append's transaction, for the ratification that
 * would become entry @p seq (kept in meta "ratified.<leaf>"). */
static int check_emergency(kansa_store *s, const uint8_t leaf[KANSA_HASH_LEN], uint64_t seq,
    uint64_t *seq_out)
{
	kansa_store_row row;
	kansa_entry e;
	uint8_t *seen = NULL;
	size_t len = 0;
	uint64_t at = 0;
	char key[16 + 2 * KANSA_HASH_LEN], text[24];
	int error;

	if ((error = kansa_store__find_leaf(seq_out, s, leaf)) < 0)
		return error == KANSA_ENOTFOUND ? kansa_error_set(KANSA_EVERIFY, KANSA_ERRCLASS_LEDGER,
		    "the ratification names an entry that is not in this ledger") : error;
	if ((error = kansa_store__get(&row, s, *seq_out)) < 0)
		return error;
	error = kansa_entry__decode(&e, row.body, row.body_len);
	kansa_store__row_dispose(&row);
	if (error < 0)
		return error;
	if (e.kind != KANSA_ENTRY_DECISION || e.verdict != KANSA_ALLOW || e.reason != KANSA_REASON_EMERGENCY)
		error = kansa_error_set(KANSA_EVERIFY, KANSA_ERRCLASS_LEDGER,
		    "entry %llu is not an emergency act: nothing to ratify", (unsigned long long)*seq_out);
	kansa_entry__dispose(&e);
	if (error < 0)
		return error;
	memcpy(key, "ratified.", 10);
	kansa_hex_encode(key + 9, leaf, KANSA_HASH_LEN);
	error = kansa_store__meta_get(&seen, &len, s, key);
	if (error == 0) {
		/* REQ: RATIFY-ONCE a second answer is "no" (exit 1), naming the first */
		if (kansa_parse_u64(&at, (const char *)seen, len) == 0 && at > *seq_out)
			error = kansa_error_set(KANSA_EVERIFY, KANSA_ERRCLASS_LEDGER,
			    "entry %llu is already ratified at seq %llu", (unsigned long long)*seq_out,
			    (unsigned long long)at);
		else
			error = kansa_error_set(KANSA_EVERIFY, KANSA_ERRCLASS_LEDGER,
			    "entry %llu is already ratified", (unsigned long long)*seq_out);
		free(seen);
		return error;
	}
	if (error != KANSA_ENOTFOUND)
		return error;
	snprintf(text, sizeof(text), "%llu", (unsigned long long)seq);
	return kansa_ledger__meta_put_text(s, key, text);
}

static int build_ratify(void *vctx, kansa_store *s, const kansa_store_pos *pos, kansa_store_entry *out)
{
	ratify_ctx *c = vctx;
	const kansa_ratification_doc *rat = &c->rat->u.ratification;
	uint64_t act = 0;
	size_t have = 0, need = 0;
	kansa_entry e;
	int error;

	memset(&e, 0, sizeof(e));
	/* REQ: RATIFY-QUORUM the revoke quorum of the policy in force */
	if ((error = kansa_ledger__policy_quorum(&have, &need, NULL, c->lg, s, c->rat)) < 0 ||
	    (error = check_emergency(s, rat->entry, pos->seq, &act)) < 0)
		return error;
	e.seq = pos->seq;
	e.time = kansa_ledger__entry_time(pos);
	e.kind = KANSA_ENTRY_RATIFICATION;
	memcpy(e.prev, pos->prev, KANSA_HASH_LEN);
	memcpy(e.document, c->rat->hash, KANSA_HASH_LEN);
	memcpy(e.entry, rat->entry, KANSA_HASH_LEN);
	e.approved = rat->approved;
	out->docs[0] = (kansa_store_doc){ c->doc, c->len, KANSA_DOC_RATIFICATION, NULL };
	out->n_docs = 1;
	c->receipt->verdict = KANSA_ALLOW;
	c->receipt->reason = KANSA_REASON_ALLOWED;
	snprintf(c->receipt->detail, sizeof(c->receipt->detail),
	    "emergency act %llu %s (%zu of %zu signatures)", (unsigned long long)act,
	    rat->approved ? "ratified" : "refused", have, need);
	return kansa_ledger__finish_entry(s, &e, out, c->receipt);
}

int kansa_ledger_ratify(kansa_receipt *out, kansa_ledger *lg, const uint8_t *ratification,
    size_t ratification_len)
{
	ratify_ctx c = { lg, ratification, ratification_len, NULL, out };
	int error;

	memset(out, 0, sizeof(*out));
	if (lg == NULL || ratification == NULL)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_LEDGER, "kansa_ledger_ratify: missing argument");
	if ((error = kansa_signed_doc__parse(&c.rat, ratification, ratification_len,
	    KANSA_DOC_RATIFICATION, NULL)) < 0)
		return error;
	if ((error = kansa_store__append(kansa_ledger__store(lg), build_ratify, &c, NULL)) < 0)
		kansa_ledger__receipt_deny(out, error);
	kansa_signed_doc__free(c.rat);
	return error;
}
