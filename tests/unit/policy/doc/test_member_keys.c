/* SPDX-License-Identifier: Apache-2.0 */
/*
 * REQ: KEY-PUB-SMALL-ORDER REQ: KEY-PUB-CANONICAL a policy whose member key
 * is a small-order point (or not canonically encoded) is malformed. Such a
 * member "signs" anything with R = identity, S = 0, so one real member plus
 * a degenerate one would reach a quorum of two. The policies here are built
 * by hand (kansa's own builders refuse these keys) and signed by hand.
 */
#include "helpers.h"

#define CTYP_POLICY "application/kansa-policy+cbor"

static const uint8_t identity[KANSA_PUBKEY_LEN] = { 0x01 };

/* p = 2^255 - 19: a non-canonical encoding of a point of order 4 (y = 0). */
static const uint8_t field_p[KANSA_PUBKEY_LEN] = {
	0xed, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f,
};

/*
 * The payload of the draft policy of helpers.h (members a, b, c; quorum
 * policy 3), with member c's 32 raw key bytes replaced by @p pub. The
 * replacement has the same length, so the payload stays canonical.
 */
static void payload_with_member_c(uint8_t **out, size_t *len, const uint8_t pub[KANSA_PUBKEY_LEN])
{
	kansa_key *c = test_key(2);
	uint8_t *cose = NULL, cpub[KANSA_PUBKEY_LEN];
	size_t clen = 0, at = 0, hits = 0;

	cr_assert_eq(create_doc(&cose, &clen, KANSA_DOC_POLICY, policy_json(1)), 0, "%s",
	    kansa_error_last()->message);
	payload_of(out, len, cose, clen);
	kansa_key_public_raw(cpub, c);
	for (size_t i = 0; i + KANSA_PUBKEY_LEN <= *len; i++) {
		if (memcmp(*out + i, cpub, KANSA_PUBKEY_LEN) == 0) {
			at = i;
			hits++;
		}
	}
	cr_assert_eq(hits, 1);
	memcpy(*out + at, pub, KANSA_PUBKEY_LEN);
	kansa_key_free(c);
	free(cose);
}

/* The body's protected header, as raw_cose writes it. */
static void body_protected(rawbuf *prot)
{
	prot->n = 0;
	raw_head(prot, 5, 1);
	raw_head(prot, 0, 3);
	raw_text(prot, CTYP_POLICY);
}

/* Append one COSE_Signature [h'a10127', {4: kid}, sig] to @p sigs. */
static void add_signature(rawbuf *sigs, const uint8_t *kid, const uint8_t sig[KANSA_SIG_LEN])
{
	static const uint8_t alg[] = { 0xa1, 0x01, 0x27 };

	raw_head(sigs, 4, 3);
	raw_bstr(sigs, alg, sizeof(alg));
	raw_head(sigs, 5, 1);
	raw_head(sigs, 0, 4);
	raw_bstr(sigs, kid, KANSA_KID_LEN);
	raw_bstr(sigs, sig, KANSA_SIG_LEN);
}

/* A real signature by test_key(@p who) over the RFC 9052 §4.4 Sig_structure. */
static void add_real_signature(rawbuf *sigs, int who, const uint8_t *payload, size_t plen)
{
	static const uint8_t alg[] = { 0xa1, 0x01, 0x27 }, no_aad[1] = { 0 };
	static rawbuf tbs, prot;
	kansa_key *k = test_key(who);
	uint8_t sig[KANSA_SIG_LEN], kid[KANSA_KID_LEN];

	body_protected(&prot);
	tbs.n = 0;
	raw_head(&tbs, 4, 5);
	raw_text(&tbs, "Signature");
	raw_bstr(&tbs, prot.b, prot.n);
	raw_bstr(&tbs, alg, sizeof(alg));
	raw_bstr(&tbs, no_aad, 0); /* external_aad: empty */
	raw_bstr(&tbs, payload, plen);
	cr_assert_eq(kansa_key_sign(sig, k, tbs.b, tbs.n), 0);
	kansa_key_kid(kid, k);
	add_signature(sigs, kid, sig);
	kansa_key_free(k);
}

Test(policy_parse, refuses_a_small_order_member_key)
{
	uint8_t *payload = NULL;
	size_t plen = 0;
	static rawbuf doc;
	kansa_doc *d = NULL;

	payload_with_member_c(&payload, &plen, identity);
	raw_cose(&doc, CTYP_POLICY, payload, plen, NULL, 0, 0);
	cr_expect_eq(kansa_doc_parse(&d, doc.b, doc.n, KANSA_DOC_POLICY), KANSA_EFORMAT);
	cr_expect_null(d);
	cr_expect_msg("members[2].public_key: public key is a small-order point");
	free(payload);
}

Test(policy_parse, refuses_a_non_canonical_member_key)
{
	uint8_t *payload = NULL;
	size_t plen = 0;
	static rawbuf doc;
	kansa_doc *d = NULL;

	payload_with_member_c(&payload, &plen, field_p);
	raw_cose(&doc, CTYP_POLICY, payload, plen, NULL, 0, 0);
	cr_expect_eq(kansa_doc_parse(&d, doc.b, doc.n, KANSA_DOC_POLICY), KANSA_EFORMAT);
	cr_expect_null(d);
	cr_expect_msg("members[2].public_key: public key is not canonically encoded");
	free(payload);
}

/*
 * The forgery end to end: members a and b sign for real, member c (the
 * identity point) "signs" with R = identity, S = 0, which OpenSSL's Ed25519
 * verification accepts on any message. That would be the quorum of 3.
 */
Test(policy_load, refuses_a_quorum_forged_with_a_small_order_member)
{
	static const uint8_t forged[KANSA_SIG_LEN] = { 0x01 }; /* R = 01 00..00, S = 0 */
	uint8_t *payload = NULL, h[KANSA_HASH_LEN];
	size_t plen = 0;
	static rawbuf sigs, doc;
	kansa_policy *p = NULL;
	kansa_doc *d = NULL;

	payload_with_member_c(&payload, &plen, identity);
	sigs.n = 0;
	add_real_signature(&sigs, 0, payload, plen);
	add_real_signature(&sigs, 1, payload, plen);
	cr_assert_eq(kansa_sha256(h, identity, sizeof(identity)), 0);
	add_signature(&sigs, h, forged); /* kid: SHA-256(identity)[:8] */
	raw_cose(&doc, CTYP_POLICY, payload, plen, sigs.b, sigs.n, 3);
	cr_expect_eq(kansa_policy_load(&p, doc.b, doc.n, NULL), KANSA_EFORMAT);
	cr_expect_null(p);
	cr_expect_msg("small-order point");
	cr_expect_eq(kansa_doc_parse(&d, doc.b, doc.n, KANSA_DOC_POLICY), KANSA_EFORMAT);
	cr_expect_null(d);
	kansa_policy_free(p);
	kansa_doc_free(d);
	free(payload);
}
