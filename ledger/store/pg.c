/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The PostgreSQL engine (design §13): opening a postgresql:// database, the
 * schema, the keys, the write transaction of the group commit, and the
 * libpq helpers its files share. Rows are in pg_rows.c, snapshots in
 * pg_snap.c, row encryption in pg_seal.c.
 *
 * One writer at a time, inside the database: every write batch begins with
 * pg_advisory_xact_lock(KANSA_PG_LOCK), a lock that PostgreSQL holds to the
 * end of the transaction and that every kansa process on the database
 * takes, and the head is read after it, in READ COMMITTED, so it sees every
 * batch committed before the lock was granted. Several processes, on
 * several machines, never fork the chain (and the seq primary key would
 * refuse a second entry at one seq even so).
 *
 * Durability: every session sets synchronous_commit = on, so COMMIT returns
 * after the server flushed its WAL (and, with synchronous standbys
 * configured on the server, after they did): docs/ledger.md "PostgreSQL".
 *
 * Keys: the key file's contents (64 hex digits: the raw key; anything else
 * a passphrase through scrypt with the database's salt) are the input of
 * HKDF-SHA256 with the salt of store_info, which gives the AES-256-GCM key
 * of entry bodies, documents and meta values, and the HMAC-SHA256 key of
 * the warrant-id index columns. store_info keeps a sealed check value, so
 * a wrong key is KANSA_EKEY at open. A rekey (pg_rekey.c) seals every
 * row again under a new salt; every write batch checks, under the lock,
 * that the salt is still the one its keys were derived with.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ledger/store/pg_impl.h"

#define KANSA_PG_LOCK 0x6b6e7361 /* "knsa": the writers' advisory lock */

static const char schema_sql[] =
	"CREATE TABLE store_info(id integer PRIMARY KEY CHECK (id = 1),"
	" schema_version integer NOT NULL, salt bytea NOT NULL, key_check bytea NOT NULL);"
	"CREATE TABLE meta(key text PRIMARY KEY, value bytea NOT NULL);"
	"CREATE TABLE documents(hash bytea PRIMARY KEY, kind integer NOT NULL, body bytea NOT NULL);"
	"CREATE TABLE entries(seq bigint PRIMARY KEY CHECK (seq >= 0), time bigint NOT NULL,"
	" kind integer NOT NULL, body bytea NOT NULL, leaf_hash bytea NOT NULL,"
	" warrant_hash bytea, decision smallint, warrant_mac bytea, warrant_cti bytea);"
	"CREATE INDEX entries_leaf ON entries(leaf_hash);"
	"CREATE INDEX entries_warrant ON entries(warrant_mac) WHERE warrant_mac IS NOT NULL;"
	"CREATE TABLE uses(cti_mac bytea PRIMARY KEY, cti bytea NOT NULL, count bigint NOT NULL);"
	"CREATE TABLE revocations(cti_mac bytea PRIMARY KEY, cti bytea NOT NULL,"
	" seq bigint NOT NULL REFERENCES entries(seq));"
	"CREATE TABLE merkle_nodes(level integer NOT NULL, idx bigint NOT NULL,"
	" hash bytea NOT NULL, PRIMARY KEY(level, idx));"
	"CREATE TABLE checkpoints(size bigint PRIMARY KEY, note bytea NOT NULL);";

/* ---------------------------------------------------------------------- */
/* Parameters, results, errors                                             */
/* ---------------------------------------------------------------------- */

static void put_be(uint8_t *p, uint64_t v, int n)
{
	for (int i = n - 1; i >= 0; i--) {
		p[i] = (uint8_t)(v & 0xff);
		v >>= 8;
	}
}

void kansa_pg__p_i64(kansa_pg_params *p, int64_t v)
{
	put_be(p->ibuf[p->n], (uint64_t)v, 8);
	p->v[p->n] = (const char *)p->ibuf[p->n];
	p->len[p->n] = 8;
	p->fmt[p->n++] = 1;
}

void kansa_pg__p_i32(kansa_pg_params *p, int32_t v)
{
	put_be(p->ibuf[p->n], (uint32_t)v, 4);
	p->v[p->n] = (const char *)p->ibuf[p->n];
	p->len[p->n] = 4;
	p->fmt[p->n++] = 1;
}

void kansa_pg__p_blob(kansa_pg_params *p, const void *data, size_t len)
{
	p->v[p->n] = data ? (const char *)data : "";
	p->len[p->n] = (int)len;
	p->fmt[p->n++] = 1;
}

void kansa_pg__p_text(kansa_pg_params *p, const char *text)
{
	p->v[p->n] = text;
	p->len[p->n] = 0;
	p->fmt[p->n++] = 0;
}

void kansa_pg__p_null(kansa_pg_params *p)
{
	p->v[p->n] = NULL;
	p->len[p->n] = 0;
	p->fmt[p->n++] = 1;
}

/* A server error (by SQLSTATE) or a connection failure as a kansa error. */
static int pg_error(PGconn *conn, const PGresult *r, const char *what)
{
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = r ? PQresultErrorMessage(r) : PQerrorMessage(conn);
	char why[256];
	size_t n;

	snprintf(why, sizeof(why), "%s", msg && msg[0] ? msg : "no answer from the server");
	n = strlen(why);
	while (n > 0 && (why[n - 1] == '\n' || why[n - 1] == ' '))
		why[--n] = '\0';
	for (size_t i = 0; i < n; i++) /* libpq's hints are on lines of their own: one line */
		if (why[i] == '\n' || why[i] == '\t')
			why[i] = ' ';
	if (PQstatus(conn) != CONNECTION_OK || state == NULL)
		return kansa_error_set(KANSA_EIO, KANSA_ERRCLASS_LEDGER,
		    "%s: PostgreSQL connection failed: %s", what, why);
	if (strcmp(state, "55P03") == 0 || strcmp(state, "40001") == 0 ||
	    strcmp(state, "40P01") == 0)
		return kansa_error_set(KANSA_ELOCKED, KANSA_ERRCLASS_LEDGER,
		    "%s: ledger is locked by another writer (waited %d ms): %s", what,
		    KANSA_STORE_BUSY_MS, why);
	if (strcmp(state, "25006") == 0)
		return kansa_error_set(KANSA_EIO, KANSA_ERRCLASS_LEDGER, "%s: ledger is read-only", what);
	if (strncmp(state, "53", 2) == 0 || strncmp(state, "58", 2) == 0 ||
	    strncmp(state, "57", 2) == 0 || strncmp(state, "08", 2) == 0)
		return kansa_error_set(KANSA_EIO, KANSA_ERRCLASS_LEDGER, "%s: %s", what, why);
	if (strcmp(state, "42P01") == 0)
		return kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_LEDGER,
		    "%s: not a kansa ledger (a table is missing): %s", what, why);
	if (strncmp(state, "23", 2) == 0)
		return kansa_error_set(KANSA_EVERIFY, KANSA_ERRCLASS_LEDGER,
		    "%s: the database refused a row (altered?): %s", what, why);
	return kansa_error_set(KANSA_ERROR, KANSA_ERRCLASS_LEDGER, "%s: %s", what, why);
}

int kansa_pg__run(PGresult **out, PGconn *conn, const char *sql, const kansa_pg_params *p,
    const char *what)
{
	PGresult *r;
	ExecStatusType st;

	*out = NULL;
	r = PQexecParams(conn, sql, p ? p->n : 0, NULL, p ? p->v : NULL, p ? p->len : NULL,
	    p ? p->fmt : NULL, 1);
	st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
		*out = r;
		return 0;
	}
	{
		int error = pg_error(conn, r, what);
		PQclear(r);
		return error;
	}
}

int kansa_pg__exec(PGconn *conn, const char *sql, const kansa_pg_params *p, const char *what)
{
	PGresult *r = NULL;
	int error;

	if (p != NULL) {
		error = kansa_pg__run(&r, conn, sql, p, what);
		PQclear(r);
		return error;
	}
	/* no parameters: the simple protocol, which takes several statements */
	r = PQexec(conn, sql);
	if (r != NULL && (PQresultStatus(r) == PGRES_COMMAND_OK ||
	    PQresultStatus(r) == PGRES_TUPLES_OK)) {
		PQclear(r);
		return 0;
	}
	error = pg_error(conn, r, what);
	PQclear(r);
	return error;
}

static int fixed_col(const uint8_t **out, const PGresult *r, int row, int col, int width)
{
	if (PQgetisnull(r, row, col) || PQgetlength(r, row, col) != width)
		return kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_LEDGER,
		    "ledger: malformed value in column %d", col);
	*out = (const uint8_t *)PQgetvalue(r, row, col);
	return 0;
}

int kansa_pg__i64(int64_t *out, const PGresult *r, int row, int col)
{
	const uint8_t *p;
	uint64_t v = 0;
	int error;

	if ((error = fixed_col(&p, r, row, col, 8)) < 0)
		return error;
	for (int i = 0; i < 8; i++)
		v = (v << 8) | p[i];
	*out = (int64_t)v;
	return 0;
}

int kansa_pg__i32(int32_t *out, const PGresult *r, int row, int col)
{
	const uint8_t *p;
	uint32_t v = 0;
	int error;

	if ((error = fixed_col(&p, r, row, col, 4)) < 0)
		return error;
	for (int i = 0; i < 4; i++)
		v = (v << 8) | p[i];
	*out = (int32_t)v;
	return 0;
}

int kansa_pg__hash(uint8_t out[KANSA_HASH_LEN], const PGresult *r, int row, int col)
{
	const uint8_t *p;
	int error;

	if ((error = fixed_col(&p, r, row, col, KANSA_HASH_LEN)) < 0)
		return error;
	memcpy(out, p, KANSA_HASH_LEN);
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Connections                                                             */
/* ---------------------------------------------------------------------- */

/* The engine's session settings, on a new or a reset connection. */
static int session_settings(PGconn *conn, bool readonly)
{
	char settings[160];

	/* REQ: STORE-PG-DURABLE COMMIT waits for the server's WAL flush */
	snprintf(settings, sizeof(settings),
	    "SET synchronous_commit = on; SET lock_timeout = %d; SET client_min_messages = warning%s",
	    KANSA_STORE_BUSY_MS, readonly ? "; SET default_transaction_read_only = on" : "");
	return kansa_pg__exec(conn, settings, NULL, "cannot open ledger");
}

/* REQ: STORE-PG-NO-PASSWORD a password in the URI is refused: the URI is
 * on the command line, in the shell's history and in messages that name
 * the ledger; libpq reads passwords from ~/.pgpass or PGPASSFILE instead. */
static int no_password(const char *uri)
{
	PQconninfoOption *opts = PQconninfoParse(uri, NULL);
	bool has = false;

	if (opts == NULL) /* out of memory, or not a URI libpq reads: PQconnectdb says which */
		return 0;
	for (PQconninfoOption *o = opts; o->keyword; o++)
		if (strcmp(o->keyword, "password") == 0 && o->val && o->val[0])
			has = true;
	PQconninfoFree(opts);
	if (has)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_OS, "the database URI carries a "
		    "password: remove it, and put it in ~/.pgpass or the file PGPASSFILE names "
		    "(mode 0600), where libpq reads it");
	return 0;
}

int kansa_pg__connect(PGconn **out, const char *uri, bool readonly)
{
	PGconn *conn;
	int error;

	*out = NULL;
	if ((error = no_password(uri)) < 0)
		return error;
	if ((conn = PQconnectdb(uri)) == NULL)
		return kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
	if (PQstatus(conn) != CONNECTION_OK) {
		/* libpq's message names the host and reason, never the password */
		error = pg_error(conn, NULL, "cannot open ledger");
		PQfinish(conn);
		return error;
	}
	if ((error = session_settings(conn, readonly)) < 0) {
		PQfinish(conn);
		return error;
	}
	*out = conn;
	return 0;
}

/* Make the main connection again (outside a transaction). */
static void reconnect(kansa_store *s)
{
	PQreset(s->pg->conn);
	if (PQstatus(s->pg->conn) == CONNECTION_OK)
		(void)session_settings(s->pg->conn, s->flags & KANSA_STORE_READONLY);
}

/*
 * Whether the connection is lost. A server that closed it (a terminated
 * backend, a restart) left its last message and then the end of the stream
 * on the socket; reads that do not block find them (libpq takes the
 * message as a notice, the end as a lost connection) before the next query
 * is sent, so that query does not fail for nothing.
 */
static bool conn_lost(PGconn *conn)
{
	for (int i = 0; i < 2; i++)
		if (PQstatus(conn) != CONNECTION_OK || !PQconsumeInput(conn))
			return true;
	return PQstatus(conn) != CONNECTION_OK;
}

PGconn *kansa_pg__conn(kansa_store *s)
{
	/* A connection lost between transactions (a server restart, a
	 * failover) is made again; never inside one, whose statements must
	 * not go on in another session (db_mu held). */
	if (!s->pg->in_txn && conn_lost(s->pg->conn))
		reconnect(s);
	return s->pg->conn;
}

/* ---------------------------------------------------------------------- */
/* Open, create, close                                                     */
/* ---------------------------------------------------------------------- */

static int create_ledger(kansa_store *s, const kansa_secret *key)
{
	struct kansa_pg *pg = s->pg;
	uint8_t *check = NULL;
	size_t check_len = 0;
	kansa_pg_params p = { 0 };
	PGresult *r = NULL;
	int error;

	if ((error = kansa_pg__exec(pg->conn, "BEGIN", NULL, "cannot create ledger")) < 0)
		return error;
	if ((error = kansa_pg__run(&r, pg->conn, "SELECT to_regclass('store_info') IS NOT NULL",
	    NULL, "cannot create ledger")) < 0)
		goto out;
	if (PQntuples(r) == 1 && PQgetlength(r, 0, 0) == 1 && PQgetvalue(r, 0, 0)[0] == 1) {
		error = kansa_error_set(KANSA_EEXISTS, KANSA_ERRCLASS_LEDGER,
		    "this PostgreSQL database already holds a kansa ledger");
		goto out;
	}
	if ((error = kansa_random(pg->salt, sizeof(pg->salt))) < 0 ||
	    (error = kansa_pg__derive_keys(&pg->keys, key, pg->salt)) < 0 ||
	    (error = kansa_pg__seal_check(&check, &check_len, pg->keys)) < 0 ||
	    (error = kansa_pg__exec(pg->conn, schema_sql, NULL, "cannot create ledger schema")) < 0)
		goto out;
	kansa_pg__p_i32(&p, KANSA_STORE_SCHEMA_VERSION);
	kansa_pg__p_blob(&p, pg->salt, sizeof(pg->salt));
	kansa_pg__p_blob(&p, check, check_len);
	if ((error = kansa_pg__exec(pg->conn, "INSERT INTO store_info(id, schema_version, salt,"
	    " key_check) VALUES(1, $1, $2, $3)", &p, "cannot create ledger")) < 0)
		goto out;
	error = kansa_pg__exec(pg->conn, "COMMIT", NULL, "cannot create ledger");
out:
	if (error < 0)
		PQclear(PQexec(pg->conn, "ROLLBACK"));
	PQclear(r);
	free(check);
	return error;
}

static int check_ledger(kansa_store *s, const kansa_secret *key)
{
	struct kansa_pg *pg = s->pg;
	int32_t version = 0;
	PGresult *r = NULL;
	int error;

	error = kansa_pg__run(&r, pg->conn, "SELECT schema_version, salt, key_check FROM store_info"
	    " WHERE id = 1", NULL, "cannot open ledger");
	if (error == KANSA_EFORMAT)
		return kansa_error_set(KANSA_ENOTFOUND, KANSA_ERRCLASS_LEDGER,
		    "no kansa ledger in this PostgreSQL database (make one with 'kansa ledger init')");
	if (error < 0)
		return error;
	if (PQntuples(r) != 1 || (error = kansa_pg__i32(&version, r, 0, 0)) < 0 ||
	    PQgetlength(r, 0, 1) != KANSA_PG_SALT_LEN) {
		error = kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_LEDGER,
		    "not a kansa ledger (no store_info row)");
		goto out;
	}
	/* REQ: LEDGER-STORE-2 unknown schema versions are refused */
	if (version != KANSA_STORE_SCHEMA_VERSION) {
		error = kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_LEDGER,
		    "unsupported ledger schema version %d (this kansa knows %d)", (int)version,
		    KANSA_STORE_SCHEMA_VERSION);
		goto out;
	}
	memcpy(pg->salt, PQgetvalue(r, 0, 1), sizeof(pg->salt));
	if ((error = kansa_pg__derive_keys(&pg->keys, key, pg->salt)) < 0)
		goto out;
	if (!kansa_pg__check_opens(pg->keys, (const uint8_t *)PQgetvalue(r, 0, 2),
	    (size_t)PQgetlength(r, 0, 2)))
		error = kansa_error_set(KANSA_EKEY, KANSA_ERRCLASS_LEDGER,
		    "wrong database key (or not a kansa ledger)");
out:
	PQclear(r);
	return error;
}

int kansa_pg__open(kansa_store **out, const char *uri, const kansa_secret *key, int flags)
{
	kansa_store *s = NULL;
	int error;

	*out = NULL;
	if (key == NULL || kansa_secret_len(key) == 0 ||
	    (flags & ~(KANSA_STORE_CREATE | KANSA_STORE_READONLY)) != 0 ||
	    (flags & KANSA_STORE_CREATE && flags & KANSA_STORE_READONLY))
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_LEDGER,
		    "ledger open: invalid arguments");
	if ((error = kansa_store__alloc(&s, uri, flags)) < 0)
		return error;
	s->eng = &kansa_pg__engine;
	if ((s->pg = calloc(1, sizeof(*s->pg))) == NULL) {
		error = kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
		goto out;
	}
	if ((error = kansa_pg__connect(&s->pg->conn, uri, flags & KANSA_STORE_READONLY)) < 0)
		goto out;
	error = flags & KANSA_STORE_CREATE ? create_ledger(s, key) : check_ledger(s, key);
	if (error < 0)
		goto out;
	*out = s;
	s = NULL;
out:
	if (s != NULL)
		s->eng->close(s);
	return error;
}

static void pg_close(kansa_store *s)
{
	if (s->pg != NULL) {
		PQfinish(s->pg->conn);
		kansa_secret_free(s->pg->keys);
		free(s->pg);
	}
	kansa_store__free(s);
}

/* ---------------------------------------------------------------------- */
/* The write transaction of group.c                                        */
/* ---------------------------------------------------------------------- */

/*
 * BEGIN, the writers' lock, and the salt, in one round trip: the simple
 * protocol runs the three statements in order and stops at the first that
 * fails. In READ COMMITTED the salt's statement takes its snapshot after the
 * lock was granted, so it sees a rekey committed before.
 */
static int begin_locked(kansa_store *s)
{
	char sql[160];
	uint8_t salt[KANSA_PG_SALT_LEN];
	PGconn *conn = kansa_pg__conn(s);
	PGTransactionStatusType ts;
	PGresult *r;
	int error = 0;

	/* REQ: LEDGER-FORK-1 one writer at a time across processes, head read under the lock */
	snprintf(sql, sizeof(sql), "BEGIN ISOLATION LEVEL READ COMMITTED; SELECT pg_advisory_xact_lock(%d);"
	    " SELECT encode(salt, 'hex') FROM store_info WHERE id = 1", KANSA_PG_LOCK);
	r = PQexec(conn, sql);
	ts = PQtransactionStatus(conn);
	s->pg->in_txn = ts == PQTRANS_INTRANS || ts == PQTRANS_INERROR;
	if (r == NULL || PQresultStatus(r) != PGRES_TUPLES_OK) {
		error = pg_error(conn, r, "cannot append");
		PQclear(r);
		return error;
	}
	/* REQ: STORE-PG-REKEY a process whose keys are of the salt before a rekey
	 * writes nothing: its rows would not open under the new key */
	if (PQntuples(r) != 1 || PQgetlength(r, 0, 0) != 2 * KANSA_PG_SALT_LEN ||
	    kansa_hex_decode(salt, sizeof(salt), PQgetvalue(r, 0, 0)) < 0 ||
	    !kansa_ct_equal(salt, s->pg->salt, sizeof(salt)))
		error = kansa_error_set(KANSA_EKEY, KANSA_ERRCLASS_LEDGER, "the ledger's database key "
		    "was changed (kansa ledger rekey) since this process opened it: nothing is "
		    "stored; open the ledger again with the new key");
	PQclear(r);
	return error;
}

int kansa_pg__begin(kansa_store *s)
{
	int error = begin_locked(s);

	/* libpq sees a lost connection (a server restart, a failover) only when
	 * it uses it: nothing of the batch was written yet, so make the
	 * connection again and begin once more */
	if (error == KANSA_EIO) {
		PQclear(PQexec(s->pg->conn, "ROLLBACK"));
		s->pg->in_txn = false;
		reconnect(s);
		error = begin_locked(s);
	}
	return error;
}

static int pg_commit(kansa_store *s)
{
	PGconn *conn = s->pg->conn;
	PGresult *r = NULL;
	int error;

	/* REQ: LEDGER-FAILCLOSED-1 a COMMIT of a lost or failed transaction is
	 * no commit: PostgreSQL answers it with ROLLBACK, or a warning outside one */
	if (PQtransactionStatus(conn) != PQTRANS_INTRANS)
		return kansa_error_set(KANSA_EIO, KANSA_ERRCLASS_LEDGER,
		    "cannot commit: the transaction was lost (connection or server error);"
		    " nothing of this batch is stored");
	if ((error = kansa_pg__run(&r, conn, "COMMIT", NULL, "cannot commit")) < 0) {
		/* The one outcome kansa cannot know: the server may have made the
		 * batch durable before the connection broke. It is denied all the
		 * same; if it was stored, it is whole and counted (the audit sees it). */
		if (error == KANSA_EIO && PQstatus(conn) != CONNECTION_OK)
			return kansa_error_set(KANSA_EIO, KANSA_ERRCLASS_LEDGER,
			    "cannot commit: the PostgreSQL connection broke during COMMIT: denied,"
			    " though the batch may be stored (whole; the audit shows it)");
		return error;
	}
	if (strcmp(PQcmdStatus(r), "COMMIT") != 0)
		error = kansa_error_set(KANSA_EIO, KANSA_ERRCLASS_LEDGER,
		    "cannot commit: the server rolled the batch back (%s)", PQcmdStatus(r));
	else
		s->pg->in_txn = false;
	PQclear(r);
	return error;
}

static void pg_rollback(kansa_store *s)
{
	PQclear(PQexec(s->pg->conn, "ROLLBACK"));
	s->pg->in_txn = false;
}

static bool pg_in_txn(kansa_store *s)
{
	return s->pg->in_txn;
}

const kansa_store_engine kansa_pg__engine = {
	.name = "postgresql",
	.close = pg_close,
	.rekey = kansa_pg__rekey,
	.begin = kansa_pg__begin,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.in_txn = pg_in_txn,
	.read_head = kansa_pg__read_head,
	.insert = kansa_pg__insert,
	.get = kansa_pg__get,
	.head = kansa_pg__head,
	.find_leaf = kansa_pg__find_leaf,
	.uses = kansa_pg__uses,
	.is_revoked = kansa_pg__is_revoked,
	.warrant_state = kansa_pg__warrant_state,
	.iter_new = kansa_pg__iter_new,
	.iter_next = kansa_pg__iter_next,
	.iter_free = kansa_pg__iter_free,
	.snap_count = kansa_pg__snap_count,
	.snap_doc_get = kansa_pg__snap_doc_get,
	.snap_node_get = kansa_pg__snap_node_get,
	.snap_node_next = kansa_pg__snap_node_next,
	.snap_nodes_extra = kansa_pg__snap_nodes_extra,
	.snap_meta_get = kansa_pg__snap_meta_get,
	.snap_checkpoints = kansa_pg__snap_checkpoints,
	.snap_uses = kansa_pg__snap_uses,
	.snap_revocations = kansa_pg__snap_revocations,
	.snap_docs = kansa_pg__snap_docs,
	.snap_meta = kansa_pg__snap_meta,
	.doc_put = kansa_pg__doc_put,
	.doc_get = kansa_pg__doc_get,
	.meta_put = kansa_pg__meta_put,
	.meta_get = kansa_pg__meta_get,
	.meta_get_secret = kansa_pg__meta_get_secret,
	.node_put = kansa_pg__node_put,
	.node_get = kansa_pg__node_get,
	.checkpoint_put = kansa_pg__checkpoint_put,
	.checkpoint_replace = kansa_pg__checkpoint_replace,
	.checkpoint_get = kansa_pg__checkpoint_get,
	.checkpoint_latest = kansa_pg__checkpoint_latest,
};
