/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The option parser of every kansa command, driven by a table as git's
 * parse-options is: a command lists its options once, as an array of
 * cli_option ending in CLI_OPT_END(), and the same array parses argv and
 * writes the options section of --help.
 *
 * -h/--help comes with every command: it prints the help (usage line,
 * description, options, example) and the command returns 0. A usage error
 * (unknown option, missing value, bad number, missing required option or
 * operand, extra argument) is reported on stderr and returns EXIT_USAGE;
 * when --json was given anywhere on the command line, stdout also gets the
 * one JSON error object every failure prints (design §7).
 */
#ifndef KANSA_CLI_OPTIONS_H
#define KANSA_CLI_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
	CLI_OPT_KIND_END = 0,
	CLI_OPT_KIND_FLAG,    /* bool *: set to true; takes no value */
	CLI_OPT_KIND_JSON,    /* bool *: --json, as FLAG; usage errors then print JSON */
	CLI_OPT_KIND_STRING,  /* const char **: the value; given twice, the last wins */
	CLI_OPT_KIND_PATH,    /* const char **: a file name, as STRING */
	CLI_OPT_KIND_UINT64,  /* cli_opt_uint *: a whole number in decimal */
	CLI_OPT_KIND_LIST,    /* cli_opt_list *: every value, in order (repeatable) */
	CLI_OPT_KIND_OPERAND, /* const char **: the command's one positional argument */
} cli_opt_kind;

/* A repeatable option takes at most this many values. */
#define CLI_OPT_LIST_MAX 64

typedef struct {
	uint64_t value;
	bool given;
} cli_opt_uint;

typedef struct {
	const char *v[CLI_OPT_LIST_MAX];
	size_t n;
} cli_opt_list;

/* The option must be given (a LIST at least once). */
#define CLI_OPT_REQUIRED 1u

typedef struct {
	const char *name;  /* long name without "--" ("db"); OPERAND: NULL */
	char short_name;   /* 'o' for -o, or 0 */
	cli_opt_kind kind;
	void *target;      /* where the value goes; its type follows the kind */
	const char *arg;   /* the value's name in help and errors ("FILE") */
	const char *help;  /* one line; a '\n' starts an aligned continuation line.
	                    * OPERAND: the usage error when it is missing */
	unsigned flags;    /* CLI_OPT_REQUIRED */
} cli_option;

#define CLI_OPT_FLAG(name, s, t, help) { (name), (s), CLI_OPT_KIND_FLAG, (t), NULL, (help), 0 }
#define CLI_OPT_JSON(t, help) { "json", 0, CLI_OPT_KIND_JSON, (t), NULL, (help), 0 }
#define CLI_OPT_STRING(name, s, t, arg, help, f) { (name), (s), CLI_OPT_KIND_STRING, (t), (arg), (help), (f) }
#define CLI_OPT_PATH(name, s, t, arg, help, f) { (name), (s), CLI_OPT_KIND_PATH, (t), (arg), (help), (f) }
#define CLI_OPT_UINT64(name, s, t, arg, help, f) { (name), (s), CLI_OPT_KIND_UINT64, (t), (arg), (help), (f) }
#define CLI_OPT_LIST(name, s, t, arg, help, f) { (name), (s), CLI_OPT_KIND_LIST, (t), (arg), (help), (f) }
#define CLI_OPT_OPERAND(t, arg, missing) { NULL, 0, CLI_OPT_KIND_OPERAND, (t), (arg), (missing), CLI_OPT_REQUIRED }
#define CLI_OPT_END() { NULL, 0, CLI_OPT_KIND_END, NULL, NULL, NULL, 0 }

/* What every command on a ledger takes besides --json. */
#define CLI_OPT_DB(t, help, f) CLI_OPT_PATH("db", 0, (t), "DB", (help), (f))
#define CLI_OPT_DB_KEY_FILE(t) \
	CLI_OPT_PATH("db-key-file", 0, (t), "FILE", "database key (default: $KANSA_DB_KEY_FILE)", 0)

/* The text of a command's --help around the generated options section. */
typedef struct {
	const char *usage;   /* the synopsis after "usage: kansa <command> "; a '\n'
	                      * starts a continuation line aligned under it */
	const char *about;   /* the description, paragraphs apart by blank lines */
	const char *example; /* the example command lines, one a line */
	const char *schema;  /* the "schema" of the JSON error object */
} cli_help;

/*
 * Parse argv (argv[0] is the command's name) by @p opts. Returns -1 when
 * the command should go on, or the exit status it should return: EXIT_OK
 * after --help, EXIT_USAGE after a usage error.
 */
int cli_parse_options(const cli_help *help, const cli_option *opts, int argc, char **argv);

/* Print the command's --help on stdout. */
void cli_print_help(const cli_help *help, const cli_option *opts);

/*
 * A usage error found by the command after parsing: the message and a
 * pointer to --help on stderr, and under --json the JSON error object on
 * stdout. Returns EXIT_USAGE.
 */
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
