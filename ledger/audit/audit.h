/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The audit engine (design §6 "Replay"), shared by kansa_ledger_audit()
 * and kansa_ledger_report(): one pass over a read snapshot that checks the
 * chain, the tree and the checkpoints (ledger/audit/audit.c) and, with
 * KANSA_AUDIT_REPLAY, re-verifies the documents and re-runs the decisions
 * (ledger/audit/replay.c). The report (ledger/audit/report.c) watches the pass through
 * the hook below.
 */
#ifndef KANSA_LEDGER_AUDIT_H
#define KANSA_LEDGER_AUDIT_H

#include "kansa.h"
#include "ledger/entry.h"
#include "ledger/store/store.h"
#include "policy/decide.h"
#include "policy/doc.h"

/* ---- a small map keyed by fixed-size byte strings (audit_map.c) -------- */

/* Open addressing, keys of at most 32 bytes, values owned by the caller.
 * Slots are placed by a universal hash keyed with a per-map random seed,
 * so keys chosen by whoever wrote the ledger cannot make lookups slow. */
typedef struct {
	size_t key_len;   /* every key has this length (1..32) */
	size_t count;     /* keys stored */
	size_t cap;       /* slots, a power of two (0 before the first put) */
	uint8_t *keys;    /* cap * key_len bytes */
	void **vals;      /* cap values; NULL marks a free slot */
	uint8_t seed[KANSA_HASH_LEN + 8]; /* random: the hash key and multiplier */
} kansa_audit_map;

int kansa_audit_map__init(kansa_audit_map *m, size_t key_len);
/* The value stored under @p key, or NULL. */
void *kansa_audit_map__get(const kansa_audit_map *m, const uint8_t *key);
/* Store @p val (not NULL) under @p key, replacing. KANSA_ENOMEM. */
int kansa_audit_map__put(kansa_audit_map *m, const uint8_t *key, void *val);
/* Call @p fn on every value (in slot order), e.g. to free them. */
void kansa_audit_map__each(const kansa_audit_map *m, void (*fn)(void *ctx, void *val), void *ctx);
void kansa_audit_map__dispose(kansa_audit_map *m);

/* ---- replay state ------------------------------------------------------- */

/* A stored document the replay looked at, by hash. */
typedef struct {
	uint8_t hash[KANSA_HASH_LEN];
	uint8_t *bytes;              /* the stored bytes; NULL when missing */
	size_t len;
	bool altered;                /* stored bytes do not hash to the key */
	kansa_signed_doc *doc;       /* parsed, or NULL when malformed/missing */
	uint64_t first_seq;          /* the first entry that named it */
	kansa_warrant_check *check;  /* warrants: parsed and verified against ... */
	uint64_t check_version;      /* ... this policy version (re-done when it changes) */
} kansa_audit_doc;

/* What the replay knows about one warrant, by cti. */
typedef struct {
	uint8_t cti[16];
	uint64_t uses;               /* allows recorded so far */
	bool revoked;
	uint64_t revoked_seq;        /* the revocation entry */
	kansa_audit_doc *doc;        /* the first well-formed document with this cti */
	uint64_t allowed;            /* report: allowed entries */
	uint64_t denied;             /* report: denied entries */
	uint64_t denied_by[KANSA_REASON_COUNT]; /* report: denials per reason */
	int64_t first_time, last_time;          /* report: first and last use */
} kansa_audit_warrant;

/* An emergency act (allowed with reason "emergency") and its ratification. */
typedef struct {
	uint8_t leaf[KANSA_HASH_LEN]; /* the act's leaf hash (what a ratification names) */
	uint64_t seq;
	int64_t time;
	int64_t ratify_by;
	bool ratified;                /* a ratification entry names it */
	bool approved;                /* ... and approved it */
	uint64_t ratification_seq;
	int64_t ratification_time;
} kansa_audit_emergency;

/* What one entry looked like to the pass, for the report hook. */
typedef struct {
	uint64_t seq;
	const kansa_entry *entry;          /* decoded; NULL when malformed */
	const uint8_t *leaf_hash;          /* computed from the bytes */
	const kansa_decision *replayed;    /* decisions under replay; else NULL */
	const kansa_request_doc *request;  /* decisions: parsed request, or NULL */
	kansa_audit_warrant *warrant;      /* decisions with a well-formed warrant; else NULL */
	const kansa_signed_doc *document;  /* policy/revocation/ratification document, or NULL */
	const kansa_policy_doc *policy;    /* the policy in force at this entry, or NULL */
} kansa_audit_view;

typedef struct {
	void (*entry)(void *ctx, const kansa_audit_view *v);
	void *ctx;
} kansa_audit_hook;

/* The replay's state across the pass (replay.c). */
typedef struct kansa_replay kansa_replay;

int kansa_replay__new(kansa_replay **out);
void kansa_replay__free(kansa_replay *r);

/* Where the findings of a pass go (findings.c): the summary counts them
 * and tracks the first bad seq, and the caller's callback sees each. Both
 * the pass (audit.c) and the replay report through it. */
typedef struct {
	kansa_audit_summary *sum;
	const kansa_audit_options *opt;
} kansa_audit_findings;

/* Report one finding. */
void kansa_audit__finding(kansa_audit_findings *f, int kind, bool has_seq, uint64_t seq,
    const char *fmt, ...) KANSA_PRINTF(5, 6);

/*
 * A decision's request, parsed ahead of the replay (ahead.c): stage 1 of the
 * decision (kansa_decide__request) depends on the request's bytes alone.
 */
typedef struct {
	bool parsed;              /* d, complete and doc hold stage 1 */
	bool complete;            /* what kansa_decide__request returned */
	kansa_decision d;
	kansa_request_doc doc;    /* owned here; the replay borrows it for the entry */
} kansa_audit_request;

/*
 * Replay one decoded entry (replay.c): fetch and check its documents on the
 * snapshot, re-run the decision or re-verify the document, compare, update
 * the state, and fill the view for the report. Findings go to @p run.
 * Returns 0, or an environment error (I/O, out of memory) that stops the pass.
 */
int kansa_replay__entry(kansa_replay *r, kansa_audit_findings *run, kansa_store_iter *snap,
    const kansa_entry *e, kansa_audit_request *pre, kansa_audit_view *view);

/* At the end of the pass: compare the store's derived tables (uses,
 * revocations, policy meta) with the replayed state. */
int kansa_replay__finish(kansa_replay *r, kansa_audit_findings *run, kansa_store_iter *snap);

/* The replayed warrants by cti, emergency acts by leaf hash, and counts,
 * for the report. */
const kansa_audit_map *kansa_replay__warrants(const kansa_replay *r);
const kansa_audit_map *kansa_replay__emergencies(const kansa_replay *r);
uint64_t kansa_replay__documents(const kansa_replay *r);
uint64_t kansa_replay__decisions(const kansa_replay *r);
/* The policy in force now (after the pass), or NULL. */
const kansa_policy_doc *kansa_replay__policy(const kansa_replay *r);


/*
 * The pass: what kansa_ledger_audit() does, plus @p hook (may be NULL)
 * called for every entry after it was checked (and replayed); the root
 * opt->expect (may be NULL) is checked against the rebuilt tree.
 * @p replay_out (may be NULL) receives the replay state for the report to
 * read; the caller frees it with kansa_replay__free().
 */
int kansa_audit__run(kansa_audit_summary *out, kansa_ledger *lg, const kansa_audit_options *opt,
    const kansa_audit_hook *hook, kansa_replay **replay_out);

/* ---- the entries, decoded ahead (ahead.c) -------------------------------- */

/* One entry of the pass: the stored row and what its bytes alone give. */
typedef struct {
	int rc;                          /* 1: a row; KANSA_EFORMAT: a malformed row (row.seq set) */
	kansa_store_row row;             /* row.body: the item's own copy */
	int hash_error;                  /* < 0: the leaf hash failed (err says why) */
	uint8_t leaf[KANSA_HASH_LEN];    /* SHA-256(0x00 || body) */
	bool decoded;                    /* e holds the entry */
	kansa_entry e;
	kansa_error err;                 /* !decoded: why (the decoder's error) */
	kansa_audit_request req;         /* replay: a decision's request */
} kansa_audit_item;

/*
 * The rows of @p it (which the reader borrows), hashed and decoded on a
 * second thread a bounded window ahead; @p requests: parse decisions'
 * requests too (replay). Only the caller's thread touches @p it.
 */
typedef struct kansa_audit_ahead kansa_audit_ahead;
int kansa_audit_ahead__new(kansa_audit_ahead **out, kansa_store_iter *it, bool requests);
/* The next item, in seq order: 1 (*out valid until the next call), 0 at the
 * end, or the iterator's error. */
int kansa_audit_ahead__next(kansa_audit_item **out, kansa_audit_ahead *a);
void kansa_audit_ahead__free(kansa_audit_ahead *a);

/* ---- the entries iterator (entries.c) ----------------------------------- */

/* What an entry's warrant document says, kept once per document by the
 * iterator (for the listing and the statistics). */
typedef struct {
	bool ok;                 /* the document is stored, hashes right and parses */
	uint8_t cti[16];
	int action;              /* kansa_action */
	int64_t issued_at, not_before, expires;
	int64_t window_end;      /* the end of the data window: scope.window's end, or expires (neutralize) */
	char *case_id, *subject; /* owned; "" when absent */
} kansa_audit_wdoc;

/* The current entry's warrant (borrowed, valid until the iterator is
 * freed), or NULL when it names none. */
const kansa_audit_wdoc *kansa_audit_entries__warrant(const kansa_audit_entries *it);

/* One pass over the entries of the ledger's snapshot that @p f keeps (NULL:
 * all), calling @p fn on each with the iterator (for its warrant and
 * documents) and reporting progress through @p opt. The first error of
 * @p fn or of the iterator ends the pass and is returned. */
int kansa_audit__each_entry(kansa_ledger *lg, const kansa_audit_filter *f,
    const kansa_audit_options *opt,
    int (*fn)(void *ctx, kansa_audit_entries *it, const kansa_audit_entry *e), void *ctx);

/* The policy document @p hash on the iterator's snapshot, parsed (not
 * verified: replay does that); *out the caller's (kansa_signed_doc__free).
 * KANSA_EFORMAT when it is missing, altered or malformed; KANSA_EIO. */
int kansa_audit_entries__policy(kansa_signed_doc **out, kansa_audit_entries *it,
    const uint8_t hash[KANSA_HASH_LEN]);

/* The state of an emergency act (design §12), as the statistics and the
 * report name it: "ratified", "ratified-late" (approved after its deadline),
 * "refused", "pending" (no answer, deadline not passed at @p now) or
 * "overdue" (stats.c). */
const char *kansa_audit__act_state(bool ratified, bool approved, int64_t ratified_at,
    int64_t ratify_by, int64_t now);

#endif
