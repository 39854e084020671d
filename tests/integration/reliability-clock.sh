#!/usr/bin/env bash
# reliability-clock.sh: the planning clock cannot be poisoned (issue 14): under clock = events an event dated 9999 is dead-lettered with a reason instead of moving every plan to the year 10000; times before 2000 and versions above 2^53 are refused by name; the event clock is stored with the batch that moved it and a restart plans from it, not from the wall clock.
. "$(dirname "$0")/lib/common.bash"
. "$(dirname "$0")/lib/reliability.bash"

plan() { R GET postroute:plan:C05971; }
plan_version() { plan | jq -r '.version // 0' 2>/dev/null || echo 0; }
plan_newer() { [ "$(plan_version)" -gt "$1" ]; }
dl_has() { R --raw XRANGE postroute:deadletter - + | grep -F -- "$1" >/dev/null; }

start_redis
write_conf "$T/pr.conf"    # [planner] clock = events
start_daemon
for i in 1 2 3; do xadd "$(order_event order.created o$i 1 "$i")"; done
wait_group_done 20
wait_for 30 "a first plan" plan_newer 0
case $(plan | jq -r .plan_time) in 2026-08-20T08:00:0*) ;; *) fail "plan_time $(plan | jq -r .plan_time)" ;; esac

# The poison: a valid order dated 9999, and the refused values.
xadd "$(order_event order.created p1 1 4 | sed 's/"ts":"[^"]*"/"ts":"9999-12-31T23:59:59+07:00"/')"
xadd "$(order_event order.created p2 1 5 | sed 's/"ts":"[^"]*"/"ts":"1970-01-01T07:00:00+07:00"/')"
xadd "$(order_event order.created p3 9007199254740993 6)"
wait_group_done 20
dl_has 'event.ts: 9999-12-31T23:59:59+07:00 is ' || fail "the event of 9999 was not dead-lettered by its ts: $(R --raw XRANGE postroute:deadletter - +)"
dl_has 'ahead of the clock' || fail "no reason for the event of 9999"
dl_has 'event.ts: 1970-01-01T07:00:00+07:00 is before 2000-01-01' || fail "a time in 1970 was not refused by name"
dl_has 'event.version: 9007199254740993 is larger than 2^53' || fail "a version above 2^53 was not refused by name"
for id in p1 p2 p3; do [ "$(R HEXISTS postroute:orders $id)" = 0 ] || fail "$id was applied"; done

# The clock moved with the last good event only, in Redis too.
v=$(plan_version)
xadd "$(order_event order.created o4 1 7)"
wait_for 30 "a plan with the fourth order" plan_newer "$v"
pt=$(plan | jq -r .plan_time)
[ "$pt" = 2026-08-20T08:00:07+07:00 ] || fail "plan_time $pt after the poison, expected 2026-08-20T08:00:07+07:00"
want=$(date -d 2026-08-20T08:00:07+07:00 +%s)
wait_for 10 "the event clock stored" sh -c "[ \"\$(redis-cli -s $T/redis.sock GET postroute:clock)\" = $want ]"

# A restart plans from the stored clock (it planned from the wall clock,
# 211 of 211 orders of an office at risk).
stop_daemon
v=$(plan_version)
start_daemon
wait_for 30 "a plan after the restart" plan_newer "$v"
pt2=$(plan | jq -r .plan_time)
[ "$pt2" = "$pt" ] || fail "after a restart plan_time is $pt2, not the stored clock $pt"
result "event of 9999-12-31 dead-lettered: $(R --raw XRANGE postroute:deadletter - + | grep -m 1 'ahead of the clock'); plan_time $pt before and after a restart"
stop_daemon
log ok
