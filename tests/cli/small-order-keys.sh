#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# REQ: KEY-PUB-SMALL-ORDER REQ: KEY-PUB-CANONICAL degenerate public keys on
# the command line. A small-order member key (here the identity, 01 00..00)
# accepts the signature R = identity, S = 0 on any document, so one real
# member plus the degenerate one would reach a quorum of two. kansa refuses
# such keys as malformed input (exit 3) wherever they come in: keys show,
# policy create, and a hand-built signed policy given to policy show,
# warrant verify and ledger init.
. "${KANSA_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib.sh"

# spki_pem HEX FILE: a SubjectPublicKeyInfo PEM (RFC 8410) around 32 raw bytes
spki_pem() {
	python3 -c 'import base64,sys
der = bytes.fromhex("302a300506032b6570032100" + sys.argv[1])
sys.stdout.write("-----BEGIN PUBLIC KEY-----\n" + base64.b64encode(der).decode() + "\n-----END PUBLIC KEY-----\n")' "$1" > "$2"
}
identity=0100000000000000000000000000000000000000000000000000000000000000
order8=26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05
field_p=edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f
spki_pem $identity id.pub
spki_pem $order8 o8.pub
spki_pem $field_p p.pub

# openssl takes these keys: the refusal is kansa's own
openssl pkey -pubin -in id.pub -noout 2>/dev/null && ok "openssl reads the identity key" \
	|| not_ok "openssl refuses the identity key (test setup)"

expect_exit 3 "keys show: identity point -> exit 3" -- kansa keys show id.pub
expect_grep "public key is a small-order point" err.txt "keys show names the small-order point"
expect_exit 3 "keys show --json: identity point -> exit 3" -- kansa keys show id.pub --json
[ "$(json_get out.txt 'j["ok"], j["error"]["code"]')" = "False EFORMAT" ] \
	&& ok "keys show --json: one object with EFORMAT" || not_ok "keys show --json: $(cat out.txt)"
expect_exit 3 "keys show: point of order 8 -> exit 3" -- kansa keys show o8.pub
expect_exit 3 "keys show: y = p -> exit 3" -- kansa keys show p.pub
expect_grep "public key is not canonically encoded" err.txt "keys show names the non-canonical encoding"

members a b
policy_json() { # the second member's key file
	cat <<JSON
{ "commission": "jp-ccisc", "version": 1,
  "members": [ {"name": "member-a", "public_key": "a.key.pub"},
               {"name": "member-z", "public_key": "$1"} ],
  "quorum": {"metadata-query": 2, "neutralize": 2, "revoke": 2, "policy": 2},
  "fields": ["src_ip","dst_ip","ts"], "forbidden_fields": ["payload"], "ops": ["stop-process"] }
JSON
}
policy_json id.pub > bad.json
expect_exit 3 "policy create with an identity-point member -> exit 3" -- kansa policy create --in bad.json --out bad.cose
expect_grep "members\[1\].public_key" err.txt "policy create names the member"
expect_grep "small-order point" err.txt "policy create says why"
[ -e bad.cose ] && not_ok "policy create wrote bad.cose anyway" || ok "no policy written"
policy_json p.pub > badp.json
expect_exit 3 "policy create with a y = p member -> exit 3" -- kansa policy create --in badp.json --out badp.cose

# The forgery end to end needs a Python with cbor2 and cryptography (the
# Debian packages live in /usr/bin), as tests/cose_ref.py does.
py=""
for p in "${PYTHON3:-}" python3 /usr/bin/python3; do
	[ -n "$p" ] || continue
	if "$p" -c 'import cbor2, cryptography.hazmat.primitives.asymmetric.ed25519' >/dev/null 2>&1; then
		py=$p
		break
	fi
done
if [ -z "$py" ]; then
	echo "skip - forged policy: python3 with cbor2 and cryptography not found"
	finish
fi

# A draft with b as the second member, whose key bytes are then replaced by
# the identity; a signs for real, "member-z" with R = identity, S = 0.
policy_json b.key.pub > good.json
kansa policy create --in good.json --out draft.cose >/dev/null || exit 99
cat > w.json <<'JSON'
{ "commission": "jp-ccisc", "subject": "npa-cyber-3", "action": "metadata-query", "case": "2026-ACD-0042",
  "not_before": "now", "expires": "+30d", "max_uses": 3,
  "scope": { "targets": ["203.0.113.0/24"], "fields": ["src_ip","ts"], "window": ["-30d", "now"] } }
JSON
kansa warrant create --in w.json --out w.cose >/dev/null || exit 99
kansa warrant sign w.cose --key a.key >/dev/null 2>&1 || exit 99
"$py" - "$identity" <<'PY' || exit 99
import hashlib, sys
import cbor2
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat, load_pem_private_key

ident = bytes.fromhex(sys.argv[1])
forged = [b"\xa1\x01\x27", {4: hashlib.sha256(ident).digest()[:8]}, b"\x01" + bytes(63)]

def pem_key(path):
    text = open(path, "rb").read()
    return load_pem_private_key(text[text.index(b"-----BEGIN"):], None)

a = pem_key("a.key")
b_pub = pem_key("b.key").public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
msg = cbor2.loads(open("draft.cose", "rb").read())
prot, unprot, payload, sigs = msg.value
assert payload.count(b_pub) == 1 and sigs == []
payload = payload.replace(b_pub, ident)  # same length: still canonical
tbs = cbor2.dumps(["Signature", prot, b"\xa1\x01\x27", b"", payload])
a_kid = hashlib.sha256(a.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)).digest()[:8]
sigs = [[b"\xa1\x01\x27", {4: a_kid}, a.sign(tbs)], forged]
open("forged.cose", "wb").write(cbor2.dumps(cbor2.CBORTag(98, [prot, unprot, payload, sigs]), canonical=True))

w = cbor2.loads(open("w.cose", "rb").read())
w.value[3].append(forged)
open("wf.cose", "wb").write(cbor2.dumps(w, canonical=True))
PY

expect_exit 3 "policy show: forged quorum with an identity member -> exit 3" -- kansa policy show forged.cose
expect_grep "small-order point" err.txt "policy show says why"
expect_exit 3 "policy show --json -> exit 3" -- kansa policy show forged.cose --json
[ "$(json_get out.txt 'j["error"]["code"]')" = EFORMAT ] && ok "policy show --json: EFORMAT" \
	|| not_ok "policy show --json: $(cat out.txt)"
expect_exit 3 "warrant verify against the forged policy -> exit 3" -- kansa warrant verify wf.cose --policy forged.cose
expect_exit 3 "ledger init with the forged policy -> exit 3" -- kansa ledger init --db l.db --policy forged.cose
[ -e l.db ] && not_ok "ledger init left l.db" || ok "no ledger created"
finish
