#!/bin/sh
# chat-demo: the README's main job (sdk/examples/chat-demo.sh) runs the
# chat network on real processes and exits 0.

: "${top_builddir:?}" "${top_srcdir:?}"
exec sh "$top_srcdir/sdk/examples/chat-demo.sh" "$top_builddir"
