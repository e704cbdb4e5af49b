/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kansa_audit_officers() and kansa_audit_emergencies() (design §12,
 * docs/audit.md): who acted and how often they were refused, with the
 * patterns an overseer looks for; and every emergency act with what was
 * done, its deadline and its state. Both are one pass of the entries
 * iterator (entries.c) over a read snapshot; memory grows with the officers
 * or the emergency acts, never with the entries. Like the listing they
 * decode and do not verify: the replay proves the entries.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "keys/keys.h"
#include "ledger/audit/audit.h"
#include "ledger/json.h"
#include "ledger/ledger_impl.h"

/* A reason seen this often from one officer is a pattern ("repeated"). */
#define ACTS_REPEATED 2

typedef struct {
	int (*entry)(void *ctx, const kansa_audit_entry *e);
	void *ctx;
} acts_visit;

/* One pass over every entry of the snapshot that @p f keeps. */
static int visit(void *ctx, kansa_audit_entries *it, const kansa_audit_entry *e)
{
	const acts_visit *v = ctx;

	(void)it;
	return v->entry(v->ctx, e);
}

static int pass(kansa_ledger *lg, const kansa_audit_filter *f, const kansa_audit_options *opt,
    const acts_visit *v)
{
	return kansa_audit__each_entry(lg, f, opt, visit, (void *)v);
}

static int finish(char **out, json_t *root)
{
	if (root == NULL || (*out = json_dumps(root, JSON_SORT_KEYS | JSON_INDENT(2))) == NULL) {
		json_decref(root);
		return kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
	}
	json_decref(root);
	return 0;
}

/* ---- officers ------------------------------------------------------------- */

typedef struct {
	char *unit, *officer;
	uint64_t allowed, denied, emergency;
	uint64_t by[KANSA_REASON_COUNT];
	int64_t first, last;
} officer_row;

typedef struct {
	kansa_audit_map rows;   /* SHA-256(unit, 0, officer) -> officer_row */
} officers_ctx;

static int officer_key(uint8_t key[KANSA_HASH_LEN], const char *unit, const char *officer)
{
	kansa_sha256_ctx *h = NULL;
	int error;

	if ((error = kansa_sha256_new(&h)) == 0 && (error = kansa_sha256_update(h, unit, strlen(unit) + 1)) == 0 &&
	    (error = kansa_sha256_update(h, officer, strlen(officer))) == 0)
		error = kansa_sha256_final(key, h);
	kansa_sha256_free(h);
	return error;
}

static int officer_entry(void *vctx, const kansa_audit_entry *e)
{
	officers_ctx *c = vctx;
	uint8_t key[KANSA_HASH_LEN];
	officer_row *r;
	int error;

	if (e->kind != KANSA_AUDIT_ENTRY_DECISION || !e->has_request)
		return 0;
	if ((error = officer_key(key, e->requester, e->officer)) < 0)
		return error;
	if ((r = kansa_audit_map__get(&c->rows, key)) == NULL) {
		if ((r = calloc(1, sizeof(*r))) == NULL || (r->unit = strdup(e->requester)) == NULL ||
		    (r->officer = strdup(e->officer)) == NULL || kansa_audit_map__put(&c->rows, key, r) < 0) {
			if (r) {
				free(r->unit);
				free(r->officer);
			}
			free(r);
			return kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
		}
		r->first = e->time;
	}
	r->last = e->time;
	if (e->verdict == KANSA_ALLOW)
		r->allowed++;
	else
		r->denied++;
	r->emergency += e->emergency;
	if (e->reason >= 0 && e->reason < KANSA_REASON_COUNT)
		r->by[e->reason]++;
	return 0;
}

/* The patterns of design §12 in one officer's record. */
static json_t *patterns_json(const officer_row *r)
{
	json_t *a = json_array();

	if (r->by[KANSA_REASON_FORBIDDEN_FIELD] >= ACTS_REPEATED)
		json_array_append_new(a, json_string("repeated-forbidden-fields"));
	if (r->by[KANSA_REASON_TARGET_OUT_OF_SCOPE] >= ACTS_REPEATED)
		json_array_append_new(a, json_string("repeated-out-of-scope-targets"));
	if (r->by[KANSA_REASON_REVOKED])
		json_array_append_new(a, json_string("use-after-revocation"));
	if (r->by[KANSA_REASON_EXPIRED])
		json_array_append_new(a, json_string("use-after-expiry"));
	if (r->by[KANSA_REASON_USES_EXHAUSTED])
		json_array_append_new(a, json_string("use-past-max-uses"));
	return a;
}

static json_t *officer_json(const officer_row *r)
{
	json_t *o = json_object(), *by = json_object();

	for (int i = 0; i < KANSA_REASON_COUNT; i++)
		if (r->by[i] && i != KANSA_REASON_ALLOWED && i != KANSA_REASON_EMERGENCY)
			json_object_set_new(by, kansa_reason_name(i), json_integer((json_int_t)r->by[i]));
	json_object_set_new(o, "officer", json_string(r->officer));
	json_object_set_new(o, "unit", json_string(r->unit));
	json_object_set_new(o, "acts", json_integer((json_int_t)(r->allowed + r->denied)));
	json_object_set_new(o, "allowed", json_integer((json_int_t)r->allowed));
	json_object_set_new(o, "denied", json_integer((json_int_t)r->denied));
	json_object_set_new(o, "emergency", json_integer((json_int_t)r->emergency));
	json_object_set_new(o, "denied_by", by);
	json_object_set_new(o, "patterns", patterns_json(r));
	json_object_set_new(o, "first", kansa_json_out__time(r->first));
	json_object_set_new(o, "last", kansa_json_out__time(r->last));
	return o;
}

typedef struct {
	const officer_row **v;
	size_t n;
} row_list;

static void collect_row(void *ctx, void *val)
{
	row_list *l = ctx;

	l->v[l->n++] = val;
}

static int cmp_row(const void *a, const void *b)
{
	const officer_row *x = *(const officer_row *const *)a, *y = *(const officer_row *const *)b;
	int d = strcmp(x->officer, y->officer);

	return d ? d : strcmp(x->unit, y->unit);
}

static void free_row(void *ctx, void *val)
{
	officer_row *r = val;

	(void)ctx;
	free(r->unit);
	free(r->officer);
	free(r);
}

int kansa_audit_officers(char **json, kansa_ledger *lg, int64_t from, int64_t until,
    const kansa_audit_options *opt)
{
	kansa_audit_filter f = KANSA_AUDIT_FILTER_INIT;
	officers_ctx c;
	acts_visit v = { officer_entry, &c };
	row_list l = { NULL, 0 };
	json_t *root = NULL, *a;
	int error;

	if (json == NULL || lg == NULL)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_LEDGER, "audit officers: no output or ledger");
	*json = NULL;
	f.from = from;
	f.until = until;
	if ((error = kansa_audit_map__init(&c.rows, KANSA_HASH_LEN)) < 0)
		return error;
	if ((error = pass(lg, &f, opt, &v)) < 0)
		goto out;
	if ((l.v = calloc(c.rows.count ? c.rows.count : 1, sizeof(*l.v))) == NULL) {
		error = kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
		goto out;
	}
	kansa_audit_map__each(&c.rows, collect_row, &l);
	qsort(l.v, l.n, sizeof(*l.v), cmp_row);
	root = json_object();
	a = json_array();
	for (size_t i = 0; i < l.n; i++)
		json_array_append_new(a, officer_json(l.v[i]));
	json_object_set_new(root, "officers", a);
	json_object_set_new(root, "schema", json_string("kansa.audit.officers/1"));
	json_object_set_new(root, "repeated", json_integer(ACTS_REPEATED));
	error = finish(json, root);
out:
	free(l.v);
	kansa_audit_map__each(&c.rows, free_row, NULL);
	kansa_audit_map__dispose(&c.rows);
	return error;
}

/* ---- emergencies ------------------------------------------------------------ */

typedef struct {
	json_t *act;                 /* what was done, as listed */
	int64_t ratify_by;
	bool ratified, approved;
	int64_t ratified_at;
	uint64_t ratification_seq;
} act_row;

typedef struct {
	kansa_audit_map acts;        /* leaf hash -> act_row */
	act_row **order;             /* by seq */
	size_t n, cap;
} acts_ctx;

static json_t *act_json(const kansa_audit_entry *e)
{
	json_t *o = json_object();

	json_object_set_new(o, "seq", json_integer((json_int_t)e->seq));
	json_object_set_new(o, "leaf_hash", kansa_json_out__hex(e->leaf_hash, KANSA_HASH_LEN));
	json_object_set_new(o, "time", kansa_json_out__time(e->time));
	json_object_set_new(o, "ratify_by", kansa_json_out__time(e->ratify_by));
	json_object_set_new(o, "ratify_by_unix", json_integer((json_int_t)e->ratify_by));
	if (!e->has_request)
		return o;
	json_object_set_new(o, "requester", json_string(e->requester));
	json_object_set_new(o, "officer", json_string(e->officer));
	json_object_set_new(o, "action", json_string(e->action));
	json_object_set_new(o, "justification", json_string(e->justification));
	if (e->host[0])
		json_object_set_new(o, "host", json_string(e->host));
	if (e->op[0])
		json_object_set_new(o, "op", json_string(e->op));
	if (e->n_targets) {
		json_t *t = json_array();
		for (size_t i = 0; i < e->n_targets; i++)
			json_array_append_new(t, json_string(e->targets[i]));
		json_object_set_new(o, "targets", t);
	}
	if (e->n_fields) {
		json_t *t = json_array();
		for (size_t i = 0; i < e->n_fields; i++)
			json_array_append_new(t, json_string(e->fields[i]));
		json_object_set_new(o, "fields", t);
	}
	if (e->has_window)
		json_object_set_new(o, "window", json_pack("[o,o]", kansa_json_out__time(e->window[0]),
		    kansa_json_out__time(e->window[1])));
	return o;
}

static int acts_entry(void *vctx, const kansa_audit_entry *e)
{
	acts_ctx *c = vctx;
	act_row *a;

	if (e->kind == KANSA_AUDIT_ENTRY_RATIFICATION) {
		if ((a = kansa_audit_map__get(&c->acts, e->ratified_entry)) != NULL && !a->ratified) {
			a->ratified = true;
			a->approved = e->approved;
			a->ratified_at = e->time;
			a->ratification_seq = e->seq;
		}
		return 0;
	}
	if (e->kind != KANSA_AUDIT_ENTRY_DECISION || e->verdict != KANSA_ALLOW ||
	    e->reason != KANSA_REASON_EMERGENCY || kansa_audit_map__get(&c->acts, e->leaf_hash))
		return 0;
	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 64;
		act_row **p = realloc(c->order, cap * sizeof(*p));
		if (p == NULL)
			return kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
		c->order = p;
		c->cap = cap;
	}
	if ((a = calloc(1, sizeof(*a))) == NULL || (a->act = act_json(e)) == NULL ||
	    kansa_audit_map__put(&c->acts, e->leaf_hash, a) < 0) {
		if (a)
			json_decref(a->act);
		free(a);
		return kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
	}
	a->ratify_by = e->ratify_by;
	c->order[c->n++] = a;
	return 0;
}

static json_t *acts_list(const acts_ctx *c, int64_t now, json_t *counts)
{
	json_t *arr = json_array();

	for (size_t i = 0; i < c->n; i++) {
		const act_row *a = c->order[i];
		const char *st = kansa_audit__act_state(a->ratified, a->approved, a->ratified_at,
		    a->ratify_by, now);
		json_t *o = json_incref(a->act);
		json_object_set_new(o, "state", json_string(st));
		if (a->ratified) {
			json_object_set_new(o, "ratification_seq", json_integer((json_int_t)a->ratification_seq));
			json_object_set_new(o, "ratified_at", kansa_json_out__time(a->ratified_at));
			if (a->ratified_at > a->ratify_by)
				json_object_set_new(o, "late_by", json_integer((json_int_t)(a->ratified_at - a->ratify_by)));
		} else if (now <= a->ratify_by) {
			json_object_set_new(o, "time_left", json_integer((json_int_t)(a->ratify_by - now)));
		} else {
			json_object_set_new(o, "overdue_by", json_integer((json_int_t)(now - a->ratify_by)));
		}
		json_object_set_new(counts, st, json_integer(json_integer_value(json_object_get(counts, st)) + 1));
		json_array_append_new(arr, o);
	}
	return arr;
}

int kansa_audit_emergencies(char **json, kansa_ledger *lg, int64_t now, const kansa_audit_options *opt)
{
	static const char *const states[] = { "ratified", "ratified-late", "refused", "pending", "overdue" };
	acts_ctx c;
	acts_visit v = { acts_entry, &c };
	json_t *root, *counts;
	int error;

	if (json == NULL || lg == NULL)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_LEDGER,
		    "audit emergencies: no output or ledger");
	*json = NULL;
	memset(&c, 0, sizeof(c));
	if ((error = kansa_audit_map__init(&c.acts, KANSA_HASH_LEN)) < 0)
		return error;
	if ((error = pass(lg, NULL, opt, &v)) < 0)
		goto out;
	root = json_object();
	counts = json_object();
	for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++)
		json_object_set_new(counts, states[i], json_integer(0));
	json_object_set_new(root, "emergencies", acts_list(&c, now, counts));
	json_object_set_new(root, "counts", counts);
	json_object_set_new(root, "generated", kansa_json_out__time(now));
	json_object_set_new(root, "schema", json_string("kansa.audit.emergencies/1"));
	error = finish(json, root);
out:
	for (size_t i = 0; i < c.n; i++) {
		json_decref(c.order[i]->act);
		free(c.order[i]);
	}
	free(c.order);
	kansa_audit_map__dispose(&c.acts);
	return error;
}
