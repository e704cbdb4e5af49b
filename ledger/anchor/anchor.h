/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Anchoring, internal to the ledger: the libgit2 adapter (anchor_git.c) and
 * what the push (anchor.c) and the verifier and witness (anchor_verify.c)
 * share. libgit2 types and errors stay behind this header: every libgit2
 * failure is translated into a kansa error here, and git_* allocations are
 * freed by the file that made them.
 *
 * Nothing here trusts a file read from a repository: sizes are checked from
 * the object header before a blob is inflated, and a checkpoint counts only
 * once its signature verified.
 */
#ifndef KANSA_LEDGER_ANCHOR_H
#define KANSA_LEDGER_ANCHOR_H

#include <git2.h>

#include "common/common.h"

/* Longest repository path of a log's file: "logs/" origin "/consistency-proof". */
#define KANSA_ANCHOR_PATH_MAX (KANSA_CHECKPOINT_MAX_ORIGIN + 64)

/* One file to write in a commit; data NULL removes the path. */
typedef struct {
	const char *path; /* repository path, '/'-separated */
	const char *data; /* borrowed bytes, or NULL to remove */
	size_t len;       /* bytes of data */
} kansa_anchor_file;

/* Map the last libgit2 error after a call that returned @p gerr: locks to
 * KANSA_ELOCKED, missing things to KANSA_ENOTFOUND, the rest to KANSA_EIO,
 * with "what: libgit2's message". Returns the kansa code. */
int kansa_anchor__git_error(int gerr, const char *what);

/* Open the repository at @p path (bare or not; the path itself, no search
 * upwards). With @p create, a missing path or empty directory becomes a new
 * repository, bare when the path ends in ".git", HEAD on "main". */
int kansa_anchor__open(git_repository **out, bool *created, const char *path, bool create);

/* HEAD's commit, or *out NULL when HEAD is unborn (no commits yet). */
int kansa_anchor__head(git_commit **out, git_repository *repo);

/* "logs/<origin>/<file>" into @p out, after checking that every '/'-separated
 * part of the origin is a plain name ([A-Za-z0-9._@-], not starting with '.').
 * Returns 0 or KANSA_EFORMAT. */
int kansa_anchor__log_path(char out[KANSA_ANCHOR_PATH_MAX], const char *origin, const char *file);

/* Read the blob at @p path of @p tree, at most @p max bytes (checked from the
 * object header before it is inflated), NUL-terminated into *out (free()).
 * KANSA_ENOTFOUND when there is no such file, KANSA_EFORMAT when it is not a
 * regular file, KANSA_ELIMIT when too large. When @p oid_out is not NULL it
 * gets the blob id (also the only thing filled when @p out is NULL). */
int kansa_anchor__read_file(char **out, size_t *len_out, git_oid *oid_out, git_repository *repo,
    git_tree *tree, const char *path, size_t max);

/* Commit @p files on top of @p parent (NULL: the first commit) and move HEAD's
 * branch there, failing with KANSA_ELOCKED if it moved meanwhile. In a
 * repository with a working tree the new files are checked out safely
 * (local changes to other files are kept). */
int kansa_anchor__commit(git_oid *out, git_repository *repo, git_commit *parent,
    const kansa_anchor_file *files, size_t n_files, const char *message);

/* Longest ref name of the anchor branch ("refs/heads/main"). */
#define KANSA_ANCHOR_REF_MAX 256

/* Commit @p files on the commit @p parent without moving any ref (a
 * rebased commit); the caller moves the branch with kansa_anchor__advance. */
int kansa_anchor__commit_on(git_oid *out, git_repository *repo, const git_oid *parent,
    const kansa_anchor_file *files, size_t n_files, const char *message);

/* The branch HEAD names ("refs/heads/main"); KANSA_EINVAL when detached. */
int kansa_anchor__head_branch(char out[KANSA_ANCHOR_REF_MAX], git_repository *repo);

/* Move HEAD's branch from @p from to @p to (KANSA_ELOCKED if it is no
 * longer at @p from) and bring a working tree along. */
int kansa_anchor__advance(git_repository *repo, const git_oid *from, const git_oid *to,
    const char *why);

/* Fetch @p branch of the remote @p name into the object database, changing
 * no ref: *out its tip there, *found false when the remote lacks it. */
int kansa_anchor__fetch(git_oid *out, bool *found, git_repository *repo, const char *name,
    const char *branch);

/*
 * Fold the witnesses' commits of each remote into HEAD's branch before a
 * push (docs/anchoring.md, "Mirrors and witnesses"): fetch each remote; a
 * remote whose extra commits only add well-formed cosignature lines to
 * checkpoints (those by @p witnesses verified) is fast-forwarded to, with
 * local commits it lacks replayed on top. Anything else is refused with
 * KANSA_EVERIFY before any ref moves. Counts go into @p out (folded,
 * rebased, cosignatures). A remote that cannot be fetched is left to the
 * push to report.
 */
int kansa_anchor__fold(kansa_anchor_push_result *out, git_repository *repo,
    const kansa_note_verifier *const *witnesses, size_t n_witnesses,
    const char *const *remotes, size_t n_remotes);

/* Push HEAD's branch to each named remote, going on past one that fails;
 * *pushed counts the remotes done, results[i] (KANSA_ANCHOR_MAX_REMOTES
 * room) says how remote i went, *n_results how many were tried. Returns 0
 * when every push was done, else the first failure's code, its message
 * naming how many were pushed. */
int kansa_anchor__push(size_t *pushed, kansa_anchor_remote *results, size_t *n_results,
    git_repository *repo, const char *const *remotes, size_t n_remotes);

/* The 40 hex digits of @p oid. */
void kansa_anchor__oid_hex(char out[KANSA_ANCHOR_COMMIT_HEX], const git_oid *oid);

/* Verify a checkpoint note read from a repository: signed by verifiers[0]
 * (the log), with cosignatures from the others checked when present, and
 * its origin equal to the log key's name. @p alt (NULL, or n_verifiers
 * long with alt[0] the log again) holds each witness in its other form
 * (kansa_anchor__other_form), so that old type 0x01 lines and C2SP
 * cosignatures by the same key both count. Fills @p cp (origin, size, root,
 * cosigners, n_witnessed), leaving commit and old_size alone. */
int kansa_anchor__checkpoint(kansa_anchor_checkpoint *cp, const char *note, size_t len,
    const kansa_note_verifier *const *verifiers, const kansa_note_verifier *const *alt,
    size_t n_verifiers);

/* The same key and name as @p v in the other signature type: a type 0x01
 * note key for a cosignature key, and the other way round. */
int kansa_anchor__other_form(kansa_note_verifier **out, const kansa_note_verifier *v);

/* Parse and verify the consistency proof text @p proof: from (old_size,
 * old_root) to (cp->size, cp->root). KANSA_EFORMAT or KANSA_EVERIFY. */
int kansa_anchor__check_proof(const char *proof, size_t len, uint64_t old_size,
    const uint8_t old_root[KANSA_HASH_LEN], const kansa_anchor_checkpoint *cp);

/* libgit2 init/shutdown, reference counted (as git_libgit2_init). */
int kansa_anchor__init(void);
void kansa_anchor__shutdown(void);

#endif
