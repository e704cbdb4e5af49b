/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kansa audit officers | emergencies | retention (design §12, docs/audit.md):
 * acts and denials per officer with the patterns an overseer looks for,
 * every emergency act in full with its state, and the data whose retention
 * has run out. The library builds each as one JSON object
 * (kansa_audit_officers, kansa_audit_emergencies, kansa_audit_retention);
 * --json prints it, the text and CSV are drawn from the same object.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"

static const char *str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

static long long num(const json_t *o, const char *key)
{
	return (long long)json_integer_value(json_object_get(o, key));
}

/* Open the ledger, run @p fn, parse what it made; the exit status on failure, else -1. */
typedef int (*acts_fn)(char **json, kansa_ledger *lg, const kansa_audit_options *opt, void *arg);

static int run(json_t **out, const char *label, const char *db, const char *key_file, bool json,
    const char *schema, acts_fn fn, void *arg)
{
	kansa_audit_options opt;
	kansa_ledger *lg = NULL;
	cli_progress bar;
	char *text = NULL;
	int error;

	*out = NULL;
	cli_progress_init(&bar, label);
	opt = (kansa_audit_options){ 0, NULL, cli_progress_update, &bar, NULL };
	if ((error = cli_open_ledger(&lg, db, key_file, KANSA_LEDGER_READONLY | KANSA_LEDGER_AUDIT)) == 0)
		error = fn(&text, lg, &opt, arg);
	cli_progress_done(&bar);
	kansa_ledger_close(lg);
	if (error < 0)
		return cli_fail(error, json, schema);
	*out = json_loads(text, 0, NULL);
	if (*out && json)
		printf("%s\n", text);
	free(text);
	if (*out == NULL) {
		cli_warn("the result is not valid JSON (a bug)");
		return EXIT_INTERNAL;
	}
	return -1;
}

/* ---- officers ---------------------------------------------------------------- */

static const cli_help help_officers = {
	.usage = "--db DB [--from T] [--until T] [--json]",
	.about = "Acts and denials per officer and unit, and the patterns an overseer looks\n"
	    "for: repeated forbidden (content) fields, repeated targets outside the\n"
	    "warrant, use after revocation, after expiry or past max_uses. \"Repeated\"\n"
	    "is twice or more. --from is inclusive, --until exclusive (a bare date: the\n"
	    "end of that day). This decodes the entries; 'kansa audit replay' proves them.\n"
	    "\n"
	    "exit status: 0 done, 2 usage, 3 no such ledger, 4 cannot read it (wrong key, I/O).",
	.example = "kansa audit officers --db ledger.db --from 2026-01-01 --until 2026-12-31\n"
	    "kansa audit officers --db ledger.db --json | jq '.officers[] | select(.patterns != [])'",
	.schema = "kansa.audit.officers/1",
};

typedef struct {
	int64_t from, until;
} period;

static int officers_fn(char **json, kansa_ledger *lg, const kansa_audit_options *opt, void *arg)
{
	const period *p = arg;

	return kansa_audit_officers(json, lg, p->from, p->until, opt);
}

static void print_officers(const json_t *j)
{
	const json_t *os = json_object_get(j, "officers");
	size_t i, k;
	json_t *o, *x;

	printf("Officers (%zu)\n", json_array_size(os));
	printf("  %-20s %-18s %6s %8s %7s  %s\n", "officer", "unit", "acts", "allowed", "denied",
	    "denials by reason");
	json_array_foreach(os, i, o) {
		const char *key;
		bool any = false;
		printf("  %-20s %-18s %6lld %8lld %7lld  ", str(o, "officer"), str(o, "unit"), num(o, "acts"),
		    num(o, "allowed"), num(o, "denied"));
		json_object_foreach(json_object_get(o, "denied_by"), key, x) {
			printf("%s%s %lld", any ? ", " : "", key, (long long)json_integer_value(x));
			any = true;
		}
		printf("%s\n", any ? "" : "-");
		if (num(o, "emergency"))
			printf("      %lld emergency act(s)\n", num(o, "emergency"));
		json_array_foreach(json_object_get(o, "patterns"), k, x)
			printf("      PATTERN: %s\n", json_string_value(x));
	}
}

int cmd_audit_officers(int argc, char **argv)
{
	const char *schema = help_officers.schema;
	const char *db = NULL, *key_file = NULL, *from_s = NULL, *until_s = NULL;
	bool json = false;
	const cli_option opts[] = {
		CLI_OPT_DB(&db, "the ledger", CLI_OPT_REQUIRED),
		CLI_OPT_DB_KEY_FILE(&key_file),
		CLI_OPT_STRING("from", 0, &from_s, "T", "acts at or after T (date, RFC 3339 or -30d)", 0),
		CLI_OPT_STRING("until", 0, &until_s, "T", "acts before T", 0),
		CLI_OPT_JSON(&json, "one JSON object: {\"officers\": [...]}"),
		CLI_OPT_END(),
	};
	period p = { INT64_MIN, INT64_MAX };
	json_t *j;
	int rc;

	if ((rc = cli_parse_options(&help_officers, opts, argc, argv)) >= 0)
		return rc;
	if ((from_s && (rc = cli_audit_time(&p.from, from_s, false)) >= 0) ||
	    (until_s && (rc = cli_audit_time(&p.until, until_s, true)) >= 0))
		return rc;
	if ((rc = run(&j, "officers", db, key_file, json, schema, officers_fn, &p)) >= 0)
		return rc;
	if (!json)
		print_officers(j);
	json_decref(j);
	return EXIT_OK;
}

/* ---- emergencies -------------------------------------------------------------- */

static const cli_help help_emergencies = {
	.usage = "--db DB [--json]",
	.about = "Every emergency act (design §5): who acted, what was done on which host\n"
	    "or targets, why, its ratification deadline, and its state now: ratified,\n"
	    "ratified late (approved after the deadline: recorded, and flagged),\n"
	    "refused, pending (with the time left) or overdue (no answer, deadline\n"
	    "passed). A ratification names the act by its leaf hash, shown here.\n"
	    "\n"
	    "exit status: 0 done, 2 usage, 3 no such ledger, 4 cannot read it (wrong key, I/O).",
	.example = "kansa audit emergencies --db ledger.db\n"
	    "kansa audit emergencies --db ledger.db --json | jq '.emergencies[] | select(.state == \"overdue\")'",
	.schema = "kansa.audit.emergencies/1",
};

static int emergencies_fn(char **json, kansa_ledger *lg, const kansa_audit_options *opt, void *arg)
{
	(void)arg;
	return kansa_audit_emergencies(json, lg, (int64_t)time(NULL), opt);
}

static void duration(char *out, size_t size, long long s)
{
	if (s >= 86400)
		snprintf(out, size, "%lldd %lldh", s / 86400, s % 86400 / 3600);
	else if (s >= 3600)
		snprintf(out, size, "%lldh %lldm", s / 3600, s % 3600 / 60);
	else
		snprintf(out, size, "%lldm", s / 60);
}

static void print_act(const json_t *e)
{
	const char *st = str(e, "state");
	char d[48];
	size_t i;
	json_t *x;

	printf("seq %lld  %s  %s by %s (officer %s)\n", num(e, "seq"), str(e, "time"), str(e, "action"),
	    str(e, "requester"), str(e, "officer"));
	if (json_object_get(e, "host"))
		printf("    %-14s%s %s\n", "did", str(e, "op"), str(e, "host"));
	if (json_object_get(e, "targets")) {
		printf("    %-14s", "targets");
		json_array_foreach(json_object_get(e, "targets"), i, x)
			printf("%s%s", i ? ", " : "", json_string_value(x));
		printf("\n");
	}
	printf("    %-14s%s\n", "justification", str(e, "justification"));
	printf("    %-14s%s\n", "ratify by", str(e, "ratify_by"));
	if (strcmp(st, "pending") == 0) {
		duration(d, sizeof(d), num(e, "time_left"));
		printf("    %-14spending, %s left\n", "state", d);
	} else if (strcmp(st, "overdue") == 0) {
		duration(d, sizeof(d), num(e, "overdue_by"));
		printf("    %-14sOVERDUE by %s\n", "state", d);
	} else if (strcmp(st, "ratified-late") == 0) {
		duration(d, sizeof(d), num(e, "late_by"));
		printf("    %-14sRATIFIED LATE at %s (%s after the deadline), seq %lld\n", "state",
		    str(e, "ratified_at"), d, num(e, "ratification_seq"));
	} else {
		printf("    %-14s%s at %s, seq %lld\n", "state", st, str(e, "ratified_at"),
		    num(e, "ratification_seq"));
	}
	printf("    %-14s%s\n", "leaf hash", str(e, "leaf_hash"));
}

int cmd_audit_emergencies(int argc, char **argv)
{
	const char *schema = help_emergencies.schema;
	const char *db = NULL, *key_file = NULL;
	bool json = false;
	const cli_option opts[] = {
		CLI_OPT_DB(&db, "the ledger", CLI_OPT_REQUIRED),
		CLI_OPT_DB_KEY_FILE(&key_file),
		CLI_OPT_JSON(&json, "one JSON object: {\"emergencies\": [...], \"counts\": {...}}"),
		CLI_OPT_END(),
	};
	const json_t *c;
	size_t i;
	json_t *j, *e;
	int rc;

	if ((rc = cli_parse_options(&help_emergencies, opts, argc, argv)) >= 0)
		return rc;
	if ((rc = run(&j, "emergencies", db, key_file, json, schema, emergencies_fn, NULL)) >= 0)
		return rc;
	if (!json) {
		c = json_object_get(j, "counts");
		printf("Emergency acts (%zu): ratified %lld, ratified late %lld, refused %lld, pending %lld, "
		    "overdue %lld\n", json_array_size(json_object_get(j, "emergencies")), num(c, "ratified"),
		    num(c, "ratified-late"), num(c, "refused"), num(c, "pending"), num(c, "overdue"));
		json_array_foreach(json_object_get(j, "emergencies"), i, e) {
			printf("\n");
			print_act(e);
		}
	}
	json_decref(j);
	return EXIT_OK;
}

/* ---- retention ----------------------------------------------------------------- */

static const cli_help help_retention = {
	.usage = "--db DB [--at T] [--all] [--json|--csv]",
	.about = "Data whose retention has run out (design §12): for every warrant under which\n"
	    "an act was allowed, and every emergency act, the end of its data window (the\n"
	    "warrant's scope window end; a neutralize warrant's expiry; an emergency\n"
	    "query's request window end; an emergency neutralization's time) plus the\n"
	    "retention of its action in the policy in force (the policy's \"retention\",\n"
	    "e.g. {\"metadata-query\": \"90d\"}). Lists what is due at --at (default now),\n"
	    "oldest first; --all also lists what is still within retention, with the\n"
	    "time left, and what has no retention set. Entries after --at are ignored.\n"
	    "This decodes the entries; 'kansa audit replay' proves them.\n"
	    "\n"
	    "exit status: 0 nothing due, 1 something is due, 2 usage, 3 no such ledger or a\n"
	    "policy document that does not parse, 4 cannot read it (wrong key, I/O).",
	.example = "kansa audit retention --db ledger.db\n"
	    "kansa audit retention --db ledger.db --at 2027-01-01 --all --json | jq '.within[].time_left'",
	.schema = "kansa.audit.retention/1",
};

typedef struct {
	int64_t at;
	bool all;
} retention_arg;

static int retention_fn(char **json, kansa_ledger *lg, const kansa_audit_options *opt, void *arg)
{
	const retention_arg *a = arg;

	return kansa_audit_retention(json, lg, a->at, a->all, opt);
}

/* One CSV field: quoted when it holds a comma, quote or newline. */
static void csv_field(const char *s, bool last)
{
	if (strpbrk(s, ",\"\n\r") == NULL) {
		printf("%s%s", s, last ? "\n" : ",");
		return;
	}
	putchar('"');
	for (; *s; s++)
		printf(*s == '"' ? "\"\"" : "%c", *s);
	printf("\"%s", last ? "\n" : ",");
}

static void retention_csv_list(const json_t *j, const char *state)
{
	size_t i;
	json_t *e;

	json_array_foreach(json_object_get(j, state), i, e) {
		char seq[32], since[32], left[32];
		bool w = strcmp(str(e, "kind"), "warrant") == 0;

		snprintf(seq, sizeof(seq), "%lld", num(e, w ? "first_seq" : "seq"));
		snprintf(since, sizeof(since), "%lld", num(e, "due_since"));
		snprintf(left, sizeof(left), "%lld", num(e, "time_left"));
		csv_field(state, false);
		csv_field(str(e, "kind"), false);
		csv_field(str(e, "action"), false);
		csv_field(w ? str(e, "warrant") : str(e, "leaf_hash"), false);
		csv_field(str(e, "case"), false);
		csv_field(seq, false);
		csv_field(str(e, "window_end"), false);
		csv_field(str(e, "retention"), false);
		csv_field(str(e, "due_at"), false);
		csv_field(json_object_get(e, "due_since") ? since : "", false);
		csv_field(json_object_get(e, "time_left") ? left : "", true);
	}
}

static void print_retention_list(const json_t *j, const char *state, const char *title)
{
	size_t i;
	json_t *e;
	char d[48];

	if (json_object_get(j, state) == NULL)
		return;
	printf("\n%s (%zu)\n", title, json_array_size(json_object_get(j, state)));
	json_array_foreach(json_object_get(j, state), i, e) {
		bool w = strcmp(str(e, "kind"), "warrant") == 0;

		if (w)
			printf("  warrant %s  %s, case %s\n", str(e, "warrant"), str(e, "action"), str(e, "case"));
		else
			printf("  emergency act seq %lld  %s\n", num(e, "seq"), str(e, "action"));
		printf("      window end %s", str(e, "window_end"));
		if (json_object_get(e, "due_since")) {
			duration(d, sizeof(d), num(e, "due_since"));
			printf(", retention %s: DUE since %s (%s ago)\n", str(e, "retention"), str(e, "due_at"), d);
		} else if (json_object_get(e, "time_left")) {
			duration(d, sizeof(d), num(e, "time_left"));
			printf(", retention %s: due at %s (%s left)\n", str(e, "retention"), str(e, "due_at"), d);
		} else {
			printf(", no retention set for %s\n", str(e, "action"));
		}
	}
}

int cmd_audit_retention(int argc, char **argv)
{
	const char *schema = help_retention.schema;
	const char *db = NULL, *key_file = NULL, *at_s = NULL;
	bool json = false, csv = false;
	retention_arg a = { (int64_t)time(NULL), false };
	const cli_option opts[] = {
		CLI_OPT_DB(&db, "the ledger", CLI_OPT_REQUIRED),
		CLI_OPT_DB_KEY_FILE(&key_file),
		CLI_OPT_STRING("at", 0, &at_s, "T", "judge at T instead of now (date, RFC 3339 or +90d)", 0),
		CLI_OPT_FLAG("all", 0, &a.all, "also what is within retention, and what has none set"),
		CLI_OPT_JSON(&json, "one JSON object: {\"due\": [...], \"counts\": {...}}"),
		CLI_OPT_FLAG("csv", 0, &csv, "one CSV row per warrant or act: state,kind,action,..."),
		CLI_OPT_END(),
	};
	const json_t *c;
	json_t *j;
	int rc;

	if ((rc = cli_parse_options(&help_retention, opts, argc, argv)) >= 0)
		return rc;
	if (json && csv)
		return cli_usage_error("give --json or --csv, not both");
	if (at_s && (rc = cli_audit_time(&a.at, at_s, false)) >= 0)
		return rc;
	if ((rc = run(&j, "retention", db, key_file, json, schema, retention_fn, &a)) >= 0)
		return rc;
	c = json_object_get(j, "counts");
	if (csv) {
		printf("state,kind,action,id,case,seq,window_end,retention,due_at,due_since,time_left\n");
		retention_csv_list(j, "due");
		retention_csv_list(j, "within");
		retention_csv_list(j, "unset");
	} else if (!json) {
		printf("Retention at %s (policy version %lld): %lld due, %lld within retention, %lld with "
		    "none set\n", str(j, "at"), num(j, "policy_version"), num(c, "due"), num(c, "within"),
		    num(c, "unset"));
		print_retention_list(j, "due", "Due");
		print_retention_list(j, "within", "Within retention");
		print_retention_list(j, "unset", "No retention set");
	}
	rc = num(c, "due") > 0 ? EXIT_NO : EXIT_OK;
	json_decref(j);
	return rc;
}
