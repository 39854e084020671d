#!/usr/bin/env bash
# bench-national-ingest.sh: the national peak day (postroute-sim --provinces 50, issue 17) through the real daemon: ingest rate, and resident memory per open order once a million orders are open.
#
# The day (NATIONAL_ORDERS orders, 1,000,000 by default, over 50 tiled
# provinces: 10,450 offices) is preloaded into a private redis-server
# (unix socket, AOF everysec), then postrouted (one process, the planner
# quiet: batch_orders and interval_s so large that no office is planned
# while it loads) stores and acks it all. Reported: events/s from ready to
# the last ack, CPU per event, the daemon's RSS before and after (and
# per open order), Redis's memory. It does not plan the offices: the
# benchmark of solving the national day (worker processes, issue 17
# item 1) is `make bench-national`'s, not this one's.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${PR_BUILD:-$ROOT/build}
N=${NATIONAL_ORDERS:-1000000}
P=${NATIONAL_PROVINCES:-50}
T=$(mktemp -d "${TMPDIR:-/tmp}/postroute-national.XXXXXX")
REDIS_PID= DAEMON_PID=
cleanup() {
	[ -n "$DAEMON_PID" ] && kill -TERM "$DAEMON_PID" 2>/dev/null && wait "$DAEMON_PID" 2>/dev/null
	[ -n "$REDIS_PID" ] && kill -TERM "$REDIS_PID" 2>/dev/null && wait "$REDIS_PID" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
R() { redis-cli -s "$T/redis.sock" "$@"; }
now() { date +%s.%N; }
deadline_wait() {  # SECONDS COMMAND...
	local end=$((SECONDS + $1)); shift
	until "$@" >/dev/null 2>&1; do
		[ $SECONDS -lt $end ] || { echo "bench: timed out: $*" >&2; tail "$T/daemon.log" >&2; exit 1; }
		sleep 0.1
	done
}
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$DAEMON_PID/status"; }
hwm_kb() { awk '/^VmHWM/ {print $2}' "/proc/$DAEMON_PID/status"; }
cpu_s() { awk -v hz="$(getconf CLK_TCK)" '{ sub(/.*\) /, ""); printf "%.2f", ($12 + $13) / hz }' "/proc/$1/stat"; }
group_done() {
	local pending delivered last
	pending=$(R XPENDING postroute:events postrouted | head -n 1)
	delivered=$(R XINFO GROUPS postroute:events | awk 'p{print;exit} $0=="last-delivered-id"{p=1}')
	last=$(R XINFO STREAM postroute:events | awk 'p{print;exit} $0=="last-generated-id"{p=1}')
	[ "$pending" = 0 ] && [ -n "$last" ] && [ "$delivered" = "$last" ]
}

redis-server --port 0 --unixsocket "$T/redis.sock" --dir "$T" --save '' \
    --appendonly yes --appendfsync everysec >"$T/redis.log" 2>&1 &
REDIS_PID=$!
deadline_wait 10 R PING

echo "bench: generating the national day: $P provinces, $N orders" >&2
t0=$(now)
"$BUILD/postroute-sim" --provinces "$P" --write-region "$T/national.json" \
    --orders "$N" --resp postroute:events >"$T/day.resp"
t1=$(now)
offices=$(jq '.offices | length' "$T/national.json")
echo "bench: preloading it" >&2
R --pipe <"$T/day.resp" >"$T/pipe.out"
grep -q 'errors: 0,' "$T/pipe.out" || { cat "$T/pipe.out" >&2; exit 1; }
events=$(R XLEN postroute:events)
rm -f "$T/day.resp"

cat >"$T/pr.conf" <<CONF
[redis]
socket = $T/redis.sock
command_timeout_ms = 30000
[streams]
consumer = bench
[http]
port = 0
[planner]
region = $T/national.json
clock = events
interval_s = 86400
batch_orders = 100000
perishable_window_s = 0
debounce_ms = 0
cutoff_lead_s = 0
[solver]
workers = ${NATIONAL_WORKERS:-2}
CONF
"$BUILD/postrouted" -c "$T/pr.conf" >"$T/daemon.log" 2>&1 &
DAEMON_PID=$!
deadline_wait 120 grep -q 'ready: consuming' "$T/daemon.log"
t2=$(now)
rss0=$(rss_kb)
c0=$(cpu_s "$DAEMON_PID") r0=$(cpu_s "$REDIS_PID")
deadline_wait 3600 group_done
t3=$(now)
c1=$(cpu_s "$DAEMON_PID") r1=$(cpu_s "$REDIS_PID")
rss1=$(rss_kb)
port=$(sed -n 's/.*http: listening on [^ ]* port \([0-9]*\).*/\1/p' "$T/daemon.log")
metric() { curl -s "http://127.0.0.1:$port/metrics" | awk -v m="$1" '$1 == m { print $2 }'; }
open=$(metric postroute_orders_pending)
# Then the clustering of every open order (it waits for the backlog to
# drain): the planner's steady memory, and its peak.
# (Bounded by NATIONAL_CLUSTER_WAIT seconds, 900 by default: the
# clustering looks for each pickup's candidates among all the offices,
# which at 10,450 offices takes long; the figures then say so.)
clustered() { [ "$(metric 'postroute_clusterings_total{result="ok"}')" -ge 1 ] && [ "$(metric postroute_clustering_running)" = 0 ]; }
t4=$(now) cs=
end=$((SECONDS + ${NATIONAL_CLUSTER_WAIT:-900}))
until clustered; do
	[ $SECONDS -lt $end ] || { cs=unfinished; break; }
	sleep 1
done
[ -n "$cs" ] || cs=$(metric postroute_clustering_seconds)
rss2=$(rss_kb) hwm=$(hwm_kb)
dead=$(R XLEN postroute:deadletter)
[ "$dead" = 0 ] || { R XRANGE postroute:deadletter - + COUNT 3 >&2; echo "bench: $dead events dead-lettered" >&2; exit 1; }
redis_mem=$(R INFO memory | awk -F: '/^used_memory:/ { print $2 }' | tr -d '\r')
awk -v p="$P" -v o="$offices" -v n="$N" -v e="$events" -v open="$open" \
    -v g="$(echo "$t1 - $t0" | bc)" -v t="$(echo "$t3 - $t2" | bc)" \
    -v c="$(echo "$c1 - $c0" | bc)" -v rc="$(echo "$r1 - $r0" | bc)" \
    -v r0="$rss0" -v r1="$rss1" -v r2="$rss2" -v h="$hwm" -v cs="$cs" -v rm="$redis_mem" 'BEGIN {
	printf "national day: %d provinces, %d offices, %d orders, %d events (generated in %.1f s)\n", p, o, n, e, g;
	printf "ingest: %d events stored and acked (0 dead-lettered) in %.1f s: %.0f events/s\n", e, t, e / t;
	printf "cpu while ingesting: postrouted %.1f µs/event, redis-server %.1f µs/event\n", c * 1e6 / e, rc * 1e6 / e;
	printf "memory: postrouted RSS %.1f MiB ready, %.1f MiB with %d open orders: %.0f bytes per open order; redis-server %.0f MiB\n",
	    r0 / 1024, r1 / 1024, open, (r1 - r0) * 1024 / open, rm / 1048576;
	printf "after the clustering of every open order (%s s): RSS %.1f MiB, %.0f bytes per open order; peak %.1f MiB (%.0f bytes per open order)\n",
	    cs, r2 / 1024, (r2 - r0) * 1024 / open, h / 1024, (h - r0) * 1024 / open;
	printf "national-ingest: offices=%d orders=%d events=%d ingest_per_s=%.0f mem_per_order=%.0f peak_per_order=%.0f\n", o, n, e, e / t, (r2 - r0) * 1024 / open, (h - r0) * 1024 / open
}'
