#!/bin/sh
# Two nodes that only know the seed talk to each other: the sender finds
# the receiver's address through the seed (g_find) and connects.

. "$top_srcdir/tests/regress/lib.sh"
. "$top_srcdir/tests/regress/db-lib.sh"

P=$(free_port)
db_seed seed "$P"
db_node a nodeid a binds "127.0.0.1:$(free_port)" seeds "127.0.0.1:$P"
db_node b nodeid b binds "127.0.0.1:$(free_port)" seeds "127.0.0.1:$P"

db_cmd a "port inbox"
PA=$(db_port_id a inbox)
db_cmd b "port inbox"
PB=$(db_port_id b inbox)

# wait until both are registered with the seed
db_cmd b "keys 'l"
wait_log b '^keys k=a,b,seed$' 10

db_cmd b "snd $PA [\"hello\",\"from-b\",\"$PB\"]"
wait_log a '^rcv inbox \["hello","from-b","'"$PB"'"\]$' 10

db_cmd a "snd $PB [\"reply\",42]"
wait_log b '^rcv inbox \["reply",42\]$' 10

alive seed
alive a
alive b
db_finish
exit 0
