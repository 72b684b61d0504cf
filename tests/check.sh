#!/bin/sh
# check.sh: install what is missing, build, and run the whole test suite:
# once with warnings as errors, once under AddressSanitizer, and the unit
# tests once more under valgrind.  Ends with "N passed, N failed".

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
		return
	fi
	make -C "$dir" -j2 check >"$dir/check.out" 2>&1
	grep -E '^(PASS|FAIL|ERROR|SKIP|XFAIL)' "$dir/check.out"
	if grep -qE '^(FAIL|ERROR)' "$dir/check.out"; then
		cat "$dir/test-suite.log"
	fi
	count "$dir"
}

suite "warnings as errors" "$top/build" --enable-werror
suite "AddressSanitizer" "$top/build-asan" --enable-asan

echo "== valgrind (unit tests)"
for t in "$top"/build/tests/unit/test_*; do
	[ -x "$t" ] || continue
	case "$t" in *.o|*.log|*.trs) continue ;; esac
	if "$top/build/libtool" --mode=execute valgrind -q \
	    --leak-check=full --errors-for-leak-kinds=definite \
	    --error-exitcode=99 "$t" >"$t.vg.out" 2>&1; then
		echo "PASS: valgrind $(basename "$t")"
		pass=$((pass + 1))
	else
		echo "FAIL: valgrind $(basename "$t")"
		tail -n 30 "$t.vg.out"
		fail=$((fail + 1))
	fi
done

xxx=$(grep -rnw 'XXX' "$top/host" "$top/sdk" "$top/plugins" \
    "$top/services" 2>/dev/null | wc -l)
echo "XXX markers in the sources: $xxx"
[ -n "$broken" ] && echo "check.sh: ${broken#; }"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
