/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kansa receipt prove: attach to a receipt of this ledger the RFC 9942 COSE
 * Receipt of its entry's inclusion in a checkpoint's tree and that
 * checkpoint (design §9), so that a data holder can check offline, with
 * the log key and the witnesses' keys, that the act is in the tree every
 * witness saw (kansa receipt verify --witness).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static const cli_help help_prove = {
	.usage = "RECEIPT --db DB [--checkpoint FILE] [--out FILE [--force]]\n"
	    "[--db-key-file FILE] [--json]",
	.about = "Prove that the ledger logged a receipt's entry: attach to the receipt an\n"
	    "RFC 9942 COSE Receipt (vds 1, RFC 9162 SHA-256) of the entry's inclusion in\n"
	    "the tree of a checkpoint, signed by the log key, and that checkpoint's note\n"
	    "with the cosignatures it carries. The checkpoint is the latest one stored\n"
	    "('kansa ledger checkpoint' makes one), or with --checkpoint a note of this\n"
	    "log cosigned by witnesses (e.g. the anchor repository's checkpoint file).\n"
	    "Deny receipts can be proven too: a proof proves logging, not permission.\n"
	    "Without --out the proven receipt is printed as base64.\n"
	    "\n"
	    "exit status: 0 proven; 1 the receipt or checkpoint is not of this ledger;\n"
	    "3 a malformed receipt, or no checkpoint covers the entry yet (run 'kansa\n"
	    "ledger checkpoint' first); 4 a file cannot be read or --out exists.",
	.example = "kansa ledger checkpoint --db ledger.db >/dev/null\n"
	    "kansa receipt prove act.receipt --db ledger.db --out act.proven\n"
	    "kansa receipt verify act.proven --log-key site-a.logkey --request request.json",
	.schema = "kansa.receipt.prove/1",
};

static int read_checkpoint(char **out, size_t *len, const char *path)
{
	uint8_t *in = NULL;
	int error;

	*out = NULL;
	if (path == NULL)
		return 0;
	if ((error = kansa_file_read(&in, len, path, KANSA_PROVEN_RECEIPT_MAX_BYTES, 0)) < 0)
		return error;
	*out = (char *)in;
	return 0;
}

static int report(const uint8_t *proven, size_t len, const char *out_file, bool json)
{
	kansa_receipt_info ri;
	kansa_receipt_proof proof;
	char *b64 = NULL, root[2 * KANSA_HASH_LEN + 1];
	bool has_proof = false;
	int error;

	if ((error = kansa_receipt_proof_parse(&ri, &proof, &has_proof, proven, len)) < 0 ||
	    (error = kansa_receipt_proof_to_base64(&b64, proven, len)) < 0)
		return error;
	kansa_hex_encode(root, proof.root, KANSA_HASH_LEN);
	if (json) {
		json_t *o = json_pack("{s:b, s:I, s:I, s:I, s:s, s:I, s:s}", "ok", 1, "seq", (json_int_t)ri.seq,
		    "tree_size", (json_int_t)proof.size, "path_len", (json_int_t)proof.path_len, "root", root,
		    "cosignatures", (json_int_t)proof.cosignatures, "decision",
		    ri.verdict == KANSA_ALLOW ? "allow" : "deny");
		json_object_set_new(o, "proven_receipt", json_string(b64));
		json_object_set_new(o, "out", out_file ? json_string(out_file) : json_null());
		cli_json_print(o, help_prove.schema);
	} else if (out_file) {
		printf("proven:    entry %llu in the tree of %llu entries (root %s)\n", (unsigned long long)ri.seq,
		    (unsigned long long)proof.size, root);
		printf("witnesses: %zu cosignature(s) on the checkpoint\n", proof.cosignatures);
		printf("written:   %s\n", out_file);
	} else {
		printf("%s\n", b64);
	}
	free(b64);
	return 0;
}

int cmd_receipt_prove(int argc, char **argv)
{
	const char *file = NULL, *db = NULL, *key_file = NULL, *out_file = NULL, *cp_file = NULL;
	bool json = false, force = false;
	const cli_option opts[] = {
		CLI_OPT_OPERAND(&file, "RECEIPT", "expected one RECEIPT file"),
		CLI_OPT_DB(&db, "the ledger that signed the receipt", CLI_OPT_REQUIRED),
		CLI_OPT_DB_KEY_FILE(&key_file),
		CLI_OPT_PATH("checkpoint", 0, &cp_file, "FILE", "prove against this signed (and cosigned)\n"
		    "checkpoint of the ledger instead of the latest stored one", 0),
		CLI_OPT_PATH("out", 0, &out_file, "FILE", "write the proven receipt (COSE_Sign1) to FILE", 0),
		CLI_OPT_FLAG("force", 0, &force, "with --out: replace an existing FILE"),
		CLI_OPT_JSON(&json, "print one JSON object"),
		CLI_OPT_END(),
	};
	kansa_ledger *lg = NULL;
	uint8_t *receipt = NULL, *proven = NULL;
	size_t receipt_len = 0, proven_len = 0, cp_len = 0;
	char *cp = NULL;
	int error;

	if ((error = cli_parse_options(&help_prove, opts, argc, argv)) >= 0)
		return error;
	if ((error = cli_receipt_read(&receipt, &receipt_len, file)) < 0 ||
	    (error = read_checkpoint(&cp, &cp_len, cp_file)) < 0 ||
	    (error = cli_open_ledger(&lg, db, key_file, KANSA_LEDGER_READONLY)) < 0)
		goto out;
	/* REQ: PROVE-CLI one rule: the library's kansa_ledger_prove_receipt */
	if ((error = kansa_ledger_prove_receipt(&proven, &proven_len, lg, receipt, receipt_len, cp, cp_len)) < 0)
		goto out;
	if (out_file && (error = kansa_file_write(out_file, proven, proven_len, 0644,
	    force ? KANSA_FILE_REPLACE : 0)) < 0) {
		if (error == KANSA_EEXISTS)
			kansa_error_set_str(KANSA_EEXISTS, "--out: the file exists: give --force to replace it, "
			    "or another name");
		goto out;
	}
	error = report(proven, proven_len, out_file, json);
out:
	kansa_ledger_close(lg);
	free(receipt);
	free(cp);
	free(proven);
	return error < 0 ? cli_fail(error, json, help_prove.schema) : EXIT_OK;
}
