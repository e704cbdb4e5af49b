#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Keep the dependency direction cli -> ledger -> policy -> keys -> common:
# a module may include only the internal headers of modules below it, and
# only keys/ may include OpenSSL, only policy/ libcbor, only ledger/ SQLCipher
# and libgit2 (plus OpenSSL cleanse/memcmp in common/ and elsewhere).
set -u
src=${KANSA_SRCDIR:-$(dirname "$0")/..}
fail=0
check() { # module, forbidden pattern, why
	hits=$(grep -nE "^[[:space:]]*#[[:space:]]*include[[:space:]]*[<\"]($2)" "$src/$1"/*.[ch] 2>/dev/null)
	if [ -n "$hits" ]; then
		echo "check-includes: $1/ must not include $2 ($3):"
		echo "$hits"
		fail=1
	fi
}
check common 'keys/|policy/|ledger/|cli/|cbor|sqlite|sqlcipher|git2' "common is the bottom"
check keys 'policy/|ledger/|cli/|cbor|sqlite|sqlcipher|git2' "keys uses only common and OpenSSL"
check policy 'ledger/|cli/|sqlite|sqlcipher|git2|openssl' "policy uses keys, common, libcbor"
check ledger 'cli/|cbor\.h|cbor/' "ledger uses policy, keys, common, SQLCipher, libgit2"
check cli 'common/|keys/|policy/|ledger/|openssl|cbor|sqlite|git2' "the CLI uses only kansa.h and jansson"
[ $fail -eq 0 ] && echo "check-includes: ok"
exit $fail
