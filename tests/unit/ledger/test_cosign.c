/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Stored cosignatures (ledger/cosign.c): kansa_ledger_add_cosignatures()
 * keeps a policy witness's cosignature with the stored checkpoint once, and
 * kansa_ledger_checkpoint() and kansa_ledger_cosigners() then see it; a
 * tampered line, a line by a key the policy does not list, another body and
 * a note not signed by the ledger are refused and leave the stored note as
 * it was.
 */
#include "tests/unit/hang_guard.h"

#include "fixture.h"

typedef struct {
	ledger_fixture f;
	kansa_ledger *lg;
	kansa_key *w1, *stranger;
	char *note;  /* the stored checkpoint, as kansa_ledger_checkpoint() gave it */
	size_t len;
} cfix;

/* A ledger whose policy lists witness "w1" (quorum 1), and its checkpoint. */
static void cfix_open(cfix *x)
{
	kansa_note_verifier *v = NULL;
	char *vkey = NULL, extra[512];

	memset(x, 0, sizeof(*x));
	cr_assert_eq(kansa_key_generate(&x->w1), 0);
	cr_assert_eq(kansa_key_generate(&x->stranger), 0);
	cr_assert_eq(kansa_cosig_verifier_from_key(&v, x->w1, "w1"), 0);
	cr_assert_eq(kansa_note_verifier_format(&vkey, v), 0);
	snprintf(extra, sizeof(extra), "\"witnesses\":[{\"name\":\"w1\",\"vkey\":\"%s\"}],\"witness_quorum\":1,", vkey);
	fixture_make_with(&x->f, 0, extra);
	cr_assert_eq(kansa_ledger_open(&x->lg, x->f.db, x->f.dbkey, 0), 0, "%s", kansa_error_last()->message);
	cr_assert_eq(kansa_ledger_checkpoint(&x->note, &x->len, x->lg), 0, "%s", kansa_error_last()->message);
	kansa_note_verifier_free(v);
	free(vkey);
}

static void cfix_close(cfix *x)
{
	free(x->note);
	kansa_key_free(x->w1);
	kansa_key_free(x->stranger);
	kansa_ledger_close(x->lg);
	fixture_free(&x->f);
}

/* The stored checkpoint now: what kansa_ledger_checkpoint() returns. */
static char *stored(cfix *x, size_t *len)
{
	char *n = NULL;

	cr_assert_eq(kansa_ledger_checkpoint(&n, len, x->lg), 0, "%s", kansa_error_last()->message);
	return n;
}

static size_t cosigners(cfix *x)
{
	char *names = NULL;
	size_t count = 9;
	uint64_t size = 0;

	cr_assert_eq(kansa_ledger_cosigners(&names, &count, &size, x->lg), 0, "%s", kansa_error_last()->message);
	cr_expect_eq(size, 1);
	cr_expect_str_eq(names, count ? "w1\n" : "");
	free(names);
	return count;
}

/* The note with the cosignature by @p key under "w1". */
static char *cosigned(cfix *x, const kansa_key *key, size_t *len)
{
	char *out = NULL;

	cr_assert_eq(kansa_cosig_add(&out, len, x->note, x->len, key, "w1", 1700000000), 0,
	    "%s", kansa_error_last()->message);
	return out;
}

/* Refused with @p code, and the stored note unchanged. */
static void refused(cfix *x, const char *note, size_t len, int code)
{
	size_t added = 7, n = 0;
	char *now;

	cr_expect_eq(kansa_ledger_add_cosignatures(x->lg, (const uint8_t *)note, len, &added), code,
	    "%s", kansa_error_last()->message);
	cr_expect_eq(added, 0);
	now = stored(x, &n);
	cr_expect(n == x->len && memcmp(now, x->note, n) == 0, "the stored note changed: %s", now);
	free(now);
	cr_expect_eq(cosigners(x), 0);
}

/* REQ: COSIG-STORE */
Test(cosign, a_witness_line_is_stored_once, .timeout = KANSA_HANG_GUARD)
{
	cfix x;
	char *note, *now, *again;
	size_t len = 0, n = 0, added = 0, n2 = 0;

	cfix_open(&x);
	cr_assert_eq(cosigners(&x), 0);
	note = cosigned(&x, x.w1, &len);
	cr_assert_eq(kansa_ledger_add_cosignatures(x.lg, (const uint8_t *)note, len, &added), 0,
	    "%s", kansa_error_last()->message);
	cr_expect_eq(added, 1);
	now = stored(&x, &n);
	cr_expect(n == len && memcmp(now, note, n) == 0, "stored: %s", now);
	cr_expect_eq(cosigners(&x), 1);
	/* the same line again, and another line by the same witness: nothing added */
	cr_assert_eq(kansa_ledger_add_cosignatures(x.lg, (const uint8_t *)note, len, &added), 0);
	cr_expect_eq(added, 0);
	free(note);
	cr_assert_eq(kansa_cosig_add(&note, &len, x.note, x.len, x.w1, "w1", 1700000001), 0);
	cr_assert_eq(kansa_ledger_add_cosignatures(x.lg, (const uint8_t *)note, len, &added), 0);
	cr_expect_eq(added, 0);
	again = stored(&x, &n2);
	cr_expect(n2 == n && memcmp(again, now, n) == 0, "the stored note grew: %s", again);
	free(again);
	free(now);
	free(note);
	cfix_close(&x);
}

/* REQ: COSIG-STORE a tampered line is refused and nothing is stored */
Test(cosign, a_tampered_line_is_refused, .timeout = KANSA_HANG_GUARD)
{
	cfix x;
	char *note, *sig;
	size_t len = 0;

	cfix_open(&x);
	note = cosigned(&x, x.w1, &len);
	sig = strstr(note + x.len, "w1 ") + 3;
	sig[10] = sig[10] == 'A' ? 'B' : 'A';
	refused(&x, note, len, KANSA_EVERIFY);
	free(note);
	cfix_close(&x);
}

/* REQ: COSIG-STORE a line by a key the policy does not list is refused */
Test(cosign, a_line_by_another_key_is_refused, .timeout = KANSA_HANG_GUARD)
{
	cfix x;
	char *note, *both = NULL;
	size_t len = 0, blen = 0;

	cfix_open(&x);
	note = cosigned(&x, x.stranger, &len);
	refused(&x, note, len, KANSA_EVERIFY);
	/* nor does a good line by w1 get in beside it */
	cr_assert_eq(kansa_cosig_add(&both, &blen, note, len, x.w1, "w1", 1700000000), 0);
	refused(&x, both, blen, KANSA_EVERIFY);
	free(both);
	free(note);
	cfix_close(&x);
}

/* REQ: COSIG-STORE another body, or a note not signed by the ledger, is refused */
Test(cosign, another_body_is_refused, .timeout = KANSA_HANG_GUARD)
{
	cfix x;
	uint8_t root[KANSA_HASH_LEN] = { 1 };
	kansa_ledger_info info;
	char *other = NULL, *note = NULL, *body;
	size_t olen = 0, len = 0;

	cfix_open(&x);
	cr_assert_eq(kansa_ledger_get_info(&info, x.lg), 0);
	/* the ledger's origin and size, another root, signed by another key */
	cr_assert_eq(kansa_checkpoint_sign(&other, &olen, x.stranger, info.origin, info.origin, 1, root), 0,
	    "%s", kansa_error_last()->message);
	cr_assert_eq(kansa_cosig_add(&note, &len, other, olen, x.w1, "w1", 1700000000), 0);
	refused(&x, note, len, KANSA_EVERIFY);
	free(note);
	/* the stored note with its body changed after the log signed it */
	note = cosigned(&x, x.w1, &len);
	body = strchr(note, '\n') + 1;
	*body = *body == '1' ? '2' : '1';
	refused(&x, note, len, KANSA_EVERIFY);
	free(note);
	free(other);
	cfix_close(&x);
}
