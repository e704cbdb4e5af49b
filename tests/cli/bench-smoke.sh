#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Smoke test of the benchmark (not a timed test): kansa-bench --quick runs
# every section on tiny counts and writes its table and JSON, so the
# benchmark cannot rot. The figures themselves are not checked.
. "$KANSA_SRCDIR/tests/cli/lib.sh"
BENCH="$KANSA_BUILDDIR/bench/kansa-bench"

if [ "${KANSA_VALGRIND:-0}" = 1 ]; then
	echo "skipped: the benchmark measures nothing under valgrind"
	exit 77
fi
expect_exit 0 "kansa-bench --quick runs every section" -- \
	"$BENCH" --quick --data "$T/data" --json "$T/bench.json"
cp out.txt table.txt
for f in "limit: Ed25519 verify" "limit: Ed25519 sign" "cold check" "cold-64 vs CPU bound" "warm-64 vs CPU bound" "warm check, 1 caller" "warm check, 64 threads" \
	"replay, 2000 entries" "inclusion proof at 2000" "consistency proof at 2000" \
	"service check, 1 client" "service check, 64 clients" "limit: SQLCipher open+read, cold" \
	"growth 200: open (cold)" "growth 2k: inclusion proof" "growth 2k: receipt proof" \
	"growth 2k: replay" "growth 2k: warm check, 1 caller"; do
	expect_grep "$f" table.txt "table has '$f'"
done
expect_grep '"schema":"kansa.bench/1"' "$T/bench.json" "JSON written"
expect_grep '"growth_2k_consistency_proof":' "$T/bench.json" "JSON has the growth figures"
expect_grep '"warm_64_threads_cpu_bound":' "$T/bench.json" "JSON has the CPU bounds"
if [ -n "${PYTHON3:-}" ]; then
	expect_exit 0 "JSON parses" -- "$PYTHON3" -c "import json,sys; json.load(open(sys.argv[1]))" "$T/bench.json"
fi
finish
