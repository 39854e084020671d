#!/usr/bin/python3
"""metrics.py: reads postrouted's /metrics with Prometheus's own exposition parser (Debian's python3-prometheus-client) for the integration tests.

  metrics.py check FILE                  the page parses; every family has HELP and TYPE once,
                                         before its samples, which are together; names follow
                                         Prometheus's naming guide; histograms are whole
  metrics.py value FILE NAME [K=V ...]   prints the value of one sample (nothing: none such)

Run it with /usr/bin/python3: Debian's modules are not in a pyenv python.
Exit status 1 with one line per problem on standard error.
"""
import math
import re
import sys

from prometheus_client.parser import text_string_to_metric_families

NAME = re.compile(r'^(postroute|process)_[a-z][a-z0-9_]*[a-z0-9]$')
LABEL = re.compile(r'^[a-z][a-z0-9_]*$')
# Units other than the base ones (seconds, bytes), and percentages.
NOT_BASE = re.compile(r'_(ms|msec|millis|milliseconds|us|micros|microseconds|ns|'
                      r'nanoseconds|minutes|hours|days|kb|kib|mb|mib|gb|gib|kilobytes|'
                      r'megabytes|percent|pct)(_|$)')
SUFFIXES = ('_total', '_count', '_sum', '_bucket', '_created')


def families(text):
    return list(text_string_to_metric_families(text))


def check(text):
    errors = []
    helps, types, order = {}, {}, []
    finished, current = set(), None
    seen, seen_names = set(), set()
    for n, line in enumerate(text.split('\n'), 1):
        if line == '':
            continue
        m = re.match(r'^# (HELP|TYPE) (\S+) ?(.*)$', line)
        if m:
            kind, name, rest = m.groups()
            book = helps if kind == 'HELP' else types
            if name in book:
                errors.append(f'line {n}: a second # {kind} for {name}')
            book[name] = rest
            if kind == 'TYPE' and seen_names & {name, name + '_bucket', name + '_sum',
                                                name + '_count'}:
                errors.append(f'line {n}: # TYPE {name} after its samples')
            if name not in order:
                order.append(name)
            continue
        if line.startswith('#'):
            continue
        sname = re.match(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)', line).group(1)
        fam = None
        for cand in (sname, re.sub(r'_(bucket|sum|count)$', '', sname)):
            if cand in types:
                fam = cand
                break
        if fam is None:
            errors.append(f'line {n}: sample {sname} has no # TYPE before it')
            continue
        if fam != current:
            if fam in finished:
                errors.append(f'line {n}: the samples of {fam} are not together')
            if current is not None:
                finished.add(current)
            current = fam
        seen_names.add(sname)
        key = line.rsplit(' ', 1)[0]
        if key in seen:
            errors.append(f'line {n}: a second sample {key}')
        seen.add(key)

    for name in order:
        t = types.get(name)
        if t is None:
            errors.append(f'{name}: no # TYPE')
            continue
        if not helps.get(name, '').strip():
            errors.append(f'{name}: no # HELP text')
        if t not in ('counter', 'gauge', 'histogram'):
            errors.append(f'{name}: type {t}')
        if not NAME.match(name):
            errors.append(f'{name}: not a postroute_ or process_ name in snake case')
        if NOT_BASE.search(name):
            errors.append(f'{name}: a unit that is not a base unit (seconds, bytes)')
        if t == 'counter' and not name.endswith('_total'):
            errors.append(f'{name}: a counter whose name does not end in _total')
        if t != 'counter' and name.endswith(SUFFIXES):
            errors.append(f'{name}: a {t} named like a counter or a histogram series')
        if t == 'histogram' and not name.endswith(('_seconds', '_bytes')):
            errors.append(f'{name}: a histogram without its unit (_seconds, _bytes)')
        for unit in ('seconds', 'bytes'):
            if unit in name.split('_') and not (name.endswith('_' + unit) or
                                                name.endswith('_' + unit + '_total')):
                errors.append(f'{name}: {unit} is not the last word of the name')

    try:
        fams = families(text)
    except Exception as e:  # the parser's own complaint
        return errors + [f'the exposition parser refuses the page: {e}']
    for f in fams:
        if f.type == 'unknown':
            errors.append(f'{f.name}: the parser sees no type')
        if not f.documentation:
            errors.append(f'{f.name}: the parser sees no help')
        groups = {}
        for s in f.samples:
            for k in s.labels:
                if not LABEL.match(k) or (k == 'le' and f.type != 'histogram'):
                    errors.append(f'{s.name}: label name {k}')
            if f.type != 'histogram':
                continue
            rest = tuple(sorted((k, v) for k, v in s.labels.items() if k != 'le'))
            g = groups.setdefault(rest, {'buckets': [], 'sum': None, 'count': None})
            if s.name.endswith('_bucket'):
                g['buckets'].append((float(s.labels['le']), s.value))
            elif s.name.endswith('_sum'):
                g['sum'] = s.value
            elif s.name.endswith('_count'):
                g['count'] = s.value
        for rest, g in groups.items():
            where = f'{f.name}{dict(rest)}'
            b = g['buckets']
            if not b or b[-1][0] != math.inf:
                errors.append(f'{where}: no +Inf bucket last')
                continue
            if [le for le, _ in b] != sorted(le for le, _ in b):
                errors.append(f'{where}: buckets not in order')
            if any(b[i][1] > b[i + 1][1] for i in range(len(b) - 1)):
                errors.append(f'{where}: buckets not cumulative')
            if g['count'] is None or g['sum'] is None:
                errors.append(f'{where}: no _count or _sum')
            elif g['count'] != b[-1][1]:
                errors.append(f'{where}: _count {g["count"]} is not the +Inf bucket {b[-1][1]}')
    return errors


def value(text, name, labels):
    for f in families(text):
        for s in f.samples:
            if s.name == name and s.labels == labels:
                return s.value
    return None


def main(argv):
    if len(argv) < 3 or argv[1] not in ('check', 'value'):
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[2], encoding='utf-8') as fp:
        text = fp.read()
    if argv[1] == 'check':
        errors = check(text)
        for e in errors:
            print(e, file=sys.stderr)
        return 1 if errors else 0
    labels = dict(a.split('=', 1) for a in argv[4:])
    v = value(text, argv[3], labels)
    if v is not None:
        print(int(v) if math.isfinite(v) and v == int(v) and abs(v) < 1e15 else repr(v))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
