/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kansa ledger init | info | policy | revoke | ratify | checkpoint | proof |
 * verify: the encrypted ledger from the command line (ledger rekey is in
 * cmd_ledger_rekey.c). The database key comes from --db-key-file or
 * $KANSA_DB_KEY_FILE (mode 0600), never from argv (cli/db.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/anchor.h"
#include "cli/ledger_witness.h"

/* Read a whole input file given by an option, with its name for errors. */
static int read_input(uint8_t **out, size_t *len, const char *path, size_t max)
{
	return cli_read_input(out, len, path, max);
}

/* ---- ledger init ---------------------------------------------------- */

static const cli_help help_init = {
	.usage = "--db DB --policy POLICY.cose [--db-key-file FILE] [--json]",
	.about = "Create a new encrypted ledger. The policy (version 1, signed by its own\n"
	    "quorum of members) becomes entry 0; a fresh Ed25519 ledger signing key is made\n"
	    "and kept inside the encrypted database. The database key file (mode 0600)\n"
	    "holds 64 hex digits (a raw 256-bit key) or a passphrase (run through scrypt).",
	.example = "openssl rand -hex 32 > ledger.keyfile && chmod 600 ledger.keyfile\n"
	    "kansa ledger init --db ledger.db --policy policy.cose --db-key-file ledger.keyfile",
	.schema = "kansa.ledger.init/1",
};

static void print_info(const kansa_ledger_info *in, json_t *clock, bool json, const char *schema)
{
	char head[2 * KANSA_HASH_LEN + 1], root[2 * KANSA_HASH_LEN + 1];

	kansa_hex_encode(head, in->head, KANSA_HASH_LEN);
	kansa_hex_encode(root, in->root, KANSA_HASH_LEN);
	if (json) {
		json_t *o = json_object();
		json_object_set_new(o, "ok", json_true());
		json_object_set_new(o, "size", json_integer((json_int_t)in->size));
		json_object_set_new(o, "head", json_string(head));
		json_object_set_new(o, "root", json_string(root));
		json_object_set_new(o, "policy_version", json_integer((json_int_t)in->policy_version));
		json_object_set_new(o, "commission", json_string(in->commission));
		json_object_set_new(o, "origin", json_string(in->origin));
		json_object_set_new(o, "log_key", json_string(in->log_key));
		cli_json_time(o, "last_time", in->last_time);
		if (clock)
			json_object_set(o, "clock", clock);
		cli_json_print(o, schema);
		return;
	}
	printf("commission:     %s\n", in->commission);
	printf("policy version: %llu\n", (unsigned long long)in->policy_version);
	printf("entries:        %llu\n", (unsigned long long)in->size);
	printf("head:           %s\n", head);
	printf("root:           %s\n", root);
	printf("origin:         %s\n", in->origin);
	printf("log key:        %s\n", in->log_key);
	if (clock)
		printf("clock:          %s\n", json_string_value(json_object_get(clock, "state")));
}

int cmd_ledger_init(int argc, char **argv)
{
	const char *db = NULL, *key_file = NULL, *policy = NULL;
	bool json = false;
	const cli_option opts[] = {
		CLI_OPT_DB(&db, "database file to create (must not exist)", CLI_OPT_REQUIRED),
		CLI_OPT_PATH("policy", 0, &policy, "FILE", "the signed policy (COSE)", CLI_OPT_REQUIRED),
		CLI_OPT_DB_KEY_FILE(&key_file),
		CLI_OPT_JSON(&json, "print the result as one JSON object"),
		CLI_OPT_END(),
	};
	kansa_secret *key = NULL;
	kansa_ledger *lg = NULL;
	kansa_ledger_info info;
	uint8_t *doc = NULL;
	size_t len = 0;
	int rc, error;

	if ((rc = cli_parse_options(&help_init, opts, argc, argv)) >= 0)
		return rc;
	if ((error = cli_db_key(&key, key_file)) < 0 ||
	    (error = read_input(&doc, &len, policy, 1024 * 1024)) < 0 ||
	    (error = kansa_ledger_init(db, key, doc, len)) < 0 ||
	    (error = kansa_ledger_open(&lg, db, key, KANSA_LEDGER_READONLY)) < 0 ||
	    (error = kansa_ledger_get_info(&info, lg)) < 0)
		goto out;
	if (!json)
		printf("created ledger %s\n", db);
	print_info(&info, NULL, json, help_init.schema);
out:
	kansa_ledger_close(lg);
	kansa_secret_free(key);
	free(doc);
	return error < 0 ? cli_fail(error, json, help_init.schema) : EXIT_OK;
}

/* ---- ledger info ---------------------------------------------------- */

static const cli_help help_info = {
	.usage = "--db DB [--db-key-file FILE] [--json]",
	.about = "Print the ledger's size, head hash, Merkle root, policy version and the\n"
	    "ledger's public key in signed-note verifier form (name+hash+base64), which\n"
	    "auditors and witnesses use to check checkpoints without the database key.",
	.example = "kansa ledger info --db ledger.db --db-key-file ledger.keyfile --json",
	.schema = "kansa.ledger.info/1",
};

int cmd_ledger_info(int argc, char **argv)
{
	const char *db = NULL, *key_file = NULL;
	bool json = false;
	const cli_option opts[] = {
		CLI_OPT_DB(&db, "the ledger", CLI_OPT_REQUIRED),
		CLI_OPT_DB_KEY_FILE(&key_file),
		CLI_OPT_JSON(&json, "print the result as one JSON object"),
		CLI_OPT_END(),
	};
	kansa_ledger *lg = NULL;
	kansa_ledger_info info;
	json_t *clock = NULL;
	int rc, error;

	if ((rc = cli_parse_options(&help_info, opts, argc, argv)) >= 0)
		return rc;
	if ((error = cli_open_ledger(&lg, db, key_file, KANSA_LEDGER_READONLY)) < 0 ||
	    (error = kansa_ledger_get_info(&info, lg)) < 0)
		goto out;
	clock = cli_clock_check(lg);
	print_info(&info, clock, json, help_info.schema);
out:
	json_decref(clock);
	kansa_ledger_close(lg);
	return error < 0 ? cli_fail(error, json, help_info.schema) : EXIT_OK;
}

/* ---- ledger policy / revoke ----------------------------------------- */

static const cli_help help_policy = {
	.usage = "--db DB --policy NEW_POLICY.cose [--db-key-file FILE] [--json]",
	.about = "Activate the next policy version. It must be version n+1 of the same\n"
	    "commission, signed by the 'policy' quorum of the version in force.",
	.example = "kansa ledger policy --db ledger.db --policy policy-v2.cose",
	.schema = "kansa.ledger.policy/1",
};

static const cli_help help_revoke = {
	.usage = "--db DB --revocation REVOCATION.cose [--db-key-file FILE] [--json]",
	.about = "Record a revocation signed by the 'revoke' quorum. Every later request under\n"
	    "the revoked warrant is denied with reason 'revoked'.",
	.example = "kansa ledger revoke --db ledger.db --revocation revoke-0042.cose",
	.schema = "kansa.ledger.revoke/1",
};

static const cli_help help_ratify = {
	.usage = "--db DB --ratification RATIFICATION.cose [--db-key-file FILE] [--json]",
	.about = "Record the commission's answer to an emergency act: a ratification that\n"
	    "names the act's leaf hash (from its receipt or 'kansa audit report'),\n"
	    "approves or refuses it, and carries the 'revoke' quorum. Until then the\n"
	    "act is listed as pending, or overdue after its deadline.",
	.example = "kansa ratification create --in ratification.json --out rat.cose\n"
	    "kansa ratification sign rat.cose --key member-a.key\n"
	    "kansa ledger ratify --db ledger.db --ratification rat.cose",
	.schema = "kansa.ledger.ratify/1",
};

enum { APPEND_POLICY, APPEND_REVOCATION, APPEND_RATIFICATION };

/* What differs between ledger policy, revoke and ratify. */
static const struct {
	const char *option, *option_help, *done;
	const cli_help *help;
} append_kinds[] = {
	[APPEND_POLICY] = { "policy", "the next policy version, signed (COSE)", "policy activated", &help_policy },
	[APPEND_REVOCATION] = { "revocation", "the signed revocation (COSE)", "revocation recorded", &help_revoke },
	[APPEND_RATIFICATION] = { "ratification", "the signed ratification (COSE)", "ratification recorded",
	    &help_ratify },
};

static int append_doc(int argc, char **argv, int kind)
{
	const cli_help *help = append_kinds[kind].help;
	const char *db = NULL, *key_file = NULL, *file = NULL;
	bool json = false;
	const cli_option opts[] = {
		CLI_OPT_DB(&db, "the ledger", CLI_OPT_REQUIRED),
		CLI_OPT_PATH(append_kinds[kind].option, 0, &file, "FILE", append_kinds[kind].option_help,
		    CLI_OPT_REQUIRED),
		CLI_OPT_DB_KEY_FILE(&key_file),
		CLI_OPT_JSON(&json, "print the receipt as one JSON object"),
		CLI_OPT_END(),
	};
	kansa_ledger *lg = NULL;
	kansa_receipt r;
	uint8_t *doc = NULL;
	size_t len = 0;
	int rc, error;

	if ((rc = cli_parse_options(help, opts, argc, argv)) >= 0)
		return rc;
	if ((error = read_input(&doc, &len, file, 1024 * 1024)) < 0 ||
	    (error = cli_open_ledger(&lg, db, key_file, 0)) < 0)
		goto out;
	if (kind == APPEND_POLICY)
		error = kansa_ledger_activate_policy(&r, lg, doc, len);
	else if (kind == APPEND_REVOCATION)
		error = kansa_ledger_revoke(&r, lg, doc, len);
	else
		error = kansa_ledger_ratify(&r, lg, doc, len);
	if (error < 0)
		goto out;
	if (json) {
		json_t *j = cli_receipt_json(&r);
		json_object_set_new(j, "ok", json_true());
		cli_json_print(j, help->schema);
	} else {
		cli_receipt_print(&r, append_kinds[kind].done);
	}
out:
	kansa_ledger_close(lg);
	free(doc);
	return error < 0 ? cli_fail(error, json, help->schema) : EXIT_OK;
}

int cmd_ledger_policy(int argc, char **argv) { return append_doc(argc, argv, APPEND_POLICY); }
int cmd_ledger_revoke(int argc, char **argv) { return append_doc(argc, argv, APPEND_REVOCATION); }
int cmd_ledger_ratify(int argc, char **argv) { return append_doc(argc, argv, APPEND_RATIFICATION); }

/* ---- ledger checkpoint / proof ---------------------------------------- */

static const cli_help help_checkpoint = {
	.usage = "--db DB [--witness URL]... [--witness-key KEY]... [--witness-ca CA]\n"
	    "[--witness-timeout SECONDS] [--witness-quorum K] [--db-key-file FILE] [--json]",
	.about = "Sign a checkpoint of the ledger as it is now (C2SP tlog-checkpoint: origin,\n"
	    "size, Merkle root) with the ledger's own key, store it in the ledger and\n"
	    "print it. Anyone can verify it with the log key of 'kansa ledger info'.\n"
	    "With --witness, ask each C2SP tlog-witness (kansa witness serve) to cosign\n"
	    "it, from the size it cosigned last (learnt from its 409 answer), and print\n"
	    "the checkpoint with the cosignatures that verify under the policy's\n"
	    "witnesses or a --witness-key (others are dropped); one line per witness on\n"
	    "stderr. Exit 1 when fewer distinct witnesses cosigned than the policy's\n"
	    "witness_quorum (or --witness-quorum K); the checkpoint is still printed.",
	.example = "kansa ledger checkpoint --db ledger.db > checkpoint\n"
	    "kansa ledger checkpoint --db ledger.db --witness https://witness.example:7380 > checkpoint",
	.schema = "kansa.ledger.checkpoint/1",
};

int cmd_ledger_checkpoint(int argc, char **argv)
{
	const char *schema = help_checkpoint.schema;
	const char *db = NULL, *key_file = NULL;
	cli_ledger_witness_opts w = { .quorum = UINT64_MAX };
	cli_opt_uint timeout = { 0, false }, quorum = { 0, false };
	const cli_option opts[] = {
		CLI_OPT_DB(&db, "the ledger", CLI_OPT_REQUIRED),
		CLI_OPT_LIST("witness", 0, &w.urls, "URL", "a C2SP witness to cosign it (https://host:port); repeatable", 0),
		CLI_OPT_LIST("witness-key", 0, &w.keys, "KEY", "a witness vkey (type 0x04) to trust besides\n"
		    "the policy's witnesses, or a file of them; repeatable", 0),
		CLI_OPT_PATH("witness-ca", 0, &w.ca, "FILE", "CA certificates (PEM) for the witnesses' TLS\n"
		    "(default: the system's)", 0),
		CLI_OPT_UINT64("witness-timeout", 0, &timeout, "SECONDS", "per request to a witness (default 30)", 0),
		CLI_OPT_UINT64("witness-quorum", 0, &quorum, "K",
		    "distinct trusted witnesses needed (default: the policy's)", 0),
		CLI_OPT_DB_KEY_FILE(&key_file),
		CLI_OPT_JSON(&w.json, "print the checkpoint in one JSON object"),
		CLI_OPT_END(),
	};
	kansa_ledger *lg = NULL;
	json_t *j = NULL;
	char *note = NULL;
	size_t len = 0;
	int rc, error;

	if ((rc = cli_parse_options(&help_checkpoint, opts, argc, argv)) >= 0)
		return rc;
	if (timeout.value > 3600)
		return cli_usage_error("--witness-timeout: at most 3600 seconds");
	if ((timeout.given || quorum.given || w.keys.n || w.ca) && w.urls.n == 0)
		return cli_usage_error("--witness-key, --witness-ca, --witness-timeout and --witness-quorum "
		    "go with --witness URL");
	for (size_t i = 0; i < w.urls.n; i++)
		if (strncmp(w.urls.v[i], "https://", 8) != 0)
			return cli_usage_error("--witness '%.100s': give an https:// URL, as "
			    "https://witness.example:7380", w.urls.v[i]);
	w.timeout = (unsigned)timeout.value;
	if (quorum.given)
		w.quorum = quorum.value;
	if ((error = cli_open_ledger(&lg, db, key_file, 0)) < 0 ||
	    (error = kansa_ledger_checkpoint(&note, &len, lg)) < 0)
		goto out;
	j = json_object();
	/* REQ: WITNESS-CLIENT the checkpoint goes out with the cosignatures collected */
	if (w.urls.n && (error = cli_ledger_witness(j, &note, &len, lg, &w)) < 0 && error != KANSA_EVERIFY)
		goto out;
	if (w.json) {
		json_object_set_new(j, "checkpoint", json_stringn(note, len));
		cli_anchor_json_result(j, error, schema);
		j = NULL;
	} else {
		fwrite(note, 1, len, stdout);
		if (error < 0)
			cli_warn("%s", kansa_error_last()->message);
	}
	rc = error < 0 ? cli_exit_code(error) : EXIT_OK; /* reported above */
	error = 0;
out:
	json_decref(j);
	free(note);
	kansa_ledger_close(lg);
	return error < 0 ? cli_fail(error, w.json, schema) : rc;
}

static const cli_help help_proof = {
	.usage = "--db DB (--seq N | --old-size N) [--size M]\n"
	    "[--db-key-file FILE] [--json]",
	.about = "Print an RFC 9162 proof from the ledger's Merkle tree: with --seq, that entry\n"
	    "is included in the tree of the first M entries (default: all); with\n"
	    "--old-size, the tree of the first N entries is a prefix of the tree of M.\n"
	    "The text form is in docs/formats.md; --json adds the leaf hash and roots.",
	.example = "kansa ledger proof --db ledger.db --seq 42\n"
	    "kansa ledger proof --db ledger.db --old-size 100 --size 200 --json",
	.schema = "kansa.ledger.proof/1",
};

int cmd_ledger_proof(int argc, char **argv)
{
	const char *schema = help_proof.schema;
	const char *db = NULL, *key_file = NULL;
	cli_opt_uint seq = { 0, false }, old_size = { 0, false }, size = { 0, false };
	bool json = false;
	const cli_option opts[] = {
		CLI_OPT_DB(&db, "the ledger", CLI_OPT_REQUIRED),
		CLI_OPT_UINT64("seq", 0, &seq, "N", "prove that entry N is in the tree", 0),
		CLI_OPT_UINT64("old-size", 0, &old_size, "N", "prove that the tree of N entries is a prefix", 0),
		CLI_OPT_UINT64("size", 0, &size, "M", "the tree of the first M entries (default: all)", 0),
		CLI_OPT_DB_KEY_FILE(&key_file),
		CLI_OPT_JSON(&json, "print the proof, leaf hash and roots as one JSON object"),
		CLI_OPT_END(),
	};
	kansa_ledger *lg = NULL;
	kansa_merkle_proof p;
	uint8_t first[KANSA_HASH_LEN], root[KANSA_HASH_LEN];
	char *text = NULL;
	size_t len = 0;
	int rc, error;

	if ((rc = cli_parse_options(&help_proof, opts, argc, argv)) >= 0)
		return rc;
	if (seq.given == old_size.given)
		return cli_usage_error("give exactly one of --seq N and --old-size N");
	if ((error = cli_open_ledger(&lg, db, key_file, KANSA_LEDGER_READONLY)) < 0)
		goto out;
	error = seq.given ? kansa_ledger_prove_inclusion(&p, first, root, lg, seq.value, size.value)
	    : kansa_ledger_prove_consistency(&p, first, root, lg, old_size.value, size.value);
	if (error < 0 || (error = kansa_merkle_proof_format(&text, &len, &p)) < 0)
		goto out;
	if (json) {
		json_t *j = json_object();
		json_object_set_new(j, "ok", json_true());
		json_object_set_new(j, "proof", json_stringn(text, len));
		json_object_set_new(j, "size", json_integer((json_int_t)p.size));
		json_object_set_new(j, "root", cli_json_hex(root, KANSA_HASH_LEN));
		if (seq.given) {
			json_object_set_new(j, "seq", json_integer((json_int_t)p.index));
			json_object_set_new(j, "leaf_hash", cli_json_hex(first, KANSA_HASH_LEN));
		} else {
			json_object_set_new(j, "old_size", json_integer((json_int_t)p.old_size));
			json_object_set_new(j, "old_root", cli_json_hex(first, KANSA_HASH_LEN));
		}
		cli_json_print(j, schema);
	} else {
		fwrite(text, 1, len, stdout);
	}
out:
	free(text);
	kansa_ledger_close(lg);
	if (error == KANSA_EINVAL)
		return cli_usage_error("%s", kansa_error_last()->message);
	return error < 0 ? cli_fail(error, json, schema) : EXIT_OK;
}

/* ---- ledger verify ---------------------------------------------------- */

static const cli_help help_verify = {
	.usage = "--db DB [--db-key-file FILE] [--json]",
	.about = "Recompute every entry's leaf hash, the hash chain and the RFC 9162 Merkle\n"
	    "tree, and check every stored checkpoint's signature (the ledger's key) and\n"
	    "root. Every problem is listed with the seq of the entry it concerns: body\n"
	    "altered, link broken, entry missing, entries reordered, time going\n"
	    "backwards, tree mismatch, checkpoint root mismatch, ledger shorter than a\n"
	    "signed checkpoint. 'kansa audit replay' also re-decides every entry.\n"
	    "\n"
	    "exit status: 0 the ledger is whole, 1 problems found, 4 cannot read it.",
	.example = "KANSA_DB_KEY_FILE=ledger.key kansa ledger verify --db ledger.db",
	.schema = "kansa.ledger.verify/1",
};

int cmd_ledger_verify(int argc, char **argv)
{
	return cli_run_audit(argc, argv, false, &help_verify);
}
