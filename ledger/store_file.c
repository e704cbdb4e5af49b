/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The ledger's database file as an inode, beside SQLite: which file names a
 * writer accepts. The
 * store (ledger/store.c) opens the file itself before SQLite does and keeps
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

#include "ledger/store_impl.h"

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
