#!/usr/bin/env bash
# cluster-watchdog.sh: the systemd notifications of a solve worker (postrouted --worker) and of the daemon, read from NOTIFY_SOCKET as systemd would: READY=1, then WATCHDOG=1 at half of WATCHDOG_USEC from the event loop, also while the worker plans a job longer than WATCHDOG_USEC (the solve is on a thread, not on the loop).
. "$(dirname "$0")/lib/common.bash"
. "$(dirname "$0")/lib/reliability.bash"
. "$(dirname "$0")/lib/cluster.bash"

# WatchdogSec=2s (systemd kills after 2 s without a ping); every solve
# takes its whole time_limit (time_per_pickup 0): 4 s, twice WatchdogSec.
# Both stretched by WAIT_SCALE (ThreadSanitizer).
WD_USEC=$((2000000 * ${WAIT_SCALE:-1}))
SOLVE_S=$((4 * ${WAIT_SCALE:-1}))
conf() {
	local f=$1 consumer=$2
	CONSUMER=$consumer write_conf "$f" '[cluster]' 'remote_workers = yes' \
	    "job_claim_ms = $((3000 * ${WAIT_SCALE:-1}))" 'job_timeout_s = 60'
	sed -i "s/^time_limit = .*/time_limit = $SOLVE_S\ntime_per_pickup = 0/; s/^workers = .*/workers = 1/" "$f"
}

# listen NAME: a datagram socket $T/NAME.sock, as systemd's notify socket;
# each message line goes to $T/NAME.notify as "<wall seconds> <line>".
listen() {
	python3 - "$T/$1.sock" "$T/$1.notify" <<'PY' &
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "a", buffering=1) as out:
    while True:
        data = s.recv(65536).decode("utf-8", "replace")
        now = time.time()
        for line in data.split("\n"):
            if line:
                out.write("%.3f %s\n" % (now, line))
PY
	eval "PID_$1_listener=$!"
	MEMBERS+=("$1_listener")
	wait_for 10 "the notify socket $1" test -S "$T/$1.sock"
}
notified() { grep -q " $2\$" "$T/$1.notify" 2>/dev/null; }
pings() { grep -c ' WATCHDOG=1$' "$T/$1.notify" 2>/dev/null || true; }
# pings_between NAME FROM TO: pings received in [FROM, TO] (wall seconds).
pings_between() { awk -v a="$2" -v b="$3" '$2 == "WATCHDOG=1" && $1 >= a && $1 <= b { n++ } END { print n + 0 }' "$T/$1.notify"; }
# max_gap NAME: the longest time between two pings, in microseconds.
max_gap() { awk '$2 == "WATCHDOG=1" { if (p != "" && ($1 - p) * 1e6 > m) m = ($1 - p) * 1e6; p = $1 } END { printf "%d\n", m }' "$T/$1.notify"; }
has_pending() { [ -n "$(R --raw XPENDING postroute:jobs workers - + 10 | sed -n 2p)" ]; }

conf "$T/pr.conf" planner
conf "$T/w1.conf" w1
start_redis
listen w1
listen daemon

# The worker: READY=1 once connected and the group exists, then pings.
NOTIFY_SOCKET=$T/w1.sock WATCHDOG_USEC=$WD_USEC \
    "$POSTROUTED" --worker -c "$T/w1.conf" -v >>"$T/w1.log" 2>&1 &
PID_w1=$!
MEMBERS+=(w1)
wait_for 20 "the worker's READY=1" notified w1 READY=1
wait_for 10 "the worker's first pings" sh -c "[ \$(grep -c ' WATCHDOG=1\$' $T/w1.notify) -ge 3 ]"
grep -q "watchdog every $((WD_USEC / 2)) us" "$T/w1.log" || fail "the worker does not say its watchdog interval"

# The daemon too.
NOTIFY_SOCKET=$T/daemon.sock WATCHDOG_USEC=$WD_USEC start_daemon "$T/pr.conf"
wait_for 10 "the daemon's READY=1" notified daemon READY=1
wait_for 10 "the daemon's pings" sh -c "[ \$(grep -c ' WATCHDOG=1\$' $T/daemon.notify) -ge 2 ]"

# A job of SOLVE_S on the worker's thread: the loop pings all along.
n0=$(member_lines w1)
for i in 1 2 3; do xadd "$(order_event order.created W$i 1 $i 05971)"; done
wait_for 20 "the worker to take the job" has_pending
T0=$(date +%s.%N)
wait_for $((30 + SOLVE_S)) "the job planned" member_since w1 "$n0" 'planned in'
T1=$(date +%s.%N)
DURING=$(pings_between w1 "$T0" "$T1")
GAP=$(max_gap w1)
[ "$DURING" -ge 2 ] || fail "$DURING pings during a solve of $(echo "$T1 - $T0" | bc) s"
[ "$GAP" -lt "$WD_USEC" ] || fail "$GAP us without a ping from the worker: systemd (WatchdogSec) would have killed it"
[ "$(max_gap daemon)" -lt "$WD_USEC" ] || fail "$(max_gap daemon) us without a ping from the daemon"
kill -0 "$PID_w1" || fail "the worker died"

# SIGTERM: STOPPING=1, exit 0.
kill -TERM "$PID_w1"
rc=0
wait "$PID_w1" || rc=$?
PID_w1=
[ "$rc" = 0 ] || fail "the worker exited with $rc after SIGTERM"
notified w1 'STOPPING=1' || fail "no STOPPING=1 from the worker"
stop_daemon
result "watchdog: worker pinged $(pings w1) times (WATCHDOG_USEC $WD_USEC, every $((WD_USEC / 2)) us), $DURING during a $(echo "$T1 - $T0" | bc) s solve, longest gap $GAP us; daemon $(pings daemon) pings, longest gap $(max_gap daemon) us"
log ok
