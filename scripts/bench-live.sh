#!/usr/bin/env bash
# bench-live.sh: the live day (make bench-live): a private redis-server, postrouted with its own configuration (clock = events, plan_at_ticks, iteration-bounded solves) and build/bench-live playing the world of bench-field's peak day against it.
#
# Environment: LIVE_SEED (1), LIVE_ORDERS (5200), LIVE_ITERATIONS (2000 per
# solve), LIVE_WORKERS (2 solver threads), LIVE_INTERVAL (300 s of the
# planning clock), LIVE_ARGS (more bench-live options), LIVE_OUT (the
# directory of live.csv and live.txt, bench/results; "" for none),
# LIVE_LOG (a file to keep the daemon's log in; none by default),
# PR_BUILD (build/).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${PR_BUILD:-$ROOT/build}
RUN=$(mktemp -d "${TMPDIR:-/tmp}/postroute-live.XXXXXX")
REDIS_PID=
DAEMON_PID=
OUT=${LIVE_OUT-$ROOT/bench/results}

cleanup() {
	local rc=$?
	[ -z "$DAEMON_PID" ] || kill -TERM "$DAEMON_PID" 2>/dev/null || true
	[ -z "$DAEMON_PID" ] || wait "$DAEMON_PID" 2>/dev/null || true
	[ -z "$REDIS_PID" ] || kill -TERM "$REDIS_PID" 2>/dev/null || true
	[ -z "$REDIS_PID" ] || wait "$REDIS_PID" 2>/dev/null || true
	if [ $rc -ne 0 ] && [ -f "$RUN/postrouted.log" ]; then
		echo "bench-live: last lines of the daemon's log:" >&2
		tail -n 20 "$RUN/postrouted.log" >&2
	fi
	[ -z "${LIVE_LOG:-}" ] || [ ! -f "$RUN/postrouted.log" ] ||
		cp "$RUN/postrouted.log" "$LIVE_LOG" || true
	rm -rf "$RUN"
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

redis-server --port 0 --unixsocket "$RUN/redis.sock" --unixsocketperm 700 \
    --dir "$RUN" --save '' --appendonly no >"$RUN/redis.log" 2>&1 &
REDIS_PID=$!
for _ in $(seq 200); do redis-cli -s "$RUN/redis.sock" PING >/dev/null 2>&1 && break; sleep 0.05; done

cat >"$RUN/postroute.conf" <<CONF
[redis]
socket = $RUN/redis.sock
command_timeout_ms = 60000
[streams]
consumer = live
block_ms = 100
[http]
port = 0
[planner]
region = $ROOT/config/regions/langson.json
clock = events
plan_at_ticks = yes
interval_s = ${LIVE_INTERVAL:-300}
${LIVE_PLANNER:-}
[solver]
workers = ${LIVE_WORKERS:-2}
iterations = ${LIVE_ITERATIONS:-2000}
seed = 1
CONF
"$BUILD/postrouted" -c "$RUN/postroute.conf" >"$RUN/postrouted.log" 2>&1 &
DAEMON_PID=$!
for _ in $(seq 400); do grep -q 'ready: consuming' "$RUN/postrouted.log" && break; sleep 0.05; done
grep -q 'ready: consuming' "$RUN/postrouted.log" || { echo "bench-live: postrouted did not start" >&2; exit 1; }
PORT=$(sed -n 's/.*http: listening on [^ ]* port \([0-9]*\).*/\1/p' "$RUN/postrouted.log" | head -n 1)

ARGS=(--redis-socket "$RUN/redis.sock" --http-port "$PORT"
    --seed "${LIVE_SEED:-1}" --orders "${LIVE_ORDERS:-5200}"
    --iterations "${LIVE_ITERATIONS:-2000}" --threads "${LIVE_WORKERS:-2}")
if [ -n "$OUT" ]; then
	mkdir -p "$OUT"
	ARGS+=(--csv "$OUT/live.csv")
fi
# shellcheck disable=SC2086
if [ -n "$OUT" ]; then
	"$BUILD/bench-live" "${ARGS[@]}" ${LIVE_ARGS:-} | tee "$OUT/live.txt"
else
	"$BUILD/bench-live" "${ARGS[@]}" ${LIVE_ARGS:-}
fi
kill -TERM "$DAEMON_PID"
wait "$DAEMON_PID" || { echo "bench-live: postrouted exited with $?" >&2; exit 1; }
DAEMON_PID=
grep -c 'warning' "$RUN/postrouted.log" | sed 's/^/bench-live: daemon warnings: /' >&2 || true
