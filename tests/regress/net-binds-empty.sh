#!/bin/sh
# net-binds-empty: an empty binds list means no listener at all (as in
# the reference), never every address; the node still runs and can dial
# out.

. "$top_srcdir/tests/regress/lib.sh"

P=$(free_port)
start_bg seed "$AEMP" run norc 1 nodeid seed binds "127.0.0.1:$P" \
    seeds "127.0.0.1:$P" secret s3cret
wait_log seed 'starting global service'

start_bg quiet "$AEMP" run norc 1 nodeid quiet binds '[]' \
    seeds "127.0.0.1:$P" secret s3cret
wait_log quiet 'binds is empty: not listening'
wait_log seed 'quiet is up'
if grep -q 'listening on' "$T/quiet.log"; then
	fail "a node with empty binds listens"
fi
alive quiet
exit 0
