#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The kansa story on a demo ledger, from a fresh Debian 12 machine:
# install packages, build, then run the commission's and the auditor's work
# in ./demo-out. Safe to run again (demo-out is made anew).
set -eu
cd "$(dirname "$0")"
top=$(pwd)
./scripts/deps.sh
[ -x configure ] && [ configure -nt configure.ac ] || ./autogen.sh >/dev/null 2>&1
mkdir -p build
(cd build && { [ -f Makefile ] || ../configure -q >/dev/null; } && make -s -j"$(nproc 2>/dev/null || echo 2)" >/dev/null)
K="$top/build/kansa"

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '$ kansa %s\n' "$*"; "$K" "$@"; }

rm -rf demo-out
mkdir demo-out
cd demo-out
umask 077

say "1. Three commission members make their Ed25519 keys"
for m in member-a member-b member-c; do
	# Demo passphrases live in 0600 files; real members type theirs at the prompt.
	printf 'demo passphrase of %s\n' "$m" > "$m.pass"
	run keys generate --out "$m.key" --name "$m" --passphrase-file "$m.pass"
done

say "2. Anyone can check a member's public key and key id"
run keys show member-a.key.pub
run keys show member-b.key.pub --json
echo
echo "demo finished: the files are in $(pwd)"
