#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Banned functions (style.md §5): unbounded string functions anywhere, and
# memcmp where hashes, MACs, kids or signatures are compared.
set -u
src=${KANSA_SRCDIR:-$(dirname "$0")/..}
fail=0
hits=$(grep -nE '\<(strcpy|strcat|sprintf|vsprintf|strtok|atoi|atol|gets)[[:space:]]*\(' \
	"$src"/common/*.[ch] "$src"/keys/*.[ch] "$src"/policy/*.[ch] "$src"/ledger/*.[ch] "$src"/cli/*.[ch] 2>/dev/null)
if [ -n "$hits" ]; then echo "check-banned: banned function:"; echo "$hits"; fail=1; fi
hits=$(grep -nE '(^|[^_A-Za-z])memcmp[[:space:]]*\(' "$src"/keys/*.[ch] "$src"/policy/cose*.[ch] "$src"/ledger/*.[ch] 2>/dev/null)
if [ -n "$hits" ]; then echo "check-banned: use CRYPTO_memcmp/kansa_ct_equal, not memcmp:"; echo "$hits"; fail=1; fi
[ $fail -eq 0 ] && echo "check-banned: ok"
exit $fail
