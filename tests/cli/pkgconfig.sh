#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# kansa's pkg-config files: with the build directory on PKG_CONFIG_PATH,
# 'kansa' is the uninstalled kansa-uninstalled.pc; docs/examples/integrator.c
# (open a ledger, check a request, print the decision) compiles against it
# alone and runs from the build tree; --static lists every library libkansa
# needs (jansson included). A fully static link needs libcbor.a, which
# Debian does not ship: that part runs only where it exists.
. "${KANSA_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib.sh"

: "${KANSA_BUILDDIR:?run through make check}"
command -v pkg-config > /dev/null || { echo "# SKIP: no pkg-config"; exit 77; }
# this build's compiler, and its sanitizer flags if any (a sanitized libkansa
# links only into a sanitized program)
CC="${KANSA_CC:-cc} ${KANSA_LINK_FLAGS:-}"
PKG_CONFIG_PATH=$KANSA_BUILDDIR${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}; export PKG_CONFIG_PATH

pkg-config --exists kansa && ok "pkg-config finds kansa in the build tree" || not_ok "pkg-config --exists kansa"
[ "$(pkg-config --variable=abs_top_builddir kansa)" = "$(cd "$KANSA_BUILDDIR" && pwd)" ] &&
	ok "it is kansa-uninstalled.pc of this build tree" || not_ok "kansa-uninstalled.pc not used"
[ "$(pkg-config --modversion kansa)" = "$(kansa --version | sed 's/^kansa //')" ] &&
	ok "its version is the program's" || not_ok "version $(pkg-config --modversion kansa)"
static=$(pkg-config --static --libs kansa)
for l in -lkansa -ljansson -lcbor -lsqlcipher -lpq -lgit2 -lcrypto -lpthread; do
	case " $static " in *" $l "*) ok "--static --libs has $l" ;; *) not_ok "--static --libs lacks $l: $static" ;; esac
done
# the installed kansa.pc says the same (Requires.private)
grep -q '^Requires.private:.* jansson' "$KANSA_BUILDDIR/kansa.pc" && ok "kansa.pc requires jansson privately" ||
	not_ok "kansa.pc: no jansson in Requires.private"

# shellcheck disable=SC2046
if $CC -std=c11 -Wall -Wextra -Werror -o integrator "$KANSA_SRCDIR/docs/examples/integrator.c" \
	$(pkg-config --cflags --libs kansa) 2> cc.txt; then
	ok "docs/examples/integrator.c builds with pkg-config alone"
else
	not_ok "integrator.c does not build"; sed 's/^/    /' cc.txt
fi

# it runs from the build tree (rpath), opens a ledger and decides
members a b c
sed -e 's/member-\([abc]\)\.key\.pub/\1.key.pub/' "$KANSA_SRCDIR/docs/examples/policy.json" > policy.json
kansa policy create --in policy.json --out policy.cose > /dev/null || exit 99
for m in a b c; do kansa policy sign policy.cose --key "$m.key" > /dev/null || exit 99; done
kansa ledger init --db l.db --policy policy.cose > /dev/null || exit 99
: > none.cose
expect_exit 1 "integrator: a request with an empty warrant is denied" -- \
	env -u LD_LIBRARY_PATH ./integrator l.db db.key none.cose "$KANSA_SRCDIR/docs/examples/request.json"
expect_grep "^deny (" out.txt "integrator prints the decision and its reason"
expect_exit 0 "the denial is in the ledger" -- kansa ledger info --db l.db --json
[ "$(json_get out.txt 'j["size"]')" = 2 ] && ok "one entry recorded" || not_ok "ledger size $(cat out.txt)"
expect_exit 4 "integrator: a missing ledger is an error, hence deny" -- \
	./integrator nosuch.db db.key none.cose "$KANSA_SRCDIR/docs/examples/request.json"
expect_grep "^deny: " err.txt "integrator says deny on error"

# libkansa linked statically, the rest shared (what README says to do on
# Debian): the program needs no libkansa.so
# shellcheck disable=SC2046
if $CC -std=c11 -o integrator-mixed "$KANSA_SRCDIR/docs/examples/integrator.c" $(pkg-config --cflags kansa) \
	-L"$(pkg-config --variable=libdir kansa)" -Wl,-Bstatic -lkansa -Wl,-Bdynamic \
	$(pkg-config --libs libcrypto libgit2 sqlcipher libpq libcbor jansson) -lpthread 2> cc.txt; then
	ok "libkansa links statically with the rest shared"
	ldd integrator-mixed | grep -q libkansa && not_ok "integrator-mixed still needs libkansa.so" ||
		ok "integrator-mixed needs no libkansa.so"
	expect_exit 1 "integrator-mixed decides" -- ./integrator-mixed l.db db.key none.cose "$KANSA_SRCDIR/docs/examples/request.json"
else
	not_ok "static libkansa link"; sed 's/^/    /' cc.txt
fi

# a static program, where every dependency has a static library
if [ -n "$(find /usr/lib /usr/local/lib -name libcbor.a 2> /dev/null | head -1)" ]; then
	# shellcheck disable=SC2046
	$CC -static -o integrator-static "$KANSA_SRCDIR/docs/examples/integrator.c" \
		$(pkg-config --static --cflags --libs kansa) 2> cc.txt &&
		ok "pkg-config --static links a static program" || { not_ok "static link"; sed 's/^/    /' cc.txt; }
else
	echo "# no libcbor.a on this system (Debian ships none): the static link is not tried"
fi
finish
