#!/bin/sh
# A node's keys disappear when its port dies (db_reg) or when the node is
# killed with SIGKILL; a key that another owner also set comes back with
# that owner's value.

. "$top_srcdir/tests/regress/lib.sh"
. "$top_srcdir/tests/regress/db-lib.sh"

P=$(free_port)
db_seed seed "$P"
db_node a nodeid a binds "127.0.0.1:$(free_port)" seeds "127.0.0.1:$P"
db_node b nodeid b binds "127.0.0.1:$(free_port)" seeds "127.0.0.1:$P"

db_cmd b "mon svc"
wait_log b '^mon svc a= c= d= n=0' 10

# db_reg: the key goes with the port
db_cmd a "port p1"
P1=$(db_port_id a p1)
db_cmd a "reg svc p1"
wait_log b "^mon svc a=$P1 c= d= n=1" 10
db_cmd a "kil p1"
wait_log b "^mon svc a= c= d=$P1 n=0" 10

# two owners of one key: b's value comes back when a's goes
db_cmd b 'set shared k "from-b"'
db_cmd b "mon shared"
wait_log b '^mon shared a=k c= d= n=1 db=\{"k":"from-b"\}$' 10
db_cmd a 'set shared k "from-a"'
wait_log b '^mon shared a= c=k d= n=1 db=\{"k":"from-a"\}$' 10

db_cmd a "port p2"
P2=$(db_port_id a p2)
db_cmd a "reg svc p2"
db_cmd a 'set other x 1'
wait_log b "^mon svc a=$P2 c= d= n=1" 10

kill -KILL "$(pid_of a)"
wait_log b "^mon svc a= c= d=$P2 n=0" 10
wait_log b '^mon shared a= c=k d= n=1 db=\{"k":"from-b"\}$' 10

db_cmd b "keys 'l"
wait_log b '^keys k=b,seed$' 10
db_cmd b "keys other"
wait_log b '^keys k=$' 10

alive seed
alive b
db_finish
exit 0
