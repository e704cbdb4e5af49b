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

static void help_rekey(void)
{
	printf("usage: kansa ledger rekey --db DB [--db-key-file OLD] --new-db-key-file NEW [--json]\n"
	    "\n"
	    "Re-encrypt the ledger under a new database key. Every entry, document,\n"
	    "checkpoint and the ledger's signing key stay as they are; afterwards only\n"
	    "the new key opens the ledger. No other process may have the ledger open.\n"
	    "Both key files must be mode 0600: 64 hex digits are a raw 256-bit key,\n"
	    "anything else is a passphrase. Keep the old key until the new one is\n"
	    "safely stored: a ledger whose key is lost cannot be read by anyone.\n"
	    "\n"
	    "options:\n"
	    "  --db DB                 the ledger\n"
	    "  --db-key-file OLD       the current key (default: $KANSA_DB_KEY_FILE)\n"
	    "  --new-db-key-file NEW   the new key\n"
	    "  --json                  print the result as one JSON object\n"
	    "\n"
	    "example:\n"
	    "  (umask 077; openssl rand -hex 32 > new.keyfile)\n"
	    "  kansa ledger rekey --db ledger.db --db-key-file ledger.keyfile --new-db-key-file new.keyfile\n");
}

int cmd_ledger_rekey(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "db-key-file", required_argument, NULL, 'k' },
		{ "new-db-key-file", required_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0, 0, 0, 0 },
	};
	const char *schema = "kansa.ledger.rekey/1", *db = NULL, *old_file = NULL, *new_file = NULL;
	kansa_secret *new_key = NULL;
	kansa_ledger *lg = NULL;
	kansa_ledger_info info;
	bool json = false;
	int c, error;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'k': old_file = optarg; break;
		case 'n': new_file = optarg; break;
		case 'j': json = true; break;
		case 'h': help_rekey(); return EXIT_OK;
		default: return cli_usage_error("invalid option");
		}
	}
	if (optind != argc)
		return cli_usage_error("unexpected argument '%s'", argv[optind]);
	if (db == NULL || new_file == NULL)
		return cli_usage_error("--db DB and --new-db-key-file FILE are required");
	/* REQ: SECRETS-FILES the new key file must be private too */
	if ((error = kansa_secret_read_file(&new_key, new_file)) < 0 ||
	    (error = cli_open_ledger(&lg, db, old_file, 0)) < 0 ||
	    (error = kansa_ledger_rekey(lg, new_key)) < 0)
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
