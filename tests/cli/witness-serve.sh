#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# kansa witness serve (design §11, c2sp.org/tlog-witness) end to end, on a
# loopback port it picks, with a TLS certificate made here: a first
# checkpoint cosigned from old size 0, the cosignature checked by
# tests/cosig_ref.py (an independent implementation); 409 with the size
# cosigned last, then the retry with the proof from that size; 422 for a bad
# proof; a smaller size after a larger refused; another root for the size
# cosigned (a fork) refused with no second cosignature; 404 for a log it was
# not given, 403 for a checkpoint not signed by the log's key; malformed
# bodies (400) and one over 1 MiB (413); the state survives a restart;
# parallel requests for one log are serialized (one cosigned, the rest 409);
# and the offline kansa witness cosign goes on from the server's state.
. "${KANSA_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib.sh"

src=${KANSA_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
REF="$src/tests/cosig_ref.py"
command -v curl >/dev/null || { echo "1..0 # SKIP curl is not installed"; exit 77; }
python3 -c 'import cryptography' 2>/dev/null || { echo "1..0 # SKIP python3 cryptography not found"; exit 77; }
. "${KANSA_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib-anchor.sh"

members a b
wvkey() { "$KANSA" keys show "$1" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["witness_vkey"])'; }
VA=$(wvkey a.key.pub)
cat > policy.json <<JSON
{ "commission": "jp-ccisc", "version": 1,
  "members": [ {"name": "member-a", "public_key": "a.key.pub"}, {"name": "member-b", "public_key": "b.key.pub"} ],
  "quorum": {"metadata-query": 1, "neutralize": 2, "revoke": 1, "policy": 1},
  "witnesses": [ {"name": "member-a", "vkey": "$VA"} ], "witness_quorum": 1,
  "fields": ["src_ip","dst_ip"], "forbidden_fields": ["payload"], "ops": ["stop-process"] }
JSON
cat > w.json <<'JSON'
{ "commission": "jp-ccisc", "subject": "npa-cyber-3", "action": "metadata-query", "case": "T-1",
  "not_before": "now", "expires": "+30d",
  "scope": { "targets": ["203.0.113.0/24"], "fields": ["src_ip"], "window": ["-30d", "now"] } }
JSON
# the second log's policy lists member-b as its witness, not the server's key (member-a)
VB=$(wvkey b.key.pub)
sed "s|{\"name\": \"member-a\", \"vkey\": \"$VA\"}|{\"name\": \"member-b\", \"vkey\": \"$VB\"}|" policy.json > policy-b.json
grep -q "$VB" policy-b.json || exit 99
{ kansa policy create --in policy.json --out policy.cose && kansa policy sign policy.cose --key a.key &&
  kansa policy create --in policy-b.json --out policy-b.cose && kansa policy sign policy-b.cose --key a.key &&
  kansa warrant create --in w.json --out w.cose && kansa warrant sign w.cose --key a.key; } >/dev/null 2>&1 || exit 99
request ok.json officer-1207
request fork.json officer-9999
logkey() { "$KANSA" ledger info --db "$1" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["log_key"])'; }
"$KANSA" ledger init --db a.db --policy policy.cose >/dev/null || exit 99
"$KANSA" ledger init --db other.db --policy policy-b.cose >/dev/null || exit 99
KA=$(logkey a.db); OA=${KA%%+*}; KO=$(logkey other.db)

# body OLD CHECKPOINT_FILE [PROOF_FILE]: an add-checkpoint body on stdout
body() {
	printf 'old %s\n' "$1"
	[ -n "${3:-}" ] && grep -E '^[A-Za-z0-9+/]{43}=$' "$3"
	printf '\n'
	cat "$2"
}
cp_at() { "$KANSA" ledger checkpoint --db "$1" > "$2" || exit 99; } # DB FILE
proof() { "$KANSA" ledger proof --db "$1" --old-size "$2" --size "$3" > "$4" || exit 99; }

# ---- the TLS certificate ---------------------------------------------------
newkey() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1.key" 2>/dev/null && chmod 600 "$1.key"; }
newkey ca && openssl req -x509 -new -key ca.key -out ca.pem -days 2 -subj /CN=ca 2>/dev/null || exit 99
newkey server && openssl req -new -key server.key -out server.csr -subj /CN=localhost 2>/dev/null || exit 99
echo "subjectAltName=IP:127.0.0.1" > server.ext
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -extfile server.ext \
	-out server.pem 2>/dev/null || exit 99

tmo=5 # connection timeout of the witness; curl --max-time 300 is only a hang guard
[ "${KANSA_VALGRIND:-0}" = 1 ] && tmo=40
server=
start() {
	"$KANSA" witness serve --key a.key --log-key "$KA" --log-key "$KO" --listen 127.0.0.1:0 \
		--cert server.pem --cert-key server.key --state st --timeout $tmo 2> ws.err &
	server=$!
	port=
	for _ in $(seq 1 100); do
		port=$(sed -n 's|.*listening on https://127\.0\.0\.1:\([0-9]*\).*|\1|p' ws.err)
		[ -n "$port" ] && break
		sleep 0.1
	done
	[ -n "$port" ] || { echo "the witness did not start:"; cat ws.err; exit 99; }
	URL=https://127.0.0.1:$port
}
stop() { kill "$server" 2>/dev/null; wait "$server"; stopped=$?; }
trap 'kill "$server" 2>/dev/null; rm -rf "$T"' EXIT
start
ok "kansa witness serve listens on the port it picked ($port)"

# post BODY_FILE: the status in status.txt, the answer in ans.txt, its type in type.txt
post() {
	curl -sS --max-time 300 --tlsv1.3 --cacert ca.pem --data-binary "@$1" -H 'Content-Type: text/plain' \
		-o ans.txt -w '%{http_code} %{content_type}\n' "$URL/add-checkpoint" > st.txt 2>curl.err
	cut -d' ' -f1 st.txt > status.txt
	cut -d' ' -f2- st.txt > type.txt
}
expect_status() { # WANT WHAT
	if [ "$(cat status.txt)" = "$1" ]; then ok "$2"; else not_ok "$2: status $(cat status.txt), wanted $1"; sed 's/^/    /' ans.txt curl.err; fi
}
state="st/$(echo "$OA" | tr / _)"

# ---- the first checkpoint, from old size 0 --------------------------------
checks a.db ok.json 2
cp_at a.db cp3.txt
body 0 cp3.txt > b.txt
post b.txt
# REQ: WITNESS-C2SP
expect_status 200 "a first checkpoint (old 0) is cosigned"
case "$(cat ans.txt)" in "— member-a "*) ok "the answer is a signature line of member-a" ;; *) not_ok "answer: $(cat ans.txt)" ;; esac
[ "$(wc -l < ans.txt)" -eq 1 ] && ok "one line, ending in a newline" || not_ok "lines: $(cat ans.txt)"
cat cp3.txt ans.txt > cosigned3.txt
expect_exit 0 "cosig_ref.py verifies the returned cosignature and the log's signature" -- \
	python3 "$REF" verify "$VA" cosigned3.txt "$KA"
# REQ: WITNESS-SERVE-STATE the state is the offline witness's: a checkpoint note with the cosignature
[ -f "$state" ] && [ "$(stat -c %a "$state")" = 600 ] && ok "the state file is kept, mode 0600" || not_ok "state: $(ls -l st)"
expect_exit 0 "the state file holds the cosigned checkpoint" -- python3 "$REF" verify "$VA" "$state" "$KA"

# ---- 409 with the size cosigned last; the retry with the proof -------------
checks a.db ok.json 2
cp_at a.db cp5.txt
body 0 cp5.txt > b.txt
post b.txt
# REQ: WITNESS-SERVE-409
expect_status 409 "old size 0 after size 3 was cosigned: 409"
[ "$(cat ans.txt)" = 3 ] && ok "the 409 body is the size cosigned last" || not_ok "409 body: $(cat ans.txt)"
case "$(cat type.txt)" in text/x.tlog.size*) ok "its type is text/x.tlog.size" ;; *) not_ok "type: $(cat type.txt)" ;; esac
proof a.db 3 5 p35.txt
body 3 cp5.txt p35.txt > b.txt
post b.txt
expect_status 200 "the retry from size 3 with the consistency proof is cosigned"
cat cp5.txt ans.txt > cosigned5.txt
expect_exit 0 "cosig_ref.py verifies it" -- python3 "$REF" verify "$VA" cosigned5.txt "$KA"

# ---- a bad proof: 422, the state unchanged -------------------------------
cp a.db snap5.db
checks a.db ok.json 1
cp_at a.db cp6.txt
proof a.db 5 6 p56.txt
python3 - p56.txt <<'PY' > bad56.txt || exit 99
import base64, sys
out = []
for line in open(sys.argv[1]):
    s = line.rstrip("\n")
    if len(s) == 44 and s.endswith("=") and not out.count("done"):
        b = bytearray(base64.b64decode(s)); b[0] ^= 1
        s = base64.b64encode(bytes(b)).decode(); out.append("done")
    print(s)
PY
body 5 cp6.txt bad56.txt > b.txt
post b.txt
# REQ: WITNESS-SERVE-422
expect_status 422 "a consistency proof with a flipped bit: 422"
body 5 cp6.txt > b.txt
post b.txt
expect_status 422 "no proof at all from size 5 to 6: 422"
body 5 cp6.txt p56.txt > b.txt
post b.txt
expect_status 200 "the right proof from 5 to 6 is cosigned (the state was left at 5)"

# ---- rollback: a smaller size after a larger -------------------------------
body 6 cp5.txt > b.txt
post b.txt
# REQ: WITNESS-SERVE-ROLLBACK
expect_status 400 "size 5 with old size 6: refused (400)"
body 3 cp5.txt p35.txt > b.txt
post b.txt
expect_status 409 "size 5 again from old 3 after 6: refused (409)"
[ "$(cat ans.txt)" = 6 ] && ok "the 409 names size 6" || not_ok "409 body: $(cat ans.txt)"

# ---- a fork: another root for the size cosigned ----------------------------
checks snap5.db fork.json 1
cp_at snap5.db fork6.txt
cmp -s cp6.txt fork6.txt && { echo "the fork has the same checkpoint"; exit 99; }
body 6 fork6.txt > b.txt
post b.txt
# REQ: WITNESS-SERVE-FORK
expect_status 409 "another root for size 6: 409"
grep -q '^—' ans.txt && not_ok "a cosignature was returned for the fork" || ok "no cosignature for the fork"
checks snap5.db fork.json 1
cp_at snap5.db fork7.txt
proof snap5.db 6 7 pf67.txt
body 6 fork7.txt pf67.txt > b.txt
post b.txt
expect_status 422 "the fork grown to 7 with its own proof from its 6: 422"
python3 "$REF" verify "$VA" "$state" "$KA" >/dev/null && grep -q "$(sed -n 3p cp6.txt)" "$state" &&
	ok "the state still holds the root of size 6 cosigned first" || not_ok "state: $(cat "$state")"

# ---- unknown log, bad signature -------------------------------------------
"$KANSA" ledger init --db stranger.db --policy policy.cose >/dev/null || exit 99
cp_at stranger.db s.txt
body 0 s.txt > b.txt
post b.txt
# REQ: WITNESS-SERVE-404
expect_status 404 "a log the witness was not given: 404"
sed '2s/.*/7/' cp6.txt > forged.txt
body 6 forged.txt > b.txt
post b.txt
# REQ: WITNESS-SERVE-403
expect_status 403 "a checkpoint whose size was changed after signing: 403"
python3 "$REF" oldsign "$OA" "$(printf '%064d' 5)" cp6.txt | sed 5d > nosig.txt || exit 99
[ "$(grep -c '^—' nosig.txt)" = 1 ] || { echo "nosig.txt:"; cat nosig.txt; exit 99; }
body 6 nosig.txt > b.txt
post b.txt
expect_status 403 "a checkpoint signed by another key under the log's name: 403"
cp_at other.db o.txt
body 0 o.txt > b.txt
post b.txt
expect_status 200 "a second log given with --log-key is cosigned on its own"

# ---- malformed bodies ---------------------------------------------------------
# REQ: WITNESS-SERVE-400
{ printf 'old 6\n'; cat cp6.txt; } > b.txt; post b.txt
expect_status 400 "no empty line before the checkpoint: 400"
{ printf 'old 5\n%s\n\n' 'not base64!' ; cat cp6.txt; } > b.txt; post b.txt
expect_status 400 "a proof line that is not base64: 400"
{ printf 'old 5\nAAAA\n\n'; cat cp6.txt; } > b.txt; post b.txt
expect_status 400 "a proof line that is not 32 bytes: 400"
{ printf 'old 06\n\n'; cat cp6.txt; } > b.txt; post b.txt
expect_status 400 "an old size with a leading zero: 400"
{ printf 'new 6\n\n'; cat cp6.txt; } > b.txt; post b.txt
expect_status 400 "no old size line: 400"
{ printf 'old 5\n'; i=0; while [ $i -lt 64 ]; do echo 'vfUWOQcrzp6HR4yx7Gy9wb8gALX1vYlWN3mfMR4VCtw='; i=$((i+1)); done; printf '\n'; cat cp6.txt; } > b.txt
post b.txt
expect_status 400 "64 proof lines (C2SP allows 63): 400"
{ printf 'old 6\n\n'; sed 3d cp6.txt; } > b.txt; post b.txt
expect_status 400 "a checkpoint without its root line: 400"
head -c 1100000 /dev/zero | tr '\0' 'A' > big.txt
post big.txt
# REQ: WITNESS-SERVE-413
expect_status 413 "a body over 1 MiB: 413"
curl -sS --max-time 300 --tlsv1.3 --cacert ca.pem -o /dev/null -w '%{http_code}' "$URL/add-checkpoint" > st.txt 2>/dev/null
[ "$(cat st.txt)" = 405 ] && ok "GET /add-checkpoint: 405" || not_ok "GET: $(cat st.txt)"
curl -sS --max-time 300 --tlsv1.3 --cacert ca.pem "$URL/healthz" > h.txt 2>/dev/null
[ "$(cat h.txt)" = ok ] && ok "GET /healthz: ok" || not_ok "healthz: $(cat h.txt)"

# ---- restart: the state survives -----------------------------------------
stop
[ "$stopped" -eq 0 ] && ok "the first witness stopped with exit 0" || not_ok "stop: exit $stopped: $(cat ws.err)"
start
body 0 cp6.txt > b.txt; post b.txt
# REQ: WITNESS-SERVE-DURABLE
expect_status 409 "after a restart, old 0 is still a conflict"
[ "$(cat ans.txt)" = 6 ] && ok "and the witness still knows size 6" || not_ok "409 body: $(cat ans.txt)"

# ---- concurrent requests for one log ----------------------------------------
checks a.db ok.json 2
cp_at a.db cp8.txt
proof a.db 6 8 p68.txt
body 6 cp8.txt p68.txt > b.txt
pids=
i=0; while [ $i -lt 8 ]; do
	curl -sS --max-time 300 --tlsv1.3 --cacert ca.pem --data-binary @b.txt -o "par$i.ans" -w '%{http_code}\n' \
		"$URL/add-checkpoint" > "par$i.st" 2>"par$i.err" &
	pids="$pids $!"
	i=$((i + 1))
done
for p in $pids; do wait "$p"; done
n200=$(cat par*.st | grep -c '^200$'); n409=$(cat par*.st | grep -c '^409$')
# REQ: WITNESS-SERVE-SERIAL
[ "$n200" -eq 1 ] && [ "$n409" -eq 7 ] && ok "8 parallel requests from old 6: one cosigned, 7 answered 409" ||
	not_ok "parallel: $(cat par*.st | tr '\n' ' ')"
grep -l '^200$' par*.st | sed 's/st$/ans/' | xargs cat > par.line
cat cp8.txt par.line > cosigned8.txt
expect_exit 0 "the one cosignature verifies" -- python3 "$REF" verify "$VA" cosigned8.txt "$KA"
for f in par*.st; do [ "$(cat "$f")" = 409 ] && { [ "$(cat "${f%st}ans")" = 8 ] || not_ok "a 409 body: $(cat "${f%st}ans")"; }; done
ok "every 409 names size 8"

# ---- the offline witness goes on from the server's state -------------------
"$KANSA" anchor push --db a.db --repo anch.git >/dev/null || exit 99
checks a.db ok.json 1
"$KANSA" anchor push --db a.db --repo anch.git >/dev/null || exit 99
# REQ: WITNESS-SERVE-SHARED
expect_exit 0 "kansa witness cosign with the server's state file cosigns size 9" -- \
	kansa witness cosign --repo anch.git --key a.key --log-key "$KA" --state "$state" --json
[ "$(json_get out.txt 'j["previous_size"]')" = 8 ] && ok "it extends size 8, cosigned by the server" || not_ok "$(cat out.txt)"
body 8 cp8.txt > b.txt; post b.txt
expect_status 409 "the server then knows size 9 from the offline witness"
[ "$(cat ans.txt)" = 9 ] && ok "its 409 names size 9" || not_ok "409 body: $(cat ans.txt)"

# ---- kansa ledger checkpoint --witness: the log's side ---------------------
checks a.db ok.json 1
# REQ: WITNESS-CLIENT
expect_exit 0 "ledger checkpoint --witness collects the cosignature (the policy's quorum 1)" -- \
	kansa ledger checkpoint --db a.db --witness "$URL" --witness-ca ca.pem --json
# REQ: WITNESS-CLIENT-409
[ "$(json_get out.txt "j['witnesses'][0]['status'], j['witnesses'][0]['old_size'], j['witnesses'][0]['witnesses']")" = "200 9 ['member-a']" ] &&
	ok "it learnt size 9 from the 409 and sent the proof from 9" || not_ok "$(cat out.txt)"
[ "$(json_get out.txt "j['witness_quorum']['have'], j['witness_quorum']['need']")" = "1 1" ] &&
	ok "the JSON gives the quorum reached" || not_ok "$(cat out.txt)"
json_get out.txt "j['checkpoint']" | head -c -1 > collected.txt
expect_exit 0 "cosig_ref.py verifies the collected checkpoint" -- python3 "$REF" verify "$VA" collected.txt "$KA"
checks a.db ok.json 1
expect_exit 0 "text mode: the cosigned checkpoint on stdout, a line per witness on stderr" -- \
	kansa ledger checkpoint --db a.db --witness "$URL/" --witness-ca ca.pem
cp out.txt collected11.txt; cp err.txt report11.txt
expect_exit 0 "the printed checkpoint carries the cosignature" -- python3 "$REF" verify "$VA" collected11.txt "$KA"
expect_grep "cosigned by 1 of the policy's witnesses" report11.txt "stderr reports the witnesses that answered"
# REQ: WITNESS-CLIENT-QUORUM the policy's quorum is met by the policy's witnesses, whose lines are stored
checks other.db ok.json 1
expect_exit 1 "a --witness-key the policy does not list does not meet the policy's quorum" -- \
	kansa ledger checkpoint --db other.db --witness "$URL" --witness-ca ca.pem --witness-key "$VA" --json
[ "$(json_get out.txt "j['witness_quorum']['have'], j['witness_quorum']['need'], j['stored'], j['error']['code']")" = "0 1 0 EVERIFY" ] &&
	ok "its JSON: none of the policy's witnesses, none stored" || not_ok "$(cat out.txt)"
json_get out.txt "j['checkpoint']" | grep '^— member-a ' >/dev/null &&
	ok "the printed checkpoint still carries the trusted key's line" || not_ok "$(cat out.txt)"
expect_exit 1 "audit replay agrees: the stored checkpoint is short of the policy's quorum" -- \
	kansa audit replay --db other.db --json
checks other.db ok.json 1
expect_exit 0 "the same key counts toward a quorum given with --witness-quorum" -- \
	kansa ledger checkpoint --db other.db --witness "$URL" --witness-ca ca.pem --witness-key "$VA" --witness-quorum 1 --json
[ "$(json_get out.txt "j['witness_quorum']['have'], j['witness_quorum']['need']")" = "1 1" ] &&
	ok "its JSON: have 1, need 1" || not_ok "$(cat out.txt)"
# REQ: WITNESS-CLIENT-QUORUM
expect_exit 1 "--witness-quorum 2 with one witness: exit 1" -- \
	kansa ledger checkpoint --db a.db --witness "$URL" --witness-ca ca.pem --witness-quorum 2 --json
[ "$(json_get out.txt "j['ok'], j['error']['code'], j['witness_quorum']['have']")" = "False EVERIFY 1" ] &&
	ok "its JSON says ok false, EVERIFY, 1 witness" || not_ok "$(cat out.txt)"
json_get out.txt "j['checkpoint']" | grep '^— member-a ' >/dev/null && ok "and still gives the cosigned checkpoint" || not_ok "$(cat out.txt)"
"$KANSA" ledger init --db w.db --policy policy.cose >/dev/null || exit 99
expect_exit 1 "a witness that does not know the log: exit 1, the policy's quorum is not reached" -- \
	kansa ledger checkpoint --db w.db --witness "$URL" --witness-ca ca.pem --json
[ "$(json_get out.txt "j['witnesses'][0]['status'], j['witnesses'][0]['ok']")" = "404 False" ] &&
	ok "the witness's 404 is reported" || not_ok "$(cat out.txt)"
expect_exit 0 "--witness-quorum 0 turns the requirement off" -- \
	kansa ledger checkpoint --db w.db --witness "$URL" --witness-ca ca.pem --witness-quorum 0
# REQ: WITNESS-CLIENT-TLS
expect_exit 1 "a witness whose certificate is not trusted: exit 1" -- \
	kansa ledger checkpoint --db a.db --witness "$URL" --json
expect_grep "cannot reach the witness" out.txt "the TLS failure is reported"
expect_exit 2 "--witness-ca without --witness is a usage error" -- kansa ledger checkpoint --db a.db --witness-ca ca.pem
expect_exit 2 "a witness URL that is not https is a usage error" -- \
	kansa ledger checkpoint --db a.db --witness "http://127.0.0.1:$port" --json

stop
grep -q "signal" ws.err && [ "$stopped" -eq 0 ] && ok "SIGTERM stops the witness with exit 0" ||
	not_ok "stop: exit $stopped: $(cat ws.err)"
finish
