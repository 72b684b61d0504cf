# chat-lib.sh: helpers for the chat tests, sourced after load-lib.sh.
#
# chat_client NAME PROGRAM ARGS... starts a chat client reading the FIFO
# $T/NAME.in; chat_say NAME LINE types a line; chat_eof NAME closes its
# input.

CHAT_FD=3

# chat_client NAME PROGRAM ARGS...: a client whose stdin is $T/NAME.in,
# run through vg_wrap (lib.sh).
chat_client()
{
	local name=$1

	shift
	mkfifo "$T/$name.in" || fail "mkfifo"
	# hold a writer open so the client sees end of input only from us
	eval "exec $CHAT_FD<>\"\$T/\$name.in\""
	eval "CHAT_FD_$name=$CHAT_FD"
	CHAT_FD=$((CHAT_FD + 1))
	# the client must not hold the writers of any input itself
	start_bg "$name" sh -c 'exec 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&-
	    exec '"$(vg_wrap "$name")"' "$0" "$@" <"'"$T/$name.in"'"' "$@"
}

# chat_say NAME LINE: one line on the client's input.
chat_say()
{
	printf '%s\n' "$2" >"$T/$1.in"
}

# chat_eof NAME: end the client's input.
chat_eof()
{
	local fd

	eval "fd=\$CHAT_FD_$1"
	eval "exec $fd>&-"
}
