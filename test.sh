#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Run every test of kansa on a fresh Debian 12 machine:
#   1. install packages, build with -Werror, make check;
#   2. the same suite under AddressSanitizer + UndefinedBehaviorSanitizer;
#   3. the concurrent tests under ThreadSanitizer (data races, lock order);
#   4. the unit tests and most CLI scripts under valgrind memcheck (no leaks,
#      no errors; tests/valgrind-skip names the CLI scripts left to step 2);
#   5. a short libFuzzer run of every fuzz target (clang);
#   6. make distcheck (the tarball's unit tests), and the tarball holds every
#      tracked file.
# Set KANSA_QUICK=1 to run step 1 only.
set -eu
cd "$(dirname "$0")"
top=$(pwd)
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}
./scripts/deps.sh
[ -x configure ] && [ configure -nt configure.ac ] || ./autogen.sh >/dev/null 2>&1

t0=$(date +%s); tstep=$t0
# each step's heading also says how long the one before took (CI has a budget)
step() {
	now=$(date +%s)
	[ "$now" -gt "$t0" ] && printf '(%d s)\n' $((now - tstep))
	tstep=$now
	printf '\n=== %s ===\n' "$*"
}

configure_in() { # dir, configure args...
	d=$1; shift
	mkdir -p "$d"
	(cd "$d" && "$top/configure" -q --enable-werror "$@" >/dev/null)
}
build() { # dir, configure args...
	configure_in "$@"
	(cd "$1" && make -s -j"$JOBS" >/dev/null)
}

# Tests wait on fsync, child processes, servers and sockets as much as they
# compute: two per core keep the cores busy. Valgrind computes: one per core.
TEST_JOBS=${TEST_JOBS:-$((JOBS * 2))}
check() { # dir label [make target [jobs]]
	if (cd "$1" && make -s -j"${4:-$TEST_JOBS}" "${3:-check}" >/dev/null 2>&1); then
		"$top/scripts/summarize.sh" "$1" "$2"
	else
		"$top/scripts/summarize.sh" "$1" "$2"
		echo "FAILED: $2; the failing logs:"
		grep -l -E '^(FAIL|ERROR)' "$1"/test-suite.log >/dev/null 2>&1 && sed -n '/^FAIL\|^ERROR/,/^$/p' "$1"/test-suite.log | head -200
		find "$1" -name '*.log' ! -name config.log -newer "$1/Makefile" -exec grep -l -E '^(FAIL|not ok|\[FAIL\]|.*Failing: [1-9])' {} + 2>/dev/null | head -20 |
			while read -r f; do echo "--- $f"; tail -40 "$f"; done
		exit 1
	fi
}

step "build and test (gcc, -Werror)"
build build
check build "unit+cli"
# crash safety (tests/cli/crash-safety.sh): kills and receipts checked
grep -h '^crash-safety: kills' build/tests/cli/crash-safety.log || { echo "FAILED: no crash-safety summary"; exit 1; }
[ "${KANSA_QUICK:-0}" = 1 ] && exit 0

step "sanitizers (address, undefined)"
build build-san --enable-sanitizers
check build-san "sanitizers"

step "threads (ThreadSanitizer)"
# Only the tests that run threads: group commit and its queue, kansa_check
# from many threads on two handles, the cache, and the lock order
# (docs/ledger.md "Locks"); and kansa serve, whose event loop hands checks
# to worker threads (docs/service.md); and the PostgreSQL engine under
# concurrent callers and two services on one database (tests/cli/pg-threads.sh,
# pg-serve.sh). Criterion cannot start under TSan (its worker
# arena is mapped where TSan does not allow it), so these run from the plain
# program tests/tools/threads.c. setarch -R: without ASLR, TSan's shadow
# memory never meets a mapping.
build build-tsan --enable-tsan
TSAN_TESTS='tests/cli/threads.sh tests/cli/serve.sh tests/cli/witness-serve.sh tests/cli/serve-witness.sh tests/cli/pg-threads.sh tests/cli/pg-serve.sh'
if command -v setarch >/dev/null 2>&1 && setarch "$(uname -m)" -R true 2>/dev/null; then
	norandom="setarch $(uname -m) -R"
else
	norandom=
fi
if (cd build-tsan && $norandom make -s -j"$JOBS" check TESTS="$TSAN_TESTS" >/dev/null 2>&1); then
	"$top/scripts/summarize.sh" build-tsan "threads"
else
	"$top/scripts/summarize.sh" build-tsan "threads"
	echo "FAILED: threads (ThreadSanitizer); the failing logs:"
	for t in $TSAN_TESTS; do
		f="build-tsan/$t.log"
		if grep -q -E '^(FAIL|ERROR)|FAIL\]|WARNING: ThreadSanitizer' "$f" 2>/dev/null; then
			echo "--- $f"
			grep -E -A40 -m3 'WARNING: ThreadSanitizer|FAIL' "$f" | head -120
		fi
	done
	exit 1
fi

step "valgrind memcheck"
check build "valgrind" check-valgrind "$JOBS"

if command -v clang >/dev/null 2>&1 && grep -q '^fuzz:' tests/fuzz/local.mk 2>/dev/null; then
	step "fuzz (libFuzzer, ${FUZZ_SECONDS:=10} s per target, $JOBS at a time)"
	# make fuzz compiles what it links (the library's sources and the targets)
	configure_in build-fuzz --enable-fuzzing CC=clang
	if (cd build-fuzz && make -s fuzz FUZZ_SECONDS="$FUZZ_SECONDS" FUZZ_JOBS="$JOBS" > fuzz.log 2>&1); then
		# one line per target: executions in the time given, and crashes
		awk '/^fuzz: [a-z_]+ for/ { t = $2 } /^Done [0-9]+ runs/ && t { printf "fuzz: %-10s %10d execs in %s s, 0 crashes\n", t, $2, $5; t = "" }' build-fuzz/fuzz.log
		n=$(ls build-fuzz/tests/fuzz/crashes 2>/dev/null | wc -l)
		[ "$n" -eq 0 ] || { echo "FAILED: fuzz: $n crash files in build-fuzz/tests/fuzz/crashes"; exit 1; }
		echo "fuzz: ok, no crashes"
	else
		tail -80 build-fuzz/fuzz.log
		echo "FAILED: fuzz"
		exit 1
	fi
fi

step "distcheck"
# The tarball is built, installed and uninstalled from a read-only source
# tree, and its unit tests and static checks run there; every CLI script ran
# on these same sources in step 1, and check-dist.sh proves the tarball holds
# every file they (and a user) need: each file git tracks.
dist_tests=$(cd build && make -s print-tests | tr ' ' '\n' | grep -E '^tests/(unit/|check-)' | tr '\n' ' ')
(cd build && make -s -j"$JOBS" distcheck DISTCHECK_CONFIGURE_FLAGS=--enable-werror TESTS="$dist_tests" >/dev/null 2>&1) ||
	{ echo "FAILED: make distcheck"; (cd build && make distcheck TESTS="$dist_tests" 2>&1 | tail -60); exit 1; }
"$top/scripts/check-dist.sh" "$(ls -t "$top"/build/kansa-*.tar.gz | head -1)" || { echo "FAILED: dist"; exit 1; }
echo "distcheck: ok ($(echo "$dist_tests" | wc -w) test programs)"

printf '(%d s)\n\n' $(($(date +%s) - tstep))
"$top/scripts/summarize.sh" build "all"
echo "total: $(($(date +%s) - t0)) s"
