# policy/: sources and tests of the policy module
# canonical CBOR and COSE_Sign (cbor/cose engineer)
libkansa_internal_la_SOURCES += policy/cbor.h policy/cbor.c

check_PROGRAMS += tests/unit/test_cbor
tests_unit_test_cbor_SOURCES = tests/unit/cbor/test_cbor.c tests/unit/cbor/helpers.h
tests_unit_test_cbor_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_cbor_LDADD = $(TEST_LDADD)
TESTS += tests/unit/test_cbor
