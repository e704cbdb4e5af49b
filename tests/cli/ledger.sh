#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The ledger end to end: init, a metadata-query warrant with quorum, allowed
# requests, then one denied request for each reason of design §5 reachable
# from the CLI, revocation, emergency acts, --json, and the fault cases
# (wrong key, disk full) that must deny with exit 4 and append nothing.
. "${KANSA_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib.sh"

members a b c x

cat > policy.json <<'JSON'
{ "commission": "jp-ccisc", "version": 1,
  "members": [ {"name": "member-a", "public_key": "a.key.pub"},
               {"name": "member-b", "public_key": "b.key.pub"},
               {"name": "member-c", "public_key": "c.key.pub"} ],
  "quorum": {"metadata-query": 2, "neutralize": 3, "revoke": 2, "policy": 3},
  "max_validity": {"metadata-query": "90d", "neutralize": "7d"},
  "emergency": {"neutralize": "24h"},
  "fields": ["src_ip","dst_ip","src_port","dst_port","proto","ts","bytes","command"],
  "forbidden_fields": ["payload","content","body"],
  "ops": ["stop-process","delete-file","block-c2","quarantine"] }
JSON
kansa policy create --in policy.json --out policy.cose >/dev/null || exit 99
for m in a b c; do kansa policy sign policy.cose --key $m.key >/dev/null 2>&1 || exit 99; done

# mkdoc KIND NAME SIGNERS... < JSON
mkdoc() {
	kind=$1; name=$2; shift 2
	cat > "$name.json"
	kansa "$kind" create --in "$name.json" --out "$name.cose" >/dev/null 2>err.txt || { cat err.txt; exit 99; }
	for s in "$@"; do kansa "$kind" sign "$name.cose" --key "$s.key" >/dev/null 2>&1 || exit 99; done
}
warrant_json() { # commission subject nbf exp max_uses
	cat <<JSON
{ "commission": "$1", "subject": "$2", "action": "metadata-query", "case": "2026-ACD-0042",
  "not_before": "$3", "expires": "$4", "max_uses": $5,
  "scope": { "targets": ["203.0.113.0/24", "2001:db8:1::/48"],
             "fields": ["src_ip","dst_ip","dst_port","proto","ts","command"],
             "window": ["-30d", "now"] } }
JSON
}
warrant_json jp-ccisc npa-cyber-3 now +30d 3 | mkdoc warrant w a b
warrant_json jp-ccisc npa-cyber-3 now +30d 3 | mkdoc warrant w1 a
warrant_json jp-ccisc npa-cyber-3 now +30d 3 | mkdoc warrant wx x
warrant_json other-commission npa-cyber-3 now +30d 3 | mkdoc warrant wc a b
warrant_json jp-ccisc npa-cyber-3 +2d +30d 3 | mkdoc warrant wf a b
warrant_json jp-ccisc npa-cyber-3 -3d -1d 3 | mkdoc warrant we a b
warrant_json jp-ccisc npa-cyber-3 now +100d 3 | mkdoc warrant wl a b
mkdoc warrant wn a b c <<'JSON'
{ "commission": "jp-ccisc", "subject": "jsdf-cyber-1", "action": "neutralize", "case": "2026-ACD-0043",
  "not_before": "now", "expires": "+5d", "scope": { "hosts": ["198.51.100.7"], "ops": ["stop-process"] } }
JSON

request() { # file requester targets fields window
	cat > "$1" <<JSON
{ "requester": "$2", "officer": "officer-1207", "action": "metadata-query",
  "targets": $3, "fields": $4, "window": $5, "justification": "C2 beaconing analysis" }
JSON
}
request ok.json npa-cyber-3 '["203.0.113.17", "203.0.113.64/28"]' '["src_ip","dst_ip"]' '["-7d","-1d"]'

expect_exit 2 "check without --request" -- kansa check --db l.db
expect_exit 0 "ledger init" -- kansa ledger init --db l.db --policy policy.cose
[ "$(stat -c %a l.db)" = 600 ] && ok "ledger file is 0600" || not_ok "ledger mode $(stat -c %a l.db)"
head -c 16 l.db | grep -q "SQLite format" && not_ok "ledger is not encrypted" || ok "ledger is encrypted"
expect_exit 4 "init refuses an existing ledger" -- kansa ledger init --db l.db --policy policy.cose
expect_exit 0 "ledger info --json" -- kansa ledger info --db l.db --json
[ "$(json_get out.txt 'j["size"]')" = 1 ] && ok "one entry: the policy" || not_ok "size after init"
[ "$(json_get out.txt 'j["policy_version"]')" = 1 ] && ok "policy version 1" || not_ok "policy version"
json_get out.txt 'j["log_key"]' | grep -Eq '^kansa.example/jp-ccisc/[0-9a-f]{16}\+[0-9a-f]{8}\+[A-Za-z0-9+/=]+$' &&
	ok "log_key in signed-note verifier form" || not_ok "log_key: $(json_get out.txt 'j["log_key"]')"

expect_exit 0 "allowed request" -- kansa check --db l.db --warrant w.cose --request ok.json --json
[ "$(json_get out.txt 'j["decision"]')" = allow ] && ok "json decision allow" || not_ok "json decision"
[ "$(json_get out.txt 'j["reason"]')" = allowed ] && ok "json reason allowed" || not_ok "json reason"
[ "$(json_get out.txt 'j["seq"]')" = 1 ] && ok "json seq 1" || not_ok "json seq"
json_get out.txt 'j["leaf_hash"]' | grep -Eq '^[0-9a-f]{64}$' && ok "json leaf_hash" || not_ok "json leaf_hash"
expect_exit 0 "second use, text output" -- kansa check --db l.db --warrant w.cose --request ok.json
expect_grep "decision: allow (allowed)" out.txt "text output names decision and reason"

# deny_with REASON DESCRIPTION -- kansa check args...: exit 1 and the reason, in text and JSON
deny_with() {
	reason=$1; label=$2; shift 3
	expect_exit 1 "$label: denied" -- "$@" --json
	got=$(json_get out.txt 'j["reason"]' 2>/dev/null)
	[ "$got" = "$reason" ] && ok "$label: reason $reason" || { not_ok "$label: reason '$got', wanted $reason"; cat out.txt err.txt; }
}
# One case per row of design §5, through kansa_check:
# REQ: DECIDE-1 REQ: DECIDE-2 REQ: DECIDE-3 REQ: DECIDE-4 REQ: DECIDE-5 REQ: DECIDE-6
# REQ: DECIDE-8 REQ: DECIDE-9 REQ: DECIDE-10 REQ: DECIDE-11 REQ: DECIDE-12
# REQ: DECIDE-13 REQ: DECIDE-14 REQ: DECIDE-15
printf '\377\000garbage' > junk.cbor
deny_with malformed-request "garbage request bytes" -- kansa check --db l.db --warrant w.cose --request junk.cbor --cbor
deny_with malformed-warrant "garbage warrant" -- kansa check --db l.db --warrant junk.cbor --request ok.json
deny_with malformed-warrant "a policy passed as a warrant" -- kansa check --db l.db --warrant policy.cose --request ok.json
deny_with malformed-warrant "no warrant, not an emergency" -- kansa check --db l.db --request ok.json
deny_with bad-signature "signed by a non-member" -- kansa check --db l.db --warrant wx.cose --request ok.json
deny_with wrong-commission "another commission" -- kansa check --db l.db --warrant wc.cose --request ok.json
deny_with no-quorum "one signature of two" -- kansa check --db l.db --warrant w1.cose --request ok.json
deny_with not-yet-valid "valid from tomorrow" -- kansa check --db l.db --warrant wf.cose --request ok.json
deny_with expired "expired yesterday" -- kansa check --db l.db --warrant we.cose --request ok.json
deny_with validity-too-long "100 days" -- kansa check --db l.db --warrant wl.cose --request ok.json
request r.json npa-cyber-4 '["203.0.113.17"]' '["src_ip"]' '["-7d","-1d"]'
deny_with wrong-requester "another unit" -- kansa check --db l.db --warrant w.cose --request r.json

cat > n.json <<'JSON'
{ "requester": "npa-cyber-3", "officer": "officer-1207", "action": "neutralize",
  "host": "203.0.113.17", "op": "stop-process", "justification": "wrong action test" }
JSON
deny_with wrong-action "neutralize under a query warrant" -- kansa check --db l.db --warrant w.cose --request n.json
request r.json npa-cyber-3 '["203.0.113.17"]' '["src_ip","payload"]' '["-7d","-1d"]'
deny_with forbidden-field "payload" -- kansa check --db l.db --warrant w.cose --request r.json
request r.json npa-cyber-3 '["203.0.113.17"]' '["src_ip","bytes"]' '["-7d","-1d"]'
deny_with field-out-of-scope "bytes" -- kansa check --db l.db --warrant w.cose --request r.json
request r.json npa-cyber-3 '["203.0.112.0/23"]' '["src_ip"]' '["-7d","-1d"]'
deny_with target-out-of-scope "a /23 over the /24" -- kansa check --db l.db --warrant w.cose --request r.json
request r.json npa-cyber-3 '["203.0.113.17"]' '["src_ip"]' '["-60d","-1d"]'
deny_with window-out-of-scope "60 days back" -- kansa check --db l.db --warrant w.cose --request r.json
cat > nd.json <<'JSON'
{ "requester": "jsdf-cyber-1", "officer": "officer-0815", "action": "neutralize",
  "host": "198.51.100.7", "op": "delete-file", "justification": "wiper on hospital systems" }
JSON
deny_with op-not-allowed "delete-file not in the warrant" -- kansa check --db l.db --warrant wn.cose --request nd.json
sed 's/delete-file/stop-process/' nd.json > ns.json
expect_exit 0 "neutralize allowed with three signatures" -- kansa check --db l.db --warrant wn.cose --request ns.json
expect_exit 0 "third use (max_uses 3)" -- kansa check --db l.db --warrant w.cose --request ok.json
deny_with uses-exhausted "fourth use" -- kansa check --db l.db --warrant w.cose --request ok.json
# a re-signed copy of the warrant (one more signature) has the same cti: still exhausted
cp w.cose w3.cose; kansa warrant sign w3.cose --key c.key >/dev/null 2>&1
deny_with uses-exhausted "a re-signed copy does not reset max_uses" -- kansa check --db l.db --warrant w3.cose --request ok.json

# emergency act: no warrant, allowed by the policy for neutralize, with a deadline
sed 's/"op": "stop-process",/"op": "stop-process", "emergency": true,/' ns.json > em.json
expect_exit 0 "emergency neutralize" -- kansa check --db l.db --request em.json --json
[ "$(json_get out.txt 'j["reason"]')" = emergency ] && ok "reason emergency" || not_ok "emergency reason"
json_get out.txt 'j["ratify_by_unix"] - j["time_unix"]' | grep -qx 86400 && ok "ratify_by = time + 24h" || not_ok "ratify_by"
em_leaf=$(json_get out.txt 'j["leaf_hash"]')
em_seq=$(json_get out.txt 'j["seq"]')
expect_exit 0 "second emergency act" -- kansa check --db l.db --request em.json --json
em2_leaf=$(json_get out.txt 'j["leaf_hash"]')
expect_exit 0 "third emergency act (left pending)" -- kansa check --db l.db --request em.json

# the commission answers: ratification with the revoke quorum
ratification() { # name leaf approved signers...
	n=$1; leaf=$2; appr=$3; shift 3
	mkdoc ratification "$n" "$@" <<JSON
{ "commission": "jp-ccisc", "entry": "$leaf", "approved": $appr, "reason": "reviewed by the commission" }
JSON
}
ratification rat1 "$em_leaf" true a
expect_exit 1 "ratification with one signature is refused" -- kansa ledger ratify --db l.db --ratification rat1.cose
kansa ratification sign rat1.cose --key b.key >/dev/null 2>&1
expect_exit 0 "ratification with quorum recorded" -- kansa ledger ratify --db l.db --ratification rat1.cose --json
json_get out.txt 'j["detail"]' | grep -q "ratified" && ok "receipt says ratified" || not_ok "ratify receipt: $(cat out.txt)"
rat_seq=$(json_get out.txt 'j["seq"]')
# REQ: RATIFY-ONCE a second answer to the same act is a "no" (exit 1), naming the first
ratification rat1b "$em_leaf" false a c
expect_exit 1 "an act is ratified only once" -- kansa ledger ratify --db l.db --ratification rat1b.cose
expect_grep "entry $em_seq is already ratified at seq $rat_seq" err.txt "says where it was ratified"
expect_exit 1 "a second ratification --json: exit 1" -- kansa ledger ratify --db l.db --ratification rat1b.cose --json
[ "$(json_get out.txt 'j["ok"], j["error"]["code"]')" = "False EVERIFY" ] &&
	ok "a second ratification --json: one object, EVERIFY" || not_ok "second ratification --json: $(cat out.txt)"
ratification rat2 "$em2_leaf" false a c
expect_exit 0 "refusal recorded" -- kansa ledger ratify --db l.db --ratification rat2.cose
ratification rat3 "$(kansa ledger info --db l.db --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["head"])')" true a b
expect_exit 1 "ratifying an entry that is no emergency act is refused" -- kansa ledger ratify --db l.db --ratification rat3.cose
expect_grep "not an emergency act" err.txt "says it is no emergency act"
ratification rat4 "$(printf '%064d' 0)" true a b
expect_exit 1 "ratifying an unknown entry is refused" -- kansa ledger ratify --db l.db --ratification rat4.cose

# revocation with the revoke quorum; then the warrant is dead
warrant_json jp-ccisc npa-cyber-3 now +30d 100 | mkdoc warrant w2 b c
expect_exit 0 "fresh warrant allowed" -- kansa check --db l.db --warrant w2.cose --request ok.json
cti=$(kansa warrant show w2.cose --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["cti"])')
mkdoc revocation rv a <<JSON
{ "commission": "jp-ccisc", "warrant": "$cti", "reason": "case closed" }
JSON
expect_exit 1 "revocation with one signature is refused" -- kansa ledger revoke --db l.db --revocation rv.cose
kansa revocation sign rv.cose --key b.key >/dev/null 2>&1
expect_exit 0 "revocation with quorum recorded" -- kansa ledger revoke --db l.db --revocation rv.cose
expect_grep "revocation of warrant $cti recorded" out.txt "the revocation names the warrant"
# REQ: REVOKE-ONCE the same revocation again is refused, nothing recorded
expect_exit 4 "a second revocation of the warrant is refused" -- kansa ledger revoke --db l.db --revocation rv.cose
expect_grep "already revoked" err.txt "the refusal says it is already revoked"
# REQ: DECIDE-7 revoked
deny_with revoked "after revocation" -- kansa check --db l.db --warrant w2.cose --request ok.json

# policy succession: version 2 needs the policy quorum (3) of version 1
sed 's/"version": 1/"version": 2/; s/"bytes",//' policy.json > policy2.json
kansa policy create --in policy2.json --out policy2.cose >/dev/null || exit 99
for m in a b; do kansa policy sign policy2.cose --key $m.key >/dev/null 2>&1; done
expect_exit 1 "policy v2 with 2 of 3 signatures refused" -- kansa ledger policy --db l.db --policy policy2.cose
kansa policy sign policy2.cose --key c.key >/dev/null 2>&1
expect_exit 0 "policy v2 with the v1 policy quorum activated" -- kansa ledger policy --db l.db --policy policy2.cose --json
expect_exit 1 "the same version again is refused" -- kansa ledger policy --db l.db --policy policy2.cose
expect_exit 0 "info after activation" -- kansa ledger info --db l.db --json
[ "$(json_get out.txt 'j["policy_version"]')" = 2 ] && ok "policy version 2 in force" || not_ok "policy version after activation"
warrant_json jp-ccisc npa-cyber-3 now +30d 100 | mkdoc warrant w4 a b
expect_exit 0 "checks go on under version 2" -- kansa check --db l.db --warrant w4.cose --request ok.json

# checkpoints and proofs, checked independently with tests/merkle_ref.py's
# RFC 9162 verifiers (hashlib only)
expect_exit 0 "ledger checkpoint" -- kansa ledger checkpoint --db l.db
sz=$(sed -n 2p out.txt)
kansa ledger info --db l.db --json > info.json
[ "$sz" = "$(json_get info.json 'j["size"]')" ] && ok "checkpoint size = ledger size" || not_ok "checkpoint size $sz"
root64=$(sed -n 3p out.txt)
python3 -c "import base64,sys; sys.exit(base64.b64decode(sys.argv[1]).hex() != sys.argv[2])" "$root64" \
	"$(json_get info.json 'j["root"]')" && ok "checkpoint root = ledger root" || not_ok "checkpoint root"
grep -q "^— $(json_get info.json 'j["origin"]') " out.txt && ok "checkpoint signed by the ledger key" || not_ok "checkpoint signature line"
cat > verify_proof.py <<'PY2'
import base64, json, sys
sys.path.insert(0, sys.argv[1])
import merkle_ref as m
j = json.load(open(sys.argv[2]))
hashes = [base64.b64decode(l) for l in j["proof"].splitlines() if len(l) == 44]
if "seq" in j:
    okay = m.verify_inclusion(j["seq"], j["size"], bytes.fromhex(j["leaf_hash"]), hashes, bytes.fromhex(j["root"]))
else:
    okay = m.verify_consistency(j["old_size"], j["size"], bytes.fromhex(j["old_root"]), bytes.fromhex(j["root"]), hashes)
sys.exit(0 if okay else 1)
PY2
n=$(json_get info.json 'j["size"]'); bad=0; checked=0
# every entry normally; under valgrind (memory errors, not proof logic) a few
seqs=$(seq 0 $((n - 1)))
[ "${KANSA_VALGRIND:-0}" = 1 ] && seqs="0 1 2 $((n / 2)) $((n - 1))"
for seq in $seqs; do
	kansa ledger proof --db l.db --seq "$seq" --json > p.json 2> perr.txt || bad=$((bad + 1))
	python3 verify_proof.py "$KANSA_SRCDIR/tests" p.json ||
		{ bad=$((bad + 1)); echo "# proof of seq $seq: $(cat p.json) / $(cat perr.txt)"; }
	checked=$((checked + 1))
done
for old in 1 2 3 $((n / 2)) $((n - 1)) "$n"; do
	kansa ledger proof --db l.db --old-size "$old" --json > p.json || bad=$((bad + 1))
	python3 verify_proof.py "$KANSA_SRCDIR/tests" p.json || bad=$((bad + 1))
	checked=$((checked + 1))
done
[ "$bad" = 0 ] && ok "$checked proofs verify with the independent verifier" || not_ok "$bad of $checked proofs failed"
kansa ledger proof --db l.db --seq 3 --json > p.json
python3 -c "import json; j=json.load(open('p.json')); j['leaf_hash']='00'*32; json.dump(j, open('p.json','w'))"
python3 verify_proof.py "$KANSA_SRCDIR/tests" p.json && not_ok "a wrong leaf hash verifies" || ok "a wrong leaf hash does not verify"
expect_exit 2 "proof of an entry past the end" -- kansa ledger proof --db l.db --seq "$n"
expect_exit 0 "proof text form" -- kansa ledger proof --db l.db --seq 1
expect_grep "^kansa-proof/v1 inclusion" out.txt "proof text header"

# faults: nothing is appended, the answer is deny with exit 4
kansa ledger info --db l.db --json > before.json
size=$(json_get before.json 'j["size"]')
openssl rand -hex 32 > wrong.key; chmod 600 wrong.key
expect_exit 4 "wrong database key" -- kansa check --db l.db --db-key-file wrong.key --warrant w2.cose --request ok.json
expect_grep "wrong database key" err.txt "says the key is wrong"
expect_exit 4 "wrong key --json still says deny" -- kansa check --db l.db --db-key-file wrong.key --warrant w2.cose --request ok.json --json
[ "$(json_get out.txt 'j["decision"]')" = deny ] && ok "json decision deny on failure" || not_ok "json on failure: $(cat out.txt)"
expect_exit 3 "missing ledger" -- kansa check --db nope.db --warrant w2.cose --request ok.json
# a file-size limit stands in for a full disk (root ignores permissions)
sh -c 'trap "" XFSZ; ulimit -f 0; exec "$0" check --db l.db --warrant w2.cose --request ok.json' "$KANSA" >/dev/null 2>err.txt
rc=$?
[ "$rc" = 4 ] && ok "disk full: exit 4" || { not_ok "disk full: exit $rc"; cat err.txt; }
kansa ledger info --db l.db --json > after.json
[ "$(json_get after.json 'j["size"]')" = "$size" ] && ok "nothing appended by the failed checks" || not_ok "size changed"
[ "$(json_get after.json 'j["root"]')" = "$(json_get before.json 'j["root"]')" ] && ok "root unchanged" || not_ok "root changed"

# the database is readable with sqlcipher and the key, and the chain links up
if command -v sqlcipher >/dev/null 2>&1; then
	n=$(printf "PRAGMA key = \"x'%s'\";\nPRAGMA cipher_page_size = 4096;\nSELECT count(*) FROM entries;\n" "$(cat db.key)" | sqlcipher l.db 2>/dev/null | tail -n 1)
	[ "$n" = "$size" ] && ok "sqlcipher with the key reads $n entries" || not_ok "sqlcipher count '$n' != $size"
fi
# the whole story (policy change, revocation, emergency acts, every
# denial above) verifies and replays without a finding
expect_exit 0 "ledger verify of the whole story" -- kansa ledger verify --db l.db --json
[ "$(json_get out.txt 'j["entries"]')" = "$size" ] && ok "verify read every entry" || not_ok "verify: $(cat out.txt)"
expect_exit 0 "audit replay of the whole story" -- kansa audit replay --db l.db --json
[ "$(json_get out.txt 'j["finding_count"]')" = 0 ] && ok "replay: no finding" || not_ok "replay: $(cat out.txt)"
expect_exit 0 "audit report --json" -- kansa audit report --db l.db --json
[ "$(json_get out.txt '" ".join(e["status"] for e in j["emergencies"])')" = "ratified refused pending" ] &&
	ok "report: emergency acts ratified, refused, pending" || not_ok "report emergencies: $(json_get out.txt 'j["emergencies"]')"
[ "$(json_get out.txt 'j["attention"][0]["reason"]')" = forbidden-field ] &&
	ok "report: forbidden-field attempt listed first" || not_ok "report attention: $(json_get out.txt 'j["attention"][:2]')"
[ "$(json_get out.txt '[w["uses"] for w in j["warrants"] if w.get("case") and w["uses"] == 3 and w["max_uses"] == 3][0]')" = 3 ] &&
	ok "report: a warrant's uses 3 / 3" || not_ok "report warrants"
json_get out.txt '[w for w in j["warrants"] if w["revoked"]][0]["denied_by"]["revoked"]' | grep -qx 1 &&
	ok "report: the revoked warrant's use after revocation" || not_ok "report revoked warrant"
[ "$(json_get out.txt '[r["denied"] for r in j["requesters"] if r["requester"] == "npa-cyber-4"][0]')" = 1 ] &&
	ok "report: per requester" || not_ok "report requesters"
json_get out.txt '[w["signers"] for w in j["warrants"] if w["case"] == "2026-ACD-0043"][0]' | grep -q "member-a" &&
	ok "report: signers by name" || not_ok "report signers"
expect_exit 0 "audit report (text)" -- kansa audit report --db l.db
expect_grep "Denied attempts to look at first" out.txt "report text: attention table"
expect_grep "ratify by .*: pending" out.txt "report text: emergency acts"
for c in "ledger init" "ledger info" "ledger policy" "ledger revoke" "ledger checkpoint" "ledger proof" "ledger verify" "ledger ratify" "audit replay" "audit report" "check"; do
	# shellcheck disable=SC2086
	expect_exit 0 "$c --help" -- kansa $c --help
	expect_grep "example" out.txt "$c --help has an example"
done
finish
