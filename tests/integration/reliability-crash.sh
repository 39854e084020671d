#!/usr/bin/env bash
# reliability-crash.sh: SIGKILL the daemon at random moments while postroute-sim's events stream in, restart it each time; no order lost or doubled, every entry acked or dead-lettered, the last plans cover every open order.
#
# Short form (make check): ~10,000 events, 10 kills. Long form
# (RELIABILITY_LONG=1, make soak): ~10,000 events, 100 kills.
# CRASH_ORDERS and CRASH_KILLS override; CRASH_SEED picks the kill moments.
. "$(dirname "$0")/lib/common.bash"
. "$(dirname "$0")/lib/reliability.bash"

ORDERS=${CRASH_ORDERS:-9300}
if [ "$LONG" = 1 ]; then KILLS=${CRASH_KILLS:-100}; else KILLS=${CRASH_KILLS:-10}; fi
RANDOM=${CRASH_SEED:-7}

[ -x "$SIM" ] || fail "$SIM is missing"
"$SIM" --orders "$ORDERS" --region "$REGION" --out "$T/events.jsonl"
EVENTS=$(wc -l <"$T/events.jsonl")
# The events arrive in KILLS + 1 slices, one slice pushed while the daemon
# of each round runs (the last one with no kill).
split -n "l/$((KILLS + 1))" -d -a 4 "$T/events.jsonl" "$T/slice."

start_redis
write_conf "$T/pr.conf" '[streams]' 'batch = 200' 'max_deliveries = 1000'
sed -i 's/^batch_orders = .*/batch_orders = 20/; s/^time_limit = .*/time_limit = 0.02/' "$T/pr.conf"
# (max_deliveries is high: an entry that a kill caught in flight many
# times is still a good event, and must be applied, not dead-lettered.)

slices=("$T"/slice.*)
kills=0
for i in $(seq 0 $((KILLS - 1))); do
	pipe_events "${slices[$i]}" &
	pusher=$!
	start_daemon
	# The kill moment: 0 to 600 ms after ready, so that some land in the
	# start-up (state reload, pending entries) and most mid-batch.
	sleep "0.$(printf '%03d' $((RANDOM % 600)))"
	kill9_daemon
	kills=$((kills + 1))
	wait "$pusher" || fail "pushing slice $i failed"
done
pipe_events "${slices[$KILLS]}"
start_daemon
wait_for 120 "every entry acked or dead-lettered" group_done

check_exactly_once "$T/events.jsonl"
DEAD=$(R XLEN postroute:deadletter)
[ "$DEAD" = 0 ] || { R XRANGE postroute:deadletter - + COUNT 5 >&2; fail "$DEAD good events were dead-lettered"; }
wait_plans_cover 180 "$T/open"
PLAN_DUP=$(plan_orders | uniq -d | wc -l)
result "$EVENTS events, $kills SIGKILLs, $OPEN open orders: lost $LOST, duplicated $DUP, extra $EXTRA, dead-lettered $DEAD, duplicated in plans $PLAN_DUP"
[ "$LOST" = 0 ] || fail "$LOST orders lost or with a wrong version/state"
[ "$DUP" = 0 ] || fail "$DUP orders indexed twice or though not open"
[ "$EXTRA" = 0 ] || fail "$EXTRA orders stored that no event created"
stop_daemon
log ok
