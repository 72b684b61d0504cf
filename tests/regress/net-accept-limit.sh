#!/bin/sh
# Out of descriptors: the listener pauses (one error line a second, no
# busy loop), and accepts again once descriptors are free.

. "$top_srcdir/tests/regress/lib.sh"
. "$top_srcdir/tests/regress/net-lib.sh"

# Skipped under valgrind: valgrind needs descriptors of its own under
# the ulimit, and the test counts error lines per second.
[ "${AEMP_VALGRIND:-0}" = 1 ] && exit 77
PA=$(free_port)
start_bg a sh -c 'ulimit -n 24 && exec "$@"' sh "$NETNODE" a "$NET_SECRET" \
    "127.0.0.1:$PA"
wait_log a "listening on 127.0.0.1:$PA"

python3 -c 'import socket, time
socks = [socket.create_connection(("127.0.0.1", '"$PA"')) for i in range(40)]
time.sleep(2.5)
for s in socks:
	s.close()
time.sleep(1.5)' || fail "could not hold the connections"

n=$(count_log a 'accept: Too many open files')
[ "$n" -ge 1 ] && [ "$n" -le 4 ] || fail "$n accept errors in 2.5 s"
rawpeer after --port "$PA" --secret "$NET_SECRET" --node after \
    --send '["","::echo","after#p","ok"]' --expect 1
expect_log after '^recv \["p","echo","ok"\]$'
alive a
net_finish
