/* SPDX-License-Identifier: Apache-2.0 */
/*
 * COSE_Sign (RFC 9052 §4.1, tag 98) in the one strict shape kansa uses
 * (design §3; see cose.h for the layout).
 *
 * Parsing goes through kansa_cbor__decode, so every byte of the message
 * and of each protected header is canonical CBOR before we look at it. Then
 * the shape is checked exactly: anything other than the headers named in
 * cose.h, with the types and lengths named there, is refused. Because the
 * input is canonical and the shape is fixed, re-encoding the parsed fields
 * gives back the input byte for byte; add_signature relies on this (and
 * checks it) to leave existing signatures untouched.
 *
 * This file must never: accept an alg other than EdDSA, run any crypto
 * before the kid has been compared (in constant time), return a payload as
 * verified, or call the plain memory compare (tests/check-banned.sh).
 */
#include <stdlib.h>
#include <string.h>

#include "keys/keys.h"
#include "policy/cbor.h"
#include "policy/cose.h"

/* The only signature protected header: canonical {1: -8}. */
static const uint8_t sign_protected[] = { 0xa1, 0x01, 0x27 };

#define COSE_LABEL_ALG 1
#define COSE_LABEL_CRIT 2
#define COSE_LABEL_CTYP 3
#define COSE_LABEL_KID 4

struct kansa_cose_sign {
	uint8_t *body_prot;     /* the body's protected header, as transmitted (bstr content) */
	size_t body_prot_len;   /* its length */
	char *content_type;     /* label 3 of the body's protected header */
	uint8_t *payload;       /* canonical CBOR of the document */
	size_t payload_len;     /* its length */
	size_t nsig;            /* signatures in sigs */
	kansa_cose_signature sigs[KANSA_MAX_SIGNATURES]; /* kid and signature of each signer */
};

static int fmt_error(const char *fmt, ...) KANSA_PRINTF(1, 2);

static int fmt_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kansa_error_vset(KANSA_EFORMAT, KANSA_ERRCLASS_COSE, fmt, ap);
	va_end(ap);
	return KANSA_EFORMAT;
}

/* ---------------------------------------------------------------------- */
/* Encoding                                                                */
/* ---------------------------------------------------------------------- */

int kansa_cose__sig_structure_raw(uint8_t **out, size_t *out_len,
    const uint8_t *body_protected, size_t body_protected_len,
    const uint8_t *sign_protected_, size_t sign_protected_len,
    const uint8_t *external_aad, size_t external_aad_len,
    const uint8_t *payload, size_t payload_len)
{
	cbor_item_t *a = kansa_cbor__array();
	int error;

	*out = NULL;
	*out_len = 0;
	if (a == NULL)
		return KANSA_ENOMEM;
	/* REQ: COSE-SIG Sig_structure of RFC 9052 §4.4, context "Signature" */
	if ((error = kansa_cbor__array_push(a, kansa_cbor__text("Signature"))) < 0 ||
	    (error = kansa_cbor__array_push(a, kansa_cbor__bytes(body_protected, body_protected_len))) < 0 ||
	    (error = kansa_cbor__array_push(a, kansa_cbor__bytes(sign_protected_, sign_protected_len))) < 0 ||
	    (error = kansa_cbor__array_push(a, kansa_cbor__bytes(external_aad, external_aad_len))) < 0 ||
	    (error = kansa_cbor__array_push(a, kansa_cbor__bytes(payload, payload_len))) < 0)
		goto out;
	error = kansa_cbor__encode(out, out_len, a);
out:
	cbor_decref(&a);
	return error;
}

int kansa_cose__sig_structure(uint8_t **out, size_t *out_len, const kansa_cose_sign *c, size_t i)
{
	*out = NULL;
	*out_len = 0;
	if (c == NULL || i >= c->nsig)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_COSE,
		    "cose: no signature %zu", i);
	/* REQ: COSE-SIG external_aad is empty (design §3) */
	return kansa_cose__sig_structure_raw(out, out_len, c->body_prot, c->body_prot_len,
	    sign_protected, sizeof(sign_protected), NULL, 0, c->payload, c->payload_len);
}

/* One COSE_Signature: [h'a10127', {4: kid}, sig]. */
static cbor_item_t *signature_item(const kansa_cose_signature *s)
{
	cbor_item_t *a = kansa_cbor__array(), *u = kansa_cbor__map();

	if (a == NULL || u == NULL ||
	    kansa_cbor__map_put_int(u, COSE_LABEL_KID, kansa_cbor__bytes(s->kid, KANSA_KID_LEN)) < 0 ||
	    kansa_cbor__array_push(a, kansa_cbor__bytes(sign_protected, sizeof(sign_protected))) < 0 ||
	    kansa_cbor__array_push(a, cbor_incref(u)) < 0 ||
	    kansa_cbor__array_push(a, kansa_cbor__bytes(s->sig, KANSA_SIG_LEN)) < 0) {
		if (a != NULL)
			cbor_decref(&a);
		a = NULL;
	}
	if (u != NULL)
		cbor_decref(&u);
	return a;
}

/* The whole message: 98([body_prot, {}, payload, [sigs...]]). */
static int encode_doc(uint8_t **out, size_t *out_len, const uint8_t *body_prot, size_t body_prot_len,
    const uint8_t *payload, size_t payload_len, const kansa_cose_signature *sigs, size_t nsig)
{
	cbor_item_t *msg = kansa_cbor__array(), *list = kansa_cbor__array(), *tagged = NULL;
	int error = KANSA_ENOMEM;

	*out = NULL;
	*out_len = 0;
	if (msg == NULL || list == NULL)
		goto out;
	for (size_t i = 0; i < nsig; i++)
		if ((error = kansa_cbor__array_push(list, signature_item(&sigs[i]))) < 0)
			goto out;
	if ((error = kansa_cbor__array_push(msg, kansa_cbor__bytes(body_prot, body_prot_len))) < 0 ||
	    (error = kansa_cbor__array_push(msg, kansa_cbor__map())) < 0 ||
	    (error = kansa_cbor__array_push(msg, kansa_cbor__bytes(payload, payload_len))) < 0 ||
	    (error = kansa_cbor__array_push(msg, cbor_incref(list))) < 0)
		goto out;
	if ((tagged = kansa_cbor__tag(KANSA_COSE_TAG, cbor_incref(msg))) == NULL) {
		error = KANSA_ENOMEM;
		goto out;
	}
	error = kansa_cbor__encode(out, out_len, tagged);
out:
	if (tagged != NULL)
		cbor_decref(&tagged);
	if (msg != NULL)
		cbor_decref(&msg);
	if (list != NULL)
		cbor_decref(&list);
	return error;
}

int kansa_cose__build(uint8_t **out, size_t *out_len, const char *content_type,
    const uint8_t *payload, size_t payload_len)
{
	cbor_item_t *ph = NULL;
	uint8_t *bp = NULL;
	size_t bp_len = 0;
	int error;

	*out = NULL;
	*out_len = 0;
	if (content_type == NULL || content_type[0] == '\0' || (payload == NULL && payload_len > 0))
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_COSE,
		    "cose: build needs a content type and a payload");
	/* REQ: COSE-PAYLOAD the payload is one canonical CBOR item */
	if ((error = kansa_cbor__validate(payload, payload_len)) < 0)
		return kansa_error_prefix("cose: payload");
	if ((ph = kansa_cbor__map()) == NULL)
		return KANSA_ENOMEM;
	if ((error = kansa_cbor__map_put_int(ph, COSE_LABEL_CTYP, kansa_cbor__text(content_type))) < 0 ||
	    (error = kansa_cbor__encode(&bp, &bp_len, ph)) < 0)
		goto out;
	error = encode_doc(out, out_len, bp, bp_len, payload, payload_len, NULL, 0);
out:
	free(bp);
	cbor_decref(&ph);
	return error;
}

/* ---------------------------------------------------------------------- */
/* Parsing                                                                 */
/* ---------------------------------------------------------------------- */

void kansa_cose__free(kansa_cose_sign *c)
{
	if (c == NULL)
		return;
	free(c->body_prot);
	free(c->content_type);
	free(c->payload);
	free(c);
}

/* A header label: an integer key. */
static int get_label(int64_t *label, const cbor_item_t *key, const char *where)
{
	if (kansa_cbor__get_int(label, key) < 0)
		return fmt_error("cose: %s: header label is not an integer", where);
	return 0;
}

/* The body's protected header: exactly {3: text}. */
static int parse_body_protected(kansa_cose_sign *c, const uint8_t *p, size_t n)
{
	cbor_item_t *h = NULL;
	struct cbor_pair *pairs;
	int error = 0;

	if (n == 0)
		return fmt_error("cose: protected header is empty (no content type)");
	if ((error = kansa_cbor__decode(&h, p, n)) < 0)
		return kansa_error_prefix("cose: protected header");
	if (!cbor_isa_map(h)) {
		error = fmt_error("cose: protected header is not a map");
		goto out;
	}
	pairs = cbor_map_handle(h);
	for (size_t k = 0; k < cbor_map_size(h); k++) {
		int64_t label;

		if ((error = get_label(&label, pairs[k].key, "protected header")) < 0)
			goto out;
		/* REQ: COSE-HDR no unknown or critical headers */
		if (label != COSE_LABEL_CTYP) {
			error = fmt_error("cose: protected header: %s label %lld",
			    label == COSE_LABEL_CRIT ? "critical" : "unexpected", (long long)label);
			goto out;
		}
		if (!cbor_isa_string(pairs[k].value)) {
			error = fmt_error("cose: protected header: content type (3) is not a text string");
			goto out;
		}
		if ((error = kansa_cbor__get_text(&c->content_type, pairs[k].value)) < 0) {
			kansa_error_prefix("cose: protected header: content type");
			goto out;
		}
	}
	if (c->content_type == NULL)
		error = fmt_error("cose: protected header: missing content type (3)");
out:
	cbor_decref(&h);
	return error;
}

/* A signature's protected header: exactly {1: -8}. */
static int parse_sign_protected(const cbor_item_t *item, size_t i)
{
	cbor_item_t *h = NULL;
	struct cbor_pair *pairs;
	const uint8_t *p;
	size_t n;
	bool have_alg = false;
	int error = 0;

	if (kansa_cbor__get_bytes(&p, &n, item) < 0)
		return fmt_error("cose: signatures[%zu]: protected header is not a byte string", i);
	if (n == 0)
		return fmt_error("cose: signatures[%zu]: protected header is empty (no alg)", i);
	if ((error = kansa_cbor__decode(&h, p, n)) < 0)
		return kansa_error_prefix("cose: signatures[%zu]: protected header", i);
	if (!cbor_isa_map(h)) {
		error = fmt_error("cose: signatures[%zu]: protected header is not a map", i);
		goto out;
	}
	pairs = cbor_map_handle(h);
	for (size_t k = 0; k < cbor_map_size(h); k++) {
		int64_t label, alg;

		if ((error = get_label(&label, pairs[k].key, "signature protected header")) < 0)
			goto out;
		if (label != COSE_LABEL_ALG) {
			error = fmt_error("cose: signatures[%zu]: protected header: %s label %lld", i,
			    label == COSE_LABEL_CRIT ? "critical" : "unexpected", (long long)label);
			goto out;
		}
		if (kansa_cbor__get_int(&alg, pairs[k].value) < 0) {
			error = fmt_error("cose: signatures[%zu]: alg is not an integer", i);
			goto out;
		}
		/* REQ: COSE-ALG only EdDSA (-8) */
		if (alg != KANSA_COSE_ALG_EDDSA) {
			error = fmt_error("cose: signatures[%zu]: alg %lld is not EdDSA (-8)", i, (long long)alg);
			goto out;
		}
		have_alg = true;
	}
	if (!have_alg) {
		error = fmt_error("cose: signatures[%zu]: protected header: missing alg (1)", i);
		goto out;
	}
	/* canonical and exactly {1: -8}: these bytes, which Sig_structure uses */
	if (n != sizeof(sign_protected) || !kansa_ct_equal(p, sign_protected, n))
		error = fmt_error("cose: signatures[%zu]: protected header is not h'a10127'", i);
out:
	cbor_decref(&h);
	return error;
}

/* A signature's unprotected header: exactly {4: kid (8 bytes)}. */
static int parse_sign_unprotected(kansa_cose_signature *s, const cbor_item_t *h, size_t i)
{
	struct cbor_pair *pairs;
	bool have_kid = false;

	if (!cbor_isa_map(h))
		return fmt_error("cose: signatures[%zu]: unprotected header is not a map", i);
	pairs = cbor_map_handle(h);
	for (size_t k = 0; k < cbor_map_size(h); k++) {
		int64_t label;
		const uint8_t *p;
		size_t n;
		int error;

		if ((error = get_label(&label, pairs[k].key, "signature unprotected header")) < 0)
			return error;
		if (label != COSE_LABEL_KID)
			return fmt_error("cose: signatures[%zu]: unprotected header: unexpected label %lld",
			    i, (long long)label);
		if (kansa_cbor__get_bytes(&p, &n, pairs[k].value) < 0)
			return fmt_error("cose: signatures[%zu]: kid is not a byte string", i);
		/* REQ: COSE-KID a kid is 8 bytes (design §3) */
		if (n != KANSA_KID_LEN)
			return fmt_error("cose: signatures[%zu]: kid of %zu bytes, expected %d",
			    i, n, KANSA_KID_LEN);
		memcpy(s->kid, p, KANSA_KID_LEN);
		have_kid = true;
	}
	if (!have_kid)
		return fmt_error("cose: signatures[%zu]: missing kid (4)", i);
	return 0;
}

static int parse_signature(kansa_cose_signature *s, const cbor_item_t *item, size_t i)
{
	cbor_item_t **v;
	const uint8_t *p;
	size_t n;
	int error;

	if (!cbor_isa_array(item) || cbor_array_size(item) != 3)
		return fmt_error("cose: signatures[%zu]: not an array of 3", i);
	v = cbor_array_handle(item);
	if ((error = parse_sign_protected(v[0], i)) < 0 ||
	    (error = parse_sign_unprotected(s, v[1], i)) < 0)
		return error;
	if (kansa_cbor__get_bytes(&p, &n, v[2]) < 0)
		return fmt_error("cose: signatures[%zu]: signature is not a byte string", i);
	if (n != KANSA_SIG_LEN)
		return fmt_error("cose: signatures[%zu]: signature of %zu bytes, expected %d",
		    i, n, KANSA_SIG_LEN);
	memcpy(s->sig, p, KANSA_SIG_LEN);
	return 0;
}

int kansa_cose__parse(kansa_cose_sign **out, const uint8_t *in, size_t len)
{
	kansa_cose_sign *c = NULL;
	cbor_item_t *root = NULL, *msg = NULL;
	cbor_item_t **v;
	const uint8_t *p;
	size_t n;
	int error;

	*out = NULL;
	if (len > KANSA_MAX_DOC_BYTES)
		return kansa_error_set(KANSA_ELIMIT, KANSA_ERRCLASS_COSE,
		    "cose: document of %zu bytes exceeds the limit of %d bytes", len, KANSA_MAX_DOC_BYTES);
	/* a one-byte tag head can never be 98: say so before decoding */
	if (len > 0 && in[0] >= 0xc0 && in[0] <= 0xd7)
		return fmt_error("cose: tag %u is not cose_sign (98)", (unsigned)(in[0] - 0xc0));
	/* REQ: COSE-CANON the whole message is canonical CBOR */
	if ((error = kansa_cbor__decode(&root, in, len)) < 0)
		return kansa_error_prefix("cose");
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		error = kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
		goto out;
	}
	if (!cbor_isa_tag(root)) {
		error = fmt_error("cose: not a cose_sign message (tag 98 missing)");
		goto out;
	}
	if (cbor_tag_value(root) != KANSA_COSE_TAG) {
		error = fmt_error("cose: tag %llu is not cose_sign (98)",
		    (unsigned long long)cbor_tag_value(root));
		goto out;
	}
	msg = cbor_tag_item(root);
	if (!cbor_isa_array(msg) || cbor_array_size(msg) != 4) {
		error = fmt_error("cose: cose_sign is not an array of 4");
		goto out;
	}
	v = cbor_array_handle(msg);

	if (kansa_cbor__get_bytes(&p, &n, v[0]) < 0) {
		error = fmt_error("cose: protected header is not a byte string");
		goto out;
	}
	if ((c->body_prot = kansa_memdup(p, n)) == NULL) {
		error = KANSA_ENOMEM;
		goto out;
	}
	c->body_prot_len = n;
	if ((error = parse_body_protected(c, p, n)) < 0)
		goto out;

	/* REQ: COSE-HDR the body's unprotected header is empty */
	if (!cbor_isa_map(v[1]) || cbor_map_size(v[1]) != 0) {
		error = fmt_error("cose: unprotected header must be an empty map");
		goto out;
	}

	if (kansa_cbor__get_bytes(&p, &n, v[2]) < 0) {
		error = fmt_error("cose: payload is not a byte string");
		goto out;
	}
	/* REQ: COSE-PAYLOAD the payload is one canonical CBOR item */
	if ((error = kansa_cbor__validate(p, n)) < 0) {
		kansa_error_prefix("cose: payload");
		goto out;
	}
	if ((c->payload = kansa_memdup(p, n)) == NULL) {
		error = KANSA_ENOMEM;
		goto out;
	}
	c->payload_len = n;

	if (!cbor_isa_array(v[3])) {
		error = fmt_error("cose: signatures is not an array");
		goto out;
	}
	n = cbor_array_size(v[3]);
	if (n > KANSA_MAX_SIGNATURES) {
		error = kansa_error_set(KANSA_ELIMIT, KANSA_ERRCLASS_COSE,
		    "cose: %zu signatures exceed the limit of %d", n, KANSA_MAX_SIGNATURES);
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		if ((error = parse_signature(&c->sigs[i], cbor_array_handle(v[3])[i], i)) < 0)
			goto out;
	c->nsig = n;
	*out = c;
	c = NULL;
	error = 0;
out:
	if (msg != NULL)
		cbor_decref(&msg);
	cbor_decref(&root);
	kansa_cose__free(c);
	return error;
}

const char *kansa_cose__content_type(const kansa_cose_sign *c)
{
	return c->content_type;
}

const uint8_t *kansa_cose__payload_unverified(const kansa_cose_sign *c, size_t *len_out)
{
	*len_out = c->payload_len;
	return c->payload;
}

size_t kansa_cose__signature_count(const kansa_cose_sign *c)
{
	return c->nsig;
}

const kansa_cose_signature *kansa_cose__signature(const kansa_cose_sign *c, size_t i)
{
	return i < c->nsig ? &c->sigs[i] : NULL;
}

/* ---------------------------------------------------------------------- */
/* Signatures                                                              */
/* ---------------------------------------------------------------------- */

int kansa_cose__verify_signature(const kansa_cose_sign *c, size_t i, const kansa_key *key)
{
	uint8_t kid[KANSA_KID_LEN];
	uint8_t *tbs = NULL;
	size_t tbs_len = 0;
	int error;

	if (c == NULL || key == NULL || i >= c->nsig)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_COSE, "cose: no signature %zu", i);
	/* REQ: COSE-KID compare the kid, in constant time, before any crypto */
	kansa_key_kid(kid, key);
	if (!kansa_ct_equal(kid, c->sigs[i].kid, KANSA_KID_LEN)) {
		char want[2 * KANSA_KID_LEN + 1], got[2 * KANSA_KID_LEN + 1];

		kansa_hex_encode(want, kid, KANSA_KID_LEN);
		kansa_hex_encode(got, c->sigs[i].kid, KANSA_KID_LEN);
		return kansa_error_set(KANSA_EVERIFY, KANSA_ERRCLASS_COSE,
		    "cose: signatures[%zu]: kid %s is not the key's kid %s", i, got, want);
	}
	if ((error = kansa_cose__sig_structure(&tbs, &tbs_len, c, i)) < 0)
		return error;
	if ((error = kansa_key_verify(key, tbs, tbs_len, c->sigs[i].sig)) < 0)
		error = kansa_error_set(KANSA_EVERIFY, KANSA_ERRCLASS_COSE,
		    "cose: signatures[%zu]: ed25519 signature does not verify", i);
	free(tbs);
	return error;
}

/* Re-encode the parsed @p c into *out and check it is the bytes of @p hash. */
static int encode_same(uint8_t **out, size_t *out_len, const kansa_cose_sign *c,
    const uint8_t hash[KANSA_HASH_LEN])
{
	uint8_t h[KANSA_HASH_LEN];
	int error;

	if ((error = encode_doc(out, out_len, c->body_prot, c->body_prot_len,
	    c->payload, c->payload_len, c->sigs, c->nsig)) < 0)
		return error;
	if ((error = kansa_sha256(h, *out, *out_len)) == 0 && !kansa_ct_equal(h, hash, KANSA_HASH_LEN))
		error = kansa_error_set(KANSA_ERROR, KANSA_ERRCLASS_COSE,
		    "cose: internal error: re-encoding the document changed its bytes");
	if (error < 0) {
		free(*out);
		*out = NULL;
		*out_len = 0;
	}
	return error;
}

int kansa_cose__add_signature(uint8_t **out, size_t *out_len, bool *already,
    const kansa_cose_sign *c, const uint8_t hash[KANSA_HASH_LEN], const kansa_key *key)
{
	kansa_cose_sign next;
	uint8_t kid[KANSA_KID_LEN];
	uint8_t *again = NULL, *tbs = NULL;
	size_t again_len = 0, tbs_len = 0;
	int error;

	*out = NULL;
	*out_len = 0;
	*already = false;
	if (c == NULL || key == NULL)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_COSE, "cose: no document or key to sign with");
	/* REQ: COSE-APPEND existing signatures stay byte for byte: the parse is
	 * strict and of a fixed shape, so re-encoding it must give back the
	 * bytes that were parsed (checked against their hash) */
	if ((error = encode_same(&again, &again_len, c, hash)) < 0)
		return error;
	/* REQ: COSE-ONCE a member signs once; a repeat leaves the bytes as they are */
	kansa_key_kid(kid, key);
	for (size_t i = 0; i < c->nsig; i++) {
		if (kansa_ct_equal(kid, c->sigs[i].kid, KANSA_KID_LEN)) {
			*already = true;
			*out = again;
			*out_len = again_len;
			return 0;
		}
	}
	if (!kansa_key_is_private(key)) {
		error = kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_COSE,
		    "cose: signing needs a private key, not a public key");
		goto out;
	}
	if (c->nsig >= KANSA_MAX_SIGNATURES) {
		error = kansa_error_set(KANSA_ELIMIT, KANSA_ERRCLASS_COSE,
		    "cose: the document already has %d signatures", KANSA_MAX_SIGNATURES);
		goto out;
	}
	next = *c; /* borrows c's buffers; only the signature list grows */
	memcpy(next.sigs[next.nsig].kid, kid, KANSA_KID_LEN);
	next.nsig++;
	if ((error = kansa_cose__sig_structure(&tbs, &tbs_len, &next, next.nsig - 1)) < 0 ||
	    (error = kansa_key_sign(next.sigs[next.nsig - 1].sig, key, tbs, tbs_len)) < 0)
		goto out;
	error = encode_doc(out, out_len, next.body_prot, next.body_prot_len,
	    next.payload, next.payload_len, next.sigs, next.nsig);
out:
	free(again);
	free(tbs);
	return error;
}

int kansa_cose__remove_signatures(uint8_t **out, size_t *out_len, size_t *removed,
    const kansa_cose_sign *c, const uint8_t hash[KANSA_HASH_LEN], const uint8_t kid[KANSA_KID_LEN])
{
	kansa_cose_sign next;
	uint8_t *again = NULL;
	size_t again_len = 0;
	int error;

	*out = NULL;
	*out_len = 0;
	*removed = 0;
	if (c == NULL || kid == NULL)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_COSE, "cose: no document or kid");
	/* the other signatures stay byte for byte, as when one is added */
	if ((error = encode_same(&again, &again_len, c, hash)) < 0)
		return error;
	free(again);
	next = *c;
	next.nsig = 0;
	for (size_t i = 0; i < c->nsig; i++) {
		if (kansa_ct_equal(kid, c->sigs[i].kid, KANSA_KID_LEN))
			(*removed)++;
		else
			next.sigs[next.nsig++] = c->sigs[i];
	}
	if (*removed == 0) {
		char hex[2 * KANSA_KID_LEN + 1];

		kansa_hex_encode(hex, kid, KANSA_KID_LEN);
		return kansa_error_set(KANSA_ENOTFOUND, KANSA_ERRCLASS_COSE,
		    "the document carries no signature by kid %s", hex);
	}
	return encode_doc(out, out_len, next.body_prot, next.body_prot_len,
	    next.payload, next.payload_len, next.sigs, next.nsig);
}
