/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Small text rules shared by the parsers and the decision: whether a text
 * is blank (nothing but white space and invisible format characters; design
 * §5 row 1: an officer or justification that is only white space is
 * malformed), and making a text for people safe to record and print.
 * Request texts reach here already checked as UTF-8 by the CBOR decoder; a
 * byte sequence that is not UTF-8 counts as not blank, so this never
 * accepts what another check must refuse.
 *
 * This file must never call a text with a visible character blank, nor
 * leave a byte that is not well-formed UTF-8 in a sanitized text.
 */
#include <string.h>

#include "policy/doc.h"

/* Unicode White_Space, plus the zero-width and format characters that show
 * nothing (U+180E, U+200B-200D, U+2060, U+FEFF): inclusive ranges. */
static const struct { uint32_t lo, hi; } blank_ranges[] = {
	{ 0x0009, 0x000D }, /* tab, line feed, vertical tab, form feed, carriage return */
	{ 0x0020, 0x0020 }, /* space */
	{ 0x0085, 0x0085 }, /* next line */
	{ 0x00A0, 0x00A0 }, /* no-break space */
	{ 0x1680, 0x1680 }, /* ogham space mark */
	{ 0x180E, 0x180E }, /* mongolian vowel separator */
	{ 0x2000, 0x200A }, /* en quad .. hair space */
	{ 0x200B, 0x200D }, /* zero width space, non-joiner, joiner */
	{ 0x2028, 0x2029 }, /* line separator, paragraph separator */
	{ 0x202F, 0x202F }, /* narrow no-break space */
	{ 0x205F, 0x205F }, /* medium mathematical space */
	{ 0x2060, 0x2060 }, /* word joiner */
	{ 0x3000, 0x3000 }, /* ideographic space */
	{ 0xFEFF, 0xFEFF }, /* zero width no-break space (byte order mark) */
};

static bool is_blank_cp(uint32_t cp)
{
	for (size_t i = 0; i < sizeof(blank_ranges) / sizeof(blank_ranges[0]); i++)
		if (cp >= blank_ranges[i].lo && cp <= blank_ranges[i].hi)
			return true;
	return false;
}

/* Decode one UTF-8 sequence at s[0..n); returns its length, 0 if invalid. */
static size_t utf8_next(uint32_t *cp, const unsigned char *s, size_t n)
{
	size_t len;
	uint32_t c = s[0];

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		len = 2;
		c &= 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		len = 3;
		c &= 0x0F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4;
		c &= 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (uint32_t)(s[i] & 0x3F);
	}
	/* RFC 3629: no overlong forms, no surrogates, nothing past U+10FFFF */
	if ((len == 3 && c < 0x800) || (len == 4 && c < 0x10000) || c > 0x10FFFF ||
	    (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return len;
}

bool kansa_text__is_blank(const char *text)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t n, i = 0;

	if (text == NULL)
		return true;
	n = strlen(text);
	while (i < n) {
		uint32_t cp = 0;
		size_t len = utf8_next(&cp, s + i, n - i);

		if (len == 0 || !is_blank_cp(cp))
			return false;
		i += len;
	}
	return true;
}

void kansa_text__sanitize(char *text)
{
	unsigned char *s = (unsigned char *)text;
	size_t n = strlen(text), i = 0;

	while (i < n) {
		uint32_t cp = 0;
		size_t len = utf8_next(&cp, s + i, n - i);

		if (len == 0 || cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0)) {
			s[i++] = '?';
			continue;
		}
		i += len;
	}
}
