/* SPDX-License-Identifier: Apache-2.0 */
/*
 * RFC 9162 section 2.1 Merkle trees over SHA-256: leaf and node hashes, tree
 * heads, inclusion and consistency proofs (generation and verification) and
 * the frontier used to append leaves in O(log n).
 *
 * Generation follows the recursive definitions of RFC 9162 sections 2.1.3.1
 * (PATH) and 2.1.4.1 (PROOF/SUBPROOF), unrolled into loops: nothing here
 * recurses, and every loop is bounded by the 64 bits of a tree size.
 * Verification is the RFC's own algorithm (sections 2.1.3.2 and 2.1.4.2);
 * it compares hashes in constant time and must never accept a proof for a
 * different index, size or root. It reads only the hashes it is given.
 */
#include <stdlib.h>
#include <string.h>

#include "ledger/tlog/merkle.h"

static const uint8_t EMPTY_ROOT[KANSA_HASH_LEN] = { /* SHA-256("") */
	0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4, 0xc8, 0x99, 0x6f, 0xb9, 0x24,
	0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55,
};

int kansa_merkle_leaf_hash(uint8_t out[KANSA_HASH_LEN], const uint8_t *data, size_t len)
{
	return kansa_sha256_leaf(out, data, len);
}

int kansa_merkle__node_hash(uint8_t out[KANSA_HASH_LEN], const uint8_t left[KANSA_HASH_LEN],
    const uint8_t right[KANSA_HASH_LEN])
{
	uint8_t buf[1 + 2 * KANSA_HASH_LEN];

	buf[0] = 0x01; /* RFC 9162 2.1.1: interior node domain */
	memcpy(buf + 1, left, KANSA_HASH_LEN);
	memcpy(buf + 1 + KANSA_HASH_LEN, right, KANSA_HASH_LEN);
	return kansa_sha256(out, buf, sizeof(buf));
}

/* The largest power of two strictly less than n (n >= 2). */
static uint64_t split_point(uint64_t n)
{
	return (uint64_t)1 << (63 - __builtin_clzll(n - 1));
}

/*
 * MTH(D[lo:hi]) where lo is a multiple of the largest power of two not above
 * hi - lo (always true of the ranges that PATH and PROOF split off). The
 * range is the perfect subtrees of the set bits of hi - lo, largest first;
 * MTH folds them from the right: H(p1, H(p2, ... H(pk-1, pk))).
 */
static int range_hash(uint8_t out[KANSA_HASH_LEN], kansa_merkle_node_fn fn, void *ctx,
    uint64_t lo, uint64_t hi)
{
	uint8_t parts[KANSA_MERKLE_LEVELS][KANSA_HASH_LEN];
	uint64_t n = hi - lo, pos = lo;
	size_t k = 0;
	int error = 0;

	if (n == 0) {
		memcpy(out, EMPTY_ROOT, KANSA_HASH_LEN);
		return 0;
	}
	for (unsigned level = KANSA_MERKLE_LEVELS; level-- > 0;) {
		if ((n >> level & 1) == 0)
			continue;
		if ((error = fn(ctx, level, pos >> level, parts[k])) < 0)
			return error;
		k++;
		pos += (uint64_t)1 << level;
	}
	memcpy(out, parts[k - 1], KANSA_HASH_LEN);
	while (--k > 0)
		if ((error = kansa_merkle__node_hash(out, parts[k - 1], out)) < 0)
			break;
	return error;
}

int kansa_merkle__root(uint8_t out[KANSA_HASH_LEN], kansa_merkle_node_fn fn, void *ctx,
    uint64_t size)
{
	return range_hash(out, fn, ctx, 0, size);
}

/* Reverse the first n hashes of a (the loops below build proofs root-side first). */
static void reverse_hashes(uint8_t (*a)[KANSA_HASH_LEN], size_t n)
{
	uint8_t t[KANSA_HASH_LEN];

	for (size_t i = 0; i < n / 2; i++) {
		memcpy(t, a[i], KANSA_HASH_LEN);
		memcpy(a[i], a[n - 1 - i], KANSA_HASH_LEN);
		memcpy(a[n - 1 - i], t, KANSA_HASH_LEN);
	}
}

int kansa_merkle__inclusion_proof(uint8_t (*out)[KANSA_HASH_LEN], size_t *len_out, size_t cap,
    kansa_merkle_node_fn fn, void *ctx, uint64_t index, uint64_t size)
{
	uint64_t lo = 0, hi = size;
	size_t n = 0;
	int error;

	*len_out = 0;
	if (index >= size)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_LEDGER,
		    "inclusion proof: index %llu is not below size %llu",
		    (unsigned long long)index, (unsigned long long)size);
	/* PATH(m, D[lo:hi]): with k the split point, a leaf left of it gets
	 * MTH(D[lo+k:hi]) appended, a leaf right of it MTH(D[lo:lo+k]). */
	while (hi - lo > 1) {
		uint64_t k = split_point(hi - lo);
		if (n == cap)
			return kansa_error_set(KANSA_ELIMIT, KANSA_ERRCLASS_LEDGER,
			    "inclusion proof: more than %zu hashes", cap);
		if (index < lo + k) {
			error = range_hash(out[n], fn, ctx, lo + k, hi);
			hi = lo + k;
		} else {
			error = range_hash(out[n], fn, ctx, lo, lo + k);
			lo += k;
		}
		if (error < 0)
			return error;
		n++;
	}
	reverse_hashes(out, n);
	*len_out = n;
	return 0;
}

int kansa_merkle__consistency_proof(uint8_t (*out)[KANSA_HASH_LEN], size_t *len_out, size_t cap,
    kansa_merkle_node_fn fn, void *ctx, uint64_t size1, uint64_t size2)
{
	uint64_t lo = 0, hi = size2;
	bool whole = true; /* SUBPROOF's b: the old tree is a whole subtree so far */
	size_t n = 0;
	int error;

	*len_out = 0;
	if (size1 == 0 || size1 > size2)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_LEDGER,
		    "consistency proof: sizes %llu and %llu: need 0 < size1 <= size2",
		    (unsigned long long)size1, (unsigned long long)size2);
	/* SUBPROOF(m, D[lo:hi], b) with m = size1 - lo. */
	while (size1 != hi) {
		uint64_t k = split_point(hi - lo);
		if (n == cap)
			goto too_long;
		if (size1 <= lo + k) {
			error = range_hash(out[n], fn, ctx, lo + k, hi);
			hi = lo + k;
		} else {
			error = range_hash(out[n], fn, ctx, lo, lo + k);
			lo += k;
			whole = false;
		}
		if (error < 0)
			return error;
		n++;
	}
	if (!whole) { /* SUBPROOF(m, D[m], false) = [MTH(D[lo:m])] */
		if (n == cap)
			goto too_long;
		if ((error = range_hash(out[n], fn, ctx, lo, hi)) < 0)
			return error;
		n++;
	}
	reverse_hashes(out, n);
	*len_out = n;
	return 0;
too_long:
	return kansa_error_set(KANSA_ELIMIT, KANSA_ERRCLASS_LEDGER,
	    "consistency proof: more than %zu hashes", cap);
}

/* ---------------------------------------------------------------------- */
/* Verification (public)                                                   */
/* ---------------------------------------------------------------------- */

static int verify_fail(const char *what)
{
	return kansa_error_set(KANSA_EVERIFY, KANSA_ERRCLASS_LEDGER, "%s", what);
}

int kansa_merkle_verify_inclusion(uint64_t index, uint64_t size,
    const uint8_t leaf_hash[KANSA_HASH_LEN], const uint8_t (*proof)[KANSA_HASH_LEN],
    size_t proof_len, const uint8_t root[KANSA_HASH_LEN])
{
	uint8_t r[KANSA_HASH_LEN];
	uint64_t fn = index, sn;
	int error;

	if (leaf_hash == NULL || root == NULL || (proof == NULL && proof_len > 0))
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_LEDGER,
		    "verify inclusion: missing argument");
	/* RFC 9162 2.1.3.2 step 1 */
	if (index >= size)
		return verify_fail("inclusion proof: leaf index is not below the tree size");
	if (proof_len > KANSA_MERKLE_MAX_PROOF)
		return verify_fail("inclusion proof: too many hashes");
	sn = size - 1;
	memcpy(r, leaf_hash, KANSA_HASH_LEN);
	for (size_t i = 0; i < proof_len; i++) {
		if (sn == 0)
			return verify_fail("inclusion proof: too many hashes");
		if ((fn & 1) || fn == sn) {
			if ((error = kansa_merkle__node_hash(r, proof[i], r)) < 0)
				return error;
			if ((fn & 1) == 0)
				while ((fn & 1) == 0 && fn != 0) {
					fn >>= 1;
					sn >>= 1;
				}
		} else if ((error = kansa_merkle__node_hash(r, r, proof[i])) < 0) {
			return error;
		}
		fn >>= 1;
		sn >>= 1;
	}
	if (sn != 0)
		return verify_fail("inclusion proof: too few hashes");
	if (!kansa_ct_equal(r, root, KANSA_HASH_LEN))
		return verify_fail("inclusion proof: computed root does not match");
	return 0;
}

int kansa_merkle_verify_consistency(uint64_t size1, uint64_t size2,
    const uint8_t root1[KANSA_HASH_LEN], const uint8_t root2[KANSA_HASH_LEN],
    const uint8_t (*proof)[KANSA_HASH_LEN], size_t proof_len)
{
	uint8_t fr[KANSA_HASH_LEN], sr[KANSA_HASH_LEN];
	uint64_t fn, sn;
	size_t i = 0;
	int error;

	if (root1 == NULL || root2 == NULL || (proof == NULL && proof_len > 0))
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_LEDGER,
		    "verify consistency: missing argument");
	/* A proof from the empty tree proves nothing (transparency-dev rule). */
	if (size1 == 0)
		return verify_fail("consistency proof: old size is 0");
	if (size1 > size2)
		return verify_fail("consistency proof: old size is larger than new size");
	if (size1 == size2) {
		if (proof_len != 0)
			return verify_fail("consistency proof: sizes are equal but the proof is not empty");
		if (!kansa_ct_equal(root1, root2, KANSA_HASH_LEN))
			return verify_fail("consistency proof: sizes are equal but the roots differ");
		return 0;
	}
	/* RFC 9162 2.1.4.2 */
	if (proof_len == 0)                                              /* step 1 */
		return verify_fail("consistency proof: empty proof");
	if (proof_len > KANSA_MERKLE_MAX_PROOF)
		return verify_fail("consistency proof: too many hashes");
	fn = size1 - 1;                                                  /* step 3 */
	sn = size2 - 1;
	while (fn & 1) {                                                 /* step 4 */
		fn >>= 1;
		sn >>= 1;
	}
	if ((size1 & (size1 - 1)) == 0) {                               /* step 2 */
		memcpy(fr, root1, KANSA_HASH_LEN);
	} else {
		memcpy(fr, proof[0], KANSA_HASH_LEN);
		i = 1;
	}
	memcpy(sr, fr, KANSA_HASH_LEN);                                  /* step 5 */
	for (; i < proof_len; i++) {                                     /* step 6 */
		if (sn == 0)
			return verify_fail("consistency proof: too many hashes");
		if ((fn & 1) || fn == sn) {
			if ((error = kansa_merkle__node_hash(fr, proof[i], fr)) < 0 ||
			    (error = kansa_merkle__node_hash(sr, proof[i], sr)) < 0)
				return error;
			if ((fn & 1) == 0)
				while ((fn & 1) == 0 && fn != 0) {
					fn >>= 1;
					sn >>= 1;
				}
		} else if ((error = kansa_merkle__node_hash(sr, sr, proof[i])) < 0) {
			return error;
		}
		fn >>= 1;
		sn >>= 1;
	}
	if (sn != 0)                                                     /* step 7 */
		return verify_fail("consistency proof: too few hashes");
	if (!kansa_ct_equal(fr, root1, KANSA_HASH_LEN))
		return verify_fail("consistency proof: old root does not match");
	if (!kansa_ct_equal(sr, root2, KANSA_HASH_LEN))
		return verify_fail("consistency proof: new root does not match");
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Frontier                                                                */
/* ---------------------------------------------------------------------- */

void kansa_merkle_frontier_init(kansa_merkle_frontier *f)
{
	memset(f, 0, sizeof(*f));
}

int kansa_merkle_frontier_load(kansa_merkle_frontier *f, kansa_merkle_node_fn fn, void *ctx,
    uint64_t size)
{
	uint64_t pos = 0;
	int error;

	kansa_merkle_frontier_init(f);
	for (unsigned level = KANSA_MERKLE_LEVELS; level-- > 0;) {
		if ((size >> level & 1) == 0)
			continue;
		if ((error = fn(ctx, level, pos >> level, f->nodes[level])) < 0) {
			kansa_merkle_frontier_init(f);
			return error;
		}
		pos += (uint64_t)1 << level;
	}
	f->size = size;
	return 0;
}

int kansa_merkle_frontier_append(kansa_merkle_frontier *f, const uint8_t leaf_hash[KANSA_HASH_LEN],
    kansa_merkle_emit_fn emit, void *ctx)
{
	uint8_t done[KANSA_MERKLE_LEVELS + 1][KANSA_HASH_LEN]; /* done[l]: completed node at level l */
	uint64_t size = f->size;
	unsigned top = 0;
	int error;

	if (size == UINT64_MAX)
		return kansa_error_set(KANSA_ELIMIT, KANSA_ERRCLASS_LEDGER, "merkle tree is full");
	/* The new leaf merges with the frontier node of each trailing set bit. */
	memcpy(done[0], leaf_hash, KANSA_HASH_LEN);
	while (size >> top & 1) {
		if ((error = kansa_merkle__node_hash(done[top + 1], f->nodes[top], done[top])) < 0)
			return error;
		top++;
	}
	if (emit != NULL)
		for (unsigned l = 0; l <= top; l++)
			if ((error = emit(ctx, l, size >> l, done[l])) < 0)
				return error;
	memcpy(f->nodes[top], done[top], KANSA_HASH_LEN);
	f->size = size + 1;
	return 0;
}

int kansa_merkle_frontier_root(uint8_t out[KANSA_HASH_LEN], const kansa_merkle_frontier *f)
{
	bool have = false;
	int error;

	if (f->size == 0) {
		memcpy(out, EMPTY_ROOT, KANSA_HASH_LEN);
		return 0;
	}
	/* Fold from the smallest subtree (rightmost) up to the largest. */
	for (unsigned level = 0; level < KANSA_MERKLE_LEVELS; level++) {
		if ((f->size >> level & 1) == 0)
			continue;
		if (!have) {
			memcpy(out, f->nodes[level], KANSA_HASH_LEN);
			have = true;
		} else if ((error = kansa_merkle__node_hash(out, f->nodes[level], out)) < 0) {
			return error;
		}
	}
	return 0;
}

/* ---------------------------------------------------------------------- */
/* In-memory tree                                                          */
/* ---------------------------------------------------------------------- */

void kansa_merkle_memtree_init(kansa_merkle_memtree *t)
{
	memset(t, 0, sizeof(*t));
}

static int memtree_store(void *ctx, uint64_t level, uint64_t index, const uint8_t hash[KANSA_HASH_LEN])
{
	kansa_merkle_memtree *t = ctx;

	/* Nodes complete in index order within a level; room was reserved. */
	if (index != t->counts[level] || t->counts[level] >= t->caps[level])
		return kansa_error_set(KANSA_ERROR, KANSA_ERRCLASS_LEDGER, "memtree: node out of order");
	memcpy(t->levels[level][t->counts[level]++], hash, KANSA_HASH_LEN);
	return 0;
}

int kansa_merkle_memtree_append(kansa_merkle_memtree *t, const uint8_t leaf_hash[KANSA_HASH_LEN])
{
	/* Grow every level first, so a failed allocation leaves the tree as it was. */
	unsigned top = 0;
	uint64_t size = t->frontier.size;

	while (size >> top & 1)
		top++;
	for (unsigned l = 0; l <= top; l++) {
		if (t->counts[l] == t->caps[l]) {
			size_t cap = t->caps[l] ? t->caps[l] * 2 : 16, bytes;
			void *p;
			if (kansa_mul_size(&bytes, cap, KANSA_HASH_LEN) < 0 ||
			    (p = realloc(t->levels[l], bytes)) == NULL)
				return kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
			t->levels[l] = p;
			t->caps[l] = cap;
		}
	}
	return kansa_merkle_frontier_append(&t->frontier, leaf_hash, memtree_store, t);
}

int kansa_merkle_memtree_node(void *ctx, uint64_t level, uint64_t index, uint8_t out[KANSA_HASH_LEN])
{
	const kansa_merkle_memtree *t = ctx;

	if (level >= KANSA_MERKLE_LEVELS || index >= t->counts[level])
		return kansa_error_set(KANSA_ENOTFOUND, KANSA_ERRCLASS_LEDGER,
		    "merkle node (%llu, %llu) is not in the tree",
		    (unsigned long long)level, (unsigned long long)index);
	memcpy(out, t->levels[level][index], KANSA_HASH_LEN);
	return 0;
}

void kansa_merkle_memtree_dispose(kansa_merkle_memtree *t)
{
	for (unsigned l = 0; l < KANSA_MERKLE_LEVELS; l++)
		free(t->levels[l]);
	kansa_merkle_memtree_init(t);
}

/* ---------------------------------------------------------------------- */
/* Proof text (public; docs/formats.md "Proofs")                          */
/* ---------------------------------------------------------------------- */

#define PROOF_MAGIC "kansa-proof/v1"
#define B64_HASH_LEN 44 /* base64 of 32 bytes */

int kansa_merkle_proof_verify(const kansa_merkle_proof *proof, const uint8_t hash[KANSA_HASH_LEN],
    const uint8_t root[KANSA_HASH_LEN])
{
	if (proof == NULL || proof->len > KANSA_MERKLE_MAX_PROOF)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_LEDGER, "verify proof: bad proof");
	switch (proof->kind) {
	case KANSA_PROOF_INCLUSION:
		return kansa_merkle_verify_inclusion(proof->index, proof->size, hash,
		    (const uint8_t (*)[KANSA_HASH_LEN])proof->hashes, proof->len, root);
	case KANSA_PROOF_CONSISTENCY:
		return kansa_merkle_verify_consistency(proof->old_size, proof->size, hash, root,
		    (const uint8_t (*)[KANSA_HASH_LEN])proof->hashes, proof->len);
	default:
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_LEDGER, "verify proof: unknown kind");
	}
}

int kansa_merkle_proof_format(char **out, size_t *len_out, const kansa_merkle_proof *proof)
{
	kansa_buf b = KANSA_BUF_INIT(KANSA_MAX_PROOF_TEXT_BYTES + 1);
	char line[B64_HASH_LEN + 1];
	int error;

	*out = NULL;
	if (len_out)
		*len_out = 0;
	if (proof == NULL || proof->len > KANSA_MERKLE_MAX_PROOF ||
	    (proof->kind != KANSA_PROOF_INCLUSION && proof->kind != KANSA_PROOF_CONSISTENCY))
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_LEDGER, "format proof: bad proof");
	if (proof->kind == KANSA_PROOF_INCLUSION)
		error = kansa_buf_printf(&b, PROOF_MAGIC " inclusion\nindex %llu\nsize %llu\n",
		    (unsigned long long)proof->index, (unsigned long long)proof->size);
	else
		error = kansa_buf_printf(&b, PROOF_MAGIC " consistency\nold-size %llu\nsize %llu\n",
		    (unsigned long long)proof->old_size, (unsigned long long)proof->size);
	for (size_t i = 0; error == 0 && i < proof->len; i++)
		if ((error = kansa_base64_encode(line, sizeof(line), proof->hashes[i], KANSA_HASH_LEN)) == 0)
			error = kansa_buf_printf(&b, "%s\n", line);
	if (error == 0)
		error = kansa_buf_putc(&b, '\0');
	if (error < 0) {
		kansa_buf_dispose(&b);
		return error;
	}
	*out = (char *)kansa_buf_detach(&b, len_out);
	if (len_out)
		(*len_out)--; /* not counting the NUL */
	return 0;
}

static int proof_error(size_t line, const char *what)
{
	return kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_LEDGER, "proof line %zu: %s", line, what);
}

/* "<key> <decimal>" */
static int proof_field(uint64_t *out, size_t lineno, const char *key, const char *s, size_t len)
{
	size_t klen = strlen(key);

	if (len <= klen + 1 || strncmp(s, key, klen) != 0 || s[klen] != ' ')
		return kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_LEDGER,
		    "proof line %zu: expected \"%s N\"", lineno, key);
	if (kansa_parse_u64(out, s + klen + 1, len - klen - 1) < 0)
		return kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_LEDGER,
		    "proof line %zu: %s is not a canonical decimal number below 2^64", lineno, key);
	return 0;
}

int kansa_merkle_proof_parse(kansa_merkle_proof *out, const char *text, size_t len)
{
	const char *p = text, *end = text + len;
	size_t lineno = 0;
	int error = 0;

	if (out == NULL || (text == NULL && len > 0))
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_LEDGER, "parse proof: missing argument");
	memset(out, 0, sizeof(*out));
	if (len > KANSA_MAX_PROOF_TEXT_BYTES)
		return kansa_error_set(KANSA_ELIMIT, KANSA_ERRCLASS_LEDGER,
		    "proof text is longer than %d bytes", KANSA_MAX_PROOF_TEXT_BYTES);
	if (len == 0)
		return kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_LEDGER, "proof text is empty");
	if (text[len - 1] != '\n')
		return kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_LEDGER,
		    "proof text does not end with a newline");
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)); /* never NULL: text ends in \n */
		size_t n = (size_t)(nl - p);

		lineno++;
		if (memchr(p, '\0', n) != NULL || memchr(p, '\r', n) != NULL)
			error = proof_error(lineno, "contains a NUL or carriage return");
		else if (lineno == 1) {
			if (n == sizeof(PROOF_MAGIC " inclusion") - 1 &&
			    strncmp(p, PROOF_MAGIC " inclusion", n) == 0)
				out->kind = KANSA_PROOF_INCLUSION;
			else if (n == sizeof(PROOF_MAGIC " consistency") - 1 &&
			    strncmp(p, PROOF_MAGIC " consistency", n) == 0)
				out->kind = KANSA_PROOF_CONSISTENCY;
			else
				error = proof_error(lineno, "expected \"" PROOF_MAGIC " inclusion\" or \""
				    PROOF_MAGIC " consistency\"");
		} else if (lineno == 2) {
			error = out->kind == KANSA_PROOF_INCLUSION ?
			    proof_field(&out->index, lineno, "index", p, n) :
			    proof_field(&out->old_size, lineno, "old-size", p, n);
		} else if (lineno == 3) {
			error = proof_field(&out->size, lineno, "size", p, n);
		} else if (out->len == KANSA_MERKLE_MAX_PROOF) {
			error = kansa_error_set(KANSA_ELIMIT, KANSA_ERRCLASS_LEDGER,
			    "proof line %zu: more than %d hashes", lineno, KANSA_MERKLE_MAX_PROOF);
		} else {
			size_t got;
			if (n != B64_HASH_LEN ||
			    kansa_base64_decode(out->hashes[out->len], KANSA_HASH_LEN, &got, p, n) < 0 ||
			    got != KANSA_HASH_LEN)
				error = proof_error(lineno, "expected a base64 SHA-256 hash (44 characters)");
			else
				out->len++;
		}
		if (error < 0)
			break;
		p = nl + 1;
	}
	if (error == 0 && lineno < 3)
		error = kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_LEDGER,
		    "proof text is truncated: %zu of 3 header lines", lineno);
	if (error < 0)
		memset(out, 0, sizeof(*out));
	return error;
}
