#!/bin/sh
# deps.sh: install the Debian packages that building aemp, its test suite
# and the Perl reference peer need, when they are missing.  Run as root.

set -e

pkgs="build-essential autoconf automake libtool libtool-bin pkg-config
libevent-dev libyajl-dev libssl-dev libltdl-dev python3 valgrind openssl
libanyevent-perl libcommon-sense-perl libjson-xs-perl libguard-perl
libdigest-sha3-perl libdigest-hmac-perl libtask-weaken-perl libcbor-xs-perl
libtypes-serialiser-perl libnet-interface-perl libcanary-stability-perl
libnet-ssleay-perl"

missing=""
for p in $pkgs; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
	    grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done

if [ -n "$missing" ]; then
	echo "deps.sh: installing$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing
fi
