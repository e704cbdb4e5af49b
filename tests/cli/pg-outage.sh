#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The PostgreSQL database lost under load (design §6, §13), on a throw-away
# cluster (tests/pg-cluster.sh): while 6 clients check through one kansa
# serve and 2 loops check in process (kansa check --db), the kansa connections
# are terminated from psql (pg_terminate_backend) five times at any moment,
# twice after an entry was inserted and twice inside COMMIT (held there by
# a trigger of the test), then the server is stopped as in a crash and
# started again. No check is allowed
# without its entry (every allow's seq holds its leaf hash, every allow's
# receipt verifies); checks during the outage are denied not-recorded
# (exit 4); the same kansa serve, never restarted, allows again after it;
# seqs stay contiguous, the uses row counts the allows of the ledger, and
# ledger verify and audit replay pass.
# Skips (77) when the PostgreSQL server programs are not installed.
top=${KANSA_SRCDIR:-$(dirname "$0")/../..}
. "$top/tests/cli/lib.sh"
. "$top/tests/cli/lib-serve.sh"
. "$top/tests/pg-cluster.sh"
. "$top/tests/cli/lib-pg-serve.sh"

pg_cluster_for_test 'touch stop; kill $pids "$server" 2>/dev/null; rm -rf "$T"'
server= pids=
pg_serve_setup 100000
serve_start "$KANSA_PG_URI" --workers 4 || exit 99
first_server=$server

# REQ: STORE-PG-RECONNECT a read right after the service's connection was
# terminated is answered: the engine finds the closed connection first
pg_serve_check "$URL" a-0-1
pg_pids=$(pg_cluster_psql "SELECT pid FROM pg_stat_activity WHERE datname = 'kansa' AND pid <> pg_backend_pid()")
pg_cluster_psql "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
	WHERE datname = 'kansa' AND pid <> pg_backend_pid()" > /dev/null
for p in $pg_pids; do # the backends have exited (their sockets closed); hang guard: 60 s
	for _ in $(seq 1 600); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
done
code=$(serve_curl npa -o r.cose -w '%{http_code}' "$URL/v1/receipt/1")
[ "$code" = 200 ] && ok "GET /v1/receipt right after the service's connection was terminated: 200" ||
	not_ok "GET /v1/receipt after the terminate: $code $(head -c 200 r.cose)"

# svc I / inproc I: check until the file stop appears (or the test's
# directory is gone), answers in a-I-K.* / d-I-K.*
going() { [ ! -e stop ] && [ -e ok.json ]; }
svc() { k=0; while going; do k=$((k + 1)); pg_serve_check "$URL" "a-$1-$k"; done; }
inproc() { k=0; while going; do k=$((k + 1)); pg_db_check "d-$1-$k"; done; }
for i in 1 2 3 4 5 6; do svc "$i" & pids="$pids $!"; done
for i in 1 2; do inproc "$i" & pids="$pids $!"; done

allows() { grep -l '"decision":"allow"' "$@" 2>/dev/null | wc -l; }
# wait_for CMD N: until CMD prints at least N (hang guard: 300 s)
wait_for() {
	for _ in $(seq 1 3000); do [ "$($1)" -ge "$2" ] && return 0; sleep 0.1; done
	return 1
}
svc_allows() { allows a-*.json; }
db_allows() { allows d-*.json; }
outage_denies() { grep -l '"reason":"not-recorded"' a-*.json d-*.json 2>/dev/null | wc -l; }

wait_for svc_allows 10 && wait_for db_allows 3 || not_ok "no allows came back before the outage"
# REQ: STORE-PG-RECONNECT connections killed under load: the service connects again by itself
killed=0 rounds=0
for round in 1 2 3 4 5; do
	n=$(pg_cluster_psql "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE datname = 'kansa' AND pid <> pg_backend_pid()")
	killed=$((killed + n))
	before=$(svc_allows)
	wait_for svc_allows $((before + 5)) || { not_ok "round $round: no allows after the connections were killed"; break; }
	rounds=$round
done
[ $rounds = 5 ] && ok "kansa's connections were terminated 5 times ($killed backends); the service allowed again after each"

# Mid-batch: a trigger of this test holds every insert of an entry (or, as a
# deferred trigger, every COMMIT) in pg_sleep, and the connection caught there
# is terminated; its batch is denied and leaves nothing, later ones go on.
pg_cluster_psql "CREATE FUNCTION test_pause() RETURNS trigger LANGUAGE plpgsql
	AS 'BEGIN PERFORM pg_sleep(1); RETURN NULL; END'" || not_ok "create the test's trigger function"
# kill_in QUERY: terminate a kansa connection sleeping in QUERY (hang guard: 300 s)
kill_in() {
	for _ in $(seq 1 3000); do
		n=$(pg_cluster_psql "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
			WHERE datname = 'kansa' AND pid <> pg_backend_pid() AND wait_event = 'PgSleep'
			AND query LIKE '$1%'")
		[ "$n" -ge 1 ] && return 0
		sleep 0.1
	done
	return 1
}
# mid_batch TRIGGER-SQL QUERY WHAT: two connections caught in QUERY terminated
mid_batch() {
	pg_cluster_psql "$1" || not_ok "create the trigger"
	for round in 1 2; do
		before=$(outage_denies)
		kill_in "$2" || { not_ok "$3: no connection caught"; break; }
		wait_for outage_denies $((before + 1)) && ok "$3 ($round): terminated, and its batch denied" ||
			not_ok "$3 ($round): no deny came back"
	done
	pg_cluster_psql "DROP TRIGGER test_pause ON entries" || not_ok "drop the trigger"
	if [ "$2" = COMMIT ]; then
		n=$(grep -l "broke during COMMIT: denied, though the batch may be stored" a-*.json d-*.json | wc -l)
		[ "$n" -ge 1 ] && ok "$3: the deny says the batch may be stored even so ($n)" ||
			not_ok "$3: no deny names the unknown outcome"
	fi
	before=$(svc_allows)
	wait_for svc_allows $((before + 3)) && ok "$3: the service allows again" || not_ok "$3: no allows after"
}
mid_batch "CREATE TRIGGER test_pause AFTER INSERT ON entries FOR EACH ROW EXECUTE FUNCTION test_pause()" \
	"INSERT INTO entries" "a connection killed after inserting an entry, before COMMIT"
mid_batch "CREATE CONSTRAINT TRIGGER test_pause AFTER INSERT ON entries DEFERRABLE INITIALLY DEFERRED
	FOR EACH ROW EXECUTE FUNCTION test_pause()" COMMIT "a connection killed inside COMMIT"

# REQ: LEDGER-FAILCLOSED-PG the database down: deny, nothing recorded; up again: allow
pg_cluster_halt || not_ok "pg_ctl stop"
before=$(outage_denies)
wait_for outage_denies $((before + 4)) || not_ok "no denies came back while the database was down"
pg_cluster_resume || { not_ok "pg_ctl start"; exit 99; }
ok "the database was stopped (immediate) and started again"
after=$(svc_allows)
wait_for svc_allows $((after + 10)) && ok "the same kansa serve allows again after the restart" ||
	not_ok "no allows through the service after the restart"
after=$(db_allows)
wait_for db_allows $((after + 2)) && ok "kansa check --db allows again after the restart" ||
	not_ok "no allows in process after the restart"
touch stop
# shellcheck disable=SC2086
wait $pids
[ "$server" = "$first_server" ] && kill -0 "$server" 2>/dev/null && ok "the service was never restarted" ||
	not_ok "the service is gone: $(tail -3 serve.err)"

# every answer is an allow (exit 0) or a deny with nothing recorded (exit 4)
allow=0 denied=0 other=0
: > denied.txt
for f in a-*.json d-*.json; do
	case "$(cat "${f%.json}.rc") $(json_get "$f" "j['decision'] + ' ' + j['reason']" 2>/dev/null)" in
	"0 allow allowed") allow=$((allow + 1)) ;;
	"4 deny not-recorded") denied=$((denied + 1)); echo "$f" >> denied.txt ;;
	*) other=$((other + 1)); echo "    $f: exit $(cat "${f%.json}.rc"): $(head -c 300 "$f")" ;;
	esac
done
[ $other = 0 ] && [ $allow -gt 0 ] && [ $denied -gt 0 ] &&
	ok "$allow allowed, $denied denied not-recorded (exit 4), no other answer" ||
	not_ok "$allow allowed, $denied denied not-recorded, $other other answers"
n=0
while read -r f; do
	json_get "$f" "j['error']['code'] in ('EIO', 'ELOCKED') and
		('PostgreSQL' in j['error']['message'] or 'ledger' in j['error']['message'])" | grep -q True &&
		n=$((n + 1))
done < denied.txt
[ "$n" = "$denied" ] && ok "each deny says the ledger could not be written" ||
	not_ok "$n of $denied denies name the ledger"

pg_allows_in_ledger a- > allows-a.txt
pg_allows_in_ledger d- > allows-d.txt
read -r na da ma ba < allows-a.txt
read -r nd dd md bd < allows-d.txt
[ "$na" -gt 0 ] && [ "$na" = "$da" ] && [ "$ma" = 0 ] && [ "$ba" = 0 ] &&
	ok "the $na allows of the service are in the ledger (seq, leaf hash) and their receipts verify" ||
	not_ok "service: $na allows, $da seqs, $ma not in the ledger, $ba bad receipts"
[ "$nd" -gt 0 ] && [ "$nd" = "$dd" ] && [ "$md" = 0 ] && [ "$bd" = 0 ] &&
	ok "the $nd allows in process are in the ledger (seq, leaf hash) and their receipts verify" ||
	not_ok "in process: $nd allows, $dd seqs, $md not in the ledger, $bd bad receipts"

got=$(pg_contiguous)
set -- $got
[ "$1" = "$2" ] && ok "seqs are contiguous: $1 entries" || not_ok "entries: $got (count, max + 1)"
# A connection lost during COMMIT may leave an entry the caller was denied
# for: the ledger then holds more allows than were answered, never fewer.
in_ledger=$(python3 -c 'import json; print(sum(e.get("decision") == "allow" for e in json.load(open("entries.json"))["entries"]))')
uses=$(pg_cluster_psql "SELECT count FROM uses")
[ "$uses" = "$in_ledger" ] && [ "$in_ledger" -ge "$allow" ] &&
	ok "uses.count ($uses) is the ledger's allows; $allow answered, $((in_ledger - allow)) committed unanswered" ||
	not_ok "uses.count $uses, $in_ledger allows in the ledger, $allow answered"

total=$(pg_cluster_psql "SELECT count(*) FROM entries")
[ "$total" = $((in_ledger + 1)) ] && ok "the ledger holds the policy and allows only: nothing of a denied batch" ||
	not_ok "$total entries, $in_ledger allows"

kill -TERM "$server"; wait "$server"; rc=$?
[ $rc = 0 ] && ok "the service stops on SIGTERM (exit 0)" || { not_ok "SIGTERM: exit $rc"; tail -5 serve.err; }
server=
expect_exit 0 "ledger verify passes" -- kansa ledger verify --db "$KANSA_PG_URI"
expect_exit 0 "audit replay passes" -- kansa audit replay --db "$KANSA_PG_URI"
finish
