/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The SQLCipher adapter of the ledger: opening and keying the database, the
 * schema, pragmas, rekeying, and the helpers the rest of the store shares.
 * The rows are read and written in store_rows.c and store_docs.c; appending
 * (group commit) lives in group.c.
 *
 * Keys: a key file of exactly 64 hex digits is the raw 256-bit SQLCipher
 * key; anything else is a passphrase, run through scrypt (N=2^15, r=8, p=1)
 * with the database's own 16-byte salt, which SQLCipher keeps in clear in
 * bytes 0..15 of the file. A new database gets its salt from us through the
 * raw key form x'<key><salt>', so the salt is known before the key is.
 * The key string goes to sqlite3_key_v2() from a kansa_secret (never through
 * SQL text, which SQLite copies into unwiped parser memory), and stack copies
 * are wiped on every path. Nothing here logs a key.
 *
 * Every SQLite error is translated here (kansa_store__sqlerr): SQLITE_NOTADB
 * after keying means a wrong key; BUSY means another writer held the lock
 * past the busy timeout; FULL, IOERR, READONLY, CANTOPEN mean I/O.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "keys/keys.h"
#include "ledger/store/store_impl.h"

#define PAGE_SIZE 4096                 /* PRAGMA cipher_page_size; also the smallest ledger file */
#define APP_ID 0x6b6e7361              /* PRAGMA application_id: "knsa" */
#define KEYSPEC_MAX (3 + 2 * (KANSA_HASH_LEN + KANSA_STORE_SALT_LEN))

static const char *const stmt_sql[ST_COUNT_] = {
	[ST_HEAD] = "SELECT seq, leaf_hash, time FROM entries ORDER BY seq DESC LIMIT 1",
	/*
	 * OR ROLLBACK / plain INSERT, never OR REPLACE or the default ABORT on
	 * a multi-row write: those make SQLite keep a statement journal, which
	 * SQLCipher encrypts page by page, for undoing one statement inside the
	 * transaction. kansa never keeps part of a batch: any failure rolls the
	 * whole transaction back anyway (docs/performance.md, "statement journals").
	 */
	[ST_ENTRY_INSERT] = ("INSERT OR ROLLBACK INTO entries(seq, time, kind, body, leaf_hash,"
			    " warrant_hash, decision, warrant_cti) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"),
	[ST_ENTRY_GET] = "SELECT time, kind, body, leaf_hash FROM entries WHERE seq = ?1",
	[ST_DOC_INSERT] = "INSERT OR IGNORE INTO documents(hash, kind, body) VALUES(?1, ?2, ?3)",
	[ST_DOC_GET] = "SELECT kind, body FROM documents WHERE hash = ?1",
	[ST_USES_GET] = "SELECT count FROM uses WHERE cti = ?1",
	[ST_USES_INC] = "UPDATE OR ROLLBACK uses SET count = count + 1 WHERE cti = ?1",
	[ST_USES_FIRST] = "INSERT OR ROLLBACK INTO uses(cti, count) VALUES(?1, 1)",
	[ST_REVOKED_GET] = "SELECT seq FROM revocations WHERE cti = ?1",
	[ST_REVOKED_INSERT] = "INSERT OR IGNORE INTO revocations(cti, seq) VALUES(?1, ?2)",
	/* prepared once: every append and every proof reads and writes Merkle
	 * nodes, and every check reads the policy version (docs/performance.md) */
	[ST_NODE_PUT] = "INSERT INTO merkle_nodes(level, idx, hash) VALUES(?1, ?2, ?3)",
	[ST_NODE_SET] = "UPDATE merkle_nodes SET hash = ?3 WHERE level = ?1 AND idx = ?2",
	[ST_NODE_GET] = "SELECT hash FROM merkle_nodes WHERE level = ?1 AND idx = ?2",
	[ST_META_GET] = "SELECT value FROM meta WHERE key = ?1",
};

/* REQ: LEDGER-STORE-1 the schema of docs/ledger.md, version 1. */
static const char schema_sql[] =
	"CREATE TABLE meta(key TEXT PRIMARY KEY, value BLOB) WITHOUT ROWID;"
	"CREATE TABLE documents(hash BLOB PRIMARY KEY, kind INTEGER NOT NULL,"
	" body BLOB NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE entries(seq INTEGER PRIMARY KEY CHECK (seq >= 0),"
	" time INTEGER NOT NULL, kind INTEGER NOT NULL, body BLOB NOT NULL,"
	" leaf_hash BLOB NOT NULL, warrant_hash BLOB, decision INTEGER, warrant_cti BLOB);"
	"CREATE INDEX entries_warrant ON entries(warrant_hash) WHERE warrant_hash IS NOT NULL;"
	"CREATE INDEX entries_cti ON entries(warrant_cti) WHERE warrant_cti IS NOT NULL;"
	"CREATE TABLE uses(cti BLOB PRIMARY KEY, count INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE revocations(cti BLOB PRIMARY KEY,"
	" seq INTEGER NOT NULL REFERENCES entries(seq)) WITHOUT ROWID;"
	"CREATE TABLE merkle_nodes(level INTEGER NOT NULL, idx INTEGER NOT NULL,"
	" hash BLOB NOT NULL, PRIMARY KEY(level, idx)) WITHOUT ROWID;"
	"CREATE TABLE checkpoints(size INTEGER PRIMARY KEY, note BLOB NOT NULL);"
	"INSERT INTO meta(key, value) VALUES('store.schema_version', 1);";

/* ---------------------------------------------------------------------- */
/* Errors and small helpers                                                */
/* ---------------------------------------------------------------------- */

int kansa_store__sqlerr(sqlite3 *db, int rc, const char *what)
{
	const char *why = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);

	switch (rc & 0xff) {
	case SQLITE_NOTADB:
		return kansa_error_set(KANSA_EKEY, KANSA_ERRCLASS_LEDGER,
		    "wrong database key (or not a kansa ledger)");
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return kansa_error_set(KANSA_ELOCKED, KANSA_ERRCLASS_LEDGER,
		    "%s: ledger is locked by another writer (waited %d ms)", what,
		    KANSA_STORE_BUSY_MS);
	case SQLITE_FULL:
		return kansa_error_set(KANSA_EIO, KANSA_ERRCLASS_LEDGER, "%s: disk full", what);
	case SQLITE_READONLY:
		return kansa_error_set(KANSA_EIO, KANSA_ERRCLASS_LEDGER,
		    "%s: ledger is read-only", what);
	case SQLITE_IOERR:
	case SQLITE_CANTOPEN:
	case SQLITE_PERM:
	case SQLITE_PROTOCOL:
		return kansa_error_set(KANSA_EIO, KANSA_ERRCLASS_LEDGER, "%s: %s", what, why);
	case SQLITE_CORRUPT:
		return kansa_error_set(KANSA_EVERIFY, KANSA_ERRCLASS_LEDGER,
		    "%s: database is corrupt or was altered: %s", what, why);
	case SQLITE_NOMEM:
		return kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_LEDGER, "%s: out of memory", what);
	case SQLITE_TOOBIG:
		return kansa_error_set(KANSA_ELIMIT, KANSA_ERRCLASS_LEDGER, "%s: value too big", what);
	default:
		return kansa_error_set(KANSA_ERROR, KANSA_ERRCLASS_LEDGER, "%s: %s", what, why);
	}
}

int kansa_store__exec_db(sqlite3 *db, const char *sql, const char *what)
{
	int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);

	return rc == SQLITE_OK ? 0 : kansa_store__sqlerr(db, rc, what);
}

int kansa_store__exec(kansa_store *s, const char *sql, const char *what)
{
	return kansa_store__exec_db(s->db, sql, what);
}

void kansa_store__reset(sqlite3_stmt *st)
{
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

/* The one-text-row result of a PRAGMA ("wal", "delete", ...). */
static int pragma_text(char *out, size_t size, sqlite3 *db, const char *sql, const char *what)
{
	sqlite3_stmt *st = NULL;
	int rc, error = 0;

	out[0] = '\0';
	if ((rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL)) != SQLITE_OK)
		return kansa_store__sqlerr(db, rc, what);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const unsigned char *t = sqlite3_column_text(st, 0);
		snprintf(out, size, "%s", t ? (const char *)t : "");
		rc = sqlite3_step(st);
	}
	if (rc != SQLITE_DONE)
		error = kansa_store__sqlerr(db, rc, what);
	sqlite3_finalize(st);
	return error;
}

static int pragma_int(int64_t *out, sqlite3 *db, const char *sql, const char *what)
{
	sqlite3_stmt *st = NULL;
	int rc, error = 0;

	*out = 0;
	if ((rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL)) != SQLITE_OK)
		return kansa_store__sqlerr(db, rc, what);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	else if (rc != SQLITE_DONE)
		error = kansa_store__sqlerr(db, rc, what);
	sqlite3_finalize(st);
	return error;
}

int kansa_store__prepare(sqlite3_stmt **out, kansa_store *s, const char *sql)
{
	int rc = sqlite3_prepare_v2(s->db, sql, -1, out, NULL);

	return rc == SQLITE_OK ? 0 : kansa_store__sqlerr(s->db, rc, "ledger: prepare");
}

int kansa_store__bind_blob(sqlite3_stmt *st, int i, const void *p, size_t len)
{
	if (len > INT32_MAX)
		return kansa_error_set(KANSA_ELIMIT, KANSA_ERRCLASS_LEDGER, "ledger: value too big");
	/* SQLITE_STATIC: every statement is reset before the data goes away. */
	if (sqlite3_bind_blob(st, i, p ? p : "", (int)len, SQLITE_STATIC) != SQLITE_OK)
		return kansa_error_set(KANSA_ERROR, KANSA_ERRCLASS_LEDGER, "ledger: bind failed");
	return 0;
}

int kansa_store__check_u63(uint64_t v, const char *what)
{
	if (v > (uint64_t)INT64_MAX)
		return kansa_error_set(KANSA_ELIMIT, KANSA_ERRCLASS_LEDGER, "%s out of range", what);
	return 0;
}

int kansa_store__doc_hash(uint8_t hash[KANSA_HASH_LEN], const uint8_t *body, size_t len,
    const uint8_t *known)
{
	if (body == NULL || len == 0)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_LEDGER, "ledger: empty document");
	if (len > KANSA_MAX_DOC_BYTES)
		return kansa_error_set(KANSA_ELIMIT, KANSA_ERRCLASS_LEDGER,
		    "ledger: document larger than %d bytes", KANSA_MAX_DOC_BYTES);
	if (known != NULL) {
		memcpy(hash, known, KANSA_HASH_LEN);
		return 0;
	}
	return kansa_sha256(hash, body, len);
}

void kansa_store__lock(kansa_store *s)
{
	pthread_mutex_lock(&s->db_mu);
}

void kansa_store__unlock(kansa_store *s)
{
	pthread_mutex_unlock(&s->db_mu);
}

/* ---------------------------------------------------------------------- */
/* Keys                                                                    */
/* ---------------------------------------------------------------------- */

/* REQ: LEDGER-KEY-1 exactly 64 hex digits are a raw key, anything else a passphrase. */
static bool is_raw_key(const kansa_secret *key)
{
	const uint8_t *p = kansa_secret_data(key);

	if (kansa_secret_len(key) != 2 * KANSA_HASH_LEN)
		return false;
	for (size_t i = 0; i < 2 * KANSA_HASH_LEN; i++) {
		uint8_t c = p[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
			return false;
	}
	return true;
}

/*
 * The SQLCipher key string for @p key: x'<64 hex key>' for a raw key, and
 * for a passphrase x'<64 hex scrypt(passphrase, salt)><32 hex salt>' (the
 * salt part sets the salt of a new database; for an existing one it equals
 * what SQLCipher reads from the file).
 */
static int make_keyspec(kansa_secret **out, const kansa_secret *key,
    const uint8_t salt[KANSA_STORE_SALT_LEN])
{
	char spec[KEYSPEC_MAX + 1];
	uint8_t derived[KANSA_HASH_LEN];
	size_t n = 0;
	int error = 0;

	*out = NULL;
	spec[n++] = 'x';
	spec[n++] = '\'';
	if (is_raw_key(key)) {
		const uint8_t *p = kansa_secret_data(key);
		for (size_t i = 0; i < 2 * KANSA_HASH_LEN; i++) /* lowercase: one spelling per key */
			spec[n++] = (char)((p[i] >= 'A' && p[i] <= 'F') ? p[i] + ('a' - 'A') : p[i]);
	} else {
		/* REQ: LEDGER-KEY-2 scrypt N=2^15 r=8 p=1 over the passphrase with the db salt */
		if ((error = kansa_kdf_scrypt(derived, sizeof(derived), key, salt, KANSA_STORE_SALT_LEN,
		    KANSA_STORE_SCRYPT_N, KANSA_STORE_SCRYPT_R, KANSA_STORE_SCRYPT_P)) < 0)
			goto out;
		kansa_hex_encode(spec + n, derived, sizeof(derived));
		n += 2 * sizeof(derived);
		kansa_hex_encode(spec + n, salt, KANSA_STORE_SALT_LEN);
		n += 2 * KANSA_STORE_SALT_LEN;
	}
	spec[n++] = '\'';
	spec[n] = '\0';
	error = kansa_secret_from(out, spec, n);
out:
	kansa_wipe(spec, sizeof(spec));
	kansa_wipe(derived, sizeof(derived));
	return error;
}

/*
 * Open, key and check one connection of @p s (read-only when @p readonly or
 * the store is). On error *out is NULL and nothing is left open.
 */
int kansa_store__connect(sqlite3 **out, kansa_store *s, bool readonly)
{
	sqlite3 *db = NULL;
	char *uri = NULL;
	int rc, error = 0;
	int oflags = (readonly || (s->flags & KANSA_STORE_READONLY) ? SQLITE_OPEN_READONLY :
	    SQLITE_OPEN_READWRITE) | SQLITE_OPEN_FULLMUTEX | SQLITE_OPEN_PRIVATECACHE;
	const kansa_secret *keyspec = s->keyspec;

	*out = NULL;
	/* REQ: LEDGER-RO-3 a read-only copy is read without making a -wal or -shm */
	if (s->immutable) {
		if ((error = kansa_store__immutable_uri(&uri, s->path)) < 0)
			goto out;
		oflags |= SQLITE_OPEN_URI;
	}
	if ((rc = sqlite3_open_v2(uri ? uri : s->path, &db, oflags, NULL)) != SQLITE_OK) {
		error = kansa_store__sqlerr(db, rc, "cannot open ledger");
		goto out;
	}
	if ((rc = sqlite3_key_v2(db, "main", kansa_secret_data(keyspec),
	    (int)kansa_secret_len(keyspec))) != SQLITE_OK) {
		error = kansa_store__sqlerr(db, rc, "cannot key ledger");
		goto out;
	}
	/* Page size must be set after the key and before the first page is read. */
	if ((error = kansa_store__exec_db(db, "PRAGMA cipher_page_size = 4096", "cannot set page size")) < 0 ||
	    (error = kansa_store__exec_db(db, "PRAGMA temp_store = MEMORY", "cannot set temp_store")) < 0)
		goto out;
	sqlite3_busy_timeout(db, KANSA_STORE_BUSY_MS);
	/* REQ: LEDGER-KEY-3 a wrong key shows on the first read, as SQLITE_NOTADB */
	if ((error = kansa_store__exec_db(db, "SELECT count(*) FROM sqlite_master", "cannot read ledger")) < 0)
		goto out;
	*out = db;
	db = NULL;
out:
	sqlite3_close(db); /* also when open failed: SQLite may have allocated a handle */
	free(uri);
	return error;
}

/* ---------------------------------------------------------------------- */
/* Open and close                                                          */
/* ---------------------------------------------------------------------- */

static void fsync_parent(const char *path)
{
	char *copy = kansa_strndup(path, strlen(path));
	int fd;

	if (copy == NULL)
		return;
	if ((fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		(void)fsync(fd);
		close(fd);
	}
	free(copy);
}

static void unlink_db(const char *path)
{
	static const char *const suffix[] = { "", "-journal", "-wal", "-shm" };
	char name[4096];

	for (size_t i = 0; i < KANSA_ARRAY_SIZE(suffix); i++) {
		int n = snprintf(name, sizeof(name), "%s%s", path, suffix[i]);
		if (n > 0 && (size_t)n < sizeof(name))
			(void)unlink(name);
	}
}

static int create_schema(kansa_store *s)
{
	int error;

	/* Built in rollback-journal mode, so that page 1 (and the salt in it) is
	 * in the main file, never only in a WAL, before WAL mode is switched on. */
	if ((error = kansa_store__exec(s, "PRAGMA application_id = 1802400609",
	    "cannot create ledger")) < 0 ||
	    (error = kansa_store__exec(s, "PRAGMA synchronous = FULL", "cannot create ledger")) < 0 ||
	    (error = kansa_store__exec(s, "BEGIN IMMEDIATE", "cannot create ledger")) < 0)
		return error;
	if ((error = kansa_store__exec(s, schema_sql, "cannot create ledger schema")) < 0 ||
	    (error = kansa_store__exec(s, "COMMIT", "cannot create ledger schema")) < 0) {
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		return error;
	}
	return 0;
}

static int check_schema(kansa_store *s)
{
	sqlite3_stmt *st = NULL;
	int64_t app_id = 0;
	int rc, error;

	_Static_assert(APP_ID == 1802400609, "application_id in create_schema");
	if ((error = pragma_int(&app_id, s->db, "PRAGMA application_id", "cannot read ledger")) < 0)
		return error;
	if (app_id != APP_ID)
		return kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_LEDGER,
		    "'%s' is not a kansa ledger", s->path);
	if (sqlite3_prepare_v2(s->db, "SELECT value FROM meta WHERE key = 'store.schema_version'",
	    -1, &st, NULL) != SQLITE_OK) {
		sqlite3_finalize(st);
		return kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_LEDGER,
		    "'%s' is not a kansa ledger (no meta table)", s->path);
	}
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) == SQLITE_INTEGER &&
	    sqlite3_column_int64(st, 0) == KANSA_STORE_SCHEMA_VERSION)
		error = 0;
	else if (rc == SQLITE_ROW)
		/* REQ: LEDGER-STORE-2 unknown schema versions are refused */
		error = kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_LEDGER,
		    "'%s': unsupported ledger schema version %s (this kansa knows %d)", s->path,
		    sqlite3_column_text(st, 0) ? (const char *)sqlite3_column_text(st, 0) : "?",
		    KANSA_STORE_SCHEMA_VERSION);
	else if (rc == SQLITE_DONE)
		error = kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_LEDGER,
		    "'%s' is not a kansa ledger (no schema version)", s->path);
	else
		error = kansa_store__sqlerr(s->db, rc, "cannot read ledger");
	sqlite3_finalize(st);
	return error;
}

static int set_pragmas(kansa_store *s)
{
	char mode[16];
	int error;

	if (!(s->flags & KANSA_STORE_READONLY)) {
		/* REQ: LEDGER-STORE-3 WAL: readers do not block the writer; one fsync per commit */
		if ((error = pragma_text(mode, sizeof(mode), s->db, "PRAGMA journal_mode = WAL",
		    "cannot set journal mode")) < 0)
			return error;
		if (strcmp(mode, "wal") != 0)
			return kansa_error_set(KANSA_EIO, KANSA_ERRCLASS_LEDGER,
			    "cannot switch ledger to WAL mode (got '%s')", mode);
	}
	/* REQ: LEDGER-STORE-4 synchronous=FULL: the WAL is fsync'd at every commit */
	if ((error = kansa_store__exec(s, "PRAGMA synchronous = FULL", "cannot set synchronous")) < 0 ||
	    (error = kansa_store__exec(s, "PRAGMA foreign_keys = ON", "cannot set foreign_keys")) < 0)
		return error;
	return 0;
}

static int read_salt(uint8_t salt[KANSA_STORE_SALT_LEN], int fd, const char *path)
{
	size_t got = 0;

	while (got < KANSA_STORE_SALT_LEN) {
		ssize_t n = pread(fd, salt + got, KANSA_STORE_SALT_LEN - got, (off_t)got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return kansa_error_set(KANSA_EIO, KANSA_ERRCLASS_OS, "cannot read '%s': %s",
			    path, strerror(errno));
		if (n == 0)
			return kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_LEDGER,
			    "'%s' is not a kansa ledger (too short)", path);
		got += (size_t)n;
	}
	return 0;
}

/*
 * Check the file and read its salt; or, with CREATE, make it (0600, O_EXCL)
 * and a salt. The descriptor stays open in s->fd (see store_impl.h).
 */
static int prepare_file(uint8_t salt[KANSA_STORE_SALT_LEN], bool *created, kansa_store *s)
{
	const char *path = s->path;
	struct stat st;
	int error = 0;

	*created = false;
	if (s->flags & KANSA_STORE_CREATE) {
		/* REQ: LEDGER-STORE-5 the database is 0600 from its first byte */
		s->fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (s->fd < 0)
			return kansa_error_set(errno == EEXIST ? KANSA_EEXISTS : KANSA_EIO,
			    KANSA_ERRCLASS_OS, "cannot create ledger '%s': %s", path, strerror(errno));
		*created = true;
		if ((error = kansa_store__check_name(s->fd, path)) < 0)
			return error;
		return kansa_random(salt, KANSA_STORE_SALT_LEN);
	}
	s->fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (s->fd < 0)
		return kansa_error_set(errno == ENOENT ? KANSA_ENOTFOUND : KANSA_EIO, KANSA_ERRCLASS_OS,
		    "cannot open ledger '%s': %s", path,
		    errno == ELOOP ? "is a symbolic link" : strerror(errno));
	if (fstat(s->fd, &st) < 0 || !S_ISREG(st.st_mode))
		return kansa_error_set(KANSA_EIO, KANSA_ERRCLASS_OS,
		    "ledger '%s' is not a regular file", path);
	if (st.st_size < PAGE_SIZE)
		return kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_LEDGER,
		    "'%s' is not a kansa ledger (too short)", path);
	if ((error = read_salt(salt, s->fd, path)) < 0)
		return error;
	if (s->flags & KANSA_STORE_READONLY)
		return kansa_store__read_mode(&s->immutable, s->fd, path);
	return kansa_store__check_name(s->fd, path);
}

int kansa_sqlite__open(kansa_store **out, const char *path, const kansa_secret *key, int flags)
{
	uint8_t salt[KANSA_STORE_SALT_LEN] = { 0 };
	kansa_store *s = NULL;
	bool created = false;
	int error;

	if (out == NULL)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_LEDGER, "ledger open: no output");
	*out = NULL;
	/* REQ: SEC-WIPE-SQLITE decrypted pages (log.seed) are wiped when SQLite frees them */
	(void)kansa_store__mem_init();
	if (path == NULL || path[0] == '\0' || key == NULL || kansa_secret_len(key) == 0 ||
	    (flags & ~(KANSA_STORE_CREATE | KANSA_STORE_READONLY)) != 0 ||
	    (flags & KANSA_STORE_CREATE && flags & KANSA_STORE_READONLY))
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_LEDGER,
		    "ledger open: invalid arguments");
	if ((error = kansa_store__alloc(&s, path, flags)) < 0)
		return error;
	s->eng = &kansa_sqlite__engine;
	s->fd = -1;

	if ((error = prepare_file(salt, &created, s)) < 0 ||
	    (error = make_keyspec(&s->keyspec, key, salt)) < 0 ||
	    (error = kansa_store__connect(&s->db, s, false)) < 0)
		goto out;
	if (created)
		error = create_schema(s);
	else
		error = check_schema(s);
	if (error < 0 || (error = set_pragmas(s)) < 0)
		goto out;
	for (int i = 0; i < ST_COUNT_; i++)
		if ((error = kansa_store__prepare(&s->st[i], s, stmt_sql[i])) < 0)
			goto out;
	if (created)
		fsync_parent(path);
	*out = s;
	s = NULL;
out:
	kansa_wipe(salt, sizeof(salt));
	if (s != NULL) {
		kansa_sqlite__close(s);
		if (created)
			unlink_db(path);
	}
	return error;
}

void kansa_sqlite__close(kansa_store *s)
{
	if (s == NULL)
		return;
	for (int i = 0; i < ST_COUNT_; i++)
		sqlite3_finalize(s->st[i]);
	sqlite3_close(s->db);
	if (s->fd >= 0)
		close(s->fd); /* after the connection: see store_impl.h */
	kansa_secret_free(s->keyspec);
	kansa_store__free(s);
}

int kansa_sqlite__rekey(kansa_store *s, const kansa_secret *new_key)
{
	uint8_t salt[KANSA_STORE_SALT_LEN] = { 0 };
	kansa_secret *spec = NULL, *raw = NULL;
	char head[2 + 2 * KANSA_HASH_LEN + 1]; /* x'<64 hex>' */
	char mode[16];
	int rc, error = 0;

	if (s == NULL || new_key == NULL || kansa_secret_len(new_key) == 0)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_LEDGER, "rekey: invalid arguments");
	if (s->flags & KANSA_STORE_READONLY)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_LEDGER,
		    "rekey: ledger is open read-only");
	kansa_store__lock(s);
	/* The salt stays: it is in page 1, which the rekey rewrites with it.
	 * Read through the store's own descriptor: opening and closing another
	 * would drop this process's POSIX locks on the file, SQLite's included. */
	if ((error = read_salt(salt, s->fd, s->path)) < 0 ||
	    (error = make_keyspec(&spec, new_key, salt)) < 0)
		goto out;
	/*
	 * SQLCipher 3.4 rekeys page by page through the pager; frames already in
	 * the WAL are under the old key. Empty the WAL and rekey in rollback
	 * mode, which needs exclusive use of the file.
	 */
	if ((error = kansa_store__exec(s, "PRAGMA wal_checkpoint(TRUNCATE)", "rekey")) < 0 ||
	    (error = pragma_text(mode, sizeof(mode), s->db, "PRAGMA journal_mode = DELETE",
	    "rekey")) < 0)
		goto out;
	if (strcmp(mode, "delete") != 0) {
		error = kansa_error_set(KANSA_ELOCKED, KANSA_ERRCLASS_LEDGER,
		    "rekey: the ledger is in use by another process");
		goto out;
	}
	/* Rekey with the key part only: x'<64 hex>' (the salt part would reset the salt). */
	memcpy(head, kansa_secret_data(spec), sizeof(head) - 1);
	head[sizeof(head) - 1] = '\'';
	error = kansa_secret_from(&raw, head, sizeof(head));
	kansa_wipe(head, sizeof(head));
	if (error < 0)
		goto restore;
	if ((rc = sqlite3_rekey_v2(s->db, "main", kansa_secret_data(raw),
	    (int)kansa_secret_len(raw))) != SQLITE_OK) {
		error = kansa_store__sqlerr(s->db, rc, "rekey");
		goto restore;
	}
	kansa_secret_free(s->keyspec);
	s->keyspec = spec;
	spec = NULL;
restore:
	{
		int e2 = set_pragmas(s);
		if (error == 0)
			error = e2;
	}
out:
	kansa_store__unlock(s);
	kansa_wipe(salt, sizeof(salt));
	kansa_secret_free(raw);
	kansa_secret_free(spec);
	return error;
}

