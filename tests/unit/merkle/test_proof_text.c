/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The proof text format (docs/formats.md "Proofs"): round trips, and a
 * catalogue of malformed texts, each with its exact error code.
 */
#include "tests/unit/merkle/vectors.h"
#include "ledger/tlog/merkle.h"

#define H0 "bjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0=" /* SHA-256(0x00) */
#define H1 "XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg="

static int parse(kansa_merkle_proof *p, const char *s)
{
	return kansa_merkle_proof_parse(p, s, strlen(s));
}

Test(merkle_proof_parse, round_trips_generated_proofs)
{
	kansa_merkle_memtree t;

	kansa_merkle_memtree_init(&t);
	for (int i = 0; i < 21; i++) {
		uint8_t h[KANSA_HASH_LEN];
		uint8_t d = (uint8_t)i;
		cr_assert_eq(kansa_merkle_leaf_hash(h, &d, 1), 0);
		cr_assert_eq(kansa_merkle_memtree_append(&t, h), 0);
	}
	for (uint64_t size = 1; size <= 21; size++)
		for (uint64_t x = 0; x < size; x++) {
			kansa_merkle_proof p = { 0 }, q;
			uint8_t leaf[KANSA_HASH_LEN], root[KANSA_HASH_LEN], old[KANSA_HASH_LEN];
			char *text, *again;
			size_t len, len2;

			/* inclusion of leaf x */
			p.kind = KANSA_PROOF_INCLUSION;
			p.index = x;
			p.size = size;
			cr_assert_eq(kansa_merkle__inclusion_proof(p.hashes, &p.len, KANSA_MERKLE_MAX_PROOF,
			    kansa_merkle_memtree_node, &t, x, size), 0);
			cr_assert_eq(kansa_merkle_proof_format(&text, &len, &p), 0);
			cr_assert_eq(strlen(text), len);
			cr_assert_eq(kansa_merkle_proof_parse(&q, text, len), 0, "%s", text);
			cr_assert_eq(memcmp(&p, &q, sizeof(p)), 0);
			cr_assert_eq(kansa_merkle_proof_format(&again, &len2, &q), 0);
			cr_assert_str_eq(again, text);
			cr_assert_eq(kansa_merkle_memtree_node(&t, 0, x, leaf), 0);
			cr_assert_eq(kansa_merkle__root(root, kansa_merkle_memtree_node, &t, size), 0);
			cr_assert_eq(kansa_merkle_proof_verify(&q, leaf, root), 0);
			free(text);
			free(again);

			/* consistency from size x + 1 */
			memset(&p, 0, sizeof(p));
			p.kind = KANSA_PROOF_CONSISTENCY;
			p.old_size = x + 1;
			p.size = size;
			cr_assert_eq(kansa_merkle__consistency_proof(p.hashes, &p.len, KANSA_MERKLE_MAX_PROOF,
			    kansa_merkle_memtree_node, &t, x + 1, size), 0);
			cr_assert_eq(kansa_merkle_proof_format(&text, NULL, &p), 0);
			cr_assert_eq(parse(&q, text), 0, "%s", text);
			cr_assert_eq(memcmp(&p, &q, sizeof(p)), 0);
			cr_assert_eq(kansa_merkle__root(old, kansa_merkle_memtree_node, &t, x + 1), 0);
			cr_assert_eq(kansa_merkle_proof_verify(&q, old, root), 0);
			cr_assert_eq(kansa_merkle_proof_verify(&q, root, old), x + 1 == size ? 0 : KANSA_EVERIFY);
			free(text);
		}
	kansa_merkle_memtree_dispose(&t);
}

Test(merkle_proof_format, writes_the_documented_layout)
{
	kansa_merkle_proof p = { 0 };
	char *text;

	p.kind = KANSA_PROOF_CONSISTENCY;
	p.old_size = 1;
	p.size = 8;
	p.len = 1;
	cr_assert_eq(kansa_base64_decode(p.hashes[0], KANSA_HASH_LEN, &(size_t){ 0 }, H1, 44), 0);
	cr_assert_eq(kansa_merkle_proof_format(&text, NULL, &p), 0);
	cr_expect_str_eq(text, "kansa-proof/v1 consistency\nold-size 1\nsize 8\n" H1 "\n");
	free(text);
	p.kind = 7;
	cr_expect_eq(kansa_merkle_proof_format(&text, NULL, &p), KANSA_EINVAL);
	cr_expect_null(text);
}

Test(merkle_proof_parse, accepts_an_empty_proof_and_max_values)
{
	kansa_merkle_proof p;

	cr_assert_eq(parse(&p, "kansa-proof/v1 inclusion\nindex 0\nsize 1\n"), 0);
	cr_expect_eq(p.kind, KANSA_PROOF_INCLUSION);
	cr_expect_eq(p.len, 0);
	cr_assert_eq(parse(&p, "kansa-proof/v1 inclusion\nindex 18446744073709551614\n"
	    "size 18446744073709551615\n" H0 "\n"), 0);
	cr_expect_eq(p.index, UINT64_MAX - 1);
	cr_expect_eq(p.size, UINT64_MAX);
	cr_expect_eq(p.len, 1);
}

/* Malformed texts: each must fail with exactly this code. */
static const struct {
	const char *what, *text;
	int code;
} bad[] = {
	{ "empty", "", KANSA_EFORMAT },
	{ "no final newline", "kansa-proof/v1 inclusion\nindex 0\nsize 1", KANSA_EFORMAT },
	{ "unknown magic", "kansa-proof/v2 inclusion\nindex 0\nsize 1\n", KANSA_EFORMAT },
	{ "unknown kind", "kansa-proof/v1 exclusion\nindex 0\nsize 1\n", KANSA_EFORMAT },
	{ "truncated header", "kansa-proof/v1 inclusion\nindex 0\n", KANSA_EFORMAT },
	{ "crlf", "kansa-proof/v1 inclusion\r\nindex 0\r\nsize 1\r\n", KANSA_EFORMAT },
	{ "fields swapped", "kansa-proof/v1 inclusion\nsize 1\nindex 0\n", KANSA_EFORMAT },
	{ "wrong field for kind", "kansa-proof/v1 consistency\nindex 1\nsize 2\n", KANSA_EFORMAT },
	{ "leading zero", "kansa-proof/v1 inclusion\nindex 01\nsize 3\n", KANSA_EFORMAT },
	{ "sign", "kansa-proof/v1 inclusion\nindex +1\nsize 3\n", KANSA_EFORMAT },
	{ "negative", "kansa-proof/v1 inclusion\nindex -1\nsize 3\n", KANSA_EFORMAT },
	{ "hex number", "kansa-proof/v1 inclusion\nindex 0x1\nsize 3\n", KANSA_EFORMAT },
	{ "2^64", "kansa-proof/v1 inclusion\nindex 0\nsize 18446744073709551616\n", KANSA_EFORMAT },
	{ "two spaces", "kansa-proof/v1 inclusion\nindex  0\nsize 1\n", KANSA_EFORMAT },
	{ "trailing space", "kansa-proof/v1 inclusion\nindex 0 \nsize 1\n", KANSA_EFORMAT },
	{ "empty value", "kansa-proof/v1 inclusion\nindex \nsize 1\n", KANSA_EFORMAT },
	{ "blank line", "kansa-proof/v1 inclusion\nindex 0\nsize 2\n\n" H0 "\n", KANSA_EFORMAT },
	{ "bad base64 char", "kansa-proof/v1 inclusion\nindex 0\nsize 2\n"
	  "bjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0*\n", KANSA_EFORMAT },
	{ "base64 without padding", "kansa-proof/v1 inclusion\nindex 0\nsize 2\n"
	  "bjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0\n", KANSA_EFORMAT },
	{ "non-canonical base64", "kansa-proof/v1 inclusion\nindex 0\nsize 2\n"
	  "bjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB1=\n", KANSA_EFORMAT },
	{ "short hash", "kansa-proof/v1 inclusion\nindex 0\nsize 2\nYmFuYW5hcw==\n", KANSA_EFORMAT },
	{ "hash with space", "kansa-proof/v1 inclusion\nindex 0\nsize 2\n " H0 "\n", KANSA_EFORMAT },
	{ "nul byte", "kansa-proof/v1 inclusion\nindex 0\0\nsize 1\n", KANSA_EFORMAT },
};

Test(merkle_proof_parse, rejects_malformed_text_with_exact_codes)
{
	for (size_t i = 0; i < KANSA_ARRAY_SIZE(bad); i++) {
		kansa_merkle_proof p;
		size_t len = strlen(bad[i].text);
		if (strcmp(bad[i].what, "nul byte") == 0)
			len = sizeof("kansa-proof/v1 inclusion\nindex 0\0\nsize 1\n") - 1;
		memset(&p, 0x55, sizeof(p));
		cr_expect_eq(kansa_merkle_proof_parse(&p, bad[i].text, len), bad[i].code, "%s: %s",
		    bad[i].what, kansa_error_last()->message);
		cr_expect_eq(p.kind, 0, "%s: output not zeroed", bad[i].what);
	}
}

Test(merkle_proof_parse, enforces_limits)
{
	kansa_buf b = KANSA_BUF_INIT(1 << 20);
	kansa_merkle_proof p;

	cr_assert_eq(kansa_buf_printf(&b, "kansa-proof/v1 consistency\nold-size 1\nsize 2\n"), 0);
	for (int i = 0; i < KANSA_MERKLE_MAX_PROOF; i++)
		cr_assert_eq(kansa_buf_printf(&b, "%s\n", H0), 0);
	cr_expect_eq(kansa_merkle_proof_parse(&p, (char *)b.ptr, b.len), 0);
	cr_expect_eq(p.len, KANSA_MERKLE_MAX_PROOF);
	cr_assert_eq(kansa_buf_printf(&b, "%s\n", H0), 0); /* one hash too many */
	cr_expect_eq(kansa_merkle_proof_parse(&p, (char *)b.ptr, b.len), KANSA_ELIMIT);
	cr_expect_str_eq(kansa_error_last()->message, "proof line 69: more than 65 hashes");
	while (b.len <= KANSA_MAX_PROOF_TEXT_BYTES)
		cr_assert_eq(kansa_buf_printf(&b, "%s\n", H0), 0);
	cr_expect_eq(kansa_merkle_proof_parse(&p, (char *)b.ptr, b.len), KANSA_ELIMIT);
	kansa_buf_dispose(&b);
	cr_expect_eq(kansa_merkle_proof_parse(NULL, "x", 1), KANSA_EINVAL);
}

Test(merkle_proof_verify, checks_the_parsed_numbers)
{
	kansa_merkle_proof p;
	uint8_t leaf[KANSA_HASH_LEN];

	cr_assert_eq(kansa_merkle_leaf_hash(leaf, NULL, 0), 0);
	cr_assert_eq(parse(&p, "kansa-proof/v1 inclusion\nindex 0\nsize 1\n"), 0);
	cr_expect_eq(kansa_merkle_proof_verify(&p, leaf, leaf), 0);
	cr_assert_eq(parse(&p, "kansa-proof/v1 inclusion\nindex 1\nsize 1\n"), 0);
	cr_expect_eq(kansa_merkle_proof_verify(&p, leaf, leaf), KANSA_EVERIFY);
	cr_assert_eq(parse(&p, "kansa-proof/v1 consistency\nold-size 2\nsize 1\n"), 0);
	cr_expect_eq(kansa_merkle_proof_verify(&p, leaf, leaf), KANSA_EVERIFY);
	cr_assert_eq(parse(&p, "kansa-proof/v1 consistency\nold-size 0\nsize 0\n"), 0);
	cr_expect_eq(kansa_merkle_proof_verify(&p, leaf, leaf), KANSA_EVERIFY);
}
