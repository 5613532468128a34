"""MULTI / EXEC / DISCARD / WATCH, including transactions over keys on several
shards (atomic and isolated) and WATCH seeing changes from any shard, expiry and
FLUSHALL."""
import threading
import time

import pytest
import redis

from helpers import keys_on_distinct_slots


def test_multi_exec_basic(call, raw):
    raw.send(b"MULTI\r\nSET a 1\r\nINCR a\r\nGET a\r\nEXEC\r\n")
    raw.expect(b"+OK\r\n+QUEUED\r\n+QUEUED\r\n+QUEUED\r\n*3\r\n+OK\r\n:2\r\n$1\r\n2\r\n")


def test_exec_without_multi_and_nested(call):
    assert call.err("EXEC") == "ERR EXEC without MULTI"
    assert call.err("DISCARD") == "ERR DISCARD without MULTI"
    assert call("MULTI") == b"OK"
    assert call.err("MULTI") == "ERR MULTI calls can not be nested"
    assert call("DISCARD") == b"OK"


def test_queue_error_aborts(raw):
    raw.send(b"MULTI\r\nSET a\r\nNOSUCHCMD\r\nEXEC\r\n")
    raw.expect(b"+OK\r\n-ERR wrong number of arguments for 'set' command\r\n")
    raw.expect(b"-ERR unknown command 'NOSUCHCMD', with args beginning with: \r\n")
    raw.expect(b"-EXECABORT Transaction discarded because of previous errors.\r\n")


def test_runtime_error_does_not_abort(raw):
    raw.send(b"MULTI\r\nSET s x\r\nINCR s\r\nSET t 1\r\nEXEC\r\nGET t\r\n")
    raw.expect(b"+OK\r\n+QUEUED\r\n+QUEUED\r\n+QUEUED\r\n*3\r\n+OK\r\n"
               b"-ERR value is not an integer or out of range\r\n+OK\r\n$1\r\n1\r\n")


def test_discard_drops_queue(call):
    call("MULTI")
    call("SET", "d", "1")
    assert call("DISCARD") == b"OK"
    assert call("EXISTS", "d") == 0


def test_watch_inside_multi(call):
    call("MULTI")
    assert call.err("WATCH", "x") == "ERR WATCH inside MULTI is not allowed"
    call("DISCARD")


def test_multi_across_slots(r):
    keys = keys_on_distinct_slots(6)
    p = r.pipeline(transaction=True)
    for i, k in enumerate(keys):
        p.set(k, i)
    p.mget(keys)
    res = p.execute()
    assert res[-1] == [str(i) for i in range(6)]


@pytest.mark.parametrize("nkeys", [1, 4])
def test_watch_detects_change_from_other_client(r, shared_server, nkeys):
    keys = keys_on_distinct_slots(nkeys)
    other = shared_server.client()
    for k in keys:
        r.set(k, 1)
    p = r.pipeline()
    p.watch(*keys)
    other.incr(keys[-1])
    p.multi()
    p.set(keys[0], 100)
    with pytest.raises(redis.WatchError):
        p.execute()
    assert r.get(keys[0]) != "100"  # the transaction did not run


def test_watch_unchanged_runs(r):
    r.set("w", 1)
    p = r.pipeline()
    p.watch("w")
    p.multi()
    p.incr("w")
    assert p.execute() == [2]


def test_watch_sees_expiry(r, shared_server):
    r.set("we", 1, px=30)
    p = r.pipeline()
    p.watch("we")
    time.sleep(0.15)
    shared_server.client().get("we")  # lazy expiry deletes it
    p.multi()
    p.set("we", 2)
    with pytest.raises(redis.WatchError):
        p.execute()


def test_watch_sees_flushall(r, shared_server):
    r.set("wf", 1)
    p = r.pipeline()
    p.watch("wf")
    shared_server.client().flushall()
    p.multi()
    p.set("wf", 2)
    with pytest.raises(redis.WatchError):
        p.execute()


def test_unwatch(r, shared_server):
    r.set("wu", 1)
    p = r.pipeline()
    p.watch("wu")
    p.unwatch()
    shared_server.client().incr("wu")
    p.multi()
    p.incr("wu")
    assert p.execute() == [3]


def test_transfers_are_atomic_across_shards(shared_server):
    """Writers move units between accounts on different slots inside MULTI;
    readers MGET every account: the total must never change."""
    keys = keys_on_distinct_slots(8)
    total = 1000 * len(keys)
    c = shared_server.client()
    c.mset({k: 1000 for k in keys})
    stop = time.time() + 3
    errors = []

    def writer(seed):
        rc = shared_server.client(socket_timeout=10)
        i = seed
        while time.time() < stop:
            a, b = keys[i % len(keys)], keys[(i * 7 + 3) % len(keys)]
            i += 1
            if a == b:
                continue
            p = rc.pipeline(transaction=True)
            p.decrby(a, 5)
            p.incrby(b, 5)
            p.execute()

    def reader():
        rc = shared_server.client(socket_timeout=10)
        while time.time() < stop:
            s = sum(int(v) for v in rc.mget(keys))
            if s != total:
                errors.append(s)

    threads = [threading.Thread(target=writer, args=(n,), daemon=True) for n in range(3)]
    threads += [threading.Thread(target=reader, daemon=True) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not any(t.is_alive() for t in threads), "workers hung"
    assert not errors, errors[:5]
    assert sum(int(v) for v in c.mget(keys)) == total
