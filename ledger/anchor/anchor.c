/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Anchoring a ledger (design §6, docs/anchoring.md): kansa_anchor_push
 * commits the ledger's newest signed checkpoint and a consistency proof from
 * the previously anchored size to a git repository, and
 * kansa_anchor_check_ledger compares a ledger with what the repository holds.
 * Both refuse a ledger that does not extend the anchored checkpoint: that is
 * a rollback or a fork, exactly what anchoring exists to expose.
 *
 * Push is the operator's own guard and reads the stored Merkle nodes. The
 * check is the verifier's: it trusts nothing in the database it did not
 * recompute. The ledger's log key must be one the caller trusts, and the
 * tree is rebuilt from the entry bodies by the audit (kansa_ledger_audit
 * with an expected root), so stored nodes left over from before a rewrite
 * cannot vouch for it.
 *
 * The ledger is reached through the public API only (kansa.h): anchoring
 * sits beside the ledger, not inside it, and sees what any caller sees.
 *
 * The repository gets hashes and signatures only: a checkpoint (origin,
 * size, root) and proof hashes. Never an entry, a document or a key.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kansa.h"
#include "ledger/anchor/anchor.h"
#include "ledger/tlog/note.h"

/* A signature line by the key name of @p v (names are public). */
static bool name_is(const kansa_note_sig *s, const kansa_note_verifier *v)
{
	return s->name_len == v->name_len && strncmp(s->name, v->name, s->name_len) == 0;
}

/* Does line @p s carry the name and key ID of @p v? */
static bool line_of(const kansa_note_sig *s, const kansa_note_verifier *v)
{
	return v != NULL && name_is(s, v) && kansa_ct_equal(s->key_id, v->key_id, KANSA_NOTE_KEY_ID_LEN);
}

/* Distinct public keys among the witnesses (verifiers 1..n-1) set in @p mask. */
static size_t distinct_witnesses(uint64_t mask, const kansa_note_verifier *const *verifiers, size_t n)
{
	size_t count = 0;

	for (size_t k = 1; k < n; k++) {
		bool seen = false;
		if ((mask >> k & 1) == 0)
			continue;
		for (size_t j = 1; j < k && !seen; j++)
			seen = (mask >> j & 1) && memcmp(verifiers[j]->pub, verifiers[k]->pub, KANSA_PUBKEY_LEN) == 0;
		count += !seen;
	}
	return count;
}

/* List the signature lines other than the log's in @p cp; @p mask says
 * which witness (by index) verified, in either form. */
static int list_cosigners(kansa_anchor_checkpoint *cp, const char *note, size_t len, uint64_t mask,
    const kansa_note_verifier *const *verifiers, const kansa_note_verifier *const *alt, size_t n)
{
	const kansa_note_verifier *log = verifiers[0];
	kansa_note_parsed parsed;
	int error;

	cp->n_cosigners = 0;
	if ((error = kansa_note__parse(&parsed, note, len)) < 0)
		return error;
	for (size_t i = 0; i < parsed.n_sigs; i++) {
		const kansa_note_sig *s = &parsed.sigs[i];
		kansa_anchor_cosigner *w;

		if (s->duplicate || line_of(s, log))
			continue;
		if (cp->n_cosigners++ >= KANSA_ANCHOR_MAX_LISTED)
			continue;
		w = &cp->cosigners[cp->n_cosigners - 1];
		memset(w, 0, sizeof(*w));
		snprintf(w->name, sizeof(w->name), "%.*s", (int)s->name_len, s->name);
		/* a type 0x01 line is 64 bytes after the key ID, a cosignature 72 */
		w->old_form = s->sig_len == KANSA_SIG_LEN;
		for (size_t k = 1; k < n; k++)
			if (line_of(s, verifiers[k]) || (alt != NULL && line_of(s, alt[k])))
				w->verified = (mask >> k) & 1;
		if (w->verified && s->sig_len == KANSA_NOTE_MAX_SIG_PAYLOAD)
			for (size_t b = 0; b < 8; b++)
				w->timestamp = w->timestamp << 8 | s->sig[b];
	}
	kansa_note__parsed_dispose(&parsed);
	return 0;
}

int kansa_anchor__checkpoint(kansa_anchor_checkpoint *cp, const char *note, size_t len,
    const kansa_note_verifier *const *verifiers, const kansa_note_verifier *const *alt,
    size_t n_verifiers)
{
	const kansa_note_verifier *log = verifiers[0];
	kansa_checkpoint c, c_alt;
	uint64_t mask;
	int error;

	if ((error = kansa_checkpoint_verify(&c, note, len, verifiers, n_verifiers, 1)) < 0)
		return error;
	mask = c.note.verified_mask;
	/* REQ: ANCHOR-OLD-WITNESS the other form of each witness key (old type
	 * 0x01 lines, or C2SP cosignatures) is checked too: a known key's bad
	 * line fails the checkpoint in either form */
	if (alt != NULL && n_verifiers > 1) {
		if ((error = kansa_checkpoint_verify(&c_alt, note, len, alt, n_verifiers, 1)) < 0)
			return error;
		mask |= c_alt.note.verified_mask;
	}
	if (strcmp(c.origin, log->name) != 0)
		return kansa_error_set(KANSA_EVERIFY, KANSA_ERRCLASS_GIT,
		    "checkpoint of origin '%.80s' in the place of log '%.80s'", c.origin, log->name);
	snprintf(cp->origin, sizeof(cp->origin), "%s", c.origin);
	cp->size = c.size;
	memcpy(cp->root, c.root, KANSA_HASH_LEN);
	cp->n_witnessed = distinct_witnesses(mask, verifiers, n_verifiers);
	return list_cosigners(cp, note, len, mask, verifiers, alt, n_verifiers);
}

int kansa_anchor__other_form(kansa_note_verifier **out, const kansa_note_verifier *v)
{
	uint8_t other = v->type == KANSA_NOTE_SIG_COSIG_V1 ? KANSA_NOTE_SIG_ED25519 : KANSA_NOTE_SIG_COSIG_V1;

	return kansa_note__verifier_new(out, other, v->name, v->name_len, v->pub);
}

int kansa_anchor__check_proof(const char *proof, size_t len, uint64_t old_size,
    const uint8_t old_root[KANSA_HASH_LEN], const kansa_anchor_checkpoint *cp)
{
	kansa_merkle_proof p;
	int error;

	if ((error = kansa_merkle_proof_parse(&p, proof, len)) < 0)
		return error;
	if (p.kind != KANSA_PROOF_CONSISTENCY || p.old_size != old_size || p.size != cp->size)
		return kansa_error_set(KANSA_EVERIFY, KANSA_ERRCLASS_GIT,
		    "the consistency proof is not from size %llu to %llu",
		    (unsigned long long)old_size, (unsigned long long)cp->size);
	if (kansa_merkle_proof_verify(&p, old_root, cp->root) < 0)
		return kansa_error_set(KANSA_EVERIFY, KANSA_ERRCLASS_GIT,
		    "checkpoint of size %llu does not extend size %llu: the consistency proof fails",
		    (unsigned long long)cp->size, (unsigned long long)old_size);
	return 0;
}

/* The checkpoint HEAD holds for the log of @p v, verified by it; *found
 * false when HEAD is unborn or has no checkpoint for that log. */
static int anchored(kansa_anchor_checkpoint *cp, bool *found, git_repository *repo,
    git_commit *head, const kansa_note_verifier *v)
{
	char path[KANSA_ANCHOR_PATH_MAX];
	git_tree *tree = NULL;
	char *note = NULL;
	size_t len = 0;
	int gerr, error;

	*found = false;
	memset(cp, 0, sizeof(*cp));
	if (head == NULL)
		return 0;
	kansa_anchor__oid_hex(cp->commit, git_commit_id(head));
	if ((error = kansa_anchor__log_path(path, v->name, "checkpoint")) < 0)
		return error;
	if ((gerr = git_commit_tree(&tree, head)) < 0)
		return kansa_anchor__git_error(gerr, "HEAD tree");
	error = kansa_anchor__read_file(&note, &len, NULL, repo, tree, path,
	    KANSA_MAX_ANCHOR_CHECKPOINT_BYTES);
	if (error == KANSA_ENOTFOUND) {
		error = 0;
		goto out;
	}
	if (error == 0 && (error = kansa_anchor__checkpoint(cp, note, len, &v, NULL, 1)) < 0)
		kansa_error_prefix("%s in commit %.12s (not this ledger's)", path, cp->commit);
	*found = error == 0;
out:
	free(note);
	git_tree_free(tree);
	return error;
}

static int truncated(const kansa_anchor_checkpoint *cp, uint64_t size)
{
	return kansa_error_set(KANSA_EVERIFY, KANSA_ERRCLASS_LEDGER,
	    "the ledger has %llu entries but %llu were anchored (commit %.12s): it was truncated "
	    "or rolled back; do not anchor it, investigate with kansa audit",
	    (unsigned long long)size, (unsigned long long)cp->size, cp->commit);
}

static int forked(const kansa_anchor_checkpoint *cp, const char *how)
{
	return kansa_error_set(KANSA_EVERIFY, KANSA_ERRCLASS_LEDGER,
	    "the ledger's first %llu entries%s are not the ones anchored (commit %.12s): it was "
	    "rewritten or forked; do not anchor it, investigate with kansa audit",
	    (unsigned long long)cp->size, how, cp->commit);
}

/* The ledger of @p size entries extends the anchored checkpoint @p cp, by
 * its stored tree (the operator's check before a push). */
static int extends(kansa_ledger *lg, const kansa_anchor_checkpoint *cp, uint64_t size)
{
	kansa_merkle_proof p;
	uint8_t old_root[KANSA_HASH_LEN], root[KANSA_HASH_LEN];
	int error;

	/* REQ: ANCHOR-ROLLBACK the ledger is never shorter than what was anchored */
	if (size < cp->size)
		return truncated(cp, size);
	if (cp->size == 0)
		return 0;
	if ((error = kansa_ledger_prove_consistency(&p, old_root, root, lg, cp->size, size)) < 0)
		return error;
	/* REQ: ANCHOR-FORK the first entries are the ones that were anchored */
	if (!kansa_ct_equal(old_root, cp->root, KANSA_HASH_LEN))
		return forked(cp, "");
	return 0;
}

typedef struct {
	uint64_t n;                 /* findings */
	kansa_audit_finding first;  /* the first of them */
} finding_log;

static void on_finding(void *ctx, const kansa_audit_finding *f)
{
	finding_log *l = ctx;

	if (l->n++ == 0)
		l->first = *f;
}

/* The ledger verifies (as kansa_ledger_audit() without replay) and its
 * first cp->size entries, hashed from their bodies, give the anchored root.
 * The rest of the tree is rebuilt from the same leaves in the same pass, so
 * the ledger's tree now extends the anchored one by construction. */
static int rebuilt_extends(uint64_t *size_out, kansa_ledger *lg, const kansa_anchor_checkpoint *cp)
{
	finding_log fl;
	kansa_audit_expect x;
	kansa_audit_options opt = { 0, on_finding, NULL, &fl, &x };
	kansa_audit_summary sum;
	int error;

	memset(&fl, 0, sizeof(fl));
	memset(&x, 0, sizeof(x));
	x.size = cp->size;
	memcpy(x.root, cp->root, KANSA_HASH_LEN);
	if ((error = kansa_ledger_audit(&sum, lg, &opt)) < 0)
		return error;
	*size_out = sum.entries;
	/* REQ: ANCHOR-DB the anchored root against the tree of the entry bodies */
	if (x.checked && !x.matched)
		return forked(cp, ", hashed from their bodies,");
	/* REQ: ANCHOR-ROLLBACK */
	if (!x.checked && sum.entries < cp->size)
		return truncated(cp, sum.entries);
	if (!x.checked || fl.n)
		return kansa_error_set(KANSA_EVERIFY, KANSA_ERRCLASS_LEDGER,
		    "the ledger does not verify (%llu finding%s, the first: %s): it cannot be matched "
		    "with the anchored size %llu (commit %.12s); investigate with kansa ledger verify",
		    (unsigned long long)fl.n, fl.n == 1 ? "" : "s", fl.n ? fl.first.message : "entries missing",
		    (unsigned long long)cp->size, cp->commit);
	return 0;
}

/* The ledger's own checkpoint verifier, from its public key as
 * kansa_ledger_get_info() gives it (origin+hash+key). */
static int ledger_verifier(kansa_note_verifier **out, kansa_ledger *lg)
{
	kansa_ledger_info info;
	int error;

	*out = NULL;
	if ((error = kansa_ledger_get_info(&info, lg)) < 0)
		return error;
	return kansa_note_verifier_parse(out, info.log_key, strlen(info.log_key));
}

/* The verifier @p v is one of @p logs: the same name and public key. */
static bool is_trusted(const kansa_note_verifier *v, const kansa_note_verifier *const *logs,
    size_t n_logs)
{
	bool found = false;

	for (size_t i = 0; i < n_logs; i++)
		found |= strcmp(v->name, logs[i]->name) == 0 &&
		    kansa_ct_equal(v->pub, logs[i]->pub, KANSA_PUBKEY_LEN);
	return found;
}

static int commit_message(kansa_buf *b, const kansa_anchor_checkpoint *cp, uint64_t old_size,
    const char *vkey)
{
	char root[2 * KANSA_HASH_LEN + 1];
	int error;

	kansa_hex_encode(root, cp->root, KANSA_HASH_LEN);
	if ((error = kansa_buf_printf(b, "anchor %s at size %llu\n\n"
	    "Signed checkpoint of the kansa ledger %s: %llu entries, Merkle root\n%s.\n",
	    cp->origin, (unsigned long long)cp->size, cp->origin,
	    (unsigned long long)cp->size, root)) < 0)
		return error;
	if (old_size)
		error = kansa_buf_printf(b, "The consistency proof shows it extends the anchored size %llu.\n",
		    (unsigned long long)old_size);
	else
		error = kansa_buf_printf(b, "First anchor of this ledger.\n");
	if (error == 0)
		error = kansa_buf_printf(b, "\nVerify: kansa anchor verify --repo . --log-key %s\n", vkey);
	if (error == 0)
		error = kansa_buf_putc(b, 0);
	return error;
}

/* Sign a checkpoint of the ledger and commit it with its proof from @p prev. */
static int anchor_new(kansa_anchor_push_result *out, git_repository *repo, git_commit *head,
    kansa_ledger *lg, const kansa_note_verifier *v, const kansa_anchor_checkpoint *prev)
{
	char cp_path[KANSA_ANCHOR_PATH_MAX], pf_path[KANSA_ANCHOR_PATH_MAX];
	kansa_buf msg = KANSA_BUF_INIT(4096);
	kansa_merkle_proof p;
	uint8_t old_root[KANSA_HASH_LEN], root[KANSA_HASH_LEN];
	char *note = NULL, *proof = NULL, *vkey = NULL;
	size_t len = 0, plen = 0;
	kansa_anchor_file files[2];
	git_oid oid;
	int error;

	if ((error = kansa_ledger_checkpoint(&note, &len, lg)) < 0 ||
	    (error = kansa_anchor__checkpoint(&out->checkpoint, note, len, &v, NULL, 1)) < 0 ||
	    (error = kansa_anchor__log_path(cp_path, v->name, "checkpoint")) < 0 ||
	    (error = kansa_anchor__log_path(pf_path, v->name, "consistency-proof")) < 0)
		goto out;
	if (prev->size && ((error = kansa_ledger_prove_consistency(&p, old_root, root, lg, prev->size,
	    out->checkpoint.size)) < 0 || (error = kansa_merkle_proof_format(&proof, &plen, &p)) < 0))
		goto out;
	out->checkpoint.old_size = prev->size;
	files[0] = (kansa_anchor_file){ cp_path, note, len };
	files[1] = (kansa_anchor_file){ pf_path, proof, plen }; /* none before the first anchor */
	if ((error = kansa_note_verifier_format(&vkey, v)) < 0 ||
	    (error = commit_message(&msg, &out->checkpoint, prev->size, vkey)) < 0 ||
	    (error = kansa_anchor__commit(&oid, repo, head, files, 2, (const char *)msg.ptr)) < 0)
		goto out;
	kansa_anchor__oid_hex(out->checkpoint.commit, &oid);
	out->committed = true;
out:
	kansa_buf_dispose(&msg);
	free(vkey);
	free(proof);
	free(note);
	return error;
}

static int push_locked(kansa_anchor_push_result *out, kansa_ledger *lg, const char *repo_path,
    const char *const *remotes, size_t n_remotes, const kansa_anchor_push_options *opt)
{
	git_repository *repo = NULL;
	git_commit *head = NULL;
	kansa_note_verifier *v = NULL;
	kansa_anchor_checkpoint prev;
	kansa_ledger_info info;
	bool found;
	int error;

	if ((error = ledger_verifier(&v, lg)) < 0 ||
	    (error = kansa_anchor__open(&repo, &out->created, repo_path, true)) < 0 ||
	    /* REQ: ANCHOR-FOLD witnesses' cosignatures on the mirrors first */
	    (error = kansa_anchor__fold(out, repo, opt->witnesses, opt->n_witnesses, remotes,
	    n_remotes)) < 0 ||
	    (error = kansa_anchor__head(&head, repo)) < 0 ||
	    (error = anchored(&prev, &found, repo, head, v)) < 0 ||
	    (error = kansa_ledger_get_info(&info, lg)) < 0 ||
	    (found && (error = extends(lg, &prev, info.size)) < 0))
		goto out;
	if (found && prev.size == info.size) {
		out->checkpoint = prev; /* nothing new: the repository already holds it */
		out->checkpoint.old_size = prev.size;
	} else if ((error = anchor_new(out, repo, head, lg, v, &prev)) < 0) {
		goto out;
	}
	error = kansa_anchor__push(&out->remotes_pushed, out->remote, &out->n_remotes, repo, remotes,
	    n_remotes);
out:
	git_commit_free(head);
	git_repository_free(repo);
	kansa_note_verifier_free(v);
	return error;
}

int kansa_anchor_push(kansa_anchor_push_result *out, kansa_ledger *lg, const char *repo_path,
    const char *const *remotes, size_t n_remotes)
{
	return kansa_anchor_publish(out, lg, repo_path, remotes, n_remotes, NULL);
}

int kansa_anchor_publish(kansa_anchor_push_result *out, kansa_ledger *lg, const char *repo_path,
    const char *const *remotes, size_t n_remotes, const kansa_anchor_push_options *opt)
{
	const kansa_anchor_push_options defaults = KANSA_ANCHOR_PUSH_OPTIONS_INIT;
	int error;

	memset(out, 0, sizeof(*out));
	if (opt == NULL)
		opt = &defaults;
	if (lg == NULL || repo_path == NULL || (n_remotes && remotes == NULL) ||
	    opt->version != KANSA_ANCHOR_PUSH_OPTIONS_VERSION || (opt->n_witnesses && opt->witnesses == NULL))
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_GIT, "anchor push: missing argument");
	if (kansa_ledger_is_readonly(lg))
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_GIT,
		    "anchor push: the ledger is open read-only (a checkpoint is stored in it)");
	if ((error = kansa_anchor__init()) < 0)
		return error;
	error = push_locked(out, lg, repo_path, remotes, n_remotes, opt);
	kansa_anchor__shutdown();
	return error;
}

int kansa_anchor_check_ledger(kansa_anchor_checkpoint *out, uint64_t *size_out, kansa_ledger *lg,
    const char *repo_path, const kansa_note_verifier *const *logs, size_t n_logs)
{
	git_repository *repo = NULL;
	git_commit *head = NULL;
	kansa_note_verifier *v = NULL;
	bool found = false, created;
	int error;

	memset(out, 0, sizeof(*out));
	*size_out = 0;
	if (lg == NULL || repo_path == NULL || n_logs == 0 || logs == NULL)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_GIT,
		    "anchor check: missing argument (a ledger, a repository and the trusted log keys)");
	if ((error = kansa_anchor__init()) < 0)
		return error;
	if ((error = ledger_verifier(&v, lg)) < 0)
		goto out;
	/* REQ: ANCHOR-DB-KEY the ledger's own key proves nothing: it must be one
	 * the verifier trusts, or a ledger with a new key would check out
	 * against a log anchored under that new key */
	if (!is_trusted(v, logs, n_logs)) {
		error = kansa_error_set(KANSA_EVERIFY, KANSA_ERRCLASS_LEDGER,
		    "the ledger's log key (%s) is not one of the log keys the verifier trusts "
		    "(--log-key): its key was replaced, or it is another ledger", v->name);
		goto out;
	}
	if ((error = kansa_anchor__open(&repo, &created, repo_path, false)) < 0 ||
	    (error = kansa_anchor__head(&head, repo)) < 0 ||
	    (error = anchored(out, &found, repo, head, v)) < 0)
		goto out;
	if (!found) {
		error = kansa_error_set(KANSA_EVERIFY, KANSA_ERRCLASS_GIT,
		    "ledger %s has no checkpoint in %s: the anchored history does not hold it",
		    v->name, repo_path);
		goto out;
	}
	error = rebuilt_extends(size_out, lg, out);
out:
	git_commit_free(head);
	git_repository_free(repo);
	kansa_note_verifier_free(v);
	kansa_anchor__shutdown();
	return error;
}
