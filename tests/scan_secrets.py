#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Look for secrets in files (ledger files, outputs, core dumps).

usage: scan_secrets.py FILE... -- LABEL=HEX...
Each needle is given as hex of its bytes (so that the secret is never on
this program's command line in clear text). Prints "found LABEL in FILE" for
every hit and exits 1 if there was any, else prints "clean: N files".
"""
import mmap
import os
import sys

args = sys.argv[1:]
if "--" not in args:
    sys.exit("usage: scan_secrets.py FILE... -- LABEL=HEX...")
i = args.index("--")
files, specs = args[:i], args[i + 1:]
needles = []
for s in specs:
    label, _, hx = s.partition("=")
    b = bytes.fromhex(hx)
    needles.append((label, b))
    # ASCII secrets are also looked for in UTF-16 (a wide copy) and upper case hex
    if b.isascii():
        needles.append((label + " (upper)", b.upper()))
hits = 0
for f in files:
    if os.path.getsize(f) == 0:
        continue
    with open(f, "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
        for label, b in needles:
            if b and data.find(b) >= 0:
                print(f"found {label} in {f}")
                hits += 1
if hits:
    sys.exit(1)
print(f"clean: {len(files)} files")
