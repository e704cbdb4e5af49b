#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The command-line contract of design §7 for every command 'kansa --help'
# lists (so a new command is covered by itself): --help exits 0 with an
# example; under --json a bad argument prints exactly one JSON object (ok
# false, an error code) with the exit status of §7: 2 for an unexpected
# argument, 3 when the files the command's own example names are missing.
# Then the data-dependent argument errors on a real ledger and anchor
# repository: past the end, size 0, a bad --log-key, a path as --remote, a
# missing or unreadable input.
. "${KANSA_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib.sh"

# the commands of the overview ("ledger init", "check"), one a line
kansa --help > overview.txt 2>&1 || not_ok "kansa --help"
awk '/^commands:/ { on = 1; next } on && /^$/ { exit }
	on { sub(/^  /, ""); split($0, f, /   */); print f[1] }' overview.txt > commands.txt
n=$(wc -l < commands.txt)
[ "$n" -ge 20 ] && ok "kansa --help lists $n commands" || not_ok "only $n commands listed"

# one_json FILE EXIT: FILE is exactly one JSON object, ok false, with an error
# code and message and a kansa schema (the whole of stdout parses as one value)
one_json() {
	if python3 -c 'import json,sys
j = json.loads(open(sys.argv[1]).read())
assert isinstance(j, dict), "not an object"
assert j["ok"] is False, "ok is not false"
assert j["error"]["code"].startswith("E") and j["error"]["message"], "no error code or message"
assert j["schema"].startswith("kansa."), "no schema"' "$1" 2> why.txt; then
		ok "$2: one JSON error object"
	else
		not_ok "$2: not one JSON error object: $(tail -1 why.txt)"; sed 's/^/    /' "$1"
	fi
}

# example_args CMD: the arguments of the first line of CMD's example that
# runs it ("kansa ledger proof --db ledger.db --seq 42" -> "ledger proof
# --db ledger.db --seq 42"); "$(cat FILE)" becomes FILE, redirections go
example_args() {
	awk '/^example/ { on = 1; next } on' help.txt |
		grep -E "(^| )kansa $1( |\$)" | head -1 |
		sed -e 's/.*kansa /kansa /' -e 's/"\$(cat \([^)]*\))"/\1/g' -e 's/ *[<>|].*//' -e 's/^kansa //'
}

mkdir empty
while read -r cmd; do
	# shellcheck disable=SC2086
	kansa $cmd --help > help.txt 2> err.txt; rc=$?
	[ "$rc" -eq 0 ] && ok "$cmd --help: exit 0" || not_ok "$cmd --help: exit $rc"
	grep -q '^example' help.txt && [ -n "$(example_args "$cmd")" ] &&
		ok "$cmd --help: an example that runs it" || not_ok "$cmd --help: no example line 'kansa $cmd ...'"

	args=$(example_args "$cmd")
	[ -n "$args" ] || args=$cmd
	cd empty || exit 99
	eval "set -- $args"
	# an argument too many is a usage error (exit 2)
	expect_exit 2 "$cmd --json + an extra argument" -- kansa "$@" --json an-extra-argument
	one_json out.txt "$cmd + extra argument"
	# the example in an empty directory, every file it names missing (keys and
	# passphrases too): unreadable input, exit 3; no terminal to prompt on, and
	# a hang guard (a server that starts without its files would never exit)
	expect_exit 3 "$cmd --json, its files missing: exit 3" -- env KANSA_DB_KEY_FILE=missing.key \
		KANSA_PASSPHRASE_FILE=missing.pass timeout 300 setsid -w "$KANSA" "$@" --json < /dev/null
	one_json out.txt "$cmd, files missing"
	rm -f out.txt err.txt why.txt
	[ -z "$(ls)" ] || { not_ok "$cmd left files behind: $(ls)"; rm -rf ./*; }
	cd .. || exit 99
done < commands.txt

# each group's --help lists its commands, as the overview does; a group
# without a command, or an unknown command, is a usage error with JSON
awk '{ print $1 }' commands.txt | sort -u > groups.txt
while read -r g; do
	grep -q "^$g " commands.txt || continue # a one-word command (check)
	expect_exit 0 "kansa $g --help" -- kansa "$g" --help
	awk '/^commands:/ { on = 1; next } on && /^$/ { exit }
		on { sub(/^  /, ""); split($0, f, /   */); print f[1] }' out.txt > group.txt
	grep "^$g " commands.txt | cmp -s - group.txt && ok "kansa $g --help lists the group's commands" ||
		{ not_ok "kansa $g --help: not the group's commands"; sed 's/^/    /' out.txt; }
	expect_exit 0 "kansa help $g" -- kansa help "$g"
	expect_exit 2 "kansa $g --json: missing command" -- kansa "$g" --json
	one_json out.txt "kansa $g --json"
	expect_exit 2 "kansa $g no-such-verb --json" -- kansa "$g" no-such-verb --json
	one_json out.txt "kansa $g no-such-verb"
done < groups.txt
expect_exit 2 "an unknown group" -- kansa no-such-group --json
one_json out.txt "unknown group"
expect_exit 2 "help for an unknown command" -- kansa help no-such-group --json
one_json out.txt "help for an unknown command"
expect_exit 2 "an unknown top-level option" -- kansa --no-such-option --json
one_json out.txt "unknown top-level option"

# ---- data-dependent argument errors on a real ledger --------------------
members a b c
sed -e 's/member-\([abc]\)\.key\.pub/\1.key.pub/' "$KANSA_SRCDIR/docs/examples/policy.json" > policy.json
kansa policy create --in policy.json --out policy.cose > /dev/null || exit 99
for m in a b c; do kansa policy sign policy.cose --key "$m.key" > /dev/null || exit 99; done
kansa ledger init --db l.db --policy policy.cose > /dev/null || exit 99

expect_exit 2 "ledger proof --seq past the end" -- kansa ledger proof --db l.db --seq 99 --json
one_json out.txt "proof --seq 99"
expect_grep "not in a tree of 1" out.txt "proof --seq 99 says the size"
expect_exit 2 "ledger proof --old-size 0" -- kansa ledger proof --db l.db --old-size 0 --json
one_json out.txt "proof --old-size 0"
expect_exit 2 "ledger proof --size past the end" -- kansa ledger proof --db l.db --seq 0 --size 99 --json
one_json out.txt "proof --size 99"

# missing and unreadable inputs are exit 3, a wrong database key stays 4
expect_exit 3 "a missing document" -- kansa warrant show nosuch.cose --json
one_json out.txt "missing document"
expect_grep "nosuch.cose" out.txt "the missing file is named"
expect_exit 3 "a missing ledger" -- kansa ledger info --db nosuch.db --json
one_json out.txt "missing ledger"
expect_exit 3 "a directory as input" -- kansa policy show . --json
one_json out.txt "directory as input"
# an unreadable document: mode 000 as a user; as root (who reads anything),
# the same file read by nobody through this test's private directory
cp policy.cose locked.cose; chmod 000 locked.cose
if [ "$(id -u)" != 0 ]; then
	expect_exit 3 "an unreadable document" -- kansa policy show locked.cose --json
	one_json out.txt "unreadable document"
elif command -v setpriv > /dev/null && setpriv --reuid=65534 --regid=65534 --clear-groups "$KANSA" --version > /dev/null 2>&1; then
	expect_exit 3 "an unreadable document (read as nobody)" -- \
		setpriv --reuid=65534 --regid=65534 --clear-groups "$KANSA" policy show "$T/locked.cose" --json
	one_json out.txt "unreadable document"
	expect_grep "Permission denied" out.txt "unreadable document: says why"
else
	echo "# root without setpriv: the unreadable document is not tried"
fi
openssl rand -hex 32 > wrong.key; chmod 600 wrong.key
expect_exit 4 "a wrong database key is an environment failure" -- kansa ledger info --db l.db --db-key-file wrong.key --json
one_json out.txt "wrong database key"

# a bad --log-key is malformed input (3), never an environment failure (4)
kansa anchor push --db l.db --repo anch.git > /dev/null || exit 99
for bad in not-a-key no+such+key missing-keys.txt; do
	expect_exit 3 "anchor verify --log-key $bad" -- kansa anchor verify --repo anch.git --log-key "$bad" --json
	one_json out.txt "verify --log-key $bad"
	expect_exit 3 "anchor cosign --log-key $bad" -- \
		kansa anchor cosign --repo anch.git --key a.key --log-key "$bad" --state w.state --json
	one_json out.txt "cosign --log-key $bad"
done
printf 'garbage line\n' > bad-keys.txt
expect_exit 3 "a file of log keys with a bad line" -- kansa anchor verify --repo anch.git --log-key bad-keys.txt --json
one_json out.txt "bad key file"

# a local path or URL as --remote says it is not a remote name (usage, 2)
git init -q --bare plain.git
for r in "$T/plain.git" ./plain.git ssh://example.org/a.git; do
	expect_exit 2 "anchor push --remote $r" -- kansa anchor push --db l.db --repo anch.git --remote "$r" --json
	one_json out.txt "push --remote $r"
	expect_grep "not the name of a remote" out.txt "push --remote $r: says it is a path"
	expect_grep "remote add NAME" err.txt "push --remote $r: says how to add it"
done
expect_exit 2 "anchor cosign --remote PATH" -- kansa anchor cosign --repo anch.git --key a.key \
	--log-key "$(kansa ledger info --db l.db --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["log_key"])')" \
	--state w.state --remote ./plain.git --json
one_json out.txt "cosign --remote PATH"
# a remote whose URL is a local path that is not there, or not a repository,
# says so (libgit2 alone says "unsupported URL protocol"); exit 3. libgit2's
# remote lookup leaks PCRE2 match data (tests/lsan.supp): its suppression
# needs the full stack, as in anchor.sh
[ -n "${ASAN_OPTIONS:-}" ] && export ASAN_OPTIONS="$ASAN_OPTIONS:fast_unwind_on_malloc=0"
mkdir not-a-repo
git -C anch.git remote add gone "$T/no-such-mirror.git"
git -C anch.git remote add relgone ../no-such-mirror.git
git -C anch.git remote add fileurl "file://$T/no-such-mirror.git"
git -C anch.git remote add plain "$T/not-a-repo"
for r in gone relgone fileurl plain; do
	expect_exit 3 "push to remote $r (a local path, not a repository)" -- \
		kansa anchor push --db l.db --repo anch.git --remote "$r" --json
	one_json out.txt "remote $r"
	expect_grep "is the local path" out.txt "remote $r: names the path"
	grep -q "unsupported URL protocol" err.txt && not_ok "remote $r: libgit2's message" || ok "remote $r: not libgit2's message"
done
git init -q --bare no-such-mirror.git
expect_exit 0 "once the mirror exists the push goes through" -- kansa anchor push --db l.db --repo anch.git --remote gone --json
expect_exit 3 "an unknown remote name is a missing input" -- kansa anchor push --db l.db --repo anch.git --remote nowhere --json
one_json out.txt "unknown remote"
finish
