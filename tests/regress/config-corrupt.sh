#!/bin/sh
# A config file that cannot be parsed, or read at all, stops every
# command that needs it with the file's name (and the parser's position)
# and exit status 1, and is never rewritten.

. "${top_srcdir:-.}/tests/regress/lib.sh"

printf '{"version":1,,\n' >"$AEMP_RC"
cp "$AEMP_RC" "$T/orig"

for cmd in "gensecret" "setsecret x" "binds 127.0.0.1:1" "addseed a:1" \
    "profile p nodeid n" "delprofile p" "showprofile p" "showconfig" \
    "showconfig p monitor_timeout 1" "import $top_srcdir/profiles/seed.json" \
    "delbinds" "secure 1" "modules"; do
	# shellcheck disable=SC2086
	$(vg_wrap aemp) "$AEMP" $cmd >"$T/out.log" 2>&1
	st=$?
	[ "$st" = 1 ] || fail "'$cmd' exited $st on a corrupt file"
	grep -q "$AEMP_RC: line 1, column [0-9]*: " "$T/out.log" ||
	    fail "'$cmd': no file name and position: $(cat "$T/out.log")"
	cmp -s "$AEMP_RC" "$T/orig" || fail "'$cmd' changed the corrupt file"
done

# run refuses too, before it starts a node.
$(vg_wrap aemp) "$AEMP" run profile p >"$T/run.log" 2>&1 && fail "run started"
grep -q "$AEMP_RC: line 1, column" "$T/run.log" || fail "run: no position"
cmp -s "$AEMP_RC" "$T/orig" || fail "run changed the corrupt file"

# Unreadable (tests may run as root, so a directory stands in for the
# file: open works for root, read does not).
rm -f "$AEMP_RC"
mkdir "$AEMP_RC"
for cmd in "gensecret" "showconfig" "profile p binds a:1"; do
	# shellcheck disable=SC2086
	$(vg_wrap aemp) "$AEMP" $cmd >"$T/out.log" 2>&1
	st=$?
	[ "$st" = 1 ] || fail "'$cmd' exited $st on an unreadable file"
	grep -q "$AEMP_RC: " "$T/out.log" || fail "'$cmd': no file name"
	[ -d "$AEMP_RC" ] && [ -z "$(ls -A "$AEMP_RC")" ] ||
	    fail "'$cmd' touched the unreadable file"
done
rmdir "$AEMP_RC"

# A missing file is no error: the first edit creates it.
$(vg_wrap aemp) "$AEMP" showconfig >/dev/null ||
    fail "showconfig without a file"
[ -e "$AEMP_RC" ] && fail "showconfig created the file"
$(vg_wrap aemp) "$AEMP" nodeid x || fail "the first edit failed"
grep -q '"nodeid" : "x"' "$AEMP_RC" || fail "the first edit did not save"
mode=$(stat -c %a "$AEMP_RC")
[ "$mode" = 644 ] || fail "mode $mode without a secret, want 644"

exit 0
