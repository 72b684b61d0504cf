#!/bin/sh
# chat-spawn: the tutorial's chat, second way: chat_client2 spawns
# chat::client_connect on the server node by name (the node loads the
# chat module on demand), and a chat_client that found the server port
# through the database is in the same room: lines cross both ways, and
# the spawning client's death is announced with its kill reason.

. "$top_srcdir/tests/regress/lib.sh"
. "$top_srcdir/tests/regress/load-lib.sh"
. "$top_srcdir/tests/regress/chat-lib.sh"

CLIENT="$top_builddir/sdk/examples/chat_client"
CLIENT2="$top_builddir/sdk/examples/chat_client2"

P=$(free_port)
load_node srv "$P" module_path "[\"$top_builddir/services\"]"

chat_client carol "$CLIENT2" -i carol-node -b "127.0.0.1:*" \
    -s "127.0.0.1:$P" -k "$LOAD_SECRET" srv carol
wait_log carol '^CONNECTED srv#'
wait_log carol '^MSG carol \(joins\)$'
wait_log srv "module chat loaded from $top_builddir/services/.libs/chat.so"

chat_client dave "$CLIENT" -i dave-node -b "127.0.0.1:*" \
    -s "127.0.0.1:$P" -k "$LOAD_SECRET" dave
wait_log dave '^CONNECTED srv#'
wait_log carol '^MSG dave \(joins\)$'

chat_say carol "yo from carol"
wait_log dave '^MSG carol: yo from carol$'
chat_say dave "hi carol"
wait_log carol '^MSG dave: hi carol$'

kill -KILL "$(pid_of carol)"
wait_log dave '^MSG carol \(quits, transport_error carol-node Unexpected end-of-file\)$'
expect_log srv "chat: chat server port srv#[^ ]+ ready"

chat_eof dave
lib_wait_gone "$(pid_of dave)" 50 || fail "dave did not exit at EOF"
alive srv
load_finish
exit 0
