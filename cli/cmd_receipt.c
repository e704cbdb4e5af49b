/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kansa receipt verify | show: the data holder's side of design §9. verify
 * says whether a receipt is a valid, unexpired allow of the given request
 * by the given log, with the log's verifier key alone (no ledger, no
 * database key), by the library's one rule (kansa_receipt_verify); show
 * prints what a receipt says without vouching for it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/anchor.h"
#include "cli/cli.h"

/* The receipt file: the COSE_Sign1, or its base64 (as check --json prints it). */
static int read_receipt(uint8_t out[KANSA_RECEIPT_MAX_BYTES], size_t *len, const char *path)
{
	uint8_t *in = NULL;
	size_t n = 0;
	int error;

	if ((error = kansa_file_read(&in, &n, path, 2 * KANSA_RECEIPT_MAX_BASE64, 0)) < 0)
		return error;
	error = kansa_receipt_decode(out, len, in, n);
	free(in);
	return error;
}

static json_t *info_json(const kansa_receipt_info *r)
{
	char t[32], na[32];
	json_t *o;

	kansa_time_format(t, r->time);
	kansa_time_format(na, r->not_after);
	o = json_pack("{s:s, s:o, s:I, s:o, s:s, s:s, s:s, s:s, s:o}",
	    "log", r->log, "kid", cli_json_hex(r->kid, KANSA_KID_LEN), "seq", (json_int_t)r->seq,
	    "leaf_hash", cli_json_hex(r->leaf_hash, KANSA_HASH_LEN),
	    "decision", r->verdict == KANSA_ALLOW ? "allow" : "deny", "reason", kansa_reason_name(r->reason),
	    "time", t, "not_after", na, "request_hash", cli_json_hex(r->request_hash, KANSA_HASH_LEN));
	json_object_set_new(o, "warrant", r->has_warrant ? cli_json_hex(r->warrant_cti, 16) : json_null());
	json_object_set_new(o, "action", r->action[0] ? json_string(r->action) : json_null());
	json_object_set_new(o, "requester", r->requester[0] ? json_string(r->requester) : json_null());
	json_object_set_new(o, "officer", r->officer[0] ? json_string(r->officer) : json_null());
	return o;
}

static void info_print(const kansa_receipt_info *r)
{
	char t[32], na[32], cti[33] = "none (emergency act)", leaf[2 * KANSA_HASH_LEN + 1];

	kansa_time_format(t, r->time);
	kansa_time_format(na, r->not_after);
	if (r->has_warrant)
		kansa_hex_encode(cti, r->warrant_cti, 16);
	kansa_hex_encode(leaf, r->leaf_hash, KANSA_HASH_LEN);
	printf("decision:  %s (%s)\n", r->verdict == KANSA_ALLOW ? "allow" : "deny", kansa_reason_name(r->reason));
	printf("action:    %s\n", r->action[0] ? r->action : "(request could not be read)");
	printf("requester: %s\n", r->requester[0] ? r->requester : "-");
	printf("officer:   %s\n", r->officer[0] ? r->officer : "-");
	printf("warrant:   %s\n", cti);
	printf("log:       %s, entry %llu\n", r->log, (unsigned long long)r->seq);
	printf("leaf hash: %s\n", leaf);
	printf("decided:   %s\n", t);
	printf("valid to:  %s (not after)\n", na);
}

/* ---- receipt verify ------------------------------------------------------ */

static const cli_help help_verify = {
	.usage = "RECEIPT --log-key KEY --request REQUEST.json [--cbor] [--at TIME] [--json]",
	.about = "Check a receipt as the data holder does before releasing anything (design §9):\n"
	    "it is signed by the log key KEY (the log_key 'kansa ledger info' prints, or a\n"
	    "file holding it) and names that log; it is for exactly this request; it\n"
	    "records an allow of an act; and it has not expired. No ledger and no database\n"
	    "key are needed. RECEIPT is the file 'kansa check --receipt-out' writes, or the\n"
	    "base64 'kansa check --json' prints.\n"
	    "\n"
	    "The request is hashed as the canonical CBOR that was decided on: a JSON request\n"
	    "is converted with its relative times (\"-7d\") taken from the receipt's time, so\n"
	    "give absolute times, or the CBOR itself with --cbor, to be exact.\n"
	    "\n"
	    "exit status: 0 a valid allow receipt for this request; 1 a deny, expired,\n"
	    "another request or log, or a signature that fails; 3 a malformed receipt or\n"
	    "request; 4 a file cannot be read.",
	.example = "kansa receipt verify act.receipt --log-key \"$(kansa ledger info --db ledger.db --json | jq -r .log_key)\" --request request.json\n"
	    "kansa receipt verify act.receipt --log-key site-a.logkey --request request.json --json",
	.schema = "kansa.receipt.verify/1",
};

/* The request's canonical CBOR: the file as it is with --cbor, else its
 * JSON converted at @p now. */
static int read_request(uint8_t **out, size_t *len, const char *path, bool cbor, int64_t now)
{
	uint8_t *in = NULL;
	size_t n = 0;
	int error;

	if ((error = kansa_file_read(&in, &n, path, KANSA_MAX_JSON_BYTES, 0)) < 0)
		return error;
	if (cbor) {
		*out = in;
		*len = n;
		return 0;
	}
	error = kansa_request_from_json(out, len, (const char *)in, n, now);
	free(in);
	return error;
}

static int verify_report(const kansa_receipt_info *ri, int verdict, const char *why, bool json,
    int64_t now)
{
	if (json) {
		json_t *o = json_pack("{s:b, s:b, s:I}", "ok", verdict == 0, "valid", verdict == 0,
		    "verified_at", (json_int_t)now);
		if (ri->log[0])
			json_object_set_new(o, "receipt", info_json(ri));
		if (verdict < 0)
			json_object_set_new(o, "error", json_pack("{s:s, s:s}", "code", kansa_error_name(verdict),
			    "message", why));
		cli_json_print(o, help_verify.schema);
	} else if (verdict == 0) {
		printf("valid: the log recorded and allows this %s by %s (officer %s)\n", ri->action,
		    ri->requester, ri->officer);
		info_print(ri);
	} else {
		printf("invalid: %s\n", why);
		if (ri->log[0])
			info_print(ri);
	}
	if (verdict < 0)
		cli_warn("%s", why);
	return cli_exit_code(verdict);
}

int cmd_receipt_verify(int argc, char **argv)
{
	const char *file = NULL, *key = NULL, *request_file = NULL, *at = NULL;
	bool cbor = false, json = false;
	const cli_option opts[] = {
		CLI_OPT_OPERAND(&file, "RECEIPT", "expected one RECEIPT file"),
		CLI_OPT_STRING("log-key", 0, &key, "KEY", "the log's verifier key (name+hash+base64, the\n"
		    "log_key of 'kansa ledger info'), or a file holding it", CLI_OPT_REQUIRED),
		CLI_OPT_PATH("request", 0, &request_file, "FILE", "the request the receipt must be for",
		    CLI_OPT_REQUIRED),
		CLI_OPT_FLAG("cbor", 0, &cbor, "the request file is canonical CBOR, not JSON"),
		CLI_OPT_STRING("at", 0, &at, "TIME", "verify at TIME instead of now (RFC 3339 or +/-offset)", 0),
		CLI_OPT_JSON(&json, "print one JSON object"),
		CLI_OPT_END(),
	};
	kansa_note_verifier *vk[1] = { NULL };
	kansa_receipt_info ri;
	uint8_t cose[KANSA_RECEIPT_MAX_BYTES], *req = NULL;
	size_t cose_len = 0, req_len = 0, n_keys = 0;
	int64_t now = (int64_t)time(NULL);
	char why[256];
	int error, verdict;

	memset(&ri, 0, sizeof(ri));
	if ((error = cli_parse_options(&help_verify, opts, argc, argv)) >= 0)
		return error;
	if (at != NULL && kansa_time_parse(&now, at, now) < 0)
		return cli_usage_error("--at: %s", kansa_error_last()->message);
	if ((error = cli_anchor_load_verifiers(vk, &n_keys, 1, key)) < 0 ||
	    (error = read_receipt(cose, &cose_len, file)) < 0 ||
	    /* unverified, only for the time a JSON request's relative times are taken from */
	    (error = kansa_receipt_parse(&ri, cose, cose_len)) < 0 ||
	    (error = read_request(&req, &req_len, request_file, cbor, ri.time)) < 0)
		goto out;
	if (n_keys != 1) {
		error = kansa_error_set_str(KANSA_EFORMAT, "--log-key: no verifier key in the file");
		goto out;
	}
	/* REQ: RECEIPT-CLI one rule: the library's kansa_receipt_verify */
	verdict = kansa_receipt_verify(&ri, cose, cose_len, vk[0], req, req_len, now);
	snprintf(why, sizeof(why), "%s", verdict == 0 ? "" : kansa_error_last()->message);
	error = verify_report(&ri, verdict, why, json, now);
	kansa_note_verifier_free(vk[0]);
	free(req);
	return error;
out:
	kansa_note_verifier_free(vk[0]);
	free(req);
	return cli_fail(error, json, help_verify.schema);
}

/* ---- receipt show -------------------------------------------------------- */

static const cli_help help_show = {
	.usage = "RECEIPT [--json]",
	.about = "Print what a receipt says: decision, act, requester, officer, warrant, log,\n"
	    "entry and validity. Nothing is verified: use 'kansa receipt verify' with the\n"
	    "log's key before trusting it.\n"
	    "\n"
	    "exit status: 0 printed; 3 not a well-formed receipt; 4 the file cannot be read.",
	.example = "kansa receipt show act.receipt\nkansa receipt show act.receipt --json",
	.schema = "kansa.receipt.show/1",
};

int cmd_receipt_show(int argc, char **argv)
{
	const char *file = NULL;
	bool json = false;
	const cli_option opts[] = {
		CLI_OPT_OPERAND(&file, "RECEIPT", "expected one RECEIPT file"),
		CLI_OPT_JSON(&json, "print one JSON object"),
		CLI_OPT_END(),
	};
	kansa_receipt_info ri;
	uint8_t cose[KANSA_RECEIPT_MAX_BYTES];
	size_t cose_len = 0;
	int error;

	if ((error = cli_parse_options(&help_show, opts, argc, argv)) >= 0)
		return error;
	if ((error = read_receipt(cose, &cose_len, file)) < 0 ||
	    (error = kansa_receipt_parse(&ri, cose, cose_len)) < 0)
		return cli_fail(error, json, help_show.schema);
	if (json) {
		json_t *o = json_pack("{s:b, s:b, s:o}", "ok", 1, "verified", 0, "receipt", info_json(&ri));
		cli_json_print(o, help_show.schema);
	} else {
		printf("receipt (not verified: use 'kansa receipt verify')\n");
		info_print(&ri);
	}
	return EXIT_OK;
}
