/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The SQLCipher adapter of the ledger: opening and keying the database, the
 * schema, and every read and small write. Appending (group commit) lives in
 * ledger/store/group.c.
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
	[ST_USES_INIT] = "INSERT OR IGNORE INTO uses(cti, count) VALUES(?1, 0)",
	[ST_USES_INC] = "UPDATE OR ROLLBACK uses SET count = count + 1 WHERE cti = ?1",
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

static int exec_db(sqlite3 *db, const char *sql, const char *what)
{
	int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);

	return rc == SQLITE_OK ? 0 : kansa_store__sqlerr(db, rc, what);
}

int kansa_store__exec(kansa_store *s, const char *sql, const char *what)
{
	return exec_db(s->db, sql, what);
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

static int prepare(sqlite3_stmt **out, kansa_store *s, const char *sql)
{
	int rc = sqlite3_prepare_v2(s->db, sql, -1, out, NULL);

	return rc == SQLITE_OK ? 0 : kansa_store__sqlerr(s->db, rc, "ledger: prepare");
}

static int bind_blob(sqlite3_stmt *st, int i, const void *p, size_t len)
{
	if (len > INT32_MAX)
		return kansa_error_set(KANSA_ELIMIT, KANSA_ERRCLASS_LEDGER, "ledger: value too big");
	/* SQLITE_STATIC: every statement is reset before the data goes away. */
	if (sqlite3_bind_blob(st, i, p ? p : "", (int)len, SQLITE_STATIC) != SQLITE_OK)
		return kansa_error_set(KANSA_ERROR, KANSA_ERRCLASS_LEDGER, "ledger: bind failed");
	return 0;
}

static int check_u63(uint64_t v, const char *what)
{
	if (v > (uint64_t)INT64_MAX)
		return kansa_error_set(KANSA_ELIMIT, KANSA_ERRCLASS_LEDGER, "%s out of range", what);
	return 0;
}

static void lock(kansa_store *s)
{
	pthread_mutex_lock(&s->db_mu);
}

static void unlock(kansa_store *s)
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
static int connect_db(sqlite3 **out, kansa_store *s, bool readonly)
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
	if ((error = exec_db(db, "PRAGMA cipher_page_size = 4096", "cannot set page size")) < 0 ||
	    (error = exec_db(db, "PRAGMA temp_store = MEMORY", "cannot set temp_store")) < 0)
		goto out;
	sqlite3_busy_timeout(db, KANSA_STORE_BUSY_MS);
	/* REQ: LEDGER-KEY-3 a wrong key shows on the first read, as SQLITE_NOTADB */
	if ((error = exec_db(db, "SELECT count(*) FROM sqlite_master", "cannot read ledger")) < 0)
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

int kansa_store__open(kansa_store **out, const char *path, const kansa_secret *key, int flags)
{
	uint8_t salt[KANSA_STORE_SALT_LEN] = { 0 };
	pthread_mutexattr_t ma;
	pthread_condattr_t ca;
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
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
	pthread_mutexattr_init(&ma);
	pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&s->db_mu, &ma);
	pthread_mutexattr_destroy(&ma);
	pthread_mutex_init(&s->q_mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&s->q_cv, &ca);
	pthread_cond_init(&s->lead_cv, &ca);
	pthread_condattr_destroy(&ca);
	s->flags = flags;
	s->fd = -1;
	if ((s->path = kansa_strndup(path, strlen(path))) == NULL) {
		error = KANSA_ENOMEM;
		goto out;
	}

	if ((error = prepare_file(salt, &created, s)) < 0 ||
	    (error = make_keyspec(&s->keyspec, key, salt)) < 0 ||
	    (error = connect_db(&s->db, s, false)) < 0)
		goto out;
	if (created)
		error = create_schema(s);
	else
		error = check_schema(s);
	if (error < 0 || (error = set_pragmas(s)) < 0)
		goto out;
	for (int i = 0; i < ST_COUNT_; i++)
		if ((error = prepare(&s->st[i], s, stmt_sql[i])) < 0)
			goto out;
	if (created)
		fsync_parent(path);
	*out = s;
	s = NULL;
out:
	kansa_wipe(salt, sizeof(salt));
	if (s != NULL) {
		kansa_store__close(s);
		if (created)
			unlink_db(path);
	}
	return error;
}

void kansa_store__close(kansa_store *s)
{
	if (s == NULL)
		return;
	for (int i = 0; i < ST_COUNT_; i++)
		sqlite3_finalize(s->st[i]);
	sqlite3_close(s->db);
	if (s->fd >= 0)
		close(s->fd); /* after the connection: see store_impl.h */
	kansa_secret_free(s->keyspec);
	free(s->path);
	pthread_cond_destroy(&s->lead_cv);
	pthread_cond_destroy(&s->q_cv);
	pthread_mutex_destroy(&s->q_mu);
	pthread_mutex_destroy(&s->db_mu);
	free(s);
}

int kansa_store__rekey(kansa_store *s, const kansa_secret *new_key)
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
	lock(s);
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
	unlock(s);
	kansa_wipe(salt, sizeof(salt));
	kansa_secret_free(raw);
	kansa_secret_free(spec);
	return error;
}

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

static int step_done(kansa_store *s, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st), error = 0;

	if (rc != SQLITE_DONE)
		error = kansa_store__sqlerr(s->db, rc, what);
	kansa_store__reset(st);
	return error;
}

static int insert_doc(uint8_t hash_out[KANSA_HASH_LEN], kansa_store *s, int kind,
    const uint8_t *body, size_t len)
{
	sqlite3_stmt *st = s->st[ST_DOC_INSERT];
	uint8_t hash[KANSA_HASH_LEN];
	int error;

	if (body == NULL || len == 0)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_LEDGER, "ledger: empty document");
	if (len > KANSA_MAX_DOC_BYTES)
		return kansa_error_set(KANSA_ELIMIT, KANSA_ERRCLASS_LEDGER,
		    "ledger: document larger than %d bytes", KANSA_MAX_DOC_BYTES);
	if ((error = kansa_sha256(hash, body, len)) < 0)
		return error;
	if ((error = bind_blob(st, 1, hash, sizeof(hash))) < 0 ||
	    sqlite3_bind_int(st, 2, kind) != SQLITE_OK ||
	    (error = bind_blob(st, 3, body, len)) < 0) {
		kansa_store__reset(st);
		return error < 0 ? error : kansa_error_set(KANSA_ERROR, KANSA_ERRCLASS_LEDGER,
		    "ledger: bind failed");
	}
	if ((error = step_done(s, st, "cannot store document")) < 0)
		return error;
	if (hash_out)
		memcpy(hash_out, hash, sizeof(hash));
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
	if ((error = check_u63(seq, "seq")) < 0)
		return error;
	if (e->has_warrant)
		cti = e->warrant_cti;
	else if (e->is_revocation)
		cti = e->revoked_cti;

	if (sqlite3_bind_int64(st, 1, (sqlite3_int64)seq) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 2, e->time) != SQLITE_OK ||
	    sqlite3_bind_int(st, 3, e->kind) != SQLITE_OK ||
	    (error = bind_blob(st, 4, e->body, e->body_len)) < 0 ||
	    (error = bind_blob(st, 5, e->leaf_hash, KANSA_HASH_LEN)) < 0 ||
	    (e->has_warrant && (error = bind_blob(st, 6, e->warrant_hash, KANSA_HASH_LEN)) < 0) ||
	    (e->has_decision && sqlite3_bind_int(st, 7, e->allowed ? 1 : 0) != SQLITE_OK) ||
	    (cti && (error = bind_blob(st, 8, cti, KANSA_STORE_CTI_LEN)) < 0)) {
		kansa_store__reset(st);
		return error < 0 ? error : kansa_error_set(KANSA_ERROR, KANSA_ERRCLASS_LEDGER,
		    "ledger: bind failed");
	}
	if ((error = step_done(s, st, "cannot append entry")) < 0)
		return error;

	for (size_t i = 0; i < e->n_docs; i++)
		if ((error = insert_doc(NULL, s, e->docs[i].kind, e->docs[i].body,
		    e->docs[i].len)) < 0)
			return kansa_error_prefix("entry %llu", (unsigned long long)seq);

	/* REQ: LEDGER-STORE-6 the use counter moves in the same transaction as the
	 * entry. Uses are counted per warrant id (cti), not per document hash: a
	 * re-signed copy of a warrant must not get a fresh max_uses. */
	if (e->has_warrant && e->allowed) {
		sqlite3_stmt *init = s->st[ST_USES_INIT], *inc = s->st[ST_USES_INC];
		if ((error = bind_blob(init, 1, e->warrant_cti, 16)) < 0 ||
		    (error = step_done(s, init, "cannot count use")) < 0 ||
		    (error = bind_blob(inc, 1, e->warrant_cti, 16)) < 0 ||
		    (error = step_done(s, inc, "cannot count use")) < 0) {
			kansa_store__reset(init);
			kansa_store__reset(inc);
			return error;
		}
	}
	if (e->is_revocation) {
		sqlite3_stmt *rv = s->st[ST_REVOKED_INSERT];
		if ((error = bind_blob(rv, 1, e->revoked_cti, KANSA_STORE_CTI_LEN)) < 0 ||
		    sqlite3_bind_int64(rv, 2, (sqlite3_int64)seq) != SQLITE_OK) {
			kansa_store__reset(rv);
			return error < 0 ? error : kansa_error_set(KANSA_ERROR, KANSA_ERRCLASS_LEDGER,
			    "ledger: bind failed");
		}
		if ((error = step_done(s, rv, "cannot record revocation")) < 0)
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

int kansa_store__get(kansa_store_row *out, kansa_store *s, uint64_t seq)
{
	sqlite3_stmt *st;
	int rc, error;

	memset(out, 0, sizeof(*out));
	if ((error = check_u63(seq, "seq")) < 0)
		return error;
	lock(s);
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
	unlock(s);
	return error;
}

void kansa_store__row_dispose(kansa_store_row *row)
{
	if (row == NULL)
		return;
	free(row->body);
	memset(row, 0, sizeof(*row));
}

int kansa_store__head(kansa_store_pos *out, kansa_store *s)
{
	int error;

	lock(s);
	error = kansa_store__read_head(out, s);
	unlock(s);
	return error;
}

int kansa_store__count(uint64_t *out, kansa_store *s)
{
	kansa_store_pos pos;
	int error;

	*out = 0;
	if ((error = kansa_store__head(&pos, s)) < 0)
		return error;
	*out = pos.seq;
	return 0;
}

int kansa_store__uses(uint64_t *out, kansa_store *s, const uint8_t cti[16])
{
	sqlite3_stmt *st;
	int rc, error = 0;

	*out = 0;
	lock(s);
	st = s->st[ST_USES_GET];
	if ((error = bind_blob(st, 1, cti, 16)) < 0)
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
	unlock(s);
	return error;
}

int kansa_store__is_revoked(bool *out, uint64_t *seq_out, kansa_store *s,
    const uint8_t cti[KANSA_STORE_CTI_LEN])
{
	sqlite3_stmt *st;
	int rc, error = 0;

	*out = false;
	if (seq_out)
		*seq_out = 0;
	lock(s);
	st = s->st[ST_REVOKED_GET];
	if ((error = bind_blob(st, 1, cti, KANSA_STORE_CTI_LEN)) < 0)
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
	unlock(s);
	return error;
}

int kansa_store__find_leaf(uint64_t *seq_out, kansa_store *s, const uint8_t leaf[KANSA_HASH_LEN])
{
	sqlite3_stmt *st = NULL;
	int rc, error;

	*seq_out = 0;
	lock(s);
	rc = sqlite3_prepare_v2(s->db, "SELECT seq FROM entries WHERE leaf_hash = ?1 ORDER BY seq LIMIT 1",
	    -1, &st, NULL);
	if (rc != SQLITE_OK) {
		error = kansa_store__sqlerr(s->db, rc, "cannot search entries");
		goto out;
	}
	if ((error = bind_blob(st, 1, leaf, KANSA_HASH_LEN)) < 0)
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
	unlock(s);
	return error;
}

/* ---------------------------------------------------------------------- */
/* Iteration: its own read-only connection, one snapshot                   */
/* ---------------------------------------------------------------------- */

int kansa_store__iter_new(kansa_store_iter **out, kansa_store *s, uint64_t from_seq)
{
	kansa_store_iter *it;
	int rc, error;

	*out = NULL;
	if ((error = check_u63(from_seq, "seq")) < 0)
		return error;
	if ((it = calloc(1, sizeof(*it))) == NULL)
		return kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
	lock(s); /* the keyspec may change under rekey */
	error = connect_db(&it->db, s, true);
	unlock(s);
	if (error < 0)
		goto out;
	if ((error = exec_db(it->db, "BEGIN", "cannot read ledger")) < 0)
		goto out;
	if ((rc = sqlite3_prepare_v2(it->db, "SELECT seq, time, kind, body, leaf_hash FROM entries"
	    " WHERE seq >= ?1 ORDER BY seq", -1, &it->st, NULL)) != SQLITE_OK) {
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
	kansa_store__iter_free(it);
	return error;
}

int kansa_store__iter_next(kansa_store_row *row, kansa_store_iter *it)
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
	return 1;
}

void kansa_store__iter_free(kansa_store_iter *it)
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

/* ---------------------------------------------------------------------- */
/* Documents, meta, Merkle nodes, checkpoints                              */
/* ---------------------------------------------------------------------- */

static bool writable(kansa_store *s, int *error)
{
	if (s->flags & KANSA_STORE_READONLY) {
		*error = kansa_error_set(KANSA_EIO, KANSA_ERRCLASS_LEDGER,
		    "cannot write: ledger is read-only");
		return false;
	}
	return true;
}

int kansa_store__doc_put(uint8_t hash_out[KANSA_HASH_LEN], kansa_store *s, int kind,
    const uint8_t *body, size_t len)
{
	int error = 0;

	if (!writable(s, &error))
		return error;
	lock(s);
	error = insert_doc(hash_out, s, kind, body, len);
	unlock(s);
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

int kansa_store__doc_get(uint8_t **body_out, size_t *len_out, int *kind_out, kansa_store *s,
    const uint8_t hash[KANSA_HASH_LEN])
{
	sqlite3_stmt *st;
	int rc, error;

	*body_out = NULL;
	*len_out = 0;
	lock(s);
	st = s->st[ST_DOC_GET];
	if ((error = bind_blob(st, 1, hash, KANSA_HASH_LEN)) < 0)
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
	unlock(s);
	return error;
}

int kansa_store__meta_put(kansa_store *s, const char *key, const uint8_t *value, size_t len)
{
	sqlite3_stmt *st = NULL;
	int error = 0;

	if (key == NULL || key[0] == '\0' || strncmp(key, "store.", 6) == 0)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_LEDGER,
		    "meta: invalid or reserved key");
	if (!writable(s, &error))
		return error;
	lock(s);
	if ((error = prepare(&st, s, "INSERT OR REPLACE INTO meta(key, value) VALUES(?1, ?2)")) < 0)
		goto out;
	if (sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC) != SQLITE_OK ||
	    (error = bind_blob(st, 2, value, len)) < 0) {
		error = error < 0 ? error : kansa_error_set(KANSA_ERROR, KANSA_ERRCLASS_LEDGER,
		    "ledger: bind failed");
		goto out;
	}
	error = step_done(s, st, "cannot write meta");
out:
	sqlite3_finalize(st);
	unlock(s);
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

int kansa_store__meta_get(uint8_t **value_out, size_t *len_out, kansa_store *s, const char *key)
{
	sqlite3_stmt *st = NULL;
	int error;

	*value_out = NULL;
	*len_out = 0;
	lock(s);
	if ((error = meta_find(&st, s, key)) == 0)
		error = kansa_store__blob_out(value_out, len_out, st, 0);
	if (st)
		kansa_store__reset(st);
	unlock(s);
	return error;
}

int kansa_store__meta_get_secret(kansa_secret **out, kansa_store *s, const char *key)
{
	sqlite3_stmt *st = NULL;
	int error;

	*out = NULL;
	lock(s);
	if ((error = meta_find(&st, s, key)) == 0) {
		const void *p = sqlite3_column_blob(st, 0);
		int n = sqlite3_column_bytes(st, 0);
		error = kansa_secret_from(out, p, n > 0 ? (size_t)n : 0);
	}
	if (st)
		kansa_store__reset(st);
	unlock(s);
	return error;
}

int kansa_store__node_put(kansa_store *s, uint32_t level, uint64_t idx,
    const uint8_t hash[KANSA_HASH_LEN])
{
	sqlite3_stmt *st = NULL;
	int error = 0;

	if (!writable(s, &error) || (error = check_u63(idx, "merkle index")) < 0)
		return error;
	lock(s);
	/* A node is written once as the tree grows; "put replaces" is kept by
	 * an UPDATE when the INSERT finds the node already there. */
	for (int i = 0; i < 2; i++) {
		st = s->st[i == 0 ? ST_NODE_PUT : ST_NODE_SET];
		sqlite3_bind_int64(st, 1, (sqlite3_int64)level);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)idx);
		if ((error = bind_blob(st, 3, hash, KANSA_HASH_LEN)) < 0) {
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
			error = step_done(s, st, "cannot write merkle node");
		}
	}
	unlock(s);
	return error;
}

int kansa_store__node_get(uint8_t out[KANSA_HASH_LEN], kansa_store *s, uint32_t level,
    uint64_t idx)
{
	sqlite3_stmt *st = NULL;
	int rc, error;

	if ((error = check_u63(idx, "merkle index")) < 0)
		return error;
	lock(s);
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
	unlock(s);
	return error;
}

int kansa_store__checkpoint_put(kansa_store *s, uint64_t size, const uint8_t *note, size_t len)
{
	sqlite3_stmt *st = NULL;
	bool own_txn;
	int rc, error = 0;

	if (!writable(s, &error) || (error = check_u63(size, "checkpoint size")) < 0)
		return error;
	if (note == NULL || len == 0)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_LEDGER, "checkpoint: empty note");
	lock(s);
	/* Look and insert in one write transaction, unless already inside one. */
	own_txn = sqlite3_get_autocommit(s->db) != 0;
	if (own_txn && (error = kansa_store__exec(s, "BEGIN IMMEDIATE", "cannot store checkpoint")) < 0)
		goto out;
	if ((error = prepare(&st, s, "SELECT note FROM checkpoints WHERE size = ?1")) < 0)
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
	if ((error = prepare(&st, s, "INSERT INTO checkpoints(size, note) VALUES(?1, ?2)")) < 0)
		goto out;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)size);
	if ((error = bind_blob(st, 2, note, len)) < 0)
		goto out;
	error = step_done(s, st, "cannot store checkpoint");
out:
	sqlite3_finalize(st);
	if (own_txn && !sqlite3_get_autocommit(s->db)) {
		if (error == 0)
			error = kansa_store__exec(s, "COMMIT", "cannot store checkpoint");
		if (error < 0)
			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	}
	unlock(s);
	return error;
}

static int checkpoint_read(uint64_t *size_out, uint8_t **note_out, size_t *len_out,
    kansa_store *s, const char *sql, const uint64_t *size)
{
	sqlite3_stmt *st = NULL;
	int rc, error;

	*note_out = NULL;
	*len_out = 0;
	lock(s);
	if ((error = prepare(&st, s, sql)) < 0)
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
	unlock(s);
	return error;
}

int kansa_store__checkpoint_get(uint8_t **note_out, size_t *len_out, kansa_store *s, uint64_t size)
{
	int error;

	if ((error = check_u63(size, "checkpoint size")) < 0) {
		*note_out = NULL;
		*len_out = 0;
		return error;
	}
	return checkpoint_read(NULL, note_out, len_out, s,
	    "SELECT size, note FROM checkpoints WHERE size = ?1", &size);
}

int kansa_store__checkpoint_latest(uint64_t *size_out, uint8_t **note_out, size_t *len_out,
    kansa_store *s)
{
	*size_out = 0;
	return checkpoint_read(size_out, note_out, len_out, s,
	    "SELECT size, note FROM checkpoints ORDER BY size DESC LIMIT 1", NULL);
}
