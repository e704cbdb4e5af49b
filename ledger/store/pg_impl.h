/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Private to the PostgreSQL engine's files (pg.c, pg_rows.c, pg_snap.c):
 * its state, the libpq helpers they share and the encryption of rows.
 */
#ifndef KANSA_LEDGER_STORE_PG_IMPL_H
#define KANSA_LEDGER_STORE_PG_IMPL_H

#include <libpq-fe.h>

#include "keys/keys.h"
#include "ledger/store/store_impl.h"

#define KANSA_PG_SALT_LEN 16    /* the database's clear salt (store_info) */
#define KANSA_PG_PAGE 256       /* entries fetched per query of an iterator */
#define KANSA_PG_MAX_PARAMS 10

/* The derived keys, in a kansa_secret: the AEAD key, then the MAC key. */
#define KANSA_PG_KEYS_LEN (2 * KANSA_AEAD_KEY_LEN)

struct kansa_pg {
	PGconn *conn;       /* the main connection; guarded by the store's db_mu */
	kansa_secret *keys; /* AEAD key || MAC key, derived from the db key at open */
	uint8_t salt[KANSA_PG_SALT_LEN]; /* store_info's salt, that keys were derived with */
	bool in_txn;        /* a write transaction is open on conn */
};

struct kansa_pg_iter {
	PGconn *conn;       /* a private connection inside a REPEATABLE READ snapshot */
	const kansa_secret *keys; /* the store's (the store outlives its iterators) */
	PGresult *page;     /* the current page of entries */
	int row, rows;      /* next row of page, rows in page */
	uint64_t next_seq;  /* seq to fetch the next page from */
	bool done;          /* a short page was the last */
	uint8_t *body;      /* the decrypted body handed out by iter_next */
	size_t body_len;
	PGresult *levels[KANSA_STORE_LEVELS]; /* snap_node_next: each level's nodes */
	int level_row[KANSA_STORE_LEVELS];
};

/* Parameters of one query: values in binary (int8/int4 in network order). */
typedef struct {
	const char *v[KANSA_PG_MAX_PARAMS];
	int len[KANSA_PG_MAX_PARAMS];
	int fmt[KANSA_PG_MAX_PARAMS];
	uint8_t ibuf[KANSA_PG_MAX_PARAMS][8];
	int n;
} kansa_pg_params;

void kansa_pg__p_i64(kansa_pg_params *p, int64_t v);
void kansa_pg__p_i32(kansa_pg_params *p, int32_t v);
void kansa_pg__p_blob(kansa_pg_params *p, const void *data, size_t len);
void kansa_pg__p_text(kansa_pg_params *p, const char *text);
void kansa_pg__p_null(kansa_pg_params *p);

/*
 * Run @p sql with @p p (may be NULL) on @p conn, binary results. *out is the
 * result (PQclear it) when it is a command or rows; otherwise the error is
 * mapped to a kansa code with "what: server message" and *out is NULL.
 */
int kansa_pg__run(PGresult **out, PGconn *conn, const char *sql, const kansa_pg_params *p,
    const char *what);
/* The same, result dropped; without parameters (@p p NULL) @p sql may hold several statements. */
int kansa_pg__exec(PGconn *conn, const char *sql, const kansa_pg_params *p, const char *what);

/* The store's main connection, made again first when it was lost outside
 * a transaction (db_mu held). */
PGconn *kansa_pg__conn(kansa_store *s);

/* Column getters of a binary result; KANSA_EFORMAT on a NULL or a wrong width. */
int kansa_pg__i64(int64_t *out, const PGresult *r, int row, int col);
int kansa_pg__i32(int32_t *out, const PGresult *r, int row, int col);
int kansa_pg__hash(uint8_t out[KANSA_HASH_LEN], const PGresult *r, int row, int col);

/* A new connection to the store's URI, with the session settings of the
 * engine (synchronous_commit = on, lock_timeout, read-only when asked). */
int kansa_pg__connect(PGconn **out, const char *uri, bool readonly);

/*
 * Row encryption. seal: *out malloc'd (len + KANSA_AEAD_OVERHEAD). open:
 * *out malloc'd, NUL-terminated (not counted); KANSA_EVERIFY when the
 * ciphertext, its associated data or the key is not the one sealed.
 * The associated data binds a value to its place: an entry to its seq,
 * time and kind, a document to its hash and kind, a meta value to its key.
 */
int kansa_pg__seal(uint8_t **out, size_t *out_len, const kansa_secret *keys,
    const uint8_t *ad, size_t ad_len, const uint8_t *pt, size_t len);
int kansa_pg__open_sealed(uint8_t **out, size_t *out_len, const kansa_secret *keys,
    const uint8_t *ad, size_t ad_len, const uint8_t *in, size_t in_len);
/* Associated data of an entry, a document, a meta value, a sealed cti. */
#define KANSA_PG_AD_MAX 64
size_t kansa_pg__ad_entry(uint8_t ad[KANSA_PG_AD_MAX], uint64_t seq, int64_t time, int kind);
size_t kansa_pg__ad_doc(uint8_t ad[KANSA_PG_AD_MAX], const uint8_t hash[KANSA_HASH_LEN], int kind);
int kansa_pg__ad_meta(uint8_t **ad, size_t *ad_len, const char *key);
size_t kansa_pg__ad_cti(uint8_t ad[KANSA_PG_AD_MAX], const uint8_t mac[KANSA_HASH_LEN]);
/* ... and of an entry's sealed warrant id (entries.warrant_cti), bound to its seq. */
size_t kansa_pg__ad_entry_cti(uint8_t ad[KANSA_PG_AD_MAX], uint64_t seq);
/* The keyed MAC of a warrant id, the index column of uses and revocations. */
int kansa_pg__cti_mac(uint8_t mac[KANSA_HASH_LEN], const kansa_secret *keys,
    const uint8_t cti[KANSA_STORE_CTI_LEN]);

/* pg_seal.c: the keys of a key file's contents and a salt (AEAD key || MAC key),
 * and store_info's sealed check value under them. */
int kansa_pg__derive_keys(kansa_secret **out, const kansa_secret *key,
    const uint8_t salt[KANSA_PG_SALT_LEN]);
int kansa_pg__seal_check(uint8_t **out, size_t *out_len, const kansa_secret *keys);
bool kansa_pg__check_opens(const kansa_secret *keys, const uint8_t *sealed, size_t len);
/* pg.c: BEGIN, the writers' lock, and the check that the salt is unchanged. */
int kansa_pg__begin(kansa_store *s);
/* pg_rekey.c: every sealed value and MAC again under a new key and salt. */
int kansa_pg__rekey(kansa_store *s, const kansa_secret *new_key, kansa_store_progress_fn progress,
    void *ctx);

/* pg_rows.c and pg_snap.c: the engine's functions (store_impl.h's table). */
int kansa_pg__read_head(kansa_store_pos *out, kansa_store *s);
int kansa_pg__insert(kansa_store *s, uint64_t seq, const kansa_store_entry *e);
int kansa_pg__get(kansa_store_row *out, kansa_store *s, uint64_t seq);
int kansa_pg__head(kansa_store_pos *out, kansa_store *s);
int kansa_pg__find_leaf(uint64_t *seq_out, kansa_store *s, const uint8_t leaf[KANSA_HASH_LEN]);
int kansa_pg__uses(uint64_t *out, kansa_store *s, const uint8_t cti[16]);
int kansa_pg__is_revoked(bool *out, uint64_t *seq_out, kansa_store *s,
    const uint8_t cti[KANSA_STORE_CTI_LEN]);
int kansa_pg__warrant_state(uint64_t *uses, bool *revoked, kansa_store *s,
    const uint8_t cti[KANSA_STORE_CTI_LEN]);
int kansa_pg__doc_put(uint8_t hash_out[KANSA_HASH_LEN], kansa_store *s, int kind,
    const uint8_t *body, size_t len);
int kansa_pg__doc_get(uint8_t **body_out, size_t *len_out, int *kind_out, kansa_store *s,
    const uint8_t hash[KANSA_HASH_LEN]);
int kansa_pg__meta_put(kansa_store *s, const char *key, const uint8_t *value, size_t len);
int kansa_pg__meta_get(uint8_t **value_out, size_t *len_out, kansa_store *s, const char *key);
int kansa_pg__meta_get_secret(kansa_secret **out, kansa_store *s, const char *key);
int kansa_pg__node_put(kansa_store *s, uint32_t level, uint64_t idx,
    const uint8_t hash[KANSA_HASH_LEN]);
int kansa_pg__node_get(uint8_t out[KANSA_HASH_LEN], kansa_store *s, uint32_t level, uint64_t idx);
int kansa_pg__checkpoint_put(kansa_store *s, uint64_t size, const uint8_t *note, size_t len);
int kansa_pg__checkpoint_replace(kansa_store *s, uint64_t size, const uint8_t *old,
    size_t old_len, const uint8_t *note, size_t len);
int kansa_pg__checkpoint_get(uint8_t **note_out, size_t *len_out, kansa_store *s, uint64_t size);
int kansa_pg__checkpoint_latest(uint64_t *size_out, uint8_t **note_out, size_t *len_out,
    kansa_store *s);

int kansa_pg__iter_new(kansa_store_iter **out, kansa_store *s, uint64_t from_seq);
int kansa_pg__iter_next(kansa_store_row *row, kansa_store_iter *it);
void kansa_pg__iter_free(kansa_store_iter *it);
int kansa_pg__snap_count(uint64_t *out, kansa_store_iter *it);
int kansa_pg__snap_doc_get(uint8_t **body_out, size_t *len_out, int *kind_out,
    kansa_store_iter *it, const uint8_t hash[KANSA_HASH_LEN]);
int kansa_pg__snap_node_get(uint8_t out[KANSA_HASH_LEN], kansa_store_iter *it, uint32_t level,
    uint64_t idx);
int kansa_pg__snap_node_next(uint64_t *idx_out, uint8_t hash[KANSA_HASH_LEN],
    kansa_store_iter *it, uint32_t level);
int kansa_pg__snap_nodes_extra(kansa_store_iter *it, uint64_t size,
    int (*fn)(void *ctx, int64_t level, int64_t idx, bool malformed), void *ctx);
int kansa_pg__snap_meta_get(uint8_t **value_out, size_t *len_out, kansa_store_iter *it,
    const char *key);
int kansa_pg__snap_checkpoints(kansa_store_iter *it,
    int (*fn)(void *ctx, uint64_t size, const uint8_t *note, size_t len), void *ctx);
int kansa_pg__snap_docs(kansa_store_iter *it,
    int (*fn)(void *ctx, const uint8_t *hash, int kind, const uint8_t *body, size_t len), void *ctx);
int kansa_pg__snap_meta(kansa_store_iter *it,
    int (*fn)(void *ctx, const char *key, const uint8_t *value, size_t len), void *ctx);
int kansa_pg__snap_uses(kansa_store_iter *it,
    int (*fn)(void *ctx, const uint8_t *cti, size_t cti_len, uint64_t count), void *ctx);
int kansa_pg__snap_revocations(kansa_store_iter *it,
    int (*fn)(void *ctx, const uint8_t *cti, size_t cti_len, uint64_t seq), void *ctx);

/* pg_rows.c: an entry row's columns (time, kind, body, leaf_hash) from @p c,
 * its body opened into out->body (malloc'd). KANSA_EFORMAT, KANSA_EVERIFY. */
int kansa_pg__row_from(kansa_store_row *out, const PGresult *r, int row, int c, uint64_t seq,
    const kansa_secret *keys);

/* Shared by pg_rows.c and pg_snap.c: a document or meta row's decrypted value. */
int kansa_pg__doc_read(uint8_t **body_out, size_t *len_out, int *kind_out, PGconn *conn,
    const kansa_secret *keys, const uint8_t hash[KANSA_HASH_LEN]);
int kansa_pg__meta_read(uint8_t **value_out, size_t *len_out, PGconn *conn,
    const kansa_secret *keys, const char *key);

#endif
