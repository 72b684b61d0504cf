#!/bin/sh
# A handshake that fails tells the connecting side why at once, not as
# "connect timeout" after connect_interval: a node that greets and then
# closes after our auth line gives "connection closed during handshake
# (wrong secret, or this node ID is already connected?)", and the next
# address, if any, is still tried (it works); "aemp cal" with a wrong
# secret fails within about a second with the refusal text or that one.

. "$top_srcdir/tests/regress/lib.sh"
. "$top_srcdir/tests/regress/net-lib.sh"

# closer NAME NODEID PORT: greets as NODEID, closes after 3 lines.
closer()
{
	start_bg "$1" python3 -c 'import socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[2])))
s.listen(5)
s.settimeout(20)
print("listening", flush=True)
for _ in range(5):
    c, _ = s.accept()
    c.settimeout(5)
    c.sendall(("aemp;1;%s;hmac_sha3_512;json;provider=closer\n" %
        sys.argv[1]).encode() + b"N" * 88 + b"\n")
    got = b""
    end = time.time() + 5
    while got.count(b"\n") < 3 and time.time() < end:
        d = c.recv(4096)
        if not d:
            break
        got += d
    print("lines", got.count(b"\n"), flush=True)
    c.close()' "$2" "$3"
	wait_log "$1" '^listening$'
}

PA=$(free_port)
PC=$(free_port)
PC2=$(free_port)
PZ2=$(free_port)

closer close z "$PC"
closer close2 z2 "$PC2"
start_node z2 z2 "$PZ2"

start=$(date +%s)
start_node a a "$PA" "peer=z=127.0.0.1:$PC" \
    "peer=z2=127.0.0.1:$PC2,127.0.0.1:$PZ2" set=connect_interval=8 \
    cal=z=hi cal=z2=hi
CLOSED='connection closed during handshake \(wrong secret, or this node ID is already connected\?\)'
wait_log a "mon \\[\"transport_error\",\"z\",\"$CLOSED\"\\]" 3
wait_log a 'reply \["echo","hi"\]' 5
took=$(( $(date +%s) - start ))
[ "$took" -le 6 ] || fail "took ${took}s: the connect timeout was waited for"
expect_log close '^lines 3$'
expect_log close2 '^lines 3$'
expect_log z2 'a is up'
expect_log a 'z: cannot connect: connection closed during handshake'
alive a

# The aemp tool against a seed with another secret.
PS=$(free_port)
$(vg_wrap aemp) "$AEMP" secret right-secret binds '127.0.0.1:*' seeds \
    "127.0.0.1:$PS" \
    profile seed nodeid seed binds "127.0.0.1:$PS" >"$T/setup.log" 2>&1 ||
    fail "setup"
AEMP_RC="$T/rc-wrong" $(vg_wrap aemp) "$AEMP" secret wrong-secret binds \
    '127.0.0.1:*' \
    seeds "127.0.0.1:$PS" >>"$T/setup.log" 2>&1 || fail "setup wrong"
start_bg seed $(vg_wrap seed) "$AEMP" run profile seed
wait_log seed "starting global service" 20
$(vg_wrap aemp) "$AEMP" cal seed time >"$T/good.out" 2>"$T/good.log" ||
    fail "cal with the right secret failed"

t0=$(date +%s%N)
AEMP_RC="$T/rc-wrong" $(vg_wrap aemp) "$AEMP" cal seed time >"$T/bad.out" \
    2>"$T/bad.log" &&
    fail "cal with a wrong secret succeeded"
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
[ "$ms" -le $((1500 * VG_SLOW)) ] || fail "cal with a wrong secret took ${ms}ms"
grep -Eq "transport_error seed (authentication refused: authentication failure/shared secret mismatch|$CLOSED)" \
    "$T/bad.log" || fail "cal with a wrong secret: no handshake reason"
alive seed
net_finish
