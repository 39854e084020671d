#!/usr/bin/env bash
# daemon-stop-cancel.sh: SIGTERM while office solves run: after [solver] stop_grace the loop cancels them (the flag the solver threads read), the daemon exits 0 in time, and a restart plans every order.
. "$(dirname "$0")/lib/common.bash"

start_redis
write_conf "$T/pr.conf"
# Solves that would run for half a minute (stop_grace is 2 s in write_conf).
# Two offices alone (not one group), so that two solves run at once.
export POSTROUTE_SOLVER_TIME_LIMIT=30 POSTROUTE_SOLVER_TIME_PER_PICKUP=0 POSTROUTE_PLANNER_GROUP_KM=0
start_daemon
for i in $(seq 1 8); do
	xadd "$(order_event order.created c$i 1 "$i" "${COMMUNES[$((i % 2))]}")"
done
busy() { [ "$(http /healthz | jq -r '.solves_running')" -ge 2 ]; }
wait_for 20 "two office solves under way" busy

t0=$SECONDS
rc=0
kill -TERM "$DAEMON_PID"
wait "$DAEMON_PID" || rc=$?
DAEMON_PID=
[ $rc -eq 0 ] || fail "postrouted exited with $rc after SIGTERM"
took=$((SECONDS - t0))
[ $took -le $((2 + 5 + 5 * ${WAIT_SCALE:-1})) ] || fail "SIGTERM took $took s with stop_grace 2"
grep -q "stopping: cancelling [0-9]* solves" "$T/daemon.log" || fail "the running solves were not cancelled"
grep -q 'stopping: giving up' "$T/daemon.log" && fail "a cancelled solve did not stop"

# Nothing was lost: with short solves again, every order gets planned.
unset POSTROUTE_SOLVER_TIME_LIMIT POSTROUTE_SOLVER_TIME_PER_PICKUP POSTROUTE_PLANNER_GROUP_KM
start_daemon
planned() {
	[ "$(all_plans | jq -r '.[] | (.routes[].stops[].order_id), (.unassigned[].order_id)' | sort | tr '\n' ' ')" = \
	    "$(for i in $(seq 1 8); do echo c$i; done | sort | tr '\n' ' ')" ]
}
wait_for 30 "every order planned after the restart" planned
stop_daemon
log ok
