#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# kansa serve signs checkpoints on its own and collects witnesses'
# cosignatures (design §10, §11), against kansa witness serve on loopback
# ports: the options refused when wrong; with --checkpoint-every 3, after
# three checks through kansa check --server the policy's witness cosigned
# the checkpoint of size 4 (counted in /metrics, quorum met), a witness whose
# key is not trusted and one that is down are counted as failures, GET
# /v1/checkpoint carries the stored cosignature (verified by
# tests/cosig_ref.py, an independent implementation) and no line of the
# untrusted witness; ledger checkpoint, audit replay and a proven receipt
# then find the cosignature stored; SIGTERM while the thread waits out an
# hour's --checkpoint-interval stops it at once. A round short of the quorum
# is tried again an interval later, with no new entry, and --witness-quorum K
# replaces the policy's quorum. With a witness that accepts the
# connection and never answers, checks are answered (allowed) while the
# round waits for it, and SIGTERM stops the server long before its timeout;
# the untrusted witness's lines were not stored.
. "${KANSA_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib.sh"
. "${KANSA_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib-audit.sh"
. "${KANSA_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib-serve.sh"

src=${KANSA_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
REF="$src/tests/cosig_ref.py"
command -v curl >/dev/null || { echo "1..0 # SKIP curl is not installed"; exit 77; }
python3 -c 'import cryptography' 2>/dev/null || { echo "1..0 # SKIP python3 cryptography not found"; exit 77; }
members a b x
wvkey() { kansa keys show "$1" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["witness_vkey"])'; }
VA=$(wvkey a.key.pub)
cat > policy.json <<JSON
{ "commission": "jp-ccisc", "version": 1,
  "members": [ {"name": "member-a", "public_key": "a.key.pub"}, {"name": "member-b", "public_key": "b.key.pub"} ],
  "quorum": {"metadata-query": 1, "neutralize": 2, "revoke": 1, "policy": 1},
  "witnesses": [ {"name": "member-a", "vkey": "$VA"} ], "witness_quorum": 1,
  "fields": ["src_ip","dst_ip"], "forbidden_fields": ["payload"], "ops": ["stop-process"],
  "units": [ {"name": "npa-cyber-3", "actions": ["metadata-query"]} ] }
JSON
audit_doc policy policy a
audit_doc warrant w a <<'JSON'
{ "commission": "jp-ccisc", "subject": "npa-cyber-3", "action": "metadata-query", "case": "T-1",
  "not_before": "-1h", "expires": "+30d",
  "scope": { "targets": ["203.0.113.0/24"], "fields": ["src_ip"], "window": ["-30d", "now"] } }
JSON
cat > q.json <<'JSON'
{ "requester": "npa-cyber-3", "officer": "officer-1207", "action": "metadata-query", "targets": ["203.0.113.17"],
  "fields": ["src_ip"], "window": ["-7d", "-1d"], "justification": "C2 beaconing analysis" }
JSON
kansa ledger init --db l.db --policy policy.cose >/dev/null || exit 99
KA=$(kansa ledger info --db l.db --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["log_key"])')
serve_certs || exit 99
serve_cert npa units-ca /CN=npa-cyber-3 || exit 99

server= wa= wx= hole=
trap 'kill $server $wa $wx $hole 2>/dev/null; rm -rf "$T"' EXIT

# check N: N checks through the service, each allowed
check() {
	i=0
	while [ $i -lt "$1" ]; do
		kansa check --server "$URL" --cert npa.pem --key npa.key --ca server-ca.pem \
			--warrant w.cose --request q.json --json > check.json 2> check.err || return 1
		[ "$(json_get check.json "j['decision']")" = allow ] || return 1
		i=$((i + 1))
	done
}
# metric NAME: its value in /metrics (NAME with its labels), or nothing
metric() {
	serve_curl npa "$URL/metrics" | awk -v k="$1" '$1 == k { print $2 }'
}
# wait_metric NAME MIN: until NAME reaches MIN (a hang guard of 300 s, not a pace)
wait_metric() {
	for _ in $(seq 1 1500); do
		v=$(metric "$1")
		[ -n "$v" ] && [ "$v" -ge "$2" ] && return 0
		sleep 0.2
	done
	echo "# $1 stayed at '${v:-}' (wanted $2):"; serve_curl npa "$URL/metrics" | grep -i 'witness\|checkpoint'
	return 1
}
# stop_server: SIGTERM, its exit status in stopped, the seconds it took in took
stop_server() {
	t0=$(date +%s)
	kill -TERM "$server"; wait "$server"; stopped=$?
	took=$(($(date +%s) - t0))
	server=
}

# ---- the options --------------------------------------------------------------
run_serve() { kansa serve --db l.db --listen 127.0.0.1:0 --cert server.pem --key server.key --client-ca units-ca.pem "$@"; }
# REQ: SERVICE-CHECKPOINTER-OPTIONS
expect_exit 2 "--witness without --checkpoint-every or --checkpoint-interval: usage error" -- \
	run_serve --witness https://127.0.0.1:1
expect_grep "give --checkpoint-every N or --checkpoint-interval SECONDS" err.txt "the error says what to add"
expect_exit 2 "--checkpoint-every 0: usage error" -- run_serve --checkpoint-every 0
expect_exit 2 "--checkpoint-interval 0: usage error" -- run_serve --checkpoint-interval 0
expect_exit 2 "a witness URL that is not https: usage error" -- \
	run_serve --witness http://127.0.0.1:1 --checkpoint-every 3
expect_exit 2 "--witness-ca without --witness: usage error" -- \
	run_serve --witness-ca server-ca.pem --checkpoint-every 3
expect_exit 2 "--witness-timeout past 3600: usage error" -- \
	run_serve --witness https://127.0.0.1:1 --checkpoint-every 3 --witness-timeout 3601
expect_exit 2 "--witness-quorum 0: usage error" -- \
	run_serve --witness https://127.0.0.1:1 --checkpoint-every 3 --witness-quorum 0
expect_grep "leave it out for the policy's witness_quorum" err.txt "the error says what to do"
expect_exit 2 "--witness-quorum without --witness: usage error" -- run_serve --checkpoint-every 3 --witness-quorum 1
expect_exit 3 "a --witness-key that is neither a key nor a file: refused" -- \
	run_serve --witness https://127.0.0.1:1 --checkpoint-every 3 --witness-key nonsense

# ---- the witnesses ---------------------------------------------------------
serve_witness wa a.key "$KA" || exit 99
wa=$witness_pid WA=$WITNESS_URL
serve_witness wx x.key "$KA" || exit 99   # member-x: a witness the policy does not list
wx=$witness_pid WX=$WITNESS_URL
DOWN=https://127.0.0.1:1                  # nothing listens there

# ---- --checkpoint-every 3: the policy's witness cosigns ---------------------
serve_start l.db --witness "$WA" --witness "$WX" --witness "$DOWN" --witness-ca server-ca.pem \
	--checkpoint-every 3 --checkpoint-interval 3600 --timeout 5 || exit 99
ok "kansa serve with three witnesses listens ($port)"
# REQ: SERVICE-CHECKPOINTER
check 3 && ok "three checks through kansa check --server, each allowed" || not_ok "a check: $(cat check.err check.json)"
wait_metric "kansa_witness_failures_total{witness=\"$DOWN\"}" 1 &&
	ok "a round ran: the witness that is down counted as a failure" || not_ok "no round"
# the round's own lines come once the cosignatures are stored, after the last witness's
wait_metric kansa_witness_quorum_met 1 && ok "kansa_witness_quorum_met 1" || not_ok "the quorum was not met"
[ "$(metric "kansa_witness_cosignatures_total{witness=\"$WA\"}")" = 1 ] &&
	ok "the policy's witness gave one cosignature" || not_ok "cosignatures of $WA: $(metric "kansa_witness_cosignatures_total{witness=\"$WA\"}")"
[ "$(metric "kansa_witness_failures_total{witness=\"$WA\"}")" = 0 ] && ok "and no failure" || not_ok "failures of $WA"
[ "$(metric "kansa_witness_cosignatures_total{witness=\"$WX\"}")" = 0 ] &&
[ "$(metric "kansa_witness_failures_total{witness=\"$WX\"}")" = 1 ] &&
	ok "the witness whose key is not trusted: no cosignature kept, one failure" || not_ok "counts of $WX"
[ "$(metric kansa_checkpoint_size)" = 4 ] && ok "kansa_checkpoint_size 4 (the policy and three checks)" ||
	not_ok "kansa_checkpoint_size $(metric kansa_checkpoint_size)"
[ "$(metric kansa_checkpoints_signed_total)" = 1 ] && ok "one checkpoint signed" ||
	not_ok "checkpoints signed: $(metric kansa_checkpoints_signed_total)"
serve_curl npa "$URL/v1/checkpoint" > served.txt || not_ok "GET /v1/checkpoint"
[ "$(sed -n 2p served.txt)" = 4 ] && ok "GET /v1/checkpoint: size 4" || not_ok "served: $(cat served.txt)"
expect_exit 0 "its member-a cosignature verifies (cosig_ref.py), with the log's signature" -- \
	python3 "$REF" verify "$VA" served.txt "$KA"
grep -q '^— member-x ' served.txt && not_ok "a line of the untrusted witness is served" ||
	ok "no line of the untrusted witness"
grep -q 'witness' serve.err && not_ok "the server printed about witnesses: $(cat serve.err)" ||
	ok "nothing about the witnesses on stderr (metrics only)"
# REQ: SERVICE-CHECKPOINTER-STOP
stop_server
[ "$stopped" -eq 0 ] && ok "SIGTERM while the thread waits for entries: exit 0" || not_ok "exit $stopped: $(cat serve.err)"

# ---- what is stored ------------------------------------------------------------
# REQ: COSIG-STORE the server's round stored the cosignature with the checkpoint
kansa ledger checkpoint --db l.db > cp4.txt 2>/dev/null || not_ok "ledger checkpoint"
[ "$(sed -n 2p cp4.txt)" = 4 ] && ok "ledger checkpoint: size 4 still" || not_ok "ledger checkpoint: $(cat cp4.txt)"
expect_exit 0 "it carries the stored member-a cosignature (cosig_ref.py)" -- python3 "$REF" verify "$VA" cp4.txt "$KA"
expect_exit 0 "audit replay: the latest checkpoint has the policy's witness quorum" -- kansa audit replay --db l.db --json
[ "$(json_get out.txt "j['witnesses']['have'], j['witnesses']['need']")" = "1 1" ] &&
	ok "1 of 1 witnesses on it" || not_ok "$(cat out.txt)"
expect_exit 0 "a receipt proven at it: receipt verify --witness-quorum 1 accepts it" -- \
	sh -c "'$KANSA' receipt get --db l.db --seq 1 --out r1.receipt >/dev/null &&
	'$KANSA' receipt prove r1.receipt --db l.db --checkpoint cp4.txt --out r1.proven >/dev/null &&
	'$KANSA' receipt verify r1.proven --log-key '$KA' --request q.json --witness '$VA' --witness-quorum 1"

# ---- SIGTERM while the thread waits out an interval ---------------------------
serve_start l.db --witness "$WA" --witness-ca server-ca.pem --checkpoint-interval 3600 --timeout 5 || exit 99
check 1 || not_ok "a check"
# REQ: SERVICE-CHECKPOINTER-STOP
stop_server
[ "$stopped" -eq 0 ] && ok "SIGTERM while the thread waits out --checkpoint-interval 3600: exit 0" ||
	not_ok "exit $stopped: $(cat serve.err)"
[ "$took" -lt 30 ] && ok "and at once (${took} s)" || not_ok "it took $took s"

# ---- short of the quorum: asked again an interval later -----------------------
serve_start l.db --witness "$WX" --witness-ca server-ca.pem --checkpoint-interval 1 --timeout 5 || exit 99
check 1 || not_ok "a check"
# REQ: SERVICE-CHECKPOINTER-RETRY
wait_metric "kansa_witness_failures_total{witness=\"$WX\"}" 2 &&
	ok "a round short of the quorum is tried again with no new entry" || not_ok "no second round"
[ "$(metric kansa_witness_quorum_met)" = 0 ] && ok "kansa_witness_quorum_met 0" || not_ok "quorum_met $(metric kansa_witness_quorum_met)"
stop_server
[ "$stopped" -eq 0 ] && ok "stopped (exit 0)" || not_ok "exit $stopped: $(cat serve.err)"

# ---- --witness-quorum K: the operator's quorum over the policy's ---------------
# REQ: SERVICE-CHECKPOINTER-QUORUM
serve_start l.db --witness "$WA" --witness-ca server-ca.pem --witness-quorum 2 --checkpoint-interval 1 \
	--timeout 5 || exit 99
check 1 || not_ok "a check"
wait_metric "kansa_witness_cosignatures_total{witness=\"$WA\"}" 2 &&
	ok "--witness-quorum 2 with one trusted witness: its cosignature is not enough, the round is tried again" ||
	not_ok "no second round"
[ "$(metric kansa_witness_quorum_met)" = 0 ] && ok "and kansa_witness_quorum_met is 0" ||
	not_ok "quorum_met $(metric kansa_witness_quorum_met)"
stop_server
VX=$(wvkey x.key.pub)
serve_start l.db --witness "$WA" --witness "$WX" --witness-key "$VX" --witness-ca server-ca.pem \
	--witness-quorum 2 --checkpoint-every 1 --checkpoint-interval 3600 --timeout 5 || exit 99
check 1 || not_ok "a check"
wait_metric kansa_witness_quorum_met 1 &&
	ok "--witness-quorum 2 is met by the policy's witness and a --witness-key one" || not_ok "not met"
stop_server

# ---- a witness that never answers --------------------------------------------
python3 - > hole.port <<'PY' &
import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(16)
print(s.getsockname()[1], flush=True)
time.sleep(900)
PY
hole=$!
for _ in $(seq 1 300); do [ -s hole.port ] && break; sleep 0.1; done
HOLE=https://127.0.0.1:$(cat hole.port)
serve_start l.db --witness "$WX" --witness "$HOLE" --witness-ca server-ca.pem --witness-timeout 120 \
	--checkpoint-interval 1 --timeout 5 || exit 99
check 1 || not_ok "a check"
# the round asks WX first, then waits on the witness that never answers
wait_metric "kansa_witness_failures_total{witness=\"$WX\"}" 1 && ok "the round reached the silent witness" ||
	not_ok "no round"
t0=$(date +%s)
check 3 && ok "three checks allowed while the round waits for the silent witness" || not_ok "a check: $(cat check.err)"
[ "$(metric "kansa_witness_failures_total{witness=\"$HOLE\"}")" = 0 ] &&
	ok "answered before that witness's timeout (the round still waits)" || not_ok "the round ended first: $(serve_curl npa "$URL/metrics" | grep witness_failures)"
# REQ: SERVICE-CHECKPOINTER-STOP
stop_server
[ "$stopped" -eq 0 ] && ok "SIGTERM during a collection: exit 0" || not_ok "exit $stopped: $(cat serve.err)"
[ "$took" -lt 60 ] && ok "long before the witness's 120 s timeout (${took} s)" || not_ok "it took $took s"
expect_exit 1 "audit replay: the untrusted witness's line was not stored with the latest checkpoint" -- \
	kansa audit replay --db l.db --json
[ "$(json_get out.txt "j['witnesses']['have'], j['witnesses']['need']")" = "0 1" ] &&
	ok "0 of 1 witnesses on it" || not_ok "$(cat out.txt)"
finish
