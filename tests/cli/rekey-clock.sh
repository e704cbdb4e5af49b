#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# kansa ledger rekey (the old key refused, the new key opens, entries
# intact, audit replay finds nothing; key files must be 0600) and the clock warning of
# kansa check / kansa ledger info (docs/ledger.md "Time").
. "${KANSA_SRCDIR:?}/tests/cli/lib.sh"

tool="$KANSA_BUILDDIR/tests/tools/shifted_ledger"
key=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
(umask 077; echo "$key" > old.key; echo "a new passphrase for the ledger" > new.key)

# ---- rekey
"$tool" make l.db 0 > files.txt || { not_ok "setup"; finish; }
expect_exit 0 "info with the old key" -- kansa ledger info --db l.db --db-key-file old.key --json
cp out.txt before.json
expect_exit 2 "rekey without --new-db-key-file is a usage error" -- \
	kansa ledger rekey --db l.db --db-key-file old.key
(umask 022; echo "group readable" > open.key)
expect_exit 4 "a group-readable new key file is refused" -- \
	kansa ledger rekey --db l.db --db-key-file old.key --new-db-key-file open.key
expect_grep "group or others" err.txt "the refusal says why"
expect_exit 0 "the ledger is untouched after the refusal" -- kansa ledger info --db l.db --db-key-file old.key
expect_exit 4 "rekey with a wrong old key: EKEY" -- \
	kansa ledger rekey --db l.db --db-key-file new.key --new-db-key-file new.key
expect_exit 0 "rekey" -- kansa ledger rekey --db l.db --db-key-file old.key --new-db-key-file new.key --json
[ "$(json_get out.txt 'j["ok"], j["size"], j["schema"]')" = "True 3 kansa.ledger.rekey/1" ] &&
	ok "rekey --json: ok, size, schema" || not_ok "rekey --json: $(cat out.txt)"
expect_exit 4 "the old key is refused" -- kansa ledger info --db l.db --db-key-file old.key
expect_grep "wrong database key" err.txt "the refusal names the key"
expect_exit 0 "the new key opens the ledger" -- kansa ledger info --db l.db --db-key-file new.key --json
[ "$(json_get out.txt 'j["size"], j["root"], j["log_key"]')" = "$(json_get before.json 'j["size"], j["root"], j["log_key"]')" ] &&
	ok "size, root and log key unchanged" || not_ok "rekey changed the content"
expect_exit 0 "audit replay under the new key: no finding" -- kansa audit replay --db l.db --db-key-file new.key --json
[ "$(json_get out.txt 'j["finding_count"], j["entries"]')" = "0 3" ] && ok "replay: 3 entries, 0 findings" ||
	not_ok "replay after rekey: $(cat out.txt)"
expect_exit 0 "checks go on under the new key" -- kansa check --db l.db --db-key-file new.key \
	--warrant l.db.warrant.cose --request l.db.request.cbor --cbor
if grep -q -a -F "$key" l.db* || grep -q -a -F "a new passphrase" l.db*; then
	not_ok "a key appears in the ledger files"
else
	ok "neither key appears in the ledger files"
fi

# ---- clock
expect_exit 0 "info: clock ok" -- kansa ledger info --db l.db --db-key-file new.key --json
[ "$(json_get out.txt 'j["clock"]["state"]')" = ok ] && ok "clock.state ok" || not_ok "clock: $(cat out.txt)"
"$tool" make ahead.db -172800 > /dev/null || not_ok "setup ahead"
expect_exit 0 "info on a ledger whose last entry is 2 days old" -- \
	kansa ledger info --db ahead.db --db-key-file old.key --json
[ "$(json_get out.txt 'j["clock"]["state"], j["clock"]["skew"] >= 172800')" = "ahead True" ] &&
	ok "clock.state ahead" || not_ok "clock ahead: $(cat out.txt)"
expect_grep "warning: system clock is 2d 0h ahead of the last entry" err.txt "warning on stderr"
"$tool" make behind.db 7200 > /dev/null || not_ok "setup behind"
expect_exit 0 "info on a ledger whose last entry is 2 hours in the future" -- \
	kansa ledger info --db behind.db --db-key-file old.key
expect_grep "clock: *behind" out.txt "info says the clock is behind"
expect_grep "warning: system clock is 1h 59m behind\|warning: system clock is 2h 0m behind" err.txt "warning on stderr"
expect_exit 0 "check with the clock behind" -- kansa check --db behind.db --db-key-file old.key \
	--warrant behind.db.warrant.cose --request behind.db.request.cbor --cbor --json
[ "$(json_get out.txt 'j["clock"]["state"], j["time_unix"] == j["clock"]["last_time_unix"]')" = "behind True" ] &&
	ok "check --json: clock behind, the entry keeps the last entry's time" || not_ok "check clock: $(cat out.txt)"
expect_grep "warning: system clock is" err.txt "check warns on stderr"
expect_exit 0 "the ledger with held times verifies and replays" -- kansa audit replay --db behind.db --db-key-file old.key
finish
