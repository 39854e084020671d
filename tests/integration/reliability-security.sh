#!/usr/bin/env bash
# reliability-security.sh: the daemon as the least-privilege Redis ACL user of config/redis-acl.conf, refusal of a world-readable config holding a password, loopback HTTP by default (a token off loopback), bounded bodies, headers, events and solve requests, the systemd unit's exposure score.
. "$(dirname "$0")/lib/common.bash"
. "$(dirname "$0")/lib/reliability.bash"

PW=$(head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n')

# ---- a config holding a password must not be world-readable ----------------
write_conf "$T/pw.conf" '[log]' 'verbose = 0'
sed -i "s|^\[redis\]$|[redis]\nuser = postrouted\npassword = $PW|" "$T/pw.conf"
chmod 0644 "$T/pw.conf"
rc=0
"$POSTROUTED" -t -c "$T/pw.conf" 2>"$T/err" || rc=$?
[ $rc = 1 ] && grep -q 'readable by every user (mode 0644)' "$T/err" ||
    fail "-t accepted a world-readable file with a password (exit $rc): $(cat "$T/err")"
rc=0
timeout 10 "$POSTROUTED" -c "$T/pw.conf" 2>"$T/err" || rc=$?
[ $rc = 1 ] && grep -q 'readable by every user' "$T/err" ||
    fail "the daemon started with a world-readable password file (exit $rc)"
chmod 0640 "$T/pw.conf"
"$POSTROUTED" -t -c "$T/pw.conf" 2>"$T/err" || fail "-t refused a 0640 file: $(cat "$T/err")"
# The same file without the password, the password from the environment.
sed '/^password = /d' "$T/pw.conf" >"$T/env.conf"
chmod 0644 "$T/env.conf"
POSTROUTE_REDIS_PASSWORD=$PW "$POSTROUTED" -t -c "$T/env.conf" 2>"$T/err" ||
    fail "-t refused a password from the environment: $(cat "$T/err")"
# Events are bounded by the configuration too.
printf '[streams]\nmax_event_bytes = 65536\n' >"$T/big.conf"
! "$POSTROUTED" -t -c "$T/big.conf" 2>/dev/null || fail "max_event_bytes above 4096 accepted"

# ---- Redis with the shipped ACL line; the daemon runs as that user ---------
grep '^user postrouted ' "$ROOT/config/redis-acl.conf" | sed "s|>CHANGE-ME|>$PW|" >"$T/acl.conf"
[ -s "$T/acl.conf" ] || fail "no ACL line in config/redis-acl.conf"
REDIS_ARGS="--include $T/acl.conf" start_redis
[ "$(R ACL WHOAMI)" = default ] || fail "redis-cli is not the default user"
AR() { redis-cli -s "$T/redis.sock" --user postrouted --pass "$PW" --no-auth-warning "$@"; }
[ "$(AR PING)" = PONG ] || fail "the ACL user cannot log in"
for cmd in 'FLUSHALL' 'CONFIG GET *' 'KEYS *' 'DEL postroute:orders' 'XGROUP DESTROY postroute:events postrouted' \
    'SCAN 0' 'SHUTDOWN' 'ACL LIST' 'EVALSHA e0e1f9fabfc9d4800c877a703b823ac0578ff8db 0' \
    'SCRIPT FLUSH' 'FUNCTION FLUSH'; do
	set -f    # KEYS *: no file names
	# shellcheck disable=SC2086
	out=$(AR $cmd 2>&1)
	set +f
	case $out in *NOPERM*) ;; *) fail "the ACL user may run $cmd: $out" ;; esac
	nforbidden=$((${nforbidden:-0} + 1))
done
case $(AR SET other:key x 2>&1) in *NOPERM*) ;; *) false ;; esac || fail "the ACL user may write outside postroute:"
# EVAL is allowed (the read script), but a script has the user's rights only.
for script in "return redis.call('FLUSHALL')" "return redis.call('CONFIG', 'GET', '*')" \
    "return redis.call('SET', KEYS[1], 'x')"; do
	case $(AR EVAL "$script" 1 other:key 2>&1) in *NOPERM*|*"No permissions"*) ;;
	*) fail "a script of the ACL user may run: $script" ;; esac
done
[ "$(AR EVAL "return redis.call('GET', KEYS[1])" 1 postroute:x 2>&1)" = "" ] || fail "a script of the ACL user may not read its own keys"

# (as one of several daemons: the lease and its fence need their commands
# too, and the SIGKILL restart below waits for the lease to expire)
write_conf "$T/pr.conf" '[cluster]' 'enabled = yes' 'lease_s = 2'
sed -i "s|^\[redis\]$|[redis]\nuser = postrouted|" "$T/pr.conf"
chmod 0600 "$T/pr.conf"
for i in $(seq 1 20); do xadd "$(order_event order.created o$i 1 "$i" "${COMMUNES[$((i % 5))]}")"; done
xadd "$(order_event order.updated o1 2 30 05971 7.5)"
xadd "$(order_event order.cancelled o2 2 31)"
xadd 'not json'
POSTROUTE_REDIS_PASSWORD=$PW start_daemon
wait_for 20 "all entries acked" group_done
printf '%s\n' o1 $(seq 3 20 | sed 's/^/o/') | sort >"$T/open"
wait_for 30 "every open order planned" plans_cover "$T/open"
[ "$(R XLEN postroute:deadletter)" = 1 ] || fail "the dead letter was not written"
! grep -q NOPERM "$T/daemon.log" || fail "NOPERM in the daemon's log: $(grep -m 3 NOPERM "$T/daemon.log")"
# A restart re-reads the state (HSCAN), the plans (GET), pending entries and claims.
kill9_daemon
POSTROUTE_REDIS_PASSWORD=$PW start_daemon
wait_for 20 "all entries acked" group_done
! grep -q NOPERM "$T/daemon.log" || fail "NOPERM in the daemon's log after a restart"

# ---- HTTP: loopback by default, bounded requests ------------------------------
grep -q "http: listening on 127.0.0.1 port $PORT" "$T/daemon.log" || fail "HTTP does not listen on 127.0.0.1 by default"
if command -v ss >/dev/null; then
	ss -Hltn "sport = :$PORT" | awk '{ print $4 }' | grep -qx "127.0.0.1:$PORT" || fail "the socket is not bound to loopback: $(ss -Hltn "sport = :$PORT")"
fi
# Bodies: max_body (8 MiB by default) -> 413.
head -c $((8 * 1024 * 1024 + 1)) /dev/zero | tr '\0' ' ' >"$T/big.json"
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 20 -X POST --data-binary @"$T/big.json" "http://127.0.0.1:$PORT/v1/solve")
[ "$code" = 413 ] || fail "a body over max_body got $code, not 413"
# Headers: 16 KiB at most.
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 -H "X-Big: $(head -c 20000 /dev/zero | tr '\0' a)" "http://127.0.0.1:$PORT/healthz" || true)
[ "$code" != 200 ] || fail "a 20 KB header was accepted"
# Solve requests: at most one per worker at a time; the others get 503.
for i in 1 2 3 4 5 6; do
	curl -s -o /dev/null -w '%{http_code}\n' --max-time 30 -X POST \
	    --data-binary @"$ROOT/examples/langson-small.json" \
	    "http://127.0.0.1:$PORT/v1/solve?time_limit=1" >>"$T/codes" &
done
wait_for 40 "six answers" sh -c "[ \$(wc -l <$T/codes) = 6 ]"
[ "$(grep -c '^200$' "$T/codes")" -ge 1 ] && [ "$(grep -c '^503$' "$T/codes")" -ge 1 ] &&
    [ "$(grep -c -v '^\(200\|503\)$' "$T/codes")" = 0 ] || fail "solve answers: $(sort "$T/codes" | uniq -c | tr '\n' ' ')"
wait_for 10 "healthy after the requests" sh -c "[ \$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:$PORT/healthz) = 200 ]"
result "ACL user: 0 NOPERM in the daemon's run, $nforbidden forbidden commands refused; HTTP on 127.0.0.1; 8 MiB + 1 body -> 413; 6 concurrent solves -> $(grep -c '^200$' "$T/codes") x 200, $(grep -c '^503$' "$T/codes") x 503"
stop_daemon
# Any other listen address needs a token (web-access.sh tests the rules),
# and is logged with a warning.
sed -i 's/^port = 0$/port = 0\nlisten = 0.0.0.0/' "$T/pr.conf"
rc=0
"$POSTROUTED" -t -c "$T/pr.conf" 2>"$T/err" || rc=$?
[ $rc = 1 ] && grep -q 'not a loopback address: set \[http\] token_file' "$T/err" ||
    fail "a non-loopback listen without a token passes -t ($rc): $(cat "$T/err")"
head -c 24 /dev/urandom | base64 | tr '+/' '-_' >"$T/token"
chmod 600 "$T/token"
sed -i "s|^listen = 0.0.0.0$|listen = 0.0.0.0\ntoken_file = $T/token|" "$T/pr.conf"
POSTROUTE_REDIS_PASSWORD=$PW start_daemon
grep -q 'not a loopback address' "$T/daemon.log" || fail "no warning for a non-loopback listen address"
[ "$(http_code /v1/offices)" = 401 ] || fail "the API off loopback without the token is not 401"
stop_daemon

# ---- systemd: the unit's exposure ---------------------------------------------
if systemd-analyze security --help 2>/dev/null | grep -- '--offline' >/dev/null; then
	sed -e 's|@BINDIR@|/usr/bin|g' -e 's|@SYSCONFDIR@|/etc|g' \
	    "$ROOT/systemd/postrouted.service" >"$T/postrouted.service"
	systemd-analyze security --offline=true "$T/postrouted.service" >"$T/sa" 2>&1 ||
	    fail "systemd-analyze security failed: $(tail -n 3 "$T/sa")"
	score=$(sed -n 's/.*Overall exposure level for postrouted.service: \([0-9.]*\).*/\1/p' "$T/sa")
	[ -n "$score" ] || fail "no exposure score in: $(tail -n 3 "$T/sa")"
	result "systemd-analyze security --offline=true: exposure $score"
	awk -v s="$score" 'BEGIN { exit !(s <= 2.0) }' || fail "exposure $score is above 2.0"
else
	log "SKIP systemd exposure: systemd-analyze with --offline (systemd >= 250) is not installed"
fi
log ok
