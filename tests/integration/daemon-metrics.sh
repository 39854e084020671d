#!/usr/bin/env bash
# daemon-metrics.sh: GET /metrics through Prometheus's own exposition parser (python3-prometheus-client): HELP and TYPE for every family, names after the naming guide, the process and build families, the consumer group's backlog from Redis, plan ages, and values that move (a request counts in its route's labelled counter, a solve in the histogram).
. "$(dirname "$0")/lib/common.bash"

PY=/usr/bin/python3	# Debian's, with its prometheus_client (not a pyenv one)
"$PY" -c 'import prometheus_client.parser' 2>/dev/null ||
    fail "no python3-prometheus-client for $PY (make deps installs it)"
M() { "$PY" "$ROOT/tests/integration/lib/metrics.py" "$@"; }
scrape() { curl -sS --max-time 10 -D "$T/headers" -o "$T/m" "http://127.0.0.1:$PORT/metrics"; }
# val NAME [LABEL=VALUE ...]: one sample of the last scrape ("" when absent)
val() { M value "$T/m" "$@"; }
# metric_is NAME VALUE [LABELS...]: a new scrape shows the sample at VALUE
metric_is() { local n=$1 v=$2; shift 2; scrape && [ "$(val "$n" "$@")" = "$v" ]; }

# The checker itself finds what it is there to find.
cat >"$T/bad" <<'BAD'
# HELP postroute_requests HTTP requests.
# TYPE postroute_requests counter
postroute_requests 3
# TYPE postroute_solve_ms gauge
postroute_solve_ms 12
# HELP postroute_wait_seconds Wait.
# TYPE postroute_wait_seconds histogram
postroute_wait_seconds_bucket{le="1"} 2
postroute_wait_seconds_bucket{le="+Inf"} 1
postroute_wait_seconds_sum 3
postroute_wait_seconds_count 2
BAD
M check "$T/bad" 2>"$T/check" && fail "the checker takes a bad page"
for e in 'postroute_requests: a counter whose name does not end in _total' \
    'postroute_solve_ms: no # HELP' 'postroute_solve_ms: a unit that is not a base unit' \
    'buckets not cumulative' '_count 2.0 is not the +Inf bucket 1.0'; do
	grep -qF -- "$e" "$T/check" || fail "the checker misses '$e': $(cat "$T/check")"
done

start_redis
# A consumer that died holding an entry: the group's pending count. (The
# daemon claims it only after claim_idle_ms, set out of reach below.)
R XGROUP CREATE postroute:events postrouted '$' MKSTREAM >/dev/null
xadd "$(order_event order.created ghost1 1 0 05974)"
R XREADGROUP GROUP postrouted ghost COUNT 1 STREAMS postroute:events '>' >/dev/null
[ "$(R XPENDING postroute:events postrouted | head -n 1)" = 1 ] || fail "the ghost holds no entry"
xadd "$(order_event order.created a1 1 0 05971)"
xadd 'not json'
xadd '{"type":"order.exploded"}'
write_conf "$T/pr.conf"
POSTROUTE_STREAMS_CLAIM_IDLE_MS=3600000 start_daemon
t_start=$(date +%s)

wait_for 20 "a plan of C05971" sh -c "curl -sf http://127.0.0.1:$PORT/v1/offices/C05971/plan >/dev/null"
backlog_seen() { metric_is postroute_deadletter_entries 2 && [ "$(val postroute_events_pending_entries)" = 1 ]; }
wait_for 20 "the backlog from Redis: 2 dead letters, 1 pending" backlog_seen

# ---- the page as a whole ------------------------------------------------------------
scrape
grep -qix 'Content-Type: text/plain; version=0.0.4; charset=utf-8' <(tr -d '\r' <"$T/headers") ||
    fail "Content-Type of /metrics: $(grep -i content-type "$T/headers")"
M check "$T/m" 2>"$T/check" || fail "the page: $(cat "$T/check")"
for f in process_cpu_seconds_total process_resident_memory_bytes process_virtual_memory_bytes \
    process_start_time_seconds process_open_fds process_max_fds; do
	[ -n "$(val $f)" ] || fail "no $f"
done
version=$("$POSTROUTED" --version | awk '{print $2}')
grep -q "^postroute_build_info{version=\"$version\"\(,revision=\"[0-9a-f]\{12\}\(-dirty\)\?\"\)\?} 1\$" "$T/m" ||
    fail "build info: $(grep '^postroute_build_info' "$T/m")"
# The process families say what /proc says of the daemon.
"$PY" - "$T/m" "$DAEMON_PID" "$t_start" <<'PY' || fail "process_* do not match the daemon"
import os, sys
from prometheus_client.parser import text_string_to_metric_families
v = {s.name: s.value for f in text_string_to_metric_families(open(sys.argv[1]).read()) for s in f.samples}
pid, t_start = int(sys.argv[2]), float(sys.argv[3])
rss = int(open(f'/proc/{pid}/statm').read().split()[1]) * os.sysconf('SC_PAGE_SIZE')
fds = len(os.listdir(f'/proc/{pid}/fd'))
problems = []
if not 0.5 * rss <= v['process_resident_memory_bytes'] <= 2 * rss:
    problems.append(f"resident {v['process_resident_memory_bytes']} vs {rss} in statm")
if v['process_virtual_memory_bytes'] < v['process_resident_memory_bytes']:
    problems.append('virtual < resident')
if not abs(v['process_open_fds'] - fds) <= 3:
    problems.append(f"open fds {v['process_open_fds']} vs {fds} in /proc/{pid}/fd")
if not 0 < v['process_open_fds'] <= v['process_max_fds']:
    problems.append('open fds out of (0, max]')
if not t_start - 30 <= v['process_start_time_seconds'] <= t_start + 1:
    problems.append(f"start time {v['process_start_time_seconds']}, daemon ready at {t_start}")
if not 0 <= v['process_cpu_seconds_total'] < 600:
    problems.append(f"cpu {v['process_cpu_seconds_total']}")
for p in problems:
    print(p, file=sys.stderr)
sys.exit(1 if problems else 0)
PY
[ "$(val postroute_events_lag_entries)" = 0 ] || fail "lag $(val postroute_events_lag_entries) with everything read"
for k in plan clustering solve; do
	[ -n "$(val postroute_jobs_queued kind=$k)" ] && [ -n "$(val postroute_jobs_running kind=$k)" ] ||
	    fail "no postroute_jobs_queued/_running for kind $k"
done
age=$(val postroute_plan_age_seconds office=C05971)
[ -n "$age" ] && [ "$age" -ge 0 ] && [ "$age" -le 60 ] || fail "plan age of C05971: '$age'"
[ -z "$(val postroute_plan_age_seconds office=C05983)" ] || fail "a plan age for an office without a plan"
grep -q '^postroute_solve_seconds\|^postroute_clustering_seconds \|^postroute_solves_running' "$T/m" &&
    fail "old names still there"

# ---- values move --------------------------------------------------------------------
P='handler=/v1/offices/{id}/plan'
ok0=$(val postroute_http_requests_total "$P" code=200) ok0=${ok0:-0}
nf0=$(val postroute_http_requests_total "$P" code=404) nf0=${nf0:-0}
n0=$(val postroute_http_request_duration_seconds_count "$P") n0=${n0:-0}
m0=$(val postroute_http_requests_total handler=/metrics code=200)
h0=$(val postroute_http_requests_total handler=/healthz code=200) h0=${h0:-0}
u0=$(val postroute_http_requests_total handler=unmatched code=404) u0=${u0:-0}
s0=$(val postroute_solve_duration_seconds_count)
l0=$(val postroute_order_plan_latency_seconds_count)
ls0=$(val postroute_order_plan_latency_seconds_sum)
[ "$(http_code /v1/offices/C05971/plan)" = 200 ] || fail "plan not 200"
[ "$(http_code /v1/offices/NOPE/plan)" = 404 ] || fail "unknown office not 404"
[ "$(curl -s -o /dev/null -w '%{http_code}' -I "http://127.0.0.1:$PORT/healthz")" = 200 ] || fail "HEAD /healthz"
[ "$(http_code /no/such/thing)" = 404 ] || fail "unknown path not 404"
scrape
[ "$(val postroute_http_requests_total "$P" code=200)" = $((ok0 + 1)) ] ||
    fail "a 200 of the plan route: $ok0 -> $(val postroute_http_requests_total "$P" code=200)"
[ "$(val postroute_http_requests_total "$P" code=404)" = $((nf0 + 1)) ] || fail "a 404 of the plan route"
[ "$(val postroute_http_request_duration_seconds_count "$P")" = $((n0 + 2)) ] || fail "the plan route's histogram"
[ "$(val postroute_http_requests_total handler=/metrics code=200)" = $((m0 + 1)) ] || fail "the last scrape"
[ "$(val postroute_http_requests_total handler=/healthz code=200)" = $((h0 + 1)) ] || fail "a HEAD /healthz"
[ "$(val postroute_http_requests_total handler=unmatched code=404)" = $((u0 + 1)) ] || fail "an unknown path"
grep -q 'handler="/v1/offices/C05971' "$T/m" && fail "a handler label with an office id in it"

# A solve fills the histogram, and the new office gets a plan age.
xadd "$(order_event order.created b1 1 1 05977)"
wait_for 20 "a plan of C05977" sh -c "curl -sf http://127.0.0.1:$PORT/v1/offices/C05977/plan >/dev/null"
scrape
[ "$(val postroute_solve_duration_seconds_count)" -gt "$s0" ] || fail "no solve in the histogram"
[ -n "$(val postroute_plan_age_seconds office=C05977)" ] || fail "no plan age for C05977"
# ... and order b1 waited for it once: from its XADD to that plan
[ "$(val postroute_order_plan_latency_seconds_count)" = $((l0 + 1)) ] ||
    fail "order -> plan latency: count $l0 -> $(val postroute_order_plan_latency_seconds_count), not one more"
awk -v a="$ls0" -v b="$(val postroute_order_plan_latency_seconds_sum)" 'BEGIN { exit !(b - a > 0 && b - a < 20) }' ||
    fail "order -> plan latency of b1: sum $ls0 -> $(val postroute_order_plan_latency_seconds_sum)"
M check "$T/m" 2>"$T/check" || fail "the page after solves: $(cat "$T/check")"

# ---- the lag --------------------------------------------------------------------------
# Redis 7.0 may miscount the group's entries-read (after loading the AOF):
# everything delivered must still be lag 0. Make Redis miscount it.
last=$(R XINFO STREAM postroute:events | awk 'p{print;exit} $0=="last-generated-id"{p=1}')
R XGROUP SETID postroute:events postrouted "$last" ENTRIESREAD 0 >/dev/null
xadd '{"type":"order.exploded","n":2}'
rlag=$(R XINFO GROUPS postroute:events | awk 'p{print;exit} $0=="lag"{p=1}')
wait_for 20 "the next dead letter in the metrics" metric_is postroute_deadletter_entries 3
rlag2=$(R XINFO GROUPS postroute:events | awk 'p{print;exit} $0=="lag"{p=1}')
[ "$rlag2" -gt 0 ] || log "note: Redis's lag is $rlag2 (was $rlag): its miscount did not happen here"
[ "$(val postroute_events_lag_entries)" = 0 ] ||
    fail "lag $(val postroute_events_lag_entries) with everything delivered (Redis says $rlag2)"

# ---- Redis down: the backlog figures go, the rest stays -------------------------------
stop_redis
backlog_gone() { scrape && [ -z "$(val postroute_deadletter_entries)" ]; }
wait_for 30 "the backlog figures to go" backlog_gone
M check "$T/m" 2>"$T/check" || fail "the page with Redis down: $(cat "$T/check")"
[ "$(val postroute_redis_up connection=command)" = 0 ] || fail "redis_up with Redis down"
kill9_daemon
log ok
