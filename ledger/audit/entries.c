/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kansa_audit_entries_*(): every ledger entry decoded for people (design
 * §12, `kansa audit entries|show`), filtered, streamed from one read
 * snapshot. Memory does not grow with the ledger: one row, one decoded
 * entry and one parsed request at a time, plus what each warrant named by
 * the entries needs to be shown (its id, action, case and times), kept once
 * per warrant document.
 *
 * This decodes; it does not verify. The leaf hash is recomputed from the
 * stored bytes (a mismatch sets `altered`), and a warrant's document is used
 * only when its bytes hash to the hash the entry names, but signatures and
 * decisions are checked by the audit (kansa_ledger_audit, replay), never here.
 */
#include <stdlib.h>
#include <string.h>

#include "keys/keys.h"
#include "ledger/audit/audit.h"
#include "ledger/ledger_impl.h"

struct kansa_audit_entries {
	kansa_store_iter *it;          /* the snapshot */
	kansa_audit_filter f;          /* the filter, with its own copies of: */
	char *requester, *officer;
	uint64_t total, done;          /* entries in the snapshot, rows read */
	kansa_audit_map warrants;      /* warrant document hash -> kansa_audit_wdoc */
	const kansa_audit_wdoc *cur_w; /* the current entry's warrant, or NULL */
	kansa_audit_entry out;         /* what next() hands out */
	kansa_entry e;                 /* the decoded entry out points into */
	kansa_request_doc req;         /* its parsed request */
	bool have_req;
	char (*tbuf)[64];              /* targets as text ... */
	const char **tptr;             /* ... and pointers to them */
	size_t tcap;
	char host[64];
};

static void free_wdoc(void *ctx, void *val)
{
	kansa_audit_wdoc *w = val;

	(void)ctx;
	free(w->case_id);
	free(w->subject);
	free(w);
}

void kansa_audit_entries_free(kansa_audit_entries *it)
{
	if (it == NULL)
		return;
	kansa_store__iter_free(it->it);
	kansa_entry__dispose(&it->e);
	if (it->have_req)
		kansa_request__dispose(&it->req);
	kansa_audit_map__each(&it->warrants, free_wdoc, NULL);
	kansa_audit_map__dispose(&it->warrants);
	free(it->requester);
	free(it->officer);
	free(it->tbuf);
	free(it->tptr);
	free(it);
}

static int copy_text(char **out, const char *s)
{
	*out = NULL;
	if (s == NULL)
		return 0;
	if ((*out = strdup(s)) == NULL)
		return kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
	return 0;
}

int kansa_audit_entries_new(kansa_audit_entries **out, kansa_ledger *lg,
    const kansa_audit_filter *filter)
{
	const kansa_audit_filter all = KANSA_AUDIT_FILTER_INIT;
	kansa_audit_entries *it;
	int error;

	if (out == NULL || lg == NULL)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_LEDGER, "audit entries: no ledger");
	*out = NULL;
	if (filter == NULL)
		filter = &all;
	if (filter->version != KANSA_AUDIT_FILTER_VERSION)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_LEDGER,
		    "audit entries: filter version %d is not %d (start from KANSA_AUDIT_FILTER_INIT)",
		    filter->version, KANSA_AUDIT_FILTER_VERSION);
	if ((it = calloc(1, sizeof(*it))) == NULL)
		return kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
	it->f = *filter;
	if ((error = kansa_audit_map__init(&it->warrants, KANSA_HASH_LEN)) < 0 ||
	    (error = copy_text(&it->requester, filter->requester)) < 0 ||
	    (error = copy_text(&it->officer, filter->officer)) < 0 ||
	    (error = kansa_store__iter_new(&it->it, kansa_ledger__store(lg), filter->first_seq)) < 0 ||
	    (error = kansa_store__snap_count(&it->total, it->it)) < 0) {
		kansa_audit_entries_free(it);
		return error;
	}
	it->f.requester = it->requester;
	it->f.officer = it->officer;
	*out = it;
	return 0;
}

void kansa_audit_entries_progress(uint64_t *done, uint64_t *total, const kansa_audit_entries *it)
{
	if (done)
		*done = it ? it->done : 0;
	if (total)
		*total = it ? it->total : 0;
}

const kansa_audit_wdoc *kansa_audit_entries__warrant(const kansa_audit_entries *it)
{
	return it->cur_w;
}

/* ---- the warrant an entry names ---------------------------------------- */

/* What the entry's warrant document says, read once per document. A
 * document that is missing, altered or malformed is remembered as such. */
static int load_warrant(const kansa_audit_wdoc **out, kansa_audit_entries *it,
    const uint8_t hash[KANSA_HASH_LEN])
{
	kansa_audit_wdoc *w = kansa_audit_map__get(&it->warrants, hash);
	kansa_signed_doc *d = NULL;
	uint8_t got[KANSA_HASH_LEN];
	uint8_t *body = NULL;
	size_t len = 0;
	int kind = 0, error;

	if ((*out = w) != NULL)
		return 0;
	if ((w = calloc(1, sizeof(*w))) == NULL)
		return kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
	error = kansa_store__snap_doc_get(&body, &len, &kind, it->it, hash);
	if (error < 0 && error != KANSA_ENOTFOUND && error != KANSA_EFORMAT)
		goto out;
	error = 0;
	if (body && kansa_sha256(got, body, len) == 0 && kansa_ct_equal(got, hash, KANSA_HASH_LEN) &&
	    kansa_signed_doc__parse(&d, body, len, KANSA_DOC_WARRANT, got) == 0) {
		const kansa_warrant_doc *wd = &d->u.warrant;
		memcpy(w->cti, wd->cti, sizeof(w->cti));
		w->action = wd->action;
		w->issued_at = wd->issued_at;
		w->not_before = wd->not_before;
		w->expires = wd->expires;
		w->window_end = wd->action == KANSA_ACT_METADATA_QUERY ? wd->window[1] : wd->expires;
		if ((error = copy_text(&w->case_id, wd->case_id ? wd->case_id : "")) < 0 ||
		    (error = copy_text(&w->subject, wd->subject ? wd->subject : "")) < 0)
			goto out;
		w->ok = true;
	}
	if ((error = kansa_audit_map__put(&it->warrants, hash, w)) < 0)
		goto out;
	*out = w;
	w = NULL;
out:
	if (w)
		free_wdoc(NULL, w);
	kansa_signed_doc__free(d);
	free(body);
	return error;
}

int kansa_audit_entries__policy(kansa_signed_doc **out, kansa_audit_entries *it,
    const uint8_t hash[KANSA_HASH_LEN])
{
	uint8_t got[KANSA_HASH_LEN];
	uint8_t *body = NULL;
	size_t len = 0;
	int kind = 0, error;

	*out = NULL;
	error = kansa_store__snap_doc_get(&body, &len, &kind, it->it, hash);
	if (error < 0 && error != KANSA_ENOTFOUND && error != KANSA_EFORMAT)
		return error;
	error = 0;
	if (body == NULL || kansa_sha256(got, body, len) < 0 || !kansa_ct_equal(got, hash, KANSA_HASH_LEN) ||
	    kansa_signed_doc__parse(out, body, len, KANSA_DOC_POLICY, got) < 0)
		error = kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_LEDGER,
		    "the policy document is missing, altered or malformed (run kansa audit replay)");
	free(body);
	return error;
}

/* ---- decoding ----------------------------------------------------------- */

static int fill_targets(kansa_audit_entries *it, const kansa_request_doc *r)
{
	if (r->n_targets > it->tcap) {
		char (*b)[64] = realloc(it->tbuf, r->n_targets * sizeof(*b));
		const char **p;
		if (b == NULL)
			return kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
		it->tbuf = b;
		if ((p = realloc(it->tptr, r->n_targets * sizeof(*p))) == NULL)
			return kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
		it->tptr = p;
		it->tcap = r->n_targets;
	}
	for (size_t i = 0; i < r->n_targets; i++) {
		kansa_prefix__format(it->tbuf[i], &r->targets[i]);
		it->tptr[i] = it->tbuf[i];
	}
	if (r->n_targets) {
		it->out.targets = it->tptr;
		it->out.n_targets = r->n_targets;
	}
	return 0;
}

static int fill_request(kansa_audit_entries *it)
{
	const kansa_request_doc *r = &it->req;
	kansa_audit_entry *o = &it->out;

	o->has_request = true;
	o->requester = r->requester ? r->requester : "";
	o->officer = r->officer ? r->officer : "";
	o->action = kansa_action__name(r->action);
	o->justification = r->justification ? r->justification : "";
	o->emergency = r->emergency;
	if (r->n_fields) {
		o->fields = (const char *const *)r->fields;
		o->n_fields = r->n_fields;
	}
	o->has_window = r->has_window;
	o->window[0] = r->window[0];
	o->window[1] = r->window[1];
	if (r->has_host) {
		kansa_prefix__format(it->host, &r->host);
		o->host = it->host;
	}
	o->op = r->op ? r->op : "";
	return fill_targets(it, r);
}

static int fill_decision(kansa_audit_entries *it)
{
	const kansa_entry *e = &it->e;
	kansa_audit_entry *o = &it->out;
	int error;

	o->verdict = e->verdict;
	o->reason = e->reason;
	o->detail = e->detail ? e->detail : "";
	o->request_hashed = e->request_hashed;
	memcpy(o->request_hash, e->request_hash, KANSA_HASH_LEN);
	o->request_size = e->request_hashed ? e->request_size : e->request_len;
	o->policy_version = e->policy_version;
	o->uses = e->uses;
	o->ratify_by = e->ratify_by;
	if ((o->has_warrant = e->has_warrant)) {
		memcpy(o->warrant_hash, e->warrant, KANSA_HASH_LEN);
		if ((error = load_warrant(&it->cur_w, it, e->warrant)) < 0)
			return error;
		if (it->cur_w->ok) {
			o->has_cti = true;
			memcpy(o->cti, it->cur_w->cti, sizeof(o->cti));
			o->case_id = it->cur_w->case_id;
		}
	}
	if (e->request && kansa_request__parse(&it->req, e->request, e->request_len) == 0) {
		it->have_req = true;
		return fill_request(it);
	}
	return 0;
}

/* Reset what the previous entry left. */
static void clear(kansa_audit_entries *it)
{
	static const char *const none[1] = { NULL };

	kansa_entry__dispose(&it->e);
	memset(&it->e, 0, sizeof(it->e));
	if (it->have_req)
		kansa_request__dispose(&it->req);
	it->have_req = false;
	it->cur_w = NULL;
	memset(&it->out, 0, sizeof(it->out));
	it->out.kind_name = "malformed";
	it->out.detail = it->out.requester = it->out.officer = it->out.action = "";
	it->out.justification = it->out.host = it->out.op = it->out.case_id = "";
	it->out.targets = it->out.fields = none;
}

static int decode(kansa_audit_entries *it, const kansa_store_row *row)
{
	kansa_audit_entry *o = &it->out;
	uint8_t leaf[KANSA_HASH_LEN];
	int error;

	o->seq = row->seq;
	o->time = row->time;
	if (row->malformed || kansa_sha256_leaf(leaf, row->body, row->body_len) < 0)
		return 0;
	memcpy(o->leaf_hash, leaf, KANSA_HASH_LEN);
	o->altered = !kansa_ct_equal(leaf, row->leaf_hash, KANSA_HASH_LEN);
	if (kansa_entry__decode(&it->e, row->body, row->body_len) < 0)
		return 0; /* handed out as malformed: the audit says why */
	o->seq = it->e.seq;
	o->time = it->e.time;
	o->kind = it->e.kind;
	o->kind_name = kansa_entry__kind_name(it->e.kind);
	memcpy(o->document, it->e.document, KANSA_HASH_LEN);
	o->version = it->e.version;
	memcpy(o->revoked_cti, it->e.cti, sizeof(o->revoked_cti));
	memcpy(o->ratified_entry, it->e.entry, KANSA_HASH_LEN);
	o->approved = it->e.approved;
	if (it->e.kind == KANSA_ENTRY_DECISION && (error = fill_decision(it)) < 0)
		return error;
	return 0;
}

/* ---- filtering ---------------------------------------------------------- */

static bool decision_filters(const kansa_audit_filter *f)
{
	return f->requester || f->officer || f->has_warrant || f->decision >= 0 || f->reason >= 0;
}

static bool matches(const kansa_audit_filter *f, const kansa_audit_entry *o)
{
	if (o->time < f->from || o->time >= f->until)
		return false;
	if (!decision_filters(f))
		return true;
	if (o->kind != KANSA_AUDIT_ENTRY_DECISION)
		return false;
	if (f->requester && (!o->has_request || strcmp(o->requester, f->requester) != 0))
		return false;
	if (f->officer && (!o->has_request || strcmp(o->officer, f->officer) != 0))
		return false;
	if (f->has_warrant && (!o->has_cti || !kansa_ct_equal(o->cti, f->warrant_cti, 16)))
		return false;
	if (f->decision >= 0 && o->verdict != f->decision)
		return false;
	return f->reason < 0 || o->reason == f->reason;
}

int kansa_audit_entries_next(const kansa_audit_entry **out, kansa_audit_entries *it)
{
	kansa_store_row row;
	int rc, error;

	if (out == NULL || it == NULL)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_LEDGER, "audit entries: no iterator");
	*out = NULL;
	for (;;) {
		rc = kansa_store__iter_next(&row, it->it);
		if (rc == 0)
			return 0;
		if (rc < 0 && !(rc == KANSA_EFORMAT && row.malformed))
			return rc;
		if (rc < 0)
			row.malformed = true;
		it->done++;
		clear(it);
		if ((error = decode(it, &row)) < 0)
			return error;
		if (matches(&it->f, &it->out)) {
			*out = &it->out;
			return 1;
		}
	}
}

int kansa_audit__each_entry(kansa_ledger *lg, const kansa_audit_filter *f,
    const kansa_audit_options *opt,
    int (*fn)(void *ctx, kansa_audit_entries *it, const kansa_audit_entry *e), void *ctx)
{
	kansa_audit_entries *it = NULL;
	const kansa_audit_entry *e;
	uint64_t done, total;
	int rc, error = 0;

	if ((error = kansa_audit_entries_new(&it, lg, f)) < 0)
		return error;
	while ((rc = kansa_audit_entries_next(&e, it)) == 1) {
		if ((error = fn(ctx, it, e)) < 0)
			break;
		kansa_audit_entries_progress(&done, &total, it);
		if (opt && opt->on_progress && done % 4096 == 0)
			opt->on_progress(opt->ctx, done, total);
	}
	if (error == 0 && rc < 0)
		error = rc;
	if (error == 0 && opt && opt->on_progress) {
		kansa_audit_entries_progress(&done, &total, it);
		opt->on_progress(opt->ctx, done, total);
	}
	kansa_audit_entries_free(it);
	return error;
}
