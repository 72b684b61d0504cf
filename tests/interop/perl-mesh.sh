#!/bin/sh
# A Perl reference seed and a C seed form one mesh of global nodes: a key
# set on a C node bound to the C seed reaches a watcher bound to the Perl
# seed and back, and the keys of a node that is killed vanish on both.
# Skipped (77) when the reference or perl is missing, unless CI=true.

. "$top_srcdir/tests/regress/lib.sh"
. "$top_srcdir/tests/regress/db-lib.sh"
. "$top_srcdir/tests/interop/interop-lib.sh"

PP=$(free_port)
PC=$(free_port)
SEEDS="127.0.0.1:$PP,127.0.0.1:$PC"

pnode pseed binds "127.0.0.1:$PP" seeds "$SEEDS" \
    framing_format json

start_bg cseed $(vg_wrap cseed) "$AEMP" run norc 1 nodeid cseed binds \
    "127.0.0.1:$PC" \
    seeds "$SEEDS" secret "$DB_SECRET" framing_format json
wait_log cseed "starting global service" 10

# both globals list each other in "'g"
db_cmd pseed "keys 'g"
i=0
while ! grep -q '^keys k=cseed,pseed$' "$T/pseed.log"; do
	[ "$i" -ge 20 ] && fail "the seeds did not mesh"
	sleep 0.5
	db_cmd pseed "keys 'g"
	i=$((i + 1))
done

db_node a nodeid a binds "127.0.0.1:$(free_port)" seeds "127.0.0.1:$PC"
db_node b nodeid b binds "127.0.0.1:$(free_port)" seeds "127.0.0.1:$PP"

db_cmd b "mon fam"
wait_log b '^mon fam a= c= d= n=0' 10
db_cmd a "mon fam"
wait_log a '^mon fam a= c= d= n=0' 10

db_cmd a 'set fam ka "via-c"'
wait_log b '^mon fam a=ka c= d= n=1 db=\{"ka":"via-c"\}$' 15
db_cmd b 'set fam kb "via-perl"'
wait_log a '^mon fam a=kb c= d= n=2' 15

kill -KILL "$(pid_of a)"
wait_log b '^mon fam a= c= d=ka n=1 db=\{"kb":"via-perl"\}$' 15

alive pseed
alive cseed
alive b
db_finish
exit 0
