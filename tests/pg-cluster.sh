#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# A throw-away PostgreSQL cluster for the tests of the PostgreSQL storage
# engine (sourced, not run; after tests/cli/lib.sh or on its own).
#
#   pg_cluster_start DIR   make a cluster in DIR (initdb), start it on a Unix
#                          socket inside DIR (no TCP port), create database
#                          "kansa", and set KANSA_PG_URI to its URI
#   pg_cluster_stop DIR    stop it (immediate) and remove DIR
#   pg_cluster_halt        stop the server of $PG_CLUSTER_DIR (immediate: as a
#                          crash), keeping its data
#   pg_cluster_resume      start it again (crash recovery), on the same socket
#   pg_cluster_psql SQL [DB]  run SQL on that database, or on DB (psql, quiet,
#                          errors stop)
#   pg_cluster_for_test [CLEANUP]  skip the test (exit 77) without the server
#                          programs, else start a cluster in a new directory
#                          $PGD, stopped (and CLEANUP run) at exit
#
# PostgreSQL refuses to run as root: as root the cluster runs as "nobody".
# PG_BINDIR names the server programs (default: the newest of
# /usr/lib/postgresql/*/bin, else the PATH). pg_cluster_have returns 1 when
# they are missing (a test then skips with exit 77).

pg_cluster_bindir() {
	if [ -n "${PG_BINDIR:-}" ]; then echo "$PG_BINDIR"; return; fi
	for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
		[ -x "$d/initdb" ] && { echo "$d"; return; }
	done
	dirname "$(command -v initdb 2>/dev/null || echo /nonexistent/initdb)"
}

pg_cluster_have() {
	b=$(pg_cluster_bindir)
	[ -x "$b/initdb" ] && [ -x "$b/pg_ctl" ] && [ -x "$b/postgres" ] &&
		{ [ -x "$b/psql" ] || command -v psql >/dev/null; }
}

# pg_as CMD...: run CMD as the cluster's owner
pg_as() {
	if [ "$(id -u)" -eq 0 ]; then runuser -u nobody -- "$@"; else "$@"; fi
}

pg_cluster_start() {
	pgdir=$1
	b=$(pg_cluster_bindir)
	mkdir -p "$pgdir" && chmod 700 "$pgdir" || return 1
	[ "$(id -u)" -eq 0 ] && chown nobody "$pgdir"
	# trust on the socket only: the socket lives in a 0700 directory
	pg_as "$b/initdb" -D "$pgdir/data" -U kansa -A trust -E UTF8 --no-sync >"$pgdir/initdb.log" 2>&1 ||
		{ cat "$pgdir/initdb.log" >&2; return 1; }
	PG_CLUSTER_DIR=$pgdir
	pg_cluster_resume || return 1
	pg_psql_bin=$b/psql
	[ -x "$pg_psql_bin" ] || pg_psql_bin=psql
	"$pg_psql_bin" -q -h "$pgdir" -U kansa -d postgres -c "CREATE DATABASE kansa" >/dev/null || return 1
	KANSA_PG_URI="postgresql:///kansa?host=$pgdir&user=kansa"
	export KANSA_PG_URI PG_CLUSTER_DIR
}

pg_cluster_resume() {
	pg_as "$(pg_cluster_bindir)/pg_ctl" -D "$PG_CLUSTER_DIR/data" -l "$PG_CLUSTER_DIR/server.log" -w -t 60 \
		-o "-c listen_addresses='' -c unix_socket_directories='$PG_CLUSTER_DIR' -c fsync=on -c max_connections=40" \
		start >/dev/null 2>&1 || { cat "$PG_CLUSTER_DIR/server.log" >&2; return 1; }
}

pg_cluster_halt() {
	pg_as "$(pg_cluster_bindir)/pg_ctl" -D "$PG_CLUSTER_DIR/data" -m immediate -w stop >/dev/null 2>&1
}

pg_cluster_psql() {
	"$pg_psql_bin" -q -X -v ON_ERROR_STOP=1 -h "$PG_CLUSTER_DIR" -U kansa -d "${2:-kansa}" -At -c "$1"
}

pg_cluster_stop() {
	b=$(pg_cluster_bindir)
	[ -d "$1/data" ] && pg_as "$b/pg_ctl" -D "$1/data" -m immediate -w stop >/dev/null 2>&1
	rm -rf "$1"
}

pg_cluster_for_test() {
	if ! pg_cluster_have; then
		echo "skip: PostgreSQL server programs not found (apt-get install postgresql, or set PG_BINDIR)"
		exit 77
	fi
	if [ "$(id -u)" -eq 0 ] && ! command -v runuser >/dev/null; then
		echo "skip: running as root and runuser is missing (postgres refuses to run as root)"
		exit 77
	fi
	PGD=$(mktemp -u /tmp/kansa-pg-XXXXXX)
	pg_cleanup=${1:-:}
	trap 'pg_cluster_stop "$PGD"; eval "$pg_cleanup"' EXIT
	pg_cluster_start "$PGD" || { echo "cannot start a PostgreSQL cluster"; exit 99; }
}
