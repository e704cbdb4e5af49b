/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The SQLCipher engine's table (store_impl.h) and its write transaction for
 * the group commit: BEGIN IMMEDIATE takes SQLite's database write lock
 * (waiting up to KANSA_STORE_BUSY_MS for another process), COMMIT returns
 * after the WAL fsync (synchronous=FULL).
 */
#include "ledger/store/store_impl.h"

static int sq_begin(kansa_store *s)
{
	return kansa_store__exec(s, "BEGIN IMMEDIATE", "cannot append");
}

static int sq_commit(kansa_store *s)
{
	return kansa_store__exec(s, "COMMIT", "cannot commit");
}

static void sq_rollback(kansa_store *s)
{
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

/* SQLCipher rekeys in one call: nothing to tell on the way. */
static int sq_rekey(kansa_store *s, const kansa_secret *new_key, kansa_store_progress_fn progress,
    void *ctx)
{
	(void)progress;
	(void)ctx;
	return kansa_sqlite__rekey(s, new_key);
}

static bool sq_in_txn(kansa_store *s)
{
	return !sqlite3_get_autocommit(s->db);
}

const kansa_store_engine kansa_sqlite__engine = {
	.name = "sqlcipher",
	.close = kansa_sqlite__close,
	.rekey = sq_rekey,
	.begin = sq_begin,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.in_txn = sq_in_txn,
	.read_head = kansa_store__read_head,
	.insert = kansa_store__insert,
	.get = kansa_sqlite__get,
	.head = kansa_sqlite__head,
	.find_leaf = kansa_sqlite__find_leaf,
	.uses = kansa_sqlite__uses,
	.is_revoked = kansa_sqlite__is_revoked,
	.iter_new = kansa_sqlite__iter_new,
	.iter_next = kansa_sqlite__iter_next,
	.iter_free = kansa_sqlite__iter_free,
	.snap_count = kansa_sqlite__snap_count,
	.snap_doc_get = kansa_sqlite__snap_doc_get,
	.snap_node_get = kansa_sqlite__snap_node_get,
	.snap_node_next = kansa_sqlite__snap_node_next,
	.snap_nodes_extra = kansa_sqlite__snap_nodes_extra,
	.snap_meta_get = kansa_sqlite__snap_meta_get,
	.snap_checkpoints = kansa_sqlite__snap_checkpoints,
	.snap_uses = kansa_sqlite__snap_uses,
	.snap_revocations = kansa_sqlite__snap_revocations,
	.snap_docs = kansa_sqlite__snap_docs,
	.snap_meta = kansa_sqlite__snap_meta,
	.doc_put = kansa_sqlite__doc_put,
	.doc_get = kansa_sqlite__doc_get,
	.meta_put = kansa_sqlite__meta_put,
	.meta_get = kansa_sqlite__meta_get,
	.meta_get_secret = kansa_sqlite__meta_get_secret,
	.node_put = kansa_sqlite__node_put,
	.node_get = kansa_sqlite__node_get,
	.checkpoint_put = kansa_sqlite__checkpoint_put,
	.checkpoint_replace = kansa_sqlite__checkpoint_replace,
	.checkpoint_get = kansa_sqlite__checkpoint_get,
	.checkpoint_latest = kansa_sqlite__checkpoint_latest,
};
