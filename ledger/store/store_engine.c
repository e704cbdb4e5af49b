/* SPDX-License-Identifier: Apache-2.0 */
/*
 * store.h's functions, dispatched to the store's engine (store_impl.h):
 * SQLCipher for a file path, PostgreSQL for a postgresql:// or postgres://
 * URI (design §13). Also the engine-independent part of a store: its
 * connection lock and group-commit queue (used by group.c), which both
 * engines share.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ledger/store/store_impl.h"

bool kansa_store__is_pg_uri(const char *path)
{
	return path != NULL && (strncmp(path, "postgresql://", 13) == 0 ||
	    strncmp(path, "postgres://", 11) == 0);
}

int kansa_store__alloc(kansa_store **out, const char *path, int flags)
{
	pthread_mutexattr_t ma;
	pthread_condattr_t ca;
	kansa_store *s;

	*out = NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
	if ((s->path = kansa_strndup(path, strlen(path))) == NULL) {
		free(s);
		return kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
	}
	pthread_mutexattr_init(&ma);
	pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&s->db_mu, &ma);
	pthread_mutexattr_destroy(&ma);
	pthread_mutex_init(&s->q_mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&s->q_cv, &ca);
	pthread_cond_init(&s->lead_cv, &ca);
	pthread_condattr_destroy(&ca);
	s->flags = flags;
	s->fd = -1;
	*out = s;
	return 0;
}

void kansa_store__free(kansa_store *s)
{
	if (s == NULL)
		return;
	free(s->path);
	pthread_cond_destroy(&s->lead_cv);
	pthread_cond_destroy(&s->q_cv);
	pthread_mutex_destroy(&s->q_mu);
	pthread_mutex_destroy(&s->db_mu);
	free(s);
}

int kansa_store__open(kansa_store **out, const char *path, const kansa_secret *key, int flags)
{
	if (out == NULL)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_LEDGER, "ledger open: no output");
	*out = NULL;
	if (kansa_store__is_pg_uri(path))
		return kansa_pg__open(out, path, key, flags);
	return kansa_sqlite__open(out, path, key, flags);
}

void kansa_store__close(kansa_store *s)
{
	if (s != NULL)
		s->eng->close(s);
}

int kansa_store__rekey(kansa_store *s, const kansa_secret *new_key)
{
	return kansa_store__rekey_progress(s, new_key, NULL, NULL);
}

int kansa_store__rekey_progress(kansa_store *s, const kansa_secret *new_key,
    kansa_store_progress_fn progress, void *ctx)
{
	if (s == NULL)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_LEDGER, "rekey: invalid arguments");
	return s->eng->rekey(s, new_key, progress, ctx);
}

int kansa_store__count(uint64_t *out, kansa_store *s)
{
	kansa_store_pos pos;
	int error;

	*out = 0;
	if ((error = kansa_store__head(&pos, s)) < 0)
		return error;
	*out = pos.seq;
	return 0;
}

void kansa_store__row_dispose(kansa_store_row *row)
{
	if (row == NULL)
		return;
	free(row->body);
	memset(row, 0, sizeof(*row));
}

int kansa_store__get(kansa_store_row *out, kansa_store *s, uint64_t seq)
{
	return s->eng->get(out, s, seq);
}

int kansa_store__head(kansa_store_pos *out, kansa_store *s)
{
	return s->eng->head(out, s);
}

int kansa_store__find_leaf(uint64_t *seq_out, kansa_store *s, const uint8_t leaf[KANSA_HASH_LEN])
{
	return s->eng->find_leaf(seq_out, s, leaf);
}

int kansa_store__uses(uint64_t *out, kansa_store *s, const uint8_t cti[16])
{
	return s->eng->uses(out, s, cti);
}

int kansa_store__is_revoked(bool *out, uint64_t *seq_out, kansa_store *s,
    const uint8_t cti[KANSA_STORE_CTI_LEN])
{
	return s->eng->is_revoked(out, seq_out, s, cti);
}

int kansa_store__warrant_state(uint64_t *uses, bool *revoked, kansa_store *s,
    const uint8_t cti[KANSA_STORE_CTI_LEN])
{
	int error;

	if (s->eng->warrant_state != NULL)
		return s->eng->warrant_state(uses, revoked, s, cti);
	if ((error = s->eng->uses(uses, s, cti)) < 0)
		return error;
	return s->eng->is_revoked(revoked, NULL, s, cti);
}

int kansa_store__iter_new(kansa_store_iter **out, kansa_store *s, uint64_t from_seq)
{
	return s->eng->iter_new(out, s, from_seq);
}

int kansa_store__iter_next(kansa_store_row *row, kansa_store_iter *it)
{
	return it->eng->iter_next(row, it);
}

void kansa_store__iter_free(kansa_store_iter *it)
{
	if (it != NULL)
		it->eng->iter_free(it);
}

int kansa_store__snap_count(uint64_t *out, kansa_store_iter *it)
{
	return it->eng->snap_count(out, it);
}

int kansa_store__snap_doc_get(uint8_t **body_out, size_t *len_out, int *kind_out,
    kansa_store_iter *it, const uint8_t hash[KANSA_HASH_LEN])
{
	return it->eng->snap_doc_get(body_out, len_out, kind_out, it, hash);
}

int kansa_store__snap_node_get(uint8_t out[KANSA_HASH_LEN], kansa_store_iter *it, uint32_t level,
    uint64_t idx)
{
	return it->eng->snap_node_get(out, it, level, idx);
}

int kansa_store__snap_node_next(uint64_t *idx_out, uint8_t hash[KANSA_HASH_LEN],
    kansa_store_iter *it, uint32_t level)
{
	return it->eng->snap_node_next(idx_out, hash, it, level);
}

int kansa_store__snap_nodes_extra(kansa_store_iter *it, uint64_t size,
    int (*fn)(void *ctx, int64_t level, int64_t idx, bool malformed), void *ctx)
{
	return it->eng->snap_nodes_extra(it, size, fn, ctx);
}

int kansa_store__snap_meta_get(uint8_t **value_out, size_t *len_out, kansa_store_iter *it,
    const char *key)
{
	return it->eng->snap_meta_get(value_out, len_out, it, key);
}

int kansa_store__snap_checkpoints(kansa_store_iter *it,
    int (*fn)(void *ctx, uint64_t size, const uint8_t *note, size_t len), void *ctx)
{
	return it->eng->snap_checkpoints(it, fn, ctx);
}

int kansa_store__snap_uses(kansa_store_iter *it,
    int (*fn)(void *ctx, const uint8_t *cti, size_t cti_len, uint64_t count), void *ctx)
{
	return it->eng->snap_uses(it, fn, ctx);
}

int kansa_store__snap_revocations(kansa_store_iter *it,
    int (*fn)(void *ctx, const uint8_t *cti, size_t cti_len, uint64_t seq), void *ctx)
{
	return it->eng->snap_revocations(it, fn, ctx);
}

int kansa_store__snap_docs(kansa_store_iter *it,
    int (*fn)(void *ctx, const uint8_t *hash, int kind, const uint8_t *body, size_t len), void *ctx)
{
	return it->eng->snap_docs(it, fn, ctx);
}

int kansa_store__snap_meta(kansa_store_iter *it,
    int (*fn)(void *ctx, const char *key, const uint8_t *value, size_t len), void *ctx)
{
	return it->eng->snap_meta(it, fn, ctx);
}

int kansa_store__doc_put(uint8_t hash_out[KANSA_HASH_LEN], kansa_store *s, int kind,
    const uint8_t *body, size_t len)
{
	return s->eng->doc_put(hash_out, s, kind, body, len);
}

int kansa_store__doc_get(uint8_t **body_out, size_t *len_out, int *kind_out, kansa_store *s,
    const uint8_t hash[KANSA_HASH_LEN])
{
	return s->eng->doc_get(body_out, len_out, kind_out, s, hash);
}

int kansa_store__meta_put(kansa_store *s, const char *key, const uint8_t *value, size_t len)
{
	return s->eng->meta_put(s, key, value, len);
}

int kansa_store__meta_get(uint8_t **value_out, size_t *len_out, kansa_store *s, const char *key)
{
	return s->eng->meta_get(value_out, len_out, s, key);
}

int kansa_store__meta_get_secret(kansa_secret **out, kansa_store *s, const char *key)
{
	return s->eng->meta_get_secret(out, s, key);
}

int kansa_store__node_put(kansa_store *s, uint32_t level, uint64_t idx,
    const uint8_t hash[KANSA_HASH_LEN])
{
	return s->eng->node_put(s, level, idx, hash);
}

int kansa_store__node_get(uint8_t out[KANSA_HASH_LEN], kansa_store *s, uint32_t level,
    uint64_t idx)
{
	return s->eng->node_get(out, s, level, idx);
}

int kansa_store__checkpoint_put(kansa_store *s, uint64_t size, const uint8_t *note, size_t len)
{
	return s->eng->checkpoint_put(s, size, note, len);
}

int kansa_store__checkpoint_replace(kansa_store *s, uint64_t size, const uint8_t *old,
    size_t old_len, const uint8_t *note, size_t len)
{
	return s->eng->checkpoint_replace(s, size, old, old_len, note, len);
}

int kansa_store__checkpoint_get(uint8_t **note_out, size_t *len_out, kansa_store *s, uint64_t size)
{
	return s->eng->checkpoint_get(note_out, len_out, s, size);
}

int kansa_store__checkpoint_latest(uint64_t *size_out, uint8_t **note_out, size_t *len_out,
    kansa_store *s)
{
	return s->eng->checkpoint_latest(size_out, note_out, len_out, s);
}
