/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Diagnostics and exit codes for the kansa program. Diagnostics go to
 * stderr as "kansa: <command>: <message>"; results go to stdout.
 */
#include <stdarg.h>
#include <stdio.h>

#include "cli/cli.h"

const char *cli_cmd_name = "";

int cli_exit_code(int error)
{
	switch (error) {
	case KANSA_OK:
		return EXIT_OK;
	case KANSA_EVERIFY:
	case KANSA_EDENIED:
	case KANSA_EEXPIRED:
		return EXIT_NO;
	case KANSA_EINVAL:
		return EXIT_USAGE;
	case KANSA_EFORMAT:
	case KANSA_ELIMIT:
	case KANSA_ENOTFOUND: /* a file, entry, remote or document named is not there */
		return EXIT_INPUT;
	case KANSA_EKEY:
	case KANSA_ELOCKED:
	case KANSA_EIO:
	case KANSA_EPERM:
	case KANSA_EEXISTS:
		return EXIT_ENV;
	default:
		return EXIT_INTERNAL;
	}
}

int cli_read_input(uint8_t **out, size_t *len, const char *path, size_t max)
{
	int error = kansa_file_read(out, len, path, max, 0);
	char msg[sizeof(kansa_error_last()->message)];

	/* an input that exists but cannot be read (permissions, a read error)
	 * is unreadable input, exit 3, as a FIFO or directory in its place is */
	if (error == KANSA_EIO) {
		snprintf(msg, sizeof(msg), "%s", kansa_error_last()->message);
		error = kansa_error_set_str(KANSA_EFORMAT, msg);
	}
	if (error < 0 && kansa_error_last()->message[0] == '\0')
		kansa_error_set_str(error, path);
	return error;
}

void cli_warn(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "kansa: %s%s", cli_cmd_name, *cli_cmd_name ? ": " : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int cli_fail(int error, bool json, const char *schema)
{
	const kansa_error *e = kansa_error_last();
	const char *msg = (e->code == error && e->message[0]) ? e->message : kansa_strerror(error);

	if (json) {
		json_t *o = json_pack("{s:b, s:{s:s, s:s}}", "ok", 0,
		    "error", "code", kansa_error_name(error), "message", msg);
		cli_json_print(o, schema);
	}
	cli_warn("%s", msg);
	return cli_exit_code(error);
}
