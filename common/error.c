/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The thread-local error record (after git_error_last). Library functions
 * return a code and leave the detail here; nothing in the library prints.
 * The record must never hold secret material: messages name fields, files
 * and offsets, never passphrases or key bytes.
 */
#include <stdio.h>
#include <string.h>

#include "common/common.h"

static _Thread_local kansa_error last_error;

const kansa_error *kansa_error_last(void)
{
	return &last_error;
}

void kansa_error_clear(void)
{
	memset(&last_error, 0, sizeof(last_error));
}

/* The message is formatted apart and then copied in, so that an argument may
 * be the last error's own message (a message passed on with a new code). */
int kansa_error_vset(int code, int klass, const char *fmt, va_list ap)
{
	char message[sizeof(last_error.message)];

	if (fmt == NULL)
		snprintf(message, sizeof(message), "%s", kansa_strerror(code));
	else
		vsnprintf(message, sizeof(message), fmt, ap);
	last_error.code = code;
	last_error.klass = klass;
	memcpy(last_error.message, message, sizeof(message));
	return code;
}

int kansa_error_set(int code, int klass, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kansa_error_vset(code, klass, fmt, ap);
	va_end(ap);
	return code;
}

int kansa_error_set_str(int code, const char *message)
{
	return kansa_error_set(code, KANSA_ERRCLASS_NONE, "%s", message ? message : "");
}

int kansa_error_prefix(const char *fmt, ...)
{
	char prefix[128];
	char old[sizeof(last_error.message)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, last_error.message, sizeof(old));
	/* truncation is intended: the message is one bounded line */
	size_t n = strnlen(prefix, sizeof(prefix) - 1), cap = sizeof(last_error.message) - 1;
	size_t m = strnlen(old, sizeof(old) - 1);
	char *dst = last_error.message;
	memcpy(dst, prefix, n);
	if (n + 2 <= cap) {
		memcpy(dst + n, ": ", 2);
		n += 2;
	}
	if (m > cap - n)
		m = cap - n;
	memcpy(dst + n, old, m);
	dst[n + m] = '\0';
	return last_error.code;
}

static const struct {
	int code;
	const char *name;
	const char *text;
} error_table[] = {
	{ KANSA_OK, "OK", "success" },
	{ KANSA_ERROR, "ERROR", "internal error" },
	{ KANSA_ENOMEM, "ENOMEM", "out of memory" },
	{ KANSA_ENOTFOUND, "ENOTFOUND", "not found" },
	{ KANSA_EFORMAT, "EFORMAT", "malformed input" },
	{ KANSA_EVERIFY, "EVERIFY", "verification failed" },
	{ KANSA_EDENIED, "EDENIED", "denied" },
	{ KANSA_EEXPIRED, "EEXPIRED", "expired or not yet valid" },
	{ KANSA_ELIMIT, "ELIMIT", "input exceeds a limit" },
	{ KANSA_EKEY, "EKEY", "wrong key or passphrase" },
	{ KANSA_ELOCKED, "ELOCKED", "busy: locked by another user" },
	{ KANSA_EIO, "EIO", "input/output error" },
	{ KANSA_EPERM, "EPERM", "insecure file permissions" },
	{ KANSA_EEXISTS, "EEXISTS", "file exists" },
	{ KANSA_EINVAL, "EINVAL", "invalid argument" },
};

const char *kansa_strerror(int code)
{
	for (size_t i = 0; i < KANSA_ARRAY_SIZE(error_table); i++)
		if (error_table[i].code == code)
			return error_table[i].text;
	return "unknown error";
}

const char *kansa_error_name(int code)
{
	for (size_t i = 0; i < KANSA_ARRAY_SIZE(error_table); i++)
		if (error_table[i].code == code)
			return error_table[i].name;
	return "EUNKNOWN";
}

const char *kansa_version(void)
{
	return KANSA_VERSION;
}
