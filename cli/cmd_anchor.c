/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kansa anchor push | verify | cosign: publish the ledger's signed
 * checkpoints to a git repository, verify such a repository with public keys
 * only, and cosign it as a witness (docs/anchoring.md). The database key
 * and passphrases come from files or a prompt, never from argv.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"

#define MAX_LIST CLI_OPT_LIST_MAX /* keys loaded from --log-key, --witness-key */

typedef struct {
	const char *db, *key_file, *repo, *member_key, *pass_file, *state;
	cli_opt_list remotes, log_keys, witness_keys;
	bool json;
} anchor_opts;

/* The entries of anchor_opts, as each command describes them. */
#define OPT_REPO(o, help) CLI_OPT_PATH("repo", 0, &(o).repo, "PATH", (help), CLI_OPT_REQUIRED)
#define OPT_REMOTE(o, help) CLI_OPT_LIST("remote", 0, &(o).remotes, "NAME", (help), 0)

/* A verifier key given as the key string itself, or a file holding key
 * strings one per line (what 'kansa ledger info' prints as log key). */
static int load_verifiers(kansa_note_verifier **out, size_t *n, size_t max, const char *arg)
{
	uint8_t *text = NULL;
	size_t len = 0;
	char *line, *next;
	int error = 0;

	if (strchr(arg, '+') != NULL && kansa_note_verifier_parse(&out[*n], arg, strlen(arg)) == 0) {
		(*n)++;
		return 0;
	}
	/* not a key and not a file of keys: malformed input (exit 3), not an
	 * environment failure */
	if (kansa_file_read(&text, &len, arg, 64 * 1024, 0) < 0)
		return kansa_error_set_str(KANSA_EFORMAT, "--log-key: neither a verifier key "
		    "(name+hash+base64, as 'kansa ledger info' prints) nor a readable file of them");
	for (line = (char *)text; line && *line && error == 0; line = next) {
		size_t l;
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if ((l = strlen(line)) == 0)
			continue;
		if (*n == max)
			error = kansa_error_set_str(KANSA_ELIMIT, "too many keys");
		else if ((error = kansa_note_verifier_parse(&out[*n], line, l)) == 0)
			(*n)++;
	}
	free(text);
	return error;
}

/* A witness key: a verifier key string, or a member's public key file
 * (kansa keys generate writes FILE.pub with the member's name). */
static int load_witness(kansa_note_verifier **out, size_t *n, const char *arg)
{
	kansa_key *k = NULL;
	int error;

	if (strchr(arg, '+') != NULL && kansa_note_verifier_parse(&out[*n], arg, strlen(arg)) == 0) {
		(*n)++;
		return 0;
	}
	if ((error = kansa_key_load(&k, arg, NULL)) < 0)
		return error;
	if (kansa_key_name(k)[0] == '\0')
		error = kansa_error_set_str(KANSA_EFORMAT, "--witness-key: the key file has no member "
		    "name (a kansa-name: line); give the witness's verifier key instead");
	else if ((error = kansa_note_verifier_from_key(&out[*n], k, kansa_key_name(k))) == 0)
		(*n)++;
	kansa_key_free(k);
	return error;
}

/*
 * --remote takes the name of a remote of the anchor repository. A path or
 * URL in its place (no remote name starts with '/' or '.' or holds ':')
 * is a usage error that says how to add it as a remote.
 */
static int check_remote_names(const anchor_opts *o)
{
	for (size_t i = 0; i < o->remotes.n; i++) {
		const char *r = o->remotes.v[i];
		if (r[0] == '/' || r[0] == '.' || strchr(r, ':') != NULL)
			return cli_usage_error("--remote %s: a path or URL, not the name of a remote; "
			    "add it as one first: git -C %s remote add NAME %s, then --remote NAME",
			    r, o->repo, r);
	}
	return -1;
}

static void free_verifiers(kansa_note_verifier **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		kansa_note_verifier_free(v[i]);
}

static json_t *checkpoint_json(const kansa_anchor_checkpoint *c)
{
	json_t *o = json_object(), *ws = json_array();

	json_object_set_new(o, "commit", json_string(c->commit));
	json_object_set_new(o, "origin", json_string(c->origin));
	json_object_set_new(o, "size", json_integer((json_int_t)c->size));
	json_object_set_new(o, "old_size", json_integer((json_int_t)c->old_size));
	json_object_set_new(o, "root", cli_json_hex(c->root, KANSA_HASH_LEN));
	for (size_t i = 0; i < c->n_cosigners && i < KANSA_ANCHOR_MAX_LISTED; i++)
		json_array_append_new(ws, json_pack("{s:s, s:b}", "name", c->cosigners[i].name,
		    "verified", c->cosigners[i].verified));
	json_object_set_new(o, "cosigners", ws);
	json_object_set_new(o, "n_cosigners", json_integer((json_int_t)c->n_cosigners));
	return o;
}

/* ---- anchor push ------------------------------------------------------- */

static const cli_help help_push = {
	.usage = "--db DB --repo PATH [--remote NAME]... [--db-key-file FILE] [--json]",
	.about = "Publish the ledger's history to a git repository: if the ledger grew since it\n"
	    "was last anchored there, sign a new checkpoint and commit it as\n"
	    "logs/<origin>/checkpoint, with logs/<origin>/consistency-proof from the\n"
	    "anchored size; then push the branch to each --remote. The repository holds\n"
	    "hashes and signatures only, never ledger content. It is created when PATH does\n"
	    "not exist (bare when PATH ends in .git). A ledger that does not extend what the\n"
	    "repository holds (truncated, rolled back, forked) is refused with exit 1.",
	.example = "git -C anchors.git remote add mirror ssh://commission.example/anchors.git\n"
	    "kansa anchor push --db ledger.db --repo anchors.git --remote mirror",
	.schema = "kansa.anchor.push/1",
};

int cmd_anchor_push(int argc, char **argv)
{
	const char *schema = help_push.schema;
	anchor_opts o = { 0 };
	const cli_option opts[] = {
		OPT_REPO(o, "the anchor repository (bare or not)"),
		CLI_OPT_DB(&o.db, "the ledger", CLI_OPT_REQUIRED),
		OPT_REMOTE(o, "a remote of that repository to push to (repeatable)"),
		CLI_OPT_DB_KEY_FILE(&o.key_file),
		CLI_OPT_JSON(&o.json, "print the result as one JSON object"),
		CLI_OPT_END(),
	};
	kansa_anchor_push_result r;
	kansa_ledger *lg = NULL;
	int rc, error;

	if ((rc = cli_parse_options(&help_push, opts, argc, argv)) >= 0 ||
	    (rc = check_remote_names(&o)) >= 0)
		return rc;
	if ((error = cli_open_ledger(&lg, o.db, o.key_file, 0)) < 0 ||
	    (error = kansa_anchor_push(&r, lg, o.repo, o.remotes.v, o.remotes.n)) < 0)
		goto out;
	if (o.json) {
		json_t *j = checkpoint_json(&r.checkpoint);
		json_object_set_new(j, "ok", json_true());
		json_object_set_new(j, "committed", json_boolean(r.committed));
		json_object_set_new(j, "created", json_boolean(r.created));
		json_object_set_new(j, "remotes_pushed", json_integer((json_int_t)r.remotes_pushed));
		cli_json_print(j, schema);
	} else {
		if (r.created)
			printf("created anchor repository %s\n", o.repo);
		if (r.committed && r.checkpoint.old_size)
			printf("anchored %s at size %llu (extends %llu) in commit %.12s\n", r.checkpoint.origin,
			    (unsigned long long)r.checkpoint.size, (unsigned long long)r.checkpoint.old_size,
			    r.checkpoint.commit);
		else if (r.committed)
			printf("anchored %s at size %llu (first anchor) in commit %.12s\n", r.checkpoint.origin,
			    (unsigned long long)r.checkpoint.size, r.checkpoint.commit);
		else
			printf("nothing new: %s is anchored at size %llu (commit %.12s)\n", r.checkpoint.origin,
			    (unsigned long long)r.checkpoint.size, r.checkpoint.commit);
		for (size_t i = 0; i < r.remotes_pushed; i++)
			printf("pushed to %s\n", o.remotes.v[i]);
	}
out:
	kansa_ledger_close(lg);
	return error < 0 ? cli_fail(error, o.json, schema) : EXIT_OK;
}

/* ---- anchor verify ----------------------------------------------------- */

static const cli_help help_verify = {
	.usage = "--repo PATH --log-key KEY... [--witness-key KEY]...\n"
	    "[--db DB [--db-key-file FILE]] [--json]",
	.about = "Walk the anchor repository from its first commit: every checkpoint of each log\n"
	    "is signed by its log key, and extends the one before by its consistency proof.\n"
	    "Needs public keys only. Cosignatures by --witness-key keys must verify; others\n"
	    "are shown as unverified. With --db, also check the local ledger: its log key\n"
	    "must be one of the --log-key keys, it must verify as 'kansa ledger verify'\n"
	    "does, and its first entries, hashed from their bodies, must give the root of\n"
	    "the newest anchored checkpoint (it was not truncated or rewritten since).\n"
	    "Exit 1 names the first commit that fails, or what is wrong with the ledger.",
	.example = "git clone https://commission.example/anchors.git && cd anchors\n"
	    "kansa anchor verify --repo . --log-key \"$(cat site-a.logkey)\" --witness-key member-a.key.pub",
	.schema = "kansa.anchor.verify/1",
};

typedef struct {
	json_t *history; /* --json: array of checkpoints */
} verify_ctx;

static void on_checkpoint(void *vctx, const kansa_anchor_checkpoint *c)
{
	verify_ctx *v = vctx;

	if (v->history) {
		json_array_append_new(v->history, checkpoint_json(c));
		return;
	}
	printf("commit %.12s  %s  size %llu", c->commit, c->origin, (unsigned long long)c->size);
	if (c->old_size == 0)
		printf("  first anchor");
	else if (c->old_size < c->size)
		printf("  extends %llu", (unsigned long long)c->old_size);
	for (size_t i = 0; i < c->n_cosigners && i < KANSA_ANCHOR_MAX_LISTED; i++)
		printf("%s%s (%s)", i ? ", " : "  cosigned by ", c->cosigners[i].name,
		    c->cosigners[i].verified ? "verified" : "unverified: no --witness-key");
	if (c->n_cosigners > KANSA_ANCHOR_MAX_LISTED)
		printf(" and %zu more", c->n_cosigners - KANSA_ANCHOR_MAX_LISTED);
	printf("\n");
}

/* --db: the ledger, under a trusted log key, rebuilt from its entries,
 * extends the newest anchored checkpoint. */
static int check_db(json_t *j, const anchor_opts *o, kansa_note_verifier *const *logs, size_t n_logs)
{
	kansa_anchor_checkpoint cp;
	kansa_ledger *lg = NULL;
	uint64_t size = 0;
	int error;

	if ((error = cli_open_ledger(&lg, o->db, o->key_file, KANSA_LEDGER_READONLY)) < 0)
		return error;
	error = kansa_anchor_check_ledger(&cp, &size, lg, o->repo,
	    (const kansa_note_verifier *const *)logs, n_logs);
	kansa_ledger_close(lg);
	if (error < 0)
		return error;
	if (j)
		json_object_set_new(j, "ledger", json_pack("{s:s, s:I, s:I, s:s}", "origin", cp.origin,
		    "size", (json_int_t)size, "anchored_size", (json_int_t)cp.size, "commit", cp.commit));
	else
		printf("ledger %s: %llu entries verified; rebuilt from their bodies, the first %llu "
		    "give the anchored root (commit %.12s)\n",
		    cp.origin, (unsigned long long)size, (unsigned long long)cp.size, cp.commit);
	return 0;
}

int cmd_anchor_verify(int argc, char **argv)
{
	const char *schema = help_verify.schema;
	anchor_opts o = { 0 };
	const cli_option opts[] = {
		OPT_REPO(o, "the anchor repository (a clone is fine)"),
		CLI_OPT_LIST("log-key", 0, &o.log_keys, "KEY", "a log's verifier key (name+hash+base64, the log_key of\n"
		    "'kansa ledger info'), or a file of them, one per line;\n"
		    "repeat it to verify a federation of ledgers at once", CLI_OPT_REQUIRED),
		CLI_OPT_LIST("witness-key", 0, &o.witness_keys, "KEY", "a witness's verifier key, or a member's .pub file", 0),
		CLI_OPT_DB(&o.db, "also check this ledger (needs its database key)", 0),
		CLI_OPT_DB_KEY_FILE(&o.key_file),
		CLI_OPT_JSON(&o.json, "one JSON object with the history of checkpoints"),
		CLI_OPT_END(),
	};
	kansa_note_verifier *logs[MAX_LIST] = { 0 }, *wit[MAX_LIST] = { 0 };
	size_t n_logs = 0, n_wit = 0;
	kansa_anchor_verify_options vo = { on_checkpoint, NULL };
	kansa_anchor_summary sum;
	verify_ctx vc = { NULL };
	json_t *j = NULL;
	int rc, error = 0;

	memset(&sum, 0, sizeof(sum));

	if ((rc = cli_parse_options(&help_verify, opts, argc, argv)) >= 0)
		return rc;
	/* the object first, so that a bad key is reported in it too */
	if (o.json) {
		j = json_object();
		vc.history = json_array();
		json_object_set_new(j, "history", vc.history);
	}
	for (size_t i = 0; i < o.log_keys.n && error == 0; i++)
		error = load_verifiers(logs, &n_logs, MAX_LIST, o.log_keys.v[i]);
	for (size_t i = 0; i < o.witness_keys.n && error == 0; i++)
		error = load_witness(wit, &n_wit, o.witness_keys.v[i]);
	if (error < 0)
		goto out;
	vo.ctx = &vc;
	error = kansa_anchor_verify(&sum, o.repo, (const kansa_note_verifier *const *)logs, n_logs,
	    (const kansa_note_verifier *const *)wit, n_wit, &vo);
	if (error == 0 && !o.json)
		printf("verified: %llu commits, %zu log%s, %llu checkpoints; tip %.12s\n",
		    (unsigned long long)sum.commits, sum.logs, sum.logs == 1 ? "" : "s",
		    (unsigned long long)sum.checkpoints, sum.tip);
	if (error == 0 && sum.unverified)
		cli_warn("%zu log%s in the repository had no --log-key and %s not verified", sum.unverified,
		    sum.unverified == 1 ? "" : "s", sum.unverified == 1 ? "was" : "were");
	if (error == 0 && o.db)
		error = check_db(j, &o, logs, n_logs);
out:
	if (j) {
		json_object_set_new(j, "commits", json_integer((json_int_t)sum.commits));
		json_object_set_new(j, "logs", json_integer((json_int_t)sum.logs));
		json_object_set_new(j, "checkpoints", json_integer((json_int_t)sum.checkpoints));
		json_object_set_new(j, "unverified_logs", json_integer((json_int_t)sum.unverified));
		json_object_set_new(j, "tip", json_string(sum.tip));
		if (sum.bad_commit[0])
			json_object_set_new(j, "bad_commit", json_string(sum.bad_commit));
		json_object_set_new(j, "ok", json_boolean(error == 0));
		if (error < 0)
			json_object_set_new(j, "error", json_pack("{s:s, s:s}", "code", kansa_error_name(error),
			    "message", kansa_error_last()->message));
		cli_json_print(j, schema);
	}
	free_verifiers(logs, n_logs);
	free_verifiers(wit, n_wit);
	if (error == 0)
		return EXIT_OK;
	if (j) {
		cli_warn("%s", kansa_error_last()->message);
		rc = cli_exit_code(error);
	} else {
		rc = cli_fail(error, false, schema);
	}
	if (sum.bad_commit[0])
		cli_warn("history before commit %.12s verified; do not trust checkpoints from it on, and "
		    "report it to the commission", sum.bad_commit);
	return rc;
}

/* ---- anchor cosign ----------------------------------------------------- */

static const cli_help help_cosign = {
	.usage = "--repo PATH --key MEMBER_KEY --log-key KEY [--state FILE]\n"
	    "[--remote NAME]... [--passphrase-file FILE] [--json]",
	.about = "Act as a witness: verify the log's history in the repository, check that its\n"
	    "newest checkpoint extends the one you cosigned last (recorded in the state\n"
	    "file), record the newest there, and add your signature line (C2SP signed note)\n"
	    "to it in a new commit; then push to each --remote. A checkpoint that does not\n"
	    "extend what you cosigned is refused with exit 1.",
	.example = "git clone ssh://commission.example/anchors.git && cd anchors\n"
	    "kansa anchor cosign --repo . --key member-a.key --log-key \"$(cat site-a.logkey)\" --remote origin",
	.schema = "kansa.anchor.cosign/1",
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

/* ~/.config/kansa/witness/<origin with / replaced by _> */
static int default_state(char *out, size_t size, const char *origin)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	int n;

	if (xdg && *xdg)
		n = snprintf(out, size, "%s/kansa/witness/", xdg);
	else if (home && *home)
		n = snprintf(out, size, "%s/.config/kansa/witness/", home);
	else
		return kansa_error_set_str(KANSA_EINVAL, "no $HOME to keep the witness state in: give --state FILE");
	if (n < 0 || (size_t)n + strlen(origin) >= size)
		return kansa_error_set_str(KANSA_EINVAL, "witness state path too long: give --state FILE");
	for (const char *p = origin; *p; p++)
		out[n++] = *p == '/' ? '_' : *p;
	out[n] = '\0';
	return make_parents(out);
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

int cmd_anchor_cosign(int argc, char **argv)
{
	const char *schema = help_cosign.schema;
	anchor_opts o = { 0 };
	const cli_option opts[] = {
		OPT_REPO(o, "the anchor repository (your clone)"),
		CLI_OPT_PATH("key", 0, &o.member_key, "FILE", "your member key; its name is your witness name",
		    CLI_OPT_REQUIRED),
		CLI_OPT_LIST("log-key", 0, &o.log_keys, "KEY", "the log's verifier key (the log_key of 'kansa ledger info')", 0),
		CLI_OPT_PATH("state", 0, &o.state, "FILE", "witness state (default: ~/.config/kansa/witness/<origin\n"
		    "with / as _>, or under $XDG_CONFIG_HOME); created 0600", 0),
		OPT_REMOTE(o, "push the cosignature to this remote (repeatable)"),
		CLI_OPT_PATH("passphrase-file", 0, &o.pass_file, "FILE",
		    "the key's passphrase (else $KANSA_PASSPHRASE_FILE or a prompt)", 0),
		CLI_OPT_JSON(&o.json, "print the result as one JSON object"),
		CLI_OPT_END(),
	};
	kansa_note_verifier *logs[MAX_LIST] = { 0 };
	size_t n_logs = 0;
	kansa_anchor_cosign_result r;
	kansa_key *key = NULL;
	char state[4096];
	int rc, error;

	if ((rc = cli_parse_options(&help_cosign, opts, argc, argv)) >= 0 ||
	    (rc = check_remote_names(&o)) >= 0)
		return rc;
	if (o.log_keys.n != 1)
		return cli_usage_error("give the log's key once: --log-key KEY");
	if ((error = load_verifiers(logs, &n_logs, MAX_LIST, o.log_keys.v[0])) < 0)
		goto out;
	if (n_logs != 1) {
		error = cli_usage_error("--log-key: give exactly one log's key");
		goto done;
	}
	if (o.state)
		snprintf(state, sizeof(state), "%s", o.state);
	else if ((error = default_state(state, sizeof(state), kansa_note_verifier_name(logs[0]))) < 0)
		goto out;
	if ((error = cli_load_key(&key, o.member_key, o.pass_file)) < 0 ||
	    (error = kansa_anchor_cosign(&r, o.repo, logs[0], key, state, o.remotes.v, o.remotes.n)) < 0)
		goto out;
	if (o.json) {
		json_t *j = checkpoint_json(&r.checkpoint);
		json_object_set_new(j, "ok", json_true());
		json_object_set_new(j, "committed", json_boolean(r.committed));
		json_object_set_new(j, "previous_size", json_integer((json_int_t)r.previous_size));
		json_object_set_new(j, "witness", json_string(kansa_key_name(key)));
		json_object_set_new(j, "state", json_string(state));
		json_object_set_new(j, "remotes_pushed", json_integer((json_int_t)r.remotes_pushed));
		cli_json_print(j, schema);
	} else {
		print_cosign(&r, kansa_key_name(key), state);
	}
out:
	if (error < 0)
		error = cli_fail(error, o.json, schema);
done:
	kansa_key_free(key);
	free_verifiers(logs, n_logs);
	return error;
}
