#!/usr/bin/env bash
# daemon-config.sh: postrouted -t on good and bad configurations, environment overrides, SIGHUP with a broken file keeps the running configuration.
. "$(dirname "$0")/lib/common.bash"

expect_ok() { "$POSTROUTED" -t -c "$1" 2>"$T/err" || fail "-t rejected $1: $(cat "$T/err")"; }
# expect_bad FILE PATTERN: -t exits 1 and says PATTERN.
expect_bad() {
	local rc=0
	"$POSTROUTED" -t -c "$1" 2>"$T/err" || rc=$?
	[ $rc = 1 ] || fail "-t on $1 exited $rc, not 1"
	grep -q -- "$2" "$T/err" || fail "-t on $1 did not say '$2': $(cat "$T/err")"
}

expect_ok "$ROOT/config/postroute.conf"
write_conf "$T/good.conf"
expect_ok "$T/good.conf"

printf '[solver]\ntime_limit = 0.5\n[solver]\nworkers = lots\n' >"$T/bad1.conf"
expect_bad "$T/bad1.conf" "bad1.conf:4: \[solver\] workers: \"lots\" must be an integer"
printf '[http]\nport = 70000\n' >"$T/bad2.conf"
expect_bad "$T/bad2.conf" "bad2.conf:2: \[http\] port: \"70000\" is outside"
printf '[redis]\nhots = x\n' >"$T/bad3.conf"
expect_bad "$T/bad3.conf" "bad3.conf:2: \[redis\] hots: unknown key"
printf '[planner]\nregion = /nonexistent/region.json\n' >"$T/bad4.conf"
expect_bad "$T/bad4.conf" "region: /nonexistent/region.json"
printf '{"region": "x"}' >"$T/region.json"
printf '[planner]\nregion = region.json\n' >"$T/bad5.conf"   # relative to the file
expect_bad "$T/bad5.conf" "$T/region.json"
printf '[solver]\ntime_limit = 40\n' >"$T/bad6.conf"
expect_bad "$T/bad6.conf" "larger than max_time_limit"
printf 'no section here\n' >"$T/bad7.conf"
expect_bad "$T/bad7.conf" "bad7.conf:1: syntax error"
expect_bad "$T/missing.conf" "missing.conf: No such file"
POSTROUTE_SOLVER_WORKERS=0 expect_bad "$T/good.conf" "environment POSTROUTE_SOLVER_WORKERS"
POSTROUTE_PLANNER_CLOCK=sundial expect_bad "$T/good.conf" "must be one of wall events"
POSTROUTE_SOLVER_WORKERS=4 expect_ok "$T/good.conf"

# The man page is the table's.
"$POSTROUTED" --config-man | cmp -s - "$ROOT/docs/postroute.conf.5" ||
    fail "docs/postroute.conf.5 is stale: regenerate with postrouted --config-man"
"$POSTROUTED" --config-sample | cmp -s - "$ROOT/config/postroute.conf" ||
    fail "config/postroute.conf is stale: regenerate with postrouted --config-sample"

# SIGHUP: broken file -> old configuration kept; good file -> reloaded.
start_redis
write_conf "$T/pr.conf"
start_daemon
n0=$(log_lines)
cp "$T/pr.conf" "$T/pr.conf.good"
printf '[solver]\ntime_limit = fast\n' >>"$T/pr.conf"
kill -HUP "$DAEMON_PID"
wait_for 10 "the reload to fail" log_since "$n0" 'reload failed: keeping the running configuration'
log_since "$n0" 'time_limit: "fast" must be a number' || fail "reload error does not name the key"
[ "$(http_code /healthz)" = 200 ] || fail "unhealthy after a failed reload"
http /metrics | grep 'postroute_config_reloads_total{result="failed"} 1' >/dev/null || fail "failed reload not counted"
n0=$(log_lines)
cp "$T/pr.conf.good" "$T/pr.conf"
printf '[http]\nport = 1\n[solver]\ntime_limit = 0.3\n' >>"$T/pr.conf.tmp"
write_conf "$T/pr.conf" '[log]' 'verbose = 1'
sed -i 's/^port = 0$/port = 1/' "$T/pr.conf"
kill -HUP "$DAEMON_PID"
wait_for 10 "the reload" log_since "$n0" "reloaded $T/pr.conf"
log_since "$n0" 'http.port take effect after a restart' || fail "restart-only key not reported"
xadd "$(order_event order.created o1 1 1)"
wait_for 20 "the daemon to keep working" group_done
stop_daemon
log ok
