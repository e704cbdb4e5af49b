/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ledger/note: C2SP signed notes and tlog checkpoints, against the vectors
 * of tests/vectors/note/ (Go x/mod, transparency-dev/formats, C2SP), plus
 * sign/verify round trips and a catalogue of tampered notes with exact codes.
 */
#include "tests/unit/merkle/vectors.h"
#include "ledger/tlog/note.h"

/* message_hex as bytes (malloc'ed, NUL-terminated). */
static char *hex_message(const json_t *n, size_t *len_out)
{
	const char *hex = tv_str(n, "message_hex");
	size_t cap = strlen(hex) / 2 + 1;
	uint8_t *buf = malloc(cap);

	cr_assert_not_null(buf);
	*len_out = tv_hex(buf, cap, hex);
	buf[*len_out] = '\0';
	return (char *)buf;
}

static size_t load_verifiers(kansa_note_verifier **vs, const json_t *arr)
{
	size_t i;
	json_t *v;

	json_array_foreach(arr, i, v) {
		const char *s = json_string_value(v);
		cr_assert_eq(kansa_note_verifier_parse(&vs[i], s, strlen(s)), 0, "%s: %s", s,
		    kansa_error_last()->message);
	}
	return json_array_size(arr);
}

static void free_verifiers(kansa_note_verifier **vs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		kansa_note_verifier_free(vs[i]);
}

static kansa_key *seed_key(const char *seed_hex)
{
	uint8_t seed[32];
	kansa_key *k;

	tv_hash_hex(seed, seed_hex);
	cr_assert_eq(kansa_key_from_seed(&k, seed), 0);
	return k;
}

Test(note_verifier_parse, keys_json_round_trips_and_rejects_bad_keys)
{
	json_t *f = tv_load("note/keys.json"), *k;
	size_t i, good = 0, bad = 0;

	json_array_foreach(json_object_get(f, "keys"), i, k) {
		const char *vkey = tv_str(k, "vkey");
		kansa_note_verifier *v;
		char *again;

		cr_assert_eq(kansa_note_verifier_parse(&v, vkey, strlen(vkey)), 0, "%s", vkey);
		cr_expect_str_eq(kansa_note_verifier_name(v), tv_str(k, "name"));
		cr_assert_eq(kansa_note_verifier_format(&again, v), 0);
		cr_expect_str_eq(again, vkey);
		free(again);
		kansa_note_verifier_free(v);
		if (json_is_string(json_object_get(k, "seed_hex"))) {
			kansa_key *key = seed_key(tv_str(k, "seed_hex"));
			cr_assert_eq(kansa_note_verifier_from_key(&v, key, tv_str(k, "name")), 0);
			cr_assert_eq(kansa_note_verifier_format(&again, v), 0);
			cr_expect_str_eq(again, vkey, "from seed");
			free(again);
			kansa_note_verifier_free(v);
			kansa_key_free(key);
		}
		good++;
	}
	json_array_foreach(json_object_get(f, "bad_vkeys"), i, k) {
		const char *vkey = tv_str(k, "vkey");
		kansa_note_verifier *v = (kansa_note_verifier *)1;
		cr_expect_eq(kansa_note_verifier_parse(&v, vkey, strlen(vkey)), KANSA_EFORMAT, "%s", vkey);
		cr_expect_null(v);
		bad++;
	}
	cr_expect_eq(good, 12);
	cr_expect_eq(bad, 3);
	json_decref(f);
}

Test(note_verifier_parse, rejects_malformed_strings)
{
	static const char *bad[] = {
		"", "PeterNeumann", "PeterNeumann+c74f20a3", "+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
		"PeterNeumann+c74f20a+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
		"PeterNeumann+c74f20g3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
		"PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10T",
		"PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW ",
		"Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
	};

	for (size_t i = 0; i < KANSA_ARRAY_SIZE(bad); i++) {
		kansa_note_verifier *v;
		cr_expect_eq(kansa_note_verifier_parse(&v, bad[i], strlen(bad[i])), KANSA_EFORMAT, "%s", bad[i]);
	}
}

/* The exact code for each rejected vector note. */
static int reject_code(const char *id)
{
	if (strcmp(id, "go-too-many-signatures") == 0)
		return KANSA_ELIMIT;
	if (strncmp(id, "go-malformed-", 13) == 0)
		return KANSA_EFORMAT;
	return KANSA_EVERIFY; /* unknown keys only, bad signature, wrong name or key ID */
}

Test(note_verify, signed_notes_json)
{
	json_t *f = tv_load("note/signed-notes.json"), *n;
	size_t i, accepted = 0, rejected = 0, parse_only = 0;

	json_array_foreach(json_object_get(f, "notes"), i, n) {
		const char *id = tv_str(n, "id");
		json_t *expect = json_object_get(n, "expect");
		const char *result = tv_str(expect, "result");
		kansa_note_verifier *vs[8] = { 0 };
		size_t nv = load_verifiers(vs, json_object_get(n, "verifier_vkeys")), len;
		char *msg = hex_message(n, &len);
		kansa_note_report r;
		int rc = kansa_note_verify(&r, msg, len, (const kansa_note_verifier *const *)vs, nv, 0);

		if (strcmp(result, "accept") == 0) {
			json_t *names = json_object_get(expect, "verified_signers");
			json_t *unv = json_object_get(expect, "unverified_signers");
			size_t j, nbits = 0;
			json_t *name;

			cr_expect_eq(rc, 0, "%s: %s", id, kansa_error_last()->message);
			json_array_foreach(names, j, name) {
				size_t v;
				for (v = 0; v < nv; v++)
					if (strcmp(kansa_note_verifier_name(vs[v]), json_string_value(name)) == 0)
						break;
				cr_expect_lt(v, nv);
				cr_expect(r.verified_mask >> v & 1, "%s: %s did not verify", id, json_string_value(name));
			}
			for (size_t b = 0; b < 64; b++)
				nbits += r.verified_mask >> b & 1;
			cr_expect_eq(nbits, json_array_size(names), "%s", id);
			cr_expect_eq(r.unknown, json_array_size(unv), "%s: unknown", id);
			cr_expect_eq(r.text_len, strlen(tv_str(n, "text")), "%s", id);
			cr_expect_eq(strncmp(msg, tv_str(n, "text"), r.text_len), 0, "%s", id);
			accepted++;
		} else if (strcmp(result, "reject") == 0) {
			cr_expect_eq(rc, reject_code(id), "%s: got %d (%s)", id, rc, kansa_error_last()->message);
			cr_expect_eq(r.verified_mask, 0);
			rejected++;
		} else {
			/* parse-only: no key is published, so verification must fail */
			kansa_note_parsed p;
			json_t *sigs = json_object_get(expect, "signatures");
			size_t j;
			json_t *s;

			cr_expect_eq(rc, KANSA_EVERIFY, "%s", id);
			cr_assert_eq(kansa_note__parse(&p, msg, len), 0, "%s", id);
			cr_expect_eq(p.text_len, strlen(tv_str(expect, "text")));
			cr_expect_eq(strncmp(p.text, tv_str(expect, "text"), p.text_len), 0, "%s", id);
			cr_assert_eq(p.n_sigs, json_array_size(sigs));
			json_array_foreach(sigs, j, s) {
				uint8_t kid[4], sig[64];
				tv_hex(kid, 4, tv_str(s, "key_id_hex"));
				tv_hex(sig, 64, tv_str(s, "signature_hex"));
				cr_expect_eq(p.sigs[j].name_len, strlen(tv_str(s, "name")));
				cr_expect_eq(strncmp(p.sigs[j].name, tv_str(s, "name"), p.sigs[j].name_len), 0);
				cr_expect_arr_eq(p.sigs[j].key_id, kid, 4);
				cr_expect_eq(p.sigs[j].sig_len, 64);
				cr_expect_arr_eq(p.sigs[j].sig, sig, 64);
			}
			kansa_note__parsed_dispose(&p);
			parse_only++;
		}
		free(msg);
		free_verifiers(vs, nv);
	}
	cr_expect_eq(accepted, 9);
	cr_expect_eq(rejected, 12);
	cr_expect_eq(parse_only, 2);
	json_decref(f);
}

Test(note_verify, example_files_match_and_verify)
{
	json_t *f = tv_load("note/signed-notes.json"), *n;
	size_t i, files = 0;

	json_array_foreach(json_object_get(f, "notes"), i, n) {
		json_t *file = json_object_get(n, "file");
		kansa_note_verifier *vs[8] = { 0 };
		kansa_note_report r;
		size_t len, flen, nv;
		char *msg, *data;
		char rel[256];
		bool accept;

		if (!json_is_string(file))
			continue;
		snprintf(rel, sizeof(rel), "note/%s", json_string_value(file));
		msg = hex_message(n, &len);
		data = tv_read(rel, &flen);
		cr_expect_eq(flen, len, "%s", rel);
		cr_expect_eq(memcmp(data, msg, len), 0, "%s", rel);
		nv = load_verifiers(vs, json_object_get(n, "verifier_vkeys"));
		accept = strcmp(tv_str(json_object_get(n, "expect"), "result"), "accept") == 0;
		cr_expect_eq(kansa_note_verify(&r, data, flen, (const kansa_note_verifier *const *)vs, nv, nv),
		    accept ? 0 : KANSA_EVERIFY, "%s", rel);
		free_verifiers(vs, nv);
		free(msg);
		free(data);
		files++;
	}
	cr_expect_eq(files, 8);
	json_decref(f);
}

Test(note_sign, reproduces_go_peter_byte_for_byte)
{
	json_t *f = tv_load("note/signed-notes.json"), *n;
	size_t i, len, out_len;
	char *msg = NULL, *out;
	kansa_key *k = seed_key("810a1402d5146c8d84f2443330f54080ebf98ee17d9c74f6252fc5d5c7283173");

	json_array_foreach(json_object_get(f, "notes"), i, n)
		if (strcmp(tv_str(n, "id"), "go-peter") == 0)
			msg = hex_message(n, &len);
	cr_assert_not_null(msg);
	const char *text = "If you think cryptography is the answer to your problem,\n"
	    "then you don't know what your problem is.\n";
	cr_assert_eq(kansa_note_sign(&out, &out_len, text, strlen(text), k, "PeterNeumann"), 0);
	cr_expect_eq(out_len, len);
	cr_expect_str_eq(out, msg);
	free(out);
	free(msg);
	kansa_key_free(k);
	json_decref(f);
}

/* ---------------------------------------------------------------------- */
/* Checkpoints                                                             */
/* ---------------------------------------------------------------------- */

Test(checkpoint_parse_text, checkpoints_json)
{
	json_t *f = tv_load("note/checkpoints.json"), *c;
	size_t i, valid = 0, invalid = 0;

	json_array_foreach(json_object_get(f, "cases"), i, c) {
		const char *id = tv_str(c, "id"), *body = tv_str(c, "body"), *expect = tv_str(c, "expect");
		const char *origin;
		size_t olen, ext;
		uint64_t size;
		uint8_t root[KANSA_HASH_LEN];
		int rc = kansa_checkpoint__parse_text(&origin, &olen, &size, root, &ext, body, strlen(body));
		json_t *rh = json_object_get(c, "root_hash_hex");
		bool want_ok = strcmp(expect, "invalid") != 0;

		/* A root that is not 32 bytes, or an empty extension line, is
		 * malformed for us; extension lines with a 32-byte root are fine. */
		if (want_ok && json_is_string(rh) && strlen(json_string_value(rh)) != 64)
			want_ok = false;
		if (strcmp(id, "fmt-valid-trailing-newlines") == 0)
			want_ok = false;
		if (!want_ok) {
			cr_expect_eq(rc, KANSA_EFORMAT, "%s: %d %s", id, rc, kansa_error_last()->message);
			invalid++;
			continue;
		}
		cr_assert_eq(rc, 0, "%s: %s", id, kansa_error_last()->message);
		if (json_is_string(json_object_get(c, "origin"))) {
			uint8_t want[KANSA_HASH_LEN];
			const char *rest = json_string_value(json_object_get(c, "rest"));
			size_t lines = 0;
			cr_expect_eq(olen, strlen(tv_str(c, "origin")));
			cr_expect_eq(strncmp(origin, tv_str(c, "origin"), olen), 0, "%s", id);
			cr_expect_eq(size, tv_u64(c, "size"), "%s", id);
			tv_hash_hex(want, json_string_value(rh));
			cr_expect_arr_eq(root, want, KANSA_HASH_LEN, "%s", id);
			for (const char *p = rest; p && *p; p++)
				lines += *p == '\n';
			cr_expect_eq(ext, lines, "%s", id);
		}
		valid++;
	}
	cr_expect_eq(valid + invalid, 22);
	cr_expect_eq(valid, 5, "c2sp, sumdb, tlog-format, tlog-bad-prefix, size zero");
	json_decref(f);
}

Test(checkpoint_parse_text, counts_extension_lines_and_bounds_the_origin)
{
	const char *body = "o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\next one\next two\n";
	const char *origin;
	size_t olen, ext;
	uint64_t size;
	uint8_t root[KANSA_HASH_LEN];
	char big[KANSA_CHECKPOINT_MAX_ORIGIN + 64];

	cr_assert_eq(kansa_checkpoint__parse_text(&origin, &olen, &size, root, &ext, body, strlen(body)), 0);
	cr_expect_eq(ext, 2);
	cr_expect_eq(size, 1);
	memset(big, 'o', sizeof(big));
	snprintf(big + KANSA_CHECKPOINT_MAX_ORIGIN + 1, 63, "\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n");
	cr_expect_eq(kansa_checkpoint__parse_text(&origin, &olen, &size, root, &ext, big, strlen(big)),
	    KANSA_ELIMIT);
}

Test(checkpoint_format_text, matches_go_tlog_format_tree)
{
	kansa_buf b = KANSA_BUF_INIT(4096);
	uint8_t root[KANSA_HASH_LEN];
	const char *want = "go.sum database tree\n123456789012\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n";

	cr_assert_eq(kansa_merkle_leaf_hash(root, (const uint8_t *)"hello world", 11), 0);
	cr_assert_eq(kansa_checkpoint__format_text(&b, "go.sum database tree", 123456789012ull, root), 0);
	cr_assert_eq(kansa_buf_putc(&b, 0), 0);
	cr_expect_str_eq((char *)b.ptr, want);
	kansa_buf_dispose(&b);
}

Test(checkpoint_verify, derived_sumdb_checkpoint)
{
	const char *vkey = "sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8";
	kansa_note_verifier *v;
	kansa_checkpoint cp;
	uint8_t want[KANSA_HASH_LEN];
	size_t len;
	char *note = tv_read("note/examples/derived-sumdb-20852163.note", &len);

	cr_assert_eq(kansa_note_verifier_parse(&v, vkey, strlen(vkey)), 0);
	cr_assert_eq(kansa_checkpoint_verify(&cp, note, len, (const kansa_note_verifier *const *)&v, 1, 1), 0);
	cr_expect_str_eq(cp.origin, "go.sum database tree");
	cr_expect_eq(cp.size, 20852163);
	tv_hash_hex(want, "0ac5186a91863e8e1d90c808014aa89bf5da8e3ee1d9f07630f0378f68f1ab62");
	cr_expect_arr_eq(cp.root, want, KANSA_HASH_LEN);
	cr_expect_eq(cp.note.verified_mask, 1);
	kansa_note_verifier_free(v);
	free(note);
}

/* A fresh log key, a second (witness) key and a signed checkpoint. */
typedef struct {
	kansa_key *log, *wit;
	kansa_note_verifier *vlog, *vwit;
	char *note;
	size_t len;
	uint8_t root[KANSA_HASH_LEN];
} fixture;

static void fixture_init(fixture *fx)
{
	cr_assert_eq(kansa_key_generate(&fx->log), 0);
	cr_assert_eq(kansa_key_generate(&fx->wit), 0);
	cr_assert_eq(kansa_note_verifier_from_key(&fx->vlog, fx->log, "kansa.example/ledger"), 0);
	cr_assert_eq(kansa_note_verifier_from_key(&fx->vwit, fx->wit, "member.alice"), 0);
	cr_assert_eq(kansa_merkle_leaf_hash(fx->root, (const uint8_t *)"x", 1), 0);
	cr_assert_eq(kansa_checkpoint_sign(&fx->note, &fx->len, fx->log, NULL, "kansa.example/ledger", 42,
	    fx->root), 0);
}

static void fixture_fini(fixture *fx)
{
	kansa_key_free(fx->log);
	kansa_key_free(fx->wit);
	kansa_note_verifier_free(fx->vlog);
	kansa_note_verifier_free(fx->vwit);
	free(fx->note);
}

static int verify1(const char *note, size_t len, const kansa_note_verifier *v)
{
	kansa_checkpoint cp;
	return kansa_checkpoint_verify(&cp, note, len, &v, 1, 1);
}

Test(checkpoint_sign, round_trips_and_cosigns)
{
	fixture fx;
	kansa_checkpoint cp;
	char *cosigned;
	size_t clen;

	fixture_init(&fx);
	cr_assert_eq(verify1(fx.note, fx.len, fx.vlog), 0, "%s", kansa_error_last()->message);
	cr_assert_eq(kansa_checkpoint_verify(&cp, fx.note, fx.len,
	    (const kansa_note_verifier *const *)&fx.vlog, 1, 1), 0);
	cr_expect_str_eq(cp.origin, "kansa.example/ledger");
	cr_expect_eq(cp.size, 42);
	cr_expect_arr_eq(cp.root, fx.root, KANSA_HASH_LEN);
	cr_expect_eq(cp.extensions, 0);
	cr_expect_eq(strncmp(fx.note, "kansa.example/ledger\n42\n", 24), 0);

	/* a witness adds a line; both keys verify; the log alone still verifies */
	cr_assert_eq(kansa_note_add_signature(&cosigned, &clen, fx.note, fx.len, fx.wit, "member.alice"), 0);
	const kansa_note_verifier *both[2] = { fx.vlog, fx.vwit };
	cr_assert_eq(kansa_checkpoint_verify(&cp, cosigned, clen, both, 2, 2), 0);
	cr_expect_eq(cp.note.verified_mask, 3);
	cr_expect_eq(cp.note.signatures, 2);
	cr_assert_eq(kansa_checkpoint_verify(&cp, cosigned, clen, both, 1, 1), 0);
	cr_expect_eq(cp.note.unknown, 1);
	/* the witness alone is not the required log key */
	const kansa_note_verifier *wit_first[2] = { fx.vwit, fx.vlog };
	cr_expect_eq(kansa_checkpoint_verify(&cp, fx.note, fx.len, wit_first, 2, 1), KANSA_EVERIFY);
	cr_expect_str_eq(kansa_error_last()->message, "note: not signed by required key member.alice");
	/* no double signing */
	char *twice;
	cr_expect_eq(kansa_note_add_signature(&twice, NULL, cosigned, clen, fx.wit, "member.alice"),
	    KANSA_EEXISTS);
	cr_expect_null(twice);
	free(cosigned);
	fixture_fini(&fx);
}

/* Tampered notes, each with its exact code. */
Test(checkpoint_verify, rejects_tampering_with_exact_codes)
{
	fixture fx;
	char *bad;
	size_t body_end;

	fixture_init(&fx);
	body_end = (size_t)(strstr(fx.note, "\n\n") - fx.note) + 1;

	/* altered body: size 42 -> 43 */
	bad = strdup(fx.note);
	bad[strlen("kansa.example/ledger\n4")] = '3';
	cr_expect_eq(verify1(bad, fx.len, fx.vlog), KANSA_EVERIFY);
	cr_expect(strstr(kansa_error_last()->message, "invalid signature for key kansa.example/ledger+") != NULL);
	free(bad);

	/* wrong key: same name, other key => unknown key ID => nothing verifies */
	kansa_note_verifier *other;
	cr_assert_eq(kansa_note_verifier_from_key(&other, fx.wit, "kansa.example/ledger"), 0);
	cr_expect_eq(verify1(fx.note, fx.len, other), KANSA_EVERIFY);
	cr_expect_str_eq(kansa_error_last()->message, "note: no signature from a known key (1 unknown)");
	kansa_note_verifier_free(other);

	/* bad base64 in the signature */
	bad = strdup(fx.note);
	bad[fx.len - 3] = '*';
	cr_expect_eq(verify1(bad, fx.len, fx.vlog), KANSA_EFORMAT);
	free(bad);

	/* missing blank line before the signatures */
	bad = strdup(fx.note);
	memmove(bad + body_end, bad + body_end + 1, fx.len - body_end);
	cr_expect_eq(verify1(bad, fx.len - 1, fx.vlog), KANSA_EFORMAT);
	free(bad);

	/* signature line with a wrong key hash (first base64 char changed) */
	bad = strdup(fx.note);
	char *sig = strstr(bad, "\xe2\x80\x94 kansa.example/ledger ") + strlen("\xe2\x80\x94 kansa.example/ledger ");
	sig[0] = sig[0] == 'A' ? 'B' : 'A';
	cr_expect_eq(verify1(bad, fx.len, fx.vlog), KANSA_EVERIFY);
	free(bad);

	/* a known key's signature cut short */
	bad = strdup(fx.note);
	memmove(bad + fx.len - 9, bad + fx.len - 1, 2); /* drop 8 base64 chars (6 bytes) */
	cr_expect_eq(verify1(bad, fx.len - 8, fx.vlog), KANSA_EVERIFY);
	free(bad);

	/* trailing junk, no final newline, CR, control char */
	kansa_buf b = KANSA_BUF_INIT(1 << 20);
	cr_assert_eq(kansa_buf_put(&b, fx.note, fx.len), 0);
	cr_assert_eq(kansa_buf_printf(&b, "junk\n"), 0);
	cr_expect_eq(verify1((char *)b.ptr, b.len, fx.vlog), KANSA_EFORMAT);
	cr_expect_eq(verify1(fx.note, fx.len - 1, fx.vlog), KANSA_EFORMAT);
	bad = strdup(fx.note);
	bad[body_end - 1] = '\r';
	cr_expect_eq(verify1(bad, fx.len, fx.vlog), KANSA_EFORMAT);
	bad[body_end - 1] = '\n';
	bad[0] = '\t';
	cr_expect_eq(verify1(bad, fx.len, fx.vlog), KANSA_EFORMAT);
	free(bad);

	/* oversized note: refused before parsing */
	b.len = 0;
	cr_assert_eq(kansa_buf_put(&b, fx.note, body_end), 0);
	while (b.len <= KANSA_NOTE_MAX_BYTES)
		cr_assert_eq(kansa_buf_printf(&b, "padding line\n"), 0);
	cr_assert_eq(kansa_buf_put(&b, fx.note + body_end, fx.len - body_end), 0);
	cr_expect_eq(verify1((char *)b.ptr, b.len, fx.vlog), KANSA_ELIMIT);
	kansa_buf_dispose(&b);

	/* bad arguments */
	kansa_checkpoint cp;
	cr_expect_eq(kansa_checkpoint_verify(&cp, fx.note, fx.len, NULL, 1, 1), KANSA_EINVAL);
	cr_expect_eq(kansa_checkpoint_verify(&cp, fx.note, fx.len,
	    (const kansa_note_verifier *const *)&fx.vlog, 1, 2), KANSA_EINVAL);
	fixture_fini(&fx);
}

Test(checkpoint_verify, rejects_a_signed_but_malformed_body)
{
	kansa_key *k;
	kansa_note_verifier *v;
	kansa_checkpoint cp;
	char *note;
	size_t len;
	const char *text = "kansa.example/ledger\n042\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";

	cr_assert_eq(kansa_key_generate(&k), 0);
	cr_assert_eq(kansa_note_verifier_from_key(&v, k, "kansa.example/ledger"), 0);
	cr_assert_eq(kansa_note_sign(&note, &len, text, strlen(text), k, "kansa.example/ledger"), 0);
	cr_expect_eq(kansa_note_verify(&cp.note, note, len, (const kansa_note_verifier *const *)&v, 1, 1), 0);
	cr_expect_eq(kansa_checkpoint_verify(&cp, note, len, (const kansa_note_verifier *const *)&v, 1, 1),
	    KANSA_EFORMAT);
	cr_expect_eq(cp.size, 0);
	free(note);
	kansa_note_verifier_free(v);
	kansa_key_free(k);
}

Test(note_sign, rejects_bad_text_names_and_keys)
{
	kansa_key *k, *pub;
	uint8_t raw[32], root[32] = { 0 };
	char *out;

	cr_assert_eq(kansa_key_generate(&k), 0);
	kansa_key_public_raw(raw, k);
	cr_assert_eq(kansa_key_from_public(&pub, raw), 0);
	cr_expect_eq(kansa_note_sign(&out, NULL, "no newline", 10, k, "a"), KANSA_EFORMAT);
	cr_expect_eq(kansa_note_sign(&out, NULL, "", 0, k, "a"), KANSA_EFORMAT);
	cr_expect_eq(kansa_note_sign(&out, NULL, "bell\a\n", 6, k, "a"), KANSA_EFORMAT);
	cr_expect_eq(kansa_note_sign(&out, NULL, "ok\n", 3, k, "has space"), KANSA_EFORMAT);
	cr_expect_eq(kansa_note_sign(&out, NULL, "ok\n", 3, k, "has+plus"), KANSA_EFORMAT);
	cr_expect_eq(kansa_note_sign(&out, NULL, "ok\n", 3, k, "nbsp\xc2\xa0"), KANSA_EFORMAT);
	cr_expect_eq(kansa_note_sign(&out, NULL, "ok\n", 3, k, ""), KANSA_EFORMAT);
	cr_expect_eq(kansa_note_sign(&out, NULL, "ok\n", 3, pub, "a"), KANSA_EINVAL);
	cr_expect_null(out);
	cr_expect_eq(kansa_checkpoint_sign(&out, NULL, k, NULL, "", 1, root), KANSA_EFORMAT);
	cr_expect_eq(kansa_checkpoint_sign(&out, NULL, k, NULL, "two\nlines", 1, root), KANSA_EFORMAT);
	cr_expect_eq(kansa_checkpoint_sign(&out, NULL, k, "with space", "origin", 1, root), KANSA_EFORMAT);
	/* a name with Unicode letters is fine */
	cr_expect_eq(kansa_note_sign(&out, NULL, "ok\n", 3, k, "m\xc3\xa4kel\xc3\xa4"), 0);
	free(out);
	kansa_key_free(k);
	kansa_key_free(pub);
}

Test(note_parse, splits_at_the_last_blank_line_and_dedups)
{
	kansa_key *k;
	kansa_note_verifier *v;
	kansa_note_report r;
	char *note;
	size_t len;
	const char *text = "line one\n\nline three\n";
	kansa_buf b = KANSA_BUF_INIT(1 << 16);

	cr_assert_eq(kansa_key_generate(&k), 0);
	cr_assert_eq(kansa_note_verifier_from_key(&v, k, "k"), 0);
	cr_assert_eq(kansa_note_sign(&note, &len, text, strlen(text), k, "k"), 0);
	cr_assert_eq(kansa_note_verify(&r, note, len, (const kansa_note_verifier *const *)&v, 1, 1), 0);
	cr_expect_eq(r.text_len, strlen(text));
	/* the same line twice counts once */
	cr_assert_eq(kansa_buf_put(&b, note, len), 0);
	cr_assert_eq(kansa_buf_put(&b, note + strlen(text) + 1, len - strlen(text) - 1), 0);
	cr_assert_eq(kansa_note_verify(&r, (char *)b.ptr, b.len, (const kansa_note_verifier *const *)&v, 1, 1), 0);
	cr_expect_eq(r.signatures, 1);
	/* 100 signature lines are fine, 101 are not */
	b.len = 0;
	cr_assert_eq(kansa_buf_put(&b, note, len), 0);
	for (int i = 1; i < KANSA_NOTE_MAX_SIGNATURES; i++)
		cr_assert_eq(kansa_buf_printf(&b, "\xe2\x80\x94 other%d AAAAAAAA\n", i), 0);
	cr_expect_eq(kansa_note_verify(&r, (char *)b.ptr, b.len, (const kansa_note_verifier *const *)&v, 1, 1), 0);
	cr_expect_eq(r.unknown, KANSA_NOTE_MAX_SIGNATURES - 1);
	cr_assert_eq(kansa_buf_printf(&b, "\xe2\x80\x94 other AAAAAAAA\n"), 0);
	cr_expect_eq(kansa_note_verify(&r, (char *)b.ptr, b.len, (const kansa_note_verifier *const *)&v, 1, 1),
	    KANSA_ELIMIT);
	kansa_buf_dispose(&b);
	free(note);
	kansa_note_verifier_free(v);
	kansa_key_free(k);
}
