# ledger/tlog/: the transparency log's formats: the RFC 9162 Merkle tree and
# its proofs, C2SP signed notes and checkpoints. Uses keys/ only.
libkansa_internal_la_SOURCES += ledger/tlog/merkle.h ledger/tlog/merkle.c ledger/tlog/note.h ledger/tlog/note.c ledger/tlog/vkey.c \
	ledger/tlog/cosig.h ledger/tlog/cosig.c

check_PROGRAMS += tests/unit/test_merkle tests/unit/test_note tests/unit/test_cosig tests/tools/merkle_dump
tests_unit_test_merkle_SOURCES = tests/unit/ledger/tlog/test_merkle.c tests/unit/ledger/tlog/test_proof_text.c \
	tests/unit/ledger/tlog/vectors.h
tests_unit_test_merkle_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_merkle_LDADD = $(TEST_LDADD)
tests_unit_test_note_SOURCES = tests/unit/ledger/tlog/test_note.c \
	tests/unit/ledger/tlog/vectors.h
tests_unit_test_note_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_note_LDADD = $(TEST_LDADD)
tests_unit_test_cosig_SOURCES = tests/unit/ledger/tlog/test_cosig.c
tests_unit_test_cosig_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_cosig_LDADD = $(TEST_LDADD)
tests_tools_merkle_dump_SOURCES = tests/tools/merkle_dump.c
tests_tools_merkle_dump_CFLAGS = $(TEST_CFLAGS)
tests_tools_merkle_dump_LDADD = $(TEST_LDADD)
TESTS += tests/unit/test_merkle tests/unit/test_note tests/unit/test_cosig tests/cli/merkle-independent.sh
EXTRA_DIST += tests/cli/merkle-independent.sh tests/merkle_ref.py \
	tests/fuzz/fuzz_note.c tests/fuzz/fuzz_proof.c tests/fuzz/corpus/note tests/fuzz/corpus/proof
