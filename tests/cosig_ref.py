# SPDX-License-Identifier: Apache-2.0
"""Independent C2SP tlog-cosignature v1 implementation for kansa's tests.

Written from the specs (c2sp.org/signed-note, c2sp.org/tlog-checkpoint,
c2sp.org/tlog-cosignature) with Python's `cryptography` for Ed25519 and
nothing of kansa's code:

  vkey NAME SEED_HEX
      print the witness vkey name+hex(key ID)+base64(0x04 || public key)
      of the Ed25519 key with that 32-byte seed
  verify VKEY NOTE_FILE [LOG_VKEY]
      check that the checkpoint in NOTE_FILE carries a valid cosignature by
      VKEY (and, with LOG_VKEY, a valid type 0x01 signature by the log);
      print its timestamp
  cosign NAME SEED_HEX TIME NOTE_FILE
      print the note with a cosignature line by that key at TIME added
  oldsign NAME SEED_HEX NOTE_FILE
      print the note with a plain type 0x01 Ed25519 line added (the form
      kansa's witnesses wrote before C2SP cosignatures)

Exit status 0 when the check passes or the note was written, 1 when a
signature does not verify or is missing, 2 on a usage or format error.
"""
import base64
import hashlib
import struct
import sys

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey, Ed25519PublicKey)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

DASH = "\u2014 "
MAX_TIME = 2**63 - 1


class Bad(Exception):
    """A signature is missing or does not verify (exit 1)."""


def fail(msg):
    print("cosig_ref: " + msg, file=sys.stderr)
    sys.exit(2)


def key_id(name, sig_type, pub):
    # signed-note: SHA-256(key name || 0x0A || signature type || public key)[:4]
    return hashlib.sha256(name.encode() + b"\n" + bytes([sig_type]) + pub).digest()[:4]


def private_key(seed_hex):
    seed = bytes.fromhex(seed_hex)
    if len(seed) != 32:
        fail("seed must be 64 hex digits")
    k = Ed25519PrivateKey.from_private_bytes(seed)
    return k, k.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def parse_vkey(vkey, want_type):
    parts = vkey.split("+", 2)
    if len(parts) != 3 or len(parts[1]) != 8:
        fail("vkey is not name+hex+base64")
    name, kid = parts[0], bytes.fromhex(parts[1])
    raw = base64.b64decode(parts[2], validate=True)
    if len(raw) != 33 or raw[0] != want_type:
        fail("vkey is not of type 0x%02x with a 32-byte key" % want_type)
    if key_id(name, raw[0], raw[1:]) != kid:
        fail("vkey key ID does not match its name and key")
    return name, kid, Ed25519PublicKey.from_public_bytes(raw[1:])


def split_note(data):
    """(text, [(name, decoded signature)]) of a signed note."""
    try:
        s = data.decode("utf-8")
    except UnicodeDecodeError:
        fail("note is not UTF-8")
    if any(ord(c) < 0x20 and c != "\n" for c in s) or not s.endswith("\n"):
        fail("note has control characters or no final newline")
    cut = s.rfind("\n\n", 0, len(s) - 1)
    if cut < 0:
        fail("note has no blank line before its signatures")
    text, sigs = s[:cut + 1], []
    for line in s[cut + 2:-1].split("\n"):
        if not line.startswith(DASH) or line.count(" ") != 2:
            fail("bad signature line %r" % line)
        name, b64 = line[len(DASH):].split(" ")
        sigs.append((name, base64.b64decode(b64, validate=True)))
    lines = text.split("\n")
    # tlog-checkpoint: origin, decimal size, base64 of a 32-byte root
    if len(lines) < 4 or not lines[1].isdigit() or len(base64.b64decode(lines[2])) != 32:
        fail("note text is not a checkpoint")
    return text.encode(), sigs


def message(t, text):
    # tlog-cosignature: "cosignature/v1\n" "time <decimal>\n" || checkpoint body
    return b"cosignature/v1\ntime %d\n" % t + text


def verify(vkey, path, log_vkey=None):
    name, kid, pub = parse_vkey(vkey, 0x04)
    text, sigs = split_note(open(path, "rb").read())
    if log_vkey:
        lname, lkid, lpub = parse_vkey(log_vkey, 0x01)
        found = [s for n, s in sigs if n == lname and s[:4] == lkid]
        if not found:
            raise Bad("no signature by the log " + lname)
        try:
            lpub.verify(found[0][4:], text)
        except InvalidSignature:
            raise Bad("the log's signature does not verify")
    mine = [s for n, s in sigs if n == name and s[:4] == kid]
    if not mine:
        raise Bad("no cosignature by " + name)
    for s in mine:
        if len(s) != 4 + 8 + 64:
            raise Bad("cosignature of %d bytes, want 76" % len(s))
        (t,) = struct.unpack(">Q", s[4:12])
        if t > MAX_TIME:
            raise Bad("timestamp above 2^63 - 1")
        try:
            pub.verify(s[12:], message(t, text))
        except InvalidSignature:
            raise Bad("cosignature by %s at %d does not verify" % (name, t))
    return t


def add_line(path, name, payload):
    data = open(path, "rb").read()
    split_note(data)
    line = DASH + name + " " + base64.b64encode(payload).decode() + "\n"
    sys.stdout.buffer.write(data + line.encode())


def main(argv):
    try:
        if len(argv) == 3 and argv[0] == "vkey":
            _, pub = private_key(argv[2])
            raw = b"\x04" + pub
            print("%s+%s+%s" % (argv[1], key_id(argv[1], 4, pub).hex(), base64.b64encode(raw).decode()))
        elif len(argv) in (3, 4) and argv[0] == "verify":
            print("cosignature verified, time %d" % verify(*argv[1:]))
        elif len(argv) == 5 and argv[0] == "cosign":
            name, (k, pub), t = argv[1], private_key(argv[2]), int(argv[3])
            text, _ = split_note(open(argv[4], "rb").read())
            sig = k.sign(message(t, text))
            add_line(argv[4], name, key_id(name, 4, pub) + struct.pack(">Q", t) + sig)
        elif len(argv) == 4 and argv[0] == "oldsign":
            name, (k, pub) = argv[1], private_key(argv[2])
            text, _ = split_note(open(argv[3], "rb").read())
            add_line(argv[3], name, key_id(name, 1, pub) + k.sign(text))
        else:
            fail("usage: see the docstring of this file")
    except Bad as e:
        print("cosig_ref: " + str(e), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
