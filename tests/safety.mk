# Safety across modules: crash safety, resource bounds, secrets, rekey and
# clock from the CLI, special files. Included from tests/local.mk.

check_PROGRAMS += tests/tools/crash_safety
tests_tools_crash_safety_SOURCES = tests/tools/crash_safety.c tests/tools/commission.h
tests_tools_crash_safety_CFLAGS = $(TEST_CFLAGS)
tests_tools_crash_safety_LDADD = $(TEST_LDADD)
TESTS += tests/cli/crash-safety.sh
EXTRA_DIST += tests/cli/crash-safety.sh

# Every bound of common/kansa_limits.h, pushed through the parsers and the ledger.
check_PROGRAMS += tests/unit/test_limits
tests_unit_test_limits_SOURCES = tests/unit/common/test_limits.c tests/unit/ledger/chain.h
tests_unit_test_limits_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_limits_LDADD = $(TEST_LDADD)
TESTS += tests/unit/test_limits

check_PROGRAMS += tests/tools/shifted_ledger
tests_tools_shifted_ledger_SOURCES = tests/tools/shifted_ledger.c tests/tools/commission.h
tests_tools_shifted_ledger_CFLAGS = $(TEST_CFLAGS)
tests_tools_shifted_ledger_LDADD = $(TEST_LDADD)
TESTS += tests/cli/rekey-clock.sh
EXTRA_DIST += tests/cli/rekey-clock.sh

TESTS += tests/cli/secrets.sh
EXTRA_DIST += tests/cli/secrets.sh tests/scan_secrets.py

# REQ: SEC-FILE-OPEN files that are not regular files (FIFOs) are refused at once
TESTS += tests/cli/special-files.sh
EXTRA_DIST += tests/cli/special-files.sh
