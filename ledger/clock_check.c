/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kansa_ledger_clock_check(): is the system clock far from the last entry's
 * time, either way? The ledger never lets an entry's time go below the
 * previous entry's (ledger.c clamps it), so a clock far behind freezes
 * entry times and one far ahead moves them on for good; the caller is told
 * before either happens. It never changes a recorded time.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "ledger/clock.h"
#include "ledger/ledger_impl.h"

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
