/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The PostgreSQL engine's read snapshots: an iterator is its own connection
 * inside a REPEATABLE READ, READ ONLY transaction, so the entries it walks
 * and the audit's queries on it (documents, Merkle nodes, meta, checkpoints,
 * uses, revocations) all see the ledger of one moment, however many
 * appends go on meanwhile. Entries are fetched KANSA_PG_PAGE at a time by
 * seq, so memory does not grow with the ledger.
 */
#include <stdlib.h>
#include <string.h>

#include "ledger/store/pg_impl.h"

int kansa_pg__iter_new(kansa_store_iter **out, kansa_store *s, uint64_t from_seq)
{
	kansa_store_iter *it;
	int error;

	*out = NULL;
	if ((error = kansa_store__check_u63(from_seq, "seq")) < 0)
		return error;
	if ((it = calloc(1, sizeof(*it))) == NULL || (it->pg = calloc(1, sizeof(*it->pg))) == NULL) {
		free(it);
		return kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
	}
	it->eng = s->eng;
	it->pg->keys = s->pg->keys;
	it->pg->next_seq = from_seq;
	if ((error = kansa_pg__connect(&it->pg->conn, s->path, true)) < 0 ||
	    (error = kansa_pg__exec(it->pg->conn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
	    NULL, "cannot read ledger")) < 0 ||
	    /* the first query takes the snapshot now, not at the first next() */
	    (error = kansa_pg__exec(it->pg->conn, "SELECT 1 FROM store_info", NULL,
	    "cannot read ledger")) < 0) {
		kansa_pg__iter_free(it);
		return error;
	}
	*out = it;
	return 0;
}

static int next_page(struct kansa_pg_iter *pi)
{
	kansa_pg_params p = { 0 };
	int error;

	PQclear(pi->page);
	pi->page = NULL;
	pi->row = pi->rows = 0;
	kansa_pg__p_i64(&p, (int64_t)pi->next_seq);
	kansa_pg__p_i64(&p, KANSA_PG_PAGE);
	if ((error = kansa_pg__run(&pi->page, pi->conn, "SELECT seq, time, kind, body, leaf_hash,"
	    " warrant_hash, decision, warrant_cti FROM entries WHERE seq >= $1 ORDER BY seq LIMIT $2", &p, "cannot read ledger")) < 0)
		return error;
	pi->rows = PQntuples(pi->page);
	if (pi->rows < KANSA_PG_PAGE)
		pi->done = true;
	return 0;
}

/* The copy's columns (warrant_hash, decision, sealed warrant_cti) of row @p i. */
static int row_extra(kansa_store_row *out, struct kansa_pg_iter *pi, int i)
{
	const PGresult *r = pi->page;
	uint8_t ad[KANSA_PG_AD_MAX], *cti = NULL;
	size_t len = 0;

	out->decision = -1;
	if (!PQgetisnull(r, i, 6) && PQgetlength(r, i, 6) == 2)
		out->decision = ((const uint8_t *)PQgetvalue(r, i, 6))[1] != 0;
	if (!PQgetisnull(r, i, 5) && kansa_pg__hash(out->warrant_hash, r, i, 5) == 0)
		out->has_warrant = true;
	if (PQgetisnull(r, i, 7))
		return 0;
	if (kansa_pg__open_sealed(&cti, &len, pi->keys, ad, kansa_pg__ad_entry_cti(ad, out->seq),
	    (const uint8_t *)PQgetvalue(r, i, 7), (size_t)PQgetlength(r, i, 7)) < 0 ||
	    len != KANSA_STORE_CTI_LEN) {
		free(cti);
		return kansa_error_set(KANSA_EVERIFY, KANSA_ERRCLASS_LEDGER,
		    "entry %llu: its sealed warrant id does not open: the row was altered",
		    (unsigned long long)out->seq);
	}
	out->has_cti = true;
	memcpy(out->cti, cti, KANSA_STORE_CTI_LEN);
	free(cti);
	return 0;
}

int kansa_pg__iter_next(kansa_store_row *row, kansa_store_iter *it)
{
	struct kansa_pg_iter *pi = it->pg;
	kansa_store_row r;
	int64_t seq = 0;
	int error;

	memset(row, 0, sizeof(*row));
	free(pi->body);
	pi->body = NULL;
	if (pi->row >= pi->rows) {
		if (pi->done && pi->page != NULL)
			return 0;
		if ((error = next_page(pi)) < 0)
			return error;
		if (pi->rows == 0)
			return 0;
	}
	if (kansa_pg__i64(&seq, pi->page, pi->row, 0) < 0 || seq < 0)
		return kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_LEDGER, "entry: malformed seq");
	pi->row++;
	pi->next_seq = (uint64_t)seq + 1;
	memset(&r, 0, sizeof(r));
	/* REQ: STORE-PG-TAMPER a row whose body does not open is the audit's finding at its seq */
	if ((error = kansa_pg__row_from(&r, pi->page, pi->row - 1, 1, (uint64_t)seq, pi->keys)) < 0 ||
	    (error = row_extra(&r, pi, pi->row - 1)) < 0) {
		kansa_store__row_dispose(&r);
		row->seq = (uint64_t)seq;
		row->malformed = true;
		return kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_LEDGER, "%s",
		    kansa_error_last()->message);
	}
	*row = r;
	pi->body = r.body; /* borrowed by the caller until the next call */
	return 1;
}

void kansa_pg__iter_free(kansa_store_iter *it)
{
	if (it == NULL)
		return;
	if (it->pg != NULL) {
		PQclear(it->pg->page);
		for (size_t i = 0; i < KANSA_STORE_LEVELS; i++)
			PQclear(it->pg->levels[i]);
		free(it->pg->body);
		PQfinish(it->pg->conn);
		free(it->pg);
	}
	free(it);
}

int kansa_pg__snap_count(uint64_t *out, kansa_store_iter *it)
{
	PGresult *r = NULL;
	int64_t seq = 0;
	int error;

	*out = 0;
	if ((error = kansa_pg__run(&r, it->pg->conn, "SELECT max(seq) FROM entries", NULL,
	    "cannot count entries")) < 0)
		return error;
	if (PQntuples(r) == 1 && !PQgetisnull(r, 0, 0)) {
		if (kansa_pg__i64(&seq, r, 0, 0) < 0 || seq < 0 || seq == INT64_MAX)
			error = kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_LEDGER, "ledger: bad seq");
		else
			*out = (uint64_t)seq + 1;
	}
	PQclear(r);
	return error;
}

int kansa_pg__snap_doc_get(uint8_t **body_out, size_t *len_out, int *kind_out,
    kansa_store_iter *it, const uint8_t hash[KANSA_HASH_LEN])
{
	return kansa_pg__doc_read(body_out, len_out, kind_out, it->pg->conn, it->pg->keys, hash);
}

int kansa_pg__snap_meta_get(uint8_t **value_out, size_t *len_out, kansa_store_iter *it,
    const char *key)
{
	return kansa_pg__meta_read(value_out, len_out, it->pg->conn, it->pg->keys, key);
}

int kansa_pg__snap_node_get(uint8_t out[KANSA_HASH_LEN], kansa_store_iter *it, uint32_t level,
    uint64_t idx)
{
	kansa_pg_params p = { 0 };
	PGresult *r = NULL;
	int error;

	if (idx > (uint64_t)INT64_MAX)
		return kansa_error_set(KANSA_ELIMIT, KANSA_ERRCLASS_LEDGER, "node index out of range");
	kansa_pg__p_i32(&p, (int32_t)level);
	kansa_pg__p_i64(&p, (int64_t)idx);
	if ((error = kansa_pg__run(&r, it->pg->conn, "SELECT hash FROM merkle_nodes WHERE level = $1"
	    " AND idx = $2", &p, "cannot read merkle node")) < 0)
		return error;
	if (PQntuples(r) == 0)
		error = kansa_error_set(KANSA_ENOTFOUND, KANSA_ERRCLASS_LEDGER,
		    "merkle node (%u, %llu) missing", level, (unsigned long long)idx);
	else if (kansa_pg__hash(out, r, 0, 0) < 0)
		error = kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_LEDGER, "merkle node: malformed hash");
	PQclear(r);
	return error;
}

/* Each level's well-formed nodes, read whole on first use. The audit walks
 * levels of at most n >> level nodes: a ledger of a million entries reads a
 * million leaf rows here (32 bytes each). */
int kansa_pg__snap_node_next(uint64_t *idx_out, uint8_t hash[KANSA_HASH_LEN],
    kansa_store_iter *it, uint32_t level)
{
	struct kansa_pg_iter *pi = it->pg;
	int64_t idx = 0;
	int error;

	if (level >= KANSA_STORE_LEVELS)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_LEDGER, "merkle level %u", level);
	if (pi->levels[level] == NULL) {
		kansa_pg_params p = { 0 };
		kansa_pg__p_i32(&p, (int32_t)level);
		if ((error = kansa_pg__run(&pi->levels[level], pi->conn, "SELECT idx, hash FROM"
		    " merkle_nodes WHERE level = $1 AND idx >= 0 AND length(hash) = 32 ORDER BY idx",
		    &p, "cannot read merkle nodes")) < 0)
			return error;
		pi->level_row[level] = 0;
	}
	if (pi->level_row[level] >= PQntuples(pi->levels[level]))
		return 0;
	if ((error = kansa_pg__i64(&idx, pi->levels[level], pi->level_row[level], 0)) < 0 ||
	    (error = kansa_pg__hash(hash, pi->levels[level], pi->level_row[level], 1)) < 0)
		return error;
	pi->level_row[level]++;
	*idx_out = (uint64_t)idx;
	return 1;
}

/* REQ: AUDIT-TREE-EXTRA the rows a tree of @p size does not have */
int kansa_pg__snap_nodes_extra(kansa_store_iter *it, uint64_t size,
    int (*fn)(void *ctx, int64_t level, int64_t idx, bool malformed), void *ctx)
{
	kansa_pg_params p = { 0 };
	PGresult *r = NULL;
	int error;

	if (size > (uint64_t)INT64_MAX)
		return kansa_error_set(KANSA_ELIMIT, KANSA_ERRCLASS_LEDGER, "tree size out of range");
	kansa_pg__p_i64(&p, (int64_t)size);
	kansa_pg__p_i32(&p, KANSA_STORE_LEVELS);
	if ((error = kansa_pg__run(&r, it->pg->conn, "SELECT level::bigint, idx, length(hash) != 32"
	    " FROM merkle_nodes WHERE length(hash) != 32 OR level < 0 OR level >= $2::integer"
	    " OR idx < 0 OR (level >= 1 AND idx >= ($1::bigint >> LEAST(GREATEST(level, 0), 63)))"
	    " ORDER BY level, idx", &p, "cannot read merkle nodes")) < 0)
		return error;
	for (int i = 0; i < PQntuples(r) && error == 0; i++) {
		int64_t level = 0, idx = 0;
		bool bad = PQgetlength(r, i, 2) == 1 && PQgetvalue(r, i, 2)[0] != 0;
		if ((error = kansa_pg__i64(&level, r, i, 0)) == 0 &&
		    (error = kansa_pg__i64(&idx, r, i, 1)) == 0)
			error = fn(ctx, level, idx, bad);
	}
	PQclear(r);
	return error;
}

int kansa_pg__snap_checkpoints(kansa_store_iter *it,
    int (*fn)(void *ctx, uint64_t size, const uint8_t *note, size_t len), void *ctx)
{
	PGresult *r = NULL;
	int error;

	if ((error = kansa_pg__run(&r, it->pg->conn, "SELECT size, note FROM checkpoints ORDER BY size",
	    NULL, "cannot read checkpoints")) < 0)
		return error;
	for (int i = 0; i < PQntuples(r) && error == 0; i++) {
		int64_t size = 0;
		if ((error = kansa_pg__i64(&size, r, i, 0)) == 0 && size < 0)
			error = kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_LEDGER,
			    "checkpoint size: negative value");
		if (error == 0)
			error = fn(ctx, (uint64_t)size, (const uint8_t *)PQgetvalue(r, i, 1),
			    (size_t)PQgetlength(r, i, 1));
	}
	PQclear(r);
	return error;
}

/*
 * The rows of uses (cti, count) or revocations (cti, seq), in the order of
 * their MACs (the warrant ids are sealed, so the database cannot sort by
 * them). A sealed id that does not open is handed on as an empty cti: the
 * audit reports that row as one no entry accounts for.
 */
static int walk_state(kansa_store_iter *it, const char *sql,
    int (*fn)(void *ctx, const uint8_t *cti, size_t cti_len, uint64_t v), void *ctx,
    const char *what)
{
	PGresult *r = NULL;
	int error;

	if ((error = kansa_pg__run(&r, it->pg->conn, sql, NULL, what)) < 0)
		return error;
	for (int i = 0; i < PQntuples(r) && error == 0; i++) {
		uint8_t mac[KANSA_HASH_LEN], ad[KANSA_PG_AD_MAX], *cti = NULL;
		size_t cti_len = 0;
		int64_t v = 0;
		if ((error = kansa_pg__hash(mac, r, i, 0)) < 0 || (error = kansa_pg__i64(&v, r, i, 2)) < 0)
			break;
		if (v < 0) {
			error = kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_LEDGER, "%s: negative value", what);
			break;
		}
		if (kansa_pg__open_sealed(&cti, &cti_len, it->pg->keys, ad, kansa_pg__ad_cti(ad, mac),
		    (const uint8_t *)PQgetvalue(r, i, 1), (size_t)PQgetlength(r, i, 1)) < 0)
			cti_len = 0;
		error = fn(ctx, cti ? cti : (const uint8_t *)"", cti_len, (uint64_t)v);
		free(cti);
	}
	PQclear(r);
	return error;
}

int kansa_pg__snap_uses(kansa_store_iter *it,
    int (*fn)(void *ctx, const uint8_t *cti, size_t cti_len, uint64_t count), void *ctx)
{
	return walk_state(it, "SELECT cti_mac, cti, count FROM uses ORDER BY cti_mac", fn, ctx,
	    "cannot read use counts");
}

int kansa_pg__snap_revocations(kansa_store_iter *it,
    int (*fn)(void *ctx, const uint8_t *cti, size_t cti_len, uint64_t seq), void *ctx)
{
	return walk_state(it, "SELECT cti_mac, cti, seq FROM revocations ORDER BY cti_mac", fn, ctx,
	    "cannot read revocations");
}

int kansa_pg__snap_docs(kansa_store_iter *it,
    int (*fn)(void *ctx, const uint8_t *hash, int kind, const uint8_t *body, size_t len), void *ctx)
{
	PGresult *r = NULL;
	int error;

	if ((error = kansa_pg__run(&r, it->pg->conn, "SELECT hash FROM documents ORDER BY hash", NULL,
	    "cannot read documents")) < 0)
		return error;
	for (int i = 0; i < PQntuples(r) && error == 0; i++) {
		uint8_t hash[KANSA_HASH_LEN], *body = NULL;
		size_t len = 0;
		int kind = 0;
		if ((error = kansa_pg__hash(hash, r, i, 0)) == 0 &&
		    (error = kansa_pg__doc_read(&body, &len, &kind, it->pg->conn, it->pg->keys, hash)) == 0)
			error = fn(ctx, hash, kind, body, len);
		free(body);
	}
	PQclear(r);
	return error;
}

int kansa_pg__snap_meta(kansa_store_iter *it,
    int (*fn)(void *ctx, const char *key, const uint8_t *value, size_t len), void *ctx)
{
	PGresult *r = NULL;
	int error;

	if ((error = kansa_pg__run(&r, it->pg->conn, "SELECT key FROM meta ORDER BY key", NULL,
	    "cannot read meta")) < 0)
		return error;
	for (int i = 0; i < PQntuples(r) && error == 0; i++) {
		char *key = kansa_strndup(PQgetvalue(r, i, 0), (size_t)PQgetlength(r, i, 0));
		uint8_t *v = NULL;
		size_t len = 0;
		if (key == NULL)
			error = kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
		else if ((error = kansa_pg__meta_read(&v, &len, it->pg->conn, it->pg->keys, key)) == 0)
			error = fn(ctx, key, v, len);
		if (v != NULL)
			kansa_wipe(v, len);
		free(v);
		free(key);
	}
	PQclear(r);
	return error;
}
