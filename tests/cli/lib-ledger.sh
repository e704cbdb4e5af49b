# SPDX-License-Identifier: Apache-2.0
# A small ledger for the CLI tests of the store's files (sourced after lib.sh):
# members a, b, c (quorum 2), l.db with policy v1, warrant w.cose
# (metadata-query, max_uses $1), request ok.json, db key in $KANSA_DB_KEY_FILE.
make_ledger() { # max_uses
	members a b c
	cat > policy.json <<'JSON'
{ "commission": "jp-ccisc", "version": 1,
  "members": [ {"name": "member-a", "public_key": "a.key.pub"},
               {"name": "member-b", "public_key": "b.key.pub"},
               {"name": "member-c", "public_key": "c.key.pub"} ],
  "quorum": {"metadata-query": 2, "neutralize": 3, "revoke": 2, "policy": 3},
  "max_validity": {"metadata-query": "90d", "neutralize": "7d"},
  "fields": ["src_ip","dst_ip","ts"], "forbidden_fields": ["payload"], "ops": ["stop-process"] }
JSON
	kansa policy create --in policy.json --out policy.cose >/dev/null || exit 99
	for m in a b c; do kansa policy sign policy.cose --key $m.key >/dev/null 2>&1 || exit 99; done
	cat > w.json <<JSON
{ "commission": "jp-ccisc", "subject": "npa-cyber-3", "action": "metadata-query", "case": "T-1",
  "not_before": "now", "expires": "+30d", "max_uses": $1,
  "scope": { "targets": ["203.0.113.0/24"], "fields": ["src_ip","dst_ip"], "window": ["-30d", "now"] } }
JSON
	kansa warrant create --in w.json --out w.cose >/dev/null || exit 99
	for m in a b; do kansa warrant sign w.cose --key $m.key >/dev/null 2>&1 || exit 99; done
	cat > ok.json <<'JSON'
{ "requester": "npa-cyber-3", "officer": "officer-1", "action": "metadata-query",
  "targets": ["203.0.113.17"], "fields": ["src_ip"], "window": ["-2d", "-1d"], "justification": "test" }
JSON
	kansa ledger init --db l.db --policy policy.cose >/dev/null || exit 99
}

# check_loop DB N OUT: N checks through DB, one exit status a line in OUT
check_loop() {
	i=0
	while [ "$i" -lt "$2" ]; do
		"$KANSA" check --db "$1" --warrant w.cose --request ok.json >/dev/null 2>>"$3.err"
		echo $? >> "$3"
		i=$((i + 1))
	done
}

# count FILE STATUS: lines of FILE equal to STATUS
count() { grep -c "^$2\$" "$1" || true; }

# ledger_size DB: entries, by ledger info
ledger_size() {
	"$KANSA" ledger info --db "$1" --json > info.json 2>/dev/null && json_get info.json 'j["size"]'
}
