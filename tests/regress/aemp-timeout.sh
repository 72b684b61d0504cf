#!/bin/sh
# Protocol commands against a node of this project that never answers:
# cal of a function the node does not have (it only logs the failure)
# gives up after 5 s with exit 1 and says so, or after $AEMP_TIMEOUT
# seconds when set; eval and trace, which such a node answers with "not
# supported", fail with exit 1 and only then add the note that they
# work against Perl nodes; a successful cal prints nothing on stderr.

. "${top_srcdir:-.}/tests/regress/lib.sh"

port=$(free_port)
$(vg_wrap aemp) "$AEMP" secret regress-secret binds '127.0.0.1:*' seeds \
    "127.0.0.1:$port" \
    profile seed nodeid seed binds "127.0.0.1:$port" >"$T/setup.log" 2>&1 ||
    fail "setup"

start_bg seed $(vg_wrap seed) "$AEMP" run profile seed
wait_log seed "node seed starting"

i=0
until out=$($(vg_wrap aemp) "$AEMP" cal seed time 2>"$T/cal.log"); do
	i=$((i + 1))
	[ "$i" -ge 10 ] && fail "cal seed time never answered"
	sleep 0.3
done
[ -s "$T/cal.log" ] && fail "a cal that worked wrote: $(cat "$T/cal.log")"

# Under valgrind too, with the same bounds: the tool starts in well
# under a second there, and the timeouts are its own timers.
start=$(date +%s)
$(vg_wrap aemp) "$AEMP" cal seed crash::nothing_here >"$T/c1.out" \
    2>"$T/c1.log" && fail "cal of a missing function succeeded"
took=$(( $(date +%s) - start ))
[ "$took" -ge 4 ] && [ "$took" -le 9 ] ||
    fail "cal of a missing function gave up after ${took}s"
grep -q 'cal: no answer within 5 seconds' "$T/c1.log" ||
    fail "no timeout text: $(cat "$T/c1.log")"
[ -s "$T/c1.out" ] && fail "cal printed $(cat "$T/c1.out")"
expect_log seed 'call of crash::nothing_here .* failed'

start=$(date +%s)
AEMP_TIMEOUT=1 $(vg_wrap aemp) "$AEMP" cal seed crash::nothing_here \
    >/dev/null 2>"$T/c2.log" && fail "cal with AEMP_TIMEOUT=1 succeeded"
took=$(( $(date +%s) - start ))
[ "$took" -le 3 ] || fail "cal with AEMP_TIMEOUT=1 gave up after ${took}s"
grep -q 'cal: no answer within 1 seconds' "$T/c2.log" ||
    fail "no 1 s timeout text: $(cat "$T/c2.log")"

AEMP_TIMEOUT=soon $(vg_wrap aemp) "$AEMP" cal seed time >/dev/null \
    2>"$T/c3.log" || fail "cal with a bad AEMP_TIMEOUT failed"
grep -q 'AEMP_TIMEOUT=soon: not a number' "$T/c3.log" ||
    fail "a bad AEMP_TIMEOUT was not reported"

$(vg_wrap aemp) "$AEMP" eval seed '1+2' >"$T/e.out" 2>"$T/e.log" &&
    fail "eval on a C node succeeded"
grep -q 'not supported' "$T/e.log" || fail "eval: $(cat "$T/e.log")"
grep -q 'eval: evaluates Perl and works only against Perl nodes' \
    "$T/e.log" || fail "eval failed without the note"
[ "$(grep -c 'only against Perl' "$T/e.log")" = 1 ] ||
    fail "eval told the note more than once"

$(vg_wrap aemp) "$AEMP" trace seed >"$T/t.out" 2>"$T/t.log" &&
    fail "trace on a C node succeeded"
grep -q '^seed (.*not supported' "$T/t.out" || fail "trace: $(cat "$T/t.out")"
grep -q 'trace: asks through eval and works only against Perl nodes' \
    "$T/t.log" || fail "trace failed without the note"

exit 0
