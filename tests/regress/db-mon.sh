#!/bin/sh
# db_set on one node reaches db_mon on another: the initial call (empty),
# then one call per change with the added, changed and deleted keys; an
# unchanged db_set sends nothing; an extra subscriber gets every key as
# added at once.

. "$top_srcdir/tests/regress/lib.sh"
. "$top_srcdir/tests/regress/db-lib.sh"

P=$(free_port)
db_seed seed "$P"
db_node a nodeid a binds "127.0.0.1:$(free_port)" seeds "127.0.0.1:$P"
db_node b nodeid b binds "127.0.0.1:$(free_port)" seeds "127.0.0.1:$P"

db_cmd b "mon fam"
wait_log b '^mon fam a= c= d= n=0 db=\{\}$' 10

db_cmd a 'set fam k1 1'
wait_log b '^mon fam a=k1 c= d= n=1 db=\{"k1":1\}$' 10

db_cmd a 'set fam k1 {"x":[1,2]}'
wait_log b '^mon fam a= c=k1 d= n=1 db=\{"k1":\{"x":\[1,2\]\}\}$' 10

# the same value again changes nothing, so the next call is about k2
db_cmd a 'set fam k1 {"x":[1,2]}'
db_cmd a 'set fam k2 "two"'
wait_log b '^mon fam a=k2 c= d= n=2' 10
[ "$(db_count b '^mon fam a= c=k1 ')" = 1 ] || fail "unchanged set was sent"

db_cmd a 'del fam k1'
wait_log b '^mon fam a= c= d=k1 n=1 db=\{"k2":"two"\}$' 10

# a second subscriber on b: one deferred call with every key added
db_cmd b "mon fam"
wait_log b '^mon fam a=k2 c= d= n=1 db=\{"k2":"two"\}$' 10

# and back: a watches, b sets
db_cmd a "mon other"
wait_log a '^mon other a= c= d= n=0' 10
db_cmd b 'set other kb true'
wait_log a '^mon other a=kb c= d= n=1 db=\{"kb":true\}$' 10

# the last guard gone: no more calls for that family on a
db_cmd a "unmon other"
db_cmd b 'set other kc 3'
db_cmd b 'keys other'
wait_log b '^keys k=kb,kc$' 10
sleep 0.5
[ "$(db_count a '^mon other')" = 2 ] || fail "calls after the last guard"

alive seed
alive a
alive b
db_finish
exit 0
