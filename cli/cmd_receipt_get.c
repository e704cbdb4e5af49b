/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kansa receipt get: the receipt of a recorded entry again, rebuilt from
 * the entry and signed with the log key (kansa_ledger_receipt: the very
 * bytes the check returned), and with --prove its inclusion proof and
 * checkpoint attached (kansa_ledger_prove_receipt), for a data holder who
 * lost the receipt or an auditor who wants one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static const cli_help help_get = {
	.usage = "--db DB --seq N [--prove] [--out FILE [--force]] [--db-key-file FILE] [--json]",
	.about = "Get the receipt of entry N again. The ledger keeps no receipt it signs, but\n"
	    "every field of one comes from the entry and the documents it names: the\n"
	    "payload is rebuilt and signed with the log key, and Ed25519 being\n"
	    "deterministic, the bytes are those the check (or the policy, revocation or\n"
	    "ratification) returned. A field that cannot be rebuilt exactly is refused.\n"
	    "With --prove, the inclusion proof and the latest checkpoint are attached\n"
	    "(as 'kansa receipt prove'). Without --out the receipt is printed as base64.\n"
	    "\n"
	    "exit status: 0 the receipt; 1 it cannot be rebuilt exactly; 3 no entry N\n"
	    "(or entry 0, the first policy, which has no receipt), or with --prove no\n"
	    "checkpoint covers it yet (run 'kansa ledger checkpoint' first); 4 a file\n"
	    "cannot be read or --out exists.",
	.example = "kansa receipt get --db ledger.db --seq 7 --out act.receipt\n"
	    "kansa receipt verify act.receipt --log-key site-a.logkey --request request.json",
	.schema = "kansa.receipt.get/1",
};

static int report(const uint8_t *cose, size_t len, bool proven, const char *out_file, bool json)
{
	kansa_receipt_info ri;
	kansa_receipt_proof proof;
	char *b64 = NULL;
	bool has_proof = false;
	int error;

	if ((error = kansa_receipt_proof_parse(&ri, &proof, &has_proof, cose, len)) < 0 ||
	    (error = kansa_receipt_proof_to_base64(&b64, cose, len)) < 0)
		return error;
	if (json) {
		json_t *o = json_pack("{s:b, s:I, s:s, s:s, s:b}", "ok", 1, "seq", (json_int_t)ri.seq,
		    "decision", ri.verdict == KANSA_ALLOW ? "allow" : "deny", "reason",
		    kansa_reason_name(ri.reason), "proven", proven);
		json_object_set_new(o, "action", ri.action[0] ? json_string(ri.action) : json_null());
		json_object_set_new(o, "receipt", json_string(b64));
		json_object_set_new(o, "out", out_file ? json_string(out_file) : json_null());
		cli_json_print(o, help_get.schema);
	} else if (out_file) {
		printf("receipt:  entry %llu, %s (%s)%s\n", (unsigned long long)ri.seq,
		    ri.verdict == KANSA_ALLOW ? "allow" : "deny", kansa_reason_name(ri.reason),
		    proven ? ", with its inclusion proof" : "");
		printf("written:  %s\n", out_file);
	} else {
		printf("%s\n", b64);
	}
	free(b64);
	return 0;
}

int cmd_receipt_get(int argc, char **argv)
{
	const char *db = NULL, *key_file = NULL, *out_file = NULL;
	cli_opt_uint seq = { 0, false };
	bool json = false, force = false, prove = false;
	const cli_option opts[] = {
		CLI_OPT_DB(&db, "the ledger that recorded the entry", CLI_OPT_REQUIRED),
		CLI_OPT_UINT64("seq", 0, &seq, "N", "the entry", CLI_OPT_REQUIRED),
		CLI_OPT_FLAG("prove", 0, &prove, "attach the inclusion proof and the latest checkpoint"),
		CLI_OPT_PATH("out", 0, &out_file, "FILE", "write the receipt (COSE_Sign1) to FILE", 0),
		CLI_OPT_FLAG("force", 0, &force, "with --out: replace an existing FILE"),
		CLI_OPT_DB_KEY_FILE(&key_file),
		CLI_OPT_JSON(&json, "print one JSON object"),
		CLI_OPT_END(),
	};
	kansa_ledger *lg = NULL;
	uint8_t *receipt = NULL, *proven = NULL;
	size_t receipt_len = 0, proven_len = 0;
	int error;

	if ((error = cli_parse_options(&help_get, opts, argc, argv)) >= 0)
		return error;
	if ((error = cli_open_ledger(&lg, db, key_file, KANSA_LEDGER_READONLY)) < 0 ||
	    (error = kansa_ledger_receipt(&receipt, &receipt_len, lg, seq.value)) < 0 ||
	    (prove && (error = kansa_ledger_prove_receipt(&proven, &proven_len, lg, receipt, receipt_len,
	        NULL, 0)) < 0))
		goto out;
	if (out_file && (error = kansa_file_write(out_file, prove ? proven : receipt,
	    prove ? proven_len : receipt_len, 0644, force ? KANSA_FILE_REPLACE : 0)) < 0) {
		if (error == KANSA_EEXISTS)
			kansa_error_set_str(KANSA_EEXISTS, "--out: the file exists: give --force to replace it, "
			    "or another name");
		goto out;
	}
	error = report(prove ? proven : receipt, prove ? proven_len : receipt_len, prove, out_file, json);
out:
	kansa_ledger_close(lg);
	free(receipt);
	free(proven);
	return error < 0 ? cli_fail(error, json, help_get.schema) : EXIT_OK;
}
