# policy/: sources and tests of the policy module
# canonical CBOR and COSE_Sign (cbor/cose engineer)
libkansa_internal_la_SOURCES += policy/cbor.h policy/cbor.c policy/cbor_write.c policy/cbor_read.c policy/cose.h policy/cose.c
# signed receipts' encoding and strict parser (design §9); signing is in ledger/receipt.c
libkansa_internal_la_SOURCES += policy/receipt.h policy/receipt.c
# proven receipts: the RFC 9942 COSE Receipt and its container (verified in ledger/receipt_proof.c)
libkansa_internal_la_SOURCES += policy/receipt_proof.h policy/receipt_proof.c
# the CBOR form of the service's check (design §10): its body split, its answer
libkansa_internal_la_SOURCES += policy/check_body.h policy/check_body.c policy/check_answer.c

check_PROGRAMS += tests/unit/test_cbor tests/unit/test_cose
tests_unit_test_cbor_SOURCES = tests/unit/policy/cbor/test_cbor.c tests/unit/policy/cbor/test_check_body.c \
	tests/unit/policy/cbor/helpers.h
tests_unit_test_cbor_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_cbor_LDADD = $(TEST_LDADD)
tests_unit_test_cose_SOURCES = tests/unit/policy/cose/test_cose.c tests/unit/policy/cbor/helpers.h
tests_unit_test_cose_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_cose_LDADD = $(TEST_LDADD)
TESTS += tests/unit/test_cbor tests/unit/test_cose
# the CBOR writers against the tree encoder; the pull reader
check_PROGRAMS += tests/unit/test_cbor_write
tests_unit_test_cbor_write_SOURCES = tests/unit/policy/cbor/test_cbor_write.c tests/unit/policy/cbor/test_cbor_read.c \
	tests/unit/policy/cbor/helpers.h
tests_unit_test_cbor_write_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_cbor_write_LDADD = $(TEST_LDADD)
TESTS += tests/unit/test_cbor_write

# Signed documents (policy, warrant, revocation, ratification, request):
# prefixes, times, JSON -> CBOR builders, strict parsers, verification, the
# public kansa_doc/kansa_policy API. policy/ uses jansson for the JSON forms.
libkansa_internal_la_SOURCES += policy/doc.h policy/doc_kind.c policy/prefix.c policy/doc_time.c \
	policy/doc_field.h policy/doc_field.c policy/doc_field_read.c policy/doc_payload.c policy/doc_request.c policy/doc_verify.c \
	policy/doc_json.h policy/doc_json_value.c policy/doc_json.c policy/doc_api.c policy/text.c \
	policy/request_peek.c policy/doc_witness.c policy/doc_emergency.c
libkansa_internal_la_CFLAGS += $(JANSSON_CFLAGS)
libkansa_internal_la_LIBADD += $(JANSSON_LIBS)
libkansa_la_LIBADD += $(JANSSON_LIBS)

check_PROGRAMS += tests/unit/test_doc
tests_unit_test_doc_SOURCES = tests/unit/policy/doc/test_prefix.c tests/unit/policy/doc/test_json.c \
	tests/unit/policy/doc/test_verify.c tests/unit/policy/doc/test_member_keys.c tests/unit/policy/doc/helpers.h \
	tests/unit/policy/doc/test_units.c tests/unit/policy/doc/test_emergency.c
tests_unit_test_doc_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_doc_LDADD = $(TEST_LDADD)
TESTS += tests/unit/test_doc
TESTS += tests/cli/documents.sh tests/cli/cose-independent.sh
EXTRA_DIST += tests/cli/documents.sh tests/cli/cose-independent.sh tests/cose_ref.py \
	tests/fuzz/fuzz_policy.c tests/fuzz/fuzz_warrant.c tests/fuzz/fuzz_revocation.c \
	tests/fuzz/fuzz_request.c tests/fuzz/corpus/policy tests/fuzz/corpus/warrant \
	tests/fuzz/corpus/revocation tests/fuzz/corpus/request

# The decision function (design §5), the rules of rows 3-6 that document
# verification shares with it, and their table-driven tests.
libkansa_internal_la_SOURCES += policy/decide.h policy/decide.c policy/rules.h policy/rules.c
check_PROGRAMS += tests/unit/test_decide
tests_unit_test_decide_SOURCES = tests/unit/policy/decide/test_evaluate.c tests/unit/policy/decide/test_unit.c \
	tests/unit/policy/decide/test_emergency.c
tests_unit_test_decide_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_decide_LDADD = $(TEST_LDADD)
TESTS += tests/unit/test_decide
