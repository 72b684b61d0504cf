#!/bin/sh
# showconfig prints the effective configuration: defaults, then K V
# arguments, then the global section, the parent chain (farthest first)
# and the profile itself; showprofile prints one profile alone.

. "${top_srcdir:-.}/tests/regress/lib.sh"

$(vg_wrap aemp) "$AEMP" secret g binds g:1 monitor_timeout 7 \
    profile base binds base:1 seeds base:2 connect_interval 9 \
    profile mid parent base seeds mid:2 \
    profile leaf parent mid nodeid leaf \
    profile loop1 parent loop2 profile loop2 parent loop1 \
    >"$T/setup.log" 2>&1 || fail "setup"

$(vg_wrap aemp) "$AEMP" showconfig leaf heartbeat 3 binds arg:1 \
    >"$T/leaf.json" ||
    fail "showconfig leaf"
python3 - "$T/leaf.json" <<'PY' || fail "wrong merge"
import json, sys
m = json.load(open(sys.argv[1]))
assert m["binds"] == ["base:1"], m["binds"]
assert m["seeds"] == ["mid:2"], m["seeds"]
assert m["nodeid"] == "leaf"
assert m["secret"] == "g"
assert m["connect_interval"] == 9 and m["monitor_timeout"] == 7
assert m["heartbeat"] == 3
assert m["max_frame"] == 67108864
assert m["framing_format"] == ["cbor", "json"]
assert "profile" not in m and "parent" not in m
PY

$(vg_wrap aemp) "$AEMP" showconfig leaf force 1 binds arg:1 >"$T/force.json" ||
    fail "showconfig force"
grep -q '"arg:1"' "$T/force.json" || fail "force did not put K V on top"

$(vg_wrap aemp) "$AEMP" showconfig loop1 >/dev/null || fail "a parent loop"

$(vg_wrap aemp) "$AEMP" showprofile mid >"$T/mid.json" || fail "showprofile"
python3 - "$T/mid.json" <<'PY' || fail "showprofile shows more"
import json, sys
assert json.load(open(sys.argv[1])) == {"parent": "base", "seeds": ["mid:2"]}
PY
$(vg_wrap aemp) "$AEMP" showprofile nosuch | grep -q '{}' ||
    fail "showprofile of nothing"

exit 0
