#!/usr/bin/env bash
# cluster-poison.sh: a plan job that kills every solve worker that takes it (a "poison" job) is dead-lettered after [cluster] job_max_deliveries deliveries and given up by the planner, which keeps the office's last plan, counts it, and plans the office again when its orders change; the other offices go on being planned; a job the planner sent job_max_deliveries times with no answer is given up too; nothing is lost.
#
# No real input is known to crash the solver, so the workers run with
# the test hook POSTROUTE_TEST_CRASH_ORDER=POISON-1 (worker.c): a worker
# that is about to plan a job holding order POISON-1 kills itself with
# SIGKILL, as the kernel's OOM killer would. The test restarts the dead
# workers (as systemd's Restart=on-failure would). With 2 workers and
# job_max_deliveries = 2 the job must kill exactly 2 workers: delivered
# (XREADGROUP), crash, claimed (XAUTOCLAIM, delivery 2), crash, claimed
# again (delivery 3 > 2): dead-lettered, answered dead, not planned.
. "$(dirname "$0")/lib/common.bash"
. "$(dirname "$0")/lib/reliability.bash"
. "$(dirname "$0")/lib/cluster.bash"

POISON=POISON-1
CLAIM_MS=$((1000 * ${WAIT_SCALE:-1}))
# Each office its own job (group_km = 0): the poison is office C05974's.
conf() {
	local f=$1 consumer=$2
	CONSUMER=$consumer write_conf "$f" '[cluster]' 'remote_workers = yes' \
	    "job_claim_ms = $CLAIM_MS" 'job_timeout_s = 60' 'job_max_deliveries = 2'
	sed -i 's/^workers = .*/workers = 1/; s/^cutoff_lead_s = 0$/&\ngroup_km = 0/' "$f"
}

# alive PID: running (not gone, not a zombie left to reap).
alive() {
	local st
	st=$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null) || return 1
	[ -n "$st" ] && [ "$st" != Z ]
}

start_worker() {
	local name=$1 n0 pid
	n0=$(member_lines "$name")
	POSTROUTE_TEST_CRASH_ORDER=$POISON "$POSTROUTED" --worker -c "$T/$name.conf" -v \
	    >>"$T/$name.log" 2>&1 &
	pid=$!
	eval "PID_$name=$pid"
	case " ${MEMBERS[*]:-} " in *" $name "*) ;; *) MEMBERS+=("$name") ;; esac
	wait_for 20 "$name to be ready" member_since "$name" "$n0" 'ready: solve worker'
}

stop_worker() {
	local pid rc=0
	pid=$(member_pid "$1")
	kill -TERM "$pid"
	wait "$pid" || rc=$?
	eval "PID_$1="
	[ "$rc" = 0 ] || fail "$1 exited with $rc after SIGTERM"
}

# revive: starts again every worker the poison job killed.
RESTARTS=0
revive() {
	local m pid
	for m in w1 w2; do
		pid=$(member_pid "$m")
		[ -n "$pid" ] || continue   # stopped on purpose
		alive "$pid" && continue
		wait "$pid" 2>/dev/null || true
		RESTARTS=$((RESTARTS + 1))
		log "$m died; restarting it"
		start_worker "$m"
	done
}

# wait_reviving SECONDS WHAT COMMAND...: wait_for, restarting dead workers.
wait_reviving() {
	local secs=$(($1 * ${WAIT_SCALE:-1})) what=$2
	shift 2
	local deadline=$((SECONDS + secs))
	until "$@" >/dev/null 2>&1; do
		revive
		[ $SECONDS -lt $deadline ] || fail "timed out after ${secs}s waiting for $what"
		sleep 0.05
	done
}

# Every event sent is kept in $T/events.jsonl for check_exactly_once.
send() { printf '%s\n' "$1" >>"$T/events.jsonl"; xadd "$1"; }
created() { send "$(order_event order.created "$1" 1 "$2" "$3")"; }
open_orders() { printf '%s\n' "$@" | sort >"$T/open"; }
crashes() { cat "$T"/w[12].log | grep -c 'killed by POSTROUTE_TEST_CRASH_ORDER' || true; }
plan_version() { R GET "postroute:plan:$1" | jq -r .version; }
plan_has() { R GET "postroute:plan:$1" | jq -e --arg o "$2" '[(.routes[].stops[].order_id), (.unassigned[].order_id)] | index($o) != null' >/dev/null; }
no_pending() { [ "$(R XPENDING postroute:jobs workers | head -n 1)" = 0 ]; }
jobs_empty() { [ "$(R XLEN postroute:jobs)" = 0 ]; }
metric_is() { [ "$(metric "$1")" = "$2" ]; }
# deadletter_job PATTERN: the fields of the (one) dead letter whose reason
# matches PATTERN, as "field<TAB>value" lines.
deadletter_job() {
	R --raw XRANGE postroute:deadletter - + | awk -v p="$1" '
	    /^[0-9]+-[0-9]+$/ && n % 2 == 0 { flush(); n = 0; next }
	    { if (n % 2 == 0) k = $0; else f[k] = $0; n++ }
	    function flush() { if (f["reason"] ~ p) for (k in f) printf "%s\t%s\n", k, f[k]; delete f }
	    END { flush() }'
}
dl_field() { awk -F'\t' -v k="$2" '$1 == k { print $2 }' <<<"$1"; }

for m in pr w1 w2; do conf "$T/$m.conf" "$m"; done
# The hook is not a configuration key: -t (the units' ExecStartPre) refuses
# it, so it cannot be switched on under systemd by accident.
if POSTROUTE_TEST_CRASH_ORDER=$POISON "$POSTROUTED" -t -c "$T/w1.conf" 2>"$T/t.err"; then
	fail "postrouted -t accepted POSTROUTE_TEST_CRASH_ORDER"
fi
grep -q POSTROUTE_TEST_CRASH_ORDER "$T/t.err" || fail "-t did not name the hook: $(cat "$T/t.err")"
start_redis
start_worker w1
start_worker w2
grep -q 'a TEST HOOK is on' "$T/w1.log" || fail "the worker did not warn that the hook is on"
start_daemon "$T/pr.conf"
wait_for 10 "the planner's results reader" log_since 0 'remote: plan jobs to'

# 1. Three offices planned by the workers; C05974 has a plan (order P0).
created A1 1 05971; created A2 2 05971; created B1 3 05977; created P0 4 05974
open_orders A1 A2 B1 P0
wait_plans_cover 30 "$T/open"
V_POISONED=$(plan_version C05974)
[ "$(metric postroute_remote_jobs_local_total)" = 0 ] || fail "a job was planned by the planner itself"

# 2. The poison order comes to C05974 with orders for the other offices:
# its job kills w1 or w2, is claimed and kills the other (or the same,
# restarted), is claimed a third time and dead-lettered.
n0=$(log_lines)
created "$POISON" 5 05974
created A3 6 05971
created B2 7 05977
wait_reviving 60 "the poison job dead-lettered" sh -c \
    "redis-cli -s $T/redis.sock --raw XRANGE postroute:deadletter - + | grep -q 'job_max_deliveries (2)'"
wait_reviving 20 "the planner to give the job up" log_since "$n0" 'given up, not planned'
revive
DL=$(deadletter_job 'job_max_deliveries')
[ -n "$DL" ] || fail "no dead letter for the poison job"
[ "$(dl_field "$DL" stream)" = postroute:jobs ] || fail "dead letter: stream $(dl_field "$DL" stream)"
[ "$(dl_field "$DL" deliveries)" = 3 ] || fail "dead letter: deliveries $(dl_field "$DL" deliveries), not 3"
[ "$(dl_field "$DL" offices)" = C05974 ] || fail "dead letter: offices $(dl_field "$DL" offices)"
dl_field "$DL" reason | grep -q 'offices C05974; 2 orders): delivered 3 times, more than \[cluster\] job_max_deliveries (2)' ||
    fail "dead letter reason: $(dl_field "$DL" reason)"
dl_field "$DL" job | jq -e --arg o "$POISON" '[.orders[].id] | index($o) != null' >/dev/null ||
    fail "the dead letter does not keep the job (with $POISON)"
[ "$(crashes)" = 2 ] || fail "the poison job killed $(crashes) workers, not exactly job_max_deliveries (2)"
[ "$RESTARTS" = 2 ] || fail "$RESTARTS restarts for 2 crashes"
wait_for 10 "the dead job acknowledged" no_pending
wait_for 10 "the jobs stream empty" jobs_empty
[ "$(metric postroute_remote_jobs_dead_total)" = 1 ] || fail "postroute_remote_jobs_dead_total = $(metric postroute_remote_jobs_dead_total)"
[ "$(metric postroute_remote_jobs_resent_total)" = 0 ] || fail "a job was sent again"
[ "$(metric postroute_remote_jobs_local_total)" = 0 ] || fail "the planner planned a job itself"
[ "$(tail -n +"$((n0 + 1))" "$T/daemon.log" | grep -c 'given up, not planned')" = 1 ] ||
    fail "not one warning for the dead job"
log_since "$n0" 'remote: job .* of offices C05974 (2 orders) given up, not planned, dead-lettered by worker w[12]' ||
    fail "the planner's warning does not name the office and the worker"
# The other offices' plans are published; C05974 keeps its last plan.
open_orders A1 A2 A3 B1 B2 P0
wait_plans_cover 30 "$T/open"
[ "$(plan_version C05974)" = "$V_POISONED" ] || fail "C05974's plan changed: version $(plan_version C05974), was $V_POISONED"
plan_has C05974 P0 || fail "C05974's last plan lost P0"
kill -0 "$DAEMON_PID" || fail "the planner died"

# 3. Both restarted workers plan the other offices (each alone in turn).
for pair in "w1 w2 A4 8 05971" "w2 w1 B3 9 05977"; do
	set -- $pair
	stop_worker "$2"
	m0=$(member_lines "$1")
	created "$3" "$4" "$5"
	open_orders A1 A2 A3 B1 B2 P0 A4 $([ "$3" = B3 ] && echo B3)
	wait_plans_cover 30 "$T/open"
	member_since "$1" "$m0" 'planned in' || fail "$1 did not plan after its restart"
	start_worker "$2"
done
# A dispatch re-plans the office with the same orders: not sent.
veh=$(R GET postroute:plan:C05974 | jq -r '.routes[0].vehicle // empty')
[ -n "$veh" ] || fail "C05974's plan has no route"
n0=$(log_lines)
[ "$(curl -s -o /dev/null -w '%{http_code}' -X POST \
    "http://127.0.0.1:$PORT/v1/offices/C05974/routes/$veh/dispatch")" = 200 ] ||
    fail "dispatching $veh of C05974"
wait_for 10 "the same orders not sent again" log_since "$n0" \
    'remote: office C05974: not sent: the same orders as a job given up'
[ "$(crashes)" = 2 ] || fail "more crashes: $(crashes)"
[ "$(plan_version C05974)" = "$V_POISONED" ] || fail "C05974 planned again with the same orders"
[ "$(metric postroute_remote_jobs_dead_total)" = 1 ] || fail "the job not sent counted dead again"

# 4. New input un-poisons the office: POISON-1 cancelled, C05974 is
# planned again (without it), and no worker dies.
send "$(order_event order.cancelled "$POISON" 2 10)"
wait_for 30 "C05974 planned again" sh -c "[ \$(redis-cli -s $T/redis.sock GET postroute:plan:C05974 | jq -r .version) -gt $V_POISONED ]"
plan_has C05974 P0 || fail "C05974's new plan lost P0"
plan_has C05974 "$POISON" && fail "C05974's new plan has the cancelled $POISON"
R GET postroute:plan:C05974 | jq -e --arg v "$veh" '.routes[] | select(.vehicle == $v) | .dispatched' >/dev/null ||
    fail "C05974's new plan does not keep the route dispatched while it was poisoned"
[ "$(crashes)" = 2 ] || fail "a worker died after the poison order was cancelled"

# 5. The planner's own limit: no worker runs, a job is sent
# job_max_deliveries (2) times, job_timeout_s (2 s, reloaded) each, and
# given up: dead-lettered by the planner, its entries deleted.
stop_worker w1
stop_worker w2
sed -i 's/^job_timeout_s = .*/job_timeout_s = 2/' "$T/pr.conf"
n0=$(log_lines)
kill -HUP "$DAEMON_PID"
wait_for 10 "the reload" log_since "$n0" "reloaded $T/pr.conf"
created A5 11 05971
wait_for 30 "the unanswered job given up" metric_is postroute_remote_jobs_dead_total 2
[ "$(metric postroute_remote_jobs_resent_total)" = 1 ] || fail "sent again $(metric postroute_remote_jobs_resent_total) times, not once"
DL2=$(deadletter_job 'sent 2 times')
[ "$(dl_field "$DL2" offices)" = C05971 ] || fail "the planner's dead letter: offices '$(dl_field "$DL2" offices)'"
[ "$(dl_field "$DL2" sends)" = 2 ] || fail "the planner's dead letter: sends '$(dl_field "$DL2" sends)'"
wait_for 10 "its entries deleted" jobs_empty
plan_has C05971 A5 && fail "A5 planned with no worker running"
# A worker again and a new order: C05971 is planned with both.
sed -i 's/^job_timeout_s = .*/job_timeout_s = 60/' "$T/pr.conf"
n0=$(log_lines)
kill -HUP "$DAEMON_PID"
wait_for 10 "the reload" log_since "$n0" "reloaded $T/pr.conf"
start_worker w1
created A6 12 05971
open_orders A1 A2 A3 A4 A5 A6 B1 B2 B3 P0
wait_plans_cover 30 "$T/open"

# 6. Nothing lost: every event acked, every order in the state its events
# give (POISON-1 cancelled, the others open), the plans cover the open ones.
wait_group_done 20
check_exactly_once "$T/events.jsonl"
[ "$LOST" = 0 ] || fail "$LOST orders lost or in a wrong state"
[ "$DUP" = 0 ] || fail "$DUP orders indexed twice"
[ "$EXTRA" = 0 ] || fail "$EXTRA orders from nowhere"
[ "$(crashes)" = 2 ] || fail "more crashes: $(crashes)"
stop_worker w1
stop_daemon
grep -q 'stopped: .* 1 dead-lettered after job_max_deliveries\|stopped: .* 0 dead-lettered' "$T/w1.log" ||
    fail "the worker's last line"
result "poison job: $(crashes) workers killed, dead-lettered at delivery 3 (job_max_deliveries 2), given up by the planner (postroute_remote_jobs_dead_total 1), C05974 kept plan v$V_POISONED until its orders changed; the other offices planned by both restarted workers; an unanswered job given up after 2 sendings; lost $LOST, duplicated $DUP"
log ok
