#!/usr/bin/env bash
# cluster-workers.sh: a daemon with remote solve workers ([cluster] remote_workers) and two `postrouted --worker` processes plans offices; a worker killed with SIGKILL mid-job has its job claimed by the other after job_claim_ms, the office's plan published once per version, no order lost; a malformed job entry and a malformed result are refused by name and dead-lettered; a duplicated result is ignored; a worker with another region file refuses the job, which the planner plans itself.
. "$(dirname "$0")/lib/common.bash"
. "$(dirname "$0")/lib/reliability.bash"
. "$(dirname "$0")/lib/cluster.bash"

CLAIM_MS=$((1000 * ${WAIT_SCALE:-1}))
# Every solve takes its whole time_limit (time_per_pickup 0): 3 s, long
# enough to kill a worker in the middle of one.
conf() {
	local f=$1 consumer=$2
	shift 2
	CONSUMER=$consumer write_conf "$f" '[cluster]' 'remote_workers = yes' \
	    "job_claim_ms = $CLAIM_MS" 'job_timeout_s = 60' "$@"
	sed -i 's/^time_limit = .*/time_limit = 3\ntime_per_pickup = 0/; s/^workers = .*/workers = 1/' "$f"
}

# start_worker NAME [CONF]: a solve worker with its own log.
start_worker() {
	local name=$1 conf=${2:-$T/$1.conf} n0 pid
	n0=$(member_lines "$name")
	"$POSTROUTED" --worker -c "$conf" -v >>"$T/$name.log" 2>&1 &
	pid=$!
	eval "PID_$name=$pid"
	case " ${MEMBERS[*]:-} " in *" $name "*) ;; *) MEMBERS+=("$name") ;; esac
	wait_for 20 "$name to be ready" member_since "$name" "$n0" 'ready: solve worker'
}

# pending_owner: the consumer holding the (one) pending job, or nothing.
pending_owner() { R --raw XPENDING postroute:jobs workers - + 10 | sed -n 2p; }
has_pending() { [ -n "$(pending_owner)" ]; }
no_pending() { [ "$(R XPENDING postroute:jobs workers | head -n 1)" = 0 ]; }
# plan_versions OFFICE: the versions of OFFICE's plans in the plans stream.
plan_versions() {
	R --raw XRANGE postroute:plans - + | awk -v o="$1" '
	    prev == "office" { cur = $0 } prev == "version" && cur == o { print } { prev = $0 }'
}
open_orders() { printf '%s\n' "$@" | sort >"$T/open"; }
deadletter_has() { R --raw XRANGE postroute:deadletter - + | grep -q -- "$1"; }

conf "$T/pr.conf" planner
conf "$T/w1.conf" w1
conf "$T/w2.conf" w2
start_redis
start_worker w1
start_worker w2
start_daemon
grep -q 'remote: plan jobs to postroute:jobs' "$T/daemon.log" ||
    wait_for 10 "the planner's results reader" log_since 0 'remote: plan jobs to'

# 1. Orders of one office are planned by a worker and published.
for i in 1 2 3 4; do xadd "$(order_event order.created W$i 1 $i 05971)"; done
open_orders W1 W2 W3 W4
wait_plans_cover 30 "$T/open"
[ "$(metric postroute_remote_results_total)" -ge 1 ] || fail "no result came from a worker"
grep -q 'planned in' "$T/w1.log" "$T/w2.log" || fail "no worker says it planned a job"
[ "$(metric postroute_remote_jobs_local_total)" = 0 ] || fail "a job was planned by the planner itself"
F=$(all_plans | jq -r '.[] | select(.routes | length > 0) | .office' | head -n 1)
[ -n "$F" ] || fail "no plan with a route"

# 2. A worker killed mid-job: the other claims the job after job_claim_ms.
no_pending || fail "a job is pending before the kill: $(R XPENDING postroute:jobs workers)"
V0=$(plan_versions "$F" | wc -l)
for i in 5 6 7; do xadd "$(order_event order.created W$i 1 $i 05971)"; done
open_orders W1 W2 W3 W4 W5 W6 W7
wait_for 20 "a worker to take the job" has_pending
VICTIM=$(pending_owner)
case $VICTIM in w1) OTHER=w2 ;; w2) OTHER=w1 ;; *) fail "the job is held by '$VICTIM'" ;; esac
n_other=$(member_lines "$OTHER")
kill9_member "$VICTIM"
log "killed $VICTIM mid-job; $OTHER must claim it"
wait_for 30 "$OTHER to claim the dead worker's job" member_since "$OTHER" "$n_other" 'claimed job entry'
wait_plans_cover 30 "$T/open"
wait_for 20 "the job to be acknowledged" no_pending
[ "$(R XLEN postroute:jobs)" = 0 ] || fail "answered jobs are left in the jobs stream: $(R XLEN postroute:jobs)"
# every plan of the office once: versions strictly increasing, none twice
plan_versions "$F" | awk 'NR > 1 && $0 <= prev { bad = 1 } { prev = $0 } END { exit bad }' ||
    fail "office $F: plan versions not strictly increasing: $(plan_versions "$F" | tr '\n' ' ')"
[ "$(plan_versions "$F" | sort | uniq -d | wc -l)" = 0 ] || fail "office $F: a version published twice"
[ "$(plan_versions "$F" | wc -l)" -gt "$V0" ] || fail "office $F: no new plan after the kill"

# 3. A malformed job entry is refused by name (dead-lettered), and so is
# one without the fields; the worker goes on.
n_other=$(member_lines "$OTHER")
R XADD postroute:jobs '*' id bogus-1 job '{"v":1' >/dev/null
R XADD postroute:jobs '*' foo bar >/dev/null
wait_for 10 "the malformed job refused" member_since "$OTHER" "$n_other" 'job entry .* (job bogus-1) refused: job: not JSON'
wait_for 10 "the job without fields refused" member_since "$OTHER" "$n_other" 'refused: an entry of the jobs stream needs the fields id and job'
wait_for 10 "the refusals dead-lettered" deadletter_has 'job: not JSON'
wait_for 10 "the bad jobs acknowledged" no_pending
kill -0 "$(member_pid "$OTHER")" || fail "$OTHER died of a bad job"

# 4. A malformed result for a job in flight is refused by name and
# dead-lettered; the worker's own answer is then taken, and a copy of it
# (a second answer to the same job) is ignored.
kill -STOP "$(member_pid "$OTHER")"
n0=$(log_lines)
xadd "$(order_event order.created W8 1 8 05971)"
open_orders W1 W2 W3 W4 W5 W6 W7 W8
wait_for 10 "a job in the stream" sh -c "[ \$(redis-cli -s $T/redis.sock XLEN postroute:jobs) -ge 1 ]"
JOB=$(R --raw XRANGE postroute:jobs - + | awk 'prev == "id" && !done { print; done = 1 } { prev = $0 }')
[ -n "$JOB" ] || fail "no job id in the jobs stream"
R XADD postroute:results '*' id "$JOB" worker fake result '{"v":1,"rc":0}' >/dev/null
wait_for 10 "the malformed result refused" log_since "$n0" "result .* for job $JOB from fake: result.n_problems: missing: refused"
wait_for 10 "the bad result dead-lettered" deadletter_has 'result.n_problems: missing'
V1=$(plan_versions "$F" | wc -l)
kill -CONT "$(member_pid "$OTHER")"
wait_plans_cover 30 "$T/open"
wait_for 10 "the result taken" sh -c "[ \$(redis-cli -s $T/redis.sock --raw XRANGE postroute:plans - + | grep -c .) -gt 0 ]"
V2=$(plan_versions "$F" | wc -l)
R --raw XREVRANGE postroute:results + - COUNT 1 >"$T/last-result"
RES=$(awk 'prev == "result" { print; exit } { prev = $0 }' "$T/last-result")
STALE0=$(metric postroute_remote_results_stale_total)
R XADD postroute:results '*' id "$JOB" worker replay result "$RES" >/dev/null
wait_for 10 "the second answer counted stale" sh -c "[ \$(curl -s http://127.0.0.1:$PORT/metrics | awk '\$1 == \"postroute_remote_results_stale_total\" { print \$2 }') -gt $STALE0 ]"
[ "$(plan_versions "$F" | wc -l)" = "$V2" ] || fail "a second answer to job $JOB was published"
[ "$V2" -gt "$V1" ] || fail "the worker's answer was not published"

# 5. A worker with another region file refuses every job by name; the
# planner plans it itself.
kill9_member "$OTHER"
cp "$REGION" "$T/other-region.json"
printf '\n' >>"$T/other-region.json"
conf "$T/w3.conf" w3
sed -i "s|^region = .*|region = $T/other-region.json|" "$T/w3.conf"
start_worker w3
n0=$(log_lines)
xadd "$(order_event order.created W9 1 9 05971)"
open_orders W1 W2 W3 W4 W5 W6 W7 W8 W9
wait_for 20 "w3 to refuse the job" member_since w3 0 'refused: job.region: .* another region file'
wait_for 10 "the planner to plan it itself" log_since "$n0" 'refused job .*; planned here'
wait_plans_cover 30 "$T/open"
[ "$(metric postroute_remote_jobs_local_total)" -ge 1 ] || fail "no job planned by the planner itself"

stop_daemon
# A worker stops on SIGTERM with status 0 (and, under ASan, no leak).
pid=$(member_pid w3)
kill -TERM "$pid"
rc=0
wait "$pid" || rc=$?
PID_w3=
[ "$rc" = 0 ] || fail "the worker exited with $rc after SIGTERM"
grep -q 'stopped: .* jobs planned, .* refused' "$T/w3.log" || fail "the worker's last line"
result "remote workers: job claimed by $OTHER $CLAIM_MS ms after $VICTIM's SIGKILL, $(plan_versions "$F" | wc -l) plans of office $F, each version once; every order planned; bad job, bad result, duplicate result and another region refused by name"
log ok
