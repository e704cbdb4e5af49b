/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Canonical CBOR (design §3, RFC 8949 §4.2.1) on top of libcbor.
 *
 * kansa_cbor__validate() is the gate in front of libcbor: a single forward
 * pass over the raw bytes with an explicit, fixed-size stack (no recursion on
 * input, after QCBOR) that accepts exactly one data item in core
 * deterministic encoding and nothing else (it also refuses tags 6..20,
 * which libcbor 0.8 cannot decode, and bignums that are not in preferred
 * form, as CDE asks). Only bytes it accepted ever reach
 * cbor_load(), and its bounds (bytes, depth, items) are what caps libcbor's
 * allocations: Debian's libcbor 0.8 is built without CBOR_CUSTOM_ALLOC, so a
 * capping allocator is not available, and replacing the process-wide
 * allocator from a library would be wrong anyway.
 *
 * kansa_cbor__encode() writes an item tree canonically: every head at its
 * shortest width, definite lengths, map entries sorted by their encoded key
 * bytes. It must never emit bytes that kansa_cbor__validate() would refuse,
 * so it refuses floats, simple values other than false/true/null, duplicate
 * keys, invalid UTF-8 and trees deeper than KANSA_MAX_CBOR_DEPTH. Its
 * recursion is bounded by that depth; trees are built by kansa or by
 * kansa_cbor__decode, never read straight from input.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/cbor.h"

_Static_assert(KANSA_MAX_CBOR_ITEMS <= 1000000, "items bound libcbor's allocations");

#define ERR_FORMAT(off, ...) cbor_error(KANSA_EFORMAT, (off), __VA_ARGS__)
#define ERR_LIMIT(off, ...) cbor_error(KANSA_ELIMIT, (off), __VA_ARGS__)

static int cbor_error(int code, size_t off, const char *what, ...) KANSA_PRINTF(3, 4);

static int cbor_error(int code, size_t off, const char *what, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, what);
	vsnprintf(msg, sizeof(msg), what, ap);
	va_end(ap);
	return kansa_error_set(code, KANSA_ERRCLASS_CBOR, "cbor: offset %zu: %s", off, msg);
}

static int nomem(void)
{
	return kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
}

/* ---------------------------------------------------------------------- */
/* UTF-8                                                                   */
/* ---------------------------------------------------------------------- */

/*
 * Well-formed UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing
 * above U+10FFFF. Returns the offset of the first bad byte, or len.
 */
static size_t utf8_check(const uint8_t *s, size_t len);

bool kansa_cbor__utf8_valid(const uint8_t *s, size_t len)
{
	return utf8_check(s, len) == len;
}

static size_t utf8_check(const uint8_t *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		uint8_t c = s[i];
		size_t n;
		uint8_t lo = 0x80, hi = 0xbf;

		if (c < 0x80) {
			i++;
			continue;
		} else if (c >= 0xc2 && c <= 0xdf) {
			n = 1;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2;
			if (c == 0xe0)
				lo = 0xa0; /* overlong */
			else if (c == 0xed)
				hi = 0x9f; /* surrogates */
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3;
			if (c == 0xf0)
				lo = 0x90; /* overlong */
			else if (c == 0xf4)
				hi = 0x8f; /* above U+10FFFF */
		} else {
			return i;
		}
		if (len - i <= n)
			return i;
		if (s[i + 1] < lo || s[i + 1] > hi)
			return i;
		for (size_t k = 2; k <= n; k++)
			if ((s[i + k] & 0xc0) != 0x80)
				return i;
		i += n + 1;
	}
	return len;
}

/* ---------------------------------------------------------------------- */
/* Validator                                                               */
/* ---------------------------------------------------------------------- */

enum { FRAME_ARRAY, FRAME_MAP, FRAME_TAG };

struct frame {
	int kind;        /* FRAME_ARRAY, FRAME_MAP or FRAME_TAG */
	bool bignum;     /* tag: 2 or 3, whose content is checked as CDE asks */
	uint64_t left;   /* items still to come; a map counts keys and values */
	size_t key_off;  /* map: start of the key being read */
	size_t prev_off; /* map: start of the previous key */
	size_t prev_len; /* map: length of the previous key; 0 before the first */
};

static const char *const major_names[8] = {
	"unsigned integer", "negative integer", "byte string", "text string",
	"array", "map", "tag", "simple value",
};

int kansa_cbor__validate(const uint8_t *in, size_t len)
{
	struct frame stack[KANSA_MAX_CBOR_DEPTH];
	size_t depth = 0, pos = 0, items = 0;

	/* REQ: CBOR-SIZE bound the input before reading a byte of it (design §3) */
	if (len > KANSA_MAX_CBOR_BYTES)
		return kansa_error_set(KANSA_ELIMIT, KANSA_ERRCLASS_CBOR,
		    "cbor: input of %zu bytes exceeds the limit of %d bytes", len, KANSA_MAX_CBOR_BYTES);
	if (in == NULL && len > 0)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_CBOR, "cbor: no input");
	if (len == 0)
		return ERR_FORMAT(0, "empty input");

	do {
		size_t start = pos;
		uint8_t ib, major, ai;
		uint64_t val = 0;
		bool push = false;

		if (pos >= len)
			return ERR_FORMAT(pos, "unexpected end of input");
		/* REQ: CBOR-ITEMS bound the items libcbor will allocate */
		if (++items > KANSA_MAX_CBOR_ITEMS)
			return ERR_LIMIT(pos, "more than %d items", KANSA_MAX_CBOR_ITEMS);
		if (depth > 0 && stack[depth - 1].kind == FRAME_MAP && stack[depth - 1].left % 2 == 0)
			stack[depth - 1].key_off = start;

		ib = in[pos++];
		major = (uint8_t)(ib >> 5);
		ai = (uint8_t)(ib & 0x1f);
		if (depth > 0 && stack[depth - 1].bignum && major != 2)
			return ERR_FORMAT(start, "bignum content is not a byte string");

		if (major == 7) {
			/* REQ: CBOR-CANON no floats, no undefined, no other simple values */
			if (ai == 20 || ai == 21 || ai == 22)
				goto complete; /* false, true, null */
			if (ai == 23)
				return ERR_FORMAT(start, "undefined is not allowed");
			if (ai < 24)
				return ERR_FORMAT(start, "simple value %u is not allowed", ai);
			if (ai == 24)
				return ERR_FORMAT(start, "two-byte simple value is not allowed");
			if (ai == 25)
				return ERR_FORMAT(start, "half-precision float is not allowed");
			if (ai == 26)
				return ERR_FORMAT(start, "single-precision float is not allowed");
			if (ai == 27)
				return ERR_FORMAT(start, "double-precision float is not allowed");
			if (ai == 31)
				return ERR_FORMAT(start, "unexpected break");
			return ERR_FORMAT(start, "reserved additional information %u", ai);
		}

		if (ai < 24) {
			val = ai;
		} else if (ai <= 27) {
			size_t n = (size_t)1 << (ai - 24);

			if (len - pos < n)
				return ERR_FORMAT(start, "%s head truncated", major_names[major]);
			for (size_t k = 0; k < n; k++)
				val = (val << 8) | in[pos + k];
			pos += n;
			/* REQ: CBOR-CANON shortest form for every argument (RFC 8949 §4.2.1) */
			if ((ai == 24 && val < 24) || (ai == 25 && val <= 0xff) ||
			    (ai == 26 && val <= 0xffff) || (ai == 27 && val <= 0xffffffffu))
				return ERR_FORMAT(start, "%s not in shortest form", major_names[major]);
		} else if (ai == 31) {
			/* REQ: CBOR-CANON definite lengths only */
			if (major >= 2 && major <= 5)
				return ERR_FORMAT(start, "indefinite-length %s", major_names[major]);
			return ERR_FORMAT(start, "reserved additional information 31 for %s",
			    major_names[major]);
		} else {
			return ERR_FORMAT(start, "reserved additional information %u", ai);
		}

		switch (major) {
		case 0:
		case 1:
			break;
		case 2:
		case 3:
			/* REQ: CBOR-BOUNDS no length past the end of the input */
			if (val > len - pos)
				return ERR_FORMAT(start, "%s length %llu exceeds the %zu bytes left",
				    major_names[major], (unsigned long long)val, len - pos);
			if (major == 3) {
				size_t bad = utf8_check(in + pos, (size_t)val);
				if (bad != (size_t)val)
					return ERR_FORMAT(pos + bad, "invalid utf-8 in text string");
			}
			/* REQ: CBOR-CANON a bignum that fits 64 bits is an integer, and has
			 * no leading zero byte (preferred serialization, RFC 8949 §3.4.3) */
			if (depth > 0 && stack[depth - 1].bignum &&
			    (val <= 8 || in[pos] == 0))
				return ERR_FORMAT(start, val <= 8 ? "bignum fits in an integer"
				    : "bignum has a leading zero byte");
			pos += (size_t)val;
			break;
		case 4:
			if (val > len - pos)
				return ERR_FORMAT(start, "array of %llu items exceeds the %zu bytes left",
				    (unsigned long long)val, len - pos);
			push = val > 0;
			break;
		case 5:
			if (val > (len - pos) / 2)
				return ERR_FORMAT(start, "map of %llu entries exceeds the %zu bytes left",
				    (unsigned long long)val, len - pos);
			push = val > 0;
			val *= 2;
			break;
		case 6:
			/* libcbor 0.8 cannot decode the unassigned tags 6..20 written
			 * in the head byte; refuse them here rather than let
			 * cbor_load fail with no reason */
			if (val >= 6 && val <= 20)
				return ERR_FORMAT(start, "tag %u is not supported", (unsigned)val);
			push = true;
			break;
		}

		/* REQ: CBOR-DEPTH fixed stack; deeper nesting is refused. Every
		 * array, map and tag counts, empty ones too (as in the encoder). */
		if (major >= 4 && major <= 6 && depth == KANSA_MAX_CBOR_DEPTH)
			return ERR_LIMIT(start, "nesting deeper than %d", KANSA_MAX_CBOR_DEPTH);
		if (push) {
			stack[depth].kind = major == 4 ? FRAME_ARRAY : major == 5 ? FRAME_MAP : FRAME_TAG;
			stack[depth].bignum = major == 6 && (val == 2 || val == 3);
			stack[depth].left = major == 6 ? 1 : val;
			stack[depth].key_off = 0;
			stack[depth].prev_off = 0;
			stack[depth].prev_len = 0;
			depth++;
			continue;
		}
complete:
		/* One item is complete: count it in its parents, closing every
		 * container it completes. */
		while (depth > 0) {
			struct frame *f = &stack[depth - 1];

			f->left--;
			if (f->kind == FRAME_MAP && f->left % 2 == 1) {
				size_t klen = pos - f->key_off;

				if (f->prev_len > 0) {
					size_t n = klen < f->prev_len ? klen : f->prev_len;
					int c = memcmp(in + f->prev_off, in + f->key_off, n);

					if (c == 0 && klen == f->prev_len)
						return ERR_FORMAT(f->key_off, "duplicate map key");
					/* REQ: CBOR-CANON keys sorted bytewise (RFC 8949 §4.2.1) */
					if (c > 0 || (c == 0 && klen < f->prev_len))
						return ERR_FORMAT(f->key_off, "map keys not in canonical order");
				}
				f->prev_off = f->key_off;
				f->prev_len = klen;
			}
			if (f->left > 0)
				break;
			depth--;
		}
	} while (depth > 0);

	/* REQ: CBOR-TRAILING exactly one item */
	if (pos != len)
		return ERR_FORMAT(pos, "%zu trailing bytes", len - pos);
	return 0;
}

int kansa_cbor__decode(cbor_item_t **out, const uint8_t *in, size_t len)
{
	struct cbor_load_result res;
	cbor_item_t *item;
	int error;

	*out = NULL;
	if ((error = kansa_cbor__validate(in, len)) < 0)
		return error;
	item = cbor_load(in, len, &res);
	if (item == NULL || res.error.code != CBOR_ERR_NONE || res.read != len) {
		if (item != NULL)
			cbor_decref(&item);
		if (res.error.code == CBOR_ERR_MEMERROR)
			return nomem();
		return kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_CBOR,
		    "cbor: offset %zu: libcbor refused the input (error %d)",
		    res.error.position, (int)res.error.code);
	}
	*out = item;
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Encoder                                                                 */
/* ---------------------------------------------------------------------- */

struct entry {
	const uint8_t *key; /* encoded key, inside the scratch buffer */
	size_t key_len;     /* bytes of the key */
	size_t val_len;     /* bytes of the value, which follow the key */
};

static int entry_cmp(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	size_t n = x->key_len < y->key_len ? x->key_len : y->key_len;
	int c = memcmp(x->key, y->key, n);

	if (c != 0)
		return c;
	return x->key_len < y->key_len ? -1 : x->key_len > y->key_len;
}

static int enc_item(kansa_buf *b, const cbor_item_t *item, size_t depth);

/* A head written by one of libcbor's encoders, which pick the width. */
typedef size_t (*head_fn)(size_t, unsigned char *, size_t);

static int put_head(kansa_buf *b, size_t n, unsigned char *h)
{
	if (n == 0)
		return kansa_error_set(KANSA_ERROR, KANSA_ERRCLASS_CBOR, "cbor: head encoding failed");
	return kansa_buf_put(b, h, n);
}

static int enc_string(kansa_buf *b, const cbor_item_t *item, bool text)
{
	unsigned char h[9];
	head_fn start = text ? cbor_encode_string_start : cbor_encode_bytestring_start;
	bool definite = text ? cbor_string_is_definite(item) : cbor_bytestring_is_definite(item);
	size_t total = 0, off;
	int error;

	/* libcbor's chunked ("indefinite") strings become one definite string. */
	if (definite) {
		const uint8_t *p = text ? cbor_string_handle(item) : cbor_bytestring_handle(item);
		size_t n = text ? cbor_string_length(item) : cbor_bytestring_length(item);

		if (text && utf8_check(p, n) != n)
			return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_CBOR,
			    "cbor: encode: invalid utf-8 in text string");
		if ((error = put_head(b, start(n, h, sizeof(h)), h)) < 0)
			return error;
		return kansa_buf_put(b, p, n);
	} else {
		cbor_item_t **chunks = text ? cbor_string_chunks_handle(item)
		    : cbor_bytestring_chunks_handle(item);
		size_t count = text ? cbor_string_chunk_count(item) : cbor_bytestring_chunk_count(item);

		for (size_t i = 0; i < count; i++) {
			size_t n = text ? cbor_string_length(chunks[i]) : cbor_bytestring_length(chunks[i]);
			if ((error = kansa_add_size(&total, total, n)) < 0)
				return kansa_error_set(error, KANSA_ERRCLASS_CBOR, "cbor: encode: string too long");
		}
		if ((error = put_head(b, start(total, h, sizeof(h)), h)) < 0)
			return error;
		off = b->len;
		for (size_t i = 0; i < count; i++) {
			const uint8_t *p = text ? cbor_string_handle(chunks[i]) : cbor_bytestring_handle(chunks[i]);
			size_t n = text ? cbor_string_length(chunks[i]) : cbor_bytestring_length(chunks[i]);
			if ((error = kansa_buf_put(b, p, n)) < 0)
				return error;
		}
		if (text && total > 0 && utf8_check(b->ptr + off, total) != total)
			return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_CBOR,
			    "cbor: encode: invalid utf-8 in text string");
		return 0;
	}
}

static int enc_map(kansa_buf *b, const cbor_item_t *item, size_t depth)
{
	kansa_buf scratch = KANSA_BUF_INIT(b->max);
	size_t n = cbor_map_size(item);
	struct cbor_pair *pairs = cbor_map_handle(item);
	struct entry *ents = NULL;
	size_t *offs = NULL;
	unsigned char h[9];
	int error = 0;

	if ((error = put_head(b, cbor_encode_map_start(n, h, sizeof(h)), h)) < 0 || n == 0)
		return error;
	ents = calloc(n, sizeof(*ents));
	offs = calloc(n, sizeof(*offs));
	if (ents == NULL || offs == NULL) {
		error = nomem();
		goto out;
	}
	/* Encode every entry into one scratch buffer, then sort the entries by
	 * their key bytes (pointers are taken once the buffer stops moving). */
	for (size_t i = 0; i < n; i++) {
		size_t kend;

		offs[i] = scratch.len;
		if ((error = enc_item(&scratch, pairs[i].key, depth + 1)) < 0)
			goto out;
		kend = scratch.len;
		if ((error = enc_item(&scratch, pairs[i].value, depth + 1)) < 0)
			goto out;
		ents[i].key_len = kend - offs[i];
		ents[i].val_len = scratch.len - kend;
	}
	for (size_t i = 0; i < n; i++)
		ents[i].key = scratch.ptr + offs[i];
	qsort(ents, n, sizeof(*ents), entry_cmp);
	for (size_t i = 0; i < n; i++) {
		/* REQ: CBOR-CANON no duplicate keys */
		if (i > 0 && entry_cmp(&ents[i - 1], &ents[i]) == 0) {
			error = kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_CBOR,
			    "cbor: encode: duplicate map key");
			goto out;
		}
		if ((error = kansa_buf_put(b, ents[i].key, ents[i].key_len + ents[i].val_len)) < 0)
			goto out;
	}
out:
	free(ents);
	free(offs);
	kansa_buf_dispose(&scratch);
	return error;
}

static int enc_item(kansa_buf *b, const cbor_item_t *item, size_t depth)
{
	unsigned char h[9];
	int error;

	if (item == NULL)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_CBOR, "cbor: encode: null item");

	switch (cbor_typeof(item)) {
	case CBOR_TYPE_UINT:
		return put_head(b, cbor_encode_uint(cbor_get_int(item), h, sizeof(h)), h);
	case CBOR_TYPE_NEGINT:
		return put_head(b, cbor_encode_negint(cbor_get_int(item), h, sizeof(h)), h);
	case CBOR_TYPE_BYTESTRING:
		return enc_string(b, item, false);
	case CBOR_TYPE_STRING:
		return enc_string(b, item, true);
	case CBOR_TYPE_ARRAY: {
		size_t n = cbor_array_size(item);
		cbor_item_t **v = cbor_array_handle(item);

		if (depth >= KANSA_MAX_CBOR_DEPTH)
			break;
		if ((error = put_head(b, cbor_encode_array_start(n, h, sizeof(h)), h)) < 0)
			return error;
		for (size_t i = 0; i < n; i++)
			if ((error = enc_item(b, v[i], depth + 1)) < 0)
				return error;
		return 0;
	}
	case CBOR_TYPE_MAP:
		if (depth >= KANSA_MAX_CBOR_DEPTH)
			break;
		return enc_map(b, item, depth);
	case CBOR_TYPE_TAG: {
		cbor_item_t *inner;

		if (depth >= KANSA_MAX_CBOR_DEPTH)
			break;
		if (cbor_tag_value(item) >= 6 && cbor_tag_value(item) <= 20)
			return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_CBOR,
			    "cbor: encode: tag %u is not supported", (unsigned)cbor_tag_value(item));
		if ((error = put_head(b, cbor_encode_tag(cbor_tag_value(item), h, sizeof(h)), h)) < 0)
			return error;
		inner = cbor_tag_item(item); /* a new reference */
		if ((cbor_tag_value(item) == 2 || cbor_tag_value(item) == 3) &&
		    !(cbor_isa_bytestring(inner) && cbor_bytestring_is_definite(inner) &&
		    cbor_bytestring_length(inner) > 8 && cbor_bytestring_handle(inner)[0] != 0))
			error = kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_CBOR,
			    "cbor: encode: bignum not in preferred form");
		else
			error = enc_item(b, inner, depth + 1);
		cbor_decref(&inner);
		return error;
	}
	case CBOR_TYPE_FLOAT_CTRL:
		if (cbor_float_ctrl_is_ctrl(item)) {
			uint8_t v = cbor_ctrl_value(item);

			if (v == CBOR_CTRL_FALSE || v == CBOR_CTRL_TRUE || v == CBOR_CTRL_NULL)
				return put_head(b, cbor_encode_ctrl(v, h, sizeof(h)), h);
			if (v == CBOR_CTRL_UNDEF)
				return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_CBOR,
				    "cbor: encode: undefined is not allowed");
			return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_CBOR,
			    "cbor: encode: simple value %u is not allowed", v);
		}
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_CBOR,
		    "cbor: encode: floats are not allowed");
	default:
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_CBOR, "cbor: encode: unknown item type");
	}
	return kansa_error_set(KANSA_ELIMIT, KANSA_ERRCLASS_CBOR,
	    "cbor: encode: nesting deeper than %d", KANSA_MAX_CBOR_DEPTH);
}

int kansa_cbor__encode(uint8_t **out, size_t *out_len, const cbor_item_t *item)
{
	kansa_buf b = KANSA_BUF_INIT(KANSA_MAX_CBOR_BYTES);
	int error;

	*out = NULL;
	*out_len = 0;
	if ((error = enc_item(&b, item, 0)) < 0) {
		kansa_buf_dispose(&b);
		return error;
	}
	if (b.len == 0 || (*out = kansa_buf_detach(&b, out_len)) == NULL) {
		kansa_buf_dispose(&b);
		return nomem();
	}
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Builders                                                                */
/* ---------------------------------------------------------------------- */

static cbor_item_t *built(cbor_item_t *item)
{
	if (item == NULL)
		nomem();
	return item;
}

cbor_item_t *kansa_cbor__uint(uint64_t v)
{
	if (v <= UINT8_MAX)
		return built(cbor_build_uint8((uint8_t)v));
	if (v <= UINT16_MAX)
		return built(cbor_build_uint16((uint16_t)v));
	if (v <= UINT32_MAX)
		return built(cbor_build_uint32((uint32_t)v));
	return built(cbor_build_uint64(v));
}

cbor_item_t *kansa_cbor__int(int64_t v)
{
	uint64_t n;

	if (v >= 0)
		return kansa_cbor__uint((uint64_t)v);
	n = ~(uint64_t)v; /* -1 - v, without overflow at INT64_MIN */
	if (n <= UINT8_MAX)
		return built(cbor_build_negint8((uint8_t)n));
	if (n <= UINT16_MAX)
		return built(cbor_build_negint16((uint16_t)n));
	if (n <= UINT32_MAX)
		return built(cbor_build_negint32((uint32_t)n));
	return built(cbor_build_negint64(n));
}

cbor_item_t *kansa_cbor__text(const char *s)
{
	if (s == NULL) {
		kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_CBOR, "cbor: null text");
		return NULL;
	}
	return built(cbor_build_stringn(s, strlen(s)));
}

cbor_item_t *kansa_cbor__bytes(const uint8_t *p, size_t len)
{
	static const uint8_t empty[1];

	/* libcbor memcpy's from the handle even for 0 bytes. */
	return built(cbor_build_bytestring(len > 0 ? p : empty, len));
}

cbor_item_t *kansa_cbor__bool(bool v)
{
	return built(cbor_build_bool(v));
}

cbor_item_t *kansa_cbor__map(void)
{
	return built(cbor_new_indefinite_map());
}

cbor_item_t *kansa_cbor__array(void)
{
	return built(cbor_new_indefinite_array());
}

cbor_item_t *kansa_cbor__tag(uint64_t tag, cbor_item_t *item)
{
	cbor_item_t *t;

	if (item == NULL)
		return NULL; /* the builder of item already set the error */
	if ((t = cbor_new_tag(tag)) == NULL) {
		cbor_decref(&item);
		nomem();
		return NULL;
	}
	cbor_tag_set_item(t, item); /* takes its own reference */
	cbor_decref(&item);
	return t;
}

/* ---------------------------------------------------------------------- */
/* Containers                                                              */
/* ---------------------------------------------------------------------- */

static void drop(cbor_item_t *a, cbor_item_t *b)
{
	if (a != NULL)
		cbor_decref(&a);
	if (b != NULL)
		cbor_decref(&b);
}

int kansa_cbor__map_add(cbor_item_t *map, cbor_item_t *key, cbor_item_t *value)
{
	bool ok;

	if (key == NULL || value == NULL) {
		drop(key, value);
		return kansa_error_last()->code < 0 ? kansa_error_last()->code : nomem();
	}
	if (map == NULL || !cbor_isa_map(map)) {
		drop(key, value);
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_CBOR, "cbor: map_add on a non-map");
	}
	ok = cbor_map_add(map, (struct cbor_pair){ .key = key, .value = value });
	drop(key, value); /* the map holds its own references */
	return ok ? 0 : nomem();
}

int kansa_cbor__map_put(cbor_item_t *map, const char *key, cbor_item_t *value)
{
	cbor_item_t *k = key ? kansa_cbor__text(key) : NULL;

	if (key == NULL) {
		drop(value, NULL);
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_CBOR, "cbor: null map key");
	}
	return kansa_cbor__map_add(map, k, value);
}

int kansa_cbor__map_put_int(cbor_item_t *map, int64_t key, cbor_item_t *value)
{
	return kansa_cbor__map_add(map, kansa_cbor__int(key), value);
}

int kansa_cbor__array_push(cbor_item_t *array, cbor_item_t *item)
{
	bool ok;

	if (item == NULL)
		return kansa_error_last()->code < 0 ? kansa_error_last()->code : nomem();
	if (array == NULL || !cbor_isa_array(array)) {
		drop(item, NULL);
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_CBOR, "cbor: array_push on a non-array");
	}
	ok = cbor_array_push(array, item);
	drop(item, NULL);
	return ok ? 0 : nomem();
}

/* ---------------------------------------------------------------------- */
/* Readers                                                                 */
/* ---------------------------------------------------------------------- */

cbor_item_t *kansa_cbor__map_get(const cbor_item_t *map, const char *key)
{
	struct cbor_pair *pairs;
	size_t n, klen;

	if (map == NULL || key == NULL || !cbor_isa_map(map))
		return NULL;
	klen = strlen(key);
	pairs = cbor_map_handle(map);
	n = cbor_map_size(map);
	for (size_t i = 0; i < n; i++) {
		const cbor_item_t *k = pairs[i].key;

		if (cbor_isa_string(k) && cbor_string_is_definite(k) &&
		    cbor_string_length(k) == klen &&
		    (klen == 0 || memcmp(cbor_string_handle(k), key, klen) == 0))
			return pairs[i].value;
	}
	return NULL;
}

cbor_item_t *kansa_cbor__map_get_int(const cbor_item_t *map, int64_t key)
{
	struct cbor_pair *pairs;
	size_t n;

	if (map == NULL || !cbor_isa_map(map))
		return NULL;
	pairs = cbor_map_handle(map);
	n = cbor_map_size(map);
	for (size_t i = 0; i < n; i++) {
		int64_t v;

		if (cbor_is_int(pairs[i].key) && kansa_cbor__get_int(&v, pairs[i].key) == 0 && v == key)
			return pairs[i].value;
	}
	return NULL;
}

static int wrong_type(const char *want)
{
	return kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_CBOR, "cbor: expected %s", want);
}

int kansa_cbor__get_int(int64_t *out, const cbor_item_t *item)
{
	uint64_t v;

	*out = 0;
	if (item == NULL || !cbor_is_int(item))
		return wrong_type("an integer");
	v = cbor_get_int(item);
	if (v > (uint64_t)INT64_MAX)
		return kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_CBOR,
		    "cbor: integer out of the signed 64-bit range");
	*out = cbor_isa_uint(item) ? (int64_t)v : -1 - (int64_t)v;
	return 0;
}

int kansa_cbor__get_uint(uint64_t *out, const cbor_item_t *item)
{
	*out = 0;
	if (item == NULL || !cbor_isa_uint(item))
		return wrong_type("an unsigned integer");
	*out = cbor_get_int(item);
	return 0;
}

int kansa_cbor__get_bool(bool *out, const cbor_item_t *item)
{
	*out = false;
	if (item == NULL || !cbor_is_bool(item))
		return wrong_type("a boolean");
	*out = cbor_get_bool(item);
	return 0;
}

int kansa_cbor__get_text(char **out, const cbor_item_t *item)
{
	const uint8_t *p;
	size_t n;

	*out = NULL;
	if (item == NULL || !cbor_isa_string(item) || !cbor_string_is_definite(item))
		return wrong_type("a text string");
	p = cbor_string_handle(item);
	n = cbor_string_length(item);
	if (n > 0 && memchr(p, 0, n) != NULL)
		return kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_CBOR,
		    "cbor: text string contains a nul character");
	if ((*out = kansa_strndup(n > 0 ? (const char *)p : "", n)) == NULL)
		return nomem();
	return 0;
}

int kansa_cbor__get_bytes(const uint8_t **out, size_t *out_len, const cbor_item_t *item)
{
	static const uint8_t empty[1];

	*out = NULL;
	*out_len = 0;
	if (item == NULL || !cbor_isa_bytestring(item) || !cbor_bytestring_is_definite(item))
		return wrong_type("a byte string");
	*out_len = cbor_bytestring_length(item);
	*out = *out_len > 0 ? cbor_bytestring_handle(item) : empty;
	return 0;
}
