#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Every command of 'kansa --help' (so a new command is covered by itself):
# --help exits 0 with the command's name and an example; an unknown option
# under --json is a usage error (exit 2) that prints exactly one JSON object.
. "${KANSA_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib.sh"

# the names in the overview's "commands:" list, one a line ("ledger init", "check")
kansa --help > overview.txt 2>&1 || not_ok "kansa --help"
awk '/^commands:/ { on = 1; next } on && /^$/ { exit }
	on { sub(/^  /, ""); split($0, f, /   */); print f[1] }' overview.txt > commands.txt
n=$(wc -l < commands.txt)
[ "$n" -ge 20 ] && ok "kansa --help lists $n commands" || { not_ok "only $n commands listed"; cat overview.txt; }

# one JSON object on stdout: an object, ok false, an error code, a schema
one_json_error() {
	python3 -c 'import json,sys
j = json.load(sys.stdin)
assert isinstance(j, dict) and j["ok"] is False and j["error"]["code"] and j["schema"].startswith("kansa.")' < "$1"
}

while read -r cmd; do
	# shellcheck disable=SC2086
	expect_exit 0 "$cmd --help" -- kansa $cmd --help
	if grep -q -i "example" out.txt && grep -q -F "kansa $cmd" out.txt; then
		ok "$cmd --help names the command and has an example"
	else
		not_ok "$cmd --help: no example or no 'kansa $cmd'"; sed 's/^/    /' out.txt
	fi
	# shellcheck disable=SC2086
	expect_exit 2 "$cmd --json --no-such-option: usage error" -- kansa $cmd --json --no-such-option
	if one_json_error out.txt && [ "$(wc -l < out.txt)" -eq 1 ]; then
		ok "$cmd --json --no-such-option: one JSON object"
	else
		not_ok "$cmd --json --no-such-option: not one JSON error object"; sed 's/^/    /' out.txt
	fi
done < commands.txt

# 'kansa help <command>' is the command's --help (stdout; valgrind may add to stderr)
kansa ledger proof --help > direct.txt 2> /dev/null
expect_exit 0 "kansa help ledger proof" -- kansa help ledger proof
cmp -s direct.txt out.txt && ok "help ledger proof = ledger proof --help" || not_ok "help differs from --help"

# the other usage errors print JSON too, wherever --json stands
expect_exit 2 "a bad number is a usage error" -- kansa ledger proof --db l.db --seq 12x --json
one_json_error out.txt && ok "bad number: one JSON object" || not_ok "bad number: no JSON error object"
expect_exit 2 "a missing required option is a usage error" -- kansa check --json --db l.db
one_json_error out.txt && ok "missing option: one JSON object" || not_ok "missing option: no JSON error object"
expect_exit 2 "--json after the bad option" -- kansa keys show --frobnicate --json k.pub
one_json_error out.txt && ok "--json after the error: one JSON object" || not_ok "--json after the error: no JSON"
expect_exit 2 "a missing value is a usage error" -- kansa warrant verify w.cose --json --policy
one_json_error out.txt && ok "missing value: one JSON object" || not_ok "missing value: no JSON error object"
expect_exit 2 "without --json a usage error prints nothing on stdout" -- kansa keys show --frobnicate k.pub
[ -s out.txt ] && not_ok "stdout not empty: $(cat out.txt)" || ok "stdout empty without --json"
expect_grep "Try 'kansa keys show --help'" err.txt "usage error points to --help"
finish
