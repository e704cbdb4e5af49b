# SPDX-License-Identifier: Apache-2.0
"""Independent check of kansa's Merkle trees (RFC 9162 section 2.1).

Reads the output of tests/tools/merkle_dump (see that file for the layout)
and checks it with nothing but hashlib and base64:

* every leaf hash is SHA-256(0x00 || b"leaf <i>");
* every root is MTH over those leaves, computed here from the definition;
* every proof, parsed strictly from the text format of docs/formats.md
  ("Proofs"), equals PATH / PROOF computed here from the definition, and
  passes this file's own RFC 9162 verifiers (2.1.3.2, 2.1.4.2); with one
  bit flipped, one hash dropped or one added, it fails them.

Usage: merkle_ref.py DUMPFILE. Exit status 0 when everything checks, 1 when
anything does not (each problem is printed), 2 on a usage error.
"""
import base64
import functools
import hashlib
import re
import sys


def leaf_hash(data):
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def split(n):
    """The largest power of two strictly less than n (n >= 2)."""
    k = 1
    while k * 2 < n:
        k *= 2
    return k


class Tree:
    def __init__(self, leaves):
        self.leaves = leaves

    @functools.lru_cache(maxsize=None)
    def mth(self, lo, hi):
        if hi == lo:
            return hashlib.sha256(b"").digest()
        if hi - lo == 1:
            return self.leaves[lo]
        k = split(hi - lo)
        return node_hash(self.mth(lo, lo + k), self.mth(lo + k, hi))

    def path(self, m, lo, hi):
        """PATH(m, D[lo:hi]), RFC 9162 2.1.3.1 (m relative to lo)."""
        if hi - lo == 1:
            return []
        k = split(hi - lo)
        if m < k:
            return self.path(m, lo, lo + k) + [self.mth(lo + k, hi)]
        return self.path(m - k, lo + k, hi) + [self.mth(lo, lo + k)]

    def subproof(self, m, lo, hi, b):
        """SUBPROOF(m, D[lo:hi], b), RFC 9162 2.1.4.1."""
        n = hi - lo
        if m == n:
            return [] if b else [self.mth(lo, hi)]
        k = split(n)
        if m <= k:
            return self.subproof(m, lo, lo + k, b) + [self.mth(lo + k, hi)]
        return self.subproof(m - k, lo + k, hi, False) + [self.mth(lo, lo + k)]


def verify_inclusion(index, size, leaf, proof, root):
    """RFC 9162 2.1.3.2."""
    if index >= size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(size1, size2, root1, root2, proof):
    """RFC 9162 2.1.4.2, with the size1 == size2 and size1 == 0 rules."""
    if size1 == 0 or size1 > size2:
        return False
    if size1 == size2:
        return not proof and root1 == root2
    if not proof:
        return False
    path = list(proof)
    if size1 & (size1 - 1) == 0:
        path = [root1] + path
    fn, sn = size1 - 1, size2 - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == root1 and sr == root2


NUM = r"(0|[1-9][0-9]{0,19})"
B64 = re.compile(r"^[A-Za-z0-9+/]{43}=$")


def b64hash(s):
    if not B64.match(s):
        raise ValueError("not a base64 hash: %r" % s)
    h = base64.b64decode(s, validate=True)
    if len(h) != 32 or base64.b64encode(h).decode() != s:
        raise ValueError("not a canonical 32-byte hash: %r" % s)
    return h


def main(argv):
    if len(argv) != 2:
        print("usage: merkle_ref.py DUMPFILE", file=sys.stderr)
        return 2
    with open(argv[1], "rb") as f:
        raw = f.read()
    if not raw.endswith(b"\n"):
        print("dump does not end with a newline")
        return 1
    lines = raw.decode("ascii").split("\n")[:-1]
    if lines[0] != "kansa-merkle-dump v1":
        print("bad dump header: %r" % lines[0])
        return 1
    errors = []
    leaves, roots = [], {}
    i = 1
    while i < len(lines) and lines[i].startswith("leaf "):
        _, idx, h = lines[i].split(" ")
        if int(idx) != len(leaves):
            errors.append("leaf %s out of order" % idx)
        want = leaf_hash(b"leaf %d" % len(leaves))
        if b64hash(h) != want:
            errors.append("leaf %s: hash differs" % idx)
        leaves.append(want)
        i += 1
    tree = Tree(tuple(leaves))
    while i < len(lines) and lines[i].startswith("root "):
        _, size, h = lines[i].split(" ")
        size = int(size)
        roots[size] = b64hash(h)
        if roots[size] != tree.mth(0, size):
            errors.append("root of size %d differs" % size)
        i += 1
    n_incl = n_cons = 0
    while i < len(lines):
        m = re.match(r"^kansa-proof/v1 (inclusion|consistency)$", lines[i])
        if not m or i + 2 >= len(lines):
            errors.append("line %d: expected a proof header: %r" % (i + 1, lines[i]))
            break
        kind = m.group(1)
        key1 = "index" if kind == "inclusion" else "old-size"
        m1 = re.match(r"^%s %s$" % (key1, NUM), lines[i + 1])
        m2 = re.match(r"^size %s$" % NUM, lines[i + 2])
        if not m1 or not m2:
            errors.append("line %d: bad proof header" % (i + 2))
            break
        a, size = int(m1.group(1)), int(m2.group(1))
        i += 3
        proof = []
        while i < len(lines) and not lines[i].startswith("kansa-proof/"):
            proof.append(b64hash(lines[i]))
            i += 1
        what = "%s %d/%d" % (kind, a, size)
        if kind == "inclusion":
            n_incl += 1
            want = tree.path(a, 0, size)
            ok = lambda p: verify_inclusion(a, size, leaves[a], p, roots[size])
        else:
            n_cons += 1
            want = tree.subproof(a, 0, size, True)
            ok = lambda p: verify_consistency(a, size, roots[a], roots[size], p)
        if proof != want:
            errors.append("%s: proof differs from RFC 9162 PATH/PROOF" % what)
        if not ok(proof):
            errors.append("%s: does not verify" % what)
        for j in range(len(proof)):
            bad = list(proof)
            bad[j] = bytes([bad[j][0] ^ 0x01]) + bad[j][1:]
            if ok(bad):
                errors.append("%s: verifies with hash %d flipped" % (what, j))
        if proof and ok(proof[:-1]):
            errors.append("%s: verifies with a hash dropped" % what)
        if ok(proof + [roots[size]]):
            errors.append("%s: verifies with a hash added" % what)
    for e in errors[:50]:
        print("not ok - " + e)
    print("# %d leaves, %d roots, %d inclusion and %d consistency proofs checked"
          % (len(leaves), len(roots), n_incl, n_cons))
    if n_incl < 500 or n_cons < 400:
        print("not ok - too few proofs in the dump")
        return 1
    if errors:
        print("not ok - %d problems" % len(errors))
        return 1
    print("ok - all match the independent implementation")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
