# bench/: benchmark programs (make bench). Filled by the performance work.
bench:
	@echo "no benchmarks yet"
.PHONY: bench
