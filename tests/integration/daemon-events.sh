#!/usr/bin/env bash
# daemon-events.sh: events in -> plans out (household contacts carried into the stops, never logged); malformed events and contacts -> dead-letter with reasons naming the field; HTTP API, dispatch and its undo; SIGTERM exits 0.
. "$(dirname "$0")/lib/common.bash"

start_redis
write_conf "$T/pr.conf"

# with_contact EVENT NAME PHONE [ADDRESS]: the event with a household contact.
with_contact() {
	local extra=
	[ -z "${4:-}" ] || extra=$(printf ',"address":"%s"' "$4")
	printf '%s,"contact":{"name":"%s","phone":"%s"%s}}' "${1%\}}" "$2" "$3" "$extra"
}
# Households of the first ten orders (o2 without an address): names and
# phones that must reach the plans and never the daemon's log.
NAMES=() PHONES=()
for i in $(seq 1 10); do
	NAMES[i]="Nông Thị Hương $i"
	PHONES[i]=$(printf '09%08d' $((12345670 + i)))
done

# 30 orders over five communes (five offices), then updates, a cancel.
n=30
for i in $(seq 1 $n); do
	c=${COMMUNES[$((i % 5))]}
	ev=$(order_event order.created o$i 1 "$i" "$c")
	if [ $i -le 10 ]; then
		addr="Bản Nà Tèo $i, xã Hồng Phong"
		[ $i != 2 ] || addr=
		ev=$(with_contact "$ev" "${NAMES[i]}" "${PHONES[i]}" "$addr")
	fi
	xadd "$ev"
done
# an update carries the whole order, its contact too
xadd "$(with_contact "$(order_event order.updated o1 2 40 05971 7.5)" "${NAMES[1]}" "${PHONES[1]}" "Bản Nà Tèo 1, xã Hồng Phong")"
xadd "$(order_event order.created o2 1 41 05974 9)"      # stale replay
xadd "$(order_event order.cancelled o3 2 42)"
# Malformed: each must be dead-lettered with a reason.
xadd 'this is not json'
xadd '{"type":"order.exploded","event_id":"b1","order_id":"b1","version":1,"ts":"2026-08-20T08:00:00+07:00"}'
xadd "$(order_event order.created b2 1 0 99999)"           # unknown commune
xadd "$(order_event order.created b3 1 0 05971 500)"       # absurd weight
xadd '{"type":"order.created","event_id":"b4","order_id":"b4","version":"one","ts":"2026-08-20T08:00:00+07:00"}'
xadd "$(order_event pickup.completed nosuchorder 2 5)"    # unknown order
R XADD postroute:events '*' other field >/dev/null        # no event field
big=$(head -c 5000 /dev/zero | tr '\0' x)
xadd "{\"type\":\"order.created\",\"pad\":\"$big\"}"          # oversized
# Bad contacts: each dead-lettered with a reason naming the field, which
# never quotes the contact.
long=$(head -c 81 /dev/zero | tr '\0' a)
xadd "$(with_contact "$(order_event order.created c1 1 0)" "Hoàng Văn Dài$long" 0912000001)"
xadd "$(with_contact "$(order_event order.created c2 1 0)" "$(printf 'L\xffc Văn Sai')" 0912000002)"
xadd "$(order_event order.created c3 1 0 | sed 's/}$/,"contact":{"name":"Vi Thị Mơ","email":"mo@example.vn"}}/')"
xadd "$(order_event order.created c4 1 0 | sed 's/}$/,"contact":{"name":"Lý Văn Số","phone":912000004}}/')"
xadd "$(order_event order.created c5 1 0 | sed 's/}$/,"contact":"Mã Thị Chuỗi 0912000005"}/')"
xadd "$(with_contact "$(order_event order.created c6 1 0)" "Triệu Văn Gọi" "goi 0912")"
xadd "$(order_event order.created c7 1 0 | sed 's/}$/,"contact":{"phone" "0912000007"}}/')"
bad=15
BAD_CONTACTS=("Dài" "Sai" "Mơ" "mo@example" "Số" "912000004" "Chuỗi" "Gọi" "0912000007")

# freeze_s 0: the routes of this day leave minutes after the event clock, and
# the freeze rule (tests/integration/live-day.sh) would dispatch them itself.
POSTROUTE_PLANNER_FREEZE_S=0 start_daemon
wait_for 20 "all entries acked" group_done
[ "$(R XLEN postroute:deadletter)" = $bad ] ||
    fail "expected $bad dead letters, got $(R XLEN postroute:deadletter)"
R XRANGE postroute:deadletter - + >"$T/dl.txt"
for reason in 'not JSON' 'unknown type' 'unknown commune' 'weight_kg' \
    'event.version' 'unknown order' 'no "event" field' 'bytes, more than' \
    'event.contact.name: 97 bytes, more than 80' \
    'event.contact.name: is not valid UTF-8' \
    'event.contact.email: unknown key' 'event.contact.phone: must be a string' \
    'event.contact: must be an object' 'event.contact.phone: must be a phone number' \
    "event: not JSON: ':' expected"; do
	grep -q -- "$reason" "$T/dl.txt" || fail "no dead letter says '$reason'"
done
# The reasons name the field and quote nothing of the contact (the
# dead-letter entry keeps the payload itself, for the marketplace).
R --raw XRANGE postroute:deadletter - + | awk 'p{print; p=0} $0=="reason"{p=1}' >"$T/reasons.txt"
for s in "${BAD_CONTACTS[@]}"; do
	if grep -qF -- "$s" "$T/reasons.txt"; then
		fail "a dead-letter reason quotes the contact ('$s'): $(grep -F -- "$s" "$T/reasons.txt")"
	fi
done
R --raw XRANGE postroute:deadletter - + | grep -F 'Vi Thị Mơ' >/dev/null ||
    fail "the dead-letter entry does not keep the payload"
# Every dead letter carries the original id and the payload.
[ "$(grep -c '^id$' "$T/dl.txt")" = $bad ] || fail "dead letters without id"

# Every open order appears exactly once over the latest plans.
expect=$(for i in $(seq 1 $n); do [ $i = 3 ] || echo o$i; done | sort)
plans_complete() {
	got=$(all_plans | jq -r '.[] | (.routes[].stops[].order_id), (.unassigned[].order_id)' | sort)
	[ "$got" = "$expect" ]
}
wait_for 30 "every order in exactly one plan" plans_complete
# The update is in: o1 weighs 7.5 kg.
all_plans | jq -e '[.[] | .routes[].stops[] | select(.order_id == "o1") | .weight_kg] == [7.5]' >/dev/null ||
    fail "o1 does not carry its update"
[ "$(R HLEN postroute:orders)" = $n ] || fail "orders hash has $(R HLEN postroute:orders) records"
# Contacts: kept in the order record, carried into the plans' stops with
# the commune's name; the address only where the event gave one.
R HGET postroute:orders o4 | jq -e --arg n "${NAMES[4]}" '.e.contact.name == $n' >/dev/null ||
    fail "o4's record has no contact: $(R HGET postroute:orders o4)"
for i in 1 2 4 5 6 7 8 9 10; do	# o3 is cancelled
	all_plans | jq -e --arg o "o$i" --arg n "${NAMES[i]}" --arg p "${PHONES[i]}" --argjson i "$i" '
	    [.[] | .routes[].stops[] | select(.order_id == $o)] | length == 1 and
	    (.[0].contact.name == $n and .[0].contact.phone == $p) and
	    (.[0].commune_name | startswith("Phường") or startswith("Xã") or startswith("Thị trấn")) and
	    (if $i == 2 then (.[0].contact | has("address") | not)
	     else .[0].contact.address == "Bản Nà Tèo \($i), xã Hồng Phong" end)' >/dev/null ||
	    fail "o$i's stop does not carry its contact: $(all_plans | jq -c --arg o "o$i" '[.[] | .routes[].stops[] | select(.order_id == $o)]')"
done
all_plans | jq -e '[.[] | .routes[].stops[] | select(.order_id == "o20") | has("contact")] == [false]' >/dev/null ||
    fail "o20 has a contact it was never given"
# What the page needs beside: the office's point, each route's line-haul.
all_plans | jq -e 'all(.[]; (.office_location | length) == 2 and
    all(.routes[]; (.linehaul.depart | type) == "string" and .linehaul.cutoff < .linehaul.depart and
        .can_undo == false))' >/dev/null ||
    fail "plans without office_location, linehaul or can_undo: $(all_plans | jq -c '[.[] | {office_location, routes: [.routes[] | {linehaul, can_undo}]}]')"
[ "$(R SISMEMBER postroute:office:C05977:open o3)" = 0 ] || fail "cancelled o3 still indexed"
[ "$(R XLEN postroute:plans)" -ge 5 ] || fail "plans stream has $(R XLEN postroute:plans) entries"

# HTTP
[ "$(http_code /healthz)" = 200 ] || fail "healthz is not 200"
http /metrics >"$T/metrics"
grep -q "^postroute_events_deadlettered_total $bad$" "$T/metrics" || fail "metrics: dead letters"
grep -q '^postroute_redis_up{connection="read"} 1$' "$T/metrics" || fail "metrics: redis_up"
grep -q '^postroute_solve_duration_seconds_count [1-9]' "$T/metrics" || fail "metrics: solves"
grep -q '^postroute_orders_pending 29$' "$T/metrics" || fail "metrics: pending orders"
http /v1/offices/C05971/plan | jq -e '.office == "C05971" and .version >= 1' >/dev/null || fail "plan JSON"
# GeoJSON (RFC 7946): a bbox around every point; stops with their times.
http /v1/offices/C05971/plan.geojson | jq -e '.type == "FeatureCollection" and
    (.bbox | length == 4) and .bbox[0] <= .bbox[2] and .bbox[1] <= .bbox[3] and
    (.bbox as $b | all(.features[] | select(.geometry.type == "Point") | .geometry.coordinates;
        .[0] >= $b[0] and .[0] <= $b[2] and .[1] >= $b[1] and .[1] <= $b[3])) and
    all(.features[] | select(.properties.kind == "stop") | .properties;
        (.arrival | type) == "string" and (.latest | type) == "string" and (.weight_kg > 0)) and
    all(.features[]; .properties | has("contact") | not)' >/dev/null ||
    fail "plan GeoJSON: $(http /v1/offices/C05971/plan.geojson | head -c 400)"
[ "$(http_code /v1/offices/NOPE/plan)" = 404 ] || fail "unknown office not 404"
curl -sS --max-time 30 -X POST --data-binary @"$ROOT/examples/langson-small.json" \
    "http://127.0.0.1:$PORT/v1/solve?time_limit=0.5" >"$T/solve.json"
jq -e '.routes | length >= 1' "$T/solve.json" >/dev/null || fail "POST /v1/solve: $(head -c 300 "$T/solve.json")"
[ "$(curl -s -o /dev/null -w '%{http_code}' -X POST --data 'nonsense' "http://127.0.0.1:$PORT/v1/solve")" = 400 ] ||
    fail "a bad problem is not 400"
# A VROOM field postroute does not support is refused with the reader's
# line, as by postrouted --solve (issue 15).
printf '%s\n' '{"vehicles":[{"id":1,"start":[106.7,21.8],"end":[106.7,21.8]}],"jobs":[],
  "shipments":[{"pickup":{"id":10,"location":[106.73,21.82]},"delivery":{"id":11,"location":[106.74,21.83]}}]}' >"$T/shipments.json"
code=$(curl -s -o "$T/refused.json" -w '%{http_code}' -X POST --data-binary @"$T/shipments.json" "http://127.0.0.1:$PORT/v1/solve")
[ "$code" = 400 ] || fail "POST /v1/solve with shipments: HTTP $code"
jq -e '.error == "shipments[0]: shipments are not supported (a pickup and its delivery on one vehicle); give jobs with \"pickup\" or \"delivery\""' \
    "$T/refused.json" >/dev/null || fail "POST /v1/solve with shipments: $(cat "$T/refused.json")"

# Vehicle ids name the date and trip slot, not the day of the horizon, so
# that a pinned id means the same trip after midnight.
all_plans | jq -e '[.[] | .routes[].vehicle | test("^[a-z]+[0-9]+[.]2026082[01]t[0-9]+$")] | all' >/dev/null ||
    fail "vehicle ids without the date: $(all_plans | jq -c '[.[] | .routes[].vehicle]')"
all_plans | jq -e 'all(.[]; .moved == [])' >/dev/null || fail "moves without an overloaded office"

# Dispatch: a route handed to a driver keeps its stops, in their order, on
# its vehicle when the office is planned again (pinned heads).
plan=$(http /v1/offices/C05971/plan)
veh=$(jq -r '.routes[0].vehicle' <<<"$plan")
stops=$(jq -c '.routes[0].stops | map(.order_id)' <<<"$plan")
[ "$(curl -s -o /dev/null -w '%{http_code}' -X POST \
    "http://127.0.0.1:$PORT/v1/offices/C05971/routes/$veh/dispatch")" = 200 ] ||
    fail "dispatching $veh"
xadd "$(order_event order.created d1 1 50 05971)"
has_d1() { http /v1/offices/C05971/plan | jq -e '[.routes[].stops[].order_id, .unassigned[].order_id] | index("d1")' >/dev/null; }
wait_for 30 "a plan of C05971 with the new order" has_d1
http /v1/offices/C05971/plan | jq -e --arg v "$veh" --argjson s "$stops" '
	[.routes[] | select(.vehicle == $v)] | length == 1 and
	(.[0].dispatched) and (.[0].stops | map(.order_id))[0:($s | length)] == $s' >/dev/null ||
    fail "dispatched route $veh lost its stops $stops: $(http /v1/offices/C05971/plan | jq -c '[.routes[] | {vehicle, dispatched, stops: (.stops | map(.order_id))}]')"
expect=$( (echo "$expect"; echo d1) | sort)

# Clustering: 40 parcels of 30 kg at C05983 are more than its three
# motorbikes carry in a day (3 x 5 trips x 80 kg x 0.85 = 1020 kg), so
# some move to neighbouring offices, which say so; every order is still
# in exactly one plan (the moved ones no longer in C05983's).
for i in $(seq 1 40); do
	xadd "$(order_event order.created h$i 1 $((100 + i)) 05983 30)"
done
expect=$( (echo "$expect"; for i in $(seq 1 40); do echo h$i; done) | sort)
moved_out() {
	all_plans | jq -e '[.[] | .moved[] | select(.from == "C05983" and .reason == "capacity_kg")] | length >= 1' >/dev/null
}
wait_for 40 "pickups moved away from the overloaded office" moved_out
wait_for 30 "every order in exactly one plan after the moves" plans_complete
all_plans | jq -e '[.[] | select(.office != "C05983") | .moved[].order_id | startswith("h")] | all' >/dev/null ||
    fail "moved orders that are not C05983's heavy parcels"
http /v1/offices/C05983/plan | jq -e '[.moved[] | select(.reason != "group")] == []' >/dev/null ||
    fail "C05983 lists moves into itself"

# Stability accounting: every plan after the first counts the orders of
# the last plan's routes that it routes again, on the same vehicle or not.
R --raw XRANGE postroute:plans - + | grep '^{' | jq -s -e '
	group_by(.office) | map(sort_by(.version)) | map(
	    . as $p | range(1; length) | [$p[. - 1], $p[.]]) |
	all(.[]; .[0] as $a | .[1] as $b |
	    # dispatched since $a was published: dispatched in $b
	    ([$b.routes[] | select(.dispatched) | .vehicle]) as $disp |
	    ([$a.routes[] | select((.dispatched | not) and
	        (.vehicle as $v | $disp | index($v) | not)) |
	        .stops[].order_id]) as $was |
	    ([$b.routes[].stops[].order_id]) as $now |
	    ($b.stats.kept_routes | type) == "boolean" and
	    $b.stats.orders_kept + $b.stats.orders_moved ==
	    ([$was[] | select(. as $o | $now | index($o))] | length))' >/dev/null ||
    fail "plans: orders_kept + orders_moved do not count the last plan's routed orders"
R --raw XRANGE postroute:plans - + | grep '^{' | jq -s -e '[.[] | .stats.orders_kept] | add > 0' >/dev/null ||
    fail "no plan kept any order on its vehicle"

# A clock.tick changes no order: acknowledged, not dead-lettered, and
# /healthz has it (2026-08-20T09:00:00+07:00).
dl=$(R XLEN postroute:deadletter)
xadd '{"type":"clock.tick","event_id":"tick-1","ts":"2026-08-20T09:00:00+07:00"}'
ticked() { [ "$(http /healthz | jq -r '.last_tick')" = 1787191200 ] && group_done; }
wait_for 10 "the tick in /healthz" ticked
[ "$(R XLEN postroute:deadletter)" = "$dl" ] || fail "a clock.tick was dead-lettered"
http /healthz | jq -e '.clock_epoch == 1787191200 and (.plans_pending | type) == "number" and
    (.plans_published | type) == "number"' >/dev/null || fail "healthz: $(http /healthz)"

# Undo a dispatch: 200 and the next plan (in Redis) says it is not
# dispatched; 404 for no such route; 409 once a stop is picked up.
post() { curl -s -o "$T/post.json" -w '%{http_code}' --max-time 10 -X POST "http://127.0.0.1:$PORT$1"; }
veh=$(http /v1/offices/C05974/plan | jq -r '.routes[0].vehicle')
[ "$(post /v1/offices/C05974/routes/$veh/dispatch)" = 200 ] || fail "dispatching $veh at C05974"
stored() { R GET postroute:plan:C05974 | jq -e --arg v "$veh" --argjson d "$1" --argjson u "$2" \
    '[.routes[] | select(.vehicle == $v) | .dispatched == $d and .can_undo == $u] == [true]'; }
wait_for 20 "C05974's plan with $veh dispatched, can_undo" stored true true
[ "$(post /v1/offices/C05974/routes/$veh/undispatch)" = 200 ] &&
    jq -e '. == {"dispatched": false}' "$T/post.json" >/dev/null ||
    fail "undispatch of $veh: $(cat "$T/post.json")"
wait_for 20 "C05974's plan with $veh no longer dispatched" stored false false
[ "$(post /v1/offices/C05974/routes/nosuchvehicle/undispatch)" = 404 ] || fail "undispatch of no route is not 404"
[ "$(post /v1/offices/NOPE/routes/$veh/undispatch)" = 404 ] || fail "undispatch at no office is not 404"
[ "$(post /v1/offices/C05974/routes/$veh/dispatch)" = 200 ] || fail "dispatching $veh again"
wait_for 20 "$veh dispatched again" stored true true
first=$(R GET postroute:plan:C05974 | jq -r --arg v "$veh" '.routes[] | select(.vehicle == $v) | .stops[0].order_id')
xadd "$(order_event pickup.completed "$first" 9 200 | sed "s/}\$/,\"vehicle\":\"$veh\"}/")"
# until the next plan is published the route may still say can_undo:
# the API already refuses
refused() { [ "$(post /v1/offices/C05974/routes/$veh/undispatch)" = 409 ]; }
wait_for 20 "undispatch refused (409) after $first was picked up" refused
wait_for 20 "C05974's plan: $veh dispatched, no undo" stored true false

# No contact ever reaches the daemon's log (it ran with -v).
for i in $(seq 1 10); do
	! grep -qF -e "${NAMES[i]}" -e "${PHONES[i]}" "$T/daemon.log" ||
	    fail "the daemon's log has o$i's contact: $(grep -F -e "${NAMES[i]}" -e "${PHONES[i]}" "$T/daemon.log" | head -n 3)"
done
for s in "${BAD_CONTACTS[@]}"; do
	! grep -qF -- "$s" "$T/daemon.log" || fail "the daemon's log quotes a refused contact ('$s')"
done
stop_daemon

# After a restart the stored plan still says no undo (can_undo), before
# any new plan. (The first plans wait for the debounce: with clock =
# events and no new event they would be planned on the wall clock's date,
# whose trips have other vehicle ids.)
n0=$(log_lines)
POSTROUTE_PLANNER_FREEZE_S=0 POSTROUTE_PLANNER_DEBOUNCE_MS=$((10000 * ${WAIT_SCALE:-1})) start_daemon
wait_for 20 "the stored plans to be loaded" log_since "$n0" 'stored plans loaded'
[ "$(post /v1/offices/C05974/routes/$veh/undispatch)" = 409 ] ||
    fail "after a restart, undispatch of $veh is $(cat "$T/post.json"), not 409"
stop_daemon
log ok
