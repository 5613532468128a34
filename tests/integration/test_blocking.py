"""Blocking list and sorted-set commands: immediate data, timeouts, wake-ups by
pushes, MULTI/EXEC, RENAME and LMOVE, FIFO order among blocked clients of a key,
CLIENT UNBLOCK, keys on several shards, and a concurrent stress test whose
checker proves no item is lost or delivered twice."""
import threading
import time

import pytest
import redis

from helpers import keys_on_distinct_slots


def blocked_count(r):
    return r.info("clients")["blocked_clients"]


def wait_blocked(r, n, timeout=10):
    end = time.time() + timeout
    while time.time() < end:
        if blocked_count(r) >= n:
            return
        time.sleep(0.01)
    raise AssertionError("clients did not block")


def in_thread(fn):
    out = []
    t = threading.Thread(target=lambda: out.append(fn()), daemon=True)
    t.start()
    return t, out


def test_blpop_immediate_and_order_of_keys(r):
    r.rpush("b", "x", "y")
    assert r.blpop(["a", "b"], timeout=1) == ("b", "x")
    assert r.brpop(["a", "b"], timeout=1) == ("b", "y")


def test_blpop_timeout_and_errors(r, call):
    t0 = time.time()
    assert r.blpop(["none"], timeout=0.1) is None
    assert time.time() - t0 < 5
    assert call.err("BLPOP", "k", "abc") == "ERR timeout is not a float or out of range"
    assert call.err("BLPOP", "k", "-1") == "ERR timeout is negative"
    r.set("str", "v")
    assert call.err("BLPOP", "str", "0") == \
        "WRONGTYPE Operation against a key holding the wrong kind of value"


def test_blocking_inside_multi_does_not_block(r):
    p = r.pipeline(transaction=True)
    p.blpop(["none"], timeout=0)
    assert p.execute() == [None]


@pytest.mark.parametrize("nkeys", [1, 3])
def test_blpop_woken_by_push(shared_server, r, nkeys):
    keys = keys_on_distinct_slots(nkeys, prefix="bk")
    c = shared_server.client()
    t, out = in_thread(lambda: c.blpop(keys, timeout=10))
    wait_blocked(r, 1)
    r.rpush(keys[-1], "v")
    t.join(10)
    assert out == [(keys[-1], "v")]
    assert blocked_count(r) == 0


def test_fifo_among_blocked_clients(shared_server, r):
    clients = [shared_server.client() for _ in range(4)]
    threads = []
    for i, c in enumerate(clients):
        threads.append(in_thread(lambda c=c: c.blpop("fifo", timeout=10)))
        wait_blocked(r, i + 1)
    r.rpush("fifo", "0", "1", "2", "3")
    for i, (t, out) in enumerate(threads):
        t.join(10)
        assert out == [("fifo", str(i))]


def test_woken_by_multi_exec_rename_and_lmove(shared_server, r):
    for how in ("multi", "rename", "lmove"):
        c = shared_server.client()
        t, out = in_thread(lambda: c.blpop("target", timeout=10))
        wait_blocked(r, 1)
        if how == "multi":
            p = r.pipeline(transaction=True)
            p.rpush("target", "m")
            p.execute()
        elif how == "rename":
            r.rpush("tmp", "m")
            r.rename("tmp", "target")
        else:
            r.rpush("other", "m")
            r.lmove("other", "target", "LEFT", "RIGHT")
        t.join(10)
        assert out == [("target", "m")], how


def test_blmove_and_brpoplpush_wake(shared_server, r):
    c = shared_server.client()
    t, out = in_thread(lambda: c.blmove("src", "dst", 10, "LEFT", "RIGHT"))
    wait_blocked(r, 1)
    r.rpush("src", "e")
    t.join(10)
    assert out == ["e"]
    assert r.lrange("dst", 0, -1) == ["e"]
    t, out = in_thread(lambda: c.brpoplpush("src2", "dst2", 10))
    wait_blocked(r, 1)
    r.rpush("src2", "f")
    t.join(10)
    assert out == ["f"]
    assert r.lrange("dst2", 0, -1) == ["f"]


def test_bzpop_and_bzmpop_blmpop(shared_server, r):
    c = shared_server.client()
    t, out = in_thread(lambda: c.bzpopmin("z", timeout=10))
    wait_blocked(r, 1)
    r.zadd("z", {"m": 1.5, "n": 2})
    t.join(10)
    assert out == [("z", "m", 1.5)]
    assert r.bzpopmax("z", timeout=1) == ("z", "n", 2.0)
    t, out = in_thread(lambda: c.execute_command("BLMPOP", 10, 2, "l1", "l2", "RIGHT", "COUNT", 2))
    wait_blocked(r, 1)
    r.rpush("l2", "a", "b", "c")
    t.join(10)
    assert out == [["l2", ["c", "b"]]]
    t, out = in_thread(lambda: c.execute_command("BZMPOP", 10, 1, "zz", "MIN"))
    wait_blocked(r, 1)
    r.zadd("zz", {"q": 3})
    t.join(10)
    assert out == [["zz", [["q", "3"]]]]


def test_client_unblock(shared_server, r):
    c = shared_server.client()
    cid = c.client_id()
    t, out = in_thread(lambda: c.blpop("nothing", timeout=0))
    wait_blocked(r, 1)
    assert r.client_unblock(cid) is True
    t.join(10)
    assert out == [None]
    t, out = [], []

    def err():
        try:
            c.blpop("nothing", timeout=0)
        except redis.ResponseError as e:
            return str(e)
    t, out = in_thread(err)
    wait_blocked(r, 1)
    assert r.client_unblock(cid, error=True) is True
    t.join(10)
    assert out == ["UNBLOCKED client unblocked via CLIENT UNBLOCK"]
    assert r.client_unblock(cid) is False


def test_disconnect_while_blocked(shared_server, r):
    c = shared_server.raw()
    c.send(b"BLPOP gone 0\r\n")
    wait_blocked(r, 1)
    c.close()
    end = time.time() + 10
    while blocked_count(r) and time.time() < end:
        time.sleep(0.01)
    assert blocked_count(r) == 0
    r.rpush("gone", "v")
    assert r.lrange("gone", 0, -1) == ["v"]


def test_stress_no_loss_no_duplicate(shared_server, r):
    """Producers push unique items to lists on different shards; consumers
    BLPOP over all of them. Every item must come out exactly once."""
    keys = keys_on_distinct_slots(4, prefix="st")
    n_items, producers, consumers = 600, 3, 4
    got, lock = [], threading.Lock()
    done = threading.Event()

    def produce(p):
        rc = shared_server.client(socket_timeout=20)
        for i in range(n_items // producers):
            rc.rpush(keys[(p + i) % len(keys)], "%d:%d" % (p, i))

    def consume():
        rc = shared_server.client(socket_timeout=20)
        while True:
            v = rc.blpop(keys, timeout=0.2)
            if v is None:
                if done.is_set():
                    return
                continue
            with lock:
                got.append(v[1])

    cs = [threading.Thread(target=consume, daemon=True) for _ in range(consumers)]
    ps = [threading.Thread(target=produce, args=(p,), daemon=True) for p in range(producers)]
    for t in cs + ps:
        t.start()
    for t in ps:
        t.join(60)
    end = time.time() + 30
    while len(got) < n_items and time.time() < end:
        time.sleep(0.05)
    done.set()
    for t in cs:
        t.join(30)
    assert not any(t.is_alive() for t in cs + ps), "workers hung"
    assert len(got) == n_items, (len(got), n_items)
    assert len(set(got)) == n_items, "an item was delivered twice"
    assert all(r.llen(k) == 0 for k in keys)


def test_xread_block_woken_by_xadd(shared_server, r):
    keys = keys_on_distinct_slots(2, prefix="xs")
    c = shared_server.client()
    t, out = in_thread(lambda: c.xread({keys[0]: "$", keys[1]: "$"}, block=10000))
    wait_blocked(r, 1)
    eid = r.xadd(keys[1], {"f": "v"})
    t.join(10)
    assert out == [[[keys[1], [(eid, {"f": "v"})]]]]


def test_xread_block_timeout(r):
    t0 = time.time()
    assert r.xread({"xnone": "$"}, block=100) in ([], None)
    assert time.time() - t0 < 5


def test_xreadgroup_block(shared_server, r):
    r.xgroup_create("xg", "g", id="$", mkstream=True)
    c = shared_server.client()
    t, out = in_thread(lambda: c.xreadgroup("g", "c1", {"xg": ">"}, block=10000))
    wait_blocked(r, 1)
    eid = r.xadd("xg", {"x": "y"})
    t.join(10)
    assert out == [[["xg", [(eid, {"x": "y"})]]]]
    assert r.xpending("xg", "g")["pending"] == 1
