#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Witnesses in the C2SP formats (docs/anchoring.md): kansa's cosignatures
# are tlog-cosignature v1 lines that tests/cosig_ref.py (an independent
# implementation with Python's cryptography) verifies with the witness vkey;
# a cosignature made by that implementation over a kansa checkpoint, and an
# old type 0x01 witness line, are accepted by anchor verify, which says which
# form each line is; --witness-quorum counts distinct valid witness keys; the
# witness state is per witness key and refuses a smaller size, or another
# root for a size it cosigned.
. "${KANSA_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib.sh"

src=${KANSA_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
REF="$src/tests/cosig_ref.py"
python3 -c 'import cryptography' 2>/dev/null || { echo "1..0 # SKIP python3 cryptography not found"; exit 77; }
. "${KANSA_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib-anchor.sh"
anchor_setting
wvkey() { "$KANSA" keys show "$1" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["witness_vkey"])'; }
"$KANSA" ledger init --db a.db --policy policy.cose >/dev/null || exit 99
KA=$("$KANSA" ledger info --db a.db --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["log_key"])')
OA=${KA%%+*}
CP="logs/$OA/checkpoint"
VA=$(wvkey a.key.pub); VB=$(wvkey b.key.pub)
checks a.db ok.json 2
cp a.db snap.db
checks a.db ok.json 1
checks snap.db fork.json 1
"$KANSA" anchor push --db a.db --repo anch.git >/dev/null || exit 99

# ---- the witness vkey -------------------------------------------------------
case "$VA" in member-a+????????+*) ok "keys show prints the witness vkey" ;; *) not_ok "witness vkey: $VA" ;; esac
python3 -c 'import base64,sys; b=base64.b64decode(sys.argv[1].split("+",2)[2]); sys.exit(not (len(b)==33 and b[0]==4))' "$VA" &&
	ok "the witness vkey has type 0x04" || not_ok "vkey type: $VA"

# ---- kansa cosigns; the independent verifier checks it -----------------------
# REQ: WITNESS-C2SP
expect_exit 0 "member-a cosigns" -- kansa anchor cosign --repo anch.git --key a.key --log-key "$KA" --json
[ "$(json_get out.txt 'j["witness_vkey"]')" = "$VA" ] && ok "cosign --json names the witness vkey" || not_ok "$(cat out.txt)"
git -C anch.git show "HEAD:$CP" > cosigned.txt
expect_exit 0 "cosig_ref.py verifies kansa's cosignature and the log's signature" -- python3 "$REF" verify "$VA" cosigned.txt "$KA"
expect_grep "cosignature verified, time" out.txt "cosig_ref.py reports the timestamp"
awk 'NR == 2 { $0 = $0 + 1 } { print }' cosigned.txt > tampered.txt
expect_exit 1 "cosig_ref.py refuses the cosignature on a tampered body" -- python3 "$REF" verify "$VA" tampered.txt
expect_exit 1 "cosig_ref.py: no cosignature by member-b" -- python3 "$REF" verify "$VB" cosigned.txt

# ---- an independent cosignature, and an old-form line, accepted by kansa ----
SEED=$(printf '%064d' 7); OLDSEED=$(printf '%064d' 9)
VP=$(python3 "$REF" vkey witness.example "$SEED"); VO=$(python3 "$REF" vkey old-witness "$OLDSEED")
git clone -q anch.git work || exit 99
python3 "$REF" cosign witness.example "$SEED" 1767225600 "work/$CP" > c1.txt || exit 99
python3 "$REF" oldsign old-witness "$OLDSEED" c1.txt > "work/$CP" || exit 99
git -C work commit -q -am "cosigned by an independent witness and an old-form line" || exit 99
expect_exit 0 "anchor verify accepts the independent cosignature and the old line" -- kansa anchor verify --repo work \
	--log-key "$KA" --witness-key "$VA" --witness-key "$VP" --witness-key "$VO" --json
json_get out.txt '[(c["name"], c["verified"], c["form"], c.get("timestamp_unix"), c.get("timestamp")) for c in j["history"][-1]["cosigners"]]' > cos.txt
expect_grep "('witness.example', True, 'cosignature/v1', 1767225600, '2026-01-01T00:00:00Z')" cos.txt "independent cosignature verified with its time"
expect_grep "('old-witness', True, 'old', None, None)" cos.txt "old type 0x01 line verified and marked old"
expect_exit 0 "text output" -- kansa anchor verify --repo work --log-key "$KA" --witness-key "$VO" --witness-key "$VP"
expect_grep "old-witness (verified, old form: a type 0x01 line" out.txt "text output says the old form"
expect_grep "witness.example (verified cosignature/v1 at 2026-01-01T00:00:00Z)" out.txt "text output gives the time"
# a witness's bad cosignature (another time under the same signature) fails the checkpoint
python3 - "work/$CP" bad.txt <<'PY' || exit 99
import base64, sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
for i, l in enumerate(lines):
    if l.startswith("\u2014 witness.example "):
        b = bytearray(base64.b64decode(l.split(" ")[2])); b[11] ^= 1
        lines[i] = "\u2014 witness.example " + base64.b64encode(bytes(b)).decode()
open(sys.argv[2], "w", encoding="utf-8").write("\n".join(lines))
PY
git clone -q work work2 && cp bad.txt "work2/$CP" && git -C work2 commit -q -am "a cosignature with another time" || exit 99
expect_exit 1 "a cosignature whose time was changed fails verify" -- kansa anchor verify --repo work2 --log-key "$KA" \
	--witness-key "$VP"
expect_grep "invalid signature for key witness.example+" err.txt "names the witness whose cosignature fails"

# ---- witness quorum -----------------------------------------------------------
# REQ: WITNESS-QUORUM
expect_exit 0 "quorum 3 of three valid witnesses" -- kansa anchor verify --repo work --log-key "$KA" \
	--witness-key a.key.pub --witness-key "$VP" --witness-key "$VO" --witness-quorum 3 --json
[ "$(json_get out.txt 'j["history"][-1]["witnessed"]')" = 3 ] && ok "witnessed: 3" || not_ok "witnessed: $(cat out.txt)"
expect_exit 1 "quorum 2 with member-b, who did not cosign, and member-a" -- kansa anchor verify --repo work \
	--log-key "$KA" --witness-key a.key.pub --witness-key "$VB" --witness-quorum 2
expect_grep "cosigned by 1 of the given witnesses, the quorum is 2" err.txt "quorum failure says how many"
expect_exit 1 "one witness given twice counts once" -- kansa anchor verify --repo work --log-key "$KA" \
	--witness-key a.key.pub --witness-key "$VA" --witness-quorum 2
# a witness key given in the old form (type 0x01 vkey) also verifies its C2SP lines
VA01=$(python3 -c 'import base64,hashlib,sys; n,_,k=sys.argv[1].split("+",2); p=base64.b64decode(k)[1:]
print("%s+%s+%s" % (n, hashlib.sha256(n.encode()+b"\n\x01"+p).digest()[:4].hex(), base64.b64encode(b"\x01"+p).decode()))' "$VA")
expect_exit 0 "a type 0x01 vkey of member-a counts its cosignature" -- kansa anchor verify --repo work --log-key "$KA" \
	--witness-key "$VA01" --witness-quorum 1
expect_exit 2 "a quorum larger than the witness keys given" -- kansa anchor verify --repo work --log-key "$KA" \
	--witness-key "$VA" --witness-quorum 2

# ---- the witness state is per witness key -------------------------------------
# REQ: ANCHOR-WITNESS-STATE
expect_exit 0 "member-b cosigns with its default state" -- kansa anchor cosign --repo anch.git --key b.key --log-key "$KA" --json
SB=$(json_get out.txt 'j["state"]')
SA=$(find "$T/.config/kansa/witness" -type f -path '*member-a*')
[ -f "$SA" ] && [ -f "$SB" ] && [ "$SA" != "$SB" ] && ok "two witnesses on one machine keep two states" ||
	not_ok "states: $SA $SB"
cp "$SA" stolen.state && chmod 600 stolen.state
expect_exit 1 "member-b refuses member-a's state" -- kansa anchor cosign --repo anch.git --key b.key --log-key "$KA" \
	--state stolen.state
expect_grep "another witness's state" err.txt "says the state is another witness's"

# The shared state file of earlier versions, <dir>/<origin>: taken over by the
# witness whose signature it carries, ignored by another.
OLDSTATE="$T/.config/kansa/witness/$(echo "$OA" | tr / _)"
expect_exit 0 "member-c cosigns into a state at the old shared path" -- kansa anchor cosign --repo anch.git \
	--key c.key --log-key "$KA" --state "$OLDSTATE"
expect_exit 0 "member-c again, default state: takes over the old file" -- kansa anchor cosign --repo anch.git \
	--key c.key --log-key "$KA" --json
[ "$(json_get out.txt 'j["previous_size"] == j["size"] > 0, "member-c+" in j["state"]')" = "True True" ] &&
	ok "member-c continues from its old state" || not_ok "import: $(cat out.txt)"
"$KANSA" keys generate --out d.key --name member-d --no-passphrase >/dev/null || exit 99
expect_exit 0 "member-d does not take over member-c's old state" -- kansa anchor cosign --repo anch.git \
	--key d.key --log-key "$KA" --json
[ "$(json_get out.txt 'j["previous_size"]')" = 0 ] && ok "member-d starts afresh" || not_ok "d: $(cat out.txt)"

# ---- no smaller size, no other root for a cosigned size --------------------------
# REQ: ANCHOR-WITNESS
"$KANSA" anchor push --db snap.db --repo split.git >/dev/null || exit 99  # same size 4, another root
expect_exit 1 "member-a refuses another root for the size it cosigned" -- kansa anchor cosign --repo split.git \
	--key a.key --log-key "$KA"
expect_grep "another root than the checkpoint this witness cosigned" err.txt "fork refusal says so"
checks a.db ok.json 2
"$KANSA" anchor push --db a.db --repo anch.git >/dev/null || exit 99
git clone -q anch.git old || exit 99                               # size 6, not cosigned yet
expect_exit 0 "member-a cosigns size 6" -- kansa anchor cosign --repo anch.git --key a.key --log-key "$KA"
git -C old reset -q --hard HEAD~1                                 # back to size 4
expect_exit 1 "member-a refuses size 4 after size 6" -- kansa anchor cosign --repo old --key a.key --log-key "$KA"
expect_grep "size 4, smaller than the size 6" err.txt "rollback refusal names both sizes"
expect_exit 0 "cosig_ref.py verifies the newest cosignature" -- sh -c \
	"git -C anch.git show HEAD:$CP > new.txt && python3 '$REF' verify '$VA' new.txt '$KA'"

# ---- the policy: origin, witnesses, witness_quorum ------------------------------
# REQ: WITNESS-ORIGIN REQ: WITNESS-QUORUM
wpolicy() { # file version extra-json
	python3 - "$@" <<'PY'
import json, sys
p = json.load(open("policy.json"))
p["version"] = int(sys.argv[2])
p.update(json.loads(sys.argv[3]))
json.dump(p, open(sys.argv[1], "w"))
PY
}
case "$OA" in kansa.example/jp-ccisc/????????????????) ok "default origin is schema-less: $OA" ;; *) not_ok "origin $OA" ;; esac
wpolicy wp.json 1 "{\"origin\": \"oversight.example/jp-ccisc\", \"witness_quorum\": 2,
  \"witnesses\": [{\"name\": \"member-a\", \"vkey\": \"$VA\"}, {\"name\": \"witness.example\", \"vkey\": \"$VP\"}]}"
expect_exit 0 "a policy with origin, witnesses and witness_quorum" -- kansa policy create --in wp.json --out wp.cose
for m in a b c; do kansa policy sign wp.cose --key $m.key >/dev/null || exit 99; done
expect_exit 0 "policy show lists them" -- kansa policy show wp.cose --json
[ "$(json_get out.txt 'j["origin"], j["witness_quorum"], [w["name"] for w in j["witnesses"]]')" = \
  "oversight.example/jp-ccisc 2 ['member-a', 'witness.example']" ] && ok "policy show: origin, quorum, witnesses" ||
	not_ok "policy show: $(cat out.txt)"
"$KANSA" ledger init --db p.db --policy wp.cose >/dev/null || exit 99
KP=$("$KANSA" ledger info --db p.db --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["log_key"])')
case "$KP" in oversight.example/jp-ccisc/????????????????+*) ok "the policy's origin names the new ledger" ;;
	*) not_ok "origin of p.db: $KP" ;; esac
OP=${KP%%+*}
checks p.db ok.json 1
"$KANSA" anchor push --db p.db --repo p.git >/dev/null || exit 99
expect_exit 1 "--policy: the policy's quorum of 2 is required" -- kansa anchor verify --repo p.git --log-key "$KP" \
	--policy wp.cose
expect_grep "cosigned by 0 of the given witnesses, the quorum is 2" err.txt "policy quorum failure says so"
expect_exit 0 "--witness-quorum overrides the policy's" -- kansa anchor verify --repo p.git --log-key "$KP" \
	--policy wp.cose --witness-quorum 0
expect_exit 0 "member-a cosigns the new ledger" -- kansa anchor cosign --repo p.git --key a.key --log-key "$KP"
git clone -q p.git pw || exit 99
python3 "$REF" cosign witness.example "$SEED" 1767225600 "pw/logs/$OP/checkpoint" > c2.txt && cp c2.txt "pw/logs/$OP/checkpoint" &&
	git -C pw commit -q -am "cosigned by witness.example" || exit 99
expect_exit 0 "two listed witnesses: the policy's quorum is met" -- kansa anchor verify --repo pw --log-key "$KP" \
	--policy wp.cose --json
[ "$(json_get out.txt 'j["witness_quorum"], j["history"][-1]["witnessed"]')" = "2 2" ] && ok "quorum 2, witnessed 2" ||
	not_ok "$(cat out.txt)"
# existing ledgers keep their origin under a policy that names one
wpolicy v2.json 2 '{"origin": "oversight.example/jp-ccisc"}'
kansa policy create --in v2.json --out v2.cose >/dev/null && for m in a b c; do kansa policy sign v2.cose --key $m.key >/dev/null; done || exit 99
expect_exit 0 "a.db takes policy version 2 with an origin" -- kansa ledger policy --db a.db --policy v2.cose
[ "$("$KANSA" ledger info --db a.db --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["log_key"])')" = "$KA" ] &&
	ok "a.db keeps its origin and log key" || not_ok "a.db's log key changed"
# policies with bad witness fields are refused
wpolicy bad1.json 1 '{"origin": "https://oversight.example/x"}'
expect_exit 3 "an origin with a scheme is refused" -- kansa policy create --in bad1.json --out bad1.cose
expect_grep "origin: must be a schema-less name" err.txt "says what an origin must be"
wpolicy bad2.json 1 "{\"witnesses\": [{\"name\": \"$OA\", \"vkey\": \"$KA\"}]}"
expect_exit 3 "a type 0x01 key as a witness vkey is refused" -- kansa policy create --in bad2.json --out bad2.cose
expect_grep "a witness vkey has type 0x04" err.txt "says the witness vkey type"
wpolicy bad3.json 1 "{\"witnesses\": [{\"name\": \"member-a\", \"vkey\": \"$VA\"}], \"witness_quorum\": 2}"
expect_exit 3 "a witness_quorum above the witnesses listed is refused" -- kansa policy create --in bad3.json --out bad3.cose
wpolicy bad4.json 1 "{\"witnesses\": [{\"name\": \"member-b\", \"vkey\": \"$VA\"}]}"
expect_exit 3 "a vkey under another name is refused" -- kansa policy create --in bad4.json --out bad4.cose
# ---- publishing: one unreachable remote among three; a shallow clone -------------
# REQ: ANCHOR-PUSH-REMOTES REQ: ANCHOR-SHALLOW
git init -q --bare m1.git && git init -q --bare m3.git || exit 99
git -C p.git remote add m1 "$T/m1.git" && git -C p.git remote add down "$T/no/such/mirror.git" &&
	git -C p.git remote add m3 "$T/m3.git" || exit 99
checks p.db ok.json 1
expect_exit 4 "push with one unreachable remote of three: exit 4" -- kansa anchor push --db p.db --repo p.git \
	--remote m1 --remote down --remote m3 --json
[ "$(json_get out.txt 'j["ok"], j["committed"], j["remotes_pushed"], [(r["remote"], r["pushed"]) for r in j["remotes"]]')" = \
  "False True 2 [('m1', True), ('down', False), ('m3', True)]" ] && ok "--json reports each remote" || not_ok "$(cat out.txt)"
[ "$(git -C m3.git rev-parse main 2>/dev/null)" = "$(git -C p.git rev-parse HEAD)" ] &&
	ok "the remote after the failing one was pushed" || not_ok "m3 not pushed"
expect_grep "pushed to 2 of 3 remotes" err.txt "the failure says how many were pushed"
expect_exit 4 "the same in text" -- kansa anchor push --db p.db --repo p.git --remote m1 --remote down --remote m3
expect_grep "^pushed to m1$" out.txt "text: m1 pushed"
expect_grep "^not pushed to down: " out.txt "text: down not pushed, with the reason"
expect_grep "^pushed to m3$" out.txt "text: m3 pushed"
expect_exit 4 "cosign reports its remotes too" -- kansa anchor cosign --repo p.git --key a.key --log-key "$KP" \
	--remote down --remote m1 --json
[ "$(json_get out.txt '[(r["remote"], r["pushed"]) for r in j["remotes"]]')" = "[('down', False), ('m1', True)]" ] &&
	ok "cosign --json reports each remote" || not_ok "$(cat out.txt)"
git clone -q --depth 1 "file://$T/m1.git" shallow 2>/dev/null || exit 99
expect_exit 3 "verify on a shallow clone (incomplete input)" -- kansa anchor verify --repo shallow --log-key "$KP"
expect_grep "shallow clone: verifying needs the full history" err.txt "says full history is needed"
git -C shallow fetch -q --unshallow || exit 99
expect_exit 0 "after git fetch --unshallow it verifies" -- kansa anchor verify --repo shallow --log-key "$KP"
finish
