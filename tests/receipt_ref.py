#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""An independent check of kansa's signed receipts (design §9).

Decodes a receipt with cbor2 (not libcbor), checks that it is a canonical
COSE_Sign1 (tag 18) with protected header {1: -8, 3:
"application/kansa-receipt+cbor", 4: kid} and exactly the 12 payload fields;
parses the log's C2SP verifier key (name+hex(key ID)+base64(0x01 || key)) and
recomputes its key ID and the kid SHA-256(raw public key)[:8]; rebuilds the
Sig_structure ["Signature1", protected, h'', payload] of RFC 9052 §4.4 in
Python and verifies the Ed25519 signature with the `cryptography` package
(not kansa's OpenSSL calls); re-encodes the request JSON as canonical CBOR in
Python (RFC 9164 tags for addresses and prefixes, RFC 3339 times as epoch
seconds) and compares its SHA-256 with the receipt's; and checks the
decision, the names and the validity at NOW.

usage: receipt_ref.py RECEIPT LOG_KEY REQUEST.json [NOW]
RECEIPT is the COSE_Sign1 or its base64; LOG_KEY a file holding the vkey;
REQUEST.json must use absolute times; NOW (epoch seconds) defaults to the
receipt's own time. Prints TAP; exits 1 if any check fails.
"""
import base64
import datetime
import hashlib
import ipaddress
import json
import sys

import cbor2
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

FIELDS = {"log", "seq", "leaf", "time", "decision", "reason", "request", "warrant", "action",
          "requester", "officer", "not_after"}
results = []


def check(cond, what):
    results.append(bool(cond))
    print(("ok" if cond else "not ok") + " - " + what)
    return bool(cond)


def canonical(obj):
    # RFC 8949 §4.2.1: for these maps (small integer keys, short text keys)
    # cbor2's length-first canonical order equals bytewise order.
    return cbor2.dumps(obj, canonical=True)


def read_receipt(path):
    data = open(path, "rb").read()
    if data[:1] == b"\xd2":
        return data
    return base64.b64decode(data.strip(), validate=True)


def parse_vkey(text):
    name, keyid_hex, b64 = text.strip().split("+", 2)
    raw = base64.b64decode(b64, validate=True)
    check(len(raw) == 33 and raw[0] == 1, "log key: an Ed25519 note key (0x01 || 32 bytes)")
    pub = raw[1:]
    want = hashlib.sha256(name.encode() + b"\n" + b"\x01" + pub).digest()[:4]
    check(want.hex() == keyid_hex, "log key: key ID is SHA-256(name || 0x0A || 0x01 || key)[:4]")
    return name, pub


def epoch(text):
    t = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return int(t.timestamp())


def ip_item(text):
    """RFC 9164: an address is a tagged byte string, a prefix [length, bytes
    without trailing zero bytes]; tag 52 for IPv4, 54 for IPv6."""
    if "/" in text:
        net = ipaddress.ip_network(text, strict=True)
        tag = 52 if net.version == 4 else 54
        return cbor2.CBORTag(tag, [net.prefixlen, net.network_address.packed.rstrip(b"\x00")])
    addr = ipaddress.ip_address(text)
    return cbor2.CBORTag(52 if addr.version == 4 else 54, addr.packed)


def request_cbor(req):
    """The request's canonical CBOR, as design §4 writes it (absolute times only)."""
    out = {}
    for k, v in req.items():
        if k in ("targets",):
            out[k] = [ip_item(t) for t in v]
        elif k == "host":
            out[k] = ip_item(v)
        elif k == "window":
            out[k] = [epoch(t) for t in v]
        else:
            out[k] = v
    return canonical(out)


def main():
    if len(sys.argv) not in (4, 5):
        print(__doc__, file=sys.stderr)
        return 2
    data = read_receipt(sys.argv[1])
    name, pub = parse_vkey(open(sys.argv[2]).read())
    req_json = json.load(open(sys.argv[3]))

    msg = cbor2.loads(data)
    check(isinstance(msg, cbor2.CBORTag) and msg.tag == 18, "receipt: COSE_Sign1 tag 18")
    check(canonical(msg) == data, "receipt: the whole message is canonical CBOR")
    prot, unprot, payload, sig = msg.value
    hdr = cbor2.loads(prot)
    kid = hashlib.sha256(pub).digest()[:8]
    check(canonical(hdr) == prot, "protected header is canonical")
    check(hdr == {1: -8, 3: "application/kansa-receipt+cbor", 4: kid},
          "protected header is {1: -8, 3: application/kansa-receipt+cbor, 4: kid of the log key}")
    check(unprot == {}, "unprotected header is empty")
    tbs = canonical(["Signature1", prot, b"", payload])
    try:
        Ed25519PublicKey.from_public_bytes(pub).verify(sig, tbs)
        check(True, "Ed25519 signature over the Sig_structure verifies with the log key")
    except InvalidSignature:
        check(False, "Ed25519 signature over the Sig_structure verifies with the log key")
    r = cbor2.loads(payload)
    check(canonical(r) == payload, "payload is canonical CBOR")
    check(isinstance(r, dict) and set(r) == FIELDS, "payload has exactly the 12 fields of design §9")
    check(r.get("log") == name, "log is the log key's name (the checkpoint origin)")
    check(isinstance(r.get("seq"), int) and isinstance(r.get("leaf"), bytes) and len(r["leaf"]) == 32,
          "seq is an integer, leaf a 32-byte hash")
    check(isinstance(r.get("warrant"), bytes) and len(r["warrant"]) == 16 or r.get("warrant") is None,
          "warrant is a 16-byte cti or null")
    check(r.get("request") == hashlib.sha256(request_cbor(req_json)).digest(),
          "request is SHA-256 of the request's canonical CBOR (encoded here, in Python)")
    for k in ("action", "requester", "officer"):
        check(r.get(k) == req_json.get(k), f"{k} is the request's ({req_json.get(k)})")
    check(r.get("decision") == "allow" and r.get("reason") in ("allowed", "emergency"),
          "decision allow (" + str(r.get("reason")) + ")")
    now = int(sys.argv[4]) if len(sys.argv) == 5 else r.get("time", 0)
    check(r.get("not_after", 0) - r.get("time", 0) == 300, "not_after is time + 300 s (the default receipt_ttl)")
    check(now < r.get("not_after", 0), f"valid at {now} (before not_after)")
    print(f"1..{len(results)}")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
