#!/bin/sh
# load-spawn-policy: a node with a spawn_allow list lets the network spawn
# only the names on it; a refusal reaches the spawner's monitor as
# ("spawn_failed", "not_allowed", text).

. "$top_srcdir/tests/regress/lib.sh"
. "$top_srcdir/tests/regress/load-lib.sh"

M="$top_builddir/services"

P=$(free_port)
load_node strict "$P" module_path "[\"$M\"]" \
    spawn_allow '["echo::server"]'
LOAD_SPAWN_FLAGS=-e load_spawn ok "$P" strict echo::server ||
    fail "no outcome"
expect_line ok 'REPLY ["ping",42]'
load_spawn no "$P" strict echo::reply || fail "no outcome"
expect_line no 'KILLED ["spawn_failed","not_allowed","echo::reply is not in spawn_allow"]'

alive strict
load_finish
exit 0
