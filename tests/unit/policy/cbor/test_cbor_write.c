/* SPDX-License-Identifier: Apache-2.0 */
/*
 * policy/cbor_write.c: the writers give byte for byte what the tree encoder
 * (kansa_cbor__encode) gives for the same item, at every head width's edges,
 * and refuse what it refuses (invalid UTF-8).
 */
#include <criterion/criterion.h>
#include <inttypes.h>

#include "helpers.h"

/* The tree encoder's bytes for @p item (taken) equal @p b's, then @p b is emptied. */
static void same(kansa_buf *b, cbor_item_t *item, const char *what)
{
	uint8_t *enc = NULL;
	size_t n = 0;

	cr_assert_not_null(item);
	cr_assert_eq(kansa_cbor__encode(&enc, &n, item), 0, "%s: %s", what, kansa_error_last()->message);
	cr_expect_eq(b->len, n, "%s: %zu bytes written, the encoder gives %zu", what, b->len, n);
	cr_expect(b->len == n && memcmp(b->ptr, enc, n) == 0, "%s: bytes differ", what);
	free(enc);
	cbor_decref(&item);
	b->len = 0;
}

static const uint64_t edges[] = { 0, 1, 23, 24, 255, 256, 65535, 65536, 0xffffffffull,
	0x100000000ull, UINT64_MAX - 1, UINT64_MAX };

Test(cbor_write, heads_are_the_shortest_at_every_edge)
{
	kansa_buf b = KANSA_BUF_INIT(1 << 16);
	char what[64];

	for (size_t i = 0; i < sizeof(edges) / sizeof(edges[0]); i++) {
		snprintf(what, sizeof(what), "uint %" PRIu64, edges[i]);
		cr_assert_eq(kansa_cbor__put_head(&b, KANSA_CBOR_UINT, edges[i]), 0);
		same(&b, kansa_cbor__uint(edges[i]), what);
	}
	kansa_buf_dispose(&b);
}

Test(cbor_write, ints_at_their_edges)
{
	static const int64_t v[] = { 0, 1, 23, 24, -1, -24, -25, -256, -257, -65536, -65537,
		INT64_MAX, INT64_MIN, INT64_MIN + 1, -4294967296ll, -4294967297ll };
	kansa_buf b = KANSA_BUF_INIT(1 << 16);
	char what[64];

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		snprintf(what, sizeof(what), "int %" PRId64, v[i]);
		cr_assert_eq(kansa_cbor__put_int(&b, v[i]), 0);
		same(&b, kansa_cbor__int(v[i]), what);
	}
	kansa_buf_dispose(&b);
}

Test(cbor_write, strings_null_and_containers)
{
	static const size_t lens[] = { 0, 1, 23, 24, 255, 256, 1000 };
	kansa_buf b = KANSA_BUF_INIT(1 << 16);
	uint8_t bytes[1000];
	char text[1001], what[64];

	for (size_t i = 0; i < sizeof(bytes); i++)
		bytes[i] = (uint8_t)(i * 7);
	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		snprintf(what, sizeof(what), "bytes of %zu", lens[i]);
		cr_assert_eq(kansa_cbor__put_bytes(&b, bytes, lens[i]), 0);
		same(&b, kansa_cbor__bytes(bytes, lens[i]), what);
		memset(text, 'k', lens[i]);
		text[lens[i]] = '\0';
		snprintf(what, sizeof(what), "text of %zu", lens[i]);
		cr_assert_eq(kansa_cbor__put_text(&b, text), 0);
		same(&b, kansa_cbor__text(text), what);
	}
	cr_assert_eq(kansa_cbor__put_text(&b, "caf\xc3\xa9 \xe2\x82\xac"), 0);
	same(&b, kansa_cbor__text("caf\xc3\xa9 \xe2\x82\xac"), "text with multi-byte UTF-8");
	cr_assert_eq(kansa_cbor__put_null(&b), 0);
	same(&b, cbor_new_null(), "null");
	/* [1, {}] and {"a": h''}: heads of arrays and maps */
	cr_assert_eq(kansa_cbor__put_head(&b, KANSA_CBOR_ARRAY, 2), 0);
	cr_assert_eq(kansa_cbor__put_int(&b, 1), 0);
	cr_assert_eq(kansa_cbor__put_head(&b, KANSA_CBOR_MAP, 0), 0);
	{
		cbor_item_t *a = kansa_cbor__array();
		cr_assert_eq(kansa_cbor__array_push(a, kansa_cbor__int(1)), 0);
		cr_assert_eq(kansa_cbor__array_push(a, kansa_cbor__map()), 0);
		same(&b, a, "[1, {}]");
	}
	cr_assert_eq(kansa_cbor__put_head(&b, KANSA_CBOR_MAP, 1), 0);
	cr_assert_eq(kansa_cbor__put_text(&b, "a"), 0);
	cr_assert_eq(kansa_cbor__put_bytes(&b, NULL, 0), 0);
	{
		cbor_item_t *m = kansa_cbor__map();
		cr_assert_eq(kansa_cbor__map_put(m, "a", kansa_cbor__bytes(NULL, 0)), 0);
		same(&b, m, "{\"a\": h''}");
	}
	kansa_buf_dispose(&b);
}

/* REQ: CBOR-CANON the writers refuse text the encoder refuses */
Test(cbor_write, refuses_invalid_utf8_and_bad_majors)
{
	static const char *const bad[] = { "\xff", "\xc0\x80", "\xed\xa0\x80", "\xf4\x90\x80\x80",
		"ok\xe2\x82" };
	kansa_buf b = KANSA_BUF_INIT(1 << 16);

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_expect_eq(kansa_cbor__put_text(&b, bad[i]), KANSA_EINVAL, "bad text %zu written", i);
		cr_expect_eq(b.len, 0, "nothing written for bad text %zu", i);
	}
	cr_expect_eq(kansa_cbor__put_head(&b, 8, 0), KANSA_EINVAL);
	cr_expect_eq(kansa_cbor__put_head(&b, -1, 0), KANSA_EINVAL);
	cr_expect_eq(b.len, 0);
	kansa_buf_dispose(&b);
}

Test(cbor_write, a_full_buffer_is_an_error)
{
	kansa_buf b = KANSA_BUF_INIT(4);
	uint8_t five[5] = { 1, 2, 3, 4, 5 };

	cr_expect_eq(kansa_cbor__put_bytes(&b, five, sizeof(five)), KANSA_ELIMIT);
	kansa_buf_dispose(&b);
}
