#!/usr/bin/env bash
# run-demo.sh: the `make run` demo: a private redis-server under run/, postrouted with the Lạng Sơn config, and postroute-sim's peak day replayed at RUN_SPEED simulated seconds per second; Ctrl-C stops the replay, then the daemon (which drains), then redis-server.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${PR_BUILD:-$ROOT/build}
SPEED=${RUN_SPEED:-120}
ORDERS=${RUN_ORDERS:-3000}
DATE=${RUN_DATE:-2026-08-20}
RUN=$ROOT/run
SOCK=$RUN/redis.sock
REGION=$ROOT/config/regions/langson.json
REDIS_PID= DAEMON_PID= SIM_PID= PIPE_PID= WATCH_PID=

for p in "$BUILD/postrouted" "$BUILD/postroute-sim"; do
	[ -x "$p" ] || { echo "run-demo: $p is missing: run make first" >&2; exit 1; }
done
for p in redis-server redis-cli curl setsid; do
	command -v "$p" >/dev/null || { echo "run-demo: $p is not installed (make deps)" >&2; exit 1; }
done

# Ctrl-C reaches the whole foreground process group. redis-server and
# postrouted run in sessions of their own (setsid), so that this trap
# stops everything in order: the replay, then the daemon (SIGTERM: it
# drains and writes its last plans to Redis), then redis-server. (Before,
# all of them got SIGINT at once, and the last plans were "kept in memory
# only (Redis is down)".)
stop() {
	trap - EXIT INT TERM
	echo
	echo "run-demo: stopping the replay"
	for p in $SIM_PID $WATCH_PID; do kill -TERM "$p" 2>/dev/null || true; done
	# redis-cli --pipe ends at the end of its input, after the replies.
	for p in $SIM_PID $WATCH_PID $PIPE_PID; do wait "$p" 2>/dev/null || true; done
	if [ -n "$DAEMON_PID" ] && kill -0 "$DAEMON_PID" 2>/dev/null; then
		echo "run-demo: stopping postrouted (it drains and writes its last plans)"
		kill -TERM "$DAEMON_PID" 2>/dev/null || true
		wait "$DAEMON_PID" 2>/dev/null || true
		tail -n 1 "$RUN/postrouted.log" | sed 's/^/run-demo: postrouted: /'
	fi
	if [ -n "$REDIS_PID" ]; then
		echo "run-demo: stopping redis-server"
		kill -TERM "$REDIS_PID" 2>/dev/null || true
		wait "$REDIS_PID" 2>/dev/null || true
	fi
	rm -f "$SOCK" "$RUN/replay.fifo"
	echo "run-demo: logs and data are in $RUN"
	exit 0
}
trap stop EXIT INT TERM

mkdir -p "$RUN"
rm -f "$SOCK" "$RUN/appendonly.aof" "$RUN/dump.rdb" "$RUN/replay.fifo"
rm -rf "$RUN/appendonlydir"
setsid redis-server --port 0 --unixsocket "$SOCK" --unixsocketperm 700 --dir "$RUN" \
    --save '' --appendonly yes >"$RUN/redis.log" 2>&1 &
REDIS_PID=$!
for _ in $(seq 100); do redis-cli -s "$SOCK" PING >/dev/null 2>&1 && break; sleep 0.05; done
redis-cli -s "$SOCK" PING >/dev/null || { echo "run-demo: redis-server did not start (see $RUN/redis.log)" >&2; exit 1; }

# The day to replay, written once to choose the office the banner names:
# of the communes with an order in the replay's first 10 seconds, the one
# with the most orders of the day (each commune has its office C<code>).
"$BUILD/postroute-sim" --date "$DATE" --orders "$ORDERS" --region "$REGION" \
    --out "$RUN/events.jsonl"
OFFICE=C$(awk -v speed="$SPEED" '
	function epoch(ts,   c) {	# 2026-08-20T08:31:02+07:00 -> seconds
		c = ts; gsub(/[-T:+]/, " ", c); split(c, f, " ")
		return mktime(f[1] " " f[2] " " f[3] " " f[4] " " f[5] " " f[6])
	}
	match($0, /"ts":"[^"]*"/) { t = epoch(substr($0, RSTART + 6, RLENGTH - 7)) }
	!match($0, /"type":"order.created".*"commune":"[0-9]+"/) { next }
	{ match($0, /"commune":"[0-9]+"/); c = substr($0, RSTART + 11, RLENGTH - 12)
	  if (NR == 1 || t0 == "") t0 = t
	  n[c]++; if (t - t0 <= 10 * speed) early[c] = 1 }
	END { for (c in early) if (best == "" || n[c] > n[best]) best = c; print best }
' "$RUN/events.jsonl")
[ "$OFFICE" != C ] || { echo "run-demo: no order in the first 10 s of the replay" >&2; exit 1; }

# The shipped configuration, pointed at this redis; planning follows the
# simulated clock, on which interval_s counts: RUN_INTERVAL wall seconds
# of the replay are RUN_INTERVAL x RUN_SPEED simulated ones.
T0=$(date +%s.%N)
POSTROUTE_REDIS_SOCKET=$SOCK POSTROUTE_PLANNER_CLOCK=events \
POSTROUTE_PLANNER_INTERVAL_S=$(( ${RUN_INTERVAL:-10} * SPEED )) POSTROUTE_HTTP_PORT=${RUN_PORT:-8470} \
    setsid "$BUILD/postrouted" -c "$ROOT/config/postroute.conf" >"$RUN/postrouted.log" 2>&1 &
DAEMON_PID=$!
for _ in $(seq 200); do grep -q 'ready: consuming' "$RUN/postrouted.log" && break; sleep 0.05; done
grep -q 'ready: consuming' "$RUN/postrouted.log" || { echo "run-demo: postrouted did not start:" >&2; tail "$RUN/postrouted.log" >&2; exit 1; }
PORT=$(sed -n 's/.*http: listening on [^ ]* port \([0-9]*\).*/\1/p' "$RUN/postrouted.log")
PLAN=http://127.0.0.1:$PORT/v1/offices/$OFFICE/plan
WATCH="curl -s $PLAN"
command -v jq >/dev/null && WATCH="$WATCH | jq -c '{version, plan_time, orders, routes: (.routes | length), at_risk: (.at_risk | length)}'"
cat <<MSG

  postroute demo: $ORDERS orders of $DATE replayed at ${SPEED}x (a simulated hour every $((3600 / SPEED)) s)
    the page  http://127.0.0.1:$PORT/   (the dispatcher's page: offices, routes, sheets)
    health    http://127.0.0.1:$PORT/healthz
    metrics   http://127.0.0.1:$PORT/metrics
    offices   http://127.0.0.1:$PORT/v1/offices
    a plan    $PLAN      (.geojson for a map)
              first plan within about ${RUN_INTERVAL:-10} s; to watch it:
    watch     watch -n 5 "$WATCH"
    plans     redis-cli -s $SOCK XREVRANGE postroute:plans + - COUNT 1
    latest    redis-cli -s $SOCK GET postroute:plan:$OFFICE
    logs      tail -f $RUN/postrouted.log
  Ctrl-C stops the replay, then postrouted (it writes its last plans), then redis-server.

MSG

# The replay keeps its own clock (postroute-sim --speed: absolute
# deadlines) and streams XADD commands into one redis-cli --pipe through a
# FIFO (each with its own PID, for the stop); it reports its progress and
# any lag on stderr. (It was a shell loop that ran sed, date, awk, sleep
# and redis-cli for every event: 18 ms each, not made up by the sleeps,
# so the replay fell an hour of simulated time behind by noon.)
mkfifo "$RUN/replay.fifo"
redis-cli -s "$SOCK" --pipe <"$RUN/replay.fifo" >"$RUN/replay.log" 2>&1 &
PIPE_PID=$!
"$BUILD/postroute-sim" --date "$DATE" --orders "$ORDERS" --region "$REGION" \
    --speed "$SPEED" --resp postroute:events >"$RUN/replay.fifo" \
    2> >(sed -u 's/^/run-demo: /' >&2) &
SIM_PID=$!

# When the named office's first plan is out.
(
	while :; do
		code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$PLAN" || true)
		if [ "$code" = 200 ]; then
			echo "run-demo: $OFFICE has its first plan, $(awk -v a="$T0" -v b="$(date +%s.%N)" \
			    'BEGIN { printf "%.1f", b - a }') s after postrouted started"
			break
		fi
		sleep 0.5
	done
) &
WATCH_PID=$!

wait "$SIM_PID" || true
SIM_PID=
wait "$PIPE_PID" || true
PIPE_PID=
echo "run-demo: all events sent ($(tail -n 1 "$RUN/replay.log")); plans keep updating. Ctrl-C stops."
while kill -0 "$DAEMON_PID" 2>/dev/null; do sleep 1; done
