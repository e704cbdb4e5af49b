#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Cosignatures kept with the ledger's checkpoints (docs/witness.md, "Stored
# cosignatures"), against a kansa witness serve on a loopback port it picks:
# audit replay refuses a ledger whose latest checkpoint no policy witness
# cosigned; ledger checkpoint --witness stores the cosignature ("stored": 1,
# not again the second time); receipt prove then carries it, and receipt
# verify --witness --witness-quorum 1 accepts the proof; anchor push carries
# it, and anchor verify --witness-quorum 1 accepts the repository; audit
# replay then names the witness.
. "${KANSA_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib.sh"

command -v curl >/dev/null || { echo "1..0 # SKIP curl is not installed"; exit 77; }
export HOME="$T" GIT_CONFIG_NOSYSTEM=1 XDG_CONFIG_HOME=
git config --global user.name tester && git config --global user.email tester@example.org || exit 99
git config --global init.defaultBranch main || exit 99

members a b
VA=$("$KANSA" keys show a.key.pub --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["witness_vkey"])')
cat > policy.json <<JSON
{ "commission": "jp-ccisc", "version": 1,
  "members": [ {"name": "member-a", "public_key": "a.key.pub"}, {"name": "member-b", "public_key": "b.key.pub"} ],
  "quorum": {"metadata-query": 1, "neutralize": 2, "revoke": 1, "policy": 1},
  "witnesses": [ {"name": "member-a", "vkey": "$VA"} ], "witness_quorum": 1,
  "fields": ["src_ip","dst_ip"], "forbidden_fields": ["payload"], "ops": ["stop-process"] }
JSON
cat > w.json <<'JSON'
{ "commission": "jp-ccisc", "subject": "npa-cyber-3", "action": "metadata-query", "case": "T-1",
  "not_before": "-1h", "expires": "+30d",
  "scope": { "targets": ["203.0.113.0/24"], "fields": ["src_ip"], "window": ["-30d", "now"] } }
JSON
cat > req.json <<'JSON'
{ "requester": "npa-cyber-3", "officer": "officer-1207", "action": "metadata-query", "targets": ["203.0.113.17"],
  "fields": ["src_ip"], "window": ["-7d", "-1d"], "justification": "C2 beaconing analysis" }
JSON
{ kansa policy create --in policy.json --out policy.cose && kansa policy sign policy.cose --key a.key &&
  kansa warrant create --in w.json --out w.cose && kansa warrant sign w.cose --key a.key &&
  kansa ledger init --db a.db --policy policy.cose &&
  kansa check --db a.db --warrant w.cose --request req.json --receipt-out a.receipt; } >/dev/null 2>&1 || exit 99
KA=$("$KANSA" ledger info --db a.db --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["log_key"])')
kansa receipt show a.receipt --json > show.json || exit 99
at=$(json_get show.json 'j["receipt"]["time"]')

newkey() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1.key" 2>/dev/null && chmod 600 "$1.key"; }
newkey ca && openssl req -x509 -new -key ca.key -out ca.pem -days 2 -subj /CN=ca 2>/dev/null || exit 99
newkey server && openssl req -new -key server.key -out server.csr -subj /CN=localhost 2>/dev/null || exit 99
echo "subjectAltName=IP:127.0.0.1" > server.ext
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -extfile server.ext \
	-out server.pem 2>/dev/null || exit 99
"$KANSA" witness serve --key a.key --log-key "$KA" --listen 127.0.0.1:0 \
	--cert server.pem --cert-key server.key --state st --timeout 60 2> ws.err &
server=$!
trap 'kill "$server" 2>/dev/null; rm -rf "$T"' EXIT
port=
for _ in $(seq 1 300); do
	port=$(sed -n 's|.*listening on https://127\.0\.0\.1:\([0-9]*\).*|\1|p' ws.err)
	[ -n "$port" ] && break
	sleep 0.1
done
[ -n "$port" ] || { echo "the witness did not start:"; cat ws.err; exit 99; }
URL=https://127.0.0.1:$port

# ---- before any cosignature ------------------------------------------------
kansa ledger checkpoint --db a.db > bare.txt || exit 99
# REQ: COSIG-REPLAY
expect_exit 1 "audit replay: the latest checkpoint has no cosignature, the policy's quorum is 1" -- \
	kansa audit replay --db a.db --json
[ "$(json_get out.txt "j['ok'], j['finding_count'], j['witnesses']['have'], j['witnesses']['need']")" = "False 0 0 1" ] &&
	ok "its JSON: not ok, no finding, 0 of 1 witnesses" || not_ok "$(cat out.txt)"
expect_exit 0 "audit replay --witness-quorum 0 turns the requirement off" -- kansa audit replay --db a.db --witness-quorum 0
expect_exit 1 "receipt prove + verify --witness-quorum 1 without a stored cosignature: refused" -- \
	sh -c "'$KANSA' receipt prove a.receipt --db a.db --out bare.proven --force &&
	'$KANSA' receipt verify bare.proven --log-key '$KA' --request req.json --witness '$VA' --witness-quorum 1 --at $at"

# ---- ledger checkpoint --witness stores what it collected -------------------
# REQ: COSIG-STORE
expect_exit 0 "ledger checkpoint --witness" -- \
	kansa ledger checkpoint --db a.db --witness "$URL" --witness-ca ca.pem --json
[ "$(json_get out.txt "j['stored'], j['witness_quorum']['have']")" = "1 1" ] &&
	ok "its JSON says one cosignature stored" || not_ok "$(cat out.txt)"
expect_exit 0 "again in text: nothing new to store" -- \
	kansa ledger checkpoint --db a.db --witness "$URL" --witness-ca ca.pem
expect_grep "stored 0 new cosignature" err.txt "stderr says nothing new was stored"
[ "$(grep -c '^— member-a ' out.txt)" -ge 1 ] && ok "the printed checkpoint carries the cosignature" || not_ok "$(cat out.txt)"
expect_exit 0 "a plain ledger checkpoint now gives the stored cosignature too" -- kansa ledger checkpoint --db a.db
[ "$(grep -c '^— member-a ' out.txt)" = 1 ] && ok "one line by member-a, stored once" || not_ok "$(cat out.txt)"

# ---- receipt prove, anchor push, audit replay carry it ----------------------
expect_exit 0 "receipt prove against the stored checkpoint" -- \
	kansa receipt prove a.receipt --db a.db --out a.proven
expect_exit 0 "receipt verify --witness member-a --witness-quorum 1" -- \
	kansa receipt verify a.proven --log-key "$KA" --request req.json --witness "$VA" --witness-quorum 1 --at "$at" --json
[ "$(json_get out.txt 'j["proof"]["witnessed"]')" = 1 ] && ok "one witness counted" || not_ok "$(cat out.txt)"
expect_exit 0 "anchor push" -- kansa anchor push --db a.db --repo anch.git
expect_exit 0 "anchor verify --witness-key member-a --witness-quorum 1" -- \
	kansa anchor verify --repo anch.git --log-key "$KA" --witness-key a.key.pub --witness-quorum 1
expect_exit 0 "audit replay: the policy's quorum is met" -- kansa audit replay --db a.db --json
[ "$(json_get out.txt "j['ok'], j['witnesses']['cosigned'], j['witnesses']['have']")" = "True ['member-a'] 1" ] &&
	ok "its JSON names member-a" || not_ok "$(cat out.txt)"
expect_exit 1 "audit replay --witness-quorum 2 with one witness: exit 1" -- kansa audit replay --db a.db --witness-quorum 2
expect_grep "NOT WITNESSED" out.txt "the text says what is missing"

# ---- a newer checkpoint starts without cosignatures ------------------------
kansa check --db a.db --warrant w.cose --request req.json >/dev/null || exit 99
kansa ledger checkpoint --db a.db > new.txt || exit 99
expect_exit 1 "audit replay: the newer checkpoint is not cosigned" -- kansa audit replay --db a.db

kill "$server" 2>/dev/null; wait "$server"
finish
