"""Stream commands (Redis tests/unit/type/stream*.tcl): XADD ID rules and
trimming, ranges with exclusive bounds, XDEL/XTRIM bookkeeping, XREAD, consumer
groups (XREADGROUP, XACK, XPENDING, XCLAIM, XAUTOCLAIM), XINFO and XSETID, with
Redis 7.0's exact error texts."""
import pytest
import redis

from helpers import RawConn

pytestmark = pytest.mark.needs_types

INVALID_ID = "Invalid stream ID specified as stream command argument"
TOP_ITEM = "The ID specified in XADD is equal or smaller than the target stream top item"


def err(fn, *a):
    with pytest.raises(redis.ResponseError) as e:
        fn(*a)
    return str(e.value)


def x(r, *args):
    """The raw reply (redis-py reshapes X* replies; these tests check Redis's)."""
    r.response_callbacks.clear()
    return r.execute_command(*args)


def test_xadd_ids_and_errors(r):
    assert x(r, "XADD", "s", "1-1", "f", "v") == "1-1"
    assert x(r, "XADD", "s", "1-*", "f", "v") == "1-2"
    assert x(r, "XADD", "s", "5", "f", "v") == "5-0"
    assert TOP_ITEM in err(x, r, "XADD", "s", "5-0", "f", "v")
    assert TOP_ITEM in err(x, r, "XADD", "s", "4-*", "f", "v")
    assert "must be greater than 0-0" in err(x, r, "XADD", "t", "0-0", "f", "v")
    assert "must be greater than 0-0" in err(x, r, "XADD", "t", "0", "f", "v")
    assert x(r, "XADD", "t", "0-*", "f", "v") == "0-1"
    assert INVALID_ID in err(x, r, "XADD", "s", "1-x", "f", "v")
    assert "wrong number of arguments for 'xadd'" in err(x, r, "XADD", "s", "*", "f")
    auto = x(r, "XADD", "s", "*", "a", "1")
    ms, seq = auto.split("-")
    assert int(ms) > 5
    assert x(r, "XADD", "nokey", "NOMKSTREAM", "*", "a", "b") is None
    assert r.exists("nokey") == 0
    assert x(r, "XLEN", "s") == 4
    assert x(r, "XLEN", "missing") == 0
    assert x(r, "TYPE", "s") == "stream"
    assert x(r, "OBJECT", "ENCODING", "s") == "stream"
    r.set("str", "x")
    assert "WRONGTYPE" in err(x, r, "XADD", "str", "*", "a", "b")
    x(r, "XSETID", "u", "1-1") if r.exists("u") else None
    x(r, "XADD", "max", "18446744073709551615-18446744073709551615", "a", "b")
    assert "exhausted the last possible ID" in err(x, r, "XADD", "max", "*", "a", "b")


def test_xadd_trim_options(r):
    for i in range(1, 11):
        x(r, "XADD", "s", "%d-0" % i, "f", str(i))
    assert x(r, "XADD", "s", "MAXLEN", "5", "11-0", "f", "v") == "11-0"
    assert x(r, "XLEN", "s") == 5
    assert x(r, "XRANGE", "s", "-", "+")[0][0] == "7-0"
    x(r, "XADD", "s", "MINID", "=", "9", "12-0", "f", "v")
    assert x(r, "XRANGE", "s", "-", "+")[0][0] == "9-0"
    assert "not compatible" in err(x, r, "XADD", "s", "MAXLEN", "1", "MINID", "1", "*", "f", "v")
    assert "The MAXLEN argument must be >= 0." in err(x, r, "XADD", "s", "MAXLEN", "-1", "*", "f", "v")
    assert "LIMIT cannot be used without the special ~ option" in err(
        x, r, "XADD", "s", "MAXLEN", "1", "LIMIT", "5", "*", "f", "v")
    assert "The LIMIT argument must be >= 0." in err(
        x, r, "XADD", "s", "MAXLEN", "~", "1", "LIMIT", "-5", "*", "f", "v")
    # approximate trimming keeps whole nodes
    r.config_set("stream-node-max-entries", 10)
    try:
        for i in range(100):
            x(r, "XADD", "big", "*", "f", i)
        x(r, "XADD", "big", "MAXLEN", "~", "55", "*", "f", "v")
        assert x(r, "XLEN", "big") == 61
        assert x(r, "XTRIM", "big", "MAXLEN", "~", "55", "LIMIT", "5") == 0
        assert x(r, "XTRIM", "big", "MAXLEN", "55") == 6
    finally:
        r.config_set("stream-node-max-entries", 100)


def test_xrange_xrevrange(r):
    for i in range(1, 6):
        x(r, "XADD", "s", "%d-1" % i, "f", "v%d" % i, "g", "w")
    ids = lambda rep: [e[0] for e in rep]
    assert ids(x(r, "XRANGE", "s", "-", "+")) == ["1-1", "2-1", "3-1", "4-1", "5-1"]
    assert x(r, "XRANGE", "s", "1-1", "1-1") == [["1-1", ["f", "v1", "g", "w"]]]
    assert ids(x(r, "XRANGE", "s", "(2-1", "4")) == ["3-1", "4-1"]
    assert ids(x(r, "XRANGE", "s", "2", "(4-1")) == ["2-1", "3-1"]
    assert ids(x(r, "XRANGE", "s", "-", "+", "COUNT", "2")) == ["1-1", "2-1"]
    assert x(r, "XRANGE", "s", "-", "+", "COUNT", "0") is None
    assert ids(x(r, "XREVRANGE", "s", "+", "-", "COUNT", "2")) == ["5-1", "4-1"]
    assert ids(x(r, "XREVRANGE", "s", "(5-1", "(1-1")) == ["4-1", "3-1", "2-1"]
    assert x(r, "XRANGE", "missing", "-", "+") == []
    assert INVALID_ID in err(x, r, "XRANGE", "s", "(-", "+")
    assert INVALID_ID in err(x, r, "XRANGE", "s", "x", "+")
    assert "invalid end ID for the interval" in err(x, r, "XRANGE", "s", "-", "(0-0")
    assert "syntax error" in err(x, r, "XRANGE", "s", "-", "+", "COUNT")


def test_xdel_and_metadata(r):
    for i in range(1, 4):
        x(r, "XADD", "s", "%d-0" % i, "f", "v")
    assert x(r, "XDEL", "s", "1-0", "9-9") == 1
    assert x(r, "XDEL", "missing", "1-0") == 0
    assert INVALID_ID in err(x, r, "XDEL", "s", "bad")
    info = x(r, "XINFO", "STREAM", "s")
    d = dict(zip(info[::2], info[1::2]))
    assert d["length"] == 2
    assert d["max-deleted-entry-id"] == "1-0"
    assert d["recorded-first-entry-id"] == "2-0"
    assert d["entries-added"] == 3
    assert d["last-generated-id"] == "3-0"
    assert d["first-entry"] == ["2-0", ["f", "v"]]
    assert d["last-entry"] == ["3-0", ["f", "v"]]
    x(r, "XDEL", "s", "2-0", "3-0")
    assert r.exists("s") == 1          # an empty stream stays
    info = x(r, "XINFO", "STREAM", "s")
    d = dict(zip(info[::2], info[1::2]))
    assert d["length"] == 0 and d["first-entry"] is None
    assert d["recorded-first-entry-id"] == "0-0"


def test_xtrim_errors(r):
    x(r, "XADD", "s", "1-0", "f", "v")
    assert "wrong number of arguments" in err(x, r, "XTRIM", "s")
    assert "syntax error" in err(x, r, "XTRIM", "s", "FOO", "1")
    assert x(r, "XTRIM", "missing", "MAXLEN", "0") == 0
    assert x(r, "XTRIM", "s", "MINID", "2") == 1


def test_xsetid(r):
    x(r, "XADD", "s", "5-0", "f", "v")
    assert "smaller than the target stream top item" in err(x, r, "XSETID", "s", "4-0")
    assert "smaller than the target stream length" in err(
        x, r, "XSETID", "s", "6-0", "ENTRIESADDED", "0")
    assert "smaller than the provided max_deleted_entry_id" in err(
        x, r, "XSETID", "s", "6-0", "MAXDELETEDID", "7-0")
    assert "no such key" in err(x, r, "XSETID", "missing", "1-0")
    assert x(r, "XSETID", "s", "10-0", "ENTRIESADDED", "9", "MAXDELETEDID", "3-0") is True or True
    assert TOP_ITEM in err(x, r, "XADD", "s", "10-0", "f", "v")
    assert x(r, "XADD", "s", "10-*", "f", "v") == "10-1"


def test_xread(r):
    x(r, "XADD", "a", "1-0", "f", "1")
    x(r, "XADD", "a", "2-0", "f", "2")
    x(r, "XADD", "b", "3-0", "g", "3")
    rep = x(r, "XREAD", "COUNT", "1", "STREAMS", "a", "b", "0", "0")
    assert rep == [["a", [["1-0", ["f", "1"]]]], ["b", [["3-0", ["g", "3"]]]]]
    assert x(r, "XREAD", "STREAMS", "a", "b", "$", "$") is None
    assert x(r, "XREAD", "STREAMS", "a", "missing", "1-0", "0") == [["a", [["2-0", ["f", "2"]]]]]
    # BLOCK parses; with data it returns it, without it times out (nil)
    assert x(r, "XREAD", "BLOCK", "10", "STREAMS", "a", "0")[0][0] == "a"
    assert x(r, "XREAD", "BLOCK", "10", "STREAMS", "a", "$") is None
    assert "Unbalanced XREAD list" in err(x, r, "XREAD", "STREAMS", "a", "b", "0")
    assert "only supported by XREADGROUP" in err(x, r, "XREAD", "GROUP", "g", "c", "STREAMS", "a", "0")
    assert "The > ID can be specified only" in err(x, r, "XREAD", "STREAMS", "a", ">")
    assert "timeout is negative" in err(x, r, "XREAD", "BLOCK", "-1", "STREAMS", "a", "0")
    assert "syntax error" in err(x, r, "XREAD", "COUNT", "1", "a", "0")


def test_xread_resp3_is_a_map(shared_server, r):
    x(r, "XADD", "a", "1-0", "f", "1")
    conn = RawConn(shared_server.host, shared_server.port)
    conn.call("HELLO", "3")
    conn.send(b"*4\r\n$5\r\nXREAD\r\n$7\r\nSTREAMS\r\n$1\r\na\r\n$1\r\n0\r\n")
    assert conn.recv_line().rstrip(b"\r\n") == b"%1"
    conn.close()


def test_groups_create_setid_destroy(r):
    assert "requires the key to exist" in err(x, r, "XGROUP", "CREATE", "s", "g", "$")
    assert x(r, "XGROUP", "CREATE", "s", "g", "$", "MKSTREAM") in ("OK", True)
    assert x(r, "XLEN", "s") == 0
    assert "BUSYGROUP Consumer Group name already exists" in err(x, r, "XGROUP", "CREATE", "s", "g", "0")
    assert "ENTRIESREAD must be positive or -1" in err(
        x, r, "XGROUP", "CREATE", "s", "g2", "0", "ENTRIESREAD", "-2")
    assert "No such consumer group 'nog' for key name 's'" in err(
        x, r, "XGROUP", "SETID", "s", "nog", "0")
    assert x(r, "XGROUP", "CREATECONSUMER", "s", "g", "c1") == 1
    assert x(r, "XGROUP", "CREATECONSUMER", "s", "g", "c1") == 0
    assert x(r, "XGROUP", "DELCONSUMER", "s", "g", "nobody") == 0
    assert x(r, "XGROUP", "DESTROY", "s", "g") == 1
    assert x(r, "XGROUP", "DESTROY", "s", "g") == 0
    assert "unknown subcommand" in err(x, r, "XGROUP", "FOO", "s")


def test_xreadgroup_pel_ack(r):
    for i in range(1, 4):
        x(r, "XADD", "s", "%d-0" % i, "f", str(i))
    x(r, "XGROUP", "CREATE", "s", "g", "0")
    rep = x(r, "XREADGROUP", "GROUP", "g", "alice", "COUNT", "2", "STREAMS", "s", ">")
    assert [e[0] for e in rep[0][1]] == ["1-0", "2-0"]
    rep = x(r, "XREADGROUP", "GROUP", "g", "bob", "STREAMS", "s", ">")
    assert [e[0] for e in rep[0][1]] == ["3-0"]
    assert x(r, "XREADGROUP", "GROUP", "g", "bob", "STREAMS", "s", ">") is None
    # history: alice's own PEL
    rep = x(r, "XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", "0")
    assert [e[0] for e in rep[0][1]] == ["1-0", "2-0"]
    summary = x(r, "XPENDING", "s", "g")
    assert summary == [3, "1-0", "3-0", [["alice", "2"], ["bob", "1"]]]
    ext = x(r, "XPENDING", "s", "g", "-", "+", "10")
    assert [(e[0], e[1], e[3]) for e in ext] == [("1-0", "alice", 2), ("2-0", "alice", 2), ("3-0", "bob", 1)]
    assert x(r, "XPENDING", "s", "g", "-", "+", "10", "bob")[0][0] == "3-0"
    assert x(r, "XPENDING", "s", "g", "IDLE", "100000", "-", "+", "10") == []
    assert x(r, "XPENDING", "s", "g", "(1-0", "+", "1")[0][0] == "2-0"
    assert x(r, "XPENDING", "s", "g", "-", "+", "10", "nobody") == []
    assert "syntax error" in err(x, r, "XPENDING", "s", "g", "IDLE", "5", "-", "+")
    assert "NOGROUP No such key 's' or consumer group 'x'" in err(x, r, "XPENDING", "s", "x")
    assert x(r, "XACK", "s", "g", "1-0", "1-0", "9-0") == 1
    assert x(r, "XACK", "s", "nog", "1-0") == 0
    assert INVALID_ID in err(x, r, "XACK", "s", "g", "zz")
    # a deleted entry shows as a null in the history
    x(r, "XDEL", "s", "2-0")
    rep = x(r, "XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", "0")
    assert rep[0][1] == [["2-0", None]]
    assert "NOGROUP No such key 's' or consumer group 'zz' in XREADGROUP with GROUP option" in err(
        x, r, "XREADGROUP", "GROUP", "zz", "c", "STREAMS", "s", ">")
    assert "The $ ID is meaningless" in err(x, r, "XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", "$")
    assert "Missing GROUP option" in err(x, r, "XREADGROUP", "COUNT", "1", "COUNT", "1", "STREAMS", "s", ">")
    # NOACK does not fill the PEL
    x(r, "XADD", "s", "4-0", "f", "4")
    x(r, "XREADGROUP", "GROUP", "g", "carol", "NOACK", "STREAMS", "s", ">")
    assert x(r, "XPENDING", "s", "g")[0] == 2
    assert x(r, "XGROUP", "DELCONSUMER", "s", "g", "alice") == 1


def test_xinfo_groups_consumers_lag(r):
    for i in range(1, 6):
        x(r, "XADD", "s", "%d-0" % i, "f", str(i))
    x(r, "XGROUP", "CREATE", "s", "g", "0")
    x(r, "XGROUP", "CREATE", "s", "a", "$")
    x(r, "XREADGROUP", "GROUP", "g", "c", "COUNT", "2", "STREAMS", "s", ">")
    groups = [dict(zip(g[::2], g[1::2])) for g in x(r, "XINFO", "GROUPS", "s")]
    assert [g["name"] for g in groups] == ["a", "g"]
    assert groups[0]["entries-read"] is None and groups[0]["lag"] == 0
    assert groups[1]["entries-read"] == 2 and groups[1]["lag"] == 3
    assert groups[1]["pending"] == 2 and groups[1]["consumers"] == 1
    assert groups[1]["last-delivered-id"] == "2-0"
    cons = [dict(zip(c[::2], c[1::2])) for c in x(r, "XINFO", "CONSUMERS", "s", "g")]
    assert cons[0]["name"] == "c" and cons[0]["pending"] == 2 and cons[0]["idle"] >= 0
    assert "No such consumer group 'zz' for key name 's'" in err(x, r, "XINFO", "CONSUMERS", "s", "zz")
    assert "no such key" in err(x, r, "XINFO", "STREAM", "missing")
    # deleting ahead of the group makes the lag unknown
    x(r, "XDEL", "s", "4-0")
    groups = [dict(zip(g[::2], g[1::2])) for g in x(r, "XINFO", "GROUPS", "s")]
    assert groups[1]["lag"] is None
    full = x(r, "XINFO", "STREAM", "s", "FULL", "COUNT", "1")
    d = dict(zip(full[::2], full[1::2]))
    assert d["entries"] == [["1-0", ["f", "1"]]]
    g = dict(zip(d["groups"][1][::2], d["groups"][1][1::2]))
    assert g["pel-count"] == 2 and len(g["pending"]) == 1
    c = dict(zip(g["consumers"][0][::2], g["consumers"][0][1::2]))
    assert c["name"] == "c" and c["pel-count"] == 2


def test_xclaim(r):
    for i in range(1, 4):
        x(r, "XADD", "s", "%d-0" % i, "f", str(i))
    x(r, "XGROUP", "CREATE", "s", "g", "0")
    x(r, "XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", ">")
    rep = x(r, "XCLAIM", "s", "g", "bob", "0", "1-0", "2-0")
    assert [e[0] for e in rep] == ["1-0", "2-0"]
    ext = x(r, "XPENDING", "s", "g", "-", "+", "10")
    assert [(e[0], e[1], e[3]) for e in ext] == [("1-0", "bob", 2), ("2-0", "bob", 2), ("3-0", "alice", 1)]
    assert x(r, "XCLAIM", "s", "g", "carol", "0", "3-0", "JUSTID") == ["3-0"]
    assert x(r, "XPENDING", "s", "g", "3-0", "3-0", "1")[0][3] == 1
    assert x(r, "XCLAIM", "s", "g", "carol", "3600000", "1-0") == []
    x(r, "XCLAIM", "s", "g", "carol", "0", "1-0", "IDLE", "5000", "RETRYCOUNT", "7")
    e = x(r, "XPENDING", "s", "g", "1-0", "1-0", "1")[0]
    assert e[1] == "carol" and e[2] >= 5000 and e[3] == 7
    # FORCE creates a PEL entry for an existing, non-pending entry
    x(r, "XACK", "s", "g", "2-0")
    assert x(r, "XCLAIM", "s", "g", "dave", "0", "2-0", "FORCE", "JUSTID") == ["2-0"]
    # a deleted entry is dropped from the PEL
    x(r, "XDEL", "s", "3-0")
    assert x(r, "XCLAIM", "s", "g", "dave", "0", "3-0") == []
    assert x(r, "XPENDING", "s", "g")[0] == 2
    x(r, "XCLAIM", "s", "g", "dave", "0", "1-0", "LASTID", "9-0")
    g = dict(zip(*[iter(x(r, "XINFO", "GROUPS", "s")[0])] * 2))
    assert g["last-delivered-id"] == "9-0"
    assert "Invalid min-idle-time argument for XCLAIM" in err(x, r, "XCLAIM", "s", "g", "c", "x", "1-0")
    assert "Unrecognized XCLAIM option 'foo'" in err(x, r, "XCLAIM", "s", "g", "c", "0", "1-0", "foo")
    assert "Invalid IDLE option argument for XCLAIM" in err(
        x, r, "XCLAIM", "s", "g", "c", "0", "1-0", "IDLE", "x")
    assert "NOGROUP No such key 's' or consumer group 'zz'" in err(x, r, "XCLAIM", "s", "zz", "c", "0", "1-0")


def test_xautoclaim(r):
    for i in range(1, 6):
        x(r, "XADD", "s", "%d-0" % i, "f", str(i))
    x(r, "XGROUP", "CREATE", "s", "g", "0")
    x(r, "XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", ">")
    x(r, "XDEL", "s", "2-0")
    rep = x(r, "XAUTOCLAIM", "s", "g", "bob", "0", "0", "COUNT", "2")
    assert rep[0] == "3-0"       # the deleted 2-0 used up the count
    assert [e[0] for e in rep[1]] == ["1-0"]
    assert rep[2] == ["2-0"]
    rep = x(r, "XAUTOCLAIM", "s", "g", "bob", "0", rep[0], "JUSTID")
    assert rep == ["0-0", ["3-0", "4-0", "5-0"], []]
    assert x(r, "XPENDING", "s", "g")[3] == [["bob", "4"]]
    assert "COUNT must be > 0" in err(x, r, "XAUTOCLAIM", "s", "g", "c", "0", "0", "COUNT", "0")
    assert "Invalid min-idle-time argument for XAUTOCLAIM" in err(
        x, r, "XAUTOCLAIM", "s", "g", "c", "x", "0")
    assert "NOGROUP" in err(x, r, "XAUTOCLAIM", "s", "zz", "c", "0", "0")


def test_node_limits_and_many_entries(r):
    r.config_set("stream-node-max-entries", 3)
    try:
        for i in range(1, 40):
            x(r, "XADD", "s", "%d-0" % i, "f%d" % (i % 3), "v" * (i % 7))
        assert len(x(r, "XRANGE", "s", "-", "+")) == 39
        rev = x(r, "XREVRANGE", "s", "+", "-")
        assert [e[0] for e in rev] == ["%d-0" % i for i in range(39, 0, -1)]
        assert rev[0][1] == ["f0", "vvvv"]
        for i in range(1, 40, 2):
            x(r, "XDEL", "s", "%d-0" % i)
        assert [e[0] for e in x(r, "XRANGE", "s", "10", "15")] == ["10-0", "12-0", "14-0"]
        assert x(r, "XLEN", "s") == 19
    finally:
        r.config_set("stream-node-max-entries", 100)
