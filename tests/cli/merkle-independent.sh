#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Cross-check ledger/tlog/merkle.c against tests/merkle_ref.py, an independent
# RFC 9162 implementation using only Python's hashlib and base64: leaves,
# roots and proofs for sizes 1, 2, 3, 2^k-1, 2^k, 2^k+1 up to 1025.
set -u
src=${KANSA_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${KANSA_BUILDDIR:-.}
py=${PYTHON3:-python3}
if ! command -v "$py" >/dev/null 2>&1; then
	echo "1..0 # SKIP python3 not found"
	exit 77
fi
tool="$build/tests/tools/merkle_dump"
if [ ! -x "$tool" ]; then
	echo "not ok - $tool not built"
	exit 1
fi
T=$(mktemp -d "/tmp/kansa-merkle-independent-XXXXXX") || exit 99
trap 'rm -rf "$T"' EXIT
if [ "${KANSA_VALGRIND:-0}" = 1 ]; then
	run() { valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
		--show-leak-kinds=definite "$@"; }
else
	run() { "$@"; }
fi
run "$tool" > "$T/dump.txt"
status=$?
if [ $status -ne 0 ]; then
	echo "not ok - merkle_dump exited with status $status"
	exit 1
fi
echo "ok - merkle_dump wrote $(wc -l < "$T/dump.txt") lines"
"$py" "$src/tests/merkle_ref.py" "$T/dump.txt"
