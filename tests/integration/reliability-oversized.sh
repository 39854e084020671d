#!/usr/bin/env bash
# reliability-oversized.sh: entries of 10 MB do not wedge ingestion (issue 14): forty of them waiting before the start and thirty in a live burst are dead-lettered by their size without being fetched (the dead letters keep 256 bytes, the size and a SHA-1), the valid orders around them are applied, no reply times out, no connection is dropped, the dead-letter stream stays small. Long form (make soak): also one entry of 100 MB.
. "$(dirname "$0")/lib/common.bash"
. "$(dirname "$0")/lib/reliability.bash"

MB=10
BIG=$((MB * 1000 * 1000))
# Big entries are made inside Redis (a script), so that the test does not
# spend its time sending them.
bigs() { # bigs N BYTES: N entries of BYTES bytes each
	R EVAL "local s = string.rep('x', tonumber(ARGV[2])) for i = 1, tonumber(ARGV[1]) do redis.call('XADD', KEYS[1], '*', 'event', s) end return 1" \
	    1 postroute:events "$1" "$2" >/dev/null
}
dl_len() { R XLEN postroute:deadletter; }
applied() { [ "$(R HEXISTS postroute:orders "$1")" = 1 ]; }
# No read outlasts its timeout. (The command connection waits behind the
# scripts that make and measure the entries; on a loaded machine it may
# time out and reconnect: that loses nothing and is not what is tested.)
no_drops() {
	! grep -q 'redis(read): dropping the connection' "$T/daemon.log" ||
	    fail "a read timed out: $(grep -m 3 'redis(read): dropping the connection' "$T/daemon.log")"
}

REDIS_ARGS="--appendonly no" start_redis
write_conf "$T/pr.conf"
# Redis measures entries at some 60 MB/s, its scripts make them about as
# fast, and the daemon's command connection waits behind both: on a
# loaded machine longer than the tests' 3 s (the default is 5 s).
sed -i 's/^command_timeout_ms = .*/command_timeout_ms = 10000/' "$T/pr.conf"

# ---- the wedge: forty 10 MB entries waiting before the daemon starts --------
bigs 40 "$BIG"
log "40 entries of $MB MB in the stream ($(R MEMORY USAGE postroute:events) bytes)"
t0=$(date +%s.%N)
start_daemon
xadd "$(order_event order.created o1 1 1)"
wait_for 60 "the valid order after the big entries applied" applied o1
wait_group_done 60
t1=$(date +%s.%N)
[ "$(dl_len)" = 40 ] || fail "$(dl_len) dead letters, expected 40"
R --raw XRANGE postroute:deadletter - + COUNT 1 >"$T/dl1"
grep -qx "entry of $BIG bytes, more than 4096" "$T/dl1" || fail "dead letter without its size as the reason: $(head -c 600 "$T/dl1")"
grep -qx "$BIG" "$T/dl1" || fail "dead letter without its size"
want=$(head -c "$BIG" /dev/zero | tr '\0' x | sha1sum | cut -d' ' -f1)
grep -qx "$want" "$T/dl1" || fail "dead letter without the payload's SHA-1 ($want)"
[ "$(wc -c <"$T/dl1")" -lt 1000 ] || fail "a dead letter of $(wc -c <"$T/dl1") bytes: the payload was copied"
dlmem=$(R MEMORY USAGE postroute:deadletter)
[ "$dlmem" -lt 200000 ] || fail "the dead-letter stream takes $dlmem bytes"
no_drops
[ "$(metric postroute_ingest_stalls_total)" = 0 ] || fail "a stall was reported"
drain=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
peak=$(peak_rss_kb)
result "40 x $MB MB entries waiting at start: all acked $drain s after the start (the valid order behind them applied), 40 dead-lettered by size, dead-letter stream $dlmem bytes, no read timed out, daemon peak RSS $((peak / 1024)) MiB"
[ -n "${TSAN_OPTIONS:-}" ] || rss_bound "$peak" $((64 * 1024)) "the wedge"    # TSan multiplies RSS

# ---- a live burst: thirty 10 MB entries among valid orders ------------------
for i in $(seq 2 31); do
	bigs 1 "$BIG"
	xadd "$(order_event order.created o$i 1 "$i")"
done
wait_group_done 60
for i in $(seq 2 31); do applied "o$i" || fail "order o$i of the burst not applied"; done
[ "$(dl_len)" = 70 ] || fail "$(dl_len) dead letters, expected 70"
no_drops
[ "$(http_code /healthz)" = 200 ] || fail "not healthy after the burst: $(http /healthz)"
result "live burst of 30 x $MB MB entries among 30 orders: all orders applied, 30 more dead letters (70 take $(R MEMORY USAGE postroute:deadletter) bytes), no read timed out"

if [ "$LONG" = 1 ]; then
	t0=$(date +%s.%N)
	bigs 1 $((100 * 1000 * 1000))
	xadd "$(order_event order.created o32 1 32)"
	wait_for 60 "the order after a 100 MB entry applied" applied o32
	wait_group_done 60
	no_drops
	result "one 100 MB entry: dead-lettered, the next order applied $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s after it was added"
fi
[ "$(R XLEN postroute:deadletter)" -ge 70 ] || fail "dead letters lost"
stop_daemon
log ok
