/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The ledger's clock (ledger/clock.c): time(NULL) unless a test installs
 * another with kansa_ledger__set_clock (process-wide; NULL restores the
 * system clock). Every entry time is taken from kansa_ledger__now().
 */
#ifndef KANSA_LEDGER_CLOCK_H
#define KANSA_LEDGER_CLOCK_H

#include <stdint.h>

typedef int64_t (*kansa_ledger_clock_fn)(void *ctx);
void kansa_ledger__set_clock(kansa_ledger_clock_fn fn, void *ctx);
int64_t kansa_ledger__now(void);

#endif
