#!/usr/bin/env bash
# daemon-http.sh: HTTP conventions on every route of the route tables: HEAD wherever GET works (same headers, no body), 405 with Allow and a JSON body for any other method, JSON errors (404, 400) from the router, the API and the page; what evhttp still answers itself.
. "$(dirname "$0")/lib/common.bash"

PY=/usr/bin/python3
start_redis
write_conf "$T/pr.conf" '[http]' 'max_body = 4096'
xadd "$(order_event order.created a1 1 0 05971)"
start_daemon
wait_for 20 "a plan of C05971" sh -c "curl -sf http://127.0.0.1:$PORT/v1/offices/C05971/plan >/dev/null"
veh=$(http /v1/offices/C05971/plan | jq -r '.routes[0].vehicle')
[ -n "$veh" ] && [ "$veh" != null ] || fail "no route in the plan of C05971"
leaflet=leaflet.css
[ -f /usr/share/javascript/leaflet/leaflet.css ] || fail "no Debian Leaflet (libjs-leaflet)"

"$PY" "$ROOT/tests/integration/lib/http_routes.py" "$PORT" "$ROOT" \
    id=C05971 vehicle="$veh" web/file=app.css leaflet/file="$leaflet" 2>"$T/out" ||
    fail "$(cat "$T/out")"
log "$(cat "$T/out")"

# What evhttp (libevent 2.1) answers itself, before the router: a request
# it cannot parse, a body over [http] max_body, a method it does not know.
# Its pages are text/html (docs/daemon.md says so); the status is right.
raw() { "$PY" -c '
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
s.sendall(sys.argv[2].encode().decode("unicode_escape").encode("latin-1"))
d = b""
while True:
    c = s.recv(65536)
    if not c: break
    d += c
print(d.split(b"\r\n")[0].decode())' "$PORT" "$1"; }
[ "$(raw 'GARBAGE\r\n\r\n')" = 'HTTP/1.1 400 Bad Request' ] || fail "a garbled request line"
[ "$(raw 'FOO / HTTP/1.1\r\nHost: a\r\n\r\n')" = 'HTTP/1.1 501 Not Implemented' ] || fail "an unknown method"
code=$(head -c 5000 /dev/zero | curl -s -o /dev/null -w '%{http_code}' --data-binary @- "http://127.0.0.1:$PORT/v1/solve")
[ "$code" = 413 ] || fail "a body over max_body: $code"
# The daemon serves on after all of it.
[ "$(http_code /healthz)" = 200 ] || fail "healthz after the bad requests"
stop_daemon
log ok
