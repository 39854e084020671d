#!/usr/bin/env bash
# cluster-failover.sh: two postrouted against one Redis primary (with a replica, ack_replicas = 1); the active one is killed with SIGKILL during a stream of events; the standby takes over, and no order is lost or doubled.
#
# Measured: seconds from the kill to the first plan the new active planner
# publishes (its token in the plans stream), plans of the deposed token
# after that (0: it is dead), orders lost and duplicated against the
# producer's own record (postroute-sim's day). The killed daemon started
# again comes back as a standby. Short form: 2,000 orders over ~8 s, lease
# 2 s; long form (RELIABILITY_LONG=1, make soak): 9,300 orders (10,051
# events) over ~20 s.
. "$(dirname "$0")/lib/common.bash"
. "$(dirname "$0")/lib/reliability.bash"
. "$(dirname "$0")/lib/cluster.bash"

if [ "$LONG" = 1 ]; then ORDERS=${FAILOVER_ORDERS:-9300} SECS=20; else ORDERS=${FAILOVER_ORDERS:-2000} SECS=8; fi
[ -x "$SIM" ] || fail "$SIM is missing"

P=$(free_port)
REDIS_ARGS="--port $P --bind 127.0.0.1" start_redis
start_replica "$(free_port)" "$P" "$T/replica"

for m in a b; do
	cluster_conf "$T/$m.conf" "$m" '[redis]' 'ack_replicas = 1' \
	    'ack_timeout_ms = 1000'
	sed -i 's/^batch_orders = .*/batch_orders = 20/; s/^time_limit = .*/time_limit = 0.05/' "$T/$m.conf"
done
start_member a "$T/a.conf" 'ready: consuming'
start_member b "$T/b.conf" 'ready: standby'
member_is a active || fail "a is not active: $(member_http a /healthz)"
member_is b standby || fail "b is not a standby: $(member_http b /healthz)"
TOKEN_A=$(member_token a)
[ "$(member_metric b 'postroute_role{role="standby"}')" = 1 ] || fail "b's metrics do not say standby"
[ "$(member_metric a 'postroute_events_acked_total')" = 0 ] || fail "a acked before any event"

producer "$ORDERS" "$SECS"
# Kill the active one once a third of the orders are stored.
wait_for 60 "a third of the orders stored" sh -c \
    "[ \$(redis-cli -s $T/redis.sock HLEN postroute:orders) -gt $((ORDERS / 3)) ]"
kill -0 "$PRODUCER_PID" 2>/dev/null || fail "the producer was done before the kill: make it slower"
kill9_member a
T_KILL=$(now_s)
wait_for 30 "b to take over" member_is b active
TOKEN_B=$(member_token b)
[ "$TOKEN_B" -gt "$TOKEN_A" ] || fail "the new token $TOKEN_B is not above $TOKEN_A"
wait_for 30 "a plan of the new active planner" first_plan_with "$TOKEN_B"
T_PLAN=$(now_s)
FAILOVER=$(echo "$T_PLAN - $T_KILL" | bc)

producer_wait
# The killed one, started again (as systemd would): a standby now.
start_member a "$T/a.conf" 'ready: standby'
member_is a standby || fail "a did not come back as a standby"

PORT=$(member_port b)
wait_group_done 120
check_exactly_once "$T/events.jsonl"
wait_plans_cover 120 "$T/open"
DEPOSED=$(deposed_plans "$TOKEN_A" "$TOKEN_B")
PLANS_A=$(plan_tokens | grep -cx -- "$TOKEN_A" || true)
WAITS=$(member_metric b postroute_ack_wait_timeouts_total)
result "$(wc -l <"$T/events.jsonl") events, active killed with SIGKILL after $PLANS_A plans: standby took over (token $TOKEN_A -> $TOKEN_B), first plan $FAILOVER s after the kill (lease $(sed -n "s/^lease_s = //p" "$T/b.conf") s); lost $LOST, duplicated $DUP, extra $EXTRA, plans by the deposed token after the takeover $DEPOSED, WAIT timeouts $WAITS"
[ "$LOST" = 0 ] || fail "$LOST orders lost or with a wrong version/state"
[ "$DUP" = 0 ] || fail "$DUP orders indexed twice or though not open"
[ "$EXTRA" = 0 ] || fail "$EXTRA orders stored that no event created"
[ "$DEPOSED" = 0 ] || fail "$DEPOSED plans of the deposed token after the takeover"
log ok
