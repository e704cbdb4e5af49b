/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the ledger says about itself (design §6): its info (size, head,
 * root, policy, log key), signed checkpoints, and RFC 9162 inclusion and
 * consistency proofs from the stored Merkle tree, in O(log n) node reads.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ledger/ledger_impl.h"
#include "ledger/tlog/merkle.h"

/* ---- info ------------------------------------------------------------ */

int kansa_ledger_get_info(kansa_ledger_info *out, kansa_ledger *lg)
{
	kansa_note_verifier *v = NULL;
	kansa_store_pos pos;
	char *vkey = NULL;
	int error;

	memset(out, 0, sizeof(*out));
	if ((error = kansa_store__head(&pos, kansa_ledger__store(lg))) < 0 ||
	    (error = kansa_merkle__root(out->root, kansa_ledger__node_source, kansa_ledger__store(lg), pos.seq)) < 0)
		return error;
	out->size = pos.seq;
	memcpy(out->head, pos.prev, KANSA_HASH_LEN);
	out->last_time = pos.seq ? pos.last_time : 0;
	if ((error = kansa_ledger__policy_summary(&out->policy_version, out->commission,
	    sizeof(out->commission), lg)) < 0)
		return error;
	snprintf(out->origin, sizeof(out->origin), "%s", kansa_ledger__origin(lg));
	if ((error = kansa_note_verifier_from_key(&v, kansa_ledger__log_key(lg), kansa_ledger__origin(lg))) == 0 &&
	    (error = kansa_note_verifier_format(&vkey, v)) == 0)
		snprintf(out->log_key, sizeof(out->log_key), "%s", vkey);
	free(vkey);
	kansa_note_verifier_free(v);
	return error;
}

/* ---- checkpoints and proofs ------------------------------------------ */

/* The ledger's size now, and @p size resolved (0 = all) and bounded by it. */
static int resolve_size(uint64_t *size, kansa_ledger *lg)
{
	kansa_store_pos pos;
	int error;

	if ((error = kansa_store__head(&pos, kansa_ledger__store(lg))) < 0)
		return error;
	if (*size == 0)
		*size = pos.seq;
	if (*size > pos.seq)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_LEDGER,
		    "size %llu is larger than the ledger (%llu entries)",
		    (unsigned long long)*size, (unsigned long long)pos.seq);
	return 0;
}

/* The note stored for @p size when it is *out (just signed, the same
 * bytes each time: Ed25519 is deterministic) with witnesses' cosignatures
 * added (ledger/cosign.c): it replaces *out, so what goes out carries them. */
static int stored_with_cosignatures(char **out, size_t *len, kansa_ledger *lg, uint64_t size)
{
	uint8_t *stored = NULL;
	size_t n = 0;
	int error = kansa_store__checkpoint_get(&stored, &n, kansa_ledger__store(lg), size);

	if (error == KANSA_ENOTFOUND)
		return 0;
	if (error < 0)
		return error;
	if (n > *len && kansa_ct_equal(stored, *out, *len)) {
		free(*out);
		*out = (char *)stored;
		*len = n;
		return 0;
	}
	free(stored);
	return 0;
}

int kansa_ledger_checkpoint(char **out, size_t *len_out, kansa_ledger *lg)
{
	uint8_t root[KANSA_HASH_LEN];
	uint64_t size = 0;
	size_t len = 0;
	int error;

	*out = NULL;
	if (kansa_ledger__readonly(lg))
		return kansa_error_set(KANSA_EIO, KANSA_ERRCLASS_LEDGER,
		    "ledger is open read-only: a checkpoint is stored in it");
	if ((error = resolve_size(&size, lg)) < 0 ||
	    (error = kansa_merkle__root(root, kansa_ledger__node_source, kansa_ledger__store(lg), size)) < 0 ||
	    (error = kansa_checkpoint_sign(out, &len, kansa_ledger__log_key(lg), kansa_ledger__origin(lg), kansa_ledger__origin(lg), size, root)) < 0)
		return error;
	error = stored_with_cosignatures(out, &len, lg, size);
	if (error == 0)
		error = kansa_store__checkpoint_put(kansa_ledger__store(lg), size, (const uint8_t *)*out, len);
	/* cosignatures stored by another thread between the look and the put
	 * (kansa serve's checkpointer): take the note with them, once */
	if (error == KANSA_EEXISTS && (error = stored_with_cosignatures(out, &len, lg, size)) == 0)
		error = kansa_store__checkpoint_put(kansa_ledger__store(lg), size, (const uint8_t *)*out, len);
	if (error < 0) {
		free(*out);
		*out = NULL;
		return error;
	}
	if (len_out)
		*len_out = len;
	return 0;
}

int kansa_ledger_prove_inclusion(kansa_merkle_proof *out, uint8_t leaf_hash_out[KANSA_HASH_LEN],
    uint8_t root_out[KANSA_HASH_LEN], kansa_ledger *lg, uint64_t seq, uint64_t size)
{
	int error;

	memset(out, 0, sizeof(*out));
	if ((error = resolve_size(&size, lg)) < 0)
		return error;
	if (seq >= size)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_LEDGER,
		    "entry %llu is not in a tree of %llu entries", (unsigned long long)seq,
		    (unsigned long long)size);
	out->kind = KANSA_PROOF_INCLUSION;
	out->index = seq;
	out->size = size;
	if ((error = kansa_merkle__inclusion_proof(out->hashes, &out->len, KANSA_MERKLE_MAX_PROOF,
	    kansa_ledger__node_source, kansa_ledger__store(lg), seq, size)) < 0 ||
	    (error = kansa_store__node_get(leaf_hash_out, kansa_ledger__store(lg), 0, seq)) < 0)
		return error;
	return kansa_merkle__root(root_out, kansa_ledger__node_source, kansa_ledger__store(lg), size);
}

int kansa_ledger_prove_consistency(kansa_merkle_proof *out, uint8_t old_root_out[KANSA_HASH_LEN],
    uint8_t root_out[KANSA_HASH_LEN], kansa_ledger *lg, uint64_t old_size, uint64_t size)
{
	int error;

	memset(out, 0, sizeof(*out));
	if ((error = resolve_size(&size, lg)) < 0)
		return error;
	if (old_size == 0 || old_size > size)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_LEDGER,
		    "no consistency proof from size %llu to %llu", (unsigned long long)old_size,
		    (unsigned long long)size);
	out->kind = KANSA_PROOF_CONSISTENCY;
	out->old_size = old_size;
	out->size = size;
	if ((error = kansa_merkle__consistency_proof(out->hashes, &out->len, KANSA_MERKLE_MAX_PROOF,
	    kansa_ledger__node_source, kansa_ledger__store(lg), old_size, size)) < 0 ||
	    (error = kansa_merkle__root(old_root_out, kansa_ledger__node_source, kansa_ledger__store(lg), old_size)) < 0)
		return error;
	return kansa_merkle__root(root_out, kansa_ledger__node_source, kansa_ledger__store(lg), size);
}
