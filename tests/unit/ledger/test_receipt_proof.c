/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Proven receipts (design §9): kansa_ledger_prove_receipt() refuses before
 * a checkpoint covers the entry and then attaches a proof that
 * kansa_receipt_verify_proof() accepts with the log key alone; the receipt
 * inside stays the very receipt kansa_check() returned; no proven receipt
 * with a flipped bit in any one of its bytes still verifies; a plain
 * receipt is not a proven one.
 */
#include "tests/unit/hang_guard.h"

#include "fixture.h"
#include "ledger/tlog/note.h"
#include "policy/receipt_proof.h"

typedef struct {
	ledger_fixture f;
	kansa_ledger *lg;
	kansa_note_verifier *vkey;
	kansa_receipt r;
} pfix;

static void pfix_open(pfix *x)
{
	kansa_ledger_info info;

	fixture_make(&x->f, 0);
	cr_assert_eq(kansa_ledger_open(&x->lg, x->f.db, x->f.dbkey, 0), 0, "%s", kansa_error_last()->message);
	cr_assert_eq(kansa_ledger_get_info(&info, x->lg), 0);
	cr_assert_eq(kansa_note_verifier_parse(&x->vkey, info.log_key, strlen(info.log_key)), 0);
	cr_assert_eq(kansa_check(&x->r, x->lg, x->f.warrant, x->f.warrant_len, x->f.request, x->f.request_len), 0,
	    "%s", kansa_error_last()->message);
	cr_assert_eq(x->r.verdict, KANSA_ALLOW, "%s", x->r.detail);
}

static void pfix_close(pfix *x)
{
	kansa_note_verifier_free(x->vkey);
	kansa_ledger_close(x->lg);
	fixture_free(&x->f);
}

static void checkpoint(pfix *x)
{
	char *note = NULL;

	cr_assert_eq(kansa_ledger_checkpoint(&note, NULL, x->lg), 0, "%s", kansa_error_last()->message);
	free(note);
}

static int verify(const uint8_t *p, size_t n, pfix *x)
{
	kansa_receipt_info ri;

	return kansa_receipt_verify_proof(&ri, NULL, p, n, x->vkey, NULL, 0, 0, x->f.request, x->f.request_len,
	    x->r.time + 1);
}

/* REQ: PROVE-CHECKPOINT REQ: PROOF-PATH REQ: PROOF-SIG */
Test(receipt_proof, proven_after_a_checkpoint_and_the_receipt_unchanged, .timeout = KANSA_HANG_GUARD)
{
	pfix x;
	uint8_t *p = NULL;
	size_t n = 0;
	kansa_receipt_proof_parts parts;
	kansa_receipt_proof proof;
	kansa_receipt_info ri;
	bool has = false;

	pfix_open(&x);
	cr_expect_eq(kansa_ledger_prove_receipt(&p, &n, x.lg, x.r.cose, x.r.cose_len, NULL, 0), KANSA_ENOTFOUND);
	cr_expect(strstr(kansa_error_last()->message, "kansa ledger checkpoint") != NULL);
	cr_expect_null(p);
	checkpoint(&x);
	cr_assert_eq(kansa_ledger_prove_receipt(&p, &n, x.lg, x.r.cose, x.r.cose_len, NULL, 0), 0,
	    "%s", kansa_error_last()->message);
	cr_expect_eq(kansa_receipt_verify_proof(&ri, &proof, p, n, x.vkey, NULL, 0, 0, x.f.request,
	    x.f.request_len, x.r.time + 1), 0, "%s", kansa_error_last()->message);
	cr_expect_eq(proof.index, x.r.seq);
	cr_expect_eq(proof.size, x.r.seq + 1);
	cr_assert_eq(kansa_receipt__proof_parse(&parts, &has, p, n), 0);
	cr_expect(has);
	cr_expect_eq(parts.receipt_len, x.r.cose_len);
	cr_expect_arr_eq(parts.receipt, x.r.cose, x.r.cose_len, "the receipt inside is the one check returned");
	kansa_receipt__proof_dispose(&parts);
	free(p);
	pfix_close(&x);
}

Test(receipt_proof, a_plain_receipt_is_not_proven, .timeout = KANSA_HANG_GUARD)
{
	pfix x;

	pfix_open(&x);
	cr_expect_eq(verify(x.r.cose, x.r.cose_len, &x), KANSA_EVERIFY);
	cr_expect(strstr(kansa_error_last()->message, "no inclusion proof") != NULL);
	cr_expect_eq(kansa_receipt_verify_proof(NULL, NULL, x.r.cose, x.r.cose_len, x.vkey, NULL, 0, 0,
	    NULL, 0, 0), KANSA_EINVAL);
	pfix_close(&x);
}

/* REQ: PROOF-SHAPE REQ: PROOF-INDEX REQ: PROOF-SIZE REQ: PROOF-CHECKPOINT-SIG */
Test(receipt_proof, no_flipped_byte_verifies, .timeout = KANSA_HANG_GUARD)
{
	pfix x;
	uint8_t *p = NULL;
	size_t n = 0, accepted = 0;

	pfix_open(&x);
	checkpoint(&x);
	cr_assert_eq(kansa_ledger_prove_receipt(&p, &n, x.lg, x.r.cose, x.r.cose_len, NULL, 0), 0);
	cr_assert_eq(verify(p, n, &x), 0, "%s", kansa_error_last()->message);
	/* one bit of every byte (bit i mod 8), so that it stays quick under valgrind */
	for (size_t i = 0; i < n; i++) {
		uint8_t bit = (uint8_t)(1u << (i % 8));

		p[i] ^= bit;
		if (verify(p, n, &x) == 0) {
			accepted++;
			cr_log_error("byte %zu bit %zu flipped still verifies", i, i % 8);
		}
		p[i] ^= bit;
	}
	cr_expect_eq(accepted, 0);
	free(p);
	pfix_close(&x);
}
