"""SET type (Redis tests/unit/type/set.tcl): encodings, every S* command,
errors, RESP3 reply types. Passes against redis-server 7.0 and petrel."""
import pytest

from helpers import Err

pytestmark = pytest.mark.needs_types

WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value"
SYNTAX = "ERR syntax error"
NOTINT = "ERR value is not an integer or out of range"


def enc(r, key):
    return r.object("encoding", key)


def test_sadd_intset_then_hashtable(r):
    assert r.sadd("s", 1, 2, 3) == 3
    assert enc(r, "s") == "intset"
    assert r.sadd("s", 3, 4) == 1
    assert r.sadd("s", "a") == 1
    assert enc(r, "s") == "hashtable"
    assert r.smembers("s") == {"1", "2", "3", "4", "a"}
    assert r.scard("s") == 5


@pytest.mark.parametrize("member", ["-0", "007", "+1", " 1", "1.0", "9223372036854775808"])
def test_non_canonical_ints_are_strings(r, member):
    r.sadd("s", member)
    assert enc(r, "s") == "hashtable"
    assert r.sismember("s", member)


def test_intset_limit(r):
    r.sadd("s", *range(512))
    assert enc(r, "s") == "intset"
    r.sadd("s", 512)
    assert enc(r, "s") == "hashtable"
    assert r.scard("s") == 513
    # a new set whose first member is not an integer starts as a hash table
    r.sadd("t", "x", 1)
    assert enc(r, "t") == "hashtable"


def test_sadd_sorted_intset_members(r):
    r.sadd("s", 5, -3, 70000, 2 ** 40)
    assert sorted(int(x) for x in r.smembers("s")) == [-3, 5, 70000, 2 ** 40]
    assert r.sismember("s", 70000) and r.sismember("s", 2 ** 40)
    assert not r.sismember("s", 6)


def test_srem_deletes_empty(r):
    r.sadd("s", 1, 2, "a")
    assert r.srem("s", 1, "zz") == 1
    assert r.srem("nokey", "x") == 0
    assert r.srem("s", 2, "a") == 2
    assert r.exists("s") == 0


def test_sismember_smismember(r):
    r.sadd("s", "a", "b")
    assert r.sismember("s", "a") is True
    assert r.sismember("s", "c") is False
    assert r.sismember("nokey", "a") is False
    assert r.execute_command("SMISMEMBER", "s", "a", "c", "b") == [1, 0, 1]
    assert r.execute_command("SMISMEMBER", "nokey", "a") == [0]


def test_wrongtype(call):
    call("SET", "str", "x")
    for cmd in (("SADD", "str", "a"), ("SREM", "str", "a"), ("SMEMBERS", "str"),
                ("SISMEMBER", "str", "a"), ("SCARD", "str"), ("SPOP", "str"),
                ("SRANDMEMBER", "str"), ("SINTER", "str"), ("SUNION", "str"),
                ("SDIFF", "str"), ("SSCAN", "str", "0"), ("SMOVE", "str", "x", "a"),
                ("SINTERCARD", "1", "str")):
        assert call.err(*cmd) == WRONGTYPE, cmd
    call("SADD", "s", "a")
    assert call.err("SMOVE", "s", "str", "a") == WRONGTYPE
    assert call.err("SINTERSTORE", "d", "s", "str") == WRONGTYPE


def test_spop(r, call):
    r.sadd("s", *range(10))
    got = set()
    for _ in range(10):
        got.add(r.spop("s"))
    assert got == {str(i) for i in range(10)}
    assert r.exists("s") == 0
    assert r.spop("s") is None
    assert call("SPOP", "nokey", "3") == []
    assert call.err("SPOP", "s", "-1") == "ERR value is out of range, must be positive"
    assert call.err("SPOP", "s", "1", "2") == SYNTAX


@pytest.mark.parametrize("members", [list(range(100)), ["m%d" % i for i in range(100)]])
@pytest.mark.parametrize("count", [0, 1, 10, 30, 90, 100, 150])
def test_spop_count(r, members, count):
    r.sadd("s", *members)
    popped = r.spop("s", count)
    assert len(popped) == min(count, 100)
    assert len(set(popped)) == len(popped)
    rest = r.smembers("s")
    assert rest.isdisjoint(popped)
    assert rest | set(popped) == {str(m) for m in members}
    if count >= 100:
        assert r.exists("s") == 0


@pytest.mark.parametrize("members", [list(range(50)), ["m%d" % i for i in range(50)]])
def test_srandmember(r, call, members):
    r.sadd("s", *members)
    full = {str(m) for m in members}
    assert r.srandmember("s") in full
    for count in (1, 5, 20, 40, 49, 50, 100):
        got = r.srandmember("s", count)
        assert len(got) == min(count, 50)
        assert len(set(got)) == len(got) and set(got) <= full
    got = r.srandmember("s", -200)
    assert len(got) == 200 and set(got) <= full
    assert r.srandmember("s", 0) == []
    assert r.scard("s") == 50
    assert r.srandmember("nokey") is None
    assert r.srandmember("nokey", 5) == []
    assert call.err("SRANDMEMBER", "s", "x") == NOTINT
    assert call.err("SRANDMEMBER", "s", "1", "2") == SYNTAX


def test_smove(r):
    r.sadd("a", 1, 2)
    r.sadd("b", "x")
    assert r.smove("a", "b", 1) is True
    assert r.smove("a", "b", 5) is False
    assert r.smembers("b") == {"1", "x"}
    assert r.smove("a", "c", 2) is True
    assert r.exists("a") == 0
    assert enc(r, "c") == "intset"
    assert r.smove("nokey", "c", 2) is False
    assert r.smove("c", "c", 2) is True
    assert r.smove("c", "c", 9) is False


def test_sinter_sunion_sdiff(r):
    r.sadd("a", 1, 2, 3, "x")
    r.sadd("b", 2, 3, 4, "x")
    r.sadd("c", 3, "x", "y")
    assert r.sinter("a", "b", "c") == {"3", "x"}
    assert r.sinter("a", "nokey") == set()
    assert r.sunion("a", "b", "nokey") == {"1", "2", "3", "4", "x"}
    assert r.sdiff("a", "b") == {"1"}
    assert r.sdiff("a", "nokey") == {"1", "2", "3", "x"}
    assert r.sdiff("nokey", "a") == set()
    assert r.sdiff("a", "a") == set()


def test_store_variants(r):
    r.sadd("a", 1, 2, 3)
    r.sadd("b", 2, 3, 4)
    assert r.sinterstore("d", "a", "b") == 2
    assert r.smembers("d") == {"2", "3"}
    assert enc(r, "d") == "intset"
    assert r.sunionstore("d", "a", "b") == 4
    assert r.smembers("d") == {"1", "2", "3", "4"}
    assert r.sdiffstore("d", "a", "b") == 1
    assert r.smembers("d") == {"1"}
    # destination among the sources
    assert r.sunionstore("a", "a", "b") == 4
    # empty result deletes the destination
    assert r.sinterstore("d", "a", "nokey") == 0
    assert r.exists("d") == 0
    r.set("d", "string")
    assert r.sdiffstore("d", "a", "a") == 0
    assert r.exists("d") == 0
    r.sadd("h", "x", "y")
    assert r.sunionstore("d", "h", "a") == 6
    assert enc(r, "d") == "hashtable"


def test_sintercard(r, call):
    r.sadd("a", *range(20))
    r.sadd("b", *range(10, 30))
    assert call("SINTERCARD", "2", "a", "b") == 10
    assert call("SINTERCARD", "2", "a", "b", "LIMIT", "3") == 3
    assert call("SINTERCARD", "2", "a", "b", "LIMIT", "0") == 10
    assert call("SINTERCARD", "2", "a", "nokey") == 0
    assert call.err("SINTERCARD", "0", "a") == "ERR numkeys should be greater than 0"
    assert call.err("SINTERCARD", "x", "a") == "ERR numkeys should be greater than 0"
    assert call.err("SINTERCARD", "3", "a", "b") == \
        "ERR Number of keys can't be greater than number of args"
    assert call.err("SINTERCARD", "2", "a", "b", "LIMIT", "-1") == "ERR LIMIT can't be negative"
    assert call.err("SINTERCARD", "2", "a", "b", "FOO") == SYNTAX


@pytest.mark.parametrize("members", [list(range(100)), ["m%d" % i for i in range(1000)]])
def test_sscan_full_iteration(r, members):
    r.sadd("s", *members)
    seen = set(r.sscan_iter("s", count=7))
    assert seen == {str(m) for m in members}
    seen = set(r.sscan_iter("s", match="*1", count=50))
    assert seen == {str(m) for m in members if str(m).endswith("1")}


def test_sscan_errors(r, call):
    r.sadd("s", "a")
    assert call.err("SSCAN", "s", "x") == "ERR invalid cursor"
    assert call("SSCAN", "s", "") == [b"0", [b"a"]]
    assert call.err("SSCAN", "s", " 0") == "ERR invalid cursor"
    assert call.err("SSCAN", "s", "0", "COUNT", "0") == SYNTAX
    assert call.err("SSCAN", "s", "0", "COUNT") == SYNTAX
    assert call.err("SSCAN", "s", "0", "COUNT", "x") == NOTINT
    assert call.err("SSCAN", "s", "0", "TYPE", "set") == SYNTAX
    assert call("SSCAN", "nokey", "0") == [b"0", []]
    assert call("SSCAN", "s", "0", "MATCH", "[a-c]") == [b"0", [b"a"]]


def test_resp3_types(raw):
    raw.call("HELLO", "3")
    raw.call("SADD", "s", "a")
    raw.send_cmd("SMEMBERS", "s")
    assert raw.read_reply_bytes() == b"~1\r\n$1\r\na\r\n"
    raw.send_cmd("SPOP", "s", "1")
    assert raw.read_reply_bytes() == b"~1\r\n$1\r\na\r\n"
    raw.call("SADD", "s", "a")
    raw.send_cmd("SRANDMEMBER", "s", "1")
    assert raw.read_reply_bytes() == b"*1\r\n$1\r\na\r\n"
    raw.send_cmd("SPOP", "nokey")
    assert raw.read_reply_bytes() == b"_\r\n"


def test_multi_key_across_slots(r):
    # keys spread over many slots (and shards in petrel): atomic multi-key ops
    keys = ["k%d" % i for i in range(16)]
    for i, k in enumerate(keys):
        r.sadd(k, "common", "only%d" % i)
    assert r.sinter(*keys) == {"common"}
    assert len(r.sunion(*keys)) == 17
    assert r.sunionstore("dst", *keys) == 17
    assert r.smove(keys[0], keys[1], "only0") is True
    assert r.sismember(keys[1], "only0")
