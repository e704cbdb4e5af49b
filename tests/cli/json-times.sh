#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Times in --json output (design §3, docs/formats.md "Times in JSON"): a time
# is RFC 3339 text under its name; where scripts want the integer, it is
# beside it as NAME_unix. This scans the --json output of the commands that
# print times, on a ledger with every kind of entry (lib-audit.sh), for an
# integer under a time's name, a NAME_unix without its RFC 3339 NAME, and a
# time's name holding text that is not RFC 3339.
. "${KANSA_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib.sh"
. "${KANSA_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib-audit.sh"

make_audit_ledger
cat > scan.py <<'PY'
import json, re, sys
TIME = re.compile(r"^(time|now|timestamp|not_before|expires|deadline|not_after|ratify_by|issued_at|"
                  r"generated|from|until|at|first|last|window_end|due_at)$|_time$|_at$")
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
bad = []
def walk(v, path):
    if isinstance(v, list):
        for i, x in enumerate(v):
            walk(x, "%s[%d]" % (path, i))
        return
    if not isinstance(v, dict):
        return
    for k, x in v.items():
        p = path + "." + k
        if k.endswith("_unix"):
            if not isinstance(v.get(k[:-5]), str):
                bad.append(p + ": an integer time without its RFC 3339 " + k[:-5])
        elif TIME.search(k) and isinstance(x, int) and not isinstance(x, bool):
            bad.append(p + ": an integer time (give RFC 3339, and the integer as " + k + "_unix)")
        elif TIME.search(k) and isinstance(x, str) and not RFC3339.match(x):
            bad.append(p + ": not RFC 3339: " + x)
        walk(x, p)
walk(json.load(open(sys.argv[1])), "")
print("\n".join(bad))
sys.exit(1 if bad else 0)
PY
scan() { # description command...
	what=$1; shift
	"$@" > j.json 2> err.txt
	if ! python3 -c 'import json,sys; json.load(open(sys.argv[1]))' j.json 2> /dev/null; then
		not_ok "$what: no JSON object"; sed 's/^/    /' err.txt j.json; return
	fi
	if python3 scan.py j.json > why.txt; then ok "$what: times in RFC 3339, integers beside"
	else not_ok "$what"; sed 's/^/    /' why.txt; fi
}
audit_neutralize e2 198.51.100.9 stop-process '"emergency": true,'
scan "check --json (an emergency act: ratify_by)" kansa check --db l.db --request e2.json --json
scan "check --json (a denial)" kansa check --db l.db --warrant w.cose --request q1.json --json
scan "ledger info --json" kansa ledger info --db l.db --json
scan "ledger checkpoint --json" kansa ledger checkpoint --db l.db --json
scan "ledger proof --json" kansa ledger proof --db l.db --seq 1 --json
scan "ledger verify --json" kansa ledger verify --db l.db --json
scan "audit replay --json" kansa audit replay --db l.db --json
scan "audit report --json" kansa audit report --db l.db --json
scan "audit entries --json" kansa audit entries --db l.db --json
scan "audit show --json" kansa audit show --db l.db --seq 8 --json
scan "audit stats --json" kansa audit stats --db l.db --from -1d --until +1d --json
scan "audit officers --json" kansa audit officers --db l.db --json
scan "audit emergencies --json" kansa audit emergencies --db l.db --json
scan "audit retention --json" kansa audit retention --db l.db --all --json
scan "warrant show --json" kansa warrant show w.cose --policy policy.cose --json
scan "warrant verify --json" kansa warrant verify wn.cose --policy policy.cose --json
scan "policy show --json" kansa policy show policy.cose --json
scan "revocation show --json" kansa revocation show rv.cose --policy policy.cose --json
scan "ratification show --json" kansa ratification show rat.cose --policy policy.cose --json
kansa check --db l.db --request e2.json --receipt-out e2.receipt > /dev/null 2>&1
scan "receipt show --json" kansa receipt show e2.receipt --json
kansa ledger info --db l.db --json > info.json
logkey=$(json_get info.json 'j["log_key"]')
scan "receipt verify --json" kansa receipt verify e2.receipt --log-key "$logkey" --request e2.json --json

# the scanner itself finds what it is for
printf '{"a": {"time": 1700000000}}\n' > j.json
python3 scan.py j.json > /dev/null && not_ok "scanner: an integer time passes" || ok "scanner: an integer time fails"
printf '{"ratify_by_unix": 1700000000}\n' > j.json
python3 scan.py j.json > /dev/null && not_ok "scanner: a lone _unix passes" || ok "scanner: a lone _unix fails"
printf '{"expires": "in a while"}\n' > j.json
python3 scan.py j.json > /dev/null && not_ok "scanner: a non-RFC 3339 text passes" || ok "scanner: non-RFC 3339 text fails"
printf '{"time": "2026-01-01T00:00:00Z", "time_unix": 1767225600, "time_left": 5}\n' > j.json
python3 scan.py j.json > /dev/null && ok "scanner: the convention passes" || not_ok "scanner: the convention fails"

finish
