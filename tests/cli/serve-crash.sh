#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# kansa serve killed under load (design §6, §10): 8 clients (curl, a new TLS
# connection per check) keep checking while the server is killed with
# SIGKILL once answers are coming back; the server starts again on the same
# ledger, and again. Afterwards the chain verifies and every allow any
# client received (seq, leaf hash) is an entry of the ledger. Then SIGTERM
# under the same load: every request the server took is answered (a receipt,
# or 503 with nothing recorded); a client only ever fails to connect or to
# finish its TLS handshake, never loses a request it sent.
# KANSA_SERVE_KILLS (default 3) sets the number of kills.
. "${KANSA_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib.sh"
. "${KANSA_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib-serve.sh"

command -v curl >/dev/null || { echo "1..0 # SKIP curl is not installed"; exit 77; }
kills=${KANSA_SERVE_KILLS:-3}
clients=8
members a b
cat > policy.json <<'JSON'
{ "commission": "jp-ccisc", "version": 1,
  "members": [ {"name": "member-a", "public_key": "a.key.pub"},
               {"name": "member-b", "public_key": "b.key.pub"} ],
  "quorum": {"metadata-query": 2, "neutralize": 2, "revoke": 2, "policy": 2},
  "fields": ["src_ip","dst_ip"], "forbidden_fields": [], "ops": ["stop-process"],
  "units": [ {"name": "npa-cyber-3", "actions": ["metadata-query"]} ] }
JSON
kansa policy create --in policy.json --out policy.cose >/dev/null || exit 99
for m in a b; do kansa policy sign policy.cose --key $m.key >/dev/null 2>&1 || exit 99; done
cat > w.json <<'JSON'
{ "commission": "jp-ccisc", "subject": "npa-cyber-3", "action": "metadata-query", "case": "K-1",
  "not_before": "-1h", "expires": "+30d",
  "scope": { "targets": ["203.0.113.0/24"], "fields": ["src_ip","dst_ip"], "window": ["-30d", "now"] } }
JSON
kansa warrant create --in w.json --out w.cose >/dev/null || exit 99
for m in a b; do kansa warrant sign w.cose --key $m.key >/dev/null 2>&1 || exit 99; done
cat > body.json <<JSON
{ "warrant": "$(base64 -w0 w.cose)",
  "request": { "requester": "npa-cyber-3", "officer": "officer-1207", "action": "metadata-query",
    "targets": ["203.0.113.17"], "fields": ["src_ip"], "window": ["-7d", "-1d"],
    "justification": "C2 beaconing analysis" } }
JSON
kansa ledger init --db l.db --policy policy.cose >/dev/null || exit 99
serve_certs && serve_cert npa units-ca /CN=npa-cyber-3 || exit 99
trap 'kill -KILL "$server" 2>/dev/null; touch stop; rm -rf "$T"' EXIT

# client ROUND I: check until the file stop appears; each answer in
# a-ROUND-I-K.json, curl's exit status and the HTTP status in a-ROUND-I-K.rc
client() {
	k=0
	while [ ! -e stop ]; do
		k=$((k + 1))
		code=$(serve_curl npa -o "a-$1-$2-$k.json" -w '%{http_code}' -H 'Content-Type: application/json' \
			--data-binary @body.json "$URL/v1/check" 2>/dev/null)
		echo "$? $code" > "a-$1-$2-$k.rc"
	done
}
# load ROUND: start the clients, return once 20 allows of this round are back
load() {
	rm -f stop
	pids=
	for i in $(seq 1 $clients); do client "$1" "$i" & pids="$pids $!"; done
	for _ in $(seq 1 1200); do # hang guard: 120 s
		[ "$(grep -l '"decision":"allow"' a-"$1"-*.json 2>/dev/null | wc -l)" -ge 20 ] && return 0
		sleep 0.1
	done
	return 1
}
unload() { touch stop; # shellcheck disable=SC2086
	wait $pids; }

for round in $(seq 1 "$kills"); do
	serve_start l.db --workers 4 || { not_ok "round $round: the server does not start on the ledger"; break; }
	load "$round" || not_ok "round $round: no answers came back"
	kill -KILL "$server"; wait "$server" 2>/dev/null
	unload
	ok "round $round: SIGKILL with $clients clients checking"
done

expect_exit 0 "after $kills kills the ledger verifies" -- kansa ledger verify --db l.db
kansa audit entries --db l.db --json > entries.json 2>/dev/null || { not_ok "audit entries"; cat entries.json; }
python3 - a-*.json > allows.txt <<'PY'
import json, sys
entries = {e["seq"]: e["leaf_hash"] for e in json.load(open("entries.json"))["entries"]}
allows = missing = 0
seqs = set()
for f in sys.argv[1:]:
    try:
        j = json.load(open(f))
    except ValueError:
        continue  # the answer was cut by the kill: the client knows of no receipt
    if j.get("decision") != "allow":
        continue
    allows += 1
    seqs.add(j["seq"])
    if entries.get(j["seq"]) != j["leaf_hash"] or "receipt" not in j:
        missing += 1
print(allows, len(seqs), missing)
PY
read -r allows distinct missing < allows.txt
[ "$allows" -gt 0 ] && [ "$missing" = 0 ] && [ "$allows" = "$distinct" ] \
	&& ok "every one of the $allows allows the clients received is in the ledger (seq and leaf hash)" \
	|| not_ok "$allows allows, $distinct seqs, $missing not in the ledger"

# ---- SIGTERM under the same load -----------------------------------------------
serve_start l.db --workers 4 || exit 99
load term || not_ok "SIGTERM round: no answers came back"
kill -TERM "$server"
wait "$server"; rc=$?
unload
[ $rc -eq 0 ] && ok "SIGTERM under load: the server exits 0" || { not_ok "SIGTERM: exit $rc"; cat serve.err; }
answered=0 refused=0 unaccepted=0 lost=0
for f in a-term-*.rc; do
	read -r curl_rc http < "$f"
	j=${f%.rc}.json
	case "$curl_rc $http" in
	"0 200") if [ "$(json_get "$j" "j['decision'], 'receipt' in j")" = "allow True" ]; then
			answered=$((answered + 1)); else lost=$((lost + 1)); echo "    $j: $(cat "$j")"; fi ;;
	"0 503") refused=$((refused + 1)) ;;       # after the signal: refused, nothing recorded
	"7 000"|"35 000") unaccepted=$((unaccepted + 1)) ;; # no connection, or no TLS handshake completed: nothing sent
	*) lost=$((lost + 1)); echo "    $f: curl $curl_rc, HTTP $http" ;;
	esac
done
[ $lost -eq 0 ] && [ $answered -gt 0 ] \
	&& ok "SIGTERM: $answered answered with receipts, $refused refused (503), $unaccepted not connected; none lost" \
	|| not_ok "SIGTERM: $lost requests lost ($answered answered, $refused refused)"
expect_exit 0 "and the ledger verifies" -- kansa ledger verify --db l.db
finish
