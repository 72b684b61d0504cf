#!/bin/sh
# Chained config subcommands build the reference's file shape: a global
# section, a "profile" map, lists from comma lists and JSON, one save at
# the end, mode 0600 once a secret is in it.

. "${top_srcdir:-.}/tests/regress/lib.sh"

$(vg_wrap aemp) "$AEMP" setsecret aemp-interop-secret binds '127.0.0.1:*' \
    seeds 127.0.0.1:4040 \
    profile seed nodeid seed binds 127.0.0.1:4040 \
    profile receiver nodeid receiver binds 127.0.0.1:4041 \
    profile sender nodeid sender setbinds '["127.0.0.1:4042"]' \
    profile aemp binds '127.0.0.1:*' parent optional-other-profile \
    >"$T/chain.log" 2>&1 || fail "the chain failed"

python3 - "$AEMP_RC" <<'PY' || fail "unexpected file shape"
import json, sys
got = json.load(open(sys.argv[1]))
want = {
    "version": 1,
    "secret": "aemp-interop-secret",
    "binds": ["127.0.0.1:*"],
    "seeds": ["127.0.0.1:4040"],
    "profile": {
        "seed": {"nodeid": "seed", "binds": ["127.0.0.1:4040"]},
        "receiver": {"nodeid": "receiver", "binds": ["127.0.0.1:4041"]},
        "sender": {"nodeid": "sender", "binds": ["127.0.0.1:4042"]},
        "aemp": {"binds": ["127.0.0.1:*"],
                 "parent": "optional-other-profile"},
    },
}
if got != want:
    print("got:", json.dumps(got, indent=1))
    sys.exit(1)
PY

mode=$(stat -c %a "$AEMP_RC")
[ "$mode" = 600 ] || fail "mode $mode with a secret, want 600"
ls -A "$T" | grep -Ev '\.(log|vg)$' | grep -qv '^rc$' && fail "stray files: $(ls -A "$T")"

# List edits, typed values, aliases and deletions on the global section.
$(vg_wrap aemp) "$AEMP" addbind 10.0.0.1:1 addbind '127.0.0.1:*' \
    delbind nosuch \
    addseed 127.0.0.1:4041 delseed 127.0.0.1:4040 \
    addservice chat:: addservice chat:: addservice '["echo::run",1]' \
    delservice chat:: monitor_timeout 5 secure 1 framing_format json,cbor \
    delsecret gensecret >"$T/edit.log" 2>&1 || fail "the edits failed"

python3 - "$AEMP_RC" <<'PY' || fail "unexpected edits"
import json, sys, re
got = json.load(open(sys.argv[1]))
assert got["binds"] == ["10.0.0.1:1", "127.0.0.1:*"], got["binds"]
assert got["seeds"] == ["127.0.0.1:4041"], got["seeds"]
assert got["services"] == ["chat::", ["echo::run", 1]], got["services"]
assert got["monitor_timeout"] == 5 and got["secure"] == 1
assert got["framing_format"] == ["json", "cbor"]
assert re.fullmatch("[0-9A-Za-z]{180}", got["secret"]), got["secret"]
PY

# A bad subcommand fails alone: exit 1, a message, the file as it was.
cp "$AEMP_RC" "$T/before"
$(vg_wrap aemp) "$AEMP" nosuchcommand >"$T/bad.log" 2>&1 &&
    fail "nosuchcommand worked"
grep -q 'nosuchcommand: no such subcommand' "$T/bad.log" ||
    fail "no message for a bad subcommand"
$(vg_wrap aemp) "$AEMP" profile x nodeid >"$T/bad2.log" 2>&1 &&
    fail "a missing argument worked"
grep -q 'nodeid: needs 1 argument' "$T/bad2.log" || fail "no message"
cmp -s "$AEMP_RC" "$T/before" || fail "a failed command changed the file"

# A JSON argument list replaces argv.
$(vg_wrap aemp) "$AEMP" \
    '["profile", "j", "binds", ["1.1.1.1:1", "2.2.2.2:2"]]' ||
    fail "JSON argv"
$(vg_wrap aemp) "$AEMP" showprofile j >"$T/j.log" || fail "showprofile"
grep -q '2.2.2.2:2' "$T/j.log" || fail "JSON argv not applied"

exit 0
