/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The libgit2 adapter of anchoring: open or create the anchor repository,
 * read bounded files from a tree, commit files and move the branch (the
 * remotes are anchor_remote.c). It knows nothing about checkpoints. libgit2
 * errors become kansa errors through kansa_anchor__git_error, defined here;
 * every git_* object is freed in the function that made it.
 *
 * It must never hand-roll git: objects, refs, locks and transports are
 * libgit2's. It must never read a blob before its size is known to be
 * within the caller's bound.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ledger/anchor/anchor.h"

int kansa_anchor__init(void)
{
	if (git_libgit2_init() < 0)
		return kansa_anchor__git_error(-1, "libgit2 init");
	return 0;
}

void kansa_anchor__shutdown(void)
{
	git_libgit2_shutdown();
}

int kansa_anchor__git_error(int gerr, const char *what)
{
	const git_error *e = git_error_last();
	const char *msg = (e && e->message) ? e->message : "unknown libgit2 error";
	int code;

	switch (gerr) {
	case GIT_ELOCKED:
	case GIT_EMODIFIED:
		code = KANSA_ELOCKED;
		break;
	case GIT_ENOTFOUND:
		code = KANSA_ENOTFOUND;
		break;
	default:
		code = KANSA_EIO;
	}
	return kansa_error_set(code, KANSA_ERRCLASS_GIT, "%s: %s", what, msg);
}

void kansa_anchor__oid_hex(char out[KANSA_ANCHOR_COMMIT_HEX], const git_oid *oid)
{
	git_oid_tostr(out, KANSA_ANCHOR_COMMIT_HEX, oid);
}

/* A path that does not exist, or an empty directory, may become a repository. */
static bool can_create_at(const char *path)
{
	struct stat st;
	struct dirent *d;
	DIR *dir;
	bool empty = true;

	if (lstat(path, &st) != 0)
		return errno == ENOENT;
	if (!S_ISDIR(st.st_mode) || (dir = opendir(path)) == NULL)
		return false;
	while (empty && (d = readdir(dir)) != NULL)
		empty = strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0;
	closedir(dir);
	return empty;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

int kansa_anchor__open(git_repository **out, bool *created, const char *path, bool create)
{
	git_repository_init_options io;
	int gerr;

	*out = NULL;
	*created = false;
	gerr = git_repository_open_ext(out, path, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL);
	if (gerr == 0)
		return 0;
	if (gerr != GIT_ENOTFOUND)
		return kansa_anchor__git_error(gerr, path);
	if (!create)
		return kansa_error_set(KANSA_ENOTFOUND, KANSA_ERRCLASS_GIT,
		    "%s: not a git repository: give the anchor repository (or clone it first)", path);
	if (!can_create_at(path))
		return kansa_error_set(KANSA_EEXISTS, KANSA_ERRCLASS_GIT,
		    "%s: exists and is not a git repository: give a new path or an existing repository",
		    path);
	if ((gerr = git_repository_init_options_init(&io, GIT_REPOSITORY_INIT_OPTIONS_VERSION)) < 0)
		return kansa_anchor__git_error(gerr, "init options");
	io.flags = GIT_REPOSITORY_INIT_MKPATH | GIT_REPOSITORY_INIT_NO_REINIT;
	if (ends_with(path, ".git") || ends_with(path, ".git/"))
		io.flags |= GIT_REPOSITORY_INIT_BARE;
	io.initial_head = "main";
	if ((gerr = git_repository_init_ext(out, path, &io)) < 0)
		return kansa_anchor__git_error(gerr, path);
	*created = true;
	return 0;
}

int kansa_anchor__head(git_commit **out, git_repository *repo)
{
	git_object *obj = NULL;
	int gerr;

	*out = NULL;
	if ((gerr = git_repository_head_unborn(repo)) == 1)
		return 0;
	if (gerr < 0)
		return kansa_anchor__git_error(gerr, "HEAD");
	if ((gerr = git_revparse_single(&obj, repo, "HEAD^{commit}")) < 0)
		return kansa_anchor__git_error(gerr, "HEAD");
	*out = (git_commit *)obj;
	return 0;
}

/* A part of an origin used as a directory name. */
static bool part_is_plain(const char *s, size_t len)
{
	if (len == 0 || s[0] == '.')
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '.' || c == '_' || c == '@' || c == '-'))
			return false;
	}
	return true;
}

int kansa_anchor__log_path(char out[KANSA_ANCHOR_PATH_MAX], const char *origin, const char *file)
{
	const char *p = origin, *slash;
	int n;

	if (strlen(origin) > KANSA_CHECKPOINT_MAX_ORIGIN)
		return kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_GIT, "origin too long for a path");
	for (;;) {
		slash = strchr(p, '/');
		if (!part_is_plain(p, slash ? (size_t)(slash - p) : strlen(p)))
			return kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_GIT,
			    "origin '%.80s' cannot name a directory: its parts must be [A-Za-z0-9._@-] "
			    "and not start with '.'", origin);
		if (slash == NULL)
			break;
		p = slash + 1;
	}
	n = snprintf(out, KANSA_ANCHOR_PATH_MAX, "logs/%s/%s", origin, file);
	if (n < 0 || (size_t)n >= KANSA_ANCHOR_PATH_MAX)
		return kansa_error_set(KANSA_ELIMIT, KANSA_ERRCLASS_GIT, "repository path too long");
	return 0;
}

/* The size of a blob from its object header, without inflating it. */
static int blob_size(size_t *out, git_repository *repo, const git_oid *oid)
{
	git_odb *odb = NULL;
	git_object_t type;
	int gerr;

	if ((gerr = git_repository_odb(&odb, repo)) == 0)
		gerr = git_odb_read_header(out, &type, odb, oid);
	git_odb_free(odb);
	if (gerr < 0)
		return kansa_anchor__git_error(gerr, "object header");
	return type == GIT_OBJECT_BLOB ? 0 : kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_GIT,
	    "object is not a blob");
}

static int copy_blob(char **out, git_repository *repo, const git_oid *oid, size_t size)
{
	git_blob *blob = NULL;
	int gerr, error = 0;

	if ((gerr = git_blob_lookup(&blob, repo, oid)) < 0)
		return kansa_anchor__git_error(gerr, "blob");
	if ((size_t)git_blob_rawsize(blob) != size)
		error = kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_GIT, "blob size changed");
	else if ((*out = malloc(size + 1)) == NULL)
		error = kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
	else {
		memcpy(*out, git_blob_rawcontent(blob), size);
		(*out)[size] = '\0';
	}
	git_blob_free(blob);
	return error;
}

int kansa_anchor__read_file(char **out, size_t *len_out, git_oid *oid_out, git_repository *repo,
    git_tree *tree, const char *path, size_t max)
{
	git_tree_entry *e = NULL;
	size_t size = 0;
	int gerr, error;

	if (out)
		*out = NULL;
	if ((gerr = git_tree_entry_bypath(&e, tree, path)) == GIT_ENOTFOUND)
		return kansa_error_set(KANSA_ENOTFOUND, KANSA_ERRCLASS_GIT, "%s: no such file", path);
	if (gerr < 0)
		return kansa_anchor__git_error(gerr, path);
	if (git_tree_entry_filemode(e) != GIT_FILEMODE_BLOB) {
		error = kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_GIT,
		    "%s: not a regular file (mode %o)", path, (unsigned)git_tree_entry_filemode(e));
		goto out;
	}
	if (oid_out)
		git_oid_cpy(oid_out, git_tree_entry_id(e));
	if (out == NULL) {
		error = 0;
		goto out;
	}
	if ((error = blob_size(&size, repo, git_tree_entry_id(e))) < 0)
		goto out;
	if (size > max) {
		error = kansa_error_set(KANSA_ELIMIT, KANSA_ERRCLASS_GIT,
		    "%s: %zu bytes, more than the %zu allowed", path, size, max);
		goto out;
	}
	if ((error = copy_blob(out, repo, git_tree_entry_id(e), size)) == 0 && len_out)
		*len_out = size;
out:
	git_tree_entry_free(e);
	return error;
}

/* Stage one file (or its removal) in an in-memory index. */
static int stage(git_index *idx, git_repository *repo, const kansa_anchor_file *f)
{
	git_index_entry e;
	int gerr;

	if (f->data == NULL) {
		gerr = git_index_remove(idx, f->path, 0);
		return (gerr < 0 && gerr != GIT_ENOTFOUND) ? kansa_anchor__git_error(gerr, f->path) : 0;
	}
	memset(&e, 0, sizeof(e));
	e.mode = GIT_FILEMODE_BLOB;
	e.path = f->path;
	e.file_size = (uint32_t)f->len;
	if ((gerr = git_blob_create_from_buffer(&e.id, repo, f->data, f->len)) < 0 ||
	    (gerr = git_index_add(idx, &e)) < 0)
		return kansa_anchor__git_error(gerr, f->path);
	return 0;
}

/* The tree of @p parent with @p files applied, written to the repository. */
static int build_tree(git_tree **out, git_repository *repo, git_tree *base,
    const kansa_anchor_file *files, size_t n_files)
{
	git_index *idx = NULL;
	git_oid oid;
	int gerr, error = 0;

	if ((gerr = git_index_new(&idx)) < 0 || (base && (gerr = git_index_read_tree(idx, base)) < 0)) {
		error = kansa_anchor__git_error(gerr, "index");
		goto out;
	}
	for (size_t i = 0; i < n_files && error == 0; i++)
		error = stage(idx, repo, &files[i]);
	if (error == 0 && ((gerr = git_index_write_tree_to(&oid, idx, repo)) < 0 ||
	    (gerr = git_tree_lookup(out, repo, &oid)) < 0))
		error = kansa_anchor__git_error(gerr, "tree");
out:
	git_index_free(idx);
	return error;
}

/* Bring a working tree (if any) to the new commit; local edits are kept. */
static int checkout(git_repository *repo, git_tree *old, git_tree *new_tree)
{
	git_checkout_options co;
	int gerr;

	if (git_repository_is_bare(repo))
		return 0;
	if ((gerr = git_checkout_options_init(&co, GIT_CHECKOUT_OPTIONS_VERSION)) < 0)
		return kansa_anchor__git_error(gerr, "checkout options");
	co.checkout_strategy = GIT_CHECKOUT_SAFE | GIT_CHECKOUT_RECREATE_MISSING;
	co.baseline = old;
	if ((gerr = git_checkout_tree(repo, (const git_object *)new_tree, &co)) < 0)
		return kansa_anchor__git_error(gerr, "committed, but the working tree was not updated");
	return 0;
}

/* Commit @p files on @p parent; @p ref (NULL: none) is moved there only
 * if it still points at parent. */
static int commit_files(git_oid *out, git_repository *repo, git_commit *parent,
    const kansa_anchor_file *files, size_t n_files, const char *message, const char *ref)
{
	git_tree *base = NULL, *tree = NULL;
	git_signature *sig = NULL;
	const git_commit *parents[1] = { parent };
	int gerr, error;

	if (parent && (gerr = git_commit_tree(&base, parent)) < 0)
		return kansa_anchor__git_error(gerr, "parent tree");
	if ((error = build_tree(&tree, repo, base, files, n_files)) < 0)
		goto out;
	/* the committer is the repository's user.name/email, else kansa itself */
	if (git_signature_default(&sig, repo) < 0 &&
	    (gerr = git_signature_now(&sig, "kansa", "kansa@localhost")) < 0) {
		error = kansa_anchor__git_error(gerr, "signature");
		goto out;
	}
	/* libgit2 moves HEAD's branch only if it still points at parent */
	if ((gerr = git_commit_create(out, repo, ref, sig, sig, NULL, message, tree,
	    parent ? 1 : 0, parents)) < 0) {
		error = kansa_anchor__git_error(gerr, "commit (did another anchor run at the same time? "
		    "run it again)");
		goto out;
	}
	if (ref)
		error = checkout(repo, base, tree);
out:
	git_signature_free(sig);
	git_tree_free(tree);
	git_tree_free(base);
	return error;
}

int kansa_anchor__commit(git_oid *out, git_repository *repo, git_commit *parent,
    const kansa_anchor_file *files, size_t n_files, const char *message)
{
	return commit_files(out, repo, parent, files, n_files, message, "HEAD");
}

int kansa_anchor__commit_on(git_oid *out, git_repository *repo, const git_oid *parent,
    const kansa_anchor_file *files, size_t n_files, const char *message)
{
	git_commit *p = NULL;
	int gerr, error;

	if ((gerr = git_commit_lookup(&p, repo, parent)) < 0)
		return kansa_anchor__git_error(gerr, "parent commit");
	error = commit_files(out, repo, p, files, n_files, message, NULL);
	git_commit_free(p);
	return error;
}

int kansa_anchor__head_branch(char out[KANSA_ANCHOR_REF_MAX], git_repository *repo)
{
	git_reference *head = NULL;
	int gerr, error = 0;

	if ((gerr = git_reference_lookup(&head, repo, "HEAD")) < 0)
		return kansa_anchor__git_error(gerr, "HEAD");
	if (git_reference_type(head) != GIT_REFERENCE_SYMBOLIC ||
	    strncmp(git_reference_symbolic_target(head), "refs/heads/", 11) != 0)
		error = kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_GIT,
		    "HEAD is detached: check out the anchor branch (git checkout main)");
	else if (snprintf(out, KANSA_ANCHOR_REF_MAX, "%s", git_reference_symbolic_target(head)) >=
	    KANSA_ANCHOR_REF_MAX)
		error = kansa_error_set(KANSA_ELIMIT, KANSA_ERRCLASS_GIT, "branch name too long");
	git_reference_free(head);
	return error;
}

int kansa_anchor__advance(git_repository *repo, const git_oid *from, const git_oid *to,
    const char *why)
{
	char branch[KANSA_ANCHOR_REF_MAX];
	git_reference *ref = NULL;
	git_commit *a = NULL, *b = NULL;
	git_tree *ta = NULL, *tb = NULL;
	int gerr, error;

	if ((error = kansa_anchor__head_branch(branch, repo)) < 0)
		return error;
	if ((gerr = git_commit_lookup(&a, repo, from)) < 0 || (gerr = git_commit_lookup(&b, repo, to)) < 0 ||
	    (gerr = git_commit_tree(&ta, a)) < 0 || (gerr = git_commit_tree(&tb, b)) < 0) {
		error = kansa_anchor__git_error(gerr, "commit");
		goto out;
	}
	/* compare and swap: fails if another run moved the branch meanwhile */
	if ((gerr = git_reference_create_matching(&ref, repo, branch, to, 1, from, why)) < 0) {
		error = kansa_anchor__git_error(gerr, "moving the branch (did another anchor run at "
		    "the same time? run it again)");
		goto out;
	}
	error = checkout(repo, ta, tb);
out:
	git_reference_free(ref);
	git_tree_free(tb);
	git_tree_free(ta);
	git_commit_free(b);
	git_commit_free(a);
	return error;
}
