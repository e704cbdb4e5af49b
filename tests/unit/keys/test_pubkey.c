/* SPDX-License-Identifier: Apache-2.0 */
/*
 * REQ: KEY-PUB-SMALL-ORDER REQ: KEY-PUB-CANONICAL public keys that could
 * stand for a signer nobody is: the eight small-order points (with R =
 * identity and S = 0, a signature verifies for them on any message) and
 * encodings with y >= p, refused wherever a key enters kansa, raw or PEM.
 */
#include "helpers.h"

/* The canonical encodings of the points of order 1, 2, 4, 4, 8, 8, 8, 8. */
static const char *const small_order[] = {
	"0100000000000000000000000000000000000000000000000000000000000000",
	"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
	"0000000000000000000000000000000000000000000000000000000000000000",
	"0000000000000000000000000000000000000000000000000000000000000080",
	"26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
	"26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
	"c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
	"c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
};

/* y >= p = 2^255 - 19, each with the sign bit clear and set: p (another
 * encoding of y = 0), p + 1 (of the identity), p + 2, and 2^255 - 1. */
static const char *const non_canonical[] = {
	"edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
	"edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
	"eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
	"eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
	"efffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
	"efffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
	"ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
	"ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
};

#define RFC8032_TEST1_PUB "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"

static void expect_refused(const char *hex, const char *why)
{
	size_t n;
	uint8_t *pub = unhex(hex, &n);
	kansa_key *k = (kansa_key *)1;

	cr_assert_eq(n, KANSA_PUBKEY_LEN);
	cr_expect_eq(kansa_key_from_public(&k, pub), KANSA_EFORMAT, "%s accepted", hex);
	cr_expect_null(k, "%s: *out not NULL", hex);
	cr_expect(strstr(kansa_error_last()->message, why) != NULL, "%s: message '%s' lacks '%s'",
	    hex, kansa_error_last()->message, why);
	cr_expect_eq(kansa_key__pub_check(pub), KANSA_EFORMAT, "%s", hex);
	kansa_key_free(k == (kansa_key *)1 ? NULL : k);
	free(pub);
}

/* SubjectPublicKeyInfo PEM around 32 raw bytes (RFC 8410 §4). */
static char *spki_pem(const char *hex)
{
	static const uint8_t prefix[12] = { 0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70,
		0x03, 0x21, 0x00 };
	uint8_t der[44];
	char b64[64], *pem;
	size_t n;
	uint8_t *pub = unhex(hex, &n);

	cr_assert_eq(n, KANSA_PUBKEY_LEN);
	memcpy(der, prefix, sizeof(prefix));
	memcpy(der + sizeof(prefix), pub, KANSA_PUBKEY_LEN);
	free(pub);
	cr_assert_eq(kansa_base64_encode(b64, sizeof(b64), der, sizeof(der)), 0);
	pem = malloc(128);
	cr_assert_not_null(pem);
	snprintf(pem, 128, "-----BEGIN PUBLIC KEY-----\n%s\n-----END PUBLIC KEY-----\n", b64);
	return pem;
}

Test(kansa_key_from_public, refuses_the_eight_small_order_points)
{
	for (size_t i = 0; i < sizeof(small_order) / sizeof(small_order[0]); i++)
		expect_refused(small_order[i], "public key is a small-order point");
	/* x = 0 with the sign bit set: "negative zero" forms of the identity and (0, -1) */
	expect_refused("0100000000000000000000000000000000000000000000000000000000000080",
	    "public key is a small-order point");
	expect_refused("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
	    "public key is a small-order point");
}

Test(kansa_key_from_public, refuses_non_canonical_encodings)
{
	for (size_t i = 0; i < sizeof(non_canonical) / sizeof(non_canonical[0]); i++)
		expect_refused(non_canonical[i], "public key is not canonically encoded");
}

Test(kansa_key_from_public, accepts_ordinary_keys)
{
	size_t n;
	uint8_t *pub = unhex(RFC8032_TEST1_PUB, &n);
	uint8_t raw[KANSA_PUBKEY_LEN];
	kansa_key *k = NULL, *g = NULL;

	cr_expect_eq(kansa_key__pub_check(pub), 0);
	cr_expect_eq(kansa_key_from_public(&k, pub), 0, "%s", kansa_error_last()->message);
	kansa_key_free(k);
	k = NULL;
	/* a fresh key and its public half */
	cr_assert_eq(kansa_key_generate(&g), 0);
	kansa_key_public_raw(raw, g);
	cr_expect_eq(kansa_key_from_public(&k, raw), 0, "%s", kansa_error_last()->message);
	kansa_key_free(k);
	kansa_key_free(g);
	free(pub);
}

Test(kansa_key_parse_pem, refuses_small_order_and_non_canonical_spki)
{
	static const char *const bad[] = { small_order[0], small_order[1], small_order[4],
		non_canonical[0], non_canonical[7] };
	char *pem;
	kansa_key *k = NULL;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		pem = spki_pem(bad[i]);
		cr_expect_eq(kansa_key_parse_pem(&k, pem, strlen(pem), NULL), KANSA_EFORMAT, "%s", bad[i]);
		cr_expect_null(k);
		cr_expect(strstr(kansa_error_last()->message, "public key is") != NULL, "%s: '%s'", bad[i],
		    kansa_error_last()->message);
		free(pem);
	}
	/* the same SPKI wrapper around an ordinary key loads */
	pem = spki_pem(RFC8032_TEST1_PUB);
	cr_expect_eq(kansa_key_parse_pem(&k, pem, strlen(pem), NULL), 0, "%s", kansa_error_last()->message);
	kansa_key_free(k);
	free(pem);
}
