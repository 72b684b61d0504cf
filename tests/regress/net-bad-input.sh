#!/bin/sh
# Bad input from peers: each kills at most its own connection with one
# clear log line, and the node still serves a well-behaved peer after it.

. "$top_srcdir/tests/regress/lib.sh"
. "$top_srcdir/tests/regress/net-lib.sh"

PA=$(free_port)
export AEMP_VERBOSE=8
start_node a a "$PA"

N=0
# good: a well-behaved peer gets its echo back.
good()
{
	N=$((N + 1))
	rawpeer good$N --port "$PA" --secret "$NET_SECRET" --node good$N \
	    --send '["","::echo","good'$N'#p","ok"]' --expect 1
	expect_log good$N '^auth ok$'
	expect_log good$N '^recv \["p","echo","ok"\]$'
	alive a
}

# bad NAME REGEX RAWPEER-ARGS...: the peer is closed, a logs REGEX once.
bad()
{
	local name=$1 re=$2

	shift 2
	rawpeer "$name" --port "$PA" "$@"
	expect_log "$name" '^closed$'
	wait_log a "$re" 3
	[ "$(count_log a "$re")" = 1 ] || fail "not one /$re/ line in a.log"
	good
}

good

bad secret 'authentication refused: authentication failure/shared secret mismatch' \
    --secret wrong-secret --node wrong
grep -q '^auth ok$' "$T/secret.log" && fail "a wrong secret was accepted"
grep -q "$NET_SECRET" "$T/a.log" && fail "the secret is in the log"

bad framing 'no common framing \(peer receives "storable"\)' \
    --secret "$NET_SECRET" --node framing --framing storable

bad method 'authentication refused: method "cleartext" not accepted' \
    --secret "$NET_SECRET" --node method --auth cleartext

bad garbled 'unparsable greeting.*hello there' --raw 'hello there\n\n'

bad oversized 'handshake line longer than 4096 bytes' \
    --raw "aemp;1;big;$(python3 -c 'print("x" * 5000)')"

bad version 'peer speaks AEMP version 2, this node speaks 1' \
    --secret "$NET_SECRET" --version 2 --node v2
[ "$(count_log a 'v2|version 2')" = 1 ] || fail "more than one line about v2"

bad badjson 'bad frame: .*closing' --secret "$NET_SECRET" --node badjson \
    --send '["",}}' --timeout 3
expect_log a 'badjson is down \(transport_error badjson '

bad notarray 'notarray: bad frame: json frame is not an array' \
    --secret "$NET_SECRET" --node notarray --send '{"a":1}' --timeout 3

bad noport 'noport: frame is not an array starting with a port name' \
    --secret "$NET_SECRET" --node noport --send '[1,2]' --timeout 3

# A message to an unknown port is dropped; the connection goes on.
rawpeer unknown --port "$PA" --secret "$NET_SECRET" --node unknown \
    --send '["nosuchport","x"]' --send '["","::echo","unknown#p","ok"]' \
    --expect 1
expect_log unknown '^recv \["p","echo","ok"\]$'
expect_log a "unknown port 'nosuchport'"
good
net_finish
