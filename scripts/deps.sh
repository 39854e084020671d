#!/usr/bin/env bash
# deps.sh: checks that the Debian packages postroute builds and tests with are installed, installs the missing ones as root.
#
# Fast no-op when everything is there. As root it runs apt-get without a
# terminal (CI has no standard input); otherwise it prints the command to
# run and fails.
set -euo pipefail

PKGS=(libevent-dev libhiredis-dev libglpk-dev libjansson-dev
    libcriterion-dev libinih-dev redis-server redis-sentinel libsystemd-dev
    pkg-config python3
    clang libclang-rt-14-dev valgrind
    debhelper dpkg-dev fakeroot lintian groff-base man-db curl jq
    zlib1g-dev libjs-leaflet chromium chromium-driver python3-selenium
    python3-prometheus-client)
# redis-sentinel: the Sentinel failover test (tests/integration/
# cluster-sentinel.sh; python3 runs its producer).
# clang + libclang-rt-14-dev: the libFuzzer targets (make check runs them
# briefly, make fuzz for long); valgrind: memcheck over an integration test.
# debhelper, dpkg-dev, fakeroot, lintian: make deb and the package test;
# groff-base, man-db: the man pages are rendered and checked for warnings;
# curl, jq: the integration tests and the demo read the HTTP API with them.
# zlib1g-dev: gzip of the page's files and JSON; libjs-leaflet: the maps of
# the dispatcher's page (served from /usr/share/javascript/leaflet);
# chromium, chromium-driver and python3-selenium: its browser test
# (tests/web, run with /usr/bin/python3); python3-prometheus-client: the
# exposition parser that reads /metrics in tests/integration/daemon-metrics.sh.

if ! command -v dpkg-query >/dev/null 2>&1; then
	echo "deps: dpkg-query not found (not Debian?): install by hand:" \
	    "a C11 compiler, make and the equivalents of ${PKGS[*]}" >&2
	exit 0
fi

installed() {
	local st
	st=$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null) || return 1
	[ "$st" = "install ok installed" ]
}

missing=()
if ! installed build-essential; then
	for p in gcc make; do
		installed "$p" || missing+=("$p")
	done
	# Without build-essential, libc6-dev provides the C headers.
	if [ ${#missing[@]} -eq 0 ]; then
		installed libc6-dev || missing+=(libc6-dev)
	else
		missing=(build-essential)
	fi
fi
for p in "${PKGS[@]}"; do
	installed "$p" || missing+=("$p")
done

[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing packages: ${missing[*]}" >&2
	echo "deps: run: sudo apt-get install -y --no-install-recommends" \
	    "${missing[*]}" >&2
	exit 1
fi

echo "deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq </dev/null
apt-get install -y -qq --no-install-recommends \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
    "${missing[@]}" </dev/null
