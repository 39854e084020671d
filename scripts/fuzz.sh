#!/usr/bin/env bash
# fuzz.sh: `make fuzz`: runs each libFuzzer target in turn (nice 19, one at a time) from the committed seeds and the kept corpus, and prints executions and crashes per target.
#
# usage: FUZZ_DIR=build/fuzz [FUZZ_SECONDS=480] [FUZZ_RUNS=N] scripts/fuzz.sh TARGET...
# FUZZ_RUNS, when set, stops a target after that many executions (and
# FUZZ_SECONDS still caps the time). New corpus entries stay in
# $FUZZ_DIR/corpus/TARGET; crashes, leaks and timeouts go to
# $FUZZ_DIR/artifacts/TARGET/: copy each into tests/fuzz/regress/TARGET/
# (under a name not starting with crash-) with its fix.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
DIR=${FUZZ_DIR:-$ROOT/build/fuzz}
SECS=${FUZZ_SECONDS:-480}
RUNS=${FUZZ_RUNS:-}
[ $# -gt 0 ] || set -- event config problem_json solomon cvrplib

status=0
summary=()
for t in "$@"; do
	bin=$DIR/fuzz-$t
	[ -x "$bin" ] || { echo "fuzz: $bin is missing: make fuzz-build" >&2; exit 2; }
	corpus=$DIR/corpus/$t
	art=$DIR/artifacts/$t
	mkdir -p "$corpus" "$art"
	log=$DIR/fuzz-$t.log
	args=(-max_total_time="$SECS" -rss_limit_mb=2048 -timeout=10
	    -max_len=16384 -print_final_stats=1 -artifact_prefix="$art/")
	[ -z "$RUNS" ] || args+=(-runs="$RUNS")
	[ ! -f "$ROOT/tests/fuzz/$t.dict" ] || args+=(-dict="$ROOT/tests/fuzz/$t.dict")
	echo "fuzz: $t for up to ${SECS}s${RUNS:+ or $RUNS runs} (log $log)" >&2
	rc=0
	# detect_leaks stays on: a leak is a finding like any other.
	ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} \
	UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1} \
	    nice -n 19 "$bin" "${args[@]}" "$corpus" "$ROOT/tests/fuzz/seeds/$t" \
	    "$ROOT/tests/fuzz/regress/$t" >"$log" 2>&1 || rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	secs=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -n 1)
	crashes=$(find "$art" -type f | wc -l)
	summary+=("$(printf '%-13s %12s execs %6ss  %s artifacts  exit %d' "$t" \
	    "${execs:-?}" "${secs:-?}" "$crashes" "$rc")")
	if [ $rc -ne 0 ] || [ "$crashes" -ne 0 ]; then
		status=1
		grep -m 5 -E 'ERROR|SUMMARY|Test unit written' "$log" >&2 || true
	fi
done
echo "fuzz: summary"
printf '  %s\n' "${summary[@]}"
exit $status
