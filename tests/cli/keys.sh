#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# kansa keys generate|show: files, modes, interop with openssl, exit codes.
. "${KANSA_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib.sh"

printf 'a long enough passphrase\n' > pw; chmod 600 pw
printf 'another passphrase\n' > wrong; chmod 600 wrong

expect_exit 0 "generate with a passphrase file" -- kansa keys generate --out a.key --name member-a --passphrase-file pw
expect_grep "kid:" out.txt "generate prints the kid"
[ "$(stat -c %a a.key)" = 600 ] && ok "private key is 0600" || not_ok "private key mode $(stat -c %a a.key)"
[ -f a.key.pub ] && ok "public key written" || not_ok "no a.key.pub"
grep -q "BEGIN ENCRYPTED PRIVATE KEY" a.key && ok "private key is encrypted PKCS#8" || not_ok "not encrypted"
grep -q "a long enough" a.key && not_ok "passphrase in key file" || ok "passphrase not in key file"
grep -q "a long enough" out.txt err.txt && not_ok "passphrase printed" || ok "passphrase not printed"

# kid = first 8 bytes of SHA-256 over the raw public key, computed with openssl
kid=$(openssl pkey -pubin -in a.key.pub -outform DER | tail -c 32 | openssl dgst -sha256 -r | cut -c1-16)
expect_exit 0 "show public key" -- kansa keys show a.key.pub
expect_grep "kid:        $kid" out.txt "kid matches openssl's computation"
expect_exit 0 "show private key --json" -- kansa keys show a.key --passphrase-file pw --json
[ "$(json_get out.txt 'j["kid"]')" = "$kid" ] && ok "json kid" || not_ok "json kid"
[ "$(json_get out.txt 'j["name"]')" = "member-a" ] && ok "json name" || not_ok "json name"
[ "$(json_get out.txt 'j["schema"]')" = "kansa.keys.show/1" ] && ok "json schema" || not_ok "json schema"

# interop: openssl reads kansa's encrypted key; kansa reads openssl's keys
openssl pkey -in a.key -passin file:pw -noout 2>/dev/null && ok "openssl reads kansa key" || not_ok "openssl cannot read kansa key"
openssl genpkey -algorithm ed25519 -out o.key 2>/dev/null; chmod 600 o.key
expect_exit 0 "kansa reads an openssl key" -- kansa keys show o.key
openssl genpkey -algorithm ed25519 -aes-256-cbc -pass file:pw -out oe.key 2>/dev/null; chmod 600 oe.key
expect_exit 0 "kansa reads an encrypted openssl key" -- kansa keys show oe.key --passphrase-file pw

# negative cases
expect_exit 4 "wrong passphrase -> exit 4" -- kansa keys show a.key --passphrase-file wrong
expect_grep "wrong passphrase" err.txt "wrong passphrase message"
expect_exit 4 "wrong passphrase --json -> exit 4" -- kansa keys show a.key --passphrase-file wrong --json
[ "$(json_get out.txt 'j["error"]["code"]')" = EKEY ] && ok "json error code EKEY" || not_ok "json error code"
head -n 3 a.key > trunc.key; chmod 600 trunc.key
expect_exit 3 "truncated PEM -> exit 3" -- kansa keys show trunc.key --passphrase-file pw
openssl genpkey -algorithm rsa -pkeyopt rsa_keygen_bits:1024 -out rsa.key 2>/dev/null; chmod 600 rsa.key
expect_exit 3 "RSA key -> exit 3" -- kansa keys show rsa.key
expect_grep "not an Ed25519 key" err.txt "RSA key message"
chmod 644 a.key
expect_exit 4 "world-readable private key -> exit 4" -- kansa keys show a.key --passphrase-file pw
expect_grep "chmod 600" err.txt "says how to fix permissions"
chmod 600 a.key
chmod 644 pw
expect_exit 4 "world-readable passphrase file -> exit 4" -- kansa keys generate --out b.key --passphrase-file pw
[ -e b.key ] && not_ok "b.key created anyway" || ok "no key written when the passphrase file is refused"
chmod 600 pw
expect_exit 4 "existing output -> exit 4" -- kansa keys generate --out a.key --no-passphrase
expect_exit 4 "unwritable output path -> exit 4" -- kansa keys generate --out nodir/x.key --no-passphrase
[ -z "$(ls nodir 2>/dev/null)" ] && ok "no partial file" || not_ok "partial file left"
expect_exit 0 "--no-passphrase" -- kansa keys generate --out n.key --no-passphrase --json
grep -q "BEGIN PRIVATE KEY" n.key && ok "unencrypted only when asked" || not_ok "n.key"
[ "$(json_get out.txt 'j["encrypted"]')" = False ] && ok "json says unencrypted" || not_ok "json encrypted flag"
expect_exit 2 "missing --out -> exit 2" -- kansa keys generate --no-passphrase
expect_exit 2 "unknown option -> exit 2" -- kansa keys generate --out x --frobnicate
expect_exit 0 "generate --help" -- kansa keys generate --help
expect_grep "example" out.txt "help has an example"
expect_exit 0 "show --help" -- kansa keys show --help
expect_exit 2 "unknown command -> exit 2" -- kansa keys frobnicate
# no tty and no passphrase file: a clear error, not a hang
expect_exit 4 "no terminal and no passphrase file" -- setsid -w "$KANSA" keys generate --out t.key < /dev/null
expect_grep "passphrase-file" err.txt "says how to give a passphrase"
finish
