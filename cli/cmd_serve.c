/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kansa serve: the ledger on the commission's side, reached over HTTPS with
 * client certificates (design §10, docs/service.md). Runs until SIGTERM or
 * SIGINT, answers every check in flight, then closes the ledger.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/anchor.h"

static const cli_help help_serve = {
	.usage = "--db DB --listen ADDRESS:PORT --cert CERT --key KEY --client-ca CA\n"
	    "[--crl FILE] [--public-read] [--workers N] [--max-connections N] [--timeout SECONDS]\n"
	    "[--checkpoint-every N] [--checkpoint-interval SECONDS] [--witness URL]...\n"
	    "[--witness-key KEY]... [--witness-ca CA] [--witness-timeout SECONDS] [--witness-quorum K]\n"
	    "[--db-key-file FILE] [--json]",
	.about = "Serve the ledger over HTTPS (TLS 1.3) to the units the policy names.\n"
	    "Every caller shows a client certificate issued by --client-ca; its unit is\n"
	    "the subject CN or a URI SAN kansa:unit:NAME. A check whose requester is not\n"
	    "that unit, or by a unit the policy does not list for the action, is denied\n"
	    "unauthenticated-requester and recorded. Routes: POST /v1/check (JSON or\n"
	    "CBOR), /v1/policies, /v1/revocations, /v1/ratifications (signed documents,\n"
	    "their quorum their authority), GET /healthz, /v1/info, /v1/checkpoint,\n"
	    "/metrics (docs/service.md). Port 0 picks a free\n"
	    "port; the address is printed on stderr. SIGTERM or SIGINT: stop accepting,\n"
	    "answer every check in flight, close the ledger, exit 0. SIGHUP: read the\n"
	    "--cert, --key, --client-ca and --crl files again.\n"
	    "With --checkpoint-every N or --checkpoint-interval SECONDS a thread of its\n"
	    "own signs a checkpoint (as 'kansa ledger checkpoint') once N entries were\n"
	    "appended since the last, or SECONDS after an entry no checkpoint covers;\n"
	    "with --witness it then collects the witnesses' cosignatures and stores the\n"
	    "policy witnesses' lines with it (GET /v1/checkpoint carries them). Checks\n"
	    "never wait for it; a witness that is down or slow is counted in /metrics\n"
	    "(kansa_witness_failures_total), not printed. A round short of the policy's\n"
	    "witness_quorum (or --witness-quorum K) is tried again after the interval.\n"
	    "Exit status: 0 stopped by a signal, 2 usage, 3 or 4 a certificate, key or\n"
	    "ledger that cannot be used, or an address that cannot be listened on.",
	.example = "kansa serve --db ledger.db --listen 127.0.0.1:8443 --cert server.pem --key server.key --client-ca units-ca.pem\n"
	    "kansa serve --db ledger.db --listen 127.0.0.1:8443 --cert server.pem --key server.key --client-ca units-ca.pem "
	    "--witness https://witness.example:7380 --checkpoint-every 100 --checkpoint-interval 60",
	.schema = "kansa.serve/1",
};

static void on_event(void *ctx, const char *line)
{
	(void)ctx;
	fprintf(stderr, "kansa serve: %s\n", line);
	fflush(stderr);
}

/* The checkpointer's options into @p o, with the @p n --witness-key keys
 * loaded into @p keys; a usage error's exit code, or -1 when they are right. */
static int checkpoint_options(kansa_serve_options *o, kansa_note_verifier **keys, size_t n,
    const cli_opt_list *urls, const cli_opt_list *vkeys, cli_opt_uint every, cli_opt_uint interval,
    cli_opt_uint wtimeout, cli_opt_uint quorum)
{
	if ((every.given && every.value == 0) || (interval.given && interval.value == 0))
		return cli_usage_error("--checkpoint-every and --checkpoint-interval: at least 1 "
		    "(leave the option out to sign no checkpoints that way)");
	if (interval.value > 86400 || wtimeout.value > 3600)
		return cli_usage_error("--checkpoint-interval at most 86400 seconds, --witness-timeout at most 3600");
	if ((wtimeout.given || quorum.given || vkeys->n || o->witness_ca) && urls->n == 0)
		return cli_usage_error("--witness-key, --witness-ca, --witness-timeout and --witness-quorum go "
		    "with --witness URL");
	if (quorum.given && (quorum.value == 0 || quorum.value > KANSA_NOTE_MAX_SIGNATURES))
		return cli_usage_error("--witness-quorum: 1 to %d distinct witnesses (leave it out for the "
		    "policy's witness_quorum)", KANSA_NOTE_MAX_SIGNATURES);
	if (urls->n && !every.given && !interval.given)
		return cli_usage_error("--witness: give --checkpoint-every N or --checkpoint-interval SECONDS "
		    "too, to say when the server signs a checkpoint for the witnesses to cosign");
	for (size_t i = 0; i < urls->n; i++)
		if (strncmp(urls->v[i], "https://", 8) != 0)
			return cli_usage_error("--witness '%.100s': give an https:// URL, as "
			    "https://witness.example:7380", urls->v[i]);
	o->checkpoint_every = every.value;
	o->checkpoint_interval = (unsigned)interval.value;
	o->witness_urls = urls->v;
	o->n_witness_urls = urls->n;
	o->witness_keys = (const kansa_note_verifier *const *)keys;
	o->n_witness_keys = n;
	o->witness_timeout = (unsigned)wtimeout.value;
	o->witness_quorum = (size_t)quorum.value;
	return -1;
}

int cmd_serve(int argc, char **argv)
{
	const char *schema = help_serve.schema;
	const char *db = NULL, *key_file = NULL;
	cli_opt_uint workers = { 0, false }, maxconn = { 0, false }, timeout = { 0, false };
	cli_opt_uint every = { 0, false }, interval = { 0, false }, wtimeout = { 0, false };
	cli_opt_uint quorum = { 0, false };
	cli_opt_list urls = { 0 }, vkeys = { 0 };
	kansa_note_verifier *keys[MAX_LIST] = { 0 };
	size_t n_keys = 0;
	kansa_serve_options o;
	bool json = false;
	const cli_option opts[] = {
		CLI_OPT_DB(&db, "the ledger", CLI_OPT_REQUIRED),
		CLI_OPT_STRING("listen", 0, &o.listen, "ADDRESS:PORT", "where to listen: 127.0.0.1:8443, [::1]:8443",
		    CLI_OPT_REQUIRED),
		CLI_OPT_PATH("cert", 0, &o.cert, "FILE", "the server's certificate chain (PEM)", CLI_OPT_REQUIRED),
		CLI_OPT_PATH("key", 0, &o.key, "FILE", "the server's private key (PEM, mode 0600)", CLI_OPT_REQUIRED),
		CLI_OPT_PATH("client-ca", 0, &o.client_ca, "FILE",
		    "the CA certificates that issue the units' certificates (PEM)", CLI_OPT_REQUIRED),
		CLI_OPT_PATH("crl", 0, &o.crl, "FILE",
		    "the client CAs' CRLs (PEM): revoked unit certificates are refused", 0),
		CLI_OPT_FLAG("public-read", 0, &o.public_read,
		    "GET routes without a client certificate (checks always need one)"),
		CLI_OPT_UINT64("workers", 0, &workers, "N", "threads that run checks (default 8)", 0),
		CLI_OPT_UINT64("max-connections", 0, &maxconn, "N", "open connections at most (default 256)", 0),
		CLI_OPT_UINT64("timeout", 0, &timeout, "SECONDS",
		    "deadline for a connection's handshake, headers and body; idle time (default 10)", 0),
		CLI_OPT_UINT64("checkpoint-every", 0, &every, "N",
		    "sign a checkpoint once N entries were appended since the last", 0),
		CLI_OPT_UINT64("checkpoint-interval", 0, &interval, "SECONDS",
		    "sign one at most SECONDS after an entry no checkpoint covers", 0),
		CLI_OPT_LIST("witness", 0, &urls, "URL",
		    "a C2SP witness to cosign each checkpoint (https://host:port); repeatable", 0),
		CLI_OPT_LIST("witness-key", 0, &vkeys, "KEY", "a witness vkey (type 0x04) to trust besides\n"
		    "the policy's witnesses, or a file of them; repeatable (counted, not stored)", 0),
		CLI_OPT_PATH("witness-ca", 0, &o.witness_ca, "FILE", "CA certificates (PEM) for the witnesses' TLS\n"
		    "(default: the system's)", 0),
		CLI_OPT_UINT64("witness-timeout", 0, &wtimeout, "SECONDS", "per request to a witness (default 30)", 0),
		CLI_OPT_UINT64("witness-quorum", 0, &quorum, "K", "distinct trusted witnesses a round needs\n"
		    "(default: the policy's witness_quorum)", 0),
		CLI_OPT_DB_KEY_FILE(&key_file),
		CLI_OPT_JSON(&json, "on exit, print {ok, stopped}"),
		CLI_OPT_END(),
	};
	kansa_ledger *lg = NULL;
	int rc, error = 0;

	memset(&o, 0, sizeof(o));
	if ((rc = cli_parse_options(&help_serve, opts, argc, argv)) >= 0)
		return rc;
	if (workers.value > 1024 || maxconn.value > 100000 || timeout.value > 3600) {
		kansa_error_set_str(KANSA_EINVAL,
		    "--workers at most 1024, --max-connections at most 100000, --timeout at most 3600");
		return cli_fail(KANSA_EINVAL, json, schema);
	}
	if ((rc = checkpoint_options(&o, keys, 0, &urls, &vkeys, every, interval, wtimeout, quorum)) >= 0)
		return rc;
	for (size_t i = 0; i < vkeys.n && error == 0; i++)
		error = cli_anchor_load_verifiers(keys, &n_keys, MAX_LIST, vkeys.v[i]);
	o.n_witness_keys = n_keys;
	if (error < 0) {
		cli_anchor_free_verifiers(keys, n_keys);
		return cli_fail(error, json, schema);
	}
	o.workers = (unsigned)workers.value;
	o.max_connections = (unsigned)maxconn.value;
	o.timeout = (unsigned)timeout.value;
	o.on_event = on_event;
	if ((error = cli_open_ledger(&lg, db, key_file, 0)) < 0) {
		cli_anchor_free_verifiers(keys, n_keys);
		return cli_fail(error, json, schema);
	}
	error = kansa_serve(lg, &o);
	cli_anchor_free_verifiers(keys, n_keys);
	/* REQ: SERVICE-SIGTERM the ledger is closed after the last answer */
	kansa_ledger_close(lg);
	if (error < 0)
		return cli_fail(error, json, schema);
	if (json)
		cli_json_print(json_pack("{s:b, s:s}", "ok", 1, "stopped", "signal"), schema);
	return EXIT_OK;
}
