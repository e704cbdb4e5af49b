#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Emergency acts within the policy's bounds (design §12): a policy with the
# long form for both actions; acts within the bounds are allowed, acts
# beyond them denied emergency-out-of-scope with a detail naming what was too
# broad, recorded in the ledger, listed by audit entries --reason, counted by
# the statistics, and recomputed by replay; policy show prints the bounds;
# a policy with a bound that makes no sense is refused (exit 3).
. "${KANSA_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib.sh"
. "${KANSA_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib-audit.sh"

members a b c
cat > policy.json <<'JSON'
{ "commission": "jp-ccisc", "version": 1,
  "members": [ {"name": "member-a", "public_key": "a.key.pub"},
               {"name": "member-b", "public_key": "b.key.pub"},
               {"name": "member-c", "public_key": "c.key.pub"} ],
  "quorum": {"metadata-query": 2, "neutralize": 3, "revoke": 2, "policy": 3},
  "emergency": {"neutralize": {"ratify_within": "24h", "max_hosts": 1, "ops": ["stop-process"]},
                "metadata-query": {"ratify_within": "12h", "max_prefix_v4": 24, "max_prefix_v6": 48,
                                   "max_window": "7d"}},
  "fields": ["src_ip","dst_ip","ts"], "forbidden_fields": ["payload"],
  "ops": ["stop-process","delete-file"] }
JSON
audit_doc policy policy a b c
expect_exit 0 "policy show --json" -- kansa policy show policy.cose --json
json_get out.txt 'j["emergency"]["metadata-query"]["max_prefix_v4"], j["emergency"]["neutralize"]["ops"]' |
	grep -qx "24 \['stop-process'\]" && ok "show prints the long form" || not_ok "show: $(json_get out.txt 'j["emergency"]')"
expect_exit 0 "policy show" -- kansa policy show policy.cose
expect_grep "neutralize 1d (max_hosts 1, ops stop-process)" out.txt "show text prints the bounds"
kansa ledger init --db l.db --policy policy.cose >/dev/null || exit 99

em_query() { # name target window-start
	cat > "$1.json" <<JSON
{ "requester": "npa-cyber-3", "officer": "officer-9", "action": "metadata-query", "emergency": true,
  "targets": [$2], "fields": ["src_ip"], "window": ["$3", "now"], "justification": "ransomware C2, $1" }
JSON
}
em_query in1 '"203.0.113.0/24", "2001:db8:1::/48"' -7d
em_query wide4 '"10.0.0.0/8"' -1d
em_query wide6 '"2001:db8::/32"' -1d
em_query long '"203.0.113.7"' -8d
audit_neutralize stop 198.51.100.9 stop-process '"emergency": true,'
audit_neutralize del 198.51.100.9 delete-file '"emergency": true,'

expect_exit 0 "within the bounds: allowed" -- kansa check --db l.db --request in1.json --json
json_get out.txt 'j["reason"]' | grep -qx emergency && ok "reason emergency" || not_ok "reason: $(cat out.txt)"
expect_exit 1 "an IPv4 /8: denied" -- kansa check --db l.db --request wide4.json --json
json_get out.txt 'j["reason"], j["decision"]' | grep -qx "emergency-out-of-scope deny" &&
	ok "reason emergency-out-of-scope" || not_ok "reason: $(cat out.txt)"
expect_grep "prefix 10.0.0.0/8 is broader than the emergency bound /24" out.txt "the detail names the prefix"
expect_exit 1 "an IPv6 /32: denied" -- kansa check --db l.db --request wide6.json
expect_grep "emergency-out-of-scope" out.txt "text names the reason"
expect_exit 1 "an eight-day window: denied" -- kansa check --db l.db --request long.json --json
expect_grep "longer than the emergency bound of 7d" out.txt "the detail names the window"
expect_exit 0 "emergency stop-process: allowed" -- kansa check --db l.db --request stop.json
expect_exit 1 "emergency delete-file: denied" -- kansa check --db l.db --request del.json --json
expect_grep "operation 'delete-file' is not among the policy's emergency ops" out.txt "the detail names the op"

expect_exit 0 "audit entries --reason emergency-out-of-scope" -- \
	kansa audit entries --db l.db --reason emergency-out-of-scope --json
[ "$(json_get out.txt '" ".join(str(e["seq"]) for e in j["entries"])')" = "2 3 4 6" ] &&
	ok "the four denials are recorded and listed" || not_ok "entries: $(json_get out.txt '[e["seq"] for e in j["entries"]]')"
json_get out.txt 'all(e["reason"] == "emergency-out-of-scope" and e["decision"] == "deny" for e in j["entries"])' |
	grep -qx True && ok "each with its reason" || not_ok "reasons"
expect_exit 0 "audit entries --csv --reason" -- kansa audit entries --db l.db --reason emergency-out-of-scope --csv
[ "$(grep -c emergency-out-of-scope out.txt)" = 4 ] && ok "csv: four rows" || not_ok "csv: $(cat out.txt)"
expect_exit 0 "audit stats" -- kansa audit stats --db l.db --from -1d --until +1d --json
json_get out.txt 'j["checks"]["denied_by"]["emergency-out-of-scope"]' | grep -qx 4 &&
	ok "stats count the reason" || not_ok "stats: $(json_get out.txt 'j["checks"]')"
expect_exit 0 "audit report: the denials are looked at" -- kansa audit report --db l.db --json
json_get out.txt 'sum(1 for a in j["attention"] if a["reason"] == "emergency-out-of-scope")' | grep -qx 4 &&
	ok "report lists them for attention" || not_ok "attention: $(json_get out.txt '[a["reason"] for a in j["attention"]]')"
expect_exit 0 "replay recomputes every decision" -- kansa audit replay --db l.db --json
json_get out.txt 'j["ok"]' | grep -qx True && ok "replay: ok" || not_ok "replay: $(cat out.txt)"

# a bound that makes no sense: the policy is refused
sed 's/"max_prefix_v4": 24/"max_prefix_v4": 33/' policy.json > bad.json
expect_exit 3 "max_prefix_v4 33 refused" -- kansa policy create --in bad.json --out bad.cose --json
expect_grep "emergency.metadata-query.max_prefix_v4: must be a prefix length from 1 to 32" out.txt "the error names the field"
sed 's/"max_hosts": 1,/"max_hosts": 1, "max_targets": 3,/' policy.json > bad2.json
expect_exit 3 "unknown key refused" -- kansa policy create --in bad2.json --out bad2.cose
expect_grep 'unknown key "max_targets"' err.txt "the error names the key"

finish
