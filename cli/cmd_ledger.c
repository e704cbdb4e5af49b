/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kansa ledger init | policy | revoke | info, and kansa check: the
 * encrypted ledger from the command line. The database key comes from
 * --db-key-file or $KANSA_DB_KEY_FILE (mode 0600), never from argv.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"

static int db_key(kansa_secret **out, const cli_ledger_opts *o)
{
	const char *f = o->key_file ? o->key_file : getenv("KANSA_DB_KEY_FILE");

	*out = NULL;
	if (f == NULL || *f == '\0')
		return kansa_error_set_str(KANSA_EINVAL,
		    "no database key: give --db-key-file FILE or set KANSA_DB_KEY_FILE "
		    "(a mode 0600 file holding 64 hex digits or a passphrase)");
	return kansa_secret_read_file(out, f);
}

int cli_open_ledger(kansa_ledger **out, const char *db, const char *key_file, int flags)
{
	cli_ledger_opts o = { db, key_file, false };
	kansa_secret *key = NULL;
	int error;

	*out = NULL;
	if ((error = db_key(&key, &o)) < 0)
		return error;
	error = kansa_ledger_open(out, db, key, flags);
	kansa_secret_free(key);
	return error;
}

static void print_receipt(const kansa_receipt *r, const char *what)
{
	char hex[2 * KANSA_HASH_LEN + 1];

	kansa_hex_encode(hex, r->leaf_hash, KANSA_HASH_LEN);
	if (strcmp(what, "decision") == 0)
		printf("%s: %s (%s)\n", what, r->verdict == KANSA_ALLOW ? "allow" : "deny",
		    kansa_reason_name(r->reason));
	else
		printf("%s\n", what);
	if (r->detail[0])
		printf("detail:    %s\n", r->detail);
	printf("seq:       %llu\n", (unsigned long long)r->seq);
	printf("leaf hash: %s\n", hex);
	if (r->ratify_by)
		printf("ratify by: %lld (emergency act: the commission must ratify it)\n", (long long)r->ratify_by);
}

static json_t *receipt_json(const kansa_receipt *r)
{
	json_t *o = json_object();

	json_object_set_new(o, "decision", json_string(r->verdict == KANSA_ALLOW ? "allow" : "deny"));
	json_object_set_new(o, "reason", json_string(kansa_reason_name(r->reason)));
	json_object_set_new(o, "detail", json_string(r->detail));
	json_object_set_new(o, "seq", json_integer((json_int_t)r->seq));
	json_object_set_new(o, "leaf_hash", cli_json_hex(r->leaf_hash, KANSA_HASH_LEN));
	json_object_set_new(o, "time", json_integer(r->time));
	if (r->ratify_by)
		json_object_set_new(o, "ratify_by", json_integer(r->ratify_by));
	return o;
}

int cli_ledger_parse_opts(int argc, char **argv, cli_ledger_opts *o, const struct option *extra_opts,
    int (*extra)(int c, const char *arg, void *ctx), void *ctx, void (*help)(void))
{
	struct option opts[16];
	size_t n = 0;
	int c;

	static const struct option base[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "db-key-file", required_argument, NULL, 'k' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
	};
	for (size_t i = 0; i < sizeof(base) / sizeof(base[0]); i++)
		opts[n++] = base[i];
	for (; extra_opts && extra_opts[n - 4].name && n < 15; n++)
		opts[n] = extra_opts[n - 4];
	memset(&opts[n], 0, sizeof(opts[n]));
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': o->db = optarg; break;
		case 'k': o->key_file = optarg; break;
		case 'j': o->json = true; break;
		case 'h': help(); return EXIT_OK;
		case '?': return cli_usage_error("invalid option");
		default:
			if (extra == NULL || extra(c, optarg, ctx) != 0)
				return cli_usage_error("invalid option");
		}
	}
	if (optind != argc)
		return cli_usage_error("unexpected argument '%s'", argv[optind]);
	if (o->db == NULL)
		return cli_usage_error("--db DB is required");
	return -1;
}

/* Read a whole input file given by an option, with its name for errors. */
static int read_input(uint8_t **out, size_t *len, const char *path, size_t max)
{
	return kansa_file_read(out, len, path, max, 0);
}

/* ---- ledger init ---------------------------------------------------- */

static void help_init(void)
{
	printf("usage: kansa ledger init --db DB --policy POLICY.cose [--db-key-file FILE] [--json]\n"
	    "\n"
	    "Create a new encrypted ledger. The policy (version 1, signed by its own\n"
	    "quorum of members) becomes entry 0; a fresh Ed25519 ledger signing key is made\n"
	    "and kept inside the encrypted database. The database key file (mode 0600)\n"
	    "holds 64 hex digits (a raw 256-bit key) or a passphrase (run through scrypt).\n"
	    "\n"
	    "options:\n"
	    "  --db DB              database file to create (must not exist)\n"
	    "  --policy FILE        the signed policy (COSE)\n"
	    "  --db-key-file FILE   database key (default: $KANSA_DB_KEY_FILE)\n"
	    "  --json               print the result as one JSON object\n"
	    "\n"
	    "example:\n"
	    "  openssl rand -hex 32 > ledger.keyfile && chmod 600 ledger.keyfile\n"
	    "  kansa ledger init --db ledger.db --policy policy.cose --db-key-file ledger.keyfile\n");
}

static int opt_policy(int c, const char *arg, void *ctx)
{
	if (c != 'P')
		return -1;
	*(const char **)ctx = arg;
	return 0;
}

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
		json_object_set_new(o, "last_time", json_integer(in->last_time));
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
	static const struct option extra[] = { { "policy", required_argument, NULL, 'P' }, { 0, 0, 0, 0 } };
	cli_ledger_opts o = { 0 };
	const char *policy = NULL;
	kansa_secret *key = NULL;
	kansa_ledger *lg = NULL;
	kansa_ledger_info info;
	uint8_t *doc = NULL;
	size_t len = 0;
	int rc, error;

	if ((rc = cli_ledger_parse_opts(argc, argv, &o, extra, opt_policy, &policy, help_init)) >= 0)
		return rc;
	if (policy == NULL)
		return cli_usage_error("--policy POLICY.cose is required");
	if ((error = db_key(&key, &o)) < 0 ||
	    (error = read_input(&doc, &len, policy, 1024 * 1024)) < 0 ||
	    (error = kansa_ledger_init(o.db, key, doc, len)) < 0 ||
	    (error = kansa_ledger_open(&lg, o.db, key, KANSA_LEDGER_READONLY)) < 0 ||
	    (error = kansa_ledger_get_info(&info, lg)) < 0)
		goto out;
	if (!o.json)
		printf("created ledger %s\n", o.db);
	print_info(&info, NULL, o.json, "kansa.ledger.init/1");
out:
	kansa_ledger_close(lg);
	kansa_secret_free(key);
	free(doc);
	return error < 0 ? cli_fail(error, o.json, "kansa.ledger.init/1") : EXIT_OK;
}

/* ---- ledger info ---------------------------------------------------- */

static void help_info(void)
{
	printf("usage: kansa ledger info --db DB [--db-key-file FILE] [--json]\n"
	    "\n"
	    "Print the ledger's size, head hash, Merkle root, policy version and the\n"
	    "ledger's public key in signed-note verifier form (name+hash+base64), which\n"
	    "auditors and witnesses use to check checkpoints without the database key.\n"
	    "\n"
	    "example:\n"
	    "  kansa ledger info --db ledger.db --db-key-file ledger.keyfile --json\n");
}

int cmd_ledger_info(int argc, char **argv)
{
	cli_ledger_opts o = { 0 };
	kansa_ledger *lg = NULL;
	kansa_ledger_info info;
	json_t *clock = NULL;
	int rc, error;

	if ((rc = cli_ledger_parse_opts(argc, argv, &o, NULL, NULL, NULL, help_info)) >= 0)
		return rc;
	if ((error = cli_open_ledger(&lg, o.db, o.key_file, KANSA_LEDGER_READONLY)) < 0 ||
	    (error = kansa_ledger_get_info(&info, lg)) < 0)
		goto out;
	clock = cli_clock_check(lg);
	print_info(&info, clock, o.json, "kansa.ledger.info/1");
out:
	json_decref(clock);
	kansa_ledger_close(lg);
	return error < 0 ? cli_fail(error, o.json, "kansa.ledger.info/1") : EXIT_OK;
}

/* ---- ledger policy / revoke ----------------------------------------- */

static void help_policy(void)
{
	printf("usage: kansa ledger policy --db DB --policy NEW_POLICY.cose [--db-key-file FILE] [--json]\n"
	    "\n"
	    "Activate the next policy version. It must be version n+1 of the same\n"
	    "commission, signed by the 'policy' quorum of the version in force.\n"
	    "\n"
	    "example:\n"
	    "  kansa ledger policy --db ledger.db --policy policy-v2.cose\n");
}

static void help_revoke(void)
{
	printf("usage: kansa ledger revoke --db DB --revocation REVOCATION.cose [--db-key-file FILE] [--json]\n"
	    "\n"
	    "Record a revocation signed by the 'revoke' quorum. Every later request under\n"
	    "the revoked warrant is denied with reason 'revoked'.\n"
	    "\n"
	    "example:\n"
	    "  kansa ledger revoke --db ledger.db --revocation revoke-0042.cose\n");
}

static void help_ratify(void)
{
	printf("usage: kansa ledger ratify --db DB --ratification RATIFICATION.cose [--db-key-file FILE] [--json]\n"
	    "\n"
	    "Record the commission's answer to an emergency act: a ratification that\n"
	    "names the act's leaf hash (from its receipt or 'kansa audit report'),\n"
	    "approves or refuses it, and carries the 'revoke' quorum. Until then the\n"
	    "act is listed as pending, or overdue after its deadline.\n"
	    "\n"
	    "example:\n"
	    "  kansa ratification create --in ratification.json --out rat.cose\n"
	    "  kansa ratification sign rat.cose --key member-a.key\n"
	    "  kansa ledger ratify --db ledger.db --ratification rat.cose\n");
}

static int opt_doc(int c, const char *arg, void *ctx)
{
	if (c != 'P' && c != 'R' && c != 'A')
		return -1;
	*(const char **)ctx = arg;
	return 0;
}

enum { APPEND_POLICY, APPEND_REVOCATION, APPEND_RATIFICATION };

static const struct {
	struct option opt[2];
	const char *schema, *missing, *done;
	void (*help)(void);
} append_kinds[] = {
	[APPEND_POLICY] = { { { "policy", required_argument, NULL, 'P' }, { 0, 0, 0, 0 } },
	    "kansa.ledger.policy/1", "--policy FILE is required", "policy activated", help_policy },
	[APPEND_REVOCATION] = { { { "revocation", required_argument, NULL, 'R' }, { 0, 0, 0, 0 } },
	    "kansa.ledger.revoke/1", "--revocation FILE is required", "revocation recorded", help_revoke },
	[APPEND_RATIFICATION] = { { { "ratification", required_argument, NULL, 'A' }, { 0, 0, 0, 0 } },
	    "kansa.ledger.ratify/1", "--ratification FILE is required", "ratification recorded", help_ratify },
};

static int append_doc(int argc, char **argv, int kind)
{
	const char *schema = append_kinds[kind].schema;
	cli_ledger_opts o = { 0 };
	const char *file = NULL;
	kansa_ledger *lg = NULL;
	kansa_receipt r;
	uint8_t *doc = NULL;
	size_t len = 0;
	int rc, error;

	if ((rc = cli_ledger_parse_opts(argc, argv, &o, append_kinds[kind].opt, opt_doc, &file,
	    append_kinds[kind].help)) >= 0)
		return rc;
	if (file == NULL)
		return cli_usage_error("%s", append_kinds[kind].missing);
	if ((error = read_input(&doc, &len, file, 1024 * 1024)) < 0 ||
	    (error = cli_open_ledger(&lg, o.db, o.key_file, 0)) < 0)
		goto out;
	if (kind == APPEND_POLICY)
		error = kansa_ledger_activate_policy(&r, lg, doc, len);
	else if (kind == APPEND_REVOCATION)
		error = kansa_ledger_revoke(&r, lg, doc, len);
	else
		error = kansa_ledger_ratify(&r, lg, doc, len);
	if (error < 0)
		goto out;
	if (o.json) {
		json_t *j = receipt_json(&r);
		json_object_set_new(j, "ok", json_true());
		cli_json_print(j, schema);
	} else {
		print_receipt(&r, append_kinds[kind].done);
	}
out:
	kansa_ledger_close(lg);
	free(doc);
	return error < 0 ? cli_fail(error, o.json, schema) : EXIT_OK;
}

int cmd_ledger_policy(int argc, char **argv) { return append_doc(argc, argv, APPEND_POLICY); }
int cmd_ledger_revoke(int argc, char **argv) { return append_doc(argc, argv, APPEND_REVOCATION); }
int cmd_ledger_ratify(int argc, char **argv) { return append_doc(argc, argv, APPEND_RATIFICATION); }

/* ---- check ---------------------------------------------------------- */

static void help_check(void)
{
	printf("usage: kansa check --db DB --request REQUEST.json [--warrant WARRANT.cose]\n"
	    "                   [--db-key-file FILE] [--json]\n"
	    "\n"
	    "Decide on one request and record the decision in the ledger before answering.\n"
	    "A request that cannot be parsed is recorded too, as malformed-request.\n"
	    "Exit status: 0 allowed, 1 denied (the reason is printed), 3 or 4 an input\n"
	    "file that cannot be read, 4 the ledger could not be written (the request is\n"
	    "then denied and nothing is recorded). Without --warrant only an emergency request\n"
	    "(\"emergency\": true) can be allowed, if the policy permits it.\n"
	    "\n"
	    "options:\n"
	    "  --db DB              the ledger\n"
	    "  --warrant FILE       the signed warrant (COSE)\n"
	    "  --request FILE       the request (JSON as in docs/documents.md, or CBOR with --cbor)\n"
	    "  --cbor               the request file is canonical CBOR, not JSON\n"
	    "  --db-key-file FILE   database key (default: $KANSA_DB_KEY_FILE)\n"
	    "  --json               print {decision, reason, seq, leaf_hash, ...}\n"
	    "\n"
	    "example:\n"
	    "  kansa check --db ledger.db --warrant warrant.cose --request request.json --json\n");
}

typedef struct {
	const char *warrant, *request;
	bool cbor;
} check_args;

static int opt_check(int c, const char *arg, void *ctx)
{
	check_args *a = ctx;

	switch (c) {
	case 'W': a->warrant = arg; return 0;
	case 'Q': a->request = arg; return 0;
	case 'C': a->cbor = true; return 0;
	default: return -1;
	}
}

/* The largest request file check reads (and hands over, to be recorded by
 * hash when it is over the library's request bound): a bound on the CLI's
 * memory, not a rule on requests. */
#define REQUEST_FILE_MAX (64u * 1024 * 1024)

int cmd_check(int argc, char **argv)
{
	static const struct option extra[] = {
		{ "warrant", required_argument, NULL, 'W' },
		{ "request", required_argument, NULL, 'Q' },
		{ "cbor", no_argument, NULL, 'C' },
		{ 0, 0, 0, 0 },
	};
	const char *schema = "kansa.check/1";
	cli_ledger_opts o = { 0 };
	check_args a = { 0 };
	kansa_ledger *lg = NULL;
	kansa_receipt r;
	json_t *clock = NULL;
	uint8_t *warrant = NULL, *req_in = NULL;
	size_t wlen = 0, rinlen = 0;
	int rc, error;

	memset(&r, 0, sizeof(r));
	if ((rc = cli_ledger_parse_opts(argc, argv, &o, extra, opt_check, &a, help_check)) >= 0)
		return rc;
	if (a.request == NULL)
		return cli_usage_error("--request FILE is required");
	/* The request file is handed over as it is: the library records even
	 * one that does not parse or is too large (design §5 row 1). Only a
	 * file that cannot be read is refused here, with nothing recorded. */
	if ((a.warrant && (error = read_input(&warrant, &wlen, a.warrant, 1024 * 1024)) < 0) ||
	    (error = read_input(&req_in, &rinlen, a.request, REQUEST_FILE_MAX)) < 0)
		goto out;
	if ((error = cli_open_ledger(&lg, o.db, o.key_file, 0)) < 0)
		goto out;
	clock = cli_clock_check(lg); /* before the check: its entry moves the last time */
	/* REQ: LEDGER-REQUEST-RECORDED the CLI never refuses a request it has read */
	if (a.cbor)
		error = kansa_check(&r, lg, warrant, wlen, req_in, rinlen);
	else
		error = kansa_check_json(&r, lg, warrant, wlen, (const char *)req_in, rinlen,
		    (int64_t)time(NULL));
	if (error < 0)
		goto out;
	if (o.json) {
		json_t *j = receipt_json(&r);
		json_object_set_new(j, "ok", json_boolean(r.verdict == KANSA_ALLOW));
		json_object_set(j, "clock", clock);
		cli_json_print(j, schema);
	} else {
		print_receipt(&r, "decision");
	}
out:
	json_decref(clock);
	kansa_ledger_close(lg);
	free(warrant);
	free(req_in);
	if (error < 0) {
		/* fail closed: nothing recorded, so the answer is deny */
		const kansa_error *e = kansa_error_last();
		if (o.json) {
			json_t *j = json_pack("{s:b, s:s, s:s, s:{s:s, s:s}}", "ok", 0, "decision", "deny",
			    "reason", "not-recorded", "error", "code", kansa_error_name(error),
			    "message", e->code == error ? e->message : kansa_strerror(error));
			cli_json_print(j, schema);
			cli_warn("%s", e->code == error ? e->message : kansa_strerror(error));
			return cli_exit_code(error);
		}
		printf("decision: deny (nothing was recorded: %s)\n", kansa_strerror(error));
		return cli_fail(error, false, schema);
	}
	return r.verdict == KANSA_ALLOW ? EXIT_OK : EXIT_NO;
}

/* ---- ledger checkpoint / proof ---------------------------------------- */

static void help_checkpoint(void)
{
	printf("usage: kansa ledger checkpoint --db DB [--db-key-file FILE] [--json]\n"
	    "\n"
	    "Sign a checkpoint of the ledger as it is now (C2SP tlog-checkpoint: origin,\n"
	    "size, Merkle root) with the ledger's own key, store it in the ledger and\n"
	    "print it. Anyone can verify it with the log key of 'kansa ledger info'.\n"
	    "\n"
	    "example:\n"
	    "  kansa ledger checkpoint --db ledger.db > checkpoint\n");
}

int cmd_ledger_checkpoint(int argc, char **argv)
{
	const char *schema = "kansa.ledger.checkpoint/1";
	cli_ledger_opts o = { 0 };
	kansa_ledger *lg = NULL;
	char *note = NULL;
	size_t len = 0;
	int rc, error;

	if ((rc = cli_ledger_parse_opts(argc, argv, &o, NULL, NULL, NULL, help_checkpoint)) >= 0)
		return rc;
	if ((error = cli_open_ledger(&lg, o.db, o.key_file, 0)) < 0 ||
	    (error = kansa_ledger_checkpoint(&note, &len, lg)) < 0)
		goto out;
	if (o.json) {
		json_t *j = json_object();
		json_object_set_new(j, "ok", json_true());
		json_object_set_new(j, "checkpoint", json_stringn(note, len));
		cli_json_print(j, schema);
	} else {
		fwrite(note, 1, len, stdout);
	}
out:
	free(note);
	kansa_ledger_close(lg);
	return error < 0 ? cli_fail(error, o.json, schema) : EXIT_OK;
}

static void help_proof(void)
{
	printf("usage: kansa ledger proof --db DB (--seq N | --old-size N) [--size M]\n"
	    "                          [--db-key-file FILE] [--json]\n"
	    "\n"
	    "Print an RFC 9162 proof from the ledger's Merkle tree: with --seq, that entry\n"
	    "is included in the tree of the first M entries (default: all); with\n"
	    "--old-size, the tree of the first N entries is a prefix of the tree of M.\n"
	    "The text form is in docs/formats.md; --json adds the leaf hash and roots.\n"
	    "\n"
	    "example:\n"
	    "  kansa ledger proof --db ledger.db --seq 42\n"
	    "  kansa ledger proof --db ledger.db --old-size 100 --size 200 --json\n");
}

typedef struct {
	const char *seq, *old_size, *size;
} proof_args;

static int opt_proof(int c, const char *arg, void *ctx)
{
	proof_args *a = ctx;

	switch (c) {
	case 'S': a->seq = arg; return 0;
	case 'O': a->old_size = arg; return 0;
	case 'M': a->size = arg; return 0;
	default: return -1;
	}
}

static bool parse_count(uint64_t *out, const char *s)
{
	char *end = NULL;

	if (s == NULL || *s < '0' || *s > '9')
		return false;
	*out = strtoull(s, &end, 10);
	return *end == '\0';
}

int cmd_ledger_proof(int argc, char **argv)
{
	static const struct option extra[] = {
		{ "seq", required_argument, NULL, 'S' },
		{ "old-size", required_argument, NULL, 'O' },
		{ "size", required_argument, NULL, 'M' },
		{ 0, 0, 0, 0 },
	};
	const char *schema = "kansa.ledger.proof/1";
	cli_ledger_opts o = { 0 };
	proof_args a = { 0 };
	kansa_ledger *lg = NULL;
	kansa_merkle_proof p;
	uint8_t first[KANSA_HASH_LEN], root[KANSA_HASH_LEN];
	uint64_t seq = 0, old_size = 0, size = 0;
	char *text = NULL;
	size_t len = 0;
	int rc, error;

	if ((rc = cli_ledger_parse_opts(argc, argv, &o, extra, opt_proof, &a, help_proof)) >= 0)
		return rc;
	if ((a.seq == NULL) == (a.old_size == NULL))
		return cli_usage_error("give exactly one of --seq N and --old-size N");
	if ((a.seq && !parse_count(&seq, a.seq)) || (a.old_size && !parse_count(&old_size, a.old_size)) ||
	    (a.size && !parse_count(&size, a.size)))
		return cli_usage_error("--seq, --old-size and --size take a whole number");
	if ((error = cli_open_ledger(&lg, o.db, o.key_file, KANSA_LEDGER_READONLY)) < 0)
		goto out;
	error = a.seq ? kansa_ledger_prove_inclusion(&p, first, root, lg, seq, size)
	    : kansa_ledger_prove_consistency(&p, first, root, lg, old_size, size);
	if (error < 0 || (error = kansa_merkle_proof_format(&text, &len, &p)) < 0)
		goto out;
	if (o.json) {
		json_t *j = json_object();
		json_object_set_new(j, "ok", json_true());
		json_object_set_new(j, "proof", json_stringn(text, len));
		json_object_set_new(j, "size", json_integer((json_int_t)p.size));
		json_object_set_new(j, "root", cli_json_hex(root, KANSA_HASH_LEN));
		if (a.seq) {
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
	return error < 0 ? cli_fail(error, o.json, schema) : EXIT_OK;
}
