#!/bin/sh
# The protocol subcommands against a running node: cal prints the reply
# without brackets (time: a float; a called function or a spawned echo
# port: its values), snd confirms delivery, mon prints the kill reason
# when the port is killed, missing or its node goes away, cal gives up
# after 5 s with exit 1, and run stops cleanly with exit 0 on SIGTERM.

. "${top_srcdir:-.}/tests/regress/lib.sh"

AEMP_MODULE_PATH="$top_builddir/services"
export AEMP_MODULE_PATH
port=$(free_port)

$(vg_wrap aemp) "$AEMP" secret regress-secret binds '127.0.0.1:*' seeds \
    "127.0.0.1:$port" \
    profile seed nodeid seed binds "127.0.0.1:$port" services echo:: \
    profile other nodeid other >"$T/setup.log" 2>&1 || fail "setup"

start_bg seed $(vg_wrap seed) "$AEMP" run profile seed
wait_log seed "node seed starting"

# The seed may need a moment before it accepts connections.
i=0
until out=$($(vg_wrap aemp) "$AEMP" cal seed time 2>"$T/cal.log"); do
	i=$((i + 1))
	[ "$i" -ge 10 ] && fail "cal seed time never answered"
	sleep 0.3
done
echo "$out" | grep -Eq '^[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?$' ||
    fail "cal seed time printed '$out'"

out=$($(vg_wrap aemp) "$AEMP" cal seed echo::reply hello '[1,2]' \
    2>"$T/cal2.log") ||
    fail "cal echo::reply failed"
[ "$out" = '"hello",[1,2]' ] || fail "cal echo::reply printed '$out'"

out=$($(vg_wrap aemp) "$AEMP" snd seed devnull hello 2>"$T/snd.log") ||
    fail "snd failed"
[ "$out" = "message sent successfully" ] || fail "snd printed '$out'"

out=$($(vg_wrap aemp) "$AEMP" mon seed#nosuchport 2>"$T/mon1.log") ||
    fail "mon failed"
echo "$out" | grep -q '^no_such_port cannot monitor nonexistent port' ||
    fail "mon of a missing port printed '$out'"

# Under valgrind too, with the same bounds: the tool starts in well
# under a second there, and the 5 s are its own timer.
start=$(date +%s)
$(vg_wrap aemp) "$AEMP" cal seed devnull >"$T/cal3.out" 2>"$T/cal3.log" &&
    fail "cal without an answer succeeded"
took=$(( $(date +%s) - start ))
[ "$took" -ge 4 ] && [ "$took" -le 9 ] || fail "cal gave up after ${took}s"
grep -q 'no answer within 5 seconds' "$T/cal3.log" || fail "no timeout text"

# mon on a port that gets killed: spawn an echo server port by name,
# talk to it, watch it, kill it through its node.
$(vg_wrap aemp) "$AEMP" snd seed AnyEvent::MP::_spawn testport echo::server \
    >"$T/spawn.log" 2>&1 || fail "spawn through snd failed"
out=$($(vg_wrap aemp) "$AEMP" cal seed#testport echo hi 2>"$T/cal5.log") ||
    fail "cal of the spawned port failed"
[ "$out" = '"hi"' ] || fail "the spawned echo port answered '$out'"
start_bg mon2 $(vg_wrap mon2) "$AEMP" mon seed#testport
sleep 1
$(vg_wrap aemp) "$AEMP" snd seed kil1 testport killed_by regress \
    >"$T/kil.log" 2>&1 ||
    fail "snd kil1 failed"
i=0
while kill -0 "$(pid_of mon2)" 2>/dev/null; do
	i=$((i + 1))
	[ "$i" -ge 100 ] && fail "mon did not return after the kill"
	sleep 0.1
done
expect_log mon2 '^killed_by regress$'

# run with everything on the command line and no file at all.
port2=$(free_port)
start_bg bare $(vg_wrap bare) "$AEMP" run norc 1 nodeid bare binds \
    "127.0.0.1:$port2" \
    secret regress-secret seeds "127.0.0.1:$port"
wait_log bare "node bare starting"
i=0
until out=$($(vg_wrap aemp) "$AEMP" cal bare time 2>"$T/cal4.log"); do
	i=$((i + 1))
	[ "$i" -ge 10 ] && fail "cal bare time never answered"
	sleep 0.3
done
echo "$out" | grep -Eq '^[0-9]+(\.[0-9]+)?' || fail "cal bare printed '$out'"

# mon on a node that goes away: the monitor fires with transport_error.
start_bg other $(vg_wrap other) "$AEMP" run profile other
wait_log other "node other starting"
start_bg mon $(vg_wrap mon) "$AEMP" mon other
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
