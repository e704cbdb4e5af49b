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
	json_t *o;

	if (kansa_ledger_clock_check(&c, lg) < 0) {
		cli_warn("warning: cannot compare the clock with the ledger: %s", kansa_error_last()->message);
		return json_pack("{s:s}", "state", "unknown");
	}
	if (c.state != KANSA_CLOCK_OK)
		cli_warn("warning: %s", c.message);
	o = json_pack("{s:s, s:I, s:s}", "state", kansa_clock_state_name(c.state), "skew",
	    (json_int_t)c.skew, "message", c.message);
	if (o != NULL) {
		cli_json_time(o, "now", c.now);
		cli_json_time(o, "last_time", c.last_time);
	}
	return o;
}
