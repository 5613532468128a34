"""Hostile input: random bytes, truncated and oversized frames, peers that
vanish mid-command. The server must answer what it can, close what it must,
and stay up (checked with PING and a data round trip after each round)."""
import random
import socket
import pytest

from helpers import wait_for


def _spray(srv, payloads):
    for data in payloads:
        s = socket.create_connection((srv.host, srv.port), timeout=5)
        try:
            s.sendall(data)
            s.settimeout(0.05)
            try:
                while s.recv(65536):
                    pass
            except (socket.timeout, ConnectionResetError):
                pass
        finally:
            s.close()


def _healthy(srv):
    r = srv.client()
    assert r.ping()
    r.set("health", "ok")
    assert r.get("health") == "ok"


def test_random_bytes(server_factory):
    srv = server_factory.start()
    rng = random.Random(7)
    payloads = [bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 4096))) for _ in range(30)]
    # Random bytes that look like RESP: headers with wild numbers.
    for _ in range(30):
        parts = []
        for _ in range(rng.randint(1, 8)):
            parts.append(rng.choice([b"*", b"$", b"+", b"-", b":", b"\r\n", b"\n", b"0", b"-1",
                                     b"99999999999", b"SET", b"GET", b"k", b"\x00", b"\"", b"'"]))
        payloads.append(b"".join(parts) * rng.randint(1, 50))
    _spray(srv, payloads)
    _healthy(srv)


def test_truncated_commands_and_vanishing_peers(server_factory):
    srv = server_factory.start()
    big = b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$100000\r\n" + b"x" * 50000   # cut mid-value
    frames = [big, b"*2\r\n$3\r\nGET\r\n", b"*1000000\r\n", b"$5\r\nhel", b"*2\r\n$4\r\nMGET\r\n$1"]
    for _ in range(8):
        _spray(srv, frames)
    _healthy(srv)


def test_huge_declared_lengths(server_factory):
    srv = server_factory.start()
    for frame, err in ((b"*1\r\n$1000000000000\r\n", b"invalid bulk length"),
                       (b"*99999999999\r\n", b"invalid multibulk length")):
        s = socket.create_connection((srv.host, srv.port), timeout=5)
        s.sendall(frame)
        data = b""
        s.settimeout(5)
        try:
            while True:
                chunk = s.recv(4096)
                if not chunk:
                    break
                data += chunk
        except socket.timeout:
            pass
        s.close()
        assert err in data
    _healthy(srv)


@pytest.mark.parametrize("threads", [1, 3])
def test_clients_vanishing_with_work_in_flight(server_factory, threads):
    """Peers that disconnect while their pipelined, cross-shard and blocking
    commands are still being served."""
    srv = server_factory.start(threads=threads)
    req = b"".join(b"*3\r\n$4\r\nMSET\r\n$3\r\nk%02d\r\n$1\r\nv\r\n" % i for i in range(40))
    req += b"*3\r\n$5\r\nBLPOP\r\n$4\r\nnone\r\n$1\r\n0\r\n"
    for _ in range(30):
        s = socket.create_connection((srv.host, srv.port), timeout=5)
        s.sendall(req * 3)
        s.close()
    _healthy(srv)
    r = srv.client()
    # Every BLPOP's client went away: none may stay counted as blocked.
    wait_for(lambda: r.info("clients")["blocked_clients"] == 0, timeout=10,
             what="blocked clients of vanished peers to be released")


# Commands that block, end or reconfigure the connection or the server are left out.
_FUZZ_SKIP = {b"shutdown", b"debug", b"monitor", b"subscribe", b"psubscribe", b"ssubscribe", b"quit",
              b"reset", b"hello", b"client", b"wait", b"blpop", b"brpop", b"blmove", b"brpoplpush",
              b"blmpop", b"bzpopmin", b"bzpopmax", b"bzmpop", b"xread", b"xreadgroup", b"multi",
              b"exec", b"config", b"flushall", b"flushdb", b"swapdb", b"select", b"auth", b"sync", b"psync",
              b"failover", b"replicaof", b"slaveof"}
_FUZZ_WORDS = [b"NX", b"XX", b"CH", b"GT", b"LT", b"STORE", b"STOREDIST", b"COUNT", b"ANY", b"ASC", b"DESC",
               b"WITHDIST", b"WITHCOORD", b"WITHHASH", b"FROMMEMBER", b"FROMLONLAT", b"BYRADIUS", b"BYBOX",
               b"km", b"m", b"LIMIT", b"BY", b"GET", b"ALPHA", b"WITHSCORES", b"REV", b"BYSCORE", b"BYLEX",
               b"GETREG", b"DECODE", b"TODENSE", b"MAXLEN", b"~", b"=", b"*", b"-", b"+", b"$", b">", b"0",
               b"1", b"-1", b"1.5", b"inf", b"-inf", b"nan", b"9223372036854775807",
               b"-9223372036854775808", b"180", b"85.06", b"13.36", b"38.1", b"", b"\x00", b"key", b"k1",
               b"{a}x", b"{a}y", b"mem", b"STREAMS", b"GROUP", b"MKSTREAM", b"IDLE", b"JUSTID"]


@pytest.mark.parametrize("threads", [2])
def test_every_command_with_junk_arguments(server_factory, threads):
    """Every command the server lists, with random options, numbers and
    keys (pipelined, 4,000 of them): replies or errors, never a crash."""
    srv = server_factory.start(threads=threads)
    conn = srv.raw()
    names = [n for n in conn.call("COMMAND", "LIST") if n.lower() not in _FUZZ_SKIP]
    rng = random.Random(11)

    def enc(args):
        return b"*%d\r\n" % len(args) + b"".join(b"$%d\r\n%s\r\n" % (len(a), a) for a in args)
    s = socket.create_connection((srv.host, srv.port), timeout=10)
    try:
        for _ in range(80):
            batch = []
            for _ in range(50):
                args = [rng.choice(names)] + [rng.choice(_FUZZ_WORDS) if rng.random() < 0.8
                                              else str(rng.randint(-5, 100)).encode()
                                              for _ in range(rng.randint(0, 9))]
                batch.append(enc(args))
            s.sendall(b"".join(batch) + enc([b"PING", b"fuzz-mark"]))
            buf = b""
            while b"fuzz-mark" not in buf:       # every reply of the batch came back
                chunk = s.recv(1 << 20)
                assert chunk, "server closed the connection"
                buf += chunk
    finally:
        s.close()
    _healthy(srv)
