#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# A test of the include checker: on a copy of the tree it passes, and each
# wrong include planted in the copy (one per arrow of design §2) makes it
# fail, naming the file. A checker that passes everything would pass here
# only by failing this test.
set -u
src=${KANSA_SRCDIR:-$(dirname "$0")/..}
checker="$src/tests/check-includes.sh"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kansa-includes.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT INT TERM
pass=0 failed=0
ok() { pass=$((pass + 1)); echo "ok - $*"; }
bad() { failed=$((failed + 1)); echo "not ok - $*"; }

copy() {
	rm -rf "$tmp/t" && mkdir -p "$tmp/t"
	for d in common keys policy ledger ledger/store ledger/tlog ledger/audit ledger/anchor service cli; do
		mkdir -p "$tmp/t/$d"
		cp "$src/$d"/*.[ch] "$tmp/t/$d/" 2>/dev/null || true
	done
}

copy
if KANSA_SRCDIR="$tmp/t" sh "$checker" >/dev/null; then ok "the tree as it is passes"; else bad "the tree as it is fails"; fi

# plant FOLDER HEADER: a file in FOLDER including HEADER must fail the check
plant() {
	copy
	printf '#include %s\n' "$2" > "$tmp/t/$1/planted_wrong.c"
	out=$(KANSA_SRCDIR="$tmp/t" sh "$checker" 2>&1)
	rc=$?
	if [ $rc -ne 0 ] && printf '%s\n' "$out" | grep -q "planted_wrong.c"; then
		ok "$1/ including $2 is refused"
	else
		bad "$1/ including $2 passed (exit $rc)"
	fi
}
plant common '"keys/keys.h"'
plant keys '"policy/doc.h"'
plant keys '<cbor.h>'
plant policy '"ledger/entry.h"'
plant policy '<sqlite3.h>'
plant ledger/store '"policy/doc.h"'
plant ledger/store '"ledger/ledger_impl.h"'
plant ledger/store '"ledger/tlog/merkle.h"'
plant ledger/tlog '"ledger/store/store.h"'
plant ledger/tlog '"ledger/entry.h"'
plant ledger '"ledger/audit/audit.h"'
plant ledger '"ledger/anchor/anchor.h"'
plant ledger '<sqlite3.h>'
plant ledger '<git2.h>'
plant ledger/audit '"ledger/anchor/anchor.h"'
plant ledger/audit '<sqlite3.h>'
plant ledger/anchor '"ledger/ledger_impl.h"'
plant ledger/anchor '"ledger/audit/audit.h"'
plant ledger/anchor '"ledger/store/store.h"'
plant cli '"ledger/entry.h"'
plant cli '<openssl/evp.h>'
plant cli '"service/service.h"'
plant cli '<curl/curl.h>'
plant ledger '<event2/http.h>'
plant ledger '"service/service.h"'
plant service '"policy/doc.h"'
plant service '"ledger/store/store.h"'
plant service '<sqlite3.h>'

echo "$pass passed, $failed failed"
[ $failed -eq 0 ]
