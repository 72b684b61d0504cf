# net-lib.sh: helpers of the net regress tests, sourced after lib.sh.

NETNODE="$top_builddir/tests/regress/netnode"
RAWPEER="$top_srcdir/tests/regress/rawpeer.py"
NET_SECRET="net-test-secret"

# start_node NAME NODEID PORT [ARG...]: a netnode on 127.0.0.1:PORT,
# waited for until it listens.
start_node()
{
	local name=$1 node=$2 port=$3

	shift 3
	start_bg "$name" "$NETNODE" "$node" "$NET_SECRET" "127.0.0.1:$port" "$@"
	wait_log "$name" "listening on 127.0.0.1:$port"
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
