/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kansa_ledger_audit(): one pass over a read snapshot of the ledger that
 * recomputes every leaf hash, the hash chain and the Merkle tree, and checks
 * every stored checkpoint (design §6 "Replay"; docs/audit.md).
 *
 * The pass trusts nothing the store derived: leaf hashes are recomputed from
 * the entry bytes, the tree is rebuilt with a frontier (O(log n) memory) and
 * compared with the stored nodes, and checkpoints are checked against the
 * recomputed roots with the ledger's own key. Each problem becomes a finding
 * naming the entry; the pass goes on to the end so that the auditor sees
 * every problem, not only the first. A root known from outside (an anchored
 * checkpoint, kansa_audit_expect) is checked against the rebuilt tree too.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keys/keys.h"
#include "ledger/audit/audit.h"
#include "ledger/ledger_impl.h"
#include "ledger/tlog/merkle.h"

/* How often (in entries) the progress callback is told. */
#define AUDIT_PROGRESS_EVERY 4096u

/* A stored checkpoint, checked once when loaded. */
typedef struct {
	uint64_t size;
	uint8_t root[KANSA_HASH_LEN];
	bool signed_ok; /* signed by the ledger key, with the ledger's origin */
} audit_cp;

/* Inner nodes that differ, reported one by one; the rest are counted. */
#define AUDIT_MAX_NODE_FINDINGS 10

/* The next stored node of one level. */
typedef struct {
	bool pending;               /* idx/hash hold the next stored node */
	bool done;
	uint64_t idx;
	uint8_t hash[KANSA_HASH_LEN];
} audit_cursor;

typedef struct kansa_audit_run kansa_audit_run;
struct kansa_audit_run {
	kansa_audit_findings f; /* sum and opt */
	/* checkpoints, by increasing size */
	audit_cp *cps;
	size_t n_cps, cap_cps, next_cp;
	kansa_audit_expect *expect; /* a root from outside the ledger, or NULL */
	const kansa_note_verifier *verifier;
	const char *origin;
	/* the stored Merkle nodes, merged level by level with those the
	 * entries give (one ordered cursor per level) */
	kansa_store_iter *it;
	audit_cursor nodes[KANSA_STORE_LEVELS];
	uint64_t bad_inner;         /* inner nodes that differ (the first few are reported) */
	/* the chain */
	kansa_merkle_frontier tree; /* rebuilt from the entries */
	bool tree_ok;               /* no entry missing so far: the roots are comparable */
	uint8_t prev_leaf[KANSA_HASH_LEN];   /* computed leaf hash of the previous entry */
	uint8_t prev_stored[KANSA_HASH_LEN]; /* its recorded leaf hash */
	bool prev_altered;
	bool link_unknown;          /* the previous row was malformed: its leaf is unknown */
	int64_t last_time;
	uint64_t expected;          /* the seq the next entry should have */
};

const char *kansa_finding_name(int kind)
{
	static const char *const names[] = {
		[KANSA_FINDING_MALFORMED_ENTRY] = "malformed-entry",
		[KANSA_FINDING_BODY_ALTERED] = "body-altered",
		[KANSA_FINDING_LINK_BROKEN] = "link-broken",
		[KANSA_FINDING_ENTRY_MISSING] = "entry-missing",
		[KANSA_FINDING_REORDERED] = "entries-reordered",
		[KANSA_FINDING_TIME_BACKWARDS] = "time-backwards",
		[KANSA_FINDING_TREE_MISMATCH] = "tree-mismatch",
		[KANSA_FINDING_CHECKPOINT_ROOT] = "checkpoint-root-mismatch",
		[KANSA_FINDING_CHECKPOINT_SIGNATURE] = "checkpoint-bad-signature",
		[KANSA_FINDING_TRUNCATED] = "ledger-shorter-than-checkpoint",
		[KANSA_FINDING_DOCUMENT] = "document-mismatch",
		[KANSA_FINDING_DECISION] = "decision-mismatch",
		[KANSA_FINDING_USES] = "uses-mismatch",
		[KANSA_FINDING_STATE] = "state-mismatch",
	};

	if (kind <= 0 || (size_t)kind >= sizeof(names) / sizeof(names[0]) || names[kind] == NULL)
		return "unknown";
	return names[kind];
}


/* ---- checkpoints ------------------------------------------------------- */

static int load_checkpoint(void *ctx, uint64_t size, const uint8_t *note, size_t len)
{
	kansa_audit_run *run = ctx;
	const kansa_note_verifier *v[1] = { run->verifier };
	kansa_checkpoint cp;
	audit_cp *c;

	if (run->n_cps == run->cap_cps) {
		size_t cap = run->cap_cps ? run->cap_cps * 2 : 16;
		audit_cp *p = realloc(run->cps, cap * sizeof(*p));
		if (p == NULL)
			return kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
		run->cps = p;
		run->cap_cps = cap;
	}
	c = &run->cps[run->n_cps++];
	memset(c, 0, sizeof(*c));
	c->size = size;
	run->f.sum->checkpoints++;
	if (kansa_checkpoint_verify(&cp, (const char *)note, len, v, 1, 1) < 0) {
		kansa_audit__finding(&run->f, KANSA_FINDING_CHECKPOINT_SIGNATURE, false, size,
		    "checkpoint of size %llu: %s", (unsigned long long)size, kansa_error_last()->message);
		return 0;
	}
	if (cp.size != size || strcmp(cp.origin, run->origin) != 0) {
		kansa_audit__finding(&run->f, KANSA_FINDING_CHECKPOINT_SIGNATURE, false, size,
		    "checkpoint stored for size %llu says origin '%s', size %llu",
		    (unsigned long long)size, cp.origin, (unsigned long long)cp.size);
		return 0;
	}
	memcpy(c->root, cp.root, KANSA_HASH_LEN);
	c->signed_ok = true;
	return 0;
}

/* The root from outside, once the rebuilt tree has its size. */
static int check_expect(kansa_audit_run *run)
{
	kansa_audit_expect *x = run->expect;
	uint8_t root[KANSA_HASH_LEN];
	int error;

	if (x == NULL || x->checked || x->size != run->tree.size || !run->tree_ok)
		return 0;
	/* REQ: ANCHOR-DB the anchored root is compared with the tree rebuilt
	 * from the entry bodies, never with the stored nodes */
	if ((error = kansa_merkle_frontier_root(root, &run->tree)) < 0)
		return error;
	x->checked = true;
	x->matched = kansa_ct_equal(root, x->root, KANSA_HASH_LEN);
	return 0;
}

/* Compare the checkpoints of the tree's current size with its root. */
static int check_checkpoints(kansa_audit_run *run)
{
	uint8_t root[KANSA_HASH_LEN];
	int error;

	if ((error = check_expect(run)) < 0)
		return error;
	while (run->next_cp < run->n_cps && run->cps[run->next_cp].size <= run->tree.size) {
		audit_cp *c = &run->cps[run->next_cp++];

		if (c->size != run->tree.size || !c->signed_ok || !run->tree_ok)
			continue;
		if ((error = kansa_merkle_frontier_root(root, &run->tree)) < 0)
			return error;
		if (!kansa_ct_equal(root, c->root, KANSA_HASH_LEN))
			kansa_audit__finding(&run->f, KANSA_FINDING_CHECKPOINT_ROOT, false, c->size,
			    "the signed checkpoint of size %llu has a root the entries 0..%llu do not give",
			    (unsigned long long)c->size, (unsigned long long)(c->size - 1));
	}
	return 0;
}

/* ---- stored Merkle leaves --------------------------------------------- */

static int node_peek(kansa_audit_run *run, uint32_t level)
{
	audit_cursor *c = &run->nodes[level];
	int rc;

	if (c->pending || c->done)
		return 0;
	rc = kansa_store__snap_node_next(&c->idx, c->hash, run->it, level);
	if (rc < 0)
		return rc;
	if (rc == 0)
		c->done = true;
	else
		c->pending = true;
	return 0;
}

/* Move the cursor of @p level to the stored node @p idx: *found when it is
 * there (and consumed into @p hash_out). */
static int node_seek(bool *found, uint8_t hash_out[KANSA_HASH_LEN], kansa_audit_run *run,
    uint32_t level, uint64_t idx)
{
	audit_cursor *c = &run->nodes[level];
	int error;

	*found = false;
	for (;;) {
		if ((error = node_peek(run, level)) < 0)
			return error;
		if (!c->pending || c->idx >= idx)
			break;
		c->pending = false; /* a node of a missing entry: reported as missing */
	}
	if (c->pending && c->idx == idx) {
		memcpy(hash_out, c->hash, KANSA_HASH_LEN);
		c->pending = false;
		*found = true;
	}
	return 0;
}

/* The stored leaf of entry @p seq against its recomputed (or, for an
 * altered body already reported, its recorded) leaf hash. */
static int check_stored_leaf(kansa_audit_run *run, uint64_t seq, const uint8_t leaf[KANSA_HASH_LEN])
{
	uint8_t stored[KANSA_HASH_LEN];
	bool found;
	int error;

	if ((error = node_seek(&found, stored, run, 0, seq)) < 0)
		return error;
	if (!found)
		kansa_audit__finding(&run->f, KANSA_FINDING_TREE_MISMATCH, true, seq,
		    "entry %llu has no leaf in the stored Merkle tree", (unsigned long long)seq);
	else if (!kansa_ct_equal(stored, leaf, KANSA_HASH_LEN))
		kansa_audit__finding(&run->f, KANSA_FINDING_TREE_MISMATCH, true, seq,
		    "the stored Merkle leaf of entry %llu is not the entry's leaf hash",
		    (unsigned long long)seq);
	return 0;
}

/* Every inner node an append completes, against the stored one (proofs are
 * made of them): a frontier emit callback. */
static int check_inner_node(void *ctx, uint64_t level, uint64_t index, const uint8_t hash[KANSA_HASH_LEN])
{
	kansa_audit_run *run = ctx;
	uint8_t stored[KANSA_HASH_LEN];
	bool found;
	int error;

	if (level == 0 || level >= KANSA_STORE_LEVELS)
		return 0; /* leaves are checked against the entries */
	if ((error = node_seek(&found, stored, run, (uint32_t)level, index)) < 0)
		return error;
	if (found && kansa_ct_equal(stored, hash, KANSA_HASH_LEN))
		return 0;
	if (run->bad_inner++ < AUDIT_MAX_NODE_FINDINGS)
		kansa_audit__finding(&run->f, KANSA_FINDING_TREE_MISMATCH, false, 0,
		    "the stored Merkle node at level %llu, index %llu (entries %llu to %llu) is %s",
		    (unsigned long long)level, (unsigned long long)index,
		    (unsigned long long)(index << level), (unsigned long long)(((index + 1) << level) - 1),
		    found ? "not the hash of the entries" : "missing");
	return 0;
}

/* ---- one entry -------------------------------------------------------- */

static void check_chain(kansa_audit_run *run, const kansa_store_row *row, const kansa_entry *e,
    bool after_gap)
{
	static const uint8_t zero[KANSA_HASH_LEN];

	if (e->seq != row->seq)
		kansa_audit__finding(&run->f, KANSA_FINDING_REORDERED, true, row->seq,
		    "the entry stored at %llu says it is entry %llu", (unsigned long long)row->seq,
		    (unsigned long long)e->seq);
	if (row->seq == 0) {
		if (!kansa_ct_equal(e->prev, zero, KANSA_HASH_LEN))
			kansa_audit__finding(&run->f, KANSA_FINDING_LINK_BROKEN, true, 0,
			    "entry 0 must link to 32 zero bytes");
	} else if (!after_gap && !kansa_ct_equal(e->prev, run->prev_leaf, KANSA_HASH_LEN) &&
	    !(run->prev_altered && kansa_ct_equal(e->prev, run->prev_stored, KANSA_HASH_LEN))) {
		kansa_audit__finding(&run->f, KANSA_FINDING_LINK_BROKEN, true, row->seq,
		    "entry %llu does not link to the leaf hash of entry %llu",
		    (unsigned long long)row->seq, (unsigned long long)(row->seq - 1));
	}
	if (row->seq > 0 && e->time < run->last_time)
		kansa_audit__finding(&run->f, KANSA_FINDING_TIME_BACKWARDS, true, row->seq,
		    "entry %llu is %lld s earlier than the entry before it", (unsigned long long)row->seq,
		    (long long)(run->last_time - e->time));
	if (row->time != e->time || row->kind != e->kind)
		kansa_audit__finding(&run->f, KANSA_FINDING_STATE, true, row->seq,
		    "the stored time or kind column of entry %llu differs from the entry",
		    (unsigned long long)row->seq);
}

static int audit_entry(kansa_audit_run *run, kansa_audit_item *item, kansa_replay *replay,
    const kansa_audit_hook *hook)
{
	const kansa_store_row *row = &item->row;
	const uint8_t *leaf = item->leaf;
	kansa_audit_view view;
	bool after_gap = false, altered;
	int error;

	if (row->seq > run->expected) {
		kansa_audit__finding(&run->f, KANSA_FINDING_ENTRY_MISSING, true, run->expected,
		    row->seq - run->expected == 1 ? "entry %llu is missing" : "entries %llu to %llu are missing",
		    (unsigned long long)run->expected, (unsigned long long)(row->seq - 1));
		run->tree_ok = false;
		after_gap = true;
	}
	if (run->link_unknown) {
		after_gap = true;
		run->link_unknown = false;
	}
	if (item->hash_error < 0)
		return kansa_error_set(item->err.code, item->err.klass, "%s", item->err.message);
	altered = !kansa_ct_equal(leaf, row->leaf_hash, KANSA_HASH_LEN);
	if (altered)
		kansa_audit__finding(&run->f, KANSA_FINDING_BODY_ALTERED, true, row->seq,
		    "the bytes of entry %llu do not hash to its recorded leaf hash",
		    (unsigned long long)row->seq);
	if (!item->decoded)
		kansa_audit__finding(&run->f, KANSA_FINDING_MALFORMED_ENTRY, true, row->seq,
		    "entry %llu: %s", (unsigned long long)row->seq, item->err.message);
	else
		check_chain(run, row, &item->e, after_gap);
	if ((error = check_stored_leaf(run, row->seq, altered ? row->leaf_hash : leaf)) < 0)
		return error;
	if (run->tree_ok) {
		if ((error = kansa_merkle_frontier_append(&run->tree, leaf, check_inner_node, run)) < 0 ||
		    (error = check_checkpoints(run)) < 0)
			return error;
	}

	memset(&view, 0, sizeof(view));
	view.seq = row->seq;
	view.entry = item->decoded ? &item->e : NULL;
	view.leaf_hash = leaf;
	if (replay && item->decoded &&
	    (error = kansa_replay__entry(replay, &run->f, run->it, &item->e, &item->req, &view)) < 0)
		return error;
	if (hook && hook->entry)
		hook->entry(hook->ctx, &view);

	memcpy(run->prev_leaf, leaf, KANSA_HASH_LEN);
	memcpy(run->prev_stored, row->leaf_hash, KANSA_HASH_LEN);
	run->prev_altered = altered;
	if (item->decoded)
		run->last_time = item->e.time;
	run->expected = row->seq + 1;
	return 0;
}

/* REQ: AUDIT-MALFORMED a row the store cannot even hand over (an empty
 * body, a leaf hash that is not 32 bytes) is a finding at its seq, not the
 * end of the audit. Its leaf is unknown, so the tree is not compared past
 * it and the next entry's link is not checked against it. */
static int malformed_row(kansa_audit_run *run, const kansa_store_row *row)
{
	if (row->seq > run->expected)
		kansa_audit__finding(&run->f, KANSA_FINDING_ENTRY_MISSING, true, run->expected,
		    row->seq - run->expected == 1 ? "entry %llu is missing" : "entries %llu to %llu are missing",
		    (unsigned long long)run->expected, (unsigned long long)(row->seq - 1));
	kansa_audit__finding(&run->f, KANSA_FINDING_MALFORMED_ENTRY, true, row->seq,
	    "entry %llu: the stored row is malformed (an empty body or a leaf hash that is not 32 bytes)",
	    (unsigned long long)row->seq);
	run->tree_ok = false;
	run->link_unknown = true;
	run->expected = row->seq + 1;
	return 0;
}

/* ---- the end of the pass ------------------------------------------------ */

static int snap_node(void *ctx, uint64_t level, uint64_t index, uint8_t out[KANSA_HASH_LEN])
{
	return kansa_store__snap_node_get(out, ctx, (uint32_t)level, index);
}

/* A stored node the tree does not have (kansa_store__snap_nodes_extra). */
static int extra_node(void *ctx, int64_t level, int64_t idx, bool malformed)
{
	kansa_audit_run *run = ctx;

	if (run->bad_inner++ < AUDIT_MAX_NODE_FINDINGS)
		kansa_audit__finding(&run->f, KANSA_FINDING_TREE_MISMATCH, false, 0,
		    malformed ? "the stored Merkle tree has a malformed node row at level %lld, index %lld"
		    : "the stored Merkle tree has a node at level %lld, index %lld that a tree of %llu "
		    "entries does not have", (long long)level, (long long)idx,
		    (unsigned long long)run->expected);
	return 0;
}

static int audit_end(kansa_audit_run *run)
{
	uint8_t stored[KANSA_HASH_LEN];
	uint64_t orphans = 0, first_orphan = 0;
	int error;

	/* leaves past the last entry: entries deleted from the end */
	for (;;) {
		audit_cursor *c = &run->nodes[0];
		if ((error = node_peek(run, 0)) < 0)
			return error;
		if (!c->pending)
			break;
		if (c->idx >= run->expected && orphans++ == 0)
			first_orphan = c->idx;
		c->pending = false;
	}
	/* REQ: AUDIT-TREE-EXTRA nodes above the tree's height or past a level's width */
	if ((error = kansa_store__snap_nodes_extra(run->it, run->expected, extra_node, run)) < 0)
		return error;
	if (run->bad_inner > AUDIT_MAX_NODE_FINDINGS)
		kansa_audit__finding(&run->f, KANSA_FINDING_TREE_MISMATCH, false, 0,
		    "%llu more stored Merkle nodes differ from the entries",
		    (unsigned long long)(run->bad_inner - AUDIT_MAX_NODE_FINDINGS));
	if (orphans)
		kansa_audit__finding(&run->f, KANSA_FINDING_TREE_MISMATCH, true, first_orphan,
		    "the stored Merkle tree has %llu leaves from %llu on with no entry: entries deleted from the end?",
		    (unsigned long long)orphans, (unsigned long long)first_orphan);

	/* checkpoints larger than what is left */
	for (size_t i = 0; i < run->n_cps; i++) {
		if (run->cps[i].size > run->expected && run->cps[i].signed_ok) {
			kansa_audit__finding(&run->f, KANSA_FINDING_TRUNCATED, true, run->expected,
			    "the ledger has %llu entries but a checkpoint signed by its key has %llu",
			    (unsigned long long)run->expected, (unsigned long long)run->cps[i].size);
			break; /* the largest says it all; the rest are smaller */
		}
	}

	if ((error = kansa_merkle_frontier_root(run->f.sum->root, &run->tree)) < 0)
		return error;
	if (!run->tree_ok)
		return 0;
	error = kansa_merkle__root(stored, snap_node, run->it, run->expected);
	if (error == KANSA_ENOTFOUND || error == KANSA_EFORMAT ||
	    (error == 0 && !kansa_ct_equal(stored, run->f.sum->root, KANSA_HASH_LEN)))
		kansa_audit__finding(&run->f, KANSA_FINDING_TREE_MISMATCH, false, 0,
		    "the stored Merkle tree's root is not the root of the entries (%s)",
		    error == KANSA_ENOTFOUND ? "nodes missing" : error ? "nodes malformed" : "nodes altered");
	else if (error < 0)
		return error;
	return 0;
}

/* The checkpoints are sorted by the store (ORDER BY size); check it. */
static void sort_checkpoints(kansa_audit_run *run)
{
	for (size_t i = 1; i < run->n_cps; i++) {
		audit_cp c = run->cps[i];
		size_t j = i;
		for (; j > 0 && run->cps[j - 1].size > c.size; j--)
			run->cps[j] = run->cps[j - 1];
		run->cps[j] = c;
	}
}

static int audit_entries(kansa_audit_run *run, kansa_replay *replay, const kansa_audit_hook *hook)
{
	const kansa_audit_options *opt = run->f.opt;
	kansa_audit_ahead *ahead;
	kansa_audit_item *item;
	int rc, error = 0;

	if ((error = kansa_audit_ahead__new(&ahead, run->it, replay != NULL)) < 0)
		return error;
	while ((rc = kansa_audit_ahead__next(&item, ahead)) == 1) {
		if (item->rc == 1)
			error = audit_entry(run, item, replay, hook);
		else
			error = malformed_row(run, &item->row);
		if (error < 0)
			break;
		run->f.sum->entries++;
		if (opt && opt->on_progress && run->f.sum->entries % AUDIT_PROGRESS_EVERY == 0)
			opt->on_progress(opt->ctx, run->f.sum->entries, run->f.sum->size);
	}
	kansa_audit_ahead__free(ahead);
	return error < 0 ? error : rc;
}

static int audit_pass(kansa_audit_run *run, kansa_replay *replay, const kansa_audit_hook *hook)
{
	const kansa_audit_options *opt = run->f.opt;
	int error;

	if ((error = kansa_store__snap_count(&run->f.sum->size, run->it)) < 0 ||
	    (error = kansa_store__snap_checkpoints(run->it, load_checkpoint, run)) < 0)
		return error;
	sort_checkpoints(run);
	if ((error = check_expect(run)) < 0) /* a root of size 0 */
		return error;
	if ((error = audit_entries(run, replay, hook)) < 0)
		return error;
	if ((error = audit_end(run)) < 0)
		return error;
	if (replay && (error = kansa_replay__finish(replay, &run->f, run->it)) < 0)
		return error;
	if (opt && opt->on_progress)
		opt->on_progress(opt->ctx, run->f.sum->entries, run->f.sum->size);
	return 0;
}

int kansa_audit__run(kansa_audit_summary *out, kansa_ledger *lg, const kansa_audit_options *opt,
    const kansa_audit_hook *hook, kansa_replay **replay_out)
{
	kansa_audit_summary scratch;
	kansa_note_verifier *verifier = NULL;
	kansa_replay *replay = NULL;
	kansa_audit_run run;
	int error;

	if (out == NULL)
		out = &scratch;
	memset(out, 0, sizeof(*out));
	if (replay_out)
		*replay_out = NULL;
	if (lg == NULL)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_LEDGER, "audit: no ledger");
	memset(&run, 0, sizeof(run));
	run.f.sum = out;
	run.f.opt = opt;
	run.origin = kansa_ledger__origin(lg);
	run.tree_ok = true;
	run.expect = opt ? opt->expect : NULL;
	if (run.expect)
		run.expect->checked = run.expect->matched = false;
	kansa_merkle_frontier_init(&run.tree);
	if ((error = kansa_note_verifier_from_key(&verifier, kansa_ledger__log_key(lg), run.origin)) < 0)
		return error;
	run.verifier = verifier;
	if ((opt && (opt->flags & KANSA_AUDIT_REPLAY)) || replay_out) {
		if ((error = kansa_replay__new(&replay)) < 0)
			goto out;
	}
	if ((error = kansa_store__iter_new(&run.it, kansa_ledger__store(lg), 0)) < 0)
		goto out;
	error = audit_pass(&run, replay, hook);
	if (replay) {
		out->documents = kansa_replay__documents(replay);
		out->decisions = kansa_replay__decisions(replay);
	}
out:
	kansa_store__iter_free(run.it);
	free(run.cps);
	kansa_note_verifier_free(verifier);
	if (error == 0 && replay_out) {
		*replay_out = replay;
		replay = NULL;
	}
	kansa_replay__free(replay);
	return error;
}

int kansa_ledger_audit(kansa_audit_summary *out, kansa_ledger *lg, const kansa_audit_options *opt)
{
	return kansa_audit__run(out, lg, opt, NULL, NULL);
}
