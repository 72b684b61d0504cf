#!/bin/sh
# Short-lived "aemp cal" nodes, one after the other, against one node:
# for each of them that node logs "is up" once and "is down" once, and
# its node listeners hear up, then down, exactly once each.

. "$top_srcdir/tests/regress/lib.sh"
. "$top_srcdir/tests/regress/net-lib.sh"

PS=$(free_port)
start_node seed seed "$PS" nodes=1
$(vg_wrap setup) "$AEMP" secret "$NET_SECRET" binds '127.0.0.1:*' \
    seeds "127.0.0.1:$PS" >"$T/setup.log" 2>&1 || fail "setup"

for i in 1 2 3 4 5 6; do
	out=$($(vg_wrap cal$i) "$AEMP" cal seed time 2>"$T/cal$i.log") ||
	    fail "cal $i failed"
	echo "$out" | grep -Eq '^[0-9]+(\.[0-9]+)?' ||
	    fail "cal $i printed '$out'"
done

# Each client is gone once the seed has logged its end.
i=0
while [ "$(count_log seed ' is down ')" -lt 6 ]; do
	i=$((i + 1))
	[ "$i" -ge $((100 * VG_SLOW)) ] && fail "not every client went down"
	sleep 0.1
done
sleep 0.5

nodes=$(sed -n 's/.* note \[seed\] \(.*\) is up (.*/\1/p' "$T/seed.log" |
    sort -u)
[ "$(echo "$nodes" | wc -l)" = 6 ] || fail "not six clients came up"
for n in $nodes; do
	[ "$(grep -Fc " $n is up (" "$T/seed.log")" = 1 ] ||
	    fail "$n: not exactly one up line"
	[ "$(grep -Fc " $n is down (" "$T/seed.log")" = 1 ] ||
	    fail "$n: not exactly one down line"
	[ "$(grep -Fx -e "node up $n" -e "node down $n" "$T/seed.log" |
	    tr '\n' ' ')" = "node up $n node down $n " ] ||
	    fail "$n: the listeners did not hear up, then down, once each"
done
alive seed
net_finish
