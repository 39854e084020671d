#!/usr/bin/env bash
# cluster-fencing.sh: the active postrouted is stopped (SIGSTOP) past its lease, the standby takes over, then the stopped one runs again (SIGCONT) with an entry in hand: Redis refuses its write, it steps down (exit 75) and the new active planner stores the entry, once.
#
# The trick that hands the stopped daemon an entry: one script adds the
# event and then keeps Redis busy for 2 s; the daemon's next read (it
# polls every block_ms) waits behind it on its connection, and the
# daemon is stopped before the read's answer (the event) arrives. When it
# runs again it applies the event in memory and sends the batch (records
# + XACK) through its fence: the lease holds the other daemon's token by
# then, so Redis refuses it. Asserted: a "write refused" and "deposed" in
# its log, exit status 75, no plan of its token after the new active
# planner's first, every order exactly once (the new one claims the
# refused entry). A fenced write that went through would leave it running
# as a second active planner, and fail the test.
. "$(dirname "$0")/lib/common.bash"
. "$(dirname "$0")/lib/reliability.bash"
. "$(dirname "$0")/lib/cluster.bash"

start_redis
for m in a b; do
	cluster_conf "$T/$m.conf" "$m" '[streams]' 'block_ms = 50'
	sed -i '/^block_ms = 200$/d' "$T/$m.conf"
done
start_member a "$T/a.conf" 'ready: consuming'
start_member b "$T/b.conf" 'ready: standby'
TOKEN_A=$(member_token a)

: >"$T/events.jsonl"
push() { order_event order.created "$1" 1 "$2" "$3" >>"$T/events.jsonl"; echo >>"$T/events.jsonl"; xadd "$(order_event order.created "$1" 1 "$2" "$3")"; }
for i in $(seq 1 20); do push "o$i" "$i" "${COMMUNES[$((i % 5))]}"; done
PORT=$(member_port a)
wait_group_done 30
wait_for 30 "a plan of a" first_plan_with "$TOKEN_A"
# The standby serves the active one's plans, read-only, as Redis has them.
office=$(R --raw XRANGE postroute:plans - + COUNT 1 | awk 'prev == "office" { print; exit } { prev = $0 }')
same_plan() { [ "$(member_http b "/v1/offices/$office/plan" | jq -c .)" = "$(R GET "postroute:plan:$office" | jq -c .)" ]; }
wait_for 10 "b to serve $office's plan as Redis has it" same_plan
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$(member_port b)/v1/offices/$office/routes/x/dispatch")
[ "$code" = 503 ] || fail "a dispatch on the standby got $code, not 503"

PID_A=$(member_pid a)
# For a: o21, then Redis busy for 2 s; a's next read waits behind it.
ev21=$(order_event order.created o21 1 21 05974)
order_event order.created o21 1 21 05974 >>"$T/events.jsonl"; echo >>"$T/events.jsonl"
R EVAL "redis.call('XADD', KEYS[1], '*', 'event', ARGV[1])
local t0 = redis.call('TIME')
repeat local t = redis.call('TIME')
until (t[1] - t0[1]) * 1000000 + (t[2] - t0[2]) > 2000000
return 1" 1 postroute:events "$ev21" >/dev/null &
busy=$!
sleep 0.5
kill -STOP "$PID_A"
wait "$busy"
wait_for 10 "o21 delivered to a" sh -c \
    "redis-cli -s $T/redis.sock XPENDING postroute:events postrouted - + 10 a | grep -q ."
wait_for 30 "b to take over" member_is b active
TOKEN_B=$(member_token b)
wait_for 30 "b consuming" member_since b 0 'ready: consuming'
push o22 22 05977   # and b the next
n0=$(member_lines a)
kill -CONT "$PID_A"
rc=0
wait "$PID_A" || rc=$?
PID_a=
[ "$rc" = 75 ] || fail "the deposed daemon exited with $rc, not 75"
member_since a "$n0" 'write refused' || fail "no refused write in a's log"
member_since a "$n0" 'lease: deposed' || fail "a did not say it was deposed"
REFUSED=$(tail -n +"$((n0 + 1))" "$T/a.log" | grep -c 'write refused' || true)

PORT=$(member_port b)
wait_group_done 30    # o21 claimed by b after claim_idle_ms
check_exactly_once "$T/events.jsonl"
DEPOSED=$(deposed_plans "$TOKEN_A" "$TOKEN_B")
member_is b active || fail "b is not active any more"
result "SIGSTOP past the lease, takeover (token $TOKEN_A -> $TOKEN_B), SIGCONT: $REFUSED writes of the deposed daemon refused by Redis, it exited with 75; plans by the deposed token after the takeover $DEPOSED; lost $LOST, duplicated $DUP, extra $EXTRA"
[ "$LOST" = 0 ] || fail "$LOST orders lost"
[ "$DUP" = 0 ] || fail "$DUP orders duplicated"
[ "$EXTRA" = 0 ] || fail "$EXTRA orders from nowhere"
[ "$DEPOSED" = 0 ] || fail "$DEPOSED plans of the deposed token after the takeover"
log ok
