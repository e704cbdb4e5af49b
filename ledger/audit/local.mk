# ledger/audit/: verify, replay, report (docs/audit.md). Uses the ledger core,
# tlog/ and store/.
libkansa_internal_la_SOURCES += ledger/audit/audit.h ledger/audit/audit.c ledger/audit/ahead.c ledger/audit/findings.c ledger/audit/audit_map.c ledger/audit/replay.c ledger/audit/report.c ledger/audit/entries.c ledger/audit/stats.c ledger/audit/acts.c ledger/audit/retention.c
check_PROGRAMS += tests/unit/test_audit
tests_unit_test_audit_SOURCES = tests/unit/ledger/audit/test_audit.c tests/unit/ledger/audit/test_ahead.c tests/unit/ledger/audit/test_entries.c tests/unit/ledger/audit/test_stats.c tests/unit/ledger/fixture.h
tests_unit_test_audit_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_audit_LDADD = $(TEST_LDADD)
TESTS += tests/unit/test_audit
