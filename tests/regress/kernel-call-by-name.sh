#!/bin/sh
# A function called by name (["", "Pkg::func", args...] to the node
# port) runs without a port context: "snd NODE echo::server" makes the
# echo module log that it must be spawned instead, the node survives
# and still answers "cal NODE time"; echo::reply called by name answers.
# When the Perl reference runs here, its "aemp snd" is tried as well.

. "${top_srcdir:-.}/tests/regress/lib.sh"

AEMP_MODULE_PATH="$top_builddir/services"
export AEMP_MODULE_PATH
port=$(free_port)

$(vg_wrap aemp) "$AEMP" secret regress-secret binds '127.0.0.1:*' seeds \
    "127.0.0.1:$port" \
    profile seed nodeid seed binds "127.0.0.1:$port" services echo:: \
    >"$T/setup.log" 2>&1 || fail "setup"

start_bg seed $(vg_wrap seed) "$AEMP" run profile seed
wait_log seed "echo port seed#[^ ]+ ready" 30

i=0
until $(vg_wrap aemp) "$AEMP" cal seed time >"$T/cal1.out" 2>"$T/cal1.log"; do
	i=$((i + 1))
	[ "$i" -ge 10 ] && fail "cal seed time never answered"
	sleep 0.3
done

out=$($(vg_wrap aemp) "$AEMP" snd seed echo::server 2>"$T/snd.log") ||
    fail "snd failed"
[ "$out" = "message sent successfully" ] || fail "snd printed '$out'"
wait_log seed "echo::server called without a port \(by name\?\): spawn it"
alive seed

out=$($(vg_wrap aemp) "$AEMP" cal seed time 2>"$T/cal2.log") ||
    fail "cal seed time failed after the call by name"
echo "$out" | grep -Eq '^[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?$' ||
    fail "cal seed time printed '$out'"

out=$($(vg_wrap aemp) "$AEMP" cal seed echo::reply by-name 2>"$T/cal3.log") ||
    fail "cal echo::reply failed"
[ "$out" = '"by-name"' ] || fail "cal echo::reply printed '$out'"
alive seed

REF=${AEMP_REFERENCE:-$top_srcdir/../shared/reference}
PERL5LIB="$REF/lib:$REF/stub-lib${PERL5LIB:+:$PERL5LIB}"
PERL_ANYEVENT_MP_RC=$AEMP_RC
export PERL5LIB PERL_ANYEVENT_MP_RC
if command -v perl >/dev/null 2>&1 && [ -f "$REF/bin/aemp" ] &&
    perl -e 'use AnyEvent::MP; use JSON::XS' 2>/dev/null; then
	perl "$REF/bin/aemp" snd seed echo::server >"$T/psnd.log" 2>&1 ||
	    fail "the reference's snd failed"
	i=0
	while [ "$(grep -c 'echo::server called without a port' \
	    "$T/seed.log")" -lt 2 ]; do
		i=$((i + 1))
		[ "$i" -ge $((50 * VG_SLOW)) ] && fail "no second call logged"
		sleep 0.1
	done
	alive seed
	$(vg_wrap aemp) "$AEMP" cal seed time >"$T/cal4.out" 2>"$T/cal4.log" ||
	    fail "cal seed time failed after the reference's snd"
else
	echo "the reference is not usable here: its snd not tried"
fi
exit 0
