# Hardening (issue 8): crash safety, resource bounds, secrets, clock, rekey.
# Included from tests/local.mk.

check_PROGRAMS += tests/tools/crash_safety
tests_tools_crash_safety_SOURCES = tests/tools/crash_safety.c tests/tools/commission.h
tests_tools_crash_safety_CFLAGS = $(TEST_CFLAGS)
tests_tools_crash_safety_LDADD = $(TEST_LDADD)
TESTS += tests/cli/crash-safety.sh
EXTRA_DIST += tests/cli/crash-safety.sh

check_PROGRAMS += tests/unit/test_harden
tests_unit_test_harden_SOURCES = tests/unit/harden/chain.h tests/unit/harden/test_clock.c \
	tests/unit/harden/test_rekey.c tests/unit/harden/test_limits.c
tests_unit_test_harden_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_harden_LDADD = $(TEST_LDADD)
TESTS += tests/unit/test_harden

check_PROGRAMS += tests/tools/harden_tool
tests_tools_harden_tool_SOURCES = tests/tools/harden_tool.c tests/tools/commission.h
tests_tools_harden_tool_CFLAGS = $(TEST_CFLAGS)
tests_tools_harden_tool_LDADD = $(TEST_LDADD)
TESTS += tests/cli/rekey-clock.sh
EXTRA_DIST += tests/cli/rekey-clock.sh

TESTS += tests/cli/secrets.sh
EXTRA_DIST += tests/cli/secrets.sh tests/scan_secrets.py

# REQ: SEC-FILE-OPEN files that are not regular files (FIFOs) are refused at once
TESTS += tests/cli/special-files.sh
EXTRA_DIST += tests/cli/special-files.sh
