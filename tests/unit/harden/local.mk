# Hardening (issue 8): crash safety, resource bounds, secrets, clock, rekey.
# Included from tests/local.mk.

check_PROGRAMS += tests/tools/crash_safety
tests_tools_crash_safety_SOURCES = tests/tools/crash_safety.c tests/tools/commission.h
tests_tools_crash_safety_CFLAGS = $(TEST_CFLAGS)
tests_tools_crash_safety_LDADD = $(TEST_LDADD)
TESTS += tests/cli/crash-safety.sh
EXTRA_DIST += tests/cli/crash-safety.sh
