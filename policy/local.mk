# policy/: sources and tests of the policy module
# canonical CBOR and COSE_Sign (cbor/cose engineer)
libkansa_internal_la_SOURCES += policy/cbor.h policy/cbor.c policy/cose.h policy/cose.c

check_PROGRAMS += tests/unit/test_cbor tests/unit/test_cose
tests_unit_test_cbor_SOURCES = tests/unit/cbor/test_cbor.c tests/unit/cbor/helpers.h
tests_unit_test_cbor_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_cbor_LDADD = $(TEST_LDADD)
tests_unit_test_cose_SOURCES = tests/unit/cose/test_cose.c tests/unit/cbor/helpers.h
tests_unit_test_cose_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_cose_LDADD = $(TEST_LDADD)
TESTS += tests/unit/test_cbor tests/unit/test_cose
