#!/usr/bin/env bash
# reliability-flood.sh: a flood of malformed and oversized events with good ones interleaved: every bad one dead-lettered with a reason, every good one applied, the daemon's memory bounded.
#
# Short form (make check): 20,000 entries. Long form (RELIABILITY_LONG=1):
# 1,000,000. FLOOD_EVENTS overrides; FLOOD_MAX_RSS_MB is the bound on the
# daemon's peak resident memory (VmHWM) that the test asserts.
. "$(dirname "$0")/lib/common.bash"
. "$(dirname "$0")/lib/reliability.bash"

if [ "$LONG" = 1 ]; then N=${FLOOD_EVENTS:-1000000}; else N=${FLOOD_EVENTS:-20000}; fi
MAX_RSS_MB=${FLOOD_MAX_RSS_MB:-256}

# One entry per line: 1 in 100 a good order.created, the others bad in
# twelve ways (not JSON, truncated, unknown type, missing or mistyped
# fields, absurd weight, unknown commune, nesting too deep, invalid UTF-8,
# pickup of an unknown order, not an object, time without an offset), and
# 1 in 120 oversized (4 to 20 KB).
LC_ALL=C awk -v n="$N" 'BEGIN {
	split("05971 05974 05977 05980 05983", c, " ");
	ts = "\"ts\":\"2026-08-20T08:00:00+07:00\"";
	deep = ""; for (d = 0; d < 3000; d++) deep = deep "[";
	pad = ""; for (d = 0; d < 20000; d++) pad = pad "x";
	for (i = 1; i <= n; i++) {
		id = "\"event_id\":\"f" i "\",\"order_id\":\"f" i "\",\"version\":1," ts;
		if (i % 100 == 0) {
			printf "{\"type\":\"order.created\",\"event_id\":\"g%d\",\"order_id\":\"g%d\",\"version\":1,%s,\"commune\":\"%s\",\"weight_kg\":2.5,\"promise_hours\":48,\"destination\":\"HN\"}\n", i, i, ts, c[i / 100 % 5 + 1];
			continue;
		}
		if (i % 120 == 7) {
			printf "{\"type\":\"order.created\",%s,\"pad\":\"%s\"}\n", id, substr(pad, 1, 4000 + (i * 7919) % 16000);
			continue;
		}
		k = i % 12;
		if (k == 0) printf "garbage %d\n", i;
		else if (k == 1) printf "{\"type\":\"order.created\",\"event_id\":\"f%d\"\n", i;
		else if (k == 2) printf "{\"type\":\"order.exploded\",%s}\n", id;
		else if (k == 3) printf "{\"type\":\"order.cancelled\",\"event_id\":\"f%d\",\"version\":1,%s}\n", i, ts;
		else if (k == 4) printf "{\"type\":\"order.cancelled\",\"event_id\":\"f%d\",\"order_id\":\"f%d\",\"version\":\"one\",%s}\n", i, i, ts;
		else if (k == 5) printf "{\"type\":\"order.created\",%s,\"commune\":\"05971\",\"weight_kg\":500,\"promise_hours\":48,\"destination\":\"HN\"}\n", id;
		else if (k == 6) printf "{\"type\":\"order.created\",%s,\"commune\":\"99999\",\"weight_kg\":1,\"promise_hours\":48,\"destination\":\"HN\"}\n", id;
		else if (k == 7) printf "%s\n", substr(deep, 1, 3000);
		else if (k == 8) printf "{\"type\":\"order.created\",%s,\"commune\":\"\377\376\",\"weight_kg\":1}\n", id;
		else if (k == 9) printf "{\"type\":\"pickup.completed\",%s}\n", id;
		else if (k == 10) printf "[1,2,3]\n";
		else printf "{\"type\":\"order.cancelled\",\"event_id\":\"f%d\",\"order_id\":\"f%d\",\"version\":1,\"ts\":\"2026-08-20T08:00:00\"}\n", i, i;
	}
}' >"$T/flood"
GOOD=$((N / 100))
BAD=$((N - GOOD))
grep '"order_id":"g' "$T/flood" >"$T/good.jsonl"

# The whole flood is in the stream before the daemon starts, so that the
# time measured is the daemon's (redis-cli --pipe loads it at about
# 10,000 entries/s, slower than the daemon drains them).
start_redis
write_conf "$T/pr.conf"
pipe_events "$T/flood"
t0=$(date +%s.%N)
start_daemon
rss0=$(rss_kb)
wait_for $((60 + N / 2000)) "every entry acked or dead-lettered" group_done
t1=$(date +%s.%N)
peak=$(peak_rss_kb)

dead=$(metric postroute_events_deadlettered_total)
applied=$(metric postroute_events_applied_total)
check_exactly_once "$T/good.jsonl"
# The reasons of the dead letters still in the stream (it is trimmed to
# about deadletter_maxlen entries).
R --raw XRANGE postroute:deadletter - + | awk 'prev == "reason" { print } { prev = $0 }' >"$T/reasons"
noreason=$(grep -c '^$' "$T/reasons" || true)
rate=$(awk -v n="$N" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", n / (b - a) }')
result "$N entries ($BAD bad, $GOOD good) in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s ($rate/s): dead-lettered $dead, applied $applied, good lost $LOST; daemon RSS $((rss0 / 1024)) MiB when ready, peak $((peak / 1024)) MiB"
sed 's/[0-9][0-9]*/N/g; s/"[^"]*"/"…"/g' "$T/reasons" | sort | uniq -c | sort -rn | head -n 14 >&2
# Exactly once unless a transaction's reply was lost (a reconnection):
# then its entries are read again and dead-lettered or applied again
# (at least once; the order state stays exact, as checked above).
reconnects=$(metric 'postroute_redis_reconnects_total{connection="command"}')
if [ "$reconnects" = 0 ]; then
	[ "$dead" = "$BAD" ] || fail "dead-lettered $dead entries, expected $BAD"
	[ "$applied" = "$GOOD" ] || fail "applied $applied events, expected $GOOD"
else
	log "$reconnects reconnections: entries may have been handled twice"
	[ "$dead" -ge "$BAD" ] || fail "dead-lettered $dead entries, expected at least $BAD"
	[ "$applied" -ge "$GOOD" ] || fail "applied $applied events, expected at least $GOOD"
fi
[ "$LOST" = 0 ] && [ "$DUP" = 0 ] || fail "good orders: lost $LOST, duplicated $DUP"
[ "$noreason" = 0 ] || fail "$noreason dead letters without a reason"
rss_bound "$peak" $((MAX_RSS_MB * 1024)) "the flood"
stop_daemon
log ok
