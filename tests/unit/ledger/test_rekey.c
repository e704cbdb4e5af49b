/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kansa_ledger_rekey (docs/ledger.md "Changing the database key"): after a
 * rekey the old key is refused, the new key opens the ledger, and every
 * entry, the root and the chain are as before. A ledger open elsewhere is
 * not rekeyed (KANSA_ELOCKED, nothing changed). On both engines (through
 * tests/unit/ledger-pg.sh for PostgreSQL).
 */
#include "tests/unit/hang_guard.h"
#include "tests/unit/ledger/fixture.h"
#include "chain.h"

static void add_checks(ledger_fixture *f, kansa_ledger *lg, int n)
{
	kansa_receipt r;

	for (int i = 0; i < n; i++)
		cr_assert_eq(kansa_check(&r, lg, f->warrant, f->warrant_len, f->request, f->request_len), 0);
}

static void rekey_to(const char *key_text)
{
	ledger_fixture f;
	kansa_ledger *lg = NULL;
	kansa_ledger_info before, after;
	kansa_secret *nk = NULL;
	char *cp = NULL;
	size_t cplen = 0;

	fixture_make(&f, 0);
	cr_assert_eq(kansa_secret_from(&nk, key_text, strlen(key_text)), 0);
	cr_assert_eq(kansa_ledger_open(&lg, f.db, f.dbkey, 0), 0);
	add_checks(&f, lg, 20);
	cr_assert_eq(kansa_ledger_checkpoint(&cp, &cplen, lg), 0);
	free(cp);
	cr_assert_eq(kansa_ledger_get_info(&before, lg), 0);
	cr_assert_eq(kansa_ledger_rekey(lg, nk), 0, "%s", kansa_error_last()->message);
	/* the open handle goes on working under the new key */
	add_checks(&f, lg, 1);
	kansa_ledger_close(lg);
	lg = NULL;

	cr_expect_eq(kansa_ledger_open(&lg, f.db, f.dbkey, KANSA_LEDGER_READONLY), KANSA_EKEY);
	cr_assert_null(lg);
	cr_assert_eq(kansa_ledger_open(&lg, f.db, nk, KANSA_LEDGER_READONLY), 0, "%s",
	    kansa_error_last()->message);
	cr_assert_eq(kansa_ledger_get_info(&after, lg), 0);
	cr_expect_eq(after.size, before.size + 1);
	cr_expect_str_eq(after.log_key, before.log_key, "the ledger's signing key is kept");
	cr_expect_eq(chain_walk(lg, NULL, 0), after.size);
	{
		kansa_merkle_proof p;
		uint8_t leaf[KANSA_HASH_LEN], root[KANSA_HASH_LEN];
		cr_assert_eq(kansa_ledger_prove_inclusion(&p, leaf, root, lg, 5, before.size), 0);
		cr_expect(memcmp(root, before.root, KANSA_HASH_LEN) == 0, "old root unchanged");
	}
	kansa_ledger_close(lg);
	kansa_secret_free(nk);
	fixture_free(&f);
}

/* REQ: LEDGER-REKEY */
Test(ledger_rekey, raw_key_to_raw_key, .timeout = KANSA_HANG_GUARD)
{
	rekey_to("fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210");
}

Test(ledger_rekey, raw_key_to_passphrase, .timeout = KANSA_HANG_GUARD)
{
	rekey_to("correct horse battery staple");
}

Test(ledger_rekey, refused_while_open_elsewhere_and_read_only, .timeout = KANSA_HANG_GUARD)
{
	ledger_fixture f;
	kansa_ledger *a = NULL, *b = NULL;
	kansa_secret *nk = NULL, *empty = NULL;

	fixture_make(&f, 0);
	cr_assert_eq(kansa_secret_from(&nk, "another passphrase", 18), 0);
	cr_assert_eq(kansa_secret_new(&empty, 0), 0);
	cr_assert_eq(kansa_ledger_open(&a, f.db, f.dbkey, 0), 0);
	cr_assert_eq(kansa_ledger_open(&b, f.db, f.dbkey, KANSA_LEDGER_READONLY), 0);
	cr_expect_eq(kansa_ledger_rekey(b, nk), KANSA_EINVAL);
	cr_expect_eq(kansa_ledger_rekey(a, empty), KANSA_EFORMAT);
	cr_expect_eq(kansa_ledger_rekey(NULL, nk), KANSA_EINVAL);
	cr_expect_eq(kansa_ledger_rekey(a, nk), KANSA_ELOCKED, "%s", kansa_error_last()->message);
	kansa_ledger_close(b);
	kansa_ledger_close(a);
	/* nothing changed: the old key still opens it */
	cr_assert_eq(kansa_ledger_open(&a, f.db, f.dbkey, 0), 0);
	cr_expect_eq(chain_walk(a, NULL, 0), 1);
	kansa_ledger_close(a);
	kansa_secret_free(nk);
	kansa_secret_free(empty);
	fixture_free(&f);
}
