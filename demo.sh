#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The kansa story on a demo ledger, from a fresh Debian 12 machine:
# install packages, build, then run the commission's and the auditor's work
# in ./demo-out. Safe to run again (demo-out is made anew; the build is
# reused). A tree already configured in place (./configure run here) is
# built in place, since configure refuses a build directory beside it.
set -eu
cd "$(dirname "$0")"
top=$(pwd)
jobs=$(nproc 2>/dev/null || echo 2)
./scripts/deps.sh
if [ -f config.status ] && [ -f Makefile ]; then
	make -s -j"$jobs" >/dev/null
	K="$top/kansa"
else
	[ -x configure ] && [ configure -nt configure.ac ] || ./autogen.sh >/dev/null 2>&1
	mkdir -p build
	(cd build && { [ -f Makefile ] || ../configure -q >/dev/null; } && make -s -j"$jobs" >/dev/null)
	K="$top/build/kansa"
fi

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '$ kansa %s\n' "$*"; "$K" "$@"; }

rm -rf demo-out
mkdir demo-out
cd demo-out
umask 077

say "1. Three commission members make their Ed25519 keys"
for m in member-a member-b member-c; do
	# Demo passphrases live in 0600 files; real members type theirs at the prompt.
	printf 'demo passphrase of %s\n' "$m" > "$m.pass"
	run keys generate --out "$m.key" --name "$m" --passphrase-file "$m.pass"
done

say "2. Anyone can check a member's public key and key id"
run keys show member-a.key.pub
run keys show member-b.key.pub --json

say "3. The commission writes its policy; every member signs it"
cp "$top/docs/examples/policy.json" policy.json
run policy create --in policy.json --out policy.cose
for m in member-a member-b member-c; do
	run policy sign policy.cose --key "$m.key" --passphrase-file "$m.pass"
done
run policy show policy.cose

say "4. A warrant for a metadata query is drafted and signed to quorum (2 of 3)"
cp "$top/docs/examples/warrant.json" warrant.json
run warrant create --in warrant.json --out warrant.cose
run warrant sign warrant.cose --key member-a.key --passphrase-file member-a.pass
run warrant verify warrant.cose --policy policy.cose || echo "(not yet: one signature is not a quorum)"
run warrant sign warrant.cose --key member-b.key --passphrase-file member-b.pass
run warrant show warrant.cose --policy policy.cose
run warrant verify warrant.cose --policy policy.cose

say "5. The operator creates the encrypted ledger"
openssl rand -hex 32 > ledger.keyfile
export KANSA_DB_KEY_FILE="$(pwd)/ledger.keyfile"
run ledger init --db ledger.db --policy policy.cose

say "6. The police unit asks before each query: allowed ones are recorded..."
cp "$top/docs/examples/request.json" request.json
run check --db ledger.db --warrant warrant.cose --request request.json
run check --db ledger.db --warrant warrant.cose --request request.json --json

say "7. ...and so are the denied ones, with the reason"
sed 's/"src_ip", "dst_ip"/"src_ip", "payload"/' request.json > content-request.json
run check --db ledger.db --warrant warrant.cose --request content-request.json || true
sed 's/"203.0.113.64\/28"/"198.51.100.0\/24"/' request.json > wide-request.json
run check --db ledger.db --warrant warrant.cose --request wide-request.json || true
sed 's/npa-cyber-3/npa-cyber-9/' request.json > other-unit.json
run check --db ledger.db --warrant warrant.cose --request other-unit.json || true

say "8. The commission revokes the warrant; later requests are denied"
cti=$("$K" warrant show warrant.cose --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["cti"])')
printf '{"commission": "jp-ccisc", "warrant": "%s", "reason": "case closed"}\n' "$cti" > revocation.json
run revocation create --in revocation.json --out revocation.cose
run revocation sign revocation.cose --key member-b.key --passphrase-file member-b.pass
run revocation sign revocation.cose --key member-c.key --passphrase-file member-c.pass
run ledger revoke --db ledger.db --revocation revocation.cose
run check --db ledger.db --warrant warrant.cose --request request.json || true

say "9. The ledger: size, head, Merkle root, and the key auditors verify with"
run ledger info --db ledger.db

say "10. A signed checkpoint, and a proof that entry 1 is in the ledger"
run ledger checkpoint --db ledger.db
run ledger proof --db ledger.db --seq 1

say "11. An emergency act without a warrant, and the commission's ratification"
cp "$top/docs/examples/neutralize-request.json" neutralize.json
sed 's/"op": *"stop-process"/"op": "stop-process", "emergency": true/' neutralize.json > emergency.json
leaf=$("$K" check --db ledger.db --request emergency.json --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["leaf_hash"])')
printf '{"commission": "jp-ccisc", "entry": "%s", "approved": true, "reason": "necessary and proportionate"}\n' "$leaf" > ratification.json
run ratification create --in ratification.json --out ratification.cose
run ratification sign ratification.cose --key member-a.key --passphrase-file member-a.pass
run ratification sign ratification.cose --key member-c.key --passphrase-file member-c.pass
run ledger ratify --db ledger.db --ratification ratification.cose

say "12. The auditor verifies the chain, re-decides every entry, and reports"
run ledger verify --db ledger.db
run audit replay --db ledger.db
run audit report --db ledger.db

say "13. The checkpoint goes to a git repository that witnesses mirror; member-a cosigns"
logkey=$("$K" ledger info --db ledger.db --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["log_key"])')
git init -q --bare -b main mirror.git
run anchor push --db ledger.db --repo anchors.git
git -C anchors.git remote add mirror "$(pwd)/mirror.git"
run check --db ledger.db --warrant warrant.cose --request other-unit.json >/dev/null || true
run anchor push --db ledger.db --repo anchors.git --remote mirror
run anchor cosign --repo anchors.git --key member-a.key --passphrase-file member-a.pass \
	--log-key "$logkey" --state member-a.witness --remote mirror
git clone -q mirror.git mirror-clone
run anchor verify --repo mirror-clone --log-key "$logkey" --witness-key member-a.key.pub --db ledger.db
echo
echo "demo finished: the files are in $(pwd)"
