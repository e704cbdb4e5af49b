/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The CBOR form of kansa serve's check, from the client's side:
 * kansa_check_body_cbor() makes a body the service splits back into the
 * same warrant and request; kansa_check_answer_cbor_read() reads back what
 * kansa_check_answer_cbor() wrote, and refuses every answer that is not a
 * whole, recorded, signed one (never an allow from a broken answer).
 */
#include "tests/unit/hang_guard.h"
#include <criterion/criterion.h>

#include "helpers.h"
#include "kansa.h"
#include "policy/check_body.h"

static const uint8_t request[] = { 0xa1, 0x66, 'a', 'c', 't', 'i', 'o', 'n', 0x63, 'f', 'o', 'o' };
static const uint8_t warrant[] = { 0x84, 0x40, 0xa0, 0xf6, 0x80 };

/* REQ: SERVICE-CLIENT-CBOR */
Test(check_body, makes_the_body_the_service_splits)
{
	uint8_t *body = NULL, *w = NULL, *q = NULL;
	size_t n = 0, wn = 0, qn = 0;

	cr_assert_eq(kansa_check_body_cbor(&body, &n, warrant, sizeof(warrant), request, sizeof(request)), 0);
	cr_assert_eq(kansa_cbor__validate(body, n), 0, "the body is canonical CBOR");
	cr_assert_eq(kansa_check_body__split(&w, &wn, &q, &qn, body, n), 0);
	cr_assert_eq(wn, sizeof(warrant));
	cr_assert_arr_eq(w, warrant, wn);
	cr_assert_eq(qn, sizeof(request));
	cr_assert_arr_eq(q, request, qn);
	free(body);
	free(w);
	free(q);
	/* no warrant: null, split back as none */
	cr_assert_eq(kansa_check_body_cbor(&body, &n, NULL, 0, request, sizeof(request)), 0);
	cr_assert_eq(kansa_check_body__split(&w, &wn, &q, &qn, body, n), 0);
	cr_assert_null(w);
	cr_assert_eq(wn, 0);
	free(body);
	free(q);
}

Test(check_body, a_request_that_is_no_cbor_makes_a_body_that_is_not_either)
{
	const uint8_t junk[] = { 0xff, 0x00, 0xab };
	const uint8_t unsorted[] = { 0xa2, 0x61, 'b', 0x01, 0x61, 'a', 0x02 };
	uint8_t *body = NULL, *w = NULL, *q = NULL;
	size_t n = 0, wn = 0, qn = 0;

	cr_assert_eq(kansa_check_body_cbor(&body, &n, NULL, 0, junk, sizeof(junk)), 0);
	cr_assert_lt(kansa_check_body__split(&w, &wn, &q, &qn, body, n), 0, "junk split");
	free(body);
	cr_assert_eq(kansa_check_body_cbor(&body, &n, warrant, sizeof(warrant), unsorted, sizeof(unsorted)), 0);
	cr_assert_lt(kansa_check_body__split(&w, &wn, &q, &qn, body, n), 0, "non-canonical request split");
	free(body);
	cr_assert_eq(kansa_check_body_cbor(&body, &n, NULL, 0, NULL, 0), KANSA_EINVAL);
	cr_assert_eq(kansa_check_body_cbor(&body, &n, NULL, 3, request, sizeof(request)), KANSA_EINVAL);
}

/* A recorded receipt as the service has it after a check. */
static kansa_receipt recorded(int verdict)
{
	kansa_receipt r;

	memset(&r, 0, sizeof(r));
	r.verdict = verdict;
	r.reason = verdict == KANSA_ALLOW ? KANSA_REASON_ALLOWED : KANSA_REASON_MALFORMED_REQUEST;
	r.seq = 41;
	r.time = 1796400000;
	r.ratify_by = verdict == KANSA_ALLOW ? 1796486400 : 0;
	r.recorded = true;
	snprintf(r.detail, sizeof(r.detail), "use 3 of 5");
	memset(r.leaf_hash, 0xab, sizeof(r.leaf_hash));
	memset(r.cose, 0xd2, 80);
	r.cose_len = 80;
	return r;
}

Test(check_answer, reads_back_what_the_service_wrote)
{
	for (int v = 0; v < 2; v++) {
		kansa_receipt in = recorded(v ? KANSA_ALLOW : KANSA_DENY), out;
		uint8_t *a = NULL;
		size_t n = 0;

		cr_assert_eq(kansa_check_answer_cbor(&a, &n, &in, "npa-cyber-3", 0, NULL), 0);
		cr_assert_eq(kansa_check_answer_cbor_read(&out, a, n), 0, "%s", kansa_error_last()->message);
		cr_assert_eq(out.verdict, in.verdict);
		cr_assert_eq(out.reason, in.reason);
		cr_assert_eq(out.seq, in.seq);
		cr_assert_eq(out.time, in.time);
		cr_assert_eq(out.ratify_by, in.ratify_by);
		cr_assert(out.recorded);
		cr_assert_str_eq(out.detail, in.detail);
		cr_assert_arr_eq(out.leaf_hash, in.leaf_hash, KANSA_HASH_LEN);
		cr_assert_eq(out.cose_len, in.cose_len);
		cr_assert_arr_eq(out.cose, in.cose, in.cose_len);
		free(a);
	}
}

Test(check_answer, not_recorded_or_unsigned_is_a_deny_with_the_services_message)
{
	kansa_receipt in = recorded(KANSA_ALLOW), out;
	uint8_t *a = NULL;
	size_t n = 0;

	/* recorded, but no receipt signed: EIO, denied, recorded said */
	in.cose_len = 0;
	cr_assert_eq(kansa_check_answer_cbor(&a, &n, &in, "npa-cyber-3", KANSA_EKEY, "log key gone"), 0);
	cr_assert_eq(kansa_check_answer_cbor_read(&out, a, n), KANSA_EIO);
	cr_assert_eq(out.verdict, KANSA_DENY);
	cr_assert(out.recorded);
	cr_assert(strstr(kansa_error_last()->message, "log key gone") != NULL);
	free(a);
	/* nothing recorded */
	memset(&in, 0, sizeof(in));
	cr_assert_eq(kansa_check_answer_cbor(&a, &n, &in, "npa-cyber-3", KANSA_EIO, "disk full"), 0);
	cr_assert_eq(kansa_check_answer_cbor_read(&out, a, n), KANSA_EIO);
	cr_assert_eq(out.verdict, KANSA_DENY);
	cr_assert_not(out.recorded);
	cr_assert(strstr(kansa_error_last()->message, "disk full") != NULL);
	free(a);
}

/* Answer @p a with its map rebuilt by @p edit: every broken answer is EFORMAT, deny. */
static void refused_after(void (*edit)(cbor_item_t *m, cbor_item_t *out), const char *what)
{
	kansa_receipt in = recorded(KANSA_ALLOW), out;
	cbor_item_t *m, *copy = kansa_cbor__map();
	uint8_t *a = NULL, *b = NULL;
	size_t n = 0, bn = 0;

	cr_assert_eq(kansa_check_answer_cbor(&a, &n, &in, "npa-cyber-3", 0, NULL), 0);
	cr_assert_eq(kansa_cbor__decode(&m, a, n), 0);
	edit(m, copy);
	cr_assert_eq(kansa_cbor__encode(&b, &bn, copy), 0);
	cr_assert_eq(kansa_check_answer_cbor_read(&out, b, bn), KANSA_EFORMAT, "%s", what);
	cr_assert_eq(out.verdict, KANSA_DENY, "%s", what);
	cr_assert_not(out.recorded, "%s", what);
	cbor_decref(&m);
	cbor_decref(&copy);
	free(a);
	free(b);
}

static const char *drop_key;
static const char *swap_key;
static cbor_item_t *swap_value;

/* Copy the pairs of @p m into @p out, leaving out drop_key and replacing swap_key. */
static void copy_edited(cbor_item_t *m, cbor_item_t *out)
{
	struct cbor_pair *p = cbor_map_handle(m);
	bool swapped = false;

	for (size_t i = 0; i < cbor_map_size(m); i++) {
		const char *k = (const char *)cbor_string_handle(p[i].key);
		size_t kl = cbor_string_length(p[i].key);
		bool is;

		if (drop_key && kl == strlen(drop_key) && memcmp(k, drop_key, kl) == 0)
			continue;
		is = swap_key && kl == strlen(swap_key) && memcmp(k, swap_key, kl) == 0;
		swapped |= is;
		cr_assert_eq(kansa_cbor__map_add(out, cbor_incref(p[i].key),
		    is ? cbor_incref(swap_value) : cbor_incref(p[i].value)), 0);
	}
	if (swap_key && !swapped) /* a key the answer does not have: added */
		cr_assert_eq(kansa_cbor__map_put(out, swap_key, cbor_incref(swap_value)), 0);
}

static void refused_with(const char *drop, const char *swap, cbor_item_t *value, const char *what)
{
	drop_key = drop;
	swap_key = swap;
	swap_value = value;
	refused_after(copy_edited, what);
	if (value != NULL)
		cbor_decref(&value);
}

Test(check_answer, refuses_broken_answers)
{
	uint8_t short_hash[31] = { 0 };

	refused_with("receipt", NULL, NULL, "an allow without its receipt");
	refused_with("leaf_hash", NULL, NULL, "no leaf hash");
	refused_with("seq", NULL, NULL, "no seq");
	refused_with("schema", NULL, NULL, "no schema");
	refused_with(NULL, "schema", kansa_cbor__text("kansa.check/2"), "another schema");
	refused_with(NULL, "decision", kansa_cbor__text("maybe"), "an unknown decision");
	refused_with(NULL, "reason", kansa_cbor__text("because"), "an unknown reason");
	refused_with(NULL, "leaf_hash", kansa_cbor__bytes(short_hash, sizeof(short_hash)), "a short leaf hash");
	refused_with(NULL, "seq", kansa_cbor__int(-1), "a negative seq");
	refused_with(NULL, "recorded", kansa_cbor__bool(false), "recorded false");
	refused_with(NULL, "receipt", kansa_cbor__text("d284"), "a receipt as text");
	refused_with(NULL, "extra", kansa_cbor__uint(1), "an unknown key");
}

Test(check_answer, refuses_bytes_that_are_not_one_canonical_map)
{
	const uint8_t junk[] = { 0xff, 0x01 }, array[] = { 0x80 };
	const uint8_t unsorted[] = { 0xa2, 0x64, 's', 'e', 'q', 'x', 0x01, 0x63, 's', 'e', 'q', 0x01 };
	const uint8_t wide[] = { 0xa1, 0x63, 's', 'e', 'q', 0x18, 0x01 };
	kansa_receipt out;

	cr_assert_eq(kansa_check_answer_cbor_read(&out, junk, sizeof(junk)), KANSA_EFORMAT);
	cr_assert_eq(kansa_check_answer_cbor_read(&out, array, sizeof(array)), KANSA_EFORMAT);
	cr_assert_eq(kansa_check_answer_cbor_read(&out, unsorted, sizeof(unsorted)), KANSA_EFORMAT);
	cr_assert_eq(kansa_check_answer_cbor_read(&out, wide, sizeof(wide)), KANSA_EFORMAT);
	cr_assert_eq(kansa_check_answer_cbor_read(&out, junk, 0), KANSA_EFORMAT);
	cr_assert_eq(out.verdict, KANSA_DENY);
	cr_assert_eq(kansa_check_answer_cbor_read(NULL, junk, 1), KANSA_EINVAL);
}
