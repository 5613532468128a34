"""Keys spread over many hash slots (hence over petrel's shards): multi-key
commands, deep pipelines, and a concurrent stress test with a checker for
atomicity of multi-shard operations (DESIGN.md section 4).

Everything here is plain Redis semantics and runs against redis-server too;
only the tests that start servers with a specific --threads are petrel_only.
"""
import os
import random
import threading
import time

import pytest

from conftest import ServerFactory
from helpers import encode_command, key_slot, keys_on_distinct_slots

SHARDS = 4


@pytest.fixture(scope="module")
def shard_server(tmp_path_factory):
    f = ServerFactory(str(tmp_path_factory.mktemp("multishard")))
    srv = f.start(threads=SHARDS)
    try:
        yield srv
    finally:
        f.stop_all()


@pytest.fixture
def sr(shard_server):
    c = shard_server.client()
    c.flushall()
    yield c
    c.close()


def test_key_helper_spreads_slots():
    keys = keys_on_distinct_slots(16, modulo=SHARDS)
    assert len({key_slot(k) for k in keys}) == 16
    assert {key_slot(k) % SHARDS for k in keys} == set(range(SHARDS))
    assert key_slot("{user1000}.following") == key_slot("{user1000}.followers")
    assert key_slot("foo") == 12182 and key_slot("bar") == 5061  # CLUSTER KEYSLOT values


def test_mset_mget_across_slots(sr):
    keys = keys_on_distinct_slots(64, modulo=SHARDS)
    sr.mset({k: "v-" + k for k in keys})
    assert sr.mget(keys) == ["v-" + k for k in keys]
    assert sr.mget(keys + ["missing"] + keys[:3]) == ["v-" + k for k in keys] + [None] + \
        ["v-" + k for k in keys[:3]]
    assert sr.exists(*keys) == 64
    assert sr.exists(*(keys + keys)) == 128
    assert sr.dbsize() == 64


def test_del_unlink_touch_across_slots(sr):
    keys = keys_on_distinct_slots(40, modulo=SHARDS)
    sr.mset({k: 1 for k in keys})
    assert sr.delete(*keys[:20], "missing1", "missing2") == 20
    assert sr.unlink(*keys[20:30]) == 10
    assert sr.touch(*keys) == 10
    assert sr.exists(*keys) == 10


def test_msetnx_across_slots(sr):
    keys = keys_on_distinct_slots(12, modulo=SHARDS)
    assert sr.msetnx({k: "a" for k in keys[:6]}) is True
    # one existing key on some other shard blocks the whole MSETNX
    assert sr.msetnx({k: "b" for k in keys[5:]}) is False
    assert sr.exists(*keys[6:]) == 0
    assert sr.mget(keys[:6]) == ["a"] * 6


def test_rename_and_copy_across_slots(sr):
    a, b, c, d = keys_on_distinct_slots(4, modulo=SHARDS)
    sr.set(a, "va", ex=1000)
    assert sr.rename(a, b) is True
    assert sr.get(b) == "va" and sr.exists(a) == 0 and sr.ttl(b) > 0
    assert sr.renamenx(b, c) is True
    sr.set(d, "vd")
    assert sr.renamenx(c, d) is False
    assert sr.execute_command("COPY", c, a) == 1
    assert sr.get(a) == "va" and sr.ttl(a) > 0
    assert sr.execute_command("COPY", c, d) == 0
    assert sr.execute_command("COPY", c, d, "REPLACE") == 1
    assert sr.get(d) == "va"
    sr.execute_command("SELECT", 0)
    assert sr.execute_command("COPY", d, d, "DB", 3) == 1


def test_bitop_across_slots(sr):
    keys = keys_on_distinct_slots(5, modulo=SHARDS)
    for i, k in enumerate(keys[1:]):
        sr.set(k, bytes([1 << i]))
    assert sr.bitop("OR", keys[0], *keys[1:]) == 1
    assert sr.get(keys[0]) == "\x0f"


def test_scan_covers_every_slot(sr):
    keys = keys_on_distinct_slots(3000)
    pipe = sr.pipeline(transaction=False)
    for i in range(0, 3000, 500):
        pipe.mset({k: 1 for k in keys[i:i + 500]})
    pipe.execute()
    assert set(sr.scan_iter(count=200)) == set(keys)
    assert sorted(sr.keys("*")) == sorted(keys)
    assert sr.dbsize() == 3000


def test_deep_pipeline_interleaved_slots(shard_server, sr):
    keys = keys_on_distinct_slots(64, modulo=SHARDS)
    last, ctr = {}, {}
    reqs, expected = [], []
    for i in range(3000):
        k = keys[i % len(keys)]
        op = i % 4
        if op == 0:
            last[k] = b"v%d" % i
            reqs.append(encode_command("SET", k, last[k]))
            expected.append(b"+OK\r\n")
        elif op == 1:
            v = last.get(k)
            reqs.append(encode_command("GET", k))
            expected.append(b"$-1\r\n" if v is None else b"$%d\r\n%s\r\n" % (len(v), v))
        elif op == 2:
            ck = "ctr:" + k
            ctr[ck] = ctr.get(ck, 0) + 1
            reqs.append(encode_command("INCR", ck))
            expected.append(b":%d\r\n" % ctr[ck])
        else:
            e = b"e%d" % i
            reqs.append(encode_command("ECHO", e))
            expected.append(b"$%d\r\n%s\r\n" % (len(e), e))
    conn = shard_server.raw(timeout=20)
    try:
        conn.send(b"".join(reqs))
        for i, e in enumerate(expected):
            got = conn.recv_exact(len(e))
            assert got == e, "reply %d: expected %r got %r" % (i, e, got)
    finally:
        conn.close()


def test_pipeline_mset_mget_mixed(shard_server, sr):
    keys = keys_on_distinct_slots(32, modulo=SHARDS)
    last = {}
    reqs, expected = [], []
    for i in range(1000):
        chunk = [keys[(i + j) % 32] for j in range(5)]
        if i % 2 == 0:
            args = []
            for k in chunk:
                last[k] = ("%s@%d" % (k, i)).encode()
                args += [k, last[k]]
            reqs.append(encode_command("MSET", *args))
            expected.append(b"OK")
        else:
            reqs.append(encode_command("MGET", *chunk))
            expected.append([last.get(k) for k in chunk])
    conn = shard_server.raw(timeout=20)
    try:
        conn.send(b"".join(reqs))
        for i, e in enumerate(expected):
            assert conn.read_reply() == e, i
    finally:
        conn.close()


# ---------------------------------------------------------------------------
# concurrent stress with a checker
# ---------------------------------------------------------------------------

STRESS_SECONDS = 4.0


def _run_threads(targets, budget):
    errors = []
    stop = threading.Event()

    def wrap(fn):
        def run():
            try:
                fn(stop)
            except Exception as e:  # noqa: BLE001 - report any failure
                errors.append("%s: %r" % (fn.__name__, e))
                stop.set()
        return run

    threads = [threading.Thread(target=wrap(t), daemon=True) for t in targets]
    for t in threads:
        t.start()
    deadline = time.monotonic() + budget
    while time.monotonic() < deadline and not stop.is_set():
        time.sleep(0.05)
    stop.set()
    for t in threads:
        t.join(timeout=30)
    hung = [t for t in threads if t.is_alive()]
    assert not hung, "%d worker threads did not finish (server hang or deadlock?)" % len(hung)
    return errors


@pytest.mark.timeout(120)
def test_concurrent_mset_mget_rename_incr_checker(shard_server, sr):
    keys = keys_on_distinct_slots(8, prefix="atom", modulo=SHARDS)
    ping, pong = keys_on_distinct_slots(2, prefix="pp", modulo=SHARDS)
    counters = keys_on_distinct_slots(8, prefix="ctr", modulo=SHARDS)
    sr.mset({k: "gen-init" for k in keys})
    sr.set(ping, "ball")
    stats = {"mset": 0, "mget": 0, "rename": 0, "incr": 0}
    incr_done = []
    lock = threading.Lock()

    def client():
        return shard_server.client(socket_timeout=15, socket_connect_timeout=5)

    def writer(wid):
        def writer_fn(stop):
            c = client()
            i = 0
            while not stop.is_set():
                c.mset({k: "gen-%d-%d" % (wid, i) for k in keys})
                i += 1
            with lock:
                stats["mset"] += i
        writer_fn.__name__ = "writer%d" % wid
        return writer_fn

    def reader(rid):
        def reader_fn(stop):
            c = client()
            n = 0
            while not stop.is_set():
                vals = c.mget(keys)
                if len(set(vals)) != 1:
                    raise AssertionError("torn MSET observed by MGET: %r" % vals)
                n += 1
            with lock:
                stats["mget"] += n
        reader_fn.__name__ = "reader%d" % rid
        return reader_fn

    def renamer(stop):
        c = client()
        n = 0
        src, dst = ping, pong
        while not stop.is_set():
            c.rename(src, dst)
            src, dst = dst, src
            n += 1
        with lock:
            stats["rename"] += n

    def rename_checker(stop):
        c = client()
        while not stop.is_set():
            a, b = c.mget(ping, pong)
            if (a is None) == (b is None) or (a or b) != "ball":
                raise AssertionError("RENAME not atomic: %r %r" % (a, b))
            if c.exists(ping, pong) != 1:
                raise AssertionError("EXISTS saw both or neither of the renamed key")

    def incrementer(iid):
        def incr_fn(stop):
            c = client()
            rnd = random.Random(iid)
            mine = {k: 0 for k in counters}
            pipe_n = 0
            while not stop.is_set():
                p = c.pipeline(transaction=False)
                picks = [rnd.choice(counters) for _ in range(20)]
                for k in picks:
                    p.incr(k)
                p.execute()
                for k in picks:
                    mine[k] += 1
                pipe_n += 1
            with lock:
                incr_done.append(mine)
                stats["incr"] += pipe_n * 20
        incr_fn.__name__ = "incr%d" % iid
        return incr_fn

    targets = [writer(i) for i in range(3)] + [reader(i) for i in range(3)] + \
        [renamer, rename_checker] + [incrementer(i) for i in range(2)]
    errors = _run_threads(targets, STRESS_SECONDS)
    assert not errors, errors
    # conservation: every acknowledged INCR is in the counters
    expected = {k: sum(m[k] for m in incr_done) for k in counters}
    got = dict(zip(counters, [int(v or 0) for v in sr.mget(counters)]))
    assert got == expected
    # final state is consistent and the server is healthy
    vals = sr.mget(keys)
    assert len(set(vals)) == 1
    assert sr.exists(ping, pong) == 1
    assert stats["mset"] > 0 and stats["mget"] > 0 and stats["rename"] > 0
    assert sr.ping()


@pytest.mark.timeout(120)
def test_concurrent_msetnx_exactly_one_winner(shard_server, sr):
    """Many clients race MSETNX over the same keys on different slots:
    exactly one wins each round and its value is everywhere."""
    keys = keys_on_distinct_slots(6, prefix="nx", modulo=SHARDS)
    rounds = 30
    barrier = threading.Barrier(4, timeout=20)
    wins = [[] for _ in range(rounds)]
    errors = []

    def racer(rid):
        c = shard_server.client(socket_timeout=15)
        try:
            for rnd in range(rounds):
                barrier.wait()
                if c.msetnx({k: "r%d-%d" % (rid, rnd) for k in keys}):
                    wins[rnd].append(rid)
                barrier.wait()
                if rid == 0:
                    vals = c.mget(keys)
                    if len(set(vals)) != 1:
                        errors.append((rnd, vals))
                    c.delete(*keys)
                barrier.wait()
        except Exception as e:  # noqa: BLE001
            errors.append(repr(e))
            barrier.abort()

    threads = [threading.Thread(target=racer, args=(i,), daemon=True) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "racers hung"
    assert not errors, errors
    assert all(len(w) == 1 for w in wins), wins


# ---------------------------------------------------------------------------
# petrel: thread counts
# ---------------------------------------------------------------------------


@pytest.mark.petrel_only
@pytest.mark.parametrize("threads", [1, 2, 4])
def test_threads_option(server_factory, threads):
    srv = server_factory.start(threads=threads)
    r = srv.client()
    keys = keys_on_distinct_slots(50)
    r.mset({k: k for k in keys})
    assert r.mget(keys) == keys
    assert r.delete(*keys) == 50
    assert r.dbsize() == 0


@pytest.mark.petrel_only
def test_sigterm_under_cross_shard_load_exits(server_factory):
    """SIGTERM while pipelined multi-shard commands are in flight: a stopping
    shard must keep serving the holds other shards still need (it used to leave
    a held shard spinning forever, and the process never exited)."""
    import shutil
    import signal
    import subprocess
    bench = shutil.which("redis-benchmark")
    if bench is None:
        pytest.fail("redis-benchmark (redis-tools) is required")
    a, b = None, None
    for k in keys_on_distinct_slots(64):
        s = key_slot(k) % 2
        if s == 0 and a is None:
            a = k
        elif s == 1 and b is None:
            b = k
    for _ in range(4):
        srv = server_factory.start(threads=2)
        r = srv.client()
        r.sadd(a, *["x%d" % i for i in range(20)])
        r.sadd(b, *["y%d" % i for i in range(20)])
        load = subprocess.Popen([bench, "-p", str(srv.port), "-c", "20", "-P", "16", "-n", "10000000",
                                 "-q", "SUNIONSTORE", "dst", a, b],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            time.sleep(0.4)
            assert r.scard("dst") == 40
            os.kill(srv.pid, signal.SIGTERM)
            assert srv.wait_exit(10) == 0
        finally:
            load.kill()
            load.wait(10)
            srv.stop()
