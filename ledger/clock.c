/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The ledger's clock (docs/ledger.md "Time"). Entry times come from
 * kansa_ledger__now(), which is time(NULL) unless a test installed a clock
 * with kansa_ledger__set_clock() (internal: not exported from libkansa).
 * The ledger never lets an entry's time go below the previous entry's
 * (ledger.c clamps it); kansa_ledger_clock_check() tells the caller when
 * the system clock is far from the last entry's time, either way.
 *
 * It must never change a recorded time, and never read a clock the caller
 * cannot replace in tests.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ledger/ledger_impl.h"

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

/* "3d 4h", "2h 5m", "42s": a skew for people. */
static void span(char out[32], int64_t s)
{
	uint64_t a = s < 0 ? (uint64_t)0 - (uint64_t)s : (uint64_t)s;

	if (a >= 86400)
		snprintf(out, 32, "%llud %lluh", (unsigned long long)(a / 86400),
		    (unsigned long long)(a % 86400 / 3600));
	else if (a >= 3600)
		snprintf(out, 32, "%lluh %llum", (unsigned long long)(a / 3600),
		    (unsigned long long)(a % 3600 / 60));
	else if (a >= 60)
		snprintf(out, 32, "%llum %llus", (unsigned long long)(a / 60), (unsigned long long)(a % 60));
	else
		snprintf(out, 32, "%llus", (unsigned long long)a);
}

const char *kansa_clock_state_name(int state)
{
	switch (state) {
	case KANSA_CLOCK_OK: return "ok";
	case KANSA_CLOCK_AHEAD: return "ahead";
	case KANSA_CLOCK_BEHIND: return "behind";
	default: return "unknown";
	}
}

int kansa_ledger_clock_check(kansa_clock_status *out, kansa_ledger *lg)
{
	kansa_store_pos pos;
	char s[32];
	int error;

	if (out == NULL || lg == NULL)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_LEDGER, "clock check: missing argument");
	memset(out, 0, sizeof(*out));
	if ((error = kansa_store__head(&pos, kansa_ledger__store(lg))) < 0)
		return error;
	out->now = kansa_ledger__now();
	out->last_time = pos.seq ? pos.last_time : out->now;
	/* saturating: a clock or a stored time at the ends of int64_t must not overflow */
	if (__builtin_sub_overflow(out->now, out->last_time, &out->skew))
		out->skew = out->now < out->last_time ? INT64_MIN : INT64_MAX;
	span(s, out->skew);
	/* REQ: LEDGER-CLOCK report a clock far from the last entry's time */
	if (out->skew > KANSA_CLOCK_MAX_AHEAD) {
		out->state = KANSA_CLOCK_AHEAD;
		snprintf(out->message, sizeof(out->message),
		    "system clock is %s ahead of the last entry: check the clock (new entries take its time)", s);
	} else if (out->skew < -KANSA_CLOCK_MAX_BEHIND) {
		out->state = KANSA_CLOCK_BEHIND;
		snprintf(out->message, sizeof(out->message),
		    "system clock is %s behind the last entry: check the clock (new entries keep the last entry's time)",
		    s);
	} else {
		out->state = KANSA_CLOCK_OK;
	}
	return 0;
}
