# SPDX-License-Identifier: Apache-2.0
# bash completion for kansa. The commands and options come from the program
# itself ('kansa --help', 'kansa GROUP --help', 'kansa GROUP VERB --help'),
# that is from the one table its --help is written from, so a new command or
# option completes without a change here.

# the commands of 'kansa --help': "ledger init", "check", one a line
_kansa_commands()
{
	"$1" --help 2> /dev/null | awk '/^commands:/ { on = 1; next } on && /^$/ { exit }
		on { sub(/^  /, ""); split($0, f, /   */); print f[1] }'
}

# the long options of one command's --help
_kansa_options()
{
	local prog=$1
	shift
	"$prog" "$@" --help 2> /dev/null | sed -n '/^options:/,/^$/p' |
		grep -o -e '--[a-z][a-z0-9-]*' | sort -u
}

_kansa()
{
	# _init_completion sets all four; prev is not used here
	# shellcheck disable=SC2034
	local cur prev words cword
	if declare -F _init_completion > /dev/null; then
		_init_completion || return
	else
		cur=${COMP_WORDS[COMP_CWORD]}
		# shellcheck disable=SC2034
		prev=${COMP_WORDS[COMP_CWORD - 1]}
		words=("${COMP_WORDS[@]}")
		cword=$COMP_CWORD
	fi
	local prog=${words[0]} cmds
	cmds=$(_kansa_commands "$prog")

	if [ "$cword" -eq 1 ]; then
		# shellcheck disable=SC2207
		COMPREPLY=($(compgen -W "$(printf '%s\n' "$cmds" | awk '{ print $1 }' | sort -u) help --help --version" -- "$cur"))
		return
	fi
	local group=${words[1]} verbs
	[ "$group" = help ] && group=${words[2]:-}
	verbs=$(printf '%s\n' "$cmds" | awk -v g="$group" '$1 == g && NF == 2 { print $2 }')
	# the verb of a group with verbs (kansa ledger <TAB>; kansa help ledger <TAB>)
	if [ -n "$verbs" ] && { [ "$cword" -eq 2 ] || { [ "${words[1]}" = help ] && [ "$cword" -eq 3 ]; }; }; then
		if [[ $cur == -* ]]; then
			# shellcheck disable=SC2207
			COMPREPLY=($(compgen -W "--help" -- "$cur"))
		else
			# shellcheck disable=SC2207
			COMPREPLY=($(compgen -W "$verbs" -- "$cur"))
		fi
		return
	fi
	[ "${words[1]}" = help ] && [ "$cword" -eq 2 ] && {
		# shellcheck disable=SC2207
		COMPREPLY=($(compgen -W "$(printf '%s\n' "$cmds" | awk '{ print $1 }' | sort -u)" -- "$cur"))
		return
	}
	[ "${words[1]}" = help ] && return
	local cmd=("$group")
	[ -n "$verbs" ] && cmd+=("${words[2]}")
	if [[ $cur == -* ]]; then
		# shellcheck disable=SC2207
		COMPREPLY=($(compgen -W "$(_kansa_options "$prog" "${cmd[@]}")" -- "$cur"))
		return
	fi
	# an option's value or an operand: most are files
	if declare -F _filedir > /dev/null; then
		_filedir
	else
		# shellcheck disable=SC2207
		COMPREPLY=($(compgen -f -- "$cur"))
	fi
}
complete -F _kansa kansa
