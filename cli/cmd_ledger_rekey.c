/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kansa ledger rekey: change the database key of a ledger (SQLCipher
 * rekey). Both keys come from files (mode 0600), never from argv; neither
 * is ever printed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static const cli_help help_rekey = {
	.usage = "--db DB [--db-key-file OLD] --new-db-key-file NEW [--json]",
	.about = "Re-encrypt the ledger under a new database key. Every entry, document,\n"
	    "checkpoint and the ledger's signing key stay as they are; afterwards only\n"
	    "the new key opens the ledger. No other process may have the ledger open.\n"
	    "Both key files must be mode 0600: 64 hex digits are a raw 256-bit key,\n"
	    "anything else is a passphrase. Keep the old key until the new one is\n"
	    "safely stored: a ledger whose key is lost cannot be read by anyone.\n"
	    "\n"
	    "On PostgreSQL every row kansa sealed is sealed again under the new key and a\n"
	    "new salt, in one transaction; while another session is connected to the\n"
	    "database it waits 5 s, then fails with nothing changed (exit 4).",
	.example = "(umask 077; openssl rand -hex 32 > new.keyfile)\n"
	    "kansa ledger rekey --db ledger.db --db-key-file ledger.keyfile --new-db-key-file new.keyfile",
	.schema = "kansa.ledger.rekey/1",
};

/* The rekey, with a progress bar on a terminal (PostgreSQL reports its entries). */
static int rekey(kansa_ledger *lg, const kansa_secret *new_key)
{
	cli_progress bar;
	int error;

	cli_progress_init(&bar, "rekey");
	error = kansa_ledger_rekey_progress(lg, new_key, cli_progress_update, &bar);
	cli_progress_done(&bar);
	return error;
}

int cmd_ledger_rekey(int argc, char **argv)
{
	const char *schema = help_rekey.schema, *db = NULL, *old_file = NULL, *new_file = NULL;
	bool json = false;
	const cli_option opts[] = {
		CLI_OPT_DB(&db, "the ledger", CLI_OPT_REQUIRED),
		CLI_OPT_PATH("db-key-file", 0, &old_file, "OLD", "the current key (default: $KANSA_DB_KEY_FILE)", 0),
		CLI_OPT_PATH("new-db-key-file", 0, &new_file, "NEW", "the new key", CLI_OPT_REQUIRED),
		CLI_OPT_JSON(&json, "print the result as one JSON object"),
		CLI_OPT_END(),
	};
	kansa_secret *new_key = NULL;
	kansa_ledger *lg = NULL;
	kansa_ledger_info info;
	int rc, error;

	if ((rc = cli_parse_options(&help_rekey, opts, argc, argv)) >= 0)
		return rc;
	/* REQ: SECRETS-FILES the new key file must be private too */
	if ((error = kansa_secret_read_file(&new_key, new_file)) < 0 ||
	    (error = cli_open_ledger(&lg, db, old_file, 0)) < 0 ||
	    (error = rekey(lg, new_key)) < 0)
		goto out;
	kansa_ledger_close(lg);
	lg = NULL;
	/* prove it: the new key opens the ledger and reads its head */
	if ((error = kansa_ledger_open(&lg, db, new_key, KANSA_LEDGER_READONLY)) < 0 ||
	    (error = kansa_ledger_get_info(&info, lg)) < 0)
		goto out;
	if (json) {
		json_t *o = json_object();
		json_object_set_new(o, "ok", json_true());
		json_object_set_new(o, "size", json_integer((json_int_t)info.size));
		json_object_set_new(o, "root", cli_json_hex(info.root, KANSA_HASH_LEN));
		cli_json_print(o, schema);
	} else {
		printf("rekeyed ledger %s (%llu entries); only the new key opens it now\n", db,
		    (unsigned long long)info.size);
	}
out:
	kansa_ledger_close(lg);
	kansa_secret_free(new_key);
	return error < 0 ? cli_fail(error, json, schema) : EXIT_OK;
}
