/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The PostgreSQL engine's rows: the head, entries and their documents, use
 * counts and revocations, documents, meta values, Merkle nodes and
 * checkpoints. Every query runs on the main connection under the store's
 * connection lock (db_mu): inside the write transaction of a batch when one
 * is open (group.c), else as its own transaction (synchronous_commit = on).
 *
 * This file must never return a sealed value it could not open: a body,
 * document or meta value whose tag fails is KANSA_EVERIFY.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ledger/store/pg_impl.h"

static PGconn *conn_of(kansa_store *s)
{
	return kansa_pg__conn(s);
}

static bool writable(kansa_store *s, int *error)
{
	if (s->flags & KANSA_STORE_READONLY) {
		*error = kansa_error_set(KANSA_EIO, KANSA_ERRCLASS_LEDGER,
		    "cannot write: ledger is read-only");
		return false;
	}
	return true;
}

/* ---------------------------------------------------------------------- */
/* Entries                                                                 */
/* ---------------------------------------------------------------------- */

int kansa_pg__read_head(kansa_store_pos *out, kansa_store *s)
{
	PGresult *r = NULL;
	int64_t seq = 0, time = 0;
	int error;

	memset(out, 0, sizeof(*out));
	out->last_time = INT64_MIN;
	if ((error = kansa_pg__run(&r, conn_of(s), "SELECT seq, leaf_hash, time FROM entries"
	    " ORDER BY seq DESC LIMIT 1", NULL, "cannot read ledger head")) < 0)
		return error;
	if (PQntuples(r) == 1) {
		if (kansa_pg__i64(&seq, r, 0, 0) < 0 || seq < 0 || seq == INT64_MAX ||
		    kansa_pg__hash(out->prev, r, 0, 1) < 0 || kansa_pg__i64(&time, r, 0, 2) < 0) {
			error = kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_LEDGER,
			    "ledger head: malformed row");
		} else {
			out->seq = (uint64_t)seq + 1;
			out->last_time = time;
		}
	}
	PQclear(r);
	return error;
}

static int insert_doc(uint8_t hash_out[KANSA_HASH_LEN], kansa_store *s, int kind,
    const uint8_t *body, size_t len, const uint8_t *known)
{
	uint8_t hash[KANSA_HASH_LEN], ad[KANSA_PG_AD_MAX], *sealed = NULL;
	size_t sealed_len = 0, ad_len;
	kansa_pg_params p = { 0 };
	int error;

	if ((error = kansa_store__doc_hash(hash, body, len, known)) < 0)
		return error;
	ad_len = kansa_pg__ad_doc(ad, hash, kind);
	if ((error = kansa_pg__seal(&sealed, &sealed_len, s->pg->keys, ad, ad_len, body, len)) < 0)
		return error;
	kansa_pg__p_blob(&p, hash, sizeof(hash));
	kansa_pg__p_i32(&p, kind);
	kansa_pg__p_blob(&p, sealed, sealed_len);
	error = kansa_pg__exec(conn_of(s), "INSERT INTO documents(hash, kind, body) VALUES($1, $2, $3)"
	    " ON CONFLICT (hash) DO NOTHING", &p, "cannot store document");
	free(sealed);
	if (error == 0 && hash_out)
		memcpy(hash_out, hash, sizeof(hash));
	return error;
}

/* A warrant id's MAC and its sealed copy (for the audit's walk of the table). */
static int seal_cti(uint8_t mac[KANSA_HASH_LEN], uint8_t **sealed, size_t *sealed_len,
    kansa_store *s, const uint8_t cti[KANSA_STORE_CTI_LEN])
{
	uint8_t ad[KANSA_PG_AD_MAX];
	int error;

	if ((error = kansa_pg__cti_mac(mac, s->pg->keys, cti)) < 0)
		return error;
	return kansa_pg__seal(sealed, sealed_len, s->pg->keys, ad, kansa_pg__ad_cti(ad, mac), cti,
	    KANSA_STORE_CTI_LEN);
}

static int insert_state(kansa_store *s, uint64_t seq, const kansa_store_entry *e)
{
	uint8_t mac[KANSA_HASH_LEN], *sealed = NULL;
	size_t sealed_len = 0;
	kansa_pg_params p = { 0 };
	int error = 0;

	/* REQ: LEDGER-STORE-6 the use counter moves in the same transaction as the entry */
	if (e->has_warrant && e->allowed) {
		if ((error = seal_cti(mac, &sealed, &sealed_len, s, e->warrant_cti)) < 0)
			return error;
		kansa_pg__p_blob(&p, mac, sizeof(mac));
		kansa_pg__p_blob(&p, sealed, sealed_len);
		error = kansa_pg__exec(conn_of(s), "INSERT INTO uses(cti_mac, cti, count)"
		    " VALUES($1, $2, 1) ON CONFLICT (cti_mac) DO UPDATE SET count = uses.count + 1",
		    &p, "cannot count use");
		free(sealed);
		sealed = NULL;
		if (error < 0)
			return error;
	}
	if (e->is_revocation) {
		memset(&p, 0, sizeof(p));
		if ((error = seal_cti(mac, &sealed, &sealed_len, s, e->revoked_cti)) < 0)
			return error;
		kansa_pg__p_blob(&p, mac, sizeof(mac));
		kansa_pg__p_blob(&p, sealed, sealed_len);
		kansa_pg__p_i64(&p, (int64_t)seq);
		error = kansa_pg__exec(conn_of(s), "INSERT INTO revocations(cti_mac, cti, seq)"
		    " VALUES($1, $2, $3) ON CONFLICT (cti_mac) DO NOTHING", &p,
		    "cannot record revocation");
		free(sealed);
	}
	return error;
}

int kansa_pg__insert(kansa_store *s, uint64_t seq, const kansa_store_entry *e)
{
	uint8_t ad[KANSA_PG_AD_MAX], mac[KANSA_HASH_LEN], *sealed = NULL, *sealed_cti = NULL;
	const uint8_t *cti = NULL;
	size_t sealed_len = 0, sealed_cti_len = 0;
	kansa_pg_params p = { 0 };
	int error;

	if (e->body == NULL || e->body_len == 0)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_LEDGER,
		    "entry %llu: empty body", (unsigned long long)seq);
	if (e->body_len > KANSA_MAX_ENTRY_BYTES)
		return kansa_error_set(KANSA_ELIMIT, KANSA_ERRCLASS_LEDGER,
		    "entry %llu: larger than %d bytes", (unsigned long long)seq, KANSA_MAX_ENTRY_BYTES);
	if (e->n_docs > KANSA_STORE_MAX_DOCS)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_LEDGER,
		    "entry %llu: more than %d documents", (unsigned long long)seq, KANSA_STORE_MAX_DOCS);
	if ((error = kansa_store__check_u63(seq, "seq")) < 0)
		return error;
	if (e->has_warrant)
		cti = e->warrant_cti;
	else if (e->is_revocation)
		cti = e->revoked_cti;
	if (cti && (error = kansa_pg__cti_mac(mac, s->pg->keys, cti)) < 0)
		return error;
	/* REQ: STORE-PG-SEAL the body is sealed to its seq, time and kind */
	if ((error = kansa_pg__seal(&sealed, &sealed_len, s->pg->keys, ad,
	    kansa_pg__ad_entry(ad, seq, e->time, e->kind), e->body, e->body_len)) < 0)
		return error;
	kansa_pg__p_i64(&p, (int64_t)seq);
	kansa_pg__p_i64(&p, e->time);
	kansa_pg__p_i32(&p, e->kind);
	kansa_pg__p_blob(&p, sealed, sealed_len);
	kansa_pg__p_blob(&p, e->leaf_hash, KANSA_HASH_LEN);
	if (e->has_warrant)
		kansa_pg__p_blob(&p, e->warrant_hash, KANSA_HASH_LEN);
	else
		kansa_pg__p_null(&p);
	if (e->has_decision) {
		kansa_pg__p_text(&p, e->allowed ? "1" : "0");
	} else {
		kansa_pg__p_null(&p);
	}
	if (cti) {
		kansa_pg__p_blob(&p, mac, sizeof(mac));
		/* the warrant id itself, sealed to the seq: for a copy of the ledger */
		if ((error = kansa_pg__seal(&sealed_cti, &sealed_cti_len, s->pg->keys, ad,
		    kansa_pg__ad_entry_cti(ad, seq), cti, KANSA_STORE_CTI_LEN)) < 0) {
			free(sealed);
			return error;
		}
		kansa_pg__p_blob(&p, sealed_cti, sealed_cti_len);
	} else {
		kansa_pg__p_null(&p);
		kansa_pg__p_null(&p);
	}
	error = kansa_pg__exec(conn_of(s), "INSERT INTO entries(seq, time, kind, body, leaf_hash,"
	    " warrant_hash, decision, warrant_mac, warrant_cti) VALUES($1, $2, $3, $4, $5, $6,"
	    " $7::smallint, $8, $9)", &p, "cannot append entry");
	free(sealed_cti);
	free(sealed);
	if (error < 0)
		return error;
	for (size_t i = 0; i < e->n_docs; i++)
		if ((error = insert_doc(NULL, s, e->docs[i].kind, e->docs[i].body, e->docs[i].len,
		    e->docs[i].hash)) < 0)
			return kansa_error_prefix("entry %llu", (unsigned long long)seq);
	return insert_state(s, seq, e);
}

/*
 * Fill @p out from columns (time, kind, body, leaf_hash) from @p c of row
 * @p row, opening the sealed body: KANSA_EFORMAT for a malformed row,
 * KANSA_EVERIFY when the body does not open (altered ciphertext, or a
 * changed seq, time or kind).
 */
int kansa_pg__row_from(kansa_store_row *out, const PGresult *r, int row, int c, uint64_t seq,
    const kansa_secret *keys)
{
	uint8_t ad[KANSA_PG_AD_MAX];
	int64_t time = 0;
	int32_t kind = 0;
	int error;

	if (kansa_pg__i64(&time, r, row, c) < 0 || kansa_pg__i32(&kind, r, row, c + 1) < 0 ||
	    kansa_pg__hash(out->leaf_hash, r, row, c + 3) < 0 || PQgetisnull(r, row, c + 2) ||
	    PQgetlength(r, row, c + 2) <= KANSA_AEAD_OVERHEAD)
		return kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_LEDGER,
		    "entry %llu: malformed row", (unsigned long long)seq);
	out->seq = seq;
	out->time = time;
	out->kind = kind;
	error = kansa_pg__open_sealed(&out->body, &out->body_len, keys, ad,
	    kansa_pg__ad_entry(ad, seq, time, kind), (const uint8_t *)PQgetvalue(r, row, c + 2),
	    (size_t)PQgetlength(r, row, c + 2));
	if (error < 0)
		return kansa_error_set(KANSA_EVERIFY, KANSA_ERRCLASS_LEDGER,
		    "entry %llu: its sealed body does not open: the row was altered (or another key)",
		    (unsigned long long)seq);
	return 0;
}

int kansa_pg__get(kansa_store_row *out, kansa_store *s, uint64_t seq)
{
	kansa_pg_params p = { 0 };
	PGresult *r = NULL;
	int error;

	memset(out, 0, sizeof(*out));
	if ((error = kansa_store__check_u63(seq, "seq")) < 0)
		return error;
	kansa_pg__p_i64(&p, (int64_t)seq);
	kansa_store__lock(s);
	error = kansa_pg__run(&r, conn_of(s), "SELECT time, kind, body, leaf_hash FROM entries"
	    " WHERE seq = $1", &p, "cannot read entry");
	kansa_store__unlock(s);
	if (error == 0 && PQntuples(r) == 0)
		error = kansa_error_set(KANSA_ENOTFOUND, KANSA_ERRCLASS_LEDGER,
		    "entry %llu: not in the ledger", (unsigned long long)seq);
	else if (error == 0 && (error = kansa_pg__row_from(out, r, 0, 0, seq, s->pg->keys)) < 0)
		kansa_store__row_dispose(out);
	PQclear(r);
	return error;
}

int kansa_pg__head(kansa_store_pos *out, kansa_store *s)
{
	int error;

	kansa_store__lock(s);
	error = kansa_pg__read_head(out, s);
	kansa_store__unlock(s);
	return error;
}

/* One int8 of a one-row query; *found false when no row. */
static int one_i64(int64_t *out, bool *found, kansa_store *s, const char *sql,
    const kansa_pg_params *p, const char *what)
{
	PGresult *r = NULL;
	int error;

	*out = 0;
	*found = false;
	kansa_store__lock(s);
	error = kansa_pg__run(&r, conn_of(s), sql, p, what);
	kansa_store__unlock(s);
	if (error == 0 && PQntuples(r) > 0) {
		*found = true;
		if (kansa_pg__i64(out, r, 0, 0) < 0 || *out < 0)
			error = kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_LEDGER, "%s: malformed row",
			    what);
	}
	PQclear(r);
	return error;
}

int kansa_pg__find_leaf(uint64_t *seq_out, kansa_store *s, const uint8_t leaf[KANSA_HASH_LEN])
{
	kansa_pg_params p = { 0 };
	int64_t seq;
	bool found;
	int error;

	*seq_out = 0;
	kansa_pg__p_blob(&p, leaf, KANSA_HASH_LEN);
	if ((error = one_i64(&seq, &found, s, "SELECT seq FROM entries WHERE leaf_hash = $1"
	    " ORDER BY seq LIMIT 1", &p, "cannot search entries")) < 0)
		return error;
	if (!found)
		return kansa_error_set(KANSA_ENOTFOUND, KANSA_ERRCLASS_LEDGER, "no entry has that leaf hash");
	*seq_out = (uint64_t)seq;
	return 0;
}

int kansa_pg__uses(uint64_t *out, kansa_store *s, const uint8_t cti[16])
{
	uint8_t mac[KANSA_HASH_LEN];
	kansa_pg_params p = { 0 };
	int64_t n;
	bool found;
	int error;

	*out = 0;
	if ((error = kansa_pg__cti_mac(mac, s->pg->keys, cti)) < 0)
		return error;
	kansa_pg__p_blob(&p, mac, sizeof(mac));
	if ((error = one_i64(&n, &found, s, "SELECT count FROM uses WHERE cti_mac = $1", &p,
	    "cannot read use count")) < 0)
		return error;
	*out = (uint64_t)n;
	return 0;
}

int kansa_pg__is_revoked(bool *out, uint64_t *seq_out, kansa_store *s,
    const uint8_t cti[KANSA_STORE_CTI_LEN])
{
	uint8_t mac[KANSA_HASH_LEN];
	kansa_pg_params p = { 0 };
	int64_t seq;
	int error;

	*out = false;
	if (seq_out)
		*seq_out = 0;
	if ((error = kansa_pg__cti_mac(mac, s->pg->keys, cti)) < 0)
		return error;
	kansa_pg__p_blob(&p, mac, sizeof(mac));
	if ((error = one_i64(&seq, out, s, "SELECT seq FROM revocations WHERE cti_mac = $1", &p,
	    "cannot read revocations")) < 0)
		return error;
	if (seq_out)
		*seq_out = (uint64_t)seq;
	return 0;
}

int kansa_pg__warrant_state(uint64_t *uses, bool *revoked, kansa_store *s,
    const uint8_t cti[KANSA_STORE_CTI_LEN])
{
	uint8_t mac[KANSA_HASH_LEN];
	kansa_pg_params p = { 0 };
	PGresult *r = NULL;
	int64_t n = 0, seq = 0;
	int error;

	*uses = 0;
	*revoked = false;
	if ((error = kansa_pg__cti_mac(mac, s->pg->keys, cti)) < 0)
		return error;
	kansa_pg__p_blob(&p, mac, sizeof(mac));
	kansa_store__lock(s);
	error = kansa_pg__run(&r, conn_of(s), "SELECT (SELECT count FROM uses WHERE cti_mac = $1),"
	    " (SELECT seq FROM revocations WHERE cti_mac = $1)", &p, "cannot read the warrant's state");
	kansa_store__unlock(s);
	if (error == 0 && (PQntuples(r) != 1 ||
	    (!PQgetisnull(r, 0, 0) && (kansa_pg__i64(&n, r, 0, 0) < 0 || n < 0)) ||
	    (!PQgetisnull(r, 0, 1) && (kansa_pg__i64(&seq, r, 0, 1) < 0 || seq < 0))))
		error = kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_LEDGER,
		    "cannot read the warrant's state: malformed row");
	if (error == 0) {
		*uses = (uint64_t)n;
		*revoked = !PQgetisnull(r, 0, 1);
	}
	PQclear(r);
	return error;
}

/* ---------------------------------------------------------------------- */
/* Documents and meta values                                               */
/* ---------------------------------------------------------------------- */

int kansa_pg__doc_put(uint8_t hash_out[KANSA_HASH_LEN], kansa_store *s, int kind,
    const uint8_t *body, size_t len)
{
	int error = 0;

	if (!writable(s, &error))
		return error;
	kansa_store__lock(s);
	error = insert_doc(hash_out, s, kind, body, len, NULL);
	kansa_store__unlock(s);
	return error;
}

int kansa_pg__doc_read(uint8_t **body_out, size_t *len_out, int *kind_out, PGconn *conn,
    const kansa_secret *keys, const uint8_t hash[KANSA_HASH_LEN])
{
	uint8_t ad[KANSA_PG_AD_MAX];
	kansa_pg_params p = { 0 };
	PGresult *r = NULL;
	int32_t kind = 0;
	int error;

	*body_out = NULL;
	*len_out = 0;
	kansa_pg__p_blob(&p, hash, KANSA_HASH_LEN);
	if ((error = kansa_pg__run(&r, conn, "SELECT kind, body FROM documents WHERE hash = $1", &p,
	    "cannot read document")) < 0)
		return error;
	if (PQntuples(r) == 0)
		error = kansa_error_set(KANSA_ENOTFOUND, KANSA_ERRCLASS_LEDGER, "document not in the ledger");
	else if ((error = kansa_pg__i32(&kind, r, 0, 0)) == 0 &&
	    kansa_pg__open_sealed(body_out, len_out, keys, ad, kansa_pg__ad_doc(ad, hash, kind),
	    (const uint8_t *)PQgetvalue(r, 0, 1), (size_t)PQgetlength(r, 0, 1)) < 0)
		error = kansa_error_set(KANSA_EVERIFY, KANSA_ERRCLASS_LEDGER,
		    "document: its sealed body does not open: the row was altered (or another key)");
	if (error == 0 && kind_out)
		*kind_out = kind;
	PQclear(r);
	return error;
}

int kansa_pg__doc_get(uint8_t **body_out, size_t *len_out, int *kind_out, kansa_store *s,
    const uint8_t hash[KANSA_HASH_LEN])
{
	int error;

	kansa_store__lock(s);
	error = kansa_pg__doc_read(body_out, len_out, kind_out, conn_of(s), s->pg->keys, hash);
	kansa_store__unlock(s);
	return error;
}

int kansa_pg__meta_put(kansa_store *s, const char *key, const uint8_t *value, size_t len)
{
	uint8_t *ad = NULL, *sealed = NULL;
	size_t ad_len = 0, sealed_len = 0;
	kansa_pg_params p = { 0 };
	int error = 0;

	if (key == NULL || key[0] == '\0' || strncmp(key, "store.", 6) == 0)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_LEDGER, "meta: invalid or reserved key");
	if (!writable(s, &error))
		return error;
	if ((error = kansa_pg__ad_meta(&ad, &ad_len, key)) < 0 ||
	    (error = kansa_pg__seal(&sealed, &sealed_len, s->pg->keys, ad, ad_len, value, len)) < 0)
		goto out;
	kansa_pg__p_text(&p, key);
	kansa_pg__p_blob(&p, sealed, sealed_len);
	kansa_store__lock(s);
	error = kansa_pg__exec(conn_of(s), "INSERT INTO meta(key, value) VALUES($1, $2)"
	    " ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value", &p, "cannot write meta");
	kansa_store__unlock(s);
out:
	free(ad);
	free(sealed);
	return error;
}

int kansa_pg__meta_read(uint8_t **value_out, size_t *len_out, PGconn *conn,
    const kansa_secret *keys, const char *key)
{
	uint8_t *ad = NULL;
	size_t ad_len = 0;
	kansa_pg_params p = { 0 };
	PGresult *r = NULL;
	int error;

	*value_out = NULL;
	*len_out = 0;
	if (key == NULL)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_LEDGER, "meta: no key");
	kansa_pg__p_text(&p, key);
	if ((error = kansa_pg__run(&r, conn, "SELECT value FROM meta WHERE key = $1", &p,
	    "cannot read meta")) < 0)
		return error;
	if (PQntuples(r) == 0)
		error = kansa_error_set(KANSA_ENOTFOUND, KANSA_ERRCLASS_LEDGER,
		    "meta: no value for '%s'", key);
	else if ((error = kansa_pg__ad_meta(&ad, &ad_len, key)) == 0 &&
	    kansa_pg__open_sealed(value_out, len_out, keys, ad, ad_len,
	    (const uint8_t *)PQgetvalue(r, 0, 0), (size_t)PQgetlength(r, 0, 0)) < 0)
		error = kansa_error_set(KANSA_EVERIFY, KANSA_ERRCLASS_LEDGER,
		    "meta '%s': its sealed value does not open: the row was altered (or another key)", key);
	free(ad);
	PQclear(r);
	return error;
}

int kansa_pg__meta_get(uint8_t **value_out, size_t *len_out, kansa_store *s, const char *key)
{
	int error;

	kansa_store__lock(s);
	error = kansa_pg__meta_read(value_out, len_out, conn_of(s), s->pg->keys, key);
	kansa_store__unlock(s);
	return error;
}

int kansa_pg__meta_get_secret(kansa_secret **out, kansa_store *s, const char *key)
{
	uint8_t *v = NULL;
	size_t len = 0;
	int error;

	*out = NULL;
	if ((error = kansa_pg__meta_get(&v, &len, s, key)) < 0)
		return error;
	error = kansa_secret_from(out, v, len);
	kansa_wipe(v, len);
	free(v);
	return error;
}

/* ---------------------------------------------------------------------- */
/* Merkle nodes and checkpoints                                            */
/* ---------------------------------------------------------------------- */

int kansa_pg__node_put(kansa_store *s, uint32_t level, uint64_t idx,
    const uint8_t hash[KANSA_HASH_LEN])
{
	kansa_pg_params p = { 0 };
	int error = 0;

	if (!writable(s, &error) || (error = kansa_store__check_u63(idx, "merkle index")) < 0)
		return error;
	kansa_pg__p_i32(&p, (int32_t)level);
	kansa_pg__p_i64(&p, (int64_t)idx);
	kansa_pg__p_blob(&p, hash, KANSA_HASH_LEN);
	kansa_store__lock(s);
	error = kansa_pg__exec(conn_of(s), "INSERT INTO merkle_nodes(level, idx, hash) VALUES($1, $2, $3)"
	    " ON CONFLICT (level, idx) DO UPDATE SET hash = EXCLUDED.hash", &p,
	    "cannot write merkle node");
	kansa_store__unlock(s);
	return error;
}

int kansa_pg__node_get(uint8_t out[KANSA_HASH_LEN], kansa_store *s, uint32_t level, uint64_t idx)
{
	kansa_pg_params p = { 0 };
	PGresult *r = NULL;
	int error;

	if ((error = kansa_store__check_u63(idx, "merkle index")) < 0)
		return error;
	kansa_pg__p_i32(&p, (int32_t)level);
	kansa_pg__p_i64(&p, (int64_t)idx);
	kansa_store__lock(s);
	error = kansa_pg__run(&r, conn_of(s), "SELECT hash FROM merkle_nodes WHERE level = $1"
	    " AND idx = $2", &p, "cannot read merkle node");
	kansa_store__unlock(s);
	if (error == 0 && PQntuples(r) == 0)
		error = kansa_error_set(KANSA_ENOTFOUND, KANSA_ERRCLASS_LEDGER,
		    "merkle node %u/%llu not stored", level, (unsigned long long)idx);
	else if (error == 0 && kansa_pg__hash(out, r, 0, 0) < 0)
		error = kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_LEDGER,
		    "merkle node %u/%llu: malformed row", level, (unsigned long long)idx);
	PQclear(r);
	return error;
}
