#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# An independent check of kansa's receipts (design §9): a receipt made by
# kansa check, and the one in tests/vectors/receipts/, are decoded with
# Python's cbor2 and their signature verified over a Sig_structure built in
# Python with python3-cryptography, the request re-encoded in Python
# (tests/receipt_ref.py); kansa receipt verify must agree on each, and both
# refuse a tampered copy, another log's key and an expired receipt. The
# proven receipt of the vectors, and a fresh one, are checked by the
# independent proof verifier (tests/receipt_proof_ref.py: the RFC 9162 root
# recomputed with hashlib, the COSE Receipt's signature over it with
# cryptography) and by kansa, which agree on a tampered path hash too.
. "${KANSA_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib.sh"
. "${KANSA_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib-ledger.sh"
src=${KANSA_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
vec=$src/tests/vectors/receipts

# a Python with cbor2 and cryptography (the Debian packages live in /usr/bin)
py=""
for p in "${PYTHON3:-}" python3 /usr/bin/python3; do
	[ -n "$p" ] || continue
	if "$p" -c 'import cbor2, cryptography.hazmat.primitives.asymmetric.ed25519' >/dev/null 2>&1; then
		py=$p
		break
	fi
done
if [ -z "$py" ]; then
	echo "1..0 # SKIP python3 with cbor2 and cryptography not found (apt-get install python3-cbor2 python3-cryptography)"
	exit 77
fi

# ref DESCRIPTION WANT ARGS...: run the reference verifier, expect exit WANT
ref() {
	what=$1; want=$2; shift 2
	"$py" "$src/tests/receipt_ref.py" "$@" > ref.txt 2>&1
	got=$?
	if [ "$got" -eq "$want" ]; then
		ok "$what ($(grep -c '^ok' ref.txt) checks passed)"
	else
		not_ok "$what: the independent verifier exited $got, wanted $want"; sed 's/^/    /' ref.txt
	fi
}

# ---- the vector ---------------------------------------------------------------
ref "vector: cbor2 + cryptography verify the receipt" 0 "$vec/receipt.b64" "$vec/log.vkey" "$vec/request.json"
expect_exit 0 "vector: kansa agrees (at its time)" -- kansa receipt verify "$vec/receipt.b64" \
	--log-key "$vec/log.vkey" --request "$vec/request.json" --at 2026-12-03T08:47:00Z
expect_exit 1 "vector: kansa says expired at not_after" -- kansa receipt verify "$vec/receipt.b64" \
	--log-key "$vec/log.vkey" --request "$vec/request.json" --at 2026-12-03T08:51:23Z
expect_grep "expired" err.txt "vector: kansa says why"
ref "vector: the reference says expired at not_after too" 1 "$vec/receipt.b64" "$vec/log.vkey" \
	"$vec/request.json" 1796287883

# ---- the proven vector -----------------------------------------------------------
pref() { # DESCRIPTION WANT ARGS...
	what=$1; want=$2; shift 2
	"$py" "$src/tests/receipt_proof_ref.py" "$@" > ref.txt 2>&1
	got=$?
	if [ "$got" -eq "$want" ]; then
		ok "$what ($(grep -c '^ok' ref.txt) checks passed)"
	else
		not_ok "$what: the independent proof verifier exited $got, wanted $want"; sed 's/^/    /' ref.txt
	fi
}
pref "proven vector: root recomputed and both signatures verified in Python" 0 verify "$vec/proven.b64" \
	"$vec/proven-log.vkey"
expect_exit 0 "proven vector: kansa agrees (at its time)" -- kansa receipt verify "$vec/proven.b64" \
	--log-key "$vec/proven-log.vkey" --request "$vec/request.json" --at 2026-12-03T12:48:30Z --json
[ "$(json_get out.txt 'j["proven"], j["proof"]["tree_size"], j["proof"]["leaf_index"]')" = "True 4 1" ] &&
	ok "proven vector: kansa reads the same proof" || not_ok "proven vector: $(cat out.txt)"
"$py" "$src/tests/receipt_proof_ref.py" tamper "$vec/proven.b64" t-path.proven path || exit 99
pref "proven vector, a path hash flipped: the reference refuses it" 1 verify t-path.proven "$vec/proven-log.vkey"
expect_exit 1 "proven vector, a path hash flipped: kansa refuses it" -- kansa receipt verify t-path.proven \
	--log-key "$vec/proven-log.vkey" --request "$vec/request.json" --at 2026-12-03T12:48:30Z

# ---- a fresh receipt ------------------------------------------------------------
make_ledger 100
cp "$vec/request.json" request.json
kansa check --db l.db --warrant w.cose --request request.json --receipt-out act.receipt >/dev/null || exit 99
kansa ledger info --db l.db --json > info.json || exit 99
json_get info.json 'j["log_key"]' > log.vkey
ref "fresh: cbor2 + cryptography verify kansa's receipt" 0 act.receipt log.vkey request.json
expect_exit 0 "fresh: kansa agrees" -- kansa receipt verify act.receipt --log-key log.vkey --request request.json
kansa ledger checkpoint --db l.db >/dev/null || exit 99
kansa receipt prove act.receipt --db l.db --out act.proven >/dev/null || exit 99
pref "fresh: the reference verifies kansa's proven receipt" 0 verify act.proven log.vkey

# negative controls: the reference must not pass everything
"$py" - <<'PY' || exit 99
d = bytearray(open("act.receipt", "rb").read())
i = d.find(b"officer-1207")
d[i] ^= 1
open("tampered.receipt", "wb").write(bytes(d))
PY
ref "tampered: the reference refuses it" 1 tampered.receipt log.vkey request.json
expect_exit 1 "tampered: kansa refuses it" -- kansa receipt verify tampered.receipt --log-key log.vkey --request request.json
ref "another log's key: the reference refuses it" 1 act.receipt "$vec/log.vkey" request.json
expect_exit 1 "another log's key: kansa refuses it" -- kansa receipt verify act.receipt \
	--log-key "$vec/log.vkey" --request request.json
finish
