#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# One ledger file under two names (ledger/store/store_file.c, docs/ledger.md
# "One file, one name"): two processes check concurrently, one through the
# file and one through a hard link to it. SQLite would give each name its
# own -wal and -shm (two logs, two write locks: a forked chain), so every
# writer refuses the file while it has a second name (exit 4); nothing is
# appended, the ledger verifies, and once the link is gone it works again.
. "${KANSA_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib.sh"
. "${KANSA_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib-ledger.sh"

N=${KANSA_NAMES_CHECKS:-10}
USES=5
make_ledger $USES
ln l.db link.db || exit 99
: > a.txt; : > b.txt
check_loop l.db "$N" a.txt &
pa=$!
check_loop link.db "$N" b.txt &
pb=$!
wait $pa; wait $pb

# REQ: LEDGER-NAMES-1
allowed=$(($(count a.txt 0) + $(count b.txt 0)))
recorded=$((allowed + $(count a.txt 1) + $(count b.txt 1)))
[ "$allowed" -le "$USES" ] && ok "allows ($allowed) within max_uses $USES" ||
	not_ok "$allowed allows past max_uses $USES: the chain forked"
[ "$(count a.txt 4)" -eq "$N" ] && [ "$(count b.txt 4)" -eq "$N" ] &&
	ok "every writer refuses a file with two names (exit 4)" ||
	{ not_ok "writers under two names: $(sort a.txt b.txt | uniq -c | tr '\n' ' ')"; head -3 a.txt.err b.txt.err; }
grep -q 'has 2 names (hard links)' a.txt.err && ok "the error names the hard link" ||
	not_ok "error message: $(head -1 a.txt.err)"
expect_exit 0 "ledger verify through either name" -- kansa ledger verify --db link.db
[ "$(ledger_size l.db)" = $((recorded + 1)) ] && ok "entries = policy + recorded checks ($recorded)" ||
	not_ok "entries $(ledger_size l.db), recorded checks $recorded"
expect_exit 0 "audit replay finds nothing" -- kansa audit replay --db l.db
rm link.db
expect_exit 0 "one name again: checks are recorded" -- kansa check --db l.db --warrant w.cose --request ok.json
finish
