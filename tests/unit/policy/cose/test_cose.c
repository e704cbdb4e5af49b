/* SPDX-License-Identifier: Apache-2.0 */
/*
 * policy/cose.c: the Sig_structure against the cose-wg examples, our own
 * documents end to end, a malformed-message builder (after t_cose's test
 * message maker) with the exact code of every refusal, and a bit-flip sweep
 * over a signed document.
 */
#include "tests/unit/hang_guard.h"
#include <criterion/criterion.h>

#include "tests/unit/policy/cbor/helpers.h"
#include "keys/keys.h"
#include "policy/cose.h"

#define CT "application/kansa-warrant+cbor"

/* RFC 8032 §7.1 TEST 1 and TEST 2 secret keys: deterministic signers. */
static const char *const seeds[] = {
	"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
	"4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
	"c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
};

static kansa_key *key_n(size_t i)
{
	uint8_t *seed;
	size_t n;
	kansa_key *k = NULL;

	seed = unhex(seeds[i], &n);
	cr_assert_eq(n, 32);
	cr_assert_eq(kansa_key_from_seed(&k, seed), 0);
	free(seed);
	return k;
}

/* {"a": 1} */
/* Add a signature to document bytes: parse, then append to the parsed form. */
static int add_sig(uint8_t **out, size_t *out_len, bool *already, const uint8_t *doc, size_t len,
    const kansa_key *key)
{
	kansa_cose_sign *c = NULL;
	uint8_t hash[KANSA_HASH_LEN];
	int error;

	*out = NULL;
	if ((error = kansa_cose__parse(&c, doc, len)) < 0)
		return error;
	if ((error = kansa_sha256(hash, doc, len)) == 0)
		error = kansa_cose__add_signature(out, out_len, already, c, hash, key);
	kansa_cose__free(c);
	return error;
}

static const uint8_t payload[] = { 0xa1, 0x61, 0x61, 0x01 };

/* A draft signed by keys 0..n-1. */
static uint8_t *signed_doc(size_t *len, size_t n)
{
	uint8_t *doc = NULL, *next = NULL;
	size_t dl = 0, nl = 0;
	bool already;

	cr_assert_eq(kansa_cose__build(&doc, &dl, CT, payload, sizeof(payload)), 0,
	    "%s", kansa_error_last()->message);
	for (size_t i = 0; i < n; i++) {
		kansa_key *k = key_n(i);
		cr_assert_eq(add_sig(&next, &nl, &already, doc, dl, k), 0,
		    "%s", kansa_error_last()->message);
		cr_assert(!already);
		free(doc);
		doc = next;
		dl = nl;
		kansa_key_free(k);
	}
	*len = dl;
	return doc;
}

/* ---------------------------------------------------------------------- */
/* Upstream vectors                                                        */
/* ---------------------------------------------------------------------- */

static json_t *cose_vector(const char *path)
{
	char rel[600];

	snprintf(rel, sizeof(rel), "cose/%s", path);
	return load_json(rel, 0);
}

static const uint8_t *bstr(const cbor_item_t *it, size_t *n)
{
	const uint8_t *p;

	cr_assert_eq(kansa_cbor__get_bytes(&p, n, it), 0);
	return p;
}

/*
 * Every upstream file fails our strict profile (kids are not 8 bytes, the
 * content type is an integer, algs are ECDSA, tags are 18 or 998). Where the
 * file is a COSE_Sign that is meant to pass, build its Sig_structure with our
 * code and compare it with the intermediate ToBeSign; where the signer is
 * Ed25519, verify the signature with keys/.
 */
/* REQ: COSE-SIG */
Test(cose_vectors, sig_structure_and_ed25519_signatures_match_cose_wg_examples)
{
	json_t *index = load_json("cose/index.json", 0);
	json_t *entries = json_object_get(index, "entries");
	size_t i, tbs_checked = 0, ed_verified = 0, rejected = 0;
	json_t *e;

	json_array_foreach(entries, i, e) {
		const char *path = json_string_value(json_object_get(e, "path"));
		const char *type = json_string_value(json_object_get(e, "message_type"));
		bool pass = strcmp(json_string_value(json_object_get(e, "expected")), "pass") == 0;
		bool mutated = json_object_get(e, "mutation") != NULL &&
		    !json_is_null(json_object_get(e, "mutation"));
		bool ed = json_is_true(json_object_get(e, "ed25519"));
		json_t *v = cose_vector(path);
		char *hex = strdup(json_string_value(json_object_get(json_object_get(v, "output"), "cbor")));
		size_t n;
		uint8_t *msg;
		kansa_cose_sign *c = (kansa_cose_sign *)1;
		struct cbor_load_result res;
		cbor_item_t *root, *arr;

		lower(hex);
		msg = unhex(hex, &n);
		/* REQ: COSE-HDR the kansa profile refuses every upstream message */
		cr_expect_eq(kansa_cose__parse(&c, msg, n), KANSA_EFORMAT, "%s: %s", path,
		    kansa_error_last()->message);
		cr_expect_null(c);
		rejected++;
		if (json_is_integer(json_object_get(e, "cbor_tag")) &&
		    json_integer_value(json_object_get(e, "cbor_tag")) == 998)
			cr_expect(strstr(kansa_error_last()->message, "tag 998") != NULL,
			    "%s: %s", path, kansa_error_last()->message);

		if (strcmp(type, "COSE_Sign") != 0 || !pass || mutated) {
			json_decref(v);
			free(msg);
			free(hex);
			continue;
		}
		root = cbor_load(msg, n, &res);
		cr_assert_not_null(root, "%s", path);
		cr_assert(cbor_isa_tag(root) && cbor_tag_value(root) == 98, "%s", path);
		arr = cbor_tag_item(root);
		{
			cbor_item_t **m = cbor_array_handle(arr);
			cbor_item_t **sigs = cbor_array_handle(m[3]);
			json_t *signers = json_object_get(json_object_get(json_object_get(v, "input"), "sign"), "signers");
			json_t *inter = json_object_get(json_object_get(v, "intermediates"), "signers");
			size_t bpl, pl;
			const uint8_t *bp = bstr(m[0], &bpl), *pp = bstr(m[2], &pl);

			cr_assert_eq(cbor_array_size(m[3]), json_array_size(signers), "%s", path);
			for (size_t j = 0; j < cbor_array_size(m[3]); j++) {
				cbor_item_t **s = cbor_array_handle(sigs[j]);
				json_t *signer = json_array_get(signers, j);
				const char *ext = json_string_value(json_object_get(signer, "external"));
				char *want = strdup(json_string_value(json_object_get(json_array_get(inter, j), "ToBeSign_hex")));
				size_t spl, al = 0, tl = 0, sl;
				const uint8_t *sp = bstr(s[0], &spl), *sig = bstr(s[2], &sl);
				uint8_t *aad = unhex(ext ? ext : "", &al), *tbs = NULL;
				char *got;

				lower(want);
				cr_assert_eq(kansa_cose__sig_structure_raw(&tbs, &tl, bp, bpl, sp, spl, aad, al, pp, pl), 0);
				got = tohex(tbs, tl);
				cr_expect_str_eq(got, want, "%s signer %zu", path, j);
				tbs_checked++;
				if (ed) {
					json_t *key = json_object_get(signer, "key");
					size_t xl;
					uint8_t *x = unhex(json_string_value(json_object_get(key, "x_hex")), &xl);
					kansa_key *k = NULL;
					uint8_t bad[KANSA_SIG_LEN];

					cr_assert_eq(xl, 32);
					cr_assert_eq(sl, 64);
					cr_assert_eq(kansa_key_from_public(&k, x), 0);
					cr_expect_eq(kansa_key_verify(k, tbs, tl, sig), 0, "%s", path);
					memcpy(bad, sig, sizeof(bad));
					bad[10] ^= 1;
					cr_expect_eq(kansa_key_verify(k, tbs, tl, bad), KANSA_EVERIFY);
					tbs[tl - 1] ^= 1; /* a changed payload */
					cr_expect_eq(kansa_key_verify(k, tbs, tl, sig), KANSA_EVERIFY);
					ed_verified++;
					kansa_key_free(k);
					free(x);
				}
				free(got);
				free(tbs);
				free(aad);
				free(want);
			}
		}
		cbor_decref(&arr);
		cbor_decref(&root);
		json_decref(v);
		free(msg);
		free(hex);
	}
	cr_expect_eq(rejected, 36);
	/* C.1.1, C.1.2 (2 signers), C.1.3, C.1.4, 3 countersign Sign files,
	 * 2 countersign1 Sign files, eddsa-01, eddsa-02, ecdsa-01, sign-pass-02 */
	cr_expect_eq(tbs_checked, 14);
	/* countersign/signed-0{1,2,3}, countersign1/signed-0{1,2}, eddsa-01 */
	cr_expect_eq(ed_verified, 6);
	json_decref(index);
}

/* The expected-failure files, one by one, with the reason we give. */
Test(cose_vectors, expected_failures_fail)
{
	static const char *const fails[][2] = {
		{ "cose-wg-examples/sign-tests/sign-fail-01.json", "tag 998" },
		{ "cose-wg-examples/sign-tests/sign-fail-02.json", "" },
		{ "cose-wg-examples/sign-tests/sign-fail-03.json", "" },
		{ "cose-wg-examples/sign-tests/sign-fail-04.json", "" },
		{ "cose-wg-examples/sign-tests/sign-fail-06.json", "" },
		{ "cose-wg-examples/sign-tests/sign-fail-07.json", "" },
		{ "cose-wg-examples/sign1-tests/sign-fail-01.json", "tag 998" },
		{ "cose-wg-examples/sign1-tests/sign-fail-02.json", "tag 18 is not" },
		{ "cose-wg-examples/sign1-tests/sign-fail-03.json", "tag 18 is not" },
		{ "cose-wg-examples/sign1-tests/sign-fail-04.json", "tag 18 is not" },
		{ "cose-wg-examples/sign1-tests/sign-fail-06.json", "tag 18 is not" },
		{ "cose-wg-examples/sign1-tests/sign-fail-07.json", "tag 18 is not" },
	};

	for (size_t i = 0; i < KANSA_ARRAY_SIZE(fails); i++) {
		json_t *v = cose_vector(fails[i][0]);
		char *hex = strdup(json_string_value(json_object_get(json_object_get(v, "output"), "cbor")));
		size_t n;
		uint8_t *msg;
		kansa_cose_sign *c = NULL;

		cr_assert(json_is_true(json_object_get(v, "fail")), "%s", fails[i][0]);
		lower(hex);
		msg = unhex(hex, &n);
		cr_expect_eq(kansa_cose__parse(&c, msg, n), KANSA_EFORMAT, "%s", fails[i][0]);
		cr_expect(strstr(kansa_error_last()->message, fails[i][1]) != NULL, "%s: %s",
		    fails[i][0], kansa_error_last()->message);
		cr_expect_null(c);
		free(msg);
		free(hex);
		json_decref(v);
	}
}

/* ---------------------------------------------------------------------- */
/* Our documents                                                           */
/* ---------------------------------------------------------------------- */

Test(cose_build, writes_the_draft_exactly)
{
	uint8_t *doc = NULL;
	size_t n = 0;
	char *got;

	cr_assert_eq(kansa_cose__build(&doc, &n, CT, payload, sizeof(payload)), 0);
	got = tohex(doc, n);
	/* 98([h'a103781e' "application/kansa-warrant+cbor", {}, h'a1616101', []]) */
	cr_expect_str_eq(got, "d86284" "5822a103781e"
	    "6170706c69636174696f6e2f6b616e73612d77617272616e742b63626f72"
	    "a0" "44a1616101" "80");
	free(got);
	free(doc);
}

Test(cose_build, refuses_non_canonical_payload_and_bad_arguments)
{
	uint8_t *doc = (uint8_t *)1;
	size_t n;
	static const uint8_t noncanon[] = { 0x18, 0x01 };
	static const uint8_t two[] = { 0x01, 0x02 };

	/* REQ: COSE-PAYLOAD */
	cr_expect_eq(kansa_cose__build(&doc, &n, CT, noncanon, sizeof(noncanon)), KANSA_EFORMAT);
	cr_expect_null(doc);
	cr_expect(strncmp(kansa_error_last()->message, "cose: payload: cbor: offset 0", 29) == 0,
	    "%s", kansa_error_last()->message);
	cr_expect_eq(kansa_cose__build(&doc, &n, CT, two, sizeof(two)), KANSA_EFORMAT);
	cr_expect_eq(kansa_cose__build(&doc, &n, CT, NULL, 0), KANSA_EFORMAT);
	cr_expect_eq(kansa_cose__build(&doc, &n, "", payload, sizeof(payload)), KANSA_EINVAL);
	cr_expect_eq(kansa_cose__build(&doc, &n, NULL, payload, sizeof(payload)), KANSA_EINVAL);
	cr_expect_eq(kansa_cose__build(&doc, &n, "bad\xff", payload, sizeof(payload)), KANSA_EINVAL);
	cr_expect_null(doc);
}

Test(cose_sign, signs_parses_and_verifies)
{
	size_t n, pl;
	uint8_t *doc = signed_doc(&n, 2);
	kansa_cose_sign *c = NULL;
	kansa_key *k0 = key_n(0), *k1 = key_n(1), *k2 = key_n(2);
	uint8_t kid[KANSA_KID_LEN];
	const uint8_t *p;

	cr_assert_eq(kansa_cose__parse(&c, doc, n), 0, "%s", kansa_error_last()->message);
	free(doc); /* parse copies what it keeps */
	cr_expect_str_eq(kansa_cose__content_type(c), CT);
	p = kansa_cose__payload_unverified(c, &pl);
	cr_expect_eq(pl, sizeof(payload));
	cr_expect_eq(memcmp(p, payload, pl), 0);
	cr_assert_eq(kansa_cose__signature_count(c), 2);
	kansa_key_kid(kid, k0);
	cr_expect_eq(memcmp(kansa_cose__signature(c, 0)->kid, kid, 8), 0);
	kansa_key_kid(kid, k1);
	cr_expect_eq(memcmp(kansa_cose__signature(c, 1)->kid, kid, 8), 0);
	cr_expect_null(kansa_cose__signature(c, 2));

	cr_expect_eq(kansa_cose__verify_signature(c, 0, k0), 0, "%s", kansa_error_last()->message);
	cr_expect_eq(kansa_cose__verify_signature(c, 1, k1), 0);
	/* REQ: COSE-KID wrong kid */
	cr_expect_eq(kansa_cose__verify_signature(c, 0, k1), KANSA_EVERIFY);
	cr_expect(strstr(kansa_error_last()->message, "is not the key's kid") != NULL);
	cr_expect_eq(kansa_cose__verify_signature(c, 1, k2), KANSA_EVERIFY);
	cr_expect_eq(kansa_cose__verify_signature(c, 2, k0), KANSA_EINVAL);
	kansa_cose__free(c);
	kansa_cose__free(NULL);
	kansa_key_free(k0);
	kansa_key_free(k1);
	kansa_key_free(k2);
}

/* REQ: COSE-SIG our Sig_structure, written out by hand */
Test(cose_sign, sig_structure_is_rfc9052)
{
	size_t n, tl;
	uint8_t *doc = signed_doc(&n, 1), *tbs = NULL;
	kansa_cose_sign *c = NULL;
	char *got;

	cr_assert_eq(kansa_cose__parse(&c, doc, n), 0);
	cr_assert_eq(kansa_cose__sig_structure(&tbs, &tl, c, 0), 0);
	got = tohex(tbs, tl);
	/* ["Signature", h'a103781e...', h'a10127', h'', h'a1616101'] */
	cr_expect_str_eq(got, "85" "695369676e6174757265" "5822a103781e"
	    "6170706c69636174696f6e2f6b616e73612d77617272616e742b63626f72"
	    "43a10127" "40" "44a1616101");
	free(tbs);
	cr_expect_eq(kansa_cose__sig_structure(&tbs, &tl, c, 1), KANSA_EINVAL);
	cr_expect_null(tbs);
	free(got);
	kansa_cose__free(c);
	free(doc);
}

/* REQ: COSE-APPEND existing signature bytes are left exactly as they were */
Test(cose_sign, add_signature_keeps_existing_bytes)
{
	size_t n1, n2, n3, diff = 0, at = 0;
	uint8_t *d1 = signed_doc(&n1, 1), *d2 = NULL, *d3 = NULL;
	kansa_key *k1 = key_n(1), *k2 = key_n(2);
	bool already = true;

	cr_assert_eq(add_sig(&d2, &n2, &already, d1, n1, k1), 0);
	cr_expect(!already);
	/* d2 = d1 with the signature count 1 -> 2, plus one signature of the same size */
	for (size_t i = 0; i < n1; i++)
		if (d1[i] != d2[i]) {
			diff++;
			at = i;
		}
	cr_expect_eq(diff, 1);
	cr_expect_eq(d1[at], 0x81);
	cr_expect_eq(d2[at], 0x82);
	cr_expect_eq(n2, n1 + (n1 - at - 1));

	cr_assert_eq(add_sig(&d3, &n3, &already, d2, n2, k2), 0);
	cr_expect_eq(memcmp(d3, d2, at), 0);
	cr_expect_eq(d3[at], 0x83);
	cr_expect_eq(memcmp(d3 + at + 1, d2 + at + 1, n2 - at - 1), 0);
	free(d1);
	free(d2);
	free(d3);
	kansa_key_free(k1);
	kansa_key_free(k2);
}

/* REQ: COSE-ONCE */
Test(cose_sign, same_signer_twice_is_already)
{
	size_t n, m = 0;
	uint8_t *d = signed_doc(&n, 2), *out = NULL;
	kansa_key *k1 = key_n(1), *pub = NULL;
	uint8_t raw[KANSA_PUBKEY_LEN];
	bool already = false;

	cr_assert_eq(add_sig(&out, &m, &already, d, n, k1), 0);
	cr_expect(already);
	cr_expect_eq(m, n);
	cr_expect_eq(memcmp(out, d, n), 0);
	free(out);
	/* even with only the public half: nothing to sign */
	kansa_key_public_raw(raw, k1);
	cr_assert_eq(kansa_key_from_public(&pub, raw), 0);
	already = false;
	cr_assert_eq(add_sig(&out, &m, &already, d, n, pub), 0);
	cr_expect(already);
	free(out);
	kansa_key_free(pub);
	/* a public key that has not signed cannot sign */
	pub = key_n(2);
	kansa_key_public_raw(raw, pub);
	kansa_key_free(pub);
	cr_assert_eq(kansa_key_from_public(&pub, raw), 0);
	cr_expect_eq(add_sig(&out, &m, &already, d, n, pub), KANSA_EINVAL);
	cr_expect_null(out);
	kansa_key_free(pub);
	kansa_key_free(k1);
	free(d);
}

Test(cose_sign, at_most_64_signatures, .timeout = KANSA_HANG_GUARD)
{
	size_t n, m;
	uint8_t *d = signed_doc(&n, 0), *out = NULL;
	bool already;
	kansa_cose_sign *c = NULL;

	for (int i = 0; i < KANSA_MAX_SIGNATURES; i++) {
		kansa_key *k = NULL;
		cr_assert_eq(kansa_key_generate(&k), 0);
		cr_assert_eq(add_sig(&out, &m, &already, d, n, k), 0,
		    "%d: %s", i, kansa_error_last()->message);
		kansa_key_free(k);
		free(d);
		d = out;
		n = m;
	}
	cr_assert_eq(kansa_cose__parse(&c, d, n), 0);
	cr_expect_eq(kansa_cose__signature_count(c), 64);
	kansa_cose__free(c);
	{
		kansa_key *k = NULL;
		cr_assert_eq(kansa_key_generate(&k), 0);
		cr_expect_eq(add_sig(&out, &m, &already, d, n, k), KANSA_ELIMIT);
		kansa_key_free(k);
	}
	free(d);
}

/* ---------------------------------------------------------------------- */
/* Malformed messages (after t_cose's test-message maker)                  */
/* ---------------------------------------------------------------------- */

/* How to spoil a message: each field is a hex override, "" = the default. */
struct mk {
	uint64_t tag;          /* outer tag; 0 = 98; UINT64_MAX = none */
	const char *body_prot; /* bstr content (hex) of the body protected header */
	const char *body_unprot; /* the body unprotected header, as raw item hex */
	const char *payload;   /* payload bstr content (hex) */
	const char *sign_prot; /* signature protected header content (hex) */
	const char *sign_unprot; /* signature unprotected header, raw item hex */
	size_t sig_len;        /* 0 = 64 */
	size_t nsig;           /* 0 = 1 */
	int extra;             /* 1: append an element to the message array */
	bool sign_with_other;  /* sign with key 1 under key 0's kid */
};

static cbor_item_t *item_hex(const char *hex)
{
	size_t n;
	uint8_t *p = unhex(hex, &n);
	struct cbor_load_result r;
	cbor_item_t *it = cbor_load(p, n, &r);

	cr_assert_not_null(it, "bad test hex %s", hex);
	free(p);
	return it;
}

/* Build a message with real signatures over whatever headers were chosen.
 * Overrides that must stay non-canonical live inside byte strings, which
 * the (canonical) encoder copies as they are. */
static uint8_t *make(size_t *len, struct mk m)
{
	const char *bp = m.body_prot ? m.body_prot : "a103781e6170706c69636174696f6e2f6b616e73612d77617272616e742b63626f72";
	const char *pl = m.payload ? m.payload : "a1616101";
	const char *sp = m.sign_prot ? m.sign_prot : "a10127";
	kansa_key *k0 = key_n(0), *k1 = key_n(1);
	cbor_item_t *msg = kansa_cbor__array(), *sigs = kansa_cbor__array(), *root;
	size_t nsig = m.nsig ? m.nsig : 1, bpl, pll, spl;
	uint8_t *bpb = unhex(bp, &bpl), *plb = unhex(pl, &pll), *spb = unhex(sp, &spl);
	uint8_t kid[8];
	uint8_t *buf = NULL;
	size_t n;

	kansa_key_kid(kid, k0);
	for (size_t i = 0; i < nsig; i++) {
		cbor_item_t *s = kansa_cbor__array();
		uint8_t *tbs = NULL, sig[80] = { 0 };
		size_t tl;

		cr_assert_eq(kansa_cose__sig_structure_raw(&tbs, &tl, bpb, bpl, spb, spl, NULL, 0, plb, pll), 0);
		cr_assert_eq(kansa_key_sign(sig, m.sign_with_other ? k1 : k0, tbs, tl), 0);
		free(tbs);
		cr_assert_eq(kansa_cbor__array_push(s, kansa_cbor__bytes(spb, spl)), 0);
		if (m.sign_unprot) {
			cr_assert_eq(kansa_cbor__array_push(s, item_hex(m.sign_unprot)), 0);
		} else {
			cbor_item_t *u = kansa_cbor__map();
			cr_assert_eq(kansa_cbor__map_put_int(u, 4, kansa_cbor__bytes(kid, 8)), 0);
			cr_assert_eq(kansa_cbor__array_push(s, u), 0);
		}
		cr_assert_eq(kansa_cbor__array_push(s, kansa_cbor__bytes(sig, m.sig_len ? m.sig_len : 64)), 0);
		cr_assert_eq(kansa_cbor__array_push(sigs, s), 0);
	}
	cr_assert_eq(kansa_cbor__array_push(msg, kansa_cbor__bytes(bpb, bpl)), 0);
	cr_assert_eq(kansa_cbor__array_push(msg, item_hex(m.body_unprot ? m.body_unprot : "a0")), 0);
	cr_assert_eq(kansa_cbor__array_push(msg, kansa_cbor__bytes(plb, pll)), 0);
	cr_assert_eq(kansa_cbor__array_push(msg, sigs), 0);
	if (m.extra)
		cr_assert_eq(kansa_cbor__array_push(msg, kansa_cbor__int(0)), 0);
	/* our encoder refuses tags 6..20 (libcbor cannot read them back): such a
	 * tag head is prepended by hand */
	bool small = m.tag >= 6 && m.tag <= 20;
	root = m.tag == UINT64_MAX || small ? msg : kansa_cbor__tag(m.tag ? m.tag : 98, msg);
	cr_assert_eq(kansa_cbor__encode(&buf, &n, root), 0, "%s", kansa_error_last()->message);
	if (small) {
		buf = realloc(buf, n + 1);
		cr_assert_not_null(buf);
		memmove(buf + 1, buf, n++);
		buf[0] = (uint8_t)(0xc0 + m.tag);
	}
	cbor_decref(&root);
	free(bpb);
	free(plb);
	free(spb);
	kansa_key_free(k0);
	kansa_key_free(k1);
	*len = n;
	return buf;
}

/* parse; if it parses, verify signature 0 with key 0 */
static int parse_verify(const uint8_t *d, size_t n)
{
	kansa_cose_sign *c = NULL;
	kansa_key *k0 = key_n(0);
	int rc = kansa_cose__parse(&c, d, n);

	if (rc == 0)
		rc = kansa_cose__verify_signature(c, 0, k0);
	else
		cr_expect_null(c);
	kansa_cose__free(c);
	kansa_key_free(k0);
	return rc;
}

static void expect_refused(struct mk m, int code, const char *what)
{
	size_t n;
	uint8_t *d = make(&n, m);
	int rc = parse_verify(d, n);

	cr_expect_eq(rc, code, "want %d for \"%s\", got %d: %s", code, what, rc,
	    kansa_error_last()->message);
	cr_expect(strstr(kansa_error_last()->message, what) != NULL,
	    "message \"%s\" lacks \"%s\"", kansa_error_last()->message, what);
	free(d);
}

Test(cose_parse, the_maker_makes_a_valid_message)
{
	size_t n;
	uint8_t *d = make(&n, (struct mk){ 0 });

	cr_expect_eq(parse_verify(d, n), 0, "%s", kansa_error_last()->message);
	free(d);
}

/* REQ: COSE-HDR COSE-ALG COSE-KID COSE-CANON */
Test(cose_parse, refuses_every_deviation_from_the_profile)
{
	/* the outer shape */
	expect_refused((struct mk){ .tag = 18 }, KANSA_EFORMAT, "cose: tag 18 is not cose_sign (98)");
	expect_refused((struct mk){ .tag = 998 }, KANSA_EFORMAT, "tag 998");
	expect_refused((struct mk){ .tag = UINT64_MAX }, KANSA_EFORMAT, "tag 98 missing");
	expect_refused((struct mk){ .extra = 1 }, KANSA_EFORMAT, "not an array of 4");
	/* the body's headers */
	expect_refused((struct mk){ .body_unprot = "a10100" }, KANSA_EFORMAT, "unprotected header must be an empty map");
	expect_refused((struct mk){ .body_unprot = "80" }, KANSA_EFORMAT, "unprotected header must be an empty map");
	expect_refused((struct mk){ .body_unprot = "40" }, KANSA_EFORMAT, "unprotected header");
	expect_refused((struct mk){ .body_prot = "" }, KANSA_EFORMAT, "protected header is empty");
	expect_refused((struct mk){ .body_prot = "a0" }, KANSA_EFORMAT, "missing content type (3)");
	expect_refused((struct mk){ .body_prot = "a10300" }, KANSA_EFORMAT, "content type (3) is not a text string");
	expect_refused((struct mk){ .body_prot = "a1036161" "00" }, KANSA_EFORMAT, "trailing");
	expect_refused((struct mk){ .body_prot = "a20127036161" }, KANSA_EFORMAT, "unexpected label 1");
	expect_refused((struct mk){ .body_prot = "a202810303616" "1" }, KANSA_EFORMAT, "critical label 2");
	expect_refused((struct mk){ .body_prot = "a2036161" "186400" }, KANSA_EFORMAT, "unexpected label 100");
	expect_refused((struct mk){ .body_prot = "a16163" "6161" }, KANSA_EFORMAT, "label is not an integer");
	expect_refused((struct mk){ .body_prot = "a1037801" "61" }, KANSA_EFORMAT, "text string not in shortest form");
	expect_refused((struct mk){ .body_prot = "a103630061" "62" }, KANSA_EFORMAT, "nul character");
	expect_refused((struct mk){ .body_prot = "816161" }, KANSA_EFORMAT, "protected header is not a map");
	/* the payload */
	expect_refused((struct mk){ .payload = "a2616201616101" }, KANSA_EFORMAT, "cose: payload: cbor: offset 4: map keys not in canonical order");
	expect_refused((struct mk){ .payload = "" }, KANSA_EFORMAT, "cose: payload: cbor: offset 0: empty input");
	expect_refused((struct mk){ .payload = "f97e00" }, KANSA_EFORMAT, "float");
	/* the signature's protected header */
	expect_refused((struct mk){ .sign_prot = "a10126" }, KANSA_EFORMAT, "cose: signatures[0]: alg -7 is not EdDSA (-8)");
	expect_refused((struct mk){ .sign_prot = "a101382a" }, KANSA_EFORMAT, "alg -43 is not EdDSA");
	expect_refused((struct mk){ .sign_prot = "a10165" "4564445341" }, KANSA_EFORMAT, "alg is not an integer");
	expect_refused((struct mk){ .sign_prot = "a1013807" }, KANSA_EFORMAT, "negative integer not in shortest form");
	expect_refused((struct mk){ .sign_prot = "a0" }, KANSA_EFORMAT, "missing alg (1)");
	expect_refused((struct mk){ .sign_prot = "" }, KANSA_EFORMAT, "protected header is empty");
	expect_refused((struct mk){ .sign_prot = "a201270300" }, KANSA_EFORMAT, "unexpected label 3");
	expect_refused((struct mk){ .sign_prot = "a2012702810" "1" }, KANSA_EFORMAT, "critical label 2");
	expect_refused((struct mk){ .sign_prot = "a2012701" "27" }, KANSA_EFORMAT, "duplicate map key");
	/* the signature's unprotected header */
	expect_refused((struct mk){ .sign_unprot = "a0" }, KANSA_EFORMAT, "missing kid (4)");
	expect_refused((struct mk){ .sign_unprot = "a1044700000000000000" }, KANSA_EFORMAT, "kid of 7 bytes, expected 8");
	expect_refused((struct mk){ .sign_unprot = "a104490000000000000000" "00" }, KANSA_EFORMAT, "kid of 9 bytes");
	expect_refused((struct mk){ .sign_unprot = "a104683030303030303030" }, KANSA_EFORMAT, "kid is not a byte string");
	expect_refused((struct mk){ .sign_unprot = "a204480000000000000000" "0101" }, KANSA_EFORMAT, "unexpected label 1");
	expect_refused((struct mk){ .sign_unprot = "a1014101" }, KANSA_EFORMAT, "unexpected label 1");
	expect_refused((struct mk){ .sign_unprot = "80" }, KANSA_EFORMAT, "unprotected header is not a map");
	/* the signature itself */
	expect_refused((struct mk){ .sig_len = 63 }, KANSA_EFORMAT, "cose: signatures[0]: signature of 63 bytes, expected 64");
	expect_refused((struct mk){ .sig_len = 65 }, KANSA_EFORMAT, "signature of 65 bytes");
	expect_refused((struct mk){ .nsig = 2, .sig_len = 1 }, KANSA_EFORMAT, "signatures[0]");
	/* well-formed, but signed by another key under this kid */
	expect_refused((struct mk){ .sign_with_other = true }, KANSA_EVERIFY,
	    "cose: signatures[0]: ed25519 signature does not verify");
	/* too many signatures */
	expect_refused((struct mk){ .nsig = 65 }, KANSA_ELIMIT, "65 signatures exceed the limit of 64");
}

Test(cose_parse, refuses_by_raw_bytes)
{
	size_t n;
	uint8_t *d = make(&n, (struct mk){ 0 });
	uint8_t *big;
	kansa_cose_sign *c = NULL;
	uint8_t *cp = malloc(n + 1);

	/* REQ: COSE-CANON trailing byte */
	memcpy(cp, d, n);
	cp[n] = 0;
	cr_expect_eq(kansa_cose__parse(&c, cp, n + 1), KANSA_EFORMAT);
	cr_expect(strstr(kansa_error_last()->message, "cose: cbor: offset") != NULL, "%s",
	    kansa_error_last()->message);
	/* truncated anywhere */
	for (size_t i = 0; i < n; i++) {
		cr_expect_eq(kansa_cose__parse(&c, d, i), KANSA_EFORMAT, "prefix %zu", i);
		cr_expect_null(c);
	}
	/* over 1 MiB */
	big = calloc(1, KANSA_MAX_DOC_BYTES + 1);
	cr_expect_eq(kansa_cose__parse(&c, big, KANSA_MAX_DOC_BYTES + 1), KANSA_ELIMIT);
	free(big);
	free(cp);
	free(d);
}

/* REQ: COSE-CANON COSE-SIG every single-byte change is caught (design §3;
 * style §7 bit-flip sweep). Documents are small, so the sweep is full. */
Test(cose_verify, bit_flip_sweep, .timeout = KANSA_HANG_GUARD)
{
	size_t n, flips = 0, by_parse = 0, by_verify = 0;
	uint8_t *d = signed_doc(&n, 2);
	kansa_key *keys[2] = { key_n(0), key_n(1) };
	static const uint8_t masks[] = { 0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0xff };

	for (size_t pos = 0; pos < n; pos++) {
		for (size_t mi = 0; mi < sizeof(masks); mi++) {
			kansa_cose_sign *c = NULL;
			int rc;
			bool all_ok = true;

			d[pos] ^= masks[mi];
			rc = kansa_cose__parse(&c, d, n);
			if (rc < 0) {
				cr_expect(rc == KANSA_EFORMAT || rc == KANSA_ELIMIT,
				    "pos %zu mask %02x: code %d", pos, masks[mi], rc);
				by_parse++;
			} else {
				size_t ns = kansa_cose__signature_count(c);
				cr_expect_eq(ns, 2, "pos %zu", pos);
				for (size_t i = 0; i < ns && i < 2; i++) {
					int v = kansa_cose__verify_signature(c, i, keys[i]);
					if (v != 0) {
						cr_expect_eq(v, KANSA_EVERIFY);
						all_ok = false;
					}
				}
				cr_expect(!all_ok, "pos %zu mask %02x: the flipped document still verifies",
				    pos, masks[mi]);
				by_verify++;
				kansa_cose__free(c);
			}
			d[pos] ^= masks[mi];
			flips++;
		}
	}
	cr_expect_eq(flips, n * sizeof(masks));
	cr_expect_gt(by_parse, 0);
	cr_expect_gt(by_verify, 0);
	/* and the unflipped document still verifies */
	cr_expect_eq(parse_verify(d, n), 0);
	kansa_key_free(keys[0]);
	kansa_key_free(keys[1]);
	free(d);
}

/* REQ: COSE-APPEND the parsed form must give back the bytes whose hash is given */
Test(cose_sign, add_signature_refuses_a_parse_that_is_not_of_the_given_bytes, .timeout = KANSA_HANG_GUARD)
{
	size_t n = 0, m = 0;
	uint8_t *d = signed_doc(&n, 1), *out = NULL, hash[KANSA_HASH_LEN];
	kansa_cose_sign *c = NULL;
	kansa_key *k = key_n(2);
	bool already = false;

	cr_assert_eq(kansa_cose__parse(&c, d, n), 0);
	cr_assert_eq(kansa_sha256(hash, d, n), 0);
	hash[0] ^= 1;
	cr_expect_eq(kansa_cose__add_signature(&out, &m, &already, c, hash, k), KANSA_ERROR);
	cr_expect_null(out);
	cr_expect_eq(kansa_cose__add_signature(&out, &m, &already, NULL, hash, k), KANSA_EINVAL);
	kansa_cose__free(c);
	kansa_key_free(k);
	free(d);
}
