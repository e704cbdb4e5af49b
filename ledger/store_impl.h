/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Private to ledger/store.c and ledger/group.c: the store object and the
 * SQLite helpers they share. Nothing outside those two files includes this.
 */
#ifndef KANSA_LEDGER_STORE_IMPL_H
#define KANSA_LEDGER_STORE_IMPL_H

#include <pthread.h>

/* SQLCipher is built with SQLITE_HAS_CODEC, but its pkg-config cflags do not
 * say so; define it to get the sqlite3_key_v2/sqlite3_rekey_v2 prototypes. */
#ifndef SQLITE_HAS_CODEC
#define SQLITE_HAS_CODEC 1
#endif
#include <sqlite3.h>

#include "ledger/store.h"

/* Prepared statements of the main connection (see store.c for the SQL). */
enum {
	ST_HEAD,
	ST_ENTRY_INSERT,
	ST_ENTRY_GET,
	ST_DOC_INSERT,
	ST_DOC_GET,
	ST_USES_GET,
	ST_USES_INIT,
	ST_USES_INC,
	ST_REVOKED_GET,
	ST_REVOKED_INSERT,
	ST_NODE_PUT,
	ST_NODE_SET,
	ST_NODE_GET,
	ST_META_GET,
	ST_COUNT_
};

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

struct kansa_store {
	sqlite3 *db;                  /* the main connection; guarded by db_mu */
	sqlite3_stmt *st[ST_COUNT_];  /* prepared on db */
	pthread_mutex_t db_mu;        /* recursive: callbacks re-enter the read API */
	kansa_secret *keyspec;        /* "x'..'" for further connections (iterators) */
	char *path;                   /* the database file */
	int flags;                    /* KANSA_STORE_* of open */

	pthread_mutex_t q_mu;         /* guards every field below */
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
};

/* A read snapshot: the iterator of store.c, and the audit's queries on the
 * same snapshot (store_snap.c). */
struct kansa_store_iter {
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

/* Copy blob column @p col into a new malloc'd, NUL-terminated buffer. */
int kansa_store__blob_out(uint8_t **out, size_t *len_out, sqlite3_stmt *st, int col);

/* Map a SQLite result to a kansa error on @p db, with "what: reason". */
int kansa_store__sqlerr(sqlite3 *db, int rc, const char *what);

/* Run SQL without results on the main connection (db_mu held). */
int kansa_store__exec(kansa_store *s, const char *sql, const char *what);

/* Reset and clear a cached statement after use. */
void kansa_store__reset(sqlite3_stmt *st);

/* Read the head inside the current transaction (db_mu held). */
int kansa_store__read_head(kansa_store_pos *out, kansa_store *s);

/* Insert one built entry and its side tables at @p seq (db_mu held, in a transaction). */
int kansa_store__insert(kansa_store *s, uint64_t seq, const kansa_store_entry *e);

#endif
