#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Signed receipts from the command line (design §9): check --json prints the
# receipt, --receipt-out writes it (never over a file without --force, and
# then nothing is checked); receipt verify accepts exactly a valid allow of
# the request by the given log, with the log key alone, and refuses another
# request, an expired receipt, a deny, another log's key, a tampered byte and
# a malformed file with the exit codes of design §7; receipt show prints it.
. "${KANSA_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib.sh"
. "${KANSA_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib-ledger.sh"

make_ledger 100
from=$(date -u -d '-2 days' +%Y-%m-%dT%H:%M:%SZ)
to=$(date -u -d '-1 days' +%Y-%m-%dT%H:%M:%SZ)
# requests with absolute times: their canonical CBOR does not depend on when they are read
request() { # FILE REQUESTER TARGET
	cat > "$1" <<JSON
{ "requester": "$2", "officer": "officer-1", "action": "metadata-query",
  "targets": ["$3"], "fields": ["src_ip"], "window": ["$from", "$to"], "justification": "test" }
JSON
}
request abs.json npa-cyber-3 203.0.113.17
request other.json npa-cyber-3 203.0.113.18
request deny.json someone-else 203.0.113.17
kansa ledger info --db l.db --json > info.json || exit 99
json_get info.json 'j["log_key"]' > log.vkey
mkdir other && (cd other && kansa ledger init --db l2.db --policy ../policy.cose >/dev/null) || exit 99
kansa ledger info --db other/l2.db --json > info2.json || exit 99
json_get info2.json 'j["log_key"]' > other.vkey

# ---- check prints and writes the receipt ------------------------------------
expect_exit 0 "check --json: allowed" -- kansa check --db l.db --warrant w.cose --request abs.json --json
cp out.txt check.json
b64=$(json_get check.json 'j.get("receipt","")')
[ -n "$b64" ] && ok "check --json prints receipt" || not_ok "check --json has no receipt"
printf '%s\n' "$b64" > act.b64
first=$(printf '%s' "$b64" | base64 -d | od -An -tx1 -N1 | tr -d ' ')
[ "$first" = d2 ] && ok "the receipt is a COSE_Sign1 (tag 18)" || not_ok "first byte $first"
[ "$(json_get check.json 'j["recorded"]')" = True ] && ok "check --json: recorded" || not_ok "not recorded"

expect_exit 0 "check --receipt-out writes the receipt" -- \
	kansa check --db l.db --warrant w.cose --request abs.json --receipt-out act.receipt
[ -s act.receipt ] && ok "receipt file written" || not_ok "no receipt file"
expect_grep "receipt:   act.receipt" out.txt "check says where the receipt went"
size=$(ledger_size l.db)
expect_exit 4 "check --receipt-out refuses an existing file" -- \
	kansa check --db l.db --warrant w.cose --request abs.json --receipt-out act.receipt
expect_grep "give --force" err.txt "the refusal says what to do"
[ "$(ledger_size l.db)" = "$size" ] && ok "refused before checking: nothing recorded" ||
	not_ok "an entry was recorded although the receipt could not be written"
cp act.receipt before.receipt
expect_exit 0 "check --receipt-out --force replaces it" -- \
	kansa check --db l.db --warrant w.cose --request abs.json --receipt-out act.receipt --force
cmp -s act.receipt before.receipt && not_ok "--force did not replace the file" || ok "--force replaced the file"

# ---- receipt verify: the data holder's checks -------------------------------
expect_exit 0 "verify: a valid allow receipt" -- \
	kansa receipt verify act.receipt --log-key log.vkey --request abs.json
expect_grep "^valid: " out.txt "verify says valid"
expect_grep "npa-cyber-3" out.txt "verify says who is allowed"
expect_exit 0 "verify: the log key given as text" -- \
	kansa receipt verify act.receipt --log-key "$(cat log.vkey)" --request abs.json
expect_exit 0 "verify: the base64 that check --json printed" -- \
	kansa receipt verify act.b64 --log-key log.vkey --request abs.json
expect_exit 0 "verify --json" -- kansa receipt verify act.receipt --log-key log.vkey --request abs.json --json
[ "$(json_get out.txt 'j["valid"], j["receipt"]["decision"], j["receipt"]["officer"], j["schema"]')" = \
	"True allow officer-1 kansa.receipt.verify/1" ] && ok "verify --json fields" ||
	{ not_ok "verify --json fields"; cat out.txt; }

expect_exit 1 "verify: another request" -- kansa receipt verify act.receipt --log-key log.vkey --request other.json
expect_grep "another request" err.txt "says it is another request"
expect_exit 1 "verify: expired (--at +10m)" -- \
	kansa receipt verify act.receipt --log-key log.vkey --request abs.json --at +10m --json
[ "$(json_get out.txt 'j["ok"], j["error"]["code"]')" = "False EEXPIRED" ] && ok "expired: EEXPIRED" ||
	{ not_ok "expired: $(cat out.txt)"; }
expect_exit 1 "verify: another log's key" -- kansa receipt verify act.receipt --log-key other.vkey --request abs.json
expect_grep "not by the log key" err.txt "says it is another log's key"

expect_exit 1 "check: a deny is recorded, with a receipt" -- \
	kansa check --db l.db --warrant w.cose --request deny.json --receipt-out deny.receipt
expect_exit 1 "verify: a deny receipt" -- \
	kansa receipt verify deny.receipt --log-key log.vkey --request deny.json --json
[ "$(json_get out.txt 'j["error"]["code"], j["receipt"]["reason"]')" = "EDENIED wrong-requester" ] &&
	ok "deny: EDENIED, wrong-requester" || not_ok "deny: $(cat out.txt)"

# tampered: a byte of the payload (the officer's name), and the signature's last byte
python3 - act.receipt <<'PY' || exit 99
import sys
b = bytearray(open(sys.argv[1], 'rb').read())
i = b.find(b'officer-1')
p = bytearray(b); p[i + 8] ^= 0x01; open('payload-flip.receipt', 'wb').write(p)
s = bytearray(b); s[-1] ^= 0x80; open('sig-flip.receipt', 'wb').write(s)
open('trailing.receipt', 'wb').write(b + b'\x00')
open('tag17.receipt', 'wb').write(b'\xd1' + b[1:])
PY
expect_exit 1 "verify: a tampered payload byte" -- \
	kansa receipt verify payload-flip.receipt --log-key log.vkey --request abs.json
expect_exit 1 "verify: a tampered signature" -- kansa receipt verify sig-flip.receipt --log-key log.vkey --request abs.json
expect_exit 3 "verify: trailing bytes" -- kansa receipt verify trailing.receipt --log-key log.vkey --request abs.json
expect_exit 3 "verify: wrong tag" -- kansa receipt verify tag17.receipt --log-key log.vkey --request abs.json
printf 'not a receipt\n' > junk.receipt
expect_exit 3 "verify: not a receipt" -- kansa receipt verify junk.receipt --log-key log.vkey --request abs.json --json
[ "$(json_get out.txt 'j["ok"], j["error"]["code"]')" = "False EFORMAT" ] && ok "junk: one JSON error" ||
	not_ok "junk: $(cat out.txt)"
expect_exit 3 "verify: a missing receipt file" -- kansa receipt verify nope.receipt --log-key log.vkey --request abs.json
expect_exit 2 "verify: no --log-key" -- kansa receipt verify act.receipt --request abs.json

# ---- the policy's receipt_ttl ------------------------------------------------------
mkdir ttl && cd ttl || exit 99
sed 's/"ops": \["stop-process"\] }/"ops": ["stop-process"], "receipt_ttl": "2m" }/; s/"public_key": "/"public_key": "..\//' \
	../policy.json > policy.json
grep -q receipt_ttl policy.json || exit 99
expect_exit 0 "policy with receipt_ttl 2m" -- kansa policy create --in policy.json --out policy.cose
for m in a b c; do kansa policy sign policy.cose --key ../$m.key >/dev/null 2>&1 || exit 99; done
expect_exit 0 "policy show: receipt ttl" -- kansa policy show policy.cose
expect_grep "receipt ttl  120 s" out.txt "policy show prints the receipt ttl"
kansa ledger init --db t.db --policy policy.cose >/dev/null || exit 99
kansa warrant create --in ../w.json --out w.cose >/dev/null || exit 99
for m in a b; do kansa warrant sign w.cose --key ../$m.key >/dev/null 2>&1 || exit 99; done
expect_exit 0 "check under receipt_ttl 2m" -- kansa check --db t.db --warrant w.cose --request ../abs.json --receipt-out t.receipt
kansa receipt show t.receipt --json > show.json || exit 99
[ "$(json_get show.json '__import__("datetime").datetime.fromisoformat(j["receipt"]["not_after"][:-1]).timestamp() - __import__("datetime").datetime.fromisoformat(j["receipt"]["time"][:-1]).timestamp()')" = 120.0 ] &&
	ok "not_after is time + the policy's receipt_ttl" || not_ok "receipt_ttl not applied: $(cat show.json)"
kansa ledger info --db t.db --json > tinfo.json && json_get tinfo.json 'j["log_key"]' > t.vkey
expect_exit 1 "receipt_ttl 2m: expired after 3 minutes" -- \
	kansa receipt verify t.receipt --log-key t.vkey --request ../abs.json --at +3m
sed 's/"2m"/"2h"/' policy.json > long.json
expect_exit 3 "receipt_ttl over an hour is refused" -- kansa policy create --in long.json --out long.cose
expect_grep "receipt_ttl" err.txt "the refusal names receipt_ttl"
cd .. || exit 99

# ---- receipt show -------------------------------------------------------------
expect_exit 0 "show" -- kansa receipt show act.receipt
expect_grep "not verified" out.txt "show says it verified nothing"
expect_grep "officer:   officer-1" out.txt "show prints the officer"
expect_exit 0 "show --json" -- kansa receipt show deny.receipt --json
[ "$(json_get out.txt 'j["verified"], j["receipt"]["decision"], j["receipt"]["requester"]')" = \
	"False deny someone-else" ] && ok "show --json fields" || not_ok "show --json: $(cat out.txt)"
expect_exit 3 "show: not a receipt" -- kansa receipt show junk.receipt
expect_exit 0 "receipt verify --help" -- kansa receipt verify --help
expect_grep "kansa receipt verify act.receipt" out.txt "verify --help has an example"

finish
