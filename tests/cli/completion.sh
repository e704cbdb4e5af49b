#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# completion/kansa.bash, sourced in bash (with bash-completion's helpers when
# they are installed, and without): COMPREPLY for 'kansa led<TAB>',
# 'kansa ledger <TAB>', 'kansa ledger --<TAB>', 'kansa ledger init --<TAB>',
# 'kansa check --<TAB>', and the commands and options of every command of
# 'kansa --help' (so a new command is covered by itself).
# shellcheck shell=bash
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${KANSA_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib.sh"

mkdir bin && ln -s "$KANSA" bin/kansa
PATH=$T/bin:$PATH

# complete WORD...: COMPREPLY, sorted, one a line, for the command line WORD...
# with the cursor at the end of the last word
complete_line() {
	COMP_WORDS=("$@")
	COMP_CWORD=$(($# - 1))
	COMP_LINE="$*"
	COMP_POINT=${#COMP_LINE}
	COMPREPLY=()
	_kansa kansa "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
	printf '%s\n' "${COMPREPLY[@]}" | sort
}

# expect_reply DESCRIPTION EXPECTED WORD...: COMPREPLY is exactly EXPECTED
expect_reply() {
	what=$1 want=$2
	shift 2
	got=$(complete_line "$@" | tr '\n' ' ' | sed 's/ $//')
	[ "$got" = "$want" ] && ok "$what" || not_ok "$what: got '$got', wanted '$want'"
}

# expect_has DESCRIPTION WORDS -- LINE...: COMPREPLY holds every one of WORDS
expect_has() {
	what=$1 want=$2
	shift 3
	got=" $(complete_line "$@" | tr '\n' ' ') "
	miss=
	for w in $want; do case $got in *" $w "*) ;; *) miss="$miss $w" ;; esac; done
	[ -z "$miss" ] && ok "$what" || not_ok "$what: lacks$miss in '$got'"
}

for mode in bash-completion plain; do
	if [ "$mode" = bash-completion ]; then
		bc=/usr/share/bash-completion/bash_completion
		[ -f "$bc" ] || { echo "# no bash-completion installed: only the plain mode"; continue; }
		# shellcheck disable=SC1090
		. "$bc"
	else
		unset -f _init_completion _filedir 2> /dev/null
	fi
	# shellcheck disable=SC1091
	. "$KANSA_SRCDIR/completion/kansa.bash"
	complete -p kansa > /dev/null 2>&1 && ok "$mode: complete -F _kansa kansa" || not_ok "$mode: not registered"

	expect_reply "$mode: kansa led<TAB>" "ledger" kansa led
	expect_reply "$mode: kansa a<TAB>" "anchor audit" kansa a
	expect_reply "$mode: kansa ledger --<TAB>" "--help" kansa ledger --
	expect_has "$mode: kansa ledger <TAB>" "init info proof verify checkpoint rekey" -- kansa ledger ""
	expect_reply "$mode: kansa ledger ch<TAB>" "checkpoint" kansa ledger ch
	expect_reply "$mode: kansa ledger init --<TAB>" "--db --db-key-file --help --json --policy" kansa ledger init --
	expect_has "$mode: kansa check --<TAB>" "--db --warrant --request --cbor --json" -- kansa check --
	expect_reply "$mode: kansa ledger proof --s<TAB>" "--seq --size" kansa ledger proof --s
	expect_has "$mode: kansa help ledger <TAB>" "init proof" -- kansa help ledger ""
	touch policy.cose
	expect_reply "$mode: a file after --policy" "policy.cose" kansa ledger init --policy pol
done

# every command of the overview completes, and so does each of its options
kansa --help | awk '/^commands:/ { on = 1; next } on && /^$/ { exit }
	on { sub(/^  /, ""); split($0, f, /   */); print f[1] }' > commands.txt
while read -r g v; do
	if [ -n "$v" ]; then
		expect_has "kansa $g <TAB> has $v" "$v" -- kansa "$g" ""
		opts=$(kansa "$g" "$v" --help | sed -n '/^options:/,/^$/p' | grep -o -e '--[a-z][a-z0-9-]*' | sort -u)
		expect_has "kansa $g $v --<TAB>: its options" "$opts" -- kansa "$g" "$v" --
	else
		opts=$(kansa "$g" --help | sed -n '/^options:/,/^$/p' | grep -o -e '--[a-z][a-z0-9-]*' | sort -u)
		expect_has "kansa $g --<TAB>: its options" "$opts" -- kansa "$g" --
	fi
done < commands.txt
finish
