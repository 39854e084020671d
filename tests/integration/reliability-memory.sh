#!/usr/bin/env bash
# reliability-memory.sh: one POST /v1/solve cannot kill the daemon (issue 14): 3,000 jobs x 40 profiles (5.5 GB of matrices from a 200 KB body) and 9,990 jobs with one profile are answered 413 naming [http] solve_max_mb before anything large is allocated, the daemon's memory stays small and it goes on serving; and a request whose memory cannot be had (RLIMIT_AS) gets 503, not an abort.
. "$(dirname "$0")/lib/common.bash"
. "$(dirname "$0")/lib/reliability.bash"

# bomb JOBS PROFILES: a problem of JOBS pickups at distinct places and one
# vehicle per profile.
bomb() {
	awk -v n="$1" -v p="$2" 'BEGIN {
		printf "{\"profiles\":{"
		for (i = 0; i < p; i++) printf "%s\"p%d\":{\"speed_kmh\":%d}", (i ? "," : ""), i, 20 + i
		printf "},\"vehicles\":["
		for (i = 0; i < p; i++) printf "%s{\"id\":\"v%d\",\"profile\":\"p%d\",\"start\":[106.5,21.6],\"capacity\":[100000]}", (i ? "," : ""), i, i
		printf "],\"jobs\":["
		for (i = 0; i < n; i++) printf "%s{\"id\":\"j%d\",\"location\":[%.6f,%.6f],\"pickup\":[1]}", (i ? "," : ""), i, 106 + (i % 1000) * 0.001, 21 + int(i / 1000) * 0.001
		printf "]}\n"
	}'
}
post() { # post FILE OUT: the status code; the answer in OUT
	curl -s -o "$2" -w '%{http_code}' --max-time 120 -X POST --data-binary @"$1" "http://127.0.0.1:$PORT/v1/solve"
}
bomb 3000 40 >"$T/bomb40.json"
bomb 9990 1 >"$T/bomb1.json"
log "bodies: $(wc -c <"$T/bomb40.json") and $(wc -c <"$T/bomb1.json") bytes"

start_redis
write_conf "$T/pr.conf"
start_daemon
rss0=$(rss_kb)
code=$(post "$T/bomb40.json" "$T/a40")
[ "$code" = 413 ] || fail "3000 jobs x 40 profiles answered $code: $(head -c 300 "$T/a40")"
jq -e '.error | test("5496 MiB of matrices") and test("more than the limit of 256 MiB") and test("solve_max_mb")' "$T/a40" >/dev/null ||
    fail "the 413 does not say why: $(cat "$T/a40")"
code=$(post "$T/bomb1.json" "$T/a1")
[ "$code" = 413 ] || fail "9990 jobs with one profile answered $code: $(head -c 300 "$T/a1")"
[ "$(http_code /healthz)" = 200 ] || fail "not healthy after the bombs"
peak=$(peak_rss_kb)
result "POST /v1/solve bombs ($(wc -c <"$T/bomb40.json") B: 3000 jobs x 40 profiles; $(wc -c <"$T/bomb1.json") B: 9990 jobs x 1) answered 413: $(jq -r .error "$T/a40"); daemon RSS $((rss0 / 1024)) MiB before, peak $((peak / 1024)) MiB"
[ -n "${TSAN_OPTIONS:-}" ] || rss_bound "$peak" $((64 * 1024)) "the memory bombs"    # TSan multiplies RSS
code=$(post "$ROOT/examples/langson-small.json" "$T/small")
[ "$code" = 200 ] || fail "a small problem answered $code after the bombs: $(head -c 300 "$T/small")"
jq -e '.routes | length > 0' "$T/small" >/dev/null || fail "no routes for the small problem"
stop_daemon

# A budget that allows the problem, in a process that cannot get the
# memory: the request fails alone (the daemon aborted in xmalloc).
if [ -n "${ASAN_OPTIONS:-}${TSAN_OPTIONS:-}" ]; then
	log "sanitizer build: the address-space limit is not tried (a sanitizer's shadow memory needs terabytes of it)"
else
	POSTROUTE_HTTP_SOLVE_MAX_MB=1048576 start_daemon
	vm=$(awk '/^VmSize/ { print $2 }' "/proc/$DAEMON_PID/status")
	as=$(( (vm + 512 * 1024) * 1024 ))
	prlimit --pid "$DAEMON_PID" --as="$as:" || fail "prlimit --as failed"
	code=$(post "$T/bomb1.json" "$T/oom")
	[ "$code" = 503 ] || fail "a problem whose memory cannot be had answered $code: $(head -c 300 "$T/oom")"
	jq -e '.error | test("out of memory")' "$T/oom" >/dev/null || fail "the 503 does not say why: $(cat "$T/oom")"
	kill -0 "$DAEMON_PID" || fail "the daemon died"
	[ "$(http_code /healthz)" = 200 ] || fail "not healthy after a request ran out of memory"
	code=$(post "$ROOT/examples/langson-small.json" "$T/small2")
	[ "$code" = 200 ] || fail "a small problem answered $code after one ran out of memory"
	result "with RLIMIT_AS at VmSize + 512 MiB and no budget, 9990 jobs: 503 $(jq -r .error "$T/oom"); the daemon served on"
	stop_daemon
fi
log ok
