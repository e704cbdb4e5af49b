/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The ledger's time source (docs/ledger.md "Time"): time(NULL) unless a
 * test installed a clock with kansa_ledger__set_clock() (internal: not
 * exported from libkansa). It knows nothing of the ledger; the ledger
 * reads it for every entry time, and clock_check.c compares it with the
 * last entry's time.
 */
#include <stdatomic.h>
#include <time.h>

#include "ledger/clock.h"

static _Atomic(kansa_ledger_clock_fn) clock_fn;
static void *_Atomic clock_ctx;

void kansa_ledger__set_clock(kansa_ledger_clock_fn fn, void *ctx)
{
	atomic_store(&clock_ctx, ctx);
	atomic_store(&clock_fn, fn);
}

int64_t kansa_ledger__now(void)
{
	kansa_ledger_clock_fn fn = atomic_load(&clock_fn);

	return fn ? fn(atomic_load(&clock_ctx)) : (int64_t)time(NULL);
}
