#!/bin/sh
# Heartbeats: the node sends [""] when it has nothing else to say, and
# drops a peer that advertised hb=N and stayed silent for 3N seconds.

. "$top_srcdir/tests/regress/lib.sh"
. "$top_srcdir/tests/regress/net-lib.sh"

# Run under valgrind too, with the same bounds: the node is idle between
# heartbeats, so valgrind's slowness does not move its timers.
PA=$(free_port)
start_node a a "$PA" set=heartbeat=1

# A silent peer that promised a heartbeat every second.
rawpeer silent --port "$PA" --secret "$NET_SECRET" --node silent --hb 1 \
    --timeout 8
expect_log silent '^closed$'
expect_log a 'silent is down \(transport_error silent heartbeat timeout\)'
n=$(sed -n 's/^heartbeats //p' "$T/silent.log")
[ "$n" -ge 2 ] && [ "$n" -le 4 ] || fail "$n heartbeats in 3 s"

# A peer without hb (like the reference) is never timed out.
rawpeer perlish --port "$PA" --secret "$NET_SECRET" --node perlish \
    --timeout 4
expect_log perlish '^timeout$'
grep -q 'perlish is down.*heartbeat' "$T/a.log" &&
    fail "a peer without hb was timed out"

expect_log silent '^greeting aemp;1;a;.*;hb=1'
alive a
net_finish
