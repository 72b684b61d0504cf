#!/bin/sh
# Two seeds form a mesh of global nodes: a key set on a node bound to one
# seed reaches a watcher bound to the other; when the first seed is
# killed, the node binds to the next seed that is up, hands it its keys
# again, and its later changes still reach the watcher.

. "$top_srcdir/tests/regress/lib.sh"
. "$top_srcdir/tests/regress/db-lib.sh"

P1=$(free_port)
P2=$(free_port)
SEEDS="127.0.0.1:$P1,127.0.0.1:$P2"

start_bg s1 $(vg_wrap s1) "$AEMP" run norc 1 nodeid s1 binds "127.0.0.1:$P1" \
    seeds "$SEEDS" secret "$DB_SECRET"
wait_log s1 "starting global service" 10

# a binds to s1, the only seed up
db_node a nodeid a binds "127.0.0.1:$(free_port)" seeds "$SEEDS"
db_cmd a "keys 'l"
wait_log a '^keys k=a,s1$' 10

start_bg s2 $(vg_wrap s2) "$AEMP" run norc 1 nodeid s2 binds "127.0.0.1:$P2" \
    seeds "$SEEDS" secret "$DB_SECRET"
wait_log s2 "starting global service" 10
db_node b nodeid b binds "127.0.0.1:$(free_port)" seeds "127.0.0.1:$P2"

db_cmd b "mon fam"
wait_log b '^mon fam a= c= d= n=0' 10
db_cmd a 'set fam k 1'
wait_log b '^mon fam a=k c= d= n=1' 15

# the globals know each other, and a knows both seeds
db_cmd b "keys 'g"
wait_log b '^keys k=s1,s2$' 10
wait_log a 'is up.*'"$P2" 15

kill -KILL "$(pid_of s1)"
wait_log b '^mon fam a= c= d=k n=0' 15
wait_log b '^mon fam a=k c= d= n=1' 15
i=0
while [ "$(db_count b '^mon fam a=k c= d= n=1')" -lt 2 ]; do
	[ "$i" -ge 150 ] && fail "a did not bind to s2"
	sleep 0.1
	i=$((i + 1))
done

db_cmd a 'set fam k2 2'
wait_log b '^mon fam a=k2 c= d= n=2' 10

alive s2
alive a
alive b
db_finish
exit 0
