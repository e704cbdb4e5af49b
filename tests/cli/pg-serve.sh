#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Two kansa serve processes on one PostgreSQL database (design §6, §10, §13),
# on a throw-away cluster (tests/pg-cluster.sh): same policy, same database
# key, two loopback ports, driven at once by 2 x 16 clients (kansa check
# --server) with a warrant of 40 uses and 120 tries. Exactly 40 are allowed,
# the rest denied uses-exhausted; the uses row counts 40; the seqs are
# contiguous; every allow's receipt verifies and its seq and leaf hash are in
# the ledger; ledger verify and audit replay pass.
# Skips (77) when the PostgreSQL server programs are not installed.
top=${KANSA_SRCDIR:-$(dirname "$0")/../..}
. "$top/tests/cli/lib.sh"
. "$top/tests/cli/lib-serve.sh"
. "$top/tests/pg-cluster.sh"
. "$top/tests/cli/lib-pg-serve.sh"

pg_cluster_for_test 'kill "$server_a" "$server_b" 2>/dev/null; rm -rf "$T"'
server_a= server_b=
uses=40 per_client=4 clients=16 # 2 servers x 16 clients x 4 tries = 128 tries
pg_serve_setup $uses
tries=$((2 * clients * per_client))

SERVE_ERR=serve-a.err serve_start "$KANSA_PG_URI" --workers 8 || exit 99
server_a=$server URL_A=$URL
SERVE_ERR=serve-b.err serve_start "$KANSA_PG_URI" --workers 8 || exit 99
server_b=$server URL_B=$URL
[ "$URL_A" != "$URL_B" ] && ok "two kansa serve on one PostgreSQL database ($URL_A, $URL_B)" ||
	not_ok "the two servers: $URL_A $URL_B"

# REQ: LEDGER-FORK-2 two services on one database under concurrent load never
# fork the chain and never allow more than max_uses
# client NAME URL: per_client checks through URL, answers in c-NAME-K.*
client() {
	for k in $(seq 1 $per_client); do pg_serve_check "$2" "c-$1-$k"; done
}
pids=
for i in $(seq 1 $clients); do
	client "a$i" "$URL_A" & pids="$pids $!"
	client "b$i" "$URL_B" & pids="$pids $!"
done
# shellcheck disable=SC2086
wait $pids
n=$(cat c-*.rc | wc -l)
[ "$n" = $tries ] && ok "$tries checks from $((2 * clients)) clients came back" || not_ok "$n answers of $tries"

allow=0 exhausted=0 other=0
for f in c-*.json; do
	case "$(cat "${f%.json}.rc") $(json_get "$f" "j['decision'] + ' ' + j['reason']" 2>/dev/null)" in
	"0 allow allowed") allow=$((allow + 1)) ;;
	"1 deny uses-exhausted") exhausted=$((exhausted + 1)) ;;
	*) other=$((other + 1)); echo "    $f: exit $(cat "${f%.json}.rc"): $(cat "$f")" ;;
	esac
done
[ $allow = $uses ] && ok "exactly $uses of $tries tries allowed" || not_ok "$allow allows (wanted $uses)"
[ $exhausted = $((tries - uses)) ] && [ $other = 0 ] &&
	ok "the other $exhausted denied uses-exhausted (exit 1)" ||
	not_ok "$exhausted denied uses-exhausted, $other other answers"
got=$(pg_cluster_psql "SELECT count FROM uses")
[ "$got" = $uses ] && ok "uses.count is $uses" || not_ok "uses.count: $got (wanted $uses)"
# entries: the policy at seq 0, then one decision per try
got=$(pg_contiguous)
[ "$got" = "$((tries + 1)) $((tries + 1))" ] && ok "seqs are contiguous: $((tries + 1)) entries, 0 to $tries" ||
	not_ok "entries: $got (wanted $((tries + 1)) $((tries + 1)))"
a=$(grep -l '"decision":"allow"' c-a*.json | wc -l); b=$(grep -l '"decision":"allow"' c-b*.json | wc -l)
[ "$a" -gt 0 ] && [ "$b" -gt 0 ] && ok "both servers allowed some ($a and $b)" ||
	not_ok "allows by server: $a and $b"

pg_allows_in_ledger c- > allows.txt
read -r n distinct missing bad < allows.txt
[ "$n" = $uses ] && [ "$distinct" = $uses ] && [ "$missing" = 0 ] &&
	ok "the $uses allows have $uses distinct seqs, each in the ledger with its leaf hash" ||
	not_ok "$n allows, $distinct seqs, $missing not in the ledger"
[ "$bad" = 0 ] && ok "every allow's receipt verifies (kansa receipt verify)" || not_ok "$bad receipts do not verify"

kill -TERM "$server_a" "$server_b"
wait "$server_a"; rc_a=$?
wait "$server_b"; rc_b=$?
[ $rc_a = 0 ] && [ $rc_b = 0 ] && ok "both servers stop on SIGTERM (exit 0)" ||
	{ not_ok "SIGTERM: exit $rc_a and $rc_b"; cat serve-a.err serve-b.err; }
server_a= server_b=
expect_exit 0 "ledger verify passes" -- kansa ledger verify --db "$KANSA_PG_URI"
expect_exit 0 "audit replay passes (uses re-counted)" -- kansa audit replay --db "$KANSA_PG_URI"
finish
