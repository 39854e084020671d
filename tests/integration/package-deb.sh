#!/usr/bin/env bash
# package-deb.sh: the Debian package: make deb builds postroute_VERSION_ARCH.deb with no lintian error; its files, conffiles and maintainer scripts; extracted with dpkg -x, its postrouted checks the packaged configuration and finds the region under /usr/share/postroute.
. "$(dirname "$0")/lib/common.bash"

for p in dpkg-buildpackage dpkg-deb dh lintian; do
	if ! command -v "$p" >/dev/null; then
		log "SKIP: $p is not installed (scripts/deps.sh installs dpkg-dev, debhelper, fakeroot, lintian)"
		exit 0
	fi
done

V=$(sed -n 's/^#define PR_VERSION "\(.*\)"/\1/p' "$ROOT/include/postroute/postroute.h")
ARCH=$(dpkg --print-architecture)
# The same place as make deb (whatever the build directory of the tests:
# the package is built with Debian's flags, never sanitized).
DEBDIR=$ROOT/build/deb
DEB=$DEBDIR/postroute_${V}_$ARCH.deb

# Reuse a package built from the tree as it is now (by make deb, or by
# this test in the same make check run); build it otherwise.
fresh=
if [ -f "$DEB" ] && [ -f "$DEBDIR/lintian.txt" ]; then
	# (-quit, not | head: under pipefail, find killed by SIGPIPE when it
	# had more to say ended the test without a word)
	newer=$(cd "$ROOT" && find . \( -path ./build -o -path ./build-san -o -path ./build-tsan -o -path ./run \
	    -o -path ./.git -o -path './tests/fuzz/corpus*' \) -prune -o -type f -newer "$DEB" -print -quit)
	[ -z "$newer" ] && fresh=1
fi
if [ -n "$fresh" ]; then
	log "reusing $DEB (no source file is newer)"
else
	log "building the package: make deb"
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u SANITIZE -u WERROR -u BUILD make -C "$ROOT" --no-print-directory deb >"$T/deb.log" 2>&1 ||
	    fail "make deb failed: $(tail -n 30 "$T/deb.log")"
fi
[ -f "$DEB" ] || fail "make deb did not make $DEB"

# lintian: no error; what it says is printed.
grep -E '^[EWIP]: ' "$DEBDIR/lintian.txt" >&2 || true
if grep -E '^E: ' "$DEBDIR/lintian.txt" >/dev/null; then
	fail "lintian reports errors"
fi

# Control fields and maintainer scripts.
[ "$(dpkg-deb -f "$DEB" Package)" = postroute ] || fail "package name"
[ "$(dpkg-deb -f "$DEB" Version)" = "$V" ] || fail "version $(dpkg-deb -f "$DEB" Version), not PR_VERSION $V"
[ "$(dpkg-deb -f "$DEB" Architecture)" = "$ARCH" ] || fail "architecture"
mkdir "$T/ctl"
dpkg-deb -e "$DEB" "$T/ctl"
[ "$(sort "$T/ctl/conffiles" | tr '\n' ' ')" = "/etc/postroute/postroute.conf /etc/postroute/redis-acl.conf " ] ||
    fail "conffiles are not just the configuration: $(cat "$T/ctl/conffiles")"
grep -E 'systemd-sysusers .*postroute\.conf' "$T/ctl/postinst" >/dev/null ||
    fail "postinst does not create the system user"
grep -E "deb-systemd-helper purge 'postrouted.service'" "$T/ctl/postrm" >/dev/null ||
    fail "postrm does not clean the unit's state on purge"

# The files: exactly these (with their directories, the docs and the
# lintian overrides, the page's files): no library, no headers, no region
# under /etc.
dpkg-deb -c "$DEB" | awk '$1 !~ /^d/ { print $6 }' | LC_ALL=C sort >"$T/files"
LC_ALL=C sort >"$T/want" <<'EOF'
./etc/postroute/postroute.conf
./etc/postroute/redis-acl.conf
./lib/systemd/system/postrouted-worker@.service
./lib/systemd/system/postrouted.service
./usr/bin/postrouted
./usr/lib/sysusers.d/postroute.conf
./usr/share/doc/postroute/changelog.gz
./usr/share/doc/postroute/copyright
./usr/share/lintian/overrides/postroute
./usr/share/man/man5/postroute.conf.5.gz
./usr/share/man/man8/postrouted.8.gz
./usr/share/postroute/regions/langson.json
./usr/share/postroute/web/app.css
./usr/share/postroute/web/common.js
./usr/share/postroute/web/i18n/en.json
./usr/share/postroute/web/i18n/vi.json
./usr/share/postroute/web/index.html
./usr/share/postroute/web/login.html
./usr/share/postroute/web/login.js
./usr/share/postroute/web/office.html
./usr/share/postroute/web/office.js
./usr/share/postroute/web/overview.js
./usr/share/postroute/web/sheet.html
./usr/share/postroute/web/sheet.js
EOF
diff "$T/want" "$T/files" >"$T/diff" || fail "the package's files differ (- expected, + in the package): $(cat "$T/diff")"

# Extracted into a scratch root.
dpkg -x "$DEB" "$T/root"
R=$T/root
cmp -s "$R/usr/share/postroute/regions/langson.json" "$ROOT/config/regions/langson.json" ||
    fail "the packaged region is not config/regions/langson.json"
"$R/usr/bin/postrouted" --version | grep -Fx "postrouted $V" >/dev/null || fail "--version"
"$R/usr/bin/postrouted" --help | grep -F 'default config /etc/postroute/postroute.conf' >/dev/null ||
    fail "the packaged binary's default configuration is not /etc/postroute/postroute.conf"
unit=$R/lib/systemd/system/postrouted.service
grep -Fx 'ExecStart=/usr/bin/postrouted -c /etc/postroute/postroute.conf' "$unit" >/dev/null ||
    fail "ExecStart: $(grep ExecStart "$unit")"
grep -Fx 'ExecStartPre=/usr/bin/postrouted -t -c /etc/postroute/postroute.conf' "$unit" >/dev/null ||
    fail "ExecStartPre: $(grep ExecStartPre "$unit")"
grep -Fx 'User=postroute' "$unit" >/dev/null || fail "the unit does not run as postroute"
grep -E '^Documentation=.*man:postrouted\(8\).*man:postroute\.conf\(5\)' "$unit" >/dev/null ||
    fail "Documentation= does not list both man pages: $(grep Documentation "$unit")"
if grep -E '^(SupplementaryGroups|DynamicUser)=' "$unit" >/dev/null; then
	fail "the unit sets $(grep -E '^(SupplementaryGroups|DynamicUser)=' "$unit")"
fi
grep -E '^u postroute ' "$R/usr/lib/sysusers.d/postroute.conf" >/dev/null || fail "sysusers.d file"
for m in "$R/usr/share/man/man8/postrouted.8.gz" "$R/usr/share/man/man5/postroute.conf.5.gz"; do
	MANWIDTH=80 man --warnings -E UTF-8 -l "$m" 2>"$T/manerr" >/dev/null || fail "man -l $m failed"
	[ ! -s "$T/manerr" ] || fail "man warns about $m: $(cat "$T/manerr")"
done

# postrouted -t with the packaged configuration. As packaged, the region
# is found in /usr/share/postroute (installed there or not on this host);
# pointed at the scratch root's copy, the whole check passes.
conf=$R/etc/postroute/postroute.conf
rc=0
"$R/usr/bin/postrouted" -t -c "$conf" >"$T/out" 2>&1 || rc=$?
if [ -f /usr/share/postroute/regions/langson.json ]; then
	[ $rc = 0 ] && grep -F "from /usr/share/postroute/regions/langson.json" "$T/out" >/dev/null ||
	    fail "-t with the installed region: $(cat "$T/out")"
else
	[ $rc = 1 ] && grep -F "region: $R/etc/postroute/regions/langson.json: not found, nor in /usr/share/postroute" "$T/out" >/dev/null ||
	    fail "the packaged region default does not lead to /usr/share/postroute: $(cat "$T/out")"
fi
POSTROUTE_PLANNER_REGION=$R/usr/share/postroute/regions/langson.json \
    "$R/usr/bin/postrouted" -t -c "$conf" >"$T/out" 2>&1 ||
    fail "postrouted -t on the packaged configuration: $(cat "$T/out")"
grep -F "$conf: configuration ok (region langson from $R/usr/share/postroute/regions/langson.json:" "$T/out" >/dev/null ||
    fail "-t said: $(cat "$T/out")"
log ok
