# net-lib.sh: helpers of the net regress tests, sourced after lib.sh.

NETNODE="$top_builddir/tests/regress/netnode"
RAWPEER="$top_srcdir/tests/regress/rawpeer.py"
NET_SECRET="net-test-secret"

# Nodes go through vg_wrap (lib.sh).  Under AEMP_VALGRIND=1 a handshake
# can take longer than the default connect_interval, so NET_SLOW (put
# before a test's own settings, which win) widens it.
NET_SLOW=""
[ "${AEMP_VALGRIND:-0}" = 1 ] && NET_SLOW=set=connect_interval=10

# start_node NAME NODEID PORT [ARG...]: a netnode on 127.0.0.1:PORT,
# waited for until it listens.
start_node()
{
	local name=$1 node=$2 port=$3

	shift 3
	start_bg "$name" $(vg_wrap "$name") "$NETNODE" "$node" "$NET_SECRET" \
	    "127.0.0.1:$port" $NET_SLOW "$@"
	wait_log "$name" "listening on 127.0.0.1:$port" 20
}

# rawpeer NAME ARG...: run rawpeer.py to its end, output in $T/NAME.log.
rawpeer()
{
	local name=$1

	shift
	python3 "$RAWPEER" "$@" >"$T/$name.log" 2>&1 ||
	    fail "rawpeer $name exited with $?"
}

# count_log NAME REGEX: the number of lines of $T/NAME.log matching.
count_log()
{
	grep -Ec -- "$2" "$T/$1.log"
}

# net_finish: stop the nodes with SIGTERM; fail on any sanitizer report
# (lib_cleanup checks the valgrind ones).  Ends the test.
net_finish()
{
	local pid

	for pid in $LIB_PIDS; do
		kill -TERM "$pid" 2>/dev/null
	done
	for pid in $LIB_PIDS; do
		lib_wait_gone "$pid" 200
	done
	if grep -lE 'Sanitizer|runtime error:' "$T"/*.log >/dev/null 2>&1; then
		fail "sanitizer report in $(grep -lE 'Sanitizer|runtime error:' \
		    "$T"/*.log | tr '\n' ' ')"
	fi
	exit 0
}
