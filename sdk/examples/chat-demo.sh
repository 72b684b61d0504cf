#!/bin/sh
# chat-demo.sh BUILDDIR: the tutorial's chat network on real processes.
#
# A seed node and a chat server node run with "aemp run profile ...";
# the server's profile names the chat service.  Two clients join the same
# room, one finding the server through the database (chat_client), the
# other spawning chat::client_connect on the server node by name
# (chat_client2).  Each types a line and both see both; then alice is
# killed with SIGKILL and bob sees her quit with the transport_error
# reason.  Everything lives in a scratch folder, config file included.
# $CHAT_DEMO_WRAP, if set, is put before every program of ours that the
# demo starts (the test suite runs them under valgrind that way).

set -u

B=$(cd "${1:?usage: chat-demo.sh BUILDDIR}" && pwd)
AEMP="$B/host/aemp"
T=$(mktemp -d "${TMPDIR:-/tmp}/aemp-chat.XXXXXX")
AEMP_RC="$T/aemp.rc"
export AEMP_RC
unset AEMP_TRACE PERL_ANYEVENT_MP_TRACE PERL_ANYEVENT_MP_RC
W=${CHAT_DEMO_WRAP:-}
pids=""
ok=0

cleanup()
{
	for p in $pids; do
		kill -TERM "$p" 2>/dev/null
	done
	sleep 0.3
	for p in $pids; do
		kill -KILL "$p" 2>/dev/null
	done
	exec 3>&- 4>&-
	if [ "$ok" = 1 ]; then
		rm -rf "$T"
	else
		echo "chat-demo: FAILED; logs kept in $T"
		for f in "$T"/*.log; do
			echo "---- $f"
			tail -n 20 "$f"
		done
	fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# wait_for LOG REGEX: wait at most 20 s for a line in $T/LOG.log.
wait_for()
{
	i=0
	while ! grep -Eq -- "$2" "$T/$1.log" 2>/dev/null; do
		i=$((i + 1))
		if [ "$i" -gt 200 ]; then
			echo "chat-demo: no /$2/ in $1.log after 20 s"
			exit 1
		fi
		sleep 0.1
	done
	grep -E -- "$2" "$T/$1.log" | head -n 1 | sed "s/^/  $1: /"
}

# bg NAME CMD...: run CMD in the background, output in $T/NAME.log.
bg()
{
	name=$1
	shift
	"$@" >"$T/$name.log" 2>&1 &
	pids="$pids $!"
	eval "pid_$name=$!"
}

port=$(python3 -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

echo "== configuring $AEMP_RC"
$W "$AEMP" gensecret binds '127.0.0.1:*' seeds "127.0.0.1:$port" \
    profile seed nodeid seed binds "127.0.0.1:$port" \
    profile chatsrv nodeid chatsrv module_path "[\"$B/services\"]" \
    addservice chat:: \
    profile chat_client || exit 1

echo "== starting the seed and the chat server"
bg seed $W "$AEMP" run profile seed
wait_for seed 'starting global service'
bg chatsrv $W "$AEMP" run profile chatsrv
wait_for chatsrv 'chat server port .* ready'

echo "== alice finds the server through db_mon; bob spawns client_connect"
mkfifo "$T/alice.in" "$T/bob.in"
exec 3<>"$T/alice.in" 4<>"$T/bob.in"
bg alice sh -c 'exec 3>&- 4>&-; exec '"$W"' "$0" "$@" <"'"$T/alice.in"'"' \
    "$B/sdk/examples/chat_client" -i alice alice
bg bob sh -c 'exec 3>&- 4>&-; exec '"$W"' "$0" "$@" <"'"$T/bob.in"'"' \
    "$B/sdk/examples/chat_client2" -i bob chatsrv bob
wait_for alice '^CONNECTED chatsrv#'
wait_for bob '^CONNECTED chatsrv#'
# each is in the room once the room has announced its own arrival
wait_for alice '^MSG alice \(joins\)$'
wait_for bob '^MSG bob \(joins\)$'

echo "== each types a line; both see both"
echo "hello from alice" >&3
echo "hi alice, bob here" >&4
for who in alice bob; do
	wait_for $who '^MSG alice: hello from alice$'
	wait_for $who '^MSG bob: hi alice, bob here$'
done

echo "== alice is killed with SIGKILL"
# shellcheck disable=SC2154
kill -KILL "$pid_alice"
wait_for bob '^MSG alice \(quits, transport_error alice .*\)$'

echo "== shutting down"
exec 4>&-
i=0
# shellcheck disable=SC2154
while kill -0 "$pid_bob" 2>/dev/null; do
	i=$((i + 1))
	[ "$i" -gt 50 ] && { echo "chat-demo: bob did not exit"; exit 1; }
	sleep 0.1
done
kill -TERM "$pid_chatsrv" "$pid_seed"
wait "$pid_chatsrv" || { echo "chat-demo: chatsrv exit $?"; exit 1; }
wait "$pid_seed" || { echo "chat-demo: seed exit $?"; exit 1; }

lines=$(grep -c '^MSG' "$T/bob.log")
echo "chat-demo: 2 clients joined (db_mon and spawn), 2 lines relayed to" \
    "both, quit seen with transport_error; bob saw $lines room lines;" \
    "all nodes stopped cleanly"
ok=1
exit 0
