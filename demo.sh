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
# the data holder's gateway (docs/examples/gateway.c), built beside kansa
(cd "$(dirname "$K")" && make -s docs/examples/gateway >/dev/null)
G="$(dirname "$K")/docs/examples/gateway"

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

say "14. On the commission's side: kansa serve; the unit checks over TLS with its certificate"
newkey() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1.key" 2>/dev/null && chmod 600 "$1.key"; }
newkey server-ca && openssl req -x509 -new -key server-ca.key -out server-ca.pem -days 2 -subj /CN=demo-server-ca 2>/dev/null
newkey units-ca && openssl req -x509 -new -key units-ca.key -out units-ca.pem -days 2 -subj /CN=demo-units-ca 2>/dev/null
newkey server && openssl req -new -key server.key -subj /CN=localhost -out server.csr 2>/dev/null
echo "subjectAltName=IP:127.0.0.1" > server.ext
openssl x509 -req -in server.csr -CA server-ca.pem -CAkey server-ca.key -CAcreateserial -days 2 \
	-extfile server.ext -out server.pem 2>/dev/null
newkey npa && openssl req -new -key npa.key -subj /CN=npa-cyber-3 -out npa.csr 2>/dev/null
openssl x509 -req -in npa.csr -CA units-ca.pem -CAkey units-ca.key -CAcreateserial -days 2 -out npa.pem 2>/dev/null
echo "certificates made with openssl: a server CA, a units' CA, the server's and npa-cyber-3's"
# a fresh warrant (the first one was revoked in step 8), and a request with
# absolute times, so that the data holder re-reads exactly what was decided
sed 's/"case": *"[^"]*"/"case": "2026-ACD-0099"/' warrant.json > warrant2.json
"$K" warrant create --in warrant2.json --out warrant2.cose >/dev/null
for m in member-a member-b; do
	"$K" warrant sign warrant2.cose --key "$m.key" --passphrase-file "$m.pass" --policy policy.cose >/dev/null 2>&1
done
"$K" serve --db ledger.db --listen 127.0.0.1:0 --cert server.pem --key server.key \
	--client-ca units-ca.pem 2> serve.log &
server=$!
port=
for _ in $(seq 1 100); do
	port=$(sed -n 's|.*listening on https://127\.0\.0\.1:\([0-9]*\).*|\1|p' serve.log)
	[ -n "$port" ] && break
	sleep 0.1
done
[ -n "$port" ] || { cat serve.log; kill "$server" 2>/dev/null; exit 1; }
echo "kansa serve listening on https://127.0.0.1:$port (pid $server)"
run check --server "https://127.0.0.1:$port" --cert npa.pem --key npa.key --ca server-ca.pem \
	--warrant warrant2.cose --request request.json --receipt-out act.receipt --request-out act.request
kill -TERM "$server" && wait "$server" || true

say "15. The carrier's gateway verifies the receipt with the log's public key: no receipt, no data"
echo "$logkey" > log.vkey
run receipt show act.receipt
printf '$ gateway log.vkey act.receipt act.request   # the request as decided on (canonical CBOR)\n'
"$G" log.vkey act.receipt act.request
sed 's/203.0.113.17/203.0.113.99/' request.json > not-asked.json
printf '$ gateway log.vkey act.receipt not-asked.json   # a request the receipt is not for\n'
"$G" log.vkey act.receipt not-asked.json || true

say "16. Once a checkpoint covers the act, its receipt carries a proof of inclusion (RFC 9942)"
run ledger checkpoint --db ledger.db >/dev/null
run receipt prove act.receipt --db ledger.db --out act.proven
run receipt verify act.proven --log-key "$logkey" --request act.request --cbor
echo
echo "demo finished: the files are in $(pwd)"
