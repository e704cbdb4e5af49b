/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The ledger's database file as an inode, beside SQLite: which file names a
 * writer accepts, and how a reader opens a ledger it may not write to. The
 * store (ledger/store/store.c) opens the file itself before SQLite does and keeps
 * that descriptor until after the SQLite connection is closed.
 *
 * Names. SQLite keeps a WAL database's -wal and -shm beside the NAME it was
 * given, and the WAL write lock lives in the -shm. Two names for one inode
 * (a hard link, or a bind mount of the file itself, which is what a
 * container volume "-v /srv/ledger.db:/data/ledger.db" is) therefore give
 * one database two write-ahead logs and two write locks: a writer under one
 * name neither waits for nor sees what is committed under the other until
 * a checkpoint, so it extends an old head and the chain forks (use counts
 * past max_uses, allow receipts whose entry is later overwritten). A lock
 * held across each write batch would serialize the two writers but not let
 * either see the other's log; and after a crash, committed entries stay in
 * a -wal that only their own name sees (for a container's file volume, in
 * the container's own file system). So a writer refuses any file with more
 * than one link or that is itself a mount point: one inode, one name, one
 * log.
 *
 * Readers. A read-only SQLite connection to a WAL database creates -wal and
 * -shm beside it when it can (and cannot remove them again, since removing
 * needs a write lock on a read-only descriptor), and cannot open it at all
 * in a directory it cannot write. When no -wal holds data and no SQLite
 * connection has the file open, every committed entry is in the database
 * file itself, so the reader opens it "immutable" (no -wal, no -shm, no
 * locks of SQLite's) and holds a read lock on SQLite's SHARED byte range,
 * as any SQLite reader does, so that a writer that opens the file meanwhile
 * keeps its log in its -wal instead of checkpointing into the file at close.
 *
 * This file never writes the database file and never creates or removes a
 * -wal or -shm.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ledger/store/store_impl.h"

/* SQLite's lock bytes in the database file (os_unix.c): PENDING_BYTE, then
 * RESERVED_BYTE, then the SHARED range of 510 bytes. */
#define SQLITE_PENDING_BYTE 0x40000000
#define SQLITE_SHARED_FIRST (SQLITE_PENDING_BYTE + 2)
#define SQLITE_SHARED_SIZE 510
#define SQLITE_LOCK_BYTES 512

/* The directory part of @p path: st of it. */
static int stat_dir(struct stat *out, const char *path)
{
	char *copy = kansa_strndup(path, strlen(path));
	int rc;

	if (copy == NULL)
		return kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
	rc = stat(dirname(copy), out);
	free(copy);
	if (rc < 0)
		return kansa_error_set(KANSA_EIO, KANSA_ERRCLASS_OS, "cannot stat the directory of '%s': %s",
		    path, strerror(errno));
	return 0;
}

/* Whether the file of @p fd is itself the root of a mount (a bind-mounted file). */
static int is_mount_root(bool *out, int fd, const char *path, const struct stat *st)
{
	struct stat dir;
	int error;

	*out = false;
#ifdef STATX_ATTR_MOUNT_ROOT
	{
		struct statx sx;
		if (statx(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &sx) == 0 &&
		    (sx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT)) {
			*out = (sx.stx_attributes & STATX_ATTR_MOUNT_ROOT) != 0;
			return 0;
		}
	}
#endif
	/* Older kernels: a file bind-mounted from another file system shows
	 * another device than the directory it appears in. */
	if ((error = stat_dir(&dir, path)) < 0)
		return error;
	*out = dir.st_dev != st->st_dev;
	return 0;
}

int kansa_store__check_name(int fd, const char *path)
{
	struct stat st;
	bool mounted = false;
	int error;

	if (fstat(fd, &st) < 0)
		return kansa_error_set(KANSA_EIO, KANSA_ERRCLASS_OS, "cannot stat ledger '%s': %s", path,
		    strerror(errno));
	/* REQ: LEDGER-NAMES-1 a writer refuses a ledger file with a second name */
	if (st.st_nlink != 1)
		return kansa_error_set(KANSA_EIO, KANSA_ERRCLASS_LEDGER,
		    "ledger '%s' has %ju names (hard links): SQLite keeps a -wal and -shm per name, so"
		    " writers under two names would fork the chain; remove the other links",
		    path, (uintmax_t)st.st_nlink);
	if ((error = is_mount_root(&mounted, fd, path, &st)) < 0)
		return error;
	if (mounted)
		return kansa_error_set(KANSA_EIO, KANSA_ERRCLASS_LEDGER,
		    "ledger '%s' is a bind-mounted file: its -wal and -shm would live outside the"
		    " mount, and writers under its other name would fork the chain; mount its"
		    " directory instead", path);
	return 0;
}

/* An OFD lock operation on [start, start + len) of @p fd. */
static int ofd_lock(int fd, int cmd, short type, off_t start, off_t len, short *type_out)
{
	struct flock fl;

	memset(&fl, 0, sizeof(fl));
	fl.l_type = type;
	fl.l_whence = SEEK_SET;
	fl.l_start = start;
	fl.l_len = len;
	if (fcntl(fd, cmd, &fl) < 0)
		return -1;
	if (type_out)
		*type_out = fl.l_type;
	return 0;
}

int kansa_store__read_mode(bool *immutable, int fd, const char *path)
{
	char wal[4096];
	struct stat st;
	short other = F_UNLCK;
	int n;

	*immutable = false;
	n = snprintf(wal, sizeof(wal), "%s-wal", path);
	if (n < 0 || (size_t)n >= sizeof(wal))
		return kansa_error_set(KANSA_ELIMIT, KANSA_ERRCLASS_LEDGER, "ledger path too long");
	/* REQ: LEDGER-RO-1 a -wal with data holds committed entries: read it through SQLite */
	if (stat(wal, &st) == 0 && st.st_size > 0)
		return 0;
	/* Our read lock first, then look for anyone else's: a connection that
	 * opens after the look finds our lock (see the file comment). */
	if (ofd_lock(fd, F_OFD_SETLK, F_RDLCK, SQLITE_SHARED_FIRST, SQLITE_SHARED_SIZE, NULL) < 0)
		return 0; /* a writer holds it exclusively (or no OFD locks here): SQLite decides */
	if (ofd_lock(fd, F_OFD_GETLK, F_WRLCK, SQLITE_PENDING_BYTE, SQLITE_LOCK_BYTES, &other) < 0 ||
	    other != F_UNLCK) {
		/* REQ: LEDGER-RO-2 an open connection may be writing: no immutable snapshot */
		(void)ofd_lock(fd, F_OFD_SETLK, F_UNLCK, SQLITE_SHARED_FIRST, SQLITE_SHARED_SIZE, NULL);
		return 0;
	}
	*immutable = true;
	return 0;
}

/* RFC 3986 unreserved characters and '/', which SQLite's URI parser takes as they are. */
static bool uri_plain(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	    c == '-' || c == '.' || c == '_' || c == '~' || c == '/';
}

int kansa_store__immutable_uri(char **out, const char *path)
{
	static const char prefix[] = "file:", suffix[] = "?immutable=1";
	static const char hex[] = "0123456789ABCDEF";
	size_t len = strlen(path), size, n = 0;
	char *uri;

	*out = NULL;
	/* every byte may become %XX */
	if (kansa_mul_size(&size, len, 3) < 0 || kansa_add_size(&size, size, sizeof(prefix) +
	    sizeof(suffix)) < 0 || (uri = malloc(size)) == NULL)
		return kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
	memcpy(uri, prefix, sizeof(prefix) - 1);
	n = sizeof(prefix) - 1;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)path[i];
		/* "file://" would start an authority: a second leading '/' is escaped */
		if (uri_plain(c) && !(i == 1 && c == '/' && path[0] == '/')) {
			uri[n++] = (char)c;
		} else {
			uri[n++] = '%';
			uri[n++] = hex[c >> 4];
			uri[n++] = hex[c & 15];
		}
	}
	memcpy(uri + n, suffix, sizeof(suffix));
	*out = uri;
	return 0;
}
