#!/bin/sh
# tutorial-ping: the tutorial's first example runs without network or
# configure, prints "Ending with: 123" and exits 0.

. "$top_srcdir/tests/regress/lib.sh"

PING="$top_builddir/sdk/examples/ping"
[ -x "$PING" ] || fail "$PING not built"

$(vg_wrap ping) "$PING" >"$T/ping.log" 2>"$T/ping.err"
rc=$?
[ "$rc" = 0 ] || fail "ping exited with $rc"
[ "$(cat "$T/ping.log")" = "Ending with: 123" ] ||
    fail "unexpected output: $(cat "$T/ping.log")"
[ -s "$T/ping.err" ] && fail "ping wrote to stderr: $(cat "$T/ping.err")"
exit 0
