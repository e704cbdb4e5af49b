/* SPDX-License-Identifier: Apache-2.0 */
/*
 * policy/cbor.c: the strict validator, the canonical encoder, builders and
 * readers, against RFC 8949 Appendix A, the CDE example table and the RFC
 * 8949 §4.2.1 key order, plus a catalogue of malformed and non-canonical
 * inputs, each with its exact error code.
 */
#include "tests/unit/hang_guard.h"
#include <criterion/criterion.h>
#include <errno.h>
#include <inttypes.h>

#include "helpers.h"

/* ---------------------------------------------------------------------- */
/* Vectors                                                                 */
/* ---------------------------------------------------------------------- */

/* Whether a (leniently decoded) tree holds a float, undefined or a simple
 * value other than false/true/null: such items are not canonical for kansa. */
static bool has_forbidden(const cbor_item_t *it)
{
	switch (cbor_typeof(it)) {
	case CBOR_TYPE_FLOAT_CTRL:
		if (!cbor_float_ctrl_is_ctrl(it))
			return true;
		return !(cbor_ctrl_value(it) >= 20 && cbor_ctrl_value(it) <= 22);
	case CBOR_TYPE_ARRAY:
		for (size_t i = 0; i < cbor_array_size(it); i++)
			if (has_forbidden(cbor_array_handle(it)[i]))
				return true;
		return false;
	case CBOR_TYPE_MAP:
		for (size_t i = 0; i < cbor_map_size(it); i++)
			if (has_forbidden(cbor_map_handle(it)[i].key) ||
			    has_forbidden(cbor_map_handle(it)[i].value))
				return true;
		return false;
	case CBOR_TYPE_TAG: {
		cbor_item_t *in = cbor_tag_item(it);
		bool r = has_forbidden(in);
		cbor_decref(&in);
		return r;
	}
	default:
		return false;
	}
}

/* REQ: CBOR-CANON */
Test(cbor_encode, reproduces_appendix_a_canonical_items)
{
	json_t *doc = load_json("cbor/appendix_a.json", JSON_DECODE_INT_AS_REAL);
	size_t i, encoded = 0, refused = 0, noncanon = 0;
	json_t *e;

	json_array_foreach(doc, i, e) {
		const char *hex = json_string_value(json_object_get(e, "hex"));
		bool roundtrip = json_is_true(json_object_get(e, "roundtrip"));
		struct cbor_load_result res;
		cbor_item_t *lenient, *item = NULL;
		size_t n;
		uint8_t *in = unhex(hex, &n);
		int rc;

		/* libcbor 0.8 itself refuses some simple values (f0, f8ff) */
		lenient = cbor_load(in, n, &res);
		rc = kansa_cbor__decode(&item, in, n);
		if (lenient == NULL) {
			cr_expect_eq(rc, KANSA_EFORMAT, "%s: accepted", hex);
			cr_expect_eq(in[0] >> 5, 7, "%s: libcbor refused it", hex);
			refused++;
		} else if (!roundtrip) {
			/* indefinite lengths and floats wider than needed */
			cr_expect_eq(rc, KANSA_EFORMAT, "%s: accepted a non-canonical item", hex);
			noncanon++;
		} else if (has_forbidden(lenient)) {
			cr_expect_eq(rc, KANSA_EFORMAT, "%s: accepted a float or simple value", hex);
			cr_expect_null(item);
			refused++;
		} else {
			int erc;
			char *got;

			cr_assert_eq(rc, 0, "%s: %s", hex, kansa_error_last()->message);
			got = encode_hex(item, &erc);
			cr_assert_eq(erc, 0, "%s: %s", hex, kansa_error_last()->message);
			cr_expect_str_eq(got, hex);
			free(got);
			/* libcbor's own (width-keeping) tree encodes canonically too */
			got = encode_hex(cbor_incref(lenient), &erc);
			cr_assert_eq(erc, 0);
			cr_expect_str_eq(got, hex);
			free(got);
			encoded++;
		}
		if (lenient != NULL)
			cbor_decref(&lenient);
		free(in);
	}
	cr_expect_eq(encoded, 44);
	cr_expect_eq(refused, 21);
	cr_expect_eq(noncanon, 17);
	json_decref(doc);
}

static bool parse_i128(const char *s, bool *neg, uint64_t *mag)
{
	/* "18446744073709551616" does not fit; the caller skips those rows */
	char *end;

	*neg = s[0] == '-';
	errno = 0;
	*mag = strtoull(s + (*neg ? 1 : 0), &end, 10);
	return errno == 0 && *end == '\0';
}

/* REQ: CBOR-CANON */
Test(cbor_encode, reproduces_cde_integer_table_and_rejects_bad_rows)
{
	char path[1200], line[512];
	FILE *f;
	size_t ints = 0, bigs = 0, flts = 0, bads = 0;

	snprintf(path, sizeof(path), "%s/cbor/cde-example-table-input.csv", vectors_dir());
	f = fopen(path, "r");
	cr_assert_not_null(f, "cannot open %s", path);
	while (fgets(line, sizeof(line), f) != NULL) {
		/* kind,diagnostic,hex,comment; the diagnostic may be quoted */
		char kind[8] = "", diag[128] = "", hex[128] = "";
		char *p = line, *q;
		size_t k;

		q = strchr(p, ',');
		cr_assert_not_null(q);
		snprintf(kind, sizeof(kind), "%.*s", (int)(q - p), p);
		p = q + 1;
		if (*p == '"') {
			/* quoted: ends at the first '",' */
			q = strstr(p + 1, "\",");
			cr_assert_not_null(q);
			snprintf(diag, sizeof(diag), "%.*s", (int)(q - p - 1), p + 1);
			p = q + 2;
		} else {
			q = strchr(p, ',');
			cr_assert_not_null(q);
			snprintf(diag, sizeof(diag), "%.*s", (int)(q - p), p);
			p = q + 1;
		}
		for (k = 0; p[k] && p[k] != ',' && k + 1 < sizeof(hex); k++)
			hex[k] = p[k];
		hex[k] = '\0';

		if (strcmp(kind, "int") == 0) {
			bool neg;
			uint64_t mag;

			cr_expect_eq(validate_hex(hex), 0, "%s: %s", hex, kansa_error_last()->message);
			if (parse_i128(diag, &neg, &mag) && (!neg || mag >= 1)) {
				/* build from the value: -mag is negint(mag - 1) */
				cbor_item_t *it;
				int rc;
				char *got;

				if (!neg)
					it = kansa_cbor__uint(mag);
				else if (mag - 1 <= (uint64_t)INT64_MAX)
					it = kansa_cbor__int(-(int64_t)(mag - 1) - 1);
				else
					it = cbor_build_negint64(mag - 1);
				got = encode_hex(it, &rc);
				cr_assert_eq(rc, 0);
				cr_expect_str_eq(got, hex, "%s", diag);
				free(got);
				ints++;
			} else {
				/* the bignum rows: decode and re-encode */
				cbor_item_t *it = NULL;
				size_t n;
				uint8_t *in = unhex(hex, &n);
				int rc;
				char *got;

				cr_assert_eq(kansa_cbor__decode(&it, in, n), 0);
				got = encode_hex(it, &rc);
				cr_assert_eq(rc, 0);
				cr_expect_str_eq(got, hex);
				free(got);
				free(in);
				bigs++;
			}
		} else if (strcmp(kind, "flt") == 0) {
			cr_expect_eq(validate_hex(hex), KANSA_EFORMAT, "%s: float accepted", hex);
			flts++;
		} else if (strcmp(kind, "bad") == 0) {
			cr_expect_eq(validate_hex(hex), KANSA_EFORMAT, "%s (%s): accepted", hex, diag);
			bads++;
		}
	}
	fclose(f);
	cr_expect_eq(ints, 19);
	cr_expect_eq(bigs, 3);
	cr_expect_eq(flts, 44);
	cr_expect_eq(bads, 10);
}

/* REQ: CBOR-CANON keys sorted bytewise, not length-first */
Test(cbor_encode, sorts_map_keys_as_rfc8949)
{
	json_t *doc = load_json("cbor/rfc8949-map-key-order.json", 0);
	json_t *lf = json_object_get(doc, "keys_in_length_first_order_rfc7049");
	const char *want = json_string_value(json_object_get(doc,
	    "derived_map_all_null_values_deterministic_hex"));
	const char *lfhex = json_string_value(json_object_get(doc,
	    "derived_map_all_null_values_length_first_hex"));
	cbor_item_t *map = kansa_cbor__map();
	size_t i;
	json_t *k;
	char *got;
	int rc;

	/* insert in length-first order, and reversed, to make sorting do work */
	for (i = json_array_size(lf); i-- > 0;) {
		cbor_item_t *key = NULL;
		size_t n;
		uint8_t *kb;

		k = json_array_get(lf, i);
		kb = unhex(json_string_value(json_object_get(k, "hex")), &n);
		cr_assert_eq(kansa_cbor__decode(&key, kb, n), 0);
		cr_assert_eq(kansa_cbor__map_add(map, key, cbor_new_null()), 0);
		free(kb);
	}
	got = encode_hex(map, &rc);
	cr_assert_eq(rc, 0);
	cr_expect_str_eq(got, want);
	free(got);
	cr_expect_eq(validate_hex(want), 0);
	cr_expect_eq(validate_hex(lfhex), KANSA_EFORMAT);
	cr_expect(strstr(kansa_error_last()->message, "canonical order") != NULL,
	    "%s", kansa_error_last()->message);
	json_decref(doc);
}

/* ---------------------------------------------------------------------- */
/* Malformed and non-canonical inputs                                      */
/* ---------------------------------------------------------------------- */

struct bad {
	char hex[80];  /* the input */
	int code;      /* the exact error */
	char what[48]; /* a fragment of the message */
};

/* REQ: CBOR-CANON CBOR-BOUNDS CBOR-TRAILING CBOR-DEPTH */
static const struct bad bad_inputs[] = {
	/* non-shortest integers, lengths and tags */
	{ "1817", KANSA_EFORMAT, "unsigned integer not in shortest form" },
	{ "190017", KANSA_EFORMAT, "shortest" },
	{ "1900ff", KANSA_EFORMAT, "shortest" },
	{ "1a0000ffff", KANSA_EFORMAT, "shortest" },
	{ "1b00000000ffffffff", KANSA_EFORMAT, "shortest" },
	{ "3817", KANSA_EFORMAT, "negative integer not in shortest form" },
	{ "39000a", KANSA_EFORMAT, "shortest" },
	{ "5800", KANSA_EFORMAT, "byte string not in shortest form" },
	{ "780161", KANSA_EFORMAT, "text string not in shortest form" },
	{ "98020405", KANSA_EFORMAT, "array not in shortest form" },
	{ "b80101f6", KANSA_EFORMAT, "map not in shortest form" },
	{ "d80100", KANSA_EFORMAT, "tag not in shortest form" },
	{ "d9000100", KANSA_EFORMAT, "tag not in shortest form" },
	/* indefinite lengths */
	{ "5f4101ff", KANSA_EFORMAT, "indefinite-length byte string" },
	{ "7f6161ff", KANSA_EFORMAT, "indefinite-length text string" },
	{ "9fff", KANSA_EFORMAT, "indefinite-length array" },
	{ "bfff", KANSA_EFORMAT, "indefinite-length map" },
	{ "8201ff", KANSA_EFORMAT, "unexpected break" },
	{ "ff", KANSA_EFORMAT, "unexpected break" },
	{ "1f", KANSA_EFORMAT, "reserved" },
	{ "df00", KANSA_EFORMAT, "reserved" },
	/* unsorted and duplicate keys */
	{ "a2020001f6", KANSA_EFORMAT, "canonical order" },
	{ "a2616200616101", KANSA_EFORMAT, "canonical order" },
	{ "a2f600186400", KANSA_EFORMAT, "canonical order" },   /* null key before 100 */
	{ "a20100 0100", KANSA_EFORMAT, "duplicate map key" },
	{ "a2616100616100", KANSA_EFORMAT, "duplicate map key" },
	{ "a1a2020001008101", KANSA_EFORMAT, "canonical order" }, /* nested map key unsorted */
	{ "a2810100810100", KANSA_EFORMAT, "duplicate map key" },
	/* floats, undefined, simple values */
	{ "f90000", KANSA_EFORMAT, "half-precision float" },
	{ "fa00000000", KANSA_EFORMAT, "single-precision float" },
	{ "fb0000000000000000", KANSA_EFORMAT, "double-precision float" },
	{ "f97e00", KANSA_EFORMAT, "half-precision float" },
	{ "f7", KANSA_EFORMAT, "undefined" },
	{ "8201f7", KANSA_EFORMAT, "undefined" },
	{ "f0", KANSA_EFORMAT, "simple value 16" },
	{ "e0", KANSA_EFORMAT, "simple value 0" },
	{ "f818", KANSA_EFORMAT, "two-byte simple value" },
	{ "f8ff", KANSA_EFORMAT, "two-byte simple value" },
	/* reserved additional information 28..30 in every major type */
	{ "1c", KANSA_EFORMAT, "reserved additional information 28" },
	{ "3d", KANSA_EFORMAT, "reserved additional information 29" },
	{ "5e", KANSA_EFORMAT, "reserved additional information 30" },
	{ "7c", KANSA_EFORMAT, "reserved" },
	{ "9d", KANSA_EFORMAT, "reserved" },
	{ "be", KANSA_EFORMAT, "reserved" },
	{ "dc", KANSA_EFORMAT, "reserved" },
	{ "fc", KANSA_EFORMAT, "reserved additional information 28" },
	{ "fd", KANSA_EFORMAT, "reserved" },
	{ "fe", KANSA_EFORMAT, "reserved" },
	/* trailing bytes */
	{ "0000", KANSA_EFORMAT, "1 trailing bytes" },
	{ "a0a0", KANSA_EFORMAT, "trailing" },
	{ "8100ff", KANSA_EFORMAT, "trailing" },
	/* lengths and counts past the end; truncation */
	{ "430102", KANSA_EFORMAT, "byte string length 3 exceeds the 2 bytes left" },
	{ "5affffffff00", KANSA_EFORMAT, "exceeds" },
	{ "5bffffffffffffffff00", KANSA_EFORMAT, "exceeds" },
	{ "7b7fffffffffffffff", KANSA_EFORMAT, "exceeds" },
	{ "830102", KANSA_EFORMAT, "array of 3 items exceeds" },
	{ "9bffffffffffffffff", KANSA_EFORMAT, "exceeds" },
	{ "a3010203", KANSA_EFORMAT, "map of 3 entries exceeds" },
	{ "bbffffffffffffffff", KANSA_EFORMAT, "exceeds" },
	{ "82820102", KANSA_EFORMAT, "unexpected end of input" }, /* passes the count checks, then ends */
	{ "19", KANSA_EFORMAT, "head truncated" },
	{ "1901", KANSA_EFORMAT, "head truncated" },
	{ "1b00000000000001", KANSA_EFORMAT, "head truncated" },
	{ "d8", KANSA_EFORMAT, "head truncated" },
	{ "c5", KANSA_EFORMAT, "unexpected end of input" },
	{ "82", KANSA_EFORMAT, "exceeds" },
	{ "", KANSA_EFORMAT, "empty input" },
	/* invalid UTF-8 */
	{ "62c328", KANSA_EFORMAT, "invalid utf-8" },
	{ "62c080", KANSA_EFORMAT, "invalid utf-8" },            /* overlong NUL */
	{ "63e08080", KANSA_EFORMAT, "invalid utf-8" },          /* overlong */
	{ "63eda080", KANSA_EFORMAT, "invalid utf-8" },          /* surrogate D800 */
	{ "64f4908080", KANSA_EFORMAT, "invalid utf-8" },        /* above U+10FFFF */
	{ "64f8888080", KANSA_EFORMAT, "invalid utf-8" },        /* 5-byte form */
	{ "6180", KANSA_EFORMAT, "invalid utf-8" },              /* lone continuation */
	{ "62e282", KANSA_EFORMAT, "invalid utf-8" },            /* truncated sequence */
	{ "61ff", KANSA_EFORMAT, "invalid utf-8" },
	/* bignums (CDE preferred serialization) */
	{ "c243010000", KANSA_EFORMAT, "bignum fits in an integer" },
	{ "c34a00010000000000000000", KANSA_EFORMAT, "leading zero" },
	{ "c201", KANSA_EFORMAT, "bignum content is not a byte string" },
	/* tags libcbor 0.8 cannot decode */
	{ "c600", KANSA_EFORMAT, "tag 6 is not supported" },
	{ "d200", KANSA_EFORMAT, "tag 18 is not supported" },
	{ "d400", KANSA_EFORMAT, "tag 20 is not supported" },
	/* nesting (KANSA_MAX_CBOR_DEPTH is 16) */
	{ "818181818181818181818181818181818100", KANSA_ELIMIT, "nesting deeper than 16" },
	{ "a100a100a100a100a100a100a100a100a100a100a100a100a100a100a100a100a10000", KANSA_ELIMIT, "nesting" },
	{ "c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c100", KANSA_ELIMIT, "nesting" },
	/* found by fuzz_cbor: an empty container at depth 16 is level 17 */
	{ "8181818181818181818181818181818180", KANSA_ELIMIT, "nesting deeper than 16" },
	{ "81818181818181818181818181818181a0", KANSA_ELIMIT, "nesting" },
};

/* One test over the whole table: each case names its input when it fails.
 * (A test per row would start a process per row, which under valgrind
 * costs seconds each.) */
Test(cbor_validate, rejects_bad_input)
{
	for (size_t i = 0; i < KANSA_ARRAY_SIZE(bad_inputs); i++) {
		const struct bad *b = &bad_inputs[i];
		char hex[256];
		size_t k = 0;
		cbor_item_t *item = (cbor_item_t *)1;
		size_t n;
		uint8_t *in;

		/* spaces in the table are for reading only */
		for (const char *p = b->hex; *p && k + 1 < sizeof(hex); p++)
			if (*p != ' ')
				hex[k++] = *p;
		hex[k] = '\0';
		in = unhex(hex, &n);
		kansa_error_clear();
		cr_expect_eq(kansa_cbor__validate(in, n), b->code, "%s: got %d (%s)", hex,
		    kansa_error_last()->code, kansa_error_last()->message);
		cr_expect(strstr(kansa_error_last()->message, b->what) != NULL,
		    "%s: message \"%s\" lacks \"%s\"", hex, kansa_error_last()->message, b->what);
		cr_expect(strncmp(kansa_error_last()->message, "cbor: ", 6) == 0, "%s", hex);
		cr_expect_eq(kansa_error_last()->klass, KANSA_ERRCLASS_CBOR, "%s", hex);
		cr_expect_eq(kansa_cbor__decode(&item, in, n), b->code, "%s: decode", hex);
		cr_expect_null(item, "%s: no item on failure", hex);
		free(in);
	}
}

static const char *good_inputs[] = {
	"00", "17", "1818", "18ff", "190100", "1a00010000", "1b0000000100000000",
	"20", "37", "3818", "3bffffffffffffffff", "40", "4100", "60", "6161",
	"62c3bc", "63e6b0b4", "64f0908591", "80", "a0", "f4", "f5", "f6",
	"a3016161026162036163", "a2616101616202", "c11a514b67b0",
	"c249010000000000000000", "d8628400000080",
	/* 16 levels of nesting is the most allowed */
	"8181818181818181818181818181818100",
	"a100a100a100a100a100a100a100a100a100a100a100a100a100a100a100a10000",
};

Test(cbor_validate, accepts_canonical_items)
{
	for (size_t i = 0; i < KANSA_ARRAY_SIZE(good_inputs); i++)
		cr_expect_eq(validate_hex(good_inputs[i]), 0, "%s: %s", good_inputs[i],
		    kansa_error_last()->message);
}

/* REQ: CBOR-CANON */
Test(cbor_validate, names_the_offset)
{
	cr_assert_eq(validate_hex("8301021900ff"), KANSA_EFORMAT);
	cr_expect_str_eq(kansa_error_last()->message,
	    "cbor: offset 3: unsigned integer not in shortest form");
	cr_assert_eq(validate_hex("a2010002f6f6f6"), KANSA_EFORMAT);
	cr_expect_str_eq(kansa_error_last()->message, "cbor: offset 5: 2 trailing bytes");
}

/* REQ: CBOR-SIZE inputs over 1 MiB are refused before parsing */
Test(cbor_validate, rejects_input_over_1mib)
{
	size_t n = KANSA_MAX_CBOR_BYTES + 1;
	uint8_t *in = calloc(1, n);
	cbor_item_t *item = NULL;

	cr_assert_not_null(in);
	/* a well-formed byte string head, so only the size can be at fault */
	in[0] = 0x5a;
	in[1] = 0x00;
	in[2] = 0x0f;
	in[3] = 0xff;
	in[4] = 0xfc; /* n - 5 bytes follow */
	cr_expect_eq(kansa_cbor__validate(in, n), KANSA_ELIMIT);
	cr_expect(strstr(kansa_error_last()->message, "exceeds the limit") != NULL);
	cr_expect_eq(kansa_cbor__decode(&item, in, n), KANSA_ELIMIT);
	cr_expect_null(item);
	/* exactly 1 MiB is fine: a byte string of 1 MiB - 5 bytes */
	n = KANSA_MAX_CBOR_BYTES;
	in[0] = 0x5a;
	in[1] = 0x00;
	in[2] = 0x0f;
	in[3] = 0xff;
	in[4] = 0xfb;
	cr_expect_eq(kansa_cbor__validate(in, n), 0, "%s", kansa_error_last()->message);
	free(in);
}

/* REQ: CBOR-ITEMS */
Test(cbor_validate, rejects_too_many_items)
{
	size_t count = KANSA_MAX_CBOR_ITEMS; /* plus the array itself */
	size_t n = 5 + count;
	uint8_t *in = calloc(1, n);

	cr_assert_not_null(in);
	in[0] = 0x9a;
	in[1] = (uint8_t)(count >> 24);
	in[2] = (uint8_t)(count >> 16);
	in[3] = (uint8_t)(count >> 8);
	in[4] = (uint8_t)count;
	cr_expect_eq(kansa_cbor__validate(in, n), KANSA_ELIMIT);
	cr_expect(strstr(kansa_error_last()->message, "items") != NULL);
	count--;
	in[4] = (uint8_t)count;
	in[3] = (uint8_t)(count >> 8);
	cr_expect_eq(kansa_cbor__validate(in, n - 1), 0, "%s", kansa_error_last()->message);
	free(in);
}

/* REQ: CBOR-DEPTH */
Test(cbor_validate, depth_17_is_refused_depth_16_accepted, .timeout = KANSA_HANG_GUARD)
{
	uint8_t in[KANSA_MAX_CBOR_DEPTH + 2];
	cbor_item_t *item = NULL;

	memset(in, 0x81, sizeof(in) - 1);
	in[sizeof(in) - 1] = 0x00;
	cr_expect_eq(kansa_cbor__decode(&item, in, sizeof(in)), KANSA_ELIMIT);
	cr_expect_null(item);
	cr_expect_eq(kansa_cbor__decode(&item, in + 1, sizeof(in) - 1), 0);
	cr_assert_not_null(item);
	cbor_decref(&item);
}

Test(cbor_validate, deep_nesting_fails_fast)
{
	/* 1 MiB of 0x81: the validator fails at depth 17 at once */
	size_t n = KANSA_MAX_CBOR_BYTES;
	uint8_t *in = malloc(n);

	cr_assert_not_null(in);
	memset(in, 0x81, n);
	cr_expect_eq(kansa_cbor__validate(in, n), KANSA_ELIMIT);
	free(in);
}

/* ---------------------------------------------------------------------- */
/* Encoder                                                                 */
/* ---------------------------------------------------------------------- */

/* REQ: CBOR-CANON widths come from the value, not from the item */
Test(cbor_encode, picks_the_shortest_width)
{
	int rc;
	char *h;

	h = encode_hex(cbor_build_uint64(5), &rc);
	cr_expect_str_eq(h, "05");
	free(h);
	h = encode_hex(cbor_build_uint32(300), &rc);
	cr_expect_str_eq(h, "19012c");
	free(h);
	h = encode_hex(cbor_build_negint64(0), &rc);
	cr_expect_str_eq(h, "20");
	free(h);
	h = encode_hex(kansa_cbor__int(INT64_MIN), &rc);
	cr_expect_str_eq(h, "3b7fffffffffffffff");
	free(h);
	h = encode_hex(kansa_cbor__int(INT64_MAX), &rc);
	cr_expect_str_eq(h, "1b7fffffffffffffff");
	free(h);
	h = encode_hex(kansa_cbor__int(-500), &rc);
	cr_expect_str_eq(h, "3901f3");
	free(h);
	h = encode_hex(kansa_cbor__bytes(NULL, 0), &rc);
	cr_expect_str_eq(h, "40");
	free(h);
	h = encode_hex(kansa_cbor__text(""), &rc);
	cr_expect_str_eq(h, "60");
	free(h);
	h = encode_hex(kansa_cbor__tag(98, kansa_cbor__array()), &rc);
	cr_expect_str_eq(h, "d86280");
	free(h);
	h = encode_hex(kansa_cbor__bool(true), &rc);
	cr_expect_str_eq(h, "f5");
	free(h);
}

Test(cbor_encode, writes_growable_containers_definite)
{
	cbor_item_t *a = kansa_cbor__array();
	cbor_item_t *m = kansa_cbor__map();
	cbor_item_t *s = cbor_new_indefinite_string();
	int rc;
	char *h;

	for (int i = 0; i < 25; i++)
		cr_assert_eq(kansa_cbor__array_push(a, kansa_cbor__int(i)), 0);
	h = encode_hex(a, &rc);
	cr_assert_eq(rc, 0);
	cr_expect_str_eq(h, "9819000102030405060708090a0b0c0d0e0f10111213141516171818");
	free(h);

	cr_assert_eq(kansa_cbor__map_put(m, "b", kansa_cbor__int(2)), 0);
	cr_assert_eq(kansa_cbor__map_put(m, "a", kansa_cbor__int(1)), 0);
	cr_assert_eq(kansa_cbor__map_put_int(m, -1, kansa_cbor__text("x")), 0);
	cr_assert_eq(kansa_cbor__map_put_int(m, 1, kansa_cbor__bytes((const uint8_t *)"\x01", 1)), 0);
	h = encode_hex(m, &rc);
	cr_assert_eq(rc, 0);
	cr_expect_str_eq(h, "a40141012061786161016162" "02");
	free(h);

	cr_assert(cbor_string_add_chunk(s, cbor_move(cbor_build_string("ab"))));
	cr_assert(cbor_string_add_chunk(s, cbor_move(cbor_build_string("c"))));
	h = encode_hex(s, &rc);
	cr_assert_eq(rc, 0);
	cr_expect_str_eq(h, "63616263");
	free(h);
}

Test(cbor_encode, refuses_what_the_validator_refuses)
{
	cbor_item_t *m = kansa_cbor__map();
	cbor_item_t *deep = kansa_cbor__int(0);
	int rc;
	char *h;

	/* REQ: CBOR-CANON duplicate keys */
	cr_assert_eq(kansa_cbor__map_put(m, "a", kansa_cbor__int(1)), 0);
	cr_assert_eq(kansa_cbor__map_put(m, "a", kansa_cbor__int(2)), 0);
	h = encode_hex(m, &rc);
	cr_expect_null(h);
	cr_expect_eq(rc, KANSA_EINVAL);
	cr_expect(strstr(kansa_error_last()->message, "duplicate") != NULL);

	h = encode_hex(cbor_build_float8(1.5), &rc);
	cr_expect_eq(rc, KANSA_EINVAL);
	cr_expect_null(h);
	h = encode_hex(cbor_build_float2(0.0f), &rc);
	cr_expect_eq(rc, KANSA_EINVAL);
	h = encode_hex(cbor_new_undef(), &rc);
	cr_expect_eq(rc, KANSA_EINVAL);
	cr_expect(strstr(kansa_error_last()->message, "undefined") != NULL);
	h = encode_hex(cbor_build_ctrl(16), &rc);
	cr_expect_eq(rc, KANSA_EINVAL);
	h = encode_hex(cbor_build_stringn("\xc3\x28", 2), &rc);
	cr_expect_eq(rc, KANSA_EINVAL);
	cr_expect(strstr(kansa_error_last()->message, "utf-8") != NULL);
	h = encode_hex(kansa_cbor__tag(2, kansa_cbor__bytes((const uint8_t *)"\x01\x00", 2)), &rc);
	cr_expect_eq(rc, KANSA_EINVAL);
	h = encode_hex(kansa_cbor__tag(18, kansa_cbor__int(0)), &rc);
	cr_expect_eq(rc, KANSA_EINVAL);

	/* REQ: CBOR-DEPTH 17 levels are refused, 16 accepted */
	for (int i = 0; i < KANSA_MAX_CBOR_DEPTH; i++) {
		cbor_item_t *a = kansa_cbor__array();
		cr_assert_eq(kansa_cbor__array_push(a, deep), 0);
		deep = a;
	}
	h = encode_hex(cbor_incref(deep), &rc);
	cr_expect_eq(rc, 0);
	free(h);
	h = encode_hex(kansa_cbor__tag(1, deep), &rc);
	cr_expect_eq(rc, KANSA_ELIMIT);
	cr_expect_null(h);
}

Test(cbor_encode, steals_on_failure)
{
	/* a NULL from a failed builder is passed through, and the other
	 * argument is released (valgrind/ASan see any leak) */
	cbor_item_t *m = kansa_cbor__map();
	cbor_item_t *a = kansa_cbor__array();

	kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
	cr_expect_eq(kansa_cbor__map_add(m, NULL, kansa_cbor__int(1)), KANSA_ENOMEM);
	cr_expect_eq(kansa_cbor__map_add(m, kansa_cbor__int(1), NULL), KANSA_ENOMEM);
	cr_expect_eq(kansa_cbor__map_add(a, kansa_cbor__int(1), kansa_cbor__int(1)), KANSA_EINVAL);
	cr_expect_eq(kansa_cbor__array_push(m, kansa_cbor__int(1)), KANSA_EINVAL);
	cr_expect_eq(kansa_cbor__map_put(m, NULL, kansa_cbor__int(1)), KANSA_EINVAL);
	cr_expect_eq(cbor_map_size(m), 0);
	cbor_decref(&m);
	cbor_decref(&a);
}

/* A small deterministic PRNG (xorshift64*) for the round-trip property. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

static cbor_item_t *random_item(int depth)
{
	int kind = (int)(rnd() % (depth < 4 ? 9 : 6));
	static const uint64_t edges[] = { 0, 23, 24, 255, 256, 65535, 65536,
		4294967295ull, 4294967296ull, UINT64_MAX };
	uint8_t buf[40];
	size_t n;

	switch (kind) {
	case 0:
		return kansa_cbor__uint(edges[rnd() % 10] + (rnd() % 3) - 1);
	case 1:
		return kansa_cbor__int(-(int64_t)(rnd() % 70000) - 1);
	case 2:
		n = rnd() % sizeof(buf);
		for (size_t i = 0; i < n; i++)
			buf[i] = (uint8_t)rnd();
		return kansa_cbor__bytes(buf, n);
	case 3: {
		char s[8];
		n = rnd() % (sizeof(s) - 1);
		for (size_t i = 0; i < n; i++)
			s[i] = (char)('a' + rnd() % 26);
		s[n] = '\0';
		return kansa_cbor__text(s);
	}
	case 4:
		return kansa_cbor__bool(rnd() & 1);
	case 5:
		return cbor_new_null();
	case 6: {
		cbor_item_t *a = kansa_cbor__array();
		n = rnd() % 5;
		for (size_t i = 0; i < n; i++)
			cr_assert_eq(kansa_cbor__array_push(a, random_item(depth + 1)), 0);
		return a;
	}
	case 7: {
		cbor_item_t *m = kansa_cbor__map();
		n = rnd() % 5;
		/* distinct keys: a counter mixed into differently typed keys */
		for (size_t i = 0; i < n; i++) {
			cbor_item_t *k;
			switch (rnd() % 3) {
			case 0: k = kansa_cbor__int((int64_t)(i * 1000) - 2000); break;
			case 1: { char s[12]; snprintf(s, sizeof(s), "k%zu", i); k = kansa_cbor__text(s); break; }
			default: { uint8_t b[2] = { (uint8_t)i, 7 }; k = kansa_cbor__bytes(b, 2); break; }
			}
			cr_assert_eq(kansa_cbor__map_add(m, k, random_item(depth + 1)), 0);
		}
		return m;
	}
	default:
		return kansa_cbor__tag(rnd() % 100000 + 21, random_item(depth + 1));
	}
}

/* REQ: CBOR-CANON encode -> validate -> decode -> encode is a fixed point */
Test(cbor_encode, random_trees_round_trip)
{
	for (int t = 0; t < 2000; t++) {
		cbor_item_t *it = random_item(0), *back = NULL;
		uint8_t *a = NULL, *b = NULL;
		size_t an, bn;

		cr_assert_eq(kansa_cbor__encode(&a, &an, it), 0, "%s", kansa_error_last()->message);
		cr_assert_eq(kansa_cbor__decode(&back, a, an), 0, "%s", kansa_error_last()->message);
		cr_assert_eq(kansa_cbor__encode(&b, &bn, back), 0);
		cr_assert_eq(an, bn);
		cr_assert_eq(memcmp(a, b, an), 0);
		cbor_decref(&it);
		cbor_decref(&back);
		free(a);
		free(b);
	}
}

/* ---------------------------------------------------------------------- */
/* Readers                                                                 */
/* ---------------------------------------------------------------------- */

Test(cbor_readers, read_typed_values)
{
	/* {1: -3, 4: h'0102', "a": "x", "b": true, "c": 18446744073709551615, "d": -9223372036854775809} */
	const char *hex = "a6012204420102616161786162f561631bffffffffffffffff61643b8000000000000000";
	cbor_item_t *m = NULL;
	size_t n, bl;
	uint8_t *in = unhex(hex, &n);
	int64_t i;
	uint64_t u;
	bool b;
	char *s;
	const uint8_t *bp;

	cr_assert_eq(kansa_cbor__decode(&m, in, n), 0, "%s", kansa_error_last()->message);
	cr_expect_eq(kansa_cbor__get_int(&i, kansa_cbor__map_get_int(m, 1)), 0);
	cr_expect_eq(i, -3);
	cr_expect_eq(kansa_cbor__get_bytes(&bp, &bl, kansa_cbor__map_get_int(m, 4)), 0);
	cr_expect_eq(bl, 2);
	cr_expect_eq(bp[1], 2);
	cr_expect_eq(kansa_cbor__get_text(&s, kansa_cbor__map_get(m, "a")), 0);
	cr_expect_str_eq(s, "x");
	free(s);
	cr_expect_eq(kansa_cbor__get_bool(&b, kansa_cbor__map_get(m, "b")), 0);
	cr_expect(b);
	cr_expect_eq(kansa_cbor__get_uint(&u, kansa_cbor__map_get(m, "c")), 0);
	cr_expect_eq(u, UINT64_MAX);
	cr_expect_eq(kansa_cbor__get_int(&i, kansa_cbor__map_get(m, "c")), KANSA_EFORMAT);
	cr_expect_eq(kansa_cbor__get_int(&i, kansa_cbor__map_get(m, "d")), KANSA_EFORMAT);
	cr_expect_eq(kansa_cbor__get_uint(&u, kansa_cbor__map_get_int(m, 1)), KANSA_EFORMAT);
	cr_expect_eq(kansa_cbor__get_text(&s, kansa_cbor__map_get_int(m, 4)), KANSA_EFORMAT);
	cr_expect_null(s);
	cr_expect_eq(kansa_cbor__get_bool(&b, kansa_cbor__map_get(m, "a")), KANSA_EFORMAT);
	cr_expect_eq(kansa_cbor__get_bytes(&bp, &bl, kansa_cbor__map_get(m, "a")), KANSA_EFORMAT);
	cr_expect_null(kansa_cbor__map_get(m, "zz"));
	cr_expect_null(kansa_cbor__map_get_int(m, 2));
	cr_expect_null(kansa_cbor__map_get_int(m, -3));
	cr_expect_eq(kansa_cbor__get_int(&i, NULL), KANSA_EFORMAT);
	cbor_decref(&m);
	free(in);
}

Test(cbor_readers, int_edges_and_embedded_nul)
{
	cbor_item_t *it = NULL;
	int64_t v;
	char *s = (char *)1;
	size_t n;
	uint8_t *in;

	in = unhex("3b7fffffffffffffff", &n);
	cr_assert_eq(kansa_cbor__decode(&it, in, n), 0);
	cr_expect_eq(kansa_cbor__get_int(&v, it), 0);
	cr_expect_eq(v, INT64_MIN);
	cbor_decref(&it);
	free(in);

	in = unhex("63610062", &n);
	cr_assert_eq(kansa_cbor__decode(&it, in, n), 0);
	cr_expect_eq(kansa_cbor__get_text(&s, it), KANSA_EFORMAT);
	cr_expect_null(s);
	cbor_decref(&it);
	free(in);
}
