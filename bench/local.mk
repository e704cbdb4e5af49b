# bench/: kansa-bench, kansa's figures against the limits measured in the same
# run (docs/performance.md). Built by make check (for the --quick smoke test
# tests/cli/bench-smoke.sh); `make bench` runs the full benchmark, which is not
# a test and takes minutes (the first run also makes a 1,000,000-entry ledger,
# kept in bench/data/ of the build directory; every run grows bench/data/growth.db
# to 100,000 entries, to 1,000,000 with BENCH_FLAGS=--growth-1m).
check_PROGRAMS += bench/kansa-bench
bench_kansa_bench_SOURCES = bench/bench.h bench/bench.c bench/limits.c bench/commission.c bench/report.c \
	bench/util.c bench/bench_service.c bench/growth.c bench/load.c bench/replay.c bench/pg.c \
	bench/pg_limits.c
bench_kansa_bench_CFLAGS = $(AM_CFLAGS) $(SQLCIPHER_CFLAGS) $(LIBPQ_CFLAGS) $(OPENSSL_CFLAGS)
# -no-install: no libtool wrapper script, so perf and callgrind see the real program.
bench_kansa_bench_LDFLAGS = $(AM_LDFLAGS) -no-install
bench_kansa_bench_LDADD = libkansa.la $(SQLCIPHER_LIBS) $(LIBPQ_LIBS) $(OPENSSL_LIBS) -lpthread
TESTS += tests/cli/bench-smoke.sh tests/cli/bench-pg.sh
EXTRA_DIST += tests/cli/bench-smoke.sh tests/cli/bench-pg.sh bench/pg-bench.sh

BENCH_FLAGS =
bench: bench/kansa-bench
	$(MKDIR_P) bench/data
	./bench/kansa-bench --data bench/data --json bench/results.json $(BENCH_FLAGS)
# `make bench-pg`: the PostgreSQL sections on a throw-away cluster
# (bench/pg-bench.sh; the server programs must be installed).
BENCH_PG_FLAGS = --only pg
bench-pg: bench/kansa-bench
	$(MKDIR_P) bench/data
	KANSA_BENCH=./bench/kansa-bench $(SHELL) $(srcdir)/bench/pg-bench.sh --data bench/data \
	    --json bench/results-pg.json $(BENCH_PG_FLAGS)
.PHONY: bench bench-pg
CLEANFILES += bench/results.json bench/results-pg.json
