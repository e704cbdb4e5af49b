#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Proven receipts (design §9): receipt prove refuses before a checkpoint
# covers the entry and says to make one; after, it attaches the RFC 9942
# COSE Receipt and the checkpoint, which receipt verify checks offline with
# the log key and an independent Python verifier (tests/receipt_proof_ref.py)
# agrees. Both refuse a tampered path hash, a wrong leaf index, a tree size
# that is not the checkpoint's and another log's checkpoint; --witness
# --witness-quorum counts distinct witnesses whose cosignature on that very
# checkpoint verifies (one for another root, or the same key twice, does
# not count); a proven deny stays a deny.
. "${KANSA_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib.sh"
. "${KANSA_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib-ledger.sh"
src=${KANSA_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}

py=""
for p in "${PYTHON3:-}" python3 /usr/bin/python3; do
	[ -n "$p" ] || continue
	if "$p" -c 'import cbor2, cryptography.hazmat.primitives.asymmetric.ed25519' >/dev/null 2>&1; then
		py=$p
		break
	fi
done
if [ -z "$py" ]; then
	echo "1..0 # SKIP python3 with cbor2 and cryptography not found (apt-get install python3-cbor2 python3-cryptography)"
	exit 77
fi
ref() { # DESCRIPTION WANT ARGS...
	what=$1; want=$2; shift 2
	"$py" "$src/tests/receipt_proof_ref.py" verify "$@" > ref.txt 2>&1
	got=$?
	if [ "$got" -eq "$want" ]; then ok "$what"; else not_ok "$what: the reference exited $got, wanted $want"; sed 's/^/    /' ref.txt; fi
}
tamper() { "$py" "$src/tests/receipt_proof_ref.py" tamper "$@" || exit 99; }
cosig() { "$py" "$src/tests/cosig_ref.py" "$@"; }

make_ledger 100
cp "$src/tests/vectors/receipts/request.json" req.json
sed 's/"npa-cyber-3"/"someone-else"/' req.json > deny.json
kansa ledger info --db l.db --json > info.json || exit 99
json_get info.json 'j["log_key"]' > log.vkey
kansa check --db l.db --warrant w.cose --request req.json --receipt-out a.receipt >/dev/null || exit 99
# verified at the receipt's own time: valid however slowly the test runs (valgrind)
kansa receipt show a.receipt --json > show.json || exit 99
at=$(json_get show.json 'j["receipt"]["time"]')
rverify() { kansa receipt verify "$@" --at "$at"; }

# ---- before a checkpoint covers the entry ---------------------------------------
expect_exit 3 "prove before any checkpoint: refused" -- kansa receipt prove a.receipt --db l.db --out a.proven
expect_grep "kansa ledger checkpoint" err.txt "the refusal says to make a checkpoint first"
[ -e a.proven ] && not_ok "a file was written although nothing was proven" || ok "nothing written"
expect_exit 3 "prove --json before a checkpoint" -- kansa receipt prove a.receipt --db l.db --json
[ "$(json_get out.txt 'j["ok"], j["error"]["code"]')" = "False ENOTFOUND" ] && ok "--json: ENOTFOUND" ||
	not_ok "--json: $(cat out.txt)"

kansa ledger checkpoint --db l.db > cp-old.txt || exit 99
kansa check --db l.db --warrant w.cose --request deny.json --receipt-out deny.receipt >/dev/null
kansa check --db l.db --warrant w.cose --request req.json --receipt-out b.receipt >/dev/null || exit 99
expect_exit 3 "prove an entry after the latest checkpoint: refused" -- kansa receipt prove b.receipt --db l.db
kansa ledger checkpoint --db l.db > cp.txt || exit 99

# ---- prove and verify -----------------------------------------------------------
expect_exit 0 "prove --out" -- kansa receipt prove a.receipt --db l.db --out a.proven
[ "$(od -An -tx1 -N1 a.proven | tr -d ' ')" = d2 ] && ok "a proven receipt is a COSE_Sign1" || not_ok "not tag 18"
expect_exit 4 "prove --out refuses an existing file" -- kansa receipt prove a.receipt --db l.db --out a.proven
expect_grep "give --force" err.txt "says to give --force"
expect_exit 0 "prove --out --force" -- kansa receipt prove a.receipt --db l.db --out a.proven --force
expect_exit 0 "prove --json (base64)" -- kansa receipt prove a.receipt --db l.db --json
[ "$(json_get out.txt 'j["ok"], j["seq"], j["tree_size"]')" = "True 1 4" ] && ok "prove --json fields" ||
	not_ok "prove --json: $(cat out.txt)"
json_get out.txt 'j["proven_receipt"]' > a.proven.b64
expect_exit 0 "prove a proven receipt again (from its receipt)" -- kansa receipt prove a.proven --db l.db --out again.proven
cmp -s a.proven again.proven && ok "the same bytes (deterministic)" || not_ok "proving twice differs"

expect_exit 0 "verify a proven receipt" -- rverify a.proven --log-key log.vkey --request req.json
expect_grep "^proof:     leaf 1 of a tree of 4 entries" out.txt "verify prints the proof"
expect_exit 0 "verify its base64" -- rverify a.proven.b64 --log-key log.vkey --request req.json --json
[ "$(json_get out.txt 'j["valid"], j["proven"], j["proof"]["tree_size"], j["proof"]["leaf_index"]')" = \
	"True True 4 1" ] && ok "verify --json: proof fields" || not_ok "verify --json: $(cat out.txt)"
ref "the independent verifier accepts it (root recomputed in Python)" 0 a.proven log.vkey
expect_exit 0 "show a proven receipt" -- kansa receipt show a.proven --json
[ "$(json_get out.txt 'j["proven"], j["proof"]["tree_size"], j["verified"]')" = "True 4 False" ] &&
	ok "show --json: the proof part" || not_ok "show --json: $(cat out.txt)"
expect_exit 0 "show a plain receipt" -- kansa receipt show a.receipt --json
[ "$(json_get out.txt 'j["proven"]')" = False ] && ok "show: a plain receipt is not proven" || not_ok "plain shown proven"
expect_exit 1 "verify --witness of a receipt without proof" -- rverify a.receipt --log-key log.vkey \
	--request req.json --witness "$(cosig vkey w1 "$(printf '%064d' 1)")"
expect_grep "no inclusion proof" err.txt "says the receipt has no proof"

# ---- tampering ---------------------------------------------------------------
tamper a.proven t-path.proven path
expect_exit 1 "a tampered path hash: refused" -- rverify t-path.proven --log-key log.vkey --request req.json
expect_grep "does not lead" err.txt "says the proof does not lead to the root"
ref "a tampered path hash: the reference refuses it too" 1 t-path.proven log.vkey
tamper a.proven t-index.proven index
expect_exit 1 "a wrong leaf index: refused" -- rverify t-index.proven --log-key log.vkey --request req.json
expect_grep "not the receipt's entry" err.txt "says the proof is for another entry"
ref "a wrong leaf index: the reference refuses it too" 1 t-index.proven log.vkey
tamper a.proven t-size.proven size
expect_exit 1 "a tree size that is not the checkpoint's: refused" -- \
	rverify t-size.proven --log-key log.vkey --request req.json
expect_grep "tree size mismatch" err.txt "says the sizes differ"
mkdir other && (cd other && kansa ledger init --db l2.db --policy ../policy.cose >/dev/null &&
	kansa ledger checkpoint --db l2.db > ../cp-other.txt) || exit 99
tamper a.proven t-cp.proven checkpoint cp-other.txt
expect_exit 1 "a checkpoint signed by another log's key: refused" -- \
	rverify t-cp.proven --log-key log.vkey --request req.json
expect_grep "not signed by the log key" err.txt "says the checkpoint is not the log's"
ref "another log's checkpoint: the reference refuses it too" 1 t-cp.proven log.vkey
expect_exit 1 "prove --checkpoint of another ledger: refused" -- \
	kansa receipt prove a.receipt --db l.db --checkpoint cp-other.txt
expect_exit 1 "prove another ledger's receipt: refused" -- kansa receipt prove a.receipt --db other/l2.db
expect_grep "not signed by this ledger" err.txt "says whose receipt it is not"

# ---- witnesses ----------------------------------------------------------------
s1=$(printf '%064d' 1); s2=$(printf '%064d' 2)
cosig vkey w1 "$s1" > w1.vkey && cosig vkey w2 "$s2" > w2.vkey || exit 99
cosig cosign w1 "$s1" 1796300000 cp.txt > cp-w1.txt || exit 99
expect_exit 0 "prove --checkpoint a cosigned checkpoint" -- \
	kansa receipt prove a.receipt --db l.db --checkpoint cp-w1.txt --out w.proven
expect_exit 0 "verify --witness w1 --witness-quorum 1" -- rverify w.proven --log-key log.vkey \
	--request req.json --witness w1.vkey --witness-quorum 1 --json
[ "$(json_get out.txt 'j["proof"]["witnessed"], j["proof"]["cosignatures"]')" = "1 1" ] &&
	ok "one witness counted" || not_ok "witnessed: $(cat out.txt)"
ref "a cosigned checkpoint: the reference still accepts the log's part" 0 w.proven log.vkey
expect_exit 1 "quorum 2 of w1, w2 with only w1's cosignature: refused" -- rverify w.proven \
	--log-key log.vkey --request req.json --witness w1.vkey --witness "$(cat w2.vkey)" --witness-quorum 2
expect_grep "1 of the given witnesses cosigned the checkpoint, 2 required" err.txt "says how many cosigned"
expect_exit 1 "the same witness twice counts once" -- rverify w.proven \
	--log-key log.vkey --request req.json --witness w1.vkey --witness w1.vkey --witness-quorum 2
expect_exit 1 "--witness without --witness-quorum wants all of them" -- rverify w.proven \
	--log-key log.vkey --request req.json --witness w1.vkey --witness w2.vkey
expect_exit 1 "a witness that did not cosign: refused" -- rverify a.proven \
	--log-key log.vkey --request req.json --witness w1.vkey --witness-quorum 1
cosig cosign w2 "$s2" 1796300000 cp-old.txt > cp-old-w2.txt || exit 99
tamper w.proven t-wroot.proven lines cp-old-w2.txt
expect_exit 1 "a witness cosignature for another root: not counted" -- rverify t-wroot.proven \
	--log-key log.vkey --request req.json --witness w2.vkey --witness-quorum 1
expect_grep "0 of the given witnesses cosigned the checkpoint, 1 required" err.txt "the log's part verified, the cosignature did not count"
expect_exit 0 "... and the other witness still counts" -- rverify t-wroot.proven \
	--log-key log.vkey --request req.json --witness w1.vkey --witness w2.vkey --witness-quorum 1
expect_exit 2 "--witness-quorum over the keys given: usage error" -- rverify w.proven \
	--log-key log.vkey --request req.json --witness w1.vkey --witness-quorum 2
expect_exit 3 "--witness with the log's key (not a witness vkey)" -- rverify w.proven \
	--log-key log.vkey --request req.json --witness log.vkey

# ---- a deny is proven, and stays a deny ------------------------------------------
expect_exit 0 "prove a deny receipt (logging is proven)" -- kansa receipt prove deny.receipt --db l.db --out deny.proven
expect_exit 1 "verify a proven deny: still a deny" -- rverify deny.proven --log-key log.vkey \
	--request deny.json --json
[ "$(json_get out.txt 'j["valid"], j["error"]["code"], j["proven"], j["proof"]["leaf_index"]')" = \
	"False EDENIED True 2" ] && ok "deny: EDENIED with its proof" || not_ok "deny: $(cat out.txt)"
finish
