/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Folding witnesses' commits from the mirrors into the anchor history before
 * a push (docs/anchoring.md, "Mirrors and witnesses"). Witnesses cosign in
 * their clones and push to a mirror; without this, the operator's next push
 * there is refused as not a fast-forward.
 *
 * A remote's commits are taken only when each of them has one parent and
 * changes nothing but logs/<origin>/checkpoint files, keeping the checkpoint
 * text and every signature line and adding only cosignature lines: well
 * formed, not under the log's own name, and verified when their key is a
 * given witness key. Anything else is refused before any ref moves. The
 * history stays linear (the verifier refuses merges): the branch moves onto
 * the remote's commits, and local commits the remote lacks are replayed on
 * top of them.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ledger/anchor/anchor.h"
#include "ledger/tlog/note.h"

typedef struct {
	git_repository *repo;
	const kansa_note_verifier *keys[2 * KANSA_MAX_ANCHOR_WITNESSES]; /* each witness, both forms */
	kansa_note_verifier *owned[KANSA_MAX_ANCHOR_WITNESSES];          /* the other forms */
	size_t n_keys;
	const char *remote;                      /* the remote being folded, for messages */
	char commit[KANSA_ANCHOR_COMMIT_HEX];    /* the commit being checked */
	kansa_anchor_push_result *out;
} fold_ctx;

typedef struct {
	git_oid *v;   /* commits, newest first */
	size_t n;
	size_t cap;
} oid_list;

/* KANSA_EVERIFY: what commit of what remote does, and that nothing moved. */
static int refuse(const fold_ctx *f, const char *fmt, ...) KANSA_PRINTF(2, 3);
static int refuse(const fold_ctx *f, const char *fmt, ...)
{
	char what[320];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return kansa_error_set(KANSA_EVERIFY, KANSA_ERRCLASS_GIT,
	    "remote '%s'%s%.12s: %s; refusing to fold it in: nothing was committed, moved or "
	    "pushed; look at that mirror (git fetch %s, git log -p ..FETCH_HEAD)", f->remote,
	    f->commit[0] ? ", commit " : "", f->commit, what, f->remote);
}

static bool same_key(const kansa_note_sig *s, const kansa_note_verifier *v)
{
	return s->name_len == v->name_len && strncmp(s->name, v->name, s->name_len) == 0 &&
	    kansa_ct_equal(s->key_id, v->key_id, KANSA_NOTE_KEY_ID_LEN);
}

/* Line @p s appears among the signature lines of @p p. */
static bool has_line(const kansa_note_parsed *p, const kansa_note_sig *s)
{
	for (size_t i = 0; i < p->n_sigs; i++)
		if (p->sigs[i].line_len == s->line_len && kansa_ct_equal(p->sigs[i].line, s->line, s->line_len))
			return true;
	return false;
}

/* First parents from @p tip back to @p base (excluded), each commit with
 * exactly one parent. */
static int chain(oid_list *out, fold_ctx *f, const git_oid *tip, const git_oid *base)
{
	git_commit *c = NULL;
	unsigned parents;
	git_oid next;
	int gerr;

	git_oid_cpy(&next, tip);
	while (!git_oid_equal(&next, base)) {
		if (out->n == KANSA_MAX_ANCHOR_COMMITS)
			return kansa_error_set(KANSA_ELIMIT, KANSA_ERRCLASS_GIT,
			    "remote '%s': more than %d commits to fold", f->remote, KANSA_MAX_ANCHOR_COMMITS);
		if (out->n == out->cap) {
			size_t cap = out->cap ? 2 * out->cap : 16;
			git_oid *g = realloc(out->v, cap * sizeof(*g));
			if (g == NULL)
				return kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
			out->v = g;
			out->cap = cap;
		}
		if ((gerr = git_commit_lookup(&c, f->repo, &next)) < 0)
			return kansa_anchor__git_error(gerr, "commit");
		git_oid_cpy(&out->v[out->n++], &next);
		if ((parents = git_commit_parentcount(c)) != 1) {
			kansa_anchor__oid_hex(f->commit, &next);
			git_commit_free(c);
			return refuse(f, "it is a %s: anchor history is linear",
			    parents ? "merge" : "root commit of another history");
		}
		git_oid_cpy(&next, git_commit_parent_id(c, 0));
		git_commit_free(c);
	}
	return 0;
}

/* Lines of @p p by the name and key ID of @p s. */
static size_t lines_by(const kansa_note_parsed *p, const kansa_note_sig *s)
{
	size_t n = 0;

	for (size_t i = 0; i < p->n_sigs; i++)
		n += p->sigs[i].name_len == s->name_len && strncmp(p->sigs[i].name, s->name, s->name_len) == 0 &&
		    kansa_ct_equal(p->sigs[i].key_id, s->key_id, KANSA_NOTE_KEY_ID_LEN);
	return n;
}

/* Check one cosignature line added by the remote to the note @p pn. */
static int check_added_line(fold_ctx *f, const char *path, const kansa_note_parsed *pn,
    const kansa_note_sig *s, const char *origin, size_t origin_len, const char *note, size_t len)
{
	kansa_note_report rep;
	bool known = false;
	int error;

	if (s->duplicate)
		return refuse(f, "%s: adds a signature line twice", path);
	/* a witness signs a checkpoint once: a second line by its key could
	 * hide a bad signature behind a good one */
	if (lines_by(pn, s) > 1)
		return refuse(f, "%s: adds a second signature by the key of %.*s", path,
		    (int)s->name_len, s->name);
	if (s->name_len == origin_len && strncmp(s->name, origin, origin_len) == 0)
		return refuse(f, "%s: adds a signature under the log's own name", path);
	if (s->sig_len != KANSA_SIG_LEN && s->sig_len != KANSA_NOTE_MAX_SIG_PAYLOAD)
		return refuse(f, "%s: adds a line by %.*s that is not a cosignature (%zu bytes)", path,
		    (int)s->name_len, s->name, s->sig_len);
	for (size_t k = 0; k < f->n_keys; k++) {
		const kansa_note_verifier *v = f->keys[k];
		if (!same_key(s, v))
			continue;
		known = true;
		/* REQ: ANCHOR-FOLD-VERIFY a given witness's line must verify */
		error = v->type == KANSA_NOTE_SIG_COSIG_V1 ? kansa_cosig_verify(NULL, note, len, v) :
		    kansa_note_verify(&rep, note, len, &v, 1, 1);
		if (error < 0)
			return refuse(f, "%s: adds a cosignature by %s that does not verify", path, v->name);
	}
	f->out->cosignatures++;
	f->out->unverified += !known;
	return 0;
}

/* The new version of a checkpoint file keeps the text and every line of the
 * old one and adds only cosignature lines. */
static int check_cosigned(fold_ctx *f, const char *path, const char *old, size_t olen,
    const char *new_note, size_t nlen)
{
	kansa_note_parsed po, pn;
	const char *origin = NULL;
	size_t origin_len = 0, ext = 0;
	uint64_t size = 0;
	uint8_t root[KANSA_HASH_LEN];
	int error;

	if (kansa_note__parse(&po, old, olen) < 0)
		return refuse(f, "%s: the checkpoint it changes is malformed", path);
	if (kansa_note__parse(&pn, new_note, nlen) < 0) {
		kansa_note__parsed_dispose(&po);
		return refuse(f, "%s: writes a malformed checkpoint", path);
	}
	/* REQ: ANCHOR-FOLD-TEXT the checkpoint itself is unchanged */
	if (pn.text_len != po.text_len || !kansa_ct_equal(pn.text, po.text, po.text_len) ||
	    kansa_checkpoint__parse_text(&origin, &origin_len, &size, root, &ext, pn.text, pn.text_len) < 0) {
		error = refuse(f, "%s: changes the checkpoint itself, not only its cosignatures", path);
		goto out;
	}
	error = 0;
	for (size_t i = 0; i < po.n_sigs && error == 0; i++)
		if (!has_line(&pn, &po.sigs[i]))
			error = refuse(f, "%s: removes the signature line of %.*s", path,
			    (int)po.sigs[i].name_len, po.sigs[i].name);
	for (size_t i = 0; i < pn.n_sigs && error == 0; i++)
		if (!has_line(&po, &pn.sigs[i]))
			error = check_added_line(f, path, &pn, &pn.sigs[i], origin, origin_len, new_note, nlen);
out:
	kansa_note__parsed_dispose(&pn);
	kansa_note__parsed_dispose(&po);
	return error;
}

static bool is_checkpoint_path(const char *p)
{
	size_t n = strlen(p);

	return strncmp(p, "logs/", 5) == 0 && n > 16 && strcmp(p + n - 11, "/checkpoint") == 0;
}

static int check_delta(fold_ctx *f, git_tree *pt, git_tree *ct, const git_diff_delta *d)
{
	const char *path = d->new_file.path;
	char *old = NULL, *new_note = NULL;
	size_t olen = 0, nlen = 0;
	int error;

	/* REQ: ANCHOR-FOLD-ONLY only changes to checkpoint files are folded in */
	if (d->status != GIT_DELTA_MODIFIED)
		return refuse(f, "%s: %s; only cosignatures added to checkpoints are folded in",
		    d->status == GIT_DELTA_ADDED ? d->new_file.path : d->old_file.path,
		    d->status == GIT_DELTA_ADDED ? "adds a file" : d->status == GIT_DELTA_DELETED ?
		    "removes a file" : "changes the type of a file");
	if (d->old_file.mode != GIT_FILEMODE_BLOB || d->new_file.mode != GIT_FILEMODE_BLOB ||
	    !is_checkpoint_path(path))
		return refuse(f, "%s: changes a file that is not a checkpoint", path);
	if ((error = kansa_anchor__read_file(&old, &olen, NULL, f->repo, pt, path,
	    KANSA_MAX_ANCHOR_CHECKPOINT_BYTES)) < 0 ||
	    (error = kansa_anchor__read_file(&new_note, &nlen, NULL, f->repo, ct, path,
	    KANSA_MAX_ANCHOR_CHECKPOINT_BYTES)) < 0)
		kansa_error_prefix("remote '%s', commit %.12s", f->remote, f->commit);
	else
		error = check_cosigned(f, path, old, olen, new_note, nlen);
	free(new_note);
	free(old);
	return error;
}

/* One commit of the remote: what it changes from its parent. */
static int check_commit(fold_ctx *f, const git_oid *oid)
{
	git_commit *c = NULL, *p = NULL;
	git_tree *ct = NULL, *pt = NULL;
	git_diff *diff = NULL;
	int gerr, error = 0;

	kansa_anchor__oid_hex(f->commit, oid);
	if ((gerr = git_commit_lookup(&c, f->repo, oid)) < 0 || (gerr = git_commit_parent(&p, c, 0)) < 0 ||
	    (gerr = git_commit_tree(&ct, c)) < 0 || (gerr = git_commit_tree(&pt, p)) < 0 ||
	    (gerr = git_diff_tree_to_tree(&diff, f->repo, pt, ct, NULL)) < 0) {
		error = kansa_anchor__git_error(gerr, f->commit);
		goto out;
	}
	for (size_t i = 0; i < git_diff_num_deltas(diff) && error == 0; i++)
		error = check_delta(f, pt, ct, git_diff_get_delta(diff, i));
out:
	git_diff_free(diff);
	git_tree_free(pt);
	git_tree_free(ct);
	git_commit_free(p);
	git_commit_free(c);
	return error;
}

/* @p mine with the signature lines of @p theirs it lacks appended: the same
 * checkpoint cosigned on both sides. */
static int merge_lines(char **out, size_t *len_out, const char *mine, size_t mlen,
    const char *theirs, size_t tlen)
{
	kansa_buf b = KANSA_BUF_INIT(KANSA_MAX_ANCHOR_CHECKPOINT_BYTES);
	kansa_note_parsed pm, pt;
	int error;

	*out = NULL;
	if ((error = kansa_note__parse(&pm, mine, mlen)) < 0)
		return error;
	if ((error = kansa_note__parse(&pt, theirs, tlen)) < 0) {
		kansa_note__parsed_dispose(&pm);
		return error;
	}
	error = kansa_buf_put(&b, mine, mlen);
	for (size_t i = 0; i < pt.n_sigs && error == 0; i++)
		if (!has_line(&pm, &pt.sigs[i]) && (error = kansa_buf_put(&b, pt.sigs[i].line,
		    pt.sigs[i].line_len)) == 0)
			error = kansa_buf_putc(&b, '\n');
	if (error == 0 && (*out = kansa_buf_detach_str(&b, len_out)) == NULL)
		error = KANSA_ENOMEM;
	kansa_buf_dispose(&b);
	kansa_note__parsed_dispose(&pt);
	kansa_note__parsed_dispose(&pm);
	return error;
}

/* Two notes with the same text (the same checkpoint, maybe other lines). */
static bool same_text(const char *a, size_t alen, const char *b, size_t blen)
{
	kansa_note_parsed pa, pb;
	bool same = false;

	if (kansa_note__parse(&pa, a, alen) < 0)
		return false;
	if (kansa_note__parse(&pb, b, blen) == 0) {
		same = pa.text_len == pb.text_len && kansa_ct_equal(pa.text, pb.text, pa.text_len);
		kansa_note__parsed_dispose(&pb);
	}
	kansa_note__parsed_dispose(&pa);
	return same;
}

/* The content one changed path of a local commit gets on top of the
 * remote's: the local version, or, for a checkpoint the remote cosigned,
 * the local one with the remote's extra lines when it is the same checkpoint. */
static int replay_path(kansa_anchor_file *file, char **owned, fold_ctx *f, git_tree *tl,
    git_tree *tcur, const git_diff_delta *d)
{
	const char *path = d->status == GIT_DELTA_DELETED ? d->old_file.path : d->new_file.path;
	char *mine = NULL, *theirs = NULL, *merged = NULL;
	size_t mlen = 0, tlen = 0, merged_len = 0;
	git_oid cur;
	bool in_cur, was = d->status != GIT_DELTA_ADDED;
	int error;

	*file = (kansa_anchor_file){ path, NULL, 0 };
	error = kansa_anchor__read_file(NULL, NULL, &cur, f->repo, tcur, path, 0);
	if (error < 0 && error != KANSA_ENOTFOUND)
		return error;
	in_cur = error == 0;
	if (d->status != GIT_DELTA_DELETED && (error = kansa_anchor__read_file(&mine, &mlen, NULL,
	    f->repo, tl, path, KANSA_MAX_ANCHOR_CHECKPOINT_BYTES)) < 0)
		return error;
	*owned = mine;
	file->data = mine;
	file->len = mlen;
	if (in_cur == was && (!in_cur || git_oid_equal(&cur, &d->old_file.id)))
		return 0; /* the remote left it alone */
	if (mine == NULL || !in_cur || !is_checkpoint_path(path))
		return refuse(f, "%s: changed both here and on the remote", path);
	if ((error = kansa_anchor__read_file(&theirs, &tlen, NULL, f->repo, tcur, path,
	    KANSA_MAX_ANCHOR_CHECKPOINT_BYTES)) < 0)
		return error;
	/* a newer checkpoint replaces the cosigned one, whose lines stay in history */
	if (same_text(mine, mlen, theirs, tlen) &&
	    (error = merge_lines(&merged, &merged_len, mine, mlen, theirs, tlen)) == 0) {
		free(mine);
		*owned = merged;
		*file = (kansa_anchor_file){ path, merged, merged_len };
	}
	free(theirs);
	return error;
}

/* Replay local commit @p l on top of *cur, moving *cur to it (unless it
 * brings nothing new). */
static int replay_one(git_oid *cur, fold_ctx *f, const git_oid *l)
{
	git_commit *c = NULL, *p = NULL, *cc = NULL, *nc = NULL;
	git_tree *tl = NULL, *tp = NULL, *tcur = NULL;
	git_diff *diff = NULL;
	kansa_anchor_file *files = NULL;
	char **owned = NULL;
	size_t n = 0;
	git_oid made;
	int gerr, error = 0;

	kansa_anchor__oid_hex(f->commit, l);
	if ((gerr = git_commit_lookup(&c, f->repo, l)) < 0 || (gerr = git_commit_parent(&p, c, 0)) < 0 ||
	    (gerr = git_commit_tree(&tl, c)) < 0 || (gerr = git_commit_tree(&tp, p)) < 0 ||
	    (gerr = git_commit_lookup(&cc, f->repo, cur)) < 0 || (gerr = git_commit_tree(&tcur, cc)) < 0 ||
	    (gerr = git_diff_tree_to_tree(&diff, f->repo, tp, tl, NULL)) < 0) {
		error = kansa_anchor__git_error(gerr, f->commit);
		goto out;
	}
	n = git_diff_num_deltas(diff);
	if (n && ((files = calloc(n, sizeof(*files))) == NULL || (owned = calloc(n, sizeof(*owned))) == NULL)) {
		error = kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n && error == 0; i++)
		error = replay_path(&files[i], &owned[i], f, tl, tcur, git_diff_get_delta(diff, i));
	if (error < 0 || (error = kansa_anchor__commit_on(&made, f->repo, cur, files, n,
	    git_commit_message(c))) < 0)
		goto out;
	if ((gerr = git_commit_lookup(&nc, f->repo, &made)) < 0) {
		error = kansa_anchor__git_error(gerr, "commit");
		goto out;
	}
	if (!git_oid_equal(git_commit_tree_id(nc), git_tree_id(tcur))) {
		git_oid_cpy(cur, &made);
		f->out->rebased++;
	}
out:
	for (size_t i = 0; owned && i < n; i++)
		free(owned[i]);
	free(owned);
	free(files);
	git_diff_free(diff);
	git_tree_free(tcur);
	git_tree_free(tp);
	git_tree_free(tl);
	git_commit_free(nc);
	git_commit_free(cc);
	git_commit_free(p);
	git_commit_free(c);
	return error;
}

/* Local commits to replay must not be on another mirror already: replaying
 * rewrites them, and that mirror could then no longer be pushed to. */
static int unpublished(fold_ctx *f, const oid_list *local, const git_oid *tips, const bool *have,
    const char *const *remotes, size_t n, size_t self)
{
	for (size_t j = 0; j < n; j++) {
		if (j == self || !have[j])
			continue;
		for (size_t i = 0; i < local->n; i++)
			if (git_oid_equal(&tips[j], &local->v[i]) ||
			    git_graph_descendant_of(f->repo, &tips[j], &local->v[i]) == 1)
				return refuse(f, "its commits were made beside commits that remote '%s' "
				    "already has; one linear history cannot hold both: have the witnesses push "
				    "to one mirror, and reset the other to it", remotes[j]);
	}
	return 0;
}

/* Fold remote @p i into *cur. */
static int fold_one(git_oid *cur, fold_ctx *f, bool born, const git_oid *tips, const bool *have,
    const char *const *remotes, size_t n, size_t i)
{
	oid_list rc = { NULL, 0, 0 }, lc = { NULL, 0, 0 };
	const git_oid *rt = &tips[i];
	git_oid base;
	int gerr, error = 0;

	f->remote = remotes[i];
	f->commit[0] = '\0';
	if (!born)
		return refuse(f, "it holds anchor history and this repository has none: make this "
		    "repository a clone of it (git clone --bare URL PATH), then push again");
	if (git_oid_equal(cur, rt) || git_graph_descendant_of(f->repo, cur, rt) == 1)
		return 0;
	if ((gerr = git_merge_base(&base, f->repo, cur, rt)) == GIT_ENOTFOUND)
		return refuse(f, "it shares no history with this repository (another anchor "
		    "repository, or its history was rewritten)");
	if (gerr < 0)
		return kansa_anchor__git_error(gerr, "merge base");
	if ((error = chain(&rc, f, rt, &base)) < 0)
		goto out;
	for (size_t k = rc.n; k-- > 0 && error == 0;)
		error = check_commit(f, &rc.v[k]);
	if (error < 0)
		goto out;
	f->out->folded += rc.n;
	f->out->remote[i].folded = rc.n;
	if (git_oid_equal(&base, cur)) {
		git_oid_cpy(cur, rt); /* a fast-forward */
		goto out;
	}
	f->commit[0] = '\0';
	if ((error = chain(&lc, f, cur, &base)) < 0 ||
	    (error = unpublished(f, &lc, tips, have, remotes, n, i)) < 0)
		goto out;
	git_oid_cpy(cur, rt);
	for (size_t k = lc.n; k-- > 0 && error == 0;)
		error = replay_one(cur, f, &lc.v[k]);
out:
	free(lc.v);
	free(rc.v);
	return error;
}

static int setup_keys(fold_ctx *f, const kansa_note_verifier *const *witnesses, size_t n)
{
	int error;

	if (n > KANSA_MAX_ANCHOR_WITNESSES)
		return kansa_error_set(KANSA_ELIMIT, KANSA_ERRCLASS_GIT, "more than %d witness keys",
		    KANSA_MAX_ANCHOR_WITNESSES);
	for (size_t i = 0; i < n; i++) {
		if ((error = kansa_anchor__other_form(&f->owned[i], witnesses[i])) < 0)
			return error;
		f->keys[f->n_keys++] = witnesses[i];
		f->keys[f->n_keys++] = f->owned[i];
	}
	return 0;
}

int kansa_anchor__fold(kansa_anchor_push_result *out, git_repository *repo,
    const kansa_note_verifier *const *witnesses, size_t n_witnesses,
    const char *const *remotes, size_t n_remotes)
{
	git_oid tips[KANSA_MAX_ANCHOR_REMOTES], start, cur;
	bool have[KANSA_MAX_ANCHOR_REMOTES], born;
	char branch[KANSA_ANCHOR_REF_MAX];
	fold_ctx f;
	int error;

	if (n_remotes == 0)
		return 0;
	if (n_remotes > KANSA_MAX_ANCHOR_REMOTES)
		return kansa_error_set(KANSA_ELIMIT, KANSA_ERRCLASS_GIT, "more than %d remotes",
		    KANSA_MAX_ANCHOR_REMOTES);
	memset(&f, 0, sizeof(f));
	f.repo = repo;
	f.out = out;
	if ((error = setup_keys(&f, witnesses, n_witnesses)) < 0 ||
	    (error = kansa_anchor__head_branch(branch, repo)) < 0)
		goto out;
	born = git_reference_name_to_id(&start, repo, "HEAD") == 0;
	/* every remote first: a later one may show that local commits are published */
	for (size_t i = 0; i < n_remotes; i++)
		if (kansa_anchor__fetch(&tips[i], &have[i], repo, remotes[i], branch) < 0)
			have[i] = false; /* unreachable: the push says so */
	if (born)
		git_oid_cpy(&cur, &start);
	for (size_t i = 0; i < n_remotes && error == 0; i++)
		if (have[i])
			error = fold_one(&cur, &f, born, tips, have, remotes, n_remotes, i);
	/* REQ: ANCHOR-FOLD-ATOMIC the branch moves once, after every remote passed */
	if (error == 0 && born && !git_oid_equal(&cur, &start))
		error = kansa_anchor__advance(repo, &start, &cur,
		    "kansa anchor push: fold in witnesses' cosignatures from the mirrors");
out:
	for (size_t i = 0; i < KANSA_MAX_ANCHOR_WITNESSES; i++)
		kansa_note_verifier_free(f.owned[i]);
	return error;
}
