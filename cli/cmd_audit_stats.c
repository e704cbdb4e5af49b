/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kansa audit stats (design §12, docs/audit.md "Statistics"): the figures
 * of the commission's annual report for a period. The library builds them
 * as one JSON object (kansa_audit_stats); --json prints it as it is, and
 * the text and CSV forms are drawn from the same object, so all three
 * always say the same thing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"

static const cli_help help_stats = {
	.usage = "--db DB --from DATE --until DATE [--json|--csv]",
	.about = "The figures of the commission's annual report for the period from DATE\n"
	    "(inclusive) until DATE (exclusive; a bare date means the end of that day):\n"
	    "  - warrants approved per action (issued in the period, from the documents\n"
	    "    the ledger holds);\n"
	    "  - checks allowed and denied, by reason;\n"
	    "  - emergency acts of the period by outcome: ratified, ratified late,\n"
	    "    refused, pending, overdue (as of now);\n"
	    "  - neutralization operations by type;\n"
	    "  - distinct targets and distinct officers (counted, never listed);\n"
	    "  - revocations, and the policy versions activated and in force.\n"
	    "This decodes the entries; 'kansa audit replay' proves them.\n"
	    "\n"
	    "exit status: 0 done, 2 usage, 3 no such ledger, 4 cannot read it (wrong key, I/O).",
	.example = "kansa audit stats --db ledger.db --from 2026-01-01 --until 2026-12-31\n"
	    "kansa audit stats --db ledger.db --from 2026-01-01 --until 2026-12-31 --csv > 2026.csv",
	.schema = "kansa.audit.stats/1",
};

static long long num(const json_t *o, const char *key)
{
	return (long long)json_integer_value(json_object_get(o, key));
}

static void print_counts(const char *indent, const json_t *by)
{
	const char *k;
	json_t *v;

	if (json_object_size(by) == 0)
		printf("%s(none)\n", indent);
	json_object_foreach((json_t *)by, k, v)
		printf("%s%-28s %lld\n", indent, k, (long long)json_integer_value(v));
}

static void print_stats(const json_t *j)
{
	const json_t *w = json_object_get(j, "warrants_approved");
	const json_t *c = json_object_get(j, "checks");
	const json_t *e = json_object_get(j, "emergencies");
	const json_t *n = json_object_get(j, "neutralizations");
	const json_t *p = json_object_get(j, "policy_versions");
	size_t i;
	json_t *v;

	printf("Statistics for %s, %s until %s (generated %s)\n",
	    json_string_value(json_object_get(j, "origin")), json_string_value(json_object_get(j, "from")),
	    json_string_value(json_object_get(j, "until")), json_string_value(json_object_get(j, "generated")));
	printf("\nWarrants approved\n  %-28s %lld\n  %-28s %lld\n", "metadata-query",
	    num(w, "metadata-query"), "neutralize", num(w, "neutralize"));
	printf("\nChecks: %lld (allowed %lld, denied %lld)\n  allowed by reason\n", num(c, "total"),
	    num(c, "allowed"), num(c, "denied"));
	print_counts("    ", json_object_get(c, "allowed_by"));
	printf("  denied by reason\n");
	print_counts("    ", json_object_get(c, "denied_by"));
	printf("\nEmergency acts: %lld\n", num(e, "total"));
	printf("  %-28s %lld\n  %-28s %lld\n  %-28s %lld\n  %-28s %lld\n  %-28s %lld\n",
	    "ratified", num(e, "ratified"), "ratified late", num(e, "ratified-late"), "refused",
	    num(e, "refused"), "pending", num(e, "pending"), "overdue", num(e, "overdue"));
	printf("\nNeutralizations: %lld\n", num(n, "total"));
	print_counts("  ", json_object_get(n, "by_op"));
	printf("\n  %-30s %lld\n  %-30s %lld\n  %-30s %lld\n", "distinct targets",
	    num(j, "distinct_targets"), "distinct officers", num(j, "distinct_officers"), "revocations",
	    num(j, "revocations"));
	printf("  %-30s ", "policy versions activated");
	if (json_array_size(json_object_get(p, "activated")) == 0)
		printf("none");
	json_array_foreach(json_object_get(p, "activated"), i, v)
		printf("%s%lld", i ? ", " : "", (long long)json_integer_value(v));
	printf("\n  %-30s %lld\n", "policy version in force", num(p, "in_force"));
}

/* CSV: figure,key,value, one row per number (nested objects flattened). */
static void csv_rows(const char *figure, const json_t *o)
{
	const char *k;
	json_t *v;

	json_object_foreach((json_t *)o, k, v) {
		char name[128];
		snprintf(name, sizeof(name), "%s%s%s", figure, figure[0] ? "." : "", k);
		if (json_is_object(v)) {
			csv_rows(name, v);
		} else if (json_is_integer(v)) {
			const char *dot = strrchr(name, '.');
			if (dot)
				printf("%.*s,%s,%lld\n", (int)(dot - name), name, dot + 1,
				    (long long)json_integer_value(v));
			else
				printf("%s,,%lld\n", name, (long long)json_integer_value(v));
		} else if (json_is_array(v)) {
			size_t i;
			json_t *x;
			json_array_foreach(v, i, x)
				printf("%s,%lld,1\n", name, (long long)json_integer_value(x));
		}
	}
}

static void print_csv(const json_t *j)
{
	printf("figure,key,value\n");
	printf("period,from,%s\nperiod,until,%s\n", json_string_value(json_object_get(j, "from")),
	    json_string_value(json_object_get(j, "until")));
	csv_rows("", j);
}

int cmd_audit_stats(int argc, char **argv)
{
	const char *schema = help_stats.schema;
	const char *db = NULL, *key_file = NULL, *from_s = NULL, *until_s = NULL;
	bool json = false, csv = false;
	const cli_option opts[] = {
		CLI_OPT_DB(&db, "the ledger", CLI_OPT_REQUIRED),
		CLI_OPT_DB_KEY_FILE(&key_file),
		CLI_OPT_STRING("from", 0, &from_s, "DATE", "the period's first day (or RFC 3339 time)",
		    CLI_OPT_REQUIRED),
		CLI_OPT_STRING("until", 0, &until_s, "DATE", "its last day (or the time it ends before)",
		    CLI_OPT_REQUIRED),
		CLI_OPT_JSON(&json, "the figures as one JSON object"),
		CLI_OPT_FLAG("csv", 0, &csv, "the figures as CSV rows: figure,key,value"),
		CLI_OPT_END(),
	};
	int64_t from = 0, until = 0;
	kansa_audit_options opt;
	kansa_ledger *lg = NULL;
	cli_progress bar;
	char *text = NULL;
	json_t *j;
	int rc, error;

	if ((rc = cli_parse_options(&help_stats, opts, argc, argv)) >= 0)
		return rc;
	if (json && csv)
		return cli_usage_error("give --json or --csv, not both");
	if ((rc = cli_audit_time(&from, from_s, false)) >= 0 ||
	    (rc = cli_audit_time(&until, until_s, true)) >= 0)
		return rc;
	if (from >= until)
		return cli_usage_error("the period is empty: --from %s is not before --until %s", from_s,
		    until_s);
	cli_progress_init(&bar, "stats");
	opt = (kansa_audit_options){ 0, NULL, cli_progress_update, &bar, NULL };
	if ((error = cli_open_ledger(&lg, db, key_file, KANSA_LEDGER_READONLY | KANSA_LEDGER_AUDIT)) == 0)
		error = kansa_audit_stats(&text, lg, from, until, (int64_t)time(NULL), &opt);
	cli_progress_done(&bar);
	kansa_ledger_close(lg);
	if (error < 0)
		return cli_fail(error, json, schema);
	if (json) {
		printf("%s\n", text);
		free(text);
		return EXIT_OK;
	}
	j = json_loads(text, 0, NULL);
	free(text);
	if (j == NULL) {
		cli_warn("the statistics are not valid JSON (a bug)");
		return EXIT_INTERNAL;
	}
	if (csv)
		print_csv(j);
	else
		print_stats(j);
	json_decref(j);
	return EXIT_OK;
}
