#!/bin/sh
# chat-demo: the README's main job (sdk/examples/chat-demo.sh) runs the
# chat network on real processes and exits 0; under AEMP_VALGRIND=1 its
# programs run under valgrind (CHAT_DEMO_WRAP), checked by lib_cleanup.

. "$top_srcdir/tests/regress/lib.sh"

CHAT_DEMO_WRAP=$(vg_wrap demo)
export CHAT_DEMO_WRAP
sh "$top_srcdir/sdk/examples/chat-demo.sh" "$top_builddir" ||
    fail "chat-demo.sh exited with $?"
exit 0
