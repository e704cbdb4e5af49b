#!/bin/sh
# Run a test program under valgrind memcheck: any error or leak fails it.
# KANSA_VALGRIND=1 lets a test size its exhaustive work for a slow run.
KANSA_VALGRIND=1; export KANSA_VALGRIND
exec valgrind --quiet --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect \
	--errors-for-leak-kinds=definite,indirect --trace-children=yes \
	--suppressions="${KANSA_SRCDIR}/tests/valgrind.supp" "$@"
