#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The operator's publishing cycle with real mirrors (docs/anchoring.md,
# "Mirrors and witnesses"): anchor push to three remotes, one unreachable,
# reports each and updates the two others; a mirror made with a plain
# git init --bare gets its HEAD pointed at the pushed branch, so a plain
# git clone checks it out and verifies; a witness clones a mirror, cosigns
# and pushes there, and the operator's next push folds that commit in
# (fast-forward, or local anchors replayed on top) instead of being
# rejected; a fresh clone then verifies with --witness-quorum. Hostile
# mirror commits (a changed checkpoint, a bad cosignature of a known
# witness, another file, a removed line) make push refuse and leave the
# repository and every mirror as they were; a well-formed cosignature by a
# key the operator was not given is kept, unverified; one checkpoint
# cosigned both here and on a mirror ends with both lines. A cosignature made by
# tests/cosig_ref.py (Python's cryptography) is accepted by anchor verify
# with --witness-quorum, and refused with one signature byte flipped.
. "${KANSA_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib.sh"

src=${KANSA_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
REF="$src/tests/cosig_ref.py"
python3 -c 'import cryptography' 2>/dev/null || { echo "1..0 # SKIP python3 cryptography not found"; exit 77; }
. "${KANSA_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib-anchor.sh"
anchor_setting
"$KANSA" ledger init --db a.db --policy policy.cose >/dev/null || exit 99
KA=$("$KANSA" ledger info --db a.db --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["log_key"])')
OA=${KA%%+*}
CP="logs/$OA/checkpoint"
tip() { git -C "$1" rev-parse -q --verify refs/heads/main; }

# ---- three remotes, one unreachable ----------------------------------------------
# REQ: ANCHOR-PUSH-REMOTES REQ: ANCHOR-REMOTE-HEAD
git init -q --bare -b master m1.git && git init -q --bare m3.git || exit 99
checks a.db ok.json 2
"$KANSA" anchor push --db a.db --repo anch.git >/dev/null || exit 99
git -C anch.git remote add m1 "$T/m1.git" && git -C anch.git remote add down "file://$T/nowhere/mirror.git" &&
	git -C anch.git remote add m3 "$T/m3.git" || exit 99
expect_exit 4 "push with one unreachable remote of three: exit 4" -- kansa anchor push --db a.db --repo anch.git \
	--remote m1 --remote down --remote m3 --json
[ "$(json_get out.txt 'j["ok"], j["remotes_pushed"], [(r["remote"], r["pushed"]) for r in j["remotes"]]')" = \
  "False 2 [('m1', True), ('down', False), ('m3', True)]" ] && ok "--json reports each remote" || not_ok "$(cat out.txt)"
[ "$(tip m1.git)" = "$(tip anch.git)" ] && [ "$(tip m3.git)" = "$(tip anch.git)" ] &&
	ok "both reachable mirrors updated" || not_ok "mirrors: $(tip m1.git) $(tip m3.git) $(tip anch.git)"
expect_exit 4 "the same in text" -- kansa anchor push --db a.db --repo anch.git --remote m1 --remote down --remote m3
expect_grep "^not pushed to down: .*nowhere/mirror.git" out.txt "text: the unreachable remote, with the reason"
expect_grep "pushed to 2 of 3 remotes" err.txt "text: how many were pushed"
[ "$(git -C m1.git symbolic-ref HEAD)" = refs/heads/main ] && ok "a mirror's unborn HEAD (master) now names main" ||
	not_ok "m1 HEAD: $(git -C m1.git symbolic-ref HEAD)"
git clone -q m1.git plain 2>/dev/null || exit 99
[ -f "plain/$CP" ] && ok "a plain git clone of the mirror checks the anchors out" || not_ok "empty checkout"
expect_exit 0 "anchor verify on the plain clone" -- kansa anchor verify --repo plain --log-key "$KA"
git init -q --bare -b trunk m4.git && git -C anch.git push -q "$T/m4.git" main:trunk &&
	git -C anch.git remote add m4 "$T/m4.git" || exit 99
expect_exit 0 "push to a mirror whose HEAD names a branch it has" -- kansa anchor push --db a.db --repo anch.git --remote m4
[ "$(git -C m4.git symbolic-ref HEAD)" = refs/heads/trunk ] && ok "that HEAD is left alone" || not_ok "m4 HEAD moved"

# ---- a witness cosigns on a mirror; the operator's next push folds it in ----------
# REQ: ANCHOR-FOLD
git clone -q m1.git wit || exit 99
expect_exit 0 "member-a cosigns in its clone and pushes to the mirror" -- kansa witness cosign --repo wit --key a.key \
	--log-key "$KA" --remote origin
C1=$(tip m1.git)
[ "$C1" = "$(git -C wit rev-parse HEAD)" ] && [ "$C1" != "$(tip anch.git)" ] && ok "the mirror holds the witness commit" ||
	not_ok "witness push"
checks a.db ok.json 2
expect_exit 0 "the operator anchors locally meanwhile" -- kansa anchor push --db a.db --repo anch.git
A2=$(tip anch.git)
expect_exit 0 "push folds the witness commit in, replaying the local anchor on top" -- kansa anchor push --db a.db \
	--repo anch.git --remote m1 --remote m3 --witness-key a.key.pub --json
[ "$(json_get out.txt 'j["ok"], [j["folded"][k] for k in ("commits", "cosignatures", "unverified", "rebased")], j["remotes_pushed"]')" = \
  "True [1, 1, 0, 1] 2" ] && ok "folded 1, replayed 1, pushed 2" ||
	not_ok "fold: $(cat out.txt)"
[ "$(git -C anch.git rev-parse HEAD~1)" = "$C1" ] && [ "$(tip anch.git)" != "$A2" ] &&
	ok "the witness commit is in the history, the local anchor on top of it" || not_ok "history: $(git -C anch.git log --oneline)"
[ -z "$(git -C anch.git rev-list --merges HEAD)" ] && ok "history stays linear" || not_ok "a merge commit"
[ "$(tip m1.git)" = "$(tip anch.git)" ] && [ "$(tip m3.git)" = "$(tip anch.git)" ] && ok "both mirrors updated" ||
	not_ok "mirrors after fold"
git -C wit pull -q --ff-only || exit 99
expect_exit 0 "member-a cosigns the newest anchor" -- kansa witness cosign --repo wit --key a.key --log-key "$KA" --remote origin
checks a.db ok.json 1
expect_exit 0 "the next push fast-forwards over it, then anchors" -- kansa anchor push --db a.db --repo anch.git \
	--remote m1 --remote m3 --witness-key a.key.pub
expect_grep "^folded in 1 commit from m1$" out.txt "text: what was folded in from which remote"
expect_grep "cosignatures folded in: 1 (0 by keys not given, kept unverified)" out.txt "text: the cosignatures"
git -C wit pull -q --ff-only && "$KANSA" witness cosign --repo wit --key a.key --log-key "$KA" --remote origin >/dev/null || exit 99
expect_exit 0 "a push with nothing new to anchor still folds and publishes" -- kansa anchor push --db a.db \
	--repo anch.git --remote m1 --remote m3 --json
[ "$(json_get out.txt 'j["committed"], j["folded"]["commits"]')" = "False 1" ] && ok "no new anchor, 1 folded" ||
	not_ok "$(cat out.txt)"
git clone -q m3.git fresh || exit 99
expect_exit 0 "a fresh plain clone verifies with --witness-quorum 1" -- kansa anchor verify --repo fresh --log-key "$KA" \
	--witness-key a.key.pub --witness-quorum 1 --json
[ "$(json_get out.txt '[(c["name"], c["verified"]) for c in j["history"][-1]["cosigners"]], j["history"][-1]["witnessed"]')" = \
  "[('member-a', True)] 1" ] && ok "the newest checkpoint: member-a's cosignature, verified" || not_ok "$(cat out.txt)"
json_get out.txt 'sum(1 for h in j["history"] for c in h["cosigners"] if c["verified"])' > n.txt
[ "$(cat n.txt)" -ge 2 ] && ok "the older cosigned checkpoint stays in the history" || not_ok "cosigned in history: $(cat n.txt)"

# ---- hostile mirror commits: refused, nothing moves --------------------------------
# REQ: ANCHOR-FOLD-ONLY REQ: ANCHOR-FOLD-TEXT REQ: ANCHOR-FOLD-VERIFY REQ: ANCHOR-FOLD-ATOMIC
GOOD=$(tip m1.git)
SEED=$(printf '%064d' 7); VP=$(python3 "$REF" vkey witness.example "$SEED")
hostile() { # description expected-message edit-command...: a commit on m1, then a push that must refuse
	what=$1; msg=$2; shift 2
	rm -rf h && git clone -q m1.git h && (cd h && "$@") && git -C h commit -q -am "$what" && git -C h push -q origin main ||
		{ not_ok "$what: setting up"; return; }
	bad=$(tip m1.git); before=$(tip anch.git); m3=$(tip m3.git)
	checks a.db ok.json 1
	expect_exit 1 "push refuses a mirror commit that $what" -- kansa anchor push --db a.db --repo anch.git \
		--remote m3 --remote m1 --witness-key a.key.pub --witness-key "$VP" --json
	[ "$(json_get out.txt 'j["ok"], j["error"]["code"]')" = "False EVERIFY" ] && ok "$what: --json EVERIFY" ||
		not_ok "$what: $(cat out.txt)"
	expect_grep "remote 'm1', commit $(echo "$bad" | cut -c1-12): .*$msg" out.txt "$what: the message names the remote, commit and change"
	[ "$(tip anch.git)" = "$before" ] && [ "$(tip m3.git)" = "$m3" ] && [ "$(tip m1.git)" = "$bad" ] &&
		ok "$what: the repository and the mirrors are untouched" || not_ok "$what: something moved"
	git -C m1.git update-ref refs/heads/main "$GOOD"
}
hostile "changes a checkpoint" "changes the checkpoint itself" sed -i '2s/.*/999/' "$CP"
hostile "adds another file" "README: adds a file" sh -c 'echo hi > README && git add README'
hostile "removes a signature line" "removes the signature line of member-a" sed -i '/^— member-a /d' "$CP"
flip() { python3 - "$1" "$2" <<'PY'
import base64, sys
p, name = sys.argv[1], sys.argv[2]
lines = open(p, encoding="utf-8").read().split("\n")
for i, l in enumerate(lines):
    if l.startswith("\u2014 " + name + " "):
        b = bytearray(base64.b64decode(l.split(" ")[2])); b[40] ^= 1   # in the signature, past key ID and time
        lines[i] = "\u2014 " + name + " " + base64.b64encode(bytes(b)).decode()
open(p, "w", encoding="utf-8").write("\n".join(lines))
PY
}
indep() { python3 "$REF" cosign witness.example "$SEED" 1767225600 "$CP" > c.txt && mv c.txt "$CP"; }
bad_cosig() { indep && flip "$CP" witness.example; }
hostile "adds a known witness's bad cosignature" "cosignature by witness.example that does not verify" bad_cosig

# ---- the independent cosigner; a signer the operator does not know ------------------
# REQ: WITNESS-C2SP
rm -rf h && git clone -q m1.git h && (cd h && bad_cosig) && git -C h commit -q -am "flipped" || exit 99
expect_exit 1 "anchor verify refuses the independent cosignature with one signature byte flipped" -- \
	kansa anchor verify --repo h --log-key "$KA" --witness-key "$VP" --witness-quorum 1
expect_grep "invalid signature for key witness.example+" err.txt "names the witness whose cosignature fails"
expect_exit 0 "the operator publishes what the refused pushes did not" -- kansa anchor push --db a.db --repo anch.git \
	--remote m1 --remote m3
rm -rf h && git clone -q m1.git h && "$KANSA" witness cosign --repo h --key a.key --log-key "$KA" --remote origin >/dev/null &&
	(cd h && indep) && git -C h commit -q -am "cosigned by witness.example" && git -C h push -q origin main || exit 99
expect_exit 0 "push keeps a well-formed cosignature by a key it was not given" -- kansa anchor push --db a.db \
	--repo anch.git --remote m1 --remote m3 --witness-key a.key.pub --json
[ "$(json_get out.txt 'j["folded"]["commits"], j["folded"]["cosignatures"], j["folded"]["unverified"], j["committed"]')" = "2 2 1 False" ] &&
	ok "folded, counted unverified" || not_ok "unknown signer: $(cat out.txt)"
rm -rf fresh && git clone -q m3.git fresh || exit 99
expect_exit 0 "anchor verify accepts the independent cosignature for a quorum of 2" -- kansa anchor verify --repo fresh \
	--log-key "$KA" --witness-key a.key.pub --witness-key "$VP" --witness-quorum 2 --json
[ "$(json_get out.txt 'sorted(c["name"] for c in j["history"][-1]["cosigners"] if c["verified"])')" = \
  "['member-a', 'witness.example']" ] && ok "both cosignatures verified on the newest checkpoint" || not_ok "$(cat out.txt)"

# ---- the same checkpoint cosigned here and on the mirror: the lines are merged ------
expect_exit 0 "member-b cosigns in the operator's repository" -- kansa anchor cosign --repo anch.git --key b.key --log-key "$KA"
rm -rf h && git clone -q m1.git h && "$KANSA" witness cosign --repo h --key c.key --log-key "$KA" --remote origin >/dev/null ||
	exit 99
expect_exit 0 "push folds member-c's commit and replays member-b's on top" -- kansa anchor push --db a.db --repo anch.git \
	--remote m1 --remote m3 --witness-key b.key.pub --witness-key c.key.pub --json
[ "$(json_get out.txt 'j["folded"]["commits"], j["folded"]["rebased"], j["committed"]')" = "1 1 False" ] &&
	ok "one folded, one replayed" || not_ok "merge: $(cat out.txt)"
rm -rf fresh && git clone -q m3.git fresh || exit 99
expect_exit 0 "the newest checkpoint carries both cosignatures" -- kansa anchor verify --repo fresh --log-key "$KA" \
	--witness-key a.key.pub --witness-key b.key.pub --witness-key c.key.pub --witness-quorum 3
[ -z "$(git -C anch.git rev-list --merges HEAD)" ] && ok "still linear" || not_ok "a merge commit"

# ---- a mirror with another history -------------------------------------------------
git init -q --bare other.git && git -C anch.git remote add other "$T/other.git" || exit 99
"$KANSA" ledger init --db o.db --policy policy.cose >/dev/null && "$KANSA" anchor push --db o.db --repo o.git >/dev/null &&
	git -C o.git push -q "$T/other.git" main || exit 99
before=$(tip anch.git)
expect_exit 1 "push refuses a mirror that shares no history" -- kansa anchor push --db a.db --repo anch.git --remote other
expect_grep "shares no history with this repository" err.txt "says the mirror holds another history"
[ "$(tip anch.git)" = "$before" ] && ok "nothing moved" || not_ok "moved"
finish
