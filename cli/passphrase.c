/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Passphrase input. Never from argv: from a file named by --passphrase-file
 * or $KANSA_PASSPHRASE_FILE (which must be mode 0600), or typed at
 * /dev/tty with echo off. Typed bytes go straight into a kansa_secret; the
 * stack buffer is wiped on every path.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli/cli.h"

#define MAX_PASS 1024

static void wipe(volatile char *p, size_t n)
{
	while (n--)
		*p++ = 0;
}

/* Read one line from the terminal with echo off. */
static int tty_read(char *buf, size_t size, const char *prompt)
{
	struct termios old, quiet;
	size_t len = 0;
	int fd, echo_off = 0;
	char c;

	if ((fd = open("/dev/tty", O_RDWR | O_CLOEXEC)) < 0)
		return -1;
	if (write(fd, prompt, strlen(prompt)) < 0) {
		close(fd);
		return -1;
	}
	if (tcgetattr(fd, &old) == 0) {
		quiet = old;
		quiet.c_lflag &= (tcflag_t)~(ECHO | ECHONL);
		echo_off = tcsetattr(fd, TCSAFLUSH, &quiet) == 0;
	}
	for (;;) {
		ssize_t n = read(fd, &c, 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0 || c == '\n' || c == '\r')
			break;
		if (len + 1 < size)
			buf[len++] = c;
	}
	buf[len] = '\0';
	c = 0;
	if (echo_off)
		(void)tcsetattr(fd, TCSAFLUSH, &old);
	(void)!write(fd, "\n", 1);
	close(fd);
	return (int)len;
}

int cli_passphrase(kansa_secret **out, const char *file, const char *prompt, bool confirm)
{
	char a[MAX_PASS + 1], b[MAX_PASS + 1];
	int n, m, error = 0;

	*out = NULL;
	if (file == NULL)
		file = getenv("KANSA_PASSPHRASE_FILE");
	if (file != NULL && *file)
		return kansa_secret_read_file(out, file);
	if ((n = tty_read(a, sizeof(a), prompt)) < 0) {
		kansa_error_set_str(KANSA_EIO, "a passphrase is needed and there is no terminal to ask: "
		    "use --passphrase-file FILE or set KANSA_PASSPHRASE_FILE (mode 0600)");
		return KANSA_EIO;
	}
	if (n == 0) {
		error = kansa_error_set_str(KANSA_EKEY, "empty passphrase");
		goto out;
	}
	if (confirm) {
		m = tty_read(b, sizeof(b), "Repeat the passphrase: ");
		if (m != n || strcmp(a, b) != 0) {
			error = kansa_error_set_str(KANSA_EKEY, "the passphrases do not match");
			goto out;
		}
	}
	error = kansa_secret_from(out, a, (size_t)n);
out:
	wipe(a, sizeof(a));
	wipe(b, sizeof(b));
	return error;
}

int cli_load_key(kansa_key **out, const char *path, const char *passphrase_file)
{
	kansa_secret *pass = NULL;
	int error;

	if (kansa_key_file_is_encrypted(path)) {
		char prompt[256];
		snprintf(prompt, sizeof(prompt), "Passphrase for %s: ", path);
		if ((error = cli_passphrase(&pass, passphrase_file, prompt, false)) < 0)
			return error;
	}
	error = kansa_key_load(out, path, pass);
	kansa_secret_free(pass);
	return error;
}
