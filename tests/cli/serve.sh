#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# kansa serve and kansa check --server end to end (design §10): certificates
# made here with openssl, the server on a loopback port it picks, stopped
# here. Allowed through the service; refused at TLS without a certificate or
# with one from another CA; denied unauthenticated-requester and recorded for
# a unit the policy does not name, one asking as another, or for an action it
# is not listed for; 413 past 1 MiB with the server still answering; a
# malformed body recorded; lawful answers while many connections sit idle;
# clients that trickle their handshake or header a byte a second cut at --timeout;
# 20 concurrent clients, every allow's entry in the ledger; SIGTERM answers
# what is in flight; then ledger verify and audit replay (units re-checked).
. "${KANSA_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib.sh"

command -v curl >/dev/null || { echo "1..0 # SKIP curl is not installed"; exit 77; }
members a b c

cat > policy.json <<'JSON'
{ "commission": "jp-ccisc", "version": 1,
  "members": [ {"name": "member-a", "public_key": "a.key.pub"},
               {"name": "member-b", "public_key": "b.key.pub"},
               {"name": "member-c", "public_key": "c.key.pub"} ],
  "quorum": {"metadata-query": 2, "neutralize": 3, "revoke": 2, "policy": 3},
  "fields": ["src_ip","dst_ip","ts"], "forbidden_fields": ["payload"], "ops": ["stop-process"],
  "units": [ {"name": "npa-cyber-3", "actions": ["metadata-query"]},
             {"name": "jsdf-cyber", "actions": ["neutralize"]} ] }
JSON
kansa policy create --in policy.json --out policy.cose >/dev/null || exit 99
for m in a b c; do kansa policy sign policy.cose --key $m.key >/dev/null 2>&1 || exit 99; done
cat > w.json <<'JSON'
{ "commission": "jp-ccisc", "subject": "npa-cyber-3", "action": "metadata-query", "case": "T-1",
  "not_before": "now", "expires": "+30d",
  "scope": { "targets": ["203.0.113.0/24"], "fields": ["src_ip","dst_ip"], "window": ["-30d", "now"] } }
JSON
kansa warrant create --in w.json --out w.cose >/dev/null || exit 99
for m in a b; do kansa warrant sign w.cose --key $m.key >/dev/null 2>&1 || exit 99; done
request() { # FILE REQUESTER ACTION
	cat > "$1" <<JSON
{ "requester": "$2", "officer": "officer-1207", "action": "$3", "targets": ["203.0.113.17"],
  "fields": ["src_ip"], "window": ["-7d", "-1d"], "justification": "C2 beaconing analysis" }
JSON
}
request ok.json npa-cyber-3 metadata-query
request as-jsdf.json jsdf-cyber metadata-query
printf '{"requester": "npa-cyber-3", "officer": ' > broken.json
kansa ledger init --db l.db --policy policy.cose >/dev/null || exit 99

# ---- certificates: a server CA, the units' CA, and a CA nobody trusts -----
newkey() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1.key" 2>/dev/null && chmod 600 "$1.key"; }
ca() { newkey "$1" && openssl req -x509 -new -key "$1.key" -out "$1.pem" -days 2 -subj "/CN=$1" 2>/dev/null; }
cert() { # NAME CA SUBJECT [SAN]
	newkey "$1" && openssl req -new -key "$1.key" -out "$1.csr" -subj "$3" 2>/dev/null || return 1
	if [ -n "${4:-}" ]; then echo "subjectAltName=$4" > "$1.ext"; else : > "$1.ext"; fi
	openssl x509 -req -in "$1.csr" -CA "$2.pem" -CAkey "$2.key" -CAcreateserial -days 2 \
		-extfile "$1.ext" -out "$1.pem" 2>/dev/null
}
ca server-ca && ca units-ca && ca other-ca || exit 99
cert server server-ca /CN=localhost IP:127.0.0.1 || exit 99
cert npa units-ca /CN=npa-cyber-3 || exit 99
cert jsdf units-ca /CN=jsdf-cyber || exit 99
cert nobody units-ca /CN=npa-cyber-9 || exit 99
cert byuri units-ca /CN=someone-else URI:kansa:unit:npa-cyber-3 || exit 99
cert foreign other-ca /CN=npa-cyber-3 || exit 99
cert twocn units-ca /CN=npa-cyber-3/CN=jsdf-cyber || exit 99
cert twouri units-ca /CN=npa-cyber-3 URI:kansa:unit:npa-cyber-3,URI:kansa:unit:jsdf-cyber || exit 99
# expired: the units' CA signed it, valid until yesterday (openssl x509 cannot date one back)
newkey expired && python3 - <<'PY' || exit 99
import datetime
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509.oid import NameOID
ca_key = serialization.load_pem_private_key(open("units-ca.key", "rb").read(), None)
ca = x509.load_pem_x509_certificate(open("units-ca.pem", "rb").read())
key = serialization.load_pem_private_key(open("expired.key", "rb").read(), None)
now = datetime.datetime.now(datetime.timezone.utc)
cert = (x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "npa-cyber-3")]))
        .issuer_name(ca.subject).public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=3)).not_valid_after(now - datetime.timedelta(days=1))
        .sign(ca_key, hashes.SHA256()))
open("expired.pem", "wb").write(cert.public_bytes(serialization.Encoding.PEM))
PY

# ---- the server (exec'd, so that $! is its pid) ------------------------------
# Under make check-valgrind the server is the program under memcheck (its
# exit status at SIGTERM, below, is 99 on any error or leak); three clients
# (an allow, --receipt-out, a refusal at TLS) run under memcheck too, the
# others as the plain program. The connection timeout: 5 s, longer under
# valgrind, where a TLS handshake alone can take that long.
tmo=5
[ "${KANSA_VALGRIND:-0}" = 1 ] && tmo=40
(kansa_exec serve --db l.db --listen 127.0.0.1:0 --cert server.pem --key server.key \
	--client-ca units-ca.pem --timeout $tmo --max-connections 200 2> serve.err) &
server=$!
trap 'kill "$server" 2>/dev/null; rm -rf "$T"' EXIT
port=
for _ in $(seq 1 600); do
	port=$(sed -n 's|.*listening on https://127\.0\.0\.1:\([0-9]*\).*|\1|p' serve.err)
	[ -n "$port" ] && break
	sleep 0.1
done
[ -n "$port" ] || { echo "the server did not start:"; cat serve.err; exit 99; }
URL=https://127.0.0.1:$port
ok "kansa serve listens on the port it picked ($port)"

as() { # UNIT REQUEST [more options]: kansa check through the service (the plain program)
	unit=$1; req=$2; shift 2
	"$KANSA" check --server "$URL" --cert "$unit.pem" --key "$unit.key" --ca server-ca.pem \
		--warrant w.cose --request "$req" --json "$@"
}
checked_as() { # the same under memcheck in make check-valgrind
	unit=$1; req=$2; shift 2
	kansa check --server "$URL" --cert "$unit.pem" --key "$unit.key" --ca server-ca.pem \
		--warrant w.cose --request "$req" --json "$@"
}
mcurl() { curl -sS --tlsv1.3 --cacert server-ca.pem --cert npa.pem --key npa.key "$@"; }

# ---- allowed, and the same JSON as in process ------------------------------
expect_exit 0 "a check of the unit named in its certificate is allowed" -- checked_as npa ok.json
[ "$(json_get out.txt "j['decision'], j['reason']")" = "allow allowed" ] && ok "its answer is allow" || not_ok "its answer"
expect_grep '"leaf_hash"' out.txt "with the entry's leaf hash, as kansa check --json prints it"
expect_exit 0 "a unit named by a URI SAN kansa:unit:NAME is allowed" -- as byuri ok.json

# REQ: SERVICE-RECEIPT the signed receipt comes back through the service, and
# the data holder's verifier accepts it with the log's public key alone
from=$(date -u -d '-7 days' +%Y-%m-%dT%H:%M:%SZ); until=$(date -u -d '-1 day' +%Y-%m-%dT%H:%M:%SZ)
cat > abs.json <<JSON
{ "requester": "npa-cyber-3", "officer": "officer-1207", "action": "metadata-query", "targets": ["203.0.113.17"],
  "fields": ["src_ip"], "window": ["$from", "$until"], "justification": "C2 beaconing analysis" }
JSON
expect_exit 0 "through the service: --receipt-out" -- checked_as npa abs.json --receipt-out svc.receipt
[ -s svc.receipt ] && ok "the receipt was written" || not_ok "no receipt written"
expect_grep '"receipt"' out.txt "--json carries the receipt"
mcurl "$URL/v1/info" | python3 -c 'import json,sys; print(json.load(sys.stdin)["log_key"])' > log.vkey
expect_exit 0 "the service's receipt verifies" -- kansa receipt verify svc.receipt --log-key log.vkey --request abs.json
sed 's/203.0.113.17/203.0.113.18/' abs.json > other.json
expect_exit 1 "it is not a receipt for another request" -- kansa receipt verify svc.receipt --log-key log.vkey --request other.json
w64=$(base64 -w0 w.cose)
printf '{"warrant": "%s", "request": %s}' "$w64" "$(cat ok.json)" > body.json
mcurl -H 'Content-Type: application/json' --data-binary @body.json "$URL/v1/check" > raw.json
[ "$(json_get raw.json "j['decision'], j['unit']")" = "allow npa-cyber-3" ] \
	&& ok "POST /v1/check answers the check's JSON with the unit" || { not_ok "raw check"; cat raw.json; }

# ---- refused at TLS ------------------------------------------------------
curl -sS --tlsv1.3 --cacert server-ca.pem "$URL/healthz" > out.txt 2> err.txt
[ $? -ne 0 ] && ok "no client certificate: refused at TLS" || not_ok "no client certificate was answered: $(cat out.txt)"
expect_exit 4 "a certificate from another CA: refused, deny, exit 4" -- checked_as foreign ok.json
[ "$(json_get out.txt "j['decision'], j['reason']")" = "deny not-recorded" ] && ok "its answer is deny, not recorded" \
	|| not_ok "its answer: $(cat out.txt)"
curl -sS --cacert server-ca.pem --cert foreign.pem --key foreign.key "$URL/healthz" > out.txt 2>&1
[ "$(cat out.txt)" != "ok" ] && ok "curl with the other CA's certificate gets no answer" || not_ok "other CA answered"
python3 - "$port" > out.txt <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=8)
s.sendall(b"GET /healthz HTTP/1.0\r\n\r\n")
try:
    print(s.recv(100))
except Exception as e:
    print("error", e)
PY
grep -q "200 OK" out.txt && not_ok "plain HTTP was answered: $(cat out.txt)" || ok "plain HTTP is not answered"

expect_exit 4 "an expired certificate of the units' CA: refused, deny, exit 4" -- as expired ok.json
expect_exit 4 "a certificate with two CNs names no unit: refused (403), exit 4" -- as twocn ok.json
expect_grep "naming one unit" err.txt "with what to do"
expect_exit 4 "a certificate with two kansa:unit URIs names no unit: refused, exit 4" -- as twouri ok.json
expect_exit 4 "a server the --ca does not vouch for: deny, exit 4" -- \
	kansa check --server "$URL" --cert npa.pem --key npa.key --ca other-ca.pem --warrant w.cose --request ok.json
expect_exit 2 "--db and --server together: a usage error" -- \
	kansa check --db l.db --server "$URL" --cert npa.pem --key npa.key --ca server-ca.pem --request ok.json
expect_exit 2 "--server without --cert: a usage error" -- \
	kansa check --server "$URL" --key npa.key --ca server-ca.pem --request ok.json
expect_exit 4 "nobody listening: deny, exit 4" -- \
	kansa check --server https://127.0.0.1:1 --cert npa.pem --key npa.key --ca server-ca.pem --warrant w.cose --request ok.json

# ---- units: denied and recorded --------------------------------------------
unauth() { # DESCRIPTION UNIT REQUEST
	expect_exit 1 "$1: denied" -- as "$2" "$3"
	[ "$(json_get out.txt "j['reason']")" = unauthenticated-requester ] \
		&& ok "$1: unauthenticated-requester, seq $(json_get out.txt "j['seq']")" \
		|| { not_ok "$1: reason"; cat out.txt; }
}
unauth "a unit the policy does not name, asking as the warrant's subject" nobody ok.json
unauth "a unit asking in another unit's name" jsdf ok.json
unauth "a unit asking for an action it is not listed for" jsdf as-jsdf.json

# ---- bodies ------------------------------------------------------------------
head -c 1100000 /dev/zero | tr '\0' 'a' > big.json
code=$(mcurl -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' --data-binary @big.json "$URL/v1/check")
[ "$code" = 413 ] && ok "a body over 1 MiB: 413" || not_ok "a body over 1 MiB: $code"
expect_exit 0 "and the server still answers" -- as npa ok.json
expect_exit 1 "a request that is not JSON: denied" -- as npa broken.json
[ "$(json_get out.txt "j['reason'], j['seq'] > 0")" = "malformed-request True" ] && ok "as malformed-request, recorded" \
	|| not_ok "malformed: $(cat out.txt)"
code=$(mcurl -o raw.json -w '%{http_code}' -H 'Content-Type: application/json' --data-binary '{"warrant": 7' "$URL/v1/check")
[ "$code" = 200 ] && [ "$(json_get raw.json "j['reason']")" = malformed-request ] \
	&& ok "a body that is not JSON: recorded malformed-request" || { not_ok "broken body: $code"; cat raw.json; }

# ---- read routes ---------------------------------------------------------------
[ "$(mcurl "$URL/healthz")" = ok ] && ok "GET /healthz" || not_ok "GET /healthz"
mcurl "$URL/v1/info" > info.json
[ "$(json_get info.json "j['commission']")" = jp-ccisc ] && ok "GET /v1/info" || { not_ok "GET /v1/info"; cat info.json; }
mcurl "$URL/v1/checkpoint" > cp.txt
expect_grep "^kansa.example/jp-ccisc/" cp.txt "GET /v1/checkpoint: a signed note of the log"
mcurl "$URL/metrics" > metrics.txt
expect_grep 'kansa_checks_total{decision="deny",reason="unauthenticated-requester"} 3' metrics.txt \
	"GET /metrics counts the checks by decision and reason"
expect_grep '^kansa_ledger_entries ' metrics.txt "and the ledger's size"
# the batch histogram agrees with the commit counters: every commit in one
# bucket, the buckets cumulative and the sum the entries committed
batches=$(python3 - metrics.txt <<'PY'
import re, sys
m = {}
for line in open(sys.argv[1]):
    k = line.split()
    if len(k) == 2 and not line.startswith("#"):
        m[k[0]] = int(float(k[1]))
b = [(k, v) for k, v in m.items() if k.startswith("kansa_ledger_batch_size_bucket{")]
le = [re.search(r'le="([^"]+)"', k).group(1) for k, _ in b]
ok = (le == [str(1 << i) for i in range(9)] + ["+Inf"]
      and all(b[i][1] <= b[i + 1][1] for i in range(len(b) - 1))
      and b[-1][1] == m["kansa_ledger_batch_size_count"] == m["kansa_ledger_commits_total"] > 0
      and m["kansa_ledger_batch_size_sum"] == m["kansa_ledger_appends_total"] >= b[-1][1])
print("agree" if ok else "disagree")
PY
)
[ "$batches" = agree ] && ok "and its commits by batch size (a histogram that agrees with the commit counters)" \
	|| { not_ok "batch histogram: $batches"; grep kansa_ledger metrics.txt; }

# ---- idle connections do not starve a lawful client -----------------------------
# The idle clients hold their connections until told to let go, then report
# how many the server still had open: all of them means the lawful check was
# answered while they sat idle, not after the idle timeout had closed them.
: > idle.out
rm -f idle.release
python3 - "$port" 120 > idle.out <<'PY' &
import os, socket, sys, time
socks = [socket.create_connection(("127.0.0.1", int(sys.argv[1]))) for _ in range(int(sys.argv[2]))]
print("open", len(socks), flush=True)
for _ in range(1200):  # hang guard: 120 s
    if os.path.exists("idle.release"):
        break
    time.sleep(0.1)
still = 0
for s in socks:
    s.setblocking(False)
    try:
        still += s.recv(1) != b""
    except BlockingIOError:
        still += 1
    except OSError:
        pass
print("still", still, flush=True)
PY
idle=$!
for _ in $(seq 1 600); do grep -q open idle.out && break; sleep 0.1; done
code=$(mcurl -o raw.json -w '%{http_code}' -H 'Content-Type: application/json' --data-binary @body.json "$URL/v1/check")
touch idle.release
wait "$idle"
[ "$code" = 200 ] && [ "$(json_get raw.json "j['decision']")" = allow ] \
	&& ok "120 idle connections open: a lawful check is still answered" || not_ok "with idle connections: $code"
grep -qx "still 120" idle.out && ok "while all 120 idle connections were still open" \
	|| not_ok "the idle connections were closed before the answer: $(tr '\n' ' ' < idle.out)"

# ---- at --max-connections the listener waits; the timeout frees the idle ones -----
: > idle.out
python3 - "$port" 200 > idle.out <<'PY' &
import socket, sys, time
socks = [socket.create_connection(("127.0.0.1", int(sys.argv[1]))) for _ in range(int(sys.argv[2]))]
print("open", len(socks), flush=True)
time.sleep(9)
PY
idle=$!
for _ in $(seq 1 100); do grep -q open idle.out && break; sleep 0.1; done
start=$(date +%s)
code=$(mcurl --max-time 60 -o raw.json -w '%{http_code}' -H 'Content-Type: application/json' --data-binary @body.json "$URL/v1/check")
took=$(($(date +%s) - start))
[ "$code" = 200 ] && [ "$(json_get raw.json "j['decision']")" = allow ] \
	&& ok "200 idle connections (the limit): a lawful check is answered once the timeout closes them ($took s)" \
	|| not_ok "at the connection limit: $code after $took s"
[ $took -ge 2 ] && ok "it waited for a free connection: the limit holds" || not_ok "answered after $took s past the limit"
wait "$idle"

# ---- slow clients: cut at the timeout, however steadily they trickle ----------------
# REQ: SERVICE-LIMIT-SLOW
# One client sends a real TLS ClientHello a byte a second, one completes the
# handshake and sends an HTTP header a byte a second: each byte would start
# an idle timeout again, so only a deadline per request closes them. The hang
# guard gives them three timeouts.
python3 - "$port" "$tmo" > slow.out <<'PY'
import socket, ssl, sys, time
port, tmo = int(sys.argv[1]), int(sys.argv[2])
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
inc, out = ssl.MemoryBIO(), ssl.MemoryBIO()
try:
    ctx.wrap_bio(inc, out).do_handshake()
except ssl.SSLWantReadError:
    pass
hello = out.read()
clients = {"handshake": (socket.create_connection(("127.0.0.1", port)), hello),
           "header": (ctx.wrap_socket(socket.create_connection(("127.0.0.1", port))),
                      b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 4096)}
start, closed = time.time(), {}
for i in range(3 * tmo):
    for name, (s, data) in clients.items():
        if name not in closed:
            try:
                s.send(data[i:i + 1])
            except OSError:
                closed[name] = time.time() - start
    if len(closed) == len(clients):
        break
    time.sleep(1)
for name in clients:
    print(name, "closed" if name in closed else "open", flush=True)
PY
grep -qx "handshake closed" slow.out && ok "a handshake sent a byte a second is cut at --timeout" \
	|| not_ok "the slow handshake: $(tr '\n' ' ' < slow.out)"
grep -qx "header closed" slow.out && ok "a header sent a byte a second is cut at --timeout" \
	|| not_ok "the slow header: $(tr '\n' ' ' < slow.out)"

# ---- SIGHUP: the certificate files read again -----------------------------------
cp units-ca.pem units-ca.keep && cp other-ca.pem units-ca.pem
kill -HUP "$server"
for _ in $(seq 1 300); do grep -q "read again" serve.err && break; sleep 0.1; done
expect_exit 4 "after SIGHUP with another client CA: the old units' certificates are refused" -- as npa ok.json
expect_exit 0 "and the new CA's are accepted" -- as foreign ok.json
echo "not a certificate" > units-ca.pem
kill -HUP "$server"
for _ in $(seq 1 300); do grep -q "kept the certificates" serve.err && break; sleep 0.1; done
expect_grep "kept the certificates in use" serve.err "a SIGHUP with a broken file keeps the certificates in use"
expect_exit 0 "and the server goes on with them" -- as foreign ok.json
cp units-ca.keep units-ca.pem
kill -HUP "$server"
for _ in $(seq 1 300); do [ "$(grep -c "read again" serve.err)" -ge 2 ] && break; sleep 0.1; done
expect_exit 0 "the units' CA back after SIGHUP" -- as npa ok.json

# ---- concurrency ---------------------------------------------------------------
pids=
for i in $(seq 1 20); do as npa ok.json > "c$i.json" 2>/dev/null & pids="$pids $!"; done
# shellcheck disable=SC2086
wait $pids
allows=0
for i in $(seq 1 20); do [ "$(json_get "c$i.json" "j['decision']")" = allow ] && allows=$((allows + 1)); done
[ $allows -eq 20 ] && ok "20 concurrent clients: 20 allows" \
	|| { not_ok "20 concurrent clients: $allows allows"; sed 's/^/    /' c1.json; }

# ---- SIGTERM with checks in flight ---------------------------------------------
# 20 clients, 3 checks each; the signal comes once the first answers are back
pids=
for i in $(seq 1 20); do
	( for k in 1 2 3; do as npa ok.json > "s$i-$k.json" 2>/dev/null; done ) &
	pids="$pids $!"
done
for _ in $(seq 1 600); do [ -s s1-1.json ] && break; sleep 0.05; done
kill -TERM "$server"
# shellcheck disable=SC2086
wait $pids
wait "$server"; rc=$?
[ $rc -eq 0 ] && ok "SIGTERM: the server exits 0" || { not_ok "SIGTERM: exit $rc"; cat serve.err; }
expect_grep "every request in flight answered" serve.err "after answering every request in flight ($(sed -n 's/.*answering \([0-9]*\) request.*/\1/p' serve.err) at the signal)"
trap 'rm -rf "$T"' EXIT
answered=0 refused=0 bad=0
for f in s*-*.json; do
	case $(json_get "$f" "j['decision'] + ' ' + j.get('reason', '')" 2>/dev/null) in
	"allow allowed") answered=$((answered + 1)) ;;
	"deny not-recorded") refused=$((refused + 1)) ;; # after the stop: refused, nothing recorded
	*) bad=$((bad + 1)); echo "    $f: $(cat "$f")" ;;
	esac
done
[ $bad -eq 0 ] && [ $answered -gt 0 ] && ok "SIGTERM: $answered answered, $refused refused after the stop, none lost" \
	|| not_ok "SIGTERM: $answered answered, $bad clients got neither an answer nor a refusal"

# ---- the ledger -----------------------------------------------------------------
expect_exit 0 "ledger verify passes" -- kansa ledger verify --db l.db
expect_exit 0 "audit replay re-decides every check, units included" -- kansa audit replay --db l.db
python3 - c*.json s*-*.json > allows.txt <<'PY'
import json, sys
def load(f):
    try:
        return json.load(open(f))
    except ValueError:
        return {}
allows = [load(f) for f in sys.argv[1:]]
allows = [(j["seq"], j["leaf_hash"]) for j in allows if j.get("decision") == "allow"]
print(len(allows), len({s for s, _ in allows}), max([s for s, _ in allows] or [-1]))
for s, leaf in allows[:30]:
    print(s, leaf)
PY
read -r n distinct top < allows.txt
kansa ledger info --db l.db --json > info.json
[ "$n" -gt 0 ] && [ "$n" = "$distinct" ] && [ "$top" -lt "$(json_get info.json "j['size']")" ] \
	&& ok "the $n allows of the concurrent clients have $n distinct seqs, all in the ledger" \
	|| not_ok "$n allows, $distinct seqs, highest $top"
kansa audit report --db l.db --json > report.json
[ "$(json_get report.json "j['summary']['allowed'] >= $n")" = True ] && ok "the ledger counts every one of them" \
	|| not_ok "the report counts fewer allows than were answered"
missing=0
tail -n +2 allows.txt > sample.txt
while read -r seq leaf; do
	kansa ledger proof --db l.db --seq "$seq" --json > proof.json 2>/dev/null
	[ "$(json_get proof.json "j['leaf_hash']")" = "$leaf" ] || missing=$((missing + 1))
done < sample.txt
[ $missing -eq 0 ] && ok "the allows' seqs hold their leaf hashes in the ledger (30 checked by proof)" \
	|| not_ok "$missing allows not in the ledger"
finish
