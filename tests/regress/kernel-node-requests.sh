#!/bin/sh
# The node port's requests over the wire: a raw peer asks a C node for
# mon1 of a missing port, time, can, eval, a relayed snd, a function
# call and a failed spawn, mixed with malformed messages, and checks
# every answer; the node stays up.

. "$top_srcdir/tests/regress/lib.sh"
. "$top_srcdir/tests/regress/net-lib.sh"

PA=$(free_port)

start_node a a "$PA"

rawpeer raw --port "$PA" --secret "$NET_SECRET" --expect 9 --timeout 10 \
    --send '["","mon1","nope"]' \
    --send '["",5]' \
    --send '["","time","rawpeer#r1","x"]' \
    --send '["","can","time","rawpeer#r2"]' \
    --send '["","can","bogus","rawpeer#r3"]' \
    --send '["","eval","1+2","rawpeer#r4"]' \
    --send '["","snd","rawpeer#r5","relayed",1,[2,3],{"k":null}]' \
    --send '["","::echo","rawpeer#r6","hi"]' \
    --send '["","AnyEvent::MP::_spawn","RAWPEERa","::missing",1]' \
    --send '["","mon1","RAWPEERa"]' \
    --send '["","no-such-request"]' \
    --send '["","can","::echo","rawpeer#r7"]'

expect_log raw '^auth ok'
expect_log raw '^recv \["","kil0","nope","no_such_port","cannot monitor nonexistent port","a#nope"\]$'
expect_log raw '^recv \["r1","x",[0-9]+(\.[0-9]+)?\]$'
expect_log raw '^recv \["r2","1"\]$'
expect_log raw '^recv \["r3",""\]$'
expect_log raw '^recv \["r4","eval: not supported by this node"\]$'
expect_log raw '^recv \["r5","relayed",1,\[2,3\],\{"k":null\}\]$'
expect_log raw '^recv \["r6","echo","hi"\]$'
expect_log raw '^recv \["","kil0","RAWPEERa","spawn_failed","no_such_function","unable to resolve function '"'"'::missing'"'"'"\]$'
expect_log raw '^recv \["r7","1"\]$'
expect_log a 'node request from rawpeer without a name dropped'
expect_log a "spawn of ::missing as RAWPEERa failed"
alive a
net_finish
