#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# tests/unit/test_ledger and tests/unit/test_audit against PostgreSQL: the ledger fixtures
# (tests/unit/ledger/fixture.h) made on a throw-away cluster
# (tests/pg-cluster.sh) through KANSA_TEST_DB_URI, one test at a time (each
# empties the database first); the tests that need a ledger file, two
# ledgers at once skip. Skips (77) without the PostgreSQL server
# programs.
top=${KANSA_SRCDIR:-$(dirname "$0")/../..}
build=${KANSA_BUILDDIR:-.}
. "$top/tests/pg-cluster.sh"

pg_cluster_for_test
KANSA_TEST_DB_URI=$KANSA_PG_URI
export KANSA_TEST_DB_URI
# under make check-valgrind (KANSA_VALGRIND=1) the program runs through memcheck
wrap=
[ "${KANSA_VALGRIND:-0}" = 1 ] && wrap="$top/tests/valgrind-wrap.sh"
rc=0
for t in test_ledger test_audit; do
	$wrap "$build/tests/unit/$t" --jobs 1 "$@" || rc=1
done
exit $rc
