/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Verifying an anchor repository, and cosigning it as a witness
 * (docs/anchoring.md). The verifier walks HEAD's first-parent history from
 * the root commit, and for each log key follows logs/<origin>/checkpoint:
 * every new version must be signed by the log, and extend the previous one
 * by the consistency proof committed next to it. It needs public keys only.
 *
 * It must never accept a checkpoint whose signature did not verify, never
 * skip a commit, and never follow a merge: anchor history is linear, so
 * "extends the one before" has exactly one meaning.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ledger/anchor/anchor.h"
#include "ledger/anchor/witness.h"
#include "ledger/tlog/note.h"

typedef struct {
	const kansa_note_verifier *key;         /* the log key; its name is the origin */
	char cp_path[KANSA_ANCHOR_PATH_MAX];    /* logs/<origin>/checkpoint */
	char pf_path[KANSA_ANCHOR_PATH_MAX];    /* logs/<origin>/consistency-proof */
	bool seen;                              /* a checkpoint was found in some commit */
	git_oid cp_oid;                         /* blob of the last verified checkpoint */
	kansa_anchor_checkpoint last;           /* the last verified checkpoint */
	bool through;                           /* cosign: the chain passed the witness's state */
} log_state;

typedef struct {
	git_repository *repo;
	log_state *logs;                        /* one per log key */
	size_t n_logs;
	const kansa_note_verifier *keys[1 + KANSA_MAX_ANCHOR_WITNESSES]; /* [0]: the log in turn */
	const kansa_note_verifier *alt[1 + KANSA_MAX_ANCHOR_WITNESSES];  /* the same, other form */
	kansa_note_verifier *owned[KANSA_MAX_ANCHOR_WITNESSES];          /* alt[1..], freed after */
	size_t n_keys;
	const kansa_anchor_checkpoint *state;   /* cosign: the witness's last cosigned, or NULL */
	git_oid tip;                            /* the commit HEAD named when the walk began */
	kansa_anchor_summary *sum;
	const kansa_anchor_verify_options *opt;
} walk_ctx;

typedef struct {
	git_oid commit; /* a commit of the history */
	git_oid tree;   /* its tree */
} hist_item;

/* HEAD's history, root commit first; only single-parent commits. */
static int history(hist_item **out, size_t *n_out, walk_ctx *w)
{
	hist_item *h = NULL;
	size_t n = 0, cap = 0;
	git_commit *c = NULL;
	git_oid next;
	int gerr, error = 0;

	*out = NULL;
	if ((gerr = git_reference_name_to_id(&next, w->repo, "HEAD")) < 0)
		return gerr == GIT_ENOTFOUND ? kansa_error_set(KANSA_ENOTFOUND, KANSA_ERRCLASS_GIT,
		    "the repository has no commits: nothing is anchored yet") :
		    kansa_anchor__git_error(gerr, "HEAD");
	git_oid_cpy(&w->tip, &next);
	kansa_anchor__oid_hex(w->sum->tip, &next);
	for (;;) {
		if (n == KANSA_MAX_ANCHOR_COMMITS) {
			error = kansa_error_set(KANSA_ELIMIT, KANSA_ERRCLASS_GIT,
			    "more than %d commits (KANSA_MAX_ANCHOR_COMMITS)", KANSA_MAX_ANCHOR_COMMITS);
			break;
		}
		if (n == cap) {
			hist_item *g;
			cap = cap ? 2 * cap : 256;
			if ((g = realloc(h, cap * sizeof(*h))) == NULL) {
				error = kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
				break;
			}
			h = g;
		}
		if ((gerr = git_commit_lookup(&c, w->repo, &next)) < 0) {
			error = kansa_anchor__git_error(gerr, "commit");
			break;
		}
		git_oid_cpy(&h[n].commit, &next);
		git_oid_cpy(&h[n++].tree, git_commit_tree_id(c));
		if (git_commit_parentcount(c) > 1) {
			kansa_anchor__oid_hex(w->sum->bad_commit, &next);
			error = kansa_error_set(KANSA_EVERIFY, KANSA_ERRCLASS_GIT,
			    "commit %s is a merge: anchor history must be linear", w->sum->bad_commit);
			break;
		}
		if (git_commit_parentcount(c) == 0)
			break;
		git_oid_cpy(&next, git_commit_parent_id(c, 0));
		git_commit_free(c);
		c = NULL;
	}
	git_commit_free(c);
	if (error < 0) {
		free(h);
		return error;
	}
	*out = h;
	*n_out = n;
	return 0;
}

/* The version of the log's checkpoint in this commit extends the last one. */
static int extends_last(kansa_anchor_checkpoint *cp, walk_ctx *w, log_state *lg, git_tree *tree)
{
	const kansa_anchor_checkpoint *last = &lg->last;
	char *proof = NULL;
	size_t len = 0;
	int error;

	cp->old_size = last->size;
	if (cp->size < last->size)
		return kansa_error_set(KANSA_EVERIFY, KANSA_ERRCLASS_GIT,
		    "size went back from %llu to %llu (a rollback)", (unsigned long long)last->size,
		    (unsigned long long)cp->size);
	if (cp->size == last->size)
		return kansa_ct_equal(cp->root, last->root, KANSA_HASH_LEN) ? 0 :
		    kansa_error_set(KANSA_EVERIFY, KANSA_ERRCLASS_GIT,
		    "another root for size %llu (a fork)", (unsigned long long)cp->size);
	error = kansa_anchor__read_file(&proof, &len, NULL, w->repo, tree, lg->pf_path,
	    KANSA_MAX_ANCHOR_PROOF_BYTES);
	if (error == KANSA_ENOTFOUND)
		error = kansa_error_set(KANSA_EVERIFY, KANSA_ERRCLASS_GIT,
		    "size %llu follows %llu without a consistency proof",
		    (unsigned long long)cp->size, (unsigned long long)last->size);
	else if (error == 0)
		error = kansa_anchor__check_proof(proof, len, last->size, last->root, cp);
	free(proof);
	return error;
}

/* Cosign: does this checkpoint match the witness's state? */
static int check_state(walk_ctx *w, log_state *lg, const kansa_anchor_checkpoint *cp)
{
	if (w->state == NULL || cp->size != w->state->size)
		return 0;
	if (!kansa_ct_equal(cp->root, w->state->root, KANSA_HASH_LEN))
		return kansa_error_set(KANSA_EVERIFY, KANSA_ERRCLASS_GIT,
		    "size %llu has another root than the checkpoint this witness cosigned (a fork)",
		    (unsigned long long)cp->size);
	lg->through = true;
	return 0;
}

/* One log in one commit. */
static int step_log(walk_ctx *w, log_state *lg, git_tree *tree, const char *commit_hex)
{
	kansa_anchor_checkpoint cp;
	git_oid oid;
	char *note = NULL;
	size_t len = 0;
	int error;

	error = kansa_anchor__read_file(NULL, NULL, &oid, w->repo, tree, lg->cp_path, 0);
	if (error == KANSA_ENOTFOUND)
		return lg->seen ? kansa_error_set(KANSA_EVERIFY, KANSA_ERRCLASS_GIT,
		    "its checkpoint was removed") : 0;
	if (error < 0 || (lg->seen && git_oid_equal(&oid, &lg->cp_oid)))
		return error; /* unchanged: verified before */
	memset(&cp, 0, sizeof(cp));
	snprintf(cp.commit, sizeof(cp.commit), "%s", commit_hex);
	w->keys[0] = w->alt[0] = lg->key;
	if ((error = kansa_anchor__read_file(&note, &len, NULL, w->repo, tree, lg->cp_path,
	    KANSA_MAX_ANCHOR_CHECKPOINT_BYTES)) < 0 ||
	    (error = kansa_anchor__checkpoint(&cp, note, len, w->keys, w->alt, w->n_keys)) < 0 ||
	    (lg->seen && (error = extends_last(&cp, w, lg, tree)) < 0) ||
	    (error = check_state(w, lg, &cp)) < 0)
		goto out;
	lg->seen = true;
	git_oid_cpy(&lg->cp_oid, &oid);
	lg->last = cp;
	w->sum->checkpoints++;
	if (w->opt && w->opt->on_checkpoint)
		w->opt->on_checkpoint(w->opt->ctx, &cp);
out:
	free(note);
	return error;
}

static int step(walk_ctx *w, const hist_item *it)
{
	char hex[KANSA_ANCHOR_COMMIT_HEX];
	git_tree *tree = NULL;
	int gerr, error = 0;

	kansa_anchor__oid_hex(hex, &it->commit);
	if ((gerr = git_tree_lookup(&tree, w->repo, &it->tree)) < 0)
		return kansa_anchor__git_error(gerr, hex);
	for (size_t i = 0; i < w->n_logs && error == 0; i++)
		if ((error = step_log(w, &w->logs[i], tree, hex)) < 0) {
			/* REQ: ANCHOR-VERIFY-COMMIT every failure names the commit */
			snprintf(w->sum->bad_commit, sizeof(w->sum->bad_commit), "%s", hex);
			kansa_error_prefix("commit %s: log %s", hex, w->logs[i].key->name);
		}
	git_tree_free(tree);
	return error;
}

typedef struct {
	walk_ctx *w;
	size_t unverified;
} tip_ctx;

/* Count checkpoints in the tip whose directory is not a given log. */
static int tip_entry(const char *root, const git_tree_entry *e, void *payload)
{
	tip_ctx *t = payload;
	size_t depth = 0, rlen = strlen(root);

	for (const char *p = root; *p; p++)
		depth += *p == '/';
	if (depth > 16)
		return 1; /* deeper than any origin: do not descend */
	if (git_tree_entry_type(e) != GIT_OBJECT_BLOB || strcmp(git_tree_entry_name(e), "checkpoint") != 0 ||
	    strncmp(root, "logs/", 5) != 0)
		return 0;
	for (size_t i = 0; i < t->w->n_logs; i++) {
		const char *name = t->w->logs[i].key->name;
		size_t n = strlen(name);
		if (rlen == 5 + n + 1 && strncmp(root + 5, name, n) == 0)
			return 0;
	}
	t->unverified++;
	return 0;
}

static int count_unverified(walk_ctx *w, const hist_item *tip)
{
	git_tree *tree = NULL;
	tip_ctx t = { w, 0 };
	int gerr;

	if ((gerr = git_tree_lookup(&tree, w->repo, &tip->tree)) == 0)
		gerr = git_tree_walk(tree, GIT_TREEWALK_PRE, tip_entry, &t);
	git_tree_free(tree);
	if (gerr < 0)
		return kansa_anchor__git_error(gerr, "tip tree");
	w->sum->unverified = t.unverified;
	return 0;
}

/* REQ: WITNESS-QUORUM the newest checkpoint of each log carries
 * cosignatures from the quorum of distinct given witness keys */
static int check_quorum(const walk_ctx *w)
{
	size_t q = w->opt ? w->opt->witness_quorum : 0;

	for (size_t i = 0; i < w->n_logs; i++) {
		const kansa_anchor_checkpoint *c = &w->logs[i].last;
		if (c->n_witnessed < q) {
			snprintf(w->sum->bad_commit, sizeof(w->sum->bad_commit), "%s", c->commit);
			return kansa_error_set(KANSA_EVERIFY, KANSA_ERRCLASS_GIT,
			    "log %s: the newest checkpoint (size %llu, commit %.12s) is cosigned by %zu of the "
			    "given witnesses, the quorum is %zu: ask more witnesses to cosign "
			    "(kansa anchor cosign), or check the --witness-key list",
			    w->logs[i].key->name, (unsigned long long)c->size, c->commit, c->n_witnessed, q);
		}
	}
	return 0;
}

static int walk(walk_ctx *w)
{
	hist_item *h = NULL;
	size_t n = 0;
	int error;

	if ((error = history(&h, &n, w)) < 0)
		return error;
	w->sum->commits = n;
	for (size_t i = n; i-- > 0 && error == 0;)
		error = step(w, &h[i]);
	for (size_t i = 0; i < w->n_logs && error == 0; i++)
		if (w->logs[i].seen)
			w->sum->logs++;
		else
			error = kansa_error_set(KANSA_EVERIFY, KANSA_ERRCLASS_GIT,
			    "log %s: no checkpoint in the repository (logs/%s/checkpoint)",
			    w->logs[i].key->name, w->logs[i].key->name);
	if (error == 0 && n)
		error = count_unverified(w, &h[0]);
	if (error == 0)
		error = check_quorum(w);
	free(h);
	return error;
}

static void walk_dispose(walk_ctx *w)
{
	for (size_t i = 0; i < KANSA_MAX_ANCHOR_WITNESSES; i++)
		kansa_note_verifier_free(w->owned[i]);
	git_repository_free(w->repo);
	w->repo = NULL;
}

/* Set up the walk over @p repo_path for the given keys and run it. */
static int run(walk_ctx *w, log_state **logs_out, const char *repo_path,
    const kansa_note_verifier *const *logs, size_t n_logs,
    const kansa_note_verifier *const *witnesses, size_t n_witnesses)
{
	bool created;
	int error;

	*logs_out = NULL;
	if (n_logs == 0 || n_logs > KANSA_MAX_ANCHOR_LOGS || n_witnesses > KANSA_MAX_ANCHOR_WITNESSES)
		return kansa_error_set(n_logs ? KANSA_ELIMIT : KANSA_EINVAL, KANSA_ERRCLASS_GIT,
		    "between 1 and %d log keys and at most %d witness keys", KANSA_MAX_ANCHOR_LOGS,
		    KANSA_MAX_ANCHOR_WITNESSES);
	if ((w->logs = calloc(n_logs, sizeof(*w->logs))) == NULL)
		return kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
	*logs_out = w->logs;
	w->n_logs = n_logs;
	for (size_t i = 0; i < n_logs; i++) {
		w->logs[i].key = logs[i];
		if ((error = kansa_anchor__log_path(w->logs[i].cp_path, logs[i]->name, "checkpoint")) < 0 ||
		    (error = kansa_anchor__log_path(w->logs[i].pf_path, logs[i]->name,
		    "consistency-proof")) < 0)
			return error;
	}
	if (w->opt && w->opt->witness_quorum > n_witnesses)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_GIT,
		    "a witness quorum of %zu needs at least as many witness keys, %zu given",
		    w->opt->witness_quorum, n_witnesses);
	for (size_t i = 0; i < n_witnesses; i++) {
		w->keys[1 + i] = witnesses[i];
		if ((error = kansa_anchor__other_form(&w->owned[i], witnesses[i])) < 0)
			return error;
		w->alt[1 + i] = w->owned[i];
	}
	w->n_keys = 1 + n_witnesses;
	if ((error = kansa_anchor__open(&w->repo, &created, repo_path, false)) < 0)
		return error;
	/* REQ: ANCHOR-SHALLOW a shallow clone lacks the first anchors: say so */
	if (git_repository_is_shallow(w->repo) == 1)
		return kansa_error_set(KANSA_ENOTFOUND, KANSA_ERRCLASS_GIT,
		    "%s is a shallow clone: verifying needs the full history from the first anchor; "
		    "run git fetch --unshallow there, or clone without --depth", repo_path);
	return walk(w);
}

int kansa_anchor_verify(kansa_anchor_summary *out, const char *repo_path,
    const kansa_note_verifier *const *logs, size_t n_logs,
    const kansa_note_verifier *const *witnesses, size_t n_witnesses,
    const kansa_anchor_verify_options *opt)
{
	walk_ctx w;
	log_state *ls = NULL;
	int error;

	memset(out, 0, sizeof(*out));
	memset(&w, 0, sizeof(w));
	if (repo_path == NULL || (n_logs && logs == NULL) || (n_witnesses && witnesses == NULL))
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_GIT, "anchor verify: missing argument");
	if ((error = kansa_anchor__init()) < 0)
		return error;
	w.sum = out;
	w.opt = opt;
	error = run(&w, &ls, repo_path, logs, n_logs, witnesses, n_witnesses);
	walk_dispose(&w);
	free(ls);
	kansa_anchor__shutdown();
	return error;
}

/* ---- cosign ------------------------------------------------------------ */

/* Sign the newest checkpoint, record it as the state, commit, push. */
static int cosign_newest(kansa_anchor_cosign_result *out, walk_ctx *w, const log_state *lg,
    const kansa_key *witness, const char *state_path, const char *const *remotes, size_t n_remotes)
{
	kansa_buf msg = KANSA_BUF_INIT(1024);
	git_commit *head = NULL;
	git_tree *tree = NULL;
	kansa_anchor_file f;
	char *note = NULL, *signed_note = NULL;
	size_t len = 0, slen = 0;
	git_oid oid;
	int gerr, error;

	/* the walked tip, not HEAD again: sign only what was verified; the
	 * commit fails if HEAD moved since */
	if ((gerr = git_commit_lookup(&head, w->repo, &w->tip)) < 0 ||
	    (gerr = git_commit_tree(&tree, head)) < 0) {
		error = kansa_anchor__git_error(gerr, "HEAD tree");
		goto out;
	}
	if ((error = kansa_anchor__read_file(&note, &len, NULL, w->repo, tree, lg->cp_path,
	    KANSA_MAX_ANCHOR_CHECKPOINT_BYTES)) < 0)
		goto out;
	/* REQ: WITNESS-C2SP the line is a C2SP tlog-cosignature v1, timestamped now */
	error = kansa_cosig_add(&signed_note, &slen, note, len, witness, kansa_key_name(witness),
	    (uint64_t)time(NULL));
	if (error == KANSA_EEXISTS) { /* cosigned before: make sure the state says so */
		error = kansa_file_write(state_path, note, len, 0600, KANSA_FILE_SECRET | KANSA_FILE_REPLACE);
		goto push;
	}
	/* REQ: ANCHOR-WITNESS the state is durable before the signature is published */
	if (error < 0 || (error = kansa_file_write(state_path, signed_note, slen, 0600,
	    KANSA_FILE_SECRET | KANSA_FILE_REPLACE)) < 0)
		goto out;
	f = (kansa_anchor_file){ lg->cp_path, signed_note, slen };
	if ((error = kansa_buf_printf(&msg, "cosign %s at size %llu by %s\n\n"
	    "Witness %s verified that this checkpoint extends size %llu, the last it cosigned.\n",
	    lg->key->name, (unsigned long long)lg->last.size, kansa_key_name(witness),
	    kansa_key_name(witness), (unsigned long long)out->previous_size)) < 0 ||
	    (error = kansa_buf_putc(&msg, 0)) < 0 ||
	    (error = kansa_anchor__commit(&oid, w->repo, head, &f, 1, (const char *)msg.ptr)) < 0)
		goto out;
	kansa_anchor__oid_hex(out->checkpoint.commit, &oid);
	out->committed = true;
push:
	if (error == 0)
		error = kansa_anchor__push(&out->remotes_pushed, out->remote, &out->n_remotes, w->repo,
		    remotes, n_remotes);
out:
	kansa_buf_dispose(&msg);
	free(signed_note);
	free(note);
	git_tree_free(tree);
	git_commit_free(head);
	return error;
}

static int cosign_run(kansa_anchor_cosign_result *out, walk_ctx *w, log_state **ls,
    const char *repo_path, const kansa_note_verifier *log, const kansa_note_verifier *me,
    const kansa_key *witness, const char *state_path, const char *const *remotes, size_t n_remotes)
{
	kansa_anchor_checkpoint state;
	kansa_note_verifier *me_old = NULL;
	bool have;
	int error;

	if ((error = kansa_anchor__other_form(&me_old, me)) < 0)
		return error;
	error = kansa_witness__state_read(&state, &have, state_path, log, me, me_old);
	kansa_note_verifier_free(me_old);
	if (error < 0)
		return error;
	w->state = have ? &state : NULL;
	out->previous_size = have ? state.size : 0;
	if ((error = run(w, ls, repo_path, &log, 1, &me, 1)) < 0)
		return error;
	out->checkpoint = (*ls)->last;
	/* REQ: ANCHOR-WITNESS cosign only what extends the last cosigned size */
	if (have && (*ls)->last.size < state.size)
		return kansa_error_set(KANSA_EVERIFY, KANSA_ERRCLASS_GIT,
		    "refusing to cosign: the newest checkpoint of %s has size %llu, smaller than the "
		    "size %llu this witness cosigned (a rollback)", log->name,
		    (unsigned long long)(*ls)->last.size, (unsigned long long)state.size);
	if (have && !(*ls)->through)
		return kansa_error_set(KANSA_EVERIFY, KANSA_ERRCLASS_GIT,
		    "refusing to cosign: the history of %s in %s does not pass through size %llu, which "
		    "this witness cosigned: it was rewritten (a fork), or this is another repository",
		    log->name, repo_path, (unsigned long long)state.size);
	return cosign_newest(out, w, *ls, witness, state_path, remotes, n_remotes);
}

int kansa_anchor_cosign(kansa_anchor_cosign_result *out, const char *repo_path,
    const kansa_note_verifier *log, const kansa_key *witness, const char *state_path,
    const char *const *remotes, size_t n_remotes)
{
	kansa_anchor_summary sum;
	kansa_note_verifier *me = NULL;
	log_state *ls = NULL;
	walk_ctx w;
	int error;

	memset(out, 0, sizeof(*out));
	memset(&w, 0, sizeof(w));
	memset(&sum, 0, sizeof(sum));
	if (repo_path == NULL || log == NULL || witness == NULL || state_path == NULL ||
	    (n_remotes && remotes == NULL))
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_GIT, "anchor cosign: missing argument");
	if (!kansa_key_is_private(witness) || kansa_key_name(witness)[0] == '\0')
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_GIT,
		    "anchor cosign: the witness key must be a private key with a name "
		    "(kansa keys generate --name NAME)");
	if ((error = kansa_cosig_verifier_from_key(&me, witness, kansa_key_name(witness))) < 0)
		return error;
	if ((error = kansa_anchor__init()) < 0) {
		kansa_note_verifier_free(me);
		return error;
	}
	w.sum = &sum;
	error = cosign_run(out, &w, &ls, repo_path, log, me, witness, state_path, remotes, n_remotes);
	walk_dispose(&w);
	free(ls);
	kansa_note_verifier_free(me);
	kansa_anchor__shutdown();
	return error;
}
