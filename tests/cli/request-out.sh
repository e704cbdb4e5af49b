#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# kansa check --request-out (design §9): the receipt binds the SHA-256 of the
# request's canonical CBOR, so the unit hands the data holder that CBOR. A
# JSON request with relative times ("-2d") is converted once, on the unit's
# side, decided as the CBOR written, and the receipt verifies for that file
# with --cbor, later too; the file is the request the receipt names (its
# hash), with absolute times (decoded by the test's own CBOR reader). An existing file is refused before anything is
# checked (nothing recorded) unless --force; a request that does not convert
# is recorded as malformed-request and no file is written; a --cbor request
# is written as it was read.
. "${KANSA_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib.sh"
. "${KANSA_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib-ledger.sh"

mini="python3 ${KANSA_SRCDIR:-$(dirname "$0")/../..}/tests/cbor_mini.py"
make_ledger 100
kansa ledger info --db l.db --json > info.json || exit 99
json_get info.json 'j["log_key"]' > log.vkey

# ---- a JSON request with relative times -----------------------------------------
before=$(date +%s)
expect_exit 0 "check --request-out: allowed" -- kansa check --db l.db --warrant w.cose --request ok.json \
	--receipt-out a.receipt --request-out a.request --json
cp out.txt a.json
[ "$(json_get a.json 'j["request_out"], j["receipt_out"]')" = "a.request a.receipt" ] \
	&& ok "check --json names both files" || { not_ok "check --json: $(cat a.json)"; }
kansa receipt show a.receipt --json > show.json || exit 99
$mini show a.request > a.request.json || exit 99
python3 - a.request show.json a.request.json "$before" > props.txt <<'PY'
import hashlib, json, sys, time
raw = open(sys.argv[1], "rb").read()
r = json.load(open(sys.argv[2]))["receipt"]
w = json.load(open(sys.argv[3]))["window"]
t0 = int(sys.argv[4])
print("hash", r["request_hash"] == hashlib.sha256(raw).hexdigest())
print("absolute", all(isinstance(x, int) for x in w)
      and t0 - 2 * 86400 - 1 <= w[0] <= time.time() - 2 * 86400 and w[1] - w[0] == 86400)
PY
expect_grep "^hash True" props.txt "the file is the request whose hash the receipt binds"
expect_grep "^absolute True" props.txt "its window fixed: -2d and -1d from when it was checked"
expect_exit 0 "receipt verify --cbor: the receipt is for that file" -- \
	kansa receipt verify a.receipt --log-key log.vkey --request a.request --cbor
expect_exit 0 "and still a minute later (a JSON request's relative times would have moved)" -- \
	kansa receipt verify a.receipt --log-key log.vkey --request a.request --cbor --at +1m
expect_exit 0 "the plain text says where the request went" -- kansa check --db l.db --warrant w.cose \
	--request ok.json --request-out b.request
expect_grep "^request:   b.request" out.txt "request: b.request"

# ---- an existing file ------------------------------------------------------------
size=$(ledger_size l.db)
cp a.request a.before
expect_exit 4 "an existing --request-out file is refused" -- kansa check --db l.db --warrant w.cose \
	--request ok.json --request-out a.request --json
[ "$(json_get out.txt 'j["ok"], j["error"]["code"]')" = "False EEXISTS" ] && ok "as EEXISTS in one JSON object" \
	|| not_ok "refusal: $(cat out.txt)"
expect_grep "request-out: the file exists: give --force" err.txt "the refusal says what to do"
[ "$(ledger_size l.db)" = "$size" ] && ok "refused before checking: nothing recorded" \
	|| not_ok "an entry was recorded although the request could not be written"
sleep 1 # another second: another window
expect_exit 0 "--force replaces it" -- kansa check --db l.db --warrant w.cose --request ok.json \
	--request-out a.request --receipt-out a2.receipt --force
cmp -s a.request a.before && not_ok "--force kept the old request" || ok "with the request of this check"
expect_exit 0 "which its own receipt verifies" -- \
	kansa receipt verify a2.receipt --log-key log.vkey --request a.request --cbor

# ---- the request cannot be written: recorded, the receipt written, exit 4 ------------
size=$(ledger_size l.db)
expect_exit 4 "a --request-out that cannot be written: exit 4" -- kansa check --db l.db --warrant w.cose \
	--request ok.json --receipt-out w.receipt --request-out no/such/dir/x.request --json
[ "$(json_get out.txt 'j["recorded"], j["ok"], j.get("receipt_out"), "request_out" in j')" = \
	"True False w.receipt False" ] && [ -s w.receipt ] && ok "recorded, the receipt written, the request not" \
	|| not_ok "unwritable request: $(cat out.txt)"
expect_grep "but the request was not written" err.txt "stderr says which file was not written"
[ "$(ledger_size l.db)" = "$((size + 1))" ] && ok "the entry is recorded" || not_ok "entries: $(ledger_size l.db)"

expect_exit 4 "a --receipt-out that cannot be written: exit 4" -- kansa check --db l.db --warrant w.cose \
	--request ok.json --receipt-out no/such/dir/x.receipt --request-out r2.request
expect_grep "but the receipt was not written" err.txt "stderr names the receipt"

# ---- a request that does not convert -----------------------------------------------
printf '{"requester": "npa-cyber-3", "officer": ' > broken.json
size=$(ledger_size l.db)
expect_exit 1 "a request that is not JSON: denied" -- kansa check --db l.db --warrant w.cose \
	--request broken.json --request-out m.request --json
[ "$(json_get out.txt 'j["reason"], j["recorded"], "request_out" in j')" = "malformed-request True False" ] \
	&& ok "recorded as malformed-request, no request_out" || not_ok "broken: $(cat out.txt)"
[ "$(ledger_size l.db)" = "$((size + 1))" ] && ok "one entry recorded" || not_ok "entries: $(ledger_size l.db)"
[ -e m.request ] && not_ok "a request file was written for a request that did not convert" \
	|| ok "and no request file written"
expect_grep "was not written" err.txt "stderr says the file was not written"
sed 's/"officer-1"/"  "/' ok.json > blank.json
expect_exit 1 "a blank officer: denied" -- kansa check --db l.db --warrant w.cose --request blank.json \
	--request-out blank.request --json
[ "$(json_get out.txt 'j["reason"]')" = malformed-request ] && [ ! -e blank.request ] \
	&& ok "recorded as malformed-request, as without --request-out" || not_ok "blank officer: $(cat out.txt)"

# ---- a CBOR request is written as read ----------------------------------------------
expect_exit 0 "check --cbor --request-out" -- kansa check --db l.db --warrant w.cose --request b.request \
	--cbor --request-out c.request --receipt-out c.receipt
cmp -s b.request c.request && ok "the CBOR request file is written as it was read" || not_ok "c.request differs"
expect_exit 0 "its receipt verifies for it" -- \
	kansa receipt verify c.receipt --log-key log.vkey --request c.request --cbor

expect_exit 0 "check --help" -- kansa check --help
expect_grep "request-out" out.txt "check --help names --request-out"
kansa ledger verify --db l.db > /dev/null && ok "the ledger verifies" || not_ok "ledger verify"
finish
