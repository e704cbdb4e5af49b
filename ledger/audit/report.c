/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kansa_ledger_report(): the overseer's view of a ledger, built from one
 * audit pass with replay (audit.c, replay.c) watched through the audit hook.
 * Everything in it comes from the entries and the documents they name, as
 * replay re-verified them; the schema is in docs/audit.md.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "keys/keys.h"
#include "ledger/audit/audit.h"
#include "ledger/json.h"
#include "ledger/ledger_impl.h"

/* Denied attempts listed in "attention" (the count goes on past this). */
#define REPORT_MAX_ATTENTION 1000
/* Findings listed (the count goes on past this). */
#define REPORT_MAX_FINDINGS 1000

/* Every denial is listed in "attention", most serious first: reaching for
 * content, acting on a warrant that no longer holds or outside its scope
 * (or, without a warrant, beyond the emergency bounds), then warrants that
 * were never valid (signatures, quorum, commission, validity), then any
 * reason not named here (added later), and last the malformed requests and
 * warrants (input errors, or an act tried with no warrant at all). */
static const int attention_reasons[] = {
	KANSA_REASON_FORBIDDEN_FIELD, KANSA_REASON_REVOKED, KANSA_REASON_EXPIRED,
	KANSA_REASON_USES_EXHAUSTED, KANSA_REASON_TARGET_OUT_OF_SCOPE, KANSA_REASON_FIELD_OUT_OF_SCOPE,
	KANSA_REASON_WINDOW_OUT_OF_SCOPE, KANSA_REASON_OP_NOT_ALLOWED,
	KANSA_REASON_EMERGENCY_OUT_OF_SCOPE, KANSA_REASON_WRONG_REQUESTER,
	KANSA_REASON_UNAUTHENTICATED_REQUESTER, KANSA_REASON_WRONG_ACTION, KANSA_REASON_BAD_SIGNATURE,
	KANSA_REASON_NO_QUORUM, KANSA_REASON_WRONG_COMMISSION, KANSA_REASON_VALIDITY_TOO_LONG,
	KANSA_REASON_NOT_YET_VALID,
};
#define N_ATTENTION (sizeof(attention_reasons) / sizeof(attention_reasons[0]))

/* A requesting unit, or (officer set) one officer of a unit. */
typedef struct {
	char *name;                 /* the unit (requester) */
	char *officer;              /* the officer, or NULL for the unit's row */
	uint64_t allowed, denied;
	uint64_t denied_by[KANSA_REASON_COUNT];
	int64_t first_time, last_time;
} requester;

typedef struct {
	uint64_t seq;
	int64_t time;
	int reason;
	int rank;
	json_t *obj;
} attention;

typedef struct {
	kansa_audit_map requesters; /* SHA-256(name) -> requester */
	kansa_audit_map officers;   /* SHA-256(unit, 0, officer) -> requester (officer set) */
	uint64_t cp_findings;       /* findings about checkpoints */
	attention *att;
	size_t n_att;
	uint64_t att_total;
	uint64_t allowed, denied;
	uint64_t denied_by[KANSA_REASON_COUNT];
	json_t *findings;
	int error;                  /* the first out-of-memory in the hook */
} report_ctx;

static int attention_rank(int reason)
{
	for (size_t i = 0; i < N_ATTENTION; i++)
		if (attention_reasons[i] == reason)
			return (int)i;
	if (reason == KANSA_REASON_MALFORMED_WARRANT)
		return (int)N_ATTENTION + 1;
	if (reason == KANSA_REASON_MALFORMED_REQUEST)
		return (int)N_ATTENTION + 2;
	return (int)N_ATTENTION; /* a reason this table does not name yet */
}

static json_t *reasons_json(const uint64_t *by)
{
	json_t *o = json_object();

	for (int r = 0; r < KANSA_REASON_COUNT; r++)
		if (by[r])
			json_object_set_new(o, kansa_reason_name(r), json_integer((json_int_t)by[r]));
	return o;
}

/* The row of @p name (and @p officer, may be NULL) in @p m, made on first use. */
static requester *get_party(kansa_audit_map *m, const char *name, const char *officer)
{
	uint8_t key[KANSA_HASH_LEN];
	kansa_sha256_ctx *h = NULL;
	requester *q;
	int error;

	if ((error = kansa_sha256_new(&h)) == 0 &&
	    (error = kansa_sha256_update(h, name, strlen(name) + 1)) == 0 && officer)
		error = kansa_sha256_update(h, officer, strlen(officer));
	if (error == 0)
		error = kansa_sha256_final(key, h);
	kansa_sha256_free(h);
	if (error < 0)
		return NULL;
	if ((q = kansa_audit_map__get(m, key)) != NULL)
		return q;
	if ((q = calloc(1, sizeof(*q))) == NULL || (q->name = strdup(name)) == NULL ||
	    (officer && (q->officer = strdup(officer)) == NULL) || kansa_audit_map__put(m, key, q) < 0) {
		if (q) {
			free(q->name);
			free(q->officer);
		}
		free(q);
		return NULL;
	}
	return q;
}

static void count_party(requester *q, const kansa_entry *e)
{
	if (q->allowed + q->denied == 0)
		q->first_time = e->time;
	q->last_time = e->time;
	if (e->verdict == KANSA_ALLOW) {
		q->allowed++;
	} else {
		q->denied++;
		if (e->reason >= 0 && e->reason < KANSA_REASON_COUNT)
			q->denied_by[e->reason]++;
	}
}

static void note_attention(report_ctx *c, const kansa_audit_view *v, const kansa_entry *e)
{
	int rank = attention_rank(e->reason);
	json_t *o;

	if (e->verdict == KANSA_ALLOW)
		return;
	c->att_total++;
	if (c->n_att >= REPORT_MAX_ATTENTION)
		return;
	o = json_object();
	json_object_set_new(o, "seq", json_integer((json_int_t)e->seq));
	json_object_set_new(o, "time", kansa_json_out__time(e->time));
	json_object_set_new(o, "reason", json_string(kansa_reason_name(e->reason)));
	json_object_set_new(o, "detail", json_string(e->detail ? e->detail : ""));
	if (v->request) {
		json_object_set_new(o, "requester", json_string(v->request->requester));
		json_object_set_new(o, "officer", json_string(v->request->officer));
		json_object_set_new(o, "action", json_string(kansa_action__name(v->request->action)));
	}
	if (v->warrant)
		json_object_set_new(o, "warrant", kansa_json_out__hex(v->warrant->cti, 16));
	c->att[c->n_att++] = (attention){ e->seq, e->time, e->reason, rank, o };
}

static void on_entry(void *vctx, const kansa_audit_view *v)
{
	report_ctx *c = vctx;
	const kansa_entry *e = v->entry;
	requester *q;

	if (e == NULL || e->kind != KANSA_ENTRY_DECISION)
		return;
	if (e->verdict == KANSA_ALLOW) {
		c->allowed++;
	} else {
		c->denied++;
		if (e->reason >= 0 && e->reason < KANSA_REASON_COUNT)
			c->denied_by[e->reason]++;
	}
	note_attention(c, v, e);
	if (v->request == NULL || v->request->requester == NULL)
		return;
	if ((q = get_party(&c->requesters, v->request->requester, NULL)) == NULL) {
		c->error = KANSA_ENOMEM;
		return;
	}
	count_party(q, e);
	if (v->request->officer == NULL)
		return;
	if ((q = get_party(&c->officers, v->request->requester, v->request->officer)) == NULL) {
		c->error = KANSA_ENOMEM;
		return;
	}
	count_party(q, e);
}

static void on_finding(void *vctx, const kansa_audit_finding *f)
{
	report_ctx *c = vctx;
	json_t *o;

	if (f->kind == KANSA_FINDING_CHECKPOINT_ROOT || f->kind == KANSA_FINDING_CHECKPOINT_SIGNATURE ||
	    f->kind == KANSA_FINDING_TRUNCATED)
		c->cp_findings++;
	if (json_array_size(c->findings) >= REPORT_MAX_FINDINGS)
		return;
	o = json_object();
	json_object_set_new(o, "kind", json_string(kansa_finding_name(f->kind)));
	if (f->has_seq)
		json_object_set_new(o, "seq", json_integer((json_int_t)f->seq));
	json_object_set_new(o, "message", json_string(f->message));
	json_array_append_new(c->findings, o);
}

/* ---- building the JSON ---------------------------------------------------- */

typedef struct {
	const void **items;
	size_t n, cap;
} list;

static void collect(void *ctx, void *val)
{
	list *l = ctx;

	if (l->n < l->cap)
		l->items[l->n++] = val;
}

static int list_of(list *l, const kansa_audit_map *m)
{
	l->n = 0;
	l->cap = m->count;
	l->items = calloc(m->count ? m->count : 1, sizeof(*l->items));
	if (l->items == NULL)
		return kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
	kansa_audit_map__each(m, collect, l);
	return 0;
}

static int cmp_warrant(const void *a, const void *b)
{
	const kansa_audit_warrant *x = *(const kansa_audit_warrant *const *)a;
	const kansa_audit_warrant *y = *(const kansa_audit_warrant *const *)b;

	if (x->first_time != y->first_time)
		return x->first_time < y->first_time ? -1 : 1;
	for (size_t i = 0; i < 16; i++) /* ids are public: an ordinary byte order */
		if (x->cti[i] != y->cti[i])
			return x->cti[i] < y->cti[i] ? -1 : 1;
	return 0;
}

static json_t *signers_json(const kansa_signed_doc *d, const kansa_policy_doc *policy)
{
	json_t *a = json_array();

	for (size_t i = 0; i < kansa_cose__signature_count(d->cose); i++) {
		const kansa_cose_signature *s = kansa_cose__signature(d->cose, i);
		const kansa_member *m = policy ? kansa_policy_doc__member_by_kid(policy, s->kid) : NULL;
		char kid[2 * KANSA_KID_LEN + 1];

		kansa_hex_encode(kid, s->kid, KANSA_KID_LEN);
		json_array_append_new(a, json_string(m ? m->name : kid));
	}
	return a;
}

static json_t *warrant_json(const kansa_audit_warrant *w, const kansa_policy_doc *policy)
{
	json_t *o = json_object();

	json_object_set_new(o, "cti", kansa_json_out__hex(w->cti, 16));
	if (w->doc && w->doc->doc) {
		const kansa_warrant_doc *d = &w->doc->doc->u.warrant;
		json_object_set_new(o, "hash", kansa_json_out__hex(w->doc->hash, KANSA_HASH_LEN));
		json_object_set_new(o, "case", json_string(d->case_id ? d->case_id : ""));
		json_object_set_new(o, "subject", json_string(d->subject ? d->subject : ""));
		json_object_set_new(o, "action", json_string(kansa_action__name(d->action)));
		json_object_set_new(o, "signers", signers_json(w->doc->doc, policy));
		json_object_set_new(o, "not_before", kansa_json_out__time(d->not_before));
		json_object_set_new(o, "expires", kansa_json_out__time(d->expires));
		json_object_set_new(o, "max_uses", json_integer((json_int_t)d->max_uses));
	}
	json_object_set_new(o, "uses", json_integer((json_int_t)w->uses));
	json_object_set_new(o, "allowed", json_integer((json_int_t)w->allowed));
	json_object_set_new(o, "denied", json_integer((json_int_t)w->denied));
	json_object_set_new(o, "denied_by", reasons_json(w->denied_by));
	if (w->allowed + w->denied) {
		json_object_set_new(o, "first_use", kansa_json_out__time(w->first_time));
		json_object_set_new(o, "last_use", kansa_json_out__time(w->last_time));
	}
	json_object_set_new(o, "revoked", json_boolean(w->revoked));
	if (w->revoked)
		json_object_set_new(o, "revoked_seq", json_integer((json_int_t)w->revoked_seq));
	return o;
}

static int warrants_json(json_t *root, const kansa_replay *r)
{
	json_t *a = json_array();
	list l;
	int error;

	if ((error = list_of(&l, kansa_replay__warrants(r))) < 0) {
		json_decref(a);
		return error;
	}
	qsort(l.items, l.n, sizeof(*l.items), cmp_warrant);
	for (size_t i = 0; i < l.n; i++)
		json_array_append_new(a, warrant_json(l.items[i], kansa_replay__policy(r)));
	free(l.items);
	json_object_set_new(root, "warrants", a);
	return 0;
}

static int cmp_requester(const void *a, const void *b)
{
	const requester *x = *(const requester *const *)a, *y = *(const requester *const *)b;
	int d = (x->officer && y->officer) ? strcmp(x->officer, y->officer) : 0;

	return d ? d : strcmp(x->name, y->name);
}

/* "requesters" (one row per unit) or "officers" (one per officer and unit). */
static int parties_json(json_t *root, const char *key, const kansa_audit_map *m)
{
	json_t *a = json_array();
	list l;
	int error;

	if ((error = list_of(&l, m)) < 0) {
		json_decref(a);
		return error;
	}
	qsort(l.items, l.n, sizeof(*l.items), cmp_requester);
	for (size_t i = 0; i < l.n; i++) {
		const requester *q = l.items[i];
		json_t *o = json_object();
		if (q->officer)
			json_object_set_new(o, "officer", json_string(q->officer));
		json_object_set_new(o, "requester", json_string(q->name));
		json_object_set_new(o, "allowed", json_integer((json_int_t)q->allowed));
		json_object_set_new(o, "denied", json_integer((json_int_t)q->denied));
		json_object_set_new(o, "denied_by", reasons_json(q->denied_by));
		json_object_set_new(o, "first", kansa_json_out__time(q->first_time));
		json_object_set_new(o, "last", kansa_json_out__time(q->last_time));
		json_array_append_new(a, o);
	}
	free(l.items);
	json_object_set_new(root, key, a);
	return 0;
}

/* The checkpoints: how many, the largest, the entries it does not cover yet. */
static int largest_cp(void *ctx, uint64_t size, const uint8_t *note, size_t len)
{
	uint64_t *max = ctx;

	(void)note;
	(void)len;
	if (size > *max)
		*max = size;
	return 0;
}

static int checkpoint_json(json_t *root, kansa_ledger *lg, const kansa_audit_summary *s,
    const report_ctx *c)
{
	kansa_store_iter *it = NULL;
	uint64_t latest = 0;
	json_t *o;
	int error;

	if ((error = kansa_store__iter_new(&it, kansa_ledger__store(lg), 0)) == 0)
		error = kansa_store__snap_checkpoints(it, largest_cp, &latest);
	kansa_store__iter_free(it);
	if (error < 0)
		return error;
	o = json_object();
	json_object_set_new(o, "count", json_integer((json_int_t)s->checkpoints));
	json_object_set_new(o, "latest_size", json_integer((json_int_t)latest));
	json_object_set_new(o, "uncovered", json_integer((json_int_t)(s->entries > latest ?
	    s->entries - latest : 0)));
	json_object_set_new(o, "ok", json_boolean(c->cp_findings == 0));
	json_object_set_new(root, "checkpoints", o);
	return 0;
}

static int cmp_attention(const void *a, const void *b)
{
	const attention *x = a, *y = b;

	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int cmp_emergency(const void *a, const void *b)
{
	const kansa_audit_emergency *x = *(const kansa_audit_emergency *const *)a;
	const kansa_audit_emergency *y = *(const kansa_audit_emergency *const *)b;

	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static const char *emergency_status(const kansa_audit_emergency *em, int64_t now)
{
	return kansa_audit__act_state(em->ratified, em->approved, em->ratification_time, em->ratify_by,
	    now);
}

static int emergencies_json(json_t *root, const kansa_replay *r, int64_t now)
{
	json_t *a = json_array();
	list l;
	int error;

	if ((error = list_of(&l, kansa_replay__emergencies(r))) < 0) {
		json_decref(a);
		return error;
	}
	qsort(l.items, l.n, sizeof(*l.items), cmp_emergency);
	for (size_t i = 0; i < l.n; i++) {
		const kansa_audit_emergency *em = l.items[i];
		json_t *o = json_object();
		json_object_set_new(o, "seq", json_integer((json_int_t)em->seq));
		json_object_set_new(o, "leaf_hash", kansa_json_out__hex(em->leaf, KANSA_HASH_LEN));
		json_object_set_new(o, "time", kansa_json_out__time(em->time));
		json_object_set_new(o, "ratify_by", kansa_json_out__time(em->ratify_by));
		json_object_set_new(o, "status", json_string(emergency_status(em, now)));
		if (em->ratified)
			json_object_set_new(o, "ratification_seq", json_integer((json_int_t)em->ratification_seq));
		json_array_append_new(a, o);
	}
	free(l.items);
	json_object_set_new(root, "emergencies", a);
	return 0;
}

static json_t *summary_json(const kansa_audit_summary *s, const report_ctx *c)
{
	json_t *o = json_object();

	json_object_set_new(o, "ok", json_boolean(s->findings == 0));
	json_object_set_new(o, "entries", json_integer((json_int_t)s->entries));
	json_object_set_new(o, "checkpoints", json_integer((json_int_t)s->checkpoints));
	json_object_set_new(o, "documents", json_integer((json_int_t)s->documents));
	json_object_set_new(o, "decisions", json_integer((json_int_t)s->decisions));
	json_object_set_new(o, "allowed", json_integer((json_int_t)c->allowed));
	json_object_set_new(o, "denied", json_integer((json_int_t)c->denied));
	json_object_set_new(o, "denied_by", reasons_json(c->denied_by));
	json_object_set_new(o, "root", kansa_json_out__hex(s->root, KANSA_HASH_LEN));
	json_object_set_new(o, "finding_count", json_integer((json_int_t)s->findings));
	if (s->has_first_bad)
		json_object_set_new(o, "first_bad_seq", json_integer((json_int_t)s->first_bad_seq));
	return o;
}

static int build(json_t *root, report_ctx *c, const kansa_replay *r, const kansa_audit_summary *s,
    kansa_ledger *lg, int64_t now)
{
	json_t *att = json_array();
	int error;

	json_object_set_new(root, "schema", json_string("kansa.audit.report/1"));
	json_object_set_new(root, "origin", json_string(kansa_ledger__origin(lg)));
	json_object_set_new(root, "generated", kansa_json_out__time(now));
	json_object_set_new(root, "summary", summary_json(s, c));
	json_object_set_new(root, "findings", json_incref(c->findings));
	qsort(c->att, c->n_att, sizeof(*c->att), cmp_attention);
	for (size_t i = 0; i < c->n_att; i++) {
		json_array_append_new(att, c->att[i].obj);
		c->att[i].obj = NULL;
	}
	json_object_set_new(root, "attention", att);
	json_object_set_new(root, "attention_count", json_integer((json_int_t)c->att_total));
	if ((error = warrants_json(root, r)) < 0 ||
	    (error = parties_json(root, "requesters", &c->requesters)) < 0 ||
	    (error = parties_json(root, "officers", &c->officers)) < 0 ||
	    (error = checkpoint_json(root, lg, s, c)) < 0)
		return error;
	return emergencies_json(root, r, now);
}

static void free_requester(void *ctx, void *val)
{
	requester *q = val;

	(void)ctx;
	free(q->name);
	free(q->officer);
	free(q);
}

/* Chain the caller's finding callback after ours. */
typedef struct {
	report_ctx *c;
	const kansa_audit_options *user;
} finding_chain;

static void chained_finding(void *vctx, const kansa_audit_finding *f)
{
	finding_chain *fc = vctx;

	on_finding(fc->c, f);
	if (fc->user && fc->user->on_finding)
		fc->user->on_finding(fc->user->ctx, f);
}

static void chained_progress(void *vctx, uint64_t done, uint64_t total)
{
	finding_chain *fc = vctx;

	if (fc->user && fc->user->on_progress)
		fc->user->on_progress(fc->user->ctx, done, total);
}

int kansa_ledger_report(char **json, kansa_audit_summary *out, kansa_ledger *lg,
    const kansa_audit_options *opt, int64_t now)
{
	kansa_audit_summary scratch;
	kansa_replay *replay = NULL;
	kansa_audit_hook hook;
	kansa_audit_options o;
	finding_chain fc;
	report_ctx c;
	json_t *root = NULL;
	int error;

	if (json == NULL)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_LEDGER, "report: no output");
	*json = NULL;
	if (out == NULL)
		out = &scratch;
	memset(&c, 0, sizeof(c));
	if ((error = kansa_audit_map__init(&c.requesters, KANSA_HASH_LEN)) < 0 ||
	    (error = kansa_audit_map__init(&c.officers, KANSA_HASH_LEN)) < 0) {
		kansa_audit_map__dispose(&c.requesters);
		return error;
	}
	c.findings = json_array();
	c.att = calloc(REPORT_MAX_ATTENTION, sizeof(*c.att));
	if (c.findings == NULL || c.att == NULL) {
		error = kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
		goto out;
	}
	fc = (finding_chain){ &c, opt };
	o = (kansa_audit_options){ KANSA_AUDIT_REPLAY, chained_finding, chained_progress, &fc, NULL };
	hook = (kansa_audit_hook){ on_entry, &c };
	if ((error = kansa_audit__run(out, lg, &o, &hook, &replay)) < 0)
		goto out;
	if (c.error < 0) {
		error = kansa_error_set(c.error, KANSA_ERRCLASS_OS, "out of memory");
		goto out;
	}
	root = json_object();
	if ((error = build(root, &c, replay, out, lg, now)) < 0)
		goto out;
	if ((*json = json_dumps(root, JSON_SORT_KEYS | JSON_INDENT(2))) == NULL)
		error = kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
out:
	json_decref(root);
	json_decref(c.findings);
	for (size_t i = 0; c.att && i < c.n_att; i++)
		json_decref(c.att[i].obj);
	free(c.att);
	kansa_audit_map__each(&c.requesters, free_requester, NULL);
	kansa_audit_map__dispose(&c.requesters);
	kansa_audit_map__each(&c.officers, free_requester, NULL);
	kansa_audit_map__dispose(&c.officers);
	kansa_replay__free(replay);
	return error;
}
