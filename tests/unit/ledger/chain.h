/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Verify a ledger for the hardening tests: kansa_ledger_audit() with replay
 * finds nothing, and a walk of the chain (seq without gaps, prev links,
 * recomputed leaf hashes) collects the entry times, which never go back.
 */
#ifndef KANSA_TEST_HARDEN_CHAIN_H
#define KANSA_TEST_HARDEN_CHAIN_H

#include <criterion/criterion.h>
#include <string.h>

#include "kansa.h"
#include "keys/keys.h"
#include "ledger/entry.h"
#include "ledger/ledger_impl.h"
#include "ledger/store/store.h"

/* The number of entries; fails the test on any break. Times go to times[] (may be NULL). */
static inline uint64_t chain_walk(kansa_ledger *lg, int64_t *times, size_t max_times)
{
	kansa_store_iter *it = NULL;
	kansa_store_row row;
	uint8_t prev[KANSA_HASH_LEN] = { 0 }, leaf[KANSA_HASH_LEN];
	int64_t last = INT64_MIN;
	uint64_t n = 0;
	int rc;

	cr_assert_eq(kansa_store__iter_new(&it, kansa_ledger__store(lg), 0), 0);
	while ((rc = kansa_store__iter_next(&row, it)) == 1) {
		kansa_entry e;
		cr_assert_eq(kansa_entry__decode(&e, row.body, row.body_len), 0, "seq %llu", (unsigned long long)n);
		cr_assert_eq(e.seq, n, "seq gap at %llu", (unsigned long long)n);
		cr_assert(kansa_ct_equal(e.prev, prev, KANSA_HASH_LEN), "broken link at %llu", (unsigned long long)n);
		cr_assert_eq(kansa_merkle_leaf_hash(leaf, row.body, row.body_len), 0);
		cr_assert(kansa_ct_equal(leaf, row.leaf_hash, KANSA_HASH_LEN), "leaf %llu", (unsigned long long)n);
		/* REQ: LEDGER-TIME entry times never go backwards */
		cr_assert_geq(e.time, last, "time goes backwards at %llu", (unsigned long long)n);
		if (times && n < max_times)
			times[n] = e.time;
		last = e.time;
		memcpy(prev, leaf, sizeof(prev));
		kansa_entry__dispose(&e);
		n++;
	}
	cr_assert_eq(rc, 0);
	kansa_store__iter_free(it);
	{
		kansa_audit_options opt = { KANSA_AUDIT_REPLAY, NULL, NULL, NULL, NULL };
		kansa_audit_summary sum;
		cr_assert_eq(kansa_ledger_audit(&sum, lg, &opt), 0, "%s", kansa_error_last()->message);
		cr_expect_eq(sum.findings, 0, "the audit found %llu problems", (unsigned long long)sum.findings);
		cr_expect_eq(sum.entries, n);
	}
	return n;
}

#endif
