/* SPDX-License-Identifier: Apache-2.0 */
/* keys/base64.c: strict standard base64 (RFC 4648 section 4). */
#include <criterion/criterion.h>
#include <string.h>

#include "keys/keys.h"

static int dec(uint8_t *out, size_t cap, size_t *n, const char *s)
{
	return kansa_base64_decode(out, cap, n, s, strlen(s));
}

Test(base64, rfc4648_test_vectors_round_trip)
{
	static const char *in[] = { "", "f", "fo", "foo", "foob", "fooba", "foobar" };
	static const char *want[] = { "", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy" };

	for (size_t i = 0; i < 7; i++) {
		char out[16];
		uint8_t back[8];
		size_t n;
		cr_assert_eq(kansa_base64_encode(out, sizeof(out), (const uint8_t *)in[i], strlen(in[i])), 0);
		cr_expect_str_eq(out, want[i]);
		cr_expect_eq(kansa_base64_encoded_len(strlen(in[i])), strlen(want[i]));
		cr_assert_eq(dec(back, strlen(in[i]), &n, want[i]), 0, "%s", want[i]);
		cr_expect_eq(n, strlen(in[i]));
		cr_expect_eq(memcmp(back, in[i], n), 0);
	}
}

Test(base64, decoder_is_strict)
{
	static const char *bad[] = {
		"Zg=",       /* length not a multiple of 4 */
		"Zg",        /* missing padding */
		"Zh==",      /* non-zero bits before the padding */
		"Zm9=",      /* likewise, one pad character */
		"Z===",      /* too much padding */
		"====",
		"Zg==Zg==",  /* padding in the middle */
		"Zm 9v",     /* whitespace */
		" Zm9v",
		"Zm9v\n",
		"Zm9v\r\n",
		"Zm-v",      /* base64url alphabet */
		"Zm_v",
		"Zm9v=Zm8",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint8_t out[16];
		size_t n = 99;
		cr_expect_eq(dec(out, sizeof(out), &n, bad[i]), KANSA_EFORMAT, "accepted \"%s\"", bad[i]);
		cr_expect_eq(n, 0);
	}
}

Test(base64, respects_buffer_sizes)
{
	uint8_t out[3];
	char small[5];
	size_t n;

	cr_expect_eq(dec(out, 2, &n, "Zm9v"), KANSA_ELIMIT);
	cr_expect_eq(dec(out, 3, &n, "Zm9v"), 0);
	cr_expect_eq(dec(out, 1, &n, "Zg=="), 0); /* room only for the real byte */
	cr_expect_eq(n, 1);
	cr_expect_eq(kansa_base64_encode(small, 4, (const uint8_t *)"foo", 3), KANSA_ELIMIT);
	cr_expect_eq(kansa_base64_encode(small, 5, (const uint8_t *)"foo", 3), 0);
}
