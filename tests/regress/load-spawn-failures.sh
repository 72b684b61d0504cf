#!/bin/sh
# load-spawn-failures: spawns over the network that cannot run report the
# precise reason to the spawner's monitor ("spawn_failed", kind, text):
# missing module (with the paths tried), missing function, function not
# remotely callable, names with '/' or '..', wrong ABI, a missing shared
# library, an undefined symbol, no descriptor.  The node stays up and
# still spawns a good module afterwards.

. "$top_srcdir/tests/regress/lib.sh"
. "$top_srcdir/tests/regress/load-lib.sh"

M="$T/mods"
mkdir -p "$M" "$T/lib" || fail "mkdir"
PKG=$(load_pkglibdir)

cat >"$T/hello.c" <<'CEOF'
#include "aemp-module.h"

static void
greet(struct aemp_val *args)
{
	const char	*reply = aemp_str_ptr(aemp_at(args, 0), NULL);

	if (reply == NULL)
		aemp_die("greet needs a reply port");
	aemp_snd(reply, "sss", "hello from", aemp_node(), aemp_self());
}

static void
local(struct aemp_val *args)
{
}

static const struct aemp_function fns[] = {
	{ "greet", greet, AEMP_FN_REMOTE },
	{ "local", local, 0 },
	{ NULL, NULL, 0 }
};

AEMP_SERVICE("hello", NULL, NULL, fns);
CEOF
cat >"$T/badabi.c" <<'CEOF'
#include "aemp-module.h"

const struct aemp_module aemp_module = {
	AEMP_ABI_VERSION + 1, AEMP_MODULE_SERVICE, "badabi", NULL, NULL,
	NULL, NULL
};
CEOF
cat >"$T/gone.c" <<'CEOF'
int gone_fn(void) { return 1; }
CEOF
cat >"$T/needsgone.c" <<'CEOF'
#include "aemp-module.h"

int gone_fn(void);

static int
needsgone_load(void)
{
	return gone_fn() - 1;
}

AEMP_SERVICE("needsgone", needsgone_load, NULL, NULL);
CEOF
cat >"$T/undef.c" <<'CEOF'
#include "aemp-module.h"

void undefined_thing(void);

static void
f(struct aemp_val *args)
{
	undefined_thing();
}

static const struct aemp_function fns[] = {
	{ "f", f, AEMP_FN_REMOTE },
	{ NULL, NULL, 0 }
};

AEMP_SERVICE("undef", NULL, NULL, fns);
CEOF
cat >"$T/nodesc.c" <<'CEOF'
int nodesc_value = 1;
CEOF

load_cc "$M/hello.so" "$T/hello.c"
load_cc "$M/badabi.so" "$T/badabi.c"
cc -shared -fPIC -o "$T/lib/libgone.so" "$T/gone.c" || fail "libgone"
load_cc "$M/needsgone.so" "$T/needsgone.c" -L"$T/lib" -lgone
rm -f "$T/lib/libgone.so"
load_cc "$M/undef.so" "$T/undef.c"
load_cc "$M/nodesc.so" "$T/nodesc.c"

P=$(free_port)
load_node srv "$P" module_path "[\"$M\"]"

# spawn_fails FUNCTION KIND TEXT: the spawn's monitor gets exactly that.
N=0
spawn_fails()
{
	N=$((N + 1))
	load_spawn "s$N" "$P" srv "$1" || fail "spawn of $1: no outcome"
	expect_line "s$N" "KILLED [\"spawn_failed\",\"$2\",\"$3\"]"
}

spawn_fails nosuch::f module_not_found "module nosuch not found (tried\
 $M/nosuch.so, $M/nosuch.la, $PKG/services/nosuch.so,\
 $PKG/services/nosuch.la)"
spawn_fails hello::nope no_such_function "module hello has no function nope"
spawn_fails hello::local not_allowed \
    "hello::local is not callable from the network"
spawn_fails a/b::f not_allowed "invalid function name 'a/b::f'"
spawn_fails ..::f not_allowed "invalid function name '..::f'"
spawn_fails hello::../x not_allowed "invalid function name 'hello::../x'"
spawn_fails badabi::f abi_mismatch \
    "$M/badabi.so was built for module ABI 2, this host has ABI 1"
spawn_fails needsgone::f load_failed "cannot load $M/needsgone.so:\
 libgone.so: cannot open shared object file: No such file or directory\
 (check dependencies with ldd)"
spawn_fails undef::f load_failed "cannot load $M/undef.so: $M/undef.so:\
 undefined symbol: undefined_thing (check dependencies with ldd)"
spawn_fails nodesc::f load_failed "$M/nodesc.so exports no aemp_module\
 descriptor"

# The node logged the failures and still serves a good module.
expect_log srv "spawn of needsgone::f as .* failed: .*libgone.so: cannot\
 open shared object file.*check dependencies with ldd"
alive srv
load_spawn ok "$P" srv hello::greet || fail "spawn of hello::greet"
id=$(sed -n 's/^SPAWNED //p' "$T/ok.log")
expect_line ok "REPLY [\"hello from\",\"srv\",\"$id\"]"
expect_log srv "module hello loaded from $M/hello.so"
load_finish
exit 0
