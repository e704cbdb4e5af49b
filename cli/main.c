/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kansa: the command-line program. A table maps "<group> <verb>" to a
 * cmd_<group>_<verb>() function in cli/cmd_<group>_<verb>.c, or in
 * cli/cmd_<group>.c which holds only that group's commands (a one-word
 * command such as check is cmd_check() in cli/cmd_check.c). Each command
 * parses its own options with cli/options.c. This file only dispatches and
 * prints the overview.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static const cli_command commands[] = {
	{ "keys", "generate", cmd_keys_generate, "make a member key pair (FILE and FILE.pub)" },
	{ "keys", "show", cmd_keys_show, "print a key file's kid and public key" },
	{ "policy", "create", cmd_policy_create, "make a draft policy from JSON" },
	{ "policy", "sign", cmd_policy_sign, "add your signature to a policy" },
	{ "policy", "unsign", cmd_policy_unsign, "remove one signer's signature from a policy" },
	{ "policy", "show", cmd_policy_show, "print a policy, its signers and quorum" },
	{ "warrant", "create", cmd_warrant_create, "make a draft warrant from JSON" },
	{ "warrant", "sign", cmd_warrant_sign, "add your signature to a warrant" },
	{ "warrant", "unsign", cmd_warrant_unsign, "remove one signer's signature from a warrant" },
	{ "warrant", "show", cmd_warrant_show, "print a warrant, its signers and quorum" },
	{ "warrant", "verify", cmd_warrant_verify, "is a warrant valid now under a policy?" },
	{ "revocation", "create", cmd_revocation_create, "make a draft revocation of a warrant" },
	{ "revocation", "sign", cmd_revocation_sign, "add your signature to a revocation" },
	{ "revocation", "unsign", cmd_revocation_unsign, "remove one signer's signature from a revocation" },
	{ "revocation", "show", cmd_revocation_show, "print a revocation and its signers" },
	{ "ratification", "create", cmd_ratification_create, "make a draft ratification of an emergency act" },
	{ "ratification", "sign", cmd_ratification_sign, "add your signature to a ratification" },
	{ "ratification", "unsign", cmd_ratification_unsign, "remove one signer's signature from a ratification" },
	{ "ratification", "show", cmd_ratification_show, "print a ratification and its signers" },
	{ "ledger", "init", cmd_ledger_init, "create an encrypted ledger with a signed policy" },
	{ "ledger", "policy", cmd_ledger_policy, "activate the next policy version" },
	{ "ledger", "revoke", cmd_ledger_revoke, "record a signed revocation" },
	{ "ledger", "ratify", cmd_ledger_ratify, "record the commission's answer to an emergency act" },
	{ "ledger", "info", cmd_ledger_info, "size, head, root, policy version, log key" },
	{ "ledger", "checkpoint", cmd_ledger_checkpoint, "sign and store a checkpoint of the ledger" },
	{ "ledger", "proof", cmd_ledger_proof, "inclusion or consistency proof from the Merkle tree" },
	{ "ledger", "verify", cmd_ledger_verify, "recompute the hash chain, the tree and the checkpoints" },
	{ "ledger", "rekey", cmd_ledger_rekey, "change the database key (the content stays)" },
	{ "ledger", "migrate", cmd_ledger_migrate, "copy a ledger to a new file or database, same root" },
	{ "audit", "replay", cmd_audit_replay, "verify, and re-decide every entry" },
	{ "audit", "report", cmd_audit_report, "per warrant, per requester, denials to look at first" },
	{ "audit", "entries", cmd_audit_entries, "every entry decoded, filtered (text, JSON, CSV)" },
	{ "audit", "show", cmd_audit_show, "one entry in full, with its inclusion proof" },
	{ "audit", "stats", cmd_audit_stats, "the figures of the annual report for a period" },
	{ "audit", "officers", cmd_audit_officers, "acts and denials per officer, with patterns" },
	{ "audit", "emergencies", cmd_audit_emergencies, "every emergency act in full, and its state" },
	{ "audit", "retention", cmd_audit_retention, "data whose retention period has run out" },
	{ "check", NULL, cmd_check, "decide on a request and record the decision" },
	{ "receipt", "verify", cmd_receipt_verify, "is a receipt a valid allow of this request? (log key only)" },
	{ "receipt", "show", cmd_receipt_show, "print what a receipt says (not verified)" },
	{ "receipt", "prove", cmd_receipt_prove, "attach the inclusion proof and checkpoint to a receipt" },
	{ "receipt", "get", cmd_receipt_get, "the receipt of entry N again, signed as at the time" },
	{ "serve", NULL, cmd_serve, "serve the ledger over HTTPS to the units of the policy" },
	{ "anchor", "push", cmd_anchor_push, "commit the ledger's checkpoint to a git repository, push it" },
	{ "anchor", "verify", cmd_anchor_verify, "verify an anchor repository's history (public keys only)" },
	{ "anchor", "cosign", cmd_anchor_cosign, "as a witness, cosign the newest anchored checkpoint" },
	{ "witness", "cosign", cmd_witness_cosign, "the same as anchor cosign (C2SP tlog-cosignature)" },
	{ "witness", "serve", cmd_witness_serve, "serve as a C2SP tlog-witness over HTTPS (add-checkpoint)" },
	/* @@CLI_COMMANDS@@ */
};

static void overview(FILE *f)
{
	fprintf(f,
	    "usage: kansa <group> <command> [options]\n"
	    "\n"
	    "kansa makes an oversight commission's approval of metadata queries and\n"
	    "neutralizations enforceable and auditable.\n"
	    "\n"
	    "commands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		char name[48];
		snprintf(name, sizeof(name), "%s%s%s", commands[i].group,
		    commands[i].name ? " " : "", commands[i].name ? commands[i].name : "");
		fprintf(f, "  %-22s %s\n", name, commands[i].summary);
	}
	fprintf(f,
	    "\n"
	    "Run 'kansa <group> <command> --help' for a command's options and an example.\n"
	    "Exit status: 0 ok/allowed/verified, 1 denied/invalid/tampered, 2 usage,\n"
	    "3 malformed input, 4 environment (I/O, wrong key, busy), 5 internal error.\n");
}

/* 'kansa ledger --help': the commands of one group. */
static void group_overview(FILE *f, const char *group)
{
	fprintf(f, "usage: kansa %s <command> [options]\n\ncommands:\n", group);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(commands[i].group, group) == 0 && commands[i].name) {
			char name[48];
			snprintf(name, sizeof(name), "%s %s", group, commands[i].name);
			fprintf(f, "  %-22s %s\n", name, commands[i].summary);
		}
	fprintf(f, "\nRun 'kansa %s <command> --help' for a command's options and an example.\n", group);
}

static bool is_help(const char *arg)
{
	return strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0;
}

/* A usage error before any command runs: on stderr, and as the one JSON
 * object of design §7 when --json is anywhere on the command line. */
static int top_usage_error(int argc, char **argv, const char *msg)
{
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--json") == 0) {
			cli_json_print(json_pack("{s:b, s:{s:s, s:s}}", "ok", 0, "error", "code",
			    kansa_error_name(KANSA_EINVAL), "message", msg), "kansa.usage/1");
			break;
		}
	fprintf(stderr, "kansa: %s; see 'kansa --help'\n", msg);
	return EXIT_USAGE;
}

static const cli_command *lookup(const char *group, const char *name, int *used)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		const cli_command *c = &commands[i];
		if (strcmp(c->group, group) != 0)
			continue;
		if (c->name == NULL) {
			*used = 1;
			return c;
		}
		if (name && strcmp(c->name, name) == 0) {
			*used = 2;
			return c;
		}
	}
	return NULL;
}

static bool group_exists(const char *group)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(commands[i].group, group) == 0)
			return true;
	return false;
}

static char cmd_name_buf[64];

/* "ledger init", for diagnostics and the usage line of --help. */
static void set_cmd_name(const cli_command *c)
{
	snprintf(cmd_name_buf, sizeof(cmd_name_buf), "%s%s%s", c->group,
	    c->name ? " " : "", c->name ? c->name : "");
	cli_cmd_name = cmd_name_buf;
}

int main(int argc, char **argv)
{
	const cli_command *c;
	int used = 0, rc;

	/* A small secure heap for passphrases and raw keys (kansa_secret). */
	kansa_global_init();

	if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		overview(argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
		printf("kansa %s\n", kansa_version());
		return EXIT_OK;
	}
	if (strcmp(argv[1], "help") == 0) {
		static char help_opt[] = "--help";
		char *hargv[2] = { NULL, help_opt };
		if (argc < 3) {
			overview(stdout);
			return EXIT_OK;
		}
		if (argc == 3 && lookup(argv[2], NULL, &used) == NULL && group_exists(argv[2])) {
			group_overview(stdout, argv[2]);
			return EXIT_OK;
		}
		if ((c = lookup(argv[2], argc > 3 ? argv[3] : NULL, &used)) == NULL) {
			char msg[160];
			snprintf(msg, sizeof(msg), "no such command: %s%s%s", argv[2],
			    argc > 3 ? " " : "", argc > 3 ? argv[3] : "");
			return top_usage_error(argc, argv, msg);
		}
		hargv[0] = argv[2];
		set_cmd_name(c);
		return c->run(2, hargv);
	}
	if ((c = lookup(argv[1], argc > 2 ? argv[2] : NULL, &used)) == NULL) {
		char msg[160];
		if (group_exists(argv[1]) && argc > 2 && is_help(argv[2])) {
			group_overview(stdout, argv[1]);
			return EXIT_OK;
		}
		if (group_exists(argv[1]) && argc > 2 && argv[2][0] != '-')
			snprintf(msg, sizeof(msg), "%s: unknown command %s", argv[1], argv[2]);
		else if (group_exists(argv[1]))
			snprintf(msg, sizeof(msg), "%s: missing command: run 'kansa %s --help'", argv[1], argv[1]);
		else
			snprintf(msg, sizeof(msg), "unknown command '%s'", argv[1]);
		return top_usage_error(argc, argv, msg);
	}
	set_cmd_name(c);
	rc = c->run(argc - used, argv + used);
	kansa_global_shutdown();
	return rc;
}
