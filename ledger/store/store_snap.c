/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Queries on an iterator's read snapshot, for the audit (store.h). They run
 * on the iterator's own connection inside its read transaction, so the
 * audit sees one consistent ledger: the entries it walks, the documents,
 * Merkle nodes, checkpoints and derived tables as of the same moment.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ledger/store/store_impl.h"

static int snap_prepare(sqlite3_stmt **out, kansa_store_iter *it, const char *sql)
{
	int rc = sqlite3_prepare_v2(it->db, sql, -1, out, NULL);

	return rc == SQLITE_OK ? 0 : kansa_store__sqlerr(it->db, rc, "ledger snapshot: prepare");
}

static int hash_col(uint8_t out[KANSA_HASH_LEN], sqlite3_stmt *st, int col, const char *what)
{
	const void *h = sqlite3_column_blob(st, col);

	if (h == NULL || sqlite3_column_bytes(st, col) != KANSA_HASH_LEN)
		return kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_LEDGER, "%s: malformed hash", what);
	memcpy(out, h, KANSA_HASH_LEN);
	return 0;
}

int kansa_sqlite__snap_count(uint64_t *out, kansa_store_iter *it)
{
	sqlite3_stmt *st = NULL;
	int rc, error;

	*out = 0;
	if ((error = snap_prepare(&st, it, "SELECT max(seq) FROM entries")) < 0)
		return error;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
		int64_t seq = sqlite3_column_int64(st, 0);
		if (seq < 0 || seq == INT64_MAX)
			error = kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_LEDGER, "ledger: bad seq");
		else
			*out = (uint64_t)seq + 1;
	} else if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		error = kansa_store__sqlerr(it->db, rc, "cannot count entries");
	}
	sqlite3_finalize(st);
	return error;
}

int kansa_sqlite__snap_doc_get(uint8_t **body_out, size_t *len_out, int *kind_out,
    kansa_store_iter *it, const uint8_t hash[KANSA_HASH_LEN])
{
	int rc, error = 0;

	*body_out = NULL;
	*len_out = 0;
	if (it->doc == NULL &&
	    (error = snap_prepare(&it->doc, it, "SELECT kind, body FROM documents WHERE hash = ?1")) < 0)
		return error;
	sqlite3_bind_blob(it->doc, 1, hash, KANSA_HASH_LEN, SQLITE_STATIC);
	rc = sqlite3_step(it->doc);
	if (rc == SQLITE_ROW) {
		if (kind_out)
			*kind_out = sqlite3_column_int(it->doc, 0);
		error = kansa_store__blob_out(body_out, len_out, it->doc, 1);
	} else if (rc == SQLITE_DONE) {
		error = kansa_error_set(KANSA_ENOTFOUND, KANSA_ERRCLASS_LEDGER, "document not stored");
	} else {
		error = kansa_store__sqlerr(it->db, rc, "cannot read document");
	}
	sqlite3_reset(it->doc);
	sqlite3_clear_bindings(it->doc);
	return error;
}

int kansa_sqlite__snap_node_get(uint8_t out[KANSA_HASH_LEN], kansa_store_iter *it, uint32_t level,
    uint64_t idx)
{
	sqlite3_stmt *st = NULL;
	int rc, error;

	if (idx > (uint64_t)INT64_MAX)
		return kansa_error_set(KANSA_ELIMIT, KANSA_ERRCLASS_LEDGER, "node index out of range");
	if ((error = snap_prepare(&st, it,
	    "SELECT hash FROM merkle_nodes WHERE level = ?1 AND idx = ?2")) < 0)
		return error;
	sqlite3_bind_int64(st, 1, level);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)idx);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		error = hash_col(out, st, 0, "merkle node");
	else if (rc == SQLITE_DONE)
		error = kansa_error_set(KANSA_ENOTFOUND, KANSA_ERRCLASS_LEDGER,
		    "merkle node (%u, %llu) missing", level, (unsigned long long)idx);
	else
		error = kansa_store__sqlerr(it->db, rc, "cannot read merkle node");
	sqlite3_finalize(st);
	return error;
}

int kansa_sqlite__snap_node_next(uint64_t *idx_out, uint8_t hash[KANSA_HASH_LEN],
    kansa_store_iter *it, uint32_t level)
{
	sqlite3_stmt **st;
	int rc, error;
	int64_t idx;

	if (level >= KANSA_STORE_LEVELS)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_LEDGER, "merkle level %u", level);
	st = &it->levels[level];
	if (*st == NULL) {
		if ((error = snap_prepare(st, it,
		    "SELECT idx, hash FROM merkle_nodes WHERE level = ?1 AND idx >= 0"
		    " AND typeof(hash) = 'blob' AND length(hash) = 32 ORDER BY idx")) < 0)
			return error;
		sqlite3_bind_int64(*st, 1, (sqlite3_int64)level);
	}
	rc = sqlite3_step(*st);
	if (rc == SQLITE_DONE)
		return 0;
	if (rc != SQLITE_ROW)
		return kansa_store__sqlerr(it->db, rc, "cannot read merkle nodes");
	idx = sqlite3_column_int64(*st, 0);
	if (idx < 0)
		return kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_LEDGER, "merkle node: negative index");
	*idx_out = (uint64_t)idx;
	if ((error = hash_col(hash, *st, 1, "merkle node")) < 0)
		return error;
	return 1;
}

int kansa_sqlite__snap_meta_get(uint8_t **value_out, size_t *len_out, kansa_store_iter *it,
    const char *key)
{
	sqlite3_stmt *st = NULL;
	int rc, error;

	*value_out = NULL;
	if ((error = snap_prepare(&st, it, "SELECT value FROM meta WHERE key = ?1")) < 0)
		return error;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		error = kansa_store__blob_out(value_out, len_out, st, 0);
	else if (rc == SQLITE_DONE)
		error = kansa_error_set(KANSA_ENOTFOUND, KANSA_ERRCLASS_LEDGER, "no meta value '%s'", key);
	else
		error = kansa_store__sqlerr(it->db, rc, "cannot read meta");
	sqlite3_finalize(st);
	return error;
}

/* Walk the rows of a two-column query (blob, integer) or (integer, blob). */
typedef int (*row_fn)(void *ctx, sqlite3_stmt *st);

static int snap_walk(kansa_store_iter *it, const char *sql, row_fn fn, void *ctx, const char *what)
{
	sqlite3_stmt *st = NULL;
	int rc, error;

	if ((error = snap_prepare(&st, it, sql)) < 0)
		return error;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if ((error = fn(ctx, st)) < 0)
			break;
	if (error == 0 && rc != SQLITE_DONE)
		error = kansa_store__sqlerr(it->db, rc, what);
	sqlite3_finalize(st);
	return error;
}

typedef struct {
	int (*cp)(void *ctx, uint64_t size, const uint8_t *note, size_t len);
	int (*uses)(void *ctx, const uint8_t *cti, size_t cti_len, uint64_t n);
	void *ctx;
} walk_ctx;

static int int_col(uint64_t *out, sqlite3_stmt *st, int col, const char *what)
{
	int64_t v = sqlite3_column_int64(st, col);

	if (v < 0)
		return kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_LEDGER, "%s: negative value", what);
	*out = (uint64_t)v;
	return 0;
}

static int checkpoint_row(void *vctx, sqlite3_stmt *st)
{
	walk_ctx *w = vctx;
	const void *note = sqlite3_column_blob(st, 1);
	int n = sqlite3_column_bytes(st, 1);
	uint64_t size = 0;
	int error;

	if ((error = int_col(&size, st, 0, "checkpoint size")) < 0)
		return error;
	return w->cp(w->ctx, size, note ? note : (const void *)"", n > 0 ? (size_t)n : 0);
}

static int pair_row(void *vctx, sqlite3_stmt *st)
{
	walk_ctx *w = vctx;
	const void *cti = sqlite3_column_blob(st, 0);
	int n = sqlite3_column_bytes(st, 0);
	uint64_t v = 0;
	int error;

	if ((error = int_col(&v, st, 1, "ledger table")) < 0)
		return error;
	return w->uses(w->ctx, cti ? cti : (const void *)"", n > 0 ? (size_t)n : 0, v);
}

int kansa_sqlite__snap_checkpoints(kansa_store_iter *it,
    int (*fn)(void *ctx, uint64_t size, const uint8_t *note, size_t len), void *ctx)
{
	walk_ctx w = { fn, NULL, ctx };

	return snap_walk(it, "SELECT size, note FROM checkpoints ORDER BY size", checkpoint_row, &w,
	    "cannot read checkpoints");
}

int kansa_sqlite__snap_uses(kansa_store_iter *it,
    int (*fn)(void *ctx, const uint8_t *cti, size_t cti_len, uint64_t count), void *ctx)
{
	walk_ctx w = { NULL, fn, ctx };

	return snap_walk(it, "SELECT cti, count FROM uses ORDER BY cti", pair_row, &w,
	    "cannot read use counts");
}

int kansa_sqlite__snap_revocations(kansa_store_iter *it,
    int (*fn)(void *ctx, const uint8_t *cti, size_t cti_len, uint64_t seq), void *ctx)
{
	walk_ctx w = { NULL, fn, ctx };

	return snap_walk(it, "SELECT cti, seq FROM revocations ORDER BY cti", pair_row, &w,
	    "cannot read revocations");
}

/* REQ: AUDIT-TREE-EXTRA the rows a tree of @p size does not have */
int kansa_sqlite__snap_nodes_extra(kansa_store_iter *it, uint64_t size,
    int (*fn)(void *ctx, int64_t level, int64_t idx, bool malformed), void *ctx)
{
	sqlite3_stmt *st = NULL;
	int rc, error;

	if (size > (uint64_t)INT64_MAX)
		return kansa_error_set(KANSA_ELIMIT, KANSA_ERRCLASS_LEDGER, "tree size out of range");
	/* A tree of n leaves stores, at level l, the complete subtrees
	 * 0 .. (n >> l) - 1; leaves past n are the audit's own finding. */
	if ((error = snap_prepare(&st, it,
	    "SELECT level, idx, typeof(level) != 'integer' OR typeof(idx) != 'integer'"
	    " OR typeof(hash) != 'blob' OR length(hash) != 32 AS bad FROM merkle_nodes"
	    " WHERE bad OR level < 0 OR level >= ?2 OR idx < 0"
	    " OR (level >= 1 AND idx >= (?1 >> level)) ORDER BY level, idx")) < 0)
		return error;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)size);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)KANSA_STORE_LEVELS);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if ((error = fn(ctx, sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1),
		    sqlite3_column_int(st, 2) != 0)) < 0)
			break;
	if (error == 0 && rc != SQLITE_DONE)
		error = kansa_store__sqlerr(it->db, rc, "cannot read merkle nodes");
	sqlite3_finalize(st);
	return error;
}

typedef struct {
	int (*doc)(void *ctx, const uint8_t *hash, int kind, const uint8_t *body, size_t len);
	int (*meta)(void *ctx, const char *key, const uint8_t *value, size_t len);
	void *ctx;
} copy_ctx;

static int doc_row(void *vctx, sqlite3_stmt *st)
{
	copy_ctx *c = vctx;
	const void *body = sqlite3_column_blob(st, 2);
	int n = sqlite3_column_bytes(st, 2);
	uint8_t hash[KANSA_HASH_LEN];
	int error;

	if ((error = hash_col(hash, st, 0, "document")) < 0)
		return error;
	return c->doc(c->ctx, hash, sqlite3_column_int(st, 1), body ? body : (const void *)"",
	    n > 0 ? (size_t)n : 0);
}

static int meta_row(void *vctx, sqlite3_stmt *st)
{
	copy_ctx *c = vctx;
	const unsigned char *key = sqlite3_column_text(st, 0);
	const void *v = sqlite3_column_blob(st, 1);
	int n = sqlite3_column_bytes(st, 1);

	if (key == NULL)
		return kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_LEDGER, "meta: a row without a key");
	return c->meta(c->ctx, (const char *)key, v ? v : (const void *)"", n > 0 ? (size_t)n : 0);
}

int kansa_sqlite__snap_docs(kansa_store_iter *it,
    int (*fn)(void *ctx, const uint8_t *hash, int kind, const uint8_t *body, size_t len), void *ctx)
{
	copy_ctx c = { fn, NULL, ctx };

	return snap_walk(it, "SELECT hash, kind, body FROM documents ORDER BY hash", doc_row, &c,
	    "cannot read documents");
}

int kansa_sqlite__snap_meta(kansa_store_iter *it,
    int (*fn)(void *ctx, const char *key, const uint8_t *value, size_t len), void *ctx)
{
	copy_ctx c = { NULL, fn, ctx };

	return snap_walk(it, "SELECT key, value FROM meta ORDER BY key", meta_row, &c,
	    "cannot read meta");
}
