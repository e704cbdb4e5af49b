# ledger/store/: the storage engine: SQLCipher database, keying, schema, rows,
# snapshots, group commit (docs/ledger.md "Storage"). The only place that
# includes sqlite3.h or libpq-fe.h.
libkansa_internal_la_SOURCES += ledger/store/store.h ledger/store/store_impl.h ledger/store/store.c ledger/store/store_rows.c ledger/store/store_docs.c ledger/store/store_snap.c ledger/store/store_file.c ledger/store/group.c \
	ledger/store/store_mem.c ledger/store/store_engine.c ledger/store/sqlite_engine.c \
	ledger/store/pg_impl.h ledger/store/pg.c ledger/store/pg_rows.c ledger/store/pg_snap.c \
	ledger/store/pg_seal.c ledger/store/pg_checkpoints.c ledger/store/pg_rekey.c ledger/store/copy.c

check_PROGRAMS += tests/unit/test_store tests/unit/store_tool
tests_unit_test_store_SOURCES = tests/unit/ledger/store/test_store.c tests/unit/ledger/store/test_readonly.c \
	tests/unit/ledger/store/test_pg.c tests/unit/ledger/store/test_copy.c \
	tests/unit/ledger/store/helpers.h tests/unit/ledger/store/queue_wait.h
tests_unit_test_store_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_store_LDADD = $(TEST_LDADD)
tests_unit_store_tool_SOURCES = tests/unit/ledger/store/store_tool.c
tests_unit_store_tool_CFLAGS = $(TEST_CFLAGS)
tests_unit_store_tool_LDADD = $(TEST_LDADD)
TESTS += tests/unit/test_store tests/cli/store-encryption.sh tests/unit/store-pg.sh tests/cli/pg.sh \
	tests/cli/pg-threads.sh tests/cli/pg-serve.sh tests/cli/pg-outage.sh
EXTRA_DIST += tests/cli/store-encryption.sh tests/unit/store-pg.sh tests/cli/pg.sh tests/pg-cluster.sh \
	tests/cli/pg-threads.sh tests/cli/pg-serve.sh tests/cli/pg-outage.sh tests/cli/lib-pg-serve.sh
