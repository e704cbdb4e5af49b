/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The remotes of the anchor repository, for libgit2: fetch the anchor
 * branch of a remote into the object database (no ref of the repository
 * changes), push the branch to each remote going on past one that fails,
 * and point a local mirror's unborn HEAD at the branch pushed. libgit2
 * errors are translated here; every git_* object is freed where it was made.
 *
 * It must never force a push: a remote that has moved on refuses it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ledger/anchor/anchor.h"

typedef struct {
	const char *remote;  /* for the message */
	int rejected;        /* the remote refused an update */
} push_ctx;

static int on_update(const char *refname, const char *status, void *data)
{
	push_ctx *c = data;

	if (status != NULL) {
		c->rejected = 1;
		kansa_error_set(KANSA_EIO, KANSA_ERRCLASS_GIT, "remote '%s' refused %s: %s",
		    c->remote, refname, status);
	}
	return 0;
}

/* The local path a remote URL names (file:// or a plain path), or NULL for
 * a URL with a scheme or an scp-like host:path, which are left to libgit2. */
static const char *local_path(const char *url)
{
	const char *colon, *slash;

	if (url == NULL || *url == '\0')
		return NULL;
	if (strncmp(url, "file://", 7) == 0)
		return url + 7;
	if (strstr(url, "://") != NULL)
		return NULL;
	if (url[0] != '/' && url[0] != '.' && (colon = strchr(url, ':')) != NULL &&
	    ((slash = strchr(url, '/')) == NULL || colon < slash))
		return NULL; /* host:path */
	return url;
}

/*
 * A remote whose URL is a local path (or file://) that is not a directory:
 * libgit2 would say "unsupported URL protocol"; say what is wrong instead
 * (KANSA_ENOTFOUND, exit 3).
 */
static int check_local_url(const char *name, const char *url)
{
	const char *path = local_path(url);
	git_repository *mirror = NULL;
	struct stat st;
	int gerr;

	if (path == NULL)
		return 0;
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		gerr = git_repository_open_ext(&mirror, path, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL);
		git_repository_free(mirror);
		if (gerr != GIT_ENOTFOUND)
			return 0; /* a repository, or an error libgit2 will report on push */
		return kansa_error_set(KANSA_ENOTFOUND, KANSA_ERRCLASS_GIT,
		    "remote '%s' is the local path '%s', not a git repository: make it one "
		    "(git init --bare) or fix the URL (git remote set-url)", name, path);
	}
	return kansa_error_set(KANSA_ENOTFOUND, KANSA_ERRCLASS_GIT,
	    "remote '%s' is the local path '%s', not a directory%s: create the mirror there "
	    "(git init --bare) or fix the URL (git remote set-url)", name, path,
	    path[0] == '/' ? "" : " (relative to the current directory)");
}

/*
 * REQ: ANCHOR-REMOTE-HEAD a mirror made with git init --bare names an
 * unborn branch in HEAD (master, or init.defaultBranch), so a plain git
 * clone of it checks nothing out. When the mirror is a local path and its
 * HEAD is unborn, point it at the branch just pushed. A HEAD naming a
 * branch that exists is the mirror owner's choice and is left alone. Best
 * effort: a mirror that cannot be changed still has the push.
 */
static void set_remote_head(const char *url, const char *branch)
{
	const char *path = local_path(url);
	git_repository *mirror = NULL;

	if (path == NULL || git_repository_open_ext(&mirror, path, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) < 0)
		return;
	if (git_repository_head_unborn(mirror) == 1)
		(void)git_repository_set_head(mirror, branch);
	git_repository_free(mirror);
}

/* The remote @p name of @p repo, its local URL checked. */
static int remote_open(git_remote **out, git_repository *repo, const char *name, bool push)
{
	const char *url;
	int gerr, error;

	*out = NULL;
	if ((gerr = git_remote_lookup(out, repo, name)) == GIT_ENOTFOUND || gerr == GIT_EINVALIDSPEC)
		return kansa_error_set(KANSA_ENOTFOUND, KANSA_ERRCLASS_GIT,
		    "no remote named '%s': add it with git remote add %s URL", name, name);
	if (gerr < 0)
		return kansa_anchor__git_error(gerr, name);
	url = push && git_remote_pushurl(*out) ? git_remote_pushurl(*out) : git_remote_url(*out);
	if ((error = check_local_url(name, url)) < 0) {
		git_remote_free(*out);
		*out = NULL;
	}
	return error;
}

/* The tip of @p branch on the connected remote @p r, if it has one. */
static int remote_tip(git_oid *out, bool *found, git_remote *r, const char *branch)
{
	const git_remote_head **heads = NULL;
	size_t n = 0;
	int gerr;

	if ((gerr = git_remote_ls(&heads, &n, r)) < 0)
		return kansa_anchor__git_error(gerr, "listing the remote's branches");
	for (size_t i = 0; i < n && !*found; i++)
		if (strcmp(heads[i]->name, branch) == 0) {
			git_oid_cpy(out, &heads[i]->oid);
			*found = true;
		}
	return 0;
}

int kansa_anchor__fetch(git_oid *out, bool *found, git_repository *repo, const char *name,
    const char *branch)
{
	git_remote_callbacks cb;
	git_fetch_options fo;
	git_remote *r = NULL;
	git_odb *odb = NULL;
	char *specp = (char *)branch;
	git_strarray specs = { &specp, 1 };
	int gerr, error;

	*found = false;
	if ((error = remote_open(&r, repo, name, false)) < 0)
		return error;
	if ((gerr = git_remote_init_callbacks(&cb, GIT_REMOTE_CALLBACKS_VERSION)) < 0 ||
	    (gerr = git_fetch_options_init(&fo, GIT_FETCH_OPTIONS_VERSION)) < 0 ||
	    (gerr = git_remote_connect(r, GIT_DIRECTION_FETCH, &cb, NULL, NULL)) < 0) {
		error = kansa_anchor__git_error(gerr, name);
		goto out;
	}
	if ((error = remote_tip(out, found, r, branch)) < 0 || !*found)
		goto out;
	/* download the objects only: no ref of this repository is changed */
	fo.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
	fo.update_fetchhead = 0;
	if ((gerr = git_repository_odb(&odb, repo)) < 0 ||
	    (!git_odb_exists(odb, out) && (gerr = git_remote_download(r, &specs, &fo)) < 0))
		error = kansa_anchor__git_error(gerr, name);
	else if (!git_odb_exists(odb, out))
		error = kansa_error_set(KANSA_EIO, KANSA_ERRCLASS_GIT,
		    "remote '%s': the fetch did not bring its tip", name);
out:
	git_odb_free(odb);
	git_remote_disconnect(r);
	git_remote_free(r);
	return error;
}

static int push_one(git_repository *repo, const char *name, const git_strarray *specs,
    const char *branch)
{
	git_push_options po;
	git_remote *r = NULL;
	push_ctx c = { name, 0 };
	int gerr, error = 0;

	if ((error = remote_open(&r, repo, name, true)) < 0)
		return error;
	if ((gerr = git_push_options_init(&po, GIT_PUSH_OPTIONS_VERSION)) < 0) {
		git_remote_free(r);
		return kansa_anchor__git_error(gerr, "push options");
	}
	po.callbacks.push_update_reference = on_update;
	po.callbacks.payload = &c;
	if ((gerr = git_remote_push(r, specs, &po)) == GIT_ENONFASTFORWARD)
		error = kansa_error_set(KANSA_EIO, KANSA_ERRCLASS_GIT,
		    "remote '%s' has anchor commits this repository does not have: run kansa anchor "
		    "push again (it folds in witnesses' cosignatures), or in a clone fast-forward "
		    "first (git pull --ff-only %s), then push again", name, name);
	else if (gerr < 0)
		error = kansa_anchor__git_error(gerr, name);
	else if (c.rejected)
		error = KANSA_EIO;
	else
		set_remote_head(git_remote_pushurl(r) ? git_remote_pushurl(r) : git_remote_url(r), branch);
	git_remote_free(r);
	return error;
}

int kansa_anchor__push(size_t *pushed, kansa_anchor_remote *results, size_t *n_results,
    git_repository *repo, const char *const *remotes, size_t n_remotes)
{
	git_reference *head = NULL;
	char spec[512], first[256] = "";
	char *specp = spec;
	git_strarray specs = { &specp, 1 };
	int gerr, error = 0, first_error = 0;

	*pushed = 0;
	*n_results = 0;
	if (n_remotes == 0)
		return 0;
	if (n_remotes > KANSA_MAX_ANCHOR_REMOTES)
		return kansa_error_set(KANSA_ELIMIT, KANSA_ERRCLASS_GIT, "more than %d remotes",
		    KANSA_MAX_ANCHOR_REMOTES);
	if ((gerr = git_repository_head(&head, repo)) < 0)
		return kansa_anchor__git_error(gerr, "HEAD");
	if (snprintf(spec, sizeof(spec), "%s:%s", git_reference_name(head),
	    git_reference_name(head)) >= (int)sizeof(spec)) {
		error = kansa_error_set(KANSA_ELIMIT, KANSA_ERRCLASS_GIT, "branch name too long");
		goto out;
	}
	/* REQ: ANCHOR-PUSH-REMOTES one unreachable remote does not stop the others */
	for (size_t i = 0; i < n_remotes; i++) {
		int e = push_one(repo, remotes[i], &specs, git_reference_name(head));
		size_t folded = results[i].folded; /* set by the fold before the push */

		memset(&results[i], 0, sizeof(results[i]));
		results[i].folded = folded;
		results[i].error = e;
		*n_results = i + 1;
		if (e == 0) {
			(*pushed)++;
			continue;
		}
		snprintf(results[i].message, sizeof(results[i].message), "%s", kansa_error_last()->message);
		if (first_error == 0) {
			first_error = e;
			snprintf(first, sizeof(first), "%s", results[i].message);
		}
	}
	/* Some remotes reached and some not: the publishing failed on the way
	 * (environment, exit 4), whatever each remote's own error (kept in its
	 * result); none reached: that first error says what to fix. */
	if (first_error != 0)
		error = kansa_error_set(*pushed > 0 ? KANSA_EIO : first_error, KANSA_ERRCLASS_GIT,
		    "pushed to %zu of %zu remotes; %s", *pushed, n_remotes, first);
out:
	git_reference_free(head);
	return error;
}
