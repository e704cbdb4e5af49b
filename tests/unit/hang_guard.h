/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The one Criterion timeout of the unit tests. It is a hang guard, never a
 * measure of speed: far above what any test takes on a slow, loaded machine
 * under valgrind, so that only a test that hangs reaches it.
 */
#ifndef KANSA_TESTS_HANG_GUARD_H
#define KANSA_TESTS_HANG_GUARD_H

#define KANSA_HANG_GUARD 900 /* seconds */

#endif
