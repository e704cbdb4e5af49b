/* SPDX-License-Identifier: Apache-2.0 */
/* IP prefixes (text and RFC 9164 CBOR), action names, times and durations. */
#include "helpers.h"

static kansa_prefix P(const char *text)
{
	kansa_prefix p;

	cr_assert_eq(kansa_prefix__parse_text(&p, text), 0, "%s: %s", text, kansa_error_last()->message);
	return p;
}

Test(prefix_parse_text, accepts_addresses_and_prefixes)
{
	static const struct { const char *in, *out; unsigned family, len; } ok[] = {
		{ "203.0.113.7", "203.0.113.7", 4, 32 },
		{ "203.0.113.0/24", "203.0.113.0/24", 4, 24 },
		{ "0.0.0.0/0", "0.0.0.0/0", 4, 0 },
		{ "10.0.0.0/8", "10.0.0.0/8", 4, 8 },
		{ "2001:db8::/32", "2001:db8::/32", 6, 32 },
		{ "2001:db8:1::/48", "2001:db8:1::/48", 6, 48 },
		{ "2001:DB8::1", "2001:db8::1", 6, 128 },
		{ "::/0", "::/0", 6, 0 },
		{ "203.0.113.7/32", "203.0.113.7", 4, 32 },
	};
	char buf[64];

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		kansa_prefix p = P(ok[i].in);

		cr_expect_eq(p.family, ok[i].family, "%s", ok[i].in);
		cr_expect_eq(p.len, ok[i].len, "%s", ok[i].in);
		kansa_prefix__format(buf, &p);
		cr_expect_str_eq(buf, ok[i].out);
	}
}

/* REQ: PREFIX-HOSTBITS REQ: PREFIX-LEN */
Test(prefix_parse_text, rejects_bad_prefixes_naming_the_text)
{
	static const char *const bad[] = {
		"203.0.113.0/33", "2001:db8::/129", "203.0.113.1/24", "2001:db8::1/64", "", "010.0.0.1",
		"10.0.0.0/08", "10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/+8", " 10.0.0.1", "10.0.0.1 ",
		"10.0.0", "10.0.0.256", "fe80::1%eth0", "2001:db8::/32/1", "example.org", "1.2.3.4/8x",
		"::ffff:1.2.3.4/999999999999",
	};
	kansa_prefix p;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_expect_eq(kansa_prefix__parse_text(&p, bad[i]), KANSA_EFORMAT, "accepted '%s'", bad[i]);
		cr_expect(strncmp(kansa_error_last()->message, "not an IP prefix: ", 18) == 0, "%s",
		    kansa_error_last()->message);
		cr_expect(strstr(kansa_error_last()->message, bad[i]) != NULL, "%s", kansa_error_last()->message);
	}
	cr_expect_eq(kansa_prefix__parse_text(&p, "203.0.113.0/33"), KANSA_EFORMAT);
	cr_expect_str_eq(kansa_error_last()->message, "not an IP prefix: 203.0.113.0/33");
	cr_expect_eq(kansa_prefix__parse_text(&p, "203.0.113.1/24"), KANSA_EFORMAT);
	cr_expect_msg("host bits set");
}

Test(prefix_contains, containment_by_bits)
{
	kansa_prefix a = P("203.0.113.0/24"), b = P("203.0.113.64/28"), c = P("203.0.113.17"),
	    d = P("203.0.112.0/23"), e = P("2001:db8:1::/48"), f = P("2001:db8:1:2::/64"),
	    g = P("203.0.114.1"), all = P("0.0.0.0/0"), v6 = P("::ffff:203.0.113.17"),
	    h = P("10.0.0.0/9"), i = P("10.128.0.1");

	cr_expect(kansa_prefix__contains(&a, &b));
	cr_expect(kansa_prefix__contains(&a, &c));
	cr_expect(kansa_prefix__contains(&a, &a));
	cr_expect(kansa_prefix__contains(&d, &a));
	cr_expect_not(kansa_prefix__contains(&a, &d), "a /24 does not hold its /23");
	cr_expect_not(kansa_prefix__contains(&a, &g));
	cr_expect(kansa_prefix__contains(&e, &f));
	cr_expect_not(kansa_prefix__contains(&f, &e));
	cr_expect(kansa_prefix__contains(&all, &g));
	cr_expect_not(kansa_prefix__contains(&a, &v6), "families never mix");
	cr_expect_not(kansa_prefix__contains(&e, &c));
	cr_expect_not(kansa_prefix__contains(&h, &i), "a partial byte is compared by its bits");
}

static void roundtrip(const char *text, const char *hex)
{
	kansa_prefix p = P(text), q;
	cbor_item_t *item = kansa_prefix__to_cbor(&p), *back = NULL;
	uint8_t *enc = NULL;
	size_t n = 0;
	char got[256] = "";

	cr_assert_not_null(item);
	cr_assert_eq(kansa_cbor__encode(&enc, &n, item), 0);
	for (size_t i = 0; i < n && 2 * i + 2 < sizeof(got); i++)
		snprintf(got + 2 * i, 3, "%02x", enc[i]);
	cr_expect_str_eq(got, hex, "%s", text);
	cr_assert_eq(kansa_cbor__decode(&back, enc, n), 0);
	cr_expect_eq(kansa_prefix__from_cbor(&q, back, false), 0, "%s", kansa_error_last()->message);
	cr_expect(kansa_prefix__equal(&p, &q), "%s", text);
	cbor_decref(&item);
	cbor_decref(&back);
	free(enc);
}

/* RFC 9164 §4 and its examples */
Test(prefix_cbor, encodes_rfc9164_forms)
{
	roundtrip("192.0.2.1", "d83444c0000201");
	roundtrip("192.0.2.0/24", "d83482181843c00002");
	roundtrip("2001:db8:1234::/48", "d8368218304620010db81234");
	roundtrip("0.0.0.0/0", "d834820040");
	roundtrip("2001:db8::1", "d8365020010db8000000000000000000000001");
	roundtrip("10.0.0.0/8", "d8348208410a");
}

static int decode_hex(kansa_prefix *p, const char *hex, bool address_only)
{
	uint8_t buf[64];
	size_t n = strlen(hex) / 2;
	cbor_item_t *item = NULL;
	int error;

	cr_assert_eq(kansa_hex_decode(buf, n, hex), 0);
	cr_assert_eq(kansa_cbor__decode(&item, buf, n), 0, "%s", hex);
	error = kansa_prefix__from_cbor(p, item, address_only);
	cbor_decref(&item);
	return error;
}

/* REQ: PREFIX-CBOR */
Test(prefix_cbor, rejects_non_strict_forms)
{
	kansa_prefix p;

	/* trailing zero byte not dropped: 192.0.2.0/24 as [24, h'c0000200'] */
	cr_expect_eq(decode_hex(&p, "d83482181844c0000200", false), KANSA_EFORMAT);
	cr_expect_msg("trailing zero");
	/* host bits set: [24, h'c0000201'] */
	cr_expect_eq(decode_hex(&p, "d83482181844c0000201", false), KANSA_EFORMAT);
	cr_expect_msg("host bits");
	/* [8, h'0a01'] has bits past /8 */
	cr_expect_eq(decode_hex(&p, "d8348208420a01", false), KANSA_EFORMAT);
	/* full length as a prefix: [32, h'c0000201'] */
	cr_expect_eq(decode_hex(&p, "d83482182044c0000201", false), KANSA_EFORMAT);
	/* address of the wrong length */
	cr_expect_eq(decode_hex(&p, "d83443c00002", false), KANSA_EFORMAT);
	cr_expect_eq(decode_hex(&p, "d83644c0000201", false), KANSA_EFORMAT);
	/* length over the family's width */
	cr_expect_eq(decode_hex(&p, "d83482182141c0", false), KANSA_EFORMAT);
	cr_expect_eq(decode_hex(&p, "d8368218814120", false), KANSA_EFORMAT);
	/* no tag, other tag, interface form [bytes, len] */
	cr_expect_eq(decode_hex(&p, "44c0000201", false), KANSA_EFORMAT);
	cr_expect_eq(decode_hex(&p, "d83544c0000201", false), KANSA_EFORMAT);
	cr_expect_eq(decode_hex(&p, "d8348244c00002011818", false), KANSA_EFORMAT);
	/* a prefix where an address is required */
	cr_expect_eq(decode_hex(&p, "d83482181843c00002", true), KANSA_EFORMAT);
	cr_expect_eq(decode_hex(&p, "d83444c0000201", true), 0);
}

Test(action_names, round_trip)
{
	for (int a = 0; a < KANSA_ACT_COUNT; a++)
		cr_expect_eq(kansa_action__from_name(kansa_action__name(a)), a);
	cr_expect_eq(kansa_action__from_name("metadata-query"), KANSA_ACT_METADATA_QUERY);
	cr_expect_eq(kansa_action__from_name("neutralize"), KANSA_ACT_NEUTRALIZE);
	cr_expect_eq(kansa_action__from_name("Neutralize"), -1);
	cr_expect_eq(kansa_action__from_name(NULL), -1);
	cr_expect_str_eq(kansa_action__name(99), "unknown");
	cr_expect_str_eq(kansa_action__name(-1), "unknown");
}

Test(time_parse, rfc3339_and_offsets)
{
	int64_t t;
	char buf[32];

	cr_expect_eq(kansa_time__parse(&t, "2026-05-01T00:00:00Z", 0), 0);
	cr_expect_eq(t, NOW);
	cr_expect_eq(kansa_time__parse(&t, "2026-05-01T09:00:00+09:00", 0), 0);
	cr_expect_eq(t, NOW);
	cr_expect_eq(kansa_time__parse(&t, "2026-04-30T20:30:00-03:30", 0), 0);
	cr_expect_eq(t, NOW);
	cr_expect_eq(kansa_time__parse(&t, "2024-02-29t12:00:00z", 0), 0);
	cr_expect_eq(kansa_time__parse(&t, "now", NOW), 0);
	cr_expect_eq(t, NOW);
	cr_expect_eq(kansa_time__parse(&t, "+30d", NOW), 0);
	cr_expect_eq(t, NOW + 30 * 86400);
	cr_expect_eq(kansa_time__parse(&t, "-2h", NOW), 0);
	cr_expect_eq(t, NOW - 7200);
	cr_expect_eq(kansa_time__parse(&t, "+15m", NOW), 0);
	cr_expect_eq(t, NOW + 900);
	cr_expect_eq(kansa_time__parse(&t, "+90s", NOW), 0);
	cr_expect_eq(t, NOW + 90);
	kansa_time__format(buf, NOW + 90);
	cr_expect_str_eq(buf, "2026-05-01T00:01:30Z");
	kansa_time__format(buf, 0);
	cr_expect_str_eq(buf, "1970-01-01T00:00:00Z");
}

Test(time_parse, rejects_bad_times)
{
	static const char *const bad[] = {
		"", "30d", "+30", "+30y", "+-3d", "+ 3d", "+03d", "2026-05-01", "2026-05-01T00:00:00",
		"2026-05-01T00:00:00.5Z", "2026-02-29T00:00:00Z", "2026-13-01T00:00:00Z",
		"2026-05-01T24:00:00Z", "2026-05-01T23:59:60Z", "2026-05-01T00:00:00+9:00",
		"2026-05-01 00:00:00Z", "2026-05-01T00:00:00Zjunk", "tomorrow", "+99999999999999999999d",
	};
	int64_t t;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_expect_eq(kansa_time__parse(&t, bad[i], NOW), KANSA_EFORMAT, "accepted '%s'", bad[i]);
}

Test(duration_parse, units)
{
	int64_t d;

	cr_expect_eq(kansa_duration__parse(&d, "90d"), 0);
	cr_expect_eq(d, 90 * 86400);
	cr_expect_eq(kansa_duration__parse(&d, "24h"), 0);
	cr_expect_eq(d, 86400);
	cr_expect_eq(kansa_duration__parse(&d, "0d"), KANSA_EFORMAT);
	cr_expect_eq(kansa_duration__parse(&d, "+3d"), KANSA_EFORMAT);
	cr_expect_eq(kansa_duration__parse(&d, "3"), KANSA_EFORMAT);
	cr_expect_eq(kansa_duration__parse(&d, "3w"), KANSA_EFORMAT);
}
