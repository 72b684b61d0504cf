#!/bin/sh
# run.sh PROGRAM [ARG...]: how make check runs a unit test.  Under
# AEMP_VALGRIND=1 (as for the regress tests, see tests/regress/lib.sh)
# it runs under valgrind and fails on any memory error or definite leak.

if [ "${AEMP_VALGRIND:-0}" = 1 ]; then
	exec "${top_builddir:?}/libtool" --mode=execute valgrind -q \
	    --leak-check=full --show-leak-kinds=definite \
	    --errors-for-leak-kinds=definite --num-callers=30 \
	    --error-exitcode=1 "$@"
fi
exec "$@"
