#!/usr/bin/env bash
# reliability-stall.sh: when the daemon cannot store batches (its Redis user may not HSET), the entries are not its fault: they stay pending and are retried with backoff, never dead-lettered however often they are delivered; /healthz says 503 "ingest stalled" after [streams] stall_s and postroute_ingest_stalls_total counts it; once storing works again the events are applied and health is back (issue 14).
. "$(dirname "$0")/lib/common.bash"
. "$(dirname "$0")/lib/reliability.bash"

start_redis
write_conf "$T/pr.conf" '[streams]' 'stall_s = 5' 'max_deliveries = 2'
start_daemon
xadd "$(order_event order.created o1 1 1)"
wait_for 20 "the first order stored" sh -c "[ \$(redis-cli -s $T/redis.sock HEXISTS postroute:orders o1) = 1 ]"
[ "$(http_code /healthz)" = 200 ] || fail "not healthy before the test: $(http /healthz)"

# The daemon's user (the default one here) may no longer write orders:
# every batch with an order fails as a whole (EXECABORT).
R ACL SETUSER default -hset >/dev/null
for i in 2 3 4; do xadd "$(order_event order.created o$i 1 "$i")"; done
stalled() { http /healthz | jq -e '.status == "degraded" and (.reason | test("ingest stalled"))' >/dev/null; }
wait_for 30 "/healthz to report the stall" stalled
log "healthz: $(http /healthz)"
[ "$(http_code /healthz)" = 503 ] || fail "a stalled ingest answered $(http_code /healthz), not 503"
[ "$(metric postroute_ingest_stalls_total)" -ge 1 ] || fail "the stall was not counted"
# Delivered again and again (max_deliveries is 2), and tried alone: the
# failure is the daemon's, so nothing is dead-lettered.
delivered() { [ "$(R XPENDING postroute:events postrouted - + 10 | awk 'NR % 4 == 0' | sort -n | tail -n 1)" -gt 3 ]; }
wait_for 30 "the entries delivered more than max_deliveries times" delivered
wait_for 30 "a try alone" log_since 0 'tried alone'
[ "$(R XLEN postroute:deadletter)" = 0 ] || fail "good events dead-lettered for the daemon's failure: $(R XRANGE postroute:deadletter - +)"
grep -q 'batches not stored in a row: trying again in' "$T/daemon.log" || fail "no backoff between the failed batches"

# Storing works again: everything is applied, nothing dead-lettered.
R ACL SETUSER default +hset >/dev/null
wait_group_done 60
for i in 2 3 4; do
	[ "$(R HEXISTS postroute:orders o$i)" = 1 ] || fail "order o$i was not applied after the stall"
done
[ "$(R XLEN postroute:deadletter)" = 0 ] || fail "dead letters after the stall: $(R XRANGE postroute:deadletter - +)"
[ "$(R HLEN postroute:ingest:alone)" = 0 ] || fail "tries alone left in Redis: $(R HGETALL postroute:ingest:alone)"
wait_for 20 "healthy again" sh -c "[ \$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:$PORT/healthz) = 200 ]"
result "stalled batches: $(metric postroute_store_transactions_failed_total) failed transactions, $(metric postroute_ingest_stalls_total) stall(s) reported, 0 dead-lettered, all applied afterwards"
stop_daemon
log ok
