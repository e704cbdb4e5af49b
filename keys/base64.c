/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Strict standard base64 (RFC 4648 section 4) over OpenSSL's EVP_EncodeBlock
 * and EVP_DecodeBlock, for signed notes, checkpoints and proof text.
 *
 * EVP_DecodeBlock alone is lenient: it skips leading and trailing
 * whitespace, counts padding as zero bytes and ignores non-zero bits before
 * the padding. Signed text must have exactly one encoding per value, so this
 * file checks the characters itself before OpenSSL decodes them, and it
 * never accepts a second spelling of the same bytes.
 */
#include <limits.h>
#include <string.h>

#include <openssl/evp.h>

#include "keys/keys.h"

/* The 6-bit value of a base64 character, or -1. */
static int b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

size_t kansa_base64_encoded_len(size_t len)
{
	return (len / 3 + (len % 3 != 0)) * 4;
}

int kansa_base64_encode(char *out, size_t out_size, const uint8_t *data, size_t len)
{
	size_t need;
	int n;

	if (len > (size_t)INT_MAX / 4 * 3 - 3)
		return kansa_error_set(KANSA_ELIMIT, KANSA_ERRCLASS_CRYPTO, "base64: input too long");
	need = kansa_base64_encoded_len(len);
	if (out_size < need + 1)
		return kansa_error_set(KANSA_ELIMIT, KANSA_ERRCLASS_CRYPTO, "base64: output buffer too small");
	if (len == 0) {
		out[0] = '\0';
		return 0;
	}
	n = EVP_EncodeBlock((unsigned char *)out, data, (int)len); /* writes the NUL */
	if (n < 0 || (size_t)n != need)
		return kansa_error_openssl(KANSA_ERROR, "base64 encoding failed");
	return 0;
}

int kansa_base64_decode(uint8_t *out, size_t out_size, size_t *len_out,
    const char *in, size_t in_len)
{
	const unsigned char *s = (const unsigned char *)in;
	unsigned char last[3];
	size_t pad = 0, full, dlen;
	int v;

	*len_out = 0;
	if (in_len % 4 != 0)
		return kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_CRYPTO,
		    "base64: length %zu is not a multiple of 4", in_len);
	if (in_len == 0)
		return 0;
	if (in_len > (size_t)INT_MAX)
		return kansa_error_set(KANSA_ELIMIT, KANSA_ERRCLASS_CRYPTO, "base64: input too long");
	if (s[in_len - 1] == '=')
		pad = s[in_len - 2] == '=' ? 2 : 1;
	for (size_t i = 0; i < in_len - pad; i++)
		if (b64_value(s[i]) < 0)
			return kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_CRYPTO,
			    "base64: invalid character at offset %zu", i);
	/* Canonical: the bits of the last character that fall into the padding
	 * must be zero, or two spellings would decode to the same bytes. */
	v = b64_value(s[in_len - pad - 1]);
	if ((pad == 1 && (v & 0x03) != 0) || (pad == 2 && (v & 0x0f) != 0))
		return kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_CRYPTO,
		    "base64: non-zero bits before the padding");
	dlen = in_len / 4 * 3 - pad;
	if (dlen > out_size)
		return kansa_error_set(KANSA_ELIMIT, KANSA_ERRCLASS_CRYPTO,
		    "base64: %zu decoded bytes do not fit in %zu", dlen, out_size);

	/* All groups but the last decode straight into out; the last one goes
	 * through a 3-byte buffer so out needs room only for the real bytes. */
	full = in_len - 4;
	if (full > 0 && EVP_DecodeBlock(out, s, (int)full) != (int)(full / 4 * 3))
		return kansa_error_openssl(KANSA_EFORMAT, "base64 decoding failed");
	if (EVP_DecodeBlock(last, s + full, 4) != 3)
		return kansa_error_openssl(KANSA_EFORMAT, "base64 decoding failed");
	memcpy(out + full / 4 * 3, last, 3 - pad);
	*len_out = dlen;
	return 0;
}
