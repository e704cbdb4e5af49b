/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kansa ledger migrate: copy a ledger to a new one, a SQLCipher file or a
 * PostgreSQL database, either direction, and prove the copy has the same
 * root (design §13). The keys come from files (mode 0600), never argv.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"

static const cli_help help_migrate = {
	.usage = "--from DB --to DB [--db-key-file FILE] [--to-db-key-file FILE] [--json]",
	.about = "Copy the ledger at --from to a new ledger at --to and prove the copy: the same\n"
	    "number of entries, head and Merkle root. Either may be a SQLCipher file or a\n"
	    "postgresql:// URI. Every entry, document, Merkle node, checkpoint and the\n"
	    "ledger's signing key are copied; the copy is encrypted under --to-db-key-file\n"
	    "(default: the source's key). --to must not exist yet (a database must hold no\n"
	    "ledger). Stop every writer of the source first. After a failure the copy is\n"
	    "incomplete: remove it before trying again.",
	.example = "kansa ledger migrate --from ledger.db --to 'postgresql:///kansa?host=/run/postgresql'",
	.schema = "kansa.ledger.migrate/1",
};

int cmd_ledger_migrate(int argc, char **argv)
{
	const char *schema = help_migrate.schema, *from = NULL, *to = NULL, *key_file = NULL,
	    *to_key_file = NULL;
	bool json = false;
	const cli_option opts[] = {
		CLI_OPT_PATH("from", 0, &from, "DB", "the ledger to copy", CLI_OPT_REQUIRED),
		CLI_OPT_PATH("to", 0, &to, "DB", "the new ledger", CLI_OPT_REQUIRED),
		CLI_OPT_DB_KEY_FILE(&key_file),
		CLI_OPT_PATH("to-db-key-file", 0, &to_key_file, "FILE",
		    "the new ledger's key (default: the source's)", 0),
		CLI_OPT_JSON(&json, "print the result as one JSON object"),
		CLI_OPT_END(),
	};
	kansa_secret *key = NULL, *to_key = NULL;
	kansa_ledger_info info;
	char root[2 * KANSA_HASH_LEN + 1];
	int rc, error;

	if ((rc = cli_parse_options(&help_migrate, opts, argc, argv)) >= 0)
		return rc;
	if ((error = cli_db_key(&key, key_file)) < 0 ||
	    (to_key_file && (error = kansa_secret_read_file(&to_key, to_key_file)) < 0) ||
	    (error = kansa_ledger_migrate(&info, from, key, to, to_key ? to_key : key)) < 0)
		goto out;
	kansa_hex_encode(root, info.root, KANSA_HASH_LEN);
	if (json) {
		json_t *o = json_object();
		json_object_set_new(o, "ok", json_true());
		json_object_set_new(o, "size", json_integer((json_int_t)info.size));
		json_object_set_new(o, "root", json_string(root));
		cli_json_print(o, schema);
	} else {
		printf("migrated %llu entries to %s\nroot: %s (the same as the source's)\n",
		    (unsigned long long)info.size, to, root);
	}
out:
	kansa_secret_free(key);
	kansa_secret_free(to_key);
	return error < 0 ? cli_fail(error, json, schema) : EXIT_OK;
}
