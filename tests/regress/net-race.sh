#!/bin/sh
# Two C nodes dial each other at the same instant, five times: each pair
# ends with one connection, every message arrives, and no monitor fires.
# A peer of the reference keeps the newest of two connections that both
# authenticated; the node switches to it too (and says so).

. "$top_srcdir/tests/regress/lib.sh"
. "$top_srcdir/tests/regress/net-lib.sh"

export AEMP_VERBOSE=7
# Both nodes must be up before the instant they dial at: under valgrind
# they take seconds to start, so the instant is further away.
DELAY=1
[ "${AEMP_VALGRIND:-0}" = 1 ] && DELAY=8
for round in 1 2 3 4 5; do
	PA=$(free_port)
	PB=$(free_port)
	AT=$(python3 -c 'import time; print(time.time() + '$DELAY')')
	start_node a$round a "$PA" "peer=b=127.0.0.1:$PB" "at=$AT" \
	    cal=b=a$round
	start_node b$round b "$PB" "peer=a=127.0.0.1:$PA" "at=$AT" \
	    cal=a=b$round

	wait_log a$round 'reply \["echo","a'$round'"\]'
	wait_log b$round 'reply \["echo","b'$round'"\]'
	sleep 0.5
	for n in a$round b$round; do
		[ "$(count_log $n ' is up ')" = 1 ] ||
		    fail "$n: not exactly one node up"
		grep -q ' is down ' "$T/$n.log" && fail "$n: a node went down"
		grep -q '^mon ' "$T/$n.log" && fail "$n: a monitor fired"
	done
	kill -TERM "$(pid_of a$round)" "$(pid_of b$round)"
done

PR=$(free_port)
start_node r r "$PR"
rawpeer switch --port "$PR" --secret "$NET_SECRET" --node perlish --switch \
    --send '["","::echo","perlish#p","ok"]' --expect 1
[ "$(sed -n '/^first:$/{n;p;}' "$T/switch.log")" = closed ] ||
    fail "the older connection was not closed"
expect_log switch '^recv \["p","echo","ok"\]$'
expect_log r 'perlish \(127\.0\.0\.1:[0-9]+\): switched connections'
expect_log r 'perlish is down \(transport_error perlish switched connections\)'
alive r
net_finish
