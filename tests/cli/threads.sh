#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The ledger's concurrent paths from a plain program (tests/tools/threads.c),
# which ThreadSanitizer can run where Criterion's tests cannot (test.sh,
# step "threads"): check, info and policy-activation threads on two handles
# of one file. The timeout is the hang guard, far above the expected time.
. "${KANSA_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib.sh"

expect_exit 0 "checks, info and activations from threads: no deadlock, one chain" -- \
	timeout 300 "$KANSA_BUILDDIR/tests/tools/threads" "$T"
sed 's/^/    /' out.txt
finish
