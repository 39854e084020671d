# common.bash: helpers of the daemon's integration tests: a private redis-server, postrouted, waiting on conditions with deadlines.
# Sourced by tests/integration/*.sh (not a test itself: the Makefile runs *.sh only).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
POSTROUTED=${POSTROUTED:-$ROOT/build/postrouted}
REGION=$ROOT/config/regions/langson.json
T=$(mktemp -d "${TMPDIR:-/tmp}/postroute-test.XXXXXX")
REDIS_PID=
DAEMON_PID=
NAME=$(basename "$0" .sh)

log() { printf '%s: %s\n' "$NAME" "$*" >&2; }
fail() {
	log "FAIL: $*"
	if [ -f "$T/daemon.log" ]; then
		log "--- last lines of the daemon's log"
		tail -n 40 "$T/daemon.log" >&2
	fi
	exit 1
}

cleanup() {
	local rc=$?
	if [ -n "$DAEMON_PID" ] && kill -0 "$DAEMON_PID" 2>/dev/null; then
		kill -KILL "$DAEMON_PID" 2>/dev/null || true
		wait "$DAEMON_PID" 2>/dev/null || true
	fi
	if [ -n "$REDIS_PID" ] && kill -0 "$REDIS_PID" 2>/dev/null; then
		kill -KILL "$REDIS_PID" 2>/dev/null || true
		wait "$REDIS_PID" 2>/dev/null || true
	fi
	rm -rf "$T"
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# wait_for SECONDS WHAT COMMAND...: polls COMMAND every 50 ms until it
# succeeds or the deadline passes (SECONDS x WAIT_SCALE: valgrind runs use 6).
wait_for() {
	local secs=$(($1 * ${WAIT_SCALE:-1})) what=$2
	shift 2
	local deadline=$((SECONDS + secs))
	until "$@" >/dev/null 2>&1; do
		[ $SECONDS -lt $deadline ] || fail "timed out after ${secs}s waiting for $what"
		sleep 0.05
	done
}

R() { redis-cli -s "$T/redis.sock" "$@"; }

start_redis() {
	redis-server --port 0 --unixsocket "$T/redis.sock" --unixsocketperm 700 \
	    --dir "$T" --dbfilename dump.rdb --save '' --appendonly yes \
	    --appendfsync always ${REDIS_ARGS:-} >"$T/redis.log" 2>&1 &
	REDIS_PID=$!
	wait_for 10 "redis-server's socket" R PING
}

stop_redis() {
	kill -TERM "$REDIS_PID" 2>/dev/null || true
	wait "$REDIS_PID" 2>/dev/null || true
	REDIS_PID=
}

# write_conf FILE [extra INI lines...]
write_conf() {
	local f=$1
	shift
	cat >"$f" <<CONF
[redis]
socket = $T/redis.sock
backoff_min_ms = 50
backoff_max_ms = 500
command_timeout_ms = 3000
[streams]
consumer = ${CONSUMER:-test}
block_ms = 200
claim_interval_ms = 500
claim_idle_ms = 2000
[http]
port = 0
[planner]
region = $REGION
clock = events
interval_s = 1
debounce_ms = 50
batch_orders = 1000
cutoff_lead_s = 0
[solver]
workers = 2
time_limit = 0.2
stop_grace = 2
CONF
	local line
	for line in "$@"; do
		printf '%s\n' "$line" >>"$f"
	done
}

# log_since LINE PATTERN: PATTERN appears in daemon.log after line LINE.
# (grep reads to the end: with -q it would stop early and tail's SIGPIPE
# would fail the pipeline under pipefail when the log is long.)
log_since() { tail -n +"$(($1 + 1))" "$T/daemon.log" | grep -- "$2" >/dev/null; }
log_lines() { if [ -f "$T/daemon.log" ]; then wc -l <"$T/daemon.log"; else echo 0; fi; }

start_daemon() {
	local conf=${1:-$T/pr.conf} n0
	n0=$(log_lines)
	"$POSTROUTED" -c "$conf" -v >>"$T/daemon.log" 2>&1 &
	DAEMON_PID=$!
	wait_for 20 "the daemon to be ready" log_since "$n0" 'ready: consuming'
	wait_for 5 "the HTTP port" log_since "$n0" 'http: listening on'
	PORT=$(tail -n +"$((n0 + 1))" "$T/daemon.log" |
	    sed -n 's/.*http: listening on [^ ]* port \([0-9]*\).*/\1/p' | tail -n 1)
}

# stop_daemon: SIGTERM, which must end the daemon with status 0.
stop_daemon() {
	local rc=0
	kill -TERM "$DAEMON_PID"
	wait "$DAEMON_PID" || rc=$?
	DAEMON_PID=
	[ $rc -eq 0 ] || fail "postrouted exited with $rc after SIGTERM"
}

kill9_daemon() {
	kill -KILL "$DAEMON_PID"
	wait "$DAEMON_PID" 2>/dev/null || true
	DAEMON_PID=
}

http() { curl -sS --max-time 10 "http://127.0.0.1:$PORT$1"; }
http_code() { curl -s -o /dev/null -w '%{http_code}' --max-time 10 "http://127.0.0.1:$PORT$1"; }

# Communes of the region with their offices, for valid events.
COMMUNES=(05971 05974 05977 05980 05983)

# order_event TYPE ORDER VERSION [MINUTE] [COMMUNE] [WEIGHT]
order_event() {
	local type=$1 id=$2 v=$3 min=${4:-0} commune=${5:-05971} w=${6:-2.5}
	local ts
	ts=$(printf '2026-08-20T08:%02d:%02d+07:00' $((min / 60 % 60)) $((min % 60)))
	case $type in
	order.created|order.updated)
		printf '{"type":"%s","event_id":"%s-%s","order_id":"%s","version":%s,"ts":"%s","commune":"%s","weight_kg":%s,"promise_hours":48,"destination":"HN"}' \
		    "$type" "$id" "$v" "$id" "$v" "$ts" "$commune" "$w" ;;
	*)
		printf '{"type":"%s","event_id":"%s-%s","order_id":"%s","version":%s,"ts":"%s"}' \
		    "$type" "$id" "$v" "$id" "$v" "$ts" ;;
	esac
}

xadd() { R XADD postroute:events '*' event "$1" >/dev/null; }

# Entries of the group not yet delivered or not yet acked. (Not XINFO's
# "lag": Redis 7.0 miscounts entries-read after a restart from the AOF, and
# the lag then stays above 0 with everything delivered.) The stream's last
# id first, then the group's pending count and last delivered id from one
# reply: read apart, a delivery between them looked like "all acked"
# (daemon-events.sh under valgrind, where the ack comes late).
group_done() {
	local last groups delivered pending
	last=$(R XINFO STREAM postroute:events | awk 'p{print;exit} $0=="last-generated-id"{p=1}')
	groups=$(R XINFO GROUPS postroute:events)
	pending=$(awk 'p{print;exit} $0=="pending"{p=1}' <<<"$groups")
	delivered=$(awk 'p{print;exit} $0=="last-delivered-id"{p=1}' <<<"$groups")
	[ "$pending" = 0 ] && [ -n "$last" ] && [ "$delivered" = "$last" ]
}

# All latest plans as one JSON array.
all_plans() {
	local k
	for k in $(R --scan --pattern 'postroute:plan:*'); do
		R GET "$k"
		echo
	done | jq -s '.'
}
