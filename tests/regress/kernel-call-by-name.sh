#!/bin/sh
# A function called by name (["", "Pkg::func", args...] to the node
# port) runs without a port context: "snd NODE echo::server" makes the
# echo module log that it must be spawned instead, the node survives
# and still answers "cal NODE time"; echo::reply called by name answers.

. "${top_srcdir:-.}/tests/regress/lib.sh"

AEMP_MODULE_PATH="$top_builddir/services"
export AEMP_MODULE_PATH
port=$(free_port)

"$AEMP" secret regress-secret binds '127.0.0.1:*' seeds "127.0.0.1:$port" \
    profile seed nodeid seed binds "127.0.0.1:$port" services echo:: \
    >"$T/setup.log" 2>&1 || fail "setup"

start_bg seed $(vg_wrap seed) "$AEMP" run profile seed
wait_log seed "echo port seed#[^ ]+ ready" 30

i=0
until "$AEMP" cal seed time >"$T/cal1.out" 2>"$T/cal1.log"; do
	i=$((i + 1))
	[ "$i" -ge 10 ] && fail "cal seed time never answered"
	sleep 0.3
done

out=$("$AEMP" snd seed echo::server 2>"$T/snd.log") || fail "snd failed"
[ "$out" = "message sent successfully" ] || fail "snd printed '$out'"
wait_log seed "echo::server called without a port \(by name\?\): spawn it"
alive seed

out=$("$AEMP" cal seed time 2>"$T/cal2.log") ||
    fail "cal seed time failed after the call by name"
echo "$out" | grep -Eq '^[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?$' ||
    fail "cal seed time printed '$out'"

out=$("$AEMP" cal seed echo::reply by-name 2>"$T/cal3.log") ||
    fail "cal echo::reply failed"
[ "$out" = '"by-name"' ] || fail "cal echo::reply printed '$out'"
alive seed
exit 0
