/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The store's other rows on SQLCipher: documents (content-addressed by their
 * SHA-256), meta values, Merkle nodes and checkpoints. Every statement runs
 * under the store's connection lock (db_mu) and is reset before its bound
 * data goes away; nothing here writes outside the transaction of a batch or
 * of its caller, and nothing is returned that SQLCipher did not authenticate.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keys/keys.h"
#include "ledger/store/store_impl.h"

/* store_impl.h: document @p body of @p kind, hashed unless @p known is given. */
int kansa_store__doc_insert(uint8_t hash_out[KANSA_HASH_LEN], kansa_store *s, int kind,
    const uint8_t *body, size_t len, const uint8_t *known)
{
	sqlite3_stmt *st = s->st[ST_DOC_INSERT];
	uint8_t hash[KANSA_HASH_LEN];
	int error;

	if ((error = kansa_store__doc_hash(hash, body, len, known)) < 0)
		return error;
	if ((error = kansa_store__bind_blob(st, 1, hash, sizeof(hash))) < 0 ||
	    sqlite3_bind_int(st, 2, kind) != SQLITE_OK ||
	    (error = kansa_store__bind_blob(st, 3, body, len)) < 0) {
		kansa_store__reset(st);
		return error < 0 ? error : kansa_error_set(KANSA_ERROR, KANSA_ERRCLASS_LEDGER,
		    "ledger: bind failed");
	}
	if ((error = kansa_store__step_done(s, st, "cannot store document")) < 0)
		return error;
	if (hash_out)
		memcpy(hash_out, hash, sizeof(hash));
	return 0;
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

int kansa_sqlite__doc_put(uint8_t hash_out[KANSA_HASH_LEN], kansa_store *s, int kind,
    const uint8_t *body, size_t len)
{
	int error = 0;

	if (!writable(s, &error))
		return error;
	kansa_store__lock(s);
	error = kansa_store__doc_insert(hash_out, s, kind, body, len, NULL);
	kansa_store__unlock(s);
	return error;
}

/* store_impl.h: a blob column as a new malloc'd, NUL-terminated buffer. */
int kansa_store__blob_out(uint8_t **out, size_t *len_out, sqlite3_stmt *st, int col)
{
	const void *p = sqlite3_column_blob(st, col);
	int n = sqlite3_column_bytes(st, col);
	uint8_t *q;

	if (n < 0 || (q = malloc((size_t)n + 1)) == NULL)
		return kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
	if (n > 0)
		memcpy(q, p, (size_t)n);
	q[n] = 0;
	*out = q;
	if (len_out)
		*len_out = (size_t)n;
	return 0;
}

int kansa_sqlite__doc_get(uint8_t **body_out, size_t *len_out, int *kind_out, kansa_store *s,
    const uint8_t hash[KANSA_HASH_LEN])
{
	sqlite3_stmt *st;
	int rc, error;

	*body_out = NULL;
	*len_out = 0;
	kansa_store__lock(s);
	st = s->st[ST_DOC_GET];
	if ((error = kansa_store__bind_blob(st, 1, hash, KANSA_HASH_LEN)) < 0)
		goto out;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		if (kind_out)
			*kind_out = sqlite3_column_int(st, 0);
		error = kansa_store__blob_out(body_out, len_out, st, 1);
	} else if (rc == SQLITE_DONE) {
		error = kansa_error_set(KANSA_ENOTFOUND, KANSA_ERRCLASS_LEDGER,
		    "document not in the ledger");
	} else {
		error = kansa_store__sqlerr(s->db, rc, "cannot read document");
	}
out:
	kansa_store__reset(st);
	kansa_store__unlock(s);
	return error;
}

int kansa_sqlite__meta_put(kansa_store *s, const char *key, const uint8_t *value, size_t len)
{
	sqlite3_stmt *st = NULL;
	int error = 0;

	if (key == NULL || key[0] == '\0' || strncmp(key, "store.", 6) == 0)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_LEDGER,
		    "meta: invalid or reserved key");
	if (!writable(s, &error))
		return error;
	kansa_store__lock(s);
	if ((error = kansa_store__prepare(&st, s, "INSERT OR REPLACE INTO meta(key, value) VALUES(?1, ?2)")) < 0)
		goto out;
	if (sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC) != SQLITE_OK ||
	    (error = kansa_store__bind_blob(st, 2, value, len)) < 0) {
		error = error < 0 ? error : kansa_error_set(KANSA_ERROR, KANSA_ERRCLASS_LEDGER,
		    "ledger: bind failed");
		goto out;
	}
	error = kansa_store__step_done(s, st, "cannot write meta");
out:
	sqlite3_finalize(st);
	kansa_store__unlock(s);
	return error;
}

/* Step a "SELECT value FROM meta WHERE key = ?" statement. */
static int meta_find(sqlite3_stmt **st, kansa_store *s, const char *key)
{
	int rc;

	*st = NULL;
	if (key == NULL)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_LEDGER, "meta: no key");
	*st = s->st[ST_META_GET]; /* the caller resets it (kansa_store__reset) */
	sqlite3_bind_text(*st, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(*st);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc == SQLITE_DONE)
		return kansa_error_set(KANSA_ENOTFOUND, KANSA_ERRCLASS_LEDGER,
		    "meta: no value for '%s'", key);
	return kansa_store__sqlerr(s->db, rc, "cannot read meta");
}

int kansa_sqlite__meta_get(uint8_t **value_out, size_t *len_out, kansa_store *s, const char *key)
{
	sqlite3_stmt *st = NULL;
	int error;

	*value_out = NULL;
	*len_out = 0;
	kansa_store__lock(s);
	if ((error = meta_find(&st, s, key)) == 0)
		error = kansa_store__blob_out(value_out, len_out, st, 0);
	if (st)
		kansa_store__reset(st);
	kansa_store__unlock(s);
	return error;
}

int kansa_sqlite__meta_get_secret(kansa_secret **out, kansa_store *s, const char *key)
{
	sqlite3_stmt *st = NULL;
	int error;

	*out = NULL;
	kansa_store__lock(s);
	if ((error = meta_find(&st, s, key)) == 0) {
		const void *p = sqlite3_column_blob(st, 0);
		int n = sqlite3_column_bytes(st, 0);
		error = kansa_secret_from(out, p, n > 0 ? (size_t)n : 0);
	}
	if (st)
		kansa_store__reset(st);
	kansa_store__unlock(s);
	return error;
}

int kansa_sqlite__node_put(kansa_store *s, uint32_t level, uint64_t idx,
    const uint8_t hash[KANSA_HASH_LEN])
{
	sqlite3_stmt *st = NULL;
	int error = 0;

	if (!writable(s, &error) || (error = kansa_store__check_u63(idx, "merkle index")) < 0)
		return error;
	kansa_store__lock(s);
	/* A node is written once as the tree grows; "put replaces" is kept by
	 * an UPDATE when the INSERT finds the node already there. */
	for (int i = 0; i < 2; i++) {
		st = s->st[i == 0 ? ST_NODE_PUT : ST_NODE_SET];
		sqlite3_bind_int64(st, 1, (sqlite3_int64)level);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)idx);
		if ((error = kansa_store__bind_blob(st, 3, hash, KANSA_HASH_LEN)) < 0) {
			kansa_store__reset(st);
			break;
		}
		if (i == 0) {
			int rc = sqlite3_step(st);
			kansa_store__reset(st);
			if (rc == SQLITE_DONE)
				break;
			if ((rc & 0xff) != SQLITE_CONSTRAINT) {
				error = kansa_store__sqlerr(s->db, rc, "cannot write merkle node");
				break;
			}
		} else {
			error = kansa_store__step_done(s, st, "cannot write merkle node");
		}
	}
	kansa_store__unlock(s);
	return error;
}

int kansa_sqlite__node_get(uint8_t out[KANSA_HASH_LEN], kansa_store *s, uint32_t level,
    uint64_t idx)
{
	sqlite3_stmt *st = NULL;
	int rc, error;

	if ((error = kansa_store__check_u63(idx, "merkle index")) < 0)
		return error;
	kansa_store__lock(s);
	st = s->st[ST_NODE_GET];
	sqlite3_bind_int64(st, 1, (sqlite3_int64)level);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)idx);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		if (sqlite3_column_bytes(st, 0) != KANSA_HASH_LEN || !sqlite3_column_blob(st, 0))
			error = kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_LEDGER,
			    "merkle node %u/%llu: malformed row", level, (unsigned long long)idx);
		else
			memcpy(out, sqlite3_column_blob(st, 0), KANSA_HASH_LEN);
	} else if (rc == SQLITE_DONE) {
		error = kansa_error_set(KANSA_ENOTFOUND, KANSA_ERRCLASS_LEDGER,
		    "merkle node %u/%llu not stored", level, (unsigned long long)idx);
	} else {
		error = kansa_store__sqlerr(s->db, rc, "cannot read merkle node");
	}
	kansa_store__reset(st);
	kansa_store__unlock(s);
	return error;
}

int kansa_sqlite__checkpoint_put(kansa_store *s, uint64_t size, const uint8_t *note, size_t len)
{
	sqlite3_stmt *st = NULL;
	bool own_txn;
	int rc, error = 0;

	if (!writable(s, &error) || (error = kansa_store__check_u63(size, "checkpoint size")) < 0)
		return error;
	if (note == NULL || len == 0)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_LEDGER, "checkpoint: empty note");
	kansa_store__lock(s);
	/* Look and insert in one write transaction, unless already inside one. */
	own_txn = sqlite3_get_autocommit(s->db) != 0;
	if (own_txn && (error = kansa_store__exec(s, "BEGIN IMMEDIATE", "cannot store checkpoint")) < 0)
		goto out;
	if ((error = kansa_store__prepare(&st, s, "SELECT note FROM checkpoints WHERE size = ?1")) < 0)
		goto out;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)size);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		int n = sqlite3_column_bytes(st, 0);
		const void *p = sqlite3_column_blob(st, 0);
		if (n < 0 || (size_t)n != len || p == NULL || !kansa_ct_equal(p, note, len))
			error = kansa_error_set(KANSA_EEXISTS, KANSA_ERRCLASS_LEDGER,
			    "checkpoint at size %llu already stored with a different note",
			    (unsigned long long)size);
		goto out;
	}
	if (rc != SQLITE_DONE) {
		error = kansa_store__sqlerr(s->db, rc, "cannot read checkpoint");
		goto out;
	}
	sqlite3_finalize(st);
	st = NULL;
	if ((error = kansa_store__prepare(&st, s, "INSERT INTO checkpoints(size, note) VALUES(?1, ?2)")) < 0)
		goto out;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)size);
	if ((error = kansa_store__bind_blob(st, 2, note, len)) < 0)
		goto out;
	error = kansa_store__step_done(s, st, "cannot store checkpoint");
out:
	sqlite3_finalize(st);
	if (own_txn && !sqlite3_get_autocommit(s->db)) {
		if (error == 0)
			error = kansa_store__exec(s, "COMMIT", "cannot store checkpoint");
		if (error < 0)
			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	}
	kansa_store__unlock(s);
	return error;
}

int kansa_sqlite__checkpoint_replace(kansa_store *s, uint64_t size, const uint8_t *old, size_t old_len,
    const uint8_t *note, size_t len)
{
	sqlite3_stmt *st = NULL;
	int rc, n, error = 0;

	if (!writable(s, &error) || (error = kansa_store__check_u63(size, "checkpoint size")) < 0)
		return error;
	if (old == NULL || old_len == 0 || note == NULL || len == 0)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_LEDGER, "checkpoint: empty note");
	kansa_store__lock(s);
	/* Compare and replace in one write transaction. */
	if ((error = kansa_store__exec(s, "BEGIN IMMEDIATE", "cannot store checkpoint")) < 0)
		goto out;
	if ((error = kansa_store__prepare(&st, s, "SELECT note FROM checkpoints WHERE size = ?1")) < 0)
		goto out;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)size);
	if ((rc = sqlite3_step(st)) == SQLITE_DONE) {
		error = kansa_error_set(KANSA_ENOTFOUND, KANSA_ERRCLASS_LEDGER,
		    "no checkpoint stored for size %llu", (unsigned long long)size);
		goto out;
	}
	if (rc != SQLITE_ROW) {
		error = kansa_store__sqlerr(s->db, rc, "cannot read checkpoint");
		goto out;
	}
	n = sqlite3_column_bytes(st, 0);
	if (n < 0 || (size_t)n != old_len || sqlite3_column_blob(st, 0) == NULL ||
	    !kansa_ct_equal(sqlite3_column_blob(st, 0), old, old_len)) {
		error = kansa_error_set(KANSA_EEXISTS, KANSA_ERRCLASS_LEDGER,
		    "checkpoint at size %llu changed meanwhile", (unsigned long long)size);
		goto out;
	}
	sqlite3_finalize(st);
	st = NULL;
	if ((error = kansa_store__prepare(&st, s, "UPDATE checkpoints SET note = ?2 WHERE size = ?1")) < 0)
		goto out;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)size);
	if ((error = kansa_store__bind_blob(st, 2, note, len)) < 0)
		goto out;
	error = kansa_store__step_done(s, st, "cannot store checkpoint");
out:
	sqlite3_finalize(st);
	if (!sqlite3_get_autocommit(s->db)) {
		if (error == 0)
			error = kansa_store__exec(s, "COMMIT", "cannot store checkpoint");
		if (error < 0)
			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	}
	kansa_store__unlock(s);
	return error;
}

static int checkpoint_read(uint64_t *size_out, uint8_t **note_out, size_t *len_out,
    kansa_store *s, const char *sql, const uint64_t *size)
{
	sqlite3_stmt *st = NULL;
	int rc, error;

	*note_out = NULL;
	*len_out = 0;
	kansa_store__lock(s);
	if ((error = kansa_store__prepare(&st, s, sql)) < 0)
		goto out;
	if (size)
		sqlite3_bind_int64(st, 1, (sqlite3_int64)*size);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		if (size_out)
			*size_out = (uint64_t)sqlite3_column_int64(st, 0);
		error = kansa_store__blob_out(note_out, len_out, st, 1);
	} else if (rc == SQLITE_DONE) {
		error = kansa_error_set(KANSA_ENOTFOUND, KANSA_ERRCLASS_LEDGER, "no such checkpoint");
	} else {
		error = kansa_store__sqlerr(s->db, rc, "cannot read checkpoint");
	}
out:
	sqlite3_finalize(st);
	kansa_store__unlock(s);
	return error;
}

int kansa_sqlite__checkpoint_get(uint8_t **note_out, size_t *len_out, kansa_store *s, uint64_t size)
{
	int error;

	if ((error = kansa_store__check_u63(size, "checkpoint size")) < 0) {
		*note_out = NULL;
		*len_out = 0;
		return error;
	}
	return checkpoint_read(NULL, note_out, len_out, s,
	    "SELECT size, note FROM checkpoints WHERE size = ?1", &size);
}

int kansa_sqlite__checkpoint_latest(uint64_t *size_out, uint8_t **note_out, size_t *len_out,
    kansa_store *s)
{
	*size_out = 0;
	return checkpoint_read(size_out, note_out, len_out, s,
	    "SELECT size, note FROM checkpoints ORDER BY size DESC LIMIT 1", NULL);
}
