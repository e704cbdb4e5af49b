/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Careful whole-file I/O for keys, documents and secrets. Writes are atomic
 * (temporary file, fsync, link or rename, fsync of the directory), so a crash
 * or a full disk never leaves a partial key file, and a secret file is
 * created 0600 from its first byte (no window where others could read it).
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
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return kansa_error_set(errno == ENOENT ? KANSA_ENOTFOUND : KANSA_EIO,
		    KANSA_ERRCLASS_OS, "cannot open '%s': %s", path, strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		error = kansa_error_set(KANSA_EIO, KANSA_ERRCLASS_OS, "'%s' is not a regular file", path);
		goto out;
	}
	if ((flags & KANSA_FILE_SECRET) && (st.st_mode & 077)) {
		error = kansa_error_set(KANSA_EPERM, KANSA_ERRCLASS_OS,
		    "permissions %04o for '%s' are too open: it holds a secret and must not "
		    "be accessible by group or others; run: chmod 600 '%s'",
		    (unsigned)(st.st_mode & 07777), path, path);
		goto out;
	}
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
