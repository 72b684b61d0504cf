#!/bin/sh
# A node registers with the seed: the seed's merged "'l" lists it with
# its listen address, and the node's own queries reach the seed.

. "$top_srcdir/tests/regress/lib.sh"
. "$top_srcdir/tests/regress/db-lib.sh"

P=$(free_port)
PA=$(free_port)
db_seed seed "$P"
db_node a nodeid a binds "127.0.0.1:$PA" seeds "127.0.0.1:$P"

# queries are answered once a is bound to its master
db_cmd a "family 'l"
wait_log a "^family .*\"a\":\\[\"127.0.0.1:$PA\"\\]" 10
expect_log a '"seed":\["127.0.0.1:'"$P"'"\]'

db_cmd a "keys 'g"
wait_log a '^keys k=seed$' 10

alive seed
alive a
db_finish
exit 0
