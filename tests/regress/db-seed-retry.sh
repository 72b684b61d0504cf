#!/bin/sh
# A node started before its seed keeps dialling it and registers once
# the seed is up; when the seed restarts, the node dials again, binds to
# it anew and hands it its keys and requests again.  No node sends to an
# empty node ID meanwhile.

. "$top_srcdir/tests/regress/lib.sh"
. "$top_srcdir/tests/regress/db-lib.sh"

P=$(free_port)
db_node a nodeid a binds "127.0.0.1:$(free_port)" seeds "127.0.0.1:$P"

# requests wait for a master
db_cmd a "mon fam"
db_cmd a 'set fam k 1'
db_cmd a "keys fam"
sleep 1
[ "$(db_count a '^(mon|keys) ')" = 0 ] || fail "answer without a master"

db_seed seed "$P"
wait_log a '^mon fam a=k c= d= n=1 db=\{"k":1\}$' 15
wait_log a '^keys k=k$' 10

kill -KILL "$(pid_of seed)"
wait_log a 'seed is down' 10
start_bg seed2 $(vg_wrap seed2) "$AEMP" run norc 1 nodeid seed binds \
    "127.0.0.1:$P" \
    seeds "127.0.0.1:$P" secret "$DB_SECRET"
wait_log seed2 "starting global service" 10

# the new seed learns a's keys from a, and a's watch from a
wait_log seed2 'a is up' 15
db_cmd a "keys fam"
i=0
while [ "$(db_count a '^keys k=k$')" -lt 2 ]; do
	[ "$i" -ge 100 ] && fail "a did not register with the new seed"
	sleep 0.1
	i=$((i + 1))
done
wait_log a '^mon fam a= c=k d= n=1' 10

# nothing went to a node not known yet while a waited for its master
for n in a seed seed2; do
	[ "$(db_count "$n" 'without a node dropped')" = 0 ] ||
	    fail "$n sent a message to an empty node ID"
done

alive seed2
alive a
db_finish
exit 0
