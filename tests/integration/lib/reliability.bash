# reliability.bash: helpers of the reliability tests (issue 7), sourced after common.bash: bulk loading, expected state from an event file, exactly-once checks, metrics, memory.
# RELIABILITY_LONG=1 (make soak) selects the long forms; each script picks its sizes from it.

LONG=${RELIABILITY_LONG:-0}
BUILD_DIR=${PR_BUILD:-$ROOT/build}
SIM=$BUILD_DIR/postroute-sim

# pipe_events FILE [STREAM]: XADDs each line of FILE (one payload per line)
# to STREAM as field "event", through redis-cli --pipe (RESP, byte lengths).
pipe_events() {
	local f=$1 stream=${2:-postroute:events}
	LC_ALL=C awk -v s="$stream" 'BEGIN { ORS = "" } {
		printf "*5\r\n$4\r\nXADD\r\n$%d\r\n%s\r\n$1\r\n*\r\n$5\r\nevent\r\n$%d\r\n%s\r\n",
		    length(s), s, length($0), $0
	}' "$f" | R --pipe >"$T/pipe.out" 2>&1 || fail "redis-cli --pipe: $(tail -n 3 "$T/pipe.out")"
	grep -q 'errors: 0,' "$T/pipe.out" || fail "redis-cli --pipe: $(tail -n 3 "$T/pipe.out")"
}

# expected_state EVENTS OUT: from an event file, the final state of every
# order ("id<TAB>version<TAB>open|cancelled|completed"), sorted by id.
expected_state() {
	jq -r '[.order_id, .version, .type] | @tsv' "$1" | sort -k1,1 -k2,2n |
	    awk -F'\t' '{ v[$1] = $2; t[$1] = $3 } END {
		for (id in v) {
			s = "open";
			if (t[id] == "order.cancelled") s = "cancelled";
			if (t[id] == "pickup.completed") s = "completed";
			printf "%s\t%s\t%s\n", id, v[id], s
		}
	}' | sort >"$2"
}

# stored_state OUT: the same from postroute:orders.
stored_state() {
	R --raw HGETALL postroute:orders | awk 'NR % 2 == 0' |
	    jq -r '[.e.order_id, .v, .s] | @tsv' | sort >"$1"
}

# check_exactly_once EVENTS: compares Redis with what EVENTS must produce.
# Sets LOST (orders missing or with a wrong version or state), DUP (orders
# in more than one office index, or indexed though not open, counted once
# each), EXTRA (records no event asked for), OPEN (open orders).
check_exactly_once() {
	expected_state "$1" "$T/expected"
	stored_state "$T/stored"
	LOST=$(join -t "$(printf '\t')" -a 1 -o 0,1.2,1.3,2.2,2.3 "$T/expected" "$T/stored" |
	    awk -F'\t' '$2 != $4 || $3 != $5' | wc -l)
	EXTRA=$(join -t "$(printf '\t')" -v 2 "$T/expected" "$T/stored" | wc -l)
	awk -F'\t' '$3 == "open" { print $1 }' "$T/expected" | sort >"$T/open"
	OPEN=$(wc -l <"$T/open")
	local k
	for k in $(R --scan --pattern 'postroute:office:*:open'); do
		R SMEMBERS "$k"
	done | sort >"$T/indexed"
	DUP=$(uniq -d "$T/indexed" | wc -l)
	DUP=$((DUP + $(sort -u "$T/indexed" | comm -13 "$T/open" - | wc -l)))
	LOST=$((LOST + $(sort -u "$T/indexed" | comm -23 "$T/open" - | wc -l)))
}

# plan_orders: every order id of the latest plans (routes and unassigned),
# one per line, sorted, duplicates kept.
plan_orders() {
	all_plans | jq -r '.[] | (.routes[].stops[].order_id), (.unassigned[].order_id)' | sort
}

# plans_cover FILE: the latest plans hold exactly the orders of FILE, once.
plans_cover() { [ "$(plan_orders)" = "$(cat "$1")" ]; }

# wait_plans_cover SECONDS FILE: waits for plans_cover, and says what
# differs when it does not come.
wait_plans_cover() {
	local end=$((SECONDS + $1 * ${WAIT_SCALE:-1}))
	until plans_cover "$2"; do
		if [ $SECONDS -ge $end ]; then
			plan_orders >"$T/planned"
			log "missing from the plans: $(sort -u "$T/planned" | comm -23 "$2" - | wc -l) ($(sort -u "$T/planned" | comm -23 "$2" - | head -n 5 | tr '\n' ' '))"
			log "in the plans but not open: $(sort -u "$T/planned" | comm -13 "$2" - | wc -l) ($(sort -u "$T/planned" | comm -13 "$2" - | head -n 5 | tr '\n' ' '))"
			log "in two plans: $(uniq -d "$T/planned" | wc -l) ($(uniq -d "$T/planned" | head -n 5 | tr '\n' ' '))"
			local id rec
			for id in $(sort -u "$T/planned" | comm -23 "$2" - | head -n 2); do
				rec=$(R HGET postroute:orders "$id")
				log "missing $id: stored as $rec"
				for f in "$T"/*.log; do
					log "$(basename "$f"): $(grep -c . "$f") lines; about its office:"
					grep -F "$(jq -r '.o // empty' <<<"$rec" 2>/dev/null | head -n 1)" "$f" | tail -n 6 >&2 || true
				done
			done
			fail "timed out after $1 s waiting for the latest plans to cover every open order once"
		fi
		sleep 0.2
	done
}

metric() {
	http /metrics | awk -v m="$1" '$1 == m { print $2; found = 1 } END { if (!found) print 0 }'
}

# Peak resident memory of the daemon (VmHWM), in KiB.
peak_rss_kb() { awk '/^VmHWM/ { print $2 }' "/proc/$DAEMON_PID/status"; }
rss_kb() { awk '/^VmRSS/ { print $2 }' "/proc/$DAEMON_PID/status"; }

# result LINE: a figure for docs/reliability.md, on stderr and in
# $RELIABILITY_RESULTS when set.
result() {
	log "RESULT $*"
	if [ -n "${RELIABILITY_RESULTS:-}" ]; then
		printf '%s: %s\n' "$NAME" "$*" >>"$RELIABILITY_RESULTS"
	fi
}

# rss_bound PEAK_KB LIMIT_KB WHAT: fails when PEAK_KB >= LIMIT_KB, except
# under AddressSanitizer (make check-sanitize), whose shadow memory and
# quarantine are not the daemon's: there the figure is only reported.
rss_bound() {
	if [ -n "${ASAN_OPTIONS:-}" ]; then
		log "peak RSS $(($1 / 1024)) MiB under ASan: bound of $(($2 / 1024)) MiB not checked"
		return 0
	fi
	[ "$1" -lt "$2" ] || fail "$3: peak RSS $(($1 / 1024)) MiB, over $(($2 / 1024)) MiB"
}

# wait_group_done SECONDS: waits for group_done; shows the group's state
# (pending entries, lag, consumers) when it does not come.
wait_group_done() {
	local end=$((SECONDS + $1 * ${WAIT_SCALE:-1}))
	until group_done; do
		if [ $SECONDS -ge $end ]; then
			log "XPENDING: $(R XPENDING postroute:events postrouted | tr '\n' ' ')"
			log "XINFO GROUPS: $(R XINFO GROUPS postroute:events | tr '\n' ' ')"
			log "XINFO CONSUMERS: $(R XINFO CONSUMERS postroute:events postrouted | tr '\n' ' ')"
			log "XLEN: $(R XLEN postroute:events), orders: $(R HLEN postroute:orders)"
			fail "timed out after $1 s waiting for every entry acked"
		fi
		sleep 0.1
	done
}
