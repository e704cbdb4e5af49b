/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The table-driven option parser (options.h), on top of getopt_long. The
 * table becomes getopt_long's struct option array: an option with a short
 * letter returns that letter, one without returns LONG_ONLY + its index in
 * the table, so each value maps back to its entry. After the first usage
 * error the rest of argv is still scanned, only for --json, so the error is
 * printed as JSON wherever --json stands.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

#define MAX_OPTIONS 32   /* entries in one command's table */
#define LONG_ONLY 256    /* getopt_long value of table entry i without a letter: LONG_ONLY + i */
#define MSG_MAX 512

/* The running command's --json and schema, for usage errors found after parsing. */
static bool usage_json;
static const char *usage_schema;

static void usage_report(const char *msg)
{
	if (usage_json)
		cli_json_print(json_pack("{s:b, s:{s:s, s:s}}", "ok", 0, "error", "code",
		    kansa_error_name(KANSA_EINVAL), "message", msg), usage_schema);
	fprintf(stderr, "kansa: %s%s%s\nTry 'kansa %s --help'.\n", cli_cmd_name, *cli_cmd_name ? ": " : "",
	    msg, cli_cmd_name);
}

int cli_usage_error(const char *fmt, ...)
{
	char msg[MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	usage_report(msg);
	return EXIT_USAGE;
}

static bool takes_value(const cli_option *o)
{
	return o->kind != CLI_OPT_KIND_FLAG && o->kind != CLI_OPT_KIND_JSON;
}

/* The table entry getopt_long's value @p c stands for, or NULL. */
static const cli_option *entry_of(const cli_option *opts, size_t n, int c)
{
	if (c >= LONG_ONLY)
		return (size_t)(c - LONG_ONLY) < n ? &opts[c - LONG_ONLY] : NULL;
	for (size_t i = 0; i < n; i++)
		if (opts[i].short_name != 0 && opts[i].short_name == c)
			return &opts[i];
	return NULL;
}

/* A whole number in decimal: digits only, no sign, no overflow. */
static bool parse_uint64(uint64_t *out, const char *s)
{
	unsigned long long v;
	char *end = NULL;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno == ERANGE || *end != '\0')
		return false;
	*out = (uint64_t)v;
	return true;
}

/* Store one occurrence of @p o; on a bad value write the message to @p err. */
static void store(const cli_option *o, const char *arg, char *err)
{
	switch (o->kind) {
	case CLI_OPT_KIND_FLAG:
	case CLI_OPT_KIND_JSON:
		*(bool *)o->target = true;
		break;
	case CLI_OPT_KIND_STRING:
	case CLI_OPT_KIND_PATH:
		*(const char **)o->target = arg;
		break;
	case CLI_OPT_KIND_UINT64: {
		cli_opt_uint *u = o->target;
		if (!parse_uint64(&u->value, arg))
			snprintf(err, MSG_MAX, "--%s takes a whole number, not '%.100s'", o->name, arg);
		u->given = true;
		break;
	}
	case CLI_OPT_KIND_LIST: {
		cli_opt_list *l = o->target;
		if (l->n == CLI_OPT_LIST_MAX)
			snprintf(err, MSG_MAX, "--%s given more than %d times", o->name, CLI_OPT_LIST_MAX);
		else
			l->v[l->n++] = arg;
		break;
	}
	default:
		break;
	}
}

/* After the options: the operand, extra arguments, required options. */
static void check_rest(const cli_option *opts, size_t n, const bool *seen, int argc, char **argv, char *err)
{
	const cli_option *operand = NULL;

	for (size_t i = 0; i < n; i++)
		if (opts[i].kind == CLI_OPT_KIND_OPERAND)
			operand = &opts[i];
	if (operand && argc - optind != 1) {
		snprintf(err, MSG_MAX, "%s", operand->help);
		return;
	}
	if (operand)
		*(const char **)operand->target = argv[optind];
	else if (optind != argc) {
		snprintf(err, MSG_MAX, "unexpected argument '%.100s'", argv[optind]);
		return;
	}
	for (size_t i = 0; i < n; i++)
		if ((opts[i].flags & CLI_OPT_REQUIRED) && opts[i].kind != CLI_OPT_KIND_OPERAND && !seen[i]) {
			snprintf(err, MSG_MAX, "--%s %s is required", opts[i].name, opts[i].arg ? opts[i].arg : "");
			return;
		}
}

/* getopt_long's option array and letters for @p opts; returns the entry count or -1. */
static int build(struct option *lopts, char *shorts, const cli_option *opts)
{
	size_t n, nl = 0, ns = 0;

	shorts[ns++] = ':'; /* a missing value returns ':', not '?' */
	shorts[ns++] = 'h';
	for (n = 0; opts[n].kind != CLI_OPT_KIND_END; n++) {
		const cli_option *o = &opts[n];

		if (n == MAX_OPTIONS)
			return -1;
		if (o->kind == CLI_OPT_KIND_OPERAND)
			continue;
		lopts[nl].name = o->name;
		lopts[nl].has_arg = takes_value(o) ? required_argument : no_argument;
		lopts[nl].flag = NULL;
		lopts[nl++].val = o->short_name ? o->short_name : LONG_ONLY + (int)n;
		if (o->short_name) {
			shorts[ns++] = o->short_name;
			if (takes_value(o))
				shorts[ns++] = ':';
		}
	}
	lopts[nl++] = (struct option){ "help", no_argument, NULL, 'h' };
	lopts[nl] = (struct option){ NULL, 0, NULL, 0 };
	shorts[ns] = '\0';
	return (int)n;
}

int cli_parse_options(const cli_help *help, const cli_option *opts, int argc, char **argv)
{
	struct option lopts[MAX_OPTIONS + 2];
	char shorts[2 * MAX_OPTIONS + 3], err[MSG_MAX] = "";
	bool seen[MAX_OPTIONS] = { false };
	const cli_option *o;
	size_t n;
	int c, built;

	usage_json = false;
	usage_schema = help->schema;
	if ((built = build(lopts, shorts, opts)) < 0) {
		cli_warn("internal error: more than %d options", MAX_OPTIONS);
		return EXIT_INTERNAL;
	}
	n = (size_t)built;
	opterr = 0; /* the messages are ours */
	optind = 1;
	while ((c = getopt_long(argc, argv, shorts, lopts, NULL)) != -1) {
		o = (c == '?' || c == ':') ? NULL : entry_of(opts, n, c);
		if (err[0]) { /* only --json still counts */
			if (o && o->kind == CLI_OPT_KIND_JSON)
				usage_json = true;
			continue;
		}
		if (c == 'h') {
			cli_print_help(help, opts);
			return EXIT_OK;
		}
		if (c == ':') {
			o = entry_of(opts, n, optopt);
			snprintf(err, MSG_MAX, "--%s needs a value: --%s %s", o ? o->name : "?", o ? o->name : "?",
			    o && o->arg ? o->arg : "VALUE");
		} else if (c == '?' && (o = entry_of(opts, n, optopt)) != NULL) {
			snprintf(err, MSG_MAX, "--%s takes no value", o->name);
		} else if (c == '?' && optopt > 0 && optopt < LONG_ONLY) {
			snprintf(err, MSG_MAX, "unknown option '-%c'", optopt);
		} else if (c == '?' || o == NULL) {
			snprintf(err, MSG_MAX, "unknown or ambiguous option '%.100s'", argv[optind - 1]);
		} else {
			store(o, optarg, err);
			seen[o - opts] = true;
			if (o->kind == CLI_OPT_KIND_JSON)
				usage_json = true;
		}
	}
	if (err[0] == '\0')
		check_rest(opts, n, seen, argc, argv, err);
	if (err[0] == '\0')
		return -1;
	usage_report(err);
	return EXIT_USAGE;
}

/* Print @p text; after each '\n' indent by @p indent (blank lines stay empty). */
static void put_lines(const char *text, int indent)
{
	for (const char *p = text; *p; p++) {
		putchar(*p);
		if (*p == '\n' && p[1] != '\n' && p[1] != '\0')
			printf("%*s", indent, "");
	}
}

static void put_text(const char *text, int indent)
{
	put_lines(text, indent);
	putchar('\n');
}

/* "-o, --out FILE" or "--db DB" */
static void left_column(char *out, size_t size, const cli_option *o)
{
	char s[8] = "";

	if (o->short_name)
		snprintf(s, sizeof(s), "-%c, ", o->short_name);
	snprintf(out, size, "%s--%s%s%s", s, o->name, takes_value(o) ? " " : "", takes_value(o) ? o->arg : "");
}

void cli_print_help(const cli_help *help, const cli_option *opts)
{
	char left[80];
	int lead, width = (int)strlen("-h, --help");

	lead = printf("usage: kansa %s ", cli_cmd_name);
	put_text(help->usage, lead < 0 ? 0 : lead);
	if (help->about) {
		putchar('\n');
		put_text(help->about, 0);
	}
	for (const cli_option *o = opts; o->kind != CLI_OPT_KIND_END; o++) {
		if (o->kind == CLI_OPT_KIND_OPERAND)
			continue;
		left_column(left, sizeof(left), o);
		if ((int)strlen(left) > width)
			width = (int)strlen(left);
	}
	printf("\noptions:\n");
	for (const cli_option *o = opts; o->kind != CLI_OPT_KIND_END; o++) {
		if (o->kind == CLI_OPT_KIND_OPERAND)
			continue;
		left_column(left, sizeof(left), o);
		printf("  %-*s  ", width, left);
		if (o->flags & CLI_OPT_REQUIRED) {
			put_lines(o->help, width + 4);
			puts(" (required)");
		} else {
			put_text(o->help, width + 4);
		}
	}
	printf("  %-*s  %s\n", width, "-h, --help", "print this help and exit");
	if (help->example) {
		printf("\nexample:\n  ");
		put_text(help->example, 2);
	}
	fflush(stdout);
}
