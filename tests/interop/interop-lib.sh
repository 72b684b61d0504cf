# interop-lib.sh: finding the Perl reference, sourced by the interop
# tests after tests/regress/lib.sh and db-lib.sh.
#
# The reference is $AEMP_REFERENCE, else ../shared/reference beside the
# source tree.  When it (or perl, or a module it needs) is missing the
# test is skipped (77), except under CI=true, where that is a failure.

REF=${AEMP_REFERENCE:-$top_srcdir/../shared/reference}
PNODE="$top_srcdir/tests/interop/pnode.pl"

interop_skip()
{
	if [ "${CI:-}" = true ]; then
		LIB_FAILED=1
		echo "FAIL: $* (CI=true: the reference must be there)"
		exit 1
	fi
	echo "SKIP: $*"
	exit 77
}

command -v perl >/dev/null 2>&1 || interop_skip "no perl"
[ -f "$REF/lib/AnyEvent/MP.pm" ] || interop_skip "no reference in $REF"
PERL5LIB="$REF/lib:$REF/stub-lib${PERL5LIB:+:$PERL5LIB}"
export PERL5LIB
perl -e 'use AnyEvent::MP; use AnyEvent::MP::Global; use JSON::XS' \
    2>/dev/null || interop_skip "the reference does not load (modules missing)"
unset PERL_ANYEVENT_MP_RC

# pnode NAME ARGS...: a Perl node (tests/interop/pnode.pl) whose stdin is
# the FIFO $T/NAME.in, driven with db_cmd like a dbnode.
pnode()
{
	local name=$1

	shift
	[ "$DB_FD" -le 9 ] || fail "too many nodes for interop-lib.sh"
	mkfifo "$T/$name.in" || fail "mkfifo"
	eval "exec $DB_FD<>\"\$T/\$name.in\""
	DB_FD=$((DB_FD + 1))
	start_bg "$name" sh -c 'exec perl "$0" "$@" <"'"$T/$name.in"'"' \
	    "$PNODE" nodeid "$name" secret "$DB_SECRET" "$@"
	wait_log "$name" "^ready $name\$" 15
}
