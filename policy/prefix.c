/* SPDX-License-Identifier: Apache-2.0 */
/*
 * IP addresses and prefixes (design §3): strict text parsing through
 * inet_pton, formatting, containment, and the RFC 9164 CBOR forms (tag 52
 * for IPv4, 54 for IPv6; an address is a byte string, a prefix is
 * [length, bytes with trailing zero bytes dropped]). Also the action names.
 *
 * Strict means one spelling per value where we can: no leading zeros in an
 * IPv4 octet or a prefix length, no host bits set past the length, no
 * whitespace, no zone ids; in CBOR, no trailing zero bytes, no bits past the
 * length, and a full-length prefix only in the address form.
 *
 * This file must never accept a prefix with host bits set: containment
 * (the warrant's scope check) relies on the bits past len being zero.
 */
#include <arpa/inet.h>
#include <string.h>

#include "policy/cbor.h"
#include "policy/doc.h"
#include "policy/doc_field.h"

#define TAG_IPV4 52 /* RFC 9164 */
#define TAG_IPV6 54

static const char *const action_names[KANSA_ACT_COUNT] = {
	[KANSA_ACT_METADATA_QUERY] = "metadata-query",
	[KANSA_ACT_NEUTRALIZE] = "neutralize",
	[KANSA_ACT_REVOKE] = "revoke",
	[KANSA_ACT_POLICY] = "policy",
};

int kansa_action__from_name(const char *name)
{
	for (int a = 0; name != NULL && a < KANSA_ACT_COUNT; a++)
		if (strcmp(action_names[a], name) == 0)
			return a;
	return -1;
}

const char *kansa_action__name(int action)
{
	if (action < 0 || action >= KANSA_ACT_COUNT)
		return "unknown";
	return action_names[action];
}

static unsigned family_bits(uint8_t family)
{
	return family == 4 ? 32u : 128u;
}

static size_t family_bytes(uint8_t family)
{
	return family == 4 ? 4u : 16u;
}

/* Whether any bit at or past @p len is set in the family's bytes. */
static bool host_bits_set(const uint8_t *addr, size_t nbytes, unsigned len)
{
	for (size_t i = 0; i < nbytes; i++) {
		unsigned first = (unsigned)i * 8u; /* bit index of this byte's MSB */
		uint8_t mask;

		if (first + 8u <= len)
			continue;
		if (first >= len)
			mask = 0xff;
		else
			mask = (uint8_t)(0xffu >> (len - first));
		if (addr[i] & mask)
			return true;
	}
	return false;
}

static int bad_prefix(const char *text, const char *why)
{
	/* the text is bounded: a hostile string must not fill the message */
	if (why != NULL)
		return kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_DOCUMENT,
		    "not an IP prefix: %.80s (%s)", text, why);
	return kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_DOCUMENT,
	    "not an IP prefix: %.80s", text);
}

int kansa_prefix__parse_text(kansa_prefix *out, const char *text)
{
	char host[64];
	const char *slash;
	size_t hlen;
	unsigned len = 0, max;

	memset(out, 0, sizeof(*out));
	if (text == NULL)
		return bad_prefix("(null)", NULL);
	if (text[0] == '\0')
		return bad_prefix("", "empty");
	slash = strchr(text, '/');
	hlen = slash ? (size_t)(slash - text) : strlen(text);
	if (hlen == 0 || hlen >= sizeof(host))
		return bad_prefix(text, NULL);
	memcpy(host, text, hlen);
	host[hlen] = '\0';
	/* inet_pton refuses whitespace, zone ids and (glibc) IPv4 octets with
	 * leading zeros, which some parsers read as octal */
	if (strchr(host, ':') != NULL) {
		if (inet_pton(AF_INET6, host, out->addr) != 1)
			return bad_prefix(text, NULL);
		out->family = 6;
	} else {
		if (inet_pton(AF_INET, host, out->addr) != 1)
			return bad_prefix(text, NULL);
		out->family = 4;
	}
	max = family_bits(out->family);
	if (slash == NULL) {
		len = max;
	} else {
		const char *d = slash + 1;

		/* REQ: PREFIX-LEN decimal without sign, spaces or leading zeros */
		if (*d == '\0' || (d[0] == '0' && d[1] != '\0'))
			return bad_prefix(text, NULL);
		for (; *d; d++) {
			if (*d < '0' || *d > '9')
				return bad_prefix(text, NULL);
			len = len * 10u + (unsigned)(*d - '0');
			if (len > max)
				return bad_prefix(text, NULL);
		}
	}
	out->len = (uint8_t)len;
	/* REQ: PREFIX-HOSTBITS a prefix has no bits set past its length */
	if (host_bits_set(out->addr, family_bytes(out->family), len)) {
		memset(out, 0, sizeof(*out));
		return bad_prefix(text, "host bits set");
	}
	return 0;
}

void kansa_prefix__format(char out[64], const kansa_prefix *p)
{
	char a[INET6_ADDRSTRLEN];
	size_t n;

	out[0] = '\0';
	if (p == NULL || (p->family != 4 && p->family != 6) ||
	    inet_ntop(p->family == 4 ? AF_INET : AF_INET6, p->addr, a, sizeof(a)) == NULL) {
		memcpy(out, "?", 2);
		return;
	}
	n = strlen(a);
	memcpy(out, a, n + 1);
	if (p->len != family_bits(p->family)) {
		char suffix[8];
		size_t k = 0;
		unsigned v = p->len;
		char digits[4];
		size_t nd = 0;

		suffix[k++] = '/';
		do {
			digits[nd++] = (char)('0' + v % 10u);
			v /= 10u;
		} while (v > 0 && nd < sizeof(digits));
		while (nd > 0)
			suffix[k++] = digits[--nd];
		suffix[k] = '\0';
		memcpy(out + n, suffix, k + 1);
	}
}

bool kansa_prefix__contains(const kansa_prefix *outer, const kansa_prefix *inner)
{
	unsigned full, rem;

	if (outer->family != inner->family || (outer->family != 4 && outer->family != 6))
		return false;
	if (outer->len > inner->len)
		return false;
	full = outer->len / 8u;
	rem = outer->len % 8u;
	if (full > 0 && memcmp(outer->addr, inner->addr, full) != 0)
		return false;
	if (rem != 0) {
		uint8_t mask = (uint8_t)(0xffu << (8u - rem));
		if ((outer->addr[full] & mask) != (inner->addr[full] & mask))
			return false;
	}
	return true;
}

bool kansa_prefix__equal(const kansa_prefix *a, const kansa_prefix *b)
{
	return a->family == b->family && a->len == b->len &&
	    memcmp(a->addr, b->addr, sizeof(a->addr)) == 0;
}

struct cbor_item_t *kansa_prefix__to_cbor(const kansa_prefix *p)
{
	size_t nbytes = family_bytes(p->family);
	uint64_t tag = p->family == 4 ? TAG_IPV4 : TAG_IPV6;
	cbor_item_t *arr;
	size_t used;

	if (p->len == family_bits(p->family))
		return kansa_cbor__tag(tag, kansa_cbor__bytes(p->addr, nbytes));
	/* RFC 9164 §4.2: drop trailing zero bytes */
	used = nbytes;
	while (used > 0 && p->addr[used - 1] == 0)
		used--;
	if ((arr = kansa_cbor__array()) == NULL)
		return NULL;
	if (kansa_cbor__array_push(arr, kansa_cbor__uint(p->len)) < 0 ||
	    kansa_cbor__array_push(arr, kansa_cbor__bytes(p->addr, used)) < 0) {
		cbor_decref(&arr);
		return NULL;
	}
	return kansa_cbor__tag(tag, arr);
}

static int bad_cbor(const char *why)
{
	return kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_DOCUMENT, "not an RFC 9164 %s", why);
}

/* The rules of both forms once the shape is read: an address's bytes, or a
 * prefix's length and bytes. */
static int fill(kansa_prefix *out, uint64_t tag, bool address, uint64_t len, const uint8_t *p, size_t n)
{
	size_t nbytes;
	int error = 0;

	out->family = tag == TAG_IPV4 ? 4 : 6;
	nbytes = family_bytes(out->family);
	if (address) {
		if (n != nbytes)
			error = bad_cbor("address (wrong byte length)");
		if (error == 0) {
			memcpy(out->addr, p, n);
			out->len = (uint8_t)family_bits(out->family);
		}
	} else {
		/* REQ: PREFIX-CBOR [len, bytes]: len below the family's width (a full
		 * length is an address), no trailing zero byte, no bits past len */
		if (len >= family_bits(out->family))
			error = bad_cbor("prefix (length too large; a full-length prefix is an address)");
		else if (n > nbytes)
			error = bad_cbor("prefix (too many bytes)");
		else if (n > 0 && p[n - 1] == 0)
			error = bad_cbor("prefix (trailing zero bytes not dropped)");
		if (error == 0) {
			memcpy(out->addr, p, n);
			out->len = (uint8_t)len;
			if (host_bits_set(out->addr, nbytes, (unsigned)len))
				error = bad_cbor("prefix (host bits set)");
		}
	}
	if (error < 0)
		memset(out, 0, sizeof(*out));
	return error;
}

static int bad_tag(kansa_prefix *out, bool have_tag, uint64_t tag, bool address_only)
{
	memset(out, 0, sizeof(*out));
	if (!have_tag)
		return bad_cbor(address_only ? "address (tag 52 or 54 missing)"
					     : "prefix (tag 52 or 54 missing)");
	return kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_DOCUMENT,
	    "tag %llu is not an IP address or prefix (52 or 54)", (unsigned long long)tag);
}

static int not_address(kansa_prefix *out)
{
	memset(out, 0, sizeof(*out));
	return bad_cbor("address (a prefix where an address is required)");
}

static int not_pair(kansa_prefix *out)
{
	memset(out, 0, sizeof(*out));
	return bad_cbor("prefix (not [length, bytes])");
}

int kansa_prefix__from_cbor(kansa_prefix *out, const struct cbor_item_t *item, bool address_only)
{
	cbor_item_t *inner;
	const uint8_t *p;
	size_t n;
	uint64_t tag, len;
	int error;

	memset(out, 0, sizeof(*out));
	if (item == NULL || !cbor_isa_tag(item))
		return bad_tag(out, false, 0, address_only);
	tag = cbor_tag_value(item);
	if (tag != TAG_IPV4 && tag != TAG_IPV6)
		return bad_tag(out, true, tag, address_only);
	inner = cbor_tag_item(item); /* a new reference */
	if (cbor_isa_bytestring(inner)) {
		error = kansa_cbor__get_bytes(&p, &n, inner);
		if (error == 0)
			error = fill(out, tag, true, 0, p, n);
	} else if (address_only) {
		error = not_address(out);
	} else if (!cbor_isa_array(inner) || cbor_array_size(inner) != 2 ||
	    kansa_cbor__get_uint(&len, cbor_array_handle(inner)[0]) < 0 ||
	    kansa_cbor__get_bytes(&p, &n, cbor_array_handle(inner)[1]) < 0) {
		error = not_pair(out);
	} else {
		error = fill(out, tag, false, len, p, n);
	}
	cbor_decref(&inner);
	if (error < 0)
		memset(out, 0, sizeof(*out));
	return error;
}

int kansa_prefix__read(kansa_prefix *out, kansa_cbor_reader *in, bool address_only)
{
	kansa_cbor_head h, lh, bh;
	const uint8_t *p;
	size_t n;
	uint64_t tag, len;

	memset(out, 0, sizeof(*out));
	if (in->pos >= in->len || kansa_cbor__read(in, &h) < 0 || h.major != KANSA_CBOR_TAG)
		return bad_tag(out, false, 0, address_only);
	tag = h.value;
	if (tag != TAG_IPV4 && tag != TAG_IPV6)
		return bad_tag(out, true, tag, address_only);
	if (kansa_cbor__read(in, &h) < 0)
		return not_pair(out);
	if (h.major == KANSA_CBOR_BYTES) {
		if (kansa_cbor__head_bytes(&p, &n, &h) < 0)
			return not_pair(out);
		return fill(out, tag, true, 0, p, n);
	}
	if (address_only)
		return not_address(out);
	if (h.major != KANSA_CBOR_ARRAY || h.value != 2 || kansa_cbor__read(in, &lh) < 0 ||
	    kansa_cbor__head_uint(&len, &lh) < 0 || kansa_cbor__read(in, &bh) < 0 ||
	    kansa_cbor__head_bytes(&p, &n, &bh) < 0)
		return not_pair(out);
	return fill(out, tag, false, len, p, n);
}
