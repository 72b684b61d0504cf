#!/bin/sh
# chat-db: the tutorial's chat, first way: the chat module's server port,
# registered in the database family "chat", is found by two chat_client
# processes; lines typed into one reach both, a client killed hard is
# announced to the other with its kill reason, and a client exits at the
# end of its input.

. "$top_srcdir/tests/regress/lib.sh"
. "$top_srcdir/tests/regress/load-lib.sh"
. "$top_srcdir/tests/regress/chat-lib.sh"

CLIENT="$top_builddir/sdk/examples/chat_client"

P=$(free_port)
load_node srv "$P" module_path "[\"$top_builddir/services\"]" \
    services '["chat::"]'
wait_log srv "chat: chat server port srv#[^ ]+ ready"

chat_client alice "$CLIENT" -i alice-node -b "127.0.0.1:*" \
    -s "127.0.0.1:$P" -k "$LOAD_SECRET" alice
wait_log alice '^CONNECTED srv#'
wait_log alice '^MSG alice \(joins\)$'
chat_client bob "$CLIENT" -i bob-node -b "127.0.0.1:*" \
    -s "127.0.0.1:$P" -k "$LOAD_SECRET" bob
wait_log bob '^CONNECTED srv#'
wait_log alice '^MSG bob \(joins\)$'

chat_say alice "hello from alice"
wait_log bob '^MSG alice: hello from alice$'
wait_log alice '^MSG alice: hello from alice$'
chat_say bob "hi alice"
wait_log alice '^MSG bob: hi alice$'

kill -KILL "$(pid_of bob)"
wait_log alice '^MSG bob \(quits, transport_error bob-node Unexpected end-of-file\)$'

chat_eof alice
lib_wait_gone "$(pid_of alice)" 50 || fail "alice did not exit at EOF"
alive srv
load_finish
exit 0
