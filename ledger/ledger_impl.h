/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the ledger's other files (audit, report, anchor, rekey) may see of
 * an open ledger. The struct stays private to ledger/ledger.c; these
 * accessors hand out borrowed pointers valid until kansa_ledger_close().
 */
#ifndef KANSA_LEDGER_IMPL_H
#define KANSA_LEDGER_IMPL_H

#include "kansa.h"
#include "ledger/store.h"

/* The ledger's verified-document cache (ledger/cache.h). */
struct kansa_cache;
struct kansa_cache *kansa_ledger__cache(kansa_ledger *lg);

/* The ledger's store. */
kansa_store *kansa_ledger__store(kansa_ledger *lg);

/* The ledger's signing key (a private key: never export it). */
const kansa_key *kansa_ledger__log_key(const kansa_ledger *lg);

/* The checkpoint origin line (the log's name). */
const char *kansa_ledger__origin(const kansa_ledger *lg);

/* Whether the ledger was opened with KANSA_LEDGER_READONLY. */
bool kansa_ledger__readonly(const kansa_ledger *lg);

/*
 * The ledger's clock (ledger/clock.c): time(NULL) unless a test installs
 * another with kansa_ledger__set_clock (process-wide; NULL restores the
 * system clock). Every entry time is taken from kansa_ledger__now().
 */
typedef int64_t (*kansa_ledger_clock_fn)(void *ctx);
void kansa_ledger__set_clock(kansa_ledger_clock_fn fn, void *ctx);
int64_t kansa_ledger__now(void);

#endif
