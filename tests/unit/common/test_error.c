/* SPDX-License-Identifier: Apache-2.0 */
/* common/: the error record and bounded buffers. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "common/common.h"

Test(kansa_error, records_code_class_and_message)
{
	kansa_error_clear();
	cr_expect_eq(kansa_error_last()->code, 0);
	cr_expect_eq(kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_CBOR, "offset %d: bad", 7), KANSA_EFORMAT);
	cr_expect_eq(kansa_error_last()->code, KANSA_EFORMAT);
	cr_expect_eq(kansa_error_last()->klass, KANSA_ERRCLASS_CBOR);
	cr_expect_str_eq(kansa_error_last()->message, "offset 7: bad");
	kansa_error_prefix("scope.targets[%d]", 2);
	cr_expect_str_eq(kansa_error_last()->message, "scope.targets[2]: offset 7: bad");
}

Test(kansa_error, passes_its_own_message_on)
{
	kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_CBOR, "not a map");
	kansa_error_set(KANSA_EIO, KANSA_ERRCLASS_OS, "the answer (%s): treated as deny", kansa_error_last()->message);
	cr_expect_str_eq(kansa_error_last()->message, "the answer (not a map): treated as deny");
	cr_expect_eq(kansa_error_last()->code, KANSA_EIO);
	kansa_error_set_str(KANSA_EVERIFY, kansa_error_last()->message);
	cr_expect_str_eq(kansa_error_last()->message, "the answer (not a map): treated as deny");
	cr_expect_eq(kansa_error_last()->code, KANSA_EVERIFY);
}

static void *other_thread(void *arg)
{
	(void)arg;
	/* A fresh thread sees no error from the main thread. */
	return (void *)(intptr_t)kansa_error_last()->code;
}

Test(kansa_error, is_thread_local)
{
	pthread_t t;
	void *res;

	kansa_error_set(KANSA_EIO, 0, "main");
	cr_assert_eq(pthread_create(&t, NULL, other_thread, NULL), 0);
	pthread_join(t, &res);
	cr_expect_eq((intptr_t)res, 0);
	cr_expect_eq(kansa_error_last()->code, KANSA_EIO);
}

Test(kansa_strerror, names_every_code)
{
	for (int c = 0; c >= KANSA_EINVAL; c--) {
		cr_expect_str_neq(kansa_strerror(c), "unknown error", "code %d", c);
		cr_expect_str_neq(kansa_error_name(c), "EUNKNOWN", "code %d", c);
	}
	cr_expect_str_eq(kansa_strerror(-999), "unknown error");
	cr_expect_str_eq(kansa_error_name(KANSA_EKEY), "EKEY");
}

Test(kansa_buf, refuses_to_grow_past_its_ceiling)
{
	kansa_buf b = KANSA_BUF_INIT(10);

	cr_assert_eq(kansa_buf_put(&b, "0123456789", 10), 0);
	cr_expect_eq(kansa_buf_putc(&b, 'x'), KANSA_ELIMIT);
	cr_expect_eq(b.len, 10);
	kansa_buf_dispose(&b);
	cr_expect_null(b.ptr);
}

Test(kansa_buf, printf_appends)
{
	kansa_buf b = KANSA_BUF_INIT(100);

	cr_assert_eq(kansa_buf_printf(&b, "%s-%d", "seq", 42), 0);
	cr_assert_eq(kansa_buf_printf(&b, "/%s", "x"), 0);
	cr_expect_eq(b.len, 8);
	cr_expect_eq(memcmp(b.ptr, "seq-42/x", 8), 0);
	kansa_buf_dispose(&b);
}

Test(kansa_buf, detaches_as_a_string)
{
	kansa_buf b = KANSA_BUF_INIT(4), e = KANSA_BUF_INIT(4);
	size_t len = 99;
	char *s;

	cr_assert_eq(kansa_buf_put(&b, "abcd", 4), 0);
	s = kansa_buf_detach_str(&b, &len);
	cr_assert_not_null(s);
	cr_expect_str_eq(s, "abcd", "the NUL may go past the ceiling: it is not content");
	cr_expect_eq(len, 4);
	cr_expect_null(b.ptr);
	cr_expect_eq(b.len, 0);
	free(s);
	s = kansa_buf_detach_str(&e, &len);
	cr_assert_not_null(s, "an empty buffer is the empty string");
	cr_expect_str_eq(s, "");
	cr_expect_eq(len, 0);
	free(s);
}

Test(kansa_add_size, detects_overflow)
{
	size_t o;

	cr_expect_eq(kansa_add_size(&o, SIZE_MAX, 1), KANSA_ELIMIT);
	cr_expect_eq(kansa_mul_size(&o, SIZE_MAX / 2, 3), KANSA_ELIMIT);
	cr_expect_eq(kansa_add_size(&o, 2, 3), 0);
	cr_expect_eq(o, 5);
}

Test(kansa_hex, round_trips_and_rejects_bad_digits)
{
	uint8_t in[4] = { 0x00, 0xab, 0x7f, 0xff }, out[4];
	char hex[9];

	kansa_hex_encode(hex, in, 4);
	cr_expect_str_eq(hex, "00ab7fff");
	cr_assert_eq(kansa_hex_decode(out, 4, "00AB7fff"), 0);
	cr_expect_eq(memcmp(in, out, 4), 0);
	cr_expect_eq(kansa_hex_decode(out, 4, "00ab7ff"), KANSA_EFORMAT);
	cr_expect_eq(kansa_hex_decode(out, 4, "00ab7ffg"), KANSA_EFORMAT);
}

Test(kansa_parse_u64, accepts_only_canonical_decimal)
{
	uint64_t v = 7;

	cr_expect_eq(kansa_parse_u64(&v, "0", 1), 0);
	cr_expect_eq(v, 0);
	cr_expect_eq(kansa_parse_u64(&v, "18446744073709551615", 20), 0);
	cr_expect_eq(v, UINT64_MAX);
	cr_expect_eq(kansa_parse_u64(&v, "18446744073709551616", 20), -1); /* overflow */
	cr_expect_eq(kansa_parse_u64(&v, "012", 3), -1);                   /* leading zero */
	cr_expect_eq(kansa_parse_u64(&v, "+1", 2), -1);
	cr_expect_eq(kansa_parse_u64(&v, "1 ", 2), -1);
	cr_expect_eq(kansa_parse_u64(&v, "", 0), -1);
}
