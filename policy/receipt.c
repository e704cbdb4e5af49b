/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Receipts (design §9; layout in receipt.h): the canonical encoding of a
 * receipt's payload and its COSE_Sign1 envelope, and the strict parser that
 * gateways run on bytes from anyone.
 *
 * libcbor 0.8 cannot decode the tags 6..20 written in the head byte, and tag
 * 18 is one of them, so the envelope's tag is the single byte 0xd2 written
 * and checked here; everything inside it goes through kansa_cbor__decode
 * (canonical, bounded, no recursion on input) and is then checked against
 * one exact shape: known fields only, every one present, exact types and
 * lengths. A parsed receipt is a statement nobody vouched for yet: this file
 * must never say a receipt is valid (ledger/receipt.c verifies signatures).
 */
#include <stdlib.h>
#include <string.h>

#include "keys/keys.h"
#include "policy/cbor.h"
#include "policy/receipt.h"

#define COSE_LABEL_ALG 1
#define COSE_LABEL_CTYP 3
#define COSE_LABEL_KID 4

/* Worst case: the fields at their bounds plus the CBOR heads and key names
 * (about 150 bytes), the protected header (45) and the signature (66). */
_Static_assert(KANSA_CHECKPOINT_MAX_ORIGIN + 2 * KANSA_RECEIPT_MAX_TEXT + 32 +
    4 * KANSA_HASH_LEN + 16 + 4 * 9 + 150 + 45 + 66 <= KANSA_RECEIPT_MAX_BYTES,
    "the largest receipt fits KANSA_RECEIPT_MAX_BYTES");

static int fmt_error(const char *what)
{
	return kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_COSE, "receipt: %s", what);
}

void kansa_receipt__parts_dispose(kansa_receipt_parts *p)
{
	free(p->protected_hdr);
	free(p->payload);
	free(p->tbs);
	memset(p, 0, sizeof(*p));
}

/* ---------------------------------------------------------------------- */
/* Encoding                                                                */
/* ---------------------------------------------------------------------- */

/*
 * Every receipt is written straight into a buffer with the CBOR writers
 * (no item tree: this runs once per check). The payload's keys are written
 * in canonical order — shorter keys first, then bytewise — which is the
 * order kansa_cbor__encode sorts them into; the unit tests compare the two.
 */
static int put_text_or_null(kansa_buf *b, const char *s)
{
	return s[0] ? kansa_cbor__put_text(b, s) : kansa_cbor__put_null(b);
}

static int put_field(kansa_buf *b, const char *key)
{
	return kansa_cbor__put_text(b, key);
}

static int encode_payload(kansa_buf *b, const kansa_receipt_info *r)
{
	int error;

	if ((error = kansa_cbor__put_head(b, KANSA_CBOR_MAP, 12)) < 0 ||
	    (error = put_field(b, "log")) < 0 || (error = kansa_cbor__put_text(b, r->log)) < 0 ||
	    (error = put_field(b, "seq")) < 0 || (error = kansa_cbor__put_head(b, KANSA_CBOR_UINT, r->seq)) < 0 ||
	    (error = put_field(b, "leaf")) < 0 || (error = kansa_cbor__put_bytes(b, r->leaf_hash, KANSA_HASH_LEN)) < 0 ||
	    (error = put_field(b, "time")) < 0 || (error = kansa_cbor__put_int(b, r->time)) < 0 ||
	    (error = put_field(b, "action")) < 0 || (error = put_text_or_null(b, r->action)) < 0 ||
	    (error = put_field(b, "reason")) < 0 || (error = kansa_cbor__put_text(b, kansa_reason_name(r->reason))) < 0 ||
	    (error = put_field(b, "officer")) < 0 || (error = put_text_or_null(b, r->officer)) < 0 ||
	    (error = put_field(b, "request")) < 0 || (error = kansa_cbor__put_bytes(b, r->request_hash, KANSA_HASH_LEN)) < 0 ||
	    (error = put_field(b, "warrant")) < 0 || (error = r->has_warrant ?
	        kansa_cbor__put_bytes(b, r->warrant_cti, sizeof(r->warrant_cti)) : kansa_cbor__put_null(b)) < 0 ||
	    (error = put_field(b, "decision")) < 0 ||
	    (error = kansa_cbor__put_text(b, r->verdict == KANSA_ALLOW ? "allow" : "deny")) < 0 ||
	    (error = put_field(b, "not_after")) < 0 || (error = kansa_cbor__put_int(b, r->not_after)) < 0 ||
	    (error = put_field(b, "requester")) < 0 || (error = put_text_or_null(b, r->requester)) < 0)
		return error;
	return 0;
}

/* {1: -8, 3: content type, 4: kid}: integer keys in canonical order. */
static int encode_protected(kansa_buf *b, const uint8_t kid[KANSA_KID_LEN])
{
	int error;

	if ((error = kansa_cbor__put_head(b, KANSA_CBOR_MAP, 3)) < 0 ||
	    (error = kansa_cbor__put_int(b, COSE_LABEL_ALG)) < 0 ||
	    (error = kansa_cbor__put_int(b, -8)) < 0 ||
	    (error = kansa_cbor__put_int(b, COSE_LABEL_CTYP)) < 0 ||
	    (error = kansa_cbor__put_text(b, KANSA_RECEIPT_CONTENT_TYPE)) < 0 ||
	    (error = kansa_cbor__put_int(b, COSE_LABEL_KID)) < 0)
		return error;
	return kansa_cbor__put_bytes(b, kid, KANSA_KID_LEN);
}

/* The bytes written into @p b, moved to *out. */
static int detach(uint8_t **out, size_t *len, kansa_buf *b, int error)
{
	if (error == 0 && (*out = kansa_buf_detach(b, len)) == NULL)
		error = kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
	kansa_buf_dispose(b);
	return error;
}

/* REQ: RECEIPT-SIG Sig_structure of RFC 9052 §4.4, context "Signature1", no external aad */
static int encode_tbs(kansa_receipt_parts *p, const uint8_t *prot, size_t prot_len,
    const uint8_t *payload, size_t payload_len)
{
	kansa_buf b = KANSA_BUF_INIT(KANSA_MAX_CBOR_BYTES);
	int error;

	if ((error = kansa_cbor__put_head(&b, KANSA_CBOR_ARRAY, 4)) == 0 &&
	    (error = kansa_cbor__put_text(&b, "Signature1")) == 0 &&
	    (error = kansa_cbor__put_bytes(&b, prot, prot_len)) == 0 &&
	    (error = kansa_cbor__put_bytes(&b, NULL, 0)) == 0) /* external_aad */
		error = kansa_cbor__put_bytes(&b, payload, payload_len);
	return detach(&p->tbs, &p->tbs_len, &b, error);
}

int kansa_receipt__encode(kansa_receipt_parts *out, const kansa_receipt_info *info)
{
	kansa_buf pb = KANSA_BUF_INIT(KANSA_MAX_CBOR_BYTES), hb = KANSA_BUF_INIT(KANSA_MAX_CBOR_BYTES);
	int error;

	memset(out, 0, sizeof(*out));
	if (strlen(info->requester) > KANSA_RECEIPT_MAX_TEXT || strlen(info->officer) > KANSA_RECEIPT_MAX_TEXT ||
	    info->log[0] == '\0' || (info->verdict != KANSA_ALLOW && info->verdict != KANSA_DENY))
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_COSE, "receipt: bad field to encode");
	if ((error = kansa_buf_reserve(&pb, 512)) == 0)
		error = encode_payload(&pb, info);
	if ((error = detach(&out->payload, &out->payload_len, &pb, error)) < 0) {
		kansa_buf_dispose(&hb);
		return error;
	}
	if ((error = detach(&out->protected_hdr, &out->protected_len, &hb, encode_protected(&hb, info->kid))) < 0)
		return error;
	return encode_tbs(out, out->protected_hdr, out->protected_len, out->payload, out->payload_len);
}

/* 18([protected, {}, payload, signature]), tag 18 in the head byte. */
int kansa_receipt__assemble(uint8_t *out, size_t cap, size_t *len_out, const kansa_receipt_parts *p,
    const uint8_t sig[KANSA_SIG_LEN])
{
	kansa_buf b = KANSA_BUF_INIT(KANSA_MAX_CBOR_BYTES);
	int error;

	*len_out = 0;
	if ((error = kansa_buf_putc(&b, 0xc0 | KANSA_COSE_SIGN1_TAG)) == 0 &&
	    (error = kansa_cbor__put_head(&b, KANSA_CBOR_ARRAY, 4)) == 0 &&
	    (error = kansa_cbor__put_bytes(&b, p->protected_hdr, p->protected_len)) == 0 &&
	    (error = kansa_cbor__put_head(&b, KANSA_CBOR_MAP, 0)) == 0 && /* unprotected: {} */
	    (error = kansa_cbor__put_bytes(&b, p->payload, p->payload_len)) == 0)
		error = kansa_cbor__put_bytes(&b, sig, KANSA_SIG_LEN);
	if (error == 0 && b.len > cap)
		error = kansa_error_set(KANSA_ELIMIT, KANSA_ERRCLASS_COSE,
		    "receipt: %zu bytes exceed the limit of %zu", b.len, cap);
	if (error == 0) {
		memcpy(out, b.ptr, b.len);
		*len_out = b.len;
	}
	kansa_buf_dispose(&b);
	return error;
}

/* ---------------------------------------------------------------------- */
/* Parsing                                                                 */
/* ---------------------------------------------------------------------- */

/* Exactly {1: -8, 3: "application/kansa-receipt+cbor", 4: kid (8 bytes)}. */
static int parse_protected(uint8_t kid[KANSA_KID_LEN], const uint8_t *p, size_t n)
{
	cbor_item_t *h = NULL, *alg, *ctyp, *k;
	const uint8_t *kb;
	size_t kn = 0;
	int64_t a = 0;
	char *ct = NULL;
	int error;

	if ((error = kansa_cbor__decode(&h, p, n)) < 0)
		return kansa_error_prefix("receipt: protected header");
	/* REQ: RECEIPT-HDR no header but alg, content type and kid */
	if (!cbor_isa_map(h) || cbor_map_size(h) != 3 ||
	    (alg = kansa_cbor__map_get_int(h, COSE_LABEL_ALG)) == NULL ||
	    (ctyp = kansa_cbor__map_get_int(h, COSE_LABEL_CTYP)) == NULL ||
	    (k = kansa_cbor__map_get_int(h, COSE_LABEL_KID)) == NULL) {
		error = fmt_error("protected header is not exactly {1: alg, 3: content type, 4: kid}");
	} else if (kansa_cbor__get_int(&a, alg) < 0 || a != -8) {
		error = fmt_error("alg is not EdDSA (-8)");
	} else if (!cbor_isa_string(ctyp) || kansa_cbor__get_text(&ct, ctyp) < 0 ||
	    strcmp(ct, KANSA_RECEIPT_CONTENT_TYPE) != 0) {
		error = fmt_error("content type is not " KANSA_RECEIPT_CONTENT_TYPE);
	} else if (kansa_cbor__get_bytes(&kb, &kn, k) < 0 || kn != KANSA_KID_LEN) {
		error = fmt_error("kid is not an 8-byte string");
	} else {
		memcpy(kid, kb, KANSA_KID_LEN);
	}
	free(ct);
	cbor_decref(&h);
	return error;
}

enum { F_TEXT, F_TEXT_OR_NULL, F_UINT, F_INT, F_HASH, F_CTI_OR_NULL, F_DECISION, F_REASON };

/* The payload's fields, each exactly once (the map has exactly these keys). */
static const struct field {
	const char *key;
	int type;
} fields[] = {
	{ "log", F_TEXT }, { "seq", F_UINT }, { "leaf", F_HASH }, { "time", F_INT },
	{ "decision", F_DECISION }, { "reason", F_REASON }, { "request", F_HASH },
	{ "warrant", F_CTI_OR_NULL }, { "action", F_TEXT_OR_NULL }, { "requester", F_TEXT_OR_NULL },
	{ "officer", F_TEXT_OR_NULL }, { "not_after", F_INT },
};

/* A text into out[0..size): non-empty, fitting; null gives "" when allowed. */
static int get_text(char *out, size_t size, const cbor_item_t *v, bool nullable)
{
	char *t = NULL;

	if (nullable && cbor_is_null(v))
		return 0;
	if (!cbor_isa_string(v) || kansa_cbor__get_text(&t, v) < 0)
		return KANSA_EFORMAT;
	if (t[0] == '\0' || strlen(t) >= size) {
		free(t);
		return KANSA_EFORMAT;
	}
	memcpy(out, t, strlen(t) + 1);
	free(t);
	return 0;
}

static int get_fixed(uint8_t *out, size_t n, const cbor_item_t *v)
{
	const uint8_t *p;
	size_t len = 0;

	if (kansa_cbor__get_bytes(&p, &len, v) < 0 || len != n)
		return KANSA_EFORMAT;
	memcpy(out, p, n);
	return 0;
}

static int parse_field(kansa_receipt_info *r, const struct field *f, const cbor_item_t *v)
{
	char word[32] = "";
	int error = 0;

	switch (f->type) {
	case F_TEXT:
		return get_text(r->log, sizeof(r->log), v, false);
	case F_TEXT_OR_NULL:
		if (strcmp(f->key, "action") == 0)
			return get_text(r->action, sizeof(r->action), v, true);
		if (strcmp(f->key, "requester") == 0)
			return get_text(r->requester, sizeof(r->requester), v, true);
		return get_text(r->officer, sizeof(r->officer), v, true);
	case F_UINT:
		return kansa_cbor__get_uint(&r->seq, v) < 0 ? KANSA_EFORMAT : 0;
	case F_INT:
		return kansa_cbor__get_int(strcmp(f->key, "time") == 0 ? &r->time : &r->not_after, v) < 0 ?
		    KANSA_EFORMAT : 0;
	case F_HASH:
		return get_fixed(strcmp(f->key, "leaf") == 0 ? r->leaf_hash : r->request_hash, KANSA_HASH_LEN, v);
	case F_CTI_OR_NULL:
		if (cbor_is_null(v))
			return 0;
		r->has_warrant = true;
		return get_fixed(r->warrant_cti, sizeof(r->warrant_cti), v);
	case F_DECISION:
		if ((error = get_text(word, sizeof(word), v, false)) < 0)
			return error;
		if (strcmp(word, "allow") != 0 && strcmp(word, "deny") != 0)
			return KANSA_EFORMAT;
		r->verdict = word[0] == 'a' ? KANSA_ALLOW : KANSA_DENY;
		return 0;
	default: /* F_REASON */
		if ((error = get_text(word, sizeof(word), v, false)) < 0)
			return error;
		return (r->reason = kansa_reason_from_name(word)) < 0 ? KANSA_EFORMAT : 0;
	}
}

static int parse_payload(kansa_receipt_info *r, const uint8_t *p, size_t n)
{
	cbor_item_t *m = NULL;
	int error;

	if ((error = kansa_cbor__decode(&m, p, n)) < 0)
		return kansa_error_prefix("receipt: payload");
	/* REQ: RECEIPT-SHAPE exactly the fields of design §9: the map is canonical
	 * (no duplicates), so the right count of known keys means all of them */
	if (!cbor_isa_map(m) || cbor_map_size(m) != KANSA_ARRAY_SIZE(fields)) {
		error = fmt_error("payload is not a map of the 12 receipt fields");
		goto out;
	}
	for (size_t i = 0; i < KANSA_ARRAY_SIZE(fields); i++) {
		const cbor_item_t *v = kansa_cbor__map_get(m, fields[i].key);

		if (v == NULL) {
			error = kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_COSE,
			    "receipt: payload has no '%s' (or an unknown field)", fields[i].key);
			goto out;
		}
		if (parse_field(r, &fields[i], v) < 0) {
			error = kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_COSE,
			    "receipt: payload: '%s' is not of its type or too long", fields[i].key);
			goto out;
		}
	}
	if (r->verdict == KANSA_ALLOW && r->reason != KANSA_REASON_ALLOWED && r->reason != KANSA_REASON_EMERGENCY)
		error = fmt_error("payload: an allow with a reason for denying");
	else if (r->verdict == KANSA_DENY && (r->reason == KANSA_REASON_ALLOWED || r->reason == KANSA_REASON_EMERGENCY))
		error = fmt_error("payload: a deny with a reason for allowing");
out:
	cbor_decref(&m);
	return error;
}

/* The four items of the COSE_Sign1 array. */
static int parse_envelope(kansa_receipt_info *out, kansa_receipt_parts *parts,
    uint8_t sig_out[KANSA_SIG_LEN], cbor_item_t **v)
{
	const uint8_t *prot, *payload;
	size_t prot_len = 0, payload_len = 0;
	int error;

	if (kansa_cbor__get_bytes(&prot, &prot_len, v[0]) < 0)
		return fmt_error("protected header is not a byte string");
	if ((error = parse_protected(out->kid, prot, prot_len)) < 0)
		return error;
	if (!cbor_isa_map(v[1]) || cbor_map_size(v[1]) != 0)
		return fmt_error("unprotected header must be an empty map");
	if (kansa_cbor__get_bytes(&payload, &payload_len, v[2]) < 0)
		return fmt_error("payload is not a byte string");
	if ((error = parse_payload(out, payload, payload_len)) < 0)
		return error;
	if (get_fixed(sig_out, KANSA_SIG_LEN, v[3]) < 0)
		return fmt_error("signature is not a 64-byte string");
	return parts ? encode_tbs(parts, prot, prot_len, payload, payload_len) : 0;
}

int kansa_receipt__parse(kansa_receipt_info *out, kansa_receipt_parts *parts,
    uint8_t sig_out[KANSA_SIG_LEN], const uint8_t *in, size_t len)
{
	cbor_item_t *msg = NULL;
	int error;

	memset(out, 0, sizeof(*out));
	if (parts)
		memset(parts, 0, sizeof(*parts));
	if (in == NULL && len > 0)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_COSE, "receipt: no bytes");
	if (len > KANSA_RECEIPT_MAX_BYTES)
		return kansa_error_set(KANSA_ELIMIT, KANSA_ERRCLASS_COSE,
		    "receipt: %zu bytes exceed the limit of %d bytes", len, KANSA_RECEIPT_MAX_BYTES);
	/* REQ: RECEIPT-TAG tag 18 in its one canonical form, the head byte 0xd2 */
	if (len == 0 || in[0] != (0xc0 | KANSA_COSE_SIGN1_TAG))
		return fmt_error("not a COSE_Sign1 message (tag 18 missing)");
	if ((error = kansa_cbor__decode(&msg, in + 1, len - 1)) < 0)
		return kansa_error_prefix("receipt");
	if (!cbor_isa_array(msg) || cbor_array_size(msg) != 4)
		error = fmt_error("COSE_Sign1 is not an array of 4");
	else
		error = parse_envelope(out, parts, sig_out, cbor_array_handle(msg));
	cbor_decref(&msg);
	if (error < 0) {
		memset(out, 0, sizeof(*out));
		memset(sig_out, 0, KANSA_SIG_LEN);
		if (parts)
			kansa_receipt__parts_dispose(parts);
	}
	return error;
}

int kansa_receipt_parse(kansa_receipt_info *out, const uint8_t *receipt, size_t len)
{
	uint8_t sig[KANSA_SIG_LEN];

	if (out == NULL)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_COSE, "receipt: no output");
	return kansa_receipt__parse(out, NULL, sig, receipt, len);
}

/* ---------------------------------------------------------------------- */
/* Text form                                                               */
/* ---------------------------------------------------------------------- */

int kansa_receipt_to_base64(char out[KANSA_RECEIPT_MAX_BASE64], const uint8_t *cose, size_t len)
{
	if (len > KANSA_RECEIPT_MAX_BYTES)
		return kansa_error_set(KANSA_ELIMIT, KANSA_ERRCLASS_COSE,
		    "receipt: %zu bytes exceed the limit of %d bytes", len, KANSA_RECEIPT_MAX_BYTES);
	return kansa_base64_encode(out, KANSA_RECEIPT_MAX_BASE64, cose, len);
}

static bool is_space(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int kansa_receipt_decode(uint8_t out[KANSA_RECEIPT_MAX_BYTES], size_t *len_out, const uint8_t *in,
    size_t len)
{
	size_t a = 0, b = len;

	*len_out = 0;
	if (in == NULL && len > 0)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_COSE, "receipt: no bytes");
	if (len > 0 && in[0] == (0xc0 | KANSA_COSE_SIGN1_TAG)) {
		if (len > KANSA_RECEIPT_MAX_BYTES)
			return kansa_error_set(KANSA_ELIMIT, KANSA_ERRCLASS_COSE,
			    "receipt: %zu bytes exceed the limit of %d bytes", len, KANSA_RECEIPT_MAX_BYTES);
		memcpy(out, in, len);
		*len_out = len;
		return 0;
	}
	while (a < b && is_space(in[a]))
		a++;
	while (b > a && is_space(in[b - 1]))
		b--;
	if (b - a > KANSA_RECEIPT_MAX_BASE64)
		return kansa_error_set(KANSA_ELIMIT, KANSA_ERRCLASS_COSE,
		    "receipt: text longer than a receipt of %d bytes", KANSA_RECEIPT_MAX_BYTES);
	if (a == b || kansa_base64_decode(out, KANSA_RECEIPT_MAX_BYTES, len_out, (const char *)in + a, b - a) < 0)
		return kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_COSE,
		    "receipt: neither a COSE_Sign1 (tag 18) nor its base64 text");
	return 0;
}
