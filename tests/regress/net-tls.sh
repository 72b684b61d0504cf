#!/bin/sh
# TLS: nodes that share a certificate talk over TLS with tls_sha3_512,
# even without a secret; a node with another certificate is refused with
# a clear line; a peer that does not ask for TLS still gets the HMAC.

. "$top_srcdir/tests/regress/lib.sh"
. "$top_srcdir/tests/regress/net-lib.sh"

command -v openssl >/dev/null || exit 77
mkcert()
{
	openssl req -x509 -newkey rsa:2048 -nodes -subj "/CN=$1" -days 2 \
	    -keyout "$T/$1.key" -out "$T/$1.crt" 2>/dev/null ||
	    fail "openssl req failed"
	cat "$T/$1.crt" "$T/$1.key" >"$T/$1.pem"
}
mkcert shared
mkcert other

PA=$(free_port)
PB=$(free_port)
PC=$(free_port)
export AEMP_VERBOSE=7
start_node a a "$PA" "set=cert=$(cat "$T/shared.pem")"

# b has the certificate and no secret at all.
start_bg b $(vg_wrap b) "$NETNODE" b "" "127.0.0.1:$PB" $NET_SLOW \
    "set=cert=$(cat "$T/shared.pem")" "peer=a=127.0.0.1:$PA" cal=a=over-tls
wait_log b 'reply \["echo","over-tls"\]' 20
expect_log b 'a: accepted auth method tls_sha3_512'
expect_log a 'b: accepted auth method tls_sha3_512'
expect_log a 'TLS established: TLSv1\.[23] .*peer certificate /CN=shared'
grep -q 'BEGIN' "$T/a.log" && fail "the certificate is in the log"

start_node c c "$PC" "set=cert=$(cat "$T/other.pem")" \
    "peer=a=127.0.0.1:$PA" cal=a=refused
wait_log c 'mon \["transport_error","a",' 20
# The side that verifies first (the TLS client) names the reason.
grep -q 'TLS failed: .*certificate verify failed' "$T/a.log" "$T/c.log" ||
    fail "no line saying why TLS failed"
grep -q 'c is up' "$T/a.log" && fail "a node with another cert got in"

rawpeer plain --port "$PA" --secret "$NET_SECRET" --node plain \
    --send '["","::echo","plain#p","ok"]' --expect 1
expect_log plain '^auth ok$'
expect_log plain '^recv \["p","echo","ok"\]$'
expect_log plain ';tls=1\.0'
alive a
net_finish
