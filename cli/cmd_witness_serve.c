/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kansa witness serve: a C2SP tlog-witness over HTTPS (design §11,
 * docs/witness.md). It cosigns the checkpoints of the logs given with
 * --log-key when they extend what it cosigned before, keeping that in the
 * same state files as kansa witness cosign. The key's passphrase comes from
 * a file or a prompt, never from the command line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/anchor.h"

static const cli_help help_witness_serve = {
	.usage = "--key WITNESS_KEY --log-key KEY... --listen ADDRESS:PORT --cert CERT\n"
	    "--cert-key KEY [--state DIR] [--passphrase-file FILE] [--workers N]\n"
	    "[--max-connections N] [--timeout SECONDS] [--json]",
	.about = "Serve as a witness (C2SP tlog-witness) over HTTPS (TLS 1.3, no client\n"
	    "certificates): POST /add-checkpoint takes \"old N\", the consistency proof\n"
	    "lines, an empty line and a checkpoint of a log given with --log-key, and\n"
	    "answers 200 with your C2SP cosignature (tlog-cosignature v1) once it has\n"
	    "recorded the checkpoint as the latest it cosigned; 409 (body: the size you\n"
	    "cosigned last) when the old size is not that size, or for another root of\n"
	    "that size; 422 when the proof fails; 404 for a log you were not given; 403\n"
	    "when the log's signature does not verify; 400 malformed; 413 over 1 MiB.\n"
	    "A smaller size than you cosigned is never cosigned. The state of each log\n"
	    "is the file kansa witness cosign keeps (mode 0600, written atomically),\n"
	    "so the offline and the online witness go on from each other. GET /healthz.\n"
	    "SIGTERM or SIGINT: stop accepting, answer what is in flight, exit 0.\n"
	    "SIGHUP: read --cert and --cert-key again.\n"
	    "Exit status: 0 stopped by a signal, 2 usage, 3 or 4 a key, certificate or\n"
	    "state that cannot be used, or an address that cannot be listened on.",
	.example = "kansa witness serve --key member-a.key --log-key \"$(cat site-a.logkey)\" "
	    "--listen 127.0.0.1:7380 --cert witness.pem --cert-key witness.key",
	.schema = "kansa.witness.serve/1",
};

static void on_event(void *ctx, const char *line)
{
	(void)ctx;
	fprintf(stderr, "kansa witness serve: %s\n", line);
	fflush(stderr);
}

typedef struct {
	const char *key, *pass_file, *state;
	cli_opt_list logs;
	cli_opt_uint workers, maxconn, timeout;
	bool json;
} serve_opts;

/* The logs' keys, the witness key, its state directory, the witness. */
static int open_witness(kansa_witness **out, kansa_key **key, char *dir, size_t dir_size,
    const serve_opts *o)
{
	kansa_note_verifier *logs[MAX_LIST] = { 0 }, *me = NULL;
	size_t n_logs = 0;
	int error;

	for (size_t i = 0; i < o->logs.n; i++)
		if ((error = cli_anchor_load_verifiers(logs, &n_logs, MAX_LIST, o->logs.v[i])) < 0)
			goto out;
	if ((error = cli_load_key(key, o->key, o->pass_file)) < 0)
		goto out;
	if (kansa_key_name(*key)[0] == '\0') {
		error = kansa_error_set_str(KANSA_EINVAL, "--key: the key has no name; a witness signs under "
		    "its name (make one with kansa keys generate --name NAME)");
		goto out;
	}
	if ((error = kansa_cosig_verifier_from_key(&me, *key, kansa_key_name(*key))) < 0)
		goto out;
	if (o->state)
		snprintf(dir, dir_size, "%s", o->state);
	else if ((error = cli_witness_state_dir(dir, dir_size, me)) < 0)
		goto out;
	if ((error = cli_witness_make_dir(dir, dir_size)) < 0)
		goto out;
	error = kansa_witness_open(out, *key, (const kansa_note_verifier *const *)logs, n_logs, dir);
out:
	kansa_note_verifier_free(me);
	cli_anchor_free_verifiers(logs, n_logs);
	return error;
}

int cmd_witness_serve(int argc, char **argv)
{
	const char *schema = help_witness_serve.schema;
	serve_opts o;
	kansa_serve_options so;
	const cli_option opts[] = {
		CLI_OPT_PATH("key", 0, &o.key, "FILE", "your witness key; its name is your witness name",
		    CLI_OPT_REQUIRED),
		CLI_OPT_LIST("log-key", 0, &o.logs, "KEY", "a log's verifier key (the log_key of 'kansa ledger\n"
		    "info'; its name is the log's origin), or a file of them; repeatable", CLI_OPT_REQUIRED),
		CLI_OPT_STRING("listen", 0, &so.listen, "ADDRESS:PORT", "where to listen: 127.0.0.1:7380, [::1]:7380",
		    CLI_OPT_REQUIRED),
		CLI_OPT_PATH("cert", 0, &so.cert, "FILE", "the server's TLS certificate chain (PEM)", CLI_OPT_REQUIRED),
		CLI_OPT_PATH("cert-key", 0, &so.key, "FILE", "its private key (PEM, mode 0600)", CLI_OPT_REQUIRED),
		CLI_OPT_PATH("state", 0, &o.state, "DIR", "the state files, one per log (default:\n"
		    "~/.config/kansa/witness/<name>+<key ID>, or under\n"
		    "$XDG_CONFIG_HOME), as kansa witness cosign keeps them", 0),
		CLI_OPT_PATH("passphrase-file", 0, &o.pass_file, "FILE",
		    "the witness key's passphrase (else $KANSA_PASSPHRASE_FILE or a prompt)", 0),
		CLI_OPT_UINT64("workers", 0, &o.workers, "N", "threads that answer requests (default 8)", 0),
		CLI_OPT_UINT64("max-connections", 0, &o.maxconn, "N", "open connections at most (default 256)", 0),
		CLI_OPT_UINT64("timeout", 0, &o.timeout, "SECONDS",
		    "deadline for a connection's handshake, headers and body; idle time (default 10)", 0),
		CLI_OPT_JSON(&o.json, "on exit, print {ok, stopped}"),
		CLI_OPT_END(),
	};
	kansa_witness *w = NULL;
	kansa_key *key = NULL;
	char dir[4096];
	int rc, error;

	memset(&o, 0, sizeof(o));
	memset(&so, 0, sizeof(so));
	if ((rc = cli_parse_options(&help_witness_serve, opts, argc, argv)) >= 0)
		return rc;
	if (o.workers.value > 1024 || o.maxconn.value > 100000 || o.timeout.value > 3600) {
		kansa_error_set_str(KANSA_EINVAL,
		    "--workers at most 1024, --max-connections at most 100000, --timeout at most 3600");
		return cli_fail(KANSA_EINVAL, o.json, schema);
	}
	so.workers = (unsigned)o.workers.value;
	so.max_connections = (unsigned)o.maxconn.value;
	so.timeout = (unsigned)o.timeout.value;
	so.on_event = on_event;
	if ((error = open_witness(&w, &key, dir, sizeof(dir), &o)) == 0) {
		on_event(NULL, "state directory ready");
		error = kansa_witness_serve(w, &so);
	}
	kansa_witness_free(w);
	kansa_key_free(key);
	if (error < 0)
		return cli_fail(error, o.json, schema);
	if (o.json)
		cli_json_print(json_pack("{s:b, s:s, s:s}", "ok", 1, "stopped", "signal", "state", dir), schema);
	return EXIT_OK;
}
