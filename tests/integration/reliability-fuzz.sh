#!/usr/bin/env bash
# reliability-fuzz.sh: the fuzz targets in make check: every committed seed and regression input through each target, then a short libFuzzer run of each (when clang built them).
#
# The replay binaries (build/fuzz-replay-NAME, the project's compiler; ASan
# + UBSan under make check-sanitize) run tests/fuzz/seeds/NAME and
# tests/fuzz/regress/NAME. The libFuzzer binaries (build/fuzz/fuzz-NAME,
# clang) then run FUZZ_SHORT_SECONDS (default 8) each from the seeds, in a
# scratch corpus. make fuzz is the long form.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${PR_BUILD:-$ROOT/build}
SECS=${FUZZ_SHORT_SECONDS:-8}
NAME=reliability-fuzz
T=$(mktemp -d "${TMPDIR:-/tmp}/postroute-fuzz.XXXXXX")
trap 'rm -rf "$T"' EXIT
log() { printf '%s: %s\n' "$NAME" "$*" >&2; }
fail() { log "FAIL: $*"; exit 1; }

targets=(event config problem_json solomon cvrplib)
for t in "${targets[@]}"; do
	bin=$BUILD/fuzz-replay-$t
	[ -x "$bin" ] || fail "$bin is missing"
	if ! timeout 120 "$bin" "$ROOT/tests/fuzz/seeds/$t" "$ROOT/tests/fuzz/regress/$t" >"$T/out" 2>&1; then
		cat "$T/out" >&2
		REPLAY_VERBOSE=1 timeout 120 "$bin" "$ROOT/tests/fuzz/seeds/$t" \
		    "$ROOT/tests/fuzz/regress/$t" 2>&1 | grep '^replay: ' | tail -n 1 >&2 || true
		fail "replay of $t failed"
	fi
	log "replay $t: $(tail -n 1 "$T/out")"
done

if [ ! -x "$BUILD/fuzz/fuzz-event" ]; then
	log "SKIP libFuzzer runs: no $BUILD/fuzz/fuzz-* (built by make check when clang and libclang-rt-14-dev are installed; not in the sanitizer build)"
	log ok
	exit 0
fi
for t in "${targets[@]}"; do
	mkdir -p "$T/corpus-$t" "$T/art-$t"
	dict=()
	[ ! -f "$ROOT/tests/fuzz/$t.dict" ] || dict=(-dict="$ROOT/tests/fuzz/$t.dict")
	rc=0
	timeout $((SECS + 60)) "$BUILD/fuzz/fuzz-$t" -max_total_time="$SECS" \
	    -rss_limit_mb=2048 -timeout=10 -max_len=16384 -print_final_stats=1 \
	    -artifact_prefix="$T/art-$t/" "${dict[@]}" "$T/corpus-$t" \
	    "$ROOT/tests/fuzz/seeds/$t" "$ROOT/tests/fuzz/regress/$t" >"$T/log-$t" 2>&1 || rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$T/log-$t")
	if [ $rc -ne 0 ] || [ -n "$(ls -A "$T/art-$t")" ]; then
		grep -m 20 -E 'ERROR|SUMMARY|#[0-9]+ +in ' "$T/log-$t" >&2 || tail -n 30 "$T/log-$t" >&2
		for a in "$T/art-$t"/*; do
			[ -e "$a" ] || continue
			log "input: $(base64 -w 0 <"$a" | head -c 2000)"
		done
		fail "libFuzzer found a problem in $t (exit $rc): add the input to tests/fuzz/regress/$t/ and fix it"
	fi
	log "libFuzzer $t: ${execs:-?} executions in ${SECS}s, no crash"
done
log ok
