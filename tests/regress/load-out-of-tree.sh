#!/bin/sh
# load-out-of-tree: a module built outside the tree, with only the SDK and
# pkg-config (sdk/aemp-uninstalled.pc), put in a module path, is listed
# by "aemp modules" and spawned through a running node, which runs it
# and answers.

. "$top_srcdir/tests/regress/lib.sh"
. "$top_srcdir/tests/regress/load-lib.sh"

cat >"$T/hello.c" <<'CEOF'
/* hello.c: the smallest useful service module. */
#include <aemp-module.h>

static void
greet(struct aemp_val *args)
{
	const char	*reply = aemp_str_ptr(aemp_at(args, 0), NULL);
	const char	*who = aemp_str_ptr(aemp_at(args, 1), NULL);

	if (reply == NULL)
		aemp_die("greet needs a reply port");
	aemp_snd(reply, "ssss", "hello", who != NULL ? who : "nobody",
	    "from", aemp_node());
}

static const struct aemp_function hello_functions[] = {
	{ "greet", greet, AEMP_FN_REMOTE },
	{ NULL, NULL, 0 }
};

AEMP_SERVICE("hello", NULL, NULL, hello_functions);
CEOF

(cd "$T" && cc -shared -fPIC -o $T/hello.so hello.c \
    $(pkg-config --cflags --libs aemp)) >"$T/cc.log" 2>&1 ||
    fail "cannot build hello.so out of tree"
mkdir -p "$T/mods" && mv "$T/hello.so" "$T/mods/hello.so" || fail "mv"

AEMP_MODULE_PATH="$T/mods" $(vg_wrap aemp) "$AEMP" modules >"$T/modules.log" \
    2>&1 ||
    fail "aemp modules failed"
expect_log modules "^hello	\"?$T/mods/hello.so\"?\$"
expect_log modules "greet"

P=$(free_port)
load_node srv "$P" module_path "[\"$T/mods\"]"
load_spawn greet "$P" srv hello::greet '["world"]' ||
    fail "spawn of hello::greet: no outcome"
expect_line greet 'REPLY ["hello","world","from","srv"]'
expect_log srv "module hello loaded from $T/mods/hello.so"
load_finish
exit 0
