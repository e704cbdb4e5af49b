/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the ledger's other files (audit, report, anchor, rekey) may see of
 * an open ledger. The struct stays private to ledger/ledger.c; these
 * accessors hand out borrowed pointers valid until kansa_ledger_close().
 */
#ifndef KANSA_LEDGER_IMPL_H
#define KANSA_LEDGER_IMPL_H

#include "kansa.h"
#include "ledger/clock.h"
#include "ledger/entry.h"
#include "ledger/store/store.h"
#include "policy/doc.h"

/* The ledger's verified-document cache (ledger/cache.h). */
struct kansa_cache;
struct kansa_cache *kansa_ledger__cache(kansa_ledger *lg);

/* Building entries (ledger.c), for the files that append them. */
/* The time of a new entry at @p pos: now, but never before the last entry. */
int64_t kansa_ledger__entry_time(const kansa_store_pos *pos);
/* Encode the entry, hash it, persist its Merkle nodes, fill the store's
 * entry and the receipt (may be NULL). Runs in the append's transaction. */
int kansa_ledger__finish_entry(kansa_store *s, kansa_entry *e, kansa_store_entry *out, kansa_receipt *r);
/* What a check is asked: the warrant and the request as handed over. */
typedef struct {
	const uint8_t *warrant;     /* COSE bytes, or NULL for an emergency act */
	size_t warrant_len;
	const uint8_t *request;     /* the request's bytes in @c form */
	size_t request_len;
	int form;                   /* KANSA_REQUEST_FORM_*: what the bytes are */
	const char *why;            /* what could be read of bytes not kept (may be NULL) */
	kansa_request_doc *parsed;  /* the strict parse of the CBOR request when the
	                             * caller made it (taken: the check disposes it), or NULL */
	const char *unit;           /* the unit the service authenticated (kansa_check_as()),
	                             * recorded in the entry and checked by the decision;
	                             * NULL in process */
} kansa_check_input;

/* kansa_check() for @p in: CBOR is decided on and kept when it fits
 * (KANSA_MAX_REQUEST_BYTES); a larger one, or any JSON (the bytes of a JSON
 * request that did not convert), is recorded as malformed-request by its
 * hash and size, with in->why as what could be read. */
int kansa_ledger__check(kansa_receipt *out, kansa_ledger *lg, const kansa_check_input *in);
/* Receipts (ledger/receipt.c), signed after the commit, outside the write
 * lock. Sign @p r's receipt: @p info holds what the entry says of the act
 * (request hash, warrant, action, requester, officer); the log, kid, seq,
 * leaf, time, decision, reason and not_after (time + @p ttl, the policy's
 * receipt_ttl) come from @p r and @p lg. On failure r->cose_len is 0 and
 * r->detail says the entry is recorded. */
int kansa_ledger__receipt_sign(kansa_receipt *r, kansa_ledger *lg, kansa_receipt_info *info, int64_t ttl);
/* For tests: make every receipt signing fail with @p error (0: sign again),
 * process-wide, to show a recorded entry without a receipt is reported as
 * recorded. */
void kansa_ledger__set_receipt_fault(int error);
/* The act fields of @p info from a parsed request. */
void kansa_ledger__receipt_act(kansa_receipt_info *info, const kansa_request_doc *req);
/* The receipt of a commission document's entry (policy, revocation,
 * ratification): action is the kind's name, request the document's hash,
 * warrant @p cti (the revoked warrant) or NULL. Sets r->recorded. */
int kansa_ledger__receipt_sign_doc(kansa_receipt *r, kansa_ledger *lg, int kind, const uint8_t *doc,
    size_t len, const uint8_t *cti);
/* A deny receipt for an append that failed with @p error. */
void kansa_ledger__receipt_deny(kansa_receipt *out, int error);
/* A text meta value. */
int kansa_ledger__meta_put_text(kansa_store *s, const char *key, const char *text);
/* The store's Merkle nodes as a kansa_merkle_node_fn (ctx = the store). */
int kansa_ledger__node_source(void *ctx, uint64_t level, uint64_t index, uint8_t out[KANSA_HASH_LEN]);
/* Verify @p d's quorum against the policy in force as transaction @p s sees
 * it; *version (may be NULL) gets that policy's version. */
int kansa_ledger__policy_quorum(size_t *have, size_t *need, uint64_t *version, kansa_ledger *lg,
    kansa_store *s, const kansa_signed_doc *d);
/* The policy in force: its version and commission. */
int kansa_ledger__policy_summary(uint64_t *version, char *commission, size_t size, kansa_ledger *lg);

/* The ledger's store. */
kansa_store *kansa_ledger__store(kansa_ledger *lg);

/* The policy in force as transaction @p s sees it, loaded (and swapped in)
 * when it is newer than the one held; an older one stays valid until close.
 * Never call it holding the ledger's lock (docs/ledger.md "Locks"). */
int kansa_ledger__current_policy(const kansa_policy **out, kansa_ledger *lg, kansa_store *s);
/* The same from a build callback of a write batch: the version in force is
 * read once per batch (the store's batch number). */
int kansa_ledger__batch_policy(const kansa_policy **out, kansa_ledger *lg, kansa_store *s);
/* The policy held now (outside any transaction: what a check verifies its
 * warrant against before its append; valid until close). */
const kansa_policy *kansa_ledger__policy_in_force(kansa_ledger *lg);

/* The ledger's signing key (a private key: never export it). */
const kansa_key *kansa_ledger__log_key(const kansa_ledger *lg);

/* The checkpoint origin line (the log's name). */
const char *kansa_ledger__origin(const kansa_ledger *lg);

/* Whether the ledger was opened with KANSA_LEDGER_READONLY. */
bool kansa_ledger__readonly(const kansa_ledger *lg);

#endif
