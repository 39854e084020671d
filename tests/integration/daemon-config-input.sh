#!/usr/bin/env bash
# daemon-config-input.sh: what postrouted -t and a start do with odd configuration input: devices, directories, huge files, broken headers, mistyped environment variables, invalid addresses, secrets readable by a group; the log line format and connection errors naming the address.
. "$(dirname "$0")/lib/common.bash"

# check_t RC PATTERN FILE [ENV=VALUE...]: postrouted -t -c FILE (under
# timeout: a hang is a failure) exits RC and its output matches PATTERN.
check_t() {
	local want=$1 pat=$2 file=$3 rc=0
	shift 3
	env "$@" timeout 10 "$POSTROUTED" -t -c "$file" >"$T/out" 2>&1 || rc=$?
	[ $rc = 124 ] && fail "-t -c $file $* hung (killed after 10 s)"
	[ $rc = "$want" ] || fail "-t -c $file $* exited $rc, not $want: $(cat "$T/out")"
	grep -E -- "$pat" "$T/out" >/dev/null ||
	    fail "-t -c $file $* did not say '$pat': $(cat "$T/out")"
}
# no_line PATTERN: the last output has no line matching PATTERN.
no_line() {
	if grep -E -- "$1" "$T/out" >/dev/null; then
		fail "unexpected '$1' in: $(cat "$T/out")"
	fi
}

write_conf "$T/good.conf"
check_t 0 'configuration ok' "$T/good.conf"

# Not a regular file: refused unread (/dev/zero used to spin forever).
check_t 1 '^postrouted: /dev/zero: is not a regular file$' /dev/zero
mkfifo "$T/fifo"
check_t 1 'fifo: is not a regular file$' "$T/fifo"
check_t 1 "^postrouted: $T: is a directory\$" "$T"
no_line 'region'
# The missing file, with the program's name in front.
check_t 1 "^postrouted: $T/missing.conf: No such file or directory\$" "$T/missing.conf"

# Bounded: a file over 1 MiB, a line longer than the parser's buffer, a
# NUL byte.
head -c 1100000 /dev/zero | tr '\0' '#' >"$T/big.conf"
check_t 1 'big.conf: larger than 1048576 bytes' "$T/big.conf"
{ cat "$T/good.conf"; printf '[streams]\nconsumer = %0300d\n' 7; } >"$T/long.conf"
check_t 1 'long.conf:[0-9]+: line longer than 198 bytes' "$T/long.conf"
no_line 'syntax error|unknown'
{ cat "$T/good.conf"; printf '# %0300d\n  ; %0300d\n[solver]\nseed = 3\n' 1 2; } >"$T/comment.conf"
check_t 0 'configuration ok' "$T/comment.conf"    # a long comment is a comment
{ printf '[solver]\nseed = 1\0\n'; } >"$T/nul.conf"
check_t 1 'nul.conf:2: contains a NUL byte' "$T/nul.conf"

# "[redis" without its bracket: the syntax error only. Its keys are
# neither "unknown" nor applied to the section before it.
printf '[redis\nhost = localhost\n' >"$T/hdr1.conf"
check_t 1 'hdr1.conf:1: syntax error' "$T/hdr1.conf"
no_line 'unknown|before any'
[ "$(wc -l <"$T/out")" = 1 ] || fail "more than the syntax error: $(cat "$T/out")"
printf '[http]\nport = 0\n[solver\nport = 1\nworkers = 2\n' >"$T/hdr2.conf"
check_t 1 'hdr2.conf:3: syntax error' "$T/hdr2.conf"
no_line 'set twice|unknown'
printf 'port = 1\n' >"$T/nosec.conf"
check_t 1 'nosec.conf:1: port: key before any \[section\]' "$T/nosec.conf"
no_line '\[\] unknown section'

# The environment: a POSTROUTE_ variable that is no key is an error for -t.
check_t 1 'environment POSTROUTE_SOLVR_TIME_LIMIT: not a configuration key \(did you mean POSTROUTE_SOLVER_TIME_LIMIT\?\)' \
    "$T/good.conf" POSTROUTE_SOLVR_TIME_LIMIT=2
check_t 1 'environment POSTROUTE_WHATEVER: not a configuration key' \
    "$T/good.conf" POSTROUTE_WHATEVER=1
check_t 0 'configuration ok' "$T/good.conf" POSTROUTE_SOLVER_TIME_LIMIT=0.1 \
    POSTROUTE_CONFIG=/nonexistent

# Every value checked: addresses, host names, socket paths.
check_t 1 'POSTROUTE_HTTP_LISTEN: \[http\] listen: "bogus" is not an IPv4 or IPv6 address' \
    "$T/good.conf" POSTROUTE_HTTP_LISTEN=bogus
for a in 127.0.0.1 ::1 localhost; do
	check_t 0 'configuration ok' "$T/good.conf" POSTROUTE_HTTP_LISTEN=$a
done
# Off loopback the page and the API need a token (docs/web.md).
printf 'a-token-of-twenty-chars\n' >"$T/token"
chmod 600 "$T/token"
for a in 0.0.0.0 :: 192.0.2.7; do
	check_t 1 'is not a loopback address: set \[http\] token_file' \
	    "$T/good.conf" POSTROUTE_HTTP_LISTEN=$a
	check_t 0 'configuration ok' "$T/good.conf" POSTROUTE_HTTP_LISTEN=$a \
	    POSTROUTE_HTTP_TOKEN_FILE="$T/token"
done
printf '[http]\nlisten = 10.0.0.300\n' >"$T/listen.conf"
check_t 1 'listen.conf:2: \[http\] listen: "10.0.0.300" is not an IPv4 or IPv6 address' "$T/listen.conf"
printf '[redis]\nhost = redis server\n' >"$T/host.conf"
check_t 1 'host.conf:2: \[redis\] host: "redis server" is not a host name or an IP address' "$T/host.conf"
check_t 1 'POSTROUTE_REDIS_HOST: \[redis\] host: "-x" is not a host name' \
    "$T/good.conf" POSTROUTE_REDIS_HOST=-x
check_t 0 'configuration ok' "$T/good.conf" POSTROUTE_REDIS_HOST=redis-1.example.org
check_t 1 '\[redis\] socket: "redis.sock" must be an absolute path' \
    "$T/good.conf" POSTROUTE_REDIS_SOCKET=redis.sock
check_t 1 '\[redis\] socket: "/x{120}" is longer than a unix socket path' \
    "$T/good.conf" POSTROUTE_REDIS_SOCKET="/$(printf 'x%.0s' $(seq 120))"

# A password in a file other users can read: every user (o+r), or a
# group that is not the daemon's own.
write_conf "$T/secret.conf" '[redis]' 'password = hunter2'
chmod 0604 "$T/secret.conf"
check_t 1 'secret.conf: holds \[redis\] password but is readable by every user' "$T/secret.conf"
chmod 0600 "$T/secret.conf"
check_t 0 'configuration ok' "$T/secret.conf"
chmod 0640 "$T/secret.conf"
chgrp "$(id -g)" "$T/secret.conf"
check_t 0 'configuration ok' "$T/secret.conf"    # the daemon's own group
other=
for g in nogroup daemon users; do
	if getent group "$g" >/dev/null && [ "$(getent group "$g" | cut -d: -f3)" != "$(id -g)" ] &&
	    chgrp "$g" "$T/secret.conf" 2>/dev/null; then
		other=$g
		break
	fi
done
if [ -n "$other" ]; then
	check_t 1 "secret.conf: holds \\[redis\\] password but is readable by group $other \\(mode 0640\\), which is not postrouted's own group" \
	    "$T/secret.conf"
	chmod 0600 "$T/secret.conf"
	check_t 0 'configuration ok' "$T/secret.conf"
else
	log "skip: cannot give $T/secret.conf to another group (not root?): group rule not checked"
fi

# Sentinels and several daemons (issue 17): the list is checked entry by
# entry, and the keys that go together.
sconf() { write_conf "$T/s.conf" "$@"; sed -i '/^socket = /d' "$T/s.conf"; }
sconf '[redis]' 'sentinels = 127.0.0.1:26379, [::1]:26380,s3.example:26381' 'master_name = pr' \
    'ack_replicas = 1' '[cluster]' 'enabled = yes' 'lease_s = 5'
check_t 0 'configuration ok' "$T/s.conf"
sconf '[redis]' 'sentinels = 127.0.0.1' 'master_name = pr'
check_t 1 'sentinels: "127.0.0.1" entry "127.0.0.1" is not host:port' "$T/s.conf"
sconf '[redis]' 'sentinels = 127.0.0.1:70000' 'master_name = pr'
check_t 1 'sentinels: .* the port must be 1 to 65535' "$T/s.conf"
sconf '[redis]' 'sentinels = bad_host!:26379' 'master_name = pr'
check_t 1 'is not a host name or an IP address' "$T/s.conf"
sconf '[redis]' 'sentinels = 127.0.0.1:26379'
check_t 1 'sentinels is set without master_name' "$T/s.conf"
write_conf "$T/s.conf" '[redis]' 'sentinels = 127.0.0.1:26379' 'master_name = pr'
check_t 1 'sentinels and socket are both set' "$T/s.conf"
sconf '[cluster]' 'lease_s = 1'
check_t 1 'lease_s: "1" is outside \[2, 300\]' "$T/s.conf"

# A relative region that is in neither place names both.
mkdir "$T/etc"
printf '[planner]\nregion = regions/nowhere.json\n' >"$T/etc/pr.conf"
check_t 1 "region: $T/etc/regions/nowhere.json: not found, nor in /[^ ]*share/postroute" "$T/etc/pr.conf"

# The log: outside the journal, date, time and level on every line; under
# it (JOURNAL_STREAM set), the <N> priority and no timestamp. Connection
# errors name the address. (No Redis: port 1 refuses.)
write_conf "$T/nor.conf"
sed -i "s|^socket = .*|port = 1|" "$T/nor.conf"
run_briefly() {
	local out=$1
	shift
	env "$@" "$POSTROUTED" -c "$T/nor.conf" >"$out" 2>&1 &
	DAEMON_PID=$!
	wait_for 10 "the daemon's connection error" grep -q 'cannot connect to' "$out"
	kill -TERM "$DAEMON_PID"
	wait "$DAEMON_PID" || fail "postrouted exited $? after SIGTERM"
	DAEMON_PID=
}
run_briefly "$T/plain.log" -u JOURNAL_STREAM POSTROUTE_SOLVR_WORKERS=3
bad=$(grep -Ev '^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3} (error|warning|notice|info|debug): ' "$T/plain.log" || true)
[ -z "$bad" ] || fail "log lines without date, time and level: $bad"
grep -E ' warning: environment POSTROUTE_SOLVR_WORKERS: not a configuration key \(did you mean POSTROUTE_SOLVER_WORKERS\?\) \(ignored\)$' \
    "$T/plain.log" >/dev/null || fail "no warning for a mistyped variable at start: $(head -n 5 "$T/plain.log")"
grep -E ' warning: redis\((read|command)\): cannot connect to 127\.0\.0\.1:1: ' "$T/plain.log" >/dev/null ||
    fail "the connection error does not name host and port: $(grep connect "$T/plain.log" | head -n 2)"
run_briefly "$T/journal.log" JOURNAL_STREAM=8:1234
bad=$(grep -Ev '^<[3-7]>[^0-9<]' "$T/journal.log" || true)
[ -z "$bad" ] || fail "journal lines without their <N> prefix (or with a timestamp): $bad"
grep -E '^<4>redis\(read\): cannot connect to 127\.0\.0\.1:1: ' "$T/journal.log" >/dev/null ||
    fail "no <4> connection error in the journal format: $(head -n 3 "$T/journal.log")"
sed -i "s|^port = 1$|socket = $T/no.sock|" "$T/nor.conf"
run_briefly "$T/sock.log" -u JOURNAL_STREAM
grep -E "cannot connect to unix socket $T/no\.sock: " "$T/sock.log" >/dev/null ||
    fail "the connection error does not name the socket: $(grep connect "$T/sock.log" | head -n 2)"
# A start with a bad configuration: the error, under the journal too.
JOURNAL_STREAM=8:1234 "$POSTROUTED" -c "$T/hdr1.conf" >"$T/out" 2>&1 && fail "started with a broken file"
grep -E '^<3>.*hdr1.conf:1: syntax error' "$T/out" >/dev/null || fail "start error not at <3>: $(cat "$T/out")"
"$POSTROUTED" -c "$T" >"$T/out" 2>&1 && fail "started with a directory as its configuration"
grep -E "^postrouted: $T: is a directory\$" "$T/out" >/dev/null || fail "start error: $(cat "$T/out")"
log ok
