#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Smoke test of the benchmark's PostgreSQL sections (not a timed test):
# kansa-bench --quick --only pg on a throw-away cluster writes the
# PostgreSQL rows with positive figures and their limits, measured on that
# server, and drops its scratch table; without a server named, or with one
# that does not answer, it says so and fails. The figures themselves are
# not checked. Skips (77) without the PostgreSQL server programs.
top=${KANSA_SRCDIR:-$(dirname "$0")/../..}
. "$top/tests/cli/lib.sh"
. "$top/tests/pg-cluster.sh"
BENCH="$KANSA_BUILDDIR/bench/kansa-bench"

if [ "${KANSA_VALGRIND:-0}" = 1 ]; then
	echo "skipped: the benchmark measures nothing under valgrind"
	exit 77
fi
expect_exit 2 "--only pg without a server is refused" -- \
	env -u KANSA_BENCH_PG "$BENCH" --quick --only pg --data "$T/data" --json "$T/none.json"
expect_grep "need a server: --pg URI or KANSA_BENCH_PG" err.txt "and says what to give"
expect_exit 4 "a server that does not answer is refused" -- \
	"$BENCH" --quick --only pg-warm1 --pg "postgresql:///kansa?host=$T/nowhere" --data "$T/data" \
	--json "$T/none.json"
expect_grep "cannot connect to the PostgreSQL server" err.txt "and says so"

pg_cluster_for_test 'rm -rf "$T"'
expect_exit 0 "kansa-bench --quick --only pg runs the PostgreSQL sections" -- \
	"$BENCH" --quick --only pg --pg "$KANSA_PG_URI" --data "$T/data" --json "$T/bench.json"
cp out.txt table.txt
for f in "limit: PostgreSQL insert, durable" "limit: PostgreSQL insert, 1000/txn" \
	"limit: PostgreSQL paged scan" "limit: AES-256-GCM open" "pg: cold check (k=2), 64 threads" \
	"pg: warm check, 1 caller" "pg: warm check, 64 threads" "pg: replay, 200 entries" \
	"pg: replay peak RSS"; do
	expect_grep "$f" table.txt "table has '$f'"
done
expect_exit 0 "the JSON has the PostgreSQL rows with positive figures and limits" -- \
	python3 -c '
import json, sys
f = json.load(open(sys.argv[1]))["figures"]
limits = ["pg_insert_durable", "pg_insert_batched", "pg_scan", "pg_aes_gcm_open"]
ratios = ["pg_warm_1_caller", "pg_warm_64_threads", "pg_cold_64_threads", "pg_replay",
    "pg_replay_peak_rss"]
for k in limits + ratios:
    v = f[k]["value"]
    assert v is not None and v > 0, (k, v)
for k in ratios:
    assert f[k]["limit"] > 0 and f[k]["ratio"] is not None and f[k]["ratio"] > 0, (k, f[k])
for k in ["pg_warm_1_caller", "pg_warm_64_threads", "pg_cold_64_threads"]:
    assert f[k]["p50_ms"] > 0 and f[k]["p99_ms"] >= f[k]["p50_ms"], (k, f[k])
assert "vs pg batched (1): " in f["pg_cold_64_threads"]["note"], f["pg_cold_64_threads"]
assert "200 entries" in f["pg_replay"]["note"] and "0 findings" in f["pg_replay"]["note"], f["pg_replay"]
assert "warm_1_caller" not in f and "replay" not in f, "--only pg ran SQLCipher sections"
' "$T/bench.json"
expect_exit 0 "the scratch table's schema is dropped" -- \
	pg_cluster_psql "SELECT count(*) FROM pg_namespace WHERE nspname = 'kansa_bench_raw'"
expect_grep "^0$" out.txt "no kansa_bench_raw schema is left"
expect_exit 0 "the replay ledger is kept" -- \
	pg_cluster_psql "SELECT count(*) FROM kansa_bench_ledger_200.entries"
expect_grep "^200$" out.txt "with its 200 entries"
expect_exit 0 "a second run reuses the replay ledger" -- \
	"$BENCH" --quick --only pg-replay --pg "$KANSA_PG_URI" --data "$T/data" --json "$T/again.json"
if grep -q "making a 200-entry ledger" err.txt; then not_ok "the ledger was made again"; else ok "not made again"; fi
finish
