"""SORTED SET type (Redis tests/unit/type/zset.tcl): both encodings, every Z*
command, exact errors, score formatting, RESP2/RESP3 reply shapes. Passes
against redis-server 7.0 and petrel."""
import math

import pytest

pytestmark = pytest.mark.needs_types

WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value"
SYNTAX = "ERR syntax error"
NOTINT = "ERR value is not an integer or out of range"
NOTFLOAT = "ERR value is not a valid float"
LONG = "x" * 65

# every test runs on both encodings: small members -> listpack, one long member
# -> skiplist
ENCODINGS = {"listpack": "", "skiplist": LONG}


@pytest.fixture(params=sorted(ENCODINGS))
def encoding(request, r):
    return request.param


def mk(r, key, encoding, mapping):
    m = dict(mapping)
    if ENCODINGS[encoding]:
        m[ENCODINGS[encoding]] = 1000
    r.zadd(key, m)
    assert r.object("encoding", key) == encoding
    if ENCODINGS[encoding]:
        r.zrem(key, ENCODINGS[encoding])
    return key


def test_zadd_basic_and_encoding(r, encoding):
    mk(r, "z", encoding, {"a": 1, "b": 2, "c": 3})
    assert r.zrange("z", 0, -1, withscores=True) == [("a", 1), ("b", 2), ("c", 3)]
    assert r.zcard("z") == 3
    assert r.object("encoding", "z") == encoding


def test_encoding_conversion(r):
    r.zadd("z", {"m%d" % i: i for i in range(128)})
    assert r.object("encoding", "z") == "listpack"
    r.zadd("z", {"new": 0})
    assert r.object("encoding", "z") == "skiplist"
    r.zadd("y", {"a": 1})
    r.zadd("y", {"b" * 64: 1})
    assert r.object("encoding", "y") == "listpack"
    r.zadd("y", {"c" * 65: 1})
    assert r.object("encoding", "y") == "skiplist"
    assert r.zcard("y") == 3
    r.zadd("w", {"c" * 65: 1})
    assert r.object("encoding", "w") == "skiplist"


def test_zadd_options(r, call, encoding):
    mk(r, "z", encoding, {"a": 1, "b": 2})
    assert r.zadd("z", {"a": 5, "c": 3}, nx=True) == 1
    assert r.zscore("z", "a") == 1
    assert r.zadd("z", {"a": 5, "d": 3}, xx=True) == 0
    assert r.zscore("z", "a") == 5 and r.zscore("z", "d") is None
    assert r.zadd("z", {"a": 4, "b": 9}, gt=True, ch=True) == 1
    assert r.zscore("z", "a") == 5 and r.zscore("z", "b") == 9
    assert r.zadd("z", {"a": 4, "b": 10}, lt=True, ch=True) == 1
    assert r.zadd("z", {"a": 4, "q": 1}, ch=True) == 1
    assert call("ZADD", "z", "INCR", "0", "a") == b"4"
    assert call("ZADD", "z", "INCR", "2.5", "a") == b"6.5"
    assert call("ZADD", "z", "NX", "INCR", "1", "a") is None
    assert call("ZADD", "z", "GT", "INCR", "-1", "a") is None
    assert call("ZADD", "z", "XX", "INCR", "1", "nope") is None
    assert call("ZADD", "nokey", "XX", "1", "a") == 0
    assert call("ZADD", "nokey", "XX", "INCR", "1", "a") is None
    assert r.exists("nokey") == 0


def test_zadd_errors(call):
    assert call.err("ZADD", "z", "NX", "XX", "1", "a") == \
        "ERR XX and NX options at the same time are not compatible"
    for opts in (("GT", "LT"), ("GT", "NX"), ("LT", "NX")):
        assert call.err("ZADD", "z", *opts, "1", "a") == \
            "ERR GT, LT, and/or NX options at the same time are not compatible"
    assert call.err("ZADD", "z", "INCR", "1", "a", "2", "b") == \
        "ERR INCR option supports a single increment-element pair"
    assert call.err("ZADD", "z", "x", "a") == NOTFLOAT
    assert call.err("ZADD", "z", "nan", "a") == NOTFLOAT
    assert call.err("ZADD", "z", "1", "a", "2") == SYNTAX
    assert call.err("ZADD", "z", "1", "a", "x", "b") == NOTFLOAT
    assert call("EXISTS", "z") == 0
    call("SET", "s", "x")
    assert call.err("ZADD", "s", "1", "a") == WRONGTYPE


def test_zincrby(r, call, encoding):
    mk(r, "z", encoding, {"a": 1})
    assert r.zincrby("z", 2, "a") == 3
    assert r.zincrby("z", 1.5, "b") == 1.5
    assert call("ZINCRBY", "z", "-inf", "a") == b"-inf"
    assert call.err("ZINCRBY", "z", "+inf", "a") == "ERR resulting score is not a number (NaN)"
    assert call.err("ZINCRBY", "z", "x", "a") == NOTFLOAT


def test_score_formatting(call, encoding):
    if encoding == "skiplist":
        call("ZADD", "z", "1", LONG)
    call("ZADD", "z", "1.5", "a", "0.1", "b", "1e20", "c", "3e-7", "d", "-inf", "e", "inf", "f",
         "123456789", "g")
    assert call("ZSCORE", "z", "b") == b"0.10000000000000001"
    assert call("ZSCORE", "z", "c") == b"1e+20"
    assert call("ZSCORE", "z", "d") == b"2.9999999999999999e-07"
    assert call("ZSCORE", "z", "e") == b"-inf"
    assert call("ZSCORE", "z", "f") == b"inf"
    assert call("ZSCORE", "z", "g") == b"123456789"
    assert call("ZMSCORE", "z", "a", "nope", "g") == [b"1.5", None, b"123456789"]
    assert call("ZSCORE", "z", "nope") is None
    assert call("ZSCORE", "nokey", "a") is None


def test_zrem_zcard(r, encoding):
    mk(r, "z", encoding, {"a": 1, "b": 2, "c": 3})
    assert r.zrem("z", "a", "x") == 1
    assert r.zcard("z") == 2
    assert r.zrem("z", "b", "c") == 2
    assert r.exists("z") == 0
    assert r.zcard("z") == 0
    assert r.zrem("z", "a") == 0


def test_zrank(r, encoding):
    mk(r, "z", encoding, {"a": 1, "b": 2, "c": 3})
    assert r.zrank("z", "a") == 0 and r.zrank("z", "c") == 2
    assert r.zrevrank("z", "a") == 2
    assert r.zrank("z", "x") is None and r.zrank("nokey", "a") is None


def test_zrange_by_rank(r, call, encoding):
    mk(r, "z", encoding, {"a": 1, "b": 2, "c": 3, "d": 4})
    assert r.zrange("z", 0, -1) == ["a", "b", "c", "d"]
    assert r.zrange("z", 1, 2) == ["b", "c"]
    assert r.zrange("z", -2, 100) == ["c", "d"]
    assert r.zrange("z", 3, 1) == []
    assert r.zrange("z", 10, 20) == []
    assert r.zrange("z", -100, 0) == ["a"]
    assert r.zrevrange("z", 0, 1, withscores=True) == [("d", 4), ("c", 3)]
    assert call("ZRANGE", "z", "0", "1", "REV") == [b"d", b"c"]
    assert call("ZRANGE", "z", "0", "0", "WITHSCORES") == [b"a", b"1"]
    assert call("ZRANGE", "nokey", "0", "-1") == []
    assert call.err("ZRANGE", "z", "0", "x") == NOTINT


def test_zrange_by_score(r, call, encoding):
    mk(r, "z", encoding, {"a": 1, "b": 2, "c": 3, "d": 4, "e": 5})
    assert r.zrangebyscore("z", 2, 4) == ["b", "c", "d"]
    assert r.zrangebyscore("z", "(2", "(4") == ["c"]
    assert r.zrangebyscore("z", "-inf", "+inf", start=1, num=2) == ["b", "c"]
    assert r.zrangebyscore("z", "-inf", "+inf", start=1, num=-1) == ["b", "c", "d", "e"]
    assert r.zrangebyscore("z", "-inf", "+inf", start=-1, num=2) == []
    assert r.zrangebyscore("z", 6, 10) == []
    assert r.zrangebyscore("z", 4, 2) == []
    assert r.zrevrangebyscore("z", 4, 2, withscores=True) == [("d", 4), ("c", 3), ("b", 2)]
    assert r.zrevrangebyscore("z", "+inf", "(1", start=1, num=2) == ["d", "c"]
    assert call("ZRANGE", "z", "(4", "1", "BYSCORE", "REV", "LIMIT", "0", "2") == [b"c", b"b"]
    assert r.zcount("z", "(1", 4) == 3
    assert r.zcount("z", "-inf", "+inf") == 5
    assert r.zcount("z", 10, 20) == 0
    assert r.zcount("nokey", 0, 1) == 0
    assert call.err("ZRANGEBYSCORE", "z", "x", "1") == "ERR min or max is not a float"
    assert call.err("ZCOUNT", "z", "1", "(x") == "ERR min or max is not a float"
    assert call.err("ZCOUNT", "z", "nan", "1") == "ERR min or max is not a float"
    # strtod rules: "(" alone is an exclusive 0, "" is 0
    assert call("ZCOUNT", "z", "(", "+inf") == 5
    assert call("ZCOUNT", "z", "", "1") == 1


def test_zrange_by_lex(r, call, encoding):
    mk(r, "z", encoding, {m: 0 for m in "abcdefg"})
    assert r.zrangebylex("z", "-", "+") == list("abcdefg")
    assert r.zrangebylex("z", "[b", "(e") == ["b", "c", "d"]
    assert r.zrangebylex("z", "(b", "[e", start=1, num=2) == ["d", "e"]
    assert r.zrevrangebylex("z", "(e", "[b") == ["d", "c", "b"]
    assert r.zrangebylex("z", "+", "-") == []
    assert r.zrangebylex("z", "[e", "[b") == []
    assert r.zlexcount("z", "[b", "+") == 6
    assert r.zlexcount("z", "(a", "(c") == 1
    assert r.zlexcount("z", "-", "+") == 7
    assert call("ZRANGE", "z", "[c", "-", "BYLEX", "REV", "LIMIT", "1", "1") == [b"b"]
    assert call.err("ZRANGEBYLEX", "z", "b", "+") == "ERR min or max not valid string range item"
    assert call.err("ZLEXCOUNT", "z", "[a", "x") == "ERR min or max not valid string range item"
    assert call.err("ZRANGEBYLEX", "z", "-", "+", "WITHSCORES") == \
        "ERR syntax error, WITHSCORES not supported in combination with BYLEX"


def test_zrange_errors(call):
    call("ZADD", "z", "1", "a")
    assert call.err("ZRANGE", "z", "0", "1", "LIMIT", "0", "1") == \
        "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX"
    assert call.err("ZRANGE", "z", "0", "1", "BYSCORE", "BYLEX") == SYNTAX
    assert call.err("ZRANGE", "z", "0", "1", "REV", "REV") == SYNTAX
    assert call.err("ZRANGE", "z", "0", "1", "LIMIT", "x", "1") == NOTINT
    assert call.err("ZRANGE", "z", "a", "b", "BYLEX", "WITHSCORES") == \
        "ERR syntax error, WITHSCORES not supported in combination with BYLEX"
    assert call.err("ZRANGESTORE", "d", "z", "0", "1", "WITHSCORES") == SYNTAX
    assert call.err("ZREVRANGE", "z", "0", "1", "REV") == SYNTAX


def test_zrangestore(r, call, encoding):
    mk(r, "z", encoding, {"a": 1, "b": 2, "c": 3})
    assert call("ZRANGESTORE", "d", "z", "0", "1") == 2
    assert r.zrange("d", 0, -1, withscores=True) == [("a", 1), ("b", 2)]
    assert r.object("encoding", "d") == "listpack"
    assert call("ZRANGESTORE", "d", "z", "(1", "+inf", "BYSCORE", "REV") == 0
    assert call("ZRANGESTORE", "d", "z", "+inf", "(1", "BYSCORE", "REV") == 2
    assert r.zrange("d", 0, -1) == ["b", "c"]
    assert call("ZRANGESTORE", "d", "z", "[b", "+", "BYLEX", "LIMIT", "0", "1") == 1
    assert call("ZRANGESTORE", "d", "z", "5", "9") == 0
    assert r.exists("d") == 0
    assert call("ZRANGESTORE", "d", "nokey", "0", "-1") == 0


def test_zremrange(r, call, encoding):
    mk(r, "z", encoding, {m: i for i, m in enumerate("abcdefgh")})
    assert r.zremrangebyrank("z", 0, 1) == 2
    assert r.zremrangebyrank("z", -1, -1) == 1
    assert r.zremrangebyrank("z", 10, 20) == 0
    assert r.zrange("z", 0, -1) == list("cdefg")
    assert r.zremrangebyscore("z", "(2", 4) == 2
    assert r.zremrangebyscore("z", 100, 200) == 0
    assert r.zrange("z", 0, -1) == list("cfg")
    mk(r, "l", encoding, {m: 0 for m in "abcdef"})
    assert r.zremrangebylex("l", "[b", "(d") == 2
    assert r.zremrangebylex("l", "+", "-") == 0
    assert r.zrange("l", 0, -1) == list("adef")
    assert r.zremrangebyrank("l", 0, -1) == 4
    assert r.exists("l") == 0
    assert r.zremrangebyscore("nokey", 0, 1) == 0
    assert call.err("ZREMRANGEBYRANK", "z", "x", "1") == NOTINT
    assert call.err("ZREMRANGEBYSCORE", "z", "x", "1") == "ERR min or max is not a float"
    assert call.err("ZREMRANGEBYLEX", "z", "x", "1") == "ERR min or max not valid string range item"


def test_zpop(r, call, encoding):
    mk(r, "z", encoding, {"a": 1, "b": 2, "c": 3, "d": 4})
    assert call("ZPOPMIN", "z") == [b"a", b"1"]
    assert call("ZPOPMAX", "z", "2") == [b"d", b"4", b"c", b"3"]
    assert call("ZPOPMIN", "z", "0") == []
    assert call("ZPOPMIN", "z", "10") == [b"b", b"2"]
    assert call("EXISTS", "z") == 0
    assert call("ZPOPMIN", "z") == []
    assert call.err("ZPOPMIN", "z", "-1") == "ERR value is out of range, must be positive"
    assert call.err("ZPOPMIN", "z", "1", "2") == SYNTAX


def test_zmpop(r, call, encoding):
    mk(r, "z", encoding, {"a": 1, "b": 2, "c": 3})
    assert call("ZMPOP", "2", "nokey", "z", "MAX", "COUNT", "2") == [b"z", [[b"c", b"3"], [b"b", b"2"]]]
    assert call("ZMPOP", "1", "z", "MIN") == [b"z", [[b"a", b"1"]]]
    assert call("EXISTS", "z") == 0
    assert call("ZMPOP", "1", "z", "MIN") is None
    assert call.err("ZMPOP", "0", "z", "MIN") == "ERR numkeys should be greater than 0"
    assert call.err("ZMPOP", "1", "z", "FOO") == SYNTAX
    assert call.err("ZMPOP", "1", "z", "MIN", "COUNT", "0") == "ERR count should be greater than 0"
    assert call.err("ZMPOP", "1", "z", "MIN", "COUNT", "1", "COUNT", "2") == SYNTAX


def test_zrandmember(r, call, encoding):
    mk(r, "z", encoding, {"m%d" % i: i for i in range(30)})
    full = {"m%d" % i for i in range(30)}
    assert r.zrandmember("z") in full
    for count in (1, 5, 10, 29, 30, 50):
        got = r.zrandmember("z", count)
        assert len(got) == min(count, 30) and len(set(got)) == len(got) and set(got) <= full
    got = r.zrandmember("z", -100)
    assert len(got) == 100 and set(got) <= full
    got = call("ZRANDMEMBER", "z", "3", "WITHSCORES")
    assert len(got) == 6
    for m, s in zip(got[::2], got[1::2]):
        assert int(m[1:]) == int(s)
    assert r.zrandmember("nokey") is None
    assert call("ZRANDMEMBER", "nokey", "3") == []
    assert call("ZRANDMEMBER", "z", "0") == []
    assert call.err("ZRANDMEMBER", "z", "1", "WITHSCORE") == SYNTAX
    assert call.err("ZRANDMEMBER", "z", "x") == NOTINT


def test_zunion_zinter_zdiff(r, call, encoding):
    mk(r, "a", encoding, {"x": 1, "y": 2})
    mk(r, "b", encoding, {"y": 3, "z": 4})
    r.sadd("s", "x", "z", "w")
    assert call("ZUNION", "3", "a", "b", "s", "WITHSCORES") == \
        [b"w", b"1", b"x", b"2", b"y", b"5", b"z", b"5"]
    assert call("ZINTER", "2", "a", "b", "WITHSCORES") == [b"y", b"5"]
    assert call("ZINTER", "2", "a", "s", "AGGREGATE", "MAX", "WITHSCORES") == [b"x", b"1"]
    assert call("ZUNION", "2", "a", "b", "WEIGHTS", "2", "3", "AGGREGATE", "MIN", "WITHSCORES") == \
        [b"x", b"2", b"y", b"4", b"z", b"12"]
    assert call("ZDIFF", "2", "a", "b", "WITHSCORES") == [b"x", b"1"]
    assert call("ZDIFF", "2", "s", "a") == [b"w", b"z"]
    assert call("ZINTER", "2", "a", "nokey") == []
    assert call("ZUNION", "2", "a", "nokey") == [b"x", b"y"]
    assert call.err("ZUNION", "0", "a") == "ERR at least 1 input key is needed for 'zunion' command"
    assert call.err("ZUNION", "x", "a") == NOTINT
    assert call.err("ZUNION", "3", "a", "b") == SYNTAX
    assert call.err("ZUNION", "1", "a", "WEIGHTS", "x") == "ERR weight value is not a float"
    assert call.err("ZUNION", "1", "a", "AGGREGATE", "avg") == SYNTAX
    assert call.err("ZDIFF", "1", "a", "WEIGHTS", "1") == SYNTAX
    call("SET", "str", "v")
    assert call.err("ZUNION", "2", "a", "str") == WRONGTYPE


def test_zunion_sums_smallest_input_first(r, call):
    # The inputs are summed smallest first (as Redis): inf - inf is NaN -> 0,
    # then the set's 0.5 is added; in argument order member 3 would end at 0.
    r.zadd("z", {"3": float("inf"), "c": 1})
    r.sadd("s", "0", "3", "8")
    assert call("ZUNION", "3", "z", "s", "z", "WEIGHTS", "-1", "0.5", "1", "WITHSCORES") == \
        [b"c", b"0", b"0", b"0.5", b"3", b"0.5", b"8", b"0.5"]
    assert call("ZUNIONSTORE", "d", "3", "z", "s", "z", "WEIGHTS", "-1", "0.5", "1") == 4
    assert call("ZSCORE", "d", "3") == b"0.5"


def test_store_forms(r, call):
    r.zadd("a", {"x": 1, "y": 2})
    r.zadd("b", {"y": 3, "z": 4})
    assert call("ZUNIONSTORE", "d", "2", "a", "b") == 3
    assert r.zrange("d", 0, -1, withscores=True) == [("x", 1), ("z", 4), ("y", 5)]
    assert r.object("encoding", "d") == "listpack"
    assert call("ZINTERSTORE", "d", "2", "a", "b", "WEIGHTS", "1", "-1") == 1
    assert r.zrange("d", 0, -1, withscores=True) == [("y", -1)]
    assert call("ZDIFFSTORE", "d", "2", "a", "b") == 1
    assert call("ZDIFFSTORE", "d", "1", "nokey") == 0
    assert r.exists("d") == 0
    assert call("ZUNIONSTORE", "a", "2", "a", "a") == 2
    assert r.zrange("a", 0, -1, withscores=True) == [("x", 2), ("y", 4)]
    assert call.err("ZUNIONSTORE", "d", "1", "a", "WITHSCORES") == SYNTAX
    assert call.err("ZUNIONSTORE", "d", "0", "a") == \
        "ERR at least 1 input key is needed for 'zunionstore' command"
    # inf * 0 weight gives 0, inf + -inf gives 0 in SUM
    r.zadd("i", {"m": float("inf")})
    r.zadd("j", {"m": float("-inf")})
    assert call("ZUNIONSTORE", "d", "2", "i", "j") == 1
    assert call("ZSCORE", "d", "m") == b"0"
    assert call("ZUNIONSTORE", "d", "1", "i", "WEIGHTS", "0") == 1
    assert call("ZSCORE", "d", "m") == b"0"
    big = {"m%d" % i: i for i in range(200)}
    r.zadd("big", big)
    assert call("ZUNIONSTORE", "d", "1", "big") == 200
    assert r.object("encoding", "d") == "skiplist"


def test_zintercard(r, call):
    r.zadd("a", {"m%d" % i: i for i in range(20)})
    r.sadd("s", *["m%d" % i for i in range(10, 30)])
    assert call("ZINTERCARD", "2", "a", "s") == 10
    assert call("ZINTERCARD", "2", "a", "s", "LIMIT", "4") == 4
    assert call("ZINTERCARD", "2", "a", "nokey") == 0
    assert call.err("ZINTERCARD", "0", "a") == \
        "ERR at least 1 input key is needed for 'zintercard' command"
    assert call.err("ZINTERCARD", "2", "a") == SYNTAX
    assert call.err("ZINTERCARD", "1", "a", "LIMIT", "-1") == "ERR LIMIT can't be negative"
    assert call.err("ZINTERCARD", "1", "a", "WITHSCORES") == SYNTAX


def test_zscan(r, call, encoding):
    members = {"m%d" % i: i for i in range(300 if encoding == "skiplist" else 50)}
    mk(r, "z", encoding, members)
    got = dict(r.zscan_iter("z", count=10))
    assert got == {k: float(v) for k, v in members.items()}
    got = dict(r.zscan_iter("z", match="m1*"))
    assert set(got) == {k for k in members if k.startswith("m1")}
    assert call.err("ZSCAN", "z", "x") == "ERR invalid cursor"
    assert call("ZSCAN", "nokey", "0") == [b"0", []]


def test_wrongtype(call):
    call("SET", "str", "x")
    for cmd in (("ZADD", "str", "1", "a"), ("ZCARD", "str"), ("ZSCORE", "str", "a"),
                ("ZRANGE", "str", "0", "1"), ("ZRANK", "str", "a"), ("ZPOPMIN", "str"),
                ("ZREM", "str", "a"), ("ZCOUNT", "str", "0", "1"), ("ZSCAN", "str", "0"),
                ("ZINCRBY", "str", "1", "a"), ("ZRANDMEMBER", "str"),
                ("ZREMRANGEBYRANK", "str", "0", "1"), ("ZMPOP", "1", "str", "MIN")):
        assert call.err(*cmd) == WRONGTYPE, cmd


def test_resp3_shapes(raw):
    raw.call("HELLO", "3")
    raw.call("ZADD", "z", "1", "a", "2.5", "b")

    def q(*args):
        raw.send_cmd(*args)
        return raw.read_reply_bytes()

    assert q("ZSCORE", "z", "b") == b",2.5\r\n"
    assert q("ZSCORE", "z", "nope") == b"_\r\n"
    assert q("ZRANGE", "z", "0", "-1", "WITHSCORES") == \
        b"*2\r\n*2\r\n$1\r\na\r\n,1\r\n*2\r\n$1\r\nb\r\n,2.5\r\n"
    assert q("ZUNION", "1", "z", "WITHSCORES") == \
        b"*2\r\n*2\r\n$1\r\na\r\n,1\r\n*2\r\n$1\r\nb\r\n,2.5\r\n"
    assert q("ZSCAN", "z", "0") == b"*2\r\n$1\r\n0\r\n*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$3\r\n2.5\r\n"
    assert q("ZADD", "z", "INCR", "1", "a") == b",2\r\n"
    assert q("ZPOPMIN", "z") == b"*2\r\n$1\r\na\r\n,2\r\n"
    raw.call("ZADD", "z", "1", "a")
    assert q("ZPOPMIN", "z", "1") == b"*1\r\n*2\r\n$1\r\na\r\n,1\r\n"
    assert q("ZMPOP", "1", "z", "MAX") == b"*2\r\n$1\r\nz\r\n*1\r\n*2\r\n$1\r\nb\r\n,2.5\r\n"
    assert q("ZMPOP", "1", "z", "MAX") == b"_\r\n"


def test_many_members_order(r):
    import random
    rnd = random.Random(7)
    scores = {"m%d" % i: rnd.randint(-1000, 1000) / 4 for i in range(2000)}
    r.zadd("z", scores)
    expect = sorted(scores.items(), key=lambda kv: (kv[1], kv[0]))
    assert r.zrange("z", 0, -1, withscores=True) == [(k, v) for k, v in expect]
    for k in list(scores)[:50]:
        assert r.zrank("z", k) == expect.index((k, scores[k]))
    assert r.zcount("z", -100, 100) == sum(1 for v in scores.values() if -100 <= v <= 100)


def test_option_errors_after_key_checks(call):
    # ZINTERCARD looks its keys up (WRONGTYPE) before it parses LIMIT
    call("SET", "str", "x")
    assert call.err("ZINTERCARD", "1", "str", "LIMIT", "-1") == WRONGTYPE
    assert call.err("ZINTERCARD", "1", "str", "BAR") == WRONGTYPE
    call("ZADD", "z", "1", "a", "2", "b")
    assert call("ZINTERCARD", "1", "z", "LIMIT", "1", "LIMIT", "0") == 2
    # ZMPOP checks COUNT's value as it reads it, before a later syntax error
    assert call.err("ZMPOP", "1", "z", "MIN", "COUNT", "0", "y") == "ERR count should be greater than 0"
    assert call.err("ZMPOP", "1", "z", "MIN", "COUNT", "x", "y") == "ERR count should be greater than 0"
    assert call.err("ZMPOP", "1", "z", "MIN", "COUNT", "1", "y") == SYNTAX
    # ZRANDMEMBER: the count, then the syntax, then the WITHSCORES range, then the key
    assert call.err("ZRANDMEMBER", "z", "x", "FOO") == NOTINT
    assert call.err("ZRANDMEMBER", "nokey", "9223372036854775807", "WITHSCORES") == \
        "ERR value is out of range"
    assert call.err("ZRANDMEMBER", "str", "-4611686018427387904", "WITHSCORES") == \
        "ERR value is out of range"
    assert call.err("ZRANDMEMBER", "str", "-9223372036854775808", "FOO") == \
        "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"


def test_zinter_nan_weight(call):
    # inf * 0 in a later input is aggregated as NaN: SUM turns it into 0,
    # MIN/MAX keep the first score
    call("ZADD", "z", "inf", "a")
    assert call("ZINTER", "2", "z", "z", "WEIGHTS", "1", "0", "WITHSCORES") == [b"a", b"0"]
    assert call("ZINTER", "2", "z", "z", "WEIGHTS", "0", "1", "WITHSCORES") == [b"a", b"inf"]
    assert call("ZINTER", "2", "z", "z", "WEIGHTS", "1", "0", "AGGREGATE", "MIN", "WITHSCORES") == \
        [b"a", b"inf"]
    assert call("ZINTERSTORE", "d", "2", "z", "z", "WEIGHTS", "1", "0") == 1
    assert call("ZSCORE", "d", "a") == b"0"


def test_float_with_nul_is_invalid(call):
    call("ZADD", "z", "1", "a")
    assert call.err("ZADD", "z", b"1\x002", "b") == NOTFLOAT
    assert call.err("ZADD", "z", b"\x00", "b") == NOTFLOAT
    assert call.err("ZINCRBY", "z", b"1\x002", "a") == NOTFLOAT
    assert call.err("ZINCRBY", "z", "\x0b1", "a") == NOTFLOAT
    assert call.err("ZUNION", "1", "z", "WEIGHTS", b"1\x00") == "ERR weight value is not a float"
    assert call("ZINCRBY", "z", "1." + "0" * 300, "a") == b"2"


def test_zscan_cursor_parse(call):
    call("ZADD", "z", "1", "a")
    assert call("ZSCAN", "z", "") == [b"0", [b"a", b"1"]]
    assert call("ZSCAN", "z", "0" * 100) == [b"0", [b"a", b"1"]]
    assert call.err("ZSCAN", "z", " 0") == "ERR invalid cursor"
    assert call.err("ZSCAN", "z", "\t0") == "ERR invalid cursor"
