#!/bin/bash
# run.sh: libaemp against Erlang distribution and Perl AnyEvent::MP 2.02,
# all measured in this run on this machine, printed as one table with
# every figure's ratio to the C figure.  See tests/bench/README.md.
#
#	tests/bench/run.sh [BUILDDIR]
#
# BUILDDIR is a configured and built tree (default: the source tree
# itself); the C programs are compiled here against its
# host/.libs/libaemp.so.  Installs Erlang (erlang-base) and the Perl
# reference's Debian packages when they are missing and this is root on
# Debian; a peer that cannot be had is shown as "-".  Only 127.0.0.1;
# every loop is bounded; every process started is stopped at exit.
#
# Environment: BENCH_LOCAL_N (messages, default 1000000), BENCH_BURST
# (1000), BENCH_REMOTE_N (round trips, 20000), BENCH_WINDOW (100),
# BENCH_PORTS (100000), BENCH_REPEAT (runs per figure, median taken, 5),
# BENCH_BUDGET (seconds after which remaining steps are skipped, 240),
# AEMP_REFERENCE (the Perl reference, default ../shared/reference beside
# the source tree).

set -u

SRC=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(cd "${1:-$SRC}" 2>/dev/null && pwd) || {
	echo "run.sh: no build tree ${1:-}" >&2
	exit 2
}
BENCH=$SRC/tests/bench
REF=${AEMP_REFERENCE:-$SRC/../shared/reference}
LOCAL_N=${BENCH_LOCAL_N:-1000000}
BURST=${BENCH_BURST:-1000}
REMOTE_N=${BENCH_REMOTE_N:-20000}
WINDOW=${BENCH_WINDOW:-100}
PORTS=${BENCH_PORTS:-100000}
REPEAT=${BENCH_REPEAT:-5}
STEP_TIMEOUT=60
BUDGET=${BENCH_BUDGET:-240}

T=$(mktemp -d "${TMPDIR:-/tmp}/aemp-bench.XXXXXX")
PIDS=""
EPMD_PORT=""
SECRET=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
unset AEMP_RC PERL_ANYEVENT_MP_RC AEMP_TRACE PERL_ANYEVENT_MP_TRACE
export AEMP_RC=$T/rc PERL_ANYEVENT_MP_RC=$T/perl-rc

cleanup()
{
	local pid i

	for pid in $PIDS; do
		kill -TERM "$pid" 2>/dev/null
	done
	for pid in $PIDS; do
		i=0
		while kill -0 "$pid" 2>/dev/null && [ $i -lt 30 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		kill -KILL "$pid" 2>/dev/null
	done
	if [ -n "$EPMD_PORT" ]; then
		i=0
		while epmd -port "$EPMD_PORT" -names >/dev/null 2>&1 &&
		    ! epmd -port "$EPMD_PORT" -kill >/dev/null 2>&1 &&
		    [ $i -lt 30 ]; do
			sleep 0.1
			i=$((i + 1))
		done
	fi
	if [ -n "${BENCH_KEEP:-}" ]; then
		note "files kept in $T"
	else
		rm -rf "$T"
	fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

note()
{
	echo "run.sh: $*" >&2
}

free_port()
{
	perl -MIO::Socket::INET -e 'print IO::Socket::INET->new(
	    Listen => 1, LocalAddr => "127.0.0.1:0")->sockport, "\n"'
}

# ---- what the peers need ------------------------------------------------

can_apt()
{
	[ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1
}

apt_install()
{
	can_apt || return 1
	note "installing $*"
	if [ ! -f "$T/.apt-updated" ]; then
		apt-get update -q >"$T/apt.log" 2>&1
		touch "$T/.apt-updated"
	fi
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" \
	    >>"$T/apt.log" 2>&1
}

HAVE_ERL=0
HAVE_PERL=0

need_erlang()
{
	command -v erl >/dev/null 2>&1 || apt_install erlang-base ||
	    apt_install erlang-nox
	command -v erl >/dev/null 2>&1 && command -v erlc >/dev/null 2>&1 ||
	    { note "no Erlang: its columns stay empty"; return; }
	mkdir -p "$T/erl"
	erlc -o "$T/erl" "$BENCH/local.erl" "$BENCH/remote.erl" &&
	    HAVE_ERL=1
}

perl_ok()
{
	perl -e 'use AnyEvent::MP; use Time::HiRes' 2>/dev/null
}

need_perl()
{
	[ -f "$REF/lib/AnyEvent/MP.pm" ] ||
	    { note "no reference in $REF: Perl columns stay empty"; return; }
	export PERL5LIB="$REF/lib:$REF/stub-lib${PERL5LIB:+:$PERL5LIB}"
	perl_ok || apt_install libanyevent-perl libcommon-sense-perl \
	    libjson-xs-perl libguard-perl libdigest-sha3-perl \
	    libdigest-hmac-perl libtask-weaken-perl libcbor-xs-perl \
	    libtypes-serialiser-perl libnet-interface-perl \
	    libcanary-stability-perl libnet-ssleay-perl
	perl_ok && HAVE_PERL=1 ||
	    note "the reference does not load: Perl columns stay empty"
}

need_c()
{
	local lib=$BUILD/host/.libs cflags libs

	[ -f "$lib/libaemp.so" ] || {
		note "no $lib/libaemp.so: build the tree first"
		exit 1
	}
	cflags=$(pkg-config --cflags libevent 2>/dev/null)
	libs=$(pkg-config --libs libevent 2>/dev/null || echo -levent)
	for p in local remote; do
		cc -O2 -I"$SRC/sdk" $cflags -o "$T/$p" "$BENCH/$p.c" \
		    -L"$lib" -laemp $libs -Wl,-rpath,"$lib" || exit 1
	done
}

# ---- running things -----------------------------------------------------

# bg NAME CMD...: start CMD in the background, output in $T/NAME.out and
# $T/NAME.err; its pid is in $BGPID and stopped at exit.
bg()
{
	local name=$1

	shift
	rm -f "$T/$name.out" "$T/$name.err"
	"$@" >"$T/$name.out" 2>"$T/$name.err" &
	BGPID=$!
	PIDS="$PIDS $BGPID"
}

# stop PID: end a process bg started and wait for it.
stop()
{
	local i=0

	kill -TERM "$1" 2>/dev/null
	while kill -0 "$1" 2>/dev/null && [ $i -lt 30 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	kill -KILL "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}

# wait_out NAME REGEX: wait (at most 15 s) until $T/NAME.out matches.
wait_out()
{
	local i=0

	while ! grep -Eq "$2" "$T/$1.out" 2>/dev/null; do
		[ $i -ge 150 ] && return 1
		sleep 0.1
		i=$((i + 1))
	done
}

# over_budget: true once the run has used its BUDGET seconds; every step
# after that is skipped, so that a hanging peer cannot stretch the run.
over_budget()
{
	[ "$SECONDS" -lt "$BUDGET" ] && return 1
	[ -n "${BUDGET_NOTED:-}" ] ||
	    note "time budget of $BUDGET s spent: skipping the rest"
	BUDGET_NOTED=1
}

# fg NAME CMD...: run CMD with a time limit, output appended to
# $T/NAME.out; on failure show its errors.
fg()
{
	local name=$1

	shift
	over_budget && return 1
	timeout "$STEP_TIMEOUT" "$@" >>"$T/$name.out" 2>"$T/$name.err" || {
		note "$name failed: $(tail -n 3 "$T/$name.err" | tr '\n' ' ')"
		return 1
	}
}

# field NAME KEY COL: the median over runs of column COL of the lines
# "KEY ..." in $T/NAME.out, or empty.
field()
{
	[ -f "$T/$1.out" ] || return 0
	awk -v k="$2" -v c="$3" '$1 == k { print $c }' "$T/$1.out" |
	    sort -g | awk '{ v[NR] = $1 } END {
		if (NR) print v[int((NR + 1) / 2)] }'
}

# ---- the measurements ---------------------------------------------------

bench_local()
{
	local i

	for i in $(seq "$REPEAT"); do
		fg c-local "$T/local" "$LOCAL_N" "$BURST"
		[ $HAVE_ERL = 1 ] && fg erl-local erl -noshell -pa "$T/erl" \
		    -eval "local:main([$LOCAL_N, $BURST]), halt()."
		[ $HAVE_PERL = 1 ] && fg perl-local perl "$BENCH/bench.pl" \
		    local "$LOCAL_N" "$BURST"
	done
}

# pair NAME SERVER CLIENT: a server node and a client node (both the
# argument lists of remote.c), REPEAT times.
pair()
{
	local name=$1 server=$2 client=$3 i sp cp port pid

	for i in $(seq "$REPEAT"); do
		over_budget && return
		sp=$(free_port)
		cp=$(free_port)
		bg "$name-srv" $server server "srv$i" "$SECRET" "127.0.0.1:$sp"
		pid=$BGPID
		if ! wait_out "$name-srv" '^port '; then
			note "$name: server did not start:" \
			    "$(tail -n 3 "$T/$name-srv.err" | tr '\n' ' ')"
			stop "$pid"
			continue
		fi
		port=$(sed -n 's/^port //p' "$T/$name-srv.out")
		case $port in
		?*'#'?*) ;;
		*)	note "$name: server printed no port ID: '$port'"
			stop "$pid"
			continue ;;
		esac
		fg "$name" $client client "cli$i" "$SECRET" "127.0.0.1:$cp" \
		    "127.0.0.1:$sp" "$port" "$REMOTE_N" "$WINDOW"
		stop "$pid"
	done
}

# erl_node: write $T/erl-node NAME EXPR, a distributed Erlang node
# NAME@127.0.0.1 that evaluates EXPR (a script, so that timeout and kill
# reach the VM itself).
erl_node()
{
	{
		echo '#!/bin/sh'
		echo "exec erl -noshell -pa '$T/erl' -name \"\$1@127.0.0.1\"" \
		    "-setcookie '$SECRET'" \
		    "-kernel inet_dist_use_interface '{127,0,0,1}'" \
		    "-eval \"\$2\""
	} >"$T/erl-node"
	chmod +x "$T/erl-node"
}

bench_erl_remote()
{
	local i pid expr

	export ERL_EPMD_ADDRESS=127.0.0.1
	EPMD_PORT=$(free_port)
	export ERL_EPMD_PORT=$EPMD_PORT
	erl_node
	for i in $(seq "$REPEAT"); do
		over_budget && break
		bg erl-srv "$T/erl-node" "srv$i" 'remote:server().'
		pid=$BGPID
		if ! wait_out erl-srv '^ready '; then
			note "erl: server did not start"
			stop "$pid"
			continue
		fi
		expr="remote:client('srv$i@127.0.0.1', $REMOTE_N, $WINDOW)"
		fg erl-remote "$T/erl-node" "cli$i" "$expr, halt()."
		stop "$pid"
	done
	fg erl-mem "$T/erl-node" mem "remote:mem($PORTS), halt()."
}

bench_remote()
{
	local perl="perl $BENCH/bench.pl"

	pair c-remote "$T/remote" "$T/remote"
	[ $HAVE_ERL = 1 ] && bench_erl_remote
	if [ $HAVE_PERL = 1 ]; then
		pair perl-remote "$perl" "$perl"
		pair c2perl "$perl" "$T/remote"
		pair perl2c "$T/remote" "$perl"
	fi
}

bench_mem()
{
	fg c-mem "$T/remote" mem mem "$SECRET" "127.0.0.1:$(free_port)" \
	    "$PORTS"
	[ $HAVE_PERL = 1 ] && fg perl-mem perl "$BENCH/bench.pl" mem mem \
	    "$SECRET" "127.0.0.1:$(free_port)" "$PORTS"
}

# ---- the table ----------------------------------------------------------

# cell VALUE BASE: "VALUE (xRATIO)", VALUE alone when it is the base.
cell()
{
	if [ -z "$1" ]; then
		printf '%-20s' "-"
	elif [ "$2" = self ]; then
		printf '%-20s' "$1"
	elif [ -z "$2" ] || [ "$2" = 0 ]; then
		printf '%-20s' "$1"
	else
		printf '%-20s' "$1 ($(awk -v a="$1" -v b="$2" \
		    'BEGIN { printf "x%.2f", a / b }'))"
	fi
}

# row LABEL BETTER C ERL PERL C2PERL PERL2C
row()
{
	printf '%-28s %-7s ' "$1" "$2"
	cell "$3" self
	cell "$4" "$3"
	cell "$5" "$3"
	cell "$6" "$3"
	cell "$7" "$3"
	echo
}

table()
{
	local k

	echo
	echo "aemp benchmarks, $(date -u '+%Y-%m-%d %H:%M UTC')," \
	    "$(nproc) cores," \
	    "load $(cut -d ' ' -f 1 /proc/loadavg 2>/dev/null)," \
	    "median of $REPEAT runs; (xR) = figure / C figure"
	printf '%-28s %-7s %-20s%-20s%-20s%-20s%-20s\n' figure better \
	    "C (libaemp)" Erlang "Perl AE::MP" "C->Perl" "Perl->C"
	row "local ping-pong msg/s" higher \
	    "$(field c-local pingpong 4)" "$(field erl-local pingpong 4)" \
	    "$(field perl-local pingpong 4)" "" ""
	row "local burst msg/s" higher \
	    "$(field c-local burst 4)" "$(field erl-local burst 4)" \
	    "$(field perl-local burst 4)" "" ""
	row "remote latency median us" lower \
	    "$(field c-remote latency 3)" "$(field erl-remote latency 3)" \
	    "$(field perl-remote latency 3)" "$(field c2perl latency 3)" \
	    "$(field perl2c latency 3)"
	row "remote latency p99 us" lower \
	    "$(field c-remote latency 4)" "$(field erl-remote latency 4)" \
	    "$(field perl-remote latency 4)" "$(field c2perl latency 4)" \
	    "$(field perl2c latency 4)"
	row "remote pipelined rt/s" higher \
	    "$(field c-remote pipelined 4)" "$(field erl-remote pipelined 4)" \
	    "$(field perl-remote pipelined 4)" "$(field c2perl pipelined 4)" \
	    "$(field perl2c pipelined 4)"
	row "idle node RSS KB" lower \
	    "$(field c-mem rss_idle 2)" "$(field erl-mem rss_idle 2)" \
	    "$(field perl-mem rss_idle 2)" "" ""
	row "per port RSS bytes" lower \
	    "$(field c-mem rss_ports 3)" "$(field erl-mem rss_ports 3)" \
	    "$(field perl-mem rss_ports 3)" "" ""
	row "per port, erlang:memory B" lower \
	    "$(field c-mem rss_ports 3)" "$(field erl-mem erlmem_ports 3)" \
	    "" "" ""
	echo
	echo "counts: local $LOCAL_N messages (bursts of $BURST);" \
	    "remote $REMOTE_N round trips, window $WINDOW; $PORTS ports"
	echo "C->Perl: C client, Perl server; Perl->C: Perl client, C server;" \
	    "C nodes speak JSON with HMAC, Perl<->Perl CBOR with HMAC"
}

need_c
need_erlang
need_perl
SECONDS=0
note "local message rate"
bench_local
note "memory"
bench_mem
note "remote round trips"
bench_remote
table
