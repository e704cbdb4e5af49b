/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kansa_ledger_migrate(): copy a ledger to a new store, possibly of the
 * other engine (a SQLCipher file to a PostgreSQL database or back, design
 * §13), and prove the copy has the same size, head and root.
 *
 * The source is read on one snapshot (kansa_store__copy); its summary is
 * read after the snapshot was taken, so a writer appending meanwhile makes
 * the sizes differ and the migration fail instead of copying a ledger the
 * summary does not describe. The copy is sealed under the destination's
 * key (which may differ from the source's). A failed migration leaves an
 * incomplete destination, which the caller removes.
 */
#include <stdio.h>
#include <string.h>

#include "keys/keys.h"
#include "ledger/ledger_impl.h"

static int same_ledger(const kansa_ledger_info *a, const kansa_ledger_info *b)
{
	/* REQ: LEDGER-MIGRATE the copy has the source's size, head and root */
	if (a->size != b->size || !kansa_ct_equal(a->root, b->root, KANSA_HASH_LEN) ||
	    !kansa_ct_equal(a->head, b->head, KANSA_HASH_LEN))
		return kansa_error_set(KANSA_EVERIFY, KANSA_ERRCLASS_LEDGER,
		    "migrate: the copy (%llu entries) does not have the source's root (%llu entries)",
		    (unsigned long long)b->size, (unsigned long long)a->size);
	return 0;
}

int kansa_ledger_migrate(kansa_ledger_info *out, const char *from, const kansa_secret *from_key,
    const char *to, const kansa_secret *to_key)
{
	kansa_ledger *src = NULL, *copy = NULL;
	kansa_ledger_info want, got;
	kansa_store_iter *it = NULL;
	kansa_store *dst = NULL;
	uint64_t snap_size = 0;
	bool created = false;
	int error;

	if (out == NULL || from == NULL || from_key == NULL || to == NULL || to_key == NULL)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_LEDGER, "migrate: missing argument");
	memset(out, 0, sizeof(*out));
	if ((error = kansa_ledger_open(&src, from, from_key, KANSA_LEDGER_READONLY)) < 0 ||
	    (error = kansa_store__iter_new(&it, kansa_ledger__store(src), 0)) < 0 ||
	    (error = kansa_store__snap_count(&snap_size, it)) < 0 ||
	    (error = kansa_ledger_get_info(&want, src)) < 0)
		goto out;
	if (want.size != snap_size) {
		error = kansa_error_set(KANSA_ELOCKED, KANSA_ERRCLASS_LEDGER,
		    "migrate: the source grew while the copy began: stop its writers and run it again");
		goto out;
	}
	if ((error = kansa_store__open(&dst, to, to_key, KANSA_STORE_CREATE)) < 0)
		goto out;
	created = true;
	if ((error = kansa_store__copy(dst, it)) < 0)
		goto out;
	kansa_store__close(dst);
	dst = NULL;
	if ((error = kansa_ledger_open(&copy, to, to_key, KANSA_LEDGER_READONLY)) < 0 ||
	    (error = kansa_ledger_get_info(&got, copy)) < 0 ||
	    (error = same_ledger(&want, &got)) < 0)
		goto out;
	*out = got;
out:
	if (error < 0 && created)
		kansa_error_prefix("the copy at '%s' is incomplete (remove it)", to);
	kansa_store__close(dst);
	kansa_ledger_close(copy);
	kansa_store__iter_free(it);
	kansa_ledger_close(src);
	return error;
}
