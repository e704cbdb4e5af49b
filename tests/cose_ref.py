#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""An independent check of kansa's signed documents (design §3, §4).

Decodes a policy and a warrant made by kansa with cbor2 (not libcbor),
rebuilds each Sig_structure of RFC 9052 §4.4 in Python and verifies every
Ed25519 signature with the `cryptography` package (not kansa's OpenSSL
calls), recomputes each kid as SHA-256(raw public key)[:8], checks that the
payloads are canonical (re-encoding gives the same bytes), that the warrant's
CWT claims sit under their RFC 8392 integer keys and that its targets use
the RFC 9164 tags; then counts the distinct members that signed.

usage: cose_ref.py POLICY.cose WARRANT.cose [TAMPERED.cose]
Prints TAP; exits 1 if any check fails.
"""
import hashlib
import sys

import cbor2
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

results = []


def check(cond, what):
    results.append((bool(cond), what))
    print(("ok" if cond else "not ok") + " - " + what)
    return bool(cond)


def canonical(obj):
    # RFC 8949 §4.2.1: for these maps (small integer keys and short text
    # keys) cbor2's length-first canonical order equals bytewise order.
    return cbor2.dumps(obj, canonical=True)


def decode_cose(path, kind):
    data = open(path, "rb").read()
    msg = cbor2.loads(data)
    check(isinstance(msg, cbor2.CBORTag) and msg.tag == 98, f"{kind}: COSE_Sign tag 98")
    body_prot, unprot, payload, sigs = msg.value
    check(canonical(msg) == data, f"{kind}: the whole message is canonical CBOR")
    check(cbor2.loads(body_prot) == {3: f"application/kansa-{kind}+cbor"},
          f"{kind}: protected header is {{3: application/kansa-{kind}+cbor}}")
    check(unprot == {}, f"{kind}: unprotected header is empty")
    doc = cbor2.loads(payload)
    check(canonical(doc) == payload, f"{kind}: payload is canonical CBOR")
    return body_prot, payload, doc, sigs


def verify_sigs(kind, body_prot, payload, sigs, members):
    """members: kid bytes -> (name, raw public key). Returns distinct names or None."""
    names = set()
    ok = True
    for i, s in enumerate(sigs):
        sign_prot, sunprot, sig = s
        ok &= check(sign_prot == b"\xa1\x01\x27" and cbor2.loads(sign_prot) == {1: -8},
                    f"{kind}: signature {i + 1}: protected header {{1: -8}} (EdDSA)")
        kid = sunprot.get(4)
        ok &= check(isinstance(kid, bytes) and len(kid) == 8 and set(sunprot) == {4},
                    f"{kind}: signature {i + 1}: unprotected header {{4: kid}}")
        if kid not in members:
            check(False, f"{kind}: signature {i + 1}: kid {kid.hex() if kid else '?'} is a member")
            ok = False
            continue
        name, pub = members[kid]
        tbs = cbor2.dumps(["Signature", body_prot, sign_prot, b"", payload])
        try:
            Ed25519PublicKey.from_public_bytes(pub).verify(sig, tbs)
            good = True
        except InvalidSignature:
            good = False
        ok &= check(good, f"{kind}: signature {i + 1} by {name} verifies over the Sig_structure")
        names.add(name)
    return names if ok else None


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    # the policy: members and their kids
    bp, payload, pol, sigs = decode_cose(sys.argv[1], "policy")
    members = {}
    for m in pol["members"]:
        pub = m["public_key"]
        check(isinstance(pub, bytes) and len(pub) == 32, f"policy: {m['name']}: 32-byte raw public key")
        members[hashlib.sha256(pub).digest()[:8]] = (m["name"], pub)
    signers = verify_sigs("policy", bp, payload, sigs, members)
    check(signers is not None and len(signers) >= pol["quorum"]["policy"],
          f"policy: {len(signers or [])} distinct members signed, quorum {pol['quorum']['policy']}")

    # the warrant
    bp, payload, w, sigs = decode_cose(sys.argv[2], "warrant")
    check(w.get(1) == pol["commission"], "warrant: claim 1 (iss) is the commission")
    check(isinstance(w.get(2), str) and w[2], "warrant: claim 2 (sub) is the subject")
    check(all(isinstance(w.get(k), int) for k in (4, 5, 6)), "warrant: claims 4, 5, 6 (exp, nbf, iat) are integers")
    check(w[4] > w[5], "warrant: exp after nbf")
    check(isinstance(w.get(7), bytes) and len(w[7]) == 16, "warrant: claim 7 (cti) is 16 bytes")
    check(not any(k in w for k in ("commission", "subject", "expires", "not_before", "cti")),
          "warrant: no text keys for the CWT claims")
    scope = w["scope"]
    for t in scope.get("targets", []) + scope.get("hosts", []):
        good = isinstance(t, cbor2.CBORTag) and t.tag in (52, 54)
        if good and isinstance(t.value, list):
            plen, b = t.value
            width = 4 if t.tag == 52 else 16
            good = plen < 8 * width and len(b) <= width and (not b or b[-1] != 0)
        elif good:
            good = len(t.value) == (4 if t.tag == 52 else 16)
        shown = t.value.hex() if isinstance(t.value, bytes) else f"[{t.value[0]}, h'{t.value[1].hex()}']"
        check(good, f"warrant: target {t.tag}({shown}) is an RFC 9164 address or prefix")
    signers = verify_sigs("warrant", bp, payload, sigs, members)
    need = pol["quorum"][w["action"]]
    check(signers is not None and len(signers) >= need,
          f"warrant: {len(signers or [])} distinct members signed, quorum {need} for {w['action']}")

    # a tampered copy must fail here too (a negative control for this checker)
    if len(sys.argv) > 3:
        bp, payload, w, sigs = decode_cose(sys.argv[3], "warrant")
        bad = False
        for s in sigs:
            name, pub = members.get(s[1].get(4), (None, None))
            if pub is None:
                continue
            try:
                Ed25519PublicKey.from_public_bytes(pub).verify(
                    s[2], cbor2.dumps(["Signature", bp, s[0], b"", payload]))
            except InvalidSignature:
                bad = True
        check(bad, "tampered warrant: a signature fails in Python too")

    failed = sum(1 for ok, _ in results if not ok)
    print(f"1..{len(results)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
