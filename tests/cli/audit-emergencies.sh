#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# kansa audit emergencies and audit officers from the command line: one
# emergency act in each state (ratified, ratified late, refused, overdue,
# pending) on a ledger made with chosen times (tests/tools/shifted_ledger
# emergencies), each shown in full; the report and the statistics agree; the
# officers' patterns on the ledger of lib-audit.sh; exit codes of design §7.
. "${KANSA_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib.sh"
. "${KANSA_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib-audit.sh"

tool="$KANSA_BUILDDIR/tests/tools/shifted_ledger"
"$tool" emergencies e.db || exit 99
printf '%s\n' 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef > e.key
chmod 600 e.key
KANSA_DB_KEY_FILE="$T/e.key"; export KANSA_DB_KEY_FILE

expect_exit 0 "emergencies --json" -- kansa audit emergencies --db e.db --json
cp out.txt em.json
[ "$(json_get em.json '" ".join(e["state"] for e in j["emergencies"])')" = \
  "ratified ratified-late refused overdue pending" ] && ok "one act in each state, ratified late included" ||
	not_ok "states: $(json_get em.json '[e["state"] for e in j["emergencies"]]')"
[ "$(json_get em.json 'j["emergencies"][1]["late_by"]')" = 93600 ] && ok "ratified late: by 26 hours" ||
	not_ok "late_by: $(json_get em.json 'j["emergencies"][1]')"
json_get em.json 'j["emergencies"][3]["overdue_by"] > 8 * 86400' | grep -qx True && ok "overdue: by how long" ||
	not_ok "overdue_by"
json_get em.json '82000 < j["emergencies"][4]["time_left"] <= 82800' | grep -qx True && ok "pending: the time left" ||
	not_ok "time_left: $(json_get em.json 'j["emergencies"][4]')"
json_get em.json 'j["emergencies"][2]["host"], j["emergencies"][2]["op"], j["emergencies"][2]["officer"]' |
	grep -qx "198.51.100.3 stop-process officer-0815" && ok "each act shows what was done and by whom" ||
	not_ok "act content"
expect_grep "wiper spreading to 198.51.100.3" em.json "each act shows its justification"
json_get em.json '[j["counts"][k] for k in ("ratified", "ratified-late", "refused", "pending", "overdue")]' |
	grep -qx "\[1, 1, 1, 1, 1\]" && ok "counts by state" || not_ok "counts: $(json_get em.json 'j["counts"]')"

expect_exit 0 "emergencies text" -- kansa audit emergencies --db e.db
expect_grep "RATIFIED LATE at .* (1d 2h after the deadline), seq 7" out.txt "text: ratified late, flagged"
expect_grep "OVERDUE by " out.txt "text: overdue"
expect_grep "pending, 2[23]h [0-9]*m left" out.txt "text: pending with the time left"
expect_grep "refused at" out.txt "text: refused"
expect_grep "did           stop-process 198.51.100.4" out.txt "text: what was done"

# the report and the statistics name the same states
expect_exit 0 "report --json" -- kansa audit report --db e.db --json
[ "$(json_get out.txt '" ".join(e["status"] for e in j["emergencies"])')" = \
  "ratified ratified-late refused overdue pending" ] && ok "report: the same states" || not_ok "report states"
expect_exit 0 "stats --json" -- kansa audit stats --db e.db --from -30d --until +1d --json
json_get out.txt '[j["emergencies"][k] for k in ("ratified", "ratified-late", "refused", "pending", "overdue")]' |
	grep -qx "\[1, 1, 1, 1, 1\]" && ok "stats: one of each" || not_ok "stats: $(json_get out.txt 'j["emergencies"]')"
expect_exit 0 "replay passes on this ledger" -- kansa audit replay --db e.db

expect_exit 2 "emergencies: unknown option" -- kansa audit emergencies --db e.db --bogus --json
json_get out.txt 'j["ok"]' | grep -qx False && ok "usage error --json: one object" || not_ok "usage json"
expect_exit 3 "emergencies: no such ledger" -- kansa audit emergencies --db nope.db
expect_exit 0 "emergencies --help" -- kansa audit emergencies --help
expect_grep "kansa audit emergencies --db ledger.db" out.txt "help has an example"

# officers and their patterns
make_audit_ledger
kansa check --db l.db --warrant w.cose --request q4.json >/dev/null 2>&1   # officer-2: forbidden field again (revoked first)
kansa check --db l.db --warrant w.cose --request q3.json >/dev/null 2>&1
expect_exit 0 "officers --json" -- kansa audit officers --db l.db --json
cp out.txt of.json
[ "$(json_get of.json '" ".join(o["officer"] + "/" + o["unit"] for o in j["officers"])')" = \
  "officer-0815/jsdf-cyber-1 officer-1/npa-cyber-3 officer-2/npa-cyber-3" ] && ok "one row per officer and unit" ||
	not_ok "officers: $(json_get of.json '[o["officer"] for o in j["officers"]]')"
json_get of.json '[(o["acts"], o["allowed"], o["denied"], o["emergency"]) for o in j["officers"]]' |
	grep -qx "\[(4, 3, 1, 2), (4, 2, 2, 0), (4, 0, 4, 0)\]" && ok "acts, allowed, denied, emergency acts" ||
	not_ok "counts: $(json_get of.json '[(o["acts"], o["allowed"], o["denied"], o["emergency"]) for o in j["officers"]]')"
json_get of.json 'j["officers"][1]["patterns"]' | grep -qx "\['use-after-revocation'\]" &&
	ok "officer-1: use after revocation" || not_ok "officer-1 patterns"
json_get of.json 'j["officers"][2]["patterns"]' | grep -qx "\['use-after-revocation'\]" &&
	ok "officer-2: use after revocation (the later denials were for revocation)" || not_ok "officer-2: $(json_get of.json 'j["officers"][2]')"
expect_exit 0 "officers text" -- kansa audit officers --db l.db
expect_grep "PATTERN: use-after-revocation" out.txt "text shows the pattern"
expect_exit 0 "officers --until yesterday: none" -- kansa audit officers --db l.db --until -1d --json
[ "$(json_get out.txt 'len(j["officers"])')" = 0 ] && ok "the period filters" || not_ok "period"
expect_exit 2 "officers: bad --from" -- kansa audit officers --db l.db --from someday

finish
