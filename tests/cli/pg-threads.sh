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

if ! pg_cluster_have; then
	echo "skip: PostgreSQL server programs not found (apt-get install postgresql, or set PG_BINDIR)"
	exit 77
fi
if [ "$(id -u)" -eq 0 ] && ! command -v runuser >/dev/null; then
	echo "skip: running as root and runuser is missing (postgres refuses to run as root)"
	exit 77
fi
PGD=$(mktemp -u /tmp/kansa-pg-XXXXXX)
trap 'pg_cluster_stop "$PGD"; rm -rf "$T"' EXIT
pg_cluster_start "$PGD" || { echo "cannot start a PostgreSQL cluster"; exit 99; }

expect_exit 0 "checks, info and activations from threads on PostgreSQL: no deadlock, one chain" -- \
	env KANSA_TEST_DB_URI="$KANSA_PG_URI" timeout 300 "$KANSA_BUILDDIR/tests/tools/threads" "$T"
sed 's/^/    /' out.txt
finish
