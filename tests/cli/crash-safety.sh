#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Crash safety (design §6, docs/ledger.md "Crash safety"): kansa_check under
# load in a child process killed with SIGKILL at random points, and copies of
# the database files taken in mid-load (power cut); after each, the ledger
# opens, verifies, and holds every allow receipt the child reported.
# KANSA_CRASH_KILLS (default 30; 3 under valgrind) sets the number of kills.
. "${KANSA_SRCDIR:?}/tests/cli/lib.sh"

tool="$KANSA_BUILDDIR/tests/tools/crash_safety"
kills=${KANSA_CRASH_KILLS:-30}
if [ "${KANSA_VALGRIND:-0}" = 1 ]; then
	kills=${KANSA_CRASH_KILLS:-3}
	# a child under valgrind needs seconds to open the ledger and get going
	KANSA_CRASH_MAX_MS=${KANSA_CRASH_MAX_MS:-6000}; export KANSA_CRASH_MAX_MS
	tool="valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite $tool"
fi
expect_exit 0 "SIGKILL during kansa_check load: every allow receipt is in the ledger" -- \
	$tool "$T" "$kills"
cat out.txt
expect_grep "crash-safety: kills $kills, .* missing 0," out.txt "summary: $kills kills, none missing"
finish
