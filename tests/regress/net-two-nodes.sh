#!/bin/sh
# Two C nodes: messages both ways over one connection, then the peer is
# killed with SIGKILL and the survivor's monitor fires with transport_error.

. "$top_srcdir/tests/regress/lib.sh"
. "$top_srcdir/tests/regress/net-lib.sh"

PA=$(free_port)
PB=$(free_port)
export AEMP_VERBOSE=7

# a sends only after b has connected to it, so a's message uses the
# connection b opened.
start_node a a "$PA" "peer=b=127.0.0.1:$PB" onup=1 cal=b=from-a
start_node b b "$PB" "peer=a=127.0.0.1:$PA" cal=a=from-b

wait_log b 'reply \["echo","from-b"\]'
wait_log a 'reply \["echo","from-a"\]'
expect_log a 'b is up \(127\.0\.0\.1:[0-9]+\)'
expect_log b "a is up \\(127\\.0\\.0\\.1:$PA\\)"
expect_log a 'accepted auth method hmac_sha3_512'
[ "$(count_log a 'b is up')" = 1 ] || fail "a saw b come up more than once"
[ "$(count_log b 'a is up')" = 1 ] || fail "b saw a come up more than once"

kill -KILL "$(pid_of b)"
wait_log a 'mon \["transport_error","b","(Unexpected end-of-file|Connection reset by peer)"\]'
wait_log a 'b is down \(transport_error b '
alive a

# The node goes on: a new b connects and is served.
start_node b2 b "$PB" "peer=a=127.0.0.1:$PA" cal=a=again
wait_log b2 'reply \["echo","again"\]'
alive a
net_finish
