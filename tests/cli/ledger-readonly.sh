#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# An auditor verifies a read-only copy of a ledger (ledger/store/store_file.c,
# docs/audit.md "Read-only copies"): a 0444 copy, and a copy in a read-only
# directory. ledger verify and audit replay exit 0 and leave no -wal or
# -shm beside the copy (also when the open fails), and the owner writes on
# afterwards. Root ignores permission bits, so as root the read-only
# directory is a read-only bind mount in a private mount namespace
# (unshare -m); that part is skipped, visibly, where neither works.
. "${KANSA_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib.sh"
. "${KANSA_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib-ledger.sh"

make_ledger 100
for i in 1 2 3; do kansa check --db l.db --warrant w.cose --request ok.json >/dev/null || exit 99; done

# no_side_files DIR LABEL: no -wal or -shm in DIR
no_side_files() {
	left=$(ls "$1" | grep -E -- '-(wal|shm)$' | tr '\n' ' ')
	[ -z "$left" ] && ok "$2: no -wal or -shm left" || not_ok "$2: left $left"
}

# REQ: LEDGER-RO-3
mkdir copy && cp l.db copy/l.db && chmod 0444 copy/l.db
expect_exit 0 "ledger verify on a 0444 copy" -- kansa ledger verify --db copy/l.db
expect_grep "entries: *4$" out.txt "the copy's 4 entries are verified"
expect_exit 0 "audit replay on a 0444 copy" -- kansa audit replay --db copy/l.db
no_side_files copy "0444 copy"
openssl rand -hex 32 > wrong.key; chmod 600 wrong.key
expect_exit 4 "a wrong key on the copy: exit 4" -- kansa ledger verify --db copy/l.db --db-key-file wrong.key
no_side_files copy "failed open"
chmod 0600 copy/l.db
expect_exit 0 "the owner checks on the copy afterwards" -- kansa check --db copy/l.db --warrant w.cose --request ok.json
expect_exit 0 "and it verifies" -- kansa ledger verify --db copy/l.db
expect_grep "entries: *5$" out.txt "with the owner's new entry"

# The owner's own ledger at rest: a reader leaves nothing beside it either.
expect_exit 0 "ledger verify on the owner's ledger" -- kansa ledger verify --db l.db
no_side_files . "owner's ledger"

mkdir ro && cp l.db ro/l.db
if [ "$(id -u)" != 0 ]; then
	chmod 0555 ro
	expect_exit 0 "ledger verify in a 0555 directory" -- kansa ledger verify --db ro/l.db
	expect_exit 0 "audit replay in a 0555 directory" -- kansa audit replay --db ro/l.db
	chmod 0755 ro
	no_side_files ro "0555 directory"
elif unshare -m sh -c 'mount --make-rprivate / && mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && umount "$1"' sh "$T/ro" 2>/dev/null; then
	# shellcheck disable=SC2016
	unshare -m sh -c '
		mount --make-rprivate / && mount --bind ro ro && mount -o remount,bind,ro ro || exit 99
		trap "umount ro" EXIT
		touch ro/probe 2>/dev/null && exit 98
		"$KANSA" ledger verify --db ro/l.db > ro-verify.txt 2>&1; echo $? > ro-verify.rc
		"$KANSA" audit replay --db ro/l.db > ro-replay.txt 2>&1; echo $? > ro-replay.rc
	'
	rc=$?
	[ "$rc" = 0 ] && ok "a read-only bind mount of the directory" || not_ok "mount namespace: exit $rc"
	[ "$(cat ro-verify.rc 2>/dev/null)" = 0 ] && ok "ledger verify on a read-only mount" ||
		{ not_ok "verify on a read-only mount: $(cat ro-verify.rc 2>/dev/null)"; cat ro-verify.txt; }
	[ "$(cat ro-replay.rc 2>/dev/null)" = 0 ] && ok "audit replay on a read-only mount" ||
		{ not_ok "replay on a read-only mount: $(cat ro-replay.rc 2>/dev/null)"; cat ro-replay.txt; }
	no_side_files ro "read-only mount"
else
	echo "ok - # SKIP read-only directory: root, and no private mount namespace here"
fi
expect_exit 0 "the owner checks in that directory afterwards" -- kansa check --db ro/l.db --warrant w.cose --request ok.json
finish
