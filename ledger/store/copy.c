/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A copy of a whole ledger into an empty store, across engines (SQLCipher
 * to PostgreSQL and back: kansa ledger migrate, design §13). It uses only
 * store.h's functions, so each engine stores the copy its own way (the
 * PostgreSQL engine seals it under its own key). Every entry is appended
 * again at its seq, so the group commit checks its leaf hash and time and
 * the destination counts its uses and revocations itself; documents are
 * stored again by hash, and each hash must come out the same. The caller
 * proves the copy by its root (ledger/migrate.c).
 */
#include <stdlib.h>
#include <string.h>

#include "keys/keys.h"
#include "ledger/store/store_impl.h"

typedef struct {
	uint8_t cti[KANSA_STORE_CTI_LEN];
	uint64_t seq;
} copy_rev;

typedef struct {
	copy_rev *v;
	size_t n, cap;
} copy_revs;

static int collect_rev(void *ctx, const uint8_t *cti, size_t len, uint64_t seq)
{
	copy_revs *r = ctx;

	if (len != KANSA_STORE_CTI_LEN)
		return kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_LEDGER,
		    "copy: a revocation row of entry %llu without a warrant id", (unsigned long long)seq);
	if (r->n == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 16;
		copy_rev *v = realloc(r->v, cap * sizeof(*v));
		if (v == NULL)
			return kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
		r->v = v;
		r->cap = cap;
	}
	memcpy(r->v[r->n].cti, cti, KANSA_STORE_CTI_LEN);
	r->v[r->n++].seq = seq;
	return 0;
}

typedef struct {
	const kansa_store_row *row;
	const copy_revs *revs;
} copy_entry;

/* The source's entry, again, at the same seq. */
static int build_copy(void *ctx, kansa_store *s, const kansa_store_pos *pos, kansa_store_entry *out)
{
	const copy_entry *c = ctx;
	const kansa_store_row *row = c->row;

	(void)s;
	if (pos->seq != row->seq)
		return kansa_error_set(KANSA_EVERIFY, KANSA_ERRCLASS_LEDGER,
		    "copy: entry %llu would be stored at seq %llu (the source has a gap)",
		    (unsigned long long)row->seq, (unsigned long long)pos->seq);
	if (row->has_warrant && !row->has_cti)
		return kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_LEDGER,
		    "copy: entry %llu names a warrant but not its id", (unsigned long long)row->seq);
	if ((out->body = kansa_memdup(row->body, row->body_len)) == NULL)
		return kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
	out->body_len = row->body_len;
	out->time = row->time;
	out->kind = row->kind;
	memcpy(out->leaf_hash, row->leaf_hash, KANSA_HASH_LEN);
	out->has_decision = row->decision >= 0;
	out->allowed = row->decision == 1;
	out->has_warrant = row->has_warrant;
	if (row->has_warrant) {
		memcpy(out->warrant_hash, row->warrant_hash, KANSA_HASH_LEN);
		memcpy(out->warrant_cti, row->cti, KANSA_STORE_CTI_LEN);
	}
	for (size_t i = 0; i < c->revs->n; i++)
		if (c->revs->v[i].seq == row->seq) {
			out->is_revocation = true;
			memcpy(out->revoked_cti, c->revs->v[i].cti, KANSA_STORE_CTI_LEN);
		}
	return 0;
}

static int copy_doc(void *ctx, const uint8_t *hash, int kind, const uint8_t *body, size_t len)
{
	uint8_t got[KANSA_HASH_LEN];
	int error;

	if ((error = kansa_store__doc_put(got, ctx, kind, body, len)) < 0)
		return error;
	/* REQ: STORE-COPY documents keep their hashes */
	if (!kansa_ct_equal(got, hash, KANSA_HASH_LEN))
		return kansa_error_set(KANSA_EVERIFY, KANSA_ERRCLASS_LEDGER,
		    "copy: a document does not hash to its key (the source was altered)");
	return 0;
}

static int copy_meta(void *ctx, const char *key, const uint8_t *value, size_t len)
{
	if (strncmp(key, "store.", 6) == 0) /* each engine's own */
		return 0;
	return kansa_store__meta_put(ctx, key, value, len);
}

static int copy_checkpoint(void *ctx, uint64_t size, const uint8_t *note, size_t len)
{
	return kansa_store__checkpoint_put(ctx, size, note, len);
}

static int copy_nodes(kansa_store *dst, kansa_store_iter *src)
{
	uint8_t hash[KANSA_HASH_LEN];
	uint64_t idx;
	int rc;

	for (uint32_t level = 0; level < KANSA_STORE_LEVELS; level++) {
		while ((rc = kansa_store__snap_node_next(&idx, hash, src, level)) == 1)
			if ((rc = kansa_store__node_put(dst, level, idx, hash)) < 0)
				return rc;
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int copy_entries(kansa_store *dst, kansa_store_iter *src, const copy_revs *revs)
{
	kansa_store_row row;
	copy_entry c = { &row, revs };
	int rc;

	while ((rc = kansa_store__iter_next(&row, src)) == 1)
		if ((rc = kansa_store__append(dst, build_copy, &c, NULL)) < 0)
			return kansa_error_prefix("copy: entry %llu", (unsigned long long)row.seq);
	if (rc < 0 && row.malformed)
		return kansa_error_prefix("copy: entry %llu of the source cannot be read",
		    (unsigned long long)row.seq);
	return rc;
}

int kansa_store__copy(kansa_store *dst, kansa_store_iter *src)
{
	copy_revs revs = { NULL, 0, 0 };
	uint64_t n = 0;
	int error;

	if ((error = kansa_store__count(&n, dst)) < 0)
		return error;
	if (n != 0)
		return kansa_error_set(KANSA_EEXISTS, KANSA_ERRCLASS_LEDGER,
		    "copy: the destination already holds %llu entries", (unsigned long long)n);
	if ((error = kansa_store__snap_revocations(src, collect_rev, &revs)) == 0 &&
	    (error = kansa_store__snap_docs(src, copy_doc, dst)) == 0 &&
	    (error = kansa_store__snap_meta(src, copy_meta, dst)) == 0 &&
	    (error = copy_entries(dst, src, &revs)) == 0 &&
	    (error = copy_nodes(dst, src)) == 0)
		error = kansa_store__snap_checkpoints(src, copy_checkpoint, dst);
	free(revs.v);
	return error;
}
