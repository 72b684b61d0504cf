#!/bin/sh
# Through the aemp tool: "aemp mon other" finds node other via the seed,
# connects to it on demand, and prints the transport_error when other is
# killed with SIGKILL; the seed sees other go down too and keeps running.

. "$top_srcdir/tests/regress/lib.sh"

PORT=$(free_port)
$(vg_wrap aemp) "$AEMP" secret net-kill-secret binds '127.0.0.1:*' seeds \
    "127.0.0.1:$PORT" \
    profile seed nodeid seed binds "127.0.0.1:$PORT" \
    profile other nodeid other >"$T/setup.log" 2>&1 || fail "setup"

start_bg seed $(vg_wrap seed) "$AEMP" run profile seed
wait_log seed "listening on 127\\.0\\.0\\.1:$PORT"
start_bg other $(vg_wrap other) "$AEMP" run profile other
wait_log seed 'other is up \(127\.0\.0\.1:[0-9]+\)'

start_bg mon $(vg_wrap mon) "$AEMP" mon other
wait_log other 'aemp/[^ ]* is up \(127\.0\.0\.1:[0-9]+\)'
sleep 0.3

kill -KILL "$(pid_of other)"
wait_log mon '^transport_error other (Unexpected end-of-file|Connection reset by peer)$'
wait_log seed 'other is down \(transport_error other '
alive seed
exit 0
