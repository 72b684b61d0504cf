#!/bin/sh
# Setters refuse values that make no sense (node IDs with '#', negative
# or non-numeric timings, bad booleans, binds and seeds that are no
# host:port, unknown codecs and auth methods) with exit 1, a message
# naming the value, and the file untouched; sensible values still go in.
# "profile NAME" refuses a file whose "profile" is no object.  A bad
# value written into the file by hand stops a node from starting, with
# the file, profile and key named.  The help text shows the real forms
# of the key setters, and they work.

. "${top_srcdir:-.}/tests/regress/lib.sh"

$(vg_wrap aemp) "$AEMP" secret s binds '127.0.0.1:*' >"$T/setup.log" 2>&1 ||
    fail "setup"
cp "$AEMP_RC" "$T/orig"

# refused CMD ARG TEXT: "aemp CMD ARG" exits 1, says TEXT, edits nothing.
refused()
{
	$(vg_wrap aemp) "$AEMP" "$1" "$2" >"$T/out.log" 2>&1
	st=$?
	[ "$st" = 1 ] || fail "'$1 $2' exited $st: $(cat "$T/out.log")"
	grep -qF -- "$3" "$T/out.log" ||
	    fail "'$1 $2' did not say '$3': $(cat "$T/out.log")"
	cmp -s "$AEMP_RC" "$T/orig" || fail "'$1 $2' changed the file"
}

refused setnodeid 'a#b' "\"a#b\": a node ID cannot contain '#'"
refused nodeid '' 'a node ID cannot be empty'
refused nodeid "$(printf 'a\tb')" 'cannot contain control characters'
refused heartbeat -1 '-1: must be a number of seconds'
refused setheartbeat abc '"abc": must be a number of seconds'
refused monitor_timeout 0 '0: must be a number of seconds above 0'
refused connect_interval -2 '-2: must be a number of seconds above 0'
refused max_frame 0 '0: must be a whole number of bytes'
refused max_frame 2000.5 'must be a whole number of bytes'
refused max_queue 1e300 'must be a whole number of bytes'
refused secure maybe '"maybe": must be 0, 1, true or false'
refused autocork 2 'must be 0, 1, true or false'
refused nodelay '"yes"' 'must be 0, 1, true or false'
refused binds 'x:99999' 'entry 1, "x:99999": must be HOST:PORT'
refused binds 'a:1,b:0' 'entry 2, "b:0"'
refused binds '::1' 'entry 1, "::1"'
refused binds '999.1.1.1:1' 'entry 1'
refused binds 'a b:1' 'entry 1'

# setcert wants a certificate and the private key that matches it.
echo hello >"$T/junk.pem"
refused setcert "$T/junk.pem" "$T/junk.pem: no usable certificate"
openssl req -x509 -newkey rsa:2048 -days 1 -nodes -subj /CN=t \
    -keyout "$T/k1.pem" -out "$T/c1.pem" >/dev/null 2>&1 || fail "openssl"
openssl req -x509 -newkey rsa:2048 -days 1 -nodes -subj /CN=t \
    -keyout "$T/k2.pem" -out "$T/c2.pem" >/dev/null 2>&1 || fail "openssl"
cat "$T/c1.pem" >"$T/nokey.pem"
refused setcert "$T/nokey.pem" "no private key matching the certificate"
cat "$T/k2.pem" "$T/c1.pem" >"$T/mismatch.pem"
refused setcert "$T/mismatch.pem" "no private key matching the certificate"
cat "$T/k1.pem" "$T/c1.pem" >"$T/good.pem"
$(vg_wrap aemp) "$AEMP" setcert "$T/good.pem" >"$T/out.log" 2>&1 ||
    fail "a good cert was refused: $(cat "$T/out.log")"
grep -q 'BEGIN CERTIFICATE' "$AEMP_RC" || fail "the cert was not stored"
$(vg_wrap aemp) "$AEMP" delcert >"$T/out.log" 2>&1 || fail "delcert"
cp "$AEMP_RC" "$T/orig"
refused seeds 'a' 'entry 1, "a": must be HOST:PORT or a bare PORT'
refused seeds 'a:*' 'entry 1, "a:*"'
refused addseed 'x:70000' '"x:70000": must be HOST:PORT'
refused binds '["[zz]:1"]' 'entry 1, "[zz]:1"'
refused framing_format xml 'entry 1, "xml": must be json, cbor or storable'
refused framing_format '[]' 'must name at least one of json, cbor or storable'
refused auth_offer hmac_md5 'entry 1, "hmac_md5": must be tls_sha3_512'
refused auth_accept 'tls_sha3_512,plain' 'entry 2, "plain"'

# A chain with one bad value fails as a whole.
$(vg_wrap aemp) "$AEMP" nodeid good heartbeat -1 >"$T/chain.log" 2>&1 &&
    fail "a chain with a bad value succeeded"
cmp -s "$AEMP_RC" "$T/orig" || fail "a failed chain changed the file"

# Sensible values are stored, in the form the key setters of help show.
$(vg_wrap aemp) "$AEMP" help >"$T/help.log" || fail "help"
grep -q 'set|del' "$T/help.log" && fail "help still shows set|del"
grep -q 'setheartbeat 5' "$T/help.log" || fail "help shows no setheartbeat 5"
grep -q 'delheartbeat' "$T/help.log" || fail "help shows no delheartbeat"
$(vg_wrap aemp) "$AEMP" setheartbeat 5 heartbeat 0.5 monitor_timeout 2.5 \
    connect_interval 1 max_frame 1024 max_queue 1048576 secure true \
    autocork 0 nodelay 1 binds '*,127.0.0.1:*,[::1]:4041,host-a.example:1' \
    seeds '4040,*:4040,10.0.0.1:1,[::1]:2' framing_format json,cbor \
    auth_offer hmac_sha3_512 auth_accept tls_sha3_512,hmac_sha3_512,tls_anon \
    nodeid 'a/%n/%u' >"$T/good.log" 2>&1 ||
    fail "good values refused: $(cat "$T/good.log")"
python3 - "$AEMP_RC" <<'PY' || fail "the good values were not stored"
import json, sys
m = json.load(open(sys.argv[1]))
assert m["heartbeat"] == 0.5 and m["monitor_timeout"] == 2.5, m
assert m["max_frame"] == 1024 and m["secure"] is True, m
assert m["autocork"] == 0 and m["nodelay"] == 1, m
assert m["binds"] == ["*", "127.0.0.1:*", "[::1]:4041",
    "host-a.example:1"], m
assert m["seeds"] == ["4040", "*:4040", "10.0.0.1:1", "[::1]:2"], m
assert m["framing_format"] == ["json", "cbor"], m
assert m["nodeid"] == "a/%n/%u", m
PY
$(vg_wrap aemp) "$AEMP" delheartbeat delnodeid >/dev/null 2>&1 ||
    fail "delheartbeat delnodeid"
grep -q '"heartbeat"' "$AEMP_RC" && fail "delheartbeat left the key"

# "profile NAME" on a file whose "profile" is no object.
printf '{"version":1,"profile":5}\n' >"$AEMP_RC"
cp "$AEMP_RC" "$T/orig"
refused profile x "$AEMP_RC: \"profile\" must be an object"
printf '{"version":1,"profile":{"x":[1]}}\n' >"$AEMP_RC"
cp "$AEMP_RC" "$T/orig"
refused profile x "$AEMP_RC: profile x: must be an object"

# A bad value in the file: a node does not start, and says where.
printf '{"version":1,"profile":{"p":{"heartbeat":"abc"}}}\n' >"$AEMP_RC"
$(vg_wrap aemp) "$AEMP" run profile p >"$T/run.log" 2>&1 && fail "run started"
grep -qF "$AEMP_RC: profile p: heartbeat: \"abc\": must be a number" \
    "$T/run.log" || fail "run: no file, profile and key: $(cat "$T/run.log")"
printf '{"version":1,"nodeid":"a#b"}\n' >"$AEMP_RC"
$(vg_wrap aemp) "$AEMP" cal x time >"$T/cal.log" 2>&1 && fail "cal started"
grep -qF "$AEMP_RC: nodeid: \"a#b\": a node ID cannot contain '#'" \
    "$T/cal.log" || fail "cal: no file and key: $(cat "$T/cal.log")"

# ... and neither with a bad value among its arguments.
$(vg_wrap aemp) "$AEMP" run norc 1 binds 127.0.0.1:0 >"$T/run2.log" 2>&1 &&
    fail "run with a bad bind started"
grep -qF 'configure: argument binds: entry 1, "127.0.0.1:0"' "$T/run2.log" ||
    fail "run: no argument named: $(cat "$T/run2.log")"

exit 0
