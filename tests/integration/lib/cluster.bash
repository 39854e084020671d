# cluster.bash: helpers of the tests of several daemons ([cluster] enabled, issue 17), sourced after common.bash and reliability.bash: members with their own logs and ports, their roles, the plans stream's tokens.
# Each member NAME has $T/NAME.log, PID_NAME and PORT_NAME; the EXIT trap
# kills every member still running before common.bash's cleanup.

MEMBERS=()

cluster_kill_all() {
	local m pid
	for m in "${MEMBERS[@]}"; do
		pid=$(member_pid "$m")
		if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
			kill -CONT "$pid" 2>/dev/null || true
			kill -KILL "$pid" 2>/dev/null || true
			wait "$pid" 2>/dev/null || true
		fi
	done
}
trap 'rc=$?; cluster_kill_all; [ -z "${KEEP_T:-}" ] || cp -r "$T" "$KEEP_T"; (exit $rc); cleanup' EXIT

member_pid() { eval "printf '%s' \"\${PID_$1:-}\""; }
member_port() { eval "printf '%s' \"\${PORT_$1:-}\""; }

# member_lines NAME: lines in NAME's log so far.
member_lines() { if [ -f "$T/$1.log" ]; then wc -l <"$T/$1.log"; else echo 0; fi; }
# member_since NAME LINE PATTERN: PATTERN in NAME's log after line LINE.
member_since() { tail -n +"$(($2 + 1))" "$T/$1.log" | grep -- "$3" >/dev/null; }

# start_member NAME CONF PATTERN: starts a daemon, waits for PATTERN in
# its log ('ready: consuming' or 'ready: standby') and its HTTP port.
start_member() {
	local name=$1 conf=$2 pattern=$3 n0 pid port
	n0=$(member_lines "$name")
	"$POSTROUTED" -c "$conf" -v >>"$T/$name.log" 2>&1 &
	pid=$!
	eval "PID_$name=$pid"
	case " ${MEMBERS[*]:-} " in *" $name "*) ;; *) MEMBERS+=("$name") ;; esac
	wait_for 30 "$name: $pattern" member_since "$name" "$n0" "$pattern"
	wait_for 5 "$name's HTTP port" member_since "$name" "$n0" 'http: listening'
	port=$(tail -n +"$((n0 + 1))" "$T/$name.log" |
	    sed -n 's/.*http: listening on [^ ]* port \([0-9]*\).*/\1/p' | tail -n 1)
	eval "PORT_$name=$port"
}

# kill9_member NAME
kill9_member() {
	local pid
	pid=$(member_pid "$1")
	kill -KILL "$pid"
	wait "$pid" 2>/dev/null || true
	eval "PID_$1="
}

member_http() { curl -sS --max-time 10 "http://127.0.0.1:$(member_port "$1")$2"; }
# member_role NAME: active, standby or deposed (from /healthz).
member_role() { member_http "$1" /healthz | jq -r .role; }
member_is() { [ "$(member_role "$1" 2>/dev/null)" = "$2" ]; }
member_token() { member_http "$1" /healthz | jq -r .token; }
member_metric() {
	member_http "$1" /metrics | awk -v m="$2" '$1 == m { print $2; found = 1 } END { if (!found) print 0 }'
}

# cluster_conf FILE CONSUMER [extra lines]: the test configuration with
# [cluster] enabled and a short lease: LEASE_S, or 2 s (times WAIT_SCALE:
# under ThreadSanitizer a slower loop must still renew in time).
cluster_conf() {
	local f=$1 consumer=$2
	shift 2
	CONSUMER=$consumer write_conf "$f" '[cluster]' 'enabled = yes' \
	    "lease_s = ${LEASE_S:-$((2 * ${WAIT_SCALE:-1}))}" "$@"
}

# plan_tokens: the token of every entry of the plans stream, in order.
plan_tokens() {
	R --raw XRANGE postroute:plans - + |
	    awk 'prev == "token" { print } { prev = $0 }'
}

# first_plan_with TOKEN: 0 when a plan with TOKEN is in the plans stream.
first_plan_with() { plan_tokens | grep -qx -- "$1"; }

# deposed_plans OLD NEW: plans of token OLD after the first plan of token
# NEW in the plans stream (a deposed planner's plans).
deposed_plans() {
	plan_tokens | awk -v o="$1" -v n="$2" '$0 == n { seen = 1 } seen && $0 == o { c++ } END { print c + 0 }'
}

now_s() { date +%s.%N; }

# free_port: a TCP port of 127.0.0.1 that nothing listens on (the kernel's
# pick; replication and Sentinel need TCP).
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start_replica PORT PRIMARY_PORT DIR: a replica of 127.0.0.1:PRIMARY_PORT
# (REPLICA_PID); waits until its link is up.
REPLICA_PID=
start_replica() {
	mkdir -p "$3"
	redis-server --port "$1" --bind 127.0.0.1 --dir "$3" --save '' \
	    --appendonly no --replicaof 127.0.0.1 "$2" >"$3/redis.log" 2>&1 &
	REPLICA_PID=$!
	MEMBERS+=(replica)
	PID_replica=$REPLICA_PID
	wait_for 20 "the replica's link to its primary" sh -c \
	    "redis-cli -p $1 INFO replication | grep -q 'master_link_status:up'"
}

# span_s FILE: seconds between the first and the last event of FILE.
span_s() {
	local a b
	a=$(head -n 1 "$1" | jq -r .ts)
	b=$(tail -n 1 "$1" | jq -r .ts)
	echo $(($(date -d "$b" +%s) - $(date -d "$a" +%s)))
}

# producer ORDERS SECONDS: replays postroute-sim's day of ORDERS orders
# (seed 1, the record in $T/events.jsonl) into the events stream over
# about SECONDS seconds, through redis-cli --pipe (RESP) on RPIPE
# (default: the unix socket); PRODUCER_PID.
PRODUCER_PID=
producer() {
	local speed
	"$SIM" --orders "$1" --region "$REGION" --out "$T/events.jsonl"
	speed=$(( $(span_s "$T/events.jsonl") / $2 + 1 ))
	( "$SIM" --orders "$1" --region "$REGION" --speed "$speed" \
	    --resp postroute:events 2>/dev/null |
	    ${RPIPE:-redis-cli -s "$T/redis.sock"} --pipe >"$T/producer.out" 2>&1 ) &
	PRODUCER_PID=$!
	MEMBERS+=(producer)
	PID_producer=$PRODUCER_PID
}

# producer_wait: the producer is done, and Redis took every event.
producer_wait() {
	wait "$PRODUCER_PID" || fail "the producer failed: $(tail -n 3 "$T/producer.out")"
	PID_producer=
	grep -q 'errors: 0,' "$T/producer.out" || fail "the producer: $(tail -n 3 "$T/producer.out")"
}

# start_node NAME PORT [ARGS]: a redis-server with an AOF in $T/NAME
# (PID_NAME, a member).
start_node() {
	local name=$1 port=$2
	shift 2
	mkdir -p "$T/$name"
	redis-server --port "$port" --bind 127.0.0.1 --dir "$T/$name" --save '' \
	    --appendonly yes --appendfsync always "$@" >>"$T/$name/redis.log" 2>&1 &
	eval "PID_$name=$!"
	case " ${MEMBERS[*]:-} " in *" $name "*) ;; *) MEMBERS+=("$name") ;; esac
	wait_for 10 "$name to answer" redis-cli -p "$port" PING
}

# start_sentinel_cluster P0 P1: a primary n0 on port P0, its replica n1 on
# P1, and three Sentinels s0..s2 (ports S[0..2]) that monitor them as
# "pr" (down after 1 s); waits until each Sentinel sees the replica and
# the others. primary_port then asks the Sentinels where the primary is.
S=()
start_sentinel_cluster() {
	local p0=$1 p1=$2 i
	S=("$(free_port)" "$(free_port)" "$(free_port)")
	start_node n0 "$p0"
	start_node n1 "$p1" --replicaof 127.0.0.1 "$p0"
	wait_for 20 "the replica's link" sh -c "redis-cli -p $p1 INFO replication | grep -q 'master_link_status:up'"
	for i in 0 1 2; do
		mkdir -p "$T/s$i"
		cat >"$T/s$i/sentinel.conf" <<CONF
port ${S[$i]}
bind 127.0.0.1
dir $T/s$i
sentinel monitor pr 127.0.0.1 $p0 2
sentinel down-after-milliseconds pr 1000
sentinel failover-timeout pr 4000
sentinel parallel-syncs pr 1
CONF
		redis-sentinel "$T/s$i/sentinel.conf" >"$T/s$i/log" 2>&1 &
		eval "PID_s$i=$!"
		MEMBERS+=("s$i")
	done
	for i in 0 1 2; do
		wait_for 30 "Sentinel $i to see the replica and the others" sh -c \
		    "redis-cli -p ${S[$i]} SENTINEL ckquorum pr 2>/dev/null | grep -q 'OK 3 usable' &&
		     redis-cli -p ${S[$i]} SENTINEL replicas pr | grep -qx '$p1'"
	done
}
primary_port() { redis-cli -p "${S[0]}" SENTINEL get-master-addr-by-name pr | tail -n 1; }
