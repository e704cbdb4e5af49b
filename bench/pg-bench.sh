#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# kansa-bench on a throw-away PostgreSQL cluster, for a machine without a
# server at hand: makes one (initdb in a new temporary directory, a Unix
# socket inside it, fsync on; tests/pg-cluster.sh), runs
#   kansa-bench --pg "$KANSA_PG_URI" "$@"
# on it, then stops and removes it, whatever the benchmark's status.
#
#   bench/pg-bench.sh --only pg                  # from the build directory
#   bench/pg-bench.sh --only pg-warm64 --seconds 3
#
# KANSA_BENCH names the program (default: bench/kansa-bench of the current
# directory); PG_BINDIR the server programs (default: the newest
# /usr/lib/postgresql/*/bin). The cluster's ledgers go with it: every run
# makes its replay ledger again. Exit 77 without the server programs.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../tests/pg-cluster.sh"

bench=${KANSA_BENCH:-./bench/kansa-bench}
if [ ! -x "$bench" ]; then
	echo "pg-bench.sh: $bench not found: run it from the build directory, or set KANSA_BENCH" >&2
	exit 2
fi
if ! pg_cluster_have; then
	echo "pg-bench.sh: PostgreSQL server programs not found (apt-get install postgresql, or set PG_BINDIR)" >&2
	exit 77
fi
dir=$(mktemp -u /tmp/kansa-pg-bench-XXXXXX)
trap 'pg_cluster_stop "$dir"' EXIT
trap 'exit 130' INT TERM
pg_cluster_start "$dir" || { echo "pg-bench.sh: cannot start a PostgreSQL cluster" >&2; exit 1; }
"$bench" --pg "$KANSA_PG_URI" "$@"
