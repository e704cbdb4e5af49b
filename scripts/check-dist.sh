#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Check that a release tarball holds every file git tracks, so that what a
# user unpacks builds, tests and documents itself as the repository does.
# Usage: scripts/check-dist.sh TARBALL   (from a git checkout; exits 0
# with a note where there is no git history to compare with)
set -eu
tarball=$1
cd "$(dirname "$0")/.."
if ! git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	echo "check-dist: not a git checkout, nothing to compare"
	exit 0
fi
# Files that only the repository needs.
skip='^(\.gitignore|m4/\.keep)$'
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
git ls-files | grep -v -E "$skip" | sort > "$tmp/git"
tar tzf "$tarball" | sed 's|^[^/]*/||' | grep -v '/$' | sort > "$tmp/dist"
missing=$(comm -23 "$tmp/git" "$tmp/dist")
if [ -n "$missing" ]; then
	echo "check-dist: tracked files missing from $tarball (add them to EXTRA_DIST):"
	echo "$missing" | sed 's/^/  /'
	exit 1
fi
echo "check-dist: all $(wc -l < "$tmp/git") tracked files are in the tarball"
