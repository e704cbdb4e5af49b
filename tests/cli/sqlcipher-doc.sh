#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# docs/ledger.md, "Opening a ledger with the stock sqlcipher shell": both
# shell blocks, as written there, open a kansa ledger with the stock
# sqlcipher shell (raw key; passphrase through scrypt), the key file never
# on a command line, and the shell cannot write (query_only).
. "${KANSA_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib.sh"
command -v sqlcipher > /dev/null || { echo "# SKIP: no sqlcipher shell (apt-get install sqlcipher)"; exit 77; }

# the sh blocks of that section, one file each (block1.sh, block2.sh)
awk '/^### Opening a ledger with the stock `sqlcipher` shell/ { on = 1; next }
	on && /^#/ { exit }
	on && /^```sh$/ { n++; f = "block" n ".sh"; next }
	on && /^```$/ { f = ""; next }
	f { print > f }' "$KANSA_SRCDIR/docs/ledger.md"
[ -s block1.sh ] && [ -s block2.sh ] && ok "two shell blocks in docs/ledger.md" || { not_ok "no blocks"; finish; }

members a b c
sed -e 's/member-\([abc]\)\.key\.pub/\1.key.pub/' "$KANSA_SRCDIR/docs/examples/policy.json" > policy.json
kansa policy create --in policy.json --out policy.cose > /dev/null || exit 99
for m in a b c; do kansa policy sign policy.cose --key "$m.key" > /dev/null || exit 99; done

# raw key: the first block, with a second entry to see
mkdir raw && cp db.key raw/ledger.keyfile
kansa ledger init --db raw/ledger.db --policy policy.cose --db-key-file raw/ledger.keyfile > /dev/null || exit 99
kansa check --db raw/ledger.db --db-key-file raw/ledger.keyfile --request "$KANSA_SRCDIR/docs/examples/request.json" > /dev/null
(cd raw && sh ../block1.sh) > out.txt 2> err.txt
[ "$(wc -l < out.txt)" = 2 ] && grep -q '^1|' out.txt && grep -q '^0|' out.txt &&
	ok "block 1 lists the raw-key ledger's entries" || { not_ok "block 1: $(cat out.txt err.txt)"; }
[ ! -e raw/ledger-key.sql ] && ok "block 1 removes its key file" || not_ok "block 1 left ledger-key.sql"

# passphrase: the second block
mkdir pass && printf 'correct horse battery staple\n' > pass/ledger.keyfile && chmod 600 pass/ledger.keyfile
kansa ledger init --db pass/ledger.db --policy policy.cose --db-key-file pass/ledger.keyfile > /dev/null || exit 99
(cd pass && sh ../block2.sh) > out.txt 2> err.txt
[ "$(cat out.txt)" = 1 ] && ok "block 2 opens the passphrase ledger" || not_ok "block 2: $(cat out.txt err.txt)"
# SQLCipher's own passphrase KDF does not open it (what the text says)
printf "PRAGMA key = 'correct horse battery staple';\nPRAGMA cipher_page_size = 4096;\nSELECT count(*) FROM entries;\n" |
	sqlcipher pass/ledger.db > out.txt 2>&1
grep -q "not a database" out.txt && ok "PRAGMA key = 'passphrase' does not open it" || not_ok "plain passphrase: $(cat out.txt)"

# query_only: a write through the shell is refused, the ledger still verifies
sed 's/SELECT seq.*LIMIT 10;/DELETE FROM entries WHERE seq = 1;/' block1.sh > write.sh
grep -q DELETE write.sh || not_ok "could not make the write variant"
(cd raw && sh ../write.sh) > out.txt 2>&1
grep -q "readonly" out.txt && ok "a write through the shell is refused" || not_ok "write: $(cat out.txt)"
expect_exit 0 "the ledger still verifies" -- kansa ledger verify --db raw/ledger.db --db-key-file raw/ledger.keyfile
finish
