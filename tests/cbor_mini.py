#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Canonical CBOR for the service's tests, written from RFC 8949 alone (no
kansa code): encode a check body, decode an answer.

  cbor_mini.py body REQUEST.json WARRANT.cose|- OUT   the body {"warrant", "request"}
  cbor_mini.py request REQUEST.json OUT               the request's canonical CBOR
  cbor_mini.py show FILE                              the item as JSON (bytes as hex)

A request's "targets" and "host" are IPv4 addresses (tag 52 on 4 bytes) and
its window integer seconds, as docs/documents.md gives the CBOR form.
"""
import ipaddress
import json
import sys


class Tag:
    def __init__(self, tag, value):
        self.tag, self.value = tag, value


def head(major, n):
    if n < 24:
        return bytes([major << 5 | n])
    for ai, width in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if n < 1 << (8 * width):
            return bytes([major << 5 | ai]) + n.to_bytes(width, "big")
    raise ValueError("too large")


def enc(o):
    if o is None:
        return b"\xf6"
    if o is True:
        return b"\xf5"
    if o is False:
        return b"\xf4"
    if isinstance(o, int):
        return head(0, o) if o >= 0 else head(1, -1 - o)
    if isinstance(o, bytes):
        return head(2, len(o)) + o
    if isinstance(o, str):
        b = o.encode()
        return head(3, len(b)) + b
    if isinstance(o, list):
        return head(4, len(o)) + b"".join(enc(x) for x in o)
    if isinstance(o, dict):
        items = sorted((enc(k), enc(v)) for k, v in o.items())
        return head(5, len(items)) + b"".join(k + v for k, v in items)
    if isinstance(o, Tag):
        return head(6, o.tag) + enc(o.value)
    raise TypeError(type(o))


def dec(b, i=0):
    ib = b[i]
    major, ai = ib >> 5, ib & 31
    i += 1
    if ai < 24:
        n = ai
    elif ai <= 27:
        w = 1 << (ai - 24)
        n = int.from_bytes(b[i:i + w], "big")
        i += w
    else:
        raise ValueError("indefinite or reserved")
    if major == 0:
        return n, i
    if major == 1:
        return -1 - n, i
    if major == 2:
        return b[i:i + n], i + n
    if major == 3:
        return b[i:i + n].decode(), i + n
    if major == 4:
        out = []
        for _ in range(n):
            v, i = dec(b, i)
            out.append(v)
        return out, i
    if major == 5:
        out = {}
        for _ in range(n):
            k, i = dec(b, i)
            v, i = dec(b, i)
            out[k] = v
        return out, i
    if major == 6:
        v, i = dec(b, i)
        return Tag(n, v), i
    return {20: False, 21: True, 22: None}[ai], i


def plain(o):
    if isinstance(o, bytes):
        return o.hex()
    if isinstance(o, list):
        return [plain(x) for x in o]
    if isinstance(o, dict):
        return {k: plain(v) for k, v in o.items()}
    if isinstance(o, Tag):
        return {"tag": o.tag, "value": plain(o.value)}
    return o


def request(path):
    r = json.load(open(path))
    for key in ("targets",):
        if key in r:
            r[key] = [Tag(52, ipaddress.IPv4Address(t).packed) for t in r[key]]
    if "host" in r:
        r["host"] = Tag(52, ipaddress.IPv4Address(r["host"]).packed)
    return r


def main():
    cmd = sys.argv[1]
    if cmd == "body":
        w = None if sys.argv[3] == "-" else open(sys.argv[3], "rb").read()
        open(sys.argv[4], "wb").write(enc({"warrant": w, "request": request(sys.argv[2])}))
    elif cmd == "request":
        open(sys.argv[3], "wb").write(enc(request(sys.argv[2])))
    elif cmd == "show":
        data = open(sys.argv[2], "rb").read()
        item, end = dec(data)
        if end != len(data):
            raise ValueError("trailing bytes")
        print(json.dumps(plain(item)))
    else:
        raise SystemExit("unknown command " + cmd)


main()
