/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Careful whole-file I/O for keys, documents and secrets. Writes are atomic
 * (temporary file, fsync, link or rename, fsync of the directory), so a crash
 * or a full disk never leaves a partial key file, and a secret file is
 * created 0600 from its first byte (no window where others could read it).
 * Every file kansa reads is opened by kansa_file__open_read(), which never
 * blocks on a FIFO and accepts regular files only.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "keys/keys.h"

static int read_fd(uint8_t **out, size_t *len_out, int fd, const char *path, size_t max)
{
	kansa_buf b = KANSA_BUF_INIT(max + 1);
	uint8_t chunk[4096];
	int error = 0;

	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			error = kansa_error_set(KANSA_EIO, KANSA_ERRCLASS_OS,
			    "cannot read '%s': %s", path, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		if (b.len + (size_t)n > max) {
			error = kansa_error_set(KANSA_ELIMIT, KANSA_ERRCLASS_OS,
			    "'%s' is larger than the limit of %zu bytes", path, max);
			goto out;
		}
		if ((error = kansa_buf_put(&b, chunk, (size_t)n)) < 0)
			goto out;
	}
	if ((error = kansa_buf_putc(&b, 0)) < 0)
		goto out;
	b.len--;
	*out = kansa_buf_detach(&b, len_out);
out:
	OPENSSL_cleanse(chunk, sizeof(chunk));
	if (error < 0 && b.ptr)
		OPENSSL_cleanse(b.ptr, b.cap);
	kansa_buf_dispose(&b);
	return error;
}

/*
 * The one way kansa opens a file it reads (documents, keys, key files,
 * passphrase files). REQ: SEC-FILE-OPEN
 *  - O_NOFOLLOW: a symbolic link planted in place of the file is refused;
 *  - O_NONBLOCK: opening a FIFO (or a device) returns at once instead of
 *    waiting forever for a writer; after fstat shows a regular file the
 *    flag is cleared again, so reads behave as usual;
 *  - anything but a regular file is refused before a byte is read:
 *    KANSA_EFORMAT for an input (exit 3, unreadable input), KANSA_EIO for a
 *    secret (exit 4, an environment problem, as its other refusals are);
 *  - with KANSA_FILE_SECRET, a mode that lets group or others in is refused
 *    (KANSA_EPERM).
 * @p what names the file in messages ("" or "secret file ").
 */
int kansa_file__open_read(int *fd_out, struct stat *st_out, const char *path, int flags,
    const char *what)
{
	bool secret = (flags & KANSA_FILE_SECRET) != 0;
	int fd, fl, error = 0;

	*fd_out = -1;
	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return kansa_error_set(errno == ENOENT ? KANSA_ENOTFOUND : KANSA_EIO,
		    KANSA_ERRCLASS_OS, "cannot open %s'%s': %s", what, path, strerror(errno));
	if (fstat(fd, st_out) < 0) {
		error = kansa_error_set(KANSA_EIO, KANSA_ERRCLASS_OS, "cannot stat %s'%s': %s",
		    what, path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st_out->st_mode)) {
		error = kansa_error_set(secret ? KANSA_EIO : KANSA_EFORMAT, KANSA_ERRCLASS_OS,
		    "%s'%s' is not a regular file", what, path);
		goto out;
	}
	if (secret && (st_out->st_mode & 077)) {
		error = kansa_error_set(KANSA_EPERM, KANSA_ERRCLASS_OS,
		    "permissions %04o for %s'%s' are too open: it holds a secret and must not "
		    "be accessible by group or others; run: chmod 600 '%s'",
		    (unsigned)(st_out->st_mode & 07777), what, path, path);
		goto out;
	}
	if ((fl = fcntl(fd, F_GETFL)) < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0) {
		error = kansa_error_set(KANSA_EIO, KANSA_ERRCLASS_OS, "cannot read %s'%s': %s",
		    what, path, strerror(errno));
		goto out;
	}
	*fd_out = fd;
	fd = -1;
out:
	if (fd >= 0)
		close(fd);
	return error;
}

int kansa_file_read(uint8_t **out, size_t *len_out, const char *path, size_t max, int flags)
{
	struct stat st;
	int fd, error;

	*out = NULL;
	*len_out = 0;
	if (path == NULL)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_OS, "no file name");
	if (strcmp(path, "-") == 0)
		return read_fd(out, len_out, STDIN_FILENO, "standard input", max);
	if ((error = kansa_file__open_read(&fd, &st, path, flags, "")) < 0)
		return error;
	if ((size_t)st.st_size > max) {
		error = kansa_error_set(KANSA_ELIMIT, KANSA_ERRCLASS_OS,
		    "'%s' is larger than the limit of %zu bytes", path, max);
		goto out;
	}
	error = read_fd(out, len_out, fd, path, max);
out:
	close(fd);
	return error;
}

static int write_all(int fd, const uint8_t *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static void fsync_dir(const char *path)
{
	char *copy = strdup(path);
	int dfd;

	if (copy == NULL)
		return;
	if ((dfd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		(void)fsync(dfd);
		close(dfd);
	}
	free(copy);
}

int kansa_file_write(const char *path, const void *data, size_t len, unsigned mode, int flags)
{
	kansa_buf tmp = KANSA_BUF_INIT(4096 + 32);
	int fd = -1, error = 0;

	if (path == NULL || strcmp(path, "-") == 0) {
		if (path && write_all(STDOUT_FILENO, data, len) == 0)
			return 0;
		return kansa_error_set(KANSA_EIO, KANSA_ERRCLASS_OS, "cannot write to standard output");
	}
	if (flags & KANSA_FILE_SECRET)
		mode = 0600;
	if (!(flags & KANSA_FILE_REPLACE) && access(path, F_OK) == 0)
		return kansa_error_set(KANSA_EEXISTS, KANSA_ERRCLASS_OS,
		    "'%s' already exists; refusing to overwrite it (move it away or choose another name)", path);
	if ((error = kansa_buf_printf(&tmp, "%s.tmp-XXXXXX", path)) < 0)
		return error;
	/* mkostemp creates the file 0600 with O_EXCL: never readable by others. */
	if ((fd = mkostemp((char *)tmp.ptr, O_CLOEXEC)) < 0) {
		error = kansa_error_set(KANSA_EIO, KANSA_ERRCLASS_OS,
		    "cannot create a file next to '%s': %s", path, strerror(errno));
		goto out;
	}
	if (write_all(fd, data, len) < 0 || fchmod(fd, (mode_t)(mode & 0777)) < 0 || fsync(fd) < 0) {
		error = kansa_error_set(KANSA_EIO, KANSA_ERRCLASS_OS,
		    "cannot write '%s': %s", path, strerror(errno));
		goto out;
	}
	if (close(fd) < 0) {
		fd = -1;
		error = kansa_error_set(KANSA_EIO, KANSA_ERRCLASS_OS,
		    "cannot write '%s': %s", path, strerror(errno));
		goto out;
	}
	fd = -1;
	if (flags & KANSA_FILE_REPLACE) {
		if (rename((char *)tmp.ptr, path) < 0) {
			error = kansa_error_set(KANSA_EIO, KANSA_ERRCLASS_OS,
			    "cannot replace '%s': %s", path, strerror(errno));
			goto out;
		}
	} else if (link((char *)tmp.ptr, path) < 0) {
		error = kansa_error_set(errno == EEXIST ? KANSA_EEXISTS : KANSA_EIO, KANSA_ERRCLASS_OS,
		    "cannot create '%s': %s", path, strerror(errno));
		goto out;
	}
	fsync_dir(path);
out:
	if (fd >= 0)
		close(fd);
	if (tmp.ptr)
		(void)unlink((char *)tmp.ptr); /* after rename this fails harmlessly */
	kansa_buf_dispose(&tmp);
	return error;
}
