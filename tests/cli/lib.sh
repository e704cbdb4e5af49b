# SPDX-License-Identifier: Apache-2.0
# Shared helpers for the CLI end-to-end tests (sourced, not run).
# $KANSA is the built program; each test works in its own temporary directory.
set -u
: "${KANSA:?run through make check, or set KANSA to the kansa program}"
TEST_NAME=$(basename "$0" .sh)
T=$(mktemp -d "/tmp/kansa-$TEST_NAME-XXXXXX")
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 99
passed=0
failed=0

# Under valgrind (make check-valgrind) the program runs through memcheck:
# the real binary, not libtool's wrapper script (valgrind would check the
# shell and let the exec'd program run unchecked).
if [ "${KANSA_VALGRIND:-0}" = 1 ]; then
	kansa_bin=$KANSA
	kansa_libs=
	if [ -n "${KANSA_BUILDDIR:-}" ] && [ -x "$KANSA_BUILDDIR/.libs/kansa" ]; then
		kansa_bin=$KANSA_BUILDDIR/.libs/kansa
		kansa_libs=$KANSA_BUILDDIR/.libs
	fi
	kansa() { LD_LIBRARY_PATH="$kansa_libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" valgrind --quiet \
		--error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
		--show-leak-kinds=definite \
		--suppressions="${KANSA_SRCDIR:-$(dirname "$0")/../..}/tests/valgrind.supp" "$kansa_bin" "$@"; }
	# kansa_exec ARGS: exec the program (under valgrind here), so that a
	# caller's "(kansa_exec serve ...) &" has the server's own pid in $!
	kansa_exec() { LD_LIBRARY_PATH="$kansa_libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" exec valgrind \
		--quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
		--show-leak-kinds=definite \
		--suppressions="${KANSA_SRCDIR:-$(dirname "$0")/../..}/tests/valgrind.supp" "$kansa_bin" "$@"; }
else
	kansa() { "$KANSA" "$@"; }
	kansa_exec() { exec "$KANSA" "$@"; }
fi

# members MEMBER...: a key pair per member (MEMBER.key, MEMBER.key.pub, key
# name member-MEMBER, no passphrase) and a raw database key in db.key (0600),
# named by $KANSA_DB_KEY_FILE
members() {
	for m in "$@"; do kansa keys generate --out "$m.key" --name "member-$m" --no-passphrase >/dev/null || exit 99; done
	openssl rand -hex 32 > db.key; chmod 600 db.key
	KANSA_DB_KEY_FILE="$T/db.key"; export KANSA_DB_KEY_FILE
}

ok() { passed=$((passed + 1)); echo "ok - $*"; }
not_ok() { failed=$((failed + 1)); echo "not ok - $*"; }

# expect_exit CODE DESCRIPTION -- command...: the exact exit status; 126/>=128
# (a crash or signal) always fails, as git's test_must_fail does.
expect_exit() {
	want=$1; what=$2; shift 3
	"$@" > out.txt 2> err.txt
	got=$?
	if [ "$got" -ge 126 ] && [ "$want" -lt 126 ]; then
		not_ok "$what: crashed with status $got"; sed 's/^/    /' err.txt
	elif [ "$got" -eq "$want" ]; then
		ok "$what"
	else
		not_ok "$what: exit $got, wanted $want"; sed 's/^/    /' err.txt out.txt
	fi
}

# expect_grep PATTERN FILE DESCRIPTION
expect_grep() {
	if grep -q -- "$1" "$2"; then ok "$3"; else not_ok "$3: no '$1' in $2"; sed 's/^/    /' "$2"; fi
}

# json_get FILE EXPR: evaluate a python expression on the JSON object j
json_get() {
	python3 -c "import json,sys; j=json.load(open(sys.argv[1])); print($2)" "$1"
}

finish() {
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit $?
}
