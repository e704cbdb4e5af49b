/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kansa_audit_retention() (design §12, docs/audit.md "Retention"): which
 * data the policy's retention periods say should be gone by now. Every
 * allowed act gathered data up to the end of a window: a warrant's
 * scope.window end (neutralize warrants: their expiry), an emergency
 * metadata-query's request window end, an emergency neutralization's time.
 * That end plus the retention of its action in the policy in force at @p at
 * is when the data falls due for deletion.
 *
 * One pass of the entries iterator (entries.c) over a read snapshot,
 * entries up to @p at only; memory grows with the warrants used and the
 * emergency acts, never with the entries. It decodes and does not verify:
 * the replay proves the entries and documents read here.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keys/keys.h"
#include "ledger/audit/audit.h"
#include "ledger/json.h"
#include "ledger/ledger_impl.h"

/* One thing whose data falls due: a warrant (by cti) or an emergency act. */
typedef struct {
	bool emergency;               /* an emergency act (seq, leaf) rather than a warrant */
	uint8_t cti[16];              /* warrant */
	char case_id[128];            /* warrant */
	uint64_t seq;                 /* emergency act; for a warrant, its first allowed use */
	uint8_t leaf[KANSA_HASH_LEN]; /* emergency act */
	int action;                   /* kansa_action */
	int64_t window_end;
	int64_t due;                  /* window_end + retention; INT64_MAX when no retention is set */
	uint64_t uses;                /* allowed acts */
} ret_item;

typedef struct {
	int64_t at;
	ret_item **items;
	size_t n, cap;
	kansa_audit_map warrants;     /* cti -> ret_item */
	int64_t retention[2];         /* of the policy in force at @p at */
	uint64_t policy_version;
} ret_ctx;

static int add_item(ret_item **out, ret_ctx *c)
{
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 64;
		ret_item **l = realloc(c->items, cap * sizeof(*l));

		if (l == NULL)
			return kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
		c->items = l;
		c->cap = cap;
	}
	if ((*out = calloc(1, sizeof(**out))) == NULL)
		return kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
	c->items[c->n++] = *out;
	return 0;
}

static int note_policy(ret_ctx *c, kansa_audit_entries *it, const kansa_audit_entry *e)
{
	kansa_signed_doc *d = NULL;
	int error;

	if ((error = kansa_audit_entries__policy(&d, it, e->document)) < 0)
		return kansa_error_prefix("entry %llu: policy version %llu", (unsigned long long)e->seq,
		    (unsigned long long)e->version);
	memcpy(c->retention, d->u.policy.retention, sizeof(c->retention));
	c->policy_version = d->u.policy.version;
	kansa_signed_doc__free(d);
	return 0;
}

static int note_warrant(ret_ctx *c, const kansa_audit_entry *e, const kansa_audit_wdoc *w)
{
	ret_item *r = kansa_audit_map__get(&c->warrants, w->cti);
	int error;

	if (r != NULL) {
		r->uses++;
		return 0;
	}
	if ((error = add_item(&r, c)) < 0)
		return error;
	memcpy(r->cti, w->cti, sizeof(r->cti));
	snprintf(r->case_id, sizeof(r->case_id), "%s", w->case_id);
	r->seq = e->seq;
	r->action = w->action;
	r->window_end = w->window_end;
	r->uses = 1;
	return kansa_audit_map__put(&c->warrants, w->cti, r);
}

static int note_emergency(ret_ctx *c, const kansa_audit_entry *e)
{
	ret_item *r;
	int error;

	if ((error = add_item(&r, c)) < 0)
		return error;
	r->emergency = true;
	r->seq = e->seq;
	memcpy(r->leaf, e->leaf_hash, sizeof(r->leaf));
	r->action = kansa_action__from_name(e->action);
	r->window_end = e->has_window ? e->window[1] : e->time;
	r->uses = 1;
	return 0;
}

static int note_entry(ret_ctx *c, kansa_audit_entries *it, const kansa_audit_entry *e)
{
	const kansa_audit_wdoc *w = kansa_audit_entries__warrant(it);

	if (e->time > c->at)
		return 0;
	if (e->kind == KANSA_AUDIT_ENTRY_POLICY)
		return note_policy(c, it, e);
	if (e->kind != KANSA_AUDIT_ENTRY_DECISION || e->verdict != KANSA_ALLOW)
		return 0;
	if (e->reason == KANSA_REASON_EMERGENCY && e->has_request)
		return note_emergency(c, e);
	if (w != NULL && w->ok && (w->action == KANSA_ACT_METADATA_QUERY || w->action == KANSA_ACT_NEUTRALIZE))
		return note_warrant(c, e, w);
	return 0;
}

static int visit(void *ctx, kansa_audit_entries *it, const kansa_audit_entry *e)
{
	return note_entry(ctx, it, e);
}

/* ---- the JSON ------------------------------------------------------------ */

static json_t *duration_json(int64_t s)
{
	char b[32];

	kansa_duration__text(b, s);
	return json_string(b);
}

static json_t *item_json(const ret_item *r, int64_t retention, int64_t at)
{
	json_t *o = json_object();
	int64_t due;

	json_object_set_new(o, "kind", json_string(r->emergency ? "emergency" : "warrant"));
	json_object_set_new(o, "action", json_string(kansa_action__name(r->action)));
	if (r->emergency) {
		json_object_set_new(o, "seq", json_integer((json_int_t)r->seq));
		json_object_set_new(o, "leaf_hash", kansa_json_out__hex(r->leaf, sizeof(r->leaf)));
		json_object_set_new(o, "warrant", json_null());
	} else {
		json_object_set_new(o, "warrant", kansa_json_out__hex(r->cti, sizeof(r->cti)));
		json_object_set_new(o, "case", json_string(r->case_id));
		json_object_set_new(o, "first_seq", json_integer((json_int_t)r->seq));
		json_object_set_new(o, "uses", json_integer((json_int_t)r->uses));
	}
	kansa_json_out__set_time(o, "window_end", r->window_end);
	if (retention <= 0) {
		json_object_set_new(o, "retention", json_null());
		return o;
	}
	json_object_set_new(o, "retention", duration_json(retention));
	json_object_set_new(o, "retention_seconds", json_integer((json_int_t)retention));
	due = r->due;
	kansa_json_out__set_time(o, "due_at", due);
	if (due <= at)
		json_object_set_new(o, "due_since", json_integer((json_int_t)(at - due)));
	else
		json_object_set_new(o, "time_left", json_integer((json_int_t)(due - at)));
	return o;
}

/* Due first, oldest due first; then by window end; then seq. */
static int64_t due_of(const ret_item *r, const int64_t retention[2])
{
	int64_t ret = r->action >= 0 && r->action < 2 ? retention[r->action] : 0, due;

	if (ret <= 0 || __builtin_add_overflow(r->window_end, ret, &due))
		return INT64_MAX;
	return due;
}

static int by_due(const void *a, const void *b)
{
	const ret_item *x = *(ret_item *const *)a, *y = *(ret_item *const *)b;

	if (x->due != y->due)
		return x->due < y->due ? -1 : 1;
	if (x->window_end != y->window_end)
		return x->window_end < y->window_end ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static json_t *retention_json(ret_ctx *c, bool all)
{
	json_t *root = json_object(), *due = json_array(), *within = json_array(), *unset = json_array();
	json_t *pol = json_object();

	for (size_t i = 0; i < c->n; i++)
		c->items[i]->due = due_of(c->items[i], c->retention);
	if (c->n > 1)
		qsort(c->items, c->n, sizeof(*c->items), by_due);
	for (size_t i = 0; i < c->n; i++) {
		const ret_item *r = c->items[i];
		int64_t ret = r->action >= 0 && r->action < 2 ? c->retention[r->action] : 0;
		json_t *list = ret <= 0 ? unset : r->due <= c->at ? due : within;

		json_array_append_new(list, item_json(r, ret, c->at));
	}
	for (int a = 0; a < 2; a++)
		if (c->retention[a] > 0)
			json_object_set_new(pol, kansa_action__name(a), duration_json(c->retention[a]));
	json_object_set_new(root, "schema", json_string("kansa.audit.retention/1"));
	kansa_json_out__set_time(root, "at", c->at);
	json_object_set_new(root, "policy_version", json_integer((json_int_t)c->policy_version));
	json_object_set_new(root, "retention", pol);
	json_object_set_new(root, "counts", json_pack("{s:I, s:I, s:I}", "due", (json_int_t)json_array_size(due),
	    "within", (json_int_t)json_array_size(within), "unset", (json_int_t)json_array_size(unset)));
	json_object_set_new(root, "all", json_boolean(all));
	json_object_set_new(root, "due", due);
	if (all) {
		json_object_set_new(root, "within", within);
		json_object_set_new(root, "unset", unset);
	} else {
		json_decref(within);
		json_decref(unset);
	}
	return root;
}

int kansa_audit_retention(char **json, kansa_ledger *lg, int64_t at, bool all,
    const kansa_audit_options *opt)
{
	ret_ctx c;
	json_t *root = NULL;
	int error;

	if (json == NULL || lg == NULL)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_LEDGER, "audit retention: no output or ledger");
	*json = NULL;
	memset(&c, 0, sizeof(c));
	c.at = at;
	if ((error = kansa_audit_map__init(&c.warrants, 16)) < 0)
		return error;
	if ((error = kansa_audit__each_entry(lg, NULL, opt, visit, &c)) < 0)
		goto out;
	if ((root = retention_json(&c, all)) == NULL ||
	    (*json = json_dumps(root, JSON_SORT_KEYS | JSON_INDENT(2))) == NULL)
		error = kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
out:
	json_decref(root);
	for (size_t i = 0; i < c.n; i++)
		free(c.items[i]);
	free(c.items);
	kansa_audit_map__dispose(&c.warrants);
	return error;
}
