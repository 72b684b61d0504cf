# lib.sh: helpers for regress tests, sourced by each tests/regress/*.sh.
#
# Every test gets a scratch folder $T (removed on success, kept and
# printed on failure), its own config file ($AEMP_RC inside $T), and a
# cleanup that stops every process started with start_bg.
#
# AEMP_VALGRIND=1 runs every C program of ours that a test starts under
# valgrind: the test puts $(vg_wrap NAME) before the program, reports go
# to $T/NAME.PID.vg, and lib_cleanup calls vg_check, which fails the test
# on any memory error or definite leak.  Time limits of wait_log and
# lib_wait_gone are then VG_SLOW times longer (only under valgrind: the
# plain and ASan passes keep the real bounds).

set -u

: "${top_builddir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_srcdir:=$top_builddir}"
AEMP="$top_builddir/host/aemp"

T=$(mktemp -d "${TMPDIR:-/tmp}/aemp-test.XXXXXX")
AEMP_RC="$T/rc"
export AEMP_RC
unset PERL_ANYEVENT_MP_RC AEMP_TRACE PERL_ANYEVENT_MP_TRACE
AEMP_MODULE_PATH=""
export AEMP_MODULE_PATH
LIB_PIDS=""
LIB_FAILED=0
VG_SLOW=1
[ "${AEMP_VALGRIND:-0}" = 1 ] && VG_SLOW=4

# vg_wrap NAME: print the command to put before one of our programs: the
# valgrind one under AEMP_VALGRIND=1 (report in $T/NAME.PID.vg), else
# nothing.  Used unquoted: $(vg_wrap NAME) "$AEMP" ...
vg_wrap()
{
	[ "${AEMP_VALGRIND:-0}" = 1 ] || return 0
	echo "$top_builddir/libtool --mode=execute valgrind -q" \
	    "--leak-check=full --show-leak-kinds=definite" \
	    "--errors-for-leak-kinds=definite --num-callers=30" \
	    "--log-file=$T/$1.%p.vg"
}

# vg_report FILE: succeed if the valgrind report FILE (from -q, so it
# holds only findings) shows anything but warnings: a memory error, a
# definite leak (also in a process a test killed: the block had no
# pointer left at all), a crash.
vg_report()
{
	awk '
	/^==[0-9]+== *$/ { head = 1; next }
	head || NR == 1 {
		head = 0
		line = $0
		sub(/^==[0-9]+== /, "", line)
		if (line !~ /^(Warning|WARNING)/)
			found = 1
	}
	END { exit !found }' "$1"
}

# vg_check: under AEMP_VALGRIND=1, print every report in $T that shows an
# error or a definite leak and fail the test.
vg_check()
{
	local f bad=0

	[ "${AEMP_VALGRIND:-0}" = 1 ] || return 0
	for f in "$T"/*.vg; do
		[ -s "$f" ] || continue
		vg_report "$f" || continue
		echo "FAIL: valgrind report $(basename "$f"):"
		cat "$f"
		bad=1
	done
	[ "$bad" = 0 ] && return 0
	LIB_FAILED=1
	return 1
}

# lib_cleanup: at exit, stop what start_bg started, check the valgrind
# reports (a bad one turns the exit status into 1), remove $T unless the
# test failed.
lib_cleanup()
{
	local pid st=$?

	for pid in $LIB_PIDS; do
		kill -TERM "$pid" 2>/dev/null
	done
	for pid in $LIB_PIDS; do
		lib_wait_gone "$pid" 50 || kill -KILL "$pid" 2>/dev/null
	done
	vg_check || st=1
	[ "$st" = 0 ] || [ "$st" = 77 ] || LIB_FAILED=1
	if [ "$LIB_FAILED" = 0 ]; then
		rm -rf "$T"
	else
		echo "logs kept in $T"
	fi
	exit "$st"
}
trap lib_cleanup EXIT
trap 'exit 1' INT TERM

# lib_wait_gone PID TENTHS: wait at most TENTHS/10 s (times VG_SLOW) for
# PID to exit.
lib_wait_gone()
{
	local i=0

	while kill -0 "$1" 2>/dev/null; do
		[ "$i" -ge $(($2 * VG_SLOW)) ] && return 1
		sleep 0.1
		i=$((i + 1))
	done
	return 0
}

# free_port: print a TCP port on 127.0.0.1 that nobody listens on now.
free_port()
{
	python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# start_bg NAME CMD...: run CMD in the background, output in $T/NAME.log;
# its pid goes to $T/NAME.pid and is stopped at exit.
start_bg()
{
	local name=$1

	shift
	"$@" >"$T/$name.log" 2>&1 &
	echo $! >"$T/$name.pid"
	LIB_PIDS="$LIB_PIDS $!"
}

# pid_of NAME: the pid start_bg recorded.
pid_of()
{
	cat "$T/$1.pid"
}

# wait_log NAME REGEX [SECONDS]: wait until $T/NAME.log matches (extended
# regex); fail after SECONDS (default 10; times VG_SLOW).
wait_log()
{
	local i=0 max=$(( ${3:-10} * 10 * VG_SLOW ))

	while ! grep -Eq -- "$2" "$T/$1.log" 2>/dev/null; do
		if [ "$i" -ge "$max" ]; then
			fail "timed out waiting for /$2/ in $1.log"
		fi
		sleep 0.1
		i=$((i + 1))
	done
}

# alive NAME: fail unless the process started as NAME still runs.
alive()
{
	kill -0 "$(pid_of "$1")" 2>/dev/null || fail "$1 is not running"
}

# fail MESSAGE: print the message and every log, then exit 1.
fail()
{
	local f

	LIB_FAILED=1
	echo "FAIL: $*"
	for f in "$T"/*.log; do
		[ -f "$f" ] || continue
		echo "---- $(basename "$f")"
		tail -n 40 "$f"
	done
	exit 1
}

# expect_log NAME REGEX: fail unless $T/NAME.log matches now.
expect_log()
{
	grep -Eq -- "$2" "$T/$1.log" || fail "no /$2/ in $1.log"
}
