#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# kansa audit retention (design §12, docs/audit.md "Retention"): a ledger
# whose warrants' data windows end at known times, under a policy with a
# retention for metadata queries and none for neutralizations; which are due,
# which are within retention (to the second at the edge), which have none
# set; a warrant only denied holds no data; entries after --at are ignored;
# text, --json, --csv and the exit codes of design §7.
. "${KANSA_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib.sh"
. "${KANSA_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib-audit.sh"

members a b c
cat > policy.json <<'JSON'
{ "commission": "jp-ccisc", "version": 1,
  "members": [ {"name": "member-a", "public_key": "a.key.pub"},
               {"name": "member-b", "public_key": "b.key.pub"},
               {"name": "member-c", "public_key": "c.key.pub"} ],
  "quorum": {"metadata-query": 2, "neutralize": 3, "revoke": 2, "policy": 3},
  "emergency": {"metadata-query": "24h"},
  "retention": {"metadata-query": "90d"},
  "fields": ["src_ip","dst_ip","ts"], "forbidden_fields": ["payload"],
  "ops": ["stop-process","delete-file"] }
JSON
audit_doc policy policy a b c
mq_warrant() { # name case window-from window-to
	audit_doc warrant "$1" a b <<JSON
{ "commission": "jp-ccisc", "subject": "npa-cyber-3", "action": "metadata-query", "case": "$2",
  "not_before": "-1h", "expires": "+30d",
  "scope": { "targets": ["203.0.113.0/24"], "fields": ["src_ip"], "window": ["$3", "$4"] } }
JSON
}
mq_warrant wold OLD-1 -200d -100d
mq_warrant wnew NEW-1 -30d now
mq_warrant wdeny DENY-1 -30d now
audit_doc warrant wn a b c <<'JSON'
{ "commission": "jp-ccisc", "subject": "jsdf-cyber-1", "action": "neutralize", "case": "N-1",
  "not_before": "-1h", "expires": "+5d", "scope": { "hosts": ["198.51.100.7"], "ops": ["stop-process"] } }
JSON
kansa ledger init --db l.db --policy policy.cose >/dev/null || exit 99
q() { # name window-from window-to field extra
	cat > "$1.json" <<JSON
{ "requester": "npa-cyber-3", "officer": "officer-1", "action": "metadata-query", $5
  "targets": ["203.0.113.17"], "fields": ["$4"], "window": ["$2", "$3"], "justification": "C2, $1" }
JSON
}
q qold -150d -120d src_ip ''
q qnew -2d -1d src_ip ''
q qbad -2d -1d dst_ip ''
# the emergency query's window in absolute times, so that its end is known exactly
E_FROM=$(date -u -d '-3 days' +%Y-%m-%dT%H:%M:%SZ); E_END=$(date -u -d '-2 days' +%Y-%m-%dT%H:%M:%SZ)
q qem "$E_FROM" "$E_END" src_ip '"emergency": true,'
audit_neutralize n1 198.51.100.7 stop-process ''
expect_exit 0 "old warrant: allowed" -- kansa check --db l.db --warrant wold.cose --request qold.json
expect_exit 0 "new warrant: allowed" -- kansa check --db l.db --warrant wnew.cose --request qnew.json
kansa check --db l.db --warrant wnew.cose --request qnew.json >/dev/null 2>&1
expect_exit 1 "the third warrant: only denied" -- kansa check --db l.db --warrant wdeny.cose --request qbad.json
expect_exit 0 "an emergency query: allowed" -- kansa check --db l.db --request qem.json --json
em_seq=$(json_get out.txt 'j["seq"]')
expect_exit 0 "a neutralization: allowed" -- kansa check --db l.db --warrant wn.cose --request n1.json
cti() { kansa warrant show "$1.cose" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["cti"])'; }
OLD=$(cti wold); NEW=$(cti wnew); DENY=$(cti wdeny); NZ=$(cti wn)
new_end=$(kansa warrant show wnew.cose --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["scope"]["window"][1])')
plus() { # RFC 3339 time, seconds -> RFC 3339
	python3 -c 'import sys,datetime as d; t=d.datetime.strptime(sys.argv[1],"%Y-%m-%dT%H:%M:%SZ")+d.timedelta(seconds=int(sys.argv[2])); print(t.strftime("%Y-%m-%dT%H:%M:%SZ"))' "$1" "$2"
}

expect_exit 1 "now: something is due (exit 1)" -- kansa audit retention --db l.db --json
cp out.txt now.json
[ "$(json_get now.json '" ".join(e["warrant"] for e in j["due"])')" = "$OLD" ] &&
	ok "due: the warrant whose window ended 100 days ago" || not_ok "due: $(json_get now.json 'j["due"]')"
json_get now.json '[j["counts"][k] for k in ("due", "within", "unset")]' | grep -qx "\[1, 2, 1\]" &&
	ok "counts: 1 due, 2 within, 1 unset" || not_ok "counts: $(json_get now.json 'j["counts"]')"
json_get now.json '"within" in j' | grep -qx False && ok "by default only the due ones are listed" || not_ok "within listed"
json_get now.json 'j["due"][0]["due_at_unix"] - j["due"][0]["window_end_unix"] == 90 * 86400 and j["due"][0]["due_since"] > 9 * 86400' |
	grep -qx True && ok "due at window end + 90d, since more than 9 days" || not_ok "due_since: $(json_get now.json 'j["due"][0]')"
json_get now.json 'j["due"][0]["retention"], j["due"][0]["case"], j["due"][0]["uses"]' | grep -qx "90d OLD-1 1" &&
	ok "the retention, case and uses are shown" || not_ok "item: $(json_get now.json 'j["due"][0]')"
json_get now.json 'isinstance(j["due"][0]["window_end_unix"], int) and j["due"][0]["window_end"].endswith("Z")' |
	grep -qx True && ok "times in RFC 3339 with the integer beside" || not_ok "time forms"
grep -q "$DENY" now.json && not_ok "a warrant that was only denied is listed" || ok "a warrant only denied holds no data"

expect_exit 1 "--all" -- kansa audit retention --db l.db --all --json
cp out.txt all.json
[ "$(json_get all.json '" ".join(e["kind"] + ":" + str(e.get("warrant") or e["seq"]) for e in j["within"])')" = \
  "emergency:$em_seq warrant:$NEW" ] && ok "within: the emergency act (window end 2 days ago) before the new warrant" ||
	not_ok "within: $(json_get all.json 'j["within"]')"
[ "$(json_get all.json 'j["within"][1]["uses"]')" = 2 ] && ok "a warrant counts once, with its uses" || not_ok "uses"
[ "$(json_get all.json 'j["within"][0]["window_end"], j["within"][0]["due_at"]')" = "$E_END $(plus "$E_END" $((90 * 86400)))" ] &&
	ok "the emergency act's data window is the request's" || not_ok "emergency: $(json_get all.json 'j["within"][0]')"
[ "$(json_get all.json '" ".join(e["warrant"] for e in j["unset"])')" = "$NZ" ] &&
	ok "unset: the neutralize warrant (no retention for neutralize)" || not_ok "unset: $(json_get all.json 'j["unset"]')"
json_get all.json 'j["unset"][0]["retention"]' | grep -qx None && ok "unset: retention null" || not_ok "unset retention"

# the edge, to the second: due at window end + 90 days
edge=$(plus "$new_end" $((90 * 86400)))
expect_exit 1 "at window end + 90d" -- kansa audit retention --db l.db --at "$edge" --json
json_get out.txt '[e.get("warrant") for e in j["due"]]' | grep -q "$NEW" && ok "exactly at the end of retention: due" ||
	not_ok "at edge: $(json_get out.txt 'j["due"]')"
json_get out.txt '[e["due_since"] for e in j["due"] if e.get("warrant") == "'"$NEW"'"]' | grep -qx "\[0\]" &&
	ok "due since 0 s" || not_ok "due_since at edge"
expect_exit 1 "one second before" -- kansa audit retention --db l.db --at "$(plus "$new_end" $((90 * 86400 - 1)))" --all --json
json_get out.txt '[e["time_left"] for e in j["within"] if e.get("warrant") == "'"$NEW"'"]' | grep -qx "\[1\]" &&
	ok "one second before: within, 1 s left" || not_ok "before edge: $(json_get out.txt 'j["within"]')"
expect_exit 0 "a day ago: nothing recorded yet, nothing due (exit 0)" -- kansa audit retention --db l.db --at -1d --all --json
json_get out.txt 'j["counts"]["due"] + j["counts"]["within"] + j["counts"]["unset"]' | grep -qx 0 &&
	ok "entries after --at are not looked at" || not_ok "at -1d: $(json_get out.txt 'j["counts"]')"

expect_exit 1 "text" -- kansa audit retention --db l.db --all
expect_grep "1 due, 2 within retention, 1 with none set" out.txt "text: the counts"
expect_grep "warrant $OLD  metadata-query, case OLD-1" out.txt "text: the due warrant"
expect_grep "retention 90d: DUE since" out.txt "text: due, flagged"
expect_grep "no retention set for neutralize" out.txt "text: unset"
expect_exit 1 "csv" -- kansa audit retention --db l.db --all --csv
expect_grep "^state,kind,action,id,case,seq,window_end,retention,due_at,due_since,time_left$" out.txt "csv: header"
expect_grep "^due,warrant,metadata-query,$OLD,OLD-1," out.txt "csv: the due row"
[ "$(wc -l < out.txt)" = 5 ] && ok "csv: one row each" || not_ok "csv rows: $(cat out.txt)"

expect_exit 2 "--json and --csv" -- kansa audit retention --db l.db --json --csv
json_get out.txt 'j["ok"]' | grep -qx False && ok "usage error --json: one object" || not_ok "usage json"
expect_exit 2 "a bad --at" -- kansa audit retention --db l.db --at someday
expect_exit 3 "no such ledger" -- kansa audit retention --db nope.db --json
json_get out.txt 'j["ok"]' | grep -qx False && ok "failure --json: one object" || not_ok "failure json"
expect_exit 0 "--help" -- kansa audit retention --help
expect_grep "kansa audit retention --db ledger.db" out.txt "help has an example"

finish
