#!/bin/sh
# Malformed database requests from a peer are logged (one line each) and
# dropped; the global node keeps serving, and a node ignores g_chg1 and
# g_chg2 from anyone but its master.

. "$top_srcdir/tests/regress/lib.sh"
. "$top_srcdir/tests/regress/db-lib.sh"

P=$(free_port)
db_seed seed "$P"
db_node a nodeid a binds "127.0.0.1:$(free_port)" seeds "127.0.0.1:$P"
db_node b nodeid b binds "127.0.0.1:$(free_port)" seeds "127.0.0.1:$P"

db_cmd a "mon fam"
wait_log a '^mon fam a= c= d= n=0' 10
db_cmd b 'set fam k 1'
wait_log a '^mon fam a=k c= d= n=1' 10

db_cmd b 'snd seed ["g_upd",7,{"k":2}]'
db_cmd b 'snd seed ["g_upd","fam","x",[]]'
db_cmd b 'snd seed ["g_set",[1,2]]'
db_cmd b 'snd seed ["g_find"]'
db_cmd b 'snd seed ["g_mon1",{}]'
db_cmd b 'snd seed ["g_db_keys","fam"]'
wait_log seed 'ignored malformed g_db request from b' 10
for what in g_upd g_set g_find g_mon1; do
	expect_log seed "ignored malformed $what from b"
done
[ "$(db_count seed 'ignored malformed g_upd from b')" = 2 ] ||
    fail "not one line per bad g_upd"

# b is not a's master: its changes do not reach a's copy (a message
# to a's port behind them, on the same connection, shows they arrived)
db_cmd a "port inbox"
PA=$(db_port_id a inbox)
db_cmd b 'snd a ["g_chg2","fam",{"evil":1},[]]'
db_cmd b 'snd a ["g_chg1","fam",{}]'
db_cmd b "snd $PA [\"after\"]"
wait_log a '^rcv inbox \["after"\]$' 10

# the seed still serves, and a's copy only follows the seed
db_cmd b 'set fam k2 2'
wait_log a '^mon fam a=k2 c= d= n=2 db=\{' 10
expect_log a '"k":1'
[ "$(db_count a 'evil|n=0 db=\{\}$')" = 1 ] || fail "a followed b"

alive seed
alive a
alive b
db_finish
exit 0
