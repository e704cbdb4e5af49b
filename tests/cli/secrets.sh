#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Secrets (docs/security.md): passphrases, raw database keys, member
# private keys and the ledger's signing seed never appear in kansa's output,
# in the ledger files, or in the process's memory once it is done with them
# (a core dump taken with gdb at _exit, also of ledger verify, audit replay
# and audit report: REQ: SEC-WIPE-SQLITE); secret files must be 0600 and
# are refused otherwise; no command takes a secret on argv, nor a password
# in a database URI.
. "${KANSA_SRCDIR:?}/tests/cli/lib.sh"

tool="$KANSA_BUILDDIR/tests/tools/shifted_ledger"
scan() { python3 "$KANSA_SRCDIR/tests/scan_secrets.py" "$@"; }
hexof() { printf '%s' "$1" | od -An -tx1 | tr -d ' \n'; }

pp="kansa member passphrase $$ $(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
dbpp="kansa ledger passphrase $$ $(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
rawkey=$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')
(umask 077
 printf '%s\n' "$pp" > pp.txt
 printf '%s\n' "$dbpp" > dbpp.key
 printf '%s\n' "$rawkey" > raw.key
 printf '%s\n' 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef > tool.key)
needles="pp=$(hexof "$pp") dbpp=$(hexof "$dbpp") rawkey-hex=$(hexof "$rawkey") rawkey-bytes=$rawkey"

# ---- key files: 0600, refused when group/other may read them
expect_exit 0 "keys generate with a passphrase file" -- \
	kansa keys generate --out m.key --name member-m --passphrase-file pp.txt
[ "$(stat -c %a m.key)" = 600 ] && ok "private key file is 0600" || not_ok "m.key mode $(stat -c %a m.key)"
seed=$(openssl pkey -in m.key -passin file:pp.txt -outform DER 2>/dev/null | tail -c 32 | od -An -tx1 | tr -d ' \n')
[ ${#seed} -eq 64 ] && ok "openssl reads the member key" || not_ok "cannot extract the member seed"
needles="$needles seed=$seed"
cp out.txt gen.out; cp err.txt gen.err
"$tool" make l.db 0 > /dev/null || not_ok "setup ledger"
# the ledger's own Ed25519 signing seed (meta log.seed, inside the encrypted
# database), read with the stock sqlcipher CLI under the tool's raw key
logseed=
if command -v sqlcipher > /dev/null 2>&1; then
	logseed=$(printf "PRAGMA key = \"x'%s'\";\nPRAGMA cipher_page_size = 4096;\nSELECT hex(value) FROM meta WHERE key = 'log.seed';\n" \
		"$(cat tool.key)" | sqlcipher l.db | tail -n 1 | tr A-F a-f)
fi
if [ ${#logseed} -eq 64 ]; then
	ok "the ledger's signing seed read with sqlcipher"
	needles="$needles log-seed=$logseed"
else
	echo "ok - # SKIP no sqlcipher CLI: the ledger's signing seed is not looked for"
fi
cp l.db.warrant.cose w.cose
chmod 640 m.key
expect_exit 4 "a group-readable private key is refused" -- \
	kansa warrant sign w.cose --key m.key --passphrase-file pp.txt
expect_grep "too open" err.txt "the refusal says why"
chmod 600 m.key; chmod 644 pp.txt
expect_exit 4 "a world-readable passphrase file is refused" -- \
	kansa warrant sign w.cose --key m.key --passphrase-file pp.txt
chmod 600 pp.txt
expect_exit 0 "warrant sign with the key" -- kansa warrant sign w.cose --key m.key --passphrase-file pp.txt
cp out.txt sign.out; cp err.txt sign.err
chmod 604 raw.key
expect_exit 4 "a world-readable database key file is refused" -- \
	kansa ledger rekey --db l.db --db-key-file tool.key --new-db-key-file raw.key
chmod 600 raw.key; chmod 660 tool.key
expect_exit 4 "a group-readable current database key file is refused" -- \
	kansa ledger info --db l.db --db-key-file tool.key
chmod 600 tool.key

# ---- the ledger under a raw key, then a passphrase
expect_exit 0 "rekey to the raw key" -- kansa ledger rekey --db l.db --db-key-file tool.key --new-db-key-file raw.key
expect_exit 0 "check under the raw key" -- kansa check --db l.db --db-key-file raw.key \
	--warrant l.db.warrant.cose --request l.db.request.cbor --cbor --json
cp out.txt check.out; cp err.txt check.err
KANSA_DB_KEY_FILE=raw.key expect_exit 0 "info with KANSA_DB_KEY_FILE" -- kansa ledger info --db l.db --json
cp out.txt info.out; cp err.txt info.err
expect_exit 0 "checkpoint" -- kansa ledger checkpoint --db l.db --db-key-file raw.key
cp out.txt cp.out
expect_exit 0 "rekey to the passphrase" -- kansa ledger rekey --db l.db --db-key-file raw.key --new-db-key-file dbpp.key
cp out.txt rekey.out; cp err.txt rekey.err
expect_exit 0 "info under the passphrase" -- kansa ledger info --db l.db --db-key-file dbpp.key
expect_exit 4 "the raw key is refused now" -- kansa ledger info --db l.db --db-key-file raw.key
cp err.txt refused.err
# shellcheck disable=SC2086
scan gen.out gen.err sign.out sign.err check.out check.err info.out info.err cp.out rekey.out rekey.err \
	refused.err out.txt err.txt -- $needles > scan.txt && ok "no secret in any output or error message" ||
	{ not_ok "a secret in the output"; cat scan.txt; }
# shellcheck disable=SC2086
scan l.db* m.key m.key.pub w.cose -- $needles > scan.txt && ok "no secret in the ledger files or documents" ||
	{ not_ok "a secret in the ledger files"; cat scan.txt; }

# ---- never on argv: no option takes a secret itself
: > help.txt
"$KANSA" --help | sed -n 's/^  \([a-z]*\) \([a-z]*\).*/\1 \2/p' | while read -r g c; do
	"$KANSA" "$g" "$c" --help >> help.txt 2>&1
done
"$KANSA" check --help >> help.txt 2>&1
if grep -E -- '--(passphrase|db-key|new-db-key|secret|password|seed)([ =]|$)' help.txt; then
	not_ok "an option takes a secret on argv"
else
	ok "no option takes a secret on argv (only files: --passphrase-file, --db-key-file)"
fi

# ---- nor in a database URI: refused before any connection, and never printed
# REQ: STORE-PG-NO-PASSWORD
n=0
for uri in "postgresql://kansa:uri-pw-$$@127.0.0.1:1/kansa" "postgres://127.0.0.1:1/kansa?password=uri-pw-$$"; do
	n=$((n + 1))
	for mode in --json ""; do
		KANSA_DB_KEY_FILE=raw.key expect_exit 2 "a password in the URI ($n${mode:+, $mode}) is refused: exit 2" -- \
			kansa ledger info --db "$uri" $mode
		grep -q "uri-pw-$$" out.txt err.txt && not_ok "the URI's password is printed ($n $mode)" ||
			ok "the URI's password is not printed ($n${mode:+, $mode})"
		cat out.txt err.txt | grep -q pgpass && ok "the error says where a password goes ($n${mode:+, $mode})" ||
			not_ok "no hint: $(cat out.txt err.txt)"
	done
done

# ---- memory: a core dump at _exit holds no copy of a secret
# (not in a sanitizer build: its shadow memory makes cores of many terabytes)
if "$KANSA_BUILDDIR/libtool" --mode=execute ldd "$KANSA" 2>/dev/null | grep -q 'libasan\|libubsan'; then
	echo "ok - # SKIP sanitizer build: no core dump scan"
elif command -v gdb > /dev/null 2>&1 && [ -x "$KANSA_BUILDDIR/libtool" ]; then
	core_at_exit() { # name, kansa args...
		name=$1; shift
		"$KANSA_BUILDDIR/libtool" --mode=execute gdb -q -batch -ex 'set pagination off' \
			-ex 'set breakpoint pending on' -ex 'break _exit' -ex run -ex "gcore $name.core" -ex kill \
			--args "$KANSA" "$@" > "$name.gdb" 2>&1 < /dev/null
		[ -s "$name.core" ]
	}
	if core_at_exit probe --version; then
		for run in "sign:warrant sign w.cose --key m.key --passphrase-file pp.txt" \
			"show:keys show m.key --passphrase-file pp.txt" \
			"check:check --db l.db --db-key-file dbpp.key --warrant l.db.warrant.cose --request l.db.request.cbor --cbor" \
			"info:ledger info --db l.db --db-key-file dbpp.key" \
			"verify:ledger verify --db l.db --db-key-file dbpp.key" \
			"replay:audit replay --db l.db --db-key-file dbpp.key" \
			"report:audit report --db l.db --db-key-file dbpp.key" \
			"rekey:ledger rekey --db l.db --db-key-file dbpp.key --new-db-key-file raw.key"; do
			name=${run%%:*}
			# shellcheck disable=SC2086
			if core_at_exit "$name" ${run#*:}; then
				# shellcheck disable=SC2086
				scan "$name.core" -- $needles > scan.txt && ok "core at _exit of '$name': no secret left" ||
					{ not_ok "core at _exit of '$name' holds a secret"; cat scan.txt; }
			else
				not_ok "no core for '$name'"; tail -5 "$name.gdb"
			fi
			rm -f "$name.core"
		done
	else
		echo "ok - # SKIP gdb cannot trace here: no core dump scan"
	fi
	rm -f probe.core
else
	echo "ok - # SKIP no gdb: no core dump scan"
fi
finish
