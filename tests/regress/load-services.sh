#!/bin/sh
# load-services: a node's "services" list runs at start-up: "echo::"
# loads the echo module (its load hook registers an echo port in the
# database family "echo"), a failing entry is logged precisely and the
# entries after it still run; echo::server spawned from the network
# answers ["echo", args..., replyport] with args.

. "$top_srcdir/tests/regress/lib.sh"
. "$top_srcdir/tests/regress/load-lib.sh"

M="$top_builddir/services"
PKG=$(load_pkglibdir)

P=$(free_port)
load_node srv "$P" module_path "[\"$M\"]" \
    services '["nosuch::", "echo::", ["echo::nope", 1]]'
wait_log srv "module echo loaded from $M/.libs/echo.so"
expect_log srv "echo: echo port srv#[^ ]+ ready"
expect_log srv "services: cannot load module nosuch: module nosuch not\
 found \(tried $M/nosuch.so, $M/nosuch.la, $PKG/services/nosuch.so,\
 $PKG/services/nosuch.la\)"
expect_log srv "services: cannot run echo::nope: no_such_function: module\
 echo has no function nope"

LOAD_SPAWN_FLAGS=-e load_spawn echo "$P" srv echo::server ||
    fail "no outcome"
expect_line echo 'REPLY ["ping",42]'
alive srv
load_finish
exit 0
