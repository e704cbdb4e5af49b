/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kansa ledger checkpoint --witness URL...: after the checkpoint is signed,
 * collect the witnesses' cosignatures with
 * kansa_ledger_collect_cosignatures() (which keeps the lines that verify
 * under the policy's witnesses and --witness-key, stores the policy
 * witnesses' lines with the checkpoint, and counts the quorum;
 * docs/witness.md), and report what each witness gave: in the JSON, and
 * without --json a line per witness on stderr.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/anchor.h"
#include "cli/ledger_witness.h"

/* The names of a witness's entry (one per line) as a JSON array. */
static json_t *names_json(const char *names)
{
	json_t *a = json_array();

	for (const char *p = names, *nl; p && *p; p = nl + 1) {
		if ((nl = strchr(p, '\n')) == NULL)
			break;
		json_array_append_new(a, json_stringn(p, (size_t)(nl - p)));
	}
	return a;
}

/* One witness's entry in the JSON, and its line on stderr without --json. */
static json_t *witness_json(const kansa_cosign_witness *w, bool json)
{
	json_t *o = json_object();

	json_object_set_new(o, "url", json_string(w->url));
	json_object_set_new(o, "status", json_integer(w->status));
	json_object_set_new(o, "old_size", json_integer((json_int_t)w->old_size));
	json_object_set_new(o, "cosignatures", json_integer((json_int_t)w->kept));
	json_object_set_new(o, "witnesses", names_json(w->names));
	json_object_set_new(o, "ok", json_boolean(w->error == 0 && w->kept > 0));
	if (w->error < 0)
		json_object_set_new(o, "error", json_string(w->message));
	else if (w->kept == 0)
		json_object_set_new(o, "error", json_string("no cosignature by a trusted witness key"));
	if (!json)
		fprintf(stderr, "witness %s: %s\n", w->url, w->error < 0 ? w->message :
		    w->kept ? "cosigned" : "no cosignature by a trusted witness key (dropped)");
	return o;
}

int cli_ledger_witness(json_t *j, char **note, size_t *len, kansa_ledger *lg,
    const cli_ledger_witness_opts *o)
{
	kansa_note_verifier *keys[MAX_LIST] = { 0 };
	size_t n = 0;
	kansa_cosign_options co = {
		.urls = o->urls.v, .n_urls = o->urls.n, .ca = o->ca, .timeout = o->timeout,
		.quorum = o->quorum == UINT64_MAX ? SIZE_MAX : (size_t)o->quorum,
	};
	kansa_cosign_result r;
	json_t *list;
	int error = 0;

	for (size_t i = 0; i < o->keys.n && error == 0; i++)
		error = cli_anchor_load_verifiers(keys, &n, MAX_LIST, o->keys.v[i]);
	if (error < 0) {
		cli_anchor_free_verifiers(keys, n);
		return error;
	}
	co.keys = (const kansa_note_verifier *const *)keys;
	co.n_keys = n;
	error = kansa_ledger_collect_cosignatures(&r, lg, *note, *len, &co);
	cli_anchor_free_verifiers(keys, n);
	if (error < 0 && error != KANSA_EVERIFY)
		return error;
	if (r.trusted == 0)
		cli_warn("no witness keys: the policy lists no witnesses; give --witness-key VKEY, "
		    "or the cosignatures cannot be checked and are dropped");
	list = json_array();
	for (size_t i = 0; i < r.n_witnesses; i++)
		json_array_append_new(list, witness_json(&r.witnesses[i], o->json));
	json_object_set_new(j, "stored", json_integer((json_int_t)r.stored));
	if (!o->json)
		fprintf(stderr, "stored %zu new cosignature(s) with the checkpoint in the ledger\n", r.stored);
	json_object_set_new(j, "witnesses", list);
	json_object_set_new(j, "witness_quorum", json_pack("{s:I, s:I}", "have", (json_int_t)r.have,
	    "need", (json_int_t)r.need));
	if (!o->json)
		fprintf(stderr, "cosigned by %zu %s; the quorum is %zu\n", r.have,
		    co.quorum == SIZE_MAX ? "of the policy's witnesses" : "trusted witness(es)", r.need);
	free(*note);
	*note = r.note;
	*len = r.len;
	r.note = NULL;
	kansa_cosign_result_dispose(&r);
	return error;
}
