/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kansa_ledger_collect_cosignatures() (design §11): after a checkpoint is
 * signed, ask each C2SP tlog-witness to cosign it (kansa_ledger_witness()),
 * keep the cosignature lines that verify under a trusted witness key (the
 * policy's witnesses and the caller's extra keys), drop the others as C2SP
 * asks, store the policy witnesses' lines with the checkpoint in the ledger
 * (kansa_ledger_add_cosignatures(); docs/witness.md), and count distinct
 * witnesses against the quorum. `kansa ledger checkpoint --witness` and the
 * checkpointer of `kansa serve` (checkpointer.c) both collect through here.
 *
 * This file must never keep a line that does not verify under a trusted
 * key, nor store one by a key the policy does not list.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "service/service.h"

/* The trusted keys: the policy's first (*n_policy of them), then the caller's. */
typedef struct {
	kansa_note_verifier **policy; /* owned */
	size_t n_policy;
	const kansa_note_verifier *const *extra; /* borrowed */
	size_t n_extra;
} trusted_keys;

static size_t keys_count(const trusted_keys *t)
{
	return t->n_policy + t->n_extra;
}

static const kansa_note_verifier *key_at(const trusted_keys *t, size_t i)
{
	return i < t->n_policy ? t->policy[i] : t->extra[i - t->n_policy];
}

static void keys_free(trusted_keys *t)
{
	for (size_t i = 0; i < t->n_policy; i++)
		kansa_note_verifier_free(t->policy[i]);
	free(t->policy);
	t->policy = NULL;
	t->n_policy = 0;
}

/* The policy's witness keys and quorum; then the caller's keys. */
static int keys_load(trusted_keys *t, size_t *quorum, kansa_ledger *lg, const kansa_cosign_options *o)
{
	char *vkeys = NULL, *line, *save = NULL;
	size_t lines = 1;
	int error;

	if ((error = kansa_ledger_witnesses(&vkeys, quorum, lg)) < 0)
		return error;
	for (const char *p = vkeys; *p; p++)
		lines += *p == '\n';
	if ((t->policy = calloc(lines, sizeof(*t->policy))) == NULL) {
		free(vkeys);
		return kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
	}
	for (line = strtok_r(vkeys, "\n", &save); line && error == 0; line = strtok_r(NULL, "\n", &save))
		if ((error = kansa_note_verifier_parse(&t->policy[t->n_policy], line, strlen(line))) == 0)
			t->n_policy++;
	free(vkeys);
	t->extra = o->keys;
	t->n_extra = o->keys ? o->n_keys : 0;
	return error;
}

/* Which trusted key signed @p line (one line, with its newline) over
 * @p note: its index, or -1 (unknown key, or a line that does not verify). */
static int signer_of(const trusted_keys *t, const char *note, size_t len, const char *line,
    size_t line_len)
{
	char *both = malloc(len + line_len);
	int found = -1;

	if (both == NULL)
		return -1;
	memcpy(both, note, len);
	memcpy(both + len, line, line_len);
	for (size_t i = 0; i < keys_count(t) && found < 0; i++)
		if (kansa_note_verifier_type(key_at(t, i)) == KANSA_NOTE_TYPE_COSIGNATURE &&
		    kansa_cosig_verify(NULL, both, len + line_len, key_at(t, i)) == 0)
			found = (int)i;
	free(both);
	return found;
}

/* The note with its lines kept is bounded as any note is. */
#define COLLECTED_MAX KANSA_NOTE_MAX_BYTES

/* What is collected across the witnesses. */
typedef struct {
	const trusted_keys *keys;
	const char *note;  /* the checkpoint as signed */
	size_t len;
	kansa_buf out;     /* the note and every verified line */
	kansa_buf store;   /* the note and the policy witnesses' lines */
	bool *seen;        /* per trusted key: one of its lines verified */
} collection;

/* Keep the verified lines of @p r in c->out, those by a policy witness in
 * c->store too; name in w->names the keys seen first here. */
static int keep_lines(collection *c, kansa_cosign_witness *w, const kansa_witness_reply *r)
{
	const char *p = r->lines, *end = r->lines + r->len;
	kansa_buf names = KANSA_BUF_INIT(COLLECTED_MAX);
	int error = 0;

	while (p < end && error == 0) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t ll = (size_t)(nl - p) + 1;
		int k = signer_of(c->keys, c->note, c->len, p, ll);

		if (k >= 0) {
			const char *name = kansa_note_verifier_name(key_at(c->keys, (size_t)k));

			error = kansa_buf_put(&c->out, p, ll);
			if (error == 0 && (size_t)k < c->keys->n_policy)
				error = kansa_buf_put(&c->store, p, ll);
			w->kept++;
			if (error == 0 && !c->seen[k] && (error = kansa_buf_put(&names, name, strlen(name))) == 0)
				error = kansa_buf_putc(&names, '\n');
			c->seen[k] = true;
		}
		p += ll;
	}
	free(w->names);
	w->names = error == 0 ? kansa_buf_detach_str(&names, NULL) : NULL;
	kansa_buf_dispose(&names);
	return error == 0 && w->names == NULL ? KANSA_ENOMEM : error;
}

/* Ask one witness; its outcome into @p w, never an error of the whole. */
static void ask(collection *c, kansa_cosign_witness *w, kansa_ledger *lg, const char *url,
    const kansa_cosign_options *o)
{
	kansa_witness_reply r = { 0, 0, NULL, 0 };
	int e;

	if (o->stop && o->stop(o->ctx))
		e = kansa_error_set(KANSA_EIO, KANSA_ERRCLASS_OS, "stopped before asking this witness");
	else
		e = kansa_service__witness_ask(&r, lg, c->note, c->len, url, o->ca, o->timeout, o->stop,
		    o->ctx);
	w->url = url;
	w->status = r.status;
	w->old_size = r.old_size;
	if (e == 0)
		e = keep_lines(c, w, &r);
	if (e < 0) {
		w->error = e;
		snprintf(w->message, sizeof(w->message), "%s", kansa_error_last()->code == e ?
		    kansa_error_last()->message : kansa_strerror(e));
	}
	if (w->names == NULL)
		w->names = strdup("");
	free(r.lines);
}

/* Store the policy witnesses' lines with the checkpoint. */
static int store_lines(kansa_cosign_result *out, kansa_ledger *lg, const collection *c)
{
	/* REQ: COSIG-STORE what the witnesses cosigned is kept with the checkpoint */
	if (c->store.len > c->len)
		return kansa_ledger_add_cosignatures(lg, (const uint8_t *)c->store.ptr, c->store.len,
		    &out->stored);
	return 0;
}

static int collect(kansa_cosign_result *out, collection *c, kansa_ledger *lg,
    const kansa_cosign_options *o)
{
	int error;

	if ((error = kansa_buf_put(&c->out, c->note, c->len)) < 0 ||
	    (error = kansa_buf_put(&c->store, c->note, c->len)) < 0)
		return error;
	if ((c->seen = calloc(keys_count(c->keys) + 1, sizeof(*c->seen))) == NULL ||
	    (out->witnesses = calloc(o->n_urls + 1, sizeof(*out->witnesses))) == NULL)
		return kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
	for (size_t i = 0; i < o->n_urls; i++) {
		ask(c, &out->witnesses[i], lg, o->urls[i], o);
		out->n_witnesses++;
		if (out->witnesses[i].names == NULL)
			return kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
		if (o->on_witness)
			o->on_witness(o->ctx, i, &out->witnesses[i]);
	}
	/* The policy's quorum is met by the policy's witnesses alone: only their
	 * lines are stored, and audit replay counts only them. A quorum the
	 * caller gives counts every key the caller trusts. */
	for (size_t i = 0; i < (o->quorum == SIZE_MAX ? c->keys->n_policy : keys_count(c->keys)); i++)
		out->have += c->seen[i];
	if ((error = store_lines(out, lg, c)) < 0)
		return error;
	if ((out->note = kansa_buf_detach_str(&c->out, &out->len)) == NULL)
		return KANSA_ENOMEM;
	return 0;
}

int kansa_ledger_collect_cosignatures(kansa_cosign_result *out, kansa_ledger *lg, const char *note,
    size_t len, const kansa_cosign_options *opt)
{
	trusted_keys keys = { NULL, 0, NULL, 0 };
	collection c = { &keys, note, len, KANSA_BUF_INIT(COLLECTED_MAX), KANSA_BUF_INIT(COLLECTED_MAX),
		NULL };
	size_t quorum = 0;
	int error;

	if (out == NULL)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_OS,
		    "kansa_ledger_collect_cosignatures: no result");
	memset(out, 0, sizeof(*out));
	if (lg == NULL || note == NULL || opt == NULL || (opt->n_urls && opt->urls == NULL) ||
	    (opt->n_keys && opt->keys == NULL))
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_OS,
		    "kansa_ledger_collect_cosignatures: missing argument");
	if ((error = keys_load(&keys, &quorum, lg, opt)) == 0) {
		out->trusted = keys_count(&keys);
		out->need = opt->quorum != SIZE_MAX ? opt->quorum : quorum;
		error = collect(out, &c, lg, opt);
	}
	kansa_buf_dispose(&c.out);
	kansa_buf_dispose(&c.store);
	free(c.seen);
	keys_free(&keys);
	if (error < 0) {
		kansa_cosign_result_dispose(out);
		return error;
	}
	/* REQ: WITNESS-CLIENT-QUORUM short of the quorum is KANSA_EVERIFY, the note still extended */
	if (out->have < out->need)
		return kansa_error_set(KANSA_EVERIFY, KANSA_ERRCLASS_NONE, "cosigned by %zu of the trusted "
		    "witnesses, the quorum is %zu: check the witnesses named above, then run this again",
		    out->have, out->need);
	return 0;
}

void kansa_cosign_result_dispose(kansa_cosign_result *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->n_witnesses; i++)
		free(r->witnesses[i].names);
	free(r->witnesses);
	free(r->note);
	memset(r, 0, sizeof(*r));
}
