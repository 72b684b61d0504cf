#!/bin/sh
# Connecting fails three ways, each firing the monitor with its reason:
# nobody listens (the OS text), no address is known, and a listener that
# never greets (connect timeout after connect_interval).  With several
# addresses, a refused one is skipped at once and the next one works.

. "$top_srcdir/tests/regress/lib.sh"
. "$top_srcdir/tests/regress/net-lib.sh"

PA=$(free_port)
PW=$(free_port)
DEAD=$(free_port)
MUTE=$(free_port)

start_bg mute python3 -c 'import socket, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", '"$MUTE"'))
s.listen(5)
print("listening", flush=True)
c, _ = s.accept()
print("accepted", flush=True)
time.sleep(30)'
wait_log mute '^listening$'
start_node w w "$PW"

start_node a a "$PA" "peer=x=127.0.0.1:$DEAD" "peer=z=127.0.0.1:$MUTE" \
    "peer=x2=127.0.0.1:$DEAD,127.0.0.1:$DEAD" \
    "peer=w=127.0.0.1:$DEAD,127.0.0.1:$PW" \
    set=connect_interval=$VG_SLOW cal=x=hi cal=x2=hi cal=y=hi cal=z=hi cal=w=hi

wait_log a 'mon \["transport_error","x","Connection refused"\]'
wait_log a 'mon \["transport_error","x2","Connection refused"\]'
wait_log a 'mon \["transport_error","y","no known address"\]'
# connect_interval is 1 s, VG_SLOW (4) s under valgrind, where the
# handshake with w can take longer than 1 s; the 5 s wait is VG_SLOW
# times longer there too (lib.sh).
wait_log a 'mon \["transport_error","z","connect timeout"\]' 5
wait_log a 'reply \["echo","hi"\]'
expect_log w 'a is up'
expect_log mute accepted
expect_log a 'x: cannot connect: Connection refused'
alive a
net_finish
