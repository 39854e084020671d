#!/usr/bin/env bash
# daemon-redis-restart.sh: Redis goes away mid-stream: health and metrics say so, plans stay served, the daemon reconnects and continues.
. "$(dirname "$0")/lib/common.bash"

start_redis
write_conf "$T/pr.conf"
for i in $(seq 1 20); do xadd "$(order_event order.created o$i 1 $i)"; done
start_daemon
wait_for 20 "the first plan" sh -c "curl -sf http://127.0.0.1:$PORT/v1/offices/C05971/plan >/dev/null"

n0=$(log_lines)
stop_redis
wait_for 10 "the daemon to notice" log_since "$n0" 'redis(read)'
wait_for 10 "healthz to say 503" sh -c "[ \$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:$PORT/healthz) = 503 ]"
# (A connection may come up for a moment while redis-server shuts down.)
wait_for 10 "metrics to say Redis is down" sh -c "curl -s http://127.0.0.1:$PORT/metrics | grep -q '^postroute_redis_up{connection=\"[a-z]*\"} 0\$'"
[ "$(http_code /v1/offices/C05971/plan)" = 200 ] || fail "plan not served while Redis is down"

start_redis
wait_for 20 "reconnected" sh -c "[ \$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:$PORT/healthz) = 200 ]"
for i in $(seq 21 40); do xadd "$(order_event order.created o$i 1 $i)"; done
wait_for 20 "all entries acked" group_done
[ "$(R HLEN postroute:orders)" = 40 ] || fail "expected 40 orders, got $(R HLEN postroute:orders)"
expect=$(seq 1 40 | sed 's/^/o/' | sort)
plans_complete() {
	got=$(all_plans | jq -r '.[] | (.routes[].stops[].order_id), (.unassigned[].order_id)' | sort)
	[ "$got" = "$expect" ]
}
wait_for 30 "every order in exactly one plan" plans_complete
http /metrics | grep '^postroute_redis_reconnects_total{connection="command"} [1-9]' >/dev/null || fail "metrics: no reconnect counted"
stop_daemon
log ok
