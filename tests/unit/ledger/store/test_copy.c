/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ledger/store/copy.c: a whole ledger copied into an empty store, from a
 * SQLCipher file to the store under test (another file, or PostgreSQL
 * with KANSA_TEST_DB_URI): entries at their seqs, use counts, revocations,
 * documents, meta values, Merkle nodes and checkpoints.
 */
#include "tests/unit/hang_guard.h"

#include "helpers.h"

static char dir[64], path[512], src_path[128];

static void setup(void)
{
	test_target(dir, sizeof(dir), path, sizeof(path));
	snprintf(src_path, sizeof(src_path), "%s/source.db", dir);
}

static void teardown(void)
{
	rm_db(dir);
}

static kansa_store *open_at(const char *where, int flags)
{
	kansa_secret *k = secret(RAW_KEY_A);
	kansa_store *s = NULL;

	cr_assert_eq(kansa_store__open(&s, where, k, flags), 0, "%s", kansa_error_last()->message);
	kansa_secret_free(k);
	return s;
}

TestSuite(store_copy, .init = setup, .fini = teardown, .timeout = KANSA_HANG_GUARD);

/* REQ: STORE-COPY every table arrives, across engines */
Test(store_copy, every_table_arrives)
{
	kansa_store *src = open_at(src_path, KANSA_STORE_CREATE), *dst;
	uint8_t x[16], y[16], h[KANSA_HASH_LEN], node[KANSA_HASH_LEN], got[KANSA_HASH_LEN], *p = NULL;
	tentry use = { .tag = "use", .has_warrant = true, .allowed = true };
	tentry deny = { .tag = "deny", .has_warrant = true, .allowed = false };
	tentry rev = { .tag = "rev", .is_revocation = true, .doc = "the revocation" };
	kansa_store_iter *it = NULL;
	uint64_t n, uses, rseq;
	bool revoked;
	size_t len;
	int kind;

	memset(x, 0x11, sizeof(x));
	memset(y, 0x22, sizeof(y));
	memset(node, 0x33, sizeof(node));
	memcpy(use.warrant_cti, x, 16);
	memcpy(deny.warrant_cti, x, 16);
	memcpy(rev.revoked_cti, y, 16);
	cr_assert_eq(append_simple(src, "first", NULL), 0);
	cr_assert_eq(kansa_store__append(src, tbuild, &use, NULL), 0);
	cr_assert_eq(kansa_store__append(src, tbuild, &deny, NULL), 0);
	cr_assert_eq(kansa_store__append(src, tbuild, &use, NULL), 0);
	cr_assert_eq(kansa_store__append(src, tbuild, &rev, NULL), 0);
	cr_assert_eq(kansa_store__meta_put(src, "log.seed", (const uint8_t *)"seed", 4), 0);
	cr_assert_eq(kansa_store__node_put(src, 1, 0, node), 0);
	cr_assert_eq(kansa_store__checkpoint_put(src, 5, (const uint8_t *)"note5", 5), 0);

	dst = open_at(path, KANSA_STORE_CREATE);
	cr_assert_eq(kansa_store__iter_new(&it, src, 0), 0);
	cr_assert_eq(kansa_store__copy(dst, it), 0, "%s", kansa_error_last()->message);
	kansa_store__iter_free(it);

	cr_assert_eq(kansa_store__count(&n, dst), 0);
	cr_expect_eq(n, 5);
	cr_expect_eq(check_chain(dst), 5);
	cr_assert_eq(kansa_store__uses(&uses, dst, x), 0);
	cr_expect_eq(uses, 2, "two allowed uses, the denial not counted");
	cr_assert_eq(kansa_store__is_revoked(&revoked, &rseq, dst, y), 0);
	cr_expect(revoked);
	cr_expect_eq(rseq, 4);
	cr_assert_eq(kansa_store__is_revoked(&revoked, NULL, dst, x), 0);
	cr_expect(!revoked);
	cr_assert_eq(kansa_sha256(h, (const uint8_t *)"the revocation", 14), 0);
	cr_assert_eq(kansa_store__doc_get(&p, &len, &kind, dst, h), 0);
	cr_expect_eq(kind, 7);
	cr_expect(len == 14 && memcmp(p, "the revocation", 14) == 0);
	free(p);
	cr_assert_eq(kansa_store__meta_get(&p, &len, dst, "log.seed"), 0);
	cr_expect_str_eq((char *)p, "seed");
	free(p);
	cr_assert_eq(kansa_store__node_get(got, dst, 1, 0), 0);
	cr_expect(memcmp(got, node, sizeof(got)) == 0);
	cr_assert_eq(kansa_store__checkpoint_get(&p, &len, dst, 5), 0);
	cr_expect_str_eq((char *)p, "note5");
	free(p);

	/* never into a store that holds entries */
	cr_assert_eq(kansa_store__iter_new(&it, src, 0), 0);
	cr_expect_eq(kansa_store__copy(dst, it), KANSA_EEXISTS);
	kansa_store__iter_free(it);
	cr_assert_eq(kansa_store__count(&n, dst), 0);
	cr_expect_eq(n, 5);
	kansa_store__close(dst);
	kansa_store__close(src);
}
