/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kansa check: decide on one request and record the decision in the ledger
 * before answering. Any failure to record is a deny (fail closed).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli/cli.h"

static const cli_help help_check = {
	.usage = "--db DB --request REQUEST.json [--warrant WARRANT.cose]\n"
	    "[--receipt-out FILE] [--request-out FILE] [--force] [--db-key-file FILE] [--json]\n"
	    "--server URL --cert CERT --key KEY --ca CA --request REQUEST.json\n"
	    "[--warrant WARRANT.cose] [--cbor] [--receipt-out FILE] [--request-out FILE] [--force] [--json]",
	.about = "Decide on one request and record the decision in the ledger before answering.\n"
	    "A request that cannot be parsed is recorded too, as malformed-request.\n"
	    "Exit status: 0 allowed, 1 denied (the reason is printed), 3 an input file\n"
	    "that is missing or cannot be read, 4 the ledger could not be written (the request is\n"
	    "then denied and nothing is recorded). Without --warrant only an emergency request\n"
	    "(\"emergency\": true) can be allowed, if the policy permits it.\n"
	    "\n"
	    "Every decision comes with a receipt signed by the ledger's log key (design §9):\n"
	    "--json prints it as \"receipt\" (base64), --receipt-out writes it to FILE, for the\n"
	    "data holder to check with 'kansa receipt verify'. The receipt binds the hash of\n"
	    "the request's canonical CBOR: --request-out writes that CBOR, the form to hand\n"
	    "the data holder with the receipt ('receipt verify --cbor'). A JSON request is\n"
	    "then converted here, its relative times (\"-7d\") taken from this machine's\n"
	    "clock, and sent as CBOR; one that does not convert is recorded as\n"
	    "malformed-request and no request file is written. An existing output file is\n"
	    "refused, before anything is checked, unless --force is given.\n"
	    "\n"
	    "With --server the check goes to a kansa serve (docs/service.md), with the\n"
	    "client certificate --cert naming your unit; the answer and its receipt are the\n"
	    "same, and any transport or TLS failure is a deny with exit status 4. With --cbor\n"
	    "the request file is canonical CBOR and the service is spoken to in CBOR.",
	.example = "kansa check --db ledger.db --warrant warrant.cose --request request.json --json\n"
	    "kansa check --db ledger.db --warrant warrant.cose --request request.json --receipt-out act.receipt\n"
	    "kansa check --db ledger.db --warrant warrant.cose --request request.json \\\n"
	    "    --receipt-out act.receipt --request-out act.request\n"
	    "kansa check --server https://kansa.example:8443 --cert unit.pem --key unit.key --ca ca.pem \\\n"
	    "    --warrant warrant.cose --request request.json --json",
	.schema = "kansa.check/1",
};

/* Where a check's receipt and request are written, once it is recorded. */
typedef struct {
	const char *receipt;    /* --receipt-out */
	const char *request;    /* --request-out */
	bool force;
	const uint8_t *cbor;    /* the request as decided on; NULL: it did not convert */
	size_t cbor_len;
	bool receipt_written, request_written;
} check_outs;

/* Refuse an existing output file before the check, so that a check is
 * never recorded whose receipt or request could not be written where asked. */
static int out_free(const char *option, const char *path, bool force)
{
	struct stat st;
	char msg[160];

	if (path == NULL || force || lstat(path, &st) != 0)
		return 0;
	snprintf(msg, sizeof(msg), "--%s: the file exists: give --force to replace it, or another "
	    "name (nothing was checked or recorded)", option);
	return kansa_error_set_str(KANSA_EEXISTS, msg);
}

/* Write the receipt, then the request, after the entry is recorded. */
static int write_outs(check_outs *o, const kansa_receipt *r)
{
	int mode = o->force ? KANSA_FILE_REPLACE : 0, error;

	/* REQ: RECEIPT-OUT written only after the entry is recorded; never over a file without --force */
	if (o->receipt && r->cose_len == 0)
		return kansa_error_set_str(KANSA_EFORMAT, "the answer carries no receipt");
	if (o->receipt && (error = kansa_file_write(o->receipt, r->cose, r->cose_len, 0644, mode)) < 0)
		return error;
	o->receipt_written = o->receipt != NULL;
	if (o->request && o->cbor &&
	    (error = kansa_file_write(o->request, o->cbor, o->cbor_len, 0644, mode)) < 0)
		return error;
	o->request_written = o->request && o->cbor;
	return 0;
}

/* The result, when the check's entry is recorded. */
static int print_result(const kansa_receipt *r, json_t *clock, bool json, const check_outs *o,
    int write_error)
{
	if (json) {
		json_t *j = cli_receipt_json(r);
		json_object_set_new(j, "ok", json_boolean(r->verdict == KANSA_ALLOW && write_error == 0));
		if (clock)
			json_object_set(j, "clock", clock);
		if (o->receipt_written)
			json_object_set_new(j, "receipt_out", json_string(o->receipt));
		if (o->request_written)
			json_object_set_new(j, "request_out", json_string(o->request));
		if (write_error < 0)
			json_object_set_new(j, "error", json_pack("{s:s, s:s}", "code",
			    kansa_error_name(write_error), "message", kansa_error_last()->message));
		cli_json_print(j, help_check.schema);
	} else {
		cli_receipt_print(r, "decision");
		if (o->receipt_written)
			printf("receipt:   %s\n", o->receipt);
		if (o->request_written)
			printf("request:   %s\n", o->request);
	}
	if (write_error < 0) {
		cli_warn("decision recorded as entry %llu, but the %s was not written: %s",
		    (unsigned long long)r->seq, o->receipt && !o->receipt_written ? "receipt" : "request",
		    kansa_error_last()->message);
		return EXIT_ENV;
	}
	if (o->request && !o->request_written)
		cli_warn("the request did not convert to CBOR (recorded as malformed-request): "
		    "--request-out was not written");
	return r->verdict == KANSA_ALLOW ? EXIT_OK : EXIT_NO;
}

/* The check's entry is recorded but its receipt could not be signed: say so. */
static int recorded_unsigned(const kansa_receipt *r, int error, bool json)
{
	const kansa_error *e = kansa_error_last();
	const char *msg = e->code == error ? e->message : kansa_strerror(error);

	if (json) {
		json_t *j = cli_receipt_json(r);
		json_object_set_new(j, "ok", json_false());
		json_object_set_new(j, "error", json_pack("{s:s, s:s}", "code", kansa_error_name(error),
		    "message", msg));
		cli_json_print(j, help_check.schema);
	} else {
		printf("decision: %s recorded as entry %llu, but no receipt was signed: treat it as denied\n",
		    r->verdict == KANSA_ALLOW ? "allow" : "deny", (unsigned long long)r->seq);
	}
	cli_warn("%s", msg);
	return cli_exit_code(error);
}

/* The largest request file check reads (and hands over, to be recorded by
 * hash when it is over the library's request bound): a bound on the CLI's
 * memory, not a rule on requests. */
#define REQUEST_FILE_MAX (64u * 1024 * 1024)

int cmd_check(int argc, char **argv)
{
	const char *schema = help_check.schema;
	const char *db = NULL, *key_file = NULL, *warrant_file = NULL, *request_file = NULL;
	check_outs outs = { 0 };
	const char *server = NULL, *cert = NULL, *key = NULL, *ca = NULL;
	bool cbor = false, json = false;
	const cli_option opts[] = {
		CLI_OPT_DB(&db, "the ledger (or --server)", 0),
		CLI_OPT_STRING("server", 0, &server, "URL", "check through a kansa serve at https://HOST:PORT", 0),
		CLI_OPT_PATH("cert", 0, &cert, "FILE", "with --server: your unit's client certificate (PEM)", 0),
		CLI_OPT_PATH("key", 0, &key, "FILE", "with --server: its private key (PEM, mode 0600)", 0),
		CLI_OPT_PATH("ca", 0, &ca, "FILE", "with --server: the CA certificate of the server (PEM)", 0),
		CLI_OPT_PATH("warrant", 0, &warrant_file, "FILE", "the signed warrant (COSE)", 0),
		CLI_OPT_PATH("request", 0, &request_file, "FILE",
		    "the request (JSON as in docs/documents.md, or CBOR with --cbor)", CLI_OPT_REQUIRED),
		CLI_OPT_FLAG("cbor", 0, &cbor, "the request file is canonical CBOR, not JSON"),
		CLI_OPT_PATH("receipt-out", 0, &outs.receipt, "FILE", "write the signed receipt (COSE_Sign1) to FILE", 0),
		CLI_OPT_PATH("request-out", 0, &outs.request, "FILE",
		    "write the request as decided on (canonical CBOR, what the receipt binds) to FILE", 0),
		CLI_OPT_FLAG("force", 0, &outs.force, "with --receipt-out or --request-out: replace an existing FILE"),
		CLI_OPT_DB_KEY_FILE(&key_file),
		CLI_OPT_JSON(&json, "print {decision, reason, seq, leaf_hash, ...}"),
		CLI_OPT_END(),
	};
	kansa_ledger *lg = NULL;
	kansa_client *client = NULL;
	kansa_receipt r;
	json_t *clock = NULL;
	uint8_t *warrant = NULL, *req_in = NULL, *req_cbor = NULL;
	size_t wlen = 0, rinlen = 0;
	int rc, error, write_error = 0;

	memset(&r, 0, sizeof(r));
	if ((rc = cli_parse_options(&help_check, opts, argc, argv)) >= 0)
		return rc;
	if ((db == NULL) == (server == NULL) || (server && (!cert || !key || !ca || key_file))) {
		kansa_error_set_str(KANSA_EINVAL, "give --db DB, or --server URL with --cert, --key and "
		    "--ca (then no --db-key-file): see kansa check --help");
		return cli_fail(KANSA_EINVAL, json, schema);
	}
	/* The request file is handed over as it is: the library records even
	 * one that does not parse or is too large (design §5 row 1). Only a
	 * file that cannot be read is refused here, with nothing recorded. */
	if ((error = out_free("receipt-out", outs.receipt, outs.force)) < 0 ||
	    (error = out_free("request-out", outs.request, outs.force)) < 0)
		goto out;
	if ((warrant_file && (error = cli_read_input(&warrant, &wlen, warrant_file, 1024 * 1024)) < 0) ||
	    (error = cli_read_input(&req_in, &rinlen, request_file, REQUEST_FILE_MAX)) < 0)
		goto out;
	if (cbor) {
		outs.cbor = req_in;
		outs.cbor_len = rinlen;
	} else if (outs.request && kansa_request_from_json(&req_cbor, &outs.cbor_len, (const char *)req_in,
	    rinlen, (int64_t)time(NULL)) == 0) {
		/* decided as the CBOR written, exactly as kansa_check_json() would decide it */
		outs.cbor = req_cbor;
	}
	if (server) {
		/* REQ: SERVICE-CLIENT-FAIL a check that does not come back is a deny, exit 4 */
		if ((error = kansa_client_open(&client, server, cert, key, ca)) == 0)
			error = outs.cbor ? kansa_client_check_cbor(&r, client, warrant, wlen, outs.cbor,
			    outs.cbor_len) :
			    kansa_client_check(&r, client, warrant, wlen, (const char *)req_in, rinlen);
		if (error == KANSA_EFORMAT) /* an answer that is not a receipt: the transport's fault */
			error = kansa_error_set_str(KANSA_EIO, kansa_error_last()->message);
		goto answer;
	}
	if ((error = cli_open_ledger(&lg, db, key_file, 0)) < 0)
		goto out;
	clock = cli_clock_check(lg); /* before the check: its entry moves the last time */
	/* REQ: LEDGER-REQUEST-RECORDED the CLI never refuses a request it has read */
	if (outs.cbor)
		error = kansa_check(&r, lg, warrant, wlen, outs.cbor, outs.cbor_len);
	else
		error = kansa_check_json(&r, lg, warrant, wlen, (const char *)req_in, rinlen,
		    (int64_t)time(NULL));
answer:
	if (error < 0 && r.recorded) {
		rc = recorded_unsigned(&r, error, json);
		error = 0;
		goto out;
	}
	if (error < 0)
		goto out;
	write_error = write_outs(&outs, &r);
	rc = print_result(&r, clock, json, &outs, write_error);
out:
	json_decref(clock);
	kansa_ledger_close(lg);
	kansa_client_close(client);
	free(warrant);
	free(req_in);
	free(req_cbor);
	if (error < 0) {
		/* fail closed: no recorded answer, so the answer is deny (in process
		 * nothing was recorded; through the service, none came back) */
		const kansa_error *e = kansa_error_last();
		if (json) {
			json_t *j = json_pack("{s:b, s:s, s:s, s:{s:s, s:s}}", "ok", 0, "decision", "deny",
			    "reason", "not-recorded", "error", "code",
			    kansa_error_name(error), "message", e->code == error ? e->message : kansa_strerror(error));
			cli_json_print(j, schema);
			cli_warn("%s", e->code == error ? e->message : kansa_strerror(error));
			return cli_exit_code(error);
		}
		printf("decision: deny (%s: %s)\n", server ? "no answer from the service" : "nothing was recorded",
		    kansa_strerror(error));
		return cli_fail(error, false, schema);
	}
	return rc;
}
