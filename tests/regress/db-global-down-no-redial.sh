#!/bin/sh
# A global node that leaves is not dialled again by the global that knew
# it: its "'g" entry goes with it, so the keepalive forgets it instead of
# trying at once (which could only fail with "no known address").  Run
# with a Perl reference node too when the reference is here.

. "$top_srcdir/tests/regress/lib.sh"
. "$top_srcdir/tests/regress/db-lib.sh"

PA=$(free_port)
PB=$(free_port)
db_seed a "$PA"
start_bg b $(vg_wrap b) "$AEMP" run norc 1 nodeid b binds "127.0.0.1:$PB" \
    seeds "127.0.0.1:$PA,127.0.0.1:$PB" secret "$DB_SECRET"
wait_log b "starting global service" 30
wait_log a "note \[a\] b is up" 20
sleep 0.5

kill -TERM "$(pid_of b)"
wait_log a "note \[a\] b is down" 20
sleep 2
grep -E "b: cannot connect" "$T/a.log" && fail "a dialled b after it left"

REF=${AEMP_REFERENCE:-$top_srcdir/../shared/reference}
if [ -f "$REF/lib/AnyEvent/MP.pm" ] &&
    PERL5LIB="$REF/lib:$REF/stub-lib" perl -MAnyEvent::MP -e 1 2>/dev/null
then
	PP=$(free_port)
	PERL5LIB="$REF/lib:$REF/stub-lib" \
	    PERL_ANYEVENT_MP_RC="$T/perl-rc" start_bg pnode perl -e '
use AnyEvent; use AnyEvent::MP;
configure nodeid => "pnode", secret => $ARGV[0],
    binds => ["127.0.0.1:$ARGV[1]"], seeds => ["127.0.0.1:$ARGV[2]"];
my $cv = AE::cv;
my $t = AE::timer 30, 0, sub { $cv->send };
$cv->recv;' "$DB_SECRET" "$PP" "$PA"
	wait_log a "note \[a\] pnode is up" 20
	sleep 1
	kill -TERM "$(pid_of pnode)"
	wait_log a "note \[a\] pnode is down" 20
	sleep 2
	grep -E "pnode: cannot connect" "$T/a.log" &&
	    fail "a dialled pnode after it left"
fi
alive a
db_finish
