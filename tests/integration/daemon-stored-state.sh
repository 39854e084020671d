#!/usr/bin/env bash
# daemon-stored-state.sh: a daemon started on a database written by an earlier postrouted (order records exactly as it wrote them, a stored plan with a dispatched route) loses no order, keeps the tombstone and the dispatched route, and goes on from there.
. "$(dirname "$0")/lib/common.bash"

start_redis
write_conf "$T/pr.conf"

# Records byte for byte as the daemon of 2026-11 wrote them (a hand-written
# escaper: control characters as \u00XX), one per state, and a tombstone.
cat >"$T/records" <<'RECORDS'
s1 {"v":1,"s":"open","o":"C05971","fa":0,"e":{"type":"order.created","event_id":"state","order_id":"s1","version":1,"ts":"2026-08-20T08:00:01+07:00","commune":"05971","weight_kg":2.5,"perishable":false,"promise_hours":48,"ready":{"from":"2026-08-20T08:00:01+07:00"},"destination":"HN","product":"parcel"}}
s2 {"v":2,"s":"open","o":"C05971","fa":1,"lf":"không có nhà\u000a\"x\"","e":{"type":"order.created","event_id":"state","order_id":"s2","version":2,"ts":"2026-08-20T08:00:02+07:00","commune":"05971","weight_kg":7.25,"perishable":false,"promise_hours":48,"ready":{"from":"2026-08-20T08:00:02+07:00"},"destination":"HN","product":"parcel"}}
s3 {"v":1,"s":"open","o":"C05971","fa":0,"e":{"type":"order.created","event_id":"state","order_id":"s3","version":1,"ts":"2026-08-20T08:01:00+07:00","commune":"05971","location":[106.761235,21.851235],"weight_kg":1.5,"perishable":true,"promise_hours":24,"ready":{"from":"2026-08-20T08:01:00+07:00"},"destination":"HN","product":"vải \"thiều\""}}
s4 {"v":3,"s":"completed","o":"C05971","fa":0,"e":{"type":"order.created","event_id":"state","order_id":"s4","version":3,"ts":"2026-08-20T08:00:03+07:00","commune":"05971","weight_kg":1.0,"perishable":false,"promise_hours":48,"ready":{"from":"2026-08-20T08:00:03+07:00"},"destination":"HN","product":"parcel"}}
s5 {"v":2,"s":"cancelled","o":"C05974","fa":0,"e":{"type":"order.created","event_id":"state","order_id":"s5","version":2,"ts":"2026-08-20T08:00:04+07:00","commune":"05974","weight_kg":1.0,"perishable":false,"promise_hours":48,"ready":{"from":"2026-08-20T08:00:04+07:00"},"destination":"HN","product":"parcel"}}
s6 {"v":2,"s":"cancelled","fa":0}
RECORDS
while read -r id rec; do
	printf '%s' "$rec" | R -x HSET postroute:orders "$id" >/dev/null
done <"$T/records"
R SADD postroute:office:C05971:open s1 s2 s3 >/dev/null
R HGET postroute:orders s2 | grep -F 'nhà\u000a\"x\"' >/dev/null || fail "the test did not store the old escape"
# The office's latest plan: s1 on a route a driver already has.
R SET postroute:plan:C05971 '{"office":"C05971","office_name":"x","version":7,"generated_at":"2026-08-20T08:02:00+07:00","plan_time":"2026-08-20T08:01:00+07:00","day_start":"2026-08-20T00:00:00+07:00","orders":3,"routes":[{"vehicle":"motorbike1.20260820t1","profile":"motorbike","dispatched":true,"start":"2026-08-20T08:30:00+07:00","end":"2026-08-20T09:00:00+07:00","distance_m":1000.0,"duration_s":1800.0,"load_kg":2.5,"stops":[{"order_id":"s1"}]}],"unassigned":[],"at_risk":[],"moved":[],"stats":{}}' >/dev/null

# A late, older creation of the tombstone's order (a no-op) and a new
# order, in the stream before the start: the first plan is made at their
# clock (clock = events), on the day of the stored plan.
xadd "$(order_event order.created s6 1 5 05971)"
xadd "$(order_event order.created n1 1 6 05971)"
export POSTROUTE_PLANNER_DEBOUNCE_MS=1000
start_daemon
grep -q 'store: 6 orders loaded from Redis (3 open)' "$T/daemon.log" ||
    fail "not every stored order was loaded: $(grep 'store:' "$T/daemon.log")"
grep -q 'unreadable record' "$T/daemon.log" && fail "a stored record was not readable"
grep -q 'publish: 1 stored plans loaded' "$T/daemon.log" || fail "the stored plan was not loaded"
wait_for 20 "all entries acked" group_done
[ "$(R HGET postroute:orders s6)" = '{"v":2,"s":"cancelled","fa":0}' ] || fail "the tombstone changed: $(R HGET postroute:orders s6)"
plan_has() {
	http /v1/offices/C05971/plan | jq -e '.version == 8 and
	    ([.routes[].stops[].order_id, .unassigned[].order_id] | sort) == ["n1","s1","s2","s3"]' >/dev/null
}
wait_for 20 "a plan with the stored open orders and the new one" plan_has
# (a plan stored before can_undo existed: no stop of it was picked up, so
# the dispatch can still be undone)
http /v1/offices/C05971/plan | jq -e '.routes[] | select(.vehicle == "motorbike1.20260820t1") |
    .dispatched and .can_undo and .stops[0].order_id == "s1"' >/dev/null ||
    fail "the stored dispatched route lost s1: $(http /v1/offices/C05971/plan | jq -c '[.routes[] | {vehicle, dispatched, stops: [.stops[].order_id]}]')"
# The failure count and the last failure survived.
R HGET postroute:orders s2 | jq -e '.fa == 1 and .lf == "không có nhà\n\"x\""' >/dev/null || fail "s2 lost its failure: $(R HGET postroute:orders s2)"
[ "$(R HGET postroute:orders s4 | jq -r .s)" = completed ] || fail "s4 is not completed any more"
R HGET postroute:orders n1 | jq -e '.v == 1 and .s == "open" and .o == "C05971" and .e.order_id == "n1"' >/dev/null ||
    fail "n1's record: $(R HGET postroute:orders n1)"
stop_daemon
log ok
