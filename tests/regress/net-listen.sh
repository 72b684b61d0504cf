#!/bin/sh
# Listeners: "127.0.0.1:*" binds a kernel-chosen port that net_listen
# reports and that serves peers; "*" listens on the local addresses (or
# falls back to 127.0.0.1) and logs one line per address.

. "$top_srcdir/tests/regress/lib.sh"
. "$top_srcdir/tests/regress/net-lib.sh"

start_bg any $(vg_wrap any) "$NETNODE" any "$NET_SECRET" '127.0.0.1:*'
wait_log any 'listening on 127\.0\.0\.1:[0-9]+' 20
PORT=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$T/any.log")
[ "$PORT" -gt 0 ] || fail "no port"
wait_log any "^addrs \\[\"127\\.0\\.0\\.1:$PORT\"\\]"
rawpeer peer --port "$PORT" --secret "$NET_SECRET" --node peer \
    --send '["","::echo","peer#p","ok"]' --expect 1
expect_log peer '^recv \["p","echo","ok"\]$'

start_bg star $(vg_wrap star) "$NETNODE" star "$NET_SECRET" '*'
wait_log star '^addrs \[' 20
n=$(count_log star 'listening on ')
[ "$n" -ge 1 ] || fail "no listening line for *"
grep -q 'listening on 127\.0\.0\.1' "$T/star.log" &&
    ! grep -q 'no non-loopback address' "$T/star.log" &&
    fail "* listened on loopback"
alive star
net_finish
