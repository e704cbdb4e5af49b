#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Install the Debian 12 packages kansa needs to build, test and demo.
# Runs apt-get only when something is missing (needs root, or sudo).
set -eu
PACKAGES="build-essential autoconf automake libtool pkg-config git openssl
libssl-dev libgit2-dev libsqlcipher-dev sqlcipher postgresql libpq-dev libcbor-dev libjansson-dev
libcriterion-dev python3 python3-cbor2 python3-cryptography valgrind clang
libclang-rt-14-dev gdb scdoc man-db bash-completion libevent-dev libcurl4-openssl-dev curl chromium"
missing=""
for p in $PACKAGES; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "deps: installing:$missing" >&2
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
