/* SPDX-License-Identifier: Apache-2.0 */
/* REQ: KEY-ED25519 RFC 8032 §7.1 and Wycheproof vectors through the keys/ API. */
#include "helpers.h"

Test(kansa_key_sign, reproduces_rfc8032_section_7_1)
{
	json_t *doc = load_vector("ed25519/rfc8032-7.1-ed25519.json");
	json_t *vecs = json_object_get(doc, "vectors"), *v;
	size_t i;

	cr_assert_eq(json_array_size(vecs), 5);
	json_array_foreach(vecs, i, v) {
		size_t sl, pl, ml, gl;
		uint8_t *seed = unhex(json_string_value(json_object_get(v, "secret_key_hex")), &sl);
		uint8_t *pub = unhex(json_string_value(json_object_get(v, "public_key_hex")), &pl);
		uint8_t *msg = unhex(json_string_value(json_object_get(v, "message_hex")), &ml);
		uint8_t *sig = unhex(json_string_value(json_object_get(v, "signature_hex")), &gl);
		uint8_t got_pub[32], got_sig[64];
		kansa_key *k = NULL, *pk = NULL;

		cr_assert_eq(sl, 32);
		cr_assert_eq(kansa_key_from_seed(&k, seed), 0);
		kansa_key_public_raw(got_pub, k);
		cr_expect_eq(memcmp(got_pub, pub, 32), 0, "%s: public key", json_string_value(json_object_get(v, "name")));
		cr_assert_eq(kansa_key_sign(got_sig, k, msg, ml), 0);
		cr_expect_eq(memcmp(got_sig, sig, 64), 0, "%s: signature", json_string_value(json_object_get(v, "name")));
		cr_assert_eq(kansa_key_from_public(&pk, pub), 0);
		cr_expect_eq(kansa_key_verify(pk, msg, ml, sig), 0);
		sig[0] ^= 1; /* one flipped bit must fail */
		cr_expect_eq(kansa_key_verify(pk, msg, ml, sig), KANSA_EVERIFY);
		kansa_key_free(k);
		kansa_key_free(pk);
		free(seed); free(pub); free(msg); free(sig);
	}
	json_decref(doc);
}

Test(kansa_key_verify, agrees_with_wycheproof)
{
	json_t *doc = load_vector("ed25519/wycheproof-ed25519_test.json");
	json_t *groups = json_object_get(doc, "testGroups"), *g;
	size_t gi, total = 0, valid = 0;

	json_array_foreach(groups, gi, g) {
		size_t pl, ti;
		uint8_t *pub = unhex(json_string_value(json_object_get(json_object_get(g, "publicKey"), "pk")), &pl);
		kansa_key *k = NULL;
		json_t *t;

		cr_assert_eq(kansa_key_from_public(&k, pub), 0);
		json_array_foreach(json_object_get(g, "tests"), ti, t) {
			size_t ml, gl;
			uint8_t *msg = unhex(json_string_value(json_object_get(t, "msg")), &ml);
			uint8_t *sig = unhex(json_string_value(json_object_get(t, "sig")), &gl);
			bool want = strcmp(json_string_value(json_object_get(t, "result")), "valid") == 0;
			/* a signature of the wrong length never reaches the verifier */
			bool got = gl == KANSA_SIG_LEN && kansa_key_verify(k, msg, ml, sig) == 0;

			cr_expect_eq(got, want, "tcId %lld", (long long)json_integer_value(json_object_get(t, "tcId")));
			total++;
			valid += got;
			free(msg);
			free(sig);
		}
		kansa_key_free(k);
		free(pub);
	}
	cr_expect_eq(total, 151);
	cr_expect_eq(valid, 88);
	json_decref(doc);
}

Test(kansa_key_kid, is_first_8_bytes_of_sha256_of_raw_public_key)
{
	/* RFC 8032 TEST 1 public key; kid computed independently with
	 * printf d75a98...511a | xxd -r -p | sha256sum  ->  21fe31dfa154a261... */
	size_t pl;
	uint8_t *pub = unhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", &pl);
	uint8_t kid[8];
	char hex[17];
	kansa_key *k = NULL;

	cr_assert_eq(kansa_key_from_public(&k, pub), 0);
	kansa_key_kid(kid, k);
	kansa_hex_encode(hex, kid, 8);
	cr_expect_str_eq(hex, "21fe31dfa154a261");
	kansa_key_free(k);
	free(pub);
}
