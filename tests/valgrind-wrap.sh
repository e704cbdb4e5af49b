#!/bin/sh
# Run a test program under valgrind memcheck: any error or leak fails it.
# KANSA_VALGRIND=1 lets a test size its exhaustive work for a slow run.
# Children are checked too (Criterion runs each test in a new process of the
# test program), except the system's programs a test runs (sh and rm -rf of a
# fixture, openssl, git): they are not kansa's code, and each would cost a
# start of valgrind.
KANSA_VALGRIND=1; export KANSA_VALGRIND
exec valgrind --quiet --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect \
	--errors-for-leak-kinds=definite,indirect --trace-children=yes \
	--trace-children-skip='/bin/*,/sbin/*,/usr/*' \
	--suppressions="${KANSA_SRCDIR}/tests/valgrind.supp" "$@"
