#!/bin/sh
# The Perl reference as the seed (JSON framing, shared secret) and a C
# node beside it: the C node registers, db_set on either side reaches
# db_mon on the other, and snd works both ways.  Skipped (77) when the
# reference or perl is missing, unless CI=true.

. "$top_srcdir/tests/regress/lib.sh"
. "$top_srcdir/tests/regress/db-lib.sh"
. "$top_srcdir/tests/interop/interop-lib.sh"

P=$(free_port)

# the Perl seed, driven like a dbnode
pnode pseed binds "127.0.0.1:$P" seeds "127.0.0.1:$P" \
    framing_format json

db_node c nodeid c binds "127.0.0.1:$(free_port)" seeds "127.0.0.1:$P"

# registration: the Perl seed's merged "'l" knows c
db_cmd c "keys 'l"
wait_log c '^keys k=c,pseed$' 15
db_cmd pseed "keys 'l"
wait_log pseed '^keys k=c,pseed$' 10

# Perl db_set reaches a C db_mon
db_cmd c "mon fam"
wait_log c '^mon fam a= c= d= n=0' 10
db_cmd pseed 'set fam kp "perl"'
wait_log c '^mon fam a=kp c= d= n=1 db=\{"kp":"perl"\}$' 10

# C db_set reaches a Perl db_mon.  (On a global node the reference's own
# copy of a watched family starts empty: its local g_chg1 runs inside
# db_mon, before db_mon stores the copy; so only the keys are checked.)
db_cmd pseed "mon fam"
wait_log pseed '^mon fam a=kp c= d= n=1' 10
db_cmd c 'set fam kc {"n":1}'
wait_log pseed '^mon fam a=kc c= d= n=[0-9]+ db=.*"kc":\{"n":1\}' 10
wait_log c '^mon fam a=kc c= d= n=2' 10
db_cmd c 'del fam kc'
wait_log pseed '^mon fam a= c= d=kc ' 10
wait_log c '^mon fam a= c= d=kc n=1' 10

# snd both ways
db_cmd pseed "port pin"
wait_log pseed '^port pin ' 10
PP=$(sed -n 's/^port pin //p' "$T/pseed.log" | head -n 1)
db_cmd c "port inbox"
PC=$(db_port_id c inbox)

db_cmd c "snd $PP [\"hello\",\"from-c\"]"
wait_log pseed '^rcv pin \["hello","from-c"\]$' 10
db_cmd pseed "snd $PC [\"hello\",\"from-perl\",7]"
wait_log c '^rcv inbox \["hello","from-perl",7\]$' 10

# the C node's keys go when it goes
db_cmd c 'set fam kq 1'
wait_log pseed '^mon fam a=kq c= d= ' 10
db_cmd c quit
wait_log pseed '^mon fam a= c= d=kq ' 10
db_cmd pseed "keys 'l"
wait_log pseed '^keys k=pseed$' 10

alive pseed
db_finish
exit 0
