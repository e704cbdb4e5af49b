#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# kansa policy|warrant|revocation create|sign|show and warrant verify, end to
# end: three members, a policy signed by all, a warrant signed to quorum,
# show and verify for people and as JSON, and the exit codes of failures.
. "${KANSA_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib.sh"

printf 'passphrase of member b\n' > pw-b; chmod 600 pw-b
expect_exit 0 "generate member-a (no passphrase)" -- kansa keys generate --out a.key --name member-a --no-passphrase
expect_exit 0 "generate member-b (passphrase file)" -- kansa keys generate --out b.key --name member-b --passphrase-file pw-b
expect_exit 0 "generate member-c" -- kansa keys generate --out c.key --name member-c --no-passphrase
expect_exit 0 "generate an outsider" -- kansa keys generate --out x.key --name outsider --no-passphrase
mkdir keys && mv a.key.pub b.key.pub keys/

# member keys: a and b by path (relative to the JSON file), c as PEM text
cpem=$(python3 -c 'import json,sys; print(json.dumps(open("c.key.pub").read()))')
cat > policy.json <<JSON
{ "commission": "jp-ccisc", "version": 1,
  "members": [ {"name": "member-a", "public_key": "keys/a.key.pub"},
               {"name": "member-b", "public_key": "keys/b.key.pub"},
               {"name": "member-c", "public_key": $cpem} ],
  "quorum": {"metadata-query": 2, "neutralize": 3, "revoke": 2, "policy": 3},
  "max_validity": {"metadata-query": "90d", "neutralize": "7d"},
  "fields": ["src_ip","dst_ip","src_port","dst_port","proto","ts","bytes","command"],
  "forbidden_fields": ["payload","content","body"],
  "ops": ["stop-process","delete-file","block-c2","quarantine"] }
JSON
cat > warrant.json <<'JSON'
{ "commission": "jp-ccisc", "subject": "npa-cyber-3", "action": "metadata-query",
  "case": "2026-ACD-0042", "basis": "Art. 17(1)",
  "not_before": "now", "expires": "+30d", "max_uses": 100,
  "scope": { "targets": ["203.0.113.0/24", "2001:db8:1::/48"],
             "fields": ["src_ip","dst_ip","dst_port","proto","ts","command"],
             "window": ["-30d", "now"] } }
JSON

# --help everywhere, with an example
for c in "policy create" "policy sign" "policy unsign" "policy show" "warrant create" "warrant sign" \
	"warrant unsign" "warrant show" "warrant verify" "revocation create" "revocation sign" \
	"revocation unsign" "revocation show" "ratification create" "ratification unsign"; do
	# shellcheck disable=SC2086
	expect_exit 0 "$c --help" -- kansa $c --help
	expect_grep "example:" out.txt "$c --help has an example"
done

# the policy: created from another directory, signed by all three
mkdir elsewhere
expect_exit 0 "policy create" -- kansa policy create --in policy.json --out policy.cose
expect_grep "draft policy" out.txt "policy create says draft"
(cd elsewhere && "$KANSA" policy create --in ../policy.json --out p2.cose >/dev/null 2>&1) \
	&& ok "key paths are relative to the JSON file" || not_ok "key paths relative to the JSON file"
expect_exit 4 "policy create does not overwrite" -- kansa policy create --in policy.json --out policy.cose
expect_exit 0 "policy sign a" -- kansa policy sign policy.cose --key a.key
expect_grep "1 signature" out.txt "one signature"
expect_exit 0 "policy sign b (passphrase file)" -- kansa policy sign policy.cose --key b.key --passphrase-file pw-b
expect_exit 0 "policy show before quorum" -- kansa policy show policy.cose
expect_grep "quorum: 2 of 3 required signatures" out.txt "policy show: 2 of 3"
expect_exit 0 "policy sign c" -- kansa policy sign policy.cose --key c.key --json
[ "$(json_get out.txt 'j["signatures"]')" = 3 ] && ok "sign --json: 3 signatures" || not_ok "sign --json signatures"
cp policy.cose before.cose
expect_exit 0 "signing twice is a no-op" -- kansa policy sign policy.cose --key a.key
expect_grep "already" err.txt "signing twice: notice on stderr"
cmp -s policy.cose before.cose && ok "signing twice leaves the file as it was" || not_ok "file changed"
expect_exit 0 "policy show --json" -- kansa policy show policy.cose --json
[ "$(json_get out.txt 'j["quorum"]["have"], j["quorum"]["need"], j["valid"], j["schema"]')" = "3 3 True kansa.policy.show/1" ] \
	&& ok "policy show --json: quorum 3 of 3, valid" || not_ok "policy show --json: $(cat out.txt)"

# the warrant: one signature is not enough, two are
expect_exit 0 "warrant create" -- kansa warrant create --in warrant.json --out warrant.cose --json
cti=$(json_get out.txt 'j["cti"]')
[ ${#cti} -eq 32 ] && ok "warrant create --json gives a 32-hex-digit cti" || not_ok "cti '$cti'"
expect_exit 1 "draft warrant does not verify" -- kansa warrant verify warrant.cose --policy policy.cose
expect_exit 0 "warrant sign a" -- kansa warrant sign warrant.cose --key a.key
expect_exit 1 "one signature: no quorum" -- kansa warrant verify warrant.cose --policy policy.cose
expect_grep "no quorum: 1 of 2 required signatures" out.txt "the reason names the quorum"
expect_exit 1 "no quorum --json" -- kansa warrant verify warrant.cose --policy policy.cose --json
[ "$(json_get out.txt 'j["ok"], j["valid"], j["error"]["code"], j["schema"]')" = "False False EVERIFY kansa.warrant.verify/1" ] \
	&& ok "verify --json on failure: one object with the error" || not_ok "verify --json failure: $(cat out.txt)"
expect_exit 0 "warrant sign b" -- kansa warrant sign warrant.cose --key b.key --passphrase-file pw-b
expect_exit 0 "warrant verify: valid now" -- kansa warrant verify warrant.cose --policy policy.cose
expect_grep "^valid: warrant $cti" out.txt "verify names the warrant"
expect_grep "quorum: 2 of 2 required signatures" out.txt "verify shows the quorum"
expect_exit 0 "warrant show --policy" -- kansa warrant show warrant.cose --policy policy.cose
for w in "commission   jp-ccisc" "subject      npa-cyber-3" "action       metadata-query" \
	"case         2026-ACD-0042" "left)" "203.0.113.0/24, 2001:db8:1::/48" "max uses     100" \
	"member-a .*valid" "member-b .*valid" "quorum: 2 of 2 required signatures"; do
	expect_grep "$w" out.txt "warrant show: $w"
done
expect_exit 0 "warrant show --json" -- kansa warrant show warrant.cose --policy policy.cose --json
[ "$(json_get out.txt 'j["cti"], j["action"], j["subject"], len(j["signers"]), j["signers"][0]["name"], j["signers"][0]["valid"], j["quorum"]["have"], j["quorum"]["need"], j["schema"]')" \
	= "$cti metadata-query npa-cyber-3 2 member-a True 2 2 kansa.warrant.show/1" ] \
	&& ok "warrant show --json: stable fields" || not_ok "warrant show --json: $(cat out.txt)"
expect_exit 0 "warrant show without --policy" -- kansa warrant show warrant.cose --json
[ "$(json_get out.txt '"quorum" in j, j["signers"][0]["valid"]')" = "False None" ] \
	&& ok "show without a policy: no quorum, signers unchecked" || not_ok "show without policy: $(cat out.txt)"
expect_exit 0 "verify --at in 29 days" -- kansa warrant verify warrant.cose --policy policy.cose --at +29d
expect_exit 1 "verify --at in 31 days: expired" -- kansa warrant verify warrant.cose --policy policy.cose --at +31d
expect_grep "expired at" out.txt "expired reason"
expect_exit 1 "verify --at yesterday: not yet valid" -- kansa warrant verify warrant.cose --policy policy.cose --at -1d --json
[ "$(json_get out.txt 'j["error"]["code"]')" = EEXPIRED ] && ok "not yet valid: EEXPIRED" || not_ok "not yet valid code"

# an outsider's signature makes the whole warrant invalid
cp warrant.cose tainted.cose
expect_exit 0 "an outsider signs" -- kansa warrant sign tainted.cose --key x.key
expect_exit 1 "outsider: invalid" -- kansa warrant verify tainted.cose --policy policy.cose
expect_grep "not a member" out.txt "outsider: not a member"
expect_exit 0 "show marks the outsider" -- kansa warrant show tainted.cose --policy policy.cose
expect_grep "(not a member)" out.txt "show: (not a member)"

# REQ: DOC-SIGN-MEMBER with --policy a stray key is refused before it signs
cp warrant.cose stray.cose
expect_exit 1 "sign --policy refuses an outsider" -- kansa warrant sign stray.cose --key x.key --policy policy.cose
expect_grep "is not a member of policy version 1 of jp-ccisc" err.txt "refusal names the policy"
cmp -s stray.cose warrant.cose && ok "refused: the file is unchanged" || not_ok "refused sign changed the file"
expect_exit 1 "sign --policy --json refuses an outsider" -- kansa warrant sign stray.cose --key x.key --policy policy.cose --json
[ "$(json_get out.txt 'j["ok"], j["error"]["code"]')" = "False EVERIFY" ] && ok "refusal --json: EVERIFY" || not_ok "refusal json: $(cat out.txt)"
expect_exit 0 "sign --policy accepts a member" -- kansa warrant sign stray.cose --key c.key --policy policy.cose --json
[ "$(json_get out.txt 'j["member"], j["signatures"]')" = "member-c 3" ] && ok "sign --json names the member" || not_ok "member json: $(cat out.txt)"
expect_exit 0 "sign without --policy" -- kansa warrant sign tainted.cose --key c.key
expect_grep "membership not checked" err.txt "without --policy: a notice"
# a policy of version 1 is signed by its own members: checked without --policy
kansa policy create --in policy.json --out p-stray.cose >/dev/null 2>&1
expect_exit 1 "policy sign refuses an outsider (own members)" -- kansa policy sign p-stray.cose --key x.key

# unsign: the outsider's signature taken off makes the warrant valid again
kid=$("$KANSA" warrant show tainted.cose --policy policy.cose --json 2>/dev/null |
	python3 -c 'import json,sys; j=json.load(sys.stdin); print([s["kid"] for s in j["signers"] if s["name"] is None][0])')
expect_exit 0 "unsign the outsider" -- kansa warrant unsign tainted.cose --kid "$kid" --json
[ "$(json_get out.txt 'j["removed"], j["signatures"]')" = "1 3" ] && ok "unsign --json: 1 removed, 3 left" || not_ok "unsign json: $(cat out.txt)"
expect_exit 0 "after unsign: valid" -- kansa warrant verify tainted.cose --policy policy.cose
expect_exit 3 "unsign a kid that did not sign" -- kansa warrant unsign tainted.cose --kid "$kid"
expect_grep "no signature by kid $kid" err.txt "unsign: names the kid"
expect_exit 2 "unsign --kid not hex" -- kansa warrant unsign tainted.cose --kid nothex
expect_exit 2 "unsign without --kid" -- kansa warrant unsign tainted.cose
expect_exit 3 "warrant unsign refuses a policy" -- kansa warrant unsign policy.cose --kid "$kid"

# malformed input and wrong kinds
printf 'not cbor at all' > junk.cose
expect_exit 3 "junk warrant: exit 3" -- kansa warrant verify junk.cose --policy policy.cose
expect_exit 3 "junk warrant --json: exit 3" -- kansa warrant verify junk.cose --policy policy.cose --json
[ "$(json_get out.txt 'j["ok"], j["error"]["code"]')" = "False EFORMAT" ] && ok "junk --json: EFORMAT" || not_ok "junk json"
expect_exit 3 "a policy is not a warrant" -- kansa warrant verify policy.cose --policy policy.cose
expect_grep "document is a policy, not a warrant" err.txt "wrong kind named"
expect_exit 3 "a warrant is not a policy" -- kansa warrant verify warrant.cose --policy warrant.cose
expect_exit 3 "warrant sign refuses a policy" -- kansa warrant sign policy.cose --key a.key
python3 -c 'import sys; d=bytearray(open("warrant.cose","rb").read()); d[-5]^=1; open("flip.cose","wb").write(d)'
expect_exit 1 "a flipped signature byte: invalid" -- kansa warrant verify flip.cose --policy policy.cose
expect_exit 3 "missing file: exit 3" -- kansa warrant verify nosuch.cose --policy policy.cose
expect_exit 2 "verify without --policy: usage" -- kansa warrant verify warrant.cose
expect_exit 2 "unknown option: usage" -- kansa warrant show warrant.cose --frobnicate

# JSON validation errors name the field
sed 's#203.0.113.0/24#203.0.113.0/33#' warrant.json > bad.json
expect_exit 3 "bad prefix in JSON: exit 3" -- kansa warrant create --in bad.json --out bad.cose
expect_grep "scope.targets\[0\]: not an IP prefix: 203.0.113.0/33" err.txt "bad prefix message"
[ -e bad.cose ] && not_ok "no draft on error" || ok "no draft on error"
sed 's#"+30d"#"-1d"#' warrant.json > bad2.json
expect_exit 3 "expires before not_before" -- kansa warrant create --in bad2.json --out bad2.cose --json
[ "$(json_get out.txt 'j["error"]["message"]')" = "expires: before not_before" ] && ok "expires message" || not_ok "expires message: $(cat out.txt)"

# a neutralize warrant needs all three
cat > nz.json <<'JSON'
{ "commission": "jp-ccisc", "subject": "jsdf-cyber", "action": "neutralize", "case": "2026-ACD-0043",
  "not_before": "now", "expires": "+2d",
  "scope": {"hosts": ["198.51.100.7"], "ops": ["stop-process", "delete-file"]} }
JSON
kansa warrant create --in nz.json --out nz.cose >/dev/null 2>&1
kansa warrant sign nz.cose --key a.key >/dev/null 2>&1
kansa warrant sign nz.cose --key c.key >/dev/null 2>&1
expect_exit 1 "neutralize with two of three" -- kansa warrant verify nz.cose --policy policy.cose
expect_grep "2 of 3 required signatures (neutralize)" out.txt "neutralize quorum"
kansa warrant sign nz.cose --key b.key --passphrase-file pw-b >/dev/null 2>&1
expect_exit 0 "neutralize with three" -- kansa warrant verify nz.cose --policy policy.cose

# a revocation of the warrant, signed by the revoke quorum
printf '{"commission": "jp-ccisc", "warrant": "%s", "reason": "case closed"}\n' "$cti" > revoke.json
expect_exit 0 "revocation create" -- kansa revocation create --in revoke.json --out revoke.cose
expect_exit 0 "revocation sign a" -- kansa revocation sign revoke.cose --key a.key
expect_exit 0 "revocation sign c" -- kansa revocation sign revoke.cose --key c.key
expect_exit 0 "revocation show --policy --json" -- kansa revocation show revoke.cose --policy policy.cose --json
[ "$(json_get out.txt 'j["warrant"], j["quorum"]["have"], j["quorum"]["need"], j["valid"]')" = "$cti 2 2 True" ] \
	&& ok "revocation: names the warrant, 2 of 2" || not_ok "revocation show: $(cat out.txt)"
expect_exit 3 "a revocation is not a warrant" -- kansa warrant show revoke.cose

# policy version 2 must carry the policy quorum of version 1
sed 's/"version": 1/"version": 2/' policy.json > policy2.json
kansa policy create --in policy2.json --out policy2.cose >/dev/null 2>&1
kansa policy sign policy2.cose --key a.key >/dev/null 2>&1
kansa policy sign policy2.cose --key c.key >/dev/null 2>&1
expect_exit 0 "policy v2 show against v1" -- kansa policy show policy2.cose --policy policy.cose --json
[ "$(json_get out.txt 'j["quorum"]["have"], j["quorum"]["need"], j["valid"]')" = "2 3 False" ] \
	&& ok "v2 with two of v1's three: not valid" || not_ok "v2 show: $(cat out.txt)"
expect_exit 1 "a warrant under an unratified v2 chain" -- kansa warrant verify warrant.cose --policy policy.cose --policy policy2.cose
kansa policy sign policy2.cose --key b.key --passphrase-file pw-b >/dev/null 2>&1
expect_exit 0 "a warrant under the chain v1, v2" -- kansa warrant verify warrant.cose --policy policy.cose --policy policy2.cose
expect_exit 0 "chain --json" -- kansa warrant verify warrant.cose --policy policy.cose --policy policy2.cose --json
json_get out.txt 'j["policy_chain"]' | grep -qx checked && ok "chain: policy_chain checked" || not_ok "chain: $(cat out.txt)"

# the policy in force alone suffices: v2 drops member-a and adds the outsider, who
# signs a warrant with member-c; v2 alone verifies it, v1 alone does not
python3 - policy.json policy2x.json <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
p["version"] = 2
p["members"] = [m for m in p["members"] if m["name"] != "member-a"] + [{"name": "outsider", "public_key": "x.key.pub"}]
json.dump(p, open(sys.argv[2], "w"))
PY
kansa policy create --in policy2x.json --out policy2x.cose >/dev/null 2>&1 || exit 99
kansa policy sign policy2x.cose --key a.key >/dev/null 2>&1
kansa policy sign policy2x.cose --key c.key >/dev/null 2>&1
kansa policy sign policy2x.cose --key b.key --passphrase-file pw-b >/dev/null 2>&1
kansa warrant create --in warrant.json --out wx.cose >/dev/null 2>&1 || exit 99
kansa warrant sign wx.cose --key x.key >/dev/null 2>&1
kansa warrant sign wx.cose --key c.key >/dev/null 2>&1
expect_exit 0 "a warrant signed under v2, verified with v2 alone" -- kansa warrant verify wx.cose --policy policy2x.cose --json
json_get out.txt 'j["valid"], j["policy_version"], j["policy_chain"], j["quorum"]["have"]' | grep -qx "True 2 not-checked 2" &&
	ok "v2 alone: valid, and says the chain was not checked" || not_ok "v2 alone: $(cat out.txt)"
json_get out.txt 'isinstance(j["verified_at_unix"], int) and j["verified_at"].endswith("Z")' | grep -qx True &&
	ok "verified_at in RFC 3339 with the integer beside" || not_ok "verified_at: $(cat out.txt)"
expect_exit 0 "v2 alone, text" -- kansa warrant verify wx.cose --policy policy2x.cose
expect_grep "who signed it was not checked" err.txt "text: a note that the chain was not checked"
expect_exit 0 "the chain v1, v2 verifies it too" -- kansa warrant verify wx.cose --policy policy.cose --policy policy2x.cose
expect_exit 1 "v1 alone does not (the outsider is no member of v1)" -- kansa warrant verify wx.cose --policy policy.cose
expect_exit 1 "a warrant member-a signed, under v2 alone: invalid (member-a left)" -- kansa warrant verify tainted.cose --policy policy2x.cose
expect_exit 3 "v2 alone that is not a policy: exit 3" -- kansa warrant verify wx.cose --policy wx.cose

# the examples of docs/documents.md are valid input
ex="${KANSA_SRCDIR:-$(dirname "$0")/../..}/docs/examples"
mkdir examples && cp "$ex"/*.json examples/
for m in a b c; do cp ${m}.key.pub examples/member-$m.key.pub 2>/dev/null || cp keys/$m.key.pub examples/member-$m.key.pub; done
expect_exit 0 "docs/examples/policy.json" -- kansa policy create --in examples/policy.json --out ex-policy.cose
expect_exit 0 "docs/examples/warrant.json" -- kansa warrant create --in examples/warrant.json --out ex-warrant.cose
expect_exit 0 "docs/examples/neutralize-warrant.json" -- kansa warrant create --in examples/neutralize-warrant.json --out ex-nz.cose
expect_exit 0 "docs/examples/revocation.json" -- kansa revocation create --in examples/revocation.json --out ex-rev.cose
expect_exit 0 "docs/examples/ratification.json" -- kansa ratification create --in examples/ratification.json --out ex-rat.cose

finish
