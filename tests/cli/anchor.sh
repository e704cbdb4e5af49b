#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Anchoring end to end (docs/anchoring.md): anchor push into a new repository
# and to local bare remotes, a clone made with real git is fsck-clean and
# verifies; two ledgers in one repository verify with one command; rollback
# and fork of the ledger are refused by push and found by verify --db; a
# hand-made commit whose checkpoint does not extend its parent fails verify
# naming the commit; witnesses cosign, and refuse what does not extend the
# size they cosigned. With the sqlcipher CLI, an operator with the database
# key rewrites the ledger: entries re-chained after a deletion (the old Merkle
# nodes left in place), and a new log key; verify --db finds both.
. "${KANSA_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib.sh"
. "${KANSA_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib-anchor.sh"
anchor_setting
logkey() { "$KANSA" ledger info --db "$1" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["log_key"])'; }
"$KANSA" ledger init --db a.db --policy policy.cose >/dev/null || exit 99
"$KANSA" ledger init --db b.db --policy policy.cose >/dev/null || exit 99
KA=$(logkey a.db); KB=$(logkey b.db)
OA=${KA%%+*}
git init -q --bare r1.git && git init -q --bare r2.git || exit 99

# ---- usage and help --------------------------------------------------------
for c in push verify cosign; do
	expect_exit 0 "anchor $c --help" -- kansa anchor $c --help
	expect_grep "example:" out.txt "anchor $c --help has an example"
done
expect_exit 2 "push without --repo" -- kansa anchor push --db a.db
expect_exit 2 "verify without --log-key" -- kansa anchor verify --repo anch.git
expect_exit 2 "cosign without --key" -- kansa anchor cosign --repo anch.git --log-key "$KA"

# ---- push: a new bare repository, then remotes ----------------------------
expect_exit 0 "first push creates the repository" -- kansa anchor push --db a.db --repo anch.git --json
[ "$(json_get out.txt 'j["created"], j["committed"], j["size"], j["old_size"]')" = "True True 1 0" ] &&
	ok "first anchor: created, committed, size 1" || not_ok "first push: $(cat out.txt)"
[ "$(git -C anch.git rev-parse --is-bare-repository)" = true ] && ok "PATH.git is created bare" || not_ok "not bare"
git -C anch.git remote add r1 "$T/r1.git" && git -C anch.git remote add r2 "$T/r2.git"
checks a.db ok.json 3
expect_exit 0 "push to two remotes" -- kansa anchor push --db a.db --repo anch.git --remote r1 --remote r2 --json
[ "$(json_get out.txt 'j["committed"], j["size"], j["old_size"], j["remotes_pushed"]')" = "True 4 1 2" ] &&
	ok "anchored size 4, extending 1, pushed twice" || not_ok "push: $(cat out.txt)"
expect_exit 0 "push with nothing new" -- kansa anchor push --db a.db --repo anch.git --remote r1 --json
[ "$(json_get out.txt 'j["committed"]')" = False ] && ok "no-op push makes no commit" || not_ok "no-op push committed"
expect_exit 3 "push to an unknown remote" -- kansa anchor push --db a.db --repo anch.git --remote nowhere
expect_grep "git remote add nowhere" err.txt "unknown remote: says how to add it"
git -C anch.git show HEAD:logs/$OA/consistency-proof > proof.txt
expect_grep "^kansa-proof/v1 consistency" proof.txt "consistency-proof in the kansa proof format"
git -C anch.git log -1 --format=%B > msg.txt
expect_grep "anchor $OA at size 4" msg.txt "commit message names the log and size"

# ---- a second site in the same repository ---------------------------------
checks b.db ok.json 2
expect_exit 0 "second ledger anchors into the same repository" -- kansa anchor push --db b.db --repo anch.git --remote r1
expect_exit 0 "federation verified with one command" -- kansa anchor verify --repo anch.git --log-key "$KA" --log-key "$KB" --json
[ "$(json_get out.txt 'j["logs"], j["unverified_logs"]')" = "2 0" ] && ok "two logs verified" || not_ok "federation: $(cat out.txt)"
printf '%s\n%s\n' "$KA" "$KB" > logkeys.txt
expect_exit 0 "log keys from a file" -- kansa anchor verify --repo anch.git --log-key logkeys.txt
expect_exit 0 "one log verified, the other reported" -- kansa anchor verify --repo anch.git --log-key "$KA"
expect_grep "1 log in the repository had no --log-key" err.txt "unverified log is reported"

# ---- clone with real git ----------------------------------------------------
git clone -q r1.git clone1 2>err.txt || not_ok "git clone"
git -C clone1 fsck --strict > fsck.txt 2>&1 && ok "git fsck --strict of the clone" || { not_ok "git fsck"; cat fsck.txt; }
[ -s fsck.txt ] && not_ok "git fsck printed: $(cat fsck.txt)" || ok "git fsck is silent"
expect_exit 0 "anchor verify on the clone" -- kansa anchor verify --repo clone1 --log-key "$KA" --log-key "$KB"
git -C clone1 grep -q -e npa-cyber -e officer -e 203.0.113 && not_ok "ledger content in the repository" ||
	ok "no ledger content in the repository"
expect_exit 0 "push into a new repository with a working tree" -- kansa anchor push --db a.db --repo work
[ -f "work/logs/$OA/checkpoint" ] && [ -z "$(git -C work status --porcelain)" ] &&
	ok "working tree checked out and clean" || not_ok "working tree: $(git -C work status --porcelain)"
checks a.db ok.json 1
expect_exit 0 "second push into the working tree repository" -- kansa anchor push --db a.db --repo work
[ -f "work/logs/$OA/consistency-proof" ] && [ -z "$(git -C work status --porcelain)" ] &&
	ok "working tree follows the new commit" || not_ok "working tree after push: $(git -C work status --porcelain)"

# ---- witnesses ---------------------------------------------------------------
expect_exit 0 "member-a cosigns" -- kansa anchor cosign --repo anch.git --key a.key --log-key "$KA" --remote r1 --json
AID=$(json_get out.txt '"+".join(j["witness_vkey"].split("+")[:2])')
STATE="$T/.config/kansa/witness/$AID/$(echo "$OA" | tr / _)"
[ "$(stat -c %a "$STATE" 2>/dev/null)" = 600 ] && ok "witness state created 0600" || not_ok "state: $(ls -l "$STATE")"
[ "$(json_get out.txt 'j["committed"], j["size"], j["witness"]')" = "True 4 member-a" ] && ok "cosigned size 4" ||
	not_ok "cosign: $(cat out.txt)"
expect_exit 0 "cosign again: already done" -- kansa anchor cosign --repo anch.git --key a.key --log-key "$KA" --json
[ "$(json_get out.txt 'j["committed"]')" = False ] && ok "no second cosignature" || not_ok "cosigned twice"
expect_exit 0 "member-b cosigns with its own state" -- kansa anchor cosign --repo anch.git --key b.key --log-key "$KA" --state b.state
expect_exit 0 "verify shows the cosigners" -- kansa anchor verify --repo anch.git --log-key "$KA" --log-key "$KB" \
	--witness-key a.key.pub --json
json_get out.txt '[(c["name"], c["verified"]) for h in j["history"] for c in h["cosigners"]][-2:]' > cos.txt
expect_grep "('member-a', True), ('member-b', False)" cos.txt "member-a verified, member-b listed unverified"
expect_exit 0 "verify text names the cosigners" -- kansa anchor verify --repo anch.git --log-key "$KA" --witness-key a.key.pub
expect_grep "cosigned by member-a (verified cosignature/v1 at [0-9T:-]*Z), member-b (unverified" out.txt \
	"cosigners in the text output"

# ---- rollback and fork of the ledger ------------------------------------------
# REQ: ANCHOR-ROLLBACK REQ: ANCHOR-FORK
cp a.db snap.db                     # a.db now has 5 entries, anchored at 4 in anch.git
checks a.db ok.json 2
expect_exit 0 "push the grown ledger" -- kansa anchor push --db a.db --repo anch.git --remote r1
expect_exit 1 "push refuses a rolled-back ledger" -- kansa anchor push --db snap.db --repo anch.git
expect_grep "truncated or rolled back" err.txt "rollback: says what happened"
expect_exit 1 "verify --db finds the rollback" -- kansa anchor verify --repo anch.git --log-key "$KA" --db snap.db
checks snap.db fork.json 4      # same log key, 9 entries, different from the 8th on
head=$(git -C anch.git rev-parse HEAD)
expect_exit 1 "push refuses a forked ledger" -- kansa anchor push --db snap.db --repo anch.git --remote r1
expect_grep "rewritten or forked" err.txt "fork: says what happened"
[ "$(git -C anch.git rev-parse HEAD)" = "$head" ] && ok "nothing committed for the fork" || not_ok "fork committed"
expect_exit 1 "verify --db finds the fork" -- kansa anchor verify --repo anch.git --log-key "$KA" --db snap.db --json
[ "$(json_get out.txt 'j["ok"]')" = False ] && ok "verify --json: ok false" || not_ok "verify --json on fork"
expect_exit 0 "verify --db passes for the real ledger" -- kansa anchor verify --repo anch.git --log-key "$KA" --db a.db

# ---- a hand-made commit that does not extend its parent -----------------------
# REQ: ANCHOR-VERIFY-COMMIT
git clone -q r1.git hand || exit 99
n=$(git -C anch.git show HEAD:logs/$OA/checkpoint | sed -n 2p)
"$KANSA" ledger checkpoint --db snap.db > "hand/logs/$OA/checkpoint" || exit 99
"$KANSA" ledger proof --db snap.db --old-size "$n" > "hand/logs/$OA/consistency-proof" || exit 99
git -C hand commit -q -am "a checkpoint of a forked ledger, signed by the same key" || exit 99
bad=$(git -C hand rev-parse HEAD)
expect_exit 1 "verify fails on the forked checkpoint" -- kansa anchor verify --repo hand --log-key "$KA" --json
expect_grep "$bad" err.txt "the failure names the commit id"
[ "$(json_get out.txt 'j["bad_commit"]')" = "$bad" ] && ok "bad_commit in --json" || not_ok "bad_commit: $(cat out.txt)"
git -C hand reset -q --hard HEAD~1
git -C anch.git show HEAD~3:logs/$OA/checkpoint > "hand/logs/$OA/checkpoint"
git -C hand commit -q -am "an older checkpoint again" || exit 99
expect_exit 1 "verify fails on a rolled-back checkpoint" -- kansa anchor verify --repo hand --log-key "$KA"
expect_grep "$(git -C hand rev-parse HEAD).*went back" err.txt "rollback commit named"
git -C hand reset -q --hard HEAD~1
echo garbage >> "hand/logs/$OA/checkpoint"
git -C hand commit -q -am "a damaged checkpoint" || exit 99
expect_exit 3 "verify fails on a malformed checkpoint (exit 3)" -- kansa anchor verify --repo hand --log-key "$KA"
expect_grep "$(git -C hand rev-parse HEAD)" err.txt "malformed checkpoint: commit named"
"$KANSA" ledger init --db c.db --policy policy.cose >/dev/null || exit 99
expect_exit 1 "verify with the key of a log that is not there" -- kansa anchor verify --repo clone1 --log-key "$(logkey c.db)"
expect_grep "no checkpoint in the repository" err.txt "missing log: says so"

# ---- a witness refuses what does not extend what it cosigned --------------------
# REQ: ANCHOR-WITNESS
expect_exit 0 "witness cosigns the grown log (size 7)" -- kansa anchor cosign --repo anch.git --key a.key --log-key "$KA"
# A split view: the operator shows the witness another repository holding the
# forked ledger. It verifies on its own, but does not extend size 7.
expect_exit 0 "the forked ledger anchors into a repository of its own" -- kansa anchor push --db snap.db --repo split.git
expect_exit 0 "that repository verifies on its own" -- kansa anchor verify --repo split.git --log-key "$KA"
expect_exit 1 "witness refuses the split view" -- kansa anchor cosign --repo split.git --key a.key --log-key "$KA"
expect_grep "does not pass through size 7" err.txt "refusal names the cosigned size"
git -C split.git remote add r2 "$T/r2.git"
expect_exit 1 "a remote with other anchor history refuses the push" -- kansa anchor push --db snap.db --repo split.git --remote r2
expect_grep "remote 'r2': it shares no history with this repository" err.txt "refused push: says the remote holds another history"
expect_exit 1 "witness refuses a repository whose newest is older" -- kansa anchor cosign --repo clone1 --key a.key \
	--log-key "$KA"
expect_grep "size 4, smaller than the size 7" err.txt "rollback refusal names both sizes"

# A known witness's signature that does not verify fails the whole checkpoint.
git clone -q anch.git hand2 || exit 99
python3 - "hand2/logs/$OA/checkpoint" <<'PY' || exit 99
import base64, sys
p = sys.argv[1]
lines = open(p, encoding="utf-8").read().split("\n")
for i, l in enumerate(lines):
    if l.startswith("\u2014 member-a "):
        b = bytearray(base64.b64decode(l.split(" ")[2])); b[10] ^= 1
        lines[i] = "\u2014 member-a " + base64.b64encode(bytes(b)).decode()
open(p, "w", encoding="utf-8").write("\n".join(lines))
PY
git -C hand2 commit -q -am "a bad cosignature" || exit 99
expect_exit 1 "verify fails on a known witness's bad signature" -- kansa anchor verify --repo hand2 --log-key "$KA" \
	--witness-key a.key.pub
expect_exit 0 "without that witness key the line is only listed" -- kansa anchor verify --repo hand2 --log-key "$KA"
# ---- the operator rewrites the ledger under the database key -----------------
if command -v sqlcipher >/dev/null 2>&1; then
# sq DB SQL: run SQL on a ledger with the raw key, as an attacker with the key would
sq() {
	printf "PRAGMA key = \"x'%s'\";\nPRAGMA cipher_page_size = 4096;\n%s\n" "$(cat db.key)" "$2" | sqlcipher "$1"
}
# REQ: ANCHOR-DB entry 2 deleted and entries 3.. re-chained (seq, prev, leaf
# hash) so the chain verifies; the stored Merkle nodes stay as they were.
"$KANSA" ledger init --db e.db --policy policy.cose >/dev/null || exit 99
KE=$(logkey e.db)
checks e.db ok.json 3
expect_exit 0 "anchor the ledger at size 4" -- kansa anchor push --db e.db --repo e.git
checks e.db fork.json 3
expect_exit 0 "verify --db passes before the rewrite" -- kansa anchor verify --repo e.git --log-key "$KE" --db e.db
sq e.db "SELECT seq || ' ' || hex(body) FROM entries ORDER BY seq;" > rows.txt
python3 - rows.txt 2 > rechain.sql <<'PY' || exit 99
import hashlib, re, sys
rows = {}
for line in open(sys.argv[1]):
    m = re.fullmatch(r"(\d+) ([0-9A-F]+)\n?", line)
    if m:
        rows[int(m.group(1))] = bytes.fromhex(m.group(2))
gone = int(sys.argv[2])
leaf = lambda b: hashlib.sha256(b"\x00" + b).digest()
prev = leaf(rows[gone - 1])
print("BEGIN;")
print(f"DELETE FROM entries WHERE seq = {gone};")
for seq in range(gone + 1, max(rows) + 1):
    b = rows[seq]
    k = b.index(b"\x63seq") + 4          # "seq": a one-byte uint below 24
    assert b[k] == seq < 24
    b = b[:k] + bytes([seq - 1]) + b[k + 1:]
    k = b.index(b"\x64prev\x58\x20") + 7  # "prev": 32 bytes
    b = b[:k] + prev + b[k + 32:]
    prev = leaf(b)
    print(f"UPDATE entries SET seq = {seq - 1}, body = X'{b.hex()}', leaf_hash = X'{prev.hex()}' WHERE seq = {seq};")
print("DELETE FROM checkpoints;")
print("COMMIT;")
PY
sq e.db "$(cat rechain.sql)" >/dev/null || exit 99
kansa ledger verify --db e.db --json > lv.json
[ "$(json_get lv.json 'sorted(set(f["kind"] for f in j["findings"]))')" = "['tree-mismatch']" ] &&
	ok "re-chained: the chain verifies, only the stored tree disagrees" || not_ok "re-chain: $(cat lv.json)"
expect_exit 1 "verify --db refuses the re-chained ledger" -- kansa anchor verify --repo e.git --log-key "$KE" --db e.db
expect_grep "first 4 entries, hashed from their bodies, are not the ones anchored" err.txt \
	"re-chained: names the anchored size it does not give"
expect_exit 1 "verify --db --json on the re-chained ledger" -- kansa anchor verify --repo e.git --log-key "$KE" \
	--db e.db --json
[ "$(json_get out.txt 'j["ok"], j.get("error", {}).get("code")')" = "False EVERIFY" ] && ok "re-chained: --json ok false, EVERIFY" ||
	not_ok "re-chained --json: $(cat out.txt)"

# REQ: ANCHOR-DB-KEY a new log key (and origin) written into the database
"$KANSA" ledger init --db f.db --policy policy.cose >/dev/null || exit 99
KF=$(logkey f.db)
checks f.db ok.json 2
expect_exit 0 "anchor the ledger before its key is replaced" -- kansa anchor push --db f.db --repo f.git
sq c.db "SELECT 'SEED ' || hex(value) FROM meta WHERE key = 'log.seed'; SELECT 'ORIGIN ' || hex(value) FROM meta WHERE key = 'log.origin';" > newkey.txt
seed=$(sed -n 's/^SEED //p' newkey.txt); origin=$(sed -n 's/^ORIGIN //p' newkey.txt)
[ -n "$seed" ] && [ -n "$origin" ] || exit 99
sq f.db "UPDATE meta SET value = X'$seed' WHERE key = 'log.seed'; UPDATE meta SET value = X'$origin' WHERE key = 'log.origin'; DELETE FROM checkpoints;" >/dev/null || exit 99
[ "$(logkey f.db)" = "$(logkey c.db)" ] || exit 99
expect_exit 1 "verify --db with the old log key refuses a ledger with a new key" -- kansa anchor verify --repo f.git \
	--log-key "$KF" --db f.db
expect_grep "log key .* is not one of the log keys the verifier trusts" err.txt "new key: says the key is not trusted"
expect_exit 0 "the re-keyed ledger anchors under its new key" -- kansa anchor push --db f.db --repo f.git
expect_exit 1 "verify --db with the old log key, after that push" -- kansa anchor verify --repo f.git --log-key "$KF" \
	--db f.db --json
[ "$(json_get out.txt 'j["ok"], j.get("error", {}).get("code")')" = "False EVERIFY" ] && ok "new key after push: --json EVERIFY" ||
	not_ok "new key --json: $(cat out.txt)"
expect_grep "is not one of the log keys the verifier trusts" err.txt "new key after push: says so"
else
	echo "ok - # SKIP the sqlcipher CLI is not installed: no rewrite of the ledger under its key"
fi
finish
