/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kansa anchor cosign (and kansa witness cosign): cosign, as a witness, the
 * newest checkpoint of a log in an anchor repository with a C2SP
 * tlog-cosignature, keeping the witness state per witness key
 * (docs/anchoring.md). The passphrase comes from a file or a prompt.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/anchor.h"

#define COSIGN_USAGE "--repo PATH --key MEMBER_KEY --log-key KEY [--state FILE]\n" \
	"[--remote NAME]... [--passphrase-file FILE] [--json]"
#define COSIGN_ABOUT "Act as a witness: verify the log's history in the repository, check that its\n" \
	"newest checkpoint extends the one you cosigned last (recorded in the state\n" \
	"file of your key), record the newest there, and add your C2SP cosignature\n" \
	"(tlog-cosignature v1, timestamped now) to it in a new commit; then push to\n" \
	"each --remote. A smaller size than you cosigned, or another root for a size\n" \
	"you cosigned, is refused with exit 1. Your witness vkey (type 0x04) is what\n" \
	"'kansa keys show' prints as witness vkey."

static const cli_help help_cosign = {
	.usage = COSIGN_USAGE,
	.about = COSIGN_ABOUT,
	.example = "git clone ssh://commission.example/anchors.git && cd anchors\n"
	    "kansa anchor cosign --repo . --key member-a.key --log-key \"$(cat site-a.logkey)\" --remote origin",
	.schema = "kansa.anchor.cosign/1",
};

/* kansa witness cosign: the same command under the witness group. */
static const cli_help help_witness_cosign = {
	.usage = COSIGN_USAGE,
	.about = COSIGN_ABOUT,
	.example = "git clone ssh://commission.example/anchors.git && cd anchors\n"
	    "kansa witness cosign --repo . --key member-a.key --log-key \"$(cat site-a.logkey)\" --remote origin",
	.schema = "kansa.witness.cosign/1",
};

/* mkdir -p of the directory part of @p path, mode 0700 for what it creates. */
static int make_parents(char *path)
{
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0700) != 0 && errno != EEXIST) {
			int e = errno;
			kansa_error_set_str(KANSA_EIO, "cannot create the witness state directory");
			*p = '/';
			cli_warn("%s: %s", path, strerror(e));
			return KANSA_EIO;
		}
		*p = '/';
	}
	return 0;
}

/* @p name with every '/' as '_' appended at out[*n] (a path part). */
static int put_part(char *out, size_t size, int *n, const char *name)
{
	if ((size_t)*n + strlen(name) + 1 >= size)
		return kansa_error_set_str(KANSA_EINVAL, "witness state path too long: give --state FILE");
	for (const char *p = name; *p; p++)
		out[(*n)++] = *p == '/' ? '_' : *p;
	out[*n] = '\0';
	return 0;
}

/* The directory of the witness states: ~/.config/kansa/witness/ (or under
 * $XDG_CONFIG_HOME). */
static int state_dir(char *out, size_t size, int *n)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");

	if (xdg && *xdg)
		*n = snprintf(out, size, "%s/kansa/witness/", xdg);
	else if (home && *home)
		*n = snprintf(out, size, "%s/.config/kansa/witness/", home);
	else
		return kansa_error_set_str(KANSA_EINVAL, "no $HOME to keep the witness state in: give --state FILE");
	if (*n < 0 || (size_t)*n >= size)
		return kansa_error_set_str(KANSA_EINVAL, "witness state path too long: give --state FILE");
	return 0;
}

int cli_witness_state_dir(char *out, size_t size, const kansa_note_verifier *me)
{
	char *vkey = NULL, *plus;
	int n = 0, error;

	if ((error = state_dir(out, size, &n)) < 0 || (error = kansa_note_verifier_format(&vkey, me)) < 0)
		return error;
	/* name+keyid of the vkey: cut at the second '+' */
	if ((plus = strchr(vkey, '+')) != NULL && (plus = strchr(plus + 1, '+')) != NULL)
		*plus = '\0';
	error = put_part(out, size, &n, vkey);
	free(vkey);
	return error;
}

int cli_witness_make_dir(char *dir, size_t size)
{
	size_t n = strlen(dir);
	int error;

	if (n + 2 >= size)
		return kansa_error_set_str(KANSA_EINVAL, "witness state path too long");
	dir[n] = '/';
	dir[n + 1] = '\0';
	error = make_parents(dir);
	dir[n] = '\0';
	return error;
}

/*
 * REQ: ANCHOR-WITNESS-STATE one state per witness key and log:
 * <dir>/<witness name>+<key ID hex>/<origin>, '/' as '_' in both, so two
 * members on one machine never share one.
 */
static int default_state(char *out, size_t size, const kansa_note_verifier *me, const char *origin)
{
	int n, error;

	if ((error = cli_witness_state_dir(out, size, me)) < 0)
		return error;
	n = (int)strlen(out);
	if ((size_t)n + 1 >= size)
		return kansa_error_set_str(KANSA_EINVAL, "witness state path too long: give --state FILE");
	out[n++] = '/';
	out[n] = '\0';
	error = put_part(out, size, &n, origin);
	return error < 0 ? error : make_parents(out);
}

/*
 * The state of earlier versions, <dir>/<origin>, shared by every witness
 * on the machine: when this witness has no state of its own yet and that
 * file holds this witness's signature (either form), start from it.
 */
static int import_old_state(const char *state, const kansa_note_verifier *log,
    const kansa_note_verifier *me, const kansa_key *key)
{
	char old[4096];
	uint8_t *note = NULL;
	size_t len = 0;
	kansa_note_verifier *me01 = NULL;
	kansa_checkpoint cp;
	struct stat st;
	int n = 0, error;

	if (stat(state, &st) == 0 || state_dir(old, sizeof(old), &n) < 0 ||
	    put_part(old, sizeof(old), &n, kansa_note_verifier_name(log)) < 0 ||
	    kansa_file_read(&note, &len, old, 256 * 1024, KANSA_FILE_SECRET) < 0)
		return 0;
	const kansa_note_verifier *vs[3] = { log, me, NULL };
	if ((error = kansa_note_verifier_from_key(&me01, key, kansa_key_name(key))) == 0) {
		vs[2] = me01;
		if (kansa_checkpoint_verify(&cp, (const char *)note, len, vs, 3, 1) == 0 &&
		    (cp.note.verified_mask & 6) != 0)
			error = kansa_file_write(state, note, len, 0600, KANSA_FILE_SECRET);
	}
	kansa_note_verifier_free(me01);
	free(note);
	return error;
}

static json_t *vkey_json(const kansa_note_verifier *v)
{
	char *vkey = NULL;
	json_t *j = kansa_note_verifier_format(&vkey, v) == 0 ? json_string(vkey) : json_null();

	free(vkey);
	return j;
}

static void print_cosign(const kansa_anchor_cosign_result *r, const char *who, const char *state)
{
	if (r->committed)
		printf("cosigned %s at size %llu as %s in commit %.12s\n", r->checkpoint.origin,
		    (unsigned long long)r->checkpoint.size, who, r->checkpoint.commit);
	else
		printf("already cosigned: %s at size %llu by %s\n", r->checkpoint.origin,
		    (unsigned long long)r->checkpoint.size, who);
	if (r->previous_size)
		printf("extends size %llu, cosigned before\n", (unsigned long long)r->previous_size);
	else
		printf("first cosignature of this log by %s\n", who);
	printf("witness state: %s\n", state);
}

static int cosign(int argc, char **argv, const cli_help *help)
{
	const char *schema = help->schema;
	anchor_opts o = { 0 };
	const cli_option opts[] = {
		OPT_REPO(o, "the anchor repository (your clone)"),
		CLI_OPT_PATH("key", 0, &o.member_key, "FILE", "your member key; its name is your witness name",
		    CLI_OPT_REQUIRED),
		CLI_OPT_LIST("log-key", 0, &o.log_keys, "KEY", "the log's verifier key (the log_key of 'kansa ledger info')", 0),
		CLI_OPT_PATH("state", 0, &o.state, "FILE", "witness state, one per witness key (default:\n"
		    "~/.config/kansa/witness/<name>+<key ID>/<origin>, / as _,\n"
		    "or under $XDG_CONFIG_HOME); created 0600", 0),
		OPT_REMOTE(o, "push the cosignature to this remote (repeatable)"),
		CLI_OPT_PATH("passphrase-file", 0, &o.pass_file, "FILE",
		    "the key's passphrase (else $KANSA_PASSPHRASE_FILE or a prompt)", 0),
		CLI_OPT_JSON(&o.json, "print the result as one JSON object"),
		CLI_OPT_END(),
	};
	kansa_note_verifier *logs[MAX_LIST] = { 0 }, *me = NULL;
	size_t n_logs = 0;
	kansa_anchor_cosign_result r;
	kansa_key *key = NULL;
	char state[4096];
	int rc, error;

	if ((rc = cli_parse_options(help, opts, argc, argv)) >= 0 ||
	    (rc = cli_anchor_check_remotes(&o)) >= 0)
		return rc;
	if (o.log_keys.n != 1)
		return cli_usage_error("give the log's key once: --log-key KEY");
	if ((error = cli_anchor_load_verifiers(logs, &n_logs, MAX_LIST, o.log_keys.v[0])) < 0)
		goto out;
	if (n_logs != 1) {
		error = cli_usage_error("--log-key: give exactly one log's key");
		goto done;
	}
	if ((error = cli_load_key(&key, o.member_key, o.pass_file)) < 0)
		goto out;
	if (kansa_key_name(key)[0] == '\0') {
		error = kansa_error_set_str(KANSA_EINVAL, "--key: the key has no name; a witness signs under "
		    "its name (make one with kansa keys generate --name NAME)");
		goto out;
	}
	if ((error = kansa_cosig_verifier_from_key(&me, key, kansa_key_name(key))) < 0)
		goto out;
	if (o.state)
		snprintf(state, sizeof(state), "%s", o.state);
	else if ((error = default_state(state, sizeof(state), me, kansa_note_verifier_name(logs[0]))) < 0 ||
	    (error = import_old_state(state, logs[0], me, key)) < 0)
		goto out;
	if ((error = kansa_anchor_cosign(&r, o.repo, logs[0], key, state, o.remotes.v, o.remotes.n)) < 0 &&
	    r.n_remotes == 0)
		goto out;
	if (o.json) {
		json_t *j = cli_anchor_checkpoint_json(&r.checkpoint);
		json_object_set_new(j, "committed", json_boolean(r.committed));
		json_object_set_new(j, "previous_size", json_integer((json_int_t)r.previous_size));
		json_object_set_new(j, "witness", json_string(kansa_key_name(key)));
		json_object_set_new(j, "witness_vkey", vkey_json(me));
		json_object_set_new(j, "state", json_string(state));
		json_object_set_new(j, "remotes_pushed", json_integer((json_int_t)r.remotes_pushed));
		json_object_set_new(j, "remotes", cli_anchor_remotes_json(r.remote, r.n_remotes, &o.remotes));
		cli_anchor_json_result(j, error, schema);
	} else {
		print_cosign(&r, kansa_key_name(key), state);
		cli_anchor_print_remotes(r.remote, r.n_remotes, &o.remotes);
	}
	if (error < 0) { /* a remote failed; the rest is reported above */
		cli_warn("%s", kansa_error_last()->message);
		error = cli_exit_code(error);
		goto done;
	}
out:
	if (error < 0)
		error = cli_fail(error, o.json, schema);
done:
	kansa_key_free(key);
	kansa_note_verifier_free(me);
	cli_anchor_free_verifiers(logs, n_logs);
	return error;
}

int cmd_anchor_cosign(int argc, char **argv) { return cosign(argc, argv, &help_cosign); }
int cmd_witness_cosign(int argc, char **argv) { return cosign(argc, argv, &help_witness_cosign); }
