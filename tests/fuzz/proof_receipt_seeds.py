#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Write the seeds of tests/fuzz/fuzz_proof_receipt.c into DIR: proven
receipts (docs/formats.md, "Proven receipts") signed with the RFC 8032 TEST 1
key as the log "kansa/fuzz/0000000000000000" and cosigned by it as the
witness "witness-fuzz", built here with cbor2 and cryptography, and broken
copies of them. usage: proof_receipt_seeds.py DIR"""
import base64
import hashlib
import os
import struct
import sys

import cbor2
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

SEED = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
LOG = "kansa/fuzz/0000000000000000"
key = Ed25519PrivateKey.from_private_bytes(SEED)
pub = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
kid = hashlib.sha256(pub).digest()[:8]


def c(obj):
    return cbor2.dumps(obj, canonical=True)


def node(a, b):
    return hashlib.sha256(b"\x01" + a + b).digest()


def signed_line(name, typ, payload):
    key_id = hashlib.sha256(name.encode() + b"\n" + bytes([typ]) + pub).digest()[:4]
    return "\u2014 " + name + " " + base64.b64encode(key_id + payload).decode() + "\n"


def proven(verdict="allow", reason="allowed", index=1, size=4, cosign=True, extra=None):
    leaves = [hashlib.sha256(bytes([0, i])).digest() for i in range(4)]
    root = node(node(leaves[0], leaves[1]), node(leaves[2], leaves[3]))
    payload = c({"log": LOG, "seq": 1, "leaf": leaves[1], "time": 900, "decision": verdict,
                 "reason": reason, "request": hashlib.sha256(b"\xa0").digest(), "warrant": bytes(16),
                 "action": "metadata-query", "requester": "unit-1", "officer": "officer-1",
                 "not_after": 1200})
    prot = c({1: -8, 3: "application/kansa-receipt+cbor", 4: kid})
    sig = key.sign(c(["Signature1", prot, b"", payload]))
    text = f"{LOG}\n4\n{base64.b64encode(root).decode()}\n"
    note = text + "\n" + signed_line(LOG, 1, key.sign(text.encode()))
    if cosign:
        t = 950
        msg = f"cosignature/v1\ntime {t}\n".encode() + text.encode()
        note += signed_line("witness-fuzz", 4, struct.pack(">Q", t) + key.sign(msg))
    iprot = c({1: -8, 4: kid, 395: 1})
    isig = key.sign(c(["Signature1", iprot, b"", root]))
    proof = c([size, index, [leaves[0], node(leaves[2], leaves[3])]])
    inc = c(cbor2.CBORTag(18, [iprot, {396: {-1: [proof]}}, None, isig]))
    unprot = {394: [inc], "kansa-checkpoint": note}
    if extra:
        unprot.update(extra)
    return c(cbor2.CBORTag(18, [prot, unprot, payload, sig])), c(cbor2.CBORTag(18, [prot, {}, payload, sig]))


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    good, plain = proven()
    seeds = {
        "proven-cosigned": good,
        "proven-no-cosig": proven(cosign=False)[0],
        "proven-deny": proven(verdict="deny", reason="target-out-of-scope")[0],
        "plain": plain,
        "proven-base64": base64.b64encode(good) + b"\n",
        "bad-index": proven(index=2)[0],
        "bad-size": proven(size=5)[0],
        "bad-extra-label": proven(extra={395: 1})[0],
        "bad-truncated": good[:-7],
    }
    flipped = bytearray(good)
    flipped[len(flipped) // 2] ^= 1
    seeds["bad-flipped"] = bytes(flipped)
    for name, data in seeds.items():
        open(os.path.join(out, name), "wb").write(data)


if __name__ == "__main__":
    main()
