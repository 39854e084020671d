#!/usr/bin/env bash
# bench-daemon.sh: postrouted under load: ingest rate (BENCH_EVENTS preloaded, acked and durable), order -> updated plan latency for an office with 100 pending pickups, resident memory per pending order.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${PR_BUILD:-$ROOT/build}
N=${BENCH_EVENTS:-100000}
SAMPLES=${BENCH_SAMPLES:-50}
T=$(mktemp -d "${TMPDIR:-/tmp}/postroute-bench.XXXXXX")
REDIS_PID= DAEMON_PID=
cleanup() {
	[ -n "$DAEMON_PID" ] && kill -TERM "$DAEMON_PID" 2>/dev/null && wait "${WRAP_PID:-$DAEMON_PID}" 2>/dev/null
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
		sleep 0.02
	done
}
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$DAEMON_PID/status"; }
# CPU seconds (user + system, every thread) a process has used so far.
cpu_s() { awk -v hz="$(getconf CLK_TCK)" '{ sub(/.*\) /, ""); printf "%.2f", ($12 + $13) / hz }' "/proc/$1/stat"; }
# Every entry delivered and acked. (XINFO's "lag" is not used: Redis
# reports it as nil, not 0, in some states of the stream.)
group_done() {
	local pending delivered last
	# pending last: read first it could be 0 just before a delivery
	delivered=$(R XINFO GROUPS postroute:events | awk 'p{print;exit} $0=="last-delivered-id"{p=1}')
	last=$(R XINFO STREAM postroute:events | awk 'p{print;exit} $0=="last-generated-id"{p=1}')
	pending=$(R XPENDING postroute:events postrouted | head -n 1)
	[ "$pending" = 0 ] && [ -n "$last" ] && [ "$delivered" = "$last" ]
}

redis-server --port 0 --unixsocket "$T/redis.sock" --dir "$T" --save '' \
    --appendonly yes --appendfsync everysec >"$T/redis.log" 2>&1 &
REDIS_PID=$!
deadline_wait 10 R PING

# Communes of the region, to spread the orders like a real day.
jq -r '.communes[].code' "$ROOT/config/regions/langson.json" >"$T/communes"
echo "bench: preloading $N order events" >&2
awk -v n="$N" 'NR == FNR { c[k++] = $1; next } END {
	srand(1);
	for (i = 1; i <= n; i++) {
		m = int(i * 120 / n);
		printf "XADD postroute:events * event '"'"'{\"type\":\"order.created\",\"event_id\":\"e%d\",\"order_id\":\"b%d\",\"version\":1,\"ts\":\"2026-08-20T%02d:%02d:00+07:00\",\"commune\":\"%s\",\"weight_kg\":%.1f,\"promise_hours\":48,\"destination\":\"HN\"}'"'"'\n",
		    i, i, 6 + int(m / 60), m % 60, c[int(rand() * k)], 0.5 + rand() * 9
	}
}' "$T/communes" /dev/null | R >/dev/null
R XLEN postroute:events

write_conf() {
cat >"$T/pr.conf" <<CONF
[redis]
socket = $T/redis.sock
[streams]
consumer = bench
[http]
port = 0
[planner]
region = $ROOT/config/regions/langson.json
clock = events
interval_s = 3600
batch_orders = ${BATCH_ORDERS:-100000}
debounce_ms = 0
cutoff_lead_s = 0
[solver]
workers = ${BENCH_WORKERS:-4}
time_limit = ${BENCH_TIME_LIMIT:-0.5}
CONF
# BENCH_CLUSTER=1: as one of several daemons (the lease, and every
# transaction behind its fence: what fencing costs).
if [ "${BENCH_CLUSTER:-0}" = 1 ]; then
	printf '[cluster]\nenabled = yes\n' >>"$T/pr.conf"
fi
}
# Ingest first, with the planner quiet (no trigger fires while loading).
write_conf

# Memory: the daemon with nothing loaded, then with every order.
${BENCH_WRAP:-} "$BUILD/postrouted" -c "$T/pr.conf" >"$T/daemon.log" 2>&1 &
DAEMON_PID=$!
deadline_wait 30 grep -q 'ready: consuming' "$T/daemon.log"
# Under a wrapper (BENCH_WRAP='perf record -g --'), signals and /proc
# figures are the daemon's, not the wrapper's.
if [ -n "${BENCH_WRAP:-}" ]; then
	WRAP_PID=$DAEMON_PID
	DAEMON_PID=$(pgrep -P "$WRAP_PID" -x postrouted)
fi
t0=$(now)
rss0=$(rss_kb)
c0=$(cpu_s "$DAEMON_PID") r0=$(cpu_s "$REDIS_PID")
deadline_wait 600 group_done
t1=$(now)
c1=$(cpu_s "$DAEMON_PID") r1=$(cpu_s "$REDIS_PID")
acked=$(R HLEN postroute:orders)
rss1=$(rss_kb)
port=$(sed -n 's/.*http: listening on [^ ]* port \([0-9]*\).*/\1/p' "$T/daemon.log")
metric() { curl -s "http://127.0.0.1:$port/metrics" | awk -v m="$1" '$1 == m { print $2 }'; }
# No office plan nor clustering queued or running on the solver threads.
idle() {
	curl -s "http://127.0.0.1:$port/metrics" | awk '
	    /^postroute_jobs_(queued|running)\{kind="(office|clustering)"\} / { n += $2; seen++ }
	    END { exit !(seen == 4 && n == 0) }'
}
clustered() { [ "$(metric 'postroute_clusterings_total{result="ok"}')" -ge 1 ] && idle; }
# Then re-plan on every new order (a reload: batch_orders is reloadable).
BATCH_ORDERS=1 write_conf
kill -HUP "$DAEMON_PID"
deadline_wait 10 grep -q 'reloaded' "$T/daemon.log"
awk -v n="$N" -v a="$acked" -v t0="$t0" -v t1="$t1" -v r0="$rss0" -v r1="$rss1" 'BEGIN {
	printf "ingest: %d events stored and acked in %.2f s: %.0f events/s\n", a, t1 - t0, n / (t1 - t0);
	printf "cpu while ingesting: postrouted %.1f µs/event, redis-server %.1f µs/event (load average %s)\n", ('"$c1"' - '"$c0"') * 1e6 / n, ('"$r1"' - '"$r0"') * 1e6 / n, "'"$(cut -d' ' -f1 /proc/loadavg)"'";
	printf "memory: RSS %d KiB empty, %d KiB with %d pending orders: %.2f KiB per order\n", r0, r1, a, (r1 - r0) / a
}'

# Latency: office C05971 with 100 pending pickups in its plan, one new
# order at a time until a plan containing it is stored. The clustering
# of the loaded orders (deferred while the backlog drained) moves some
# away from their office: let it finish, then add or cancel orders of the
# commune until the office's plan holds 100.
office=C05971
deadline_wait 120 clustered
planned() { R GET postroute:plan:$office | jq -r '.orders // 0'; }
k=0
for round in 1 2 3 4 5 6; do
	have=$(planned)
	[ "$have" = 100 ] && break
	if [ "$have" -gt 100 ]; then
		R GET postroute:plan:$office | jq -r '.routes[].stops[]?.order_id // empty, .unassigned[].order_id' |
		    grep -v '^lat' | head -n $((have - 100)) | while read -r id; do
			R XADD postroute:events '*' event "{\"type\":\"order.cancelled\",\"event_id\":\"x$id\",\"order_id\":\"$id\",\"version\":9,\"ts\":\"2026-08-20T08:00:00+07:00\"}" >/dev/null
		done
	else
		for i in $(seq 1 $((100 - have))); do
			k=$((k + 1))
			R XADD postroute:events '*' event "{\"type\":\"order.created\",\"event_id\":\"f$k\",\"order_id\":\"f$k\",\"version\":1,\"ts\":\"2026-08-20T08:00:00+07:00\",\"commune\":\"05971\",\"weight_kg\":1,\"promise_hours\":48,\"destination\":\"HN\"}" >/dev/null
		done
	fi
	sleep 0.3
	deadline_wait 60 idle
done
have=$(planned)
: >"$T/lat"
for i in $(seq 1 "$SAMPLES"); do
	id="lat$i"
	t0=$(now)
	R XADD postroute:events '*' event "{\"type\":\"order.created\",\"event_id\":\"$id\",\"order_id\":\"$id\",\"version\":1,\"ts\":\"2026-08-20T08:00:00+07:00\",\"commune\":\"05971\",\"weight_kg\":1,\"promise_hours\":48,\"destination\":\"HN\"}" >/dev/null
	deadline_wait 30 sh -c "redis-cli -s $T/redis.sock GET postroute:plan:$office | grep -q '\"$id\"'"
	t1=$(now)
	echo "$t0 $t1" | awk '{ printf "%.4f\n", $2 - $1 }' >>"$T/lat"
	# Cancel it again so that the office stays at 100 pickups.
	R XADD postroute:events '*' event "{\"type\":\"order.cancelled\",\"event_id\":\"c$id\",\"order_id\":\"$id\",\"version\":2,\"ts\":\"2026-08-20T08:00:00+07:00\"}" >/dev/null
	deadline_wait 30 idle
done
sort -n "$T/lat" | awk '{ v[NR] = $1 } END {
	p50 = v[int(NR * 0.5 + 0.5)]; p99 = v[int(NR * 0.99 + 0.5)]; if (p99 == "") p99 = v[NR];
	printf "latency: order -> updated plan (office with '"$have"' pickups, time_limit '"${BENCH_TIME_LIMIT:-0.5}"' s), %d samples: p50 %.3f s, p99 %.3f s, max %.3f s\n", NR, p50, p99, v[NR]
}'
