/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kansa <kind> unsign FILE --kid KID: take one signer's signature off a
 * document, in place and atomically, the others kept byte for byte. For a
 * member who signed the wrong draft, or a signature by a key that is not a
 * member (which makes the whole document invalid: design §5 row 2).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/doc.h"

static void help_unsign(cli_doc_help *d, int kind)
{
	const char *k = kansa_doc_kind_name(kind);

	cli_doc_help_init(d, kind, "unsign");
	snprintf(d->usage, sizeof(d->usage), "FILE --kid KID [--json]");
	snprintf(d->about, sizeof(d->about),
	    "Remove the signature by KID (16 hex digits, as 'kansa %s show' lists\n"
	    "the signers) from the %s in FILE, in place and atomically. The other\n"
	    "signatures are kept byte for byte. Exit 3 when no signature carries KID.", k, k);
	snprintf(d->example, sizeof(d->example), "kansa %s unsign %s.cose --kid 3f9a0c1d2e4b5a69", k, k);
}

int cli_doc_unsign(int kind, int argc, char **argv)
{
	const char *file = NULL, *kid_hex = NULL;
	bool as_json = false;
	const cli_option opts[] = {
		CLI_OPT_OPERAND(&file, "FILE", "expected one document FILE"),
		CLI_OPT_STRING("kid", 0, &kid_hex, "KID", "the signer's key id (16 hex digits)",
		    CLI_OPT_REQUIRED),
		CLI_OPT_JSON(&as_json, "print the result as one JSON object"),
		CLI_OPT_END(),
	};
	cli_doc_help help;
	const char *schema = help.schema;
	uint8_t *in = NULL, *out = NULL, kid[KANSA_KID_LEN];
	size_t in_len = 0, out_len = 0, removed = 0, left;
	kansa_doc *d = NULL;
	int error;

	help_unsign(&help, kind);
	if ((error = cli_parse_options(&help.h, opts, argc, argv)) >= 0)
		return error;
	if (strcmp(file, "-") == 0)
		return cli_usage_error("unsign changes FILE in place; '-' is not a file");
	if (strlen(kid_hex) != 2 * KANSA_KID_LEN || kansa_hex_decode(kid, sizeof(kid), kid_hex) < 0)
		return cli_usage_error("--kid: expected %d hex digits, as 'kansa %s show' lists them",
		    2 * KANSA_KID_LEN, kansa_doc_kind_name(kind));

	if ((error = cli_doc_read(&in, &in_len, file)) < 0 ||
	    (error = kansa_doc_parse(&d, in, in_len, kind)) < 0)
		goto out;
	if ((error = kansa_doc_unsign(&out, &out_len, &removed, d, kid)) == KANSA_ENOTFOUND) {
		char msg[256];

		snprintf(msg, sizeof(msg), "%.80s: %.100s (nothing changed)", file, kansa_error_last()->message);
		error = kansa_error_set_str(KANSA_EFORMAT, msg);
	}
	if (error < 0 || (error = kansa_file_write(file, out, out_len, 0644, KANSA_FILE_REPLACE)) < 0)
		goto out;
	left = kansa_doc_signature_count(d) - removed;
	if (as_json) {
		json_t *r = json_object();

		json_object_set_new(r, "ok", json_true());
		json_object_set_new(r, "file", json_string(file));
		json_object_set_new(r, "kid", json_string(kid_hex));
		json_object_set_new(r, "removed", json_integer((json_int_t)removed));
		json_object_set_new(r, "signatures", json_integer((json_int_t)left));
		cli_json_print(r, schema);
	} else {
		printf("removed the signature by kid %s from %s: %zu signature%s left\n", kid_hex, file,
		    left, left == 1 ? "" : "s");
	}
out:
	if (error < 0)
		error = -cli_fail(error, as_json, schema);
	free(in);
	free(out);
	kansa_doc_free(d);
	return error < 0 ? -error : EXIT_OK;
}
