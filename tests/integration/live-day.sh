#!/usr/bin/env bash
# live-day.sh: a small live day (Chi Lăng's orders of bench-field's peak day) through real redis-server and postrouted, driven by build/bench-live: every order ends picked up or at risk with a reason, the freeze rule dispatches routes, dispatched routes change only by pickups, failed pickups are planned anew, and the same seed gives the same day.
. "$(dirname "$0")/lib/common.bash"

BENCH_LIVE=${PR_BUILD:-$ROOT/build}/bench-live
[ -x "$BENCH_LIVE" ] || fail "$BENCH_LIVE is missing (make all builds it)"

start_redis
# The planning clock follows the simulation and plans at its ticks only;
# solves bounded by iterations: the same stream gives the same plans.
# (the time limit is not used then). Reads are polled (a read script
# cannot block): every 10 ms, as each of the day's 1,400 ticks waits for it.
write_conf "$T/pr.conf"
export POSTROUTE_STREAMS_BLOCK_MS=10
export POSTROUTE_PLANNER_PLAN_AT_TICKS=yes POSTROUTE_PLANNER_INTERVAL_S=300 \
    POSTROUTE_PLANNER_BATCH_ORDERS=10 POSTROUTE_PLANNER_CUTOFF_LEAD_S=1800 \
    POSTROUTE_PLANNER_FREEZE_S=600 POSTROUTE_SOLVER_ITERATIONS=200

# one day: 500 orders drawn, those of Chi Lăng (about 150), 10 % of the
# households absent at the first visit, so that some pickups fail
day() {
	local n=$1
	start_daemon
	timeout $((360 * ${WAIT_SCALE:-1})) "$BENCH_LIVE" --redis-socket "$T/redis.sock" \
	    --http-port "$PORT" --orders 500 --district 187 --absent 0.1 \
	    --no-offline --wait-s $((60 * ${WAIT_SCALE:-1})) \
	    --csv "$T/live$n.csv" >"$T/live$n.txt" 2>"$T/live$n.err" ||
	    fail "bench-live (run $n): $(tail -n 5 "$T/live$n.err")"
	stop_daemon
}
row() { awk -F, -v m="\"$2\"" '$1 == m { print $2 }' "$T/live$1.csv"; }

day 1
log "$(tail -n 1 "$T/live1.txt")"
orders=$(row 1 orders)
[ "$orders" -ge 100 ] || fail "only $orders orders in the day"
picked=$(row 1 "picked up")
never=$(row 1 "never picked up")
[ $((picked + never)) -eq "$orders" ] || fail "picked $picked + never $never != $orders"
[ "$(row 1 "  never picked up and never reported at risk")" = 0 ] ||
    fail "an order was never picked up and never reported at risk: $(cat "$T/live1.txt")"
[ "$(row 1 "on a route not back at the end")" = 0 ] || fail "a route was still out at the end"
[ "$(row 1 "dispatched routes changed (not by pickups)")" = 0 ] ||
    fail "a dispatched route changed: $(grep changed "$T/live1.err" | head -n 3)"
[ "$(row 1 "routes driven")" -gt 10 ] || fail "too few routes driven"
grep -q 'dispatched (departure)' "$T/daemon.log" || fail "no route was dispatched by the freeze rule"
[ "$(row 1 "  orders failed at least once")" -ge 1 ] || fail "no pickup failed"
[ "$(row 1 "  of which re-planned and picked up")" -ge 1 ] || fail "no failed pickup was planned anew"
grep -q 'planner: .*pickup failed' "$T/daemon.log" ||
    grep -q '(pickup failed)' "$T/daemon.log" || fail "no re-plan for a failed pickup in the log"

# The same seed: the same day, from a clean Redis.
R FLUSHALL >/dev/null
day 2
[ "$(grep '^digest=' "$T/live1.txt")" = "$(grep '^digest=' "$T/live2.txt")" ] ||
    fail "the same seed gave other plans: $(grep '^digest=' "$T/live1.txt" "$T/live2.txt")"
[ "$(tail -n 1 "$T/live1.txt")" = "$(tail -n 1 "$T/live2.txt")" ] ||
    fail "the same seed gave another day: $(tail -n 1 "$T/live2.txt")"
log ok
