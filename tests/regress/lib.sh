# lib.sh: helpers for regress tests, sourced by each tests/regress/*.sh.
#
# Every test gets a scratch folder $T (removed on success, kept and
# printed on failure), its own config file ($AEMP_RC inside $T), and a
# cleanup that stops every process started with start_bg.

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

lib_cleanup()
{
	local pid

	for pid in $LIB_PIDS; do
		kill -TERM "$pid" 2>/dev/null
	done
	for pid in $LIB_PIDS; do
		lib_wait_gone "$pid" 50 || kill -KILL "$pid" 2>/dev/null
	done
	if [ "$LIB_FAILED" = 0 ]; then
		rm -rf "$T"
	else
		echo "logs kept in $T"
	fi
}
trap lib_cleanup EXIT
trap 'exit 1' INT TERM

# lib_wait_gone PID TENTHS: wait at most TENTHS/10 s for PID to exit.
lib_wait_gone()
{
	local i=0

	while kill -0 "$1" 2>/dev/null; do
		[ "$i" -ge "$2" ] && return 1
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
# regex); fail after SECONDS (default 10).
wait_log()
{
	local i=0 max=$(( ${3:-10} * 10 ))

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
