/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Time (docs/ledger.md "Time"): entry times never go backwards when the
 * system clock does, and a clock far ahead of (> 24 h) or behind (> 5 min)
 * the last entry is reported by kansa_ledger_clock_check(). The clock is
 * replaced through the ledger's internal hook kansa_ledger__set_clock.
 */
#include "tests/unit/hang_guard.h"
#include "../ledger/fixture.h"
#include "chain.h"

static int64_t fake_now;

static int64_t fake_clock(void *ctx)
{
	(void)ctx;
	return fake_now;
}

static int64_t check_at(ledger_fixture *f, kansa_ledger *lg, int64_t now)
{
	kansa_receipt r;

	fake_now = now;
	cr_assert_eq(kansa_check(&r, lg, f->warrant, f->warrant_len, f->request, f->request_len), 0,
	    "%s", kansa_error_last()->message);
	cr_expect_eq(r.verdict, KANSA_ALLOW, "%s", r.detail);
	return r.time;
}

static void clock_is(kansa_ledger *lg, int state, int64_t skew)
{
	kansa_clock_status c;

	cr_assert_eq(kansa_ledger_clock_check(&c, lg), 0);
	cr_expect_eq(c.state, state, "state %s, skew %lld", kansa_clock_state_name(c.state), (long long)c.skew);
	cr_expect_eq(c.skew, skew);
	cr_expect_eq(c.now, fake_now);
	cr_expect_eq(c.message[0] != '\0', state != KANSA_CLOCK_OK);
}

/* REQ: LEDGER-TIME */
Test(ledger_clock, entry_times_never_go_backwards, .timeout = KANSA_HANG_GUARD)
{
	ledger_fixture f;
	kansa_ledger *lg = NULL;
	int64_t t0, times[8];

	fixture_make(&f, 0);
	t0 = (int64_t)time(NULL) + 10; /* after the init entry, however slow (valgrind) */
	kansa_ledger__set_clock(fake_clock, NULL);
	cr_assert_eq(kansa_ledger_open(&lg, f.db, f.dbkey, 0), 0);
	cr_expect_eq(check_at(&f, lg, t0 + 100), t0 + 100);
	cr_expect_eq(check_at(&f, lg, t0 - 3600), t0 + 100, "an hour back: held at the last time");
	cr_expect_eq(check_at(&f, lg, t0 + 99), t0 + 100);
	cr_expect_eq(check_at(&f, lg, t0 + 101), t0 + 101, "forward again: the clock's time");
	cr_expect_eq(check_at(&f, lg, INT64_MIN / 2), t0 + 101);
	cr_expect_eq(chain_walk(lg, times, 8), 6);
	cr_expect_eq(times[5], t0 + 101);
	kansa_ledger_close(lg);
	kansa_ledger__set_clock(NULL, NULL);
	fixture_free(&f);
}

/* REQ: LEDGER-CLOCK */
Test(ledger_clock, reports_a_clock_far_ahead_or_behind, .timeout = KANSA_HANG_GUARD)
{
	ledger_fixture f;
	kansa_ledger *lg = NULL;
	int64_t t0;

	fixture_make(&f, 0);
	t0 = (int64_t)time(NULL) + 10; /* after the init entry, however slow (valgrind) */
	kansa_ledger__set_clock(fake_clock, NULL);
	cr_assert_eq(kansa_ledger_open(&lg, f.db, f.dbkey, 0), 0);
	check_at(&f, lg, t0);
	fake_now = t0;
	clock_is(lg, KANSA_CLOCK_OK, 0);
	fake_now = t0 + KANSA_CLOCK_MAX_AHEAD;
	clock_is(lg, KANSA_CLOCK_OK, KANSA_CLOCK_MAX_AHEAD);
	fake_now = t0 + KANSA_CLOCK_MAX_AHEAD + 1;
	clock_is(lg, KANSA_CLOCK_AHEAD, KANSA_CLOCK_MAX_AHEAD + 1);
	fake_now = t0 - KANSA_CLOCK_MAX_BEHIND;
	clock_is(lg, KANSA_CLOCK_OK, -KANSA_CLOCK_MAX_BEHIND);
	fake_now = t0 - KANSA_CLOCK_MAX_BEHIND - 1;
	clock_is(lg, KANSA_CLOCK_BEHIND, -KANSA_CLOCK_MAX_BEHIND - 1);
	/* an entry made with the clock behind keeps the last time, so the
	 * clock stays behind until it catches up */
	check_at(&f, lg, t0 - 7200);
	clock_is(lg, KANSA_CLOCK_BEHIND, -7200);
	/* extreme clocks saturate instead of overflowing */
	fake_now = INT64_MIN;
	clock_is(lg, KANSA_CLOCK_BEHIND, INT64_MIN);
	cr_expect_str_eq(kansa_clock_state_name(KANSA_CLOCK_AHEAD), "ahead");
	cr_expect_str_eq(kansa_clock_state_name(99), "unknown");
	kansa_ledger_close(lg);
	kansa_ledger__set_clock(NULL, NULL);
	fixture_free(&f);
}
