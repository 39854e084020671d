#!/usr/bin/env bash
# cluster-sentinel-workers.sh: a planner with remote solve workers and one `postrouted --worker`, both finding the Redis primary through three Sentinels; the primary is killed with SIGKILL while events and plan jobs flow; the worker follows the failover to the promoted replica and keeps answering jobs (plans published after the failover, none planned by the planner itself), and no acknowledged order is lost or doubled.
#
# The set-up is cluster-sentinel.sh's (lib/cluster.bash
# start_sentinel_cluster, the producer lib/sentinel_producer.py that
# counts an event only once WAIT 1 confirmed it, ack_replicas = 1), with
# fewer orders at a lower rate: every office's job goes to the worker.
# A job or a result written to the old primary and not replicated is
# lost with it; the planner sends such a job again after job_timeout_s
# (5 s here), which is part of what is checked: every open order ends up
# in a published plan.
. "$(dirname "$0")/lib/common.bash"
. "$(dirname "$0")/lib/reliability.bash"
. "$(dirname "$0")/lib/cluster.bash"

ORDERS=${SENTINEL_ORDERS:-400} RATE=60
[ -x "$SIM" ] || fail "$SIM is missing"
command -v redis-sentinel >/dev/null || fail "redis-sentinel is missing (scripts/deps.sh installs it)"

P0=$(free_port) P1=$(free_port)
start_sentinel_cluster "$P0" "$P1"
R() { redis-cli -p "$(primary_port)" "$@"; }

conf() {
	local f=$1 consumer=$2
	CONSUMER=$consumer write_conf "$f" '[redis]' \
	    "sentinels = 127.0.0.1:${S[0]}, 127.0.0.1:${S[1]}, 127.0.0.1:${S[2]}" \
	    'master_name = pr' 'ack_replicas = 1' 'ack_timeout_ms = 500' \
	    '[cluster]' 'remote_workers = yes' "job_claim_ms = $((1000 * ${WAIT_SCALE:-1}))" \
	    'job_timeout_s = 5'
	sed -i '/^socket = /d; s/^batch_orders = .*/batch_orders = 20/; s/^time_limit = .*/time_limit = 0.05/; s/^workers = .*/workers = 1/' "$f"
}
conf "$T/pr.conf" planner
conf "$T/w1.conf" w1
"$POSTROUTED" -t -c "$T/w1.conf" 2>"$T/t.err" || fail "-t: $(cat "$T/t.err")"

"$POSTROUTED" --worker -c "$T/w1.conf" -v >>"$T/w1.log" 2>&1 &
PID_w1=$!
MEMBERS+=(w1)
wait_for 30 "the worker to be ready" member_since w1 0 'ready: solve worker'
member_since w1 0 "connected to 127.0.0.1:$P0" || fail "the worker is not on the primary 127.0.0.1:$P0"
start_daemon "$T/pr.conf"
log_since 0 "connected to 127.0.0.1:$P0" || fail "the planner is not on the primary 127.0.0.1:$P0"

"$SIM" --orders "$ORDERS" --region "$REGION" --out "$T/events.jsonl"
python3 "$ROOT/tests/integration/lib/sentinel_producer.py" "$T/events.jsonl" pr \
    "${S[@]}" --out "$T" --rate "$RATE" 2>"$T/producer.log" &
PRODUCER_PID=$!
MEMBERS+=(producer)
PID_producer=$PRODUCER_PID
worker_planned() { grep -c 'planned in' "$T/w1.log" || true; }
wait_for 60 "a third of the orders stored and jobs planned by the worker" sh -c \
    "[ \$(redis-cli -p $P0 HLEN postroute:orders) -gt $((ORDERS / 3)) ] && grep -q 'planned in' $T/w1.log"
kill -0 "$PRODUCER_PID" 2>/dev/null || fail "the producer was done before the kill"
PLANNED_BEFORE=$(worker_planned)
kill -KILL "$PID_n0"
wait "$PID_n0" 2>/dev/null || true
PID_n0=
T_KILL=$(now_s)
wait_for 60 "the Sentinels to promote the replica" sh -c "[ \"\$(redis-cli -p ${S[0]} SENTINEL get-master-addr-by-name pr | tail -n 1)\" = $P1 ]"
wait_for 60 "the worker on the promoted replica" member_since w1 0 "connected to 127.0.0.1:$P1"
T_WORKER=$(now_s)
wait_for 60 "the planner on the promoted replica" log_since 0 "connected to 127.0.0.1:$P1"
n_worker=$(member_lines w1)
PUBLISHED=$(metric postroute_plans_published_total)
# Jobs keep being answered on the new primary, and their plans published.
wait_for 60 "the worker to plan a job after the failover" member_since w1 "$n_worker" 'planned in'
wait_for 60 "a plan published after the failover" sh -c \
    "[ \$(curl -s http://127.0.0.1:$PORT/metrics | awk '\$1 == \"postroute_plans_published_total\" { print \$2 }') -gt $PUBLISHED ]"
# The old primary comes back as a replica (ack_replicas = 1 needs one).
start_node n0 "$P0"
wait_for 60 "the old primary to be a replica" sh -c "redis-cli -p $P0 ROLE | head -n 1 | grep -qx slave"

wait "$PRODUCER_PID" || fail "the producer: $(tail -n 3 "$T/producer.log")"
PID_producer=
wait_group_done 120

R --raw XRANGE postroute:events - + | awk 'prev == "event" { print } { prev = $0 }' >"$T/kept"
check_exactly_once "$T/kept"
LOST_CONFIRMED=$(sort -u "$T/confirmed" | comm -23 - <(sort -u "$T/kept") | wc -l)
[ "$LOST_CONFIRMED" = 0 ] || fail "$LOST_CONFIRMED confirmed events are not in the promoted primary's stream"
[ "$LOST" = 0 ] || fail "$LOST orders lost or with a wrong version/state"
[ "$DUP" = 0 ] || fail "$DUP orders indexed twice or though not open"
[ "$EXTRA" = 0 ] || fail "$EXTRA orders from nowhere"
# Every open order in a published plan, planned by the worker.
wait_plans_cover 90 "$T/open"
[ "$(metric postroute_remote_jobs_local_total)" = 0 ] || fail "the planner planned jobs itself"
kill -0 "$PID_w1" || fail "the worker died"
AFTER=$(($(worker_planned) - PLANNED_BEFORE))
[ "$AFTER" -ge 1 ] || fail "no job planned by the worker after the failover"
RESENT=$(metric postroute_remote_jobs_resent_total)
result "$ORDERS orders, primary killed with SIGKILL while plan jobs flowed: the worker on the promoted replica $(echo "$T_WORKER - $T_KILL" | bc) s after the kill; jobs planned by the worker $PLANNED_BEFORE before, $AFTER after; jobs sent again (lost in the failover) $RESENT; planned by the planner itself 0; $OPEN open orders all in published plans; orders lost $LOST, duplicated $DUP, extra $EXTRA"
stop_daemon
kill -TERM "$PID_w1"
rc=0
wait "$PID_w1" || rc=$?
PID_w1=
[ "$rc" = 0 ] || fail "the worker exited with $rc after SIGTERM"
log ok
