/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kansa audit replay | report: the auditor's and the overseer's commands
 * (docs/audit.md). replay is the audit pass of cli/audit.c with the
 * decisions re-run. report prints the overseer's tables: the library builds
 * the report as JSON (kansa_ledger_report); --json prints it as it is, and
 * the text form is drawn from the same object, so both always say the same
 * thing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"

static const cli_help help_report = {
	.usage = "--db DB [--db-key-file FILE] [--json] [--html FILE]",
	.about = "Replay the ledger (as 'kansa audit replay') and report, for overseers:\n"
	    "  - per warrant: case, subject, action, signers, validity, uses / max uses,\n"
	    "    denials by reason, revocation;\n"
	    "  - per requester: allowed and denied requests, denials by reason;\n"
	    "  - every denied attempt, most serious first: forbidden (content) fields,\n"
	    "    use after revocation or expiry, targets, fields, windows or operations\n"
	    "    outside the warrant, warrants never valid (signatures, quorum,\n"
	    "    commission, validity), and last malformed requests and warrants;\n"
	    "  - every emergency act: ratified, ratified late, refused, pending or overdue;\n"
	    "  - per officer and unit: allowed and denied acts, denials by reason;\n"
	    "  - the checkpoints: how many, what the latest covers;\n"
	    "  - the audit's findings, if the ledger was tampered with.\n"
	    "--html FILE writes it as one self-contained page for the commission (inline\n"
	    "CSS and an inline SVG chart of the denials; no script, nothing loaded from\n"
	    "outside). FILE '-' is stdout.\n"
	    "\n"
	    "exit status: 0 the ledger replays cleanly, 1 the audit found problems\n"
	    "(the report is printed either way), 4 cannot read the ledger.",
	.example = "kansa audit report --db ledger.db --db-key-file ledger.key\n"
	    "kansa audit report --db ledger.db --json | jq '.attention[:10]'\n"
	    "kansa audit report --db ledger.db --html report-2026.html",
	.schema = "kansa.audit.report/1",
};

static const char *str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "-";
}

static long long num(const json_t *o, const char *key)
{
	return (long long)json_integer_value(json_object_get(o, key));
}

/* "expired 2, revoked 1", or "-": printed whole, however long (never cut
 * to a buffer's size). */
static void print_reasons(const json_t *by)
{
	const char *k;
	json_t *v;
	bool any = false;

	json_object_foreach((json_t *)by, k, v) {
		printf("%s%s %lld", any ? ", " : "", k, (long long)json_integer_value(v));
		any = true;
	}
	if (!any)
		fputs("-", stdout);
}

static void print_signers(const json_t *signers)
{
	size_t j;
	json_t *s;

	if (json_array_size(signers) == 0)
		fputs("-", stdout);
	json_array_foreach(signers, j, s)
		printf("%s%s", j ? ", " : "", json_string_value(s));
}

static void print_warrants(const json_t *ws)
{
	size_t i;
	json_t *w;

	printf("\nWarrants (%zu)\n", json_array_size(ws));
	json_array_foreach(ws, i, w) {
		printf("  %s  case %s, %s for %s\n", str(w, "cti"), str(w, "case"), str(w, "action"),
		    str(w, "subject"));
		printf("      signed by ");
		print_signers(json_object_get(w, "signers"));
		printf("; valid %s to %s\n", str(w, "not_before"), str(w, "expires"));
		if (num(w, "max_uses"))
			printf("      uses %lld / %lld", num(w, "uses"), num(w, "max_uses"));
		else
			printf("      uses %lld (no limit)", num(w, "uses"));
		printf("; allowed %lld, denied %lld (", num(w, "allowed"), num(w, "denied"));
		print_reasons(json_object_get(w, "denied_by"));
		printf(")%s\n", json_is_true(json_object_get(w, "revoked")) ? "; REVOKED" : "");
	}
}

static void print_requesters(const json_t *rs)
{
	size_t i;
	json_t *r;

	printf("\nRequesters (%zu)\n", json_array_size(rs));
	printf("  %-24s %8s %8s  %s\n", "requester", "allowed", "denied", "denials by reason");
	json_array_foreach(rs, i, r) {
		printf("  %-24s %8lld %8lld  ", str(r, "requester"), num(r, "allowed"), num(r, "denied"));
		print_reasons(json_object_get(r, "denied_by"));
		printf("\n");
	}
}

static void print_attention(const json_t *as, long long total)
{
	size_t i;
	json_t *a;

	printf("\nDenied attempts to look at first (%lld)\n", total);
	if (total == 0) {
		printf("  none\n");
		return;
	}
	printf("  %-8s %-20s %-20s %-24s %s\n", "seq", "time", "reason", "requester", "officer");
	json_array_foreach(as, i, a) {
		printf("  %-8lld %-20s %-20s %-24s %s\n", num(a, "seq"), str(a, "time"), str(a, "reason"),
		    str(a, "requester"), str(a, "officer"));
		printf("           %s\n", str(a, "detail"));
	}
	if ((long long)json_array_size(as) < total)
		printf("  ... and %lld more (see --json)\n", total - (long long)json_array_size(as));
}

static void print_emergencies(const json_t *es)
{
	size_t i;
	json_t *e;

	printf("\nEmergency acts (%zu)\n", json_array_size(es));
	json_array_foreach(es, i, e) {
		const char *st = str(e, "status");
		printf("  seq %-6lld at %s, ratify by %s: %s\n", num(e, "seq"), str(e, "time"),
		    str(e, "ratify_by"), strcmp(st, "ratified-late") == 0 ? "RATIFIED LATE" :
		    strcmp(st, "overdue") == 0 ? "OVERDUE" : st);
	}
}

static void print_officers(const json_t *os)
{
	size_t i;
	json_t *o;

	printf("\nOfficers (%zu)\n", json_array_size(os));
	printf("  %-20s %-20s %8s %8s  %s\n", "officer", "unit", "allowed", "denied", "denials by reason");
	json_array_foreach(os, i, o) {
		printf("  %-20s %-20s %8lld %8lld  ", str(o, "officer"), str(o, "requester"), num(o, "allowed"),
		    num(o, "denied"));
		print_reasons(json_object_get(o, "denied_by"));
		printf("\n");
	}
}

static void print_checkpoints(const json_t *c)
{
	printf("\nCheckpoints: %lld checked, the latest covers %lld entries (%lld after it)%s\n",
	    num(c, "count"), num(c, "latest_size"), num(c, "uncovered"),
	    json_is_true(json_object_get(c, "ok")) ? "" : "; A CHECKPOINT DOES NOT MATCH");
}

static void print_report(const json_t *j)
{
	const json_t *s = json_object_get(j, "summary");
	const json_t *fs = json_object_get(j, "findings");
	size_t i;
	json_t *f;

	printf("Audit report for %s, generated %s\n", str(j, "origin"), str(j, "generated"));
	printf("  entries %lld, decisions %lld: allowed %lld, denied %lld (", num(s, "entries"),
	    num(s, "decisions"), num(s, "allowed"), num(s, "denied"));
	print_reasons(json_object_get(s, "denied_by"));
	printf(")\n");
	if (json_is_true(json_object_get(s, "ok")))
		printf("  audit: every entry, document and decision checks out\n");
	else
		printf("  audit: %lld PROBLEMS FOUND%s - run 'kansa audit replay' for the details\n",
		    num(s, "finding_count"), json_object_get(s, "first_bad_seq") ? " (see the first bad seq below)" : "");
	json_array_foreach(fs, i, f)
		printf("    %s: %s\n", str(f, "kind"), str(f, "message"));
	print_attention(json_object_get(j, "attention"), num(j, "attention_count"));
	print_warrants(json_object_get(j, "warrants"));
	print_requesters(json_object_get(j, "requesters"));
	print_emergencies(json_object_get(j, "emergencies"));
	print_officers(json_object_get(j, "officers"));
	print_checkpoints(json_object_get(j, "checkpoints"));
}

int cmd_audit_report(int argc, char **argv)
{
	const char *schema = help_report.schema;
	const char *db = NULL, *key_file = NULL, *html = NULL;
	bool json = false;
	const cli_option opts[] = {
		CLI_OPT_DB(&db, "the ledger", CLI_OPT_REQUIRED),
		CLI_OPT_DB_KEY_FILE(&key_file),
		CLI_OPT_JSON(&json, "print the report as one JSON object"),
		CLI_OPT_PATH("html", 0, &html, "FILE", "also write the report as one HTML page to FILE", 0),
		CLI_OPT_END(),
	};
	kansa_audit_summary sum;
	kansa_audit_options opt;
	kansa_ledger *lg = NULL;
	cli_progress bar;
	char *text = NULL;
	json_t *j = NULL;
	int rc, error;

	if ((rc = cli_parse_options(&help_report, opts, argc, argv)) >= 0)
		return rc;
	cli_progress_init(&bar, "report");
	opt = (kansa_audit_options){ KANSA_AUDIT_REPLAY, NULL, cli_progress_update, &bar, NULL };
	if ((error = cli_open_ledger(&lg, db, key_file, KANSA_LEDGER_READONLY | KANSA_LEDGER_AUDIT)) == 0)
		error = kansa_ledger_report(&text, &sum, lg, &opt, (int64_t)time(NULL));
	cli_progress_done(&bar);
	kansa_ledger_close(lg);
	if (error < 0)
		return cli_fail(error, json, schema);
	if ((j = json_loads(text, 0, NULL)) == NULL) {
		free(text);
		cli_warn("the report is not valid JSON (a bug)");
		return EXIT_INTERNAL;
	}
	if (html && (rc = cli_report_html_write(html, j)) != EXIT_OK) {
		json_decref(j);
		free(text);
		return json ? cli_fail(KANSA_EIO, json, schema) : rc;
	}
	if (json) {
		fputs(text, stdout);
		fputc('\n', stdout);
	} else if (html == NULL || strcmp(html, "-") != 0) {
		print_report(j);
		if (html)
			printf("\nThe report is in %s.\n", html);
	}
	json_decref(j);
	free(text);
	return sum.findings ? EXIT_NO : EXIT_OK;
}

static const cli_help help_replay = {
	.usage = "--db DB [--witness-quorum K] [--db-key-file FILE] [--json]",
	.about = "Everything 'kansa ledger verify' does, and: re-verify every document an\n"
	    "entry names (warrants, policies, revocations, ratifications) against the\n"
	    "policy in force at that entry, re-run the decision function with the\n"
	    "recorded time, use count and revocations, and compare with the recorded\n"
	    "decision, reason and use count. Every entry that differs is listed.\n"
	    "Then the latest stored checkpoint must carry the cosignatures of K\n"
	    "distinct witnesses of the policy (--witness-quorum K, default the policy's\n"
	    "witness_quorum; 0 when it sets none), as 'kansa ledger checkpoint\n"
	    "--witness' stores them; --json names the witnesses that cosigned.\n"
	    "\n"
	    "exit status: 0 nothing differs, 1 something does or too few witnesses\n"
	    "cosigned, 4 cannot read the ledger.",
	.example = "kansa audit replay --db ledger.db --db-key-file ledger.key --json",
	.schema = "kansa.audit.replay/1",
};

int cmd_audit_replay(int argc, char **argv)
{
	return cli_run_audit(argc, argv, true, &help_replay);
}
