# SPDX-License-Identifier: Apache-2.0
# The setting of the anchoring and witness scripts (after lib.sh): git with
# an identity of its own in the test's HOME, request FILE OFFICER and checks
# DB REQUEST N (with w.cose); anchor_setting makes three members, a policy
# signed by all three, a warrant signed by two, and the requests ok.json and
# fork.json.
export HOME="$T" GIT_CONFIG_NOSYSTEM=1 XDG_CONFIG_HOME=
# Under ASan, unwind fully so tests/lsan.supp can name the libgit2 frame of
# libgit2 1.5's known regexp leak (pcre2 has no frame pointers).
[ -n "${ASAN_OPTIONS:-}" ] && export ASAN_OPTIONS="$ASAN_OPTIONS:fast_unwind_on_malloc=0"
git config --global user.name tester && git config --global user.email tester@example.org || exit 99
git config --global init.defaultBranch main || exit 99

request() { # file officer
	printf '{ "requester": "npa-cyber-3", "officer": "%s", "action": "metadata-query", "targets": ["203.0.113.17"],
  "fields": ["src_ip"], "window": ["-7d", "-1d"], "justification": "C2 beaconing analysis" }\n' "$2" > "$1"
}
checks() { # db request n
	i=0; while [ $i -lt "$3" ]; do "$KANSA" check --db "$1" --warrant w.cose --request "$2" >/dev/null || exit 99; i=$((i + 1)); done
}

anchor_setting() {
	members a b c
	cat > policy.json <<'JSON'
{ "commission": "jp-ccisc", "version": 1,
  "members": [ {"name": "member-a", "public_key": "a.key.pub"}, {"name": "member-b", "public_key": "b.key.pub"},
               {"name": "member-c", "public_key": "c.key.pub"} ],
  "quorum": {"metadata-query": 2, "neutralize": 3, "revoke": 2, "policy": 3},
  "max_validity": {"metadata-query": "90d", "neutralize": "7d"},
  "fields": ["src_ip","dst_ip","proto"], "forbidden_fields": ["payload"], "ops": ["stop-process"] }
JSON
	cat > w.json <<'JSON'
{ "commission": "jp-ccisc", "subject": "npa-cyber-3", "action": "metadata-query", "case": "2026-ACD-0042",
  "not_before": "now", "expires": "+30d", "max_uses": 1000,
  "scope": { "targets": ["203.0.113.0/24"], "fields": ["src_ip","dst_ip"], "window": ["-30d", "now"] } }
JSON
	{ kansa policy create --in policy.json --out policy.cose && kansa warrant create --in w.json --out w.cose &&
	  for m in a b c; do kansa policy sign policy.cose --key $m.key; done &&
	  kansa warrant sign w.cose --key a.key && kansa warrant sign w.cose --key b.key; } >/dev/null 2>&1 || exit 99
	request ok.json officer-1207
	request fork.json officer-9999
}
