#!/bin/sh
# A second node started with the ID of a node already connected to the
# seed is refused: the seed logs the refusal at note level, and the
# newcomer's reason names both possible causes ("wrong secret, or this
# node ID is already connected?").  Both first nodes go on.

. "$top_srcdir/tests/regress/lib.sh"

PS=$(free_port)
$(vg_wrap aemp) "$AEMP" secret dup-secret binds '127.0.0.1:*' seeds \
    "127.0.0.1:$PS" \
    profile seed nodeid seed binds "127.0.0.1:$PS" >"$T/setup.log" 2>&1 ||
    fail "setup"

start_bg seed $(vg_wrap seed) "$AEMP" run profile seed
wait_log seed "starting global service" 20
start_bg dup1 $(vg_wrap dup1) "$AEMP" run nodeid dup
wait_log seed "note \[seed\] dup is up" 20

start_bg dup2 $(vg_wrap dup2) "$AEMP" run nodeid dup
wait_log dup2 'seed: cannot connect: connection closed during handshake \(wrong secret, or this node ID is already connected\?\)' 20
wait_log seed 'note \[seed\] .*dup.* already connected' 5
alive seed
alive dup1
