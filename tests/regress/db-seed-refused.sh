#!/bin/sh
# When the seed refuses us (a wrong secret), a node reached through it
# fails at once with that reason, not with "connect timeout" after
# connect_interval: "aemp cal OTHER time" with a wrong secret prints
# "no known address: seed seed refused us: authentication failure/shared
# secret mismatch" within about a second.  The right secret still works.

. "$top_srcdir/tests/regress/lib.sh"

PS=$(free_port)
$(vg_wrap aemp) "$AEMP" secret right-secret binds '127.0.0.1:*' seeds \
    "127.0.0.1:$PS" \
    profile seed nodeid seed binds "127.0.0.1:$PS" >"$T/setup.log" 2>&1 ||
    fail "setup"
AEMP_RC="$T/rc-wrong" $(vg_wrap aemp) "$AEMP" secret wrong-secret binds \
    '127.0.0.1:*' seeds "127.0.0.1:$PS" >>"$T/setup.log" 2>&1 ||
    fail "setup wrong"

start_bg seed $(vg_wrap seed) "$AEMP" run profile seed
wait_log seed "starting global service" 20
start_bg other $(vg_wrap other) "$AEMP" run nodeid other
wait_log seed "note \[seed\] other is up" 20

i=0
until $(vg_wrap aemp) "$AEMP" cal other time >"$T/good.out" 2>"$T/good.log"
do
	i=$((i + 1))
	[ "$i" -ge 10 ] && fail "cal other time never answered"
	sleep 0.3
done

t0=$(date +%s%N)
AEMP_RC="$T/rc-wrong" $(vg_wrap aemp) "$AEMP" cal other time \
    >"$T/bad.out" 2>"$T/bad.log" &&
    fail "cal with a wrong secret succeeded"
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
# Which side refuses first is a race: our check of the seed's token, or
# the seed closing on ours.
grep -Eq 'transport_error other no known address: seed seed refused us: (authentication failure/shared secret mismatch|connection closed during handshake \(wrong secret)' \
    "$T/bad.log" || fail "cal with a wrong secret: not the seed's refusal"
[ "$ms" -le $((1500 * VG_SLOW)) ] ||
    fail "cal with a wrong secret took ${ms}ms"
alive seed
alive other
