"""List commands (Redis tests/unit/type/list.tcl): pushes and pops, ranges,
in-place updates, LPOS, LMOVE/RPOPLPUSH, LMPOP, error texts, RESP2/RESP3 null
rules, and a randomized comparison with a Python model across listpack node
sizes and compression depths."""
import random

import pytest

from helpers import RawConn, keys_on_distinct_slots

pytestmark = pytest.mark.needs_types

WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value"
SYNTAX = "ERR syntax error"
NOTINT = "ERR value is not an integer or out of range"
POSITIVE = "ERR value is out of range, must be positive"


@pytest.fixture
def list_config(r):
    """Restores the list encoding settings a test changes."""
    saved = {k: r.config_get(k)[k] for k in ("list-max-listpack-size", "list-compress-depth")}
    yield r
    for k, v in saved.items():
        r.config_set(k, v)


def resp3(shared_server):
    conn = RawConn(shared_server.host, shared_server.port)
    conn.call("HELLO", "3")
    return conn


# ---------------------------------------------------------------------------
# push / pop / length
# ---------------------------------------------------------------------------


def test_push_pop_basic(r):
    assert r.lpush("l", "a", "b") == 2
    assert r.rpush("l", "c", 1, -7) == 5
    assert r.lrange("l", 0, -1) == ["b", "a", "c", "1", "-7"]
    assert r.llen("l") == 5
    assert r.lpop("l") == "b"
    assert r.rpop("l") == "-7"
    assert r.lpop("l", 2) == ["a", "c"]
    assert r.rpop("l", 5) == ["1"]
    assert r.exists("l") == 0           # emptied lists are deleted


def test_object_encoding_is_quicklist(r):
    r.rpush("l", "a")
    assert r.object("encoding", "l") == "quicklist"
    r.rpush("big", *range(1000))
    assert r.object("encoding", "big") == "quicklist"
    assert r.type("l") == "list"


def test_pushx(r):
    assert r.lpushx("l", "a") == 0
    assert r.execute_command("RPUSHX", "l", "a", "b") == 0
    assert r.exists("l") == 0
    r.rpush("l", "x")
    assert r.execute_command("LPUSHX", "l", "a", "b") == 3
    assert r.rpushx("l", "c") == 4
    assert r.lrange("l", 0, -1) == ["b", "a", "x", "c"]


def test_pop_count_rules(call):
    call("RPUSH", "l", "a", "b", "c")
    assert call("LPOP", "l", "0") == []
    assert call("LLEN", "l") == 3
    assert call("LPOP", "nolist", "0") is None
    assert call("LPOP", "nolist") is None
    assert call("LPOP", "nolist", "3") is None
    assert call.err("LPOP", "l", "-1") == POSITIVE
    assert call.err("LPOP", "l", "x") == POSITIVE
    assert call.err("LPOP", "l", "1", "2") == "ERR wrong number of arguments for 'lpop' command"
    assert call.err("RPOP", "l", "1", "2") == "ERR wrong number of arguments for 'rpop' command"
    assert call("RPOP", "l", "10") == [b"c", b"b", b"a"]
    assert call("EXISTS", "l") == 0


def test_pop_null_bytes_resp2(raw):
    raw.call("RPUSH", "l", "a")
    raw.send_cmd("LPOP", "nolist")
    assert raw.read_reply_bytes() == b"$-1\r\n"
    raw.send_cmd("LPOP", "nolist", "2")
    assert raw.read_reply_bytes() == b"*-1\r\n"
    raw.send_cmd("LPOP", "l", "0")
    assert raw.read_reply_bytes() == b"*0\r\n"


def test_pop_null_bytes_resp3(shared_server, r):
    conn = resp3(shared_server)
    try:
        conn.call("RPUSH", "l", "a")
        for args in (("LPOP", "nolist"), ("LPOP", "nolist", "2"), ("RPOP", "nolist", "1"),
                     ("LINDEX", "l", "5"), ("LMPOP", "1", "nolist", "LEFT"),
                     ("LPOS", "l", "zz"), ("LMOVE", "nolist", "x", "LEFT", "LEFT")):
            conn.send_cmd(*args)
            assert conn.read_reply_bytes() == b"_\r\n", args
    finally:
        conn.close()


def test_wrongtype(call):
    call("SET", "s", "x")
    for args in (("LPUSH", "s", "a"), ("RPUSHX", "s", "a"), ("LPOP", "s"), ("RPOP", "s", "0"),
                 ("LLEN", "s"), ("LRANGE", "s", "0", "-1"), ("LINDEX", "s", "0"),
                 ("LSET", "s", "0", "a"), ("LINSERT", "s", "BEFORE", "a", "b"),
                 ("LREM", "s", "0", "a"), ("LTRIM", "s", "0", "1"), ("LPOS", "s", "a"),
                 ("LMOVE", "s", "d", "LEFT", "LEFT"), ("RPOPLPUSH", "s", "d"),
                 ("LMPOP", "1", "s", "LEFT")):
        assert call.err(*args) == WRONGTYPE, args
    call("RPUSH", "l", "a")
    assert call.err("LMOVE", "l", "s", "LEFT", "LEFT") == WRONGTYPE
    assert call("LRANGE", "l", "0", "-1") == [b"a"]     # nothing popped
    assert call("LMOVE", "nolist", "s", "LEFT", "LEFT") is None


def test_integers_and_binary(rb):
    vals = [b"0", b"-1", b"9223372036854775807", b"-9223372036854775808",
            b"9223372036854775808", b"007", b"-0", b"+1", b" 1", b"1.5", b"\x00\xff\r\n", b""]
    rb.rpush("l", *vals)
    assert rb.lrange("l", 0, -1) == vals
    assert rb.lindex("l", 2) == b"9223372036854775807"
    assert rb.lpos("l", b"007") == 5
    assert rb.lpos("l", b"7") is None
    assert rb.lpos("l", b"-0") == 6
    assert rb.lpos("l", b"0") == 0


# ---------------------------------------------------------------------------
# LRANGE / LINDEX / LSET
# ---------------------------------------------------------------------------


def test_lrange_bounds(r):
    r.rpush("l", *range(10))
    assert r.lrange("l", 0, -1) == [str(i) for i in range(10)]
    assert r.lrange("l", -3, -1) == ["7", "8", "9"]
    assert r.lrange("l", -100, 2) == ["0", "1", "2"]
    assert r.lrange("l", 8, 100) == ["8", "9"]
    assert r.lrange("l", 5, 4) == []
    assert r.lrange("l", 10, 20) == []
    assert r.lrange("l", -1, -2) == []
    assert r.lrange("nolist", 0, -1) == []


def test_lrange_errors(call):
    call("RPUSH", "l", "a")
    assert call.err("LRANGE", "l", "x", "1") == NOTINT
    assert call.err("LRANGE", "l", "0", "1.5") == NOTINT


def test_lindex(r, call):
    r.rpush("l", "a", "b", "c")
    assert r.lindex("l", 0) == "a"
    assert r.lindex("l", -1) == "c"
    assert r.lindex("l", 3) is None
    assert r.lindex("l", -4) is None
    assert r.lindex("nolist", 0) is None
    assert call.err("LINDEX", "l", "x") == NOTINT
    # the key is looked up (and its type checked) before the index is parsed
    assert call("LINDEX", "nolist", "x") is None
    call("SET", "s", "x")
    assert call.err("LINDEX", "s", "x") == WRONGTYPE


def test_lset(r, call):
    r.rpush("l", "a", "b", "c")
    assert r.lset("l", 1, "B") is True
    assert r.lset("l", -1, "12345") is True
    assert r.lrange("l", 0, -1) == ["a", "B", "12345"]
    assert call.err("LSET", "nolist", "0", "x") == "ERR no such key"
    assert call.err("LSET", "l", "3", "x") == "ERR index out of range"
    assert call.err("LSET", "l", "-4", "x") == "ERR index out of range"
    assert call.err("LSET", "l", "x", "y") == NOTINT


# ---------------------------------------------------------------------------
# LINSERT / LREM / LTRIM
# ---------------------------------------------------------------------------


def test_linsert(r, call):
    r.rpush("l", "a", "b", "c")
    assert r.linsert("l", "BEFORE", "b", "x") == 4
    assert r.linsert("l", "after", "c", "y") == 5
    assert r.linsert("l", "before", "a", 1) == 6
    assert r.linsert("l", "before", "zz", "q") == -1
    assert r.lrange("l", 0, -1) == ["1", "a", "x", "b", "c", "y"]
    assert r.linsert("nolist", "before", "a", "b") == 0
    assert r.exists("nolist") == 0
    assert call.err("LINSERT", "l", "middle", "a", "b") == SYNTAX
    assert call.err("LINSERT", "nolist", "middle", "a", "b") == SYNTAX
    # pivot given as an integer matches integer-encoded entries
    assert r.linsert("l", "after", "1", "one") == 7
    assert r.lindex("l", 1) == "one"


def test_lrem(r, call):
    r.rpush("l", "a", "b", "a", "c", "a", "b", "a")
    assert r.lrem("l", 2, "a") == 2
    assert r.lrange("l", 0, -1) == ["b", "c", "a", "b", "a"]
    assert r.lrem("l", -1, "b") == 1
    assert r.lrange("l", 0, -1) == ["b", "c", "a", "a"]
    assert r.lrem("l", 0, "a") == 2
    assert r.lrem("l", 0, "zz") == 0
    assert r.lrange("l", 0, -1) == ["b", "c"]
    assert r.lrem("l", 0, "b") == 1
    assert r.lrem("l", 0, "c") == 1
    assert r.exists("l") == 0
    assert r.lrem("nolist", 0, "a") == 0
    assert call.err("LREM", "l", "x", "a") == NOTINT


def test_ltrim(r, call):
    r.rpush("l", *range(10))
    assert r.ltrim("l", 2, -3) is True
    assert r.lrange("l", 0, -1) == [str(i) for i in range(2, 8)]
    assert r.ltrim("l", -2, 100) is True
    assert r.lrange("l", 0, -1) == ["6", "7"]
    assert r.ltrim("l", 5, 1) is True
    assert r.exists("l") == 0
    assert r.ltrim("nolist", 0, 1) is True
    r.rpush("l", "a")
    assert call.err("LTRIM", "l", "x", "1") == NOTINT


# ---------------------------------------------------------------------------
# LPOS
# ---------------------------------------------------------------------------


def test_lpos(r):
    r.rpush("l", "a", "b", "c", "1", "2", "3", "c", "c")
    assert r.lpos("l", "a") == 0
    assert r.lpos("l", "c") == 2
    assert r.lpos("l", "c", rank=2) == 6
    assert r.lpos("l", "c", rank=-1) == 7
    assert r.lpos("l", "c", rank=-3) == 2
    assert r.lpos("l", "c", rank=4) is None
    assert r.lpos("l", "c", count=0) == [2, 6, 7]
    assert r.lpos("l", "c", count=2) == [2, 6]
    assert r.lpos("l", "c", rank=-1, count=2) == [7, 6]
    assert r.lpos("l", "c", count=0, maxlen=7) == [2, 6]
    assert r.lpos("l", "c", rank=-1, count=0, maxlen=2) == [7, 6]
    assert r.lpos("l", "c", maxlen=2) is None
    assert r.lpos("l", "zz", count=0) == []
    assert r.lpos("l", 2) == 4
    assert r.lpos("nolist", "a") is None
    assert r.lpos("nolist", "a", count=0) == []


def test_lpos_errors(call):
    call("RPUSH", "l", "a", "b")
    assert call.err("LPOS", "l", "a", "RANK", "0").startswith("ERR RANK can't be zero: use 1 to start")
    assert call.err("LPOS", "l", "a", "COUNT", "-1") == "ERR COUNT can't be negative"
    assert call.err("LPOS", "l", "a", "MAXLEN", "-1") == "ERR MAXLEN can't be negative"
    assert call.err("LPOS", "l", "a", "FOO") == SYNTAX
    assert call.err("LPOS", "l", "a", "RANK") == SYNTAX
    assert call.err("LPOS", "l", "a", "RANK", "x") == NOTINT
    # a COUNT/MAXLEN that is not an integer gets the "negative" message
    assert call.err("LPOS", "l", "a", "COUNT", "x") == "ERR COUNT can't be negative"
    assert call.err("LPOS", "l", "a", "COUNT", "99999999999999999999") == "ERR COUNT can't be negative"
    assert call.err("LPOS", "l", "a", "MAXLEN", "x") == "ERR MAXLEN can't be negative"
    # options are checked before the key
    call("SET", "s", "x")
    assert call.err("LPOS", "s", "a", "COUNT", "-1") == "ERR COUNT can't be negative"
    # Redis 7.0 treats the most negative rank as "first match from the tail"
    assert call("LPOS", "l", "a", "RANK", "-9223372036854775808") == 0


# ---------------------------------------------------------------------------
# LMOVE / RPOPLPUSH
# ---------------------------------------------------------------------------


def test_lmove_directions(r):
    r.rpush("src", "a", "b", "c")
    assert r.lmove("src", "dst", "LEFT", "RIGHT") == "a"
    assert r.lmove("src", "dst", "RIGHT", "LEFT") == "c"
    assert r.lmove("src", "dst", "left", "left") == "b"
    assert r.exists("src") == 0
    assert r.lrange("dst", 0, -1) == ["b", "c", "a"]
    assert r.rpoplpush("dst", "src") == "a"
    assert r.lrange("src", 0, -1) == ["a"]
    assert r.lmove("nolist", "dst", "LEFT", "LEFT") is None
    assert r.rpoplpush("nolist", "dst") is None
    assert r.exists("nolist") == 0


def test_lmove_same_key_rotates(r):
    r.rpush("l", "a", "b", "c")
    r.expire("l", 1000)
    assert r.lmove("l", "l", "LEFT", "RIGHT") == "a"
    assert r.lrange("l", 0, -1) == ["b", "c", "a"]
    assert r.rpoplpush("l", "l") == "a"
    assert r.lrange("l", 0, -1) == ["a", "b", "c"]
    r.delete("l")
    r.rpush("one", "x")
    r.expire("one", 1000)
    assert r.lmove("one", "one", "LEFT", "LEFT") == "x"
    assert r.lrange("one", 0, -1) == ["x"]
    assert r.ttl("one") > 0                 # never deleted on the way


def test_lmove_errors(call):
    call("RPUSH", "l", "a")
    assert call.err("LMOVE", "l", "d", "UP", "LEFT") == SYNTAX
    assert call.err("LMOVE", "l", "d", "LEFT", "DOWN") == SYNTAX


def test_lmove_across_shards(r):
    src, dst = keys_on_distinct_slots(2, prefix="mv", modulo=2)
    r.rpush(src, *range(20))
    for i in range(20):
        assert r.lmove(src, dst, "LEFT", "RIGHT") == str(i)
    assert r.exists(src) == 0
    assert r.lrange(dst, 0, -1) == [str(i) for i in range(20)]
    r.set(src, "str")
    r.rpush(dst, "z")
    with pytest.raises(Exception) as e:
        r.rpoplpush(dst, src)
    assert WRONGTYPE in str(e.value)


def test_rpoplpush_integer_value(rb):
    rb.rpush("a", 12345, -3)
    assert rb.rpoplpush("a", "b") == b"-3"
    assert rb.rpoplpush("a", "b") == b"12345"
    assert rb.lrange("b", 0, -1) == [b"12345", b"-3"]


# ---------------------------------------------------------------------------
# LMPOP
# ---------------------------------------------------------------------------


def test_lmpop(call):
    call("RPUSH", "b", "1", "2", "3")
    call("RPUSH", "c", "x")
    assert call("LMPOP", "3", "a", "b", "c", "LEFT") == [b"b", [b"1"]]
    assert call("LMPOP", "3", "a", "b", "c", "RIGHT", "COUNT", "10") == [b"b", [b"3", b"2"]]
    assert call("EXISTS", "b") == 0
    assert call("LMPOP", "2", "b", "c", "left", "count", "2") == [b"c", [b"x"]]
    assert call("LMPOP", "2", "b", "c", "LEFT") is None


def test_lmpop_errors(call):
    call("RPUSH", "l", "a")
    assert call.err("LMPOP", "0", "l", "LEFT") == "ERR numkeys should be greater than 0"
    assert call.err("LMPOP", "-1", "l", "LEFT") == "ERR numkeys should be greater than 0"
    assert call.err("LMPOP", "x", "l", "LEFT") == "ERR numkeys should be greater than 0"
    assert call.err("LMPOP", "2", "l", "LEFT") == SYNTAX
    assert call.err("LMPOP", "5", "l", "LEFT") == SYNTAX
    assert call.err("LMPOP", "1", "l", "UP") == SYNTAX
    assert call.err("LMPOP", "1", "l", "LEFT", "COUNT", "0") == "ERR count should be greater than 0"
    assert call.err("LMPOP", "1", "l", "LEFT", "COUNT", "x") == "ERR count should be greater than 0"
    assert call.err("LMPOP", "1", "l", "LEFT", "COUNT", "1", "COUNT", "2") == SYNTAX
    assert call.err("LMPOP", "1", "l", "LEFT", "FOO") == SYNTAX
    assert call.err("LMPOP", "1", "l", "LEFT", "COUNT") == SYNTAX
    call("SET", "s", "x")
    assert call.err("LMPOP", "2", "nolist", "s", "LEFT") == WRONGTYPE
    assert call("LMPOP", "2", "l", "s", "LEFT") == [b"l", [b"a"]]


def test_lmpop_across_shards(call):
    keys = keys_on_distinct_slots(4, prefix="mp", modulo=2)
    call("RPUSH", keys[3], "v1", "v2")
    assert call("LMPOP", "4", *keys, "RIGHT", "COUNT", "5") == [keys[3].encode(), [b"v2", b"v1"]]
    assert call("LMPOP", "4", *keys, "RIGHT") is None


def test_command_getkeys_lmpop(call):
    assert call("COMMAND", "GETKEYS", "LMPOP", "2", "a", "b", "LEFT") == [b"a", b"b"]
    assert call("COMMAND", "GETKEYS", "LMPOP", "1", "a", "RIGHT", "COUNT", "3") == [b"a"]


# ---------------------------------------------------------------------------
# encodings: node sizes and compression
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("fill,depth", [(-2, 0), (4, 0), (4, 1), (1, 2), (-1, 1), (128, 3)])
def test_random_ops_against_model(list_config, fill, depth):
    r = list_config
    r.config_set("list-max-listpack-size", fill)
    r.config_set("list-compress-depth", depth)
    rnd = random.Random(fill * 1000 + depth)
    model = []
    pool = ["a", "bb", "x" * 40, "y" * 300, "0", "-5", "123456789012", "hello world"]
    for step in range(1500):
        op = rnd.random()
        v = rnd.choice(pool) + (str(rnd.randint(0, 5)) if rnd.random() < 0.3 else "")
        if op < 0.25:
            r.rpush("l", v)
            model.append(v)
        elif op < 0.45:
            r.lpush("l", v)
            model.insert(0, v)
        elif op < 0.55:
            got = r.lpop("l")
            assert got == (model.pop(0) if model else None)
        elif op < 0.62:
            got = r.rpop("l")
            assert got == (model.pop() if model else None)
        elif op < 0.70 and model:
            i = rnd.randrange(-len(model), len(model))
            r.lset("l", i, v)
            model[i] = v
        elif op < 0.78 and model:
            pivot = rnd.choice(model)
            where = rnd.choice(["BEFORE", "AFTER"])
            at = model.index(pivot) + (where == "AFTER")
            assert r.linsert("l", where, pivot, v) == len(model) + 1
            model.insert(at, v)
        elif op < 0.83 and model:
            target = rnd.choice(model)
            cnt = rnd.randint(-2, 2)
            removed = r.lrem("l", cnt, target)
            if cnt >= 0:
                idx = [i for i, x in enumerate(model) if x == target]
                if cnt:
                    idx = idx[:cnt]
            else:
                idx = [i for i, x in enumerate(model) if x == target][cnt:]
            assert removed == len(idx)
            for i in reversed(idx):
                del model[i]
        elif op < 0.86 and len(model) > 4:
            a, b = sorted(rnd.sample(range(len(model)), 2))
            r.ltrim("l", a, b)
            model = model[a:b + 1]
        elif op < 0.95 and model:
            i = rnd.randrange(-len(model), len(model))
            assert r.lindex("l", i) == model[i]
        if step % 100 == 0:
            assert r.llen("l") == len(model)
            assert r.lrange("l", 0, -1) == model
    assert r.lrange("l", 0, -1) == model
    if model:
        assert r.lrange("l", 1, -2) == model[1:-1]
        assert r.lpos("l", model[-1], rank=-1) == len(model) - 1


def test_big_list_with_compression(list_config):
    r = list_config
    r.config_set("list-max-listpack-size", 16)
    r.config_set("list-compress-depth", 1)
    vals = ["element-%d-%s" % (i, "z" * (i % 50)) for i in range(3000)]
    r.rpush("l", *vals)
    assert r.llen("l") == 3000
    assert r.lrange("l", 1000, 1010) == vals[1000:1011]
    assert r.lindex("l", 1500) == vals[1500]
    assert r.lpos("l", vals[2500]) == 2500
    r.lset("l", 2000, "changed")
    vals[2000] = "changed"
    assert r.linsert("l", "AFTER", vals[1200], "ins") == 3001
    vals.insert(1201, "ins")
    assert r.lrange("l", 0, -1) == vals
    assert r.lrem("l", 0, "changed") == 1
    vals.remove("changed")
    r.ltrim("l", 100, -100)
    vals = vals[100:-99]
    assert r.lrange("l", 0, -1) == vals
    assert r.object("encoding", "l") == "quicklist"
