/* SPDX-License-Identifier: Apache-2.0 */
/*
 * policy/cbor_read.c: the pull reader gives back every head the writers
 * write, at every width's edge, with strings pointing into the input;
 * passes whole items; indexes maps; and fails closed: nothing is read from
 * input the validator refused, nor past the end.
 */
#include <criterion/criterion.h>

#include "helpers.h"

static const uint64_t edges[] = { 0, 1, 23, 24, 255, 256, 65535, 65536, 0xffffffffull,
	0x100000000ull, UINT64_MAX };

/* One head of @p major with @p value read back from what the writer wrote. */
static void round_trip(int major, uint64_t value)
{
	kansa_buf b = KANSA_BUF_INIT(64);
	kansa_cbor_reader r;
	kansa_cbor_head h;

	cr_assert_eq(kansa_cbor__put_head(&b, major, value), 0);
	/* a lone head of a container or string is no complete item: read it unvalidated */
	r.in = b.ptr;
	r.len = b.len;
	r.pos = 0;
	cr_assert_eq(kansa_cbor__read(&r, &h), 0, "major %d value %llu: %s", major,
	    (unsigned long long)value, kansa_error_last()->message);
	cr_expect_eq(h.major, major);
	cr_expect_eq(h.value, value, "major %d value %llu", major, (unsigned long long)value);
	cr_expect_eq(r.pos, b.len);
	kansa_buf_dispose(&b);
}

Test(cbor_read, heads_at_every_edge)
{
	for (size_t i = 0; i < sizeof(edges) / sizeof(edges[0]); i++) {
		round_trip(KANSA_CBOR_UINT, edges[i]);
		round_trip(KANSA_CBOR_NEGINT, edges[i]);
		round_trip(KANSA_CBOR_ARRAY, edges[i]);
		round_trip(KANSA_CBOR_MAP, edges[i]);
	}
}

Test(cbor_read, strings_point_into_the_input)
{
	kansa_buf b = KANSA_BUF_INIT(64);
	kansa_cbor_reader r;
	kansa_cbor_head h;
	const char *t;
	size_t n;

	cr_assert_eq(kansa_cbor__put_head(&b, KANSA_CBOR_ARRAY, 2), 0);
	cr_assert_eq(kansa_cbor__put_bytes(&b, (const uint8_t *)"\x00\x01\x02", 3), 0);
	cr_assert_eq(kansa_cbor__put_text(&b, "h\xc3\xa9"), 0);
	cr_assert_eq(kansa_cbor__reader_init(&r, b.ptr, b.len), 0);
	cr_assert_eq(kansa_cbor__read(&r, &h), 0);
	cr_assert_eq(kansa_cbor__read(&r, &h), 0);
	cr_expect_eq(h.major, KANSA_CBOR_BYTES);
	cr_expect_eq(h.value, 3);
	cr_expect_eq(h.data, b.ptr + 2);
	cr_assert_eq(kansa_cbor__read(&r, &h), 0);
	cr_expect_eq(h.major, KANSA_CBOR_TEXT);
	cr_assert_eq(kansa_cbor__head_text(&t, &n, &h), 0);
	cr_expect_eq(n, 3);
	cr_expect_eq((const uint8_t *)t, b.ptr + 6);
	cr_expect_eq(r.pos, b.len);
	/* nothing after the item */
	cr_expect_eq(kansa_cbor__read(&r, &h), KANSA_EFORMAT);
	cr_expect_eq(h.major, -1);
	kansa_buf_dispose(&b);
}

/* {1: 2, "a": [1, {"b": 2}], "c": "x"}, canonical (keys sorted by their bytes) */
static const uint8_t nested[] = { 0xa3, 0x01, 0x02, 0x61, 'a', 0x82, 0x01, 0xa1, 0x61, 'b', 0x02,
	0x61, 'c', 0x61, 'x' };

Test(cbor_read, skip_passes_whole_items_and_map_index_finds_text_keys)
{
	static const char *const keys[] = { "a", "c", "z" };
	kansa_cbor_head heads[3], h;
	kansa_cbor_reader r;
	size_t at[3];
	uint64_t pairs;

	cr_assert_eq(kansa_cbor__reader_init(&r, nested, sizeof(nested)), 0);
	cr_assert_eq(kansa_cbor__skip(&r), 0);
	cr_expect_eq(r.pos, sizeof(nested));
	r.pos = 0;
	cr_assert_eq(kansa_cbor__map_index(&r, keys, 3, at, heads, &pairs), 0);
	cr_expect_eq(pairs, 3, "the integer key is counted");
	cr_expect_eq(r.pos, sizeof(nested));
	cr_expect_eq(at[0], 5);
	cr_expect_eq(heads[0].major, KANSA_CBOR_ARRAY);
	cr_expect_eq(heads[0].value, 2);
	cr_expect_eq(at[1], 13);
	cr_expect_eq(heads[1].major, KANSA_CBOR_TEXT);
	cr_expect_eq(at[2], SIZE_MAX);
	cr_expect_eq(heads[2].major, -1);
	cr_assert_eq(kansa_cbor__read_at(&r, at[0] + 2, &h), 0);
	cr_expect_eq(h.major, KANSA_CBOR_MAP, "read_at reads where it is told");
	/* not a map */
	r.pos = at[0];
	cr_expect_eq(kansa_cbor__map_index(&r, keys, 3, at, NULL, &pairs), KANSA_EFORMAT);
}

Test(cbor_read, refuses_what_the_validator_refuses)
{
	static const struct {
		const char *what;
		uint8_t b[8];
		size_t n;
	} bad[] = {
		{ "non-shortest integer", { 0x18, 0x01 }, 2 },
		{ "indefinite byte string", { 0x5f, 0x41, 0x00, 0xff }, 4 },
		{ "trailing byte", { 0x01, 0x01 }, 2 },
		{ "invalid utf-8", { 0x62, 0xc3, 0x28 }, 3 },
		{ "duplicate key", { 0xa2, 0x01, 0x01, 0x01, 0x02 }, 5 },
		{ "keys out of order", { 0xa2, 0x02, 0x01, 0x01, 0x02 }, 5 },
		{ "float", { 0xf9, 0x3c, 0x00 }, 3 },
		{ "undefined", { 0xf7 }, 1 },
		{ "truncated string", { 0x43, 0x01 }, 2 },
		{ "empty", { 0 }, 0 },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		kansa_cbor_reader r;
		kansa_cbor_head h;

		cr_expect_neq(kansa_cbor__reader_init(&r, bad[i].b, bad[i].n), 0, "%s", bad[i].what);
		/* a refused input leaves a reader that reads nothing */
		cr_expect_eq(r.in, NULL, "%s", bad[i].what);
		cr_expect_eq(kansa_cbor__read(&r, &h), KANSA_EFORMAT, "%s", bad[i].what);
	}
}

Test(cbor_read, head_values_as_the_tree_readers_take_them)
{
	kansa_cbor_head h = { .major = KANSA_CBOR_NEGINT, .value = UINT64_MAX };
	const char *t;
	int64_t i;
	uint64_t u;
	bool v;
	size_t n;

	cr_expect_eq(kansa_cbor__head_int(&i, &h), KANSA_EFORMAT, "below INT64_MIN");
	h.value = (uint64_t)INT64_MAX;
	cr_assert_eq(kansa_cbor__head_int(&i, &h), 0);
	cr_expect_eq(i, INT64_MIN);
	cr_expect_eq(kansa_cbor__head_uint(&u, &h), KANSA_EFORMAT, "negative");
	h = (kansa_cbor_head){ .major = KANSA_CBOR_SIMPLE, .value = KANSA_CBOR_NULL };
	cr_expect_eq(kansa_cbor__head_bool(&v, &h), KANSA_EFORMAT, "null is no boolean");
	h.value = KANSA_CBOR_TRUE;
	cr_assert_eq(kansa_cbor__head_bool(&v, &h), 0);
	cr_expect(v);
	h = (kansa_cbor_head){ .major = KANSA_CBOR_TEXT, .value = 3, .data = (const uint8_t *)"a\0b" };
	cr_expect_eq(kansa_cbor__head_text(&t, &n, &h), KANSA_EFORMAT, "NUL inside");
	cr_expect_str_eq(kansa_error_last()->message, "cbor: text string contains a nul character");
	h.major = KANSA_CBOR_BYTES;
	cr_expect_eq(kansa_cbor__head_text(&t, &n, &h), KANSA_EFORMAT, "bytes are no text");
	cr_expect_str_eq(kansa_error_last()->message, "cbor: expected a text string");
}
