/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The one Criterion timeout of the unit tests. It is a hang guard, never a
 * measure of speed: far above what any test takes on a slow, loaded machine
 * under valgrind, so that only a test that hangs reaches it.
 */
#ifndef KANSA_TESTS_HANG_GUARD_H
#define KANSA_TESTS_HANG_GUARD_H

#define KANSA_HANG_GUARD 900 /* seconds */

#include <stdlib.h>
#include <string.h>

/* Under valgrind (KANSA_VALGRIND=1, set by tests/valgrind-wrap.sh) a test
 * that repeats the same path thousands of times for a property of counts or
 * concurrency (shown by the plain, sanitizer and ThreadSanitizer runs) may
 * repeat it fewer times: memcheck looks for memory errors on the path, and
 * it runs code 20-50 times slower. */
static inline int kansa_test_scaled(int n, int under_valgrind)
{
	const char *v = getenv("KANSA_VALGRIND");

	return v != NULL && strcmp(v, "1") == 0 ? under_valgrind : n;
}

#endif
