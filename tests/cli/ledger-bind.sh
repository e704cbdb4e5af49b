#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# One ledger file under two names through a bind mount of the file (what a
# container volume "-v /srv/ledger.db:/data/ledger.db" is; docs/ledger.md
# "One file, one name"). The link count does not show it; SQLite would keep
# a -wal and -shm per name. Two processes check concurrently: through the
# file every check is recorded, max_uses holds; through the mounted name
# every check is refused (exit 4) and nothing is appended. Runs in a private
# mount namespace (unshare -m) and skips (77) where mounting is not allowed.
. "${KANSA_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib.sh"
. "${KANSA_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib-ledger.sh"

if ! unshare -m sh -c 'mount --make-rprivate / && touch "$1/p1" "$1/p2" && mount --bind "$1/p1" "$1/p2" && umount "$1/p2"' sh "$T" 2>/dev/null; then
	echo "SKIP: bind mounts are not permitted here (needs root, or unshare -m)"
	exit 77
fi
N=${KANSA_NAMES_CHECKS:-10}
USES=5
make_ledger $USES
: > mounted.db; : > a.txt; : > b.txt
# shellcheck disable=SC2016
unshare -m sh -c '
	. "$KANSA_SRCDIR/tests/cli/lib-ledger.sh"
	mount --make-rprivate / || exit 99
	mount --bind l.db mounted.db || exit 99
	trap "umount mounted.db" EXIT
	check_loop l.db "$1" a.txt &
	pa=$!
	check_loop mounted.db "$1" b.txt &
	pb=$!
	wait $pa; wait $pb
	"$KANSA" ledger verify --db mounted.db > verify-mounted.txt 2>&1; echo $? > verify-mounted.rc
' sh "$N"
expect_exit 0 "the private mount namespace ran" -- test -f verify-mounted.rc

# REQ: LEDGER-NAMES-1
allowed=$(($(count a.txt 0) + $(count b.txt 0)))
[ "$allowed" -eq "$USES" ] && ok "exactly max_uses ($USES) allows" ||
	not_ok "$allowed allows, max_uses $USES: $(sort a.txt b.txt | uniq -c | tr '\n' ' ')"
[ "$(count a.txt 1)" -eq $((N - USES)) ] && ok "through the file: the rest denied (uses exhausted)" ||
	{ not_ok "through the file: $(sort a.txt | uniq -c | tr '\n' ' ')"; head -3 a.txt.err; }
[ "$(count b.txt 4)" -eq "$N" ] && ok "through the bind-mounted name: every check refused (exit 4)" ||
	{ not_ok "through the mounted name: $(sort b.txt | uniq -c | tr '\n' ' ')"; head -3 b.txt.err; }
grep -q 'is a bind-mounted file' b.txt.err && ok "the error names the bind mount" ||
	not_ok "error message: $(head -1 b.txt.err)"
[ "$(cat verify-mounted.rc)" = 0 ] && ok "ledger verify through the mounted name (a reader)" ||
	{ not_ok "verify through the mount: $(cat verify-mounted.rc)"; cat verify-mounted.txt; }
expect_exit 0 "ledger verify" -- kansa ledger verify --db l.db
[ "$(ledger_size l.db)" = $((N + 1)) ] && ok "entries = policy + $N checks: no fork" ||
	not_ok "entries $(ledger_size l.db), wanted $((N + 1))"
expect_exit 0 "audit replay finds nothing" -- kansa audit replay --db l.db
finish
