/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kansa_ledger_rekey(): change the database key of a ledger without
 * touching its content (through kansa_store__rekey_progress: SQLCipher's
 * PRAGMA rekey re-encrypts every page in place; on PostgreSQL every sealed
 * row is sealed again, ledger/store/pg_rekey.c). The entries, the tree, the
 * checkpoints and the ledger's signing key stay byte for byte.
 *
 * It needs the ledger to itself: another process with the file open makes
 * it fail with KANSA_ELOCKED before anything changed. It never sees a key
 * in plain heap memory (kansa_secret only) and never logs one.
 */
#include "ledger/ledger_impl.h"

int kansa_ledger_rekey(kansa_ledger *lg, const kansa_secret *new_key)
{
	return kansa_ledger_rekey_progress(lg, new_key, NULL, NULL);
}

int kansa_ledger_rekey_progress(kansa_ledger *lg, const kansa_secret *new_key,
    void (*on_progress)(void *ctx, uint64_t done, uint64_t total), void *ctx)
{
	if (lg == NULL || new_key == NULL)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_LEDGER, "rekey: missing argument");
	if (kansa_ledger__readonly(lg))
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_LEDGER,
		    "rekey: the ledger is open read-only");
	if (kansa_secret_len(new_key) == 0)
		return kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_LEDGER, "rekey: the new key is empty");
	/* REQ: LEDGER-REKEY one transaction of SQLCipher: all pages or none */
	return kansa_store__rekey_progress(kansa_ledger__store(lg), new_key, on_progress, ctx);
}
