#!/bin/sh
# Limits: a frame over max_frame and a peer whose send queue grows over
# max_queue each lose their connection with the reason logged; the node
# goes on serving others.

. "$top_srcdir/tests/regress/lib.sh"
. "$top_srcdir/tests/regress/net-lib.sh"

PA=$(free_port)
start_node a a "$PA" set=max_frame=10000 set=max_queue=200000

BIG=$(python3 -c 'print("x" * 20000)')
rawpeer big --port "$PA" --secret "$NET_SECRET" --node big \
    --send '["","devnull","'"$BIG"'"]' --timeout 3
expect_log big '^closed$'
expect_log a 'big is down \(transport_error big json frame larger than max_frame'

# A frame just below the limit is fine.
rawpeer fits --port "$PA" --secret "$NET_SECRET" --node fits \
    --send '["","::echo","fits#p","'"$(python3 -c 'print("y" * 9000)')"'"]' \
    --expect 1
expect_log fits '^recv \["p","echo","y+"\]$'

# One frame larger than max_queue passes when nothing waits before it,
# even right behind a frame still being written.
PB=$(free_port)
start_node b b "$PB" set=max_frame=500000 set=max_queue=20000
LARGE=$(python3 -c 'print("w" * 100000)')
rawpeer large --port "$PB" --secret "$NET_SECRET" --node large \
    --send '["","::echo","large#p","small"]' \
    --send '["","::echo","large#p","'"$LARGE"'"]' --expect 2 --timeout 10
expect_log large '^recv \["p","echo","small"\]$'
expect_log large '^recv \["p","echo","w+"\]$'
awk 'length($0) >= 100000 { n++ } END { exit n != 1 }' "$T/large.log" ||
    fail "the large echo did not come back whole"
if grep -q 'send queue limit' "$T/b.log"; then
	fail "one large frame tripped the send queue limit"
fi

# A peer that asks for 8 MB of echoes and reads nothing.
PAY=$(python3 -c 'print("z" * 8000)')
rawpeer slow --port "$PA" --secret "$NET_SECRET" --node slow \
    --send '["","::echo","slow#p","'"$PAY"'"]' --repeat 1000 --sleep 2 \
    --timeout 10
expect_log a 'slow: send queue limit reached'
expect_log a 'slow is down \(transport_error slow send queue limit\)'
[ "$(count_log a 'send queue limit reached')" = 1 ] ||
    fail "the limit was reported more than once"

rawpeer after --port "$PA" --secret "$NET_SECRET" --node after \
    --send '["","::echo","after#p","ok"]' --expect 1
expect_log after '^recv \["p","echo","ok"\]$'
alive a
net_finish
