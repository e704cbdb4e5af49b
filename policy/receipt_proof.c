/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Proven receipts (layout in receipt_proof.h): the RFC 9942 COSE Receipt
 * of an inclusion proof and the receipt that carries it with its
 * checkpoint, encoded canonically and parsed strictly. As in receipt.c,
 * the COSE_Sign1 tag 18 is the head byte 0xd2, written and checked here,
 * since libcbor cannot decode it; everything else goes through
 * kansa_cbor__decode (canonical, bounded).
 */
#include <stdlib.h>
#include <string.h>

#include "keys/keys.h"
#include "policy/cbor.h"
#include "policy/receipt.h"
#include "policy/receipt_proof.h"

#define COSE_TAG_BYTE (0xc0 | KANSA_COSE_SIGN1_TAG)

static int fmt_error(const char *what)
{
	return kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_COSE, "proven receipt: %s", what);
}

void kansa_receipt__proof_dispose(kansa_receipt_proof_parts *p)
{
	free(p->receipt);
	free(p->checkpoint);
	free(p->protected_hdr);
	memset(p, 0, sizeof(*p));
}

/* ---- encoding -------------------------------------------------------------- */

/* @p item (stolen) encoded, with the tag byte 0xd2 before it when @p tag. */
static int encode(uint8_t **out, size_t *len_out, cbor_item_t *item, bool tag)
{
	uint8_t *enc = NULL;
	size_t n = 0;
	int error;

	*out = NULL;
	*len_out = 0;
	if (item == NULL)
		return KANSA_ENOMEM;
	error = kansa_cbor__encode(&enc, &n, item);
	cbor_decref(&item);
	if (error < 0)
		return error;
	if (!tag) {
		*out = enc;
		*len_out = n;
		return 0;
	}
	if ((*out = malloc(n + 1)) == NULL) {
		free(enc);
		return KANSA_ENOMEM;
	}
	(*out)[0] = COSE_TAG_BYTE;
	memcpy(*out + 1, enc, n);
	*len_out = n + 1;
	free(enc);
	return 0;
}

int kansa_receipt__inclusion_protected(uint8_t **out, size_t *len_out, const uint8_t kid[KANSA_KID_LEN])
{
	cbor_item_t *h = kansa_cbor__map();

	if (h != NULL && (kansa_cbor__map_put_int(h, 1, kansa_cbor__int(-8)) < 0 ||
	    kansa_cbor__map_put_int(h, 4, kansa_cbor__bytes(kid, KANSA_KID_LEN)) < 0 ||
	    kansa_cbor__map_put_int(h, KANSA_COSE_LABEL_VDS, kansa_cbor__int(KANSA_VDS_RFC9162_SHA256)) < 0))
		cbor_decref(&h);
	return encode(out, len_out, h, false);
}

/* REQ: PROOF-SIG the COSE Receipt signs the recomputed root as its detached payload */
int kansa_receipt__inclusion_tbs(uint8_t **out, size_t *len_out, const uint8_t *prot, size_t prot_len,
    const uint8_t root[KANSA_HASH_LEN])
{
	cbor_item_t *a = kansa_cbor__array();

	if (a != NULL && (kansa_cbor__array_push(a, kansa_cbor__text("Signature1")) < 0 ||
	    kansa_cbor__array_push(a, kansa_cbor__bytes(prot, prot_len)) < 0 ||
	    kansa_cbor__array_push(a, kansa_cbor__bytes(NULL, 0)) < 0 ||
	    kansa_cbor__array_push(a, kansa_cbor__bytes(root, KANSA_HASH_LEN)) < 0))
		cbor_decref(&a);
	return encode(out, len_out, a, false);
}

/* bstr .cbor [tree_size, leaf_index, [* hash]] */
static cbor_item_t *proof_item(const kansa_receipt_proof_parts *p)
{
	cbor_item_t *a = kansa_cbor__array(), *path = kansa_cbor__array(), *out = NULL;
	uint8_t *enc = NULL;
	size_t n = 0;
	int error = a && path ? 0 : KANSA_ENOMEM;

	for (size_t i = 0; i < p->path_len && error == 0; i++)
		error = kansa_cbor__array_push(path, kansa_cbor__bytes(p->path[i], KANSA_HASH_LEN));
	if (error == 0 && (error = kansa_cbor__array_push(a, kansa_cbor__uint(p->size))) == 0 &&
	    (error = kansa_cbor__array_push(a, kansa_cbor__uint(p->index))) == 0) {
		error = kansa_cbor__array_push(a, path); /* stolen */
		path = NULL;
	}
	if (error == 0) {
		error = encode(&enc, &n, a, false); /* stolen */
		a = NULL;
	}
	if (error == 0)
		out = kansa_cbor__bytes(enc, n);
	free(enc);
	if (a)
		cbor_decref(&a);
	if (path)
		cbor_decref(&path);
	return out;
}

/* {1: ...} as built by @p put of (@p key, @p value (stolen)) into a new map. */
static cbor_item_t *map1(int64_t key, cbor_item_t *value)
{
	cbor_item_t *m = kansa_cbor__map();

	if (m == NULL) {
		if (value)
			cbor_decref(&value);
		return NULL;
	}
	if (kansa_cbor__map_put_int(m, key, value) < 0)
		cbor_decref(&m);
	return m;
}

static cbor_item_t *array1(cbor_item_t *item)
{
	cbor_item_t *a = kansa_cbor__array();

	if (a == NULL) {
		if (item)
			cbor_decref(&item);
		return NULL;
	}
	if (kansa_cbor__array_push(a, item) < 0)
		cbor_decref(&a);
	return a;
}

static int inclusion_encode(uint8_t **out, size_t *len_out, const kansa_receipt_proof_parts *p)
{
	cbor_item_t *a = kansa_cbor__array();

	if (a == NULL ||
	    kansa_cbor__array_push(a, kansa_cbor__bytes(p->protected_hdr, p->protected_len)) < 0 ||
	    kansa_cbor__array_push(a, map1(KANSA_COSE_LABEL_VDP, map1(KANSA_VDP_INCLUSION,
	        array1(proof_item(p))))) < 0 ||
	    kansa_cbor__array_push(a, cbor_new_null()) < 0 ||
	    kansa_cbor__array_push(a, kansa_cbor__bytes(p->sig, KANSA_SIG_LEN)) < 0) {
		if (a)
			cbor_decref(&a);
		return KANSA_ENOMEM;
	}
	return encode(out, len_out, a, true);
}

int kansa_receipt__proof_assemble(uint8_t **out, size_t *len_out, const uint8_t *receipt,
    size_t receipt_len, const kansa_receipt_proof_parts *p)
{
	cbor_item_t *msg = NULL, *u = NULL, *receipts = NULL;
	uint8_t *inc = NULL;
	size_t inc_len = 0;
	int error;

	*out = NULL;
	*len_out = 0;
	if (receipt_len < 2 || receipt[0] != COSE_TAG_BYTE ||
	    kansa_cbor__decode(&msg, receipt + 1, receipt_len - 1) < 0 ||
	    !cbor_isa_array(msg) || cbor_array_size(msg) != 4) {
		if (msg)
			cbor_decref(&msg);
		return fmt_error("not a receipt to attach a proof to");
	}
	if ((error = inclusion_encode(&inc, &inc_len, p)) < 0)
		goto out;
	error = KANSA_ENOMEM;
	if ((u = kansa_cbor__map()) == NULL || (receipts = array1(kansa_cbor__bytes(inc, inc_len))) == NULL ||
	    kansa_cbor__map_put_int(u, KANSA_COSE_LABEL_RECEIPTS, receipts) < 0 ||
	    kansa_cbor__map_put(u, KANSA_RECEIPT_LABEL_CHECKPOINT, kansa_cbor__text(p->checkpoint)) < 0)
		goto out;
	if (!cbor_array_replace(msg, 1, u))
		goto out;
	error = encode(out, len_out, msg, true);
	msg = NULL;
	if (error == 0 && *len_out > KANSA_PROVEN_RECEIPT_MAX_BYTES) {
		free(*out);
		*out = NULL;
		*len_out = 0;
		error = kansa_error_set(KANSA_ELIMIT, KANSA_ERRCLASS_COSE,
		    "proven receipt: over %d bytes (a checkpoint with too many cosignatures?)",
		    KANSA_PROVEN_RECEIPT_MAX_BYTES);
	}
out:
	if (u)
		cbor_decref(&u);
	if (msg)
		cbor_decref(&msg);
	free(inc);
	return error;
}

/* ---- parsing --------------------------------------------------------------- */

/* [tree_size, leaf_index, [* 32-byte hash]] from a bstr's contents. */
static int parse_path(kansa_receipt_proof_parts *out, const cbor_item_t *bstr)
{
	cbor_item_t *a = NULL, **v, **h;
	const uint8_t *p;
	size_t n = 0, hn = 0;
	int error = 0;

	if (kansa_cbor__get_bytes(&p, &n, bstr) < 0 || kansa_cbor__decode(&a, p, n) < 0)
		return fmt_error("the inclusion proof is not a byte string of canonical CBOR");
	v = cbor_isa_array(a) ? cbor_array_handle(a) : NULL;
	if (v == NULL || cbor_array_size(a) != 3 || kansa_cbor__get_uint(&out->size, v[0]) < 0 ||
	    kansa_cbor__get_uint(&out->index, v[1]) < 0 || !cbor_isa_array(v[2]) ||
	    cbor_array_size(v[2]) > KANSA_RECEIPT_MAX_PATH) {
		error = fmt_error("the inclusion proof is not [tree_size, leaf_index, [at most 64 hashes]]");
		goto out;
	}
	h = cbor_array_handle(v[2]);
	out->path_len = cbor_array_size(v[2]);
	for (size_t i = 0; i < out->path_len && error == 0; i++) {
		if (kansa_cbor__get_bytes(&p, &hn, h[i]) < 0 || hn != KANSA_HASH_LEN)
			error = fmt_error("an audit path hash is not 32 bytes");
		else
			memcpy(out->path[i], p, KANSA_HASH_LEN);
	}
out:
	cbor_decref(&a);
	return error;
}

/* {1: -8, 4: kid, 395: 1} exactly. */
static int parse_inclusion_protected(kansa_receipt_proof_parts *out, const cbor_item_t *bstr)
{
	cbor_item_t *h = NULL, *alg, *kid, *vds;
	const uint8_t *p, *k;
	size_t n = 0, kn = 0;
	int64_t a = 0, d = 0;
	int error = 0;

	if (kansa_cbor__get_bytes(&p, &n, bstr) < 0 || kansa_cbor__decode(&h, p, n) < 0)
		return fmt_error("the COSE Receipt's protected header is not canonical CBOR");
	/* REQ: PROOF-HDR alg EdDSA, the log's kid, vds RFC9162_SHA256, nothing else */
	if (!cbor_isa_map(h) || cbor_map_size(h) != 3 || (alg = kansa_cbor__map_get_int(h, 1)) == NULL ||
	    (kid = kansa_cbor__map_get_int(h, 4)) == NULL ||
	    (vds = kansa_cbor__map_get_int(h, KANSA_COSE_LABEL_VDS)) == NULL ||
	    kansa_cbor__get_int(&a, alg) < 0 || a != -8 || kansa_cbor__get_int(&d, vds) < 0 ||
	    d != KANSA_VDS_RFC9162_SHA256 || kansa_cbor__get_bytes(&k, &kn, kid) < 0 || kn != KANSA_KID_LEN) {
		error = fmt_error("the COSE Receipt's protected header is not {1: -8, 4: kid, 395: 1}");
	} else if ((out->protected_hdr = malloc(n)) == NULL) {
		error = KANSA_ENOMEM;
	} else {
		memcpy(out->kid, k, KANSA_KID_LEN);
		memcpy(out->protected_hdr, p, n);
		out->protected_len = n;
	}
	cbor_decref(&h);
	return error;
}

/* {396: {-1: [one proof]}} exactly. */
static int parse_vdp(kansa_receipt_proof_parts *out, const cbor_item_t *u)
{
	cbor_item_t *vdp, *proofs;

	if (!cbor_isa_map(u) || cbor_map_size(u) != 1 ||
	    (vdp = kansa_cbor__map_get_int(u, KANSA_COSE_LABEL_VDP)) == NULL || !cbor_isa_map(vdp) ||
	    cbor_map_size(vdp) != 1 || (proofs = kansa_cbor__map_get_int(vdp, KANSA_VDP_INCLUSION)) == NULL ||
	    !cbor_isa_array(proofs) || cbor_array_size(proofs) != 1)
		return fmt_error("the COSE Receipt's unprotected header is not {396: {-1: [one inclusion proof]}}");
	return parse_path(out, cbor_array_handle(proofs)[0]);
}

/* The COSE Receipt: 0xd2 [protected, {396: ...}, null, signature]. */
static int parse_inclusion(kansa_receipt_proof_parts *out, const cbor_item_t *bstr)
{
	cbor_item_t *msg = NULL, **v;
	const uint8_t *p, *s;
	size_t n = 0, sn = 0;
	int error;

	if (kansa_cbor__get_bytes(&p, &n, bstr) < 0 || n < 2 || p[0] != COSE_TAG_BYTE)
		return fmt_error("the COSE Receipt is not a COSE_Sign1 (tag 18)");
	if (kansa_cbor__decode(&msg, p + 1, n - 1) < 0)
		return kansa_error_prefix("proven receipt: the COSE Receipt");
	v = cbor_isa_array(msg) && cbor_array_size(msg) == 4 ? cbor_array_handle(msg) : NULL;
	if (v == NULL)
		error = fmt_error("the COSE Receipt is not an array of 4");
	else if ((error = parse_inclusion_protected(out, v[0])) < 0 || (error = parse_vdp(out, v[1])) < 0)
		;
	else if (!cbor_is_null(v[2]))
		error = fmt_error("the COSE Receipt's payload is not detached (null)");
	else if (kansa_cbor__get_bytes(&s, &sn, v[3]) < 0 || sn != KANSA_SIG_LEN)
		error = fmt_error("the COSE Receipt's signature is not 64 bytes");
	else
		memcpy(out->sig, s, KANSA_SIG_LEN);
	cbor_decref(&msg);
	return error;
}

static int parse_checkpoint(kansa_receipt_proof_parts *out, const cbor_item_t *t)
{
	char *s = NULL;

	if (!cbor_isa_string(t) || kansa_cbor__get_text(&s, t) < 0)
		return fmt_error("the checkpoint is not a text string");
	if (strlen(s) != cbor_string_length(t) || s[0] == '\0') {
		free(s);
		return fmt_error("the checkpoint is empty or holds a NUL byte");
	}
	out->checkpoint = s;
	out->checkpoint_len = strlen(s);
	return 0;
}

/* {394: [one COSE Receipt], "kansa-checkpoint": note} exactly. */
static int parse_unprotected(kansa_receipt_proof_parts *out, const cbor_item_t *u)
{
	cbor_item_t *rs, *cp;
	int error;

	/* REQ: PROOF-SHAPE exactly one COSE Receipt and one checkpoint, nothing else */
	if (cbor_map_size(u) != 2 || (rs = kansa_cbor__map_get_int(u, KANSA_COSE_LABEL_RECEIPTS)) == NULL ||
	    (cp = kansa_cbor__map_get(u, KANSA_RECEIPT_LABEL_CHECKPOINT)) == NULL ||
	    !cbor_isa_array(rs) || cbor_array_size(rs) != 1)
		return fmt_error("unprotected header is not {394: [one COSE Receipt], \"kansa-checkpoint\": note}");
	if ((error = parse_inclusion(out, cbor_array_handle(rs)[0])) < 0)
		return error;
	return parse_checkpoint(out, cp);
}

/* The receipt itself: the same message with an empty unprotected header. */
static int plain_receipt(kansa_receipt_proof_parts *out, cbor_item_t *msg)
{
	cbor_item_t *empty = kansa_cbor__map();
	bool replaced = empty != NULL && cbor_array_replace(msg, 1, empty);
	int error;

	if (empty)
		cbor_decref(&empty); /* the array holds it now */
	if (!replaced)
		return KANSA_ENOMEM;
	cbor_incref(msg);
	if ((error = encode(&out->receipt, &out->receipt_len, msg, true)) < 0)
		return error;
	if (out->receipt_len > KANSA_RECEIPT_MAX_BYTES)
		return kansa_error_set(KANSA_ELIMIT, KANSA_ERRCLASS_COSE,
		    "proven receipt: the receipt in it is over %d bytes", KANSA_RECEIPT_MAX_BYTES);
	return 0;
}

int kansa_receipt__proof_parse(kansa_receipt_proof_parts *out, bool *has_proof, const uint8_t *in,
    size_t len)
{
	cbor_item_t *msg = NULL;
	int error;

	memset(out, 0, sizeof(*out));
	*has_proof = false;
	if (in == NULL || len > KANSA_PROVEN_RECEIPT_MAX_BYTES)
		return kansa_error_set(in ? KANSA_ELIMIT : KANSA_EINVAL, KANSA_ERRCLASS_COSE,
		    "proven receipt: no bytes, or over %d bytes", KANSA_PROVEN_RECEIPT_MAX_BYTES);
	if (len < 2 || in[0] != COSE_TAG_BYTE)
		return fmt_error("not a COSE_Sign1 message (tag 18 missing)");
	if (kansa_cbor__decode(&msg, in + 1, len - 1) < 0)
		return kansa_error_prefix("proven receipt");
	if (!cbor_isa_array(msg) || cbor_array_size(msg) != 4 || !cbor_isa_map(cbor_array_handle(msg)[1]))
		error = fmt_error("not a COSE_Sign1 array of 4 with a header map");
	else if (cbor_map_size(cbor_array_handle(msg)[1]) == 0)
		error = 0;
	else if ((error = parse_unprotected(out, cbor_array_handle(msg)[1])) == 0)
		*has_proof = true;
	if (error == 0)
		error = plain_receipt(out, msg);
	cbor_decref(&msg);
	if (error < 0) {
		kansa_receipt__proof_dispose(out);
		*has_proof = false;
	}
	return error;
}

/* ---- text form -------------------------------------------------------------- */

#define PROOF_B64_MAX (4 * ((KANSA_PROVEN_RECEIPT_MAX_BYTES + 2) / 3))

static bool is_space(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int kansa_receipt_proof_decode(uint8_t **out, size_t *len_out, const uint8_t *in, size_t len)
{
	size_t a = 0, b = len;
	int error = 0;

	*out = NULL;
	*len_out = 0;
	if (in == NULL && len > 0)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_COSE, "receipt: no bytes");
	if (len > 0 && in[0] == COSE_TAG_BYTE) {
		if (len > KANSA_PROVEN_RECEIPT_MAX_BYTES)
			return kansa_error_set(KANSA_ELIMIT, KANSA_ERRCLASS_COSE,
			    "receipt: %zu bytes exceed the limit of %d bytes", len, KANSA_PROVEN_RECEIPT_MAX_BYTES);
		if ((*out = malloc(len)) == NULL)
			return KANSA_ENOMEM;
		memcpy(*out, in, len);
		*len_out = len;
		return 0;
	}
	while (a < b && is_space(in[a]))
		a++;
	while (b > a && is_space(in[b - 1]))
		b--;
	if (b - a > PROOF_B64_MAX)
		return kansa_error_set(KANSA_ELIMIT, KANSA_ERRCLASS_COSE,
		    "receipt: text longer than a receipt of %d bytes", KANSA_PROVEN_RECEIPT_MAX_BYTES);
	if ((*out = malloc(KANSA_PROVEN_RECEIPT_MAX_BYTES)) == NULL)
		return KANSA_ENOMEM;
	if (a == b || kansa_base64_decode(*out, KANSA_PROVEN_RECEIPT_MAX_BYTES, len_out, (const char *)in + a,
	    b - a) < 0) {
		error = kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_COSE,
		    "receipt: neither a COSE_Sign1 (tag 18) nor its base64 text");
		free(*out);
		*out = NULL;
		*len_out = 0;
	}
	return error;
}

int kansa_receipt_proof_to_base64(char **out, const uint8_t *in, size_t len)
{
	int error;

	*out = NULL;
	if (in == NULL || len > KANSA_PROVEN_RECEIPT_MAX_BYTES)
		return kansa_error_set(KANSA_ELIMIT, KANSA_ERRCLASS_COSE,
		    "receipt: %zu bytes exceed the limit of %d bytes", len, KANSA_PROVEN_RECEIPT_MAX_BYTES);
	if ((*out = malloc(PROOF_B64_MAX + 1)) == NULL)
		return KANSA_ENOMEM;
	if ((error = kansa_base64_encode(*out, PROOF_B64_MAX + 1, in, len)) < 0) {
		free(*out);
		*out = NULL;
	}
	return error;
}
