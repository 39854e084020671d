#!/usr/bin/env bash
# cluster-sentinel.sh: postrouted finds the Redis primary through three Sentinels (a primary and a replica on private ports), with ack_replicas = 1; the primary is killed with SIGKILL during a stream of events; the Sentinels promote the replica, the daemon follows, and no acknowledged order is lost or doubled.
#
# The producer (lib/sentinel_producer.py) plays the marketplace: it
# follows the failover too, and counts an event as acknowledged only once
# WAIT 1 says it reached a replica. The killed primary is started again
# (as an operator or systemd would): the Sentinels make it a replica of
# the new one. Until then the new primary has no replica, so WAIT 1 fails
# and the daemon stores but acknowledges nothing (it waits again): that
# is ack_replicas at work. Asserted at the end, on the new primary: every
# event the producer had confirmed is in the stream, every entry acked,
# every order in the state its last event gives (lost 0, duplicated 0),
# and the daemon saw the switch (postroute_sentinel_switches_total) and
# reconnected to the promoted replica. Short form: 1,000 orders; long
# form (RELIABILITY_LONG=1): 9,300 orders (10,051 events).
. "$(dirname "$0")/lib/common.bash"
. "$(dirname "$0")/lib/reliability.bash"
. "$(dirname "$0")/lib/cluster.bash"

if [ "$LONG" = 1 ]; then ORDERS=${SENTINEL_ORDERS:-9300} RATE=500; else ORDERS=${SENTINEL_ORDERS:-1000} RATE=250; fi
[ -x "$SIM" ] || fail "$SIM is missing"
command -v redis-sentinel >/dev/null || fail "redis-sentinel is missing (scripts/deps.sh installs it)"

P0=$(free_port) P1=$(free_port)
start_sentinel_cluster "$P0" "$P1"
R() { redis-cli -p "$(primary_port)" "$@"; }

write_conf "$T/pr.conf" '[redis]' "sentinels = 127.0.0.1:${S[0]}, 127.0.0.1:${S[1]}, 127.0.0.1:${S[2]}" \
    'master_name = pr' 'ack_replicas = 1' 'ack_timeout_ms = 500'
sed -i '/^socket = /d; s/^batch_orders = .*/batch_orders = 20/; s/^time_limit = .*/time_limit = 0.05/' "$T/pr.conf"
"$POSTROUTED" -t -c "$T/pr.conf" 2>"$T/t.err" || fail "-t: $(cat "$T/t.err")"
start_daemon "$T/pr.conf"
log_since 0 "connected to 127.0.0.1:$P0" || fail "not connected to the primary 127.0.0.1:$P0"

"$SIM" --orders "$ORDERS" --region "$REGION" --out "$T/events.jsonl"
python3 "$ROOT/tests/integration/lib/sentinel_producer.py" "$T/events.jsonl" pr \
    "${S[@]}" --out "$T" --rate "$RATE" 2>"$T/producer.log" &
PRODUCER_PID=$!
MEMBERS+=(producer)
PID_producer=$PRODUCER_PID
wait_for 60 "a third of the orders stored" sh -c \
    "[ \$(redis-cli -p $P0 HLEN postroute:orders) -gt $((ORDERS / 3)) ]"
kill -0 "$PRODUCER_PID" 2>/dev/null || fail "the producer was done before the kill"
ACKED_BEFORE=$(metric postroute_events_acked_total)
kill -KILL "$PID_n0"
wait "$PID_n0" 2>/dev/null || true
PID_n0=
T_KILL=$(now_s)
wait_for 60 "the Sentinels to promote the replica" sh -c "[ \"\$(redis-cli -p ${S[0]} SENTINEL get-master-addr-by-name pr | tail -n 1)\" = $P1 ]"
T_PROMOTED=$(now_s)
wait_for 60 "the daemon on the promoted replica" log_since 0 "connected to 127.0.0.1:$P1"
T_FOLLOWED=$(now_s)
# The old primary comes back; the Sentinels make it a replica of the new one.
start_node n0 "$P0"
wait_for 60 "the old primary to be a replica" sh -c "redis-cli -p $P0 ROLE | head -n 1 | grep -qx slave"
wait_for 60 "its link" sh -c "redis-cli -p $P0 INFO replication | grep -q 'master_link_status:up'"

wait "$PRODUCER_PID" || fail "the producer: $(tail -n 3 "$T/producer.log")"
PID_producer=
wait_group_done 120

R --raw XRANGE postroute:events - + | awk 'prev == "event" { print } { prev = $0 }' >"$T/kept"
check_exactly_once "$T/kept"
CONFIRMED=$(sort -u "$T/confirmed" | wc -l)
LOST_CONFIRMED=$(sort -u "$T/confirmed" | comm -23 - <(sort -u "$T/kept") | wc -l)
LOST_BY_REDIS=$(sort -u "$T/acked" | comm -23 - <(sort -u "$T/kept") | wc -l)
SWITCHES=$(metric postroute_sentinel_switches_total)
WAITS=$(metric postroute_ack_wait_timeouts_total)
RECONNECTS=$(metric 'postroute_redis_reconnects_total{connection="command"}')
result "$ORDERS orders ($(wc -l <"$T/events.jsonl") events), primary killed with SIGKILL after $ACKED_BEFORE acked: promoted in $(echo "$T_PROMOTED - $T_KILL" | bc) s, the daemon on it $(echo "$T_FOLLOWED - $T_KILL" | bc) s after the kill; $CONFIRMED events confirmed by WAIT to the producer, of which lost $LOST_CONFIRMED; lost by Redis (acked by the old primary, never replicated) $LOST_BY_REDIS; orders lost $LOST, duplicated $DUP, extra $EXTRA; switches seen $SWITCHES, reconnects $RECONNECTS, WAIT timeouts $WAITS"
[ "$LOST_CONFIRMED" = 0 ] || fail "$LOST_CONFIRMED confirmed events are not in the promoted primary's stream"
[ "$LOST" = 0 ] || fail "$LOST orders lost or with a wrong version/state"
[ "$DUP" = 0 ] || fail "$DUP orders indexed twice or though not open"
[ "$EXTRA" = 0 ] || fail "$EXTRA orders from nowhere"
[ "$RECONNECTS" -ge 1 ] || fail "the daemon did not reconnect"
stop_daemon
log ok
