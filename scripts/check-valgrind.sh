#!/usr/bin/env bash
# check-valgrind.sh: `make check-valgrind`: runs integration tests with every postrouted process under valgrind memcheck, then requires 0 errors and 0 definite leaks over all of them.
#
# usage: PR_BUILD=build scripts/check-valgrind.sh tests/integration/X.sh...
# Processes ended by SIGKILL (the crash tests do that on purpose) are
# checked for errors up to the kill; their leaks cannot be. VALGRIND_LOGS=DIR
# keeps the logs.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${PR_BUILD:-$ROOT/build}
command -v valgrind >/dev/null || { echo "check-valgrind: valgrind is not installed (apt-get install valgrind)" >&2; exit 1; }
[ -x "$BUILD/postrouted" ] || { echo "check-valgrind: $BUILD/postrouted is missing" >&2; exit 1; }
LOGS=${VALGRIND_LOGS:-$(mktemp -d "${TMPDIR:-/tmp}/postroute-vg.XXXXXX")}
mkdir -p "$LOGS"
WRAP=$LOGS/postrouted
cat >"$WRAP" <<WRAP
#!/bin/sh
exec valgrind --tool=memcheck --quiet --leak-check=full \\
    --errors-for-leak-kinds=definite --show-leak-kinds=definite \\
    --track-origins=yes --num-callers=30 --log-file='$LOGS/vg.%p.log' \\
    '$BUILD/postrouted' "\$@"
WRAP
chmod +x "$WRAP"

fail=0
for t in "$@"; do
	echo "  VALGRIND $t"
	# Under memcheck everything is ~20x slower: the tests' deadlines are
	# for the daemon's start-up and its work, WAIT_SCALE stretches them.
	PR_BUILD="$BUILD" POSTROUTED="$WRAP" WAIT_SCALE=${WAIT_SCALE:-6} \
	    timeout 1800 bash "$t" || { echo "FAIL     $t"; fail=1; }
done

procs=0 errors=0 definite=0
for f in "$LOGS"/vg.*.log; do
	[ -e "$f" ] || continue
	procs=$((procs + 1))
	e=$(grep -c '^==[0-9]*== \(Invalid\|Conditional\|Use of uninit\|Syscall param\|Mismatched\|Source and destination\)' "$f" || true)
	d=$(grep -c 'definitely lost in' "$f" || true)
	if [ "$e" != 0 ] || [ "$d" != 0 ]; then
		echo "check-valgrind: $f: $e errors, $d definite leaks" >&2
		sed -n '1,60p' "$f" >&2
		fail=1
	fi
	errors=$((errors + e))
	definite=$((definite + d))
done
echo "check-valgrind: $procs postrouted processes under memcheck: $errors errors, $definite definite leaks (logs in $LOGS)"
[ -n "${VALGRIND_LOGS:-}" ] || [ $fail -ne 0 ] || rm -rf "$LOGS"
exit $fail
