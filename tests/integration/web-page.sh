#!/usr/bin/env bash
# web-page.sh: the dispatcher's page in headless Chromium (tests/web/page_test.py) against a real redis-server and postrouted on a small scenario with households' contacts (dispatch and its undo, the sheet, no contact in the log); screenshots in build/.
. "$(dirname "$0")/lib/common.bash"

if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
	log "SKIP: chromium and chromium-driver are not installed (scripts/deps.sh installs them)"
	exit 0
fi
# Debian's python3 (python3-selenium), not one that a PATH may put first.
PY=/usr/bin/python3
"$PY" -c 'import selenium' 2>/dev/null ||
    fail "python3-selenium is missing for $PY (scripts/deps.sh installs it)"

OUT=${PR_BUILD:-$ROOT/build}
mkdir -p "$OUT"
start_redis
# No base map (the network is closed); the scenario is on the events'
# clock; each new order re-plans its office at once.
# Every office alone: the page test checks each office's own routes.
write_conf "$T/pr.conf" '[http]' 'tile_url =' '[planner]' 'group_km = 0'
POSTROUTE_PLANNER_BATCH_ORDERS=1 POSTROUTE_PLANNER_INTERVAL_S=600 start_daemon
PORT=$PORT REDIS_SOCK=$T/redis.sock ROOT=$ROOT OUT=$OUT LOG=$T/daemon.log HOME=$T PROFILE=$T/chrome \
    timeout $((240 * ${WAIT_SCALE:-1})) "$PY" "$ROOT/tests/web/page_test.py" ||
    fail "the page test failed"
stop_daemon
log ok
