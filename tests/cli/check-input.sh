#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# kansa check with hostile request files (design §5 row 1): every request
# handed over is recorded, also one that cannot be parsed. Invalid JSON, a
# JSON array, bytes that are not UTF-8, a 2 MiB file, a wrong type, and an
# officer or justification of only white space each exit 1 with reason
# malformed-request and print the seq and leaf hash of their entry; a request
# file that cannot be read exits 4 and records nothing; audit replay agrees.
. "${KANSA_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib.sh"

members a b c
cat > policy.json <<'JSON'
{ "commission": "jp-ccisc", "version": 1,
  "members": [ {"name": "member-a", "public_key": "a.key.pub"},
               {"name": "member-b", "public_key": "b.key.pub"},
               {"name": "member-c", "public_key": "c.key.pub"} ],
  "quorum": {"metadata-query": 2, "neutralize": 3, "revoke": 2, "policy": 3},
  "max_validity": {"metadata-query": "90d", "neutralize": "7d"},
  "fields": ["src_ip","dst_ip","proto","ts"], "forbidden_fields": ["payload"],
  "ops": ["stop-process"] }
JSON
kansa policy create --in policy.json --out policy.cose >/dev/null || exit 99
for m in a b c; do kansa policy sign policy.cose --key $m.key >/dev/null 2>&1 || exit 99; done
cat > w.json <<'JSON'
{ "commission": "jp-ccisc", "subject": "npa-cyber-3", "action": "metadata-query", "case": "T-9",
  "not_before": "now", "expires": "+30d",
  "scope": { "targets": ["203.0.113.0/24"], "fields": ["src_ip","dst_ip"], "window": ["-30d", "now"] } }
JSON
kansa warrant create --in w.json --out w.cose >/dev/null || exit 99
for m in a b; do kansa warrant sign w.cose --key $m.key >/dev/null 2>&1 || exit 99; done
kansa ledger init --db l.db --policy policy.cose >/dev/null || exit 99

request() { # officer justification (JSON string bodies)
	printf '{ "requester": "npa-cyber-3", "officer": "%s", "action": "metadata-query",\n  "targets": ["203.0.113.17"], "fields": ["src_ip"], "window": ["-7d", "-1d"],\n  "justification": "%s" }\n' "$1" "$2"
}
request officer-1207 "C2 beaconing analysis" > ok.json
expect_exit 0 "a lawful request" -- kansa check --db l.db --warrant w.cose --request ok.json --json
seq=$(json_get out.txt 'j["seq"]')

# recorded FILE LABEL [DETAIL]: exit 1, malformed-request, the next seq and a
# leaf hash, in --json and in text
recorded() {
	file=$1; label=$2; want_detail=${3:-}
	seq=$((seq + 1))
	expect_exit 1 "$label: denied" -- kansa check --db l.db --warrant w.cose --request "$file" --json
	got=$(json_get out.txt 'j["reason"]' 2>/dev/null)
	[ "$got" = malformed-request ] && ok "$label: reason malformed-request" ||
		{ not_ok "$label: reason '$got'"; cat out.txt err.txt; }
	[ "$(json_get out.txt 'j["seq"]' 2>/dev/null)" = "$seq" ] && ok "$label: recorded as entry $seq" ||
		{ not_ok "$label: seq"; cat out.txt; }
	json_get out.txt 'j["leaf_hash"]' 2>/dev/null | grep -Eq '^[0-9a-f]{64}$' &&
		ok "$label: leaf hash printed" || not_ok "$label: leaf hash"
	if [ -n "$want_detail" ]; then
		json_get out.txt 'j["detail"]' | grep -qF -- "$want_detail" && ok "$label: detail names it" ||
			{ not_ok "$label: detail"; cat out.txt; }
	fi
}

# REQ: LEDGER-REQUEST-RECORDED requests that cannot be parsed are recorded
printf '{ "requester": "npa-cyber-3", ' > truncated.json
recorded truncated.json "truncated JSON" "bytes of JSON"
printf '[ "npa-cyber-3", "officer-1207" ]\n' > array.json
recorded array.json "a JSON array" "one JSON object"
printf '{ "requester": "npa-cyber-3\377\376" }\n' > latin.json
recorded latin.json "not UTF-8"
sed 's/"officer-1207"/1207/' ok.json > type.json
recorded type.json "officer is a number" 'requester "npa-cyber-3"'
python3 -c 'import sys; sys.stdout.write("{\"requester\": \"npa-cyber-3\", \"pad\": \"" + "x" * (2 * 1024 * 1024) + "\"}")' > big.json
recorded big.json "a 2 MiB request" "2097"
head -c 2097152 /dev/urandom > big.cbor
seq=$((seq + 1))
expect_exit 1 "a 2 MiB CBOR request: denied" -- kansa check --db l.db --warrant w.cose --request big.cbor --cbor --json
[ "$(json_get out.txt 'j["reason"]')" = malformed-request ] && [ "$(json_get out.txt 'j["seq"]')" = "$seq" ] &&
	ok "a 2 MiB CBOR request: recorded as malformed-request" || { not_ok "2 MiB CBOR"; cat out.txt err.txt; }

# REQ: REQUEST-BLANK officer or justification of only white space
request ' ' "C2 beaconing analysis" > blank1.json
recorded blank1.json "officer ' '" "officer: must not be only white space"
request '\u200b' "C2 beaconing analysis" > blank2.json
recorded blank2.json "officer U+200B" "officer: must not be only white space"
request officer-1207 '\n \n ' > blank3.json
recorded blank3.json "justification of newlines and spaces" "justification: must not be only white space"
request officer-1207 '\t' > blank6.json
recorded blank6.json "justification tab" "justification: "
request officer-1207 '\u3000\u00a0\u2028\ufeff' > blank4.json
recorded blank4.json "justification of Unicode spaces" "justification: must not be only white space"
request '\t' "C2 beaconing analysis" > blank5.json
recorded blank5.json "officer tab" "officer: "

# text output names the entry too
seq=$((seq + 1))
expect_exit 1 "text output of a recorded malformed request" -- kansa check --db l.db --warrant w.cose --request array.json
expect_grep "decision: deny (malformed-request)" out.txt "text: decision and reason"
expect_grep "seq:       $seq" out.txt "text: seq"

# nothing handed over: a missing or unreadable file records nothing
expect_exit 0 "size before" -- kansa ledger info --db l.db --json
size=$(json_get out.txt 'j["size"]')
expect_exit 3 "a missing request file" -- kansa check --db l.db --warrant w.cose --request nosuch.json --json
[ "$(json_get out.txt 'j["reason"]')" = not-recorded ] && ok "missing file: not-recorded" || not_ok "missing file json"
if [ "$(id -u)" != 0 ]; then
	cp ok.json locked.json; chmod 000 locked.json
	expect_exit 3 "an unreadable request file" -- kansa check --db l.db --warrant w.cose --request locked.json
fi
expect_exit 0 "size after" -- kansa ledger info --db l.db --json
[ "$(json_get out.txt 'j["size"]')" = "$size" ] && ok "nothing recorded for files not read" || not_ok "size changed"

# replay re-decides every malformed-request entry as recorded
expect_exit 0 "audit replay" -- kansa audit replay --db l.db --json
[ "$(json_get out.txt 'j["finding_count"]')" = 0 ] && ok "replay: no finding" || { not_ok "replay: findings"; cat out.txt; }
[ "$(json_get out.txt 'j["decisions"]' 2>/dev/null)" = "$seq" ] && ok "replay re-ran all $seq decisions" ||
	{ not_ok "replay decisions"; cat out.txt; }
expect_exit 0 "ledger verify" -- kansa ledger verify --db l.db
finish
