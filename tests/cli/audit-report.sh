#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# kansa audit report with one denial of every kind (design §5): the "look at
# first" list holds every denied attempt, most serious first, including
# no-quorum, wrong-commission and validity-too-long, and the text report
# prints every row whole, however long (the reasons of one requester here
# run past 256 bytes).
. "${KANSA_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib.sh"

members a b c x
cat > policy.json <<'JSON'
{ "commission": "jp-ccisc", "version": 1,
  "members": [ {"name": "member-a", "public_key": "a.key.pub"},
               {"name": "member-b", "public_key": "b.key.pub"},
               {"name": "member-c", "public_key": "c.key.pub"} ],
  "quorum": {"metadata-query": 2, "neutralize": 3, "revoke": 2, "policy": 3},
  "max_validity": {"metadata-query": "90d", "neutralize": "7d"},
  "fields": ["src_ip","dst_ip","bytes"], "forbidden_fields": ["payload"], "ops": ["stop-process"] }
JSON
kansa policy create --in policy.json --out policy.cose >/dev/null || exit 99
for m in a b c; do kansa policy sign policy.cose --key $m.key >/dev/null 2>&1 || exit 99; done
mkw() { # name commission nbf exp max_uses signers...
	n=$1; c=$2; nbf=$3; exp=$4; mu=$5; shift 5
	cat > "$n.json" <<JSON
{ "commission": "$c", "subject": "npa-cyber-3", "action": "metadata-query", "case": "R-1",
  "not_before": "$nbf", "expires": "$exp", "max_uses": $mu,
  "scope": { "targets": ["203.0.113.0/24"], "fields": ["src_ip","dst_ip"], "window": ["-30d", "now"] } }
JSON
	kansa warrant create --in "$n.json" --out "$n.cose" >/dev/null || exit 99
	for s in "$@"; do kansa warrant sign "$n.cose" --key "$s.key" >/dev/null 2>&1 || exit 99; done
}
mkw w jp-ccisc now +30d 1 a b
mkw w1 jp-ccisc now +30d 1 a
mkw wx jp-ccisc now +30d 1 x
mkw wc other-commission now +30d 1 a b
mkw wf jp-ccisc +2d +30d 1 a b
mkw we jp-ccisc -3d -1d 1 a b
mkw wl jp-ccisc now +100d 1 a b
mkw wr jp-ccisc now +30d 5 a b
req() { # file requester targets fields window [action]
	cat > "$1" <<JSON
{ "requester": "$2", "officer": "officer-9", "action": "${6:-metadata-query}",
  "targets": $3, "fields": $4, "window": $5, "justification": "report test" }
JSON
}
req ok.json npa-cyber-3 '["203.0.113.17"]' '["src_ip"]' '["-7d","-1d"]'
req pay.json npa-cyber-3 '["203.0.113.17"]' '["payload"]' '["-7d","-1d"]'
req fld.json npa-cyber-3 '["203.0.113.17"]' '["bytes"]' '["-7d","-1d"]'
req tgt.json npa-cyber-3 '["198.51.100.1"]' '["src_ip"]' '["-7d","-1d"]'
req win.json npa-cyber-3 '["203.0.113.17"]' '["src_ip"]' '["-60d","-1d"]'
req who.json npa-cyber-4 '["203.0.113.17"]' '["src_ip"]' '["-7d","-1d"]'
kansa ledger init --db l.db --policy policy.cose >/dev/null || exit 99
c() { kansa check --db l.db "$@" >/dev/null 2>&1; }
c --warrant w.cose --request ok.json                  # allowed (the one use)
cat > act.json <<'JSON'
{ "requester": "npa-cyber-3", "officer": "officer-9", "action": "neutralize",
  "host": "203.0.113.17", "op": "stop-process", "justification": "report test" }
JSON
# ten of each, so that every count has two digits
i=0
while [ $i -lt 10 ]; do
	c --warrant w.cose --request ok.json              # uses-exhausted
	c --warrant w1.cose --request ok.json             # no-quorum
	c --warrant wx.cose --request ok.json             # bad-signature
	c --warrant wc.cose --request ok.json             # wrong-commission
	c --warrant wf.cose --request ok.json             # not-yet-valid
	c --warrant we.cose --request ok.json             # expired
	c --warrant wl.cose --request ok.json             # validity-too-long
	c --warrant wr.cose --request pay.json            # forbidden-field
	c --warrant wr.cose --request fld.json            # field-out-of-scope
	c --warrant wr.cose --request tgt.json            # target-out-of-scope
	c --warrant wr.cose --request win.json            # window-out-of-scope
	c --warrant wr.cose --request act.json            # wrong-action
	c --request ok.json                               # malformed-warrant (no warrant)
	i=$((i + 1))
done
c --warrant wr.cose --request who.json                # wrong-requester (npa-cyber-4)
printf '\377\000junk' > junk.cbor
c --warrant wr.cose --request junk.cbor --cbor        # malformed-request
cat > rv.json <<JSON
{ "commission": "jp-ccisc", "warrant": "$(kansa warrant show wr.cose --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["cti"])')", "reason": "x" }
JSON
kansa revocation create --in rv.json --out rv.cose >/dev/null || exit 99
for s in a b; do kansa revocation sign rv.cose --key $s.key >/dev/null 2>&1 || exit 99; done
kansa ledger revoke --db l.db --revocation rv.cose >/dev/null || exit 99
c --warrant wr.cose --request ok.json                 # revoked

expect_exit 0 "report --json" -- kansa audit report --db l.db --json
cp out.txt r.json
denied=$(json_get r.json 'j["summary"]["denied"]')
[ "$(json_get r.json 'j["attention_count"]')" = "$denied" ] && ok "every denial ($denied) is in the look-at-first list" ||
	not_ok "attention_count $(json_get r.json 'j["attention_count"]') of $denied denials"
for r in no-quorum wrong-commission validity-too-long bad-signature not-yet-valid expired uses-exhausted \
    forbidden-field field-out-of-scope target-out-of-scope window-out-of-scope wrong-requester revoked wrong-action \
    malformed-warrant malformed-request; do
	json_get r.json '[a["reason"] for a in j["attention"]]' | grep -q "'$r'" && ok "look at first: $r" ||
		not_ok "look at first lacks $r"
done
json_get r.json '[r for i, r in enumerate(a["reason"] for a in j["attention"]) if i == 0 or j["attention"][i - 1]["reason"] != r][:3]' |
	grep -qx "\['forbidden-field', 'revoked', 'expired'\]" &&
	ok "most serious first" || not_ok "order: $(json_get r.json '[a["reason"] for a in j["attention"]]')"
json_get r.json '[a["reason"] for a in j["attention"]][-1]' | grep -qx "malformed-request" &&
	ok "malformed requests last" || not_ok "last: $(json_get r.json '[a["reason"] for a in j["attention"]]')"

expect_exit 0 "report text" -- kansa audit report --db l.db
want=$(json_get r.json '", ".join("%s %d" % kv for kv in sorted([r for r in j["requesters"] if r["requester"] == "npa-cyber-3"][0]["denied_by"].items()))')
[ "${#want}" -gt 256 ] && ok "the reasons of npa-cyber-3 run past 256 bytes (${#want})" || not_ok "test too short: ${#want}"
grep -F "npa-cyber-3" out.txt | grep -qF "$want" && ok "the requester row is printed whole" ||
	not_ok "requester row cut: $(grep -F npa-cyber-3 out.txt)"
expect_grep "Denied attempts to look at first ($denied)" out.txt "text: look-at-first counts every denial"
grep -c "no-quorum\|wrong-commission\|validity-too-long" out.txt | grep -qv '^0$' && ok "text lists the three" || not_ok "text lacks them"

finish
