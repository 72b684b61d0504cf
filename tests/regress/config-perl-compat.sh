#!/bin/sh
# One config file serves the Perl reference's aemp and ours: each reads
# what the other wrote, and each one's protocol commands reach the
# other's nodes (cal time both ways, eval on a Perl node).  Skipped (77)
# when perl or the reference is missing, unless CI=true.

. "${top_srcdir:-.}/tests/regress/lib.sh"

REF=${AEMP_REFERENCE:-$top_srcdir/../shared/reference}

skip()
{
	echo "SKIP: $*"
	if [ "${CI:-}" = true ]; then
		LIB_FAILED=1
		exit 1
	fi
	exit 77
}

command -v perl >/dev/null 2>&1 || skip "no perl"
[ -f "$REF/bin/aemp" ] || skip "no reference in $REF"
PERL5LIB="$REF/lib:$REF/stub-lib${PERL5LIB:+:$PERL5LIB}"
PERL_ANYEVENT_MP_RC=$AEMP_RC
export PERL5LIB PERL_ANYEVENT_MP_RC
perl -e 'use AnyEvent::MP; use JSON::XS' 2>/dev/null ||
    skip "the reference does not load (modules missing)"
PAEMP="perl $REF/bin/aemp"

cport=$(free_port)
pport=$(free_port)

# Ours writes, the reference reads.
$(vg_wrap aemp) "$AEMP" secret compat-secret binds '127.0.0.1:*' seeds \
    "127.0.0.1:$cport" \
    profile cseed nodeid cseed binds "127.0.0.1:$cport" \
    profile pseed nodeid pseed binds "127.0.0.1:$pport" \
    >"$T/c-edit.log" 2>&1 || fail "our edits"
$PAEMP showconfig cseed >"$T/p-show.json" 2>"$T/p-show.log" ||
    fail "the reference cannot read our file"
python3 - "$T/p-show.json" "$cport" <<'PY' || fail "the reference read other values"
import json, sys
m = json.load(open(sys.argv[1]))
assert m["nodeid"] == "cseed", m
assert m["secret"] == "compat-secret", m
assert m["binds"] == ["127.0.0.1:" + sys.argv[2]], m
PY

# The reference writes, ours reads.
$PAEMP profile x setparent cseed addseed 127.0.0.1:1 \
    >"$T/p-edit.log" 2>&1 || fail "the reference's edits"
$(vg_wrap aemp) "$AEMP" showconfig x >"$T/c-show.json" 2>"$T/c-show.log" ||
    fail "we cannot read the reference's file"
python3 - "$T/c-show.json" "$cport" <<'PY' || fail "we read other values"
import json, sys
m = json.load(open(sys.argv[1]))
assert m["nodeid"] == "cseed", m
assert m["binds"] == ["127.0.0.1:" + sys.argv[2]], m
assert m["seeds"] == ["127.0.0.1:1"], m
PY
$(vg_wrap aemp) "$AEMP" profile x delseed 127.0.0.1:1 ||
    fail "our edit after theirs"

# Protocol commands across implementations.
start_bg cseed $(vg_wrap cseed) "$AEMP" run profile cseed
start_bg pseed $PAEMP run profile pseed
wait_log cseed "node cseed starting"

i=0
until out=$($PAEMP cal cseed time 2>"$T/p-cal.log"); do
	i=$((i + 1))
	[ "$i" -ge 10 ] && fail "the reference's cal never reached our node"
	sleep 0.5
done
echo "$out" | grep -Eq '^[0-9]+(\.[0-9]+)?' || fail "Perl cal printed '$out'"

i=0
until out=$($(vg_wrap aemp) "$AEMP" cal pseed time 2>"$T/c-cal.log"); do
	i=$((i + 1))
	[ "$i" -ge 10 ] && fail "our cal never reached the Perl node"
	sleep 0.5
done
echo "$out" | grep -Eq '^[0-9]+(\.[0-9]+)?' || fail "our cal printed '$out'"

out=$($(vg_wrap aemp) "$AEMP" eval pseed '1+2' 2>"$T/c-eval.log") ||
    fail "eval on Perl"
[ "$out" = 3 ] || fail "eval 1+2 printed '$out'"
grep -q 'only against Perl' "$T/c-eval.log" &&
    fail "eval told the Perl-only note although it worked"

exit 0
