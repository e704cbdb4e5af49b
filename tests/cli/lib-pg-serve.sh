# SPDX-License-Identifier: Apache-2.0
# Functions for the tests of kansa serve on a PostgreSQL ledger (sourced after
# lib.sh, lib-serve.sh and pg-cluster.sh, with the cluster started).

# pg_serve_setup MAX_USES: members a and b (quorum 2), a policy naming the
# unit npa-cyber-3, warrant w.cose (metadata-query, MAX_USES uses), request
# ok.json (an absolute window, so that its receipt verifies later), the
# server's and the unit's certificates, the ledger on $KANSA_PG_URI, and
# log.vkey (the ledger's log key, for receipt verify).
pg_serve_setup() {
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
	cat > w.json <<JSON
{ "commission": "jp-ccisc", "subject": "npa-cyber-3", "action": "metadata-query", "case": "P-1",
  "not_before": "-1h", "expires": "+30d", "max_uses": $1,
  "scope": { "targets": ["203.0.113.0/24"], "fields": ["src_ip","dst_ip"], "window": ["-30d", "now"] } }
JSON
	kansa warrant create --in w.json --out w.cose >/dev/null || exit 99
	for m in a b; do kansa warrant sign w.cose --key $m.key >/dev/null 2>&1 || exit 99; done
	from=$(date -u -d '-7 days' +%Y-%m-%dT%H:%M:%SZ); until=$(date -u -d '-1 day' +%Y-%m-%dT%H:%M:%SZ)
	cat > ok.json <<JSON
{ "requester": "npa-cyber-3", "officer": "officer-1207", "action": "metadata-query",
  "targets": ["203.0.113.17"], "fields": ["src_ip"], "window": ["$from", "$until"],
  "justification": "C2 beaconing analysis" }
JSON
	kansa ledger init --db "$KANSA_PG_URI" --policy policy.cose >/dev/null || exit 99
	kansa ledger info --db "$KANSA_PG_URI" --json > info.json || exit 99
	json_get info.json "j['log_key']" > log.vkey || exit 99
	serve_certs && serve_cert npa units-ca /CN=npa-cyber-3 || exit 99
}

# pg_serve_check URL OUT: one check through the service at URL as npa-cyber-3;
# the JSON answer in OUT.json, the receipt in OUT.receipt, the exit status in
# OUT.rc (timeout: a hang guard, far above the time a check takes)
pg_serve_check() {
	timeout 300 "$KANSA" check --server "$1" --cert npa.pem --key npa.key --ca server-ca.pem \
		--warrant w.cose --request ok.json --json --receipt-out "$2.receipt" > "$2.json" 2> "$2.err"
	echo $? > "$2.rc"
}

# pg_db_check OUT: the same check in process, on the PostgreSQL ledger
pg_db_check() {
	timeout 300 "$KANSA" check --db "$KANSA_PG_URI" --warrant w.cose --request ok.json --json \
		--receipt-out "$1.receipt" > "$1.json" 2> "$1.err"
	echo $? > "$1.rc"
}

# pg_allows_in_ledger PREFIX: every answer PREFIX*.json that is an allow has
# its seq and leaf hash in the ledger (audit entries) and a receipt that
# verifies; prints "ALLOWS DISTINCT_SEQS MISSING BAD_RECEIPTS"
pg_allows_in_ledger() {
	kansa audit entries --db "$KANSA_PG_URI" --json > entries.json 2>/dev/null || { echo "0 0 -1 -1"; return; }
	python3 - "$1"*.json > allow-list.txt <<'PY'
import json, sys
entries = {e["seq"]: e.get("leaf_hash") for e in json.load(open("entries.json"))["entries"]}
allows, seqs, missing = [], set(), 0
for f in sys.argv[1:]:
    try:
        j = json.load(open(f))
    except ValueError:
        continue
    if j.get("decision") != "allow":
        continue
    allows.append(f)
    seqs.add(j["seq"])
    missing += entries.get(j["seq"]) != j["leaf_hash"]
print(len(allows), len(seqs), missing)
for f in allows:
    print(f[:-len(".json")] + ".receipt")
PY
	bad=0
	tail -n +2 allow-list.txt > receipts.txt
	while read -r r; do
		"$KANSA" receipt verify "$r" --log-key log.vkey --request ok.json >/dev/null 2>&1 || bad=$((bad + 1))
	done < receipts.txt
	echo "$(head -n 1 allow-list.txt) $bad"
}

# pg_contiguous: "COUNT MAX+1" of the entries table (equal when seqs are contiguous from 0)
pg_contiguous() { pg_cluster_psql "SELECT count(*) || ' ' || (max(seq) + 1) FROM entries"; }
