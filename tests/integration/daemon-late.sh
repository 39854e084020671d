#!/usr/bin/env bash
# daemon-late.sh: the service-level rule in the daemon: a trip driven for one 24 h promise is dropped when the budget allows, and the order is reported planned_late.
. "$(dirname "$0")/lib/common.bash"

start_redis
write_conf "$T/pr.conf"

# Office C05971 (Hoàng Văn Thụ) sends parcels at 11:15 (cut-off 11:00) and
# 16:15. x: 24 h to Lạng Sơn city, placed the evening before, ready 07:30, 5 km
# east of the commune: only the 11:15 departure is in time, so on time it
# needs a morning trip of its own. y: next to x, ready 12:00-15:00: an
# afternoon trip. Planned late, x rides y's trip.
loc='"location":[106.80861,21.86305]'
x() {
	printf '{"type":"order.created","event_id":"x-%s","order_id":"x","version":%s,"ts":"2026-08-20T06:00:0%s+07:00","commune":"05971",%s,"weight_kg":3,"promise_hours":24,"placed_at":"2026-08-19T20:00:00+07:00","ready":{"from":"2026-08-20T07:30:00+07:00"},"destination":"LS"}' \
	    "$1" "$1" "$1" "$loc"
}
y() {
	printf '{"type":"%s","event_id":"y-%s","order_id":"y","version":%s,"ts":"2026-08-20T06:00:0%s+07:00","commune":"05971",%s,"weight_kg":3,"promise_hours":48,"ready":{"from":"2026-08-20T12:00:00+07:00","to":"2026-08-20T15:00:00+07:00"},"destination":"LS"}' \
	    "$1" "$2" "$2" "$2" "$loc"
}
xadd "$(x 1)"
xadd "$(y order.created 1)"

plan() { http /v1/offices/C05971/plan; }
# The first plan has no budget (no plan says yet how many orders can be on
# time), so it drives both trips; with a budget of 0 it would stay so.
POSTROUTE_PLANNER_LATE_BUDGET=0.5 start_daemon
two_trips() { plan | jq -e '.routes | length == 2' >/dev/null 2>&1; }
wait_for 20 "the first plan, with two trips" two_trips
plan | jq -e '.stats.planned_late == 0 and (.at_risk | length) == 0' >/dev/null ||
    fail "first plan: $(plan | jq -c '{stats, at_risk}')"

# A change re-plans the office, now with a budget of one late order.
xadd "$(y order.updated 2)"
one_trip() { plan | jq -e '.routes | length == 1' >/dev/null 2>&1; }
wait_for 20 "a plan with x on y's trip" one_trip
plan >"$T/plan.json"
jq -e '.stats.planned_late == 1' "$T/plan.json" >/dev/null || fail "stats: $(jq -c .stats "$T/plan.json")"
jq -e '[.at_risk[] | select(.order_id == "x" and .risk == "planned_late")] | length == 1' "$T/plan.json" >/dev/null ||
    fail "x is not reported planned_late: $(jq -c .at_risk "$T/plan.json")"
jq -e '[.routes[0].stops[].order_id] | sort == ["x", "y"]' "$T/plan.json" >/dev/null ||
    fail "the trip does not carry x and y: $(jq -c .routes "$T/plan.json")"
http /metrics >"$T/metrics"
grep -q '^postroute_orders_planned_late 1$' "$T/metrics" || fail "metrics: planned_late"
grep -q '^postroute_late_budget 1$' "$T/metrics" || fail "metrics: late_budget"
stop_daemon
echo "daemon-late: ok"
