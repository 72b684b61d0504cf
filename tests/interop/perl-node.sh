#!/bin/sh
# A C seed serving a Perl reference node and a C node: the Perl node
# registers with the C global service, db_set on either side reaches
# db_mon on the other, the two find each other through the seed (g_find)
# for snd both ways, and the Perl node's keys go when it is killed.
# Skipped (77) when the reference or perl is missing, unless CI=true.

. "$top_srcdir/tests/regress/lib.sh"
. "$top_srcdir/tests/regress/db-lib.sh"
. "$top_srcdir/tests/interop/interop-lib.sh"

P=$(free_port)
db_seed seed "$P"
db_node c nodeid c binds "127.0.0.1:$(free_port)" seeds "127.0.0.1:$P"

pnode pn binds "127.0.0.1:$(free_port)" seeds "127.0.0.1:$P" \
    framing_format json

# registration: the C seed's merged "'l" knows the Perl node
db_cmd c "mon 'l"
wait_log c "^mon 'l .*a=.*pn" 15
db_cmd pn "keys 'l"
wait_log pn '^keys k=c,pn,seed$' 10

# Perl db_set reaches a C db_mon, C db_set a Perl db_mon
db_cmd c "mon fam"
wait_log c '^mon fam a= c= d= n=0' 10
db_cmd pn "mon fam"
wait_log pn '^mon fam a= c= d= n=0' 10
db_cmd pn 'set fam kp [1,"x"]'
wait_log c '^mon fam a=kp c= d= n=1 db=\{"kp":\[1,"x"\]\}$' 10
wait_log pn '^mon fam a=kp c= d= n=1' 10
db_cmd c 'set fam kc "c"'
wait_log pn '^mon fam a=kc c= d= n=2 db=\{"kc":"c","kp":\[1,"x"\]\}$' 10
db_cmd pn 'set fam kp 2'
wait_log c '^mon fam a= c=kp d= n=2' 10

# the Perl node and the C node find each other through the seed
db_cmd pn "port pin"
wait_log pn '^port pin ' 10
PP=$(sed -n 's/^port pin //p' "$T/pn.log" | head -n 1)
db_cmd c "port inbox"
PC=$(db_port_id c inbox)
db_cmd c "snd $PP [\"hello\",\"from-c\"]"
wait_log pn '^rcv pin \["hello","from-c"\]$' 10
db_cmd pn "snd $PC [\"hello\",\"from-perl\"]"
wait_log c '^rcv inbox \["hello","from-perl"\]$' 10

# the Perl node's keys go when it is killed
kill -KILL "$(pid_of pn)"
wait_log c '^mon fam a= c= d=kp n=1 db=\{"kc":"c"\}$' 10
wait_log c "^mon 'l a= c= d=pn " 10

alive seed
alive c
db_finish
exit 0
