#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Files that are not regular files (docs/security.md, REQ: SEC-FILE-OPEN):
# a FIFO given as a passphrase file, a database key file or any input
# document is refused at once, never waited on. Secrets are an environment
# problem (exit 4), inputs are unreadable input (exit 3); '-' (stdin) still
# works. Each command runs under a hang guard: timeout's 124 fails the case.
. "${KANSA_SRCDIR:?}/tests/cli/lib.sh"

tool="$KANSA_BUILDDIR/tests/tools/shifted_ledger"
guard=${KANSA_HANG_GUARD:-60}
(umask 077
 printf '%s\n' 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef > db.key
 printf '%s\n' "member passphrase for the special files test" > pp.txt)
"$tool" make l.db 0 > /dev/null || { not_ok "setup ledger"; finish; }
kansa keys generate --out m.key --name member-m --passphrase-file pp.txt > /dev/null 2>&1 ||
	{ not_ok "setup key"; finish; }
cp l.db.warrant.cose w.cose
mkfifo fifo || { not_ok "mkfifo"; finish; }
mkdir dir

# the program under the guard (timeout runs programs, not lib.sh's function)
if [ "${KANSA_VALGRIND:-0}" = 1 ]; then
	guarded_kansa() { timeout "$guard" env LD_LIBRARY_PATH="$kansa_libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
		valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
		--show-leak-kinds=definite --suppressions="$KANSA_SRCDIR/tests/valgrind.supp" "$kansa_bin" "$@"; }
else
	guarded_kansa() { timeout "$guard" "$KANSA" "$@"; }
fi

# guarded CODE DESCRIPTION -- kansa args...: the exact exit status, within the guard
guarded() {
	want=$1; what=$2; shift 3
	guarded_kansa "$@" > out.txt 2> err.txt
	got=$?
	if [ "$got" -eq 124 ]; then
		not_ok "$what: hung (killed after ${guard}s)"
	elif [ "$got" -ge 126 ]; then
		not_ok "$what: crashed with status $got"; sed 's/^/    /' err.txt
	elif [ "$got" -eq "$want" ]; then
		ok "$what"
	else
		not_ok "$what: exit $got, wanted $want"; sed 's/^/    /' err.txt out.txt
	fi
}

# ---- secrets: exit 4
guarded 4 "a FIFO as --db-key-file" -- ledger info --db l.db --db-key-file fifo
expect_grep "'fifo' is not a regular file" err.txt "the refusal says what is wrong"
KANSA_DB_KEY_FILE=fifo guarded 4 "a FIFO as KANSA_DB_KEY_FILE" -- ledger verify --db l.db
guarded 4 "a FIFO as --passphrase-file" -- warrant sign w.cose --key m.key --passphrase-file fifo
expect_grep "is not a regular file" err.txt "the refusal says what is wrong"
KANSA_PASSPHRASE_FILE=fifo guarded 4 "a FIFO as KANSA_PASSPHRASE_FILE" -- keys show m.key
guarded 4 "a FIFO as --new-db-key-file" -- ledger rekey --db l.db --db-key-file db.key --new-db-key-file fifo
guarded 4 "a directory as --db-key-file" -- ledger info --db l.db --db-key-file dir

# ---- inputs: exit 3
guarded 3 "a FIFO as --warrant" -- check --db l.db --db-key-file db.key --warrant fifo \
	--request l.db.request.cbor --cbor
expect_grep "'fifo' is not a regular file" err.txt "the refusal says what is wrong"
guarded 3 "a FIFO as --request" -- check --db l.db --db-key-file db.key --warrant w.cose --request fifo --cbor
guarded 3 "a FIFO as --policy of ledger init" -- ledger init --db new.db --db-key-file db.key --policy fifo
[ -e new.db ] && not_ok "ledger init left a database behind" || ok "ledger init created nothing"
guarded 3 "a FIFO as --policy of warrant verify" -- warrant verify w.cose --policy fifo
guarded 3 "a FIFO as --revocation" -- ledger revoke --db l.db --db-key-file db.key --revocation fifo
guarded 3 "a FIFO as the document to show" -- warrant show fifo
guarded 3 "a FIFO as --key" -- warrant sign w.cose --key fifo --passphrase-file pp.txt
guarded 3 "a FIFO as the key to show" -- keys show fifo
guarded 3 "a FIFO as --in" -- warrant create --in fifo --out new.cose
guarded 3 "a directory as --warrant" -- check --db l.db --db-key-file db.key --warrant dir \
	--request l.db.request.cbor --cbor
guarded 3 "--json on a FIFO prints one object" -- check --db l.db --db-key-file db.key --warrant fifo \
	--request l.db.request.cbor --cbor --json
[ "$(json_get out.txt 'j["decision"]')" = deny ] && ok "the --json object says deny" ||
	not_ok "--json: $(cat out.txt)"

# ---- '-' is stdin and still works; a regular file still works
guarded_kansa check --db l.db --db-key-file db.key --warrant w.cose --request - --cbor \
	< l.db.request.cbor > out.txt 2> err.txt
[ $? -eq 0 ] && ok "--request - reads stdin" || { not_ok "--request -"; cat err.txt; }
timeout "$guard" sh -c 'cat l.db.request.cbor | "$1" check --db l.db --db-key-file db.key --warrant w.cose \
	--request - --cbor' sh "$KANSA" > out.txt 2> err.txt
[ $? -eq 0 ] && ok "--request - reads a pipe" || { not_ok "--request - from a pipe"; cat err.txt; }
guarded 0 "a regular warrant file still works" -- check --db l.db --db-key-file db.key --warrant w.cose \
	--request l.db.request.cbor --cbor
finish
