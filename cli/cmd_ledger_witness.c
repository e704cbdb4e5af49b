/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kansa ledger checkpoint --witness URL...: after the checkpoint is signed,
 * ask each C2SP tlog-witness to cosign it (kansa_ledger_witness()), keep
 * the cosignature lines that verify under a trusted witness key (the
 * policy's witnesses and --witness-key), drop the others as C2SP asks, and
 * count distinct witnesses against the quorum, and store the policy
 * witnesses' lines with the checkpoint in the ledger
 * (kansa_ledger_add_cosignatures(); docs/witness.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/anchor.h"
#include "cli/ledger_witness.h"

/* The trusted witness keys: the policy's (the first *n_policy), then --witness-key. */
static int trusted_keys(kansa_note_verifier **keys, size_t *n, size_t *n_policy, size_t *quorum,
    kansa_ledger *lg, const cli_opt_list *extra)
{
	char *vkeys = NULL, *line, *save = NULL;
	int error;

	if ((error = kansa_ledger_witnesses(&vkeys, quorum, lg)) < 0)
		return error;
	for (line = strtok_r(vkeys, "\n", &save); line && error == 0; line = strtok_r(NULL, "\n", &save)) {
		if (*n == MAX_LIST)
			error = kansa_error_set_str(KANSA_ELIMIT, "too many witness keys");
		else if ((error = kansa_note_verifier_parse(&keys[*n], line, strlen(line))) == 0)
			(*n)++;
	}
	free(vkeys);
	*n_policy = *n;
	for (size_t i = 0; i < extra->n && error == 0; i++)
		error = cli_anchor_load_verifiers(keys, n, MAX_LIST, extra->v[i]);
	return error;
}

/* Which trusted key signed @p line (one line, with its newline) over
 * @p note: its index, or -1 (unknown key, or a line that does not verify). */
static int signer_of(kansa_note_verifier *const *keys, size_t n, const char *note, size_t len,
    const char *line, size_t line_len)
{
	char *both = malloc(len + line_len);
	int found = -1;

	if (both == NULL)
		return -1;
	memcpy(both, note, len);
	memcpy(both + len, line, line_len);
	for (size_t i = 0; i < n && found < 0; i++)
		if (kansa_note_verifier_type(keys[i]) == KANSA_NOTE_TYPE_COSIGNATURE &&
		    kansa_cosig_verify(NULL, both, len + line_len, keys[i]) == 0)
			found = (int)i;
	free(both);
	return found;
}

/* A growing note: the checkpoint and the lines kept. */
typedef struct {
	char *ptr;
	size_t len;
} note_buf;

static int put(note_buf *b, const char *p, size_t n)
{
	char *q = realloc(b->ptr, b->len + n + 1);

	if (q == NULL)
		return kansa_error_set_str(KANSA_ENOMEM, "out of memory");
	memcpy(q + b->len, p, n);
	b->len += n;
	q[b->len] = '\0';
	b->ptr = q;
	return 0;
}

/* Keep the verified lines of @p r in @p out (the note so far), and those by
 * a policy witness (key index below @p n_policy) in @p store too; mark their keys. */
static int keep_lines(note_buf *out, note_buf *store, size_t n_policy, bool *seen, size_t *kept,
    kansa_note_verifier *const *keys, size_t n, const char *note, size_t len,
    const kansa_witness_reply *r, json_t *names)
{
	const char *p = r->lines, *end = r->lines + r->len;
	int error = 0;

	*kept = 0;
	while (p < end && error == 0) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t ll = (size_t)(nl - p) + 1;
		int k = signer_of(keys, n, note, len, p, ll);

		if (k >= 0) {
			error = put(out, p, ll);
			if (error == 0 && (size_t)k < n_policy)
				error = put(store, p, ll);
			(*kept)++;
			if (!seen[k])
				json_array_append_new(names, json_string(kansa_note_verifier_name(keys[k])));
			seen[k] = true;
		}
		p += ll;
	}
	return error;
}

/* Store the policy witnesses' lines of @p store with the checkpoint. */
static int store_lines(json_t *j, kansa_ledger *lg, const note_buf *store, size_t len, bool json)
{
	size_t added = 0;
	int error = 0;

	/* REQ: COSIG-STORE what the witnesses cosigned is kept with the checkpoint */
	if (store->len > len && (error = kansa_ledger_add_cosignatures(lg, (const uint8_t *)store->ptr,
	    store->len, &added)) < 0)
		return error;
	json_object_set_new(j, "stored", json_integer((json_int_t)added));
	if (!json)
		fprintf(stderr, "stored %zu new cosignature(s) with the checkpoint in the ledger\n", added);
	return 0;
}

int cli_ledger_witness(json_t *j, char **note, size_t *len, kansa_ledger *lg,
    const cli_ledger_witness_opts *o)
{
	kansa_note_verifier *keys[MAX_LIST] = { 0 };
	bool seen[MAX_LIST] = { false };
	note_buf out = { NULL, 0 }, store = { NULL, 0 };
	size_t n = 0, n_policy = 0, quorum = 0, have = 0;
	json_t *list = json_array();
	int error;

	if ((error = trusted_keys(keys, &n, &n_policy, &quorum, lg, &o->keys)) < 0 ||
	    (error = put(&out, *note, *len)) < 0 || (error = put(&store, *note, *len)) < 0)
		goto done;
	if (o->quorum != UINT64_MAX)
		quorum = (size_t)o->quorum;
	if (n == 0)
		cli_warn("no witness keys: the policy lists no witnesses; give --witness-key VKEY, "
		    "or the cosignatures cannot be checked and are dropped");
	for (size_t i = 0; i < o->urls.n; i++) {
		kansa_witness_reply r;
		json_t *w = json_object(), *names = json_array();
		size_t kept = 0;
		int e = kansa_ledger_witness(&r, lg, *note, *len, o->urls.v[i], o->ca, o->timeout);

		if (e == 0)
			e = keep_lines(&out, &store, n_policy, seen, &kept, keys, n, *note, *len, &r, names);
		json_object_set_new(w, "url", json_string(o->urls.v[i]));
		json_object_set_new(w, "status", json_integer(r.status));
		json_object_set_new(w, "old_size", json_integer((json_int_t)r.old_size));
		json_object_set_new(w, "cosignatures", json_integer((json_int_t)kept));
		json_object_set_new(w, "witnesses", names);
		json_object_set_new(w, "ok", json_boolean(e == 0 && kept > 0));
		if (e < 0)
			json_object_set_new(w, "error", json_string(kansa_error_last()->message));
		else if (kept == 0)
			json_object_set_new(w, "error", json_string("no cosignature by a trusted witness key"));
		if (!o->json)
			fprintf(stderr, "witness %s: %s\n", o->urls.v[i], e < 0 ? kansa_error_last()->message :
			    kept ? "cosigned" : "no cosignature by a trusted witness key (dropped)");
		json_array_append_new(list, w);
		free(r.lines);
	}
	for (size_t i = 0; i < n; i++)
		have += seen[i];
	if ((error = store_lines(j, lg, &store, *len, o->json)) < 0)
		goto done;
	free(*note);
	*note = out.ptr;
	*len = out.len;
	out.ptr = NULL;
	json_object_set_new(j, "witnesses", list);
	list = NULL;
	json_object_set_new(j, "witness_quorum", json_pack("{s:I, s:I}", "have", (json_int_t)have,
	    "need", (json_int_t)quorum));
	if (!o->json)
		fprintf(stderr, "cosigned by %zu trusted witness(es); the quorum is %zu\n", have, quorum);
	/* REQ: WITNESS-CLIENT-QUORUM short of the quorum is exit 1, the checkpoint still printed */
	if (have < quorum) {
		char msg[200];

		snprintf(msg, sizeof(msg), "cosigned by %zu of the trusted witnesses, the quorum is %zu: "
		    "check the witnesses named above, then run this again", have, quorum);
		error = kansa_error_set_str(KANSA_EVERIFY, msg);
	}
done:
	json_decref(list);
	free(out.ptr);
	free(store.ptr);
	cli_anchor_free_verifiers(keys, n);
	return error;
}
