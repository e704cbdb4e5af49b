/* SPDX-License-Identifier: Apache-2.0 */
/*
 * RFC 9162 section 2.1 Merkle tree primitives (SHA-256), internal to the
 * ledger: tree heads, inclusion and consistency proof generation over an
 * abstract source of perfect-subtree hashes, and an append-only frontier.
 * The verifiers, the leaf hash and the proof text format are public
 * (include/kansa.h).
 *
 * Addressing: the node at (level, index) is the root of the perfect subtree
 * over leaves [index * 2^level, (index + 1) * 2^level); level 0 holds the
 * leaf hashes. Only such perfect nodes are ever stored or asked for; the
 * hashes of ragged right edges are recomputed from them, so a store that
 * keeps every perfect node answers any proof with O(log n) lookups.
 *
 * Nothing here does I/O or allocates, except kansa_merkle_memtree.
 */
#ifndef KANSA_LEDGER_MERKLE_H
#define KANSA_LEDGER_MERKLE_H

#include "keys/keys.h"

/* The largest level of a node: a tree of 2^64 - 1 leaves has levels 0..63. */
#define KANSA_MERKLE_LEVELS 64

/*
 * A source of perfect-subtree hashes: write the hash of the node at
 * (level, index) to out. Called only for nodes that lie wholly inside the
 * tree being proved. Returns 0 or a negative kansa_error_code (with the
 * error record set), which the caller passes on unchanged.
 */
typedef int (*kansa_merkle_node_fn)(void *ctx, uint64_t level, uint64_t index,
    uint8_t out[KANSA_HASH_LEN]);

/* Called for each perfect node that an append completes (the leaf itself
 * first, at level 0, then its ancestors). Returns 0 or an error code. */
typedef int (*kansa_merkle_emit_fn)(void *ctx, uint64_t level, uint64_t index,
    const uint8_t hash[KANSA_HASH_LEN]);

/* SHA-256(0x01 || left || right). */
int kansa_merkle__node_hash(uint8_t out[KANSA_HASH_LEN], const uint8_t left[KANSA_HASH_LEN],
    const uint8_t right[KANSA_HASH_LEN]);

/* MTH(D[0:size]) from the node source; size 0 gives SHA-256(""). */
int kansa_merkle__root(uint8_t out[KANSA_HASH_LEN], kansa_merkle_node_fn fn, void *ctx,
    uint64_t size);

/*
 * PATH(index, D[0:size]) of RFC 9162 section 2.1.3.1, leaf-side first,
 * into out (room for cap hashes); *len_out gets the number of hashes.
 * Returns 0, KANSA_EINVAL (index >= size) or KANSA_ELIMIT (cap too small),
 * or the node source's error.
 */
int kansa_merkle__inclusion_proof(uint8_t (*out)[KANSA_HASH_LEN], size_t *len_out, size_t cap,
    kansa_merkle_node_fn fn, void *ctx, uint64_t index, uint64_t size);

/*
 * PROOF(size1, D[0:size2]) of RFC 9162 section 2.1.4.1; empty when
 * size1 == size2. Returns 0, KANSA_EINVAL (size1 == 0 or size1 > size2),
 * KANSA_ELIMIT (cap too small) or the node source's error.
 */
int kansa_merkle__consistency_proof(uint8_t (*out)[KANSA_HASH_LEN], size_t *len_out, size_t cap,
    kansa_merkle_node_fn fn, void *ctx, uint64_t size1, uint64_t size2);

/*
 * The frontier of a tree (a compact range from leaf 0): the roots of the
 * perfect subtrees that the size decomposes into, one per set bit. Caller
 * allocated; holds no pointers, so it may be copied and needs no dispose.
 */
typedef struct {
	uint64_t size;                                     /* leaves appended so far */
	uint8_t nodes[KANSA_MERKLE_LEVELS][KANSA_HASH_LEN]; /* nodes[l] valid iff bit l of size is set */
} kansa_merkle_frontier;

/* An empty frontier (size 0). */
void kansa_merkle_frontier_init(kansa_merkle_frontier *f);

/*
 * Rebuild the frontier of a tree of @p size leaves from a node source
 * (one lookup per set bit of size). Returns 0 or the source's error; on
 * error *f is empty.
 */
int kansa_merkle_frontier_load(kansa_merkle_frontier *f, kansa_merkle_node_fn fn, void *ctx,
    uint64_t size);

/*
 * Append a leaf hash in O(log n). @p emit (may be NULL) is told every
 * perfect node the append completes, in order of increasing level, so a
 * store can persist them. The append is all or nothing: if emit fails, the
 * frontier is unchanged and emit's error is returned. Returns 0,
 * KANSA_ELIMIT (the tree holds 2^64 - 1 leaves), or emit's error.
 */
int kansa_merkle_frontier_append(kansa_merkle_frontier *f, const uint8_t leaf_hash[KANSA_HASH_LEN],
    kansa_merkle_emit_fn emit, void *ctx);

/* The root hash of the frontier's tree (SHA-256("") when empty). */
int kansa_merkle_frontier_root(uint8_t out[KANSA_HASH_LEN], const kansa_merkle_frontier *f);

/*
 * An in-memory tree that keeps every perfect node, for replay, tests and
 * tools: a frontier plus per-level arrays filled from its emit callback.
 * kansa_merkle_memtree_node is its kansa_merkle_node_fn (ctx = the memtree).
 */
typedef struct {
	kansa_merkle_frontier frontier;               /* the tree's frontier */
	uint8_t (*levels[KANSA_MERKLE_LEVELS])[KANSA_HASH_LEN]; /* owned; levels[l][i] = node (l, i) */
	size_t counts[KANSA_MERKLE_LEVELS];           /* complete nodes per level */
	size_t caps[KANSA_MERKLE_LEVELS];             /* allocated nodes per level */
} kansa_merkle_memtree;

void kansa_merkle_memtree_init(kansa_merkle_memtree *t);
/* Append a leaf hash. Returns 0, KANSA_ENOMEM or KANSA_ELIMIT. */
int kansa_merkle_memtree_append(kansa_merkle_memtree *t, const uint8_t leaf_hash[KANSA_HASH_LEN]);
/* Node source over the memtree; KANSA_ENOTFOUND for a node not (yet) complete. */
int kansa_merkle_memtree_node(void *ctx, uint64_t level, uint64_t index, uint8_t out[KANSA_HASH_LEN]);
void kansa_merkle_memtree_dispose(kansa_merkle_memtree *t);

#endif
