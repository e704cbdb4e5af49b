/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kansa receipt verify | show: the data holder's side of design §9. verify
 * says whether a receipt is a valid, unexpired allow of the given request
 * by the given log, with the log's verifier key alone (no ledger, no
 * database key), by the library's one rule (kansa_receipt_verify); show
 * prints what a receipt says without vouching for it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/anchor.h"
#include "cli/cli.h"

static json_t *info_json(const kansa_receipt_info *r)
{
	json_t *o;

	o = json_pack("{s:s, s:o, s:I, s:o, s:s, s:s, s:o}",
	    "log", r->log, "kid", cli_json_hex(r->kid, KANSA_KID_LEN), "seq", (json_int_t)r->seq,
	    "leaf_hash", cli_json_hex(r->leaf_hash, KANSA_HASH_LEN),
	    "decision", r->verdict == KANSA_ALLOW ? "allow" : "deny", "reason", kansa_reason_name(r->reason),
	    "request_hash", cli_json_hex(r->request_hash, KANSA_HASH_LEN));
	cli_json_time(o, "time", r->time);
	cli_json_time(o, "not_after", r->not_after);
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

/* The proof part of a proven receipt (verified or not, as the caller says). */
static json_t *proof_json(const kansa_receipt_proof *p, size_t quorum)
{
	json_t *o = json_pack("{s:I, s:I, s:I, s:o, s:I}", "tree_size", (json_int_t)p->size,
	    "leaf_index", (json_int_t)p->index, "path_len", (json_int_t)p->path_len,
	    "root", cli_json_hex(p->root, KANSA_HASH_LEN), "cosignatures", (json_int_t)p->cosignatures);

	if (quorum != SIZE_MAX) {
		json_object_set_new(o, "witnessed", json_integer((json_int_t)p->witnessed));
		json_object_set_new(o, "witness_quorum", json_integer((json_int_t)quorum));
	}
	return o;
}

static void proof_print(const kansa_receipt_proof *p, size_t quorum)
{
	char root[2 * KANSA_HASH_LEN + 1];

	kansa_hex_encode(root, p->root, KANSA_HASH_LEN);
	printf("proof:     leaf %llu of a tree of %llu entries (%zu path hashes)\n",
	    (unsigned long long)p->index, (unsigned long long)p->size, p->path_len);
	printf("root:      %s\n", root);
	printf("cosigned:  %zu cosignature line(s) on the checkpoint\n", p->cosignatures);
	if (quorum != SIZE_MAX)
		printf("witnessed: %zu of the given witnesses (%zu required)\n", p->witnessed, quorum);
}

/* ---- receipt verify ------------------------------------------------------ */

static const cli_help help_verify = {
	.usage = "RECEIPT --log-key KEY --request REQUEST.json [--cbor] [--at TIME]\n"
	    "[--witness KEY]... [--witness-quorum K] [--json]",
	.about = "Check a receipt as the data holder does before releasing anything (design §9):\n"
	    "it is signed by the log key KEY (the log_key 'kansa ledger info' prints, or a\n"
	    "file holding it) and names that log; it is for exactly this request; it\n"
	    "records an allow of an act; and it has not expired. No ledger and no database\n"
	    "key are needed. RECEIPT is the file 'kansa check --receipt-out' writes, or the\n"
	    "base64 'kansa check --json' prints.\n"
	    "\n"
	    "The request is hashed as the canonical CBOR that was decided on: a JSON request\n"
	    "is converted with its relative times (\"-7d\") taken from the receipt's time, so\n"
	    "give absolute times, or the CBOR itself with --cbor (the file 'kansa check\n"
	    "--request-out' writes), to be exact.\n"
	    "\n"
	    "A proven receipt ('kansa receipt prove') is also checked for its proof: the\n"
	    "COSE Receipt is signed by the log key over the root recomputed from the\n"
	    "receipt's leaf and audit path at the receipt's entry, and the checkpoint is\n"
	    "signed by the log key for the same tree size and root. With --witness KEY\n"
	    "(repeatable) and --witness-quorum K, K distinct given witnesses must have\n"
	    "cosigned that checkpoint (C2SP tlog-cosignature); --witness needs a proven\n"
	    "receipt. A deny stays a deny, proven or not.\n"
	    "\n"
	    "exit status: 0 a valid allow receipt for this request; 1 a deny, expired,\n"
	    "another request or log, a signature or proof that fails, a witness quorum\n"
	    "not met; 3 a malformed receipt or request; 4 a file cannot be read.",
	.example = "kansa receipt verify act.receipt --log-key \"$(kansa ledger info --db ledger.db --json | jq -r .log_key)\" --request request.json\n"
	    "kansa receipt verify act.receipt --log-key site-a.logkey --request request.json --json\n"
	    "kansa receipt verify act.proven --log-key site-a.logkey --request request.json --witness member-a.vkey --witness-quorum 1",
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

/* What verify found: the receipt, and for a proven one its proof. */
typedef struct {
	kansa_receipt_info ri;
	kansa_receipt_proof proof;
	bool has_proof;
	size_t quorum;
} verify_result;

static int verify_report(const verify_result *v, int verdict, const char *why, bool json,
    int64_t now)
{
	const kansa_receipt_info *ri = &v->ri;

	if (json) {
		json_t *o = json_pack("{s:b, s:b}", "ok", verdict == 0, "valid", verdict == 0);
		cli_json_time(o, "verified_at", now);
		if (ri->log[0])
			json_object_set_new(o, "receipt", info_json(ri));
		json_object_set_new(o, "proven", json_boolean(v->has_proof));
		if (v->has_proof && ri->log[0])
			json_object_set_new(o, "proof", proof_json(&v->proof, v->quorum));
		if (verdict < 0)
			json_object_set_new(o, "error", json_pack("{s:s, s:s}", "code", kansa_error_name(verdict),
			    "message", why));
		cli_json_print(o, help_verify.schema);
	} else if (verdict == 0) {
		printf("valid: the log recorded and allows this %s by %s (officer %s)\n", ri->action,
		    ri->requester, ri->officer);
		info_print(ri);
		if (v->has_proof)
			proof_print(&v->proof, v->quorum);
	} else {
		printf("invalid: %s\n", why);
		if (ri->log[0])
			info_print(ri);
	}
	if (verdict < 0)
		cli_warn("%s", why);
	return cli_exit_code(verdict);
}

/* --witness: type 0x04 vkeys (text or a file of them), into w[*n]. */
static int load_witnesses(kansa_note_verifier **w, size_t *n, const cli_opt_list *args)
{
	char msg[256];
	int error = 0;

	for (size_t i = 0; i < args->n && error == 0; i++)
		if ((error = cli_anchor_load_verifiers(w, n, CLI_OPT_LIST_MAX, args->v[i])) < 0) {
			snprintf(msg, sizeof(msg), "--witness %.64s: neither a witness vkey nor a readable file "
			    "of them (%.120s)", args->v[i], kansa_error_last()->message);
			error = kansa_error_set_str(error, msg);
		}
	for (size_t i = 0; i < *n && error == 0; i++)
		if (kansa_note_verifier_type(w[i]) != KANSA_NOTE_TYPE_COSIGNATURE) {
			snprintf(msg, sizeof(msg), "--witness: '%.64s' is not a witness vkey (type 0x04, "
			    "name+hex(key ID)+base64(0x04 || key))", kansa_note_verifier_name(w[i]));
			error = kansa_error_set_str(KANSA_EFORMAT, msg);
		}
	return error;
}

/* The verdict: the proof too when the receipt carries one or witnesses are asked for. */
static int verify_run(verify_result *v, const uint8_t *cose, size_t cose_len, const kansa_note_verifier *log_key,
    kansa_note_verifier **wit, size_t n_wit, const uint8_t *req, size_t req_len, int64_t now)
{
	/* REQ: RECEIPT-CLI one rule: the library's kansa_receipt_verify(_proof) */
	if (!v->has_proof && n_wit == 0 && v->quorum == SIZE_MAX)
		return kansa_receipt_verify(&v->ri, cose, cose_len, log_key, req, req_len, now);
	return kansa_receipt_verify_proof(&v->ri, &v->proof, cose, cose_len, log_key,
	    (const kansa_note_verifier *const *)wit, n_wit, v->quorum == SIZE_MAX ? 0 : v->quorum, req, req_len,
	    now);
}

int cmd_receipt_verify(int argc, char **argv)
{
	const char *file = NULL, *key = NULL, *request_file = NULL, *at = NULL;
	bool cbor = false, json = false;
	cli_opt_list witness_args = { .n = 0 };
	cli_opt_uint quorum = { 0, false };
	const cli_option opts[] = {
		CLI_OPT_OPERAND(&file, "RECEIPT", "expected one RECEIPT file"),
		CLI_OPT_STRING("log-key", 0, &key, "KEY", "the log's verifier key (name+hash+base64, the\n"
		    "log_key of 'kansa ledger info'), or a file holding it", CLI_OPT_REQUIRED),
		CLI_OPT_PATH("request", 0, &request_file, "FILE", "the request the receipt must be for",
		    CLI_OPT_REQUIRED),
		CLI_OPT_FLAG("cbor", 0, &cbor, "the request file is canonical CBOR, not JSON"),
		CLI_OPT_STRING("at", 0, &at, "TIME", "verify at TIME instead of now (RFC 3339 or +/-offset)", 0),
		CLI_OPT_LIST("witness", 0, &witness_args, "KEY", "a witness's vkey (type 0x04), or a file of\n"
		    "them: its cosignature on the proof's checkpoint counts (repeatable)", 0),
		CLI_OPT_UINT64("witness-quorum", 0, &quorum, "K", "distinct --witness keys that must have\n"
		    "cosigned the proof's checkpoint (default: all given)", 0),
		CLI_OPT_JSON(&json, "print one JSON object"),
		CLI_OPT_END(),
	};
	kansa_note_verifier *vk[1] = { NULL }, *wit[CLI_OPT_LIST_MAX] = { NULL };
	verify_result v;
	uint8_t *cose = NULL, *req = NULL;
	size_t cose_len = 0, req_len = 0, n_keys = 0, n_wit = 0;
	int64_t now = (int64_t)time(NULL);
	char why[512];
	int error, verdict;

	memset(&v, 0, sizeof(v));
	if ((error = cli_parse_options(&help_verify, opts, argc, argv)) >= 0)
		return error;
	if (at != NULL && kansa_time_parse(&now, at, now) < 0)
		return cli_usage_error("--at: %s", kansa_error_last()->message);
	if (quorum.given && quorum.value > witness_args.n)
		return cli_usage_error("--witness-quorum %llu needs at least that many --witness keys",
		    (unsigned long long)quorum.value);
	if ((error = cli_anchor_load_verifiers(vk, &n_keys, 1, key)) < 0 ||
	    (error = load_witnesses(wit, &n_wit, &witness_args)) < 0 ||
	    (error = cli_receipt_read(&cose, &cose_len, file)) < 0 ||
	    /* unverified, only for the time a JSON request's relative times are taken from */
	    (error = kansa_receipt_proof_parse(&v.ri, &v.proof, &v.has_proof, cose, cose_len)) < 0 ||
	    (error = read_request(&req, &req_len, request_file, cbor, v.ri.time)) < 0)
		goto out;
	if (n_keys != 1) {
		error = kansa_error_set_str(KANSA_EFORMAT, "--log-key: no verifier key in the file");
		goto out;
	}
	v.quorum = quorum.given ? (size_t)quorum.value : n_wit > 0 ? n_wit : SIZE_MAX;
	verdict = verify_run(&v, cose, cose_len, vk[0], wit, n_wit, req, req_len, now);
	snprintf(why, sizeof(why), "%s", verdict == 0 ? "" : kansa_error_last()->message);
	error = verify_report(&v, verdict, why, json, now);
	goto done;
out:
	error = cli_fail(error, json, help_verify.schema);
done:
	kansa_note_verifier_free(vk[0]);
	cli_anchor_free_verifiers(wit, n_wit);
	free(cose);
	free(req);
	return error;
}

/* ---- receipt show -------------------------------------------------------- */

static const cli_help help_show = {
	.usage = "RECEIPT [--json]",
	.about = "Print what a receipt says: decision, act, requester, officer, warrant, log,\n"
	    "entry and validity, and for a proven receipt its proof: tree size, leaf index,\n"
	    "root, cosignature lines. Nothing is verified: use 'kansa receipt verify' with\n"
	    "the log's key before trusting it.\n"
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
	kansa_receipt_proof proof;
	uint8_t *cose = NULL;
	size_t cose_len = 0;
	bool has_proof = false;
	int error;

	if ((error = cli_parse_options(&help_show, opts, argc, argv)) >= 0)
		return error;
	if ((error = cli_receipt_read(&cose, &cose_len, file)) < 0 ||
	    (error = kansa_receipt_proof_parse(&ri, &proof, &has_proof, cose, cose_len)) < 0) {
		free(cose);
		return cli_fail(error, json, help_show.schema);
	}
	free(cose);
	if (json) {
		json_t *o = json_pack("{s:b, s:b, s:o, s:b}", "ok", 1, "verified", 0, "receipt", info_json(&ri),
		    "proven", has_proof);
		if (has_proof)
			json_object_set_new(o, "proof", proof_json(&proof, SIZE_MAX));
		cli_json_print(o, help_show.schema);
	} else {
		printf("receipt (not verified: use 'kansa receipt verify')\n");
		info_print(&ri);
		if (has_proof)
			proof_print(&proof, SIZE_MAX);
	}
	return EXIT_OK;
}
