# load-lib.sh: helpers for the module loader's tests, sourced after lib.sh.
#
# load_node NAME PORT KEY VALUE... starts "aemp run" as a seed node NAME on
# 127.0.0.1:PORT; load_spawn runs tests/regress/loadspawn against it;
# load_cc compiles a module out of tree against sdk/aemp-uninstalled.pc.
# Nodes and drivers go through vg_wrap (lib.sh): AEMP_VALGRIND=1 runs
# them under valgrind.

LOADSPAWN="$top_builddir/tests/regress/loadspawn"
LOAD_SECRET="load-test-secret-$$"
LOAD_NODES=""
PKG_CONFIG_PATH="$top_builddir/sdk"
export PKG_CONFIG_PATH

# Modules others may write are refused: make sure ours are not.
umask 022

# load_pkglibdir: the $(pkglibdir) this tree was configured with.
load_pkglibdir()
{
	local cs="$top_builddir/config.status" prefix exec_prefix libdir

	prefix=$(sed -n 's/^S\["prefix"\]="\(.*\)"$/\1/p' "$cs")
	exec_prefix=$(sed -n 's/^S\["exec_prefix"\]="\(.*\)"$/\1/p' "$cs")
	libdir=$(sed -n 's/^S\["libdir"\]="\(.*\)"$/\1/p' "$cs")
	eval "exec_prefix=\"$exec_prefix\""
	eval "libdir=\"$libdir\""
	echo "$libdir/aemp"
}

# load_node NAME PORT KEY VALUE...: a seed node run by the aemp tool.
load_node()
{
	local name=$1 port=$2

	shift 2
	start_bg "$name" $(vg_wrap "$name") "$AEMP" run norc 1 nodeid "$name" \
	    binds "127.0.0.1:$port" seeds "127.0.0.1:$port" \
	    secret "$LOAD_SECRET" "$@"
	LOAD_NODES="$LOAD_NODES $name"
	wait_log "$name" "starting global service" 30
}

# load_spawn OUT PORT NODE FUNCTION [JSON]: spawn through the seed on
# PORT; the driver's output goes to $T/OUT.log.  $LOAD_SPAWN_FLAGS (such
# as -e) go to the driver.
load_spawn()
{
	local out=$1 port=$2

	shift 2
	# shellcheck disable=SC2046,SC2086
	$(vg_wrap "$out") "$LOADSPAWN" ${LOAD_SPAWN_FLAGS:-} norc 1 \
	    nodeid "spawner-$out" binds "127.0.0.1:*" seeds "127.0.0.1:$port" secret "$LOAD_SECRET" -- "$@" \
	    >"$T/$out.log" 2>&1
}

# expect_line OUT LINE: fail unless $T/OUT.log has exactly that line.
expect_line()
{
	grep -Fxq -- "$2" "$T/$1.log" || fail "no line '$2' in $1.log"
}

# load_cc OUT SOURCE [FLAGS...]: build module OUT (a path) from SOURCE as
# a third party would.
load_cc()
{
	local out=$1 src=$2

	shift 2
	# shellcheck disable=SC2046
	cc -shared -fPIC -o "$out" "$src" "$@" \
	    $(pkg-config --cflags --libs aemp) >>"$T/cc.log" 2>&1 ||
	    fail "cannot compile $src"
}

# load_finish: stop the nodes (TERM), so that they free everything
# before lib_cleanup checks the valgrind reports.
load_finish()
{
	local name pid

	for name in $LOAD_NODES; do
		pid=$(pid_of "$name")
		kill -TERM "$pid" 2>/dev/null
		lib_wait_gone "$pid" 100 || fail "$name did not stop"
	done
}
