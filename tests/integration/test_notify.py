"""Keyspace notifications (notify-keyspace-events): channel names, class
filtering, and the events of each command family as Redis 7.0 names them.
Events can come from any shard; order is only compared per key. Must pass
against redis-server 7.0 too."""
import time

import pytest


def collect(p, settle=0.3):
    out = []
    while True:
        m = p.get_message(timeout=settle)
        if m is None:
            return out
        if m["type"] in ("message", "pmessage"):
            out.append((m["channel"], m["data"]))


def per_key(events):
    """{key: [event, ...]} from __keyspace@0__:<key> messages."""
    d = {}
    for ch, data in events:
        if ch.startswith("__keyspace@0__:"):
            d.setdefault(ch[len("__keyspace@0__:"):], []).append(data)
    return d


@pytest.fixture
def ksub(shared_server, r):
    r.config_set("notify-keyspace-events", "KEA")
    c = shared_server.client()
    p = c.pubsub()
    p.psubscribe("__key*__:*")
    p.get_message(timeout=2)
    yield p
    p.close()
    r.config_set("notify-keyspace-events", "")


def run(r, p, *cmds):
    for c in cmds:
        try:
            r.execute_command(*c)
        except Exception:
            pass
    return collect(p)


def test_channels_and_both_classes(r, ksub):
    ev = run(r, ksub, ("SET", "k1", "v"))
    assert ev == [("__keyspace@0__:k1", "set"), ("__keyevent@0__:set", "k1")]
    r.config_set("notify-keyspace-events", "E$")
    assert run(r, ksub, ("SET", "k1", "v"), ("DEL", "k1")) == [("__keyevent@0__:set", "k1")]
    r.config_set("notify-keyspace-events", "Kg")
    assert run(r, ksub, ("SET", "k1", "v"), ("DEL", "k1")) == [("__keyspace@0__:k1", "del")]
    r.config_set("notify-keyspace-events", "")
    assert run(r, ksub, ("SET", "k1", "v")) == []


def test_other_db(r, ksub):
    r.execute_command("SELECT", "5")
    ev = run(r, ksub, ("SET", "k", "v"))
    r.execute_command("SELECT", "0")
    assert ev == [("__keyspace@5__:k", "set"), ("__keyevent@5__:set", "k")]


STRING_CASES = [
    ([("SET", "a", "1", "EX", "100")], {"a": ["set", "expire"]}),
    ([("SET", "a", "1"), ("SETNX", "a", "2")], {"a": ["set"]}),
    ([("SETEX", "a", "10", "v")], {"a": ["set", "expire"]}),
    ([("APPEND", "a", "x"), ("SETRANGE", "a", "2", "yy")], {"a": ["append", "setrange"]}),
    ([("INCR", "i"), ("DECRBY", "i", "2"), ("INCRBYFLOAT", "i", "1.5")],
     {"i": ["incrby", "incrby", "incrbyfloat"]}),
    ([("MSET", "m1", "1", "m2", "2")], {"m1": ["set"], "m2": ["set"]}),
    ([("SET", "a", "1"), ("GETEX", "a", "PX", "100000"), ("GETEX", "a", "PERSIST"),
      ("GETDEL", "a")], {"a": ["set", "expire", "persist", "del"]}),
    ([("SETBIT", "b", "3", "1"), ("SETBIT", "b", "3", "1"), ("BITFIELD", "f", "SET", "u8", "0", "1"),
      ("BITOP", "OR", "o", "b", "f")], {"b": ["setbit"], "f": ["setbit"], "o": ["set"]}),
    ([("PFADD", "h", "a"), ("PFADD", "h", "a"), ("PFMERGE", "h2", "h")],
     {"h": ["pfadd"], "h2": ["pfadd"]}),
]

KEYS_CASES = [
    ([("SET", "a", "1"), ("EXPIRE", "a", "100"), ("PERSIST", "a"), ("PEXPIRE", "a", "-1")],
     {"a": ["set", "expire", "persist", "del"]}),
    ([("SET", "{t}a", "1"), ("RENAME", "{t}a", "{t}b")],
     {"{t}a": ["set", "rename_from"], "{t}b": ["rename_to"]}),
    ([("SET", "{t}a", "1"), ("COPY", "{t}a", "{t}c")], {"{t}a": ["set"], "{t}c": ["copy_to"]}),
    ([("SET", "a", "1"), ("DEL", "a", "nokey")], {"a": ["set", "del"]}),
]

LIST_CASES = [
    ([("LPUSH", "l", "a", "b"), ("RPUSH", "l", "c"), ("LPOP", "l"), ("RPOP", "l"),
      ("LINSERT", "l", "BEFORE", "a", "x"), ("LSET", "l", "0", "y"), ("LREM", "l", "0", "y"),
      ("LTRIM", "l", "0", "0"), ("RPOP", "l")],
     {"l": ["lpush", "rpush", "lpop", "rpop", "linsert", "lset", "lrem", "ltrim", "rpop", "del"]}),
    ([("RPUSH", "{t}s", "a"), ("LMOVE", "{t}s", "{t}d", "LEFT", "RIGHT")],
     {"{t}s": ["rpush", "lpop", "del"], "{t}d": ["rpush"]}),
    ([("RPUSH", "l", "a", "b"), ("LMPOP", "1", "l", "RIGHT", "COUNT", "5")],
     {"l": ["rpush", "rpop", "del"]}),
]

HASH_CASES = [
    ([("HSET", "h", "f", "1"), ("HSETNX", "h", "g", "1"), ("HINCRBY", "h", "f", "2"),
      ("HINCRBYFLOAT", "h", "f", "0.5"), ("HDEL", "h", "f"), ("HDEL", "h", "g")],
     {"h": ["hset", "hset", "hincrby", "hincrbyfloat", "hdel", "hdel", "del"]}),
]

SET_CASES = [
    ([("SADD", "s", "a", "b", "c"), ("SREM", "s", "a"), ("SPOP", "s"), ("SPOP", "s", "5")],
     {"s": ["sadd", "srem", "spop", "spop", "del"]}),
    ([("SADD", "{t}a", "x"), ("SMOVE", "{t}a", "{t}b", "x")],
     {"{t}a": ["sadd", "srem", "del"], "{t}b": ["sadd"]}),
    ([("SADD", "{t}a", "x"), ("SINTERSTORE", "{t}c", "{t}a"), ("SUNIONSTORE", "{t}c", "{t}a"),
      ("SDIFFSTORE", "{t}c", "{t}a", "{t}a")],
     {"{t}a": ["sadd"], "{t}c": ["sinterstore", "sunionstore", "del"]}),
]

ZSET_CASES = [
    ([("ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d"), ("ZINCRBY", "z", "1", "a"),
      ("ZREM", "z", "a"), ("ZREMRANGEBYRANK", "z", "0", "0"), ("ZREMRANGEBYSCORE", "z", "3", "3"),
      ("ZREMRANGEBYLEX", "z", "-", "+")],
     {"z": ["zadd", "zincr", "zrem", "zremrangebyrank", "zremrangebyscore",
            "zremrangebylex", "del"]}),
    ([("ZADD", "z", "1", "a", "2", "b"), ("ZPOPMIN", "z"), ("ZPOPMAX", "z")],
     {"z": ["zadd", "zpopmin", "zpopmax", "del"]}),
    ([("ZADD", "{t}z", "1", "a"), ("ZRANGESTORE", "{t}d", "{t}z", "0", "-1"),
      ("ZUNIONSTORE", "{t}d", "1", "{t}z"), ("ZINTERSTORE", "{t}d", "1", "{t}z"),
      ("ZDIFFSTORE", "{t}d", "2", "{t}z", "{t}z")],
     {"{t}z": ["zadd"], "{t}d": ["zrangestore", "zunionstore", "zinterstore", "del"]}),
    ([("GEOADD", "{g}s", "13.361389", "38.115556", "P"),
      ("GEORADIUS", "{g}s", "13", "38", "100", "km", "STORE", "{g}d"),
      ("GEOSEARCHSTORE", "{g}d", "{g}s", "FROMMEMBER", "P", "BYRADIUS", "1", "km"),
      ("GEOSEARCHSTORE", "{g}d", "{g}s", "FROMLONLAT", "0", "0", "BYRADIUS", "1", "km")],
     {"{g}s": ["zadd"], "{g}d": ["georadiusstore", "geosearchstore", "del"]}),
]


@pytest.mark.parametrize("cmds,expected", STRING_CASES + KEYS_CASES)
def test_string_and_keyspace_events(r, ksub, cmds, expected):
    assert per_key(run(r, ksub, *cmds)) == expected


@pytest.mark.needs_types
@pytest.mark.parametrize("cmds,expected", LIST_CASES + HASH_CASES + SET_CASES + ZSET_CASES)
def test_type_events(r, ksub, cmds, expected):
    assert per_key(run(r, ksub, *cmds)) == expected


def test_move_between_dbs(r, ksub):
    r.set("mv", "1")
    collect(ksub)
    r.execute_command("MOVE", "mv", "2")
    ev = collect(ksub)
    assert ("__keyspace@0__:mv", "move_from") in ev
    assert ("__keyspace@2__:mv", "move_to") in ev
    r.execute_command("SELECT", "2")
    r.delete("mv")
    r.execute_command("SELECT", "0")


def test_expired_event(r, ksub):
    r.set("ex", "1", px=50)
    time.sleep(0.2)
    r.get("ex")
    ev = per_key(collect(ksub, settle=0.5))
    assert ev == {"ex": ["set", "expire", "expired"]}


def test_new_event_class(r, ksub):
    r.config_set("notify-keyspace-events", "Kn$")
    ev = per_key(run(r, ksub, ("SET", "n1", "a"), ("SET", "n1", "b"), ("APPEND", "n2", "x")))
    assert ev == {"n1": ["new", "set", "set"], "n2": ["new", "append"]}


def test_keymiss_event_class(r, ksub):
    r.config_set("notify-keyspace-events", "Km")
    ev = per_key(run(r, ksub, ("EXISTS", "miss1"), ("TYPE", "miss2"), ("TTL", "miss3")))
    assert ev == {"miss1": ["keymiss"], "miss2": ["keymiss"], "miss3": ["keymiss"]}


def test_evicted_event(server_factory):
    srv = server_factory.start("--maxmemory-policy", "allkeys-random")
    r = srv.client()
    r.config_set("notify-keyspace-events", "Ee")
    p = srv.client().pubsub()
    p.subscribe("__keyevent@0__:evicted")
    p.get_message(timeout=2)
    for i in range(200):
        r.set("ev%d" % i, "x" * 1000)
    used = int(r.info("memory")["used_memory"])
    r.config_set("maxmemory", str(used - 50000))
    r.set("trigger", "x")
    ev = collect(p, settle=0.5)
    assert ev and all(ch == "__keyevent@0__:evicted" for ch, _ in ev)
    r.config_set("maxmemory", "0")
