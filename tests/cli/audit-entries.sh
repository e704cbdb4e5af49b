#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# kansa audit entries and audit show (design §12): every kind of entry
# decoded, each filter, text / --json / --csv, one entry with its proof, the
# exit codes of design §7, and an altered entry marked as such.
. "${KANSA_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib.sh"
. "${KANSA_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib-audit.sh"

make_audit_ledger
expect_exit 0 "replay passes on a ledger with every kind of entry" -- kansa audit replay --db l.db

# entries --json FILTER...: the seqs listed, space separated
seqs() {
	kansa audit entries --db l.db --json "$@" > e.json 2>err.txt || { echo "exit $?"; return; }
	json_get e.json '" ".join(str(x["seq"]) for x in j["entries"])'
}
expect_seqs() { # want description filter...
	want=$1; what=$2; shift 2
	got=$(seqs "$@")
	[ "$got" = "$want" ] && ok "$what" || not_ok "$what: seqs '$got', wanted '$want'"
}

expect_seqs "0 1 2 3 4 5 6 7 8 9 10 11 12" "no filter: every entry" 
[ "$(json_get e.json 'j["matched"]')" = 13 ] && ok "matched counts them" || not_ok "matched"
[ "$(json_get e.json 'j["schema"]')" = kansa.audit.entries/1 ] && ok "schema" || not_ok "schema"
[ "$(json_get e.json '",".join(sorted(set(x["kind"] for x in j["entries"])))')" = \
  "decision,policy,ratification,revocation" ] && ok "every kind of entry" || not_ok "kinds"
# the fields of a metadata query, a neutralization and an emergency act
json_get e.json 'j["entries"][2]' > e2.txt
for want in "'officer': 'officer-1'" "'requester': 'npa-cyber-3'" "'targets': \['203.0.113.64/28'\]" \
    "'fields': \['dst_ip'\]" "'justification': 'C2 beaconing, q2'" "'case': 'Q-1'" \
    "'warrant': '$W_CTI'" "'decision': 'allow'" "'window': \['20" "'action': 'metadata-query'"; do
	expect_grep "$want" e2.txt "query entry has $want"
done
json_get e.json 'j["entries"][6]' > e6.txt
for want in "'host': '198.51.100.7'" "'op': 'delete-file'" "'reason': 'op-not-allowed'" \
    "'officer': 'officer-0815'" "'warrant': '$WN_CTI'"; do
	expect_grep "$want" e6.txt "neutralize entry has $want"
done
json_get e.json 'j["entries"][8]' > e8.txt
expect_grep "'emergency': True" e8.txt "emergency act flagged"
expect_grep "'ratify_by': '20" e8.txt "emergency act has its deadline in RFC 3339"
json_get e.json 'j["entries"][10]["entry"] == j["entries"][8]["leaf_hash"] and j["entries"][10]["approved"]' |
	grep -qx True && ok "ratification names the act's leaf hash" || not_ok "ratification entry"
[ "$(json_get e.json 'j["entries"][11]["warrant"]')" = "$W_CTI" ] && ok "revocation names the cti" || not_ok "revocation"

expect_seqs "3 4" "--officer" --officer officer-2
expect_seqs "5 6 8 9" "--requester" --requester jsdf-cyber-1
expect_seqs "1 2 3 4 12" "--warrant" --warrant "$W_CTI"
expect_seqs "5 6" "--warrant (neutralize)" --warrant "$WN_CTI"
expect_seqs "3 4 6 7 12" "--decision deny" --decision deny
expect_seqs "1 2 5 8 9" "--decision allow" --decision allow
expect_seqs "12" "--reason revoked" --reason revoked
expect_seqs "6" "--reason and --officer together" --reason op-not-allowed --officer officer-0815
expect_seqs "" "no match: empty list" --officer nobody
expect_seqs "" "--from in the future" --from +1d
expect_seqs "0 1 2 3 4 5 6 7 8 9 10 11 12" "--until tomorrow's date (end of that day)" \
	--until "$(date -u -d tomorrow +%Y-%m-%d)"
expect_seqs "" "--until yesterday" --until -1d
kansa audit entries --db l.db --json > all.json
t11=$(json_get all.json 'j["entries"][11]["time"]')
expect_seqs "$(json_get all.json '" ".join(str(x["seq"]) for x in j["entries"] if x["time"] >= "'"$t11"'")')" \
	"--from a time is inclusive" --from "$t11"
expect_seqs "$(json_get all.json '" ".join(str(x["seq"]) for x in j["entries"] if x["time"] < "'"$t11"'")')" \
	"--until a time is exclusive" --until "$t11"

# text and CSV
expect_exit 0 "text" -- kansa audit entries --db l.db
expect_grep "deny op-not-allowed: neutralize by jsdf-cyber-1 (officer officer-0815)" out.txt "text names the act"
expect_grep "justification C2 beaconing, q3" out.txt "text has the justification"
expect_grep "warrant .* revoked" out.txt "text shows the revocation"
expect_exit 0 "csv" -- kansa audit entries --db l.db --csv --decision deny
python3 - out.txt > csv.txt <<'PY' || not_ok "csv parses"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
print(len(rows), rows[1]["fields"], rows[1]["officer"], rows[2]["host"], rows[0]["justification"])
PY
expect_grep "^5 payload officer-2 198.51.100.7 C2 beaconing, q3$" csv.txt "csv: one row per entry, quoted cells"
expect_exit 0 "no match in text" -- kansa audit entries --db l.db --officer nobody
expect_grep "no entry matches" out.txt "says no entry matches"

# a request whose bytes were not kept (JSON that does not parse) is listed by hash and size;
# a justification that a spreadsheet would run as a formula is quoted as text in CSV
cp l.db x.db
printf '{"requester": "npa-cyber-3", broken' > broken.json
kansa check --db x.db --warrant w.cose --request broken.json >/dev/null 2>&1
sed 's/"justification": "C2 beaconing, q1"/"justification": "=HYPERLINK(\\"http:\/\/x\\")"/' q1.json > qf.json
kansa check --db x.db --warrant wn.cose --request qf.json >/dev/null 2>&1
expect_exit 0 "entries of a malformed request" -- kansa audit entries --db x.db --reason malformed-request --json
json_get out.txt '[(x["request_readable"], x["request_size"], len(x["request_hash"])) for x in j["entries"]]' |
	grep -qx "\[(False, $(wc -c < broken.json), 64)\]" && ok "listed by the hash and size of its bytes" || not_ok "hashed request: $(cat out.txt)"
expect_exit 0 "csv with a formula" -- kansa audit entries --db x.db --csv --reason wrong-requester
grep -q "\"'=HYPERLINK(\"\"http://x\"\")\"" out.txt && ok "a formula-like cell is quoted and prefixed with '" ||
	not_ok "csv formula: $(cat out.txt)"

# usage errors (2), one JSON object with --json
expect_exit 2 "bad --decision" -- kansa audit entries --db l.db --decision maybe
expect_exit 2 "bad --reason" -- kansa audit entries --db l.db --reason sunny --json
json_get out.txt 'j["ok"]' | grep -qx False && ok "usage error --json: one object" || not_ok "usage json: $(cat out.txt)"
expect_exit 2 "bad --warrant" -- kansa audit entries --db l.db --warrant 1234
expect_exit 2 "bad --from" -- kansa audit entries --db l.db --from yesterday
expect_exit 2 "--json and --csv" -- kansa audit entries --db l.db --json --csv
expect_exit 3 "no such ledger" -- kansa audit entries --db nope.db --json
json_get out.txt 'j["ok"]' | grep -qx False && ok "environment error --json: one object" || not_ok "env json"
expect_exit 0 "--help" -- kansa audit entries --help
expect_grep "kansa audit entries --db ledger.db" out.txt "help has an example"

# audit show: the entry in full and its inclusion proof, checked
expect_exit 0 "show --seq 6" -- kansa audit show --db l.db --seq 6 --json
json_get out.txt 'j["entry"]["op"], j["proof_verifies"], j["size"]' | grep -qx "delete-file True 13" &&
	ok "show: the entry and a proof that verifies" || not_ok "show: $(cat out.txt)"
python3 -c 'import json,sys; sys.stdout.write(json.load(open("out.txt"))["proof"])' > proof.txt
kansa ledger proof --db l.db --seq 6 > proof2.txt
cmp -s proof.txt proof2.txt && ok "the proof is the ledger's inclusion proof" || not_ok "proof differs"
expect_exit 0 "show text" -- kansa audit show --db l.db --seq 8
expect_grep "EMERGENCY" out.txt "show text: emergency"
expect_grep "inclusion proof in the tree of 13 entries, root [0-9a-f]*: verifies" out.txt "show text: proof verifies"
expect_exit 2 "show a seq past the end" -- kansa audit show --db l.db --seq 13 --json
json_get out.txt 'j["ok"]' | grep -qx False && ok "show past the end --json: one object" || not_ok "show json"
expect_exit 2 "show without --seq" -- kansa audit show --db l.db

# an altered entry (one byte of its body, as an operator with the key could) is marked,
# and its proof no longer verifies
if command -v sqlcipher >/dev/null 2>&1; then
	cp l.db t.db
	sq() { printf "PRAGMA key = \"x'%s'\";\nPRAGMA cipher_page_size = 4096;\n%s\n" "$(cat db.key)" "$2" | sqlcipher "$1"; }
	b=$(sq t.db "SELECT hex(body) FROM entries WHERE seq = 3;" | tail -n 1)
	b2=$(printf '%s' "$b" | python3 -c "import sys; s=sys.stdin.read(); o=b'q3'.hex().upper(); assert o in s; print(s.replace(o, b'q9'.hex().upper(), 1))")
	sq t.db "UPDATE entries SET body = X'$b2' WHERE seq = 3;" >/dev/null
	expect_exit 0 "entries on an altered copy" -- kansa audit entries --db t.db --json --officer officer-2
	json_get out.txt '[x.get("altered", False) for x in j["entries"]]' | grep -qx "\[True, False\]" &&
		ok "the altered entry is marked altered" || not_ok "altered: $(cat out.txt)"
	expect_exit 1 "show of the altered entry: the proof does not verify" -- kansa audit show --db t.db --seq 3
	expect_grep "DOES NOT VERIFY" out.txt "says the proof does not verify"
else
	echo "# sqlcipher not installed: altered-entry case skipped"
fi

finish
