/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Replay (design §6): re-verify every document an entry names against the
 * policy in force at that entry, re-run the decision function with the
 * recorded time and the use counts and revocations the entries before it
 * imply, and compare with what was recorded. The state is rebuilt from the
 * entries alone; the store's derived tables (uses, revocations, policy
 * meta) are compared with it at the end, never trusted.
 *
 * A decision is re-run through the stages of policy/decide.h that
 * kansa_check() runs (kansa_decide__request, __verify_warrant, __finish).
 * Memory grows with the number of distinct documents and emergency acts,
 * never with the number of entries.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keys/keys.h"
#include "ledger/audit/audit.h"

struct kansa_replay {
	kansa_audit_map warrants;    /* cti -> kansa_audit_warrant */
	kansa_audit_map docs;        /* hash -> kansa_audit_doc */
	kansa_audit_map emergencies; /* leaf hash -> kansa_audit_emergency */
	kansa_policy *policy;        /* the policy in force, verified along its chain */
	uint8_t (*policy_hash)[KANSA_HASH_LEN]; /* the document of each version, 1 .. n_policy */
	size_t n_policy;
	bool no_policy_reported;     /* "decisions without a policy" said once */
	uint64_t documents;          /* distinct documents checked */
	uint64_t decisions;          /* decisions re-run */
	kansa_decision decision;     /* the last decision re-run (for the view) */
	kansa_request_doc request;   /* the last request parsed (for the view) */
	bool has_request;
};

static void free_val(void *ctx, void *val)
{
	(void)ctx;
	free(val);
}

static void free_doc(void *ctx, void *val)
{
	kansa_audit_doc *d = val;

	(void)ctx;
	kansa_signed_doc__free(d->doc);
	if (d->check) {
		kansa_warrant_check__dispose(d->check);
		free(d->check);
	}
	free(d->bytes);
	free(d);
}

int kansa_replay__new(kansa_replay **out)
{
	kansa_replay *r = calloc(1, sizeof(*r));
	int error;

	*out = NULL;
	if (r == NULL)
		return kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
	if ((error = kansa_audit_map__init(&r->warrants, 16)) < 0 ||
	    (error = kansa_audit_map__init(&r->docs, KANSA_HASH_LEN)) < 0 ||
	    (error = kansa_audit_map__init(&r->emergencies, KANSA_HASH_LEN)) < 0) {
		kansa_replay__free(r);
		return error;
	}
	*out = r;
	return 0;
}

void kansa_replay__free(kansa_replay *r)
{
	if (r == NULL)
		return;
	kansa_audit_map__each(&r->warrants, free_val, NULL);
	kansa_audit_map__dispose(&r->warrants);
	kansa_audit_map__each(&r->docs, free_doc, NULL);
	kansa_audit_map__dispose(&r->docs);
	kansa_audit_map__each(&r->emergencies, free_val, NULL);
	kansa_audit_map__dispose(&r->emergencies);
	kansa_policy_free(r->policy);
	free(r->policy_hash);
	if (r->has_request)
		kansa_request__dispose(&r->request);
	free(r);
}

const kansa_audit_map *kansa_replay__warrants(const kansa_replay *r)
{
	return &r->warrants;
}

const kansa_audit_map *kansa_replay__emergencies(const kansa_replay *r)
{
	return &r->emergencies;
}

uint64_t kansa_replay__documents(const kansa_replay *r)
{
	return r->documents;
}

uint64_t kansa_replay__decisions(const kansa_replay *r)
{
	return r->decisions;
}

const kansa_policy_doc *kansa_replay__policy(const kansa_replay *r)
{
	return r->policy ? kansa_policy__doc(r->policy) : NULL;
}

/* ---- documents ---------------------------------------------------------- */

static void hex8(char out[17], const uint8_t *h)
{
	kansa_hex_encode(out, h, 8);
}

/*
 * The stored document @p hash, checked once: present, and its bytes hash to
 * the name the entry gives. Kinds other than warrants must also parse as
 * @p kind (a warrant may be malformed: that was a decision, not tampering).
 * Problems are reported at the first entry naming the document. *out is
 * NULL on out of memory only; (*out)->bytes is NULL when unusable.
 */
static int get_doc(kansa_audit_doc **out, kansa_replay *r, kansa_audit_findings *run,
    kansa_store_iter *snap, const uint8_t hash[KANSA_HASH_LEN], int kind, uint64_t seq)
{
	kansa_audit_doc *d = kansa_audit_map__get(&r->docs, hash);
	uint8_t got[KANSA_HASH_LEN];
	char h[17];
	int error, stored_kind;

	*out = d;
	if (d)
		return 0;
	if ((d = calloc(1, sizeof(*d))) == NULL)
		return kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
	memcpy(d->hash, hash, KANSA_HASH_LEN);
	d->first_seq = seq;
	if ((error = kansa_audit_map__put(&r->docs, hash, d)) < 0) {
		free(d);
		return error;
	}
	*out = d;
	r->documents++;
	hex8(h, hash);
	error = kansa_store__snap_doc_get(&d->bytes, &d->len, &stored_kind, snap, hash);
	if (error == KANSA_ENOTFOUND) {
		kansa_audit__finding(run, KANSA_FINDING_DOCUMENT, true, seq,
		    "entry %llu names %s document %s... that is not in the ledger",
		    (unsigned long long)seq, kansa_doc_kind__name(kind), h);
		return 0;
	}
	if (error < 0)
		return error;
	if ((error = kansa_sha256(got, d->bytes, d->len)) < 0)
		return error;
	if (!kansa_ct_equal(got, hash, KANSA_HASH_LEN)) {
		d->altered = true;
		kansa_audit__finding(run, KANSA_FINDING_DOCUMENT, true, seq,
		    "the %s document %s... that entry %llu names was replaced: its bytes hash to something else",
		    kansa_doc_kind__name(kind), h, (unsigned long long)seq);
		free(d->bytes);
		d->bytes = NULL;
		return 0;
	}
	/* parsed once, here, for the whole replay (a warrant's check borrows it) */
	if (kansa_signed_doc__parse(&d->doc, d->bytes, d->len, kind, got) < 0 && kind != KANSA_DOC_WARRANT) {
		kansa_audit__finding(run, KANSA_FINDING_DOCUMENT, true, seq,
		    "the %s document %s... of entry %llu: %s", kansa_doc_kind__name(kind), h,
		    (unsigned long long)seq, kansa_error_last()->message);
		free(d->bytes);
		d->bytes = NULL;
	}
	return 0;
}

static int get_warrant(kansa_audit_warrant **out, kansa_replay *r, const uint8_t cti[16])
{
	kansa_audit_warrant *w = kansa_audit_map__get(&r->warrants, cti);
	int error;

	*out = w;
	if (w)
		return 0;
	if ((w = calloc(1, sizeof(*w))) == NULL)
		return kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
	memcpy(w->cti, cti, 16);
	if ((error = kansa_audit_map__put(&r->warrants, cti, w)) < 0) {
		free(w);
		return error;
	}
	*out = w;
	return 0;
}

/* A document of the commission (revocation, ratification) against the
 * policy in force: its quorum, as when it was appended. */
static bool quorum_ok(kansa_replay *r, kansa_audit_findings *run, const kansa_audit_doc *d, uint64_t seq)
{
	size_t have = 0, need = 0;

	if (r->policy == NULL ||
	    kansa_signed_doc__verify_quorum(&have, &need, d->doc, kansa_policy__doc(r->policy), NULL) == 0)
		return r->policy != NULL;
	kansa_audit__finding(run, KANSA_FINDING_DOCUMENT, true, seq,
	    "the %s of entry %llu does not verify against policy version %llu: %s",
	    kansa_doc_kind__name(d->doc->kind), (unsigned long long)seq,
	    (unsigned long long)kansa_policy_version(r->policy), kansa_error_last()->message);
	return false;
}

/* ---- entries ------------------------------------------------------------ */

static int state_of(void *ctx, const uint8_t hash[KANSA_HASH_LEN], const uint8_t cti[16],
    kansa_warrant_state *out)
{
	kansa_replay *r = ctx;
	const kansa_audit_warrant *w = kansa_audit_map__get(&r->warrants, cti);

	(void)hash;
	out->uses = w ? w->uses : 0;
	out->revoked = w ? w->revoked : false;
	return 0;
}

static void compare_decision(kansa_audit_findings *run, const kansa_entry *e, const kansa_decision *d,
    const kansa_audit_warrant *w)
{
	if (d->verdict != e->verdict || d->reason != e->reason)
		kansa_audit__finding(run, KANSA_FINDING_DECISION, true, e->seq,
		    "entry %llu records %s (%s) but replay decides %s (%s): %s",
		    (unsigned long long)e->seq, e->verdict == KANSA_ALLOW ? "allow" : "deny",
		    kansa_reason_name(e->reason), d->verdict == KANSA_ALLOW ? "allow" : "deny",
		    kansa_reason_name(d->reason), d->detail);
	else if (d->ratify_by != e->ratify_by)
		kansa_audit__finding(run, KANSA_FINDING_DECISION, true, e->seq,
		    "entry %llu records ratification by %lld but replay gives %lld",
		    (unsigned long long)e->seq, (long long)e->ratify_by, (long long)d->ratify_by);
	if (d->has_warrant && w && e->uses != w->uses)
		kansa_audit__finding(run, KANSA_FINDING_USES, true, e->seq,
		    "entry %llu records %llu earlier uses of its warrant, the entries before it show %llu",
		    (unsigned long long)e->seq, (unsigned long long)e->uses, (unsigned long long)w->uses);
}

/* Report stats on the recorded decision, and what the ledger state does next. */
static int account(kansa_replay *r, const kansa_entry *e, const kansa_decision *d,
    kansa_audit_warrant *w, const uint8_t leaf[KANSA_HASH_LEN])
{
	if (w) {
		if (e->verdict == KANSA_ALLOW)
			w->allowed++;
		else {
			w->denied++;
			if (e->reason >= 0 && e->reason < KANSA_REASON_COUNT)
				w->denied_by[e->reason]++;
		}
		if (w->allowed + w->denied == 1)
			w->first_time = e->time;
		w->last_time = e->time;
		/* the ledger counts what the decision allowed */
		if (d->verdict == KANSA_ALLOW)
			w->uses++;
	}
	if (e->verdict == KANSA_ALLOW && e->reason == KANSA_REASON_EMERGENCY &&
	    kansa_audit_map__get(&r->emergencies, leaf) == NULL) {
		kansa_audit_emergency *em = calloc(1, sizeof(*em));
		int error;

		if (em == NULL)
			return kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
		memcpy(em->leaf, leaf, KANSA_HASH_LEN);
		em->seq = e->seq;
		em->time = e->time;
		em->ratify_by = e->ratify_by;
		if ((error = kansa_audit_map__put(&r->emergencies, leaf, em)) < 0) {
			free(em);
			return error;
		}
	}
	return 0;
}

/* The warrant parsed and verified against the policy in force, cached on
 * its document until the policy version changes. */
static int warrant_check(kansa_audit_doc *wd, kansa_replay *r)
{
	uint64_t version = kansa_policy_version(r->policy);

	if (wd->check && wd->check_version == version)
		return 0;
	if (wd->check == NULL && (wd->check = calloc(1, sizeof(*wd->check))) == NULL)
		return kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
	kansa_warrant_check__dispose(wd->check);
	wd->check_version = version;
	if (wd->doc != NULL && wd->doc->kind == KANSA_DOC_WARRANT)
		return kansa_decide__verify_parsed(wd->check, kansa_policy__doc(r->policy), wd->doc);
	/* not a parsed warrant (malformed, another kind of document, or its
	 * bytes missing): the check says why, as the original decision did */
	return kansa_decide__verify_warrant(wd->check, kansa_policy__doc(r->policy), wd->bytes, wd->len,
	    NULL);
}

static int replay_decision(kansa_replay *r, kansa_audit_findings *run, kansa_store_iter *snap,
    const kansa_entry *e, kansa_audit_request *pre, kansa_audit_view *view)
{
	const kansa_request_doc *req = &r->request;
	kansa_audit_doc *wd = NULL;
	kansa_audit_warrant *w = NULL;
	kansa_decision *d = &r->decision;
	bool complete;
	int error;

	if (r->has_request)
		kansa_request__dispose(&r->request);
	r->has_request = false;
	/* design §5 row 1: the request first (it needs no policy) */
	if (e->request_hashed) {
		/* REQ: LEDGER-REQUEST-RECORDED kept by hash: decided as kansa_check decided it */
		kansa_decide__request_unkept(d, e->request_size, e->request_form == KANSA_REQUEST_FORM_JSON,
		    NULL);
		complete = false;
		if (e->request_form == KANSA_REQUEST_FORM_CBOR && e->request_size <= KANSA_MAX_REQUEST_BYTES)
			kansa_audit__finding(run, KANSA_FINDING_DECISION, true, e->seq,
			    "entry %llu keeps a CBOR request of %llu bytes by hash only; one that small is kept",
			    (unsigned long long)e->seq, (unsigned long long)e->request_size);
	} else if (pre && pre->parsed) {
		*d = pre->d; /* parsed ahead: the request is borrowed from it */
		req = &pre->doc;
		complete = pre->complete;
	} else {
		complete = kansa_decide__request(d, &r->request, e->request, e->request_len);
		r->has_request = true;
	}
	view->request = d->action >= 0 ? req : NULL;
	if (r->policy == NULL) {
		if (!r->no_policy_reported)
			kansa_audit__finding(run, KANSA_FINDING_DECISION, true, e->seq,
			    "entry %llu is a decision but no valid policy is in force", (unsigned long long)e->seq);
		r->no_policy_reported = true;
		return 0;
	}
	view->policy = kansa_policy__doc(r->policy);
	if (e->policy_version != kansa_policy_version(r->policy))
		kansa_audit__finding(run, KANSA_FINDING_DECISION, true, e->seq,
		    "entry %llu records policy version %llu but version %llu was in force",
		    (unsigned long long)e->seq, (unsigned long long)e->policy_version,
		    (unsigned long long)kansa_policy_version(r->policy));
	if (e->has_warrant) {
		if ((error = get_doc(&wd, r, run, snap, e->warrant, KANSA_DOC_WARRANT, e->seq)) < 0)
			return error;
		if (wd->bytes == NULL)
			return 0; /* reported at its first entry; nothing to decide on */
	}
	if (complete) {
		/* rows 1-2 for the warrant, once per warrant and policy version:
		 * they depend on nothing else (kansa_check keeps them in its cache) */
		if (wd && (error = warrant_check(wd, r)) < 0)
			return error;
		/* REQ: SERVICE-UNIT-REPLAY the unit the entry records is checked again */
		if ((error = kansa_decide__finish(d, view->policy, req, wd ? wd->check : NULL,
		    e->unit, e->time, state_of, r)) < 0)
			return error;
	}
	r->decisions++;
	view->replayed = d;
	if (d->has_warrant) {
		if ((error = get_warrant(&w, r, d->cti)) < 0)
			return error;
		if (w->doc == NULL && wd && wd->doc)
			w->doc = wd;
		view->warrant = w;
	}
	compare_decision(run, e, d, w);
	return account(r, e, d, w, view->leaf_hash);
}

static int replay_policy(kansa_replay *r, kansa_audit_findings *run, kansa_store_iter *snap,
    const kansa_entry *e, kansa_audit_view *view)
{
	kansa_audit_doc *pd = NULL;
	kansa_policy *next = NULL;
	int error;

	if ((error = get_doc(&pd, r, run, snap, e->document, KANSA_DOC_POLICY, e->seq)) < 0)
		return error;
	if (pd->bytes == NULL)
		goto broken;
	view->document = pd->doc;
	if ((error = kansa_policy_load(&next, pd->bytes, pd->len, r->policy)) < 0) {
		if (error == KANSA_ENOMEM)
			return error;
		kansa_audit__finding(run, KANSA_FINDING_DOCUMENT, true, e->seq,
		    "the policy of entry %llu does not follow the policy before it: %s",
		    (unsigned long long)e->seq, kansa_error_last()->message);
		goto broken;
	}
	if (kansa_policy_version(next) != e->version)
		kansa_audit__finding(run, KANSA_FINDING_DOCUMENT, true, e->seq,
		    "entry %llu records policy version %llu for a document of version %llu",
		    (unsigned long long)e->seq, (unsigned long long)e->version,
		    (unsigned long long)kansa_policy_version(next));
	if (kansa_policy_version(next) == r->n_policy + 1) {
		void *p = realloc(r->policy_hash, (r->n_policy + 1) * sizeof(*r->policy_hash));
		if (p == NULL) {
			kansa_policy_free(next);
			return kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
		}
		r->policy_hash = p;
		memcpy(r->policy_hash[r->n_policy++], e->document, KANSA_HASH_LEN);
	}
	kansa_policy_free(r->policy);
	r->policy = next;
	view->policy = kansa_policy__doc(r->policy);
	return 0;
broken:
	/* keep the policy before it: later decisions are still replayed, and
	 * those that version would decide differently are reported too */
	view->policy = r->policy ? kansa_policy__doc(r->policy) : NULL;
	return 0;
}

static int replay_revocation(kansa_replay *r, kansa_audit_findings *run, kansa_store_iter *snap,
    const kansa_entry *e, kansa_audit_view *view)
{
	kansa_audit_doc *rd = NULL;
	kansa_audit_warrant *w = NULL;
	int error;

	if ((error = get_doc(&rd, r, run, snap, e->document, KANSA_DOC_REVOCATION, e->seq)) < 0)
		return error;
	if (rd->doc) {
		view->document = rd->doc;
		(void)quorum_ok(r, run, rd, e->seq);
		if (!kansa_ct_equal(rd->doc->u.revocation.warrant_cti, e->cti, 16))
			kansa_audit__finding(run, KANSA_FINDING_DOCUMENT, true, e->seq,
			    "entry %llu revokes a warrant its revocation document does not name",
			    (unsigned long long)e->seq);
	}
	/* the ledger treated the warrant as revoked from here on: so does replay */
	if ((error = get_warrant(&w, r, e->cti)) < 0)
		return error;
	if (!w->revoked) {
		w->revoked = true;
		w->revoked_seq = e->seq;
	}
	view->warrant = w;
	return 0;
}

static int replay_ratification(kansa_replay *r, kansa_audit_findings *run, kansa_store_iter *snap,
    const kansa_entry *e, kansa_audit_view *view)
{
	kansa_audit_doc *rd = NULL;
	kansa_audit_emergency *em;
	int error;

	if ((error = get_doc(&rd, r, run, snap, e->document, KANSA_DOC_RATIFICATION, e->seq)) < 0)
		return error;
	if (rd->doc) {
		const kansa_ratification_doc *rat = &rd->doc->u.ratification;

		view->document = rd->doc;
		(void)quorum_ok(r, run, rd, e->seq);
		if (!kansa_ct_equal(rat->entry, e->entry, KANSA_HASH_LEN) || rat->approved != e->approved)
			kansa_audit__finding(run, KANSA_FINDING_DOCUMENT, true, e->seq,
			    "entry %llu does not record what its ratification document says",
			    (unsigned long long)e->seq);
	}
	em = kansa_audit_map__get(&r->emergencies, e->entry);
	if (em == NULL) {
		kansa_audit__finding(run, KANSA_FINDING_DOCUMENT, true, e->seq,
		    "entry %llu ratifies an entry that is no emergency act before it", (unsigned long long)e->seq);
		return 0;
	}
	if (em->ratified) {
		kansa_audit__finding(run, KANSA_FINDING_DOCUMENT, true, e->seq,
		    "entry %llu ratifies emergency act %llu a second time (first at %llu)",
		    (unsigned long long)e->seq, (unsigned long long)em->seq,
		    (unsigned long long)em->ratification_seq);
		return 0;
	}
	em->ratified = true;
	em->approved = e->approved;
	em->ratification_seq = e->seq;
	em->ratification_time = e->time;
	return 0;
}

int kansa_replay__entry(kansa_replay *r, kansa_audit_findings *run, kansa_store_iter *snap,
    const kansa_entry *e, kansa_audit_request *pre, kansa_audit_view *view)
{
	view->policy = r->policy ? kansa_policy__doc(r->policy) : NULL;
	switch (e->kind) {
	case KANSA_ENTRY_DECISION:
		return replay_decision(r, run, snap, e, pre, view);
	case KANSA_ENTRY_POLICY:
		return replay_policy(r, run, snap, e, view);
	case KANSA_ENTRY_REVOCATION:
		return replay_revocation(r, run, snap, e, view);
	case KANSA_ENTRY_RATIFICATION:
		return replay_ratification(r, run, snap, e, view);
	default:
		return 0; /* the decoder accepts no other kind */
	}
}

/* ---- the store's derived state ------------------------------------------ */

typedef struct {
	kansa_replay *r;
	kansa_audit_findings *run;
	uint64_t rows;
} state_ctx;

static int check_uses_row(void *vctx, const uint8_t *cti, size_t len, uint64_t count)
{
	state_ctx *c = vctx;
	const kansa_audit_warrant *w = len == 16 ? kansa_audit_map__get(&c->r->warrants, cti) : NULL;
	char h[33];

	c->rows++;
	if (w && w->uses == count)
		return 0;
	kansa_hex_encode(h, cti, len == 16 ? 16 : 0);
	kansa_audit__finding(c->run, KANSA_FINDING_STATE, false, 0,
	    "the store counts %llu uses of warrant %s, the entries show %llu",
	    (unsigned long long)count, h, (unsigned long long)(w ? w->uses : 0));
	return 0;
}

static int check_revocation_row(void *vctx, const uint8_t *cti, size_t len, uint64_t seq)
{
	state_ctx *c = vctx;
	const kansa_audit_warrant *w = len == 16 ? kansa_audit_map__get(&c->r->warrants, cti) : NULL;
	char h[33];

	c->rows++;
	if (w && w->revoked && w->revoked_seq == seq)
		return 0;
	kansa_hex_encode(h, cti, len == 16 ? 16 : 0);
	kansa_audit__finding(c->run, KANSA_FINDING_STATE, false, 0,
	    "the store lists warrant %s as revoked at entry %llu, the entries do not",
	    h, (unsigned long long)seq);
	return 0;
}

typedef struct {
	uint64_t used, revoked;
} state_count;

static void count_state(void *ctx, void *val)
{
	state_count *n = ctx;
	const kansa_audit_warrant *w = val;

	n->used += w->uses > 0;
	n->revoked += w->revoked;
}

/* REQ: AUDIT-MALFORMED the store's row "policy.<v>" names the document of
 * version v that the entries activated; a missing or other row is a finding
 * (the ledger opens its policy chain from these rows). */
static int check_policy_rows(kansa_replay *r, kansa_audit_findings *run, kansa_store_iter *snap)
{
	for (size_t i = 0; i < r->n_policy; i++) {
		char key[40];
		uint8_t *h = NULL;
		size_t len = 0;
		int error;

		snprintf(key, sizeof(key), "policy.%zu", i + 1);
		error = kansa_store__snap_meta_get(&h, &len, snap, key);
		if (error < 0 && error != KANSA_ENOTFOUND)
			return error;
		if (error == KANSA_ENOTFOUND || len != KANSA_HASH_LEN ||
		    !kansa_ct_equal(h, r->policy_hash[i], KANSA_HASH_LEN))
			kansa_audit__finding(run, KANSA_FINDING_STATE, false, 0,
			    "the store's row %s does not name the policy document the entries activated as version %zu",
			    key, i + 1);
		free(h);
	}
	return 0;
}

int kansa_replay__finish(kansa_replay *r, kansa_audit_findings *run, kansa_store_iter *snap)
{
	state_ctx uses = { r, run, 0 }, revs = { r, run, 0 };
	state_count n = { 0, 0 };
	uint8_t *v = NULL;
	size_t len = 0;
	int error;

	if ((error = kansa_store__snap_uses(snap, check_uses_row, &uses)) < 0 ||
	    (error = kansa_store__snap_revocations(snap, check_revocation_row, &revs)) < 0)
		return error;
	kansa_audit_map__each(&r->warrants, count_state, &n);
	if (uses.rows < n.used)
		kansa_audit__finding(run, KANSA_FINDING_STATE, false, 0,
		    "the entries show %llu warrants used, the store counts uses of %llu",
		    (unsigned long long)n.used, (unsigned long long)uses.rows);
	if (revs.rows < n.revoked)
		kansa_audit__finding(run, KANSA_FINDING_STATE, false, 0,
		    "the entries revoke %llu warrants, the store lists %llu",
		    (unsigned long long)n.revoked, (unsigned long long)revs.rows);
	error = kansa_store__snap_meta_get(&v, &len, snap, "policy.version");
	if (error < 0 && error != KANSA_ENOTFOUND) {
		return error;
	} else {
		uint64_t have = 0;
		uint64_t want = r->policy ? kansa_policy_version(r->policy) : 0;
		if (error == KANSA_ENOTFOUND || kansa_parse_u64(&have, (const char *)v, len) < 0 || have != want)
			kansa_audit__finding(run, KANSA_FINDING_STATE, false, 0,
			    "the store says policy version %s is in force, the entries say %llu",
			    v ? (const char *)v : "(none)", (unsigned long long)want);
	}
	free(v);
	return check_policy_rows(r, run, snap);
}
