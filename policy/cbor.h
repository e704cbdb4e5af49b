/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Canonical CBOR for signed data (design §3, RFC 8949 §4.2.1), on top of
 * libcbor's item model.
 *
 * Decoding: kansa_cbor__decode() first runs a strict, non-recursive
 * validator over the raw bytes (explicit fixed-size stack), and only then
 * hands the bytes to libcbor's cbor_load; the pull reader below
 * (kansa_cbor__reader_init) runs the same validator and then walks the
 * bytes with libcbor's streaming decoder instead. The validator rejects, with
 * KANSA_EFORMAT and a message "cbor: offset N: <what>": non-shortest integer,
 * length or tag heads; indefinite lengths; map keys not sorted by their
 * encoded bytes, or duplicated; floats and simple values other than
 * false/true/null (undefined is rejected); lengths or counts larger than the
 * bytes left; trailing bytes; invalid UTF-8 in text strings; reserved
 * additional-info values 28..30. It rejects with KANSA_ELIMIT: inputs over
 * KANSA_MAX_CBOR_BYTES (before reading a byte), nesting deeper than
 * KANSA_MAX_CBOR_DEPTH, more than KANSA_MAX_CBOR_ITEMS items.
 *
 * Encoding: kansa_cbor__encode() serialises an item tree canonically:
 * every head at its shortest width (libcbor's cbor_encode_uint & co. pick
 * the width from the value), definite lengths even for libcbor's growable
 * ("indefinite") containers, map entries sorted by the bytes of their
 * encoded keys. It refuses floats, undefined and duplicate map keys with
 * KANSA_EINVAL. Build trees with the helpers below, which also pick the
 * smallest width.
 *
 * Ownership: items returned by builders and decode are owned by the caller
 * (cbor_decref). Functions that take a "stolen" item take over the caller's
 * reference even when they fail. Readers return borrowed items.
 */
#ifndef KANSA_POLICY_CBOR_H
#define KANSA_POLICY_CBOR_H

#include <cbor.h>

#include "common/common.h"

/* Validate that in[0..len) is exactly one canonical CBOR data item. */
int kansa_cbor__validate(const uint8_t *in, size_t len);

/* Validate, then decode into a libcbor item tree (owned by the caller). */
int kansa_cbor__decode(cbor_item_t **out, const uint8_t *in, size_t len);

/* Canonical encoding of an item tree. *out is malloc'd, owned by the caller. */
int kansa_cbor__encode(uint8_t **out, size_t *out_len, const cbor_item_t *item);

/*
 * Writers (policy/cbor_write.c): canonical CBOR straight into a buffer, with no item tree, for
 * fixed shapes on hot paths (the receipt of every check, policy/receipt.c).
 * They give the bytes kansa_cbor__encode gives for the same items (the
 * shortest head); map keys are the caller's to write in canonical order.
 * put_text refuses invalid UTF-8 (KANSA_EINVAL), as the encoder does.
 */
enum { KANSA_CBOR_UINT = 0, KANSA_CBOR_NEGINT = 1, KANSA_CBOR_BYTES = 2, KANSA_CBOR_TEXT = 3,
	KANSA_CBOR_ARRAY = 4, KANSA_CBOR_MAP = 5 };
int kansa_cbor__put_head(kansa_buf *b, int major, uint64_t value);
int kansa_cbor__put_int(kansa_buf *b, int64_t v);
int kansa_cbor__put_bytes(kansa_buf *b, const uint8_t *p, size_t len);
int kansa_cbor__put_text(kansa_buf *b, const char *s); /* NUL-terminated */
int kansa_cbor__put_null(kansa_buf *b);
/* Whether s[0..len) is valid UTF-8 (no overlongs, surrogates or > U+10FFFF). */
bool kansa_cbor__utf8_valid(const uint8_t *s, size_t len);

/*
 * Reader (policy/cbor_read.c): a pull reader over input that
 * kansa_cbor__reader_init has validated, for fixed shapes on hot paths
 * (ledger entries in replay, the request of every check). Each call gives
 * the next item's head, decoded by libcbor's streaming decoder
 * (cbor_stream_decode), and for a string a pointer into the input: no
 * allocation per item. Strictness (canonical form, limits, UTF-8) is the
 * validator's, done once; shape and types are the caller's to check.
 */
enum { KANSA_CBOR_TAG = 6, KANSA_CBOR_SIMPLE = 7 };
enum { KANSA_CBOR_FALSE = 20, KANSA_CBOR_TRUE = 21, KANSA_CBOR_NULL = 22 };

typedef struct {
	int major;           /* KANSA_CBOR_UINT .. KANSA_CBOR_SIMPLE */
	uint64_t value;      /* uint: it; negint: n of -1-n; string: length; array, map:
	                      * count of items, of pairs; tag: number; simple: KANSA_CBOR_FALSE.. */
	const uint8_t *data; /* strings: their bytes, inside the input; else NULL */
} kansa_cbor_head;

typedef struct {
	const uint8_t *in;
	size_t len;
	size_t pos; /* offset of the next head */
} kansa_cbor_reader;

/* Validate in[0..len) (kansa_cbor__validate) and point @p r at its item. */
int kansa_cbor__reader_init(kansa_cbor_reader *r, const uint8_t *in, size_t len);
/* The head at r->pos; moves past it (and past a string's bytes, or into a
 * container or tag's content). */
int kansa_cbor__read(kansa_cbor_reader *r, kansa_cbor_head *h);
/* The head at offset @p off, leaving @p r as it is. */
int kansa_cbor__read_at(const kansa_cbor_reader *r, size_t off, kansa_cbor_head *h);
/* Moves past one whole item, everything it contains included. */
int kansa_cbor__skip(kansa_cbor_reader *r);
/* Moves past what the item whose head @p h was just read contains. */
int kansa_cbor__skip_rest(kansa_cbor_reader *r, const kansa_cbor_head *h);
/*
 * Reads the map at r->pos and moves past it: *n_pairs gets its size,
 * vals[k] the offset of the value of the text key keys[k] (SIZE_MAX when
 * absent) and, when @p heads is not NULL, heads[k] its head (major -1 when
 * absent). Other keys are counted, not reported; the caller compares the
 * count (KANSA_EFORMAT "cbor: expected a map" when it is no map).
 */
int kansa_cbor__map_index(kansa_cbor_reader *r, const char *const *keys, size_t n, size_t *vals,
    kansa_cbor_head *heads, uint64_t *n_pairs);
/* Values of heads, as the tree readers below take them (same errors). */
int kansa_cbor__head_int(int64_t *out, const kansa_cbor_head *h);
int kansa_cbor__head_uint(uint64_t *out, const kansa_cbor_head *h);
int kansa_cbor__head_bool(bool *out, const kansa_cbor_head *h);
/* A text string without NUL: borrowed pointer and length. */
int kansa_cbor__head_text(const char **out, size_t *out_len, const kansa_cbor_head *h);
/* The same as a malloc'd NUL-terminated copy (the caller frees it). */
int kansa_cbor__head_strdup(char **out, const kansa_cbor_head *h);
int kansa_cbor__head_bytes(const uint8_t **out, size_t *out_len, const kansa_cbor_head *h);

/* Builders (NULL on out of memory, with the error set). */
cbor_item_t *kansa_cbor__uint(uint64_t v);
cbor_item_t *kansa_cbor__int(int64_t v);
cbor_item_t *kansa_cbor__text(const char *s);                  /* NUL-terminated UTF-8 */
cbor_item_t *kansa_cbor__bytes(const uint8_t *p, size_t len);
cbor_item_t *kansa_cbor__bool(bool v);
cbor_item_t *kansa_cbor__map(void);                            /* growable */
cbor_item_t *kansa_cbor__array(void);                          /* growable */
cbor_item_t *kansa_cbor__tag(uint64_t tag, cbor_item_t *item); /* item stolen */

/* Add to containers; key and value (item) are stolen, even on failure. */
int kansa_cbor__map_add(cbor_item_t *map, cbor_item_t *key, cbor_item_t *value);
int kansa_cbor__map_put(cbor_item_t *map, const char *key, cbor_item_t *value);
int kansa_cbor__map_put_int(cbor_item_t *map, int64_t key, cbor_item_t *value);
int kansa_cbor__array_push(cbor_item_t *array, cbor_item_t *item);

/* Readers. map_get* return a borrowed value or NULL when the key is absent. */
cbor_item_t *kansa_cbor__map_get(const cbor_item_t *map, const char *key);
cbor_item_t *kansa_cbor__map_get_int(const cbor_item_t *map, int64_t key);
/* KANSA_EFORMAT when the item is not of that type or out of range. */
int kansa_cbor__get_int(int64_t *out, const cbor_item_t *item);
int kansa_cbor__get_uint(uint64_t *out, const cbor_item_t *item);
int kansa_cbor__get_bool(bool *out, const cbor_item_t *item);
/* A text string as a malloc'd NUL-terminated copy; refuses embedded NUL. */
int kansa_cbor__get_text(char **out, const cbor_item_t *item);
/* A byte string: borrowed pointer and length (valid while the item lives). */
int kansa_cbor__get_bytes(const uint8_t **out, size_t *out_len, const cbor_item_t *item);

#endif
