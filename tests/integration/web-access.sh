#!/usr/bin/env bash
# web-access.sh: the page's files and routes over HTTP (types, ETags, gzip, no way out of the directories) and the access rules: a non-loopback listen needs a token, the token by header or login cookie, POSTs need X-Requested-With, cross-site POSTs are refused.
. "$(dirname "$0")/lib/common.bash"

code() { curl -s -o /dev/null -w '%{http_code}' --max-time 10 --path-as-is "$@"; }
hdr() { curl -s -o /dev/null -D - --max-time 10 --path-as-is "$@" | tr -d '\r'; }
U() { printf 'http://127.0.0.1:%s%s' "$PORT" "$1"; }

# ---- a non-loopback listen without a token does not start ------------------------
write_conf "$T/open.conf" '[http]' 'listen = 0.0.0.0'
rc=0
"$POSTROUTED" -t -c "$T/open.conf" 2>"$T/err" || rc=$?
[ $rc = 1 ] && grep -q 'listen 0.0.0.0 is not a loopback address: set \[http\] token_file' "$T/err" ||
    fail "-t with listen 0.0.0.0 and no token: exit $rc: $(cat "$T/err")"
rc=0
timeout 20 "$POSTROUTED" -c "$T/open.conf" 2>"$T/err" || rc=$?
[ $rc = 1 ] && grep -q 'not a loopback address' "$T/err" ||
    fail "postrouted with listen 0.0.0.0 and no token: exit $rc: $(cat "$T/err")"
printf 'short\n' >"$T/short.token"
chmod 600 "$T/short.token"
write_conf "$T/short.conf" '[http]' "token_file = $T/short.token"
rc=0
"$POSTROUTED" -t -c "$T/short.conf" 2>"$T/err" || rc=$?
[ $rc = 1 ] && grep -q 'the token must have 16 to 255 characters' "$T/err" || fail "a short token: $(cat "$T/err")"
TOKEN=k7Qe2-xN9vLp4Ws8Zt3Rm
printf '%s\n' "$TOKEN" >"$T/token"
chmod 644 "$T/token"
write_conf "$T/pr.conf" '[http]' "token_file = token"	# relative to the file
rc=0
"$POSTROUTED" -t -c "$T/pr.conf" 2>"$T/err" || rc=$?
[ $rc = 1 ] && grep -q 'readable by every user' "$T/err" || fail "a world-readable token file: $(cat "$T/err")"
chmod 600 "$T/token"
"$POSTROUTED" -t -c "$T/pr.conf" 2>"$T/err" || fail "-t refused a good token file: $(cat "$T/err")"

# ---- with a token -----------------------------------------------------------------
start_redis
start_daemon
xadd "$(order_event order.created a1 1 0)"
wait_for 20 "a plan of C05971" sh -c "curl -sf -H 'Authorization: Bearer $TOKEN' $(U /v1/offices/C05971/plan) >/dev/null"
veh=$(curl -s -H "Authorization: Bearer $TOKEN" "$(U /v1/offices/C05971/plan)" | jq -r '.routes[0].vehicle')

[ "$(code "$(U /healthz)")" = 200 ] || fail "/healthz needs no token"
[ "$(code "$(U /metrics)")" = 200 ] || fail "/metrics needs no token"
[ "$(code "$(U /web/app.css)")" = 200 ] || fail "the page's files need no token"
[ "$(code "$(U /v1/offices)")" = 401 ] || fail "/v1/offices without the token is not 401"
[ "$(code "$(U /v1/offices/C05971/plan)")" = 401 ] || fail "a plan without the token is not 401"
hdr "$(U /offices/C05971)" | grep -qx 'Location: ../login?next=offices%2FC05971' ||
    fail "the office page without the token does not send to the login: $(hdr "$(U /offices/C05971)")"
[ "$(code "$(U /offices/C05971/routes/$veh/sheet.csv)")" = 303 ] || fail "the CSV without the token"
[ "$(code -H "Authorization: Bearer wrong-wrong-wrong-wrong" "$(U /v1/offices)")" = 401 ] || fail "a wrong token is taken"
[ "$(code -H "Authorization: Bearer $TOKEN" "$(U /v1/offices)")" = 200 ] || fail "the token in Authorization is refused"
[ "$(code -b "postroute_token=$TOKEN" "$(U /offices/C05971)")" = 200 ] || fail "the token cookie is refused"
# the login: the header, then the token
[ "$(code -X POST --data "token=$TOKEN" "$(U /login)")" = 403 ] || fail "a login without X-Requested-With"
[ "$(code -X POST -H 'X-Requested-With: postroute' --data 'token=nope' "$(U /login)")" = 403 ] || fail "a wrong login"
hdr -X POST -H 'X-Requested-With: postroute' --data "token=$TOKEN" "$(U /login)" >"$T/login"
grep -q "^Set-Cookie: postroute_token=$TOKEN; Path=/; HttpOnly; SameSite=Strict" "$T/login" ||
    fail "the login sets no cookie: $(cat "$T/login")"
# POSTs: the cookie alone is not enough (a cross-site form would send it)
D=$(U "/v1/offices/C05971/routes/$veh/dispatch")
[ "$(code -X POST -b "postroute_token=$TOKEN" "$D")" = 403 ] || fail "a POST with the cookie and without X-Requested-With"
[ "$(code -X POST -b "postroute_token=$TOKEN" -H 'X-Requested-With: postroute' -H "Origin: http://evil.example" "$D")" = 403 ] ||
    fail "a cross-site POST is taken"
[ "$(code -X POST -b "postroute_token=$TOKEN" -H 'X-Requested-With: postroute' -H "Origin: http://127.0.0.1:$PORT" "$D")" = 200 ] ||
    fail "a same-site POST with the cookie is refused"
[ "$(code -X POST -H "Authorization: Bearer $TOKEN" "$D")" = 200 ] || fail "a POST with the token in Authorization is refused"
dispatched() { R GET postroute:plan:C05971 | jq -e --arg v "$veh" '[.routes[] | select(.vehicle == $v and .dispatched)] | length == 1'; }
wait_for 20 "the dispatch in the stored plan" dispatched
# its undo: the same rules
UD=$(U "/v1/offices/C05971/routes/$veh/undispatch")
[ "$(code -X POST "$UD")" = 401 ] || fail "an undispatch without the token is not 401"
[ "$(code -X POST -b "postroute_token=$TOKEN" "$UD")" = 403 ] || fail "an undispatch with the cookie and without X-Requested-With"
[ "$(code -X POST -H "Authorization: Bearer $TOKEN" -H "Origin: http://evil.example" "$UD")" = 403 ] ||
    fail "a cross-site undispatch is taken"
[ "$(code -X POST -b "postroute_token=$TOKEN" -H 'X-Requested-With: postroute' -H "Origin: http://127.0.0.1:$PORT" "$UD")" = 200 ] ||
    fail "a same-site undispatch with the cookie is refused"
undone() { R GET postroute:plan:C05971 | jq -e --arg v "$veh" '[.routes[] | select(.vehicle == $v and (.dispatched | not))] | length == 1'; }
wait_for 20 "the undo in the stored plan" undone
[ "$(code -X POST -H "Authorization: Bearer $TOKEN" "$D")" = 200 ] || fail "dispatching again"
wait_for 20 "the dispatch in the stored plan again" dispatched
v0=$(R GET postroute:plan:C05971 | jq .version)
stop_daemon

# ---- without a token (loopback): files, types, caching, the way out ----------------------
write_conf "$T/pr.conf"
start_daemon
newer() { http /v1/offices/C05971/plan | jq -e --argjson v "$v0" '.version > $v'; }
wait_for 20 "a new plan after the restart" newer
veh=$(http /v1/offices/C05971/plan | jq -r '.routes[0].vehicle')
for p in / /offices/C05971 "/offices/C05971/routes/$veh/sheet"; do
	hdr "$(U "$p")" >"$T/h"
	grep -qx 'HTTP/1.1 200 OK' "$T/h" && grep -qx 'Content-Type: text/html; charset=utf-8' "$T/h" &&
	    grep -q "^Content-Security-Policy: default-src 'self'" "$T/h" && grep -qx 'X-Frame-Options: DENY' "$T/h" ||
	    fail "page $p: $(cat "$T/h")"
done
hdr "$(U /web/app.css)" | grep -qx 'Content-Type: text/css; charset=utf-8' || fail "app.css type"
hdr "$(U /web/common.js)" | grep -qx 'Content-Type: text/javascript; charset=utf-8' || fail "common.js type"
hdr "$(U /web/i18n/vi.json)" | grep -qx 'Content-Type: application/json; charset=utf-8' || fail "vi.json type"
etag=$(hdr "$(U /web/app.css)" | sed -n 's/^ETag: //p')
[ -n "$etag" ] && [ "$(code -H "If-None-Match: $etag" "$(U /web/app.css)")" = 304 ] || fail "app.css: no 304 for its ETag $etag"
etag=$(hdr "$(U /v1/offices/C05971/plan)" | sed -n 's/^ETag: //p')
[ -n "$etag" ] && [ "$(code -H "If-None-Match: $etag" "$(U /v1/offices/C05971/plan)")" = 304 ] || fail "plan: no 304 for its ETag $etag"
etag=$(hdr "$(U /v1/offices)" | sed -n 's/^ETag: //p')
[ -n "$etag" ] && [ "$(code -H "If-None-Match: $etag" "$(U /v1/offices)")" = 304 ] || fail "/v1/offices: no 304 for its ETag $etag"
http "/v1/offices?id=C05971" | jq -e 'length == 1 and .[0].id == "C05971" and .[0].open_orders == 1 and
    .[0].routes == 1 and (.[0].state | IN("planned", "at_risk", "stale")) and .[0].commune == "05971"' >/dev/null ||
    fail "/v1/offices?id=C05971: $(http "/v1/offices?id=C05971")"
[ "$(code "$(U '/v1/offices?id=NOPE')")" = 404 ] || fail "/v1/offices?id=NOPE is not 404"
if [ -f /usr/share/javascript/leaflet/leaflet.min.js.gz ]; then
	hdr -H 'Accept-Encoding: gzip' "$(U /leaflet/leaflet.js)" | grep -qx 'Content-Encoding: gzip' ||
	    fail "Leaflet is not sent compressed"
fi
# Our files and JSON are compressed on the way out, and come back the same.
curl -s -H 'Accept-Encoding: gzip' "$(U /web/app.css)" | gunzip | cmp -s - "$ROOT/web/app.css" ||
    fail "app.css does not come back the same through gzip"
curl -s -H 'Accept-Encoding: gzip' "$(U /v1/offices)" | gunzip | jq -e 'length == 209' >/dev/null ||
    fail "/v1/offices through gzip"
hdr "$(U "/offices/C05971/routes/$veh/sheet.csv")" | grep -qx 'Content-Type: text/csv; charset=utf-8' || fail "CSV type"
# Nothing outside web/ and the Leaflet directory, however the path is spelt.
for p in /web/../daemon/web.c /web/..%2fdaemon/web.c /web/%2e%2e/daemon/web.c /web/.hidden /web//etc/passwd \
    /web/i18n/../../README.md '/web/..\daemon' /leaflet/../../../../etc/passwd /leaflet/%2e%2e/%2e%2e/etc/passwd \
    /web/ /web /offices/C05971/ /offices/../web/app.css /offices/NOPE /offices/C05971/routes/x/../../../etc \
    /nothing /v1 /v1/nothing; do
	c=$(code "$(U "$p")")
	[ "$c" = 404 ] || fail "$p: $c, not 404"
done
[ "$(code -X POST "$(U /)")" = 405 ] || fail "POST / is not 405"
[ "$(code -X POST -H "Origin: http://evil.example" "$(U "/v1/offices/C05971/routes/$veh/dispatch")")" = 403 ] ||
    fail "a cross-site POST on loopback is taken"
[ "$(code "$(U /login)")" = 303 ] || fail "/login without a token is not a redirect"
stop_daemon
log ok
