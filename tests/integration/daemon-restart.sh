#!/usr/bin/env bash
# daemon-restart.sh: pending entries re-read at start, XAUTOCLAIM from a dead consumer, an entry delivered too often tried alone (applied when good, dead-lettered when the daemon died in two tries of it), kill -9 mid-stream -> no order lost or doubled.
. "$(dirname "$0")/lib/common.bash"

start_redis
write_conf "$T/pr.conf" '[streams]' 'batch = 50' 'max_deliveries = 3'

# push FROM TO: creates o<FROM>..o<TO>, and updates every 7th to version 2.
push() {
	local i
	for i in $(seq "$1" "$2"); do
		printf "XADD postroute:events * event '%s'\n" \
		    "$(order_event order.created o$i 1 $((i % 3000)) "${COMMUNES[$((i % 5))]}")"
		if [ $((i % 7)) = 0 ]; then
			printf "XADD postroute:events * event '%s'\n" \
			    "$(order_event order.updated o$i 2 $((i % 3000)) "${COMMUNES[$((i % 5))]}" 4)"
		fi
	done | R >/dev/null
}

# Entries left pending: two delivered too often and 40 at a dead consumer,
# 40 at this consumer (as after a crash). Of the two, "suspect" is a good
# event whose deliveries were lost to others' troubles: it is tried alone
# and applied. The daemon died in two earlier tries of "poison" alone (the
# count ingest keeps in Redis): it is dead-lettered.
R XGROUP CREATE postroute:events postrouted 0 MKSTREAM >/dev/null
suspect=$(R XADD postroute:events '*' event "$(order_event order.created suspect 1 0)")
poison=$(R XADD postroute:events '*' event "$(order_event order.created poison 1 0)")
R XREADGROUP GROUP postrouted dead COUNT 2 STREAMS postroute:events '>' >/dev/null
R XCLAIM postroute:events postrouted dead 0 "$suspect" "$poison" RETRYCOUNT 10 >/dev/null
R HSET postroute:ingest:alone "$poison" 2 >/dev/null
push 1 300
R XREADGROUP GROUP postrouted test COUNT 40 STREAMS postroute:events '>' >/dev/null
R XREADGROUP GROUP postrouted dead COUNT 40 STREAMS postroute:events '>' >/dev/null

start_daemon
wait_for 30 "all entries acked (claims included)" group_done
grep -q 're-reading 40 pending entries' "$T/daemon.log" || fail "own pending entries not re-read"
grep -q 'claimed' "$T/daemon.log" || fail "nothing was claimed from the dead consumer"
R XRANGE postroute:deadletter - + | grep 'stopped while storing this entry alone, 2 times (delivered 1[01] times)' >/dev/null ||
    fail "poison entry not dead-lettered: $(R XRANGE postroute:deadletter - +)"
[ "$(R HEXISTS postroute:orders poison)" = 0 ] || fail "poison entry was applied"
[ "$(R HEXISTS postroute:orders suspect)" = 1 ] || fail "a good entry delivered too often was not applied"
[ "$(R XLEN postroute:deadletter)" = 1 ] || fail "more than the poison entry dead-lettered"
[ "$(R HLEN postroute:ingest:alone)" = 0 ] || fail "tries alone left in Redis: $(R HGETALL postroute:ingest:alone)"

# kill -9 while events keep coming, restart, and again.
push 301 2000 &
pusher=$!
wait_for 20 "some of the new entries acked" sh -c "[ \$(redis-cli -s $T/redis.sock HLEN postroute:orders) -gt 400 ]"
kill9_daemon
start_daemon
kill9_daemon
start_daemon
wait "$pusher"
wait_for 60 "all entries acked after the restarts" group_done

n=2000
[ "$(R HLEN postroute:orders)" = $((n + 1)) ] || fail "expected $n orders, Redis has $(R HLEN postroute:orders)"
open=0
for c in C05971 C05974 C05977 C05980 C05983; do
	open=$((open + $(R SCARD postroute:office:$c:open)))
done
[ $open = $((n + 1)) ] || fail "office indexes hold $open orders, expected $n"
# Versions: every 7th order was updated.
R HGETALL postroute:orders | awk 'NR % 2 == 0' | jq -r '[.e.order_id, .v] | @tsv' | grep -v '^suspect' >"$T/versions"
bad=$(awk '{ id = substr($1, 2) + 0; want = (id % 7 == 0) ? 2 : 1; if ($2 != want) print }' "$T/versions" | head)
[ -z "$bad" ] || fail "wrong versions: $bad"

# The plans: every order exactly once.
expect=$({ seq 1 $n | sed 's/^/o/'; echo suspect; } | sort)
plans_complete() {
	got=$(all_plans | jq -r '.[] | (.routes[].stops[].order_id), (.unassigned[].order_id)' | sort)
	[ "$got" = "$expect" ]
}
wait_for 60 "every order in exactly one plan" plans_complete
stop_daemon
log ok
