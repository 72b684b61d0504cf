#!/bin/sh
# build.sh [DIR]: build the libFuzzer targets of tests/fuzz/ with clang
# into DIR (default build-fuzz/ at the top of the source tree), compiled
# directly against the sources of host/base/ and the greeting parser of
# host/net/, without configure.
#
# CC (default clang) must support -fsanitize=fuzzer.  SANITIZE (default
# address) names the sanitizers besides fuzzer, for instance
# SANITIZE=address,undefined.

set -eu

top=$(cd "$(dirname "$0")/../.." && pwd)
dir=${1:-$top/build-fuzz}
cc=${CC:-clang}
san=${SANITIZE:-address}
targets="json_frame relaxed unpack greeting"

version=$(sed -n 's/^AC_INIT(\[[^]]*\], *\[\([^]]*\)\].*/\1/p' \
    "$top/configure.ac")
deps_cflags=$(pkg-config --cflags libevent_core yajl)
deps_libs="$(pkg-config --libs libevent_core yajl) -lm"

mkdir -p "$dir/obj"
cat >"$dir/config.h" <<CONFIG
/* config.h for the fuzz build, written by tests/fuzz/build.sh. */
#define PACKAGE "aemp"
#define PACKAGE_VERSION "${version:-0}"
#define AEMP_PKGLIBDIR "/nonexistent"
#define AEMP_PKGDATADIR "/nonexistent"
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif
CONFIG

cflags="-g -O1 -fno-omit-frame-pointer -I$dir -I$top/sdk -I$top/host/base \
    -I$top/host/kernel -I$top/host/net -I$top/tests/fuzz $deps_cflags"
if [ "$san" != "${san#*undefined}" ]; then
	cflags="$cflags -fno-sanitize-recover=undefined"
fi

objs=""
for src in "$top"/host/base/*.c "$top/host/net/greeting.c"; do
	obj="$dir/obj/$(basename "$src" .c).o"
	# shellcheck disable=SC2086
	$cc $cflags -fsanitize="$san,fuzzer-no-link" -c -o "$obj" "$src"
	objs="$objs $obj"
done

for t in $targets; do
	# shellcheck disable=SC2086
	$cc $cflags -fsanitize="$san,fuzzer" -o "$dir/fuzz_$t" \
	    "$top/tests/fuzz/$t.c" $objs $deps_libs
	echo "built $dir/fuzz_$t"
done
