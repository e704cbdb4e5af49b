/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ledger/tlog/cosig: C2SP tlog-cosignature v1. The key ID and the signed
 * message are recomputed here from the spec's definitions; every way a
 * cosignature can be wrong (another key, another time, another body, the
 * type byte, a short payload, a timestamp over 2^63 - 1) is refused with
 * its exact code. tests/cosig_ref.py checks the same from outside.
 */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ledger/tlog/cosig.h"

#define ORIGIN "kansa.example/jp-ccisc/00112233"
#define WITNESS "witness.example/w1"
#define T0 1700000000ull

typedef struct {
	kansa_key *log, *wit, *other;
	kansa_note_verifier *vlog, *vwit, *vwit01, *vother;
	char *note;   /* the log's signed checkpoint */
	size_t len;
} fixture;

static kansa_key *key_from_byte(uint8_t b)
{
	uint8_t seed[32];
	kansa_key *k;

	memset(seed, b, sizeof(seed));
	cr_assert_eq(kansa_key_from_seed(&k, seed), 0);
	return k;
}

static void fixture_init(fixture *fx)
{
	uint8_t root[KANSA_HASH_LEN];

	fx->log = key_from_byte(1);
	fx->wit = key_from_byte(2);
	fx->other = key_from_byte(3);
	cr_assert_eq(kansa_note_verifier_from_key(&fx->vlog, fx->log, ORIGIN), 0);
	cr_assert_eq(kansa_cosig_verifier_from_key(&fx->vwit, fx->wit, WITNESS), 0);
	cr_assert_eq(kansa_note_verifier_from_key(&fx->vwit01, fx->wit, WITNESS), 0);
	cr_assert_eq(kansa_cosig_verifier_from_key(&fx->vother, fx->other, WITNESS), 0);
	memset(root, 0xab, sizeof(root));
	cr_assert_eq(kansa_checkpoint_sign(&fx->note, &fx->len, fx->log, NULL, ORIGIN, 7, root), 0);
}

static void fixture_fini(fixture *fx)
{
	kansa_key_free(fx->log);
	kansa_key_free(fx->wit);
	kansa_key_free(fx->other);
	kansa_note_verifier_free(fx->vlog);
	kansa_note_verifier_free(fx->vwit);
	kansa_note_verifier_free(fx->vwit01);
	kansa_note_verifier_free(fx->vother);
	free(fx->note);
}

/* A malloc'ed formatted string. */
static char *str_fmt(const char *f, ...)
{
	va_list ap;
	char *s = malloc(4096);

	cr_assert_not_null(s);
	va_start(ap, f);
	cr_assert(vsnprintf(s, 4096, f, ap) < 4096);
	va_end(ap);
	return s;
}

/* The note with its last signature line's payload replaced by @p payload. */
static char *with_last_payload(const char *note, const uint8_t *payload, size_t n, size_t *len_out)
{
	const char *last = note, *p;
	char b64[256];
	size_t keep;
	char *out;

	for (p = note; (p = strstr(p, "\n\xe2\x80\x94 ")) != NULL; p++)
		last = p + 1;
	p = strchr(last + 4, ' '); /* after "— name" */
	cr_assert_not_null(p);
	keep = (size_t)(p + 1 - note);
	cr_assert_eq(kansa_base64_encode(b64, sizeof(b64), payload, n), 0);
	out = malloc(keep + strlen(b64) + 2);
	cr_assert_not_null(out);
	memcpy(out, note, keep);
	sprintf(out + keep, "%s\n", b64);
	*len_out = strlen(out);
	return out;
}

/* The decoded payload of the note's last signature line. */
static size_t last_payload(uint8_t *out, size_t cap, const char *note)
{
	const char *end = note + strlen(note) - 1, *sp = end;
	size_t n;

	while (*sp != ' ')
		sp--;
	cr_assert_eq(kansa_base64_decode(out, cap, &n, sp + 1, (size_t)(end - sp - 1)), 0);
	return n;
}

Test(cosig, key_id_is_over_name_newline_0x04_and_key)
{
	fixture fx;
	uint8_t buf[64], h[KANSA_HASH_LEN], pub[KANSA_PUBKEY_LEN];
	size_t n = strlen(WITNESS);

	fixture_init(&fx);
	kansa_key_public_raw(pub, fx.wit);
	memcpy(buf, WITNESS, n);
	buf[n] = 0x0a;
	buf[n + 1] = 0x04;
	memcpy(buf + n + 2, pub, KANSA_PUBKEY_LEN);
	cr_assert_eq(kansa_sha256(h, buf, n + 2 + KANSA_PUBKEY_LEN), 0);
	cr_expect_arr_eq(fx.vwit->key_id, h, 4);
	cr_expect_eq(fx.vwit->type, 0x04);
	cr_expect_eq(kansa_note_verifier_type(fx.vwit), KANSA_NOTE_TYPE_COSIGNATURE);
	cr_expect_eq(kansa_note_verifier_type(fx.vwit01), KANSA_NOTE_TYPE_ED25519);
	/* the same key as a type 0x01 note key has another ID */
	cr_expect_neq(memcmp(fx.vwit01->key_id, h, 4), 0);
	fixture_fini(&fx);
}

Test(cosig, vkey_has_type_0x04_and_round_trips)
{
	fixture fx;
	kansa_note_verifier *back = NULL;
	uint8_t raw[64], pub[KANSA_PUBKEY_LEN];
	char *vkey = NULL, hex[9];
	size_t n;

	fixture_init(&fx);
	cr_assert_eq(kansa_note_verifier_format(&vkey, fx.vwit), 0);
	kansa_hex_encode(hex, fx.vwit->key_id, 4);
	cr_assert_eq(strncmp(vkey, WITNESS "+", strlen(WITNESS) + 1), 0, "%s", vkey);
	cr_expect_eq(strncmp(vkey + strlen(WITNESS) + 1, hex, 8), 0);
	cr_assert_eq(kansa_base64_decode(raw, sizeof(raw), &n, vkey + strlen(WITNESS) + 10,
	    strlen(vkey) - strlen(WITNESS) - 10), 0);
	kansa_key_public_raw(pub, fx.wit);
	cr_expect_eq(n, 33);
	cr_expect_eq(raw[0], 0x04);
	cr_expect_arr_eq(raw + 1, pub, 32);
	cr_assert_eq(kansa_note_verifier_parse(&back, vkey, strlen(vkey)), 0, "%s", kansa_error_last()->message);
	cr_expect_eq(kansa_note_verifier_type(back), 0x04);
	cr_expect_arr_eq(back->key_id, fx.vwit->key_id, 4);
	kansa_note_verifier_free(back);

	/* the key ID of a 0x01 key under a 0x04 type byte does not match */
	char *bad = strdup(vkey);
	kansa_hex_encode(hex, fx.vwit01->key_id, 4);
	memcpy(bad + strlen(WITNESS) + 1, hex, 8);
	cr_expect_eq(kansa_note_verifier_parse(&back, bad, strlen(bad)), KANSA_EFORMAT);
	/* an unknown type byte (0x05) is refused */
	raw[0] = 0x05;
	char b64[64];
	cr_assert_eq(kansa_base64_encode(b64, sizeof(b64), raw, 33), 0);
	free(bad);
	bad = str_fmt("%s+%.8s+%s", WITNESS, vkey + strlen(WITNESS) + 1, b64);
	cr_expect_eq(kansa_note_verifier_parse(&back, bad, strlen(bad)), KANSA_EFORMAT);
	cr_expect_null(back);
	free(bad);
	free(vkey);
	fixture_fini(&fx);
}

Test(cosig, signs_the_spec_message_and_verifies)
{
	fixture fx;
	kansa_checkpoint cp;
	uint8_t pay[128];
	uint64_t t = 0;
	char *co = NULL, *msg = NULL;
	size_t clen, n;

	fixture_init(&fx);
	cr_assert_eq(kansa_cosig_add(&co, &clen, fx.note, fx.len, fx.wit, WITNESS, T0), 0,
	    "%s", kansa_error_last()->message);
	cr_expect_eq(strlen(co), clen);
	cr_expect_eq(strncmp(co, fx.note, fx.len), 0, "the log's note is kept as it was");
	cr_assert_eq(kansa_cosig_verify(&t, co, clen, fx.vwit), 0, "%s", kansa_error_last()->message);
	cr_expect_eq(t, T0);

	/* payload: key ID || u64be time || Ed25519 over the spec's message */
	n = last_payload(pay, sizeof(pay), co);
	cr_assert_eq(n, 4 + 8 + 64);
	cr_expect_arr_eq(pay, fx.vwit->key_id, 4);
	cr_expect_eq(pay[4], 0);
	cr_expect_eq(((uint64_t)pay[8] << 24 | pay[9] << 16 | pay[10] << 8 | pay[11]), T0);
	const char *text = ORIGIN "\n7\nq6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6s=\n";
	cr_assert_eq(strncmp(co, text, strlen(text)), 0);
	msg = str_fmt("cosignature/v1\ntime %llu\n%s", T0, text);
	cr_expect_eq(kansa_key_verify(fx.wit, (const uint8_t *)msg, strlen(msg), pay + 12), 0);

	/* as a note: log and witness both verify, each by its type */
	const kansa_note_verifier *vs[2] = { fx.vlog, fx.vwit };
	cr_assert_eq(kansa_checkpoint_verify(&cp, co, clen, vs, 2, 2), 0, "%s", kansa_error_last()->message);
	cr_expect_eq(cp.note.verified_mask, 3);
	/* already cosigned by this key: refused */
	char *twice = NULL;
	cr_expect_eq(kansa_cosig_add(&twice, NULL, co, clen, fx.wit, WITNESS, T0 + 1), KANSA_EEXISTS);
	cr_expect_null(twice);
	free(msg);
	free(co);
	fixture_fini(&fx);
}

Test(cosig, refuses_wrong_key_time_body_type_and_length)
{
	fixture fx;
	kansa_checkpoint cp;
	uint8_t pay[128], other[128];
	char *co, *bad;
	size_t clen, blen, n;
	uint64_t t;

	fixture_init(&fx);
	cr_assert_eq(kansa_cosig_add(&co, &clen, fx.note, fx.len, fx.wit, WITNESS, T0), 0);
	n = last_payload(pay, sizeof(pay), co);

	/* another key under the same name: its key ID differs, so not found */
	cr_expect_eq(kansa_cosig_verify(&t, co, clen, fx.vother), KANSA_ENOTFOUND);
	/* wrong key: the witness's key ID with another key's signature */
	char *co2;
	size_t c2len;
	cr_assert_eq(kansa_cosig_add(&co2, &c2len, fx.note, fx.len, fx.other, WITNESS, T0), 0);
	cr_assert_eq(last_payload(other, sizeof(other), co2), n);
	memcpy(other, pay, 4);
	bad = with_last_payload(co2, other, n, &blen);
	cr_expect_eq(kansa_cosig_verify(&t, bad, blen, fx.vwit), KANSA_EVERIFY);
	const kansa_note_verifier *vs[2] = { fx.vlog, fx.vwit };
	cr_expect_eq(kansa_checkpoint_verify(&cp, bad, blen, vs, 2, 1), KANSA_EVERIFY);
	free(bad);
	free(co2);

	/* wrong time: one second later, same signature */
	memcpy(other, pay, n);
	other[11] ^= 1;
	bad = with_last_payload(co, other, n, &blen);
	cr_expect_eq(kansa_cosig_verify(&t, bad, blen, fx.vwit), KANSA_EVERIFY);
	free(bad);
	/* a timestamp above 2^63 - 1 */
	other[11] ^= 1;
	other[4] |= 0x80;
	bad = with_last_payload(co, other, n, &blen);
	cr_expect_eq(kansa_cosig_verify(&t, bad, blen, fx.vwit), KANSA_EVERIFY);
	cr_expect(strstr(kansa_error_last()->message, "2^63") != NULL, "%s", kansa_error_last()->message);
	free(bad);

	/* tampered body: size 7 -> 8 */
	bad = strdup(co);
	bad[strlen(ORIGIN) + 1] = '8';
	cr_expect_eq(kansa_cosig_verify(&t, bad, clen, fx.vwit), KANSA_EVERIFY);
	free(bad);

	/* truncated: 68 bytes (the size of an old type 0x01 line) and 75 */
	bad = with_last_payload(co, pay, 68, &blen);
	cr_expect_eq(kansa_cosig_verify(&t, bad, blen, fx.vwit), KANSA_EVERIFY);
	free(bad);
	bad = with_last_payload(co, pay, 75, &blen);
	cr_expect_eq(kansa_cosig_verify(&t, bad, blen, fx.vwit), KANSA_EVERIFY);
	free(bad);

	/* wrong type byte: the 0x04 line is unknown to the 0x01 key of the same
	 * key and name, and an old 0x01 line is not a cosignature */
	const kansa_note_verifier *old[2] = { fx.vlog, fx.vwit01 };
	cr_assert_eq(kansa_checkpoint_verify(&cp, co, clen, old, 2, 1), 0);
	cr_expect_eq(cp.note.verified_mask, 1);
	cr_expect_eq(cp.note.unknown, 1);
	char *legacy;
	size_t llen;
	cr_assert_eq(kansa_note_add_signature(&legacy, &llen, fx.note, fx.len, fx.wit, WITNESS), 0);
	cr_expect_eq(kansa_cosig_verify(&t, legacy, llen, fx.vwit), KANSA_ENOTFOUND);
	cr_expect_eq(kansa_cosig_verify(&t, legacy, llen, fx.vwit01), KANSA_EINVAL);
	free(legacy);
	free(co);
	fixture_fini(&fx);
}

Test(cosig, signs_only_checkpoints_with_valid_arguments)
{
	fixture fx;
	char *out = NULL, *note = NULL;
	size_t len;
	kansa_note_verifier *pubonly = NULL;
	kansa_key *pub = NULL;
	uint8_t raw[KANSA_PUBKEY_LEN];

	fixture_init(&fx);
	cr_assert_eq(kansa_note_sign(&note, &len, "not a checkpoint\n", 17, fx.log, ORIGIN), 0);
	cr_expect_eq(kansa_cosig_add(&out, NULL, note, len, fx.wit, WITNESS, T0), KANSA_EFORMAT);
	cr_expect_eq(kansa_cosig_add(&out, NULL, fx.note, fx.len, fx.wit, "bad name", T0), KANSA_EINVAL);
	cr_expect_eq(kansa_cosig_add(&out, NULL, fx.note, fx.len, fx.wit, WITNESS,
	    (uint64_t)INT64_MAX + 1), KANSA_EINVAL);
	kansa_key_public_raw(raw, fx.wit);
	cr_assert_eq(kansa_key_from_public(&pub, raw), 0);
	cr_expect_eq(kansa_cosig_add(&out, NULL, fx.note, fx.len, pub, WITNESS, T0), KANSA_EINVAL);
	cr_expect_null(out);
	/* the largest timestamp allowed signs and verifies */
	uint64_t t;
	cr_assert_eq(kansa_cosig_add(&out, &len, fx.note, fx.len, fx.wit, WITNESS, (uint64_t)INT64_MAX), 0);
	cr_expect_eq(kansa_cosig_verify(&t, out, len, fx.vwit), 0);
	cr_expect_eq(t, (uint64_t)INT64_MAX);
	free(out);
	kansa_note_verifier_free(pubonly);
	kansa_key_free(pub);
	free(note);
	fixture_fini(&fx);
}

/* Ed25519 is deterministic, so kansa and tests/cosig_ref.py (Python's
 * cryptography) must write the same line: the reference checkpoint of
 * docs/formats.md (log seed 32 x 0x01), cosigned by seed 32 x 0x02 as
 * witness.example/w1 at 1700000000, made by cosig_ref.py (this is also the
 * fuzz seed tests/fuzz/corpus/note/kansa-cosigned-reference.note). */
Test(cosig, matches_the_independent_implementation_byte_for_byte)
{
	static const char ref[] = "kansa.example/ledger\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n\n"
	    "\xe2\x80\x94 kansa.example/ledger 9Wek1g5tLAujsKqaNmKUWXHUxi+lQrqCcb4zNYBl6CJMBvmKMucKEdC9R0tB33hrjVVbSZpUAmdylj1aXHzHJZJE9A0=\n";
	static const char line[] = "\xe2\x80\x94 witness.example/w1 3xwKNQAAAABlU/EAsaP1qgwOvF0YLzU4JOWfPvyL+umKsyqnmis0Xd+9cFTEvIko2YkLUZUM6fUeSHj0NlMOKrmIYDR5ON9r52voAA==\n";
	static const char vkey[] = "witness.example/w1+df1c0a35+BIE5dw6ofRdfVqNUZsNMfszLjYqRtO43ol32D1uPybOU";
	kansa_key *w = key_from_byte(2);
	kansa_note_verifier *v = NULL, *mine = NULL;
	char *co = NULL, *fmt = NULL;
	size_t len;
	uint64_t t;

	cr_assert_eq(kansa_cosig_add(&co, &len, ref, strlen(ref), w, "witness.example/w1", 1700000000), 0);
	cr_expect_eq(len, strlen(ref) + strlen(line));
	cr_expect_str_eq(co + strlen(ref), line);
	cr_assert_eq(kansa_cosig_verifier_from_key(&mine, w, "witness.example/w1"), 0);
	cr_assert_eq(kansa_note_verifier_format(&fmt, mine), 0);
	cr_expect_str_eq(fmt, vkey);
	cr_assert_eq(kansa_note_verifier_parse(&v, vkey, strlen(vkey)), 0);
	cr_expect_eq(kansa_cosig_verify(&t, co, len, v), 0);
	cr_expect_eq(t, 1700000000);
	free(fmt);
	free(co);
	kansa_note_verifier_free(v);
	kansa_note_verifier_free(mine);
	kansa_key_free(w);
}
