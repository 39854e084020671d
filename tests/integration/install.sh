#!/usr/bin/env bash
# install.sh: make install into a scratch DESTDIR puts the region under PREFIX/share (not /etc) and the unit's paths right; make uninstall removes it all but a changed configuration.
. "$(dirname "$0")/lib/common.bash"

BUILD=${PR_BUILD:-$ROOT/build}
D=$T/dest
inst() { env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u SANITIZE -u WERROR make -C "$ROOT" --no-print-directory BUILD="$BUILD" DESTDIR="$D" PREFIX=/opt/pr "$@"; }

inst install-files >"$T/inst.log" 2>&1 || fail "make install-files: $(cat "$T/inst.log")"
(cd "$D" && find . -type f | LC_ALL=C sort) >"$T/files"
# The public headers and the page's files, as the tree has them, and:
{ (cd "$ROOT" && ls include/postroute/*.h) | sed 's|^|./opt/pr/|'
  (cd "$ROOT/web" && find . -type f) | sed 's|^\./|./opt/pr/share/postroute/web/|'
  cat <<'EOF'
./opt/pr/bin/postrouted
./opt/pr/etc/postroute/postroute.conf
./opt/pr/etc/postroute/redis-acl.conf
./opt/pr/lib/libpostroute.a
./opt/pr/lib/sysusers.d/postroute.conf
./opt/pr/lib/systemd/system/postrouted-worker@.service
./opt/pr/lib/systemd/system/postrouted.service
./opt/pr/share/man/man5/postroute.conf.5
./opt/pr/share/man/man8/postrouted.8
./opt/pr/share/postroute/regions/langson.json
EOF
} | LC_ALL=C sort >"$T/want"
diff "$T/want" "$T/files" >"$T/diff" || fail "installed files differ (- expected, + installed): $(cat "$T/diff")"
grep -Fx 'ExecStart=/opt/pr/bin/postrouted -c /opt/pr/etc/postroute/postroute.conf' \
    "$D/opt/pr/lib/systemd/system/postrouted.service" >/dev/null || fail "the unit's ExecStart"
grep -Fx 'ExecStart=/opt/pr/bin/postrouted --worker -c /opt/pr/etc/postroute/postroute.conf' \
    "$D/opt/pr/lib/systemd/system/postrouted-worker@.service" >/dev/null || fail "the worker unit's ExecStart"
# The man pages render without a warning (groff -ww: all of them).
if command -v groff >/dev/null; then
	for m in "$D/opt/pr/share/man/man8/postrouted.8" "$D/opt/pr/share/man/man5/postroute.conf.5"; do
		groff -man -ww -z "$m" 2>"$T/groff" || fail "groff failed on $m"
		[ ! -s "$T/groff" ] || fail "groff warns about $m: $(cat "$T/groff")"
	done
else
	log "skip: groff is not installed (groff-base): man pages not checked"
fi

# A changed configuration survives install and uninstall.
echo '# mine' >>"$D/opt/pr/etc/postroute/postroute.conf"
inst install-files >"$T/inst.log" 2>&1 || fail "make install-files again: $(cat "$T/inst.log")"
grep -F "keeping $D/opt/pr/etc/postroute/postroute.conf" "$T/inst.log" >/dev/null || fail "install did not keep the configuration"
# An older install's region file under etc (unchanged) goes with uninstall.
mkdir -p "$D/opt/pr/etc/postroute/regions"
cp "$ROOT/config/regions/langson.json" "$D/opt/pr/etc/postroute/regions/"
inst uninstall >"$T/un.log" 2>&1 || fail "make uninstall: $(cat "$T/un.log")"
grep -F "keeping $D/opt/pr/etc/postroute/postroute.conf (changed)" "$T/un.log" >/dev/null ||
    fail "uninstall did not say it keeps the changed configuration: $(cat "$T/un.log")"
left=$(cd "$D" && find . -type f | sort | tr '\n' ' ')
[ "$left" = "./opt/pr/etc/postroute/postroute.conf " ] || fail "uninstall left: $left"
[ ! -e "$D/opt/pr/share/postroute" ] || fail "uninstall left share/postroute"
# Unchanged, it goes too, with its directory.
cp "$ROOT/config/postroute.conf" "$D/opt/pr/etc/postroute/postroute.conf"
inst uninstall >"$T/un.log" 2>&1 || fail "make uninstall: $(cat "$T/un.log")"
[ -z "$(cd "$D" && find . -type f)" ] || fail "uninstall left: $(cd "$D" && find . -type f)"
[ ! -e "$D/opt/pr/etc/postroute" ] || fail "uninstall left etc/postroute"
log ok
