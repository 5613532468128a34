#!/usr/bin/python3
"""Differential runner: the same random command stream against redis-server
and petrel-server, every reply compared.

    python3 tests/differential/run.py --seed 1 --count 5000
    python3 tests/differential/run.py --seeds 1-20 --count 3000
    python3 tests/differential/run.py --seed 7 --count 5000 --minimize
    python3 tests/differential/run.py --replay repro.txt      # lines as --minimize prints them
    python3 tests/differential/run.py --seeds 1-40 --include-known   # show gen.KNOWN again

Starts both servers itself (free ports, temp dirs, stopped by PID on exit),
or uses running ones with --redis HOST:PORT / --petrel HOST:PORT (they are
FLUSHALLed). Prints the first divergence with the commands that led to it;
--minimize then shrinks that history to a short reproduction. Exit status 1
when a divergence was found.

The module is also the engine of tests/integration/test_differential.py:
Differ(redis_addr, petrel_addr).run(seed, count) -> Divergence or None.
"""
import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

import gen  # noqa: E402
from gen import EXACT, UNORDERED, PAIRS, RANDOM, TTL, SCAN, M_PAIRS, Cmd  # noqa: E402

DUMP = "dump"                      # pseudo command: compare the whole data set
REDIS_BIN = os.environ.get("REDIS_SERVER", "/usr/bin/redis-server")
PETREL_BIN = os.environ.get("PETREL_SERVER_BIN", os.path.join(REPO, "build", "petrel-server"))
IO_TIMEOUT = 10.0
TTL_SLACK_S = 60                   # relative TTLs: servers see the command microseconds apart

# ---------------------------------------------------------------------------
# RESP: a connection whose parser keeps every type tag
# ---------------------------------------------------------------------------
# Replies are tuples (tag, value): ('+', b'OK'), ('-', 'ERR ...'), (':', 1),
# ('$', b'..' | None), ('*', (..) | None), ('~', (..)), ('%', ((k, v), ..)),
# ('_', None), (',', b'1.5'), ('#', True), ('(', b'123'), ('=', b'txt:..'),
# ('!', 'ERR ...'), ('>', (..)). Doubles and big numbers keep their text.


class ConnectionClosed(Exception):
    pass


class Conn:
    def __init__(self, host, port, timeout=IO_TIMEOUT):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.settimeout(timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = bytearray()
        self.pos = 0

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def send(self, args):
        out = [b"*%d\r\n" % len(args)]
        for a in args:
            out.append(b"$%d\r\n%s\r\n" % (len(a), a))
        self.sock.sendall(b"".join(out))

    def _fill(self):
        if self.pos > 65536:
            del self.buf[: self.pos]
            self.pos = 0
        try:
            d = self.sock.recv(1 << 16)
        except ConnectionResetError:
            d = b""
        if not d:
            raise ConnectionClosed("connection closed by the server")
        self.buf += d

    def _line(self):
        while True:
            i = self.buf.find(b"\r\n", self.pos)
            if i >= 0:
                line = bytes(self.buf[self.pos:i])
                self.pos = i + 2
                return line
            self._fill()

    def _exact(self, n):
        while len(self.buf) - self.pos < n + 2:
            self._fill()
        d = bytes(self.buf[self.pos:self.pos + n])
        if self.buf[self.pos + n:self.pos + n + 2] != b"\r\n":
            raise ValueError("bulk not terminated by CRLF")
        self.pos += n + 2
        return d

    def read(self):
        line = self._line()
        t, h = chr(line[0]), line[1:]
        if t == "+":
            return ("+", h)
        if t == "-":
            return ("-", h.decode("latin-1"))
        if t == ":":
            return (":", int(h))
        if t in "$=!":
            n = int(h)
            if n < 0:
                return ("$", None)
            d = self._exact(n)
            return ("!", d.decode("latin-1")) if t == "!" else (t, d)
        if t in "*~>":
            n = int(h)
            if n < 0:
                return (t, None)
            return (t, tuple(self.read() for _ in range(n)))
        if t == "%":
            n = int(h)
            return ("%", tuple((self.read(), self.read()) for _ in range(n)))
        if t == "|":
            for _ in range(2 * int(h)):
                self.read()
            return self.read()
        if t == "_":
            return ("_", None)
        if t == ",":
            return (",", h)
        if t == "#":
            return ("#", h == b"t")
        if t == "(":
            return ("(", h)
        raise ValueError("bad RESP type byte %r" % t)

    def call(self, *args):
        self.send([a if isinstance(a, bytes) else str(a).encode() for a in args])
        return self.read()


def is_err(r):
    return r[0] in "-!"


def show(r, limit=300):
    """Compact one-line rendering that keeps the RESP type."""
    def s(r):
        t, v = r
        if t in "+":
            return "+" + v.decode("latin-1")
        if t in "-!":
            return "-" + v if t == "-" else "!" + v
        if t in ":":
            return ":%d" % v
        if t in "$=":
            return "$nil" if v is None else t + repr(v)[1:]
        if t in "*~>":
            if v is None:
                return t + "nil"
            o, c = {"*": "[]", "~": "{}", ">": "<>"}[t]
            return (t if t != "*" else "") + o + ", ".join(s(x) for x in v) + c
        if t == "%":
            return "%{" + ", ".join("%s: %s" % (s(a), s(b)) for a, b in v) + "}"
        if t == "_":
            return "_null"
        if t in ",(":
            return t + v.decode("latin-1")
        if t == "#":
            return "#t" if v else "#f"
        return repr(r)
    out = s(r)
    return out if len(out) <= limit else out[:limit] + "...(%d chars)" % len(out)


# ---------------------------------------------------------------------------
# comparison
# ---------------------------------------------------------------------------


def _key(r):
    return repr(r)


def _multiset(items):
    return sorted(_key(x) for x in items)


def _pairs(r):
    """[(a, b), ...] from a map, a flat [k, v, ...] array or an array of 2-arrays."""
    t, v = r
    if t == "%":
        return list(v)
    if v is None:
        return []
    if v and all(x[0] == "*" and x[1] is not None and len(x[1]) == 2 for x in v):
        return [tuple(x[1]) for x in v]
    return [(v[i], v[i + 1]) for i in range(0, len(v) - 1, 2)] + ([(v[-1], None)] if len(v) % 2 else [])


def skeleton(r):
    t, v = r
    if t in "*~>":
        return (t, None if v is None else tuple(skeleton(x) for x in v))
    if t == "%":
        return (t, tuple((skeleton(a), skeleton(b)) for a, b in v))
    return (t, v is None)


def _ttl_equal(name, a, b):
    if a[0] != ":" or b[0] != ":":
        return a == b
    x, y = a[1], b[1]
    if x < 0 or y < 0:
        return x == y
    ms = name in ("PTTL", "PEXPIRETIME")
    if name in ("EXPIRETIME", "PEXPIRETIME"):
        # set from an absolute far-future time: must be the same number
        if x >= gen.FUTURE_S * (1000 if ms else 1):
            return x == y
    return abs(x - y) <= TTL_SLACK_S * (1000 if ms else 1)


def compare(mode, name, a, b):
    """True when replies a (redis) and b (petrel) agree under mode."""
    if a == b:
        return True
    if is_err(a) or is_err(b) or mode == EXACT:
        return False
    if mode == UNORDERED:
        if a[0] != b[0] or a[0] not in "*~" or a[1] is None or b[1] is None:
            return False
        return _multiset(a[1]) == _multiset(b[1])
    if mode == PAIRS:
        if a[0] != b[0] or a[0] not in "*%" or a[1] is None or b[1] is None:
            return False
        if a[0] == "*" and (len(a[1]) % 2 or len(b[1]) % 2):
            return False
        return _multiset(_pairs(a)) == _multiset(_pairs(b))
    if mode == RANDOM:
        return skeleton(a) == skeleton(b)
    if mode == TTL:
        return _ttl_equal(name, a, b)
    return False


def _elements(r, kind):
    """The picked elements of a random reply (members or pairs)."""
    t, v = r
    if t == "$":
        return [] if v is None else [r]
    if t not in "*~" or v is None:
        return []
    if kind == M_PAIRS:
        return _pairs(r)
    return list(v)


def _candidates(snap, kind, snap_name):
    if is_err(snap):
        return None
    if snap_name in ("HGETALL", "ZRANGE"):
        pairs = _pairs(snap)
        return set(_key(p) for p in pairs) if kind == M_PAIRS else set(_key(p[0]) for p in pairs)
    t, v = snap
    return set(_key(x) for x in (v or ()))


def _membership_ok(reply, kind, snap, snap_name):
    cands = _candidates(snap, kind, snap_name)
    if cands is None or is_err(reply):
        return True
    return all(_key(e) in cands for e in _elements(reply, kind))


# ---------------------------------------------------------------------------
# the differ
# ---------------------------------------------------------------------------


class Divergence(Exception):
    def __init__(self, seed, step, cmd, reason, redis_reply=None, petrel_reply=None, history=()):
        self.seed, self.step, self.cmd, self.reason = seed, step, cmd, reason
        self.redis_reply, self.petrel_reply = redis_reply, petrel_reply
        self.history = list(history)
        Exception.__init__(self, self.summary())

    def summary(self):
        s = "seed %s, step %d: %s\n  command:  [c%d] %s\n" % (self.seed, self.step, self.reason,
                                                               self.cmd.conn, self.cmd.text())
        if self.redis_reply is not None or self.petrel_reply is not None:
            s += "  redis:    %s\n  petrel:   %s\n" % (_show_any(self.redis_reply), _show_any(self.petrel_reply))
        return s

    def report(self, tail=40):
        lines = ["DIVERGENCE " + self.summary().rstrip("\n")]
        hist = self.history[:-1]
        if hist:
            shown = hist[-tail:] if tail else hist
            lines.append("history (%d commands before it%s; c0 = RESP2, c1 = RESP3; reply shown is redis's):"
                         % (len(hist), ", last %d shown" % len(shown) if len(shown) < len(hist) else ""))
            for h in shown:
                lines.append("  %5d [c%d] %-60s -> %s" % (h[0], h[1].conn, h[1].text()[:200], h[2]))
        return "\n".join(lines)


def _show_any(r):
    if r is None:
        return "(none)"
    if isinstance(r, tuple) and len(r) == 2 and isinstance(r[0], str) and len(r[0]) == 1:
        return show(r, 2000)
    return repr(r)[:2000]


class Differ:
    """Two servers, NCONN client connections on each (c0 RESP2, c1 RESP3) and
    an admin connection (RESP2) for FLUSHALL and whole-data-set dumps."""

    NCONNS = 2

    def __init__(self, redis_addr, petrel_addr, exclude=(), dump_every=250, known=False):
        self.addrs = [redis_addr, petrel_addr]
        self.known = known
        self.exclude = exclude
        self.dump_every = dump_every
        self.conns = None
        self.admin = None

    # -- connections --
    def connect(self):
        self.close()
        self.admin = [Conn(*a) for a in self.addrs]
        for c in self.admin:
            rep = c.call("FLUSHALL")
            if rep != ("+", b"OK"):
                raise RuntimeError("FLUSHALL failed: %s" % show(rep))
        self.conns = []
        for a in self.addrs:
            cs = [Conn(*a) for _ in range(self.NCONNS)]
            rep = cs[1].call("HELLO", "3")
            if rep[0] != "%":
                raise RuntimeError("HELLO 3 failed: %s" % show(rep))
            self.conns.append(cs)

    def close(self):
        for group in (self.conns or []):
            for c in group:
                c.close()
        for c in (self.admin or []):
            c.close()
        self.conns = self.admin = None

    def _both(self, conn_idx, args):
        a, b = self.conns[0][conn_idx], self.conns[1][conn_idx]
        a.send(args)
        b.send(args)
        return a.read(), b.read()

    # -- one stream --
    def run(self, seed, count, history_limit=None):
        """Runs `count` generated commands; returns a Divergence or None."""
        g = gen.Gen(seed, nconns=self.NCONNS, exclude=self.exclude, known=self.known)
        st = gen.State(self.NCONNS)
        self.history = []
        cmds = []
        for i in range(count):
            cmds.append(g.next(st))
            cmd = cmds[-1]
            div = self._step(seed, i, cmd, st, cmds)
            if div is not None:
                return div
            if self.dump_every and (i + 1) % self.dump_every == 0:
                cmds.append(Cmd(["<DUMP>"], mode=DUMP))
                div = self._step(seed, i, cmds[-1], st, cmds)
                if div is not None:
                    return div
        cmds.append(Cmd(["<DUMP>"], mode=DUMP))
        return self._step(seed, count, cmds[-1], st, cmds)

    def replay(self, cmds, seed="replay"):
        """Runs a fixed list of Cmds on fresh connections; returns the index of
        the first divergence (and it) or (None, None)."""
        self.connect()
        st = gen.State(self.NCONNS)
        self.history = []
        for i, cmd in enumerate(cmds):
            div = self._step(seed, i, cmd, st, cmds[: i + 1])
            if div is not None:
                return i, div
        return None, None

    def _step(self, seed, i, cmd, st, cmds):
        try:
            return self._step_inner(seed, i, cmd, st, cmds)
        except (ConnectionClosed, socket.timeout, OSError, ValueError) as e:
            return Divergence(seed, i, cmd, "connection failure: %s: %s" % (type(e).__name__, e),
                              history=self._hist(cmd, i))

    def _hist(self, cmd, i=None):
        if self.history and self.history[-1][1] is cmd:
            return list(self.history)
        return self.history + [(i if i is not None else len(self.history), cmd, "")]

    def _record(self, i, cmd, shown):
        self.history.append((i, cmd, shown))

    def _div(self, seed, i, cmd, reason, a, b, cmds):
        return Divergence(seed, i, cmd, reason, a, b, history=self._hist(cmd, i))

    def _step_inner(self, seed, i, cmd, st, cmds):
        ci = cmd.conn
        if cmd.mode == DUMP:
            a, b = self.dump(0), self.dump(1)
            if a != b:
                return self._div(seed, i, cmd, "data sets differ", _dump_diff(a, b), None, cmds)
            self._record(i, cmd, "(%d keys)" % sum(len(x) for x in a.values()))
            return None
        if cmd.mode == SCAN and not st.in_multi[ci]:
            a, b = self.scan(0, cmd), self.scan(1, cmd)
            self._record(i, cmd, "%d elements" % len(a) if isinstance(a, frozenset) else _show_any(a))
            if a != b:
                if isinstance(a, frozenset) and isinstance(b, frozenset):
                    return self._div(seed, i, cmd, "full iteration differs: only redis %s; only petrel %s"
                                     % (sorted(a - b)[:20], sorted(b - a)[:20]), None, None, cmds)
                return self._div(seed, i, cmd, "scan replies differ", a, b, cmds)
            return None
        snap = None
        if cmd.mode == RANDOM and not st.in_multi[ci]:
            sa, sb = self._both(ci, cmd.snapshot)
            sname = cmd.snapshot[0].decode().upper()
            smode = EXACT if sname == "ZRANGE" else (PAIRS if sname == "HGETALL" else UNORDERED)
            if not compare(smode, sname, sa, sb):
                sc = Cmd(cmd.snapshot, mode=smode, conn=ci)
                self._record(i, sc, show(sa))
                return self._div(seed, i, sc, "snapshot before a random pick differs", sa, sb, cmds)
            snap = (sa, sb, sname)
        a, b = self._both(ci, cmd.args)
        self._record(i, cmd, show(a, 160))
        name = cmd.name
        if st.in_multi[ci]:
            if name == "EXEC":
                st.in_multi[ci] = False
                modes = st.queued[ci]
                if a[0] == "*" and b[0] == "*" and a[1] is not None and b[1] is not None \
                        and len(a[1]) == len(b[1]) == len(modes):
                    for j, (qa, qb, qc) in enumerate(zip(a[1], b[1], modes)):
                        if not compare(qc.mode, qc.name, qa, qb):
                            return self._div(seed, i, cmd, "EXEC element %d (%s) differs" % (j, qc.text()),
                                             qa, qb, cmds)
                    return None
                if a != b:
                    return self._div(seed, i, cmd, "EXEC replies differ", a, b, cmds)
                return None
            if name == "DISCARD" and a == ("+", b"OK"):
                st.in_multi[ci] = False
            elif a == ("+", b"QUEUED"):
                st.queued[ci].append(cmd)
            if a != b:
                return self._div(seed, i, cmd, "replies differ (inside MULTI)", a, b, cmds)
            return None
        if name == "MULTI" and a == ("+", b"OK"):
            st.in_multi[ci] = True
            st.queued[ci] = []
        if not compare(cmd.mode, name, a, b):
            return self._div(seed, i, cmd, "replies differ (%s)" % cmd.mode, a, b, cmds)
        if cmd.mode == RANDOM and snap is not None:
            for who, rep, s in (("redis", a, snap[0]), ("petrel", b, snap[1])):
                if not _membership_ok(rep, cmd.member_kind, s, snap[2]):
                    return self._div(seed, i, cmd, "%s picked an element that is not in %s (%s)"
                                     % (who, snap[2], show(s)), a, b, cmds)
        for p in (cmd.post or ()):
            ra, rb = self._both(ci, p)
            if ra != rb:
                pc = Cmd(p, conn=ci)
                self._record(i, pc, show(ra))
                return self._div(seed, i, pc, "replies differ (after %s)" % name, ra, rb, cmds)
        return None

    # -- SCAN family: full iteration on one server --
    def scan(self, side, cmd):
        c = self.conns[side][cmd.conn]
        args = list(cmd.args)
        at = cmd.scan_cursor_at
        cursor = b"0"
        seen = set()
        for _ in range(100000):
            args[at] = cursor
            r = c.call(*args)
            if is_err(r):
                return r if not seen else ("error mid-iteration", r)
            if r[0] != "*" or r[1] is None or len(r[1]) != 2 or r[1][0][0] != "$" or r[1][1][0] != "*":
                return ("bad shape", r)
            cursor = r[1][0][1]
            items = r[1][1][1]
            if cmd.scan_pairs:
                if len(items) % 2:
                    return ("odd element count", r)
                for j in range(0, len(items), 2):
                    seen.add((items[j][1], items[j + 1][1]))
            else:
                for x in items:
                    seen.add(x[1])
            if cursor == b"0":
                return frozenset(seen)
        return ("iteration did not end", len(seen))

    # -- whole data set --
    def dump(self, side):
        c = self.admin[side]
        out = {}
        for db in range(gen.DBS):
            c.call("SELECT", db)
            keys = c.call("KEYS", "*")
            d = {}
            for kr in sorted(x[1] for x in keys[1]):
                t = c.call("TYPE", kr)[1]
                if t == b"string":
                    v = show(c.call("GET", kr))     # HLLs too: same bytes as Redis
                elif t == b"list":
                    v = show(c.call("LRANGE", kr, 0, -1))
                elif t == b"hash":
                    v = tuple(sorted(_key(p) for p in _pairs(c.call("HGETALL", kr))))
                elif t == b"set":
                    v = tuple(sorted(_key(x) for x in c.call("SMEMBERS", kr)[1]))
                elif t == b"zset":
                    v = show(c.call("ZRANGE", kr, 0, -1, "WITHSCORES"), 100000)
                else:
                    v = None
                pe = c.call("PEXPIRETIME", kr)
                if pe[0] == ":" and 0 <= pe[1] < gen.FUTURE_S * 1000:
                    pe = "relative expire"   # the exact value depends on when it was set
                d[kr] = (t, v, pe)
            out[db] = d
        c.call("SELECT", 0)
        return out


def _dump_diff(a, b):
    lines = []
    for db in sorted(set(a) | set(b)):
        da, db_ = a.get(db, {}), b.get(db, {})
        for k in sorted(set(da) | set(db_)):
            if da.get(k) != db_.get(k):
                lines.append("db%d %r: redis=%r petrel=%r" % (db, k, da.get(k), db_.get(k)))
    return "; ".join(lines)[:3000]


# ---------------------------------------------------------------------------
# minimisation
# ---------------------------------------------------------------------------


def minimize(differ, cmds, budget_s=120.0, log=None):
    """Shrinks cmds (whose last one diverges) to a shorter list whose last
    command still diverges. Greedy chunk removal (ddmin-like)."""
    deadline = time.monotonic() + budget_s

    def fails(cand):
        idx, _ = differ.replay(cand)
        return idx == len(cand) - 1

    if not fails(cmds):
        if log:
            log("the divergence does not replay on fresh connections (state built before this stream?)")
        return cmds
    chunk = max(1, (len(cmds) - 1) // 2)
    while chunk >= 1 and time.monotonic() < deadline:
        i = 0
        changed = False
        while i < len(cmds) - 1 and time.monotonic() < deadline:
            end = min(i + chunk, len(cmds) - 1)
            cand = cmds[:i] + cmds[end:]
            if fails(cand):
                cmds = cand
                changed = True
            else:
                i += chunk
        if log:
            log("  chunk %d: %d commands left" % (chunk, len(cmds)))
        if not changed:
            chunk //= 2
    return cmds


# ---------------------------------------------------------------------------
# server processes (standalone use)
# ---------------------------------------------------------------------------


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Proc:
    def __init__(self, binary, extra, root, name):
        self.workdir = os.path.join(root, name)
        os.makedirs(self.workdir)
        self.port = free_port()
        argv = [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                "--dir", self.workdir, "--logfile", os.path.join(self.workdir, "server.log")] + extra
        self.log = open(os.path.join(self.workdir, "out.txt"), "wb")
        self.proc = subprocess.Popen(argv, cwd=self.workdir, stdin=subprocess.DEVNULL,
                                     stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 10
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError("%s exited during start-up" % binary)
            try:
                c = Conn("127.0.0.1", self.port, timeout=1)
                ok = c.call("PING") == ("+", b"PONG")
                c.close()
                if ok:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("%s did not answer PING" % binary)
            time.sleep(0.02)

    @property
    def addr(self):
        return ("127.0.0.1", self.port)

    def stop(self):
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)
        self.log.close()


def parse_script(text):
    """Cmds from lines as printed by run.py: "[c1] SET k \"a b\"" ("<compare the
    whole data set>" for a dump); a line without [cN] goes to c0."""
    out = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        conn = 0
        if line.startswith("[c") and "]" in line:
            conn = int(line[2:line.index("]")])
            line = line[line.index("]") + 1:].strip()
        if line.startswith("<"):
            out.append(Cmd(["<DUMP>"], mode=DUMP))
            continue
        args, i = [], 0
        while i < len(line):
            if line[i] == " ":
                i += 1
                continue
            if line[i] == '"':
                i += 1
                tok = bytearray()
                while line[i] != '"':
                    if line[i] == "\\" and line[i + 1] == "x":
                        tok.append(int(line[i + 2:i + 4], 16))
                        i += 4
                    else:
                        tok += line[i].encode("latin-1")
                        i += 1
                i += 1
                args.append(bytes(tok))
            else:
                j = line.find(" ", i)
                j = len(line) if j < 0 else j
                args.append(line[i:j].encode("latin-1"))
                i = j
        out.append(cmd_from_args(args, conn))
    return out


def cmd_from_args(args, conn=0):
    """A Cmd with the comparison mode the generator would give these args."""
    name = args[0].decode("latin-1").upper()
    upper = [a.upper() for a in args]
    key = args[1] if len(args) > 1 else b""
    kind = gen.M_PAIRS if (b"WITHSCORES" in upper or b"WITHVALUES" in upper) else gen.M_MEMBERS
    if name == "SCAN":
        return Cmd(args, mode=SCAN, conn=conn, scan_cursor_at=1)
    if name in ("SSCAN", "HSCAN", "ZSCAN") and len(args) > 2:
        return Cmd(args, mode=SCAN, conn=conn, scan_cursor_at=2, scan_pairs=name != "SSCAN")
    if name == "RANDOMKEY":
        return Cmd(args, mode=RANDOM, conn=conn, snapshot=["KEYS", "*"])
    if name in ("SPOP", "SRANDMEMBER") and len(args) > 1:
        return Cmd(args, mode=RANDOM, conn=conn, snapshot=[b"SMEMBERS", key],
                   post=[[b"DEL", key]] if name == "SPOP" else None)
    if name == "HRANDFIELD" and len(args) > 1:
        return Cmd(args, mode=RANDOM, conn=conn, snapshot=[b"HGETALL", key], member_kind=kind)
    if name == "ZRANDMEMBER" and len(args) > 1:
        return Cmd(args, mode=RANDOM, conn=conn, snapshot=[b"ZRANGE", key, b"0", b"-1", b"WITHSCORES"],
                   member_kind=kind)
    mode = {"KEYS": UNORDERED, "SMEMBERS": UNORDERED, "SINTER": UNORDERED, "SUNION": UNORDERED,
            "SDIFF": UNORDERED, "HKEYS": UNORDERED, "HVALS": UNORDERED, "HGETALL": PAIRS,
            "TTL": TTL, "PTTL": TTL, "EXPIRETIME": TTL, "PEXPIRETIME": TTL}.get(name, EXACT)
    return Cmd(args, mode=mode, conn=conn)


def _addr(s):
    h, p = s.rsplit(":", 1)
    return (h, int(p))


def _seeds(s):
    out = []
    for part in s.split(","):
        if "-" in part:
            a, b = part.split("-")
            out += list(range(int(a), int(b) + 1))
        else:
            out.append(int(part))
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--seeds", help="several seeds: 1-20 or 1,5,9 (overrides --seed)")
    ap.add_argument("--count", type=int, default=2000, help="commands per seed")
    ap.add_argument("--threads", type=int, default=2, help="petrel --threads")
    ap.add_argument("--redis", help="use a running redis HOST:PORT (it is FLUSHALLed)")
    ap.add_argument("--petrel", help="use a running petrel HOST:PORT (it is FLUSHALLed)")
    ap.add_argument("--redis-bin", default=REDIS_BIN)
    ap.add_argument("--petrel-bin", default=PETREL_BIN)
    ap.add_argument("--exclude", default="", help="generator families to leave out, comma separated")
    ap.add_argument("--include-known", action="store_true",
                    help="also generate the known differences listed in gen.KNOWN")
    ap.add_argument("--history", type=int, default=40, help="history lines shown (0: all)")
    ap.add_argument("--minimize", action="store_true", help="shrink the failing history")
    ap.add_argument("--keep-going", action="store_true", help="go on with the next seed after a divergence")
    ap.add_argument("--print", action="store_true", help="only print the generated commands")
    ap.add_argument("--replay", metavar="FILE", help="run the commands in FILE (lines as printed by "
                    "--minimize, '-' for stdin) and report the first divergence; random picks and "
                    "SCAN are compared exactly there")
    args = ap.parse_args(argv)
    seeds = _seeds(args.seeds) if args.seeds else [args.seed]
    exclude = [x for x in args.exclude.split(",") if x]

    if args.print:
        for seed in seeds:
            g, st = gen.Gen(seed, exclude=exclude, known=args.include_known), gen.State()
            for i in range(args.count):
                c = g.next(st)
                print("%5d [c%d] %s" % (i, c.conn, c.text()))
        return 0

    root = tempfile.mkdtemp(prefix="petrel-diff-")
    procs = []
    failed = 0
    try:
        if args.redis:
            raddr = _addr(args.redis)
        else:
            procs.append(Proc(args.redis_bin, [], root, "redis"))
            raddr = procs[-1].addr
        if args.petrel:
            paddr = _addr(args.petrel)
        else:
            procs.append(Proc(args.petrel_bin, ["--threads", str(args.threads)], root, "petrel"))
            paddr = procs[-1].addr
        d = Differ(raddr, paddr, exclude=exclude, known=args.include_known)
        if args.replay:
            text = sys.stdin.read() if args.replay == "-" else open(args.replay).read()
            cmds = parse_script(text) + [Cmd(["<DUMP>"], mode=DUMP)]
            idx, div = d.replay(cmds)
            for h in d.history:
                print("%5d [c%d] %-60s -> %s" % (h[0], h[1].conn, h[1].text()[:200], h[2]))
            if div is not None:
                print(div.summary())
            d.close()
            return 1 if div is not None else 0
        for seed in seeds:
            d.connect()
            t0 = time.monotonic()
            div = d.run(seed, args.count)
            if div is None:
                print("seed %d: %d commands, no divergence (%.1fs)" % (seed, args.count, time.monotonic() - t0))
                continue
            failed += 1
            print(div.report(args.history))
            if args.minimize:
                print("minimizing %d commands..." % len(div.history))
                small = minimize(d, [h[1] for h in div.history], log=print)
                idx, div2 = d.replay(small)
                print("minimal reproduction (%d commands; c0 = RESP2 connection, c1 = RESP3):" % len(small))
                for c in small:
                    if c.mode == DUMP:
                        print("  <compare the whole data set>")
                    else:
                        print("  [c%d] %s" % (c.conn, c.text()))
                if div2 is not None:
                    print(div2.summary())
            if not args.keep_going:
                break
        d.close()
    finally:
        for p in procs:
            p.stop()
        shutil.rmtree(root, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
