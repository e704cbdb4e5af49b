/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The store's entry rows on SQLCipher: the head, entries with their
 * documents, use counts and revocations as generic rows, and the iterator of
 * a read snapshot. Every statement runs under the store's connection lock
 * (db_mu) and is reset before its bound data goes away. Opening, keying and
 * the schema are in store.c; documents, meta values, Merkle nodes and
 * checkpoints in store_docs.c; appending in a batch is group.c.
 *
 * This file must never decrypt or return a row that SQLCipher did not
 * authenticate (SQLCipher's per-page HMAC does that before we see a byte),
 * and never write outside the transaction of a batch or of its caller.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keys/keys.h"
#include "ledger/store/store_impl.h"

/* ---------------------------------------------------------------------- */
/* Entries                                                                 */
/* ---------------------------------------------------------------------- */

int kansa_store__read_head(kansa_store_pos *out, kansa_store *s)
{
	sqlite3_stmt *st = s->st[ST_HEAD];
	int rc, error = 0;

	memset(out, 0, sizeof(*out));
	out->last_time = INT64_MIN;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		int64_t seq = sqlite3_column_int64(st, 0);
		const void *h = sqlite3_column_blob(st, 1);
		if (seq < 0 || seq == INT64_MAX || h == NULL ||
		    sqlite3_column_bytes(st, 1) != KANSA_HASH_LEN) {
			error = kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_LEDGER,
			    "ledger head: malformed row");
		} else {
			out->seq = (uint64_t)seq + 1;
			memcpy(out->prev, h, KANSA_HASH_LEN);
			out->last_time = sqlite3_column_int64(st, 2);
		}
	} else if (rc != SQLITE_DONE) {
		error = kansa_store__sqlerr(s->db, rc, "cannot read ledger head");
	}
	kansa_store__reset(st);
	return error;
}

/* store_impl.h: step @p st to its end and reset it; @p what names a failure. */
int kansa_store__step_done(kansa_store *s, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st), error = 0;

	if (rc != SQLITE_DONE)
		error = kansa_store__sqlerr(s->db, rc, what);
	kansa_store__reset(st);
	return error;
}

/*
 * One more use of warrant @p cti: the counter's row is updated, and made
 * (at 1) only when the update found none — one statement for every use of
 * a warrant but its first. In the write transaction, so nobody else can
 * make the row between the two.
 */
static int count_use(kansa_store *s, const uint8_t cti[KANSA_STORE_CTI_LEN])
{
	sqlite3_stmt *inc = s->st[ST_USES_INC], *first = s->st[ST_USES_FIRST];
	int error;

	if ((error = kansa_store__bind_blob(inc, 1, cti, KANSA_STORE_CTI_LEN)) < 0 ||
	    (error = kansa_store__step_done(s, inc, "cannot count use")) < 0) {
		kansa_store__reset(inc);
		return error;
	}
	if (sqlite3_changes(s->db) > 0)
		return 0;
	if ((error = kansa_store__bind_blob(first, 1, cti, KANSA_STORE_CTI_LEN)) < 0 ||
	    (error = kansa_store__step_done(s, first, "cannot count use")) < 0) {
		kansa_store__reset(first);
		return error;
	}
	return 0;
}

int kansa_store__insert(kansa_store *s, uint64_t seq, const kansa_store_entry *e)
{
	sqlite3_stmt *st = s->st[ST_ENTRY_INSERT];
	const uint8_t *cti = NULL;
	int error;

	if (e->body == NULL || e->body_len == 0)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_LEDGER,
		    "entry %llu: empty body", (unsigned long long)seq);
	if (e->body_len > KANSA_MAX_ENTRY_BYTES)
		return kansa_error_set(KANSA_ELIMIT, KANSA_ERRCLASS_LEDGER,
		    "entry %llu: larger than %d bytes", (unsigned long long)seq,
		    KANSA_MAX_ENTRY_BYTES);
	if (e->n_docs > KANSA_STORE_MAX_DOCS)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_LEDGER,
		    "entry %llu: more than %d documents", (unsigned long long)seq,
		    KANSA_STORE_MAX_DOCS);
	if ((error = kansa_store__check_u63(seq, "seq")) < 0)
		return error;
	if (e->has_warrant)
		cti = e->warrant_cti;
	else if (e->is_revocation)
		cti = e->revoked_cti;

	if (sqlite3_bind_int64(st, 1, (sqlite3_int64)seq) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 2, e->time) != SQLITE_OK ||
	    sqlite3_bind_int(st, 3, e->kind) != SQLITE_OK ||
	    (error = kansa_store__bind_blob(st, 4, e->body, e->body_len)) < 0 ||
	    (error = kansa_store__bind_blob(st, 5, e->leaf_hash, KANSA_HASH_LEN)) < 0 ||
	    (e->has_warrant && (error = kansa_store__bind_blob(st, 6, e->warrant_hash, KANSA_HASH_LEN)) < 0) ||
	    (e->has_decision && sqlite3_bind_int(st, 7, e->allowed ? 1 : 0) != SQLITE_OK) ||
	    (cti && (error = kansa_store__bind_blob(st, 8, cti, KANSA_STORE_CTI_LEN)) < 0)) {
		kansa_store__reset(st);
		return error < 0 ? error : kansa_error_set(KANSA_ERROR, KANSA_ERRCLASS_LEDGER,
		    "ledger: bind failed");
	}
	if ((error = kansa_store__step_done(s, st, "cannot append entry")) < 0)
		return error;

	for (size_t i = 0; i < e->n_docs; i++)
		if ((error = kansa_store__doc_insert(NULL, s, e->docs[i].kind, e->docs[i].body,
		    e->docs[i].len, e->docs[i].hash)) < 0)
			return kansa_error_prefix("entry %llu", (unsigned long long)seq);

	/* REQ: LEDGER-STORE-6 the use counter moves in the same transaction as the
	 * entry. Uses are counted per warrant id (cti), not per document hash: a
	 * re-signed copy of a warrant must not get a fresh max_uses. */
	if (e->has_warrant && e->allowed && (error = count_use(s, e->warrant_cti)) < 0)
		return error;
	if (e->is_revocation) {
		sqlite3_stmt *rv = s->st[ST_REVOKED_INSERT];
		if ((error = kansa_store__bind_blob(rv, 1, e->revoked_cti, KANSA_STORE_CTI_LEN)) < 0 ||
		    sqlite3_bind_int64(rv, 2, (sqlite3_int64)seq) != SQLITE_OK) {
			kansa_store__reset(rv);
			return error < 0 ? error : kansa_error_set(KANSA_ERROR, KANSA_ERRCLASS_LEDGER,
			    "ledger: bind failed");
		}
		if ((error = kansa_store__step_done(s, rv, "cannot record revocation")) < 0)
			return error;
	}
	return 0;
}

/* Fill a row from columns (time, kind, body, leaf_hash) starting at @p c. */
static int row_from(kansa_store_row *out, sqlite3_stmt *st, int c, uint64_t seq, bool copy)
{
	const void *body = sqlite3_column_blob(st, c + 2);
	int blen = sqlite3_column_bytes(st, c + 2);
	const void *h = sqlite3_column_blob(st, c + 3);

	if (h == NULL || sqlite3_column_bytes(st, c + 3) != KANSA_HASH_LEN || body == NULL ||
	    blen <= 0)
		return kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_LEDGER,
		    "entry %llu: malformed row", (unsigned long long)seq);
	out->seq = seq;
	out->time = sqlite3_column_int64(st, c);
	out->kind = sqlite3_column_int(st, c + 1);
	memcpy(out->leaf_hash, h, KANSA_HASH_LEN);
	out->body_len = (size_t)blen;
	if (!copy) {
		out->body = (uint8_t *)(uintptr_t)body;
		return 0;
	}
	if ((out->body = kansa_memdup(body, (size_t)blen)) == NULL)
		return KANSA_ENOMEM;
	return 0;
}

/* The copy's columns (warrant_hash, decision, warrant_cti) from @p c. */
static void row_extra(kansa_store_row *out, sqlite3_stmt *st, int c)
{
	out->decision = sqlite3_column_type(st, c + 1) == SQLITE_INTEGER ?
	    (sqlite3_column_int(st, c + 1) != 0) : -1;
	if (sqlite3_column_bytes(st, c) == KANSA_HASH_LEN && sqlite3_column_blob(st, c)) {
		out->has_warrant = true;
		memcpy(out->warrant_hash, sqlite3_column_blob(st, c), KANSA_HASH_LEN);
	}
	if (sqlite3_column_bytes(st, c + 2) == KANSA_STORE_CTI_LEN && sqlite3_column_blob(st, c + 2)) {
		out->has_cti = true;
		memcpy(out->cti, sqlite3_column_blob(st, c + 2), KANSA_STORE_CTI_LEN);
	}
}

int kansa_sqlite__get(kansa_store_row *out, kansa_store *s, uint64_t seq)
{
	sqlite3_stmt *st;
	int rc, error;

	memset(out, 0, sizeof(*out));
	if ((error = kansa_store__check_u63(seq, "seq")) < 0)
		return error;
	kansa_store__lock(s);
	st = s->st[ST_ENTRY_GET];
	sqlite3_bind_int64(st, 1, (sqlite3_int64)seq);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		error = row_from(out, st, 0, seq, true);
	else if (rc == SQLITE_DONE)
		error = kansa_error_set(KANSA_ENOTFOUND, KANSA_ERRCLASS_LEDGER,
		    "entry %llu: not in the ledger", (unsigned long long)seq);
	else
		error = kansa_store__sqlerr(s->db, rc, "cannot read entry");
	kansa_store__reset(st);
	kansa_store__unlock(s);
	return error;
}

int kansa_sqlite__head(kansa_store_pos *out, kansa_store *s)
{
	int error;

	kansa_store__lock(s);
	error = kansa_store__read_head(out, s);
	kansa_store__unlock(s);
	return error;
}

int kansa_sqlite__uses(uint64_t *out, kansa_store *s, const uint8_t cti[16])
{
	sqlite3_stmt *st;
	int rc, error = 0;

	*out = 0;
	kansa_store__lock(s);
	st = s->st[ST_USES_GET];
	if ((error = kansa_store__bind_blob(st, 1, cti, 16)) < 0)
		goto out;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		int64_t n = sqlite3_column_int64(st, 0);
		if (n < 0)
			error = kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_LEDGER,
			    "ledger: negative use count");
		else
			*out = (uint64_t)n;
	} else if (rc != SQLITE_DONE) {
		error = kansa_store__sqlerr(s->db, rc, "cannot read use count");
	}
out:
	kansa_store__reset(st);
	kansa_store__unlock(s);
	return error;
}

int kansa_sqlite__is_revoked(bool *out, uint64_t *seq_out, kansa_store *s,
    const uint8_t cti[KANSA_STORE_CTI_LEN])
{
	sqlite3_stmt *st;
	int rc, error = 0;

	*out = false;
	if (seq_out)
		*seq_out = 0;
	kansa_store__lock(s);
	st = s->st[ST_REVOKED_GET];
	if ((error = kansa_store__bind_blob(st, 1, cti, KANSA_STORE_CTI_LEN)) < 0)
		goto out;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*out = true;
		if (seq_out)
			*seq_out = (uint64_t)sqlite3_column_int64(st, 0);
	} else if (rc != SQLITE_DONE) {
		error = kansa_store__sqlerr(s->db, rc, "cannot read revocations");
	}
out:
	kansa_store__reset(st);
	kansa_store__unlock(s);
	return error;
}

int kansa_sqlite__find_leaf(uint64_t *seq_out, kansa_store *s, const uint8_t leaf[KANSA_HASH_LEN])
{
	sqlite3_stmt *st = NULL;
	int rc, error;

	*seq_out = 0;
	kansa_store__lock(s);
	rc = sqlite3_prepare_v2(s->db, "SELECT seq FROM entries WHERE leaf_hash = ?1 ORDER BY seq LIMIT 1",
	    -1, &st, NULL);
	if (rc != SQLITE_OK) {
		error = kansa_store__sqlerr(s->db, rc, "cannot search entries");
		goto out;
	}
	if ((error = kansa_store__bind_blob(st, 1, leaf, KANSA_HASH_LEN)) < 0)
		goto out;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*seq_out = (uint64_t)sqlite3_column_int64(st, 0);
	else if (rc == SQLITE_DONE)
		error = kansa_error_set(KANSA_ENOTFOUND, KANSA_ERRCLASS_LEDGER, "no entry has that leaf hash");
	else
		error = kansa_store__sqlerr(s->db, rc, "cannot search entries");
out:
	sqlite3_finalize(st);
	kansa_store__unlock(s);
	return error;
}

/* ---------------------------------------------------------------------- */
/* Iteration: its own read-only connection, one snapshot                   */
/* ---------------------------------------------------------------------- */

int kansa_sqlite__iter_new(kansa_store_iter **out, kansa_store *s, uint64_t from_seq)
{
	kansa_store_iter *it;
	int rc, error;

	*out = NULL;
	if ((error = kansa_store__check_u63(from_seq, "seq")) < 0)
		return error;
	if ((it = calloc(1, sizeof(*it))) == NULL)
		return kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
	it->eng = s->eng;
	kansa_store__lock(s); /* the keyspec may change under rekey */
	error = kansa_store__connect(&it->db, s, true);
	kansa_store__unlock(s);
	if (error < 0)
		goto out;
	if ((error = kansa_store__exec_db(it->db, "BEGIN", "cannot read ledger")) < 0)
		goto out;
	if ((rc = sqlite3_prepare_v2(it->db, "SELECT seq, time, kind, body, leaf_hash,"
	    " warrant_hash, decision, warrant_cti FROM entries WHERE seq >= ?1 ORDER BY seq", -1, &it->st, NULL)) != SQLITE_OK) {
		error = kansa_store__sqlerr(it->db, rc, "cannot read ledger");
		goto out;
	}
	sqlite3_bind_int64(it->st, 1, (sqlite3_int64)from_seq);
	/* The first step takes the read snapshot now, not at the first next(). */
	it->pending = sqlite3_step(it->st);
	it->started = true;
	if (it->pending != SQLITE_ROW && it->pending != SQLITE_DONE) {
		error = kansa_store__sqlerr(it->db, it->pending, "cannot read ledger");
		goto out;
	}
	*out = it;
	it = NULL;
out:
	kansa_sqlite__iter_free(it);
	return error;
}

int kansa_sqlite__iter_next(kansa_store_row *row, kansa_store_iter *it)
{
	int rc, error;
	int64_t seq;

	memset(row, 0, sizeof(*row));
	if (it->started) {
		rc = it->pending;
		it->started = false;
	} else {
		rc = sqlite3_step(it->st);
	}
	if (rc == SQLITE_DONE)
		return 0;
	if (rc != SQLITE_ROW)
		return kansa_store__sqlerr(it->db, rc, "cannot read ledger");
	seq = sqlite3_column_int64(it->st, 0);
	if (seq < 0)
		return kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_LEDGER, "entry: negative seq");
	if ((error = row_from(row, it->st, 1, (uint64_t)seq, false)) < 0) {
		memset(row, 0, sizeof(*row));
		row->seq = (uint64_t)seq;
		row->malformed = true;
		return error;
	}
	row_extra(row, it->st, 5);
	return 1;
}

void kansa_sqlite__iter_free(kansa_store_iter *it)
{
	if (it == NULL)
		return;
	sqlite3_finalize(it->st);
	for (size_t i = 0; i < KANSA_STORE_LEVELS; i++)
		sqlite3_finalize(it->levels[i]);
	sqlite3_finalize(it->doc);
	if (it->db)
		sqlite3_exec(it->db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(it->db);
	free(it);
}
