/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The database key and opening a ledger, for every command on one: the key
 * comes from --db-key-file or $KANSA_DB_KEY_FILE (a mode 0600 file), never
 * from argv.
 */
#include <stdlib.h>

#include "cli/cli.h"

int cli_db_key(kansa_secret **out, const char *key_file)
{
	const char *f = key_file ? key_file : getenv("KANSA_DB_KEY_FILE");

	*out = NULL;
	if (f == NULL || *f == '\0')
		return kansa_error_set_str(KANSA_EINVAL,
		    "no database key: give --db-key-file FILE or set KANSA_DB_KEY_FILE "
		    "(a mode 0600 file holding 64 hex digits or a passphrase)");
	return kansa_secret_read_file(out, f);
}

int cli_open_ledger(kansa_ledger **out, const char *db, const char *key_file, int flags)
{
	kansa_secret *key = NULL;
	int error;

	*out = NULL;
	if ((error = cli_db_key(&key, key_file)) < 0)
		return error;
	error = kansa_ledger_open(out, db, key, flags);
	kansa_secret_free(key);
	return error;
}
