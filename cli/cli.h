/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Shared pieces of the kansa program: the command table entry, exit codes,
 * diagnostics, JSON output, passphrase input, opening a ledger, and the
 * command functions. The CLI sees only kansa.h
 * and jansson; it never prints a secret.
 */
#ifndef KANSA_CLI_H
#define KANSA_CLI_H

#include <stdbool.h>
#include <stdio.h>
#include <jansson.h>

#include "kansa.h"
#include "cli/options.h"

/* Exit status (design §7). */
enum {
	EXIT_OK = 0,       /* allowed, valid, verified */
	EXIT_NO = 1,       /* denied, invalid, tampering found */
	EXIT_USAGE = 2,    /* bad option or argument */
	EXIT_INPUT = 3,    /* unreadable or malformed input */
	EXIT_ENV = 4,      /* I/O, wrong key or passphrase, busy */
	EXIT_INTERNAL = 5, /* a bug */
};

typedef struct {
	const char *group;    /* "keys" */
	const char *name;     /* "generate" (NULL for a one-word command) */
	int (*run)(int argc, char **argv);
	const char *summary;  /* one line for `kansa --help` */
} cli_command;

/* The name of the command being run ("keys generate"), for diagnostics. */
extern const char *cli_cmd_name;

/* Map a library error code to an exit status. */
int cli_exit_code(int error);

/* Read a whole input file (a document, request, JSON or key list; "-" is
 * stdin) of at most @p max bytes. A missing file is KANSA_ENOTFOUND, one
 * that cannot be read KANSA_EFORMAT: both exit 3 (design §7). */
int cli_read_input(uint8_t **out, size_t *len, const char *path, size_t max);

/* "kansa: keys generate: <message>" on stderr. */
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Report the library's last error on stderr (or as JSON when json is set)
 * and return the exit status for it. */
int cli_fail(int error, bool json, const char *schema);

/* Print one JSON object with sorted keys, plus "schema"; steals obj. */
void cli_json_print(json_t *obj, const char *schema);

/* Hex of bytes as a new json string. */
json_t *cli_json_hex(const uint8_t *p, size_t len);
/* A time in JSON output: obj[key] = RFC 3339 text (UTC), obj[key_unix] =
 * the integer seconds beside it, for scripts (docs/formats.md). */
void cli_json_time(json_t *obj, const char *key, int64_t t);

/*
 * A passphrase: from --passphrase-file, else $KANSA_PASSPHRASE_FILE, else a
 * prompt on /dev/tty with echo off (asked twice when confirm is set).
 */
int cli_passphrase(kansa_secret **out, const char *file, const char *prompt, bool confirm);

/* Load a key file, asking for its passphrase only if it is encrypted. */
int cli_load_key(kansa_key **out, const char *path, const char *passphrase_file);

/* cli/db.c: the database key from key_file or $KANSA_DB_KEY_FILE, and a
 * ledger opened with it. */
int cli_db_key(kansa_secret **out, const char *key_file);
int cli_open_ledger(kansa_ledger **out, const char *db, const char *key_file, int flags);

/* cli/receipt.c: a receipt for people (headed by @p what, or "decision: ..."
 * when what is "decision") and as a new JSON object. */
void cli_receipt_print(const kansa_receipt *r, const char *what);
json_t *cli_receipt_json(const kansa_receipt *r);
/* A receipt file, plain or proven: the COSE_Sign1 or its base64 text.
 * *out malloc'd, at most KANSA_PROVEN_RECEIPT_MAX_BYTES. */
int cli_receipt_read(uint8_t **out, size_t *len, const char *path);

/* Compare the system clock with the ledger's last entry; warn on stderr
 * when it is far off. Returns the "clock" object for --json (a new reference). */
json_t *cli_clock_check(kansa_ledger *lg);

/* A progress bar on stderr, drawn only when stderr is a terminal (progress.c). */
typedef struct {
	const char *label; /* "verify" */
	bool on;           /* stderr is a terminal */
	bool drawn;        /* something is on the line */
	int last_pct;
} cli_progress;

void cli_progress_init(cli_progress *p, const char *label);
/* A kansa_audit_options.on_progress callback (ctx = the cli_progress). */
void cli_progress_update(void *ctx, uint64_t done, uint64_t total);
/* Clear the bar's line. */
void cli_progress_done(cli_progress *p);

/* cli/audit.c: the audit pass of ledger verify (replay = false) and audit
 * replay, with the command's help; parses the options, prints the report. */
int cli_run_audit(int argc, char **argv, bool replay, const cli_help *help);

/* cli/cmd_audit_entries.c: one decoded entry as a new JSON object, and for
 * people; a time option (a bare date is its first second, or with
 * end_of_day the next day's): -1 when parsed, else the exit status. */
json_t *cli_audit_entry_json(const kansa_audit_entry *e);
void cli_audit_entry_print(const kansa_audit_entry *e);
int cli_audit_time(int64_t *out, const char *text, bool end_of_day);

/* cli/report_html.c: the report's JSON object as one self-contained HTML
 * page on @p f (-1 on a write error), or into the file @p path ("-":
 * stdout), returning the exit status. */
int cli_report_html(FILE *f, const json_t *report);
int cli_report_html_write(const char *path, const json_t *report);

/*
 * The commands, as cli/main.c's table lists them: "<group> <verb>" is
 * cmd_<group>_<verb>() in cli/cmd_<group>_<verb>.c if that file exists,
 * else in cli/cmd_<group>.c; a one-word command is cmd_<group>().
 */
int cmd_keys_generate(int argc, char **argv);       /* cmd_keys.c */
int cmd_keys_show(int argc, char **argv);
int cmd_policy_create(int argc, char **argv);       /* cmd_policy.c */
int cmd_policy_sign(int argc, char **argv);
int cmd_policy_unsign(int argc, char **argv);
int cmd_policy_show(int argc, char **argv);
int cmd_warrant_create(int argc, char **argv);      /* cmd_warrant.c */
int cmd_warrant_sign(int argc, char **argv);
int cmd_warrant_unsign(int argc, char **argv);
int cmd_warrant_show(int argc, char **argv);
int cmd_warrant_verify(int argc, char **argv);
int cmd_revocation_create(int argc, char **argv);   /* cmd_revocation.c */
int cmd_revocation_sign(int argc, char **argv);
int cmd_revocation_unsign(int argc, char **argv);
int cmd_revocation_show(int argc, char **argv);
int cmd_ratification_create(int argc, char **argv); /* cmd_ratification.c */
int cmd_ratification_sign(int argc, char **argv);
int cmd_ratification_unsign(int argc, char **argv);
int cmd_ratification_show(int argc, char **argv);
int cmd_ledger_init(int argc, char **argv);         /* cmd_ledger.c */
int cmd_ledger_info(int argc, char **argv);
int cmd_ledger_policy(int argc, char **argv);
int cmd_ledger_revoke(int argc, char **argv);
int cmd_ledger_ratify(int argc, char **argv);
int cmd_ledger_checkpoint(int argc, char **argv);
int cmd_ledger_proof(int argc, char **argv);
int cmd_ledger_verify(int argc, char **argv);
int cmd_ledger_rekey(int argc, char **argv);        /* cmd_ledger_rekey.c */
int cmd_ledger_migrate(int argc, char **argv);      /* cmd_ledger_migrate.c */
int cmd_check(int argc, char **argv);               /* cmd_check.c */
int cmd_serve(int argc, char **argv);               /* cmd_serve.c */
int cmd_audit_replay(int argc, char **argv);        /* cmd_audit.c */
int cmd_audit_report(int argc, char **argv);
int cmd_audit_entries(int argc, char **argv);       /* cmd_audit_entries.c */
int cmd_audit_show(int argc, char **argv);
int cmd_audit_stats(int argc, char **argv);         /* cmd_audit_stats.c */
int cmd_audit_officers(int argc, char **argv);      /* cmd_audit_acts.c */
int cmd_audit_emergencies(int argc, char **argv);
int cmd_audit_retention(int argc, char **argv);
int cmd_anchor_push(int argc, char **argv);         /* cmd_anchor.c */
int cmd_anchor_verify(int argc, char **argv);
int cmd_anchor_cosign(int argc, char **argv);
int cmd_witness_cosign(int argc, char **argv);
int cmd_witness_serve(int argc, char **argv);        /* cmd_witness_serve.c */
int cmd_receipt_verify(int argc, char **argv);       /* cmd_receipt.c */
int cmd_receipt_show(int argc, char **argv);
int cmd_receipt_prove(int argc, char **argv);        /* cmd_receipt_prove.c */
int cmd_receipt_get(int argc, char **argv);          /* cmd_receipt_get.c */

#endif
