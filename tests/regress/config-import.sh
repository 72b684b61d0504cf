#!/bin/sh
# import PRESET copies a preset's keys into the current target: by name
# from the preset folder, or by path; a missing preset is an error.

. "${top_srcdir:-.}/tests/regress/lib.sh"

AEMP_PRESET_PATH="$top_srcdir/profiles"
export AEMP_PRESET_PATH

$(vg_wrap aemp) "$AEMP" profile s nodeid old secure 1 import seed ||
    fail "import seed"
$(vg_wrap aemp) "$AEMP" profile c import "$top_srcdir/profiles/chatsrv.json" ||
    fail "import by path"
$(vg_wrap aemp) "$AEMP" import worker || fail "import into the global section"

python3 - "$AEMP_RC" <<'PY' || fail "unexpected import result"
import json, sys
got = json.load(open(sys.argv[1]))
s = got["profile"]["s"]
assert s == {"nodeid": "seed", "secure": 1, "binds": ["*:4040"],
             "seeds": ["*:4040"]}, s
c = got["profile"]["c"]
assert c["services"] == ["chat::"], c
assert got["nodeid"] == "worker/%n/" and got["binds"] == ["*:*"], got
PY

cp "$AEMP_RC" "$T/before"
$(vg_wrap aemp) "$AEMP" profile z import nosuchpreset >"$T/bad.log" 2>&1 &&
    fail "a missing preset was imported"
grep -q 'nosuchpreset' "$T/bad.log" || fail "no message naming the preset"
cmp -s "$AEMP_RC" "$T/before" || fail "a failed import saved the file"

printf '{"nodeid": [1,,' >"$T/broken.json"
$(vg_wrap aemp) "$AEMP" import "$T/broken.json" >"$T/bad2.log" 2>&1 &&
    fail "a broken preset was imported"
grep -q "broken.json: .*line 1" "$T/bad2.log" || fail "no position"

exit 0
