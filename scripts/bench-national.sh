#!/usr/bin/env bash
# bench-national.sh: `make bench-national`: the national region's offices planned through the real daemon by 1 and then 2 solve worker processes (postrouted --worker, one thread each): solve throughput per worker process, speedup_2w, time to plan every office once; memory per open order; the active daemon's failover (cluster-failover.sh); a table, bench/results/national.csv, and the issue's last line.
#
# The national day by default: NATIONAL_PROVINCES (50) tiled provinces
# (postroute-sim --provinces: 10,450 offices), NATIONAL_ORDERS orders
# (20,000 per province: 1,000,000); NATIONAL_PROVINCES=4 for a slice.
# Needs about 6 GB of memory (two Redis copies of the day are never up at
# once) and, on this 2-core machine, about 25 minutes.
#
# Each run: a private redis-server, the day preloaded, the planner
# ([cluster] remote_workers = yes; [planner] plan_at_ticks, so that it
# plans only at clock.tick events) ingests it and clusters it while no
# worker runs; then one clock.tick (at the day's last event) makes it
# send one plan job per office or group of offices with open orders (Q
# jobs, with every order: nothing else is sent until the next tick), which
# wait in <prefix>jobs while the clustering the tick started runs. Then W workers start, and the clock runs until
# the planner has taken Q results: every office planned once. Every
# solve is bounded by
# NATIONAL_ITERATIONS iterations (500), not by time, so that a job
# costs the same work whoever runs it and whatever else runs: time-bound
# solves would make any number of workers look equally fast.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${PR_BUILD:-$ROOT/build}
P=${NATIONAL_PROVINCES:-50}
N=${NATIONAL_ORDERS:-$((P * 20000))}
ITER=${NATIONAL_ITERATIONS:-500}
LAT_S=${NATIONAL_LATENCY_S:-300}
OUT=${NATIONAL_CSV:-$ROOT/bench/results/national.csv}
T=$(mktemp -d "${TMPDIR:-/tmp}/postroute-bench-national.XXXXXX")
PIDS=()
cleanup() {
	local p
	for p in "${PIDS[@]}"; do
		kill -KILL "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	[ -z "${NATIONAL_KEEP:-}" ] || cp -r "$T" "$NATIONAL_KEEP"
	rm -rf "$T"
}
trap cleanup EXIT
trap "exit 143" TERM INT
now() { date +%s.%N; }
# deadline_wait SECONDS WHAT COMMAND...: every POLL_S (0.2) s. The long
# waits on the planner's /metrics poll every 2 s: a scrape of 10,450
# offices' plan ages costs the planner CPU the workers are measured on.
POLL_S=0.2
deadline_wait() {
	local end=$((SECONDS + $1)) what=$2
	shift 2
	until "$@" >/dev/null 2>&1; do
		[ $SECONDS -lt $end ] || { echo "bench-national: timed out waiting for $what" >&2; tail -n 20 "$T"/run*/daemon.log >&2; exit 1; }
		sleep "$POLL_S"
	done
}
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
cpu_s() { awk -v hz="$(getconf CLK_TCK)" '{ sub(/.*\) /, ""); printf "%.2f", ($12 + $13) / hz }' "/proc/$1/stat"; }

DATE=${NATIONAL_DATE:-2026-08-20}
echo "bench-national: the region: $P provinces, a day of $N orders" >&2
"$BUILD/postroute-sim" --provinces "$P" --write-region "$T/national.json" \
    --orders "$N" --date "$DATE" --resp postroute:events >"$T/day.resp"
OFFICES=$(jq '.offices | length' "$T/national.json")
LAST_TS=$(grep -ao '"ts":"[^"]*"' "$T/day.resp" | tail -n 1 | cut -d'"' -f4)
if [ "$LAT_S" -gt 0 ]; then
	# the busiest hour (HH:MM), and the morning before it (run 3)
	WIN=$("$BUILD/postroute-sim" --provinces "$P" --orders "$N" --date "$DATE" \
	    --from peak --for "$LAT_S" --out /dev/null 2>&1 | sed -n 's/.*the window from \([0-9:]*\),.*/\1/p')
	WIN_S=$((10#${WIN%%:*} * 3600 + 10#${WIN##*:} * 60))
	[ "$WIN_S" -gt 0 ] || { echo "bench-national: the busiest hour starts at midnight: no morning before it" >&2; exit 1; }
	"$BUILD/postroute-sim" --provinces "$P" --orders "$N" --date "$DATE" --from 00:00 --for "$WIN_S" \
	    --resp postroute:events >"$T/before.resp" 2>/dev/null
	WIN_TS="${DATE}T${WIN}:00$(jq -r .utc_offset "$T/national.json")"
fi

# The order -> plan latency at the peak hour's rate (run 3): the
# morning before the day's busiest hour preloaded (postroute-sim --from
# 00:00 --for <until it>: the orders created before it, their events
# before it), a tick at the hour, every office planned once by 2 workers;
# then the planner goes live (plan_at_ticks = no, by SIGHUP; its triggers
# as configured: batch_orders, perishables, interval_s, debounce) and
# NATIONAL_LATENCY_S seconds of the hour itself are replayed at their
# real rate (postroute-sim --from peak --speed 1): the planning clock
# (clock = events) moves with them; then until every order sent is in a
# plan (or 900 s). The figures come from the daemon's histogram
# postroute_order_plan_latency_seconds (stream entry -> published plan),
# its change over the window, interpolated within buckets as
# Prometheus's histogram_quantile() does. Prints
# "p50 p99 orders_sent orders_planned". Uses run's d, daemon and metric.
latency() {
	local c0 sent end
	hist() { curl -s "http://127.0.0.1:$port/metrics" | sed -n 's/^postroute_order_plan_latency_seconds_bucket{le="\([^"]*\)"} \([0-9]*\)$/\1 \2/p'; }
	sed -i 's/^plan_at_ticks = yes/plan_at_ticks = no/' "$d/pr.conf"
	kill -HUP "$daemon"
	deadline_wait 30 "the reload" grep -q 'reloaded' "$d/daemon.log"
	hist >"$d/h0"
	c0=$(metric postroute_order_plan_latency_seconds_count)
	"$BUILD/postroute-sim" --provinces "$P" --orders "$N" --date "$DATE" \
	    --from "$WIN" --for "$LAT_S" --speed 1 --resp postroute:events 2>"$d/lat-sim.log" |
	    redis-cli -s "$d/redis.sock" --pipe --pipe-timeout 0 >"$d/lat-pipe.out"
	sent=$(sed -n 's/.*, [0-9]* s: \([0-9]*\) events.*/\1/p' "$d/lat-sim.log")
	echo "bench-national: latency: $(head -n 1 "$d/lat-sim.log" | sed 's/^postroute-sim: //') replayed" >&2
	end=$((SECONDS + 900))
	while [ $(($(metric postroute_order_plan_latency_seconds_count) - c0)) -lt "$sent" ] && [ $SECONDS -lt $end ]; do
		sleep 2
	done
	hist >"$d/h1"
	# An order not planned by then waited longer than the wait: it counts
	# above every bound, and a quantile that falls there is printed as
	# ">S", S the seconds from the end of the replay to the end of the wait.
	awk -v sent="$sent" -v planned="$(($(metric postroute_order_plan_latency_seconds_count) - c0))" -v waited="$((SECONDS - end + 900))" '
	FNR == NR { b[$1] = $2; next }
	{ le[++n] = $1; c[n] = $2 - b[$1] }
	function q(p,   r, i, lo) {
		r = p * c[n]; lo = 0
		for (i = 1; i <= n; i++) {
			if (c[i] >= r) {
				if (le[i] == "+Inf") return ">" (i > 1 ? le[i - 1] : 0)
				return sprintf("%.2f", lo + (le[i] - lo) * (r - (i > 1 ? c[i - 1] : 0)) / (c[i] - (i > 1 ? c[i - 1] : 0)))
			}
			lo = le[i]
		}
	}
	END {
		if (sent > planned) c[n] += sent - planned   # the +Inf bucket
		if (c[n] == 0) { print "nan nan", sent, planned; exit }
		p50 = q(0.5); p99 = q(0.99)
		if (sent > planned) { sub(/^>.*/, ">" waited, p50); sub(/^>.*/, ">" waited, p99) }
		print p50, p99, sent, planned
	}' "$d/h0" "$d/h1"
}

# run W: one run with W worker processes; prints
# "Q once_s drain_s results open rss_per_order worker_cpu_s"
run() {
	local w=$1 day=$2 tick_ts=$3 mode=$4 redis daemon port t0 t1 t2 q i pids=() cpu=0
	local d=$T/run$w-$mode
	mkdir -p "$d"
	R() { redis-cli -s "$d/redis.sock" "$@"; }
	metric() { curl -s "http://127.0.0.1:$port/metrics" | awk -v m="$1" '$1 == m { print $2; f = 1 } END { if (!f) print 0 }'; }
	redis-server --port 0 --unixsocket "$d/redis.sock" --dir "$d" --save '' \
	    --appendonly no >"$d/redis.log" 2>&1 &
	redis=$!
	PIDS+=("$redis")
	deadline_wait 10 "redis-server" R PING
	R --pipe <"$day" >"$d/pipe.out"
	grep -q 'errors: 0,' "$d/pipe.out" || { cat "$d/pipe.out" >&2; exit 1; }
	cat >"$d/pr.conf" <<CONF
[redis]
socket = $d/redis.sock
command_timeout_ms = 30000
[streams]
consumer = planner
block_ms = 200
[http]
port = 0
[planner]
region = $T/national.json
clock = events
plan_at_ticks = yes
cutoff_lead_s = 0
[solver]
workers = 2
iterations = $ITER
nice = 0
[cluster]
remote_workers = yes
job_timeout_s = 86400
job_claim_ms = 60000
CONF
	"$BUILD/postrouted" -c "$d/pr.conf" >"$d/daemon.log" 2>&1 &
	daemon=$!
	PIDS+=("$daemon")
	deadline_wait 120 "the planner to be ready" grep -q 'ready: consuming' "$d/daemon.log"
	port=$(sed -n 's/.*http: listening on [^ ]* port \([0-9]*\).*/\1/p' "$d/daemon.log")
	local rss0 tr ti events
	rss0=$(rss_kb "$daemon")
	tr=$(now)
	events=$(R XLEN postroute:events)
	ingested() {
		local pending delivered last
		pending=$(R XPENDING postroute:events postrouted | head -n 1)
		delivered=$(R XINFO GROUPS postroute:events | awk 'p { print; p = 0 } $0 == "last-delivered-id" { p = 1 }')
		last=$(R XINFO STREAM postroute:events | awk 'p { print; p = 0 } $0 == "last-generated-id" { p = 1 }')
		[ "$pending" = 0 ] && [ -n "$last" ] && [ "$delivered" = "$last" ]
	}
	deadline_wait 3600 "the ingest" ingested
	ti=$(now)
	local open rss1
	open=$(metric postroute_orders_pending)
	rss1=$(rss_kb "$daemon")
	# one tick: every office's job, at once
	[ "$(R XLEN postroute:jobs)" = 0 ] || echo "bench-national: jobs sent before the tick" >&2
	R XADD postroute:events '*' event "{\"type\":\"clock.tick\",\"event_id\":\"bench-tick\",\"ts\":\"$tick_ts\"}" >/dev/null
	# the tick also starts the clustering (on the planner's threads; its
	# answer would be applied at the next tick): done before the workers
	# start, so that it takes no CPU from them
	clustered() { [ "$(metric 'postroute_clusterings_total{result="ok"}')" -ge 1 ] && [ "$(metric postroute_clustering_running)" = 0 ]; }
	POLL_S=2 deadline_wait 1800 "the clustering" clustered
	local prev=-1
	q=$(R XLEN postroute:jobs)
	while [ "$q" != "$prev" ]; do prev=$q; sleep 2; q=$(R XLEN postroute:jobs); done
	echo "bench-national: $w worker(s): $q plan jobs waiting ($open open orders)" >&2
	t0=$(now)
	for i in $(seq 1 "$w"); do
		sed 's/^consumer = planner/consumer = w'"$i"'/; s/^workers = 2/workers = 1/' "$d/pr.conf" >"$d/w$i.conf"
		"$BUILD/postrouted" --worker -c "$d/w$i.conf" >"$d/w$i.log" 2>&1 &
		pids+=($!)
		PIDS+=($!)
	done
	once() { [ "$(metric postroute_remote_results_total)" -ge "$q" ]; }
	POLL_S=2 deadline_wait 7200 "every office planned once" once
	t1=$(now)
	drained() { [ "$(R XLEN postroute:jobs)" = 0 ] && [ "$(R XPENDING postroute:jobs workers | head -n 1)" = 0 ] && [ "$(metric postroute_solves_running)" = 0 ]; }
	deadline_wait 600 "the jobs to drain" drained
	t2=$(now)
	for i in "${pids[@]}"; do cpu=$(echo "$cpu + $(cpu_s "$i")" | bc); done
	local rss2 lat="nan nan 0 0" res
	rss2=$(rss_kb "$daemon")
	res=$(metric postroute_remote_results_total)
	if [ "$mode" = latency ]; then lat=$(latency); fi
	[ "$(metric postroute_remote_jobs_local_total)" = 0 ] || echo "bench-national: some jobs were planned by the planner itself" >&2
	kill -TERM "${pids[@]}" "$daemon" 2>/dev/null || true
	wait "${pids[@]}" "$daemon" 2>/dev/null || true
	kill -TERM "$redis"
	wait "$redis" 2>/dev/null || true
	echo "$q $(echo "$t1 - $t0" | bc) $(echo "$t2 - $t0" | bc) $res $open $(((rss1 - rss0) * 1024 / open)) $cpu $(echo "$events / ($ti - $tr)" | bc) $(echo "$ti - $tr" | bc) $(((rss2 - rss0) * 1024 / open)) $lat"
}

LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
if [ "${NATIONAL_LATENCY_ONLY:-0}" = 1 ]; then
	# run 3 alone (NATIONAL_LATENCY_ONLY=1): its figures, no last line
	run 2 "$T/before.resp" "$WIN_TS" latency >"$T/r3"
	read -r Q3 ONCE3 _ _ OPEN3 _ _ _ _ _ LP50 LP99 LSENT LPLANNED <"$T/r3"
	echo "latency run: the morning until $WIN ($OPEN3 open orders, $Q3 jobs planned once in $ONCE3 s by 2 workers), then live:"
	echo "order -> plan latency, $LAT_S s of the busiest hour at its rate ($LSENT orders, $LPLANNED planned): p50 $LP50 s, p99 $LP99 s"
	echo "load average of the machine (every process): $LOAD before, $(cut -d' ' -f1-3 /proc/loadavg) after"
	exit 0
fi
run 1 "$T/day.resp" "$LAST_TS" speed >"$T/r1"
run 2 "$T/day.resp" "$LAST_TS" speed >"$T/r2"
LOAD="$LOAD before, $(cut -d' ' -f1-3 /proc/loadavg) after"
echo "nan nan nan nan nan nan nan nan nan nan nan nan 0 0" >"$T/r3"
if [ "$LAT_S" -gt 0 ]; then
	echo "bench-national: the latency run: the morning until $WIN preloaded" >&2
	run 2 "$T/before.resp" "$WIN_TS" latency >"$T/r3"
fi
read -r Q1 ONCE1 DRAIN1 RES1 OPEN MEM CPU1 ING1 INGS1 MEMP1 _ <"$T/r1"
read -r Q2 ONCE2 DRAIN2 RES2 OPEN2 MEM2 CPU2 ING2 INGS2 MEMP2 _ <"$T/r2"
read -r Q3 ONCE3 _ _ OPEN3 _ _ _ _ _ LP50 LP99 LSENT LPLANNED <"$T/r3"
[ "$Q1" = "$Q2" ] || echo "bench-national: the runs had $Q1 and $Q2 jobs" >&2

# The failover figures: the cluster test of the active daemon killed with
# SIGKILL during a stream, in its long form (9,300 orders, 10,051 events,
# ack_replicas = 1, lease 2 s: the issue's 10,000-event stream;
# NATIONAL_FAILOVER_LONG=0 for make check's short form, 2,000 orders).
FO_S=nan LOST=nan DUP=nan DEPOSED=nan
if [ "${NATIONAL_FAILOVER:-1}" = 1 ]; then
	echo "bench-national: the failover run (tests/integration/cluster-failover.sh)" >&2
	# once more if it fails: its deadlines are a test's, and a machine
	# loaded by others can miss them (the second try's figures, then)
	fo() { rm -f "$T/failover.txt"; PR_BUILD="$BUILD" POSTROUTED="$BUILD/postrouted" RELIABILITY_RESULTS="$T/failover.txt" \
	    RELIABILITY_LONG="${NATIONAL_FAILOVER_LONG:-1}" \
	    timeout 600 bash "$ROOT/tests/integration/cluster-failover.sh" >"$T/failover.log" 2>&1; }
	if fo || { echo "bench-national: the failover run failed ($(grep FAIL "$T/failover.log" | head -n 1)): once more" >&2; fo; }; then
		line=$(cat "$T/failover.txt")
		FO_S=$(sed -n 's/.*first plan \([0-9.]*\) s after the kill.*/\1/p' <<<"$line")
		LOST=$(sed -n 's/.*lost \([0-9]*\),.*/\1/p' <<<"$line")
		DUP=$(sed -n 's/.*duplicated \([0-9]*\),.*/\1/p' <<<"$line")
		DEPOSED=$(sed -n 's/.*after the takeover \([0-9]*\),.*/\1/p' <<<"$line")
	else
		echo "bench-national: the failover run failed: $(tail -n 3 "$T/failover.log")" >&2
	fi
fi

mkdir -p "$(dirname "$OUT")"
awk -v p="$P" -v o="$OFFICES" -v n="$N" -v open="$OPEN" -v it="$ITER" -v q="$Q1" -v q2="$Q2" \
    -v o1="$ONCE1" -v o2="$ONCE2" -v d1="$DRAIN1" -v d2="$DRAIN2" -v r1="$RES1" -v r2="$RES2" \
    -v c1="$CPU1" -v c2="$CPU2" -v mem="$MEM" -v fo="$FO_S" -v lost="$LOST" -v dup="$DUP" \
    -v dep="$DEPOSED" -v ing1="$ING1" -v ing2="$ING2" -v ings1="$INGS1" -v ings2="$INGS2" -v mem2="$MEM2" -v memp1="$MEMP1" -v memp2="$MEMP2" -v lp50="$LP50" -v lp99="$LP99" -v lsent="$LSENT" -v lplanned="$LPLANNED" -v lat_s="$LAT_S" -v win="${WIN:-}" -v open3="$OPEN3" -v q3="$Q3" -v once3="$ONCE3" -v csv="$OUT" -v date="$(date -u +%Y-%m-%d)" -v load="$LOAD" 'BEGIN {
	t1 = q / o1; t2 = q2 / o2; sp = t2 / t1;
	printf "national region: %d provinces, %d offices, %d orders (%d open after ingest), %d iterations per solve\n", p, o, n, open, it;
	printf "%-36s %14s %14s\n", "", "1 worker", "2 workers";
	printf "%-36s %14.1f %14.1f\n", "ingest of the day, preloaded (s)", ings1, ings2;
	printf "%-36s %14d %14d\n", "ingest (events/s, stored + acked)", ing1, ing2;
	printf "%-36s %14d %14d\n", "planner RSS per open order (bytes)", mem, mem2;
	printf "%-36s %14d %14d\n", "  the same, every office planned", memp1, memp2;
	printf "%-36s %14d %14d\n", "plan jobs (offices or groups)", q, q2;
	printf "%-36s %14.1f %14.1f\n", "every office planned once (s)", o1, o2;
	printf "%-36s %14.2f %14.2f\n", "jobs per second", t1, t2;
	printf "%-36s %14.2f %14.2f\n", "jobs per second per worker process", t1, t2 / 2;
	printf "%-36s %14.1f %14.1f\n", "until nothing is pending (s)", d1, d2;
	printf "%-36s %14d %14d\n", "results taken", r1, r2;
	printf "%-36s %14.3f %14.3f\n", "worker CPU per result (s)", c1 / r1, c2 / r2;
	printf "%-36s %13.0f%% %13.0f%%\n", "CPU the workers got, of W cores", 100 * c1 / o1, 100 * c2 / (2 * o2);
	printf "load average of the machine (every process): %s\n", load;
	if (lat_s > 0) {
		printf "latency run: the morning until %s (%d open orders, %d jobs planned once in %.1f s by 2 workers), then live:\n", win, open3, q3, once3;
		printf "order -> plan latency, %d s of the busiest hour at its rate (%d orders, %d planned): p50 %s s, p99 %s s\n", lat_s, lsent, lplanned, lp50, lp99;
	}
	printf "speedup_2w %.2f (target >= 1.8), measured: wall time on this machine as it was\n", sp;
	printf "estimate if each worker process had a core of its own: %.2f (2 x CPU per result with 1 worker / with 2)\n", 2 * (c1 / r1) / (c2 / r2);
	# worker cores for the whole national day (10,450 offices): the jobs
	# scale with the offices; cores = jobs x CPU per job / interval
	jn = q * 10450 / o; cpu = c1 / r1;
	printf "worker cores for 10,450 offices (%.0f jobs of %.3f s CPU each at %d iterations):\n", jn, cpu, it;
	for (i = 0; i < 4; i++) {
		iv = (i == 0 ? 300 : i == 1 ? 600 : i == 2 ? 900 : 1800);
		printf "  re-plan every %4d s: %6.1f cores\n", iv, jn * cpu / iv;
	}
	print "date,provinces,offices,orders,open,iterations,ingest_events_per_s,latency_p50_s,latency_p99_s,jobs,once_1w_s,once_2w_s,jobs_per_s_1w,jobs_per_s_2w,speedup_2w,cpu_per_job_s,mem_per_order,failover_s,lost,dup,deposed_writes" > csv;
	printf "%s,%d,%d,%d,%d,%d,%d,%s,%s,%d,%.2f,%.2f,%.3f,%.3f,%.2f,%.4f,%d,%s,%s,%s,%s\n", date, p, o, n, open, it, ing1, lp50, lp99, q, o1, o2, t1, t2, sp, cpu, mem, fo, lost, dup, dep >> csv;
	printf "national: offices=%d orders=%d mem_per_order=%d speedup_2w=%.2f failover_s=%.1f lost=%s dup=%s deposed_writes=%s\n", o, n, mem, sp, fo, lost, dup, dep
}'
