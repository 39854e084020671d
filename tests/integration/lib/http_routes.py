#!/usr/bin/python3
"""http_routes.py: every route of postrouted's route tables (daemon/http.c, daemon/web.c) over raw HTTP/1.1: HEAD wherever GET works, 405 with Allow for every other method, JSON errors.

  http_routes.py PORT ROOT NAME=VALUE ...

NAME=VALUE fill the patterns' placeholders ({id}: id=C05971; {file*} of
/web/: web/file=app.css). Sockets, not a client library, so that a body
sent after a HEAD answer is seen. Exit status 1, one line per problem on
standard error.
"""
import json
import re
import socket
import sys

ROUTE = re.compile(r'\{ "(/[^"]*)", (ROUTER_[A-Z]+(?: \| ROUTER_[A-Z]+)*),')
METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE']
JSON_TYPE = 'application/json; charset=utf-8'
# Answers that change from one request to the next (the scrape counts the
# one before it): their length is not compared between GET and HEAD.
CHANGING = {'/metrics'}

problems = []


def problem(msg):
    problems.append(msg)


def request(port, method, path, headers=None, body=b''):
    """(status, [(name, value)], body) of one request on its own connection."""
    lines = [f'{method} {path} HTTP/1.1', 'Host: 127.0.0.1', 'Connection: close']
    for k, v in (headers or {}).items():
        lines.append(f'{k}: {v}')
    if body or method in ('POST', 'PUT', 'PATCH'):
        lines.append(f'Content-Length: {len(body)}')
    raw = ('\r\n'.join(lines) + '\r\n\r\n').encode() + body
    with socket.create_connection(('127.0.0.1', port), timeout=10) as s:
        s.sendall(raw)
        data = b''
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    head, _, rest = data.partition(b'\r\n\r\n')
    head = head.decode('latin-1').split('\r\n')
    status = int(head[0].split()[1])
    hdrs = []
    for h in head[1:]:
        k, _, v = h.partition(':')
        hdrs.append((k.strip().lower(), v.strip()))
    return status, hdrs, rest


def header(hdrs, name):
    vals = [v for k, v in hdrs if k == name]
    return vals[0] if len(vals) == 1 else (None if not vals else vals)


def routes(root):
    found = []
    for f in ('daemon/http.c', 'daemon/web.c'):
        with open(f'{root}/{f}', encoding='utf-8') as fp:
            for pattern, methods in ROUTE.findall(fp.read()):
                found.append((pattern, {m.strip()[len('ROUTER_'):] for m in methods.split('|')}))
    return found


def fill(pattern, values):
    def one(m):
        name = m.group(1)
        prefix = pattern[:m.start()]
        for key in (f'{prefix.strip("/")}/{name.rstrip("*")}', name.rstrip('*')):
            if key in values:
                return values[key]
        problem(f'{pattern}: no value for {{{name}}}: add one to the test')
        return 'x'
    return re.sub(r'\{([^}]*)\}', one, pattern)


def json_error(where, status, hdrs, body):
    ctype = header(hdrs, 'content-type')
    if ctype != JSON_TYPE:
        problem(f'{where}: {status} with Content-Type {ctype!r}, not {JSON_TYPE}')
        return
    try:
        doc = json.loads(body)
    except ValueError:
        problem(f'{where}: {status} with a body that is not JSON: {body[:80]!r}')
        return
    if not isinstance(doc, dict) or not isinstance(doc.get('error'), str) or not doc['error']:
        problem(f'{where}: {status} without an "error" text: {body[:80]!r}')


def allow_of(methods):
    return ', '.join((['GET', 'HEAD'] if 'GET' in methods else []) +
                     (['POST'] if 'POST' in methods else []))


def main(argv):
    port, root = int(argv[1]), argv[2]
    values = dict(a.split('=', 1) for a in argv[3:])
    table = routes(root)
    if len(table) < 10:
        problem(f'only {len(table)} routes found in daemon/http.c and daemon/web.c: '
                'has the table changed shape?')
    # Every pattern with the same path gets the union of the methods.
    methods = {}
    for pattern, m in table:
        methods.setdefault(pattern, set()).update(m)
    heads = 0
    for pattern, m in methods.items():
        path = fill(pattern, values)
        if 'GET' in m:
            gs, gh, gb = request(port, 'GET', path)
            hs, hh, hb = request(port, 'HEAD', path)
            where = f'HEAD {path}'
            if gs != hs:
                problem(f'{where}: {hs}, GET says {gs}')
            if gs >= 400:
                problem(f'GET {path}: {gs}: fix the test\'s values')
            if hb:
                problem(f'{where}: a body of {len(hb)} bytes after the headers')
            skip = {'date', 'content-length', 'connection'}
            if pattern in CHANGING:
                skip.add('etag')
            gd = sorted((k, v) for k, v in gh if k not in skip)
            hd = sorted((k, v) for k, v in hh if k not in skip)
            if gd != hd:
                problem(f'{where}: headers differ from GET:\n  GET  {gd}\n  HEAD {hd}')
            hl = header(hh, 'content-length')
            if hl is None or not str(hl).isdigit():
                problem(f'{where}: Content-Length {hl!r}')
            elif pattern not in CHANGING and int(hl) != len(gb):
                problem(f'{where}: Content-Length {hl}, GET sends {len(gb)} bytes')
            heads += 1
        for method in METHODS:
            if method in m or (method == 'HEAD' and 'GET' in m):
                continue
            st, hd, body = request(port, method, path)
            where = f'{method} {path}'
            if st != 405:
                problem(f'{where}: {st}, not 405')
                continue
            if header(hd, 'allow') != allow_of(m):
                problem(f'{where}: Allow {header(hd, "allow")!r}, not {allow_of(m)!r}')
            if method != 'HEAD':
                json_error(where, st, hd, body)
    print(f'{len(methods)} routes, HEAD on {heads}, 405 with Allow on the other methods',
          file=sys.stderr)

    # Errors are JSON, whoever answers: the router, http.c or web.c.
    for method, path, body, want in [
            ('GET', '/v1/nothing', b'', 404),
            ('GET', '/v1', b'', 404),
            ('GET', '/nothing/at/all', b'', 404),
            ('GET', '/offices/NOPE', b'', 404),
            ('GET', '/web/../daemon/web.c', b'', 404),
            ('GET', '/web/no-such-file.css', b'', 404),
            ('GET', '/v1/offices?id=NOPE', b'', 404),
            ('GET', '/v1/offices/NOPE/plan', b'', 404),
            ('GET', '/v1/offices/C05983/plan.geojson', b'', 404),
            ('POST', '/v1/offices/NOPE/routes/x/dispatch', b'', 404),
            ('POST', '/v1/offices/C05971/routes/nosuchvehicle/dispatch', b'', 404),
            ('POST', '/v1/solve', b'', 400),
            ('POST', '/v1/solve?time_limit=-1', b'{}', 400),
            ('POST', '/v1/solve', b'{"not": "a problem"}', 400),
            ('PUT', '/nothing/at/all', b'', 404),
            ('GET', 'http://example.com', b'', 400)]:
        st, hd, rb = request(port, method, path, body=body)
        where = f'{method} {path}'
        if st != want:
            problem(f'{where}: {st}, not {want}')
        json_error(where, st, hd, rb)
    # HEAD of an error: its headers, no body.
    st, hd, rb = request(port, 'HEAD', '/v1/offices/NOPE/plan')
    if st != 404 or rb or header(hd, 'content-type') != JSON_TYPE:
        problem(f'HEAD /v1/offices/NOPE/plan: {st}, {header(hd, "content-type")}, {len(rb)} bytes')

    for p in problems:
        print(p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
