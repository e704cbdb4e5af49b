#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# tests/unit/test_store against PostgreSQL: the engine-independent tests
# and those of tests/unit/ledger/store/test_pg.c run on a throw-away cluster
# (tests/pg-cluster.sh) through KANSA_TEST_DB_URI, one at a time (each
# empties the database first). Skips (77) without the PostgreSQL server
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
$wrap "$build/tests/unit/test_store" --jobs 1 "$@"
