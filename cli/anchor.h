/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the anchor commands share (cmd_anchor.c: push, verify;
 * cmd_anchor_cosign.c: cosign, also run as kansa witness cosign): their
 * options, loading verifier keys, and the JSON and text of checkpoints and
 * remotes.
 */
#ifndef KANSA_CLI_ANCHOR_H
#define KANSA_CLI_ANCHOR_H

#include "cli/cli.h"

#define MAX_LIST CLI_OPT_LIST_MAX /* keys loaded from --log-key, --witness-key */

typedef struct {
	const char *db, *key_file, *repo, *member_key, *pass_file, *state;
	cli_opt_list remotes, log_keys, witness_keys, policies;
	uint64_t quorum; /* --witness-quorum; UINT64_MAX when not given */
	bool json;
} anchor_opts;

/* The entries of anchor_opts, as each command describes them. */
#define OPT_REPO(o, help) CLI_OPT_PATH("repo", 0, &(o).repo, "PATH", (help), CLI_OPT_REQUIRED)
#define OPT_REMOTE(o, help) CLI_OPT_LIST("remote", 0, &(o).remotes, "NAME", (help), 0)

/* A verifier key string, or a file of them one per line, into out[*n..]
 * (at most @p max in all). */
int cli_anchor_load_verifiers(kansa_note_verifier **out, size_t *n, size_t max, const char *arg);
void cli_anchor_free_verifiers(kansa_note_verifier **v, size_t n);
/* --remote takes the name of a remote of the anchor repository: a path or
 * URL in its place (no remote name starts with '/' or '.' or holds ':') is
 * a usage error that says how to add it as a remote. -1 when all are names,
 * else the exit code. */
int cli_anchor_check_remotes(const anchor_opts *o);
/* The directory of this witness key's state files (one per log, named by
 * its origin with '/' as '_'): ~/.config/kansa/witness/<name>+<key ID>, or
 * under $XDG_CONFIG_HOME (cmd_anchor_cosign.c). */
int cli_witness_state_dir(char *out, size_t size, const kansa_note_verifier *me);
/* mkdir -p @p dir (mode 0700 for what it creates). */
int cli_witness_make_dir(char *dir, size_t size);
/* An anchored checkpoint as JSON: commit, origin, sizes, root, cosigners. */
json_t *cli_anchor_checkpoint_json(const kansa_anchor_checkpoint *c);
/* Each remote's outcome: the "remotes" array of --json, or text lines. */
json_t *cli_anchor_remotes_json(const kansa_anchor_remote *r, size_t n, const cli_opt_list *names);
void cli_anchor_print_remotes(const kansa_anchor_remote *r, size_t n, const cli_opt_list *names);
/* "ok" and, on failure, "error" into @p j, then print it. */
void cli_anchor_json_result(json_t *j, int error, const char *schema);

#endif
