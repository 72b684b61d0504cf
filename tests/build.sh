#!/bin/sh
# build.sh [DIR [CONFIGURE-ARGS...]]: configure and build aemp out of tree
# in DIR (default build/ at the top of the source tree).

set -e

top=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-$top/build}
[ $# -gt 0 ] && shift

cd "$top"
[ -x configure ] || autoreconf -fi
mkdir -p "$dir"
cd "$dir"
[ -f Makefile ] || "$top/configure" -q "$@"
make -j"$(nproc)" >make.out 2>&1 || { cat make.out; exit 1; }
