#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# An independent check: a policy and a warrant made and signed by kansa are
# decoded with Python's cbor2 and every signature is verified over a
# Sig_structure built in Python with python3-cryptography (tests/cose_ref.py),
# so that kansa is not only agreeing with itself.
. "${KANSA_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib.sh"
src=${KANSA_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}

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

for m in a b c; do kansa keys generate --out $m.key --name member-$m --no-passphrase >/dev/null || exit 99; done
cat > policy.json <<'JSON'
{ "commission": "jp-ccisc", "version": 1,
  "members": [ {"name": "member-a", "public_key": "a.key.pub"},
               {"name": "member-b", "public_key": "b.key.pub"},
               {"name": "member-c", "public_key": "c.key.pub"} ],
  "quorum": {"metadata-query": 2, "neutralize": 3, "revoke": 2, "policy": 2},
  "fields": ["src_ip", "dst_ip", "ts"], "forbidden_fields": ["payload"], "ops": ["stop-process"] }
JSON
cat > warrant.json <<'JSON'
{ "commission": "jp-ccisc", "subject": "npa-cyber-3", "action": "metadata-query",
  "case": "2026-ACD-0042", "not_before": "now", "expires": "+30d",
  "scope": { "targets": ["203.0.113.0/24", "2001:db8:1::/48", "198.51.100.7", "10.0.0.0/8"],
             "fields": ["src_ip", "ts"], "window": ["-30d", "now"] } }
JSON
expect_exit 0 "policy create" -- kansa policy create --in policy.json --out policy.cose
expect_exit 0 "policy sign a" -- kansa policy sign policy.cose --key a.key
expect_exit 0 "policy sign c" -- kansa policy sign policy.cose --key c.key
expect_exit 0 "warrant create" -- kansa warrant create --in warrant.json --out warrant.cose
expect_exit 0 "warrant sign b" -- kansa warrant sign warrant.cose --key b.key
expect_exit 0 "warrant sign c" -- kansa warrant sign warrant.cose --key c.key
expect_exit 0 "kansa itself says valid" -- kansa warrant verify warrant.cose --policy policy.cose
# a copy with one payload byte changed (the case string), for the negative control
"$py" - <<'PY'
d = bytearray(open("warrant.cose", "rb").read())
i = d.find(b"2026-ACD-0042")
d[i] ^= 1
open("tampered.cose", "wb").write(bytes(d))
PY
"$py" "$src/tests/cose_ref.py" policy.cose warrant.cose tampered.cose > ref.txt 2>&1
status=$?
sed 's/^/    /' ref.txt
[ $status -eq 0 ] && ok "cbor2 + cryptography verify kansa's policy and warrant ($(grep -c '^ok' ref.txt) checks)" \
	|| not_ok "the independent checker disagrees (see above)"
expect_exit 1 "kansa also refuses the tampered copy" -- kansa warrant verify tampered.cose --policy policy.cose
finish
