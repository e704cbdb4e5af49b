#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# kansa serve's CBOR check and commission documents (design §10), with curl:
# a CBOR body decided and answered in CBOR with its receipt, which the data
# holder's verifier accepts for that CBOR request; a JSON body answered in
# CBOR on Accept; malformed CBOR bodies recorded as malformed-request (past
# the bound by their hash and size); the unit check applies to CBOR bodies;
# kansa check --server --cbor the same from the CLI, and --request-out (a
# JSON request with relative times sent as the CBOR written).
# Documents:# refused without a client certificate, with too few signatures, a forged
# signer, another commission, the wrong kind or bytes that are no document,
# each with nothing recorded; a revocation recorded, then the warrant denied
# revoked, a second revocation 409; an emergency act ratified; a policy
# update, then a check decided under it. Then ledger verify and audit replay.
# --crl: a unit certificate revoked on its CA's CRL is refused at TLS after
# SIGHUP (nothing recorded), others of the CA served; a broken CRL is not
# taken (on SIGHUP the old one stays; at start the server does not start).
. "${KANSA_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib.sh"
. "${KANSA_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib-audit.sh"
. "${KANSA_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib-serve.sh"

command -v curl >/dev/null || { echo "1..0 # SKIP curl is not installed"; exit 77; }
mini="python3 ${KANSA_SRCDIR:-$(dirname "$0")/../..}/tests/cbor_mini.py"
members a b c x

policy() { # VERSION UNITS: the policy's JSON
	cat <<JSON
{ "commission": "jp-ccisc", "version": $1,
  "members": [ {"name": "member-a", "public_key": "a.key.pub"},
               {"name": "member-b", "public_key": "b.key.pub"},
               {"name": "member-c", "public_key": "c.key.pub"} ],
  "quorum": {"metadata-query": 2, "neutralize": 3, "revoke": 2, "policy": 3},
  "emergency": {"neutralize": "24h"},
  "fields": ["src_ip","dst_ip","ts"], "forbidden_fields": ["payload"], "ops": ["stop-process"],
  "units": [ $2 {"name": "jsdf-cyber-1", "actions": ["neutralize"]} ] }
JSON
}
policy 1 '{"name": "npa-cyber-3", "actions": ["metadata-query"]},' > policy.json
audit_doc policy policy a b c
policy 2 '' > policy2.json
kansa policy create --in policy2.json --out policy2.cose >/dev/null || exit 99
kansa policy sign policy2.cose --key a.key >/dev/null 2>&1 && kansa policy sign policy2.cose --key b.key >/dev/null 2>&1 || exit 99
audit_doc warrant w a b <<'JSON'
{ "commission": "jp-ccisc", "subject": "npa-cyber-3", "action": "metadata-query", "case": "T-1",
  "not_before": "-1h", "expires": "+30d",
  "scope": { "targets": ["203.0.113.0/24"], "fields": ["src_ip","dst_ip"], "window": ["-30d", "now"] } }
JSON
from=$(($(date +%s) - 7 * 86400)); until=$(($(date +%s) - 86400))
request() { # FILE REQUESTER
	cat > "$1" <<JSON
{ "requester": "$2", "officer": "officer-1207", "action": "metadata-query", "targets": ["203.0.113.17"],
  "fields": ["src_ip"], "window": [$from, $until], "justification": "C2 beaconing analysis" }
JSON
}
request q.json npa-cyber-3
request q-jsdf.json jsdf-cyber-1
kansa ledger init --db l.db --policy policy.cose >/dev/null || exit 99
log_key=$(kansa ledger info --db l.db --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["log_key"])')

serve_certs || exit 99
serve_cert npa units-ca /CN=npa-cyber-3 || exit 99
serve_cert jsdf units-ca /CN=jsdf-cyber-1 || exit 99
serve_cert clerk units-ca /CN=commission-clerk || exit 99
# --public-read: a client may come without a certificate, so the documents'
# own refusal of such a client is what is tested
serve_start l.db --public-read || exit 99
trap 'kill "$server" 2>/dev/null; rm -rf "$T"' EXIT
ok "kansa serve on port $port"

size() { kansa ledger info --db l.db --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["size"])'; }
show() { $mini show "$1" > "$1.json" 2>/dev/null || echo '{}' > "$1.json"; }

# ---- CBOR checks ---------------------------------------------------------------
$mini body q.json w.cose body.cbor && $mini request q.json q.cbor || exit 99
got=$(serve_curl npa -o ans.cbor -w '%{http_code} %{content_type}' -H 'Content-Type: application/cbor' \
	--data-binary @body.cbor "$URL/v1/check")
show ans.cbor
[ "$got" = "200 application/cbor" ] && ok "a CBOR body: 200, answered in CBOR" || not_ok "CBOR body: $got"
[ "$(json_get ans.cbor.json "j['decision'], j['reason'], j['unit'], j['recorded'], len(j['leaf_hash'])")" = \
	"allow allowed npa-cyber-3 True 64" ] && ok "allowed, recorded, the leaf hash a 32-byte string" \
	|| not_ok "CBOR answer: $(cat ans.cbor.json)"
json_get ans.cbor.json "j['receipt']" | python3 -c 'import sys; open("r.receipt","wb").write(bytes.fromhex(sys.stdin.read().strip()))'
expect_exit 0 "its receipt (a byte string) verifies for the CBOR request with the log key alone" -- \
	kansa receipt verify r.receipt --log-key "$log_key" --request q.cbor --cbor
seq=$(json_get ans.cbor.json "j['seq']")
kansa ledger proof --db l.db --seq "$seq" --json > proof.json 2>/dev/null
[ "$(json_get proof.json "j['leaf_hash']")" = "$(json_get ans.cbor.json "j['leaf_hash']")" ] \
	&& ok "the ledger holds that entry at seq $seq" || not_ok "entry $seq not the answer's"

got=$(serve_curl npa -o ans2.cbor -w '%{http_code} %{content_type}' -H 'Content-Type: application/json' \
	-H 'Accept: application/cbor' --data-binary "{\"warrant\": \"$(base64 -w0 w.cose)\", \"request\": $(cat q.json)}" \
	"$URL/v1/check")
show ans2.cbor
[ "$got" = "200 application/cbor" ] && [ "$(json_get ans2.cbor.json "j['decision']")" = allow ] \
	&& ok "a JSON body with Accept: application/cbor is answered in CBOR" || not_ok "Accept CBOR: $got $(cat ans2.cbor.json)"

$mini body q-jsdf.json w.cose other.cbor || exit 99
serve_curl npa -o ans3.cbor -H 'Content-Type: application/cbor' --data-binary @other.cbor "$URL/v1/check"
show ans3.cbor
[ "$(json_get ans3.cbor.json "j['decision'], j['reason'], j['recorded']")" = "deny unauthenticated-requester True" ] \
	&& ok "a CBOR request asking as another unit: denied unauthenticated-requester, recorded" \
	|| not_ok "as another unit: $(cat ans3.cbor.json)"

# malformed bodies: unsorted keys (not canonical), a request that is text, an
# unknown key, bytes that are no CBOR: each recorded, its bytes kept as the
# request (audit replay re-decides them below); one past the request bound
# (1 MiB less 1 KiB), by the SHA-256 and size of its bytes
python3 - <<'PY'
open("unsorted.cbor", "wb").write(bytes.fromhex("a2" "6777617272616e74" "f6" "6772657175657374" "a0"))
open("textreq.cbor", "wb").write(bytes.fromhex("a1" "6772657175657374" "6568656c6c6f"))
open("extra.cbor", "wb").write(bytes.fromhex("a2" "65657874726101" "6772657175657374" "a0"))
open("junk.cbor", "wb").write(bytes.fromhex("ff00ab1f"))
open("big.cbor", "wb").write(b"\xff" * (1024 * 1024 - 100))
PY
before=$(size)
for f in unsorted textreq extra junk big; do
	got=$(serve_curl npa -o "m-$f.cbor" -w '%{http_code}' -H 'Content-Type: application/cbor' \
		--data-binary "@$f.cbor" "$URL/v1/check")
	show "m-$f.cbor"
	[ "$got" = 200 ] && [ "$(json_get "m-$f.cbor.json" "j['decision'], j['reason'], j['recorded']")" = \
		"deny malformed-request True" ] && ok "CBOR body $f: recorded, deny malformed-request" \
		|| not_ok "CBOR body $f: $got $(cat "m-$f.cbor.json")"
done
[ "$(size)" = $((before + 5)) ] && ok "each malformed body is one entry" || not_ok "size $(size), was $before"
kansa audit entries --db l.db --json > entries.json 2>/dev/null
python3 - > hashed.txt <<'PY'
import hashlib, json
j = json.load(open("entries.json"))
e = {e["seq"]: e for e in j["entries"]}[json.load(open("m-big.cbor.json"))["seq"]]
body = open("big.cbor", "rb").read()
print(e.get("request_hash") == hashlib.sha256(body).hexdigest() and e.get("request_size") == len(body))
PY
[ "$(cat hashed.txt)" = True ] && ok "the one past the bound is recorded by the SHA-256 and size of its bytes" \
	|| not_ok "big body: $(cat hashed.txt)"
[ "$(json_get m-unsorted.cbor.json "'malformed' in j['detail'] or 'cbor' in j['detail']")" = True ] \
	&& ok "the detail says the request is malformed" || not_ok "detail: $(cat m-unsorted.cbor.json)"
# kansa check --server --cbor: the request file is CBOR, so is the exchange;
# the receipt is the data holder's as in process
cbor_check() { # OUT REQUEST [--warrant W]: kansa check --server --cbor --json
	o=$1 q=$2; shift 2
	kansa check --server "$URL" --cert npa.pem --key npa.key --ca server-ca.pem --cbor --request "$q" \
		"$@" --json > "$o" 2>"$o.err"
}
cbor_check cc.json q.cbor --warrant w.cose --receipt-out cc.receipt; rc=$?
[ $rc = 0 ] && [ "$(json_get cc.json "j['decision'], j['recorded'], len(j['receipt']) > 0")" = "allow True True" ] \
	&& ok "check --server --cbor: allowed, exit 0, with its receipt" || not_ok "check --cbor: rc $rc $(cat cc.json cc.json.err)"
kansa receipt verify cc.receipt --log-key "$log_key" --request q.cbor --cbor >/dev/null 2>&1 \
	&& ok "its receipt verifies for that CBOR request" || not_ok "the --cbor receipt does not verify"
[ "$(kansa receipt show cc.receipt --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["receipt"]["seq"])')" = \
	"$(json_get cc.json "j['seq']")" ] && ok "the receipt names the entry the answer names" || not_ok "receipt seq"
cbor_check cj.json junk.cbor --warrant w.cose; rc=$?
[ $rc = 1 ] && [ "$(json_get cj.json "j['decision'], j['reason'], j['recorded']")" = "deny malformed-request True" ] \
	&& ok "check --server --cbor with bytes that are no CBOR: recorded, deny malformed-request, exit 1" \
	|| not_ok "junk --cbor: rc $rc $(cat cj.json cj.json.err)"
$mini request q-jsdf.json q-jsdf.cbor || exit 99
kansa receipt verify cc.receipt --log-key "$log_key" --request q-jsdf.cbor --cbor >/dev/null 2>&1 \
	&& not_ok "the receipt verified for another request" || ok "the receipt does not verify for another request"
cbor_check co.json q-jsdf.cbor --warrant w.cose; rc=$?
[ $rc = 1 ] && [ "$(json_get co.json "j['reason']")" = unauthenticated-requester ] \
	&& ok "check --server --cbor as another unit: deny unauthenticated-requester" || not_ok "other unit: rc $rc $(cat co.json)"
# --request-out through the service: a JSON request with relative times is
# converted on the unit's side and sent as CBOR; the receipt is for the file
sed "s/\[$from, $until\]/[\"-7d\", \"-1d\"]/" q.json > q-rel.json
kansa check --server "$URL" --cert npa.pem --key npa.key --ca server-ca.pem --warrant w.cose \
	--request q-rel.json --request-out q-rel.cbor --receipt-out q-rel.receipt --json > qr.json 2> qr.err; rc=$?
[ $rc = 0 ] && [ "$(json_get qr.json "j['decision'], j['request_out']")" = "allow q-rel.cbor" ] \
	&& ok "check --server --request-out: allowed, the request written" || not_ok "--request-out: rc $rc $(cat qr.json qr.err)"
kansa receipt verify q-rel.receipt --log-key "$log_key" --request q-rel.cbor --cbor --at +1m >/dev/null 2>&1 \
	&& ok "its receipt verifies for the CBOR written" || not_ok "the --request-out receipt does not verify"
[ "$($mini show q-rel.cbor | python3 -c 'import json,sys; w = json.load(sys.stdin)["window"]; print(w[1] - w[0])')" = 518400 ] \
	&& ok "with the window fixed to absolute times" || not_ok "window of q-rel.cbor: $($mini show q-rel.cbor)"
printf '{"requester": "npa-cyber-3", "officer": ' > q-broken.json
kansa check --server "$URL" --cert npa.pem --key npa.key --ca server-ca.pem --warrant w.cose \
	--request q-broken.json --request-out q-broken.cbor --json > qb.json 2> qb.err; rc=$?
[ $rc = 1 ] && [ "$(json_get qb.json "j['reason'], j['recorded']")" = "malformed-request True" ] && [ ! -e q-broken.cbor ] \
	&& ok "--request-out with a request that does not convert: sent as it is, recorded malformed-request, no file" \
	|| not_ok "broken --request-out: rc $rc $(cat qb.json qb.err)"
cbor_check cn.json q.cbor; rc=$?
[ $rc = 1 ] && [ "$(json_get cn.json "j['decision'], j['recorded']")" = "deny True" ] \
	&& ok "check --server --cbor without a warrant: denied, recorded" || not_ok "no warrant: rc $rc $(cat cn.json)"

got=$(serve_curl npa -o /dev/null -w '%{http_code}' -H 'Content-Type: text/plain' --data-binary @body.cbor "$URL/v1/check")
[ "$got" = 415 ] && ok "a body of another type: 415" || not_ok "text/plain: $got"

# ---- commission documents: refused, nothing recorded ------------------------------
cti=$(kansa warrant show w.cose --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["cti"])')
revocation() { # NAME COMMISSION SIGNERS...
	name=$1; commission=$2; shift 2
	echo "{ \"commission\": \"$commission\", \"warrant\": \"$cti\", \"reason\": \"case closed\" }" |
		audit_doc revocation "$name" "$@"
}
revocation rv-one jp-ccisc a
revocation rv-forged jp-ccisc a x
revocation rv-other other-commission a b
revocation rv jp-ccisc a b
post() { # UNIT|- ROUTE FILE [content type]: prints the status, the answer in post.json
	if [ "$1" = - ]; then
		curl -sS --tlsv1.3 --max-time 120 --cacert server-ca.pem -o post.json -w '%{http_code}' \
			-H "Content-Type: ${4:-application/cose}" --data-binary "@$3" "$URL/v1/$2"
	else
		serve_curl "$1" -o post.json -w '%{http_code}' -H "Content-Type: ${4:-application/cose}" \
			--data-binary "@$3" "$URL/v1/$2"
	fi
}
refused() { # STATUS WHAT UNIT|- ROUTE FILE [content type]
	want=$1; what=$2; shift 2
	before=$(size)
	got=$(post "$@")
	case "|$want|" in *"|$got|"*) got_want=1 ;; *) got_want=0 ;; esac
	[ $got_want = 1 ] && [ "$(json_get post.json "j['ok'], j.get('recorded', False)")" = "False False" ] \
		&& [ "$(size)" = "$before" ] && ok "$what: $want, nothing recorded" \
		|| { not_ok "$what: $got, size $(size) (was $before)"; cat post.json; }
}
refused 403 "a revocation without a client certificate" - revocations rv.cose
refused 422 "a revocation with one signature of the two its quorum needs" clerk revocations rv-one.cose
refused 422 "a revocation signed by a key that is no member" clerk revocations rv-forged.cose
refused 422 "a revocation of another commission" clerk revocations rv-other.cose
refused 400 "a warrant posted as a revocation" clerk revocations w.cose
refused 400 "bytes that are no document" clerk revocations junk.cbor
echo '{"document": "not base64!"}' > nb64.json
refused 400 "JSON whose document is not base64" clerk revocations nb64.json application/json
expect_grep '"message"' post.json "a refusal says why"

# ---- a revocation, then the warrant is denied ----------------------------------------
got=$(post clerk revocations rv.cose)
[ "$got" = 200 ] && [ "$(json_get post.json "j['ok'], j['kind'], j['recorded']")" = "True revocation True" ] \
	&& ok "a revocation with its quorum, from any certificate of the client CA: recorded" \
	|| { not_ok "revocation: $got"; cat post.json; }
rseq=$(json_get post.json "j['seq']")
kansa ledger proof --db l.db --seq "$rseq" --json > proof.json 2>/dev/null
[ "$(json_get proof.json "j['leaf_hash']")" = "$(json_get post.json "j['leaf_hash']")" ] \
	&& ok "the answer names its entry (seq $rseq, leaf hash)" || not_ok "revocation entry"
serve_curl npa -o rev.cbor -H 'Content-Type: application/cbor' --data-binary @body.cbor "$URL/v1/check"
show rev.cbor
[ "$(json_get rev.cbor.json "j['decision'], j['reason']")" = "deny revoked" ] \
	&& ok "then a check under the revoked warrant: denied revoked" || not_ok "after revocation: $(cat rev.cbor.json)"
refused 409 "the same warrant revoked again" clerk revocations rv.cose

# ---- an emergency act, ratified ----------------------------------------------------
cat > e1.json <<'JSON'
{ "requester": "jsdf-cyber-1", "officer": "officer-0815", "action": "neutralize", "emergency": true,
  "host": "198.51.100.9", "op": "stop-process", "justification": "wiper spreading" }
JSON
serve_curl jsdf -o em.json -H 'Content-Type: application/json' \
	--data-binary "{\"warrant\": null, \"request\": $(cat e1.json)}" "$URL/v1/check"
[ "$(json_get em.json "j['decision'], j['ratify_by_unix'] > 0")" = "allow True" ] \
	&& ok "an emergency act through the service: allowed, to be ratified" || { not_ok "emergency"; cat em.json; }
# times in the service's JSON as in the CLI's (design §3): RFC 3339 text, and KEY_unix
rfc() { echo "__import__('time').strftime('%Y-%m-%dT%H:%M:%SZ', __import__('time').gmtime(j['$1_unix'])) == j['$1']"; }
[ "$(json_get em.json "$(rfc time), $(rfc ratify_by)")" = "True True" ] \
	&& ok "the check's answer gives time and ratify_by as RFC 3339 text and _unix seconds" || { not_ok "times"; cat em.json; }
leaf=$(json_get em.json "j['leaf_hash']")
echo "{ \"commission\": \"jp-ccisc\", \"entry\": \"$leaf\", \"approved\": true, \"reason\": \"reviewed\" }" > rat.in
audit_doc ratification rat-one a < rat.in
audit_doc ratification rat a b < rat.in
python3 -c 'import base64,json,sys; print(json.dumps({"document": base64.b64encode(open(sys.argv[1],"rb").read()).decode()}))' \
	rat-one.cose > rat-one.body
python3 -c 'import base64,json,sys; print(json.dumps({"document": base64.b64encode(open(sys.argv[1],"rb").read()).decode()}))' \
	rat.cose > rat.body
refused 422 "a ratification under its quorum" clerk ratifications rat-one.body application/json
got=$(post clerk ratifications rat.body application/json)
[ "$got" = 200 ] && [ "$(json_get post.json "j['kind'], j['recorded']")" = "ratification True" ] \
	&& ok "the ratification as JSON {\"document\": base64}: recorded" || { not_ok "ratification: $got"; cat post.json; }
[ "$(json_get post.json "$(rfc time)")" = True ] && ok "a document's answer gives its time as text and _unix" \
	|| { not_ok "document time"; cat post.json; }
kansa audit emergencies --db l.db --json > em-audit.json 2>/dev/null
[ "$(json_get em-audit.json "[e['state'] for e in j['emergencies']]")" = "['ratified']" ] \
	&& ok "the act is ratified in the audit" || not_ok "emergencies: $(cat em-audit.json)"
# the library answers an act ratified already as a verification failure (422)
refused "409|422" "a second ratification of the act" clerk ratifications rat.body application/json

# ---- a policy update, then a check under it --------------------------------------------
refused 422 "policy version 2 with two of the three signatures it needs" clerk policies policy2.cose
kansa policy sign policy2.cose --key c.key >/dev/null 2>&1 || exit 99
got=$(post clerk policies policy2.cose application/cbor)
[ "$got" = 200 ] && [ "$(json_get post.json "j['kind'], j['recorded']")" = "policy True" ] \
	&& ok "policy version 2 with its quorum, sent as application/cbor: recorded" || { not_ok "policy: $got"; cat post.json; }
serve_curl npa -o v2.json "$URL/v1/info"
[ "$(json_get v2.json "$(rfc last_time)")" = True ] && ok "/v1/info gives last_time as text and _unix" \
	|| not_ok "info time: $(cat v2.json)"
[ "$(json_get v2.json "j['policy_version']")" = 2 ] && ok "the service is under version 2" || not_ok "info: $(cat v2.json)"
serve_curl npa -o v2.cbor -H 'Content-Type: application/cbor' --data-binary @body.cbor "$URL/v1/check"
show v2.cbor
# version 2 no longer names npa-cyber-3 among its units, and the unit is
# checked right after row 1, before the revocation
[ "$(json_get v2.cbor.json "j['decision'], j['reason']")" = "deny unauthenticated-requester" ] \
	&& ok "a check after the update is decided under version 2 (its unit is gone)" || not_ok "under v2: $(cat v2.cbor.json)"
refused 422 "version 2 again" clerk policies policy2.cose

kill -TERM "$server"; wait "$server"
trap 'rm -rf "$T"' EXIT
expect_exit 0 "ledger verify passes" -- kansa ledger verify --db l.db
expect_exit 0 "audit replay re-decides every check, the CBOR ones and the malformed included" -- \
	kansa audit replay --db l.db

# ---- --crl: a revoked unit certificate is refused at TLS ------------------------------
printf '[ca]\ndefault_ca=u\n[u]\ndatabase=index.txt\ncrlnumber=crlnumber\ndefault_md=sha256\ndefault_crl_days=2\n' > ca.cnf
: > index.txt && echo 01 > crlnumber || exit 99
crl() { openssl ca -config ca.cnf -cert units-ca.pem -keyfile units-ca.key -gencrl -out crl.pem 2>/dev/null; }
crl || exit 99
serve_start l.db --crl crl.pem || exit 99
trap 'kill "$server" 2>/dev/null; rm -rf "$T"' EXIT
info() { serve_curl "$1" -o /dev/null -w '%{http_code}' "$URL/v1/info" 2>/dev/null; }
[ "$(info npa)" = 200 ] && ok "with a CRL that revokes nothing, the unit is served" || not_ok "empty CRL: $(info npa)"
openssl ca -config ca.cnf -cert units-ca.pem -keyfile units-ca.key -revoke npa.pem >/dev/null 2>&1 && crl || exit 99
kill -HUP "$server"
for _ in $(seq 1 300); do grep -q "read again" serve.err && break; sleep 0.1; done
[ "$(info npa)" = 000 ] && ok "after SIGHUP with npa's certificate on the CRL, it is refused at TLS" \
	|| not_ok "revoked certificate: $(info npa)"
[ "$(info jsdf)" = 200 ] && ok "and another unit of the same CA is still served" || not_ok "jsdf: $(info jsdf)"
before=$(size)
code=$(serve_curl npa -o /dev/null -w '%{http_code}' -H 'Content-Type: application/cbor' --data-binary @body.cbor \
	"$URL/v1/check" 2>/dev/null)
[ "$code" = 000 ] && [ "$(size)" = "$before" ] && ok "a check with the revoked certificate: refused, nothing recorded" \
	|| not_ok "revoked check: $code, size $(size) (was $before)"
echo "not a CRL" > crl.pem
kill -HUP "$server"
for _ in $(seq 1 300); do grep -q "kept the certificates" serve.err && break; sleep 0.1; done
expect_grep "kept the certificates in use" serve.err "a SIGHUP with a broken CRL keeps what is in use"
[ "$(info npa)" = 000 ] && [ "$(info jsdf)" = 200 ] && ok "the revocation still holds" || not_ok "after a broken CRL"
kill -TERM "$server"; wait "$server"
trap 'rm -rf "$T"' EXIT
"$KANSA" serve --db l.db --listen 127.0.0.1:0 --cert server.pem --key server.key --client-ca units-ca.pem \
	--crl crl.pem > out.txt 2> err.txt
rc=$?
[ $rc -eq 3 ] || [ $rc -eq 4 ] && grep -q "CRL" err.txt && ok "a CRL that cannot be read: kansa serve does not start ($rc)" \
	|| { not_ok "broken CRL at start: exit $rc"; cat err.txt; }
finish
