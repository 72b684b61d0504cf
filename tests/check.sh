#!/bin/sh
# check.sh: install what is missing, build, and run the whole test suite
# three times: with warnings as errors, under AddressSanitizer, and again
# in the first build under valgrind (AEMP_VALGRIND=1: the unit tests and
# every C program a regress or interop test starts, see
# tests/regress/lib.sh).  Ends with "N passed, N failed", the totals of
# the three passes.
#
# Measured on a 2-core machine: tests of the first pass 45 s, ASan 60 s,
# valgrind 3 to 4 min, the whole run from a fresh clone under 6 min; so
# valgrind runs the whole suite, not a subset.  Only net-accept-limit.sh
# skips itself there (see it).

set -u

top=$(cd "$(dirname "$0")/.." && pwd)
pass=0
fail=0
broken=""

sh "$top/tests/deps.sh" || exit 1

# count DIR: add the totals of DIR/test-suite.log to pass and fail.
count()
{
	local p f e

	p=$(sed -n 's/^# PASS: *//p' "$1/test-suite.log" 2>/dev/null)
	f=$(sed -n 's/^# FAIL: *//p' "$1/test-suite.log" 2>/dev/null)
	e=$(sed -n 's/^# ERROR: *//p' "$1/test-suite.log" 2>/dev/null)
	pass=$((pass + ${p:-0}))
	fail=$((fail + ${f:-0} + ${e:-0}))
}

# run DIR OUT MAKE-ARGS...: make check in DIR, output in DIR/OUT; print
# the results (and the log when some failed), count them, time them.
run()
{
	local dir=$1 out=$2 start

	shift 2
	start=$(date +%s)
	make -C "$dir" -j2 check "$@" >"$dir/$out" 2>&1
	grep -E '^(PASS|FAIL|ERROR|SKIP|XFAIL)' "$dir/$out"
	if grep -qE '^(FAIL|ERROR)' "$dir/$out"; then
		cat "$dir/test-suite.log"
	fi
	count "$dir"
	echo "($(($(date +%s) - start)) s)"
}

# suite NAME DIR CONFIGURE-ARGS...: build in DIR and run make check there.
suite()
{
	local name=$1 dir=$2

	shift 2
	echo "== $name"
	if ! sh "$top/tests/build.sh" "$dir" "$@"; then
		echo "$name: build failed"
		broken="$broken; $name: build failed"
		fail=$((fail + 1))
		return 1
	fi
	run "$dir" check.out
}

suite "warnings as errors" "$top/build" --enable-werror
built=$?
suite "AddressSanitizer" "$top/build-asan" --enable-asan

# The first pass's build again: valgrind needs no build of its own.
echo "== valgrind"
if [ "$built" = 0 ]; then
	run "$top/build" check-valgrind.out AEMP_VALGRIND=1
else
	echo "valgrind: no build to run in"
	broken="$broken; valgrind: not run"
	fail=$((fail + 1))
fi

xxx=$(grep -rnw 'XXX' "$top/host" "$top/sdk" "$top/plugins" \
    "$top/services" 2>/dev/null | wc -l)
echo "XXX markers in the sources: $xxx"
[ -n "$broken" ] && echo "check.sh: ${broken#; }"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
