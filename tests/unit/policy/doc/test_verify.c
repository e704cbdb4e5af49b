/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Signed documents against a policy: signers, quorum of distinct members,
 * policy succession, validity; and the malformed-token catalogue: flipped
 * bytes, other algs, other kinds, non-canonical encodings, duplicate keys,
 * trailing garbage, deep nesting.
 */
#include "tests/unit/hang_guard.h"
#include "helpers.h"

static const int AB[] = { 0, 1, -1 };
static const int A[] = { 0, -1 };

/* A warrant of @p j signed by @p who. */
static void signed_warrant(uint8_t **cose, size_t *len, json_t *j, const int *who)
{
	cr_assert_eq(create_doc(cose, len, KANSA_DOC_WARRANT, j), 0, "%s", kansa_error_last()->message);
	sign_with(cose, len, who);
}

/* REQ: DECIDE-4 no-quorum REQ: DECIDE-5 not-yet-valid / expired */
Test(warrant_verify, quorum_of_distinct_members)
{
	uint8_t *pol = NULL, *w = NULL;
	size_t plen = 0, wlen = 0;
	kansa_policy *p = policy_v1(&pol, &plen);

	signed_warrant(&w, &wlen, warrant_json(), A);
	/* REQ: DECIDE-4 no-quorum */
	cr_expect_eq(kansa_warrant_verify(p, w, wlen, NOW), KANSA_EVERIFY);
	cr_expect_msg("no quorum: 1 of 2 required signatures");
	sign_with(&w, &wlen, (const int[]){ 1, -1 });
	cr_expect_eq(kansa_warrant_verify(p, w, wlen, NOW), 0, "%s", kansa_error_last()->message);
	cr_expect_eq(kansa_warrant_verify(p, w, wlen, NOW + 30 * 86400 - 1), 0);
	/* REQ: DECIDE-5 expired: expiry is exclusive */
	cr_expect_eq(kansa_warrant_verify(p, w, wlen, NOW + 30 * 86400), KANSA_EEXPIRED);
	cr_expect_msg("expired at 2026-05-31T00:00:00Z");
	cr_expect_eq(kansa_warrant_verify(p, w, wlen, NOW - 1), KANSA_EEXPIRED);
	cr_expect_msg("not yet valid");
	kansa_policy_free(p);
	free(pol);
	free(w);
}

/* REQ: DECIDE-4 no-quorum: the quorum of the warrant's action */
Test(warrant_verify, neutralize_needs_its_own_quorum)
{
	uint8_t *pol = NULL, *w = NULL;
	size_t plen = 0, wlen = 0;
	kansa_policy *p = policy_v1(&pol, &plen);

	signed_warrant(&w, &wlen, neutralize_json(), AB);
	cr_expect_eq(kansa_warrant_verify(p, w, wlen, NOW), KANSA_EVERIFY);
	cr_expect_msg("2 of 3 required signatures (neutralize)");
	sign_with(&w, &wlen, (const int[]){ 2, -1 });
	cr_expect_eq(kansa_warrant_verify(p, w, wlen, NOW), 0, "%s", kansa_error_last()->message);
	kansa_policy_free(p);
	free(pol);
	free(w);
}

/* REQ: DOC-SIGNERS */
Test(warrant_verify, a_non_member_signature_invalidates_the_document)
{
	uint8_t *pol = NULL, *w = NULL;
	size_t plen = 0, wlen = 0;
	kansa_policy *p = policy_v1(&pol, &plen);

	signed_warrant(&w, &wlen, warrant_json(), (const int[]){ 0, 1, 3, -1 });
	cr_expect_eq(kansa_warrant_verify(p, w, wlen, NOW), KANSA_EVERIFY);
	cr_expect_msg("is not a member of policy version 1");
	kansa_policy_free(p);
	free(pol);
	free(w);
}

/* Rebuild a COSE document with signature @p i appended again (same member twice). */
static void duplicate_signature(uint8_t **cose, size_t *len, size_t i)
{
	cbor_item_t *root = NULL, *msg, *sigs, *nsigs, *narr, *tagged;
	uint8_t *out = NULL;
	size_t out_len = 0;

	cr_assert_eq(kansa_cbor__decode(&root, *cose, *len), 0);
	msg = cbor_tag_item(root);
	sigs = cbor_array_handle(msg)[3];
	nsigs = kansa_cbor__array();
	for (size_t k = 0; k < cbor_array_size(sigs); k++)
		cr_assert_eq(kansa_cbor__array_push(nsigs, cbor_incref(cbor_array_handle(sigs)[k])), 0);
	cr_assert_eq(kansa_cbor__array_push(nsigs, cbor_incref(cbor_array_handle(sigs)[i])), 0);
	narr = kansa_cbor__array();
	for (size_t k = 0; k < 3; k++)
		cr_assert_eq(kansa_cbor__array_push(narr, cbor_incref(cbor_array_handle(msg)[k])), 0);
	cr_assert_eq(kansa_cbor__array_push(narr, nsigs), 0);
	tagged = kansa_cbor__tag(98, narr);
	cr_assert_eq(kansa_cbor__encode(&out, &out_len, tagged), 0);
	cbor_decref(&tagged);
	cbor_decref(&msg);
	cbor_decref(&root);
	free(*cose);
	*cose = out;
	*len = out_len;
}

/* REQ: DOC-DISTINCT */
Test(warrant_verify, the_same_member_twice_counts_once)
{
	uint8_t *pol = NULL, *w = NULL;
	size_t plen = 0, wlen = 0, distinct = 99;
	kansa_policy *p = policy_v1(&pol, &plen);
	kansa_signed_doc *d = NULL;

	signed_warrant(&w, &wlen, warrant_json(), A);
	duplicate_signature(&w, &wlen, 0);
	cr_assert_eq(kansa_signed_doc__parse(&d, w, wlen, KANSA_DOC_WARRANT, NULL), 0, "%s", kansa_error_last()->message);
	cr_expect_eq(kansa_cose__signature_count(d->cose), 2);
	cr_expect_eq(kansa_signed_doc__verify_signers(&distinct, d, kansa_policy__doc(p), NULL), 0);
	cr_expect_eq(distinct, 1);
	cr_expect_eq(kansa_warrant_verify(p, w, wlen, NOW), KANSA_EVERIFY);
	cr_expect_msg("no quorum: 1 of 2");
	kansa_signed_doc__free(d);
	kansa_policy_free(p);
	free(pol);
	free(w);
}

Test(warrant_verify, signing_twice_is_a_noop)
{
	uint8_t *w = NULL, *again = NULL;
	size_t wlen = 0, alen = 0;
	bool already = false;
	kansa_key *k = test_key(0);

	kansa_doc *d = NULL;

	signed_warrant(&w, &wlen, warrant_json(), A);
	cr_assert_eq(kansa_doc_parse(&d, w, wlen, KANSA_DOC_WARRANT), 0);
	cr_assert_eq(kansa_doc_sign(&again, &alen, &already, d, k), 0);
	kansa_doc_free(d);
	cr_expect(already);
	cr_expect_eq(alen, wlen);
	cr_expect_arr_eq(again, w, wlen);
	free(again);
	free(w);
	kansa_key_free(k);
}

/* REQ: DECIDE-3 wrong-commission */
Test(warrant_verify, wrong_commission)
{
	uint8_t *pol = NULL, *w = NULL;
	size_t plen = 0, wlen = 0;
	kansa_policy *p = policy_v1(&pol, &plen);
	json_t *j = warrant_json();

	json_object_set_new(j, "commission", json_string("other-commission"));
	signed_warrant(&w, &wlen, j, AB);
	cr_expect_eq(kansa_warrant_verify(p, w, wlen, NOW), KANSA_EVERIFY);
	cr_expect_msg("wrong commission");
	kansa_policy_free(p);
	free(pol);
	free(w);
}

/* REQ: DECIDE-6 validity-too-long */
Test(warrant_verify, validity_too_long)
{
	uint8_t *pol = NULL, *w = NULL;
	size_t plen = 0, wlen = 0;
	kansa_policy *p = policy_v1(&pol, &plen);
	json_t *j = warrant_json();

	json_object_set_new(j, "expires", json_string("+91d"));
	signed_warrant(&w, &wlen, j, AB);
	cr_expect_eq(kansa_warrant_verify(p, w, wlen, NOW), KANSA_EVERIFY);
	cr_expect_msg("validity too long");
	kansa_policy_free(p);
	free(pol);
	free(w);
}

/* REQ: DOC-KIND */
Test(warrant_verify, a_revocation_is_not_a_warrant)
{
	uint8_t *pol = NULL, *r = NULL;
	size_t plen = 0, rlen = 0;
	kansa_policy *p = policy_v1(&pol, &plen);
	kansa_doc *d = NULL;

	cr_assert_eq(create_doc(&r, &rlen, KANSA_DOC_REVOCATION, json_pack("{s:s, s:s, s:s}",
	    "commission", "jp-ccisc", "warrant", "00112233445566778899aabbccddeeff", "reason", "closed")), 0);
	sign_with(&r, &rlen, AB);
	cr_expect_eq(kansa_warrant_verify(p, r, rlen, NOW), KANSA_EFORMAT);
	cr_expect_str_eq(kansa_error_last()->message, "document is a revocation, not a warrant");
	cr_expect_eq(kansa_doc_parse(&d, r, rlen, KANSA_DOC_WARRANT), KANSA_EFORMAT);
	cr_expect_null(d);
	cr_expect_eq(kansa_doc_parse(&d, r, rlen, KANSA_DOC_REVOCATION), 0);
	cr_expect_eq(kansa_doc_kind(d), KANSA_DOC_REVOCATION);
	cr_expect_eq(kansa_doc_verify(d, p, NOW), 0, "%s", kansa_error_last()->message);
	kansa_doc_free(d);
	/* a policy passed as a warrant, too */
	cr_expect_eq(kansa_warrant_verify(p, pol, plen, NOW), KANSA_EFORMAT);
	kansa_policy_free(p);
	free(pol);
	free(r);
}

/* REQ: DECIDE-4 no-quorum: a revocation needs the revoke quorum */
Test(warrant_verify, revocation_needs_the_revoke_quorum)
{
	uint8_t *pol = NULL, *r = NULL;
	size_t plen = 0, rlen = 0;
	kansa_policy *p = policy_v1(&pol, &plen);
	kansa_doc *d = NULL;

	cr_assert_eq(create_doc(&r, &rlen, KANSA_DOC_REVOCATION, json_pack("{s:s, s:s, s:s}",
	    "commission", "jp-ccisc", "warrant", "00112233445566778899aabbccddeeff", "reason", "closed")), 0);
	sign_with(&r, &rlen, A);
	cr_assert_eq(kansa_doc_parse(&d, r, rlen, KANSA_DOC_REVOCATION), 0);
	cr_expect_eq(kansa_doc_verify(d, p, NOW), KANSA_EVERIFY);
	cr_expect_msg("1 of 2 required signatures (revoke)");
	kansa_doc_free(d);
	kansa_policy_free(p);
	free(pol);
	free(r);
}

/* A one-byte change anywhere in a signed warrant must fail: never valid. */
Test(warrant_verify, byte_flip_sweep, .timeout = KANSA_HANG_GUARD)
{
	uint8_t *pol = NULL, *w = NULL;
	size_t plen = 0, wlen = 0, step;
	kansa_policy *p = policy_v1(&pol, &plen);
	bool slow = getenv("KANSA_SLOW_TESTS") && strcmp(getenv("KANSA_SLOW_TESTS"), "1") == 0;

	signed_warrant(&w, &wlen, warrant_json(), AB);
	cr_assert_eq(kansa_warrant_verify(p, w, wlen, NOW), 0);
	step = slow ? 1 : 1; /* every byte: a warrant is small */
	for (size_t i = 0; i < wlen; i += step) {
		static const uint8_t masks[] = { 0x01, 0x80, 0xff };

		for (size_t m = 0; m < (slow ? 3u : 1u) + (slow ? 0u : 0u); m++) {
			int rc;

			w[i] ^= masks[slow ? m : (i % 3)];
			rc = kansa_warrant_verify(p, w, wlen, NOW);
			cr_expect(rc == KANSA_EFORMAT || rc == KANSA_EVERIFY,
			    "flip of byte %zu (mask %02x) gave %d: %s", i, masks[slow ? m : (i % 3)], rc,
			    kansa_error_last()->message);
			w[i] ^= masks[slow ? m : (i % 3)];
		}
	}
	cr_expect_eq(kansa_warrant_verify(p, w, wlen, NOW), 0);
	kansa_policy_free(p);
	free(pol);
	free(w);
}

/* A signature with alg ES256 (-7) instead of EdDSA (-8). */
Test(warrant_verify, alg_other_than_eddsa)
{
	uint8_t *w = NULL, *payload = NULL;
	size_t wlen = 0, plen = 0;
	rawbuf sig = { .n = 0 }, doc;
	uint8_t prot[] = { 0xa1, 0x01, 0x26 }, kid[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, s[64] = { 0 };
	kansa_doc *d = NULL;

	cr_assert_eq(create_doc(&w, &wlen, KANSA_DOC_WARRANT, warrant_json()), 0);
	payload_of(&payload, &plen, w, wlen);
	raw_head(&sig, 4, 3);
	raw_bstr(&sig, prot, sizeof(prot));
	raw_head(&sig, 5, 1);
	raw_head(&sig, 0, 4);
	raw_bstr(&sig, kid, sizeof(kid));
	raw_bstr(&sig, s, sizeof(s));
	raw_cose(&doc, "application/kansa-warrant+cbor", payload, plen, sig.b, sig.n, 1);
	cr_expect_eq(kansa_doc_parse(&d, doc.b, doc.n, KANSA_DOC_WARRANT), KANSA_EFORMAT);
	cr_expect_msg("alg -7 is not EdDSA (-8)");
	/* and the same shape with alg -8 parses: the test maker is right */
	prot[2] = 0x27;
	sig.n = 0;
	raw_head(&sig, 4, 3);
	raw_bstr(&sig, prot, sizeof(prot));
	raw_head(&sig, 5, 1);
	raw_head(&sig, 0, 4);
	raw_bstr(&sig, kid, sizeof(kid));
	raw_bstr(&sig, s, sizeof(s));
	raw_cose(&doc, "application/kansa-warrant+cbor", payload, plen, sig.b, sig.n, 1);
	cr_expect_eq(kansa_doc_parse(&d, doc.b, doc.n, KANSA_DOC_WARRANT), 0, "%s", kansa_error_last()->message);
	kansa_doc_free(d);
	free(payload);
	free(w);
}

/* Each kind's payload with its map head in a longer form than needed. */
Test(doc_parse, rejects_non_canonical_payloads_of_each_kind)
{
	static const int kinds[] = { KANSA_DOC_POLICY, KANSA_DOC_WARRANT, KANSA_DOC_REVOCATION,
		KANSA_DOC_RATIFICATION };
	static const char *const ctyps[] = { NULL, "application/kansa-policy+cbor",
		"application/kansa-warrant+cbor", "application/kansa-revocation+cbor",
		"application/kansa-ratification+cbor" };

	for (size_t i = 0; i < 4; i++) {
		json_t *j = kinds[i] == KANSA_DOC_POLICY ? policy_json(1) :
		    kinds[i] == KANSA_DOC_WARRANT ? warrant_json() :
		    kinds[i] == KANSA_DOC_REVOCATION ? json_pack("{s:s, s:s, s:s}", "commission", "c",
			"warrant", "00112233445566778899aabbccddeeff", "reason", "r") :
		    json_pack("{s:s, s:s, s:b, s:s}", "commission", "c", "entry",
			"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff", "approved", 0,
			"reason", "r");
		uint8_t *cose = NULL, *payload = NULL, *bad;
		size_t len = 0, plen = 0;
		rawbuf doc;
		kansa_doc *d = NULL;

		cr_assert_eq(create_doc(&cose, &len, kinds[i], j), 0, "%s", kansa_error_last()->message);
		payload_of(&payload, &plen, cose, len);
		/* the canonical payload through the raw maker parses */
		raw_cose(&doc, ctyps[kinds[i]], payload, plen, NULL, 0, 0);
		cr_expect_eq(kansa_doc_parse(&d, doc.b, doc.n, kinds[i]), 0, "%s", kansa_error_last()->message);
		kansa_doc_free(d);
		d = NULL;
		/* 0xa0+n -> 0xb8 n: the same map, a non-shortest head */
		cr_assert_lt(payload[0] - 0xa0, 24);
		bad = malloc(plen + 1);
		bad[0] = 0xb8;
		bad[1] = (uint8_t)(payload[0] - 0xa0);
		memcpy(bad + 2, payload + 1, plen - 1);
		raw_cose(&doc, ctyps[kinds[i]], bad, plen + 1, NULL, 0, 0);
		cr_expect_eq(kansa_doc_parse(&d, doc.b, doc.n, kinds[i]), KANSA_EFORMAT, "kind %d", kinds[i]);
		cr_expect_null(d);
		free(bad);
		free(payload);
		free(cose);
	}
}

Test(doc_parse, rejects_non_canonical_integers_and_unsorted_keys)
{
	rawbuf p = { .n = 0 }, doc;
	kansa_doc *d = NULL;
	uint8_t cti[16] = { 0 };

	/* a revocation with keys out of canonical order (commission before reason) */
	raw_head(&p, 5, 3);
	raw_text(&p, "commission");
	raw_text(&p, "c");
	raw_text(&p, "reason");
	raw_text(&p, "r");
	raw_text(&p, "warrant");
	raw_bstr(&p, cti, 16);
	raw_cose(&doc, "application/kansa-revocation+cbor", p.b, p.n, NULL, 0, 0);
	cr_expect_eq(kansa_doc_parse(&d, doc.b, doc.n, KANSA_DOC_REVOCATION), KANSA_EFORMAT);
	cr_expect_msg("canonical order");
	/* sorted by encoded bytes (shorter keys first): accepted */
	p.n = 0;
	raw_head(&p, 5, 3);
	raw_text(&p, "reason");
	raw_text(&p, "r");
	raw_text(&p, "warrant");
	raw_bstr(&p, cti, 16);
	raw_text(&p, "commission");
	raw_text(&p, "c");
	raw_cose(&doc, "application/kansa-revocation+cbor", p.b, p.n, NULL, 0, 0);
	cr_expect_eq(kansa_doc_parse(&d, doc.b, doc.n, KANSA_DOC_REVOCATION), 0, "%s", kansa_error_last()->message);
	kansa_doc_free(d);
	d = NULL;
	/* the same with an integer in a non-shortest form: a 1-byte head for "c" */
	p.n = 0;
	raw_head(&p, 5, 3);
	raw_text(&p, "reason");
	raw_text(&p, "r");
	raw_text(&p, "warrant");
	raw_bstr(&p, cti, 16);
	raw_text(&p, "commission");
	{
		uint8_t longtext[] = { 0x78, 0x01, 'c' };

		raw_put(&p, longtext, sizeof(longtext));
	}
	raw_cose(&doc, "application/kansa-revocation+cbor", p.b, p.n, NULL, 0, 0);
	cr_expect_eq(kansa_doc_parse(&d, doc.b, doc.n, KANSA_DOC_REVOCATION), KANSA_EFORMAT);
	/* a duplicate key */
	p.n = 0;
	raw_head(&p, 5, 4);
	raw_text(&p, "reason");
	raw_text(&p, "r");
	raw_text(&p, "reason");
	raw_text(&p, "r");
	raw_text(&p, "warrant");
	raw_bstr(&p, cti, 16);
	raw_text(&p, "commission");
	raw_text(&p, "c");
	raw_cose(&doc, "application/kansa-revocation+cbor", p.b, p.n, NULL, 0, 0);
	cr_expect_eq(kansa_doc_parse(&d, doc.b, doc.n, KANSA_DOC_REVOCATION), KANSA_EFORMAT);
	cr_expect_null(d);
}

Test(doc_parse, rejects_unknown_keys_and_wrong_types)
{
	rawbuf p = { .n = 0 }, doc;
	kansa_doc *d = NULL;
	uint8_t cti[16] = { 0 };

	raw_head(&p, 5, 4);
	raw_text(&p, "extra");
	raw_text(&p, "x");
	raw_text(&p, "reason");
	raw_text(&p, "r");
	raw_text(&p, "warrant");
	raw_bstr(&p, cti, 16);
	raw_text(&p, "commission");
	raw_text(&p, "c");
	raw_cose(&doc, "application/kansa-revocation+cbor", p.b, p.n, NULL, 0, 0);
	cr_expect_eq(kansa_doc_parse(&d, doc.b, doc.n, KANSA_DOC_REVOCATION), KANSA_EFORMAT);
	cr_expect_msg("unknown key \"extra\"");
	p.n = 0;
	raw_head(&p, 5, 3);
	raw_text(&p, "reason");
	raw_text(&p, "r");
	raw_text(&p, "warrant");
	raw_bstr(&p, cti, 15);
	raw_text(&p, "commission");
	raw_text(&p, "c");
	raw_cose(&doc, "application/kansa-revocation+cbor", p.b, p.n, NULL, 0, 0);
	cr_expect_eq(kansa_doc_parse(&d, doc.b, doc.n, KANSA_DOC_REVOCATION), KANSA_EFORMAT);
	cr_expect_msg("warrant: must be 16 bytes");
	p.n = 0;
	raw_head(&p, 5, 3);
	raw_text(&p, "reason");
	raw_head(&p, 0, 1);
	raw_text(&p, "warrant");
	raw_bstr(&p, cti, 16);
	raw_text(&p, "commission");
	raw_text(&p, "c");
	raw_cose(&doc, "application/kansa-revocation+cbor", p.b, p.n, NULL, 0, 0);
	cr_expect_eq(kansa_doc_parse(&d, doc.b, doc.n, KANSA_DOC_REVOCATION), KANSA_EFORMAT);
	cr_expect_msg("reason: must be a text string");
	raw_cose(&doc, "application/kansa-unknown+cbor", p.b, p.n, NULL, 0, 0);
	cr_expect_eq(kansa_doc_parse(&d, doc.b, doc.n, 0), KANSA_EFORMAT);
}

Test(doc_parse, rejects_trailing_garbage)
{
	uint8_t *w = NULL, *bigger;
	size_t wlen = 0;
	kansa_doc *d = NULL;

	cr_assert_eq(create_doc(&w, &wlen, KANSA_DOC_WARRANT, warrant_json()), 0);
	sign_with(&w, &wlen, AB);
	bigger = malloc(wlen + 1);
	memcpy(bigger, w, wlen);
	bigger[wlen] = 0x00;
	cr_expect_eq(kansa_doc_parse(&d, bigger, wlen + 1, KANSA_DOC_WARRANT), KANSA_EFORMAT);
	cr_expect_msg("trailing");
	cr_expect_eq(kansa_doc_parse(&d, w, wlen - 1, KANSA_DOC_WARRANT), KANSA_EFORMAT);
	cr_expect_eq(kansa_doc_parse(&d, w, 0, KANSA_DOC_WARRANT), KANSA_EFORMAT);
	free(bigger);
	free(w);
}

Test(doc_parse, rejects_deep_nesting, .timeout = KANSA_HANG_GUARD)
{
	uint8_t in[KANSA_MAX_CBOR_DEPTH + 8];
	rawbuf doc;
	kansa_doc *d = NULL;
	kansa_request_doc r;

	memset(in, 0x81, sizeof(in) - 1); /* nested 1-element arrays */
	in[sizeof(in) - 1] = 0x00;
	cr_expect_eq(kansa_request__parse(&r, in, sizeof(in)), KANSA_ELIMIT);
	cr_expect_eq(kansa_doc_parse(&d, in, sizeof(in), 0), KANSA_ELIMIT);
	raw_cose(&doc, "application/kansa-warrant+cbor", in, sizeof(in), NULL, 0, 0);
	cr_expect_eq(kansa_doc_parse(&d, doc.b, doc.n, KANSA_DOC_WARRANT), KANSA_ELIMIT);
	cr_expect_null(d);
}

Test(request_parse, strict)
{
	const char *rq = "{\"requester\":\"npa-cyber-3\",\"officer\":\"officer-1207\",\"action\":\"metadata-query\","
	    "\"targets\":[\"203.0.113.17\"],\"fields\":[\"src_ip\"],\"window\":[\"-7d\",\"-1d\"],"
	    "\"justification\":\"x\"}";
	uint8_t *out = NULL, *bad;
	size_t len = 0;
	kansa_request_doc r;

	cr_assert_eq(kansa_request_from_json(&out, &len, rq, strlen(rq), NOW), 0);
	cr_expect_eq(kansa_request__parse(&r, out, len), 0);
	kansa_request__dispose(&r);
	bad = malloc(len + 1);
	memcpy(bad, out, len);
	bad[len] = 0xf6;
	cr_expect_eq(kansa_request__parse(&r, bad, len + 1), KANSA_EFORMAT, "trailing byte");
	cr_expect_eq(r.action, -1);
	bad[0] = 0xb8;
	bad[1] = (uint8_t)(out[0] - 0xa0);
	memcpy(bad + 2, out + 1, len - 1);
	cr_expect_eq(kansa_request__parse(&r, bad, len + 1), KANSA_EFORMAT, "non-shortest map head");
	free(bad);
	free(out);
	{
		/* an empty officer, built by hand */
		rawbuf p = { .n = 0 };

		raw_head(&p, 5, 4);
		raw_text(&p, "action");
		raw_text(&p, "neutralize");
		raw_text(&p, "officer");
		raw_text(&p, "");
		raw_text(&p, "requester");
		raw_text(&p, "x");
		raw_text(&p, "justification");
		raw_text(&p, "j");
		cr_expect_eq(kansa_request__parse(&r, p.b, p.n), KANSA_EFORMAT);
		cr_expect_msg("officer: must not be empty");
	}
}

/* Policy succession. */
static void policy_vn(uint8_t **cose, size_t *len, uint64_t version, const int *who)
{
	cr_assert_eq(create_doc(cose, len, KANSA_DOC_POLICY, policy_json(version)), 0);
	sign_with(cose, len, who);
}

/* REQ: POLICY-NEXT REQ: POLICY-V1 */
Test(policy_load, succession)
{
	uint8_t *v1 = NULL, *v2 = NULL, *v3 = NULL;
	size_t l1 = 0, l2 = 0, l3 = 0;
	kansa_policy *p1 = policy_v1(&v1, &l1), *p2 = NULL, *p3 = NULL;

	cr_expect_eq(kansa_policy_version(p1), 1);
	cr_expect_str_eq(kansa_policy_commission(p1), "jp-ccisc");
	/* v2 signed by two of v1's three: the policy quorum is 3 */
	policy_vn(&v2, &l2, 2, AB);
	cr_expect_eq(kansa_policy_load(&p2, v2, l2, p1), KANSA_EVERIFY);
	cr_expect_msg("no quorum: 2 of 3");
	cr_expect_null(p2);
	sign_with(&v2, &l2, (const int[]){ 2, -1 });
	cr_expect_eq(kansa_policy_load(&p2, v2, l2, p1), 0, "%s", kansa_error_last()->message);
	/* v2 cannot stand on its own */
	cr_expect_eq(kansa_policy_load(&p3, v2, l2, NULL), KANSA_EVERIFY);
	/* a version gap: v3 after v1 */
	policy_vn(&v3, &l3, 3, (const int[]){ 0, 1, 2, -1 });
	cr_expect_eq(kansa_policy_load(&p3, v3, l3, p1), KANSA_EVERIFY);
	cr_expect_msg("does not follow version 1");
	cr_expect_eq(kansa_policy_load(&p3, v3, l3, p2), 0, "%s", kansa_error_last()->message);
	kansa_policy_free(p3);
	p3 = NULL;
	/* v1 again after v1 */
	cr_expect_eq(kansa_policy_load(&p3, v1, l1, p1), KANSA_EVERIFY);
	/* v1 without its own quorum */
	free(v3);
	v3 = NULL;
	policy_vn(&v3, &l3, 1, AB);
	cr_expect_eq(kansa_policy_load(&p3, v3, l3, NULL), KANSA_EVERIFY);
	kansa_policy_free(p1);
	kansa_policy_free(p2);
	free(v1);
	free(v2);
	free(v3);
}

Test(policy_load, another_commission_cannot_succeed)
{
	uint8_t *v1 = NULL, *v2 = NULL;
	size_t l1 = 0, l2 = 0;
	kansa_policy *p1 = policy_v1(&v1, &l1), *p2 = NULL;
	json_t *j = policy_json(2);

	json_object_set_new(j, "commission", json_string("someone-else"));
	cr_assert_eq(create_doc(&v2, &l2, KANSA_DOC_POLICY, j), 0);
	sign_with(&v2, &l2, (const int[]){ 0, 1, 2, -1 });
	cr_expect_eq(kansa_policy_load(&p2, v2, l2, p1), KANSA_EVERIFY);
	cr_expect_msg("wrong commission");
	kansa_policy_free(p1);
	free(v1);
	free(v2);
}

Test(doc_to_json, show_fields)
{
	uint8_t *pol = NULL, *w = NULL;
	size_t plen = 0, wlen = 0;
	kansa_policy *p = policy_v1(&pol, &plen);
	kansa_doc *d = NULL;
	char *text = NULL;
	json_t *o, *s;

	signed_warrant(&w, &wlen, warrant_json(), (const int[]){ 0, 3, -1 });
	cr_assert_eq(kansa_doc_parse(&d, w, wlen, KANSA_DOC_WARRANT), 0);
	cr_assert_eq(kansa_doc_to_json(&text, NULL, d, p, NOW), 0);
	o = json_loads(text, 0, NULL);
	cr_assert_not_null(o);
	cr_expect_str_eq(json_string_value(json_object_get(o, "action")), "metadata-query");
	cr_expect_str_eq(json_string_value(json_object_get(o, "subject")), "npa-cyber-3");
	cr_expect_eq(strlen(json_string_value(json_object_get(o, "cti"))), 32);
	s = json_object_get(o, "signers");
	cr_expect_eq(json_array_size(s), 2);
	cr_expect_str_eq(json_string_value(json_object_get(json_array_get(s, 0), "name")), "member-a");
	cr_expect(json_is_true(json_object_get(json_array_get(s, 0), "valid")));
	cr_expect(json_is_null(json_object_get(json_array_get(s, 1), "name")));
	cr_expect(json_is_false(json_object_get(json_array_get(s, 1), "valid")));
	cr_expect_eq(json_integer_value(json_object_get(json_object_get(o, "quorum"), "need")), 2);
	cr_expect(json_is_false(json_object_get(o, "valid")));
	cr_expect_str_eq(json_string_value(json_object_get(json_object_get(o, "validity"), "state")), "valid");
	json_decref(o);
	free(text);
	/* without a policy: no quorum, signers unchecked */
	cr_assert_eq(kansa_doc_to_json(&text, NULL, d, NULL, NOW), 0);
	o = json_loads(text, 0, NULL);
	cr_expect_null(json_object_get(o, "quorum"));
	cr_expect(json_is_null(json_object_get(json_array_get(json_object_get(o, "signers"), 0), "valid")));
	json_decref(o);
	free(text);
	kansa_doc_free(d);
	kansa_policy_free(p);
	free(pol);
	free(w);
}

/* REQ: DOC-KIND one row per kind: name, content type, quorum, life cycle */
Test(kansa_doc_kind, table_has_every_kind_once)
{
	static const int kinds[] = { KANSA_DOC_POLICY, KANSA_DOC_WARRANT, KANSA_DOC_REVOCATION,
		KANSA_DOC_RATIFICATION };
	static const char *const names[] = { "policy", "warrant", "revocation", "ratification" };

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		const kansa_doc_kind_def *k = kansa_doc_kind__def(kinds[i]);

		cr_assert_not_null(k, "kind %d", kinds[i]);
		cr_expect_str_eq(k->name, names[i]);
		cr_expect_str_eq(kansa_doc_kind__name(kinds[i]), names[i]);
		cr_expect_eq(kansa_doc_kind__from_content_type(k->content_type), kinds[i]);
		cr_expect(k->parse && k->dispose && k->commission && k->from_json && k->to_json);
		cr_expect_eq(k->check_time != NULL, kinds[i] == KANSA_DOC_WARRANT);
	}
	cr_expect_null(kansa_doc_kind__def(0));
	cr_expect_null(kansa_doc_kind__def(5));
	cr_expect_null(kansa_doc_kind__def(-1));
	cr_expect_str_eq(kansa_doc_kind__name(0), "unknown");
	cr_expect_eq(kansa_doc_kind__from_content_type("application/kansa-receipt+cbor"), 0);
	cr_expect_eq(kansa_doc_kind__from_content_type(NULL), 0);
	cr_expect_eq(kansa_doc_kind__def(KANSA_DOC_POLICY)->quorum_action, KANSA_ACT_POLICY);
	cr_expect_eq(kansa_doc_kind__def(KANSA_DOC_REVOCATION)->quorum_action, KANSA_ACT_REVOKE);
	cr_expect_eq(kansa_doc_kind__def(KANSA_DOC_RATIFICATION)->quorum_action, KANSA_ACT_REVOKE);
}

/* The verdict kansa_doc_to_json reports (from the pass that describes the
 * signers) is kansa_doc_verify's, for a valid warrant and for each way a
 * warrant fails: a non-member, a tampered signature, no quorum, expired. */
Test(doc_to_json, verdict_is_the_verify_verdict)
{
	static const int nonmember[] = { 0, 3, -1 };
	uint8_t *pol = NULL;
	size_t plen = 0;
	kansa_policy *p = policy_v1(&pol, &plen);
	struct {
		const int *who;
		bool tamper;
		int64_t at;
		int want;
	} cases[] = {
		{ AB, false, NOW, 0 },
		{ nonmember, false, NOW, KANSA_EVERIFY },
		{ AB, true, NOW, KANSA_EVERIFY },
		{ A, false, NOW, KANSA_EVERIFY },
		{ AB, false, NOW + 400LL * 86400, KANSA_EEXPIRED },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t *w = NULL;
		size_t wlen = 0;
		kansa_doc *d = NULL;
		char *text = NULL;
		int verdict = 1;
		json_t *o;

		signed_warrant(&w, &wlen, warrant_json(), cases[i].who);
		if (cases[i].tamper)
			w[wlen - 1] ^= 0x01; /* inside the last signature */
		cr_assert_eq(kansa_doc_parse(&d, w, wlen, KANSA_DOC_WARRANT), 0, "case %zu", i);
		cr_expect_eq(kansa_doc_verify(d, p, cases[i].at), cases[i].want, "case %zu", i);
		cr_assert_eq(kansa_doc_to_json(&text, &verdict, d, p, cases[i].at), 0, "case %zu", i);
		cr_expect_eq(verdict, cases[i].want, "case %zu: verdict %d", i, verdict);
		o = json_loads(text, 0, NULL);
		cr_assert_not_null(o);
		cr_expect_eq(json_is_true(json_object_get(o, "valid")), cases[i].want == 0, "case %zu", i);
		cr_expect_eq(json_is_null(json_object_get(o, "problem")), cases[i].want == 0, "case %zu", i);
		json_decref(o);
		free(text);
		kansa_doc_free(d);
		free(w);
	}
	/* no policy: no verdict */
	{
		uint8_t *w = NULL;
		size_t wlen = 0;
		kansa_doc *d = NULL;
		char *text = NULL;
		int verdict = 0;

		signed_warrant(&w, &wlen, warrant_json(), AB);
		cr_assert_eq(kansa_doc_parse(&d, w, wlen, KANSA_DOC_WARRANT), 0);
		cr_assert_eq(kansa_doc_to_json(&text, &verdict, d, NULL, NOW), 0);
		cr_expect_eq(verdict, KANSA_EINVAL);
		free(text);
		kansa_doc_free(d);
		free(w);
	}
	kansa_policy_free(p);
	free(pol);
}

/* REQ: DOC-SIGN-MEMBER the members who sign a document, as a signer checks them */
Test(doc_member, members_of_the_signing_policy)
{
	uint8_t *pol = NULL, *w = NULL, kid[KANSA_KID_LEN];
	size_t plen = 0, wlen = 0;
	kansa_policy *p = policy_v1(&pol, &plen);
	kansa_doc *d = NULL, *pd = NULL;
	const char *name = "x";

	signed_warrant(&w, &wlen, warrant_json(), A);
	cr_assert_eq(kansa_doc_parse(&d, w, wlen, KANSA_DOC_WARRANT), 0);
	kansa_key_kid(kid, test_key(0));
	cr_expect_eq(kansa_doc_member(&name, d, p, kid), 0);
	cr_expect_str_eq(name, "member-a");
	kansa_key_kid(kid, test_key(3)); /* not in the policy */
	cr_expect_eq(kansa_doc_member(&name, d, p, kid), KANSA_ENOTFOUND);
	cr_expect_null(name);
	cr_expect_eq(kansa_doc_member(&name, d, NULL, kid), KANSA_EINVAL, "a warrant needs the policy");
	/* a policy of version 1: its own members, no policy needed */
	cr_assert_eq(kansa_doc_parse(&pd, pol, plen, KANSA_DOC_POLICY), 0);
	kansa_key_kid(kid, test_key(1));
	cr_expect_eq(kansa_doc_member(&name, pd, NULL, kid), 0);
	cr_expect_str_eq(name, "member-b");
	kansa_doc_free(pd);
	kansa_doc_free(d);
	kansa_policy_free(p);
	free(pol);
	free(w);
}

/* unsign removes one signer and keeps every other signature byte for byte */
Test(doc_unsign, removes_one_signer_only)
{
	static const int three[] = { 0, 3, 1, -1 };
	uint8_t *pol = NULL, *w = NULL, *out = NULL, *again = NULL, kid[KANSA_KID_LEN];
	size_t plen = 0, wlen = 0, olen = 0, alen = 0, removed = 9;
	kansa_policy *p = policy_v1(&pol, &plen);
	kansa_doc *d = NULL, *d2 = NULL;

	signed_warrant(&w, &wlen, warrant_json(), three);
	cr_assert_eq(kansa_doc_parse(&d, w, wlen, KANSA_DOC_WARRANT), 0);
	cr_expect_eq(kansa_doc_verify(d, p, NOW), KANSA_EVERIFY, "an outsider's signature voids it");
	kansa_key_kid(kid, test_key(3));
	cr_assert_eq(kansa_doc_unsign(&out, &olen, &removed, d, kid), 0, "%s", kansa_error_last()->message);
	cr_expect_eq(removed, 1);
	cr_assert_eq(kansa_doc_parse(&d2, out, olen, KANSA_DOC_WARRANT), 0);
	cr_expect_eq(kansa_doc_signature_count(d2), 2);
	cr_expect_eq(kansa_doc_verify(d2, p, NOW), 0, "%s", kansa_error_last()->message);
	/* exactly one signature's encoding shorter: [h'a10127', {4: h'<kid>'}, h'<64>'] */
	cr_expect_eq(olen, wlen - (1 + 4 + 11 + 66));
	cr_expect_eq(memcmp(out, w, 8), 0, "the body before the signatures is unchanged");
	cr_expect_eq(kansa_doc_unsign(&again, &alen, &removed, d2, kid), KANSA_ENOTFOUND);
	cr_expect_null(again);
	cr_expect_eq(removed, 0);
	kansa_doc_free(d2);
	kansa_doc_free(d);
	kansa_policy_free(p);
	free(out);
	free(pol);
	free(w);
}
