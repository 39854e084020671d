#!/usr/bin/env bash
# solve-vroom.sh: postrouted --solve on VROOM-shaped problems (issue 15): a field it does not support exits 2 with one line naming its JSON path and VROOM's error object on stdout; deliveries, skills, breaks and costs come back in an answer a VROOM user reads.
. "$(dirname "$0")/lib/common.bash"

# The problem of issue 15.
cat >"$T/issue.json" <<'JSON'
{"vehicles":[{"id":1,"start":[106.7,21.8],"end":[106.7,21.8],"capacity":[10],"skills":[1]}],
 "jobs":[{"id":1,"location":[106.71,21.81],"delivery":[3],"skills":[2]},{"id":2,"location":[106.72,21.80],"pickup":[2]}],
 "shipments":[{"amount":[1],"pickup":{"id":10,"location":[106.73,21.82]},"delivery":{"id":11,"location":[106.74,21.83]}}]}
JSON
rc=0
timeout 30 "$POSTROUTED" --solve "$T/issue.json" >"$T/out" 2>"$T/err" || rc=$?
[ "$rc" = 2 ] || fail "shipments: exit $rc, expected 2"
[ "$(wc -l <"$T/err")" = 1 ] || fail "shipments: more than one line on stderr: $(cat "$T/err")"
grep -q '^postrouted: .*issue.json: shipments\[0\]: shipments are not supported' "$T/err" ||
    fail "shipments: stderr says $(cat "$T/err")"
jq -e '.code == 2 and (.error | startswith("shipments[0]:"))' "$T/out" >/dev/null ||
    fail "shipments: stdout says $(cat "$T/out")"

# Any other unknown key, at any depth, is refused by its path.
for case in 'jobs[0].colour|{"vehicles":[{"id":1}],"jobs":[{"id":1,"location":[1,2],"colour":"red"}]}' \
    'vehicles[0].breaks[0].max_load|{"vehicles":[{"id":1,"breaks":[{"id":1,"max_load":[2]}]}],"jobs":[]}' \
    'vehicles[0].costs.per_task_hour|{"vehicles":[{"id":1,"costs":{"per_task_hour":1}}],"jobs":[]}' \
    'matrix|{"vehicles":[{"id":1}],"jobs":[],"matrix":[[0]]}' \
    'extra|{"vehicles":[{"id":1}],"jobs":[],"extra":1}'; do
	path=${case%%|*}
	printf '%s\n' "${case#*|}" >"$T/p.json"
	rc=0
	timeout 30 "$POSTROUTED" --solve "$T/p.json" >"$T/out" 2>"$T/err" || rc=$?
	[ "$rc" = 2 ] || fail "$path: exit $rc, expected 2"
	grep -qF ": $path: " "$T/err" || fail "$path: stderr says $(cat "$T/err")"
done

# Without the shipments: the delivery is loaded at the start, the job
# needing skill 2 is left out (skills), ids come back as integers.
jq 'del(.shipments)' "$T/issue.json" >"$T/ok.json"
timeout 60 "$POSTROUTED" --solve "$T/ok.json" --iterations 200 >"$T/out" 2>"$T/err" ||
    fail "without shipments: $(cat "$T/err")"
jq -e '.code == 0 and .unassigned[0].id == 1 and .unassigned[0].reason == "skills"
    and .routes[0].steps[1].type == "job" and .routes[0].steps[1].id == 2
    and .summary.computing_times.loading == 0 and .summary.computing_times.solving == 0' \
    "$T/out" >/dev/null || fail "without shipments: $(cat "$T/out")"

# A VROOM-style round: a delivery and a pickup, a lunch break, costs.
cat >"$T/round.json" <<'JSON'
{"vehicles":[{"id":7,"description":"van","start":[106.7,21.8],"end":[106.7,21.8],"capacity":[10],
   "time_window":[28800,61200],"costs":{"fixed":500,"per_hour":3600},
   "breaks":[{"id":1,"description":"lunch","time_windows":[[43200,46800]],"service":3600}]}],
 "jobs":[{"id":1,"location":[106.71,21.81],"delivery":[6],"service":300,"setup":60},
         {"id":2,"location":[106.72,21.80],"pickup":[6],"service":300,"time_windows":[[43000,50000]]}]}
JSON
timeout 60 "$POSTROUTED" --solve "$T/round.json" --iterations 200 >"$T/out" 2>"$T/err" ||
    fail "round: $(cat "$T/err")"
jq -e '.code == 0 and .summary.unassigned == 0 and .routes[0].vehicle == 7
    and .routes[0].description == "van"
    and ([.routes[0].steps[].type] == ["start","job","job","break","end"] or
         [.routes[0].steps[].type] == ["start","job","break","job","end"])
    and ([.routes[0].steps[] | select(.type == "break") | .service_start >= 43200 and .service_start <= 46800] | all)
    and .routes[0].steps[0].load == [6]
    and (.routes[0].cost > 500)' "$T/out" >/dev/null || fail "round: $(cat "$T/out")"
log "ok"
