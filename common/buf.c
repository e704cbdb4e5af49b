/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Bounded growable buffers, hex and small memory helpers. A buffer never
 * grows past its ceiling: appends beyond it fail with KANSA_ELIMIT and leave
 * the buffer as it was. Never use a kansa_buf for secrets (it is plain heap).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/common.h"

int kansa_buf_reserve(kansa_buf *b, size_t extra)
{
	size_t need, cap;
	uint8_t *p;

	if (kansa_add_size(&need, b->len, extra) < 0 || need > b->max)
		return kansa_error_set(KANSA_ELIMIT, KANSA_ERRCLASS_NONE,
		    "buffer would exceed its limit of %zu bytes", b->max);
	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > b->max / 2 ? b->max : cap * 2;
	if ((p = realloc(b->ptr, cap)) == NULL)
		return kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
	b->ptr = p;
	b->cap = cap;
	return 0;
}

int kansa_buf_put(kansa_buf *b, const void *data, size_t len)
{
	int error;

	if (len == 0)
		return 0;
	if ((error = kansa_buf_reserve(b, len)) < 0)
		return error;
	memcpy(b->ptr + b->len, data, len);
	b->len += len;
	return 0;
}

int kansa_buf_putc(kansa_buf *b, uint8_t c)
{
	return kansa_buf_put(b, &c, 1);
}

int kansa_buf_printf(kansa_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n, error;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return kansa_error_set(KANSA_ERROR, KANSA_ERRCLASS_NONE, "format error");
	/* one extra byte for vsnprintf's NUL, not counted in len */
	if ((error = kansa_buf_reserve(b, (size_t)n + 1)) < 0)
		return error;
	va_start(ap, fmt);
	vsnprintf((char *)b->ptr + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

uint8_t *kansa_buf_detach(kansa_buf *b, size_t *len_out)
{
	uint8_t *p = b->ptr;

	if (len_out)
		*len_out = b->len;
	b->ptr = NULL;
	b->len = b->cap = 0;
	return p;
}

char *kansa_buf_detach_str(kansa_buf *b, size_t *len_out)
{
	size_t len = b->len;

	/* the NUL may go one past the ceiling: it is not content */
	if (len + 1 > b->cap) {
		uint8_t *p = len == SIZE_MAX ? NULL : realloc(b->ptr, len + 1);

		if (p == NULL) {
			kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
			return NULL;
		}
		b->ptr = p;
		b->cap = len + 1;
	}
	b->ptr[len] = 0;
	return (char *)kansa_buf_detach(b, len_out);
}

void kansa_buf_dispose(kansa_buf *b)
{
	free(b->ptr);
	b->ptr = NULL;
	b->len = b->cap = 0;
}

void *kansa_memdup(const void *p, size_t len)
{
	void *q = malloc(len ? len : 1);

	if (q == NULL) {
		kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
		return NULL;
	}
	if (len)
		memcpy(q, p, len);
	return q;
}

char *kansa_strndup(const char *s, size_t len)
{
	char *q = malloc(len + 1);

	if (q == NULL) {
		kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
		return NULL;
	}
	memcpy(q, s, len);
	q[len] = '\0';
	return q;
}

void kansa_hex_encode(char *out, const uint8_t *data, size_t len)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < len; i++) {
		out[2 * i] = digits[data[i] >> 4];
		out[2 * i + 1] = digits[data[i] & 0x0f];
	}
	out[2 * len] = '\0';
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int kansa_hex_decode(uint8_t *out, size_t len, const char *hex)
{
	if (hex == NULL || strlen(hex) != 2 * len)
		return kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_NONE,
		    "expected %zu hex digits", 2 * len);
	for (size_t i = 0; i < len; i++) {
		int hi = hex_value(hex[2 * i]), lo = hex_value(hex[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_NONE,
			    "not a hex digit at position %zu", hi < 0 ? 2 * i : 2 * i + 1);
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

int kansa_parse_u64(uint64_t *out, const char *s, size_t len)
{
	uint64_t v = 0;

	if (len == 0 || len > 20 || (len > 1 && s[0] == '0'))
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		if (__builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, (uint64_t)(s[i] - '0'), &v))
			return -1;
	}
	*out = v;
	return 0;
}
