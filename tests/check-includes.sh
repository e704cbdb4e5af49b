#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Keep the arrows of the layout (design §2) pointing one way:
#
#   cli -> (kansa.h) -> service -> ledger/audit -> ledger core -> ledger/tlog, ledger/store
#   ledger/anchor -> ledger/tlog (and the ledger through kansa.h only)
#   ledger -> policy -> keys -> common
#
# A folder may include only the internal headers of the folders it points to,
# and each third-party library has one home: OpenSSL keys/ (plus cleanse and
# memcmp anywhere), libcbor policy/, SQLCipher ledger/store/, libgit2
# ledger/anchor/. kansa.h, the public API, may be included everywhere.
#
# KANSA_SRCDIR names the tree to check (tests/check-includes-selftest.sh runs
# it on a copy with a wrong include planted).
set -u
src=${KANSA_SRCDIR:-$(dirname "$0")/..}
fail=0

# check FOLDER PATTERN WHY: no file directly in FOLDER includes a header
# whose name starts with PATTERN (an extended regular expression).
check() {
	hits=$(grep -nE "^[[:space:]]*#[[:space:]]*include[[:space:]]*[<\"]($2)" "$src/$1"/*.[ch] 2>/dev/null)
	if [ -n "$hits" ]; then
		echo "check-includes: $1/ must not include $2 ($3):"
		echo "$hits"
		fail=1
	fi
}

# headers of the ledger core: ledger/<name>.h, not in a sub-folder
core='ledger/[a-z_]+\.h'
libs_but() { # the third-party libraries other than the one named
	case $1 in
	cbor) echo 'sqlite|sqlcipher|git2|microhttpd|event2/|curl|libpq' ;;
	store) echo 'cbor\.h|cbor/|git2|microhttpd|event2/|curl' ;; # SQLCipher and libpq
	git2) echo 'cbor\.h|cbor/|sqlite|sqlcipher|microhttpd|event2/|curl|libpq' ;;
	none) echo 'cbor\.h|cbor/|sqlite|sqlcipher|git2|microhttpd|event2/|curl|libpq' ;;
	esac
}

check common "keys/|policy/|ledger/|service/|cli/|openssl/(evp|pem|x509)|$(libs_but none)" "common is the bottom"
check keys "policy/|ledger/|service/|cli/|$(libs_but none)" "keys uses common and OpenSSL"
check policy "ledger/|service/|cli/|openssl|$(libs_but cbor)" "policy uses keys, common, libcbor"
check ledger/store "policy/|$core|ledger/(tlog|audit|anchor)/|service/|cli/|$(libs_but store)" \
	"the store uses keys, common, SQLCipher and libpq; it knows nothing of documents or the tree"
check ledger/tlog "policy/|$core|ledger/(store|audit|anchor)/|service/|cli/|$(libs_but none)" \
	"the transparency log's formats use keys and common only"
check ledger "ledger/(audit|anchor)/|service/|cli/|$(libs_but none)" \
	"the ledger core uses tlog/, store/, policy/, keys/, common/"
check ledger/audit "ledger/anchor/|service/|cli/|$(libs_but none)" \
	"the audit uses the ledger core, tlog/ and store/"
check ledger/anchor "policy/|$core|ledger/(store|audit)/|service/|cli/|$(libs_but git2)" \
	"anchoring uses tlog/, libgit2, and the ledger through kansa.h only"
# service/ (design §10): kansa.h, the ledger core's headers and what is below them (keys/,
# common/), never policy/ or the ledger's sub-folders; libevent's evhttp, OpenSSL's TLS and
# libcurl live here only
check service "policy/|ledger/(store|tlog|audit|anchor)/|cli/|cbor\.h|cbor/|sqlite|sqlcipher|git2|libpq" \
	"the service uses kansa.h, the ledger core, keys/, common/, libevent, OpenSSL TLS, libcurl"
check cli 'common/|keys/|policy/|ledger/|service/|openssl|cbor|sqlite|git2|event2/|curl' \
	"the CLI uses only kansa.h and jansson"
[ $fail -eq 0 ] && echo "check-includes: ok"
exit $fail
