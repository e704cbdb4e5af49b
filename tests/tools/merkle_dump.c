/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Test helper: print the leaves, roots and proofs of ledger/tlog/merkle.c for
 * tests/merkle_ref.py to check with an independent implementation.
 *
 * Leaf i holds the ASCII bytes "leaf <i>". Output, one item per line:
 *   kansa-merkle-dump v1
 *   leaf <i> <base64 leaf hash>           for i < 1025
 *   root <size> <base64 root>             for each size below
 *   <proof text>                          docs/formats.md "Proofs"
 * Sizes: 1, 2, 3 and 2^k - 1, 2^k, 2^k + 1 up to 1025. Inclusion proofs for
 * every index up to size 129 and a sample above; consistency proofs for
 * every pair of listed sizes. Exit status 0, or 1 on any library error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ledger/tlog/merkle.h"

#define MAX_LEAVES 1025

static uint64_t sizes[64];
static size_t n_sizes;

static void add_size(uint64_t s)
{
	for (size_t i = 0; i < n_sizes; i++)
		if (sizes[i] == s)
			return;
	if (s >= 1 && s <= MAX_LEAVES)
		sizes[n_sizes++] = s;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static int fail(const char *what)
{
	fprintf(stderr, "merkle_dump: %s: %s\n", what, kansa_error_last()->message);
	return 1;
}

static int print_proof(const kansa_merkle_proof *p)
{
	char *text;

	if (kansa_merkle_proof_format(&text, NULL, p) < 0)
		return fail("format");
	fputs(text, stdout);
	free(text);
	return 0;
}

int main(void)
{
	kansa_merkle_memtree t;
	char b64[64];
	int rc = 1;

	kansa_merkle_memtree_init(&t);
	puts("kansa-merkle-dump v1");
	for (uint64_t i = 0; i < MAX_LEAVES; i++) {
		char data[32];
		uint8_t h[KANSA_HASH_LEN];
		int n = snprintf(data, sizeof(data), "leaf %llu", (unsigned long long)i);
		if (kansa_merkle_leaf_hash(h, (const uint8_t *)data, (size_t)n) < 0 ||
		    kansa_merkle_memtree_append(&t, h) < 0 ||
		    kansa_base64_encode(b64, sizeof(b64), h, sizeof(h)) < 0) {
			fail("leaf");
			goto out;
		}
		printf("leaf %llu %s\n", (unsigned long long)i, b64);
	}
	add_size(1);
	add_size(2);
	add_size(3);
	for (uint64_t k = 2; k <= 1024; k *= 2) {
		add_size(k - 1);
		add_size(k);
		add_size(k + 1);
	}
	qsort(sizes, n_sizes, sizeof(sizes[0]), cmp_u64);
	for (size_t a = 0; a < n_sizes; a++) {
		uint8_t root[KANSA_HASH_LEN], fr[KANSA_HASH_LEN];
		kansa_merkle_frontier f;

		if (kansa_merkle__root(root, kansa_merkle_memtree_node, &t, sizes[a]) < 0 ||
		    kansa_merkle_frontier_load(&f, kansa_merkle_memtree_node, &t, sizes[a]) < 0 ||
		    kansa_merkle_frontier_root(fr, &f) < 0 ||
		    kansa_base64_encode(b64, sizeof(b64), root, sizeof(root)) < 0) {
			fail("root");
			goto out;
		}
		if (!kansa_ct_equal(root, fr, KANSA_HASH_LEN)) {
			fprintf(stderr, "merkle_dump: frontier root differs at size %llu\n",
			    (unsigned long long)sizes[a]);
			goto out;
		}
		printf("root %llu %s\n", (unsigned long long)sizes[a], b64);
	}
	for (size_t a = 0; a < n_sizes; a++) {
		uint64_t size = sizes[a];
		for (uint64_t idx = 0; idx < size; idx++) {
			kansa_merkle_proof p = { 0 };
			if (size > 129 && !(idx < 3 || idx + 3 > size || idx % 37 == 0 || idx == size / 2))
				continue;
			p.kind = KANSA_PROOF_INCLUSION;
			p.index = idx;
			p.size = size;
			if (kansa_merkle__inclusion_proof(p.hashes, &p.len, KANSA_MERKLE_MAX_PROOF,
			    kansa_merkle_memtree_node, &t, idx, size) < 0) {
				fail("inclusion proof");
				goto out;
			}
			if (print_proof(&p) != 0)
				goto out;
		}
		for (size_t b = 0; b <= a; b++) {
			kansa_merkle_proof p = { 0 };
			p.kind = KANSA_PROOF_CONSISTENCY;
			p.old_size = sizes[b];
			p.size = size;
			if (kansa_merkle__consistency_proof(p.hashes, &p.len, KANSA_MERKLE_MAX_PROOF,
			    kansa_merkle_memtree_node, &t, sizes[b], size) < 0) {
				fail("consistency proof");
				goto out;
			}
			if (print_proof(&p) != 0)
				goto out;
		}
	}
	rc = fflush(stdout) == 0 ? 0 : 1;
out:
	kansa_merkle_memtree_dispose(&t);
	return rc;
}
