/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internal helpers shared by every module: the thread-local error record,
 * bounded growable buffers, checked size arithmetic and hex. Nothing here
 * does I/O or knows about keys, CBOR or the ledger.
 */
#ifndef KANSA_COMMON_H
#define KANSA_COMMON_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kansa.h"
#include "common/kansa_limits.h"

#define KANSA_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#if defined(__GNUC__)
#define KANSA_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define KANSA_PRINTF(f, a)
#endif

/*
 * Record an error for kansa_error_last() and return @p code, so that callers
 * write `return kansa_error_set(KANSA_EFORMAT, KANSA_ERRCLASS_CBOR, "...")`.
 */
int kansa_error_set(int code, int klass, const char *fmt, ...) KANSA_PRINTF(3, 4);
int kansa_error_vset(int code, int klass, const char *fmt, va_list ap) KANSA_PRINTF(3, 0);

/* Put "prefix: " in front of the current message (for context as an error
 * travels up: "scope.targets[2]: ..."). Returns the current code. */
int kansa_error_prefix(const char *fmt, ...) KANSA_PRINTF(1, 2);

/* A growable byte buffer with a hard ceiling. */
typedef struct {
	uint8_t *ptr; /* owned; NULL until the first append */
	size_t len;   /* bytes in use */
	size_t cap;   /* bytes allocated */
	size_t max;   /* the ceiling: appends past it fail with KANSA_ELIMIT */
} kansa_buf;

#define KANSA_BUF_INIT(ceiling) { NULL, 0, 0, (ceiling) }

int kansa_buf_reserve(kansa_buf *b, size_t extra);
int kansa_buf_put(kansa_buf *b, const void *data, size_t len);
int kansa_buf_putc(kansa_buf *b, uint8_t c);
int kansa_buf_printf(kansa_buf *b, const char *fmt, ...) KANSA_PRINTF(2, 3);
/* Hand the bytes to the caller (who frees them with free()); b is emptied. */
uint8_t *kansa_buf_detach(kansa_buf *b, size_t *len_out);
/* The same as a NUL-terminated string (the NUL not counted in *len_out; an
 * empty buffer gives ""); NULL when memory for the NUL is short, b kept. */
char *kansa_buf_detach_str(kansa_buf *b, size_t *len_out);
void kansa_buf_dispose(kansa_buf *b);

static inline int kansa_add_size(size_t *out, size_t a, size_t b)
{
	return __builtin_add_overflow(a, b, out) ? KANSA_ELIMIT : 0;
}

static inline int kansa_mul_size(size_t *out, size_t a, size_t b)
{
	return __builtin_mul_overflow(a, b, out) ? KANSA_ELIMIT : 0;
}

/* A canonical decimal uint64 from s[0..len): digits only, no sign, no
 * leading zero except "0" itself, no overflow. Returns 0 or -1. */
int kansa_parse_u64(uint64_t *out, const char *s, size_t len);

/* Duplicate memory / a string; NULL (and an ENOMEM error) on failure. */
void *kansa_memdup(const void *p, size_t len);
char *kansa_strndup(const char *s, size_t len);

#endif
