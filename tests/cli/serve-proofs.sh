#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The proof routes of kansa serve (design §10): GET /v1/proof/inclusion and
# /v1/proof/consistency answer what `kansa ledger proof --json` prints for
# the same numbers (read-only, here under --public-read without a client
# certificate); a query that is not exactly its decimal numbers, or numbers
# the ledger cannot prove, is 400, another method 405. GET /v1/receipt/SEQ
# answers the receipt the check returned, proven (Kansa-Receipt-Proof:
# inclusion, as 'kansa receipt prove') once a checkpoint covers the entry,
# the very bytes plain (none) before; 404 for an entry the ledger does not
# have, 400 for a SEQ that is not exactly decimal digits. The server runs on
# a loopback port it picks and is stopped here.
. "${KANSA_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib.sh"
. "${KANSA_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib-ledger.sh"

command -v curl >/dev/null || { echo "1..0 # SKIP curl is not installed"; exit 77; }
make_ledger 100
for i in 1 2 3; do
	kansa check --db l.db --warrant w.cose --request ok.json --receipt-out r$i.receipt >/dev/null || exit 99
	[ "$i" = 2 ] && { kansa ledger checkpoint --db l.db >/dev/null || exit 99; }
done
kansa receipt prove r1.receipt --db l.db --out p1.proven >/dev/null || exit 99
kansa ledger proof --db l.db --seq 1 --size 3 --json > want-inc.json || exit 99
kansa ledger proof --db l.db --seq 2 --json > want-inc-all.json || exit 99
kansa ledger proof --db l.db --old-size 1 --size 3 --json > want-con.json || exit 99

newkey() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1.key" 2>/dev/null && chmod 600 "$1.key"; }
newkey ca && openssl req -x509 -new -key ca.key -out ca.pem -days 2 -subj /CN=ca 2>/dev/null || exit 99
newkey server && openssl req -new -key server.key -out server.csr -subj /CN=localhost 2>/dev/null || exit 99
echo "subjectAltName=IP:127.0.0.1" > server.ext
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -extfile server.ext \
	-out server.pem 2>/dev/null || exit 99

tmo=5
[ "${KANSA_VALGRIND:-0}" = 1 ] && tmo=40
"$KANSA" serve --db l.db --listen 127.0.0.1:0 --cert server.pem --key server.key --client-ca ca.pem \
	--public-read --timeout $tmo 2> serve.err &
server=$!
trap 'kill "$server" 2>/dev/null; rm -rf "$T"' EXIT
port=
for _ in $(seq 1 100); do
	port=$(sed -n 's|.*listening on https://127\.0\.0\.1:\([0-9]*\).*|\1|p' serve.err)
	[ -n "$port" ] && break
	sleep 0.1
done
[ -n "$port" ] || { echo "the server did not start:"; cat serve.err; exit 99; }
URL=https://127.0.0.1:$port
get() { # EXPECTED_STATUS DESCRIPTION PATH [curl options]
	want=$1; what=$2; path=$3; shift 3
	code=$(curl -sS --tlsv1.3 --cacert ca.pem -o out.txt -w '%{http_code}' "$@" "$URL$path")
	[ "$code" = "$want" ] && ok "$what ($code)" || { not_ok "$what: HTTP $code, wanted $want"; sed 's/^/    /' out.txt; }
}
same() { # WANT_FILE DESCRIPTION: the route's JSON has the CLI's fields
	python3 - "$1" out.txt <<'PY' && ok "$2" || not_ok "$2"
import json, sys
want, got = (json.load(open(p)) for p in sys.argv[1:])
keys = [k for k in want if k != "schema"]
sys.exit(0 if all(got.get(k) == want[k] for k in keys) and got["schema"] == want["schema"] else 1)
PY
}

get 200 "inclusion of entry 1 in the tree of 3" "/v1/proof/inclusion?seq=1&size=3"
same want-inc.json "... the same proof, root and leaf hash as kansa ledger proof --json"
get 200 "inclusion without size: the whole ledger" "/v1/proof/inclusion?seq=2"
same want-inc-all.json "... the same as kansa ledger proof over the whole ledger"
get 200 "consistency from 1 to 3" "/v1/proof/consistency?old=1&size=3"
same want-con.json "... the same proof and roots as kansa ledger proof --old-size --json"

get 400 "no query" "/v1/proof/inclusion"
get 400 "not a number" "/v1/proof/inclusion?seq=abc"
get 400 "a leading zero" "/v1/proof/inclusion?seq=01"
get 400 "a sign" "/v1/proof/inclusion?seq=%2B1"
get 400 "over 2^64 - 1" "/v1/proof/inclusion?seq=18446744073709551616"
get 400 "the same name twice" "/v1/proof/inclusion?seq=1&seq=2"
get 400 "an unknown name" "/v1/proof/inclusion?seq=1&old=2"
get 400 "the other route's name" "/v1/proof/consistency?seq=1"
get 400 "an entry past the tree" "/v1/proof/inclusion?seq=3&size=3"
expect_grep '"EINVAL"' out.txt "... with code EINVAL"
get 400 "a tree larger than the ledger" "/v1/proof/inclusion?seq=1&size=999"
get 400 "consistency from 0" "/v1/proof/consistency?old=0&size=3"
get 400 "consistency backwards" "/v1/proof/consistency?old=3&size=2"
get 405 "POST to a proof route" "/v1/proof/inclusion?seq=1" --data-binary x

get 200 "the receipt of entry 1" "/v1/receipt/1" -D hdr.txt
cmp -s out.txt p1.proven && ok "... proven: what 'kansa receipt prove' gives for the check's receipt" ||
	not_ok "... not the proven receipt"
expect_grep "^Kansa-Receipt-Proof: inclusion" hdr.txt "... marked Kansa-Receipt-Proof: inclusion"
expect_grep "^Content-Type: application/cose" hdr.txt "... as application/cose"
get 200 "the receipt of entry 3, after the checkpoint" "/v1/receipt/3" -D hdr.txt
cmp -s out.txt r3.receipt && ok "... the check's receipt, byte for byte" || not_ok "... not the check's receipt"
expect_grep "^Kansa-Receipt-Proof: none" hdr.txt "... marked Kansa-Receipt-Proof: none"
get 404 "the receipt of an entry past the ledger" "/v1/receipt/4"
expect_grep '"ENOTFOUND"' out.txt "... with code ENOTFOUND"
get 404 "entry 0, the first policy, has none" "/v1/receipt/0"
get 404 "the largest SEQ, 2^64 - 1" "/v1/receipt/18446744073709551615"
for bad in 01 %2B1 -1 18446744073709551616 "" abc 1/2 "1?x=1" 1%00; do
	get 400 "receipt SEQ '$bad'" "/v1/receipt/$bad"
done
get 405 "POST to the receipt route" "/v1/receipt/1" --data-binary x
get 200 "the server still answers" "/healthz"

kill -TERM "$server"
wait "$server" 2>/dev/null
trap 'rm -rf "$T"' EXIT
finish
