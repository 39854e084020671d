#!/usr/bin/env bash
# reliability-backpressure.sh: solving falls behind (tiny time limits, a backlog of pending orders, a tenth of them at one office): triggers coalesce, the solve queue stays bounded by the offices, memory stays bounded by the orders, every order ends up in a plan.
#
# Short form (make check): 5,000 orders. Long form (RELIABILITY_LONG=1):
# 50,000. BACKPRESSURE_ORDERS overrides. Asserted: at most one solve per
# office queued or running, peak RSS below 64 MiB + 4 KiB per order, the
# plans cover every order once. Reported: ingest time with the planner
# busy, peak RSS, largest solve queue, solves.
. "$(dirname "$0")/lib/common.bash"
. "$(dirname "$0")/lib/reliability.bash"

if [ "$LONG" = 1 ]; then P=${BACKPRESSURE_ORDERS:-50000}; else P=${BACKPRESSURE_ORDERS:-5000}; fi
OFFICES=$(jq '.offices | length' "$REGION")

# Orders over every commune, and one in ten at 05971 (one office), each
# at its own household.
jq -r '.communes[].code' "$REGION" >"$T/communes"
LC_ALL=C awk -v n="$P" 'NR == FNR { c[k++] = $1; next } END {
	srand(1);
	for (i = 1; i <= n; i++) {
		cm = i % 10 == 0 ? "05971" : c[int(rand() * k)];
		m = int(i * 600 / n);
		printf "{\"type\":\"order.created\",\"event_id\":\"e%d\",\"order_id\":\"b%d\",\"version\":1,\"ts\":\"2026-08-20T%02d:%02d:00+07:00\",\"commune\":\"%s\",\"weight_kg\":%.1f,\"promise_hours\":48,\"destination\":\"HN\"}\n",
		    i, i, 7 + int(m / 60), m % 60, cm, 0.5 + rand() * 9
	}
}' "$T/communes" /dev/null >"$T/events.jsonl"

start_redis
write_conf "$T/pr.conf"
sed -i 's/^time_limit = .*/time_limit = 0.01/; s/^batch_orders = .*/batch_orders = 10/; s/^debounce_ms = .*/debounce_ms = 0/' "$T/pr.conf"
start_daemon
rss0=$(rss_kb)
t0=$(date +%s.%N)
pipe_events "$T/events.jsonl" &
pusher=$!
# Sample the solve queue while the backlog drains.
maxq=0
while :; do
	q=$(http /healthz | jq -r '.solves_running')
	[ "$q" -le "$maxq" ] || maxq=$q
	if group_done && ! kill -0 "$pusher" 2>/dev/null; then break; fi
	[ $SECONDS -lt $((60 + P / 100)) ] || fail "backlog not drained in time"
	sleep 0.05
done
wait "$pusher" || fail "pushing failed"
t1=$(date +%s.%N)
expected_state "$T/events.jsonl" "$T/expected"
awk -F'\t' '{ print $1 }' "$T/expected" | sort >"$T/open"
wait_plans_cover $((120 + P / 200)) "$T/open"
t2=$(date +%s.%N)
peak=$(peak_rss_kb)
solves=$(metric 'postroute_solves_total{result="ok"}')
too_many=$(all_plans | jq '[.[] | .unassigned[] | select(.reason == "too_many_orders")] | length')
result "$P orders ($((P / 10)) at one commune), time_limit 0.01 s, 2 workers, $OFFICES offices: ingested in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s, every order planned after $(awk -v a="$t0" -v b="$t2" 'BEGIN { printf "%.1f", b - a }') s, $solves solves, largest solve queue $maxq, RSS $((rss0 / 1024)) MiB at start, peak $((peak / 1024)) MiB ($(( (peak - rss0) * 1024 / P )) bytes per order), $too_many orders left for a later plan (too_many_orders)"
[ "$maxq" -le "$OFFICES" ] || fail "$maxq solves queued for $OFFICES offices"
rss_bound "$peak" $((64 * 1024 + P * ${BACKPRESSURE_KB_PER_ORDER:-4})) "$P pending orders"
stop_daemon
log ok
