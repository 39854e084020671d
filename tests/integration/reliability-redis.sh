#!/usr/bin/env bash
# reliability-redis.sh: Redis faults mid-stream: redis-server killed and restarted from its AOF (appendfsync always and everysec), DEBUG SLEEP and CLIENT PAUSE; health reports each outage, the daemon reconnects, nothing acked is lost.
#
# With appendfsync always a SIGKILL loses nothing Redis acknowledged: every
# event the producer got an id for must end up applied. With everysec
# Redis may lose its last second; what survives must still be consistent:
# every surviving event applied exactly once, none pending (the lost
# producer writes are counted and reported, they are Redis's window, not
# the daemon's). Long form (RELIABILITY_LONG=1): more events, three
# restarts per setting.
. "$(dirname "$0")/lib/common.bash"
. "$(dirname "$0")/lib/reliability.bash"

if [ "$LONG" = 1 ]; then PER=${REDIS_FAULT_EVENTS:-600} ROUNDS=3; else PER=${REDIS_FAULT_EVENTS:-150} ROUNDS=1; fi

health() { curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$PORT/healthz"; }
healthy() { [ "$(health)" = 200 ]; }

# push FROM TO FILE: XADDs o<FROM>..o<TO> one at a time, retrying each until
# Redis acknowledges it (deadline 60 s); the acknowledged events go to FILE.
push() {
	local i ev end=$((SECONDS + 60))
	for i in $(seq "$1" "$2"); do
		ev=$(order_event order.created "o$i" 1 $((i % 3000)) "${COMMUNES[$((i % 5))]}")
		until R XADD postroute:events '*' event "$ev" 2>/dev/null | grep -q -- '-'; do
			[ $SECONDS -lt $end ] || return 1
			sleep 0.02
		done
		printf '%s\n' "$ev" >>"$3"
	done
}

# outage_seen PID: polls /healthz until PID ends; true when it said 503.
outage_seen() {
	local seen=1
	while kill -0 "$1" 2>/dev/null; do
		[ "$(health)" != 503 ] || seen=0
		sleep 0.02
	done
	return $seen
}

# A PING answered with an error (-LOADING while a restarted Redis reads its
# AOF; -NOAUTH here, which is deterministic) must drop the connection and
# retry, not leave it open and never up (found by the long form: after a
# restart the daemon never came back).
REDIS_ARGS="--requirepass sesame" start_redis
write_conf "$T/pr.conf"
n0=$(log_lines)
"$POSTROUTED" -c "$T/pr.conf" -v >>"$T/daemon.log" 2>&1 &
DAEMON_PID=$!
wait_for 10 "the failed PING to be noticed" log_since "$n0" 'PING failed: NOAUTH'
wait_for 10 "a second attempt" sh -c "[ \$(tail -n +$((n0 + 1)) $T/daemon.log | grep -c 'PING failed') -ge 2 ]"
redis-cli -s "$T/redis.sock" -a sesame --no-auth-warning CONFIG SET requirepass '' >/dev/null
wait_for 20 "the daemon to be ready once the password is gone" log_since "$n0" 'ready: consuming'
stop_daemon
stop_redis
rm -rf "$T/appendonlydir" "$T/daemon.log"

for fsync in always everysec; do
	n=0
	REDIS_ARGS="--appendfsync $fsync --enable-debug-command local"
	rm -rf "$T/appendonlydir" "$T/dump.rdb" "$T/pushed"
	: >"$T/pushed"
	start_redis
	write_conf "$T/pr.conf"
	sed -i 's/^command_timeout_ms = .*/command_timeout_ms = 500/' "$T/pr.conf"
	start_daemon
	reconnects0=$(metric 'postroute_redis_reconnects_total{connection="command"}')
	for r in $(seq 1 "$ROUNDS"); do
		# 1. redis-server SIGKILLed mid-stream, restarted from its AOF.
		push $((n + 1)) $((n + PER)) "$T/pushed" &
		pusher=$!
		wait_for 30 "some events stored" sh -c "[ \$(redis-cli -s $T/redis.sock HLEN postroute:orders) -gt $((n + PER / 3)) ]"
		kill -KILL "$REDIS_PID"
		wait "$REDIS_PID" 2>/dev/null || true
		REDIS_PID=
		wait_for 10 "healthz to say 503" sh -c "! curl -sf -o /dev/null http://127.0.0.1:$PORT/healthz"
		start_redis
		wait_for 30 "the daemon to reconnect" healthy
		wait "$pusher" || fail "the producer could not push"
		n=$((n + PER))

		# 2. DEBUG SLEEP: Redis hangs for 2 s with events in flight.
		push $((n + 1)) $((n + PER)) "$T/pushed" &
		pusher=$!
		R DEBUG SLEEP 2 >/dev/null &
		sleeper=$!
		outage_seen "$sleeper" || fail "healthz did not report the DEBUG SLEEP"
		wait_for 30 "the daemon to recover from DEBUG SLEEP" healthy
		wait "$pusher" || fail "the producer could not push"
		n=$((n + PER))

		# 3. CLIENT PAUSE ALL for 2 s.
		push $((n + 1)) $((n + PER)) "$T/pushed" &
		pusher=$!
		R CLIENT PAUSE 2000 ALL >/dev/null
		# (redis-cli returns at once: watch until the pause is over.)
		sh -c "sleep 2.2" &
		outage_seen $! || fail "healthz did not report the CLIENT PAUSE"
		wait_for 30 "the daemon to recover from CLIENT PAUSE" healthy
		wait "$pusher" || fail "the producer could not push"
		n=$((n + PER))
	done
	wait_group_done 60
	reconnects=$(( $(metric 'postroute_redis_reconnects_total{connection="command"}') - reconnects0 ))

	# What Redis kept of the stream, against what the producer was told.
	R --raw XRANGE postroute:events - + | awk 'prev == "event" { print } { prev = $0 }' >"$T/kept"
	kept=$(sort -u "$T/kept" | wc -l)
	pushed=$(sort -u "$T/pushed" | wc -l)
	lost_by_redis=$(sort -u "$T/pushed" | comm -23 - <(sort -u "$T/kept") | wc -l)
	check_exactly_once "$T/kept"
	result "appendfsync $fsync: $pushed events acknowledged by Redis, $ROUNDS x (SIGKILL+restart, DEBUG SLEEP 2, CLIENT PAUSE 2000): $reconnects reconnects, lost by the daemon $LOST, duplicated $DUP, lost by Redis itself $lost_by_redis"
	[ "$LOST" = 0 ] || fail "appendfsync $fsync: $LOST events kept by Redis were not applied"
	[ "$DUP" = 0 ] || fail "appendfsync $fsync: $DUP orders indexed twice"
	[ "$EXTRA" = 0 ] || fail "appendfsync $fsync: $EXTRA orders from nowhere"
	[ "$reconnects" -ge $((ROUNDS * 2)) ] || fail "only $reconnects reconnects counted"
	if [ "$fsync" = always ]; then
		[ "$lost_by_redis" = 0 ] || fail "appendfsync always lost $lost_by_redis acknowledged events"
	fi
	[ "$(R XLEN postroute:deadletter)" = 0 ] || fail "good events dead-lettered"
	stop_daemon
	stop_redis
done
log ok
