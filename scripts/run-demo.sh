#!/usr/bin/env bash
# run-demo.sh: the `make run` demo: a private redis-server under run/, postrouted with the Lạng Sơn config, and postroute-sim's peak day replayed at RUN_SPEED simulated seconds per second; Ctrl-C stops everything.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${POSTROUTE_BUILD:-$ROOT/build}
SPEED=${RUN_SPEED:-120}
ORDERS=${RUN_ORDERS:-3000}
DATE=${RUN_DATE:-2026-08-20}
RUN=$ROOT/run
SOCK=$RUN/redis.sock
REDIS_PID= DAEMON_PID=

for p in "$BUILD/postrouted" "$BUILD/postroute-sim"; do
	[ -x "$p" ] || { echo "run-demo: $p is missing: run make first" >&2; exit 1; }
done
command -v redis-server >/dev/null || { echo "run-demo: redis-server is not installed" >&2; exit 1; }

stop() {
	trap - EXIT INT TERM
	echo
	echo "run-demo: stopping"
	[ -n "$DAEMON_PID" ] && kill -TERM "$DAEMON_PID" 2>/dev/null && wait "$DAEMON_PID" 2>/dev/null
	[ -n "$REDIS_PID" ] && kill -TERM "$REDIS_PID" 2>/dev/null && wait "$REDIS_PID" 2>/dev/null
	rm -f "$SOCK"
	echo "run-demo: logs and data are in $RUN"
	exit 0
}
trap stop EXIT INT TERM

mkdir -p "$RUN"
rm -f "$SOCK" "$RUN/appendonly.aof" "$RUN/dump.rdb"
rm -rf "$RUN/appendonlydir"
redis-server --port 0 --unixsocket "$SOCK" --unixsocketperm 700 --dir "$RUN" \
    --save '' --appendonly yes >"$RUN/redis.log" 2>&1 &
REDIS_PID=$!
for _ in $(seq 100); do redis-cli -s "$SOCK" PING >/dev/null 2>&1 && break; sleep 0.05; done
redis-cli -s "$SOCK" PING >/dev/null || { echo "run-demo: redis-server did not start (see $RUN/redis.log)" >&2; exit 1; }

# The shipped configuration, pointed at this redis; planning follows the
# simulated clock.
POSTROUTE_REDIS_SOCKET=$SOCK POSTROUTE_PLANNER_CLOCK=events \
POSTROUTE_PLANNER_INTERVAL_S=${RUN_INTERVAL:-10} POSTROUTE_HTTP_PORT=${RUN_PORT:-8470} \
    "$BUILD/postrouted" -c "$ROOT/config/postroute.conf" >"$RUN/postrouted.log" 2>&1 &
DAEMON_PID=$!
for _ in $(seq 200); do grep -q 'ready: consuming' "$RUN/postrouted.log" && break; sleep 0.05; done
grep -q 'ready: consuming' "$RUN/postrouted.log" || { echo "run-demo: postrouted did not start:" >&2; tail "$RUN/postrouted.log" >&2; exit 1; }
PORT=$(sed -n 's/.*http: listening on [^ ]* port \([0-9]*\).*/\1/p' "$RUN/postrouted.log")

"$BUILD/postroute-sim" --date "$DATE" --orders "$ORDERS" --region "$ROOT/config/regions/langson.json" \
    --out "$RUN/events.jsonl"
cat <<MSG

  postroute demo: $ORDERS orders of $DATE replayed at ${SPEED}x
    the page  http://127.0.0.1:$PORT/   (the dispatcher's page: offices, routes, sheets)
    health    http://127.0.0.1:$PORT/healthz
    metrics   http://127.0.0.1:$PORT/metrics
    offices   http://127.0.0.1:$PORT/v1/offices
    a plan    http://127.0.0.1:$PORT/v1/offices/C05971/plan      (.geojson for a map)
    plans     redis-cli -s $SOCK XREVRANGE postroute:plans + - COUNT 1
    latest    redis-cli -s $SOCK GET postroute:plan:C05971
    logs      tail -f $RUN/postrouted.log
  Ctrl-C stops everything.

MSG

# Replay: each event waits until its simulated time, SPEED times faster.
prev=
n=0
while IFS= read -r line; do
	ts=$(printf '%s' "$line" | sed -n 's/.*"ts":"\([^"]*\)".*/\1/p')
	t=$(date -d "$ts" +%s 2>/dev/null || echo 0)
	if [ -n "$prev" ] && [ "$t" -gt "$prev" ]; then
		sleep "$(awk -v d=$((t - prev)) -v s="$SPEED" 'BEGIN { printf "%.3f", d / s }')"
	fi
	prev=$t
	printf '%s' "$line" | redis-cli -s "$SOCK" -x XADD postroute:events '*' event >/dev/null
	n=$((n + 1))
	if [ $((n % 100)) = 0 ]; then
		echo "run-demo: $n events sent (simulated time $ts)"
	fi
done <"$RUN/events.jsonl"
echo "run-demo: all $n events sent; plans keep updating. Ctrl-C stops."
while kill -0 "$DAEMON_PID" 2>/dev/null; do sleep 1; done
