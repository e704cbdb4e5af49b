# SPDX-License-Identifier: Apache-2.0
# A ledger with every kind of entry for the CLI tests of audit entries, show,
# stats and the reports (sourced after lib.sh). make_audit_ledger makes l.db:
#   seq 0      policy version 1 (emergency neutralize acts allowed, 24h)
#   seq 1-2    allow: metadata-query under w.cose, officer-1 (203.0.113.17; 203.0.113.64/28)
#   seq 3      deny target-out-of-scope, officer-2 (198.51.100.1)
#   seq 4      deny forbidden-field, officer-2 (payload)
#   seq 5      allow: neutralize stop-process 198.51.100.7 under wn.cose, officer-0815
#   seq 6      deny op-not-allowed: delete-file under wn.cose, officer-0815
#   seq 7      deny malformed-warrant: no warrant, not an emergency, officer-1
#   seq 8, 9   allow emergency: stop-process 198.51.100.9, officer-0815
#   seq 10     ratification of seq 8 (approved)
#   seq 11     revocation of w.cose
#   seq 12     deny revoked, officer-1
# and prints nothing; $W_CTI and $WN_CTI are the warrants' ids.
make_audit_ledger() {
	members a b c
	cat > policy.json <<'JSON'
{ "commission": "jp-ccisc", "version": 1,
  "members": [ {"name": "member-a", "public_key": "a.key.pub"},
               {"name": "member-b", "public_key": "b.key.pub"},
               {"name": "member-c", "public_key": "c.key.pub"} ],
  "quorum": {"metadata-query": 2, "neutralize": 3, "revoke": 2, "policy": 3},
  "max_validity": {"metadata-query": "90d", "neutralize": "7d"},
  "emergency": {"neutralize": "24h"},
  "fields": ["src_ip","dst_ip","ts"], "forbidden_fields": ["payload"],
  "ops": ["stop-process","delete-file"] }
JSON
	audit_doc policy policy a b c
	audit_doc warrant w a b <<'JSON'
{ "commission": "jp-ccisc", "subject": "npa-cyber-3", "action": "metadata-query", "case": "Q-1",
  "not_before": "-1h", "expires": "+30d", "max_uses": 5,
  "scope": { "targets": ["203.0.113.0/24"], "fields": ["src_ip","dst_ip"], "window": ["-30d", "now"] } }
JSON
	audit_doc warrant wn a b c <<'JSON'
{ "commission": "jp-ccisc", "subject": "jsdf-cyber-1", "action": "neutralize", "case": "N-1",
  "not_before": "-1h", "expires": "+5d",
  "scope": { "hosts": ["198.51.100.7"], "ops": ["stop-process"] } }
JSON
	kansa ledger init --db l.db --policy policy.cose >/dev/null || exit 99
	audit_query q1 officer-1 '"203.0.113.17"' src_ip
	audit_query q2 officer-1 '"203.0.113.64/28"' dst_ip
	audit_query q3 officer-2 '"198.51.100.1"' src_ip
	audit_query q4 officer-2 '"203.0.113.17"' payload
	audit_neutralize n1 198.51.100.7 stop-process ''
	audit_neutralize n2 198.51.100.7 delete-file ''
	audit_neutralize e1 198.51.100.9 stop-process '"emergency": true,'
	for r in q1 q2 q3 q4; do kansa check --db l.db --warrant w.cose --request $r.json >/dev/null 2>&1; done
	for r in n1 n2; do kansa check --db l.db --warrant wn.cose --request $r.json >/dev/null 2>&1; done
	kansa check --db l.db --request q1.json >/dev/null 2>&1
	kansa check --db l.db --request e1.json --json > em.json 2>/dev/null || exit 99
	kansa check --db l.db --request e1.json >/dev/null 2>&1 || exit 99
	em_leaf=$(json_get em.json 'j["leaf_hash"]')
	audit_doc ratification rat a b <<JSON
{ "commission": "jp-ccisc", "entry": "$em_leaf", "approved": true, "reason": "reviewed" }
JSON
	kansa ledger ratify --db l.db --ratification rat.cose >/dev/null || exit 99
	W_CTI=$(kansa warrant show w.cose --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["cti"])')
	WN_CTI=$(kansa warrant show wn.cose --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["cti"])')
	audit_doc revocation rv a b <<JSON
{ "commission": "jp-ccisc", "warrant": "$W_CTI", "reason": "case closed" }
JSON
	kansa ledger revoke --db l.db --revocation rv.cose >/dev/null || exit 99
	kansa check --db l.db --warrant w.cose --request q1.json >/dev/null 2>&1
	[ "$(kansa ledger info --db l.db --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["size"])')" = 13 ] || exit 99
}

# audit_doc KIND NAME SIGNERS... [< JSON]: NAME.cose from NAME.json (or stdin)
audit_doc() {
	kind=$1; name=$2; shift 2
	[ "$kind" = policy ] || cat > "$name.json"
	kansa "$kind" create --in "$name.json" --out "$name.cose" >/dev/null 2>err.txt || { cat err.txt; exit 99; }
	for s in "$@"; do kansa "$kind" sign "$name.cose" --key "$s.key" >/dev/null 2>&1 || exit 99; done
}

audit_query() { # name officer target field
	cat > "$1.json" <<JSON
{ "requester": "npa-cyber-3", "officer": "$2", "action": "metadata-query", "targets": [$3],
  "fields": ["$4"], "window": ["-2d", "-1d"], "justification": "C2 beaconing, $1" }
JSON
}

audit_neutralize() { # name host op extra
	cat > "$1.json" <<JSON
{ "requester": "jsdf-cyber-1", "officer": "officer-0815", "action": "neutralize", $4
  "host": "$2", "op": "$3", "justification": "wiper on hospital systems, $1" }
JSON
}
