#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# kansa receipt get (design §9): the receipt of entry N rebuilt from the
# entry and signed again is byte for byte the receipt the check returned
# (Ed25519 is deterministic), for an allow, several denials (wrong
# requester, revoked, malformed warrant, malformed and unkept requests), an
# emergency request (denied, and allowed under a later policy), a check
# after a policy change to another receipt_ttl, and the policy, revocation
# and ratification entries. Entry 0 (init signs no receipt) and
# an entry that does not exist are refused; --prove gives what 'receipt
# prove' gives.
. "${KANSA_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib.sh"
. "${KANSA_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib-ledger.sh"

make_ledger 100
sed 's/"npa-cyber-3"/"someone-else"/' ok.json > who.json
sed 's/"action": "metadata-query",/"action": "metadata-query", "emergency": true,/' ok.json > em.json
printf '\377\000junk' > junk.cbor
printf '{"requester": 1' > bad.json
printf 'not a warrant' > junk.cose

n=0
# c NAME ARGS...: a check whose receipt goes to NAME.receipt, and its seq to NAME.seq
c() {
	name=$1; shift
	kansa check --db l.db --receipt-out "$name.receipt" "$@" >/dev/null 2>&1
	kansa receipt show "$name.receipt" --json > show.json || { not_ok "$name: no receipt"; return; }
	json_get show.json 'j["receipt"]["seq"]' > "$name.seq"
}
same() { # NAME: receipt get gives the very bytes of NAME.receipt
	seq=$(cat "$1.seq")
	rm -f got.receipt
	kansa receipt get --db l.db --seq "$seq" --out got.receipt > /dev/null 2> err.txt
	if cmp -s "$1.receipt" got.receipt; then ok "$1 (entry $seq): the same bytes"
	else not_ok "$1 (entry $seq): receipt get differs"; sed 's/^/    /' err.txt; fi
}

c allow --warrant w.cose --request ok.json
c allow2 --warrant w.cose --request ok.json
c who --warrant w.cose --request who.json
c junkw --warrant junk.cose --request ok.json
c junkr --warrant w.cose --request junk.cbor --cbor
c badjson --warrant w.cose --request bad.json
c emerg --request em.json
c nowarrant --request ok.json
for x in allow allow2 who junkw junkr badjson emerg nowarrant; do same $x; done
[ "$(json_get show.json 'j["receipt"]["reason"]')" = malformed-warrant ] && ok "no warrant: malformed-warrant" ||
	not_ok "no warrant: $(cat show.json)"

# a policy version 2 with another receipt_ttl: its own receipt, and a check under it
sed 's/"version": 1,/"version": 2,/; s/"ops": \["stop-process"\] }/"ops": ["stop-process"], "receipt_ttl": "2m", "emergency": {"metadata-query": "24h"} }/' \
	policy.json > p2.json
grep -q receipt_ttl p2.json || exit 99
kansa policy create --in p2.json --out p2.cose >/dev/null || exit 99
for m in a b c; do kansa policy sign p2.cose --key $m.key >/dev/null 2>&1 || exit 99; done
kansa ledger policy --db l.db --policy p2.cose --json > p2.out || exit 99
json_get p2.out 'j["receipt"]' | base64 -d > p2.receipt
json_get p2.out 'j["seq"]' > p2.seq
same p2
c ttl --warrant w.cose --request ok.json
same ttl
kansa receipt show ttl.receipt --json > show.json
[ "$(json_get show.json '__import__("datetime").datetime.fromisoformat(j["receipt"]["not_after"][:-1]).timestamp() - __import__("datetime").datetime.fromisoformat(j["receipt"]["time"][:-1]).timestamp()')" = 120.0 ] &&
	ok "the check under policy 2: not_after is time + 2m" || not_ok "ttl: $(cat show.json)"
same allow
# an emergency act allowed under policy 2, and the commission's ratification of it
c emerg2 --request em.json
[ "$(json_get show.json 'j["receipt"]["reason"]')" = emergency ] && ok "policy 2 allows the emergency act" ||
	not_ok "emergency: $(cat show.json)"
same emerg2
cat > rat.json <<JSON
{ "commission": "jp-ccisc", "entry": "$(json_get show.json 'j["receipt"]["leaf_hash"]')", "approved": true, "reason": "reviewed" }
JSON
kansa ratification create --in rat.json --out rat.cose >/dev/null || exit 99
for s in a b; do kansa ratification sign rat.cose --key $s.key >/dev/null 2>&1 || exit 99; done
kansa ledger ratify --db l.db --ratification rat.cose --json > rat.out || exit 99
json_get rat.out 'j["receipt"]' | base64 -d > rat.receipt
json_get rat.out 'j["seq"]' > rat.seq
same rat

# a revocation, and a check of the revoked warrant
cat > rv.json <<JSON
{ "commission": "jp-ccisc", "warrant": "$(kansa warrant show w.cose --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["cti"])')", "reason": "x" }
JSON
kansa revocation create --in rv.json --out rv.cose >/dev/null || exit 99
for s in a b; do kansa revocation sign rv.cose --key $s.key >/dev/null 2>&1 || exit 99; done
kansa ledger revoke --db l.db --revocation rv.cose --json > rv.out || exit 99
json_get rv.out 'j["receipt"]' | base64 -d > rv.receipt
json_get rv.out 'j["seq"]' > rv.seq
same rv
c revoked --warrant w.cose --request ok.json
[ "$(json_get show.json 'j["receipt"]["reason"]')" = revoked ] && ok "a check of the revoked warrant: revoked" ||
	not_ok "revoked: $(cat show.json)"
same revoked

# ---- refusals, --json, --prove -----------------------------------------------------
expect_exit 3 "entry 0 (the first policy) has no receipt" -- kansa receipt get --db l.db --seq 0
expect_grep "signs no receipt" err.txt "says init signs none"
expect_exit 3 "no such entry" -- kansa receipt get --db l.db --seq 1000 --json
[ "$(json_get out.txt 'j["ok"], j["error"]["code"]')" = "False ENOTFOUND" ] && ok "--json: ENOTFOUND" ||
	not_ok "--json: $(cat out.txt)"
expect_exit 2 "--seq is required" -- kansa receipt get --db l.db
expect_exit 0 "--json" -- kansa receipt get --db l.db --seq "$(cat who.seq)" --json
[ "$(json_get out.txt 'j["ok"], j["decision"], j["reason"], j["proven"]')" = "True deny wrong-requester False" ] &&
	ok "--json fields" || not_ok "--json: $(cat out.txt)"
json_get out.txt 'j["receipt"]' | base64 -d > who.b64.receipt
cmp -s who.b64.receipt who.receipt && ok "--json: the receipt's base64 is its bytes" || not_ok "--json receipt differs"
expect_exit 4 "--out refuses an existing file" -- kansa receipt get --db l.db --seq 1 --out who.receipt
expect_exit 3 "--prove before a checkpoint covers it" -- kansa receipt get --db l.db --seq 1 --prove
expect_grep "kansa ledger checkpoint" err.txt "says to make a checkpoint"
kansa ledger checkpoint --db l.db >/dev/null || exit 99
kansa receipt prove allow.receipt --db l.db --out allow.proven >/dev/null || exit 99
expect_exit 0 "--prove" -- kansa receipt get --db l.db --seq "$(cat allow.seq)" --prove --out got.proven
cmp -s allow.proven got.proven && ok "--prove: what 'receipt prove' gives" || not_ok "--prove differs"
kansa ledger info --db l.db --json > info.json || exit 99
json_get info.json 'j["log_key"]' > log.vkey
expect_exit 0 "the rebuilt allow verifies" -- kansa receipt verify got.proven --log-key log.vkey --request ok.json

finish
