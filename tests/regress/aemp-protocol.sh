#!/bin/sh
# The protocol subcommands against a running node: cal prints the reply
# without brackets (time: a float; a called function: its values), snd
# confirms delivery, mon prints the kill reason when the port dies or the
# node goes away, cal gives up after 5 s with exit 1, and run stops
# cleanly with exit 0 on SIGTERM.

. "${top_srcdir:-.}/tests/regress/lib.sh"

AEMP_MODULE_PATH="$top_builddir/services"
export AEMP_MODULE_PATH
port=$(free_port)

"$AEMP" secret regress-secret binds '127.0.0.1:*' seeds "127.0.0.1:$port" \
    profile seed nodeid seed binds "127.0.0.1:$port" services echo:: \
    profile other nodeid other >"$T/setup.log" 2>&1 || fail "setup"

start_bg seed "$AEMP" run profile seed
wait_log seed "node seed starting"

# The seed may need a moment before it accepts connections.
i=0
until out=$("$AEMP" cal seed time 2>"$T/cal.log"); do
	i=$((i + 1))
	[ "$i" -ge 10 ] && fail "cal seed time never answered"
	sleep 0.3
done
echo "$out" | grep -Eq '^[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?$' ||
    fail "cal seed time printed '$out'"

out=$("$AEMP" cal seed echo::reply hello '[1,2]' 2>"$T/cal2.log") ||
    fail "cal echo::reply failed"
[ "$out" = '"hello",[1,2]' ] || fail "cal echo::reply printed '$out'"

out=$("$AEMP" snd seed devnull hello 2>"$T/snd.log") || fail "snd failed"
[ "$out" = "message sent successfully" ] || fail "snd printed '$out'"

out=$("$AEMP" mon seed#nosuchport 2>"$T/mon1.log") || fail "mon failed"
echo "$out" | grep -q '^no_such_port cannot monitor nonexistent port' ||
    fail "mon of a missing port printed '$out'"

start=$(date +%s)
"$AEMP" cal seed devnull >"$T/cal3.out" 2>"$T/cal3.log" &&
    fail "cal without an answer succeeded"
took=$(( $(date +%s) - start ))
[ "$took" -ge 4 ] && [ "$took" -le 9 ] || fail "cal gave up after ${took}s"
grep -q 'no answer within 5 seconds' "$T/cal3.log" || fail "no timeout text"

# mon on a node that goes away: the monitor fires with transport_error.
start_bg other "$AEMP" run profile other
wait_log other "node other starting"
start_bg mon "$AEMP" mon other
sleep 1
kill -TERM "$(pid_of other)"
i=0
while kill -0 "$(pid_of mon)" 2>/dev/null; do
	i=$((i + 1))
	[ "$i" -ge 100 ] && fail "mon did not return after the node went"
	sleep 0.1
done
expect_log mon 'transport_error other'

# SIGTERM stops a node cleanly.
kill -TERM "$(pid_of seed)"
wait "$(pid_of seed)"
st=$?
[ "$st" = 0 ] || fail "run exited $st on SIGTERM"
expect_log seed "node seed stopping"

exit 0
