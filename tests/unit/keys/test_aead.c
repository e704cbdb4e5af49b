/* SPDX-License-Identifier: Apache-2.0 */
/* keys/aead.c: AES-256-GCM (a published vector, tamper, wrong key or
 * associated data), HKDF-SHA256 (RFC 5869 A.1) and HMAC-SHA256 (RFC 4231 4.3). */
#include "helpers.h"

Test(kansa_aead, opens_the_gcm_spec_test_case_14)
{
	/* McGrew and Viega, "The Galois/Counter Mode of Operation", test case 14:
	 * K = 0^256, IV = 0^96, P = 0^128, no associated data */
	size_t n;
	uint8_t *c = unhex("000000000000000000000000" "cea7403d4d606b6e074ec5d3baf39d18"
	    "d0d1c8a799996bf0265b98b5d48ab919", &n);
	uint8_t key[32] = { 0 }, out[16], zero[16] = { 0 };
	size_t len = 99;

	cr_assert_eq(n, 44);
	cr_assert_eq(kansa_aead_open(out, sizeof(out), &len, key, NULL, 0, c, n), 0);
	cr_expect_eq(len, 16);
	cr_expect(memcmp(out, zero, 16) == 0);
	c[20] ^= 1;
	cr_expect_eq(kansa_aead_open(out, sizeof(out), &len, key, NULL, 0, c, n), KANSA_EVERIFY);
	cr_expect_eq(len, 0);
	free(c);
}

/* REQ: STORE-PG-AEAD a changed byte, key or associated data fails the tag */
Test(kansa_aead, refuses_every_changed_byte_key_and_ad)
{
	uint8_t key[32], other[32], sealed[64], sealed2[64], out[64];
	const char *msg = "entry body";
	size_t n = 0, n2 = 0, len = 0;

	memset(key, 7, sizeof(key));
	memset(other, 8, sizeof(other));
	cr_assert_eq(kansa_aead_seal(sealed, sizeof(sealed), &n, key, (const uint8_t *)"ad", 2,
	    (const uint8_t *)msg, strlen(msg)), 0);
	cr_assert_eq(n, strlen(msg) + KANSA_AEAD_OVERHEAD);
	cr_assert_eq(kansa_aead_seal(sealed2, sizeof(sealed2), &n2, key, (const uint8_t *)"ad", 2,
	    (const uint8_t *)msg, strlen(msg)), 0);
	cr_expect(memcmp(sealed, sealed2, 12) != 0, "two seals used the same nonce");
	cr_assert_eq(kansa_aead_open(out, sizeof(out), &len, key, (const uint8_t *)"ad", 2, sealed, n), 0);
	cr_expect_eq(len, strlen(msg));
	cr_expect(memcmp(out, msg, len) == 0);
	for (size_t i = 0; i < n; i++) {
		sealed[i] ^= 0x40;
		cr_expect_eq(kansa_aead_open(out, sizeof(out), &len, key, (const uint8_t *)"ad", 2,
		    sealed, n), KANSA_EVERIFY, "byte %zu changed", i);
		sealed[i] ^= 0x40;
	}
	cr_expect_eq(kansa_aead_open(out, sizeof(out), &len, key, (const uint8_t *)"ae", 2, sealed, n),
	    KANSA_EVERIFY);
	cr_expect_eq(kansa_aead_open(out, sizeof(out), &len, other, (const uint8_t *)"ad", 2, sealed, n),
	    KANSA_EVERIFY);
	cr_expect_eq(kansa_aead_open(out, sizeof(out), &len, key, (const uint8_t *)"ad", 2, sealed, 27),
	    KANSA_EVERIFY, "shorter than nonce and tag");
	cr_expect_eq(kansa_aead_open(out, sizeof(out), &len, key, (const uint8_t *)"ad", 2, sealed, n - 1),
	    KANSA_EVERIFY, "truncated");
	cr_expect_eq(kansa_aead_seal(sealed, 20, &n, key, NULL, 0, (const uint8_t *)msg, strlen(msg)),
	    KANSA_ELIMIT, "output too small");
}

Test(kansa_hkdf, rfc5869_a1)
{
	size_t n, sl, wl;
	uint8_t *ikm = unhex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", &n);
	uint8_t *salt = unhex("000102030405060708090a0b0c", &sl);
	uint8_t *want = unhex("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf"
	    "34007208d5b887185865", &wl);
	const char info[] = "\xf0\xf1\xf2\xf3\xf4\xf5\xf6\xf7\xf8\xf9";
	uint8_t out[42];

	cr_assert_eq(kansa_hkdf_sha256(out, sizeof(out), ikm, n, salt, sl, info), 0);
	cr_expect(memcmp(out, want, wl) == 0);
	free(ikm);
	free(salt);
	free(want);
}

Test(kansa_hmac, rfc4231_4_3)
{
	size_t wl;
	uint8_t *want = unhex("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", &wl);
	const char *data = "what do ya want for nothing?";
	uint8_t out[32];

	cr_assert_eq(kansa_hmac_sha256(out, (const uint8_t *)"Jefe", 4, (const uint8_t *)data,
	    strlen(data)), 0);
	cr_expect(memcmp(out, want, 32) == 0);
	free(want);
}
