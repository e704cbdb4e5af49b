#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""An independent check of kansa's proven receipts (design §9, docs/formats.md).

Written from RFC 9942 (COSE Receipts), RFC 9162 §2.1.3.2 (verifying an
inclusion proof), RFC 9052 §4.4 (Sig_structure) and c2sp.org/signed-note +
tlog-checkpoint, with cbor2, hashlib and the `cryptography` package and
nothing of kansa's code:

  verify PROVEN LOG_KEY
      the proven receipt is the receipt's COSE_Sign1 with unprotected header
      {394: [COSE Receipt], "kansa-checkpoint": note}; the receipt's own
      signature verifies with the log key over its Sig_structure; the COSE
      Receipt's protected header is {1: -8, 4: kid, 395: 1}, its unprotected
      {396: {-1: [bstr .cbor [tree_size, leaf_index, path]]}}, its payload
      detached; the root recomputed here from the receipt's leaf hash and the
      path (RFC 9162) is what its signature covers; leaf_index is the
      receipt's seq; the checkpoint is signed by the log key (type 0x01 line)
      for the same origin, size and root. Prints TAP; exit 1 if a check fails.
  tamper PROVEN OUT MODE [FILE]
      write a changed copy (for negative tests): MODE path (flip a bit of the
      first path hash), index (leaf_index + 1), size (tree_size + 1),
      checkpoint FILE (another note in place of the checkpoint), lines FILE
      (the last signature line of the note in FILE, e.g. a witness's
      cosignature of another checkpoint, added to the checkpoint).
"""
import base64
import hashlib
import sys

import cbor2
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

# The receipt reader, the test output and the log key's checks are the
# plain receipts' verifier's (same directory), so both read them one way.
from receipt_ref import canonical, check, results
from receipt_ref import parse_vkey as parse_log_vkey
from receipt_ref import read_receipt as read_cose


def parse_vkey(text):
    name, pub = parse_log_vkey(text)
    return name, bytes.fromhex(text.strip().split("+", 2)[1]), pub


def ed25519_ok(pub, sig, msg):
    try:
        Ed25519PublicKey.from_public_bytes(pub).verify(sig, msg)
        return True
    except InvalidSignature:
        return False


def node(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def root_from_path(index, size, leaf, path):
    """RFC 9162 §2.1.3.2: the root from a leaf hash and its inclusion path."""
    if index >= size:
        return None
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            r = node(p, r)
            if not fn & 1:
                while (fn & 1) == 0 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node(r, p)
        fn >>= 1
        sn >>= 1
    return r if sn == 0 else None


def split_note(note):
    text, sep, sigs = note.partition("\n\n")
    return text + "\n", [line for line in sigs.split("\n") if line]


def log_signed(note, name, keyid, pub):
    text, lines = split_note(note)
    for line in lines:
        if not line.startswith("\u2014 "):
            continue
        who, _, b64 = line[2:].rpartition(" ")
        raw = base64.b64decode(b64)
        if who == name and raw[:4] == keyid and len(raw) == 68:
            return ed25519_ok(pub, raw[4:], text.encode())
    return False


def take_apart(data):
    msg = cbor2.loads(data)
    prot, unprot, payload, sig = msg.value
    inc = cbor2.loads(unprot[394][0])
    proof = cbor2.loads(inc.value[1][396][-1][0])
    return msg, unprot, inc, proof


def verify(path, vkey_path):
    data = read_cose(path)
    name, keyid, pub = parse_vkey(open(vkey_path).read())
    kid = hashlib.sha256(pub).digest()[:8]
    msg = cbor2.loads(data)
    check(isinstance(msg, cbor2.CBORTag) and msg.tag == 18, "proven receipt: COSE_Sign1 tag 18")
    check(canonical(msg) == data, "proven receipt: canonical CBOR")
    prot, unprot, payload, sig = msg.value
    check(isinstance(unprot, dict) and set(unprot) == {394, "kansa-checkpoint"},
          "unprotected header: exactly 394 (receipts) and kansa-checkpoint")
    check(ed25519_ok(pub, sig, canonical(["Signature1", prot, b"", payload])),
          "the receipt's own signature verifies (the unprotected header is not signed)")
    r = cbor2.loads(payload)
    receipts = unprot.get(394, [])
    check(isinstance(receipts, list) and len(receipts) == 1, "one COSE Receipt")
    inc = cbor2.loads(receipts[0])
    check(isinstance(inc, cbor2.CBORTag) and inc.tag == 18, "COSE Receipt: COSE_Sign1 tag 18")
    iprot, iunprot, ipayload, isig = inc.value
    check(cbor2.loads(iprot) == {1: -8, 4: kid, 395: 1},
          "COSE Receipt protected header: {1: -8 (EdDSA), 4: kid of the log key, 395 (vds): 1 (RFC9162_SHA256)}")
    check(ipayload is None, "COSE Receipt payload is detached (null)")
    check(set(iunprot) == {396} and set(iunprot[396]) == {-1} and len(iunprot[396][-1]) == 1,
          "COSE Receipt unprotected header: {396 (vdp): {-1 (inclusion proofs): [one]}}")
    size, index, hashes = cbor2.loads(iunprot[396][-1][0])
    check(index == r["seq"], f"leaf_index {index} is the receipt's seq {r['seq']}")
    root = root_from_path(index, size, r["leaf"], hashes)
    check(root is not None, f"RFC 9162 root recomputed in Python from the leaf and {len(hashes)} path hashes")
    root = root or b""
    check(ed25519_ok(pub, isig, canonical(["Signature1", iprot, b"", root])),
          "COSE Receipt signature verifies over Sig_structure with the recomputed root as detached payload")
    note = unprot.get("kansa-checkpoint", "")
    text, _ = split_note(note)
    lines = text.split("\n")
    check(lines[0] == r["log"] and lines[0] == name, "checkpoint origin is the receipt's log")
    check(lines[1] == str(size), f"checkpoint size is the COSE Receipt's tree_size {size}")
    check(base64.b64decode(lines[2]) == root, "checkpoint root is the recomputed root")
    check(log_signed(note, name, keyid, pub), "checkpoint is signed by the log key (Ed25519 note line)")
    print(f"1..{len(results)}")
    return 0 if all(results) else 1


def tamper(path, out, mode, extra=None):
    data = read_cose(path)
    msg, unprot, inc, proof = take_apart(data)
    if mode == "path":
        h = bytearray(proof[2][0])
        h[0] ^= 1
        proof[2][0] = bytes(h)
    elif mode == "index":
        proof[1] += 1
    elif mode == "size":
        proof[0] += 1
    elif mode == "checkpoint":
        unprot["kansa-checkpoint"] = open(extra).read()
    elif mode == "lines":
        _, lines = split_note(open(extra).read())
        unprot["kansa-checkpoint"] += lines[-1] + "\n"
    else:
        print(__doc__, file=sys.stderr)
        return 2
    inc.value[1][396][-1][0] = canonical(proof)
    unprot[394][0] = canonical(inc)
    open(out, "wb").write(canonical(msg))
    return 0


def main(argv):
    if len(argv) == 3 and argv[0] == "verify":
        return verify(argv[1], argv[2])
    if len(argv) in (4, 5) and argv[0] == "tamper":
        return tamper(argv[1], argv[2], argv[3], argv[4] if len(argv) == 5 else None)
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
