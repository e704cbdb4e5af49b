/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The ledger's storage layer: one SQLCipher database file (design §6), or a
 * PostgreSQL database when the path is a postgresql:// or postgres:// URI
 * (design §13, ledger/store/pg.c). Both engines give every guarantee below;
 * where a function's text names SQLite, the PostgreSQL engine's equivalent
 * is in docs/ledger.md ("PostgreSQL").
 *
 * It stores bytes the layer above made: entries (body, time, kind, leaf
 * hash), documents by hash, meta values, Merkle nodes and checkpoints. It
 * knows nothing of CBOR, warrants or decisions. What it guarantees:
 *
 *  - durability: kansa_store__append() returns only after the COMMIT that
 *    holds the entry (synchronous=FULL: the WAL is fsync'd);
 *  - one chain: entries get seq 0, 1, 2 ... with no gaps, each one sees the
 *    previous entry's leaf hash and time, re-read inside the write
 *    transaction, so concurrent threads and processes never fork the chain;
 *  - group commit: concurrent appenders on one store share a transaction
 *    and its fsync;
 *  - fail closed: on any error the whole batch rolls back and every caller
 *    in it gets the error; nothing half-written remains.
 *
 * It never prints, never logs key material, and never opens a file other
 * than the one it was given (and SQLite's -wal/-shm/-journal beside it).
 * See docs/ledger.md ("Storage").
 */
#ifndef KANSA_LEDGER_STORE_H
#define KANSA_LEDGER_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/common.h"

typedef struct kansa_store kansa_store;

/* Flags of kansa_store__open(). */
enum {
	KANSA_STORE_CREATE = 1 << 0,   /* make a new ledger; KANSA_EEXISTS if the file exists */
	KANSA_STORE_READONLY = 1 << 1, /* read only: every write fails with KANSA_EIO */
};

#define KANSA_STORE_SCHEMA_VERSION 1   /* in meta "store.schema_version" */
#define KANSA_STORE_MAX_BATCH 256      /* entries per group commit at most */
#define KANSA_STORE_BATCH_WAIT_US 1000 /* longest wait of a leader for more callers */
#define KANSA_STORE_BUSY_MS 5000       /* wait for another process's write lock */
#define KANSA_STORE_MAX_DOCS 2         /* documents stored with one entry */
#define KANSA_STORE_CTI_LEN 16         /* a warrant id (cti) */

/* scrypt parameters for passphrase key files (docs/ledger.md). */
#define KANSA_STORE_SCRYPT_N ((uint64_t)1 << 15)
#define KANSA_STORE_SCRYPT_R 8u
#define KANSA_STORE_SCRYPT_P 1u
#define KANSA_STORE_SALT_LEN 16        /* SQLCipher's per-database salt: bytes 0..15 of the file */

/*
 * Open (or, with KANSA_STORE_CREATE, create) a ledger database.
 * @param key the contents of the database key file: exactly 64 hex digits
 * are a raw 256-bit key, anything else is a passphrase run through scrypt
 * with the database's salt. Borrowed; not kept in plain memory.
 * A new file is created mode 0600 with O_EXCL.
 * @return 0; KANSA_ENOTFOUND (no file and no CREATE); KANSA_EEXISTS (CREATE
 * and the file exists); KANSA_EKEY ("wrong database key (or not a kansa
 * ledger)"); KANSA_EFORMAT (decrypts, but not a kansa ledger or an unknown
 * schema version); KANSA_ELOCKED; KANSA_EIO (also: a writer on a file with
 * a second name, a hard link or a bind mount of the file: ledger/store/store_file.c);
 * KANSA_ENOMEM; KANSA_EINVAL.
 * READONLY on a file no SQLite connection has open and whose -wal holds
 * nothing reads it "immutable": no -wal or -shm is made beside it, so a
 * read-only copy, directory or mount can be verified.
 * On error *out is NULL and a file made by this call is removed again.
 */
int kansa_store__open(kansa_store **out, const char *path, const kansa_secret *key, int flags);

/* Close the store (waits for nothing: no append may be in progress). Accepts NULL. */
void kansa_store__close(kansa_store *s);

/*
 * Re-encrypt the whole database under a new key (same key-file rules as
 * open; a passphrase keeps the database's salt). Needs exclusive use of the
 * file: no other process may have it open (KANSA_ELOCKED otherwise).
 * @return 0, KANSA_ELOCKED, KANSA_EIO, KANSA_EINVAL (read-only store), KANSA_ERROR.
 */
int kansa_store__rekey(kansa_store *s, const kansa_secret *new_key);

/* Now and then: the entries done so far of @p total. */
typedef void (*kansa_store_progress_fn)(void *ctx, uint64_t done, uint64_t total);

/* kansa_store__rekey() telling @p progress (may be NULL) how far it is: the
 * PostgreSQL engine after each page of entries sealed again; SQLCipher's
 * rekey is one call, and tells nothing. */
int kansa_store__rekey_progress(kansa_store *s, const kansa_secret *new_key,
    kansa_store_progress_fn progress, void *ctx);

/* ---------------------------------------------------------------------- */
/* Appending                                                               */
/* ---------------------------------------------------------------------- */

/* What the build callback sees: the head of the chain it extends. */
typedef struct {
	uint64_t seq;                 /* seq of the new entry, equal to the number of entries so far */
	uint8_t prev[KANSA_HASH_LEN]; /* leaf hash of entry seq-1; zeros for seq 0 */
	int64_t last_time;            /* time of entry seq-1 (INT64_MIN for seq 0) */
} kansa_store_pos;

/* A document to store once, keyed by SHA-256(body), with an entry. */
typedef struct {
	const uint8_t *body; /* borrowed: valid until kansa_store__append returns */
	size_t len;          /* 1 .. KANSA_MAX_DOC_BYTES */
	int kind;            /* the caller's document kind */
	const uint8_t *hash; /* SHA-256(body) when the caller has it (borrowed), or NULL:
	                      * hashed inside the transaction. Replay checks every key. */
} kansa_store_doc;

/* What the build callback produces. The store zeroes it before the call. */
typedef struct {
	uint8_t *body;                     /* the entry bytes, malloc'd: the store frees it, always */
	size_t body_len;                   /* 1 .. KANSA_MAX_ENTRY_BYTES */
	int64_t time;                      /* must be >= pos->last_time */
	int kind;                          /* the caller's entry kind */
	uint8_t leaf_hash[KANSA_HASH_LEN]; /* the caller's leaf hash of body */
	bool has_decision;                 /* a decision entry: fills the decision column */
	bool allowed;                      /* the decision; with has_warrant, uses += 1 */
	bool has_warrant;                  /* the entry refers to a warrant */
	uint8_t warrant_hash[KANSA_HASH_LEN];   /* its hash (with has_warrant) */
	uint8_t warrant_cti[KANSA_STORE_CTI_LEN]; /* its cti (with has_warrant) */
	bool is_revocation;                /* the entry revokes a warrant */
	uint8_t revoked_cti[KANSA_STORE_CTI_LEN]; /* the revoked cti (with is_revocation) */
	size_t n_docs;                     /* documents in docs[] */
	kansa_store_doc docs[KANSA_STORE_MAX_DOCS];
} kansa_store_entry;

/*
 * Build the entry at @p pos. Runs INSIDE the write transaction, possibly on
 * another thread than the caller's (the batch leader's), so it must not use
 * thread-local state of the caller, nor call kansa_store__append(). It may
 * call the read functions below on @p s (kansa_store__uses,
 * kansa_store__is_revoked, kansa_store__doc_get, ...), which see the
 * earlier entries of the same, still uncommitted, batch.
 * @return 0, or a negative kansa error code (set with kansa_error_set):
 * the whole batch then rolls back and every caller in it gets that error.
 */
typedef int (*kansa_store_build_fn)(void *ctx, kansa_store *s, const kansa_store_pos *pos,
    kansa_store_entry *out);

/*
 * Append one entry, durably. Safe to call from many threads on one store
 * (group commit) and from many processes on one file or database (the
 * write lock is taken with BEGIN IMMEDIATE, or on PostgreSQL with
 * pg_advisory_xact_lock; the head is re-read inside it).
 * @param[out] seq_out the entry's seq (may be NULL).
 * @return 0 once the entry is committed; otherwise nothing of the batch
 * remains and the error is one of: the callback's code, KANSA_EIO (I/O,
 * disk full, read-only), KANSA_ELOCKED (busy past KANSA_STORE_BUSY_MS),
 * KANSA_EINVAL (an invalid entry: empty body, time going backwards, ...),
 * KANSA_ELIMIT, KANSA_ENOMEM, KANSA_EVERIFY (corrupt database), KANSA_ERROR.
 */
int kansa_store__append(kansa_store *s, kansa_store_build_fn build, void *ctx, uint64_t *seq_out);

/* The number of the write batch whose build callbacks run now (one
 * transaction: a batch built again after one caller's failure is a new
 * one), 0 outside a batch. For a build callback only: db_mu is held. What a
 * callback read in this batch stays true within it until this batch itself
 * writes it. */
uint64_t kansa_store__batch_no(kansa_store *s);

/* Tests: @p hook runs in every leader after it took its batch and before
 * the batch's transaction, holding no lock, so that callers can queue
 * behind it in a known order. Set before the store is shared. */
void kansa_store__set_batch_hook(kansa_store *s, void (*hook)(kansa_store *s, void *ctx), void *ctx);

/* Callers queued for the next batch, and whether a batch is running (tests). */
size_t kansa_store__queued(kansa_store *s, bool *leading);

/* Commits and appended entries since open (appends/commits = mean batch size). */
void kansa_store__stats(kansa_store *s, uint64_t *commits, uint64_t *appends);

/* The commits by batch size, as kansa_ledger_get_batch_sizes(), and their
 * entries into *sum (when not NULL), read together. */
void kansa_store__batches(kansa_store *s, uint64_t *counts, size_t n, uint64_t *sum);

/* ---------------------------------------------------------------------- */
/* Reading                                                                 */
/* ---------------------------------------------------------------------- */

/* One entry as stored. */
typedef struct {
	uint64_t seq;                      /* its position */
	int64_t time;                      /* decision time */
	int kind;                          /* the caller's entry kind */
	uint8_t leaf_hash[KANSA_HASH_LEN]; /* as given at append (not recomputed) */
	uint8_t *body;                     /* the entry bytes (see the function for ownership) */
	size_t body_len;                   /* bytes in body */
	bool malformed;                    /* iter_next: the row could not be read (see there) */
	/* iter_next only, for a copy of the ledger (kansa_store__copy): */
	bool has_warrant;                  /* the entry refers to a warrant */
	uint8_t warrant_hash[KANSA_HASH_LEN]; /* its hash (with has_warrant) */
	bool has_cti;                      /* cti is the warrant's, or the revoked warrant's, id */
	uint8_t cti[KANSA_STORE_CTI_LEN];
	int decision;                      /* -1: none; 0: denied; 1: allowed */
} kansa_store_row;

/*
 * Entry @p seq. body is malloc'd, owned by the caller: free it with
 * kansa_store__row_dispose(). @return 0, KANSA_ENOTFOUND, KANSA_EIO, ...
 */
int kansa_store__get(kansa_store_row *out, kansa_store *s, uint64_t seq);
void kansa_store__row_dispose(kansa_store_row *row);

/* Number of entries (= next seq). O(log n). */
int kansa_store__count(uint64_t *out, kansa_store *s);

/* The head: next seq, last leaf hash (zeros when empty), last time. */
int kansa_store__head(kansa_store_pos *out, kansa_store *s);

/* The entry with this leaf hash (a scan: for rare operations such as
 * ratification). KANSA_ENOTFOUND. */
int kansa_store__find_leaf(uint64_t *seq_out, kansa_store *s, const uint8_t leaf[KANSA_HASH_LEN]);

/* Allowed uses recorded for a warrant, by its cti (0 when never used). */
int kansa_store__uses(uint64_t *out, kansa_store *s, const uint8_t cti[16]);

/* Whether a revocation of warrant @p cti is in the ledger; its seq in *seq_out (may be NULL). */
int kansa_store__is_revoked(bool *out, uint64_t *seq_out, kansa_store *s,
    const uint8_t cti[KANSA_STORE_CTI_LEN]);

/* kansa_store__uses() and kansa_store__is_revoked() of one warrant, in one
 * query where the engine can (PostgreSQL: one round trip). */
int kansa_store__warrant_state(uint64_t *uses, bool *revoked, kansa_store *s,
    const uint8_t cti[KANSA_STORE_CTI_LEN]);

/*
 * Stream entries in seq order from @p from_seq, on a read snapshot taken at
 * iter_new (its own connection: appends go on meanwhile and are not seen).
 * Memory does not grow with the ledger. Free with kansa_store__iter_free.
 */
typedef struct kansa_store_iter kansa_store_iter;
int kansa_store__iter_new(kansa_store_iter **out, kansa_store *s, uint64_t from_seq);
/*
 * The next entry. @return 1 with *row filled (body borrowed: valid until the
 * next call or iter_free), 0 at the end, or a negative error. A row whose
 * body is empty or whose leaf hash is not 32 bytes gives KANSA_EFORMAT with
 * row->seq and row->malformed set; the iterator stays usable, and the next
 * call returns the row after it (the audit reports such a row and goes on).
 */
int kansa_store__iter_next(kansa_store_row *row, kansa_store_iter *it);
void kansa_store__iter_free(kansa_store_iter *it);

/*
 * Queries on an iterator's snapshot (ledger/store/store_snap.c), for the audit:
 * they see exactly the ledger the iterator walks, however many appends go
 * on meanwhile. Returned buffers are malloc'd and owned by the caller.
 */
/* Entries in the snapshot (max seq + 1; 0 when empty). */
int kansa_store__snap_count(uint64_t *out, kansa_store_iter *it);
/* A document by hash, as kansa_store__doc_get(). KANSA_ENOTFOUND. */
int kansa_store__snap_doc_get(uint8_t **body_out, size_t *len_out, int *kind_out,
    kansa_store_iter *it, const uint8_t hash[KANSA_HASH_LEN]);
/* A Merkle node, as kansa_store__node_get(). KANSA_ENOTFOUND. */
int kansa_store__snap_node_get(uint8_t out[KANSA_HASH_LEN], kansa_store_iter *it, uint32_t level,
    uint64_t idx);
/* Merkle levels a snapshot can walk (a tree of 2^64 - 1 leaves has 64). */
#define KANSA_STORE_LEVELS 64
/* The next stored Merkle node of @p level in index order (one cursor per
 * level): 1 with *idx_out and hash filled, 0 at the end, or an error. */
int kansa_store__snap_node_next(uint64_t *idx_out, uint8_t hash[KANSA_HASH_LEN],
    kansa_store_iter *it, uint32_t level);
/* The next-node cursors skip rows that are malformed (a negative index, a
 * hash that is not 32 bytes); this walk reports them, and every node a tree
 * of @p size leaves does not have: a level outside 0..KANSA_STORE_LEVELS-1,
 * or an inner node (level >= 1) at an index of (size >> level) or more.
 * @p fn as below. */
int kansa_store__snap_nodes_extra(kansa_store_iter *it, uint64_t size,
    int (*fn)(void *ctx, int64_t level, int64_t idx, bool malformed), void *ctx);
/* A meta value, as kansa_store__meta_get(). KANSA_ENOTFOUND. */
int kansa_store__snap_meta_get(uint8_t **value_out, size_t *len_out, kansa_store_iter *it,
    const char *key);
/* Every stored checkpoint, by increasing size. @p fn returns 0 or an error,
 * which stops the walk and is returned. */
int kansa_store__snap_checkpoints(kansa_store_iter *it,
    int (*fn)(void *ctx, uint64_t size, const uint8_t *note, size_t len), void *ctx);
/* Every row of the uses table (cti, count), and of the revocations table
 * (cti, seq), in cti order; @p fn as above. */
int kansa_store__snap_uses(kansa_store_iter *it,
    int (*fn)(void *ctx, const uint8_t *cti, size_t cti_len, uint64_t count), void *ctx);
int kansa_store__snap_revocations(kansa_store_iter *it,
    int (*fn)(void *ctx, const uint8_t *cti, size_t cti_len, uint64_t seq), void *ctx);

/* Every document (hash, kind, body) and every meta value (key, value) of
 * the snapshot, in key order; @p fn as above. For a copy of the ledger. */
int kansa_store__snap_docs(kansa_store_iter *it,
    int (*fn)(void *ctx, const uint8_t *hash, int kind, const uint8_t *body, size_t len), void *ctx);
int kansa_store__snap_meta(kansa_store_iter *it,
    int (*fn)(void *ctx, const char *key, const uint8_t *value, size_t len), void *ctx);

/*
 * Copy the whole ledger of snapshot @p src into the empty store @p dst
 * (ledger/store/copy.c), across engines: every entry at its seq (appended,
 * so its leaf hash is checked again, with its use count and revocation),
 * every document (its hash checked), meta value, Merkle node and
 * checkpoint. @return 0; KANSA_EEXISTS when @p dst is not empty; the
 * error of a read or a write (nothing is rolled back: remove @p dst).
 */
int kansa_store__copy(kansa_store *dst, kansa_store_iter *src);

/* ---------------------------------------------------------------------- */
/* Documents, meta, Merkle nodes, checkpoints                              */
/* ---------------------------------------------------------------------- */

/* Store a document once; its key is SHA-256(body), returned in hash_out (may be NULL). */
int kansa_store__doc_put(uint8_t hash_out[KANSA_HASH_LEN], kansa_store *s, int kind,
    const uint8_t *body, size_t len);
/* A document by hash; *body_out malloc'd, owned by the caller. KANSA_ENOTFOUND. */
int kansa_store__doc_get(uint8_t **body_out, size_t *len_out, int *kind_out, kansa_store *s,
    const uint8_t hash[KANSA_HASH_LEN]);

/*
 * Meta values (e.g. the ledger's signing key, which lives only inside the
 * encrypted database). Keys starting with "store." are the store's own and
 * cannot be written (KANSA_EINVAL). put replaces an existing value.
 */
int kansa_store__meta_put(kansa_store *s, const char *key, const uint8_t *value, size_t len);
/* *value_out malloc'd (NUL-terminated, not counted), owned by the caller. KANSA_ENOTFOUND. */
int kansa_store__meta_get(uint8_t **value_out, size_t *len_out, kansa_store *s, const char *key);
/* The same into a kansa_secret, for secret values (no plain-heap copy made by kansa). */
int kansa_store__meta_get_secret(kansa_secret **out, kansa_store *s, const char *key);

/* Merkle tree nodes (hash at level, index); put replaces. get: KANSA_ENOTFOUND. */
int kansa_store__node_put(kansa_store *s, uint32_t level, uint64_t idx,
    const uint8_t hash[KANSA_HASH_LEN]);
int kansa_store__node_get(uint8_t out[KANSA_HASH_LEN], kansa_store *s, uint32_t level,
    uint64_t idx);

/*
 * Checkpoints (signed notes) by tree size. put: KANSA_EEXISTS when a
 * different note is stored for that size (the same note again is OK).
 * get/latest: *note_out malloc'd, owned by the caller; KANSA_ENOTFOUND.
 */
int kansa_store__checkpoint_put(kansa_store *s, uint64_t size, const uint8_t *note, size_t len);
/*
 * Replace the note stored for @p size with @p note, in one write
 * transaction, only while the stored note is still exactly @p old (the
 * caller checked that @p note keeps its body and adds signature lines).
 * @return 0; KANSA_ENOTFOUND (nothing stored for that size); KANSA_EEXISTS
 * (the stored note is no longer @p old: read it again); KANSA_EIO, ...
 */
int kansa_store__checkpoint_replace(kansa_store *s, uint64_t size, const uint8_t *old, size_t old_len,
    const uint8_t *note, size_t len);
int kansa_store__checkpoint_get(uint8_t **note_out, size_t *len_out, kansa_store *s, uint64_t size);
int kansa_store__checkpoint_latest(uint64_t *size_out, uint8_t **note_out, size_t *len_out,
    kansa_store *s);

#endif
