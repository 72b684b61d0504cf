# db-lib.sh: helpers for the database tests, sourced after lib.sh.
#
# db_node NAME ARGS... starts tests/regress/dbnode (configure pairs in
# ARGS) reading commands from the FIFO $T/NAME.in; db_cmd NAME LINE sends
# it one command; db_seed NAME PORT starts "aemp run" as a seed.  Both
# go through vg_wrap (lib.sh): AEMP_VALGRIND=1 runs them under valgrind.

DBNODE="$top_builddir/tests/regress/dbnode"
DB_SECRET="db-test-secret-$$"
DB_FD=3		# next descriptor for a FIFO writer (sh: 3 to 9 only)
DB_NODES=""

# db_node NAME ARGS...: a dbnode whose stdin is the FIFO $T/NAME.in.
db_node()
{
	local name=$1

	shift
	[ "$DB_FD" -le 9 ] || fail "too many nodes for db-lib.sh"
	mkfifo "$T/$name.in" || fail "mkfifo"
	# keep a writer open so the node never sees end of input
	eval "exec $DB_FD<>\"\$T/\$name.in\""
	DB_FD=$((DB_FD + 1))
	# $0 is split on purpose: the wrapper's words, then the program
	start_bg "$name" sh -c 'exec $0 "$@" <"'"$T/$name.in"'"' \
	    "$(vg_wrap "$name") $DBNODE" norc 1 secret "$DB_SECRET" "$@"
	DB_NODES="$DB_NODES $name"
	wait_log "$name" '^ready ' 30
}

# db_finish: stop every dbnode still running with "quit" and every seed
# with TERM, so that they free everything before lib_cleanup checks the
# valgrind reports.
db_finish()
{
	local name pid

	for name in $DB_NODES; do
		pid=$(pid_of "$name")
		kill -0 "$pid" 2>/dev/null || continue
		db_cmd "$name" quit
		lib_wait_gone "$pid" 100 || fail "$name did not quit"
	done
	for name in ${DB_SEEDS:-}; do
		pid=$(pid_of "$name")
		kill -TERM "$pid" 2>/dev/null || continue
		lib_wait_gone "$pid" 100 || fail "$name did not stop"
	done
}

# db_cmd NAME LINE: send one command line to node NAME.
db_cmd()
{
	printf '%s\n' "$2" >"$T/$1.in"
}

# db_seed NAME PORT: a seed node run by the aemp tool on 127.0.0.1:PORT.
db_seed()
{
	start_bg "$1" $(vg_wrap "$1") "$AEMP" run norc 1 nodeid "$1" \
	    binds "127.0.0.1:$2" seeds "127.0.0.1:$2" secret "$DB_SECRET"
	DB_SEEDS="${DB_SEEDS:-} $1"
	wait_log "$1" "starting global service" 30
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
