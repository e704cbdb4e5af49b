/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Witnesses' cosignatures kept with the ledger's stored checkpoints
 * (docs/witness.md, "Stored cosignatures"): a stored note grows by the
 * C2SP tlog-cosignature lines of the policy's witnesses, never by anything
 * else, and its body and log signature never change. The receipt proofs,
 * the anchors and the audit read the stored note, so they carry them.
 */
#include <stdlib.h>
#include <string.h>

#include "ledger/ledger_impl.h"
#include "ledger/tlog/cosig.h"

#define ADD_TRIES 3 /* compare-and-replace rounds against concurrent adders */

static int cosign_error(int code, const char *fmt, ...) KANSA_PRINTF(2, 3);
static int cosign_error(int code, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = kansa_error_vset(code, KANSA_ERRCLASS_LEDGER, fmt, ap);
	va_end(ap);
	return rc;
}

/* The policy's witnesses as cosignature verifiers. */
typedef struct {
	kansa_note_verifier *v[KANSA_POLICY_MAX_WITNESSES];
	size_t n;
	size_t quorum;
} witness_set;

static void witnesses_dispose(witness_set *w)
{
	for (size_t i = 0; i < w->n; i++)
		kansa_note_verifier_free(w->v[i]);
	w->n = 0;
}

static int witnesses_load(witness_set *w, kansa_ledger *lg)
{
	char *vkeys = NULL, *line, *save = NULL;
	int error;

	memset(w, 0, sizeof(*w));
	if ((error = kansa_ledger_witnesses(&vkeys, &w->quorum, lg)) < 0)
		return error;
	for (line = strtok_r(vkeys, "\n", &save); line && error == 0; line = strtok_r(NULL, "\n", &save)) {
		kansa_note_verifier *v = NULL;

		if (w->n == KANSA_POLICY_MAX_WITNESSES)
			error = cosign_error(KANSA_ELIMIT, "the policy lists too many witnesses");
		else if ((error = kansa_note_verifier_parse(&v, line, strlen(line))) == 0 &&
		    v->type != KANSA_NOTE_SIG_COSIG_V1)
			kansa_note_verifier_free(v); /* not a cosignature key: it cosigns nothing */
		else if (error == 0)
			w->v[w->n++] = v;
	}
	free(vkeys);
	if (error < 0)
		witnesses_dispose(w);
	return error;
}

/* The policy witness that signature line @p s names (name and key ID), or -1. */
static int witness_of(const witness_set *w, const kansa_note_sig *s)
{
	for (size_t i = 0; i < w->n; i++)
		if (s->name_len == w->v[i]->name_len && kansa_ct_equal(s->name, w->v[i]->name, s->name_len) &&
		    kansa_ct_equal(s->key_id, w->v[i]->key_id, KANSA_NOTE_KEY_ID_LEN))
			return (int)i;
	return -1;
}

/* Whether parsed note @p p has the very line @p s. */
static bool has_line(const kansa_note_parsed *p, const kansa_note_sig *s)
{
	for (size_t i = 0; i < p->n_sigs; i++)
		if (p->sigs[i].line_len == s->line_len && kansa_ct_equal(p->sigs[i].line, s->line, s->line_len))
			return true;
	return false;
}

/* Mark in @p seen the witnesses with a verifying line in @p p; their number. */
static size_t cosigned_by(bool *seen, const witness_set *w, const kansa_note_parsed *p)
{
	size_t n = 0;

	for (size_t i = 0; i < p->n_sigs; i++) {
		int k = witness_of(w, &p->sigs[i]);

		if (k >= 0 && !seen[k] && kansa_cosig__check(NULL, w->v[k], p->text, p->text_len,
		    p->sigs[i].sig, p->sigs[i].sig_len) == 0) {
			seen[k] = true;
			n++;
		}
	}
	return n;
}

/*
 * The union of stored note @p old (parsed @p po) and the new lines of
 * @p in: each must be a verifying cosignature of a policy witness; one
 * line per witness is kept. Appends to @p b; the lines added in *added.
 */
static int merge(kansa_buf *b, size_t *added, const witness_set *w, const kansa_note_parsed *po,
    const kansa_note_parsed *in)
{
	bool seen[KANSA_POLICY_MAX_WITNESSES] = { false };
	size_t lines = po->n_sigs;
	int error = 0;

	*added = 0;
	cosigned_by(seen, w, po);
	for (size_t i = 0; i < in->n_sigs && error == 0; i++) {
		const kansa_note_sig *s = &in->sigs[i];
		int k;

		if (s->duplicate || has_line(po, s))
			continue;
		/* REQ: COSIG-STORE only a policy witness's verifying cosignature is stored */
		if ((k = witness_of(w, s)) < 0)
			return cosign_error(KANSA_EVERIFY, "signature line by '%.*s' is not a cosignature "
			    "by a witness of the policy: nothing stored", (int)s->name_len, s->name);
		if ((error = kansa_cosig__check(NULL, w->v[k], in->text, in->text_len, s->sig,
		    s->sig_len)) < 0)
			return kansa_error_prefix("nothing stored");
		if (seen[k])
			continue; /* this witness's cosignature is stored already */
		seen[k] = true;
		if (++lines > KANSA_NOTE_MAX_SIGNATURES)
			return cosign_error(KANSA_ELIMIT, "checkpoint: more than %d signature lines",
			    KANSA_NOTE_MAX_SIGNATURES);
		if ((error = kansa_buf_put(b, s->line, s->line_len)) == 0 &&
		    (error = kansa_buf_putc(b, '\n')) == 0)
			(*added)++;
	}
	if (error == 0 && b->len > KANSA_NOTE_MAX_BYTES)
		error = cosign_error(KANSA_ELIMIT, "checkpoint: longer than %d bytes", KANSA_NOTE_MAX_BYTES);
	return error;
}

/* One round: read the stored note of @p in's size, merge, compare-and-replace. */
static int add_round(size_t *added, kansa_ledger *lg, const witness_set *w, const kansa_note_parsed *in,
    const char *note, size_t len)
{
	kansa_buf b = KANSA_BUF_INIT(KANSA_NOTE_MAX_BYTES + 1);
	kansa_note_parsed po;
	kansa_checkpoint cp;
	kansa_note_verifier *lv = NULL;
	uint8_t *old = NULL;
	size_t old_len = 0;
	int error;

	memset(&po, 0, sizeof(po));
	/* REQ: COSIG-STORE the note is this ledger's checkpoint, signed by its key */
	if ((error = kansa_note_verifier_from_key(&lv, kansa_ledger__log_key(lg), kansa_ledger__origin(lg))) < 0 ||
	    (error = kansa_checkpoint_verify(&cp, note, len, (const kansa_note_verifier *const *)&lv, 1, 1)) < 0) {
		if (error == KANSA_EVERIFY || error == KANSA_EFORMAT)
			kansa_error_prefix("not a checkpoint of this ledger");
		goto out;
	}
	if ((error = kansa_store__checkpoint_get(&old, &old_len, kansa_ledger__store(lg), cp.size)) == KANSA_ENOTFOUND) {
		error = cosign_error(KANSA_ENOTFOUND, "no checkpoint of size %llu is stored in this ledger: "
		    "make one with 'kansa ledger checkpoint'", (unsigned long long)cp.size);
		goto out;
	}
	if (error < 0 || (error = kansa_note__parse(&po, (const char *)old, old_len)) < 0)
		goto out;
	if (po.text_len != in->text_len || !kansa_ct_equal(po.text, in->text, in->text_len)) {
		error = cosign_error(KANSA_EVERIFY, "the checkpoint's body is not the one stored for size %llu",
		    (unsigned long long)cp.size);
		goto out;
	}
	if ((error = kansa_buf_put(&b, old, old_len)) < 0 || (error = merge(&b, added, w, &po, in)) < 0)
		goto out;
	if (*added)
		error = kansa_store__checkpoint_replace(kansa_ledger__store(lg), cp.size, old, old_len,
		    b.ptr, b.len);
out:
	kansa_note__parsed_dispose(&po);
	kansa_note_verifier_free(lv);
	kansa_buf_dispose(&b);
	free(old);
	return error;
}

int kansa_ledger_add_cosignatures(kansa_ledger *lg, const uint8_t *note, size_t len, size_t *added_out)
{
	kansa_note_parsed in;
	witness_set w;
	size_t added = 0;
	int error = KANSA_EEXISTS;

	if (added_out)
		*added_out = 0;
	if (lg == NULL || note == NULL)
		return cosign_error(KANSA_EINVAL, "add cosignatures: missing argument");
	if (kansa_ledger__readonly(lg))
		return cosign_error(KANSA_EIO, "ledger is open read-only: cosignatures are stored in it");
	if ((error = kansa_note__parse(&in, (const char *)note, len)) < 0)
		return error;
	if ((error = witnesses_load(&w, lg)) == 0) {
		error = KANSA_EEXISTS;
		for (int i = 0; i < ADD_TRIES && error == KANSA_EEXISTS; i++)
			error = add_round(&added, lg, &w, &in, (const char *)note, len);
		witnesses_dispose(&w);
	}
	kansa_note__parsed_dispose(&in);
	if (error == 0 && added_out)
		*added_out = added;
	return error;
}

int kansa_ledger_cosigners(char **names_out, size_t *count_out, uint64_t *size_out, kansa_ledger *lg)
{
	kansa_buf b = KANSA_BUF_INIT(64 * 1024);
	bool seen[KANSA_POLICY_MAX_WITNESSES] = { false };
	kansa_note_parsed p;
	witness_set w;
	uint8_t *note = NULL;
	size_t len = 0;
	int error;

	*names_out = NULL;
	*count_out = 0;
	*size_out = 0;
	memset(&p, 0, sizeof(p));
	if ((error = kansa_store__checkpoint_latest(size_out, &note, &len, kansa_ledger__store(lg))) == KANSA_ENOTFOUND)
		error = cosign_error(KANSA_ENOTFOUND, "no checkpoint is stored in this ledger: make one "
		    "with 'kansa ledger checkpoint --witness URL'");
	if (error < 0)
		return error;
	if ((error = witnesses_load(&w, lg)) < 0)
		goto out;
	if ((error = kansa_note__parse(&p, (const char *)note, len)) == 0) {
		*count_out = cosigned_by(seen, &w, &p);
		for (size_t i = 0; i < w.n && error == 0; i++)
			if (seen[i])
				error = kansa_buf_printf(&b, "%s\n", w.v[i]->name);
		if (error == 0 && (*names_out = kansa_buf_detach_str(&b, NULL)) == NULL)
			error = KANSA_ENOMEM;
	}
	witnesses_dispose(&w);
out:
	kansa_note__parsed_dispose(&p);
	kansa_buf_dispose(&b);
	free(note);
	if (error < 0)
		*count_out = 0;
	return error;
}
