#!/usr/bin/env python3
"""sentinel_producer.py: a marketplace backend for the Sentinel test: XADDs each line of an event file to the primary the Sentinels name, one at a time, following a failover; WAIT confirms replication.

usage: sentinel_producer.py EVENTS MASTER_NAME SENTINEL_PORT... --out DIR [--rate N]

Writes DIR/acked (events the primary gave an id for) and DIR/confirmed
(events WAIT 1 then said reached a replica), one JSON line each, in order.
An event whose XADD or WAIT got no answer (the primary died) is sent
again to the next primary, so the stream may hold it twice (the daemon's
versions make that a no-op). Exits 0 when every event was confirmed,
1 after a deadline of 120 s without progress.
"""
import socket
import sys
import time


def resp(args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        if isinstance(a, str):
            a = a.encode()
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


class Conn:
    def __init__(self, port, timeout=3.0):
        self.s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.buf = b""

    def _line(self):
        while b"\r\n" not in self.buf:
            d = self.s.recv(65536)
            if not d:
                raise ConnectionError("closed")
            self.buf += d
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def _exact(self, n):
        while len(self.buf) < n + 2:
            d = self.s.recv(65536)
            if not d:
                raise ConnectionError("closed")
            self.buf += d
        v, self.buf = self.buf[:n], self.buf[n + 2:]
        return v

    def reply(self):
        line = self._line()
        t, rest = line[:1], line[1:]
        if t == b"+":
            return rest.decode()
        if t == b"-":
            raise RuntimeError(rest.decode())
        if t == b":":
            return int(rest)
        if t == b"$":
            n = int(rest)
            return None if n < 0 else self._exact(n).decode()
        if t == b"*":
            n = int(rest)
            return None if n < 0 else [self.reply() for _ in range(n)]
        raise RuntimeError("bad reply %r" % line)

    def cmd(self, *args):
        self.s.sendall(resp(args))
        return self.reply()

    def close(self):
        self.s.close()


def primary(name, sentinels):
    for p in sentinels:
        try:
            c = Conn(p, 1.0)
            a = c.cmd("SENTINEL", "get-master-addr-by-name", name)
            c.close()
            if a:
                return int(a[1])
        except (OSError, RuntimeError, ConnectionError):
            pass
    return None


def main():
    args = sys.argv[1:]
    out = args[args.index("--out") + 1]
    rate = 0
    if "--rate" in args:
        rate = float(args[args.index("--rate") + 1])
    pos = [a for i, a in enumerate(args) if a not in ("--out", "--rate") and
           (i == 0 or args[i - 1] not in ("--out", "--rate"))]
    events = [l.rstrip("\n") for l in open(pos[0]) if l.strip()]
    name, sentinels = pos[1], [int(p) for p in pos[2:]]
    acked = open(out + "/acked", "w")
    confirmed = open(out + "/confirmed", "w")
    conn, i, unconfirmed = None, 0, []
    last_progress = time.monotonic()
    t0 = time.monotonic()
    failovers = 0
    while i < len(events) or unconfirmed:
        if time.monotonic() - last_progress > 120:
            print("producer: no progress for 120 s", file=sys.stderr)
            return 1
        try:
            if conn is None:
                p = primary(name, sentinels)
                if p is None:
                    time.sleep(0.1)
                    continue
                conn = Conn(p)
                if conn.cmd("ROLE")[0] != "master":
                    conn.close()
                    conn = None
                    time.sleep(0.1)
                    continue
            if i < len(events):
                if rate > 0:
                    due = t0 + i / rate
                    if due > time.monotonic():
                        time.sleep(due - time.monotonic())
                conn.cmd("XADD", "postroute:events", "*", "event", events[i])
                acked.write(events[i] + "\n")
                unconfirmed.append(events[i])
                i += 1
            if len(unconfirmed) >= 20 or i == len(events):
                n = conn.cmd("WAIT", "1", "1000")
                if n >= 1:
                    for e in unconfirmed:
                        confirmed.write(e + "\n")
                    unconfirmed = []
                    last_progress = time.monotonic()
        except (OSError, RuntimeError, ConnectionError) as e:
            # The primary went: what WAIT did not confirm goes again to
            # the next one.
            if conn is not None:
                conn.close()
            conn = None
            failovers += 1
            print("producer: %s; %d events to send again" %
                  (e, len(unconfirmed)), file=sys.stderr)
            i -= len(unconfirmed)
            unconfirmed = []
            time.sleep(0.1)
    acked.close()
    confirmed.close()
    print("producer: %d events confirmed, %d reconnections" %
          (len(events), failovers), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
