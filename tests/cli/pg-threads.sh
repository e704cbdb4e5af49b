#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# tests/cli/threads.sh on a PostgreSQL ledger: checks, info and policy
# activations from threads on two handles of one database (tests/tools/threads.c
# with KANSA_TEST_DB_URI), on a throw-away cluster (tests/pg-cluster.sh). For
# ThreadSanitizer (test.sh, step "threads"), which cannot run Criterion's
# tests. Skips (77) without the PostgreSQL server programs.
top=${KANSA_SRCDIR:-$(dirname "$0")/../..}
. "$top/tests/cli/lib.sh"
. "$top/tests/pg-cluster.sh"

pg_cluster_for_test 'rm -rf "$T"'

expect_exit 0 "checks, info and activations from threads on PostgreSQL: no deadlock, one chain" -- \
	env KANSA_TEST_DB_URI="$KANSA_PG_URI" timeout 300 "$KANSA_BUILDDIR/tests/tools/threads" "$T"
sed 's/^/    /' out.txt
finish
