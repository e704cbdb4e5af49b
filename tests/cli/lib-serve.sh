# SPDX-License-Identifier: Apache-2.0
# Functions for the tests of kansa serve (sourced after lib.sh): certificates
# made with openssl, and the server (or a witness) started on a loopback port
# it picks.

# serve_ca NAME: a self-signed CA (NAME.pem, NAME.key)
serve_newkey() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1.key" 2>/dev/null && chmod 600 "$1.key"; }
serve_ca() { serve_newkey "$1" && openssl req -x509 -new -key "$1.key" -out "$1.pem" -days 2 -subj "/CN=$1" 2>/dev/null; }
# serve_cert NAME CA SUBJECT [SAN]: a certificate NAME.pem signed by CA
serve_cert() {
	serve_newkey "$1" && openssl req -new -key "$1.key" -out "$1.csr" -subj "$3" 2>/dev/null || return 1
	if [ -n "${4:-}" ]; then echo "subjectAltName=$4" > "$1.ext"; else : > "$1.ext"; fi
	openssl x509 -req -in "$1.csr" -CA "$2.pem" -CAkey "$2.key" -CAcreateserial -days 2 \
		-extfile "$1.ext" -out "$1.pem" 2>/dev/null
}
# serve_certs: server-ca, units-ca and the server's certificate for 127.0.0.1
serve_certs() {
	serve_ca server-ca && serve_ca units-ca && serve_cert server server-ca /CN=localhost IP:127.0.0.1
}

# serve_port FILE PID: the port a server (PID) says on FILE that it listens
# on, waited for while it runs (30 s at most); sets port.
serve_port() {
	port=
	for _ in $(seq 1 300); do
		port=$(sed -n 's|.*listening on https://127\.0\.0\.1:\([0-9]*\).*|\1|p' "$1" | tail -n 1)
		[ -n "$port" ] && break
		kill -0 "$2" 2>/dev/null || break
		sleep 0.1
	done
	[ -n "$port" ] || { echo "the server did not start:"; cat "$1"; return 1; }
}

# serve_start DB [options...]: kansa serve (the program itself, so that
# $server is its pid) with its messages in serve.err (or the file named by
# $SERVE_ERR, for a second server); sets server, port, URL.
serve_start() {
	db=$1; shift
	serve_err=${SERVE_ERR:-serve.err}
	: > "$serve_err"
	"$KANSA" serve --db "$db" --listen 127.0.0.1:0 --cert server.pem --key server.key \
		--client-ca units-ca.pem "$@" 2>> "$serve_err" &
	server=$!
	serve_port "$serve_err" "$server" || return 1
	URL=https://127.0.0.1:$port
}

# serve_witness NAME KEY LOG_KEY: kansa witness serve (C2SP tlog-witness)
# cosigning with KEY for the log of LOG_KEY, with the server's certificate
# of serve_certs, its state in NAME.state and its messages in NAME.err;
# sets witness_pid and WITNESS_URL.
serve_witness() {
	"$KANSA" witness serve --key "$2" --log-key "$3" --listen 127.0.0.1:0 --cert server.pem \
		--cert-key server.key --state "$1.state" 2> "$1.err" &
	witness_pid=$!
	serve_port "$1.err" "$witness_pid" || return 1
	WITNESS_URL=https://127.0.0.1:$port
}

# serve_curl UNIT curl-options...: curl over TLS 1.3 with UNIT's certificate
serve_curl() {
	u=$1; shift
	curl -sS --tlsv1.3 --max-time 120 --cacert server-ca.pem --cert "$u.pem" --key "$u.key" "$@"
}
