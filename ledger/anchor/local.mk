# ledger/anchor/: signed checkpoints and consistency proofs in a git repository
# (libgit2), verified by anyone with the log's public key (docs/anchoring.md).
# The only place that includes git2.h.
libkansa_internal_la_SOURCES += ledger/anchor/anchor.h ledger/anchor/anchor.c ledger/anchor/anchor_git.c ledger/anchor/anchor_verify.c \
	ledger/anchor/anchor_fold.c ledger/anchor/anchor_remote.c ledger/anchor/witness.h ledger/anchor/witness.c
TESTS += tests/cli/anchor.sh tests/cli/witness.sh tests/cli/publish.sh
EXTRA_DIST += tests/cli/anchor.sh tests/cli/witness.sh tests/cli/publish.sh tests/cosig_ref.py
check_PROGRAMS += tests/unit/test_anchor
tests_unit_test_anchor_SOURCES = tests/unit/ledger/anchor/test_anchor.c tests/unit/ledger/fixture.h
tests_unit_test_anchor_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_anchor_LDADD = $(TEST_LDADD)
TESTS += tests/unit/test_anchor
check_PROGRAMS += tests/unit/test_fold
tests_unit_test_fold_SOURCES = tests/unit/ledger/anchor/test_fold.c tests/unit/ledger/fixture.h
tests_unit_test_fold_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_fold_LDADD = $(TEST_LDADD)
TESTS += tests/unit/test_fold
# the witness: the add-checkpoint parser and its state logic
check_PROGRAMS += tests/unit/test_witness
tests_unit_test_witness_SOURCES = tests/unit/ledger/anchor/test_witness.c
tests_unit_test_witness_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_witness_LDADD = $(TEST_LDADD)
TESTS += tests/unit/test_witness
