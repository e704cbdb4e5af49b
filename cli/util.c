/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Diagnostics and exit codes for the kansa program. Diagnostics go to
 * stderr as "kansa: <command>: <message>"; results go to stdout.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
		return EXIT_INPUT;
	case KANSA_ENOTFOUND:
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

/* A verifier key given as the key string itself, or a file holding key
 * strings one per line (what 'kansa ledger info' prints as log key). */
int cli_load_verifiers(kansa_note_verifier **out, size_t *n, size_t max, const char *arg)
{
	uint8_t *text = NULL;
	size_t len = 0;
	char *line, *next;
	int error;

	if (strchr(arg, '+') != NULL && kansa_note_verifier_parse(&out[*n], arg, strlen(arg)) == 0) {
		(*n)++;
		return 0;
	}
	if ((error = kansa_file_read(&text, &len, arg, 64 * 1024, 0)) < 0)
		return kansa_error_set_str(error, "--log-key: neither a verifier key (name+hash+base64, "
		    "as 'kansa ledger info' prints) nor a readable file of them");
	for (line = (char *)text; line && *line && error == 0; line = next) {
		size_t l;
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if ((l = strlen(line)) == 0)
			continue;
		if (*n == max)
			error = kansa_error_set_str(KANSA_ELIMIT, "too many keys");
		else if ((error = kansa_note_verifier_parse(&out[*n], line, l)) == 0)
			(*n)++;
	}
	free(text);
	return error;
}
