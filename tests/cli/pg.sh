#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The PostgreSQL storage engine end to end (design §13), on a throw-away
# cluster (tests/pg-cluster.sh): ledger init on a postgresql:// URI,
# checks, ledger verify and audit replay; the database holds ciphertext
# only; a changed ciphertext, a changed clear column, a wrong key and a
# second init are refused; a locked meta table at open is exit 4, not a
# damaged ledger; two processes appending at once never fork the chain (seqs
# contiguous, uses counted exactly, verify passes); ledger migrate copies it
# to a SQLCipher file and back to another database with the same root; a
# pg_dump restored into a new database verifies as the source (and with a
# changed row does not); ledger rekey seals every row of it again under a new
# key, the same ledger.
# Skips (77) when the PostgreSQL server programs are not installed.
top=${KANSA_SRCDIR:-$(dirname "$0")/../..}
. "$top/tests/cli/lib.sh"
. "$top/tests/cli/lib-ledger.sh"
. "$top/tests/pg-cluster.sh"

pg_cluster_for_test 'rm -rf "$T"'
URI=$KANSA_PG_URI

make_ledger 100
expect_exit 0 "ledger init on a postgresql:// URI" -- kansa ledger init --db "$URI" --policy policy.cose
expect_grep "created ledger postgresql://" out.txt "init names the URI"
expect_exit 4 "a second init on the same database is refused" -- \
	kansa ledger init --db "$URI" --policy policy.cose
expect_grep "already holds a kansa ledger" err.txt "and says why"

for i in 1 2 3; do
	expect_exit 0 "check $i allowed" -- kansa check --db "$URI" --warrant w.cose --request ok.json
done
expect_grep "use 3 of 100" out.txt "the use count is kept in PostgreSQL"
expect_exit 0 "ledger verify passes" -- kansa ledger verify --db "$URI"
expect_grep "the chain, the tree and every checkpoint check out" out.txt "verify says so"
expect_exit 0 "audit replay passes" -- kansa audit replay --db "$URI"
expect_grep "every entry, document and decision checks out" out.txt "replay says so"

# REQ: STORE-PG-SEAL operators and backups of the database see ciphertext and hashes only
n=$(pg_cluster_psql "SELECT count(*) FROM entries WHERE position('npa-cyber-3'::bytea IN body) > 0
	OR position('officer-1'::bytea IN body) > 0")
[ "$n" = 0 ] && ok "no entry body holds the requester or officer in clear" || not_ok "clear entry bodies: $n"
n=$(pg_cluster_psql "SELECT count(*) FROM documents WHERE position('jp-ccisc'::bytea IN body) > 0")
[ "$n" = 0 ] && ok "no document is in clear" || not_ok "clear documents: $n"
n=$(pg_cluster_psql "SELECT count(*) FROM meta WHERE position('jp-ccisc'::bytea IN value) > 0")
[ "$n" = 0 ] && ok "no meta value is in clear" || not_ok "clear meta values: $n"
kansa warrant show w.cose --json > w.show.json || exit 99
cti=$(json_get w.show.json "j['cti']")
n=$(pg_cluster_psql "SELECT position('\\x$cti'::bytea IN '\\x00$cti'::bytea)")
[ "$n" = 2 ] && ok "(the search finds a warrant id where there is one)" || not_ok "bytea search: $n"
n=$(pg_cluster_psql "SELECT count(*) FROM entries WHERE position('\\x$cti'::bytea IN body) > 0
	OR warrant_mac = '\\x$cti'::bytea")
[ "$n" = 0 ] && ok "no entry row holds the warrant id in clear" || not_ok "clear cti in entries: $n"
n=$(pg_cluster_psql "SELECT count(*) FROM uses WHERE position('\\x$cti'::bytea IN cti) > 0
	OR cti_mac = '\\x$cti'::bytea")
[ "$n" = 0 ] && ok "the uses table does not hold the warrant id in clear" || not_ok "clear cti in uses: $n"

# A wrong key is refused.
openssl rand -hex 32 > other.key; chmod 600 other.key
expect_exit 4 "a wrong key is refused" -- kansa ledger verify --db "$URI" --db-key-file other.key
expect_grep "wrong database key" err.txt "and named"

# REQ: STORE-PG-LOCKED a lock on the meta rows at open is the environment's failure, not damage
"$pg_psql_bin" -q -X -h "$PG_CLUSTER_DIR" -U kansa -d kansa -c "SET application_name = 'test_lock'" \
	-c "BEGIN" -c "LOCK TABLE meta IN ACCESS EXCLUSIVE MODE" -c "SELECT pg_sleep(60)" > /dev/null 2>&1 &
locker=$!
for _ in $(seq 1 600); do
	[ "$(pg_cluster_psql "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'test_lock'
		AND wait_event = 'PgSleep'")" = 1 ] && break
	sleep 0.1
done
expect_exit 4 "the meta table locked by another connection: exit 4 (busy), not a damaged ledger" -- \
	kansa ledger info --db "$URI"
expect_grep "locked" err.txt "and says the ledger is locked"
pg_cluster_psql "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'test_lock'" >/dev/null
wait $locker

# REQ: LEDGER-FORK-1 two processes appending at once never fork the chain
check_loop "$URI" 15 w1.txt &
p1=$!
check_loop "$URI" 15 w2.txt &
p2=$!
wait $p1; wait $p2
bad=$(cat w1.txt w2.txt | grep -c -v '^0$')
[ "$bad" = 0 ] && ok "30 concurrent checks from two processes all allowed" ||
	{ not_ok "$bad concurrent checks failed"; head -5 w1.txt.err w2.txt.err 2>/dev/null; }
got=$(pg_cluster_psql "SELECT count(*) || ' ' || (max(seq) + 1) FROM entries")
[ "$got" = "34 34" ] && ok "seqs are contiguous: 34 entries, 0 to 33" || not_ok "entries: $got (wanted 34 34)"
got=$(pg_cluster_psql "SELECT count FROM uses")
[ "$got" = 33 ] && ok "uses counted exactly: 33" || not_ok "uses: $got (wanted 33)"
expect_exit 0 "verify after concurrent writers passes" -- kansa ledger verify --db "$URI"
expect_exit 0 "replay after concurrent writers passes" -- kansa audit replay --db "$URI"

# REQ: LEDGER-MIGRATE a copy to the other engine, either direction, has the same root
kansa ledger checkpoint --db "$URI" > /dev/null || not_ok "checkpoint"
root=$(kansa ledger info --db "$URI" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["root"])')
expect_exit 0 "migrate PostgreSQL to a SQLCipher file" -- kansa ledger migrate --from "$URI" --to back.db --json
[ "$(json_get out.txt "j['root']")" = "$root" ] && [ "$(json_get out.txt "j['size']")" = 34 ] &&
	ok "the file has the source's root and size" || not_ok "migrate to file: $(cat out.txt)"
expect_exit 0 "the file copy verifies" -- kansa ledger verify --db back.db
expect_exit 0 "the file copy replays (uses, revocations, documents, decisions)" -- kansa audit replay --db back.db
expect_exit 0 "a check on the file copy continues the use count" -- \
	kansa check --db back.db --warrant w.cose --request ok.json
expect_grep "use 34 of 100" out.txt "uses were carried over"
pg_cluster_psql "CREATE DATABASE copy2" || not_ok "create database"
URI2=$(echo "$URI" | sed 's|/kansa?|/copy2?|')
openssl rand -hex 32 > copy.key; chmod 600 copy.key
expect_exit 0 "migrate the file back to another PostgreSQL database, under another key" -- \
	kansa ledger migrate --from back.db --to "$URI2" --to-db-key-file copy.key
expect_grep "the same as the source's" out.txt "migrate says the roots match"
expect_exit 0 "that copy replays under its own key" -- kansa audit replay --db "$URI2" --db-key-file copy.key
expect_exit 4 "the source's key does not open it" -- kansa ledger info --db "$URI2"
expect_exit 4 "migrate refuses a destination that holds a ledger" -- \
	kansa ledger migrate --from back.db --to "$URI2" --to-db-key-file copy.key
expect_grep "already holds a kansa ledger" err.txt "and says why"
expect_exit 4 "migrate refuses an existing file" -- kansa ledger migrate --from "$URI" --to back.db
n=$(pg_cluster_psql "SELECT count(*) FROM entries WHERE position('npa-cyber-3'::bytea IN body) > 0" copy2)
m=$(pg_cluster_psql "SELECT count(*) FROM entries" copy2)
[ "$n" = 0 ] && [ "$m" = 35 ] && ok "the copy's 35 bodies are sealed too" || not_ok "clear bodies in the copy: $n"

# REQ: STORE-PG-BACKUP pg_dump of a ledger, restored into a new database, verifies as the source
pgbin=$(pg_cluster_bindir)
kansa ledger info --db "$URI" --json > src.json || not_ok "ledger info"
"$pgbin/pg_dump" -h "$PG_CLUSTER_DIR" -U kansa -Fc kansa > ledger.dump && ok "pg_dump -Fc of the ledger" ||
	not_ok "pg_dump"
"$pgbin/createdb" -h "$PG_CLUSTER_DIR" -U kansa restored && "$pgbin/pg_restore" -h "$PG_CLUSTER_DIR" \
	-U kansa -d restored --exit-on-error < ledger.dump && ok "pg_restore into a new database" || not_ok "pg_restore"
URI3=$(echo "$URI" | sed 's|/kansa?|/restored?|')
expect_exit 0 "the restored copy verifies" -- kansa ledger verify --db "$URI3"
expect_exit 0 "the restored copy replays" -- kansa audit replay --db "$URI3"
kansa ledger info --db "$URI3" --json > restored.json || not_ok "ledger info of the copy"
same=$(python3 -c 'import json,sys; a, b = (json.load(open(f)) for f in sys.argv[1:]); print(all(
	a[k] == b[k] for k in ("size", "root", "head", "log_key")))' src.json restored.json)
[ "$same" = True ] && ok "ledger info: the copy has the source's size, root, head and log key" ||
	{ not_ok "ledger info differs"; cat src.json restored.json; }
kansa ledger checkpoint --db "$URI" > cp-src.txt && kansa ledger checkpoint --db "$URI3" > cp-copy.txt &&
	cmp -s cp-src.txt cp-copy.txt && ok "and signs the same checkpoint" || not_ok "the checkpoints differ"
expect_exit 0 "a check on the restored copy" -- kansa check --db "$URI3" --warrant w.cose --request ok.json
expect_grep "use 34 of 100" out.txt "continues the use count"
# REQ: STORE-PG-REKEY ledger rekey on PostgreSQL: every row sealed again, the same ledger
kansa ledger info --db "$URI3" --json > pre.json || not_ok "ledger info before the rekey"
body0=$(pg_cluster_psql "SELECT encode(body, 'hex') FROM entries WHERE seq = 0" restored)
openssl rand -hex 32 > new.key; chmod 600 new.key
expect_exit 0 "ledger rekey on a postgresql:// URI" -- kansa ledger rekey --db "$URI3" --new-db-key-file new.key --json
kansa ledger info --db "$URI3" --db-key-file new.key --json > post.json || not_ok "ledger info under the new key"
same=$(python3 -c 'import json,sys; a, b = (json.load(open(f)) for f in sys.argv[1:]); print(all(
	a[k] == b[k] for k in ("size", "root", "head", "log_key")))' pre.json post.json)
[ "$same" = True ] && ok "the same size, root, head and log key under the new key" ||
	{ not_ok "rekey changed the ledger"; cat pre.json post.json; }
[ "$(pg_cluster_psql "SELECT encode(body, 'hex') FROM entries WHERE seq = 0" restored)" != "$body0" ] &&
	ok "the rows are sealed again" || not_ok "entry 0's ciphertext is unchanged"
expect_exit 4 "the old key no longer opens it" -- kansa ledger info --db "$URI3"
expect_exit 0 "it verifies under the new key" -- kansa ledger verify --db "$URI3" --db-key-file new.key
expect_exit 0 "and replays" -- kansa audit replay --db "$URI3" --db-key-file new.key
expect_exit 0 "a check under the new key" -- kansa check --db "$URI3" --db-key-file new.key --warrant w.cose --request ok.json
expect_grep "use 35 of 100" out.txt "continues the use count (found by its new MAC)"

"$pgbin/createdb" -h "$PG_CLUSTER_DIR" -U kansa altered && "$pgbin/pg_restore" -h "$PG_CLUSTER_DIR" \
	-U kansa -d altered --exit-on-error < ledger.dump || not_ok "second pg_restore"
pg_cluster_psql "UPDATE entries SET leaf_hash = set_byte(leaf_hash, 0, get_byte(leaf_hash, 0) # 1) WHERE seq = 12" altered
expect_exit 1 "a restore with a row changed in between fails verify" -- \
	kansa ledger verify --db "$(echo "$URI" | sed 's|/kansa?|/altered?|')"
expect_grep "entry 12" out.txt "and names its seq"

# REQ: STORE-PG-TAMPER a changed ciphertext byte or clear column is found
pg_cluster_psql "UPDATE entries SET body = set_byte(body, 20, get_byte(body, 20) # 1) WHERE seq = 5" ||
	not_ok "psql update"
expect_exit 1 "a changed ciphertext byte fails verify" -- kansa ledger verify --db "$URI"
expect_grep "entry 5" out.txt "and names its seq"
pg_cluster_psql "UPDATE entries SET body = set_byte(body, 20, get_byte(body, 20) # 1) WHERE seq = 5"
expect_exit 0 "restored: verify passes again" -- kansa ledger verify --db "$URI"
pg_cluster_psql "UPDATE entries SET time = time + 1 WHERE seq = 7"
expect_exit 1 "a changed clear time column fails verify" -- kansa ledger verify --db "$URI"
expect_grep "entry 7" out.txt "and names its seq"
pg_cluster_psql "UPDATE entries SET time = time - 1 WHERE seq = 7"
h=$(pg_cluster_psql "SELECT encode(hash, 'hex') FROM documents LIMIT 1")
pg_cluster_psql "UPDATE documents SET body = set_byte(body, 15, get_byte(body, 15) # 1) WHERE hash = '\\x$h'::bytea"
expect_exit 1 "a changed document ciphertext fails replay" -- kansa audit replay --db "$URI"

finish
