/* SPDX-License-Identifier: Apache-2.0 */
/*
 * CBOR writers (policy/cbor.h): canonical items written straight into a
 * buffer, with no libcbor item tree, for the fixed shapes on a check's path
 * (its receipt). Heads take the shortest form (RFC 8949 §4.2.1), as the tree
 * encoder's do; text must be valid UTF-8, as the tree encoder requires.
 */
#include <string.h>

#include "policy/cbor.h"

int kansa_cbor__put_head(kansa_buf *b, int major, uint64_t value)
{
	uint8_t h[9];
	size_t n;

	if (major < 0 || major > 7)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_CBOR, "cbor: bad major type %d", major);
	h[0] = (uint8_t)(major << 5);
	if (value < 24) {
		h[0] |= (uint8_t)value;
		n = 1;
	} else if (value <= 0xff) {
		h[0] |= 24;
		n = 2;
	} else if (value <= 0xffff) {
		h[0] |= 25;
		n = 3;
	} else if (value <= 0xffffffffu) {
		h[0] |= 26;
		n = 5;
	} else {
		h[0] |= 27;
		n = 9;
	}
	for (size_t i = n - 1; i >= 1; i--, value >>= 8) /* big-endian, shortest form */
		h[i] = (uint8_t)value;
	return kansa_buf_put(b, h, n);
}

int kansa_cbor__put_int(kansa_buf *b, int64_t v)
{
	if (v >= 0)
		return kansa_cbor__put_head(b, KANSA_CBOR_UINT, (uint64_t)v);
	return kansa_cbor__put_head(b, KANSA_CBOR_NEGINT, (uint64_t)(-1 - v));
}

int kansa_cbor__put_bytes(kansa_buf *b, const uint8_t *p, size_t len)
{
	int error;

	if ((error = kansa_cbor__put_head(b, KANSA_CBOR_BYTES, (uint64_t)len)) < 0)
		return error;
	return len ? kansa_buf_put(b, p, len) : 0;
}

int kansa_cbor__put_text(kansa_buf *b, const char *s)
{
	size_t len = strlen(s);
	int error;

	if (!kansa_cbor__utf8_valid((const uint8_t *)s, len))
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_CBOR,
		    "cbor: encode: invalid utf-8 in text string");
	if ((error = kansa_cbor__put_head(b, KANSA_CBOR_TEXT, (uint64_t)len)) < 0)
		return error;
	return len ? kansa_buf_put(b, s, len) : 0;
}

int kansa_cbor__put_null(kansa_buf *b)
{
	return kansa_buf_putc(b, 0xf6);
}
