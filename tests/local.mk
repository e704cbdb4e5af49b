# tests/: unit tests (Criterion, one binary per module), CLI scripts, fuzz.
TESTS += tests/check-includes.sh tests/check-includes-selftest.sh tests/check-banned.sh
EXTRA_DIST += tests/unit/hang_guard.h tests/check-includes.sh tests/check-includes-selftest.sh tests/check-banned.sh tests/valgrind-wrap.sh tests/valgrind-skip tests/valgrind.supp tests/lsan.supp tests/tsan.supp \
	tests/cli/lib.sh
# what auditors and the commission see (design §12, docs/audit.md)
TESTS += tests/cli/audit-entries.sh tests/cli/audit-stats.sh tests/cli/audit-report.sh tests/cli/report-html.sh \
	tests/cli/audit-emergencies.sh tests/cli/emergency-bounds.sh tests/cli/audit-retention.sh \
	tests/cli/json-times.sh
EXTRA_DIST += tests/cli/emergency-bounds.sh tests/cli/audit-retention.sh tests/cli/json-times.sh
EXTRA_DIST += tests/cli/audit-entries.sh tests/cli/audit-stats.sh tests/cli/audit-report.sh tests/cli/report-html.sh tests/cli/audit-emergencies.sh tests/cli/lib-audit.sh \
	tests/cli/lib-anchor.sh
# the screenshot report-html.sh keeps (a test artifact)
CLEANFILES += tests/cli/report-html.png

check_PROGRAMS += tests/unit/test_common
tests_unit_test_common_SOURCES = tests/unit/common/test_error.c
tests_unit_test_common_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_common_LDADD = $(TEST_LDADD)
TESTS += tests/unit/test_common
include tests/fuzz/local.mk
include tests/safety.mk

# the CLI contract of design §7 for every command of 'kansa --help'
TESTS += tests/cli/contract.sh
EXTRA_DIST += tests/cli/contract.sh

# kansa.pc and kansa-uninstalled.pc: docs/examples/integrator.c built with pkg-config alone,
# by this build's compiler with its sanitizer flags (a sanitized libkansa needs them)
TESTS += tests/cli/pkgconfig.sh
AM_TESTS_ENVIRONMENT += KANSA_CC='$(CC)'; export KANSA_CC; KANSA_LINK_FLAGS='$(HARDEN_LDFLAGS)'; export KANSA_LINK_FLAGS;
EXTRA_DIST += tests/cli/pkgconfig.sh kansa-uninstalled.pc.in

# docs/ledger.md's sqlcipher shell commands, run as written
TESTS += tests/cli/sqlcipher-doc.sh
EXTRA_DIST += tests/cli/sqlcipher-doc.sh
