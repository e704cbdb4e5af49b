# ledger/: sources and tests of the ledger module

# Merkle tree (RFC 9162), signed notes and checkpoints (C2SP). keys/base64.c
# is listed here (not in keys/local.mk) only because it arrived with them.
libkansa_internal_la_SOURCES += ledger/merkle.h ledger/merkle.c ledger/note.h ledger/note.c \
	keys/base64.c

check_PROGRAMS += tests/unit/test_merkle tests/unit/test_note tests/tools/merkle_dump
tests_unit_test_merkle_SOURCES = tests/unit/merkle/test_merkle.c tests/unit/merkle/test_proof_text.c \
	tests/unit/merkle/vectors.h
tests_unit_test_merkle_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_merkle_LDADD = $(TEST_LDADD)
tests_unit_test_note_SOURCES = tests/unit/note/test_note.c tests/unit/note/test_base64.c \
	tests/unit/merkle/vectors.h
tests_unit_test_note_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_note_LDADD = $(TEST_LDADD)
tests_tools_merkle_dump_SOURCES = tests/tools/merkle_dump.c
tests_tools_merkle_dump_CFLAGS = $(TEST_CFLAGS)
tests_tools_merkle_dump_LDADD = $(TEST_LDADD)
TESTS += tests/unit/test_merkle tests/unit/test_note tests/cli/merkle-independent.sh
EXTRA_DIST += tests/cli/merkle-independent.sh tests/merkle_ref.py \
	tests/fuzz/fuzz_note.c tests/fuzz/fuzz_proof.c tests/fuzz/corpus/note tests/fuzz/corpus/proof

# Storage: SQLCipher database, schema, group commit (docs/ledger.md "Storage").
# keys/kdf.c (scrypt for passphrase key files) is listed here, not in
# keys/local.mk, only because it arrived with the store.
libkansa_internal_la_SOURCES += ledger/store.h ledger/store_impl.h ledger/store.c ledger/store_snap.c ledger/store_file.c ledger/group.c \
	keys/kdf.c

check_PROGRAMS += tests/unit/test_store tests/unit/store_tool
tests_unit_test_store_SOURCES = tests/unit/store/test_store.c tests/unit/store/test_readonly.c \
	tests/unit/store/helpers.h
tests_unit_test_store_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_store_LDADD = $(TEST_LDADD)
tests_unit_store_tool_SOURCES = tests/unit/store/store_tool.c
tests_unit_store_tool_CFLAGS = $(TEST_CFLAGS)
tests_unit_store_tool_LDADD = $(TEST_LDADD)
TESTS += tests/unit/test_store tests/cli/store-encryption.sh
EXTRA_DIST += tests/cli/store-encryption.sh

# Entries, the ledger and kansa_check (lead).
libkansa_internal_la_SOURCES += ledger/entry.h ledger/entry.c ledger/ledger.c ledger/check_json.c ledger/ledger_impl.h \
	ledger/commission.c ledger/proof.c

# Audit: verify, replay, report (docs/audit.md).
libkansa_internal_la_SOURCES += ledger/audit.h ledger/audit.c ledger/audit_map.c ledger/replay.c ledger/report.c
TESTS += tests/cli/ledger.sh tests/cli/tamper.sh tests/cli/ledger-names.sh tests/cli/ledger-bind.sh \
	tests/cli/ledger-readonly.sh tests/cli/check-input.sh
EXTRA_DIST += tests/cli/ledger.sh tests/cli/tamper.sh tests/cli/ledger-names.sh tests/cli/ledger-bind.sh \
	tests/cli/ledger-readonly.sh tests/cli/check-input.sh \
	tests/cli/lib-ledger.sh
check_PROGRAMS += tests/unit/test_ledger
tests_unit_test_ledger_SOURCES = tests/unit/ledger/test_check.c tests/unit/ledger/test_names.c \
	tests/unit/ledger/test_input.c \
	tests/unit/ledger/fixture.h
tests_unit_test_ledger_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_ledger_LDADD = $(TEST_LDADD)
TESTS += tests/unit/test_ledger
check_PROGRAMS += tests/unit/test_audit
tests_unit_test_audit_SOURCES = tests/unit/ledger/test_audit.c tests/unit/ledger/fixture.h
tests_unit_test_audit_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_audit_LDADD = $(TEST_LDADD)
TESTS += tests/unit/test_audit

# Verified-document cache, and the performance tests (docs/performance.md).
libkansa_internal_la_SOURCES += ledger/cache.h ledger/cache.c
check_PROGRAMS += tests/unit/test_perf
tests_unit_test_perf_SOURCES = tests/unit/perf/test_cache.c tests/unit/perf/test_group.c \
	tests/unit/perf/test_locks.c tests/unit/perf/fixture.h
tests_unit_test_perf_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_perf_LDADD = $(TEST_LDADD)
TESTS += tests/unit/test_perf
# The concurrent paths from a plain program, which ThreadSanitizer can run (test.sh "threads").
check_PROGRAMS += tests/tools/threads
tests_tools_threads_SOURCES = tests/tools/threads.c tests/tools/commission.h
tests_tools_threads_CFLAGS = $(TEST_CFLAGS)
tests_tools_threads_LDADD = $(TEST_LDADD)
TESTS += tests/cli/threads.sh
EXTRA_DIST += tests/cli/threads.sh

# Hardening (issue 8): database rekey and the ledger's clock.
libkansa_internal_la_SOURCES += ledger/rekey.c ledger/clock.c

# Anchoring: signed checkpoints and consistency proofs in a git repository
# (libgit2), verified by anyone with the log's public key (docs/anchoring.md).
libkansa_internal_la_SOURCES += ledger/anchor.h ledger/anchor.c ledger/anchor_git.c ledger/anchor_verify.c
TESTS += tests/cli/anchor.sh
EXTRA_DIST += tests/cli/anchor.sh
check_PROGRAMS += tests/unit/test_anchor
tests_unit_test_anchor_SOURCES = tests/unit/anchor/test_anchor.c tests/unit/ledger/fixture.h
tests_unit_test_anchor_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_anchor_LDADD = $(TEST_LDADD)
TESTS += tests/unit/test_anchor
