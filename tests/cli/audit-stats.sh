#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# kansa audit stats from the command line: the figures of the ledger of
# lib-audit.sh in text, --json and --csv, a period with nothing in it, and
# the exit codes of design §7. The counts on a ledger with chosen times and a
# period that cuts entries off are tested in tests/unit/ledger/audit/test_stats.c.
. "${KANSA_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib.sh"
. "${KANSA_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib-audit.sh"

make_audit_ledger
today=$(date -u +%Y-%m-%d)

expect_exit 0 "stats --json" -- kansa audit stats --db l.db --from "$today" --until "$today" --json
cp out.txt s.json
check() { # expression expected description
	got=$(json_get s.json "$1")
	[ "$got" = "$2" ] && ok "$3" || not_ok "$3: $1 = $got, wanted $2"
}
check 'j["schema"]' kansa.audit.stats/1 "schema"
check 'j["warrants_approved"]["metadata-query"], j["warrants_approved"]["neutralize"]' "1 1" "warrants approved per action"
check 'j["checks"]["total"], j["checks"]["allowed"], j["checks"]["denied"]' "10 5 5" "checks allowed and denied"
check 'sorted(j["checks"]["denied_by"].items())' \
	"[('forbidden-field', 1), ('malformed-warrant', 1), ('op-not-allowed', 1), ('revoked', 1), ('target-out-of-scope', 1)]" \
	"denials by reason"
check 'j["emergencies"]["total"], j["emergencies"]["ratified"], j["emergencies"]["pending"]' "2 1 1" "emergency acts by outcome"
check 'j["neutralizations"]["by_op"]' "{'stop-process': 3}" "neutralizations by operation"
check 'j["distinct_targets"], j["distinct_officers"]' "4 3" "distinct targets and officers"
check 'j["revocations"], j["policy_versions"]["in_force"]' "1 1" "revocations, policy in force"
if grep -q 'officer-\|203\.0\.113' s.json; then not_ok "stats name an officer or a target"; else ok "officers and targets counted, never named"; fi

expect_exit 0 "stats text" -- kansa audit stats --db l.db --from "$today" --until "$today"
expect_grep "Checks: 10 (allowed 5, denied 5)" out.txt "text: checks"
expect_grep "ratified late  *0" out.txt "text: ratified late row"
expect_grep "distinct officers  *3" out.txt "text: distinct officers"
expect_exit 0 "stats csv" -- kansa audit stats --db l.db --from "$today" --until "$today" --csv
expect_grep "^figure,key,value$" out.txt "csv header"
expect_grep "^checks.denied_by,revoked,1$" out.txt "csv: denials by reason"
expect_grep "^emergencies,pending,1$" out.txt "csv: emergencies"

expect_exit 0 "a period with nothing in it" -- kansa audit stats --db l.db --from 2020-01-01 --until 2020-12-31 --json
json_get out.txt 'j["checks"]["total"], j["entries"], j["policy_versions"]["in_force"]' | grep -qx "0 0 0" &&
	ok "nothing counted before the ledger began" || not_ok "empty period: $(cat out.txt)"

expect_exit 2 "--until before --from" -- kansa audit stats --db l.db --from 2026-02-01 --until 2026-01-01 --json
json_get out.txt 'j["ok"]' | grep -qx False && ok "usage error --json: one object" || not_ok "usage json"
expect_exit 2 "--from missing" -- kansa audit stats --db l.db --until 2026-01-01
expect_exit 2 "not a date" -- kansa audit stats --db l.db --from 2026-13-45x --until 2027-01-01
expect_exit 2 "--json and --csv" -- kansa audit stats --db l.db --from 2026-01-01 --until 2027-01-01 --json --csv
expect_exit 3 "no such ledger" -- kansa audit stats --db nope.db --from 2026-01-01 --until 2027-01-01 --json
json_get out.txt 'j["ok"]' | grep -qx False && ok "environment error --json: one object" || not_ok "env json"
expect_exit 0 "--help" -- kansa audit stats --help
expect_grep "kansa audit stats --db ledger.db --from 2026-01-01" out.txt "help has an example"

finish
