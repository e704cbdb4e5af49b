#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The tamper suite (docs/audit.md): someone with the database key edits the
# ledger with the sqlcipher CLI. Each edit must be found by 'kansa ledger
# verify' or 'kansa audit replay', with the right seq and exit status 1; the
# clean ledger passes both. Each case works on a fresh copy of the ledger.
. "${KANSA_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib.sh"

if ! command -v sqlcipher >/dev/null 2>&1; then
	echo "SKIP: sqlcipher CLI not installed (apt-get install sqlcipher)"
	exit 77
fi

members a b c

cat > policy.json <<'JSON'
{ "commission": "jp-ccisc", "version": 1,
  "members": [ {"name": "member-a", "public_key": "a.key.pub"},
               {"name": "member-b", "public_key": "b.key.pub"},
               {"name": "member-c", "public_key": "c.key.pub"} ],
  "quorum": {"metadata-query": 2, "neutralize": 3, "revoke": 2, "policy": 3},
  "max_validity": {"metadata-query": "90d", "neutralize": "7d"},
  "fields": ["src_ip","dst_ip","src_port","dst_port","proto","ts","bytes","command"],
  "forbidden_fields": ["payload","content","body"],
  "ops": ["stop-process","block-c2"] }
JSON
kansa policy create --in policy.json --out policy.cose >/dev/null || exit 99
for m in a b c; do kansa policy sign policy.cose --key $m.key >/dev/null 2>&1 || exit 99; done

warrant() { # name not_before expires
	cat > "$1.json" <<JSON
{ "commission": "jp-ccisc", "subject": "npa-cyber-3", "action": "metadata-query", "case": "2026-ACD-0042",
  "not_before": "$2", "expires": "$3", "max_uses": 10,
  "scope": { "targets": ["203.0.113.0/24"], "fields": ["src_ip","dst_ip","ts"], "window": ["-30d", "now"] } }
JSON
	kansa warrant create --in "$1.json" --out "$1.cose" >/dev/null || exit 99
	kansa warrant sign "$1.cose" --key a.key >/dev/null 2>&1 || exit 99
	kansa warrant sign "$1.cose" --key b.key >/dev/null 2>&1 || exit 99
}
warrant w now +30d
warrant w2 now +30d
warrant wexp -3d -1d
cat > req.json <<'JSON'
{ "requester": "npa-cyber-3", "officer": "officer-1207", "action": "metadata-query",
  "targets": ["203.0.113.17"], "fields": ["src_ip","dst_ip"], "window": ["-7d","-1d"],
  "justification": "C2 beaconing analysis" }
JSON

# The clean ledger: 0 policy, 1..3 allowed, 4 denied (payload), 5 allowed,
# checkpoint at 6, 6 allowed (w2), 7 denied (expired).
kansa ledger init --db clean.db --policy policy.cose >/dev/null || exit 99
for i in 1 2 3; do kansa check --db clean.db --warrant w.cose --request req.json >/dev/null || exit 99; done
sed 's/"src_ip","dst_ip"\]/"src_ip","payload"]/' req.json > bad.json
kansa check --db clean.db --warrant w.cose --request bad.json >/dev/null; [ $? = 1 ] || exit 99
kansa check --db clean.db --warrant w.cose --request req.json >/dev/null || exit 99
kansa ledger checkpoint --db clean.db >/dev/null || exit 99
kansa check --db clean.db --warrant w2.cose --request req.json >/dev/null || exit 99
kansa check --db clean.db --warrant wexp.cose --request req.json >/dev/null; [ $? = 1 ] || exit 99
n=8

expect_exit 0 "clean ledger: verify passes" -- kansa ledger verify --db clean.db
expect_grep "the chain, the tree and every checkpoint check out" out.txt "verify says so"
expect_exit 0 "clean ledger: replay passes" -- kansa audit replay --db clean.db --json
[ "$(json_get out.txt 'j["ok"]')" = True ] && ok "replay --json ok" || not_ok "replay ok: $(cat out.txt)"
[ "$(json_get out.txt 'j["entries"]')" = $n ] && ok "replay read $n entries" || not_ok "entries"
[ "$(json_get out.txt 'j["decisions"]')" = 7 ] && ok "replay re-decided 7 decisions" || not_ok "decisions: $(cat out.txt)"
[ "$(json_get out.txt 'j["documents"]')" = 4 ] && ok "replay re-verified 4 documents" || not_ok "documents: $(cat out.txt)"
[ "$(json_get out.txt 'j["checkpoints"]')" = 1 ] && ok "one checkpoint checked" || not_ok "checkpoints"
kansa ledger info --db clean.db --json > info.json
[ "$(json_get out.txt 'j["root"]')" = "$(json_get info.json 'j["root"]')" ] &&
	ok "recomputed root is the ledger's root" || not_ok "root differs from ledger info"
expect_exit 2 "verify without --db" -- kansa ledger verify
expect_exit 0 "verify --help" -- kansa ledger verify --help
expect_grep "example:" out.txt "verify --help has an example"
expect_exit 0 "replay --help" -- kansa audit replay --help
openssl rand -hex 32 > other.key; chmod 600 other.key
# a progress bar on stderr only when stderr is a terminal
kansa audit replay --db clean.db >/dev/null 2>bar.txt
grep -v '^--[0-9]*--' bar.txt > bar2.txt # valgrind's own warnings (make check-valgrind)
[ -s bar2.txt ] && not_ok "progress bar drawn into a file: $(cat -v bar.txt)" || ok "no progress bar when stderr is a file"
if command -v script >/dev/null 2>&1 && [ "${KANSA_VALGRIND:-0}" != 1 ]; then
	script -qec "$KANSA ledger verify --db clean.db >/dev/null" /dev/null > tty.txt 2>&1
	grep -q 'verify \[#*\] 100% 8/8' tty.txt && ok "progress bar on a terminal" || not_ok "progress bar: $(cat -v tty.txt)"
fi
expect_exit 4 "verify with the wrong key" -- kansa ledger verify --db clean.db --db-key-file other.key

# sq DB SQL: run SQL on a ledger with the raw key, as an attacker with the key would
sq() {
	printf "PRAGMA key = \"x'%s'\";\nPRAGMA cipher_page_size = 4096;\n%s\n" "$(cat db.key)" "$2" | sqlcipher "$1"
}
fresh() { rm -f t.db t.db-wal t.db-shm; cp clean.db t.db; }
# hexbody SEQ: the entry's bytes in hex
hexbody() { sq t.db "SELECT hex(body) FROM entries WHERE seq = $1;" | tail -n 1; }

# expect_found CMD KIND SEQ DESCRIPTION: CMD (verify|replay) exits 1 and
# names KIND with first_bad_seq SEQ
expect_found() {
	if [ "$1" = verify ]; then set -- "ledger verify" "$2" "$3" "$4"; else set -- "audit replay" "$2" "$3" "$4"; fi
	# shellcheck disable=SC2086
	expect_exit 1 "$4: $1 exits 1" -- kansa $1 --db t.db --json
	k=$(json_get out.txt '" ".join(f["kind"] for f in j["findings"])')
	case " $k " in *" $2 "*) ok "$4: $2 found";; *) not_ok "$4: wanted $2, got '$k'";; esac
	s=$(json_get out.txt 'j.get("first_bad_seq")')
	[ "$s" = "$3" ] && ok "$4: first bad seq is $3" || not_ok "$4: first bad seq $s, wanted $3: $(cat out.txt)"
}

# 1. one byte of entry 3 changed (a letter of the officer's name)
fresh
b=$(hexbody 3)
b2=$(printf '%s' "$b" | python3 -c "import sys; s=sys.stdin.read(); o=b'officer-1207'.hex().upper(); assert o in s; print(s.replace(o, b'officer-1208'.hex().upper(), 1))")
sq t.db "UPDATE entries SET body = X'$b2' WHERE seq = 3;" >/dev/null
expect_found verify body-altered 3 "one byte changed"

# 2. an entry deleted in the middle
fresh
sq t.db "DELETE FROM entries WHERE seq = 4;" >/dev/null
expect_found verify entry-missing 4 "middle entry deleted"

# 3. the last entries deleted (a checkpoint of size 6 exists; the tree too)
fresh
sq t.db "DELETE FROM entries WHERE seq >= 5; DELETE FROM merkle_nodes WHERE level = 0 AND idx >= 5;" >/dev/null
expect_found verify ledger-shorter-than-checkpoint 5 "last entries deleted"
fresh
sq t.db "DELETE FROM entries WHERE seq >= 7;" >/dev/null
expect_found verify tree-mismatch 7 "last entry deleted, its Merkle leaf left"

# 4. two entries swapped
fresh
sq t.db "CREATE TEMP TABLE s AS SELECT * FROM entries WHERE seq IN (2, 3);
UPDATE entries SET body = (SELECT body FROM s WHERE seq = 3), leaf_hash = (SELECT leaf_hash FROM s WHERE seq = 3) WHERE seq = 2;
UPDATE entries SET body = (SELECT body FROM s WHERE seq = 2), leaf_hash = (SELECT leaf_hash FROM s WHERE seq = 2) WHERE seq = 3;" >/dev/null
expect_found verify entries-reordered 2 "entries 2 and 3 swapped"

# 5. the stored warrant replaced by another validly signed warrant: the
#    chain is intact, so verify passes, but replay finds it at its first use
fresh
wh=$(sha256sum w.cose | cut -c1-64)
w2=$(od -An -v -tx1 w2.cose | tr -d ' \n')
sq t.db "UPDATE documents SET body = X'$w2' WHERE hash = X'$wh';" >/dev/null
[ "$(sq t.db "SELECT count(*) FROM documents WHERE hash = X'$wh';" | tail -n 1)" = 1 ] || not_ok "warrant not replaced"
expect_exit 0 "warrant replaced: verify cannot see it" -- kansa ledger verify --db t.db
expect_found replay document-mismatch 1 "warrant replaced"

# 6. a recorded deny changed to allow on the last entry, with its leaf
#    hash and the whole stored tree recomputed: verify finds nothing (no
#    checkpoint covers it), replay finds the decision at seq 7
fresh
b=$(hexbody 7)
b2=$(printf '%s' "$b" | python3 -c "
import sys
s = bytes.fromhex(sys.stdin.read().strip())
assert s.count(b'\x64deny') == 1 and s.count(b'\x67expired') == 1
s = s.replace(b'\x64deny', b'\x65allow').replace(b'\x67expired', b'\x67allowed')
print(s.hex().upper())")
sql=$(sq t.db "SELECT hex(leaf_hash) FROM entries ORDER BY seq;" | python3 -c "
import hashlib, sys
leaves = [bytes.fromhex(l.strip()) for l in sys.stdin if l.strip()]
leaves[7] = hashlib.sha256(b'\x00' + bytes.fromhex('$b2')).digest()
out = ['UPDATE entries SET body = X\'$b2\', leaf_hash = X\'%s\' WHERE seq = 7;' % leaves[7].hex(), 'DELETE FROM merkle_nodes;']
level = leaves
l = 0
while level:
    for i, h in enumerate(level):
        out.append('INSERT INTO merkle_nodes(level, idx, hash) VALUES (%d, %d, X\'%s\');' % (l, i, h.hex()))
    level = [hashlib.sha256(b'\x01' + level[i] + level[i + 1]).digest() for i in range(0, len(level) - 1, 2)]
    l += 1
print('\n'.join(out))")
sq t.db "$sql" >/dev/null
expect_exit 0 "deny turned allow, tree rebuilt: verify cannot see it" -- kansa ledger verify --db t.db
expect_found replay decision-mismatch 7 "deny turned allow"
expect_grep "records allow (allowed) but replay decides deny (expired)" out.txt "replay says what differs"

# 7. the same change to an entry a checkpoint covers: verify finds it
fresh
b=$(hexbody 4)
b2=$(printf '%s' "$b" | python3 -c "
import sys
s = bytes.fromhex(sys.stdin.read().strip())
s = s.replace(b'\x64deny', b'\x65allow').replace(b'\x6fforbidden-field', b'\x67allowed')
print(s.hex().upper())")
sq t.db "UPDATE entries SET body = X'$b2' WHERE seq = 4;" >/dev/null
expect_found verify body-altered 4 "decision changed under a checkpoint"

# 8. the use count in the store's table lowered (to allow more uses)
fresh
sq t.db "UPDATE uses SET count = 0;" >/dev/null
expect_exit 0 "uses table edited: verify does not read it" -- kansa ledger verify --db t.db
expect_exit 1 "uses table edited: replay exits 1" -- kansa audit replay --db t.db --json
expect_grep "state-mismatch" out.txt "replay reports the store's counts"

# 9. Merkle node rows the tree does not have (REQ: AUDIT-TREE-EXTRA): above
#    the height of a tree of 8 entries, past the width of level 1, and a
#    row whose hash is not 32 bytes; verify names each, exit 1
fresh
sq t.db "INSERT INTO merkle_nodes(level, idx, hash) VALUES (9, 0, zeroblob(32));" >/dev/null
expect_exit 1 "a node above the tree's height: verify exits 1" -- kansa ledger verify --db t.db --json
expect_grep "node at level 9, index 0 that a tree of 8 entries does not have" out.txt "verify names the node"
fresh
sq t.db "INSERT INTO merkle_nodes(level, idx, hash) VALUES (1, 4, zeroblob(32));" >/dev/null
expect_exit 1 "a node past the width of its level: verify exits 1" -- kansa ledger verify --db t.db --json
expect_grep "node at level 1, index 4 that a tree of 8 entries does not have" out.txt "verify names the node"
expect_exit 1 "the same node: replay exits 1" -- kansa audit replay --db t.db
fresh
sq t.db "UPDATE merkle_nodes SET hash = X'00' WHERE level = 0 AND idx = 3;" >/dev/null
expect_exit 1 "a node row with a 1-byte hash: verify exits 1" -- kansa ledger verify --db t.db --json
expect_grep "malformed node row at level 0, index 3" out.txt "verify names the malformed row"
fresh
sq t.db "INSERT INTO merkle_nodes(level, idx, hash) VALUES (2, -1, zeroblob(32));" >/dev/null
expect_exit 1 "a node row with a negative index: verify exits 1" -- kansa ledger verify --db t.db --json
expect_grep "node at level 2, index -1" out.txt "verify names the row"

# 10. stored data that does not even decode (REQ: AUDIT-MALFORMED): every
#     such edit is a finding with exit 1, never an abort with exit 3 or 4.
#     The store's policy rows (meta) are derived state: verify does not read
#     them (as with the use counts), replay compares them with the entries.
fresh
sq t.db "UPDATE meta SET value = CAST('7' AS BLOB) WHERE key = 'policy.version';" >/dev/null
expect_exit 0 "policy version in meta edited: verify does not read it" -- kansa ledger verify --db t.db
expect_exit 1 "policy version in meta edited: replay exits 1" -- kansa audit replay --db t.db --json
expect_grep "the store says policy version 7 is in force, the entries say 1" out.txt "replay reports the version"
expect_exit 1 "policy version in meta edited: report exits 1" -- kansa audit report --db t.db --json
expect_grep "state-mismatch" out.txt "the report lists the finding"
fresh
sq t.db "UPDATE meta SET value = CAST('x' AS BLOB) WHERE key = 'policy.version';" >/dev/null
expect_exit 1 "policy version in meta not a number: replay exits 1" -- kansa audit replay --db t.db --json
expect_grep "state-mismatch" out.txt "replay reports it"
fresh
sq t.db "DELETE FROM meta WHERE key = 'policy.version';" >/dev/null
expect_exit 1 "policy version in meta deleted: replay exits 1" -- kansa audit replay --db t.db --json
fresh
sq t.db "UPDATE meta SET value = zeroblob(32) WHERE key = 'policy.1';" >/dev/null
expect_exit 1 "the meta row naming policy 1 edited: replay exits 1" -- kansa audit replay --db t.db --json
expect_grep "row policy.1 does not name the policy document" out.txt "replay names the row"
fresh
b=$(hexbody 0)
b2=$(printf '%s' "$b" | python3 -c "
import sys
s = bytes.fromhex(sys.stdin.read().strip())
assert s.count(b'\x67version\x01') == 1
print(s.replace(b'\x67version\x01', b'\x67version\x02').hex().upper())")
sq t.db "UPDATE entries SET body = X'$b2' WHERE seq = 0;" >/dev/null
expect_found verify body-altered 0 "the policy entry's version edited"
expect_found replay document-mismatch 0 "the policy entry's version edited"
expect_grep "entry 0 records policy version 2 for a document of version 1" out.txt "replay says what differs"
fresh
sq t.db "UPDATE documents SET body = X'' WHERE kind = 1;" >/dev/null
expect_exit 0 "the policy document emptied: verify does not read documents" -- kansa ledger verify --db t.db
expect_found replay document-mismatch 0 "the policy document emptied"
expect_exit 1 "the policy document emptied: report exits 1" -- kansa audit report --db t.db --json
fresh
sq t.db "UPDATE documents SET body = zeroblob(16) WHERE hash = X'$wh';" >/dev/null
expect_found replay document-mismatch 1 "the warrant's body zeroed"
fresh
sq t.db "UPDATE entries SET body = X'' WHERE seq = 3;" >/dev/null
expect_found verify malformed-entry 3 "an entry's body emptied"
expect_found replay malformed-entry 3 "an entry's body emptied"
fresh
sq t.db "UPDATE entries SET body = zeroblob(0), leaf_hash = X'00' WHERE seq = 5;" >/dev/null
expect_found verify malformed-entry 5 "an entry's body and leaf hash emptied"
expect_exit 1 "an entry's body emptied: report exits 1" -- kansa audit report --db t.db --json

finish
