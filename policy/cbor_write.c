/* SPDX-License-Identifier: Apache-2.0 */
/*
 * CBOR writers (policy/cbor.h): canonical items written straight into a
 * buffer, with no libcbor item tree, for the fixed shapes on a check's path
 * (its receipt). The heads are libcbor's streaming encoders', in the
 * shortest form (RFC 8949 §4.2.1) as the tree encoder's; text must be
 * valid UTF-8, as the tree encoder requires.
 */
#include <string.h>

#include "policy/cbor.h"

/* A head of @p major with @p value, written by libcbor's encoders, which
 * take the shortest form (RFC 8949 §4.2.1). */
int kansa_cbor__put_head(kansa_buf *b, int major, uint64_t value)
{
	unsigned char h[9];
	size_t n;

	switch (major) {
	case KANSA_CBOR_UINT: n = cbor_encode_uint(value, h, sizeof(h)); break;
	case KANSA_CBOR_NEGINT: n = cbor_encode_negint(value, h, sizeof(h)); break;
	case KANSA_CBOR_BYTES: n = cbor_encode_bytestring_start((size_t)value, h, sizeof(h)); break;
	case KANSA_CBOR_TEXT: n = cbor_encode_string_start((size_t)value, h, sizeof(h)); break;
	case KANSA_CBOR_ARRAY: n = cbor_encode_array_start((size_t)value, h, sizeof(h)); break;
	case KANSA_CBOR_MAP: n = cbor_encode_map_start((size_t)value, h, sizeof(h)); break;
	default: n = 0; break;
	}
	if (n == 0)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_CBOR, "cbor: no head of major type %d", major);
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
	unsigned char h[1];

	return cbor_encode_null(h, sizeof(h)) == 1 ? kansa_buf_put(b, h, 1) :
	    kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_CBOR, "cbor: null");
}
