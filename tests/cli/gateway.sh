#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The data holder's gateway (docs/examples/gateway.c, design §9): built
# against the public header and libkansa only, it releases its record for a
# valid allow receipt of the request it is sent, and refuses -- releasing
# nothing -- an expired receipt, a receipt of another request, a deny, a
# receipt of another log, and a tampered one. The request is the JSON the
# unit sent or the canonical CBOR of kansa check --request-out.
. "${KANSA_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib.sh"
. "${KANSA_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib-ledger.sh"
src=${KANSA_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
gw=${KANSA_BUILDDIR:-$src}/docs/examples/gateway
[ -x "$gw" ] || { echo "1..0 # SKIP $gw not built (make check builds it)"; exit 77; }
gateway() { "$gw" "$@"; }

# released DESCRIPTION ARGS...: exit 0 and the record handed over
released() {
	what=$1; shift
	expect_exit 0 "$what" -- gateway "$@"
	grep -q '"src_ip"' out.txt && ok "$what: the record is released" || not_ok "$what: no record"
}
# refused DESCRIPTION WHY ARGS...: exit 1, the reason, and no record
refused() {
	what=$1; why=$2; shift 2
	expect_exit 1 "$what" -- gateway "$@"
	expect_grep "REFUSED: .*$why" out.txt "$what: refused because $why"
	grep -q '"src_ip"' out.txt && not_ok "$what: a record was released" || ok "$what: nothing released"
}

make_ledger 100
from=$(date -u -d '-2 days' +%Y-%m-%dT%H:%M:%SZ)
to=$(date -u -d '-1 days' +%Y-%m-%dT%H:%M:%SZ)
request() { # FILE REQUESTER TARGET
	cat > "$1" <<JSON
{ "requester": "$2", "officer": "officer-1", "action": "metadata-query",
  "targets": ["$3"], "fields": ["src_ip"], "window": ["$from", "$to"], "justification": "test" }
JSON
}
request q.json npa-cyber-3 203.0.113.17
request other.json npa-cyber-3 203.0.113.99
request deny.json someone-else 203.0.113.17
kansa ledger info --db l.db --json > info.json || exit 99
json_get info.json 'j["log_key"]' > log.vkey
kansa check --db l.db --warrant w.cose --request q.json --receipt-out q.receipt >/dev/null || exit 99
kansa check --db l.db --warrant w.cose --request deny.json --receipt-out deny.receipt >/dev/null
[ $? -eq 1 ] || exit 99
kansa receipt show q.receipt --json > show.json || exit 99
t=$(json_get show.json 'j["receipt"]["time"]')
t=$(date -u -d "$t" +%s)

released "a valid allow receipt of this request" log.vkey q.receipt q.json
base64 -w0 q.receipt > q.b64
released "... also as base64 text, at the receipt's time" log.vkey q.b64 q.json "$t"
refused "an expired receipt" "expired" log.vkey q.receipt q.json $((t + 300))
refused "a receipt of another request" "another request" log.vkey q.receipt other.json
refused "a deny receipt" "deny" log.vkey deny.receipt deny.json
refused "the vector's log key (another log)" "not by the log key" \
	"$src/tests/vectors/receipts/log.vkey" q.receipt q.json
python3 - <<'PY' || exit 99
d = bytearray(open("q.receipt", "rb").read()); d[d.find(b"npa-cyber-3")] ^= 2
open("tampered.receipt", "wb").write(bytes(d))
PY
refused "a tampered receipt" "does not verify" log.vkey tampered.receipt q.json
kansa check --db l.db --warrant w.cose --request ok.json --receipt-out rel.receipt --request-out rel.cbor \
	>/dev/null || exit 99
released "the CBOR request of check --request-out (relative times fixed by the unit)" log.vkey rel.receipt rel.cbor
kansa check --db l.db --warrant w.cose --request other.json --request-out other.cbor >/dev/null || exit 99
refused "that receipt for another CBOR request" "another request" log.vkey rel.receipt other.cbor
python3 -c 'import sys; b = open("rel.cbor", "rb").read(); open("rel-trail.cbor", "wb").write(b + b"\x00")' || exit 99
refused "that CBOR with a byte added" "another request" log.vkey rel.receipt rel-trail.cbor
expect_exit 3 "not a receipt" -- gateway log.vkey q.json q.json
released "the receipt vector, at its time" "$src/tests/vectors/receipts/log.vkey" \
	"$src/tests/vectors/receipts/receipt.b64" "$src/tests/vectors/receipts/request.json" 1796287600
finish
