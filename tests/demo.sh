#!/bin/sh
# demo.sh: install what is missing, build, and run the chat network of
# the tutorial on real processes (sdk/examples/chat-demo.sh).

set -e

top=$(cd "$(dirname "$0")/.." && pwd)
sh "$top/tests/deps.sh"
sh "$top/tests/build.sh" "$top/build" --enable-werror
exec sh "$top/sdk/examples/chat-demo.sh" "$top/build"
