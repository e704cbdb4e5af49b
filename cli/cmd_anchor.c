/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kansa anchor push | verify: publish the ledger's signed checkpoints to a
 * git repository and verify such a repository with public keys only
 * (docs/anchoring.md), and the pieces cli/anchor.h shares with anchor cosign
 * (cmd_anchor_cosign.c). The database key comes from a file or a prompt,
 * never from argv.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli/anchor.h"
#include "cli/doc.h"

/* A verifier key given as the key string itself, or a file holding key
 * strings one per line (what 'kansa ledger info' prints as log key). */
int cli_anchor_load_verifiers(kansa_note_verifier **out, size_t *n, size_t max, const char *arg)
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

/* A witness key: a verifier key string (a C2SP witness vkey of type 0x04,
 * or an old type 0x01 key), or a member's public key file (kansa keys
 * generate writes FILE.pub with the member's name): its 0x04 vkey. Either
 * form also verifies the other form's lines. */
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
	else if ((error = kansa_cosig_verifier_from_key(&out[*n], k, kansa_key_name(k))) == 0)
		(*n)++;
	kansa_key_free(k);
	return error;
}

int cli_anchor_check_remotes(const anchor_opts *o)
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

void cli_anchor_free_verifiers(kansa_note_verifier **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		kansa_note_verifier_free(v[i]);
}

/* "2026-12-03T08:30:00Z" */
static void utc_time(char out[32], uint64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (t > (uint64_t)INT32_MAX * 64 || gmtime_r(&tt, &tm) == NULL ||
	    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(out, 32, "%llu", (unsigned long long)t);
}

static json_t *cosigner_json(const kansa_anchor_cosigner *w)
{
	json_t *o = json_pack("{s:s, s:b, s:s}", "name", w->name, "verified", w->verified, "form",
	    w->old_form ? "old" : "cosignature/v1");

	if (w->timestamp)
		cli_json_time(o, "timestamp",
		    w->timestamp > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)w->timestamp);
	return o;
}

json_t *cli_anchor_checkpoint_json(const kansa_anchor_checkpoint *c)
{
	json_t *o = json_object(), *ws = json_array();

	json_object_set_new(o, "commit", json_string(c->commit));
	json_object_set_new(o, "origin", json_string(c->origin));
	json_object_set_new(o, "size", json_integer((json_int_t)c->size));
	json_object_set_new(o, "old_size", json_integer((json_int_t)c->old_size));
	json_object_set_new(o, "root", cli_json_hex(c->root, KANSA_HASH_LEN));
	for (size_t i = 0; i < c->n_cosigners && i < KANSA_ANCHOR_MAX_LISTED; i++)
		json_array_append_new(ws, cosigner_json(&c->cosigners[i]));
	json_object_set_new(o, "cosigners", ws);
	json_object_set_new(o, "n_cosigners", json_integer((json_int_t)c->n_cosigners));
	json_object_set_new(o, "witnessed", json_integer((json_int_t)c->n_witnessed));
	return o;
}

/* REQ: ANCHOR-PUSH-REMOTES each remote's outcome, also when one failed */
json_t *cli_anchor_remotes_json(const kansa_anchor_remote *r, size_t n, const cli_opt_list *names)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n && i < names->n; i++) {
		json_t *o = json_pack("{s:s, s:b}", "remote", names->v[i], "pushed", r[i].error == 0);
		if (r[i].error)
			json_object_set_new(o, "error", json_pack("{s:s, s:s}", "code", kansa_error_name(r[i].error),
			    "message", r[i].message));
		json_array_append_new(a, o);
	}
	return a;
}

void cli_anchor_print_remotes(const kansa_anchor_remote *r, size_t n, const cli_opt_list *names)
{
	for (size_t i = 0; i < n && i < names->n; i++)
		if (r[i].error == 0)
			printf("pushed to %s\n", names->v[i]);
		else
			printf("not pushed to %s: %s\n", names->v[i], r[i].message);
}

/* "ok" and, on failure, "error" into @p j, then print it. */
void cli_anchor_json_result(json_t *j, int error, const char *schema)
{
	json_object_set_new(j, "ok", json_boolean(error == 0));
	if (error < 0)
		json_object_set_new(j, "error", json_pack("{s:s, s:s}", "code", kansa_error_name(error),
		    "message", kansa_error_last()->message));
	cli_json_print(j, schema);
}

static int policy_witnesses(kansa_note_verifier **wit, size_t *n_wit, size_t *quorum,
    const anchor_opts *o);

/* ---- anchor push ------------------------------------------------------- */

static const cli_help help_push = {
	.usage = "--db DB --repo PATH [--remote NAME]... [--witness-key KEY]... [--policy POLICY]...\n"
	    "[--db-key-file FILE] [--json]",
	.about = "Publish the ledger's history to a git repository: if the ledger grew since it\n"
	    "was last anchored there, sign a new checkpoint and commit it as\n"
	    "logs/<origin>/checkpoint, with logs/<origin>/consistency-proof from the\n"
	    "anchored size; then push the branch to each --remote. The repository holds\n"
	    "hashes and signatures only, never ledger content. It is created when PATH does\n"
	    "not exist (bare when PATH ends in .git). A ledger that does not extend what the\n"
	    "repository holds (truncated, rolled back, forked) is refused with exit 1.\n"
	    "Each --remote is fetched first: commits witnesses pushed there that only add\n"
	    "cosignatures to checkpoints are folded in (linear history; lines by a\n"
	    "--witness-key or policy witness must verify, others are kept unverified). A\n"
	    "remote whose commits change anything else is refused with exit 1, and nothing\n"
	    "is committed or pushed.",
	.example = "git -C anchors.git remote add mirror ssh://commission.example/anchors.git\n"
	    "kansa anchor push --db ledger.db --repo anchors.git --remote mirror",
	.schema = "kansa.anchor.push/1",
};

/* What was folded in from each remote before the push. */
static void print_folded(const kansa_anchor_push_result *r, const cli_opt_list *names)
{
	for (size_t i = 0; i < r->n_remotes && i < names->n; i++)
		if (r->remote[i].folded)
			printf("folded in %zu commit%s from %s\n", r->remote[i].folded,
			    r->remote[i].folded == 1 ? "" : "s", names->v[i]);
	if (r->folded)
		printf("cosignatures folded in: %zu (%zu by keys not given, kept unverified)%s\n",
		    r->cosignatures, r->unverified, r->rebased ? "; local commits replayed on top" : "");
}

int cmd_anchor_push(int argc, char **argv)
{
	const char *schema = help_push.schema;
	anchor_opts o = { 0 };
	const cli_option opts[] = {
		OPT_REPO(o, "the anchor repository (bare or not)"),
		CLI_OPT_DB(&o.db, "the ledger", CLI_OPT_REQUIRED),
		OPT_REMOTE(o, "a remote of that repository to push to (repeatable)"),
		CLI_OPT_LIST("witness-key", 0, &o.witness_keys, "KEY", "a witness's vkey or .pub file: its cosignatures on\n"
		    "a remote must verify to be folded in (repeatable)", 0),
		CLI_OPT_LIST("policy", 0, &o.policies, "POLICY", "the commission's policy (repeat for the chain of\n"
		    "versions, oldest first): its witnesses, as --witness-key", 0),
		CLI_OPT_DB_KEY_FILE(&o.key_file),
		CLI_OPT_JSON(&o.json, "print the result as one JSON object"),
		CLI_OPT_END(),
	};
	kansa_note_verifier *wit[MAX_LIST] = { 0 };
	kansa_anchor_push_options po = KANSA_ANCHOR_PUSH_OPTIONS_INIT;
	kansa_anchor_push_result r;
	kansa_ledger *lg = NULL;
	size_t n_wit = 0, quorum = 0;
	int rc, error = 0;

	if ((rc = cli_parse_options(&help_push, opts, argc, argv)) >= 0 ||
	    (rc = cli_anchor_check_remotes(&o)) >= 0)
		return rc;
	o.quorum = 0; /* only the policy's witnesses are wanted here */
	for (size_t i = 0; i < o.witness_keys.n && error == 0; i++)
		error = load_witness(wit, &n_wit, o.witness_keys.v[i]);
	if (error == 0 && o.policies.n)
		error = policy_witnesses(wit, &n_wit, &quorum, &o);
	if (error < 0 || (error = cli_open_ledger(&lg, o.db, o.key_file, 0)) < 0)
		goto out;
	po.witnesses = (const kansa_note_verifier *const *)wit;
	po.n_witnesses = n_wit;
	/* a failed remote leaves a result to report: what was anchored, each remote */
	if ((error = kansa_anchor_publish(&r, lg, o.repo, o.remotes.v, o.remotes.n, &po)) < 0 &&
	    r.n_remotes == 0)
		goto out;
	if (o.json) {
		json_t *j = cli_anchor_checkpoint_json(&r.checkpoint);
		json_object_set_new(j, "committed", json_boolean(r.committed));
		json_object_set_new(j, "created", json_boolean(r.created));
		json_object_set_new(j, "remotes_pushed", json_integer((json_int_t)r.remotes_pushed));
		json_object_set_new(j, "remotes", cli_anchor_remotes_json(r.remote, r.n_remotes, &o.remotes));
		json_object_set_new(j, "folded", json_pack("{s:I, s:I, s:I, s:I}", "commits", (json_int_t)r.folded,
		    "cosignatures", (json_int_t)r.cosignatures, "unverified", (json_int_t)r.unverified,
		    "rebased", (json_int_t)r.rebased));
		cli_anchor_json_result(j, error, schema);
	} else {
		if (r.created)
			printf("created anchor repository %s\n", o.repo);
		print_folded(&r, &o.remotes);
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
		cli_anchor_print_remotes(r.remote, r.n_remotes, &o.remotes);
	}
	if (error < 0) {
		kansa_ledger_close(lg);
		cli_anchor_free_verifiers(wit, n_wit);
		cli_warn("%s", kansa_error_last()->message);
		return cli_exit_code(error);
	}
out:
	kansa_ledger_close(lg);
	cli_anchor_free_verifiers(wit, n_wit);
	return error < 0 ? cli_fail(error, o.json, schema) : EXIT_OK;
}

/* ---- anchor verify ----------------------------------------------------- */

static const cli_help help_verify = {
	.usage = "--repo PATH --log-key KEY... [--witness-key KEY]... [--witness-quorum K]\n"
	    "[--policy POLICY]... [--db DB [--db-key-file FILE]] [--json]",
	.about = "Walk the anchor repository from its first commit: every checkpoint of each log\n"
	    "is signed by its log key, and extends the one before by its consistency proof.\n"
	    "Needs public keys only. Cosignatures by --witness-key keys must verify; others\n"
	    "are shown as unverified. Witness lines of the old form (type 0x01, before C2SP\n"
	    "cosignatures) still verify and are shown as such. With --witness-quorum K, the\n"
	    "newest checkpoint of each log must carry valid cosignatures from K distinct\n"
	    "--witness-key keys. --policy (the chain of policy versions, as for 'warrant\n"
	    "verify') adds the policy's listed witnesses and makes its witness_quorum the\n"
	    "default of --witness-quorum. With --db, also check the local ledger: its log key\n"
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
		json_array_append_new(v->history, cli_anchor_checkpoint_json(c));
		return;
	}
	printf("commit %.12s  %s  size %llu", c->commit, c->origin, (unsigned long long)c->size);
	if (c->old_size == 0)
		printf("  first anchor");
	else if (c->old_size < c->size)
		printf("  extends %llu", (unsigned long long)c->old_size);
	for (size_t i = 0; i < c->n_cosigners && i < KANSA_ANCHOR_MAX_LISTED; i++) {
		const kansa_anchor_cosigner *w = &c->cosigners[i];
		char when[32];

		printf("%s%s (", i ? ", " : "  cosigned by ", w->name);
		if (!w->verified)
			printf("unverified: no --witness-key");
		else if (w->old_form)
			printf("verified, old form: a type 0x01 line, not a C2SP cosignature");
		else
			utc_time(when, w->timestamp), printf("verified cosignature/v1 at %s", when);
		printf(")");
	}
	if (c->n_cosigners > KANSA_ANCHOR_MAX_LISTED)
		printf(" and %zu more", c->n_cosigners - KANSA_ANCHOR_MAX_LISTED);
	printf("\n");
}

/* --policy: the policy in force lists witnesses (added to @p wit) and its
 * witness_quorum is the quorum unless --witness-quorum was given. */
static int policy_witnesses(kansa_note_verifier **wit, size_t *n_wit, size_t *quorum,
    const anchor_opts *o)
{
	kansa_policy *p = NULL;
	int error;

	if ((error = cli_doc_load_policies(&p, o->policies.v, o->policies.n)) < 0)
		return error;
	for (size_t i = 0; i < kansa_policy_witness_count(p) && error == 0; i++) {
		const char *vkey = kansa_policy_witness_vkey(p, i);
		if (*n_wit == MAX_LIST)
			error = kansa_error_set_str(KANSA_ELIMIT, "too many witness keys");
		else if ((error = kansa_note_verifier_parse(&wit[*n_wit], vkey, strlen(vkey))) == 0)
			(*n_wit)++;
	}
	if (error == 0 && o->quorum == UINT64_MAX)
		*quorum = kansa_policy_witness_quorum(p);
	kansa_policy_free(p);
	return error;
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
		CLI_OPT_LIST("witness-key", 0, &o.witness_keys, "KEY", "a witness's vkey (name+hex+base64, type 0x04), or a\n"
		    "member's .pub file (repeatable)", 0),
		CLI_OPT_UINT64("witness-quorum", 0, &o.quorum, "K", "distinct witnesses that must have cosigned the newest\n"
		    "checkpoint of each log (default 0)", 0),
		CLI_OPT_LIST("policy", 0, &o.policies, "POLICY", "the commission's policy (repeat for the chain of\n"
		    "versions, oldest first): its witnesses and witness_quorum", 0),
		CLI_OPT_DB(&o.db, "also check this ledger (needs its database key)", 0),
		CLI_OPT_DB_KEY_FILE(&o.key_file),
		CLI_OPT_JSON(&o.json, "one JSON object with the history of checkpoints"),
		CLI_OPT_END(),
	};
	kansa_note_verifier *logs[MAX_LIST] = { 0 }, *wit[MAX_LIST] = { 0 };
	size_t n_logs = 0, n_wit = 0;
	kansa_anchor_verify_options vo = { on_checkpoint, NULL, 0 };
	kansa_anchor_summary sum;
	verify_ctx vc = { NULL };
	json_t *j = NULL;
	int rc, error = 0;

	memset(&sum, 0, sizeof(sum));

	o.quorum = UINT64_MAX;
	if ((rc = cli_parse_options(&help_verify, opts, argc, argv)) >= 0)
		return rc;
	if (o.quorum != UINT64_MAX && o.policies.n == 0 && o.quorum > o.witness_keys.n)
		return cli_usage_error("--witness-quorum K needs at least K --witness-key keys");
	vo.witness_quorum = o.quorum == UINT64_MAX ? 0 : (size_t)o.quorum;
	/* the object first, so that a bad key is reported in it too */
	if (o.json) {
		j = json_object();
		vc.history = json_array();
		json_object_set_new(j, "history", vc.history);
	}
	for (size_t i = 0; i < o.log_keys.n && error == 0; i++)
		error = cli_anchor_load_verifiers(logs, &n_logs, MAX_LIST, o.log_keys.v[i]);
	for (size_t i = 0; i < o.witness_keys.n && error == 0; i++)
		error = load_witness(wit, &n_wit, o.witness_keys.v[i]);
	if (error == 0 && o.policies.n)
		error = policy_witnesses(wit, &n_wit, &vo.witness_quorum, &o);
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
		json_object_set_new(j, "witness_quorum", json_integer((json_int_t)vo.witness_quorum));
		json_object_set_new(j, "tip", json_string(sum.tip));
		if (sum.bad_commit[0])
			json_object_set_new(j, "bad_commit", json_string(sum.bad_commit));
		json_object_set_new(j, "ok", json_boolean(error == 0));
		if (error < 0)
			json_object_set_new(j, "error", json_pack("{s:s, s:s}", "code", kansa_error_name(error),
			    "message", kansa_error_last()->message));
		cli_json_print(j, schema);
	}
	cli_anchor_free_verifiers(logs, n_logs);
	cli_anchor_free_verifiers(wit, n_wit);
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
