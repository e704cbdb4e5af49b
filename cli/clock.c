/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The clock warning of `kansa check` and `kansa ledger info`
 * (docs/ledger.md "Time"): the system clock far ahead of the last entry
 * (> 24 h) or behind it (> 5 min) is reported on stderr, and as the
 * "clock" object of --json output.
 */
#include "cli/cli.h"

json_t *cli_clock_check(kansa_ledger *lg)
{
	kansa_clock_status c;

	if (kansa_ledger_clock_check(&c, lg) < 0) {
		cli_warn("warning: cannot compare the clock with the ledger: %s", kansa_error_last()->message);
		return json_pack("{s:s}", "state", "unknown");
	}
	if (c.state != KANSA_CLOCK_OK)
		cli_warn("warning: %s", c.message);
	return json_pack("{s:s, s:I, s:I, s:I, s:s}", "state", kansa_clock_state_name(c.state),
	    "now", (json_int_t)c.now, "last_time", (json_int_t)c.last_time, "skew", (json_int_t)c.skew,
	    "message", c.message);
}
