/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The audit pass behind kansa ledger verify and kansa audit replay (design
 * §6, §7; docs/audit.md): one pass, one report. The ledger is opened
 * read-only; the pass runs on one read snapshot, so appends may go on.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"

/* Findings kept for printing; the count goes on past this. */
#define AUDIT_MAX_SHOWN 1000

typedef struct {
	json_t *findings; /* array of {kind, seq?, message} */
	size_t shown;
	cli_progress bar;
} audit_ctx;

static void on_finding(void *vctx, const kansa_audit_finding *f)
{
	audit_ctx *c = vctx;
	json_t *o;

	if (c->shown >= AUDIT_MAX_SHOWN)
		return;
	o = json_object();
	json_object_set_new(o, "kind", json_string(kansa_finding_name(f->kind)));
	if (f->has_seq)
		json_object_set_new(o, "seq", json_integer((json_int_t)f->seq));
	else if (f->kind == KANSA_FINDING_CHECKPOINT_ROOT || f->kind == KANSA_FINDING_CHECKPOINT_SIGNATURE)
		json_object_set_new(o, "checkpoint_size", json_integer((json_int_t)f->seq));
	json_object_set_new(o, "message", json_string(f->message));
	json_array_append_new(c->findings, o);
	c->shown++;
}

static void on_progress(void *vctx, uint64_t done, uint64_t total)
{
	audit_ctx *c = vctx;

	cli_progress_update(&c->bar, done, total);
}

static json_t *summary_json(const kansa_audit_summary *s, bool replay, json_t *findings)
{
	json_t *o = json_object();

	json_object_set_new(o, "ok", json_boolean(s->findings == 0));
	json_object_set_new(o, "entries", json_integer((json_int_t)s->entries));
	json_object_set_new(o, "size", json_integer((json_int_t)s->size));
	json_object_set_new(o, "checkpoints", json_integer((json_int_t)s->checkpoints));
	json_object_set_new(o, "root", cli_json_hex(s->root, KANSA_HASH_LEN));
	if (replay) {
		json_object_set_new(o, "documents", json_integer((json_int_t)s->documents));
		json_object_set_new(o, "decisions", json_integer((json_int_t)s->decisions));
	}
	json_object_set_new(o, "finding_count", json_integer((json_int_t)s->findings));
	if (s->has_first_bad)
		json_object_set_new(o, "first_bad_seq", json_integer((json_int_t)s->first_bad_seq));
	json_object_set_new(o, "findings", json_incref(findings));
	return o;
}

static void print_findings(const json_t *findings, uint64_t total)
{
	size_t i;
	json_t *f;

	json_array_foreach(findings, i, f) {
		json_t *seq = json_object_get(f, "seq");
		char where[32] = "ledger";

		if (seq)
			snprintf(where, sizeof(where), "seq %lld", (long long)json_integer_value(seq));
		printf("  %-12s %-31s %s\n", where, json_string_value(json_object_get(f, "kind")),
		    json_string_value(json_object_get(f, "message")));
	}
	if (total > json_array_size(findings))
		printf("  ... and %llu more\n", (unsigned long long)(total - json_array_size(findings)));
}

static void print_summary(const kansa_audit_summary *s, bool replay, const json_t *findings)
{
	char root[2 * KANSA_HASH_LEN + 1];

	kansa_hex_encode(root, s->root, KANSA_HASH_LEN);
	printf("entries:      %llu\n", (unsigned long long)s->entries);
	printf("checkpoints:  %llu checked\n", (unsigned long long)s->checkpoints);
	if (replay) {
		printf("documents:    %llu re-verified\n", (unsigned long long)s->documents);
		printf("decisions:    %llu re-decided\n", (unsigned long long)s->decisions);
	}
	printf("root:         %s\n", root);
	if (s->findings == 0) {
		printf("result:       %s\n", replay ? "every entry, document and decision checks out"
		    : "the chain, the tree and every checkpoint check out");
		return;
	}
	printf("result:       %llu problem%s found", (unsigned long long)s->findings, s->findings == 1 ? "" : "s");
	if (s->has_first_bad)
		printf("; the first bad entry is seq %llu", (unsigned long long)s->first_bad_seq);
	printf("\n");
	print_findings(findings, s->findings);
	printf("\nThe ledger was altered or is damaged. Keep this copy for the investigation;\n"
	    "compare with the anchored checkpoints ('kansa anchor verify --db').\n");
}

/*
 * replay --witness-quorum K (default: the policy's witness_quorum): the
 * latest stored checkpoint must carry the cosignatures of K distinct policy
 * witnesses. "witnesses" into @p o; false when short of K.
 */
static int witness_check(bool *met, json_t *o, kansa_ledger *lg, const cli_opt_uint *quorum)
{
	char *vkeys = NULL, *names = NULL, *save = NULL;
	size_t need = 0, have = 0;
	uint64_t size = 0;
	json_t *w, *list = json_array();
	int error;

	*met = true;
	if ((error = kansa_ledger_witnesses(&vkeys, &need, lg)) < 0)
		goto out;
	if (quorum->given)
		need = (size_t)quorum->value;
	error = kansa_ledger_cosigners(&names, &have, &size, lg);
	if (error == KANSA_ENOTFOUND && need == 0) {
		error = 0;
		goto out;
	}
	if (error < 0 && error != KANSA_ENOTFOUND)
		goto out;
	error = 0;
	for (char *n = names ? strtok_r(names, "\n", &save) : NULL; n; n = strtok_r(NULL, "\n", &save))
		json_array_append_new(list, json_string(n));
	/* REQ: COSIG-REPLAY the latest checkpoint carries the quorum of witnesses */
	*met = have >= need;
	w = json_pack("{s:I, s:o, s:I, s:I, s:b}", "checkpoint_size", (json_int_t)size, "cosigned", list,
	    "have", (json_int_t)have, "need", (json_int_t)need, "ok", *met);
	list = NULL;
	json_object_set_new(o, "witnesses", w);
out:
	json_decref(list);
	free(vkeys);
	free(names);
	return error;
}

static void print_witnesses(const json_t *o)
{
	const json_t *w = json_object_get(o, "witnesses"), *n;
	size_t i;

	if (w == NULL)
		return;
	printf("witnesses:    %lld of the %lld needed cosigned the latest checkpoint (size %lld)",
	    (long long)json_integer_value(json_object_get(w, "have")),
	    (long long)json_integer_value(json_object_get(w, "need")),
	    (long long)json_integer_value(json_object_get(w, "checkpoint_size")));
	json_array_foreach(json_object_get(w, "cosigned"), i, n)
		printf("%s%s", i ? ", " : ": ", json_string_value(n));
	printf("\n");
	if (!json_is_true(json_object_get(w, "ok")))
		printf("result:       NOT WITNESSED: collect the cosignatures with 'kansa ledger checkpoint "
		    "--witness URL', then replay again\n");
}

int cli_run_audit(int argc, char **argv, bool replay, const cli_help *help)
{
	const char *schema = help->schema;
	const char *db = NULL, *key_file = NULL;
	bool json = false, met = true;
	cli_opt_uint quorum = { 0, false };
	cli_option opts[] = {
		CLI_OPT_DB(&db, "the ledger", CLI_OPT_REQUIRED),
		CLI_OPT_DB_KEY_FILE(&key_file),
		CLI_OPT_JSON(&json, "print the summary and the findings as one JSON object"),
		CLI_OPT_UINT64("witness-quorum", 0, &quorum, "K", "distinct policy witnesses that must have\n"
		    "cosigned the latest stored checkpoint (default: the policy's witness_quorum)", 0),
		CLI_OPT_END(),
	};
	json_t *wj = json_object();
	kansa_audit_options opt;
	kansa_audit_summary sum;
	kansa_ledger *lg = NULL;
	audit_ctx c;
	int rc, error;

	if (!replay)
		opts[3] = opts[4]; /* --witness-quorum is replay's */
	if ((rc = cli_parse_options(help, opts, argc, argv)) >= 0) {
		json_decref(wj);
		return rc;
	}
	memset(&c, 0, sizeof(c));
	c.findings = json_array();
	cli_progress_init(&c.bar, replay ? "replay" : "verify");
	opt = (kansa_audit_options){ replay ? KANSA_AUDIT_REPLAY : 0, on_finding, on_progress, &c, NULL };
	if ((error = cli_open_ledger(&lg, db, key_file, KANSA_LEDGER_READONLY | KANSA_LEDGER_AUDIT)) == 0)
		error = kansa_ledger_audit(&sum, lg, &opt);
	cli_progress_done(&c.bar);
	/* A ledger the audit found damaged may not give its policy: the findings say it all. */
	if (error == 0 && replay && (error = witness_check(&met, wj, lg, &quorum)) < 0 && sum.findings) {
		error = 0;
		met = true;
	}
	kansa_ledger_close(lg);
	if (error < 0) {
		json_decref(wj);
		json_decref(c.findings);
		return cli_fail(error, json, schema);
	}
	if (json) {
		json_t *o = summary_json(&sum, replay, c.findings);

		json_object_update(o, wj);
		if (!met)
			json_object_set_new(o, "ok", json_false());
		cli_json_print(o, schema);
	} else {
		print_summary(&sum, replay, c.findings);
		print_witnesses(wj);
	}
	json_decref(wj);
	json_decref(c.findings);
	return sum.findings || !met ? EXIT_NO : EXIT_OK;
}
