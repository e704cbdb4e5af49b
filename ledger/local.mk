# ledger/: the ledger core: entries, the check pipeline, commission documents,
# the verified-document cache, clock, rekey, proofs. Its parts are folders
# with their own local.mk: store/, tlog/, audit/, anchor/.

# Entries, the check pipeline, commission documents, proofs.
libkansa_internal_la_SOURCES += ledger/entry.h ledger/entry.c ledger/ledger.c ledger/check.c ledger/check_json.c ledger/check_cbor.c ledger/ledger_impl.h \
	ledger/commission.c ledger/proof.c ledger/receipt.c ledger/receipt_proof.c ledger/cosign.c ledger/receipt_get.c

TESTS += tests/cli/receipts.sh tests/cli/request-out.sh tests/cli/receipts-independent.sh tests/cli/receipts-prove.sh tests/cli/receipt-get.sh
EXTRA_DIST += tests/cli/receipts.sh tests/cli/request-out.sh tests/cli/receipts-independent.sh tests/receipt_ref.py \
	tests/cli/receipts-prove.sh tests/receipt_proof_ref.py tests/cli/receipt-get.sh
TESTS += tests/cli/ledger.sh tests/cli/tamper.sh tests/cli/ledger-names.sh tests/cli/ledger-bind.sh \
	tests/cli/ledger-readonly.sh tests/cli/check-input.sh
EXTRA_DIST += tests/cli/ledger.sh tests/cli/tamper.sh tests/cli/ledger-names.sh tests/cli/ledger-bind.sh \
	tests/cli/ledger-readonly.sh tests/cli/check-input.sh \
	tests/cli/lib-ledger.sh
check_PROGRAMS += tests/unit/test_ledger
tests_unit_test_ledger_SOURCES = tests/unit/ledger/test_check.c tests/unit/ledger/test_names.c \
	tests/unit/ledger/test_input.c tests/unit/ledger/test_clock.c tests/unit/ledger/test_rekey.c \
	tests/unit/ledger/test_receipt.c tests/unit/ledger/test_receipt_proof.c \
	tests/unit/ledger/test_units.c tests/unit/ledger/test_cosign.c tests/unit/ledger/test_receipt_get.c \
	tests/unit/ledger/fixture.h tests/unit/ledger/chain.h tests/unit/ledger/store/queue_wait.h
tests_unit_test_ledger_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_ledger_LDADD = $(TEST_LDADD)
TESTS += tests/unit/test_ledger tests/unit/ledger-pg.sh
EXTRA_DIST += tests/unit/ledger-pg.sh

# Verified-document cache. test_threads: the ledger shared by threads (the
# cache, group commit, the lock order).
libkansa_internal_la_SOURCES += ledger/cache.h ledger/cache.c ledger/json.h ledger/json.c
check_PROGRAMS += tests/unit/test_threads
tests_unit_test_threads_SOURCES = tests/unit/ledger/test_cache.c tests/unit/ledger/test_group.c \
	tests/unit/ledger/test_locks.c tests/unit/ledger/threads_fixture.h
tests_unit_test_threads_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_threads_LDADD = $(TEST_LDADD)
TESTS += tests/unit/test_threads
# The concurrent paths from a plain program, which ThreadSanitizer can run (test.sh "threads").
check_PROGRAMS += tests/tools/threads
tests_tools_threads_SOURCES = tests/tools/threads.c tests/tools/commission.h
tests_tools_threads_CFLAGS = $(TEST_CFLAGS)
tests_tools_threads_LDADD = $(TEST_LDADD)
TESTS += tests/cli/threads.sh
EXTRA_DIST += tests/cli/threads.sh

# Database rekey and the ledger's clock.
libkansa_internal_la_SOURCES += ledger/rekey.c ledger/migrate.c ledger/clock.c ledger/clock.h ledger/clock_check.c

# The pull-reader decoders of entries and requests against the tree decoders they replaced.
check_PROGRAMS += tests/unit/test_decode_diff
tests_unit_test_decode_diff_SOURCES = tests/unit/diff/test_decode_diff.c tests/unit/diff/tree_entry.c \
	tests/unit/diff/tree_request.c tests/unit/diff/tree.h
tests_unit_test_decode_diff_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_decode_diff_LDADD = $(TEST_LDADD)
TESTS += tests/unit/test_decode_diff
