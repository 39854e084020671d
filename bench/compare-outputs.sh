#!/usr/bin/env bash
# compare-outputs.sh: solves every Solomon and CVRPLIB X instance with postrouted built from an old git revision and with the current build, and says per instance whether the answers are byte-identical.
#
# usage: bench/compare-outputs.sh [-r REV] [-j JOBS] [-n N] [-x N] [-X N]
#            [--data DIR] [--old BIN] [--new BIN] [--keep DIR] [--quick]
#            [--old-shape]
#
#   -r REV      the old revision (default: the merge base of HEAD and main)
#   -j JOBS     instances solved at once (default 2)
#   -n N        iterations for Solomon instances (default 5000)
#   -x N        iterations for X instances up to 400 customers (default 5000)
#   -X N        iterations for larger X instances (default 1500)
#   --data DIR  the shared benchmark data (default ../shared/bench-data)
#   --old BIN   an old postrouted already built (then -r only names it)
#   --new BIN   the current postrouted (default: make build/postrouted here)
#   --keep DIR  keep both outputs of every case in DIR
#   --quick     a tenth of the iterations
#   --old-shape the new output seen in the solution shape before issue 15
#               (jq: the VROOM keys it added removed, step type job back
#               to pickup, ids as strings), both outputs then written by
#               jq -c: for an old revision from before that change
#
# The old postrouted is built in a temporary git worktree of REV (removed
# at the end). Each case runs `postrouted --solve FILE --iterations N
# --seed S` (iteration-bounded runs are deterministic) with both binaries;
# the outputs are compared byte for byte after computing_time_ms, the only
# wall-clock figure, is set to 0. The cases:
#
#   solomon/NAME[/vehicles]   56 Solomon instances, distance and vehicles
#                             objectives (search, set partitioning, fleet
#                             minimisation, ejections)
#   solomon10/NAME[/vehicles] the depot and first 10 customers of each:
#                             small enough for the exact mode
#   solomon/NAME/threads2     every seventh instance with 2 threads
#   cvrplib/NAME[/vehicles]   the CVRPLIB X instances (vehicles: half the
#                             iterations)
#
# Prints one line per case (identical, DIFFERENT or FAILED) and a summary;
# exits 1 when any case is not identical.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
REV=
JOBS=2
N_SOLOMON=5000
N_X=5000
N_XL=1500
DATA=$ROOT/../shared/bench-data
OLD=
NEW=
KEEP=
QUICK=0
OLD_SHAPE=0
# The solution shape before issue 15 (docs/problem-format.md, Solution
# JSON): what it added goes, what it renamed comes back.
OLD_SHAPE_JQ='del(.code)
| .summary |= del(.setup, .delivery, .pickup, .priority, .computing_times)
| .routes |= map(del(.cost, .setup, .delivery, .pickup, .priority,
    .description)
  | .steps |= map(select(.type != "break")
    | if .type == "start" then del(.arrival, .setup, .service,
        .waiting_time, .duration, .distance, .load)
      elif .type == "end" then del(.setup, .service, .waiting_time,
        .duration, .distance, .load)
      else del(.setup, .waiting_time, .duration, .distance, .description)
        | .type = "pickup" | .id |= tostring end))
| .unassigned |= map(del(.type, .description) | .id |= tostring)'

usage() {
	sed -n '4,21s/^# \{0,1\}//p' "$0" >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case $1 in
	-r) REV=$2; shift 2 ;;
	-j) JOBS=$2; shift 2 ;;
	-n) N_SOLOMON=$2; shift 2 ;;
	-x) N_X=$2; shift 2 ;;
	-X) N_XL=$2; shift 2 ;;
	--data) DATA=$2; shift 2 ;;
	--old) OLD=$2; shift 2 ;;
	--new) NEW=$2; shift 2 ;;
	--keep) KEEP=$2; shift 2 ;;
	--quick) QUICK=1; shift ;;
	--old-shape) OLD_SHAPE=1; shift ;;
	-h|--help) usage ;;
	*) echo "compare-outputs: unknown argument $1" >&2; usage ;;
	esac
done
if [ "$QUICK" = 1 ]; then
	N_SOLOMON=$((N_SOLOMON / 10)); N_X=$((N_X / 10)); N_XL=$((N_XL / 10))
fi
for d in "$DATA/solomon/instances" "$DATA/cvrplib/instances"; do
	if [ ! -d "$d" ]; then
		echo "compare-outputs: $d not found (is the shared benchmark" \
		    "data beside the repository? --data DIR)" >&2
		exit 2
	fi
done
cd "$ROOT"
[ -n "$REV" ] || REV=$(git merge-base HEAD main)
OLD_SHA=$(git rev-parse --verify "$REV^{commit}")

WORK=$(mktemp -d "${TMPDIR:-/tmp}/compare-outputs.XXXXXX")
OLD_TREE=$WORK/old
cleanup() {
	if [ -d "$OLD_TREE" ]; then
		git -C "$ROOT" worktree remove --force "$OLD_TREE" \
		    >/dev/null 2>&1 || true
	fi
	git -C "$ROOT" worktree prune >/dev/null 2>&1 || true
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "compare-outputs: old $(git log -1 --format='%h %s' "$OLD_SHA" | cut -c1-72)"
if [ -z "$OLD" ]; then
	git worktree add --detach "$OLD_TREE" "$OLD_SHA" >/dev/null 2>&1
	nice make -C "$OLD_TREE" -j"$JOBS" build/postrouted \
	    >"$WORK/old-build.log" 2>&1 || {
		cat "$WORK/old-build.log" >&2
		echo "compare-outputs: building $REV failed" >&2
		exit 2
	}
	OLD=$WORK/postrouted-old
	cp "$OLD_TREE/build/postrouted" "$OLD"
fi
if [ -z "$NEW" ]; then
	nice make -C "$ROOT" -j"$JOBS" build/postrouted >"$WORK/new-build.log" 2>&1 || {
		cat "$WORK/new-build.log" >&2
		echo "compare-outputs: building the current tree failed" >&2
		exit 2
	}
	NEW=$ROOT/build/postrouted
fi
echo "compare-outputs: new $(git log -1 --format='%h %s' HEAD | cut -c1-60)$(git diff --quiet HEAD -- . 2>/dev/null || echo ' (+ uncommitted changes)')"

# The small instances: the depot and the first 10 customers.
mkdir -p "$WORK/solomon10"
for f in "$DATA"/solomon/instances/*.txt; do
	awk 'BEGIN { c = 0 }
	    /^[ \t]*CUSTOMER/ { c = 1 }
	    c && $1 ~ /^[0-9]+$/ && $1 + 0 > 10 { next }
	    { print }' "$f" > "$WORK/solomon10/${f##*/}"
done

# The cases: name, file, arguments.
CASES=$WORK/cases
: > "$CASES"
i=0
for f in "$DATA"/solomon/instances/*.txt; do
	b=${f##*/}; b=${b%.txt}
	printf '%s\t%s\t%s\n' "solomon/$b" "$f" "--iterations $N_SOLOMON --seed 1" >> "$CASES"
	printf '%s\t%s\t%s\n' "solomon/$b/vehicles" "$f" "--iterations $N_SOLOMON --seed 1 --objective vehicles" >> "$CASES"
	if [ $((i % 7)) = 0 ]; then
		printf '%s\t%s\t%s\n' "solomon/$b/threads2" "$f" "--iterations $N_SOLOMON --seed 3 --threads 2" >> "$CASES"
	fi
	s=$WORK/solomon10/${f##*/}
	printf '%s\t%s\t%s\n' "solomon10/$b" "$s" "--iterations 200 --seed 1" >> "$CASES"
	printf '%s\t%s\t%s\n' "solomon10/$b/vehicles" "$s" "--iterations 200 --seed 1 --objective vehicles" >> "$CASES"
	i=$((i + 1))
done
for f in "$DATA"/cvrplib/instances/X-*.vrp; do
	b=${f##*/}; b=${b%.vrp}
	n=${b#X-n}; n=${n%%-*}
	it=$N_X
	[ "$n" -le 401 ] || it=$N_XL
	printf '%s\t%s\t%s\n' "cvrplib/$b" "$f" "--iterations $it --seed 1" >> "$CASES"
	printf '%s\t%s\t%s\n' "cvrplib/$b/vehicles" "$f" "--iterations $((it / 2)) --seed 1 --objective vehicles" >> "$CASES"
done

# One case: both binaries, normalised, compared; prints its verdict.
run_case() {
	local name=$1 file=$2 args=$3 out=$WORK/out/${1//\//_} t0 t1
	local verdict rc_old=0 rc_new=0

	mkdir -p "$WORK/out"
	t0=$(date +%s.%N)
	# shellcheck disable=SC2086
	"$OLD" --solve "$file" $args > "$out.old" 2> "$out.old.err" || rc_old=$?
	# shellcheck disable=SC2086
	"$NEW" --solve "$file" $args > "$out.new" 2> "$out.new.err" || rc_new=$?
	t1=$(date +%s.%N)
	sed -i 's/"computing_time_ms":[0-9.e+-]*/"computing_time_ms":0/' \
	    "$out.old" "$out.new"
	if [ "$OLD_SHAPE" = 1 ] && [ "$rc_old" = 0 ] && [ "$rc_new" = 0 ]; then
		jq -c . "$out.old" > "$out.old.jq" && mv "$out.old.jq" "$out.old"
		jq -c "$OLD_SHAPE_JQ" "$out.new" > "$out.new.jq" &&
		    mv "$out.new.jq" "$out.new"
	fi
	if [ "$rc_old" != 0 ] || [ "$rc_new" != 0 ]; then
		verdict="FAILED (exit $rc_old / $rc_new)"
	elif cmp -s "$out.old" "$out.new"; then
		verdict=identical
	else
		verdict=DIFFERENT
	fi
	if [ -n "$KEEP" ]; then
		mkdir -p "$KEEP"
		cp "$out.old" "$KEEP/${name//\//_}.old.json"
		cp "$out.new" "$KEEP/${name//\//_}.new.json"
	fi
	printf '%-34s %-10s %6.1f s  %s\n' "$name" "$verdict" \
	    "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')" \
	    "$(grep -o '"distance":[0-9.]*' "$out.new" | head -1 | cut -d: -f2)"
}
export -f run_case
export OLD NEW WORK KEEP OLD_SHAPE OLD_SHAPE_JQ

START=$(date +%s)
RESULTS=$WORK/results
nice xargs -P "$JOBS" -d '\n' -I{} bash -c \
    'IFS=$'"'"'\t'"'"' read -r n f a <<< "$1"; run_case "$n" "$f" "$a"' _ {} \
    < "$CASES" | tee "$RESULTS"
ELAPSED=$(( $(date +%s) - START ))
TOTAL=$(wc -l < "$CASES")
SAME=$(grep -c ' identical ' "$RESULTS" || true)
DIFF=$(grep -c ' DIFFERENT ' "$RESULTS" || true)
FAIL=$(grep -c ' FAILED ' "$RESULTS" || true)
echo "compare-outputs: $SAME of $TOTAL identical, $DIFF different, $FAIL failed" \
    "(old $(git rev-parse --short "$OLD_SHA"), solomon $N_SOLOMON, X $N_X/$N_XL iterations, ${ELAPSED} s)"
[ "$SAME" = "$TOTAL" ]
