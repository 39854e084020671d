#!/usr/bin/env bash
# check-exports.sh: fails unless libpostroute.a exports exactly the pr_ functions that include/postroute/ declares with PR_API.
#
# usage: scripts/check-exports.sh [ARCHIVE] [INCLUDE_DIR]
#        (defaults: build/libpostroute.a, include/postroute)
#
# Lists the archive's global defined symbols with nm and compares them
# with the names that the public headers declare with PR_API. Fails on an
# exported name that no header declares (an internal name leaking: xmalloc,
# route_init, ... or a pr_ name meant to stay private) and on a declared
# name the archive does not define (a promise the library does not keep).
# Prints the count of exported names when all is well.
set -euo pipefail

ARCHIVE=${1:-build/libpostroute.a}
INCLUDE=${2:-include/postroute}
NM=${NM:-nm}

if [ ! -f "$ARCHIVE" ]; then
	echo "check-exports: $ARCHIVE: not found (build it first)" >&2
	exit 2
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Global symbols the archive defines (T, D, B, R, ... but not U or w).
"$NM" -g --defined-only "$ARCHIVE" 2>/dev/null |
    awk 'NF == 3 { print $3 }' | sort -u > "$tmp/exported"
# Names the headers declare: the identifier before the first '(' of each
# PR_API declaration (preprocessor lines and comments left out, each
# declaration joined onto one line).
grep -hv '^[[:space:]]*#' "$INCLUDE"/*.h | tr '\n' ' ' |
    sed -E 's#/\*([^*]|\*+[^*/])*\*+/# #g' | tr ';' '\n' |
    grep -o 'PR_API[^(]*(' |
    sed -E 's/.*[^A-Za-z0-9_]([A-Za-z_][A-Za-z0-9_]*)[[:space:]]*\($/\1/' |
    sort -u > "$tmp/declared"

fail=0
undeclared=$(comm -23 "$tmp/exported" "$tmp/declared")
missing=$(comm -13 "$tmp/exported" "$tmp/declared")
notpr=$(grep -v '^pr_' "$tmp/declared" || true)
if [ -n "$undeclared" ]; then
	echo "check-exports: $ARCHIVE exports names no header in $INCLUDE declares:" >&2
	printf '  %s\n' $undeclared >&2
	fail=1
fi
if [ -n "$missing" ]; then
	echo "check-exports: declared in $INCLUDE but not exported by $ARCHIVE:" >&2
	printf '  %s\n' $missing >&2
	fail=1
fi
if [ -n "$notpr" ]; then
	echo "check-exports: public names without the pr_ prefix:" >&2
	printf '  %s\n' $notpr >&2
	fail=1
fi
[ "$fail" = 0 ] || exit 1
echo "check-exports: $ARCHIVE exports $(wc -l < "$tmp/exported") names, each declared in $INCLUDE"
