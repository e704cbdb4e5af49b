# tests/fuzz/: libFuzzer targets (style.md §9), built two ways.
#
# 1. Always: tests/fuzz/replay_<t> links tests/fuzz/standalone.c with
#    tests/fuzz/fuzz_<t>.c and runs in `make check` over every file in
#    tests/fuzz/corpus/<t>/ (one line per file; fails when the corpus is empty).
#    Every crash ever found goes into that corpus and stays a regression test.
#    By hand: tests/fuzz/replay_cose DIR-OR-FILE...
#
# 2. With libFuzzer, ASan and UBSan:
#      mkdir build-fuzz && cd build-fuzz
#      ../configure CC=clang --enable-fuzzing
#      make fuzz FUZZ_SECONDS=60 FUZZ_JOBS=4   # every target, 60 s each (default)
#      make fuzz FUZZ_TARGETS=cose         # just one
#    `make fuzz` compiles the library sources and each target with
#    -fsanitize=fuzzer,address,undefined into tests/fuzz/bin/, then runs each
#    target for FUZZ_SECONDS over a scratch copy of its corpus
#    (tests/fuzz/work/<t>/, so new inputs never land in the source tree).
#    Crashes are written to tests/fuzz/crashes/<t>-crash-<sha1>; copy them
#    into tests/fuzz/corpus/<t>/ once fixed. Run one binary by hand with
#    e.g. tests/fuzz/bin/fuzz_cose -max_total_time=600 tests/fuzz/work/cose
#
# Adding a target <t>: write tests/fuzz/fuzz_<t>.c, seed tests/fuzz/corpus/<t>/,
# and add one block like those below:
#      FUZZ_REPLAYS += tests/fuzz/replay_<t>
#      tests_fuzz_replay_<t>_SOURCES = tests/fuzz/fuzz_<t>.c $(FUZZ_STANDALONE)
#      tests_fuzz_replay_<t>_CFLAGS = $(FUZZ_REPLAY_CFLAGS)
#      tests_fuzz_replay_<t>_LDADD = $(FUZZ_REPLAY_LDADD)
# Everything else (make check, make fuzz) follows from FUZZ_REPLAYS. (automake
# needs each program's name, sources and, short of changing the global LDADD,
# its libraries spelled out literally; it cannot derive them from a list.)

FUZZ_STANDALONE = tests/fuzz/standalone.c
FUZZ_REPLAY_CFLAGS = $(TEST_CFLAGS)
FUZZ_REPLAY_LDADD = $(TEST_LDADD)

FUZZ_REPLAYS = tests/fuzz/replay_cbor
tests_fuzz_replay_cbor_SOURCES = tests/fuzz/fuzz_cbor.c $(FUZZ_STANDALONE)
tests_fuzz_replay_cbor_CFLAGS = $(FUZZ_REPLAY_CFLAGS)
tests_fuzz_replay_cbor_LDADD = $(FUZZ_REPLAY_LDADD)

FUZZ_REPLAYS += tests/fuzz/replay_cose
tests_fuzz_replay_cose_SOURCES = tests/fuzz/fuzz_cose.c $(FUZZ_STANDALONE)
tests_fuzz_replay_cose_CFLAGS = $(FUZZ_REPLAY_CFLAGS)
tests_fuzz_replay_cose_LDADD = $(FUZZ_REPLAY_LDADD)

FUZZ_REPLAYS += tests/fuzz/replay_note
tests_fuzz_replay_note_SOURCES = tests/fuzz/fuzz_note.c $(FUZZ_STANDALONE)
tests_fuzz_replay_note_CFLAGS = $(FUZZ_REPLAY_CFLAGS)
tests_fuzz_replay_note_LDADD = $(FUZZ_REPLAY_LDADD)

FUZZ_REPLAYS += tests/fuzz/replay_proof
tests_fuzz_replay_proof_SOURCES = tests/fuzz/fuzz_proof.c $(FUZZ_STANDALONE)
tests_fuzz_replay_proof_CFLAGS = $(FUZZ_REPLAY_CFLAGS)
tests_fuzz_replay_proof_LDADD = $(FUZZ_REPLAY_LDADD)

FUZZ_REPLAYS += tests/fuzz/replay_policy
tests_fuzz_replay_policy_SOURCES = tests/fuzz/fuzz_policy.c $(FUZZ_STANDALONE)
tests_fuzz_replay_policy_CFLAGS = $(FUZZ_REPLAY_CFLAGS)
tests_fuzz_replay_policy_LDADD = $(FUZZ_REPLAY_LDADD)

FUZZ_REPLAYS += tests/fuzz/replay_warrant
tests_fuzz_replay_warrant_SOURCES = tests/fuzz/fuzz_warrant.c $(FUZZ_STANDALONE)
tests_fuzz_replay_warrant_CFLAGS = $(FUZZ_REPLAY_CFLAGS)
tests_fuzz_replay_warrant_LDADD = $(FUZZ_REPLAY_LDADD)

FUZZ_REPLAYS += tests/fuzz/replay_revocation
tests_fuzz_replay_revocation_SOURCES = tests/fuzz/fuzz_revocation.c $(FUZZ_STANDALONE)
tests_fuzz_replay_revocation_CFLAGS = $(FUZZ_REPLAY_CFLAGS)
tests_fuzz_replay_revocation_LDADD = $(FUZZ_REPLAY_LDADD)

FUZZ_REPLAYS += tests/fuzz/replay_request
tests_fuzz_replay_request_SOURCES = tests/fuzz/fuzz_request.c $(FUZZ_STANDALONE)
tests_fuzz_replay_request_CFLAGS = $(FUZZ_REPLAY_CFLAGS)
tests_fuzz_replay_request_LDADD = $(FUZZ_REPLAY_LDADD)

FUZZ_REPLAYS += tests/fuzz/replay_json
tests_fuzz_replay_json_SOURCES = tests/fuzz/fuzz_json.c $(FUZZ_STANDALONE)
tests_fuzz_replay_json_CFLAGS = $(FUZZ_REPLAY_CFLAGS)
tests_fuzz_replay_json_LDADD = $(FUZZ_REPLAY_LDADD)

FUZZ_REPLAYS += tests/fuzz/replay_entry
tests_fuzz_replay_entry_SOURCES = tests/fuzz/fuzz_entry.c $(FUZZ_STANDALONE)
tests_fuzz_replay_entry_CFLAGS = $(FUZZ_REPLAY_CFLAGS)
tests_fuzz_replay_entry_LDADD = $(FUZZ_REPLAY_LDADD)

FUZZ_REPLAYS += tests/fuzz/replay_receipt
tests_fuzz_replay_receipt_SOURCES = tests/fuzz/fuzz_receipt.c $(FUZZ_STANDALONE)
tests_fuzz_replay_receipt_CFLAGS = $(FUZZ_REPLAY_CFLAGS)
tests_fuzz_replay_receipt_LDADD = $(FUZZ_REPLAY_LDADD)

FUZZ_REPLAYS += tests/fuzz/replay_witness
tests_fuzz_replay_witness_SOURCES = tests/fuzz/fuzz_witness.c $(FUZZ_STANDALONE)
tests_fuzz_replay_witness_CFLAGS = $(FUZZ_REPLAY_CFLAGS)
tests_fuzz_replay_witness_LDADD = $(FUZZ_REPLAY_LDADD)
EXTRA_DIST += tests/fuzz/fuzz_witness.c tests/fuzz/corpus/witness

FUZZ_REPLAYS += tests/fuzz/replay_proof_receipt
tests_fuzz_replay_proof_receipt_SOURCES = tests/fuzz/fuzz_proof_receipt.c $(FUZZ_STANDALONE)
tests_fuzz_replay_proof_receipt_CFLAGS = $(FUZZ_REPLAY_CFLAGS)
tests_fuzz_replay_proof_receipt_LDADD = $(FUZZ_REPLAY_LDADD)

FUZZ_REPLAYS += tests/fuzz/replay_check_body
tests_fuzz_replay_check_body_SOURCES = tests/fuzz/fuzz_check_body.c $(FUZZ_STANDALONE)
tests_fuzz_replay_check_body_CFLAGS = $(FUZZ_REPLAY_CFLAGS)
tests_fuzz_replay_check_body_LDADD = $(FUZZ_REPLAY_LDADD)

check_PROGRAMS += $(FUZZ_REPLAYS)
TESTS += $(FUZZ_REPLAYS)
EXTRA_DIST += tests/fuzz/corpus/cbor tests/fuzz/corpus/cose tests/fuzz/fuzz_json.c tests/fuzz/corpus/json \
	tests/fuzz/fuzz_entry.c tests/fuzz/corpus/entry tests/fuzz/fuzz_receipt.c tests/fuzz/corpus/receipt \
	tests/fuzz/fuzz_proof_receipt.c tests/fuzz/corpus/proof_receipt tests/fuzz/proof_receipt_seeds.py \
	tests/fuzz/fuzz_check_body.c tests/fuzz/corpus/check_body

FUZZ_SECONDS = 60
# targets run at once (each for FUZZ_SECONDS, its output kept apart and
# printed in order afterwards)
FUZZ_JOBS = 1
FUZZ_SAN = -g -O1 -fno-omit-frame-pointer -fno-sanitize-recover=undefined
FUZZ_FLAGS = $(FUZZ_SAN) -fsanitize=fuzzer,address,undefined
FUZZ_LIB_FLAGS = $(FUZZ_SAN) -fsanitize=fuzzer-no-link,address,undefined
FUZZ_CPPFLAGS = $(AM_CPPFLAGS) $(DEP_CFLAGS) $(JANSSON_CFLAGS)
FUZZ_LIBS = $(DEP_LIBS) $(JANSSON_LIBS) $(LIBSSL_LIBS) $(LIBEVENT_LIBS) $(LIBCURL_LIBS)

if FUZZING
# FUZZ_TARGETS defaults to every replay program's target name; FUZZ_JOBS of
# them run at a time.
fuzz: fuzz-build
	@set -e; \
	targets='$(FUZZ_TARGETS)'; \
	if test -z "$$targets"; then \
	  for r in $(FUZZ_REPLAYS); do targets="$$targets $${r#tests/fuzz/replay_}"; done; \
	fi; \
	mkdir -p tests/fuzz/crashes; running=0; \
	for t in $$targets; do \
	  mkdir -p tests/fuzz/work/$$t; rm -f tests/fuzz/work/$$t.failed; \
	  { tests/fuzz/bin/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
	      -artifact_prefix=tests/fuzz/crashes/$$t- \
	      tests/fuzz/work/$$t $(srcdir)/tests/fuzz/corpus/$$t > tests/fuzz/work/$$t.log 2>&1 || \
	    touch tests/fuzz/work/$$t.failed; } & \
	  running=$$((running + 1)); \
	  if test $$running -ge $(FUZZ_JOBS); then wait; running=0; fi; \
	done; \
	wait; failed=; \
	for t in $$targets; do \
	  echo "fuzz: $$t for $(FUZZ_SECONDS) s"; cat tests/fuzz/work/$$t.log; \
	  test ! -e tests/fuzz/work/$$t.failed || failed="$$failed $$t"; \
	done; \
	test -z "$$failed" || { echo "fuzz: failed:$$failed"; exit 1; }

# The library is compiled once with the fuzzer flags (coverage needs it
# instrumented too), then linked into each target; FUZZ_JOBS compilers run at
# a time. An object is written under a temporary name and renamed once
# complete, so that a failed compile is never taken for a built object.
fuzz-build:
	@set -e; \
	targets='$(FUZZ_TARGETS)'; \
	if test -z "$$targets"; then \
	  for r in $(FUZZ_REPLAYS); do targets="$$targets $${r#tests/fuzz/replay_}"; done; \
	fi; \
	mkdir -p tests/fuzz/bin/obj; rm -f tests/fuzz/bin/failed; objs=; running=0; \
	for s in $(libkansa_internal_la_SOURCES); do \
	  case $$s in *.c) ;; *) continue ;; esac; \
	  o=tests/fuzz/bin/obj/`echo $$s | sed 's|/|_|g; s|\.c$$|.o|'`; \
	  case " $$objs " in *" $$o "*) continue ;; esac; \
	  objs="$$objs $$o"; \
	  if test ! -f $$o || test $(srcdir)/$$s -nt $$o; then \
	    echo "  CC (fuzz) $$s"; \
	    { $(CC) -std=c11 $(FUZZ_LIB_FLAGS) $(FUZZ_CPPFLAGS) -c -o $$o.tmp $(srcdir)/$$s && \
	      mv $$o.tmp $$o || echo $$s >> tests/fuzz/bin/failed; } & \
	    running=$$((running + 1)); \
	    if test $$running -ge $(FUZZ_JOBS); then wait; running=0; fi; \
	  fi; \
	done; \
	wait; running=0; \
	if test -e tests/fuzz/bin/failed; then echo "fuzz: cannot compile:" `cat tests/fuzz/bin/failed` >&2; exit 1; fi; \
	for t in $$targets; do \
	  echo "  CCLD (fuzz) tests/fuzz/bin/fuzz_$$t"; \
	  { $(CC) -std=c11 $(FUZZ_FLAGS) $(FUZZ_CPPFLAGS) -o tests/fuzz/bin/fuzz_$$t \
	      $(srcdir)/tests/fuzz/fuzz_$$t.c $$objs $(FUZZ_LIBS) || echo $$t >> tests/fuzz/bin/failed; } & \
	  running=$$((running + 1)); \
	  if test $$running -ge $(FUZZ_JOBS); then wait; running=0; fi; \
	done; \
	wait; \
	if test -e tests/fuzz/bin/failed; then echo "fuzz: cannot link:" `cat tests/fuzz/bin/failed` >&2; exit 1; fi
else
fuzz fuzz-build:
	@echo "make fuzz needs: configure CC=clang --enable-fuzzing" >&2; exit 1
endif

clean-fuzz:
	rm -rf tests/fuzz/bin tests/fuzz/work tests/fuzz/crashes
.PHONY: fuzz fuzz-build clean-fuzz
