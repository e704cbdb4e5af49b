/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: ledger entries (ledger/entry.c). Entry bodies come from
 * the database, which a malicious operator with the key can edit
 * (docs/security.md), so the audit's decoder sees hostile bytes. Input: any
 * bytes, taken as an entry body. Must never crash, leak or read out of
 * bounds; an entry that decodes re-encodes to exactly the same bytes
 * (canonical: one encoding per entry), and its leaf hash is computable.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ledger/entry.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	kansa_entry e;
	uint8_t *out = NULL, leaf[KANSA_HASH_LEN];
	size_t len = 0;

	if (kansa_entry__decode(&e, data, size) != 0) {
		kansa_entry__dispose(&e);
		return 0;
	}
	if (kansa_entry__kind_name(e.kind) == NULL)
		abort();
	/* REQ: ENTRY-CANONICAL decode then encode gives the same bytes */
	if (kansa_entry__encode(&out, &len, &e) != 0 || len != size || memcmp(out, data, size) != 0)
		abort();
	if (kansa_merkle_leaf_hash(leaf, data, size) != 0)
		abort();
	free(out);
	kansa_entry__dispose(&e);
	return 0;
}
