/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kansa audit entries | show (design §12, docs/audit.md): every ledger
 * entry decoded for people, filtered, as text, JSON or CSV; one entry in
 * full with its inclusion proof. The entries stream from the library's
 * iterator (kansa_audit_entries_*): each is printed as soon as it is read,
 * so memory does not grow with the ledger, also with --json (one object
 * whose "entries" array is written element by element) and --csv.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"

/* ---- one entry as JSON, CSV and text -------------------------------------- */

static json_t *time_json(int64_t t)
{
	char s[32];

	kansa_time_format(s, t);
	return json_string(s);
}

static json_t *strings_json(const char *const *v, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

static void decision_json(json_t *o, const kansa_audit_entry *e)
{
	json_object_set_new(o, "decision", json_string(e->verdict == KANSA_ALLOW ? "allow" : "deny"));
	json_object_set_new(o, "reason", json_string(kansa_reason_name(e->reason)));
	json_object_set_new(o, "detail", json_string(e->detail));
	json_object_set_new(o, "policy_version", json_integer((json_int_t)e->policy_version));
	json_object_set_new(o, "uses", json_integer((json_int_t)e->uses));
	if (e->ratify_by)
		json_object_set_new(o, "ratify_by", time_json(e->ratify_by));
	if (e->has_warrant)
		json_object_set_new(o, "warrant_hash", cli_json_hex(e->warrant_hash, KANSA_HASH_LEN));
	if (e->has_cti) {
		json_object_set_new(o, "warrant", cli_json_hex(e->cti, 16));
		json_object_set_new(o, "case", json_string(e->case_id));
	}
	if (e->request_hashed) {
		json_object_set_new(o, "request_hash", cli_json_hex(e->request_hash, KANSA_HASH_LEN));
		json_object_set_new(o, "request_size", json_integer((json_int_t)e->request_size));
	}
	json_object_set_new(o, "request_readable", json_boolean(e->has_request));
	if (!e->has_request)
		return;
	json_object_set_new(o, "requester", json_string(e->requester));
	json_object_set_new(o, "officer", json_string(e->officer));
	json_object_set_new(o, "action", json_string(e->action));
	json_object_set_new(o, "justification", json_string(e->justification));
	json_object_set_new(o, "emergency", json_boolean(e->emergency));
	if (e->n_targets)
		json_object_set_new(o, "targets", strings_json(e->targets, e->n_targets));
	if (e->n_fields)
		json_object_set_new(o, "fields", strings_json(e->fields, e->n_fields));
	if (e->has_window)
		json_object_set_new(o, "window", json_pack("[o,o]", time_json(e->window[0]),
		    time_json(e->window[1])));
	if (e->host[0])
		json_object_set_new(o, "host", json_string(e->host));
	if (e->op[0])
		json_object_set_new(o, "op", json_string(e->op));
}

json_t *cli_audit_entry_json(const kansa_audit_entry *e)
{
	json_t *o = json_object();

	json_object_set_new(o, "seq", json_integer((json_int_t)e->seq));
	json_object_set_new(o, "time", time_json(e->time));
	json_object_set_new(o, "time_unix", json_integer((json_int_t)e->time));
	json_object_set_new(o, "kind", json_string(e->kind_name));
	if (e->kind == KANSA_AUDIT_ENTRY_MALFORMED)
		return o;
	json_object_set_new(o, "leaf_hash", cli_json_hex(e->leaf_hash, KANSA_HASH_LEN));
	if (e->altered)
		json_object_set_new(o, "altered", json_true());
	switch (e->kind) {
	case KANSA_AUDIT_ENTRY_DECISION:
		decision_json(o, e);
		break;
	case KANSA_AUDIT_ENTRY_POLICY:
		json_object_set_new(o, "version", json_integer((json_int_t)e->version));
		json_object_set_new(o, "document", cli_json_hex(e->document, KANSA_HASH_LEN));
		break;
	case KANSA_AUDIT_ENTRY_REVOCATION:
		json_object_set_new(o, "warrant", cli_json_hex(e->revoked_cti, 16));
		json_object_set_new(o, "document", cli_json_hex(e->document, KANSA_HASH_LEN));
		break;
	case KANSA_AUDIT_ENTRY_RATIFICATION:
		json_object_set_new(o, "entry", cli_json_hex(e->ratified_entry, KANSA_HASH_LEN));
		json_object_set_new(o, "approved", json_boolean(e->approved));
		json_object_set_new(o, "document", cli_json_hex(e->document, KANSA_HASH_LEN));
		break;
	default:
		break;
	}
	return o;
}

/* The CSV columns: the JSON fields, lists joined with ';'. */
static const char *const csv_cols[] = {
	"seq", "time", "kind", "decision", "reason", "requester", "officer", "action", "targets",
	"fields", "window", "host", "op", "justification", "emergency", "warrant", "case",
	"ratify_by", "policy_version", "uses", "detail", "version", "entry", "approved", "document",
	"leaf_hash",
};
#define N_CSV_COLS (sizeof(csv_cols) / sizeof(csv_cols[0]))

/* One CSV cell (RFC 4180: quoted when it holds a comma, quote or line end;
 * a leading = + - @ gets a ' so that a spreadsheet shows it as text). */
static void csv_cell(const char *s, bool first)
{
	bool quote = strpbrk(s, ",\"\r\n") != NULL || strchr("=+-@", s[0] ? s[0] : 'x') != NULL;

	if (!first)
		putchar(',');
	if (!quote) {
		fputs(s, stdout);
		return;
	}
	putchar('"');
	if (strchr("=+-@", s[0] ? s[0] : 'x') != NULL)
		putchar('\'');
	for (; *s; s++) {
		if (*s == '"')
			putchar('"');
		putchar(*s);
	}
	putchar('"');
}

static void csv_header(void)
{
	for (size_t i = 0; i < N_CSV_COLS; i++)
		csv_cell(csv_cols[i], i == 0);
	putchar('\n');
}

/* A JSON value as one cell: strings as they are, arrays joined with ';'. */
static char *cell_text(const json_t *v)
{
	if (v == NULL)
		return strdup("");
	if (json_is_string(v))
		return strdup(json_string_value(v));
	if (json_is_array(v)) {
		size_t i, len = 1;
		json_t *x;
		char *out, *p;
		json_array_foreach(v, i, x)
			len += strlen(json_string_value(x) ? json_string_value(x) : "") + 1;
		if ((p = out = calloc(1, len)) == NULL)
			return NULL;
		json_array_foreach(v, i, x) {
			const char *s = json_string_value(x) ? json_string_value(x) : "";
			size_t n = strlen(s);
			if (i)
				*p++ = ';';
			memcpy(p, s, n);
			p += n;
		}
		return out;
	}
	return json_dumps(v, JSON_ENCODE_ANY);
}

static int csv_row(const json_t *o)
{
	for (size_t i = 0; i < N_CSV_COLS; i++) {
		char *s = cell_text(json_object_get(o, csv_cols[i]));
		if (s == NULL)
			return KANSA_ENOMEM;
		csv_cell(s, i == 0);
		free(s);
	}
	putchar('\n');
	return 0;
}

static void print_list(const char *label, const char *const *v, size_t n)
{
	if (n == 0)
		return;
	printf("    %-14s", label);
	for (size_t i = 0; i < n; i++)
		printf("%s%s", i ? ", " : "", v[i]);
	printf("\n");
}

static void print_decision(const kansa_audit_entry *e)
{
	char a[32], b[32];

	printf("  %s %s", e->verdict == KANSA_ALLOW ? "allow" : "deny", kansa_reason_name(e->reason));
	if (e->has_request)
		printf(": %s by %s (officer %s)%s", e->action, e->requester, e->officer,
		    e->emergency ? ", EMERGENCY" : "");
	printf("\n");
	if (!e->has_request)
		printf("    %-14s%s\n", "request", e->request_hashed ? "not kept (hash and size only)"
		    : "unreadable");
	print_list("targets", e->targets, e->n_targets);
	print_list("fields", e->fields, e->n_fields);
	if (e->has_window) {
		kansa_time_format(a, e->window[0]);
		kansa_time_format(b, e->window[1]);
		printf("    %-14s%s to %s\n", "window", a, b);
	}
	if (e->host[0])
		printf("    %-14s%s %s\n", "neutralize", e->op, e->host);
	if (e->has_request)
		printf("    %-14s%s\n", "justification", e->justification);
	if (e->has_cti) {
		char cti[33];
		kansa_hex_encode(cti, e->cti, 16);
		if (e->verdict == KANSA_ALLOW)
			printf("    %-14s%s (case %s), use %" PRIu64 "\n", "warrant", cti, e->case_id,
			    e->uses + 1);
		else
			printf("    %-14s%s (case %s), %" PRIu64 " allowed uses before\n", "warrant", cti,
			    e->case_id, e->uses);
	} else if (e->has_warrant) {
		printf("    %-14s%s\n", "warrant", "document missing or unreadable (run 'kansa audit replay')");
	}
	if (e->ratify_by) {
		kansa_time_format(a, e->ratify_by);
		printf("    %-14s%s\n", "ratify by", a);
	}
	if (e->detail[0])
		printf("    %-14s%s\n", "detail", e->detail);
}

void cli_audit_entry_print(const kansa_audit_entry *e)
{
	char t[32], h[2 * KANSA_HASH_LEN + 1];

	kansa_time_format(t, e->time);
	printf("seq %" PRIu64 "  %s  %s%s\n", e->seq, t, e->kind_name,
	    e->altered ? "  (ALTERED: run 'kansa audit replay')" : "");
	switch (e->kind) {
	case KANSA_AUDIT_ENTRY_DECISION:
		print_decision(e);
		break;
	case KANSA_AUDIT_ENTRY_POLICY:
		printf("  policy version %" PRIu64 " in force\n", e->version);
		break;
	case KANSA_AUDIT_ENTRY_REVOCATION:
		kansa_hex_encode(h, e->revoked_cti, 16);
		printf("  warrant %s revoked\n", h);
		break;
	case KANSA_AUDIT_ENTRY_RATIFICATION:
		kansa_hex_encode(h, e->ratified_entry, KANSA_HASH_LEN);
		printf("  emergency act %s %s\n", h, e->approved ? "ratified" : "refused");
		break;
	default:
		printf("  the stored entry does not decode (run 'kansa audit replay')\n");
		break;
	}
}

/* ---- options shared with stats: times and filters --------------------------- */

int cli_audit_time(int64_t *out, const char *text, bool end_of_day)
{
	const char *given = text;
	char buf[32];
	int error;

	/* a bare date: its first second, or with end_of_day the first of the next day */
	if (strlen(text) == 10 && text[4] == '-' && text[7] == '-') {
		snprintf(buf, sizeof(buf), "%sT00:00:00Z", text);
		text = buf;
	}
	if ((error = kansa_time_parse(out, text, (int64_t)time(NULL))) < 0)
		return cli_usage_error("'%s' is not a time: give a date (2026-01-31), an RFC 3339 time "
		    "(2026-01-31T09:00:00Z) or an offset (-30d)", given);
	if (end_of_day && text == buf)
		*out += 86400;
	return -1;
}

static int parse_cti(uint8_t out[16], const char *hex)
{
	if (strlen(hex) != 32)
		return -1;
	for (size_t i = 0; i < 16; i++) {
		unsigned v;
		if (sscanf(hex + 2 * i, "%2x", &v) != 1 || !strchr("0123456789abcdefABCDEF", hex[2 * i]) ||
		    !strchr("0123456789abcdefABCDEF", hex[2 * i + 1]))
			return -1;
		out[i] = (uint8_t)v;
	}
	return 0;
}

/* ---- kansa audit entries ------------------------------------------------------ */

static const cli_help help_entries = {
	.usage = "--db DB [--from T] [--until T] [--requester U] [--officer O]\n"
	    "[--warrant CTI] [--decision allow|deny] [--reason R] [--json|--csv]",
	.about = "List the ledger's entries, decoded: time, requester, officer, action,\n"
	    "targets or host, fields, window, operation, justification, decision,\n"
	    "reason, warrant and seq. --from is inclusive, --until exclusive; a bare\n"
	    "date for --until means the end of that day. A filter on requester,\n"
	    "officer, warrant, decision or reason lists decisions only.\n"
	    "\n"
	    "This decodes; it does not verify: run 'kansa audit replay' for that. An\n"
	    "entry whose bytes do not match its recorded hash is marked ALTERED.\n"
	    "The entries stream (memory does not grow with the ledger); --json prints\n"
	    "one object whose \"entries\" array holds them, --csv one row each.\n"
	    "\n"
	    "exit status: 0 listed (also when none matched), 2 usage, 3 no such ledger, 4 cannot read it (wrong key, I/O).",
	.example = "kansa audit entries --db ledger.db --from 2026-01-01 --until 2026-03-31 --decision deny\n"
	    "kansa audit entries --db ledger.db --reason forbidden-field --csv > denials.csv",
	.schema = "kansa.audit.entries/1",
};

typedef struct {
	const char *from, *until, *requester, *officer, *warrant, *decision, *reason;
} entries_opts;

static int build_filter(kansa_audit_filter *f, const entries_opts *o)
{
	int rc;

	if (o->from && (rc = cli_audit_time(&f->from, o->from, false)) >= 0)
		return rc;
	if (o->until && (rc = cli_audit_time(&f->until, o->until, true)) >= 0)
		return rc;
	f->requester = o->requester;
	f->officer = o->officer;
	if (o->warrant) {
		if (parse_cti(f->warrant_cti, o->warrant) < 0)
			return cli_usage_error("--warrant: '%s' is not a warrant id (32 hex digits, as "
			    "'kansa warrant show' prints it)", o->warrant);
		f->has_warrant = true;
	}
	if (o->decision) {
		if (strcmp(o->decision, "allow") == 0)
			f->decision = KANSA_ALLOW;
		else if (strcmp(o->decision, "deny") == 0)
			f->decision = KANSA_DENY;
		else
			return cli_usage_error("--decision: '%s' is neither allow nor deny", o->decision);
	}
	if (o->reason && (f->reason = kansa_reason_from_name(o->reason)) < 0)
		return cli_usage_error("--reason: '%s' is not a reason (see design §5: expired, "
		    "target-out-of-scope, ...)", o->reason);
	return -1;
}

/* The entries as the chosen form; the error of the iterator, if any. */
static int stream(kansa_audit_entries *it, bool json, bool csv, uint64_t *count)
{
	const kansa_audit_entry *e;
	cli_progress bar;
	uint64_t done, total, shown = 0;
	int rc, error = 0;

	cli_progress_init(&bar, "entries");
	if (json)
		fputs("{\"entries\":[", stdout);
	else if (csv)
		csv_header();
	while ((rc = kansa_audit_entries_next(&e, it)) == 1) {
		if (json || csv) {
			json_t *o = cli_audit_entry_json(e);
			char *s = json ? json_dumps(o, JSON_SORT_KEYS | JSON_COMPACT) : NULL;
			if (json && s)
				printf("%s%s", *count ? "," : "", s);
			else if (json)
				error = KANSA_ENOMEM;
			else
				error = csv_row(o);
			free(s);
			json_decref(o);
		} else {
			if (*count)
				putchar('\n');
			cli_audit_entry_print(e);
		}
		(*count)++;
		kansa_audit_entries_progress(&done, &total, it);
		if (done / 4096 != shown / 4096) {
			cli_progress_update(&bar, done, total);
			shown = done;
		}
		if (error < 0)
			break;
	}
	cli_progress_done(&bar);
	return rc < 0 ? rc : error;
}

int cmd_audit_entries(int argc, char **argv)
{
	const char *schema = help_entries.schema;
	const char *db = NULL, *key_file = NULL;
	entries_opts eo = { 0 };
	bool json = false, csv = false;
	const cli_option opts[] = {
		CLI_OPT_DB(&db, "the ledger", CLI_OPT_REQUIRED),
		CLI_OPT_DB_KEY_FILE(&key_file),
		CLI_OPT_STRING("from", 0, &eo.from, "T", "entries at or after T (date, RFC 3339 or -30d)", 0),
		CLI_OPT_STRING("until", 0, &eo.until, "T", "entries before T", 0),
		CLI_OPT_STRING("requester", 0, &eo.requester, "U", "decisions on requests of unit U", 0),
		CLI_OPT_STRING("officer", 0, &eo.officer, "O", "decisions on acts of officer O", 0),
		CLI_OPT_STRING("warrant", 0, &eo.warrant, "CTI", "decisions under the warrant with id CTI", 0),
		CLI_OPT_STRING("decision", 0, &eo.decision, "D", "allow or deny", 0),
		CLI_OPT_STRING("reason", 0, &eo.reason, "R", "decisions with reason R (expired, ...)", 0),
		CLI_OPT_JSON(&json, "one JSON object: {\"entries\": [...], \"matched\": N}"),
		CLI_OPT_FLAG("csv", 0, &csv, "one CSV row per entry, after a header row"),
		CLI_OPT_END(),
	};
	kansa_audit_filter f = KANSA_AUDIT_FILTER_INIT;
	kansa_audit_entries *it = NULL;
	kansa_ledger *lg = NULL;
	uint64_t count = 0;
	int rc, error;

	if ((rc = cli_parse_options(&help_entries, opts, argc, argv)) >= 0)
		return rc;
	if (json && csv)
		return cli_usage_error("give --json or --csv, not both");
	if ((rc = build_filter(&f, &eo)) >= 0)
		return rc;
	if ((error = cli_open_ledger(&lg, db, key_file, KANSA_LEDGER_READONLY | KANSA_LEDGER_AUDIT)) < 0 ||
	    (error = kansa_audit_entries_new(&it, lg, &f)) < 0) {
		kansa_ledger_close(lg);
		return cli_fail(error, json, schema);
	}
	error = stream(it, json, csv, &count);
	kansa_audit_entries_free(it);
	kansa_ledger_close(lg);
	if (json) {
		const kansa_error *e = kansa_error_last();
		printf("],\"matched\":%" PRIu64 ",", count);
		if (error < 0) {
			json_t *err = json_pack("{s:s,s:s}", "code", kansa_error_name(error), "message",
			    e->message);
			char *s = json_dumps(err, JSON_SORT_KEYS | JSON_COMPACT);
			printf("\"error\":%s,", s ? s : "{}");
			free(s);
			json_decref(err);
		}
		printf("\"ok\":%s,\"schema\":\"%s\"}\n", error < 0 ? "false" : "true", schema);
	} else if (!csv && count == 0) {
		printf("no entry matches\n");
	}
	if (error < 0) {
		cli_warn("%s", kansa_error_last()->message);
		return cli_exit_code(error);
	}
	return EXIT_OK;
}

/* ---- kansa audit show ------------------------------------------------------------ */

static const cli_help help_show = {
	.usage = "--db DB --seq N [--json]",
	.about = "Show entry N decoded in full (as 'kansa audit entries' lists it), with its\n"
	    "RFC 9162 inclusion proof in the tree of the whole ledger, checked against\n"
	    "the root the ledger gives now.\n"
	    "\n"
	    "exit status: 0 shown and the proof verifies, 1 the proof does not verify\n"
	    "(the entry or the tree was altered), 2 no such entry, 4 cannot read the ledger.",
	.example = "kansa audit show --db ledger.db --seq 42\n"
	    "kansa audit show --db ledger.db --seq 42 --json | jq .proof",
	.schema = "kansa.audit.show/1",
};

static void show_print(const kansa_audit_entry *e, const kansa_merkle_proof *p, const char *text,
    const uint8_t root[KANSA_HASH_LEN], bool ok)
{
	char h[2 * KANSA_HASH_LEN + 1];

	cli_audit_entry_print(e);
	if (e->kind != KANSA_AUDIT_ENTRY_MALFORMED) {
		kansa_hex_encode(h, e->leaf_hash, KANSA_HASH_LEN);
		printf("    %-14s%s\n", "leaf hash", h);
	}
	kansa_hex_encode(h, root, KANSA_HASH_LEN);
	printf("\ninclusion proof in the tree of %" PRIu64 " entries, root %s: %s\n", p->size, h,
	    ok ? "verifies" : "DOES NOT VERIFY (run 'kansa audit replay')");
	fputs(text, stdout);
}

int cmd_audit_show(int argc, char **argv)
{
	const char *schema = help_show.schema;
	const char *db = NULL, *key_file = NULL;
	cli_opt_uint seq = { 0, false };
	bool json = false;
	const cli_option opts[] = {
		CLI_OPT_DB(&db, "the ledger", CLI_OPT_REQUIRED),
		CLI_OPT_UINT64("seq", 0, &seq, "N", "the entry", CLI_OPT_REQUIRED),
		CLI_OPT_DB_KEY_FILE(&key_file),
		CLI_OPT_JSON(&json, "the entry, its proof and the root as one JSON object"),
		CLI_OPT_END(),
	};
	kansa_audit_filter f = KANSA_AUDIT_FILTER_INIT;
	const kansa_audit_entry *e = NULL;
	kansa_audit_entries *it = NULL;
	kansa_ledger *lg = NULL;
	uint8_t leaf[KANSA_HASH_LEN], root[KANSA_HASH_LEN];
	kansa_merkle_proof p;
	char *text = NULL;
	bool ok = false;
	int rc, error;

	if ((rc = cli_parse_options(&help_show, opts, argc, argv)) >= 0)
		return rc;
	f.first_seq = seq.value;
	if ((error = cli_open_ledger(&lg, db, key_file, KANSA_LEDGER_READONLY | KANSA_LEDGER_AUDIT)) < 0 ||
	    (error = kansa_audit_entries_new(&it, lg, &f)) < 0 ||
	    (rc = error = kansa_audit_entries_next(&e, it)) < 0)
		goto out;
	if (rc == 0 || e->seq != seq.value) {
		rc = cli_usage_error("the ledger has no entry %" PRIu64 " (see 'kansa ledger info' for "
		    "its size)", seq.value);
		goto out;
	}
	if ((error = kansa_ledger_prove_inclusion(&p, leaf, root, lg, seq.value, 0)) < 0 ||
	    (error = kansa_merkle_proof_format(&text, NULL, &p)) < 0)
		goto out;
	ok = e->kind != KANSA_AUDIT_ENTRY_MALFORMED && !e->altered &&
	    kansa_merkle_proof_verify(&p, e->leaf_hash, root) == 0;
	if (json) {
		json_t *o = json_object();
		json_object_set_new(o, "ok", json_boolean(ok));
		json_object_set_new(o, "entry", cli_audit_entry_json(e));
		json_object_set_new(o, "proof", json_string(text));
		json_object_set_new(o, "proof_verifies", json_boolean(ok));
		json_object_set_new(o, "size", json_integer((json_int_t)p.size));
		json_object_set_new(o, "root", cli_json_hex(root, KANSA_HASH_LEN));
		cli_json_print(o, schema);
	} else {
		show_print(e, &p, text, root, ok);
	}
out:
	free(text);
	kansa_audit_entries_free(it);
	kansa_ledger_close(lg);
	if (error < 0)
		return cli_fail(error, json, schema);
	if (rc == EXIT_USAGE)
		return rc;
	return ok ? EXIT_OK : EXIT_NO;
}
