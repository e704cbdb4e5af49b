#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The ledger database is really encrypted, and readable by a stock SQLCipher
# with the documented key handling (docs/ledger.md "Storage"):
#  - the file is mode 0600 and does not start with "SQLite format 3";
#  - plain sqlite3 cannot read it;
#  - the sqlcipher CLI reads it with x'<raw key>' and cipher_page_size 4096;
#  - for a passphrase key file, scrypt(N=2^15, r=8, p=1, salt = bytes 0..15
#    of the file), computed here by Python's hashlib, is the raw key.
set -u
build=${KANSA_BUILDDIR:-.}
tool="$build/tests/unit/store_tool"
py=${PYTHON3:-python3}
if ! command -v sqlcipher >/dev/null 2>&1; then
	echo "SKIP: sqlcipher CLI not installed (apt-get install sqlcipher)"
	exit 77
fi
[ -x "$tool" ] || { echo "FAIL: $tool not built"; exit 1; }
T=$(mktemp -d "/tmp/kansa-store-enc-XXXXXX") || exit 99
trap 'rm -rf "$T"' EXIT
if [ "${KANSA_VALGRIND:-0}" = 1 ]; then
	run() { valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
		--show-leak-kinds=definite "$@"; }
else
	run() { "$@"; }
fi
fail=0
ok() { echo "ok - $1"; }
bad() { echo "not ok - $1"; fail=1; }

key=00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff
umask 022
printf '%s\n' "$key" > "$T/raw.key"; chmod 600 "$T/raw.key"
run "$tool" create "$T/raw.db" "$T/raw.key" 5 || bad "create with a raw key"

mode=$(stat -c %a "$T/raw.db")
[ "$mode" = 600 ] && ok "database is mode 600 despite umask 022" || bad "database mode is $mode"
magic=$(head -c 15 "$T/raw.db")
[ "$magic" != "SQLite format 3" ] && ok "no plaintext SQLite header" || bad "plaintext SQLite header"
if command -v sqlite3 >/dev/null 2>&1; then
	if sqlite3 "$T/raw.db" 'SELECT count(*) FROM entries;' >/dev/null 2>&1; then
		bad "plain sqlite3 can read the ledger"
	else
		ok "plain sqlite3 cannot read the ledger"
	fi
fi
n=$(printf "PRAGMA key = \"x'%s'\";\nPRAGMA cipher_page_size = 4096;\nSELECT count(*) FROM entries;\n" "$key" |
	sqlcipher "$T/raw.db" 2>&1)
[ "$n" = 5 ] && ok "sqlcipher reads it with the raw key" || bad "sqlcipher with the raw key: '$n'"
n=$(printf "PRAGMA key = \"x'%s'\";\nSELECT count(*) FROM entries;\n" "$key" | sqlcipher "$T/raw.db" 2>&1)
[ "$n" != 5 ] && ok "the default 1024-byte page size does not read it" || bad "read without cipher_page_size"
n=$(printf "PRAGMA key = '%s';\nPRAGMA cipher_page_size = 4096;\nSELECT count(*) FROM entries;\n" "$key" |
	sqlcipher "$T/raw.db" 2>&1)
[ "$n" != 5 ] && ok "the hex text as a PBKDF2 passphrase does not read it" || bad "hex read as passphrase"
n=$(run "$tool" count "$T/raw.db" "$T/raw.key")
[ "$n" = 5 ] && ok "kansa reads it back" || bad "kansa count: '$n'"

# Passphrase key file: scrypt with the file's own salt gives the raw key.
printf 'correct horse battery staple\n' > "$T/pass.key"; chmod 600 "$T/pass.key"
run "$tool" create "$T/pass.db" "$T/pass.key" 3 || bad "create with a passphrase"
if command -v "$py" >/dev/null 2>&1; then
	derived=$("$py" -c '
import hashlib, sys
salt = open(sys.argv[1], "rb").read(16)
k = hashlib.scrypt(b"correct horse battery staple", salt=salt, n=1 << 15, r=8, p=1,
                   maxmem=64 * 1024 * 1024, dklen=32)
print(k.hex())' "$T/pass.db")
	n=$(printf "PRAGMA key = \"x'%s'\";\nPRAGMA cipher_page_size = 4096;\nSELECT count(*) FROM entries;\n" "$derived" |
		sqlcipher "$T/pass.db" 2>&1)
	[ "$n" = 3 ] && ok "scrypt(passphrase, file salt) is the key (independent python check)" ||
		bad "python-derived key does not open the passphrase ledger: '$n'"
fi
printf 'correct horse battery stapler\n' > "$T/wrong.key"; chmod 600 "$T/wrong.key"
run "$tool" count "$T/pass.db" "$T/wrong.key" > /dev/null 2> "$T/err"
st=$?
if [ $st = 4 ] && grep -q "wrong database key (or not a kansa ledger) (EKEY)" "$T/err"; then
	ok "wrong passphrase is EKEY"
else
	bad "wrong passphrase: status $st: $(cat "$T/err")"
fi
exit $fail
