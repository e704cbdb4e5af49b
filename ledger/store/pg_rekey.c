/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kansa ledger rekey on PostgreSQL: the keys are derived again from the new
 * database key and a new random salt, and every value kansa sealed (entry
 * bodies and their warrant ids, documents, meta values -- the log's signing
 * seed among them --, the warrant ids of uses and revocations) is opened
 * under the old keys and sealed under the new ones; the keyed MAC columns
 * (entries.warrant_mac, uses.cti_mac, revocations.cti_mac) are computed
 * again. One transaction under the writers' lock: all rows or none. The
 * clear columns (seq, times, kinds, leaf hashes, the tree, checkpoints) are
 * untouched, so the ledger's root and head stay byte for byte.
 *
 * It needs the database to itself: a session of another process (a kansa
 * serve, an audit) is refused before anything changed, KANSA_ELOCKED. A
 * process that opened the ledger before and writes after fails its batch
 * with KANSA_EKEY (pg.c checks the salt under the lock), never writes a row
 * under the old key. A value that does not open under the current key
 * stops the rekey with KANSA_EVERIFY, naming the row: nothing changed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ledger/store/pg_impl.h"

typedef struct {
	PGconn *conn;
	const kansa_secret *old; /* the keys the rows are sealed with now */
	const kansa_secret *new; /* the keys they are sealed with after */
	kansa_store_progress_fn progress; /* may be NULL */
	void *progress_ctx;
} rekey_ctx;

/* Open column @p col of row @p row under the old keys into *plain (wiped
 * and freed by the caller with drop()). */
static int open_col(uint8_t **plain, size_t *len, const rekey_ctx *rk, const uint8_t *ad,
    size_t ad_len, const PGresult *r, int row, int col, const char *what)
{
	*plain = NULL;
	if (PQgetisnull(r, row, col) ||
	    kansa_pg__open_sealed(plain, len, rk->old, ad, ad_len,
	    (const uint8_t *)PQgetvalue(r, row, col), (size_t)PQgetlength(r, row, col)) < 0)
		return kansa_error_set(KANSA_EVERIFY, KANSA_ERRCLASS_LEDGER,
		    "rekey: %s does not open under the current key: nothing changed (run kansa "
		    "ledger verify)", what);
	return 0;
}

static void drop(uint8_t *plain, size_t len)
{
	if (plain != NULL)
		kansa_wipe(plain, len);
	free(plain);
}

/* The value of column @p col opened under the old keys and sealed under the new. */
static int reseal(uint8_t **out, size_t *out_len, const rekey_ctx *rk, const uint8_t *ad,
    size_t ad_len, const PGresult *r, int row, int col, const char *what)
{
	uint8_t *plain = NULL;
	size_t len = 0;
	int error;

	if ((error = open_col(&plain, &len, rk, ad, ad_len, r, row, col, what)) == 0)
		error = kansa_pg__seal(out, out_len, rk->new, ad, ad_len, plain, len);
	drop(plain, len);
	return error;
}

/* A warrant id sealed under @p ad_old: its new MAC, and its sealing under
 * the new keys with the associated data ad_fn makes of @p seq or the MAC. */
static int reseal_cti(uint8_t mac[KANSA_HASH_LEN], uint8_t **out, size_t *out_len,
    const rekey_ctx *rk, const uint8_t *ad_old, size_t ad_old_len, bool bound_to_mac,
    uint64_t seq, const PGresult *r, int row, int col, const char *what)
{
	uint8_t *cti = NULL, ad[KANSA_PG_AD_MAX];
	size_t len = 0, ad_len;
	int error;

	if ((error = open_col(&cti, &len, rk, ad_old, ad_old_len, r, row, col, what)) < 0)
		return error;
	if (len != KANSA_STORE_CTI_LEN) {
		drop(cti, len);
		return kansa_error_set(KANSA_EVERIFY, KANSA_ERRCLASS_LEDGER,
		    "rekey: %s is not a warrant id: nothing changed", what);
	}
	if ((error = kansa_pg__cti_mac(mac, rk->new, cti)) == 0) {
		ad_len = bound_to_mac ? kansa_pg__ad_cti(ad, mac) : kansa_pg__ad_entry_cti(ad, seq);
		error = kansa_pg__seal(out, out_len, rk->new, ad, ad_len, cti, len);
	}
	drop(cti, len);
	return error;
}

/* One entry row (seq, time, kind, body, warrant_cti) sealed again. */
static int rekey_entry(const rekey_ctx *rk, const PGresult *r, int row)
{
	uint8_t ad[KANSA_PG_AD_MAX], mac[KANSA_HASH_LEN], *body = NULL, *cti = NULL;
	size_t body_len = 0, cti_len = 0, ad_len;
	int64_t seq = 0, time = 0;
	int32_t kind = 0;
	kansa_pg_params p = { 0 };
	char what[48];
	int error;

	if (kansa_pg__i64(&seq, r, row, 0) < 0 || seq < 0 || kansa_pg__i64(&time, r, row, 1) < 0 ||
	    kansa_pg__i32(&kind, r, row, 2) < 0)
		return kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_LEDGER,
		    "rekey: a malformed entry row: nothing changed (run kansa ledger verify)");
	snprintf(what, sizeof(what), "entry %lld", (long long)seq);
	ad_len = kansa_pg__ad_entry(ad, (uint64_t)seq, time, kind);
	if ((error = reseal(&body, &body_len, rk, ad, ad_len, r, row, 3, what)) < 0)
		return error;
	kansa_pg__p_i64(&p, seq);
	kansa_pg__p_blob(&p, body, body_len);
	if (!PQgetisnull(r, row, 4)) {
		snprintf(what, sizeof(what), "the warrant id of entry %lld", (long long)seq);
		ad_len = kansa_pg__ad_entry_cti(ad, (uint64_t)seq);
		if ((error = reseal_cti(mac, &cti, &cti_len, rk, ad, ad_len, false, (uint64_t)seq, r,
		    row, 4, what)) < 0)
			goto out;
		kansa_pg__p_blob(&p, mac, sizeof(mac));
		kansa_pg__p_blob(&p, cti, cti_len);
		error = kansa_pg__exec(rk->conn, "UPDATE entries SET body = $2, warrant_mac = $3,"
		    " warrant_cti = $4 WHERE seq = $1", &p, "rekey");
	} else {
		error = kansa_pg__exec(rk->conn, "UPDATE entries SET body = $2 WHERE seq = $1", &p,
		    "rekey");
	}
out:
	free(body);
	free(cti);
	return error;
}

/* The entries to seal again, for the progress: the head's seq + 1. */
static int entry_count(int64_t *out, PGconn *conn)
{
	PGresult *r = NULL;
	int error;

	*out = 0;
	if ((error = kansa_pg__run(&r, conn, "SELECT coalesce(max(seq) + 1, 0) FROM entries", NULL,
	    "rekey")) == 0)
		error = kansa_pg__i64(out, r, 0, 0);
	PQclear(r);
	return error;
}

static int rekey_entries(const rekey_ctx *rk)
{
	int64_t next = 0, total = 0;
	uint64_t done = 0;
	int error = 0, rows;

	if (rk->progress && (error = entry_count(&total, rk->conn)) < 0)
		return error;

	do {
		kansa_pg_params p = { 0 };
		PGresult *r = NULL;

		kansa_pg__p_i64(&p, next);
		kansa_pg__p_i64(&p, KANSA_PG_PAGE);
		if ((error = kansa_pg__run(&r, rk->conn, "SELECT seq, time, kind, body, warrant_cti"
		    " FROM entries WHERE seq >= $1 ORDER BY seq LIMIT $2", &p, "rekey")) < 0)
			return error;
		rows = PQntuples(r);
		for (int i = 0; i < rows && error == 0; i++)
			error = rekey_entry(rk, r, i);
		if (error == 0 && rows > 0 && kansa_pg__i64(&next, r, rows - 1, 0) == 0)
			next++;
		PQclear(r);
		done += (uint64_t)rows;
		if (error == 0 && rk->progress)
			rk->progress(rk->progress_ctx, done, (uint64_t)total);
	} while (error == 0 && rows == KANSA_PG_PAGE);
	return error;
}

static int rekey_documents(const rekey_ctx *rk)
{
	PGresult *r = NULL;
	int error;

	if ((error = kansa_pg__run(&r, rk->conn, "SELECT hash, kind, body FROM documents", NULL,
	    "rekey")) < 0)
		return error;
	for (int i = 0; i < PQntuples(r) && error == 0; i++) {
		uint8_t hash[KANSA_HASH_LEN], ad[KANSA_PG_AD_MAX], *body = NULL;
		size_t len = 0;
		int32_t kind = 0;
		kansa_pg_params p = { 0 };

		if (kansa_pg__hash(hash, r, i, 0) < 0 || kansa_pg__i32(&kind, r, i, 1) < 0) {
			error = kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_LEDGER,
			    "rekey: a malformed document row: nothing changed");
			break;
		}
		if ((error = reseal(&body, &len, rk, ad, kansa_pg__ad_doc(ad, hash, kind), r, i, 2,
		    "a document")) < 0)
			break;
		kansa_pg__p_blob(&p, hash, sizeof(hash));
		kansa_pg__p_blob(&p, body, len);
		error = kansa_pg__exec(rk->conn, "UPDATE documents SET body = $2 WHERE hash = $1", &p,
		    "rekey");
		free(body);
	}
	PQclear(r);
	return error;
}

static int rekey_meta(const rekey_ctx *rk)
{
	PGresult *r = NULL;
	int error;

	if ((error = kansa_pg__run(&r, rk->conn, "SELECT key, value FROM meta", NULL, "rekey")) < 0)
		return error;
	for (int i = 0; i < PQntuples(r) && error == 0; i++) {
		uint8_t *ad = NULL, *value = NULL;
		size_t ad_len = 0, len = 0;
		char *key = NULL;
		kansa_pg_params p = { 0 };

		/* text in binary format: the bytes, without a NUL */
		if ((key = strndup(PQgetvalue(r, i, 0), (size_t)PQgetlength(r, i, 0))) == NULL) {
			error = kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
			break;
		}
		if ((error = kansa_pg__ad_meta(&ad, &ad_len, key)) == 0 &&
		    (error = reseal(&value, &len, rk, ad, ad_len, r, i, 1, "a meta value")) == 0) {
			kansa_pg__p_text(&p, key);
			kansa_pg__p_blob(&p, value, len);
			error = kansa_pg__exec(rk->conn, "UPDATE meta SET value = $2 WHERE key = $1", &p,
			    "rekey");
		}
		free(value);
		free(ad);
		free(key);
	}
	PQclear(r);
	return error;
}

/* uses or revocations: the warrant id sealed to its MAC, and the MAC the key. */
static int rekey_ctis(const rekey_ctx *rk, const char *table)
{
	char select[80], update[96], what[48];
	PGresult *r = NULL;
	int error;

	snprintf(select, sizeof(select), "SELECT cti_mac, cti FROM %s", table);
	snprintf(update, sizeof(update), "UPDATE %s SET cti_mac = $2, cti = $3 WHERE cti_mac = $1",
	    table);
	snprintf(what, sizeof(what), "a warrant id of %s", table);
	if ((error = kansa_pg__run(&r, rk->conn, select, NULL, "rekey")) < 0)
		return error;
	for (int i = 0; i < PQntuples(r) && error == 0; i++) {
		uint8_t old_mac[KANSA_HASH_LEN], mac[KANSA_HASH_LEN], ad[KANSA_PG_AD_MAX], *cti = NULL;
		size_t len = 0;
		kansa_pg_params p = { 0 };

		if (kansa_pg__hash(old_mac, r, i, 0) < 0) {
			error = kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_LEDGER,
			    "rekey: a malformed row of %s: nothing changed", table);
			break;
		}
		if ((error = reseal_cti(mac, &cti, &len, rk, ad, kansa_pg__ad_cti(ad, old_mac), true,
		    0, r, i, 1, what)) < 0)
			break;
		kansa_pg__p_blob(&p, old_mac, sizeof(old_mac));
		kansa_pg__p_blob(&p, mac, sizeof(mac));
		kansa_pg__p_blob(&p, cti, len);
		error = kansa_pg__exec(rk->conn, update, &p, "rekey");
		free(cti);
	}
	PQclear(r);
	return error;
}

/* The client sessions on this database besides this one. The statistics
 * snapshot is cleared first: within a transaction it would be kept. */
static int count_others(int64_t *out, PGconn *conn)
{
	PGresult *r = NULL;
	int error;

	if ((error = kansa_pg__run(&r, conn, "SELECT count(*) FROM pg_stat_activity, "
	    " (SELECT pg_stat_clear_snapshot()) AS c WHERE datname = current_database() AND"
	    " pid <> pg_backend_pid() AND backend_type = 'client backend'", NULL, "rekey")) == 0)
		error = kansa_pg__i64(out, r, 0, 0);
	PQclear(r);
	return error;
}

/* KANSA_ELOCKED when another session stays connected to this database for
 * the busy timeout (one that just closed is gone within milliseconds). */
static int alone(PGconn *conn)
{
	const struct timespec pause = { 0, 50 * 1000000L };
	int64_t others = 0;
	int error;

	for (int waited = 0;; waited += 50) {
		if ((error = count_others(&others, conn)) < 0)
			return error;
		if (others == 0)
			return 0;
		if (waited >= KANSA_STORE_BUSY_MS)
			break;
		nanosleep(&pause, NULL);
	}
	return kansa_error_set(KANSA_ELOCKED, KANSA_ERRCLASS_LEDGER, "rekey: %lld other session(s) "
	    "are connected to this database: stop the services and tools that use the ledger, then "
	    "rekey again (nothing changed)", (long long)others);
}

static int rekey_rows(const rekey_ctx *rk)
{
	int error;

	if ((error = rekey_entries(rk)) < 0 || (error = rekey_documents(rk)) < 0 ||
	    (error = rekey_meta(rk)) < 0 || (error = rekey_ctis(rk, "uses")) < 0)
		return error;
	return rekey_ctis(rk, "revocations");
}

int kansa_pg__rekey(kansa_store *s, const kansa_secret *new_key, kansa_store_progress_fn progress,
    void *ctx)
{
	struct kansa_pg *pg = s->pg;
	uint8_t salt[KANSA_PG_SALT_LEN], *check = NULL;
	size_t check_len = 0;
	kansa_secret *keys = NULL;
	kansa_pg_params p = { 0 };
	rekey_ctx rk;
	int error;

	if (new_key == NULL || kansa_secret_len(new_key) == 0)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_LEDGER, "rekey: invalid arguments");
	if (s->flags & KANSA_STORE_READONLY)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_LEDGER,
		    "rekey: ledger is open read-only");
	kansa_store__lock(s);
	/* REQ: STORE-PG-REKEY one transaction under the writers' lock: every row or none */
	if ((error = kansa_pg__begin(s)) < 0 || (error = alone(pg->conn)) < 0 ||
	    (error = kansa_random(salt, sizeof(salt))) < 0 ||
	    (error = kansa_pg__derive_keys(&keys, new_key, salt)) < 0 ||
	    (error = kansa_pg__seal_check(&check, &check_len, keys)) < 0)
		goto out;
	rk = (rekey_ctx){ .conn = pg->conn, .old = pg->keys, .new = keys, .progress = progress,
		.progress_ctx = ctx };
	if ((error = rekey_rows(&rk)) < 0)
		goto out;
	kansa_pg__p_blob(&p, salt, sizeof(salt));
	kansa_pg__p_blob(&p, check, check_len);
	if ((error = kansa_pg__exec(pg->conn, "UPDATE store_info SET salt = $1, key_check = $2"
	    " WHERE id = 1", &p, "rekey")) < 0 ||
	    (error = s->eng->commit(s)) < 0)
		goto out;
	kansa_secret_free(pg->keys);
	pg->keys = keys;
	keys = NULL;
	memcpy(pg->salt, salt, sizeof(salt));
out:
	if (error < 0 && s->eng->in_txn(s)) {
		kansa_error saved = *kansa_error_last();
		s->eng->rollback(s);
		kansa_error_set(saved.code, saved.klass, "%s", saved.message);
	}
	kansa_store__unlock(s);
	kansa_secret_free(keys);
	free(check);
	return error;
}
