/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kansa_secret: passphrases and raw keys. The bytes live in OpenSSL's secure
 * heap when it is initialised (OPENSSL_secure_malloc falls back to the
 * ordinary heap otherwise) and are always wiped before they are freed. A
 * secret is never copied into a kansa_buf or an error message.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "keys/keys.h"

struct kansa_secret {
	uint8_t *data; /* secure heap, len + 1 bytes (NUL after the data) */
	size_t len;    /* bytes of secret */
};

int kansa_global_init(void)
{
	(void)CRYPTO_secure_malloc_init(64 * 1024, 32);
	return 0;
}

void kansa_global_shutdown(void)
{
	(void)CRYPTO_secure_malloc_done();
}

int kansa_secret_new(kansa_secret **out, size_t len)
{
	kansa_secret *s;

	*out = NULL;
	if (len > KANSA_MAX_SECRET_BYTES)
		return kansa_error_set(KANSA_ELIMIT, KANSA_ERRCLASS_CRYPTO,
		    "secret longer than %d bytes", KANSA_MAX_SECRET_BYTES);
	if ((s = OPENSSL_zalloc(sizeof(*s))) == NULL)
		return kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
	if ((s->data = OPENSSL_secure_zalloc(len + 1)) == NULL) {
		OPENSSL_free(s);
		return kansa_error_set(KANSA_ENOMEM, KANSA_ERRCLASS_OS, "out of memory");
	}
	s->len = len;
	*out = s;
	return 0;
}

int kansa_secret_from(kansa_secret **out, const void *data, size_t len)
{
	int error;

	if ((error = kansa_secret_new(out, len)) < 0)
		return error;
	if (len)
		memcpy((*out)->data, data, len);
	return 0;
}

const uint8_t *kansa_secret_data(const kansa_secret *s)
{
	return s ? s->data : NULL;
}

size_t kansa_secret_len(const kansa_secret *s)
{
	return s ? s->len : 0;
}

void kansa_secret_free(kansa_secret *s)
{
	if (s == NULL)
		return;
	OPENSSL_secure_clear_free(s->data, s->len + 1);
	OPENSSL_free(s);
}

/*
 * The first line of a secret file. The read goes straight into a secret so
 * that no plain-heap copy of the passphrase exists.
 */
int kansa_secret_read_file(kansa_secret **out, const char *path)
{
	uint8_t tmp[KANSA_MAX_SECRET_BYTES + 2];
	size_t len = 0, line;
	struct stat st;
	int fd, error = 0;

	*out = NULL;
	if ((error = kansa_file__open_read(&fd, &st, path, KANSA_FILE_SECRET, "secret file ")) < 0)
		return error;
	while (len < sizeof(tmp)) {
		ssize_t n = read(fd, tmp + len, sizeof(tmp) - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			error = kansa_error_set(KANSA_EIO, KANSA_ERRCLASS_OS,
			    "cannot read secret file '%s': %s", path, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	for (line = 0; line < len && tmp[line] != '\n' && tmp[line] != '\r'; line++)
		;
	if (line > KANSA_MAX_SECRET_BYTES) {
		error = kansa_error_set(KANSA_ELIMIT, KANSA_ERRCLASS_OS,
		    "secret in '%s' is longer than %d bytes", path, KANSA_MAX_SECRET_BYTES);
		goto out;
	}
	if (line == 0) {
		error = kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_OS,
		    "secret file '%s' is empty", path);
		goto out;
	}
	error = kansa_secret_from(out, tmp, line);
out:
	OPENSSL_cleanse(tmp, sizeof(tmp));
	close(fd);
	return error;
}
