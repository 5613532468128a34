"""Helpers for petrel's integration tests: free ports, raw RESP connections,
hash slots, bounded polling.

Nothing here knows about pytest; conftest.py builds the fixtures on top.
"""
import os
import socket
import time

# ---------------------------------------------------------------------------
# ports and slots
# ---------------------------------------------------------------------------


def free_port(host="127.0.0.1"):
    """A TCP port that was free a moment ago (the kernel picked it)."""
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(fam, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def _crc16_xmodem(data):
    crc = 0
    for b in data:
        crc ^= b << 8
        for _ in range(8):
            if crc & 0x8000:
                crc = ((crc << 1) ^ 0x1021) & 0xFFFF
            else:
                crc = (crc << 1) & 0xFFFF
    return crc


def key_slot(key):
    """Redis Cluster hash slot of key (str or bytes), honouring {hashtags}."""
    if isinstance(key, str):
        key = key.encode()
    s = key.find(b"{")
    if s != -1:
        e = key.find(b"}", s + 1)
        if e != -1 and e != s + 1:
            key = key[s + 1:e]
    return _crc16_xmodem(key) % 16384


def keys_on_distinct_slots(n, prefix="k", modulo=None):
    """n keys whose slots differ; with modulo=m, keys cycle over slot % m
    residues so they spread over every shard of an m-thread petrel
    (initial map is slot % threads)."""
    out, seen_slots = [], set()
    i = 0
    while len(out) < n:
        k = "%s:%d" % (prefix, i)
        i += 1
        sl = key_slot(k)
        if sl in seen_slots:
            continue
        if modulo and sl % modulo != len(out) % modulo:
            continue
        seen_slots.add(sl)
        out.append(k)
    return out


# ---------------------------------------------------------------------------
# polling
# ---------------------------------------------------------------------------


def wait_for(pred, timeout=10.0, interval=0.02, what="condition"):
    """Poll pred() until it returns a truthy value; fail after timeout seconds.
    Returns that value. Never used to assert on timing, only to bound waits."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        last = pred()
        if last:
            return last
        if time.monotonic() > deadline:
            raise AssertionError("timed out after %.1fs waiting for %s (last=%r)"
                                 % (timeout, what, last))
        time.sleep(interval)


# ---------------------------------------------------------------------------
# RESP encoding and a raw connection
# ---------------------------------------------------------------------------


def encode_command(*args):
    """Encode args as a RESP multibulk request."""
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        if isinstance(a, int):
            a = str(a).encode()
        elif isinstance(a, str):
            a = a.encode()
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


class ConnectionClosed(Exception):
    pass


class RawConn:
    """A plain socket to the server, for byte-exact protocol tests.

    Every receive is bounded by `timeout` seconds: a server that never
    answers makes the test fail, never hang.
    """

    def __init__(self, host=None, port=None, unix_path=None, timeout=10.0):
        if unix_path:
            self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self.sock.settimeout(timeout)
            self.sock.connect(unix_path)
        else:
            fam = socket.AF_INET6 if ":" in host else socket.AF_INET
            self.sock = socket.socket(fam, socket.SOCK_STREAM)
            self.sock.settimeout(timeout)
            self.sock.connect((host, port))
        self.timeout = timeout
        self.buf = b""
        self.eof = False

    # -- sending --
    def send(self, data):
        if isinstance(data, str):
            data = data.encode()
        self.sock.sendall(data)

    def send_cmd(self, *args):
        self.send(encode_command(*args))

    # -- receiving --
    def _fill(self, deadline):
        if self.eof:
            raise ConnectionClosed("connection closed; have %r" % self.buf[:200])
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise socket.timeout("timed out; have %r" % self.buf[:200])
        self.sock.settimeout(remaining)
        try:
            data = self.sock.recv(65536)
        except ConnectionResetError:
            data = b""
        if not data:
            self.eof = True
            raise ConnectionClosed("connection closed; have %r" % self.buf[:200])
        self.buf += data

    def recv_exact(self, n, timeout=None):
        deadline = time.monotonic() + (timeout or self.timeout)
        while len(self.buf) < n:
            self._fill(deadline)
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def recv_until(self, marker=b"\r\n", timeout=None):
        """Bytes up to and including marker."""
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            i = self.buf.find(marker)
            if i != -1:
                out, self.buf = self.buf[:i + len(marker)], self.buf[i + len(marker):]
                return out
            self._fill(deadline)

    def recv_line(self, timeout=None):
        return self.recv_until(b"\r\n", timeout)

    def expect(self, expected, timeout=None):
        """Receive exactly len(expected) bytes and assert they are expected."""
        if isinstance(expected, str):
            expected = expected.encode()
        n = len(expected)
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            have = self.buf[:n]
            # fail as soon as the bytes differ instead of waiting for more
            if have != expected[:len(have)]:
                raise AssertionError("expected %r, got %r" % (expected, self.buf[:n + 64]))
            if len(have) == n:
                self.buf = self.buf[n:]
                return have
            try:
                self._fill(deadline)
            except (socket.timeout, ConnectionClosed) as e:
                raise AssertionError("expected %r, got only %r (%s)"
                                     % (expected, self.buf, type(e).__name__))

    def read_reply_bytes(self, timeout=None):
        """The raw bytes of one complete RESP2/RESP3 reply."""
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            end = _reply_end(self.buf, 0)
            if end is not None:
                out, self.buf = self.buf[:end], self.buf[end:]
                return out
            self._fill(deadline)

    def read_reply(self, timeout=None):
        """One reply, parsed (see parse_reply)."""
        return parse_reply(self.read_reply_bytes(timeout))

    def call(self, *args):
        self.send_cmd(*args)
        return self.read_reply()

    def is_closed(self, timeout=5.0):
        """True when the server closes the connection within timeout (any
        unread bytes are discarded); False when it stays open that long."""
        deadline = time.monotonic() + timeout
        self.buf = b""
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            self.sock.settimeout(remaining)
            try:
                data = self.sock.recv(65536)
            except socket.timeout:
                return False
            except (ConnectionResetError, BrokenPipeError):
                return True
            if not data:
                self.eof = True
                return True

    def read_all_until_close(self, timeout=5.0):
        """Everything the server sends until it closes; fails if it does not
        close within timeout."""
        deadline = time.monotonic() + timeout
        while not self.eof:
            try:
                self._fill(deadline)
            except ConnectionClosed:
                break
        out, self.buf = self.buf, b""
        return out

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


def _line_end(buf, pos):
    i = buf.find(b"\r\n", pos)
    return None if i == -1 else i


def _reply_end(buf, pos):
    """Index just past the reply starting at pos, or None if incomplete."""
    if pos >= len(buf):
        return None
    t = buf[pos:pos + 1]
    le = _line_end(buf, pos)
    if le is None:
        return None
    head = buf[pos + 1:le]
    nxt = le + 2
    if t in (b"+", b"-", b":", b"_", b",", b"#", b"("):
        return nxt
    if t in (b"$", b"!", b"="):
        n = int(head)
        if n < 0:
            return nxt
        if len(buf) < nxt + n + 2:
            return None
        return nxt + n + 2
    if t in (b"*", b"~", b">", b"%", b"|"):
        n = int(head)
        if n < 0:
            return nxt
        if t in (b"%", b"|"):
            n *= 2
        p = nxt
        for _ in range(n):
            p = _reply_end(buf, p)
            if p is None:
                return None
        if t == b"|":  # attribute: followed by the real reply
            return _reply_end(buf, p)
        return p
    raise ValueError("bad RESP type byte %r at %d in %r" % (t, pos, buf[:200]))


class Err(str):
    """An error reply parsed by parse_reply (text without the leading '-')."""


class Verbatim(bytes):
    fmt = b""


def parse_reply(data):
    val, end = _parse(data, 0)
    assert end == len(data), "trailing bytes %r" % data[end:]
    return val


def _parse(buf, pos):
    t = buf[pos:pos + 1]
    le = buf.index(b"\r\n", pos)
    head = buf[pos + 1:le]
    nxt = le + 2
    if t == b"+":
        return head, nxt
    if t == b"-":
        return Err(head.decode()), nxt
    if t == b":":
        return int(head), nxt
    if t == b"_":
        return None, nxt
    if t == b",":
        return float(head), nxt
    if t == b"#":
        return head == b"t", nxt
    if t == b"(":
        return int(head), nxt
    if t in (b"$", b"!", b"="):
        n = int(head)
        if n < 0:
            return None, nxt
        data = buf[nxt:nxt + n]
        if t == b"=":
            v = Verbatim(data[4:])
            v.fmt = data[:3]
            return v, nxt + n + 2
        if t == b"!":
            return Err(data.decode()), nxt + n + 2
        return data, nxt + n + 2
    if t in (b"*", b"~", b">"):
        n = int(head)
        if n < 0:
            return None, nxt
        out = []
        p = nxt
        for _ in range(n):
            v, p = _parse(buf, p)
            out.append(v)
        if t == b"~":
            return set(out) if all(not isinstance(x, list) for x in out) else out, p
        return out, p
    if t == b"%":
        n = int(head)
        out = {}
        p = nxt
        for _ in range(n):
            k, p = _parse(buf, p)
            v, p = _parse(buf, p)
            out[k] = v
        return out, p
    if t == b"|":
        n = int(head)
        p = nxt
        for _ in range(2 * n):
            _, p = _parse(buf, p)
        return _parse(buf, p)
    raise ValueError("bad RESP type %r" % t)


def parse_info(text):
    """INFO text -> {section_name_lower: {field: value}} plus a flat dict."""
    if isinstance(text, bytes):
        text = text.decode()
    sections, flat, cur = {}, {}, None
    for line in text.split("\r\n"):
        if not line:
            continue
        if line.startswith("# "):
            cur = line[2:].strip().lower()
            sections[cur] = {}
            continue
        if ":" in line:
            k, v = line.split(":", 1)
            flat[k] = v
            if cur is not None:
                sections[cur][k] = v
    return sections, flat


def pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # a zombie still "exists"; look at its state
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().split(") ", 1)[1][0] != "Z"
    except OSError:
        return False
