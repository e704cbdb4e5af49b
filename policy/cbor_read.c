/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The pull reader of policy/cbor.h: heads of validated canonical CBOR, one
 * at a time, decoded by libcbor's streaming decoder (cbor_stream_decode,
 * whose callbacks fill one kansa_cbor_head), with strings as pointers into
 * the input. Nothing is allocated per item.
 *
 * The input has passed kansa_cbor__validate, so every head is in shortest
 * form, every length fits the input, texts are UTF-8, keys are sorted and
 * distinct, and there are no floats, undefined or indefinite lengths. The
 * reader still fails closed on anything libcbor reports or that a
 * validated input cannot hold.
 */
#include <string.h>

#include "policy/cbor.h"

/* What the callbacks saw: the head, or major -1 for an item kansa refuses
 * (validated input holds none). */
struct sink {
	kansa_cbor_head *h;
};

static void put(void *ctx, int major, uint64_t value)
{
	kansa_cbor_head *h = ((struct sink *)ctx)->h;

	h->major = major;
	h->value = value;
	h->data = NULL;
}

static void on_u8(void *c, uint8_t v) { put(c, KANSA_CBOR_UINT, v); }
static void on_u16(void *c, uint16_t v) { put(c, KANSA_CBOR_UINT, v); }
static void on_u32(void *c, uint32_t v) { put(c, KANSA_CBOR_UINT, v); }
static void on_u64(void *c, uint64_t v) { put(c, KANSA_CBOR_UINT, v); }
static void on_n8(void *c, uint8_t v) { put(c, KANSA_CBOR_NEGINT, v); }
static void on_n16(void *c, uint16_t v) { put(c, KANSA_CBOR_NEGINT, v); }
static void on_n32(void *c, uint32_t v) { put(c, KANSA_CBOR_NEGINT, v); }
static void on_n64(void *c, uint64_t v) { put(c, KANSA_CBOR_NEGINT, v); }
static void on_array(void *c, size_t n) { put(c, KANSA_CBOR_ARRAY, n); }
static void on_map(void *c, size_t n) { put(c, KANSA_CBOR_MAP, n); }
static void on_tag(void *c, uint64_t v) { put(c, KANSA_CBOR_TAG, v); }
static void on_null(void *c) { put(c, KANSA_CBOR_SIMPLE, KANSA_CBOR_NULL); }
static void on_bool(void *c, bool v) { put(c, KANSA_CBOR_SIMPLE, v ? KANSA_CBOR_TRUE : KANSA_CBOR_FALSE); }
static void on_refused(void *c) { put(c, -1, 0); }
static void on_float(void *c, float v) { (void)v; put(c, -1, 0); }
static void on_double(void *c, double v) { (void)v; put(c, -1, 0); }

static void on_bytes(void *c, cbor_data p, size_t n)
{
	put(c, KANSA_CBOR_BYTES, n);
	((struct sink *)c)->h->data = p;
}

static void on_text(void *c, cbor_data p, size_t n)
{
	put(c, KANSA_CBOR_TEXT, n);
	((struct sink *)c)->h->data = p;
}

static const struct cbor_callbacks callbacks = {
	.uint8 = on_u8, .uint16 = on_u16, .uint32 = on_u32, .uint64 = on_u64,
	.negint8 = on_n8, .negint16 = on_n16, .negint32 = on_n32, .negint64 = on_n64,
	.byte_string_start = on_refused, .byte_string = on_bytes,
	.string = on_text, .string_start = on_refused,
	.indef_array_start = on_refused, .array_start = on_array,
	.indef_map_start = on_refused, .map_start = on_map,
	.tag = on_tag,
	.float2 = on_float, .float4 = on_float, .float8 = on_double,
	.undefined = on_refused, .null = on_null, .boolean = on_bool,
	.indef_break = on_refused,
};

static int bad(size_t off, const char *what)
{
	return kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_CBOR, "cbor: offset %zu: %s", off, what);
}

int kansa_cbor__reader_init(kansa_cbor_reader *r, const uint8_t *in, size_t len)
{
	int error;

	r->in = NULL;
	r->len = 0;
	r->pos = 0;
	if ((error = kansa_cbor__validate(in, len)) < 0)
		return error;
	r->in = in;
	r->len = len;
	return 0;
}

int kansa_cbor__read(kansa_cbor_reader *r, kansa_cbor_head *h)
{
	struct sink sink = { h };
	struct cbor_decoder_result res;

	h->major = -1;
	h->value = 0;
	h->data = NULL;
	if (r->in == NULL || r->pos >= r->len)
		return bad(r->pos, "unexpected end of input");
	res = cbor_stream_decode(r->in + r->pos, r->len - r->pos, &callbacks, &sink);
	if (res.status != CBOR_DECODER_FINISHED || res.read == 0 || res.read > r->len - r->pos)
		return bad(r->pos, "libcbor could not decode the item");
	if (h->major < 0)
		return bad(r->pos, "an item that canonical input cannot hold");
	r->pos += res.read;
	return 0;
}

int kansa_cbor__read_at(const kansa_cbor_reader *r, size_t off, kansa_cbor_head *h)
{
	kansa_cbor_reader at = *r;

	at.pos = off;
	return kansa_cbor__read(&at, h);
}


/* Whether the text of @p h is the NUL-terminated @p key. */
static bool key_is(const kansa_cbor_head *h, const char *key)
{
	/* the first byte first: most keys differ there, and strlen is then not needed */
	if (h->value == 0)
		return key[0] == '\0';
	return key[0] == (char)h->data[0] && strlen(key) == h->value && memcmp(key, h->data, h->value) == 0;
}

int kansa_cbor__skip_rest(kansa_cbor_reader *r, const kansa_cbor_head *h)
{
	uint64_t left = h->major == KANSA_CBOR_ARRAY ? h->value : h->major == KANSA_CBOR_MAP ? 2 * h->value
	    : h->major == KANSA_CBOR_TAG ? 1 : 0;
	kansa_cbor_head c;
	int error;

	while (left > 0) {
		if ((error = kansa_cbor__read(r, &c)) < 0)
			return error;
		left--;
		if (c.major == KANSA_CBOR_ARRAY)
			left += c.value;
		else if (c.major == KANSA_CBOR_MAP)
			left += 2 * c.value;
		else if (c.major == KANSA_CBOR_TAG)
			left += 1;
	}
	return 0;
}

int kansa_cbor__skip(kansa_cbor_reader *r)
{
	kansa_cbor_head h;
	int error;

	if ((error = kansa_cbor__read(r, &h)) < 0)
		return error;
	return kansa_cbor__skip_rest(r, &h);
}

int kansa_cbor__map_index(kansa_cbor_reader *r, const char *const *keys, size_t n, size_t *vals,
    kansa_cbor_head *heads, uint64_t *n_pairs)
{
	kansa_cbor_head h;
	int error;

	for (size_t k = 0; k < n; k++) {
		vals[k] = SIZE_MAX;
		if (heads != NULL)
			heads[k].major = -1;
	}
	*n_pairs = 0;
	if ((error = kansa_cbor__read(r, &h)) < 0)
		return error;
	if (h.major != KANSA_CBOR_MAP)
		return kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_CBOR, "cbor: expected a map");
	*n_pairs = h.value;
	for (uint64_t i = 0; i < h.value; i++) {
		kansa_cbor_head key, val;
		size_t k = n, at;

		if ((error = kansa_cbor__read(r, &key)) < 0)
			return error;
		if (key.major != KANSA_CBOR_TEXT) {
			/* a key of another type: pass it whole (it may be a container) */
			if ((error = kansa_cbor__skip_rest(r, &key)) < 0)
				return error;
		} else {
			for (k = 0; k < n && !key_is(&key, keys[k]); k++)
				;
		}
		at = r->pos;
		if ((error = kansa_cbor__read(r, &val)) < 0 || (error = kansa_cbor__skip_rest(r, &val)) < 0)
			return error;
		if (k < n) {
			vals[k] = at;
			if (heads != NULL)
				heads[k] = val;
		}
	}
	return 0;
}

static int wrong_type(const char *want)
{
	return kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_CBOR, "cbor: expected %s", want);
}

int kansa_cbor__head_int(int64_t *out, const kansa_cbor_head *h)
{
	*out = 0;
	if (h == NULL || (h->major != KANSA_CBOR_UINT && h->major != KANSA_CBOR_NEGINT))
		return wrong_type("an integer");
	if (h->value > (uint64_t)INT64_MAX)
		return kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_CBOR,
		    "cbor: integer out of the signed 64-bit range");
	*out = h->major == KANSA_CBOR_UINT ? (int64_t)h->value : -1 - (int64_t)h->value;
	return 0;
}

int kansa_cbor__head_uint(uint64_t *out, const kansa_cbor_head *h)
{
	*out = 0;
	if (h == NULL || h->major != KANSA_CBOR_UINT)
		return wrong_type("an unsigned integer");
	*out = h->value;
	return 0;
}

int kansa_cbor__head_bool(bool *out, const kansa_cbor_head *h)
{
	*out = false;
	if (h == NULL || h->major != KANSA_CBOR_SIMPLE ||
	    (h->value != KANSA_CBOR_FALSE && h->value != KANSA_CBOR_TRUE))
		return wrong_type("a boolean");
	*out = h->value == KANSA_CBOR_TRUE;
	return 0;
}

int kansa_cbor__head_text(const char **out, size_t *out_len, const kansa_cbor_head *h)
{
	*out = NULL;
	*out_len = 0;
	if (h == NULL || h->major != KANSA_CBOR_TEXT)
		return wrong_type("a text string");
	if (h->value > 0 && memchr(h->data, 0, (size_t)h->value) != NULL)
		return kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_CBOR,
		    "cbor: text string contains a nul character");
	*out = h->value > 0 ? (const char *)h->data : "";
	*out_len = (size_t)h->value;
	return 0;
}

int kansa_cbor__head_strdup(char **out, const kansa_cbor_head *h)
{
	const char *p;
	size_t n;
	int error;

	*out = NULL;
	if ((error = kansa_cbor__head_text(&p, &n, h)) < 0)
		return error;
	if ((*out = kansa_strndup(p, n)) == NULL)
		return kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
	return 0;
}

int kansa_cbor__head_bytes(const uint8_t **out, size_t *out_len, const kansa_cbor_head *h)
{
	static const uint8_t empty[1];

	*out = NULL;
	*out_len = 0;
	if (h == NULL || h->major != KANSA_CBOR_BYTES)
		return wrong_type("a byte string");
	*out_len = (size_t)h->value;
	*out = *out_len > 0 ? h->data : empty;
	return 0;
}
