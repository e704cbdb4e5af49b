/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Waiting for callers to queue behind a batch, for the group-commit tests.
 * A loaded machine may take long to start a thread, so the tests watch the
 * queue instead of sleeping a fixed time, and the bound is a hang guard
 * (10 minutes), never a measure of the machine's speed.
 */
#ifndef KANSA_TESTS_QUEUE_WAIT_H
#define KANSA_TESTS_QUEUE_WAIT_H

#include <stdbool.h>
#include <unistd.h>

#include "ledger/store/store.h"

#define QUEUE_WAIT_MS (600 * 1000)

/* At least @p n callers queued (behind a running batch when @p leading);
 * false only when the hang guard ran out. */
static inline bool queue_wait(kansa_store *s, size_t n, bool leading)
{
	for (long i = 0; i < QUEUE_WAIT_MS; i++) {
		bool led = false;
		size_t q = kansa_store__queued(s, &led);

		if (leading ? (q == n && led) : q >= n)
			return true;
		usleep(1000);
	}
	return false;
}

#endif
