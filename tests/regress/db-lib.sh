# db-lib.sh: helpers for the database tests, sourced after lib.sh.
#
# db_node NAME ARGS... starts tests/regress/dbnode (configure pairs in
# ARGS) reading commands from the FIFO $T/NAME.in; db_cmd NAME LINE sends
# it one command; db_seed NAME PORT starts "aemp run" as a seed.

DBNODE="$top_builddir/tests/regress/dbnode"
DB_SECRET="db-test-secret-$$"
DB_FD=3

# db_node NAME ARGS...: a dbnode whose stdin is the FIFO $T/NAME.in.
db_node()
{
	local name=$1

	shift
	mkfifo "$T/$name.in" || fail "mkfifo"
	# keep a writer open so the node never sees end of input
	eval "exec $DB_FD<>\"\$T/\$name.in\""
	DB_FD=$((DB_FD + 1))
	start_bg "$name" sh -c 'exec "$0" "$@" <"'"$T/$name.in"'"' \
	    "$DBNODE" norc 1 secret "$DB_SECRET" "$@"
	wait_log "$name" '^ready ' 10
}

# db_cmd NAME LINE: send one command line to node NAME.
db_cmd()
{
	printf '%s\n' "$2" >"$T/$1.in"
}

# db_seed NAME PORT: a seed node run by the aemp tool on 127.0.0.1:PORT.
db_seed()
{
	start_bg "$1" "$AEMP" run norc 1 nodeid "$1" \
	    binds "127.0.0.1:$2" seeds "127.0.0.1:$2" secret "$DB_SECRET"
	wait_log "$1" "starting global service" 10
}

# db_count NAME REGEX: how many lines of $T/NAME.log match.
db_count()
{
	grep -Ec -- "$2" "$T/$1.log"
}

# db_port_id NAME PORTNAME: the port ID node NAME printed for PORTNAME.
db_port_id()
{
	wait_log "$1" "^port $2 " 10
	sed -n "s/^port $2 //p" "$T/$1.log" | head -n 1
}
