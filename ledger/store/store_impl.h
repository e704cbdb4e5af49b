/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Private to the store's files: the store object, the engine table that
 * store.h's functions dispatch to (store_engine.c), and the SQLite helpers
 * the SQLCipher engine's files (store.c, store_rows.c, store_docs.c, store_snap.c,
 * store_file.c, store_mem.c) share. Nothing outside ledger/store/ includes this.
 */
#ifndef KANSA_LEDGER_STORE_IMPL_H
#define KANSA_LEDGER_STORE_IMPL_H

#include <pthread.h>
#include <stdbool.h>

/* SQLCipher is built with SQLITE_HAS_CODEC, but its pkg-config cflags do not
 * say so; define it to get the sqlite3_key_v2/sqlite3_rekey_v2 prototypes. */
#ifndef SQLITE_HAS_CODEC
#define SQLITE_HAS_CODEC 1
#endif
#include <sqlite3.h>

#include "ledger/store/store.h"

/* Prepared statements of the main connection (see store.c for the SQL). */
enum {
	ST_HEAD,
	ST_ENTRY_INSERT,
	ST_ENTRY_GET,
	ST_DOC_INSERT,
	ST_DOC_GET,
	ST_USES_GET,
	ST_USES_INC,
	ST_USES_FIRST,
	ST_REVOKED_GET,
	ST_REVOKED_INSERT,
	ST_NODE_PUT,
	ST_NODE_SET,
	ST_NODE_GET,
	ST_META_GET,
	ST_COUNT_
};


struct kansa_pg;      /* the PostgreSQL engine's state (ledger/store/pg_impl.h) */
struct kansa_pg_iter; /* its read snapshot */

/*
 * A storage engine: the functions of store.h, less those that are the same
 * for every engine (open, which picks the engine, count, row_dispose,
 * append, queued and stats), plus the write transaction that group.c's
 * group commit drives. Each has the contract of its store.h namesake.
 * begin .. commit/rollback run with db_mu held; begin takes the
 * cross-process write lock and insert/read_head run inside it.
 */
typedef struct kansa_store_engine {
	const char *name; /* "sqlcipher", "postgresql" */
	void (*close)(kansa_store *s);
	int (*rekey)(kansa_store *s, const kansa_secret *new_key, kansa_store_progress_fn progress,
	    void *ctx);

	int (*begin)(kansa_store *s);   /* a write transaction with the writer's lock */
	int (*commit)(kansa_store *s);  /* durable when it returns 0 */
	void (*rollback)(kansa_store *s);
	bool (*in_txn)(kansa_store *s); /* a transaction is open */
	int (*read_head)(kansa_store_pos *out, kansa_store *s);
	int (*insert)(kansa_store *s, uint64_t seq, const kansa_store_entry *e);

	int (*get)(kansa_store_row *out, kansa_store *s, uint64_t seq);
	int (*head)(kansa_store_pos *out, kansa_store *s);
	int (*find_leaf)(uint64_t *seq_out, kansa_store *s, const uint8_t leaf[KANSA_HASH_LEN]);
	int (*uses)(uint64_t *out, kansa_store *s, const uint8_t cti[16]);
	int (*is_revoked)(bool *out, uint64_t *seq_out, kansa_store *s,
	    const uint8_t cti[KANSA_STORE_CTI_LEN]);
	/* both of a warrant at once; NULL: uses, then is_revoked */
	int (*warrant_state)(uint64_t *uses, bool *revoked, kansa_store *s,
	    const uint8_t cti[KANSA_STORE_CTI_LEN]);

	int (*iter_new)(kansa_store_iter **out, kansa_store *s, uint64_t from_seq);
	int (*iter_next)(kansa_store_row *row, kansa_store_iter *it);
	void (*iter_free)(kansa_store_iter *it);
	int (*snap_count)(uint64_t *out, kansa_store_iter *it);
	int (*snap_doc_get)(uint8_t **body_out, size_t *len_out, int *kind_out,
	    kansa_store_iter *it, const uint8_t hash[KANSA_HASH_LEN]);
	int (*snap_node_get)(uint8_t out[KANSA_HASH_LEN], kansa_store_iter *it, uint32_t level,
	    uint64_t idx);
	int (*snap_node_next)(uint64_t *idx_out, uint8_t hash[KANSA_HASH_LEN],
	    kansa_store_iter *it, uint32_t level);
	int (*snap_nodes_extra)(kansa_store_iter *it, uint64_t size,
	    int (*fn)(void *ctx, int64_t level, int64_t idx, bool malformed), void *ctx);
	int (*snap_meta_get)(uint8_t **value_out, size_t *len_out, kansa_store_iter *it,
	    const char *key);
	int (*snap_checkpoints)(kansa_store_iter *it,
	    int (*fn)(void *ctx, uint64_t size, const uint8_t *note, size_t len), void *ctx);
	int (*snap_uses)(kansa_store_iter *it,
	    int (*fn)(void *ctx, const uint8_t *cti, size_t cti_len, uint64_t count), void *ctx);
	int (*snap_revocations)(kansa_store_iter *it,
	    int (*fn)(void *ctx, const uint8_t *cti, size_t cti_len, uint64_t seq), void *ctx);
	int (*snap_docs)(kansa_store_iter *it,
	    int (*fn)(void *ctx, const uint8_t *hash, int kind, const uint8_t *body, size_t len), void *ctx);
	int (*snap_meta)(kansa_store_iter *it,
	    int (*fn)(void *ctx, const char *key, const uint8_t *value, size_t len), void *ctx);

	int (*doc_put)(uint8_t hash_out[KANSA_HASH_LEN], kansa_store *s, int kind,
	    const uint8_t *body, size_t len);
	int (*doc_get)(uint8_t **body_out, size_t *len_out, int *kind_out, kansa_store *s,
	    const uint8_t hash[KANSA_HASH_LEN]);
	int (*meta_put)(kansa_store *s, const char *key, const uint8_t *value, size_t len);
	int (*meta_get)(uint8_t **value_out, size_t *len_out, kansa_store *s, const char *key);
	int (*meta_get_secret)(kansa_secret **out, kansa_store *s, const char *key);
	int (*node_put)(kansa_store *s, uint32_t level, uint64_t idx,
	    const uint8_t hash[KANSA_HASH_LEN]);
	int (*node_get)(uint8_t out[KANSA_HASH_LEN], kansa_store *s, uint32_t level, uint64_t idx);
	int (*checkpoint_put)(kansa_store *s, uint64_t size, const uint8_t *note, size_t len);
	int (*checkpoint_replace)(kansa_store *s, uint64_t size, const uint8_t *old,
	    size_t old_len, const uint8_t *note, size_t len);
	int (*checkpoint_get)(uint8_t **note_out, size_t *len_out, kansa_store *s, uint64_t size);
	int (*checkpoint_latest)(uint64_t *size_out, uint8_t **note_out, size_t *len_out,
	    kansa_store *s);
} kansa_store_engine;

/* The engines (store.c; pg.c). */
extern const kansa_store_engine kansa_sqlite__engine;
extern const kansa_store_engine kansa_pg__engine;

/* pg.c: kansa_store__open for a PostgreSQL URI. */
int kansa_pg__open(kansa_store **out, const char *uri, const kansa_secret *key, int flags);

/* Whether @p path names a PostgreSQL database (postgresql:// or postgres://). */
bool kansa_store__is_pg_uri(const char *path);

/* The engine-independent part of a store (store_engine.c): allocate it with
 * its locks and group-commit queue, and free it again (after the engine's
 * own state). */
int kansa_store__alloc(kansa_store **out, const char *path, int flags);
void kansa_store__free(kansa_store *s);

/* One caller waiting in kansa_store__append (lives on the caller's stack). */
typedef struct store_waiter {
	kansa_store_build_fn build; /* the caller's callback */
	void *ctx;                  /* its argument */
	struct store_waiter *next;  /* FIFO queue link */
	bool done;                  /* its batch finished (committed or failed) */
	int error;                  /* 0 or the batch's error */
	uint64_t seq;               /* its seq, when committed */
	kansa_error detail;         /* the error record to hand to the caller's thread */
} store_waiter;

/*
 * Locks, outermost first (docs/ledger.md "Locks"); a thread holding one takes
 * only locks further down this list, never one above it:
 *  1. db_mu, the store's connection lock (recursive). Held across a whole
 *     write batch (BEGIN IMMEDIATE .. COMMIT/ROLLBACK, group.c) and around
 *     every read of the main connection.
 *  2. SQLite's database write lock (taken by BEGIN IMMEDIATE under db_mu,
 *     waiting up to KANSA_STORE_BUSY_MS for another process) and SQLite's
 *     own mutexes.
 *  3. the ledger's lock (ledger.c, lg->lock): build callbacks take it inside
 *     the batch; whoever holds it calls nothing of the store.
 *  4. the verified-document cache's lock (cache.c).
 * q_mu is a leaf: nothing else is taken while it is held (lead() drops it
 * before it runs the batch). A read-only store's read lock on SQLite's
 * SHARED bytes (store_file.c) is taken at open and held until close; it
 * never waits.
 */
struct kansa_store {
	const kansa_store_engine *eng; /* set at open, never changed */
	struct kansa_pg *pg;          /* the PostgreSQL engine's state (NULL for SQLCipher) */
	sqlite3 *db;                  /* the main connection; guarded by db_mu */
	sqlite3_stmt *st[ST_COUNT_];  /* prepared on db */
	pthread_mutex_t db_mu;        /* recursive: callbacks re-enter the read API */
	uint64_t batch_no;            /* the write batch running now, 0 outside one (db_mu) */
	uint64_t batches_run;         /* write batches begun since open (db_mu) */
	void (*batch_hook)(kansa_store *s, void *ctx); /* tests: run by a leader before its batch */
	void *batch_hook_ctx;
	kansa_secret *keyspec;        /* "x'..'" for further connections (iterators) */
	char *path;                   /* the database file */
	int flags;                    /* KANSA_STORE_* of open */
	int fd;                       /* the database file, opened by kansa before SQLite and
					 closed after it (closing any descriptor of the file
					 drops the process's POSIX locks on it); holds a
					 reader's lock (store_file.c); -1 when none */
	bool immutable;               /* read-only, and opened "immutable" (store_file.c) */

	pthread_mutex_t q_mu;         /* guards every field below; a leaf lock (see above) */
	pthread_cond_t q_cv;          /* a batch finished, or the leader slot is free */
	pthread_cond_t lead_cv;       /* a leader waits for more callers */
	store_waiter *q_head;         /* callers not yet taken by a leader */
	store_waiter *q_tail;         /* last of them */
	size_t q_len;                 /* how many */
	bool leading;                 /* some thread is running a batch */
	size_t active;                /* callers inside kansa_store__append */
	size_t expect;                /* callers seen when the last batch ended */
	uint64_t commits;             /* committed batches */
	uint64_t appends;             /* committed entries */
	uint64_t batches[KANSA_BATCH_BUCKETS]; /* commits by size: bucket i holds 2^(i-1) < n <= 2^i */
};

/* A read snapshot: the iterator of store.c, and the audit's queries on the
 * same snapshot (store_snap.c). */
struct kansa_store_iter {
	const kansa_store_engine *eng; /* the store's engine */
	struct kansa_pg_iter *pg;     /* the PostgreSQL engine's snapshot (NULL for SQLCipher) */
	sqlite3 *db;          /* private read connection, inside BEGIN */
	sqlite3_stmt *st;     /* SELECT ... ORDER BY seq */
	int pending;          /* the result of the step taken in iter_new, not yet returned */
	bool started;         /* pending holds a step result */
	sqlite3_stmt *levels[KANSA_STORE_LEVELS]; /* store_snap.c: each level's Merkle nodes in order (lazily) */
	sqlite3_stmt *doc;    /* store_snap.c: a document by hash (lazily prepared) */
};

/* Install SQLite's wiping allocator once per process, before the first
 * connection (store_mem.c). False when SQLite was already initialised. */
bool kansa_store__mem_init(void);

/* Step @p st to SQLITE_DONE and reset it; a failure is "@p what: reason"
 * (store_rows.c). */
int kansa_store__step_done(kansa_store *s, sqlite3_stmt *st, const char *what);

/* Insert document @p body of @p kind (INSERT OR IGNORE: content-addressed),
 * its SHA-256 computed unless @p known gives it; the hash in @p hash_out if
 * not NULL (store_docs.c). */
int kansa_store__doc_insert(uint8_t hash_out[KANSA_HASH_LEN], kansa_store *s, int kind,
    const uint8_t *body, size_t len, const uint8_t *known);

/* Copy blob column @p col into a new malloc'd, NUL-terminated buffer. */
int kansa_store__blob_out(uint8_t **out, size_t *len_out, sqlite3_stmt *st, int col);

/* Map a SQLite result to a kansa error on @p db, with "what: reason". */
int kansa_store__sqlerr(sqlite3 *db, int rc, const char *what);

/* Run SQL without results on the main connection (db_mu held). */
int kansa_store__exec(kansa_store *s, const char *sql, const char *what);

/* Reset and clear a cached statement after use. */
void kansa_store__reset(sqlite3_stmt *st);

/* Helpers shared by store.c (open, keys, schema) and the row files. */
int kansa_store__exec_db(sqlite3 *db, const char *sql, const char *what);
int kansa_store__prepare(sqlite3_stmt **out, kansa_store *s, const char *sql);
/* Bind a blob that outlives the statement's next reset (SQLITE_STATIC). */
int kansa_store__bind_blob(sqlite3_stmt *st, int i, const void *p, size_t len);
/* KANSA_ELIMIT when @p v does not fit SQLite's signed 64-bit integer. */
int kansa_store__check_u63(uint64_t v, const char *what);
/* A document's hash, @p known or its SHA-256, once it is checked to be
 * stored at all (not empty, at most KANSA_MAX_DOC_BYTES); either engine. */
int kansa_store__doc_hash(uint8_t hash[KANSA_HASH_LEN], const uint8_t *body, size_t len,
    const uint8_t *known);
/* Take and release db_mu, the store's connection lock (lock order: first). */
void kansa_store__lock(kansa_store *s);
void kansa_store__unlock(kansa_store *s);
/* A keyed connection to the store's file (readonly: the immutable or WAL
 * read mode of kansa_store__read_mode). */
int kansa_store__connect(sqlite3 **out, kansa_store *s, bool readonly);

/* Read the head inside the current transaction (db_mu held). */
int kansa_store__read_head(kansa_store_pos *out, kansa_store *s);

/* Insert one built entry and its side tables at @p seq (db_mu held, in a transaction). */
int kansa_store__insert(kansa_store *s, uint64_t seq, const kansa_store_entry *e);

/* store_file.c: a writer refuses a file with another name (a hard link, or a
 * bind mount of the file): KANSA_EIO. */
int kansa_store__check_name(int fd, const char *path);

/* store_file.c: whether a reader can open the file "immutable" (no -wal or
 * -shm made); if so a read lock is taken on @p fd, held until it is closed. */
int kansa_store__read_mode(bool *immutable, int fd, const char *path);

/* store_file.c: the SQLite URI "file:<path>?immutable=1", malloc'd. */
int kansa_store__immutable_uri(char **out, const char *path);

/* The SQLCipher engine's functions (store.c, store_rows.c, store_docs.c, store_snap.c):
 * the contracts of their kansa_store__ namesakes in store.h. */
int kansa_sqlite__open(kansa_store **out, const char *path, const kansa_secret *key, int flags);
void kansa_sqlite__close(kansa_store *s);
int kansa_sqlite__rekey(kansa_store *s, const kansa_secret *new_key);
int kansa_sqlite__get(kansa_store_row *out, kansa_store *s, uint64_t seq);
int kansa_sqlite__head(kansa_store_pos *out, kansa_store *s);
int kansa_sqlite__find_leaf(uint64_t *seq_out, kansa_store *s, const uint8_t leaf[KANSA_HASH_LEN]);
int kansa_sqlite__uses(uint64_t *out, kansa_store *s, const uint8_t cti[16]);
int kansa_sqlite__is_revoked(bool *out, uint64_t *seq_out, kansa_store *s,
    const uint8_t cti[KANSA_STORE_CTI_LEN]);
int kansa_sqlite__iter_new(kansa_store_iter **out, kansa_store *s, uint64_t from_seq);
int kansa_sqlite__iter_next(kansa_store_row *row, kansa_store_iter *it);
void kansa_sqlite__iter_free(kansa_store_iter *it);
int kansa_sqlite__snap_count(uint64_t *out, kansa_store_iter *it);
int kansa_sqlite__snap_doc_get(uint8_t **body_out, size_t *len_out, int *kind_out,
    kansa_store_iter *it, const uint8_t hash[KANSA_HASH_LEN]);
int kansa_sqlite__snap_node_get(uint8_t out[KANSA_HASH_LEN], kansa_store_iter *it, uint32_t level,
    uint64_t idx);
int kansa_sqlite__snap_node_next(uint64_t *idx_out, uint8_t hash[KANSA_HASH_LEN],
    kansa_store_iter *it, uint32_t level);
int kansa_sqlite__snap_nodes_extra(kansa_store_iter *it, uint64_t size,
    int (*fn)(void *ctx, int64_t level, int64_t idx, bool malformed), void *ctx);
int kansa_sqlite__snap_meta_get(uint8_t **value_out, size_t *len_out, kansa_store_iter *it,
    const char *key);
int kansa_sqlite__snap_checkpoints(kansa_store_iter *it,
    int (*fn)(void *ctx, uint64_t size, const uint8_t *note, size_t len), void *ctx);
int kansa_sqlite__snap_uses(kansa_store_iter *it,
    int (*fn)(void *ctx, const uint8_t *cti, size_t cti_len, uint64_t count), void *ctx);
int kansa_sqlite__snap_revocations(kansa_store_iter *it,
    int (*fn)(void *ctx, const uint8_t *cti, size_t cti_len, uint64_t seq), void *ctx);
int kansa_sqlite__snap_docs(kansa_store_iter *it,
    int (*fn)(void *ctx, const uint8_t *hash, int kind, const uint8_t *body, size_t len), void *ctx);
int kansa_sqlite__snap_meta(kansa_store_iter *it,
    int (*fn)(void *ctx, const char *key, const uint8_t *value, size_t len), void *ctx);
int kansa_sqlite__doc_put(uint8_t hash_out[KANSA_HASH_LEN], kansa_store *s, int kind,
    const uint8_t *body, size_t len);
int kansa_sqlite__doc_get(uint8_t **body_out, size_t *len_out, int *kind_out, kansa_store *s,
    const uint8_t hash[KANSA_HASH_LEN]);
int kansa_sqlite__meta_put(kansa_store *s, const char *key, const uint8_t *value, size_t len);
int kansa_sqlite__meta_get(uint8_t **value_out, size_t *len_out, kansa_store *s, const char *key);
int kansa_sqlite__meta_get_secret(kansa_secret **out, kansa_store *s, const char *key);
int kansa_sqlite__node_put(kansa_store *s, uint32_t level, uint64_t idx,
    const uint8_t hash[KANSA_HASH_LEN]);
int kansa_sqlite__node_get(uint8_t out[KANSA_HASH_LEN], kansa_store *s, uint32_t level,
    uint64_t idx);
int kansa_sqlite__checkpoint_put(kansa_store *s, uint64_t size, const uint8_t *note, size_t len);
int kansa_sqlite__checkpoint_replace(kansa_store *s, uint64_t size, const uint8_t *old,
    size_t old_len, const uint8_t *note, size_t len);
int kansa_sqlite__checkpoint_get(uint8_t **note_out, size_t *len_out, kansa_store *s,
    uint64_t size);
int kansa_sqlite__checkpoint_latest(uint64_t *size_out, uint8_t **note_out, size_t *len_out,
    kansa_store *s);

#endif
