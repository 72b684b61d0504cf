#!/bin/sh
# load-spawn-secure: a secure node refuses every spawn from the network,
# and the spawner's monitor learns it as ("spawn_failed", "not_allowed",
# text) (PROTOCOL.md 13), not as a bare no_such_port.

. "$top_srcdir/tests/regress/lib.sh"
. "$top_srcdir/tests/regress/load-lib.sh"

M="$top_builddir/services"

Q=$(free_port)
load_node secure "$Q" module_path "[\"$M\"]" secure 1
load_spawn sec "$Q" secure echo::server || fail "no outcome"
# The text is the refusing layer's; the kind is what a spawner acts on.
expect_log sec '^KILLED \["spawn_failed","not_allowed","[^"]+"\]$'
alive secure
load_finish
exit 0
