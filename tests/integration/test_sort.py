"""SORT and SORT_RO (Redis tests/unit/sort.tcl): numeric and ALPHA sorting,
BY (weights, hash fields, nosort), GET (#, keys, hash fields), LIMIT
clamping, DESC, STORE, the native order of lists and sorted sets under
BY nosort, errors, and patterns whose keys live on other shards.
Passes against redis-server 7.0 and petrel.

Redis 7.0 parses scores with strtod and never clears errno first: one
overflowing score ("1e400") makes every later numeric SORT of a string fail
on that process. The test that needs one starts its own server."""
import time

import pytest

pytestmark = pytest.mark.needs_types

WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value"
SYNTAX = "ERR syntax error"
NOTINT = "ERR value is not an integer or out of range"
NOTDOUBLE = "ERR One or more scores can't be converted into double"


def test_numeric_list_set_zset(call):
    call("RPUSH", "l", "3", "10", "-1", "2.5", "1")
    assert call("SORT", "l") == [b"-1", b"1", b"2.5", b"3", b"10"]
    assert call("SORT", "l", "DESC") == [b"10", b"3", b"2.5", b"1", b"-1"]
    call("SADD", "s", "5", "30", "4")
    assert call("SORT", "s") == [b"4", b"5", b"30"]
    call("ZADD", "z", "1", "30", "2", "4", "3", "5")
    assert call("SORT", "z") == [b"4", b"5", b"30"]
    assert call("SORT_RO", "z", "DESC") == [b"30", b"5", b"4"]


def test_alpha(call):
    call("RPUSH", "l", "b", "a", "10", "9", "C")
    assert call("SORT", "l", "ALPHA") == [b"10", b"9", b"C", b"a", b"b"]
    assert call("SORT", "l", "alpha", "desc") == [b"b", b"a", b"C", b"9", b"10"]
    assert call.err("SORT", "l") == NOTDOUBLE


def test_numeric_ties_break_on_bytes(call):
    call("RPUSH", "l", "2", "1", "2.0", "1.0", "01")
    assert call("SORT", "l") == [b"01", b"1", b"1.0", b"2", b"2.0"]
    assert call("SORT", "l", "DESC") == [b"2.0", b"2", b"1.0", b"1", b"01"]


@pytest.mark.parametrize("value,ok", [
    ("1.5", True), (" 2", True), ("0x10", True), ("", True), ("inf", True),
    ("-inf", True), ("+5", True), ("1e5", True), (".5", True), ("5.", True),
    ("\t7", True), ("3 ", False), ("nan", False), ("-nan", False), ("1_0", False),
    ("abc", False),
])
def test_score_parsing(call, value, ok):
    call("RPUSH", "l", value, "4")
    if ok:
        assert len(call("SORT", "l")) == 2
    else:
        assert call.err("SORT", "l") == NOTDOUBLE


def test_score_overflow_is_an_error(server_factory):
    # its own server: after an ERANGE Redis 7.0 keeps failing (stale errno)
    c = server_factory.start().client()
    c.rpush("l", "1e400", "1")
    with pytest.raises(Exception, match="converted into double"):
        c.sort("l")


def test_limit(call):
    call("RPUSH", "l", "3", "1", "2", "5", "4")
    assert call("SORT", "l", "LIMIT", "1", "2") == [b"2", b"3"]
    assert call("SORT", "l", "LIMIT", "1", "-1") == [b"2", b"3", b"4", b"5"]
    assert call("SORT", "l", "LIMIT", "-1", "1") == [b"1"]
    assert call("SORT", "l", "LIMIT", "1", "0") == []
    assert call("SORT", "l", "LIMIT", "5", "1") == []
    assert call("SORT", "l", "LIMIT", "3", "100") == [b"4", b"5"]
    assert call("SORT", "l", "LIMIT", "-9223372036854775808", "2") == [b"1", b"2"]
    assert call("SORT", "l", "LIMIT", "9223372036854775807", "9223372036854775807") == []
    assert call("SORT", "l", "LIMIT", "2", "9223372036854775807") == [b"3", b"4", b"5"]
    assert call("SORT", "l", "LIMIT", "0", "2", "LIMIT", "3", "1") == [b"4"]
    assert call.err("SORT", "l", "LIMIT", "9223372036854775808", "1") == NOTINT
    assert call.err("SORT", "l", "LIMIT", "0", "x") == NOTINT
    assert call.err("SORT", "l", "LIMIT", "0") == SYNTAX


def test_by_weights_and_get(call):
    call("RPUSH", "l", "a", "b", "c")
    call("MSET", "w_a", "3", "w_b", "1", "w_c", "2")
    call("HSET", "h_a", "f", "30")
    call("HSET", "h_b", "f", "10")
    assert call("SORT", "l", "BY", "w_*") == [b"b", b"c", b"a"]
    assert call("SORT", "l", "BY", "w_*", "DESC") == [b"a", b"c", b"b"]
    # missing hash weight = 0, then ties break on the element
    assert call("SORT", "l", "BY", "h_*->f") == [b"c", b"b", b"a"]
    assert call("SORT", "l", "BY", "h_*->f", "GET", "#", "GET", "h_*->f", "GET", "w_*",
                "GET", "nope_*", "GET", "constant") == [
        b"c", None, b"2", None, None,
        b"b", b"10", b"1", None, None,
        b"a", b"30", b"3", None, None]
    assert call("SORT_RO", "l", "BY", "w_*", "GET", "#") == [b"b", b"c", b"a"]


def test_by_alpha_weights(call):
    call("RPUSH", "l", "a", "b", "c")
    call("MSET", "w_a", "x", "w_b", "z")
    # a missing weight sorts first
    assert call("SORT", "l", "BY", "w_*", "ALPHA") == [b"c", b"a", b"b"]
    assert call("SORT", "l", "BY", "w_*", "ALPHA", "DESC") == [b"b", b"a", b"c"]
    assert call.err("SORT", "l", "BY", "w_*") == NOTDOUBLE


def test_pattern_edge_cases(call):
    call("RPUSH", "l", "a", "b")
    call("HSET", "h_a", "f->g", "deep")
    call("SET", "k_a->", "arrow")
    call("SET", "p_a_s", "mid")
    # field is everything after the first "->" following the '*'
    assert call("SORT", "l", "ALPHA", "GET", "h_*->f->g") == [b"deep", None]
    # "->" with nothing after it is part of the key name
    assert call("SORT", "l", "ALPHA", "GET", "k_*->") == [b"arrow", None]
    # "->" before the '*' is part of the key name too
    assert call("SORT", "l", "ALPHA", "GET", "h_->f*") == [None, None]
    assert call("SORT", "l", "ALPHA", "GET", "p_*_s") == [b"mid", None]


def test_wrong_type_pattern_keys_are_missing(call):
    call("RPUSH", "l", "a", "b", "c")
    call("MSET", "w_b", "1", "w_c", "2")
    call("RPUSH", "w_a", "x")              # a list: read as missing (weight 0)
    call("SET", "h_b", "str")              # not a hash: missing field
    assert call("SORT", "l", "BY", "w_*", "GET", "w_*") == [None, b"1", b"2"]
    assert call("SORT", "l", "ALPHA", "GET", "h_*->f") == [None, None, None]


def test_by_nosort_keeps_native_order(call):
    call("RPUSH", "l", "3", "1", "2", "10")
    assert call("SORT", "l", "BY", "nosort") == [b"3", b"1", b"2", b"10"]
    assert call("SORT", "l", "BY", "nosort", "DESC") == [b"10", b"2", b"1", b"3"]
    assert call("SORT", "l", "BY", "nosort", "LIMIT", "1", "5") == [b"1", b"2", b"10"]
    assert call("SORT", "l", "BY", "nosort", "LIMIT", "1", "2", "DESC") == [b"2", b"1"]
    assert call("SORT", "l", "BY", "nosort", "LIMIT", "5", "5", "DESC") == []
    # a constant BY stops sorting for good, even before a real pattern
    call("RPUSH", "x", "b", "a")
    assert call("SORT", "x", "BY", "nosort", "BY", "w_*") == [b"b", b"a"]


def test_by_nosort_sorted_set_order(call):
    call("ZADD", "z", "3", "a", "1", "b", "2", "c", "2", "d")
    assert call("SORT", "z", "BY", "nosort") == [b"b", b"c", b"d", b"a"]
    assert call("SORT", "z", "BY", "nosort", "DESC") == [b"a", b"d", b"c", b"b"]
    assert call("SORT", "z", "BY", "nosort", "DESC", "LIMIT", "1", "2") == [b"d", b"c"]
    assert call("SORT", "z", "BY", "nosort", "LIMIT", "4", "1") == []
    call("MSET", "w_a", "3", "w_b", "1")
    assert call("SORT", "z", "BY", "nosort", "GET", "#", "GET", "w_*") == [
        b"b", b"1", b"c", None, b"d", None, b"a", b"3"]
    assert call("SORT", "z", "ALPHA", "DESC") == [b"d", b"c", b"b", b"a"]
    # a big sorted set (skiplist encoded)
    call("ZADD", "big", *[x for i in range(200) for x in (str(i), "m%03d" % i)])
    assert call("SORT", "big", "BY", "nosort", "LIMIT", "198", "5") == [b"m198", b"m199"]
    assert call("SORT", "big", "BY", "nosort", "DESC", "LIMIT", "0", "2") == [b"m199", b"m198"]


def test_store(call):
    call("RPUSH", "l", "3", "1", "2")
    call("SET", "dst", "a string")
    call("EXPIRE", "dst", "100")
    assert call("SORT", "l", "STORE", "dst") == 3
    assert call("TYPE", "dst") == b"list"
    assert call("TTL", "dst") == -1
    assert call("LRANGE", "dst", "0", "-1") == [b"1", b"2", b"3"]
    assert call("OBJECT", "ENCODING", "dst") == b"quicklist"
    # missing GET values are stored as empty strings
    call("SET", "v_1", "one")
    assert call("SORT", "l", "GET", "v_*", "GET", "#", "STORE", "dst") == 6
    assert call("LRANGE", "dst", "0", "-1") == [b"one", b"1", b"", b"2", b"", b"3"]
    # the last STORE wins
    assert call("SORT", "l", "STORE", "d1", "STORE", "d2") == 3
    assert call("EXISTS", "d1", "d2") == 1
    # the source itself may be the destination
    assert call("SORT", "l", "DESC", "STORE", "l") == 3
    assert call("LRANGE", "l", "0", "-1") == [b"3", b"2", b"1"]


def test_store_empty_deletes_destination(call):
    call("SET", "dst", "x")
    assert call("SORT", "nokey", "STORE", "dst") == 0
    assert call("EXISTS", "dst") == 0
    call("RPUSH", "l", "1")
    call("SET", "dst", "x")
    assert call("SORT", "l", "LIMIT", "0", "0", "STORE", "dst") == 0
    assert call("EXISTS", "dst") == 0


def test_store_set_by_nosort_is_sorted_alpha(call):
    call("SADD", "s", "b", "a", "c", "10", "2")
    assert call("SORT", "s", "BY", "nosort", "STORE", "dst") == 5
    assert call("LRANGE", "dst", "0", "-1") == [b"10", b"2", b"a", b"b", b"c"]
    assert call("SORT", "s", "ALPHA", "DESC", "LIMIT", "1", "2") == [b"b", b"a"]


def test_missing_key_and_errors(call):
    assert call("SORT", "nokey") == []
    assert call("SORT", "nokey", "BY", "w_*", "GET", "#") == []
    call("SET", "str", "1")
    call("HSET", "h", "a", "1")
    assert call.err("SORT", "str") == WRONGTYPE
    assert call.err("SORT", "h", "BY", "nosort") == WRONGTYPE
    assert call.err("SORT_RO", "h") == WRONGTYPE
    # options are parsed before the type check
    assert call.err("SORT", "h", "foo") == SYNTAX
    assert call.err("SORT", "h", "LIMIT", "x", "1") == NOTINT
    call("RPUSH", "l", "1")
    for args in (("STORE",), ("BY",), ("GET",), ("LIMIT", "1"), ("ASC", "bogus")):
        assert call.err("SORT", "l", *args) == SYNTAX, args
    assert call.err("SORT_RO", "l", "STORE", "x") == SYNTAX
    assert call.err("SORT") == "ERR wrong number of arguments for 'sort' command"
    assert call("SORT", "l", "ASC", "DESC", "ASC", "Alpha") == [b"1"]


def test_command_getkeys(call):
    assert call("COMMAND", "GETKEYS", "SORT", "a", "BY", "b", "STORE", "c",
                "GET", "d", "STORE", "e") == [b"a", b"e"]
    assert call("COMMAND", "GETKEYS", "SORT", "a", "LIMIT", "0", "1", "STORE", "x") == [b"a", b"x"]
    assert call("COMMAND", "GETKEYS", "SORT_RO", "a", "GET", "b") == [b"a"]
    assert call("COMMAND", "GETKEYS", "SORT_RO", "a", "STORE", "b") == [b"a"]


def test_command_info(r):
    info = r.execute_command("COMMAND", "INFO", "sort", "sort_ro")
    assert info["sort"]["arity"] == -2
    assert set(info["sort"]["flags"]) == {"write", "denyoom", "movablekeys"}
    assert set(info["sort_ro"]["flags"]) == {"readonly", "movablekeys"}
    assert (info["sort"]["first_key_pos"], info["sort"]["last_key_pos"],
            info["sort"]["step_count"]) == (1, 1, 1)


def test_resp3(raw):
    raw.call("HELLO", "3")
    raw.call("RPUSH", "l", "b", "a")
    raw.send_cmd("SORT", "l", "ALPHA", "GET", "#", "GET", "nokey_*")
    assert raw.read_reply_bytes() == b"*4\r\n$1\r\na\r\n_\r\n$1\r\nb\r\n_\r\n"
    raw.send_cmd("SORT", "l", "ALPHA", "STORE", "d")
    assert raw.read_reply_bytes() == b":2\r\n"


def test_keyspace_events(shared_server, r):
    r.config_set("notify-keyspace-events", "KEA")
    p = shared_server.client().pubsub()
    try:
        p.psubscribe("__keyevent@0__:*")
        p.get_message(timeout=2)
        r.rpush("l", "2", "1")
        r.execute_command("SORT", "l", "STORE", "dst")
        r.execute_command("SORT", "nokey", "STORE", "dst")
        events = []
        deadline = time.time() + 2
        while time.time() < deadline and len(events) < 3:
            m = p.get_message(timeout=0.2)
            if m and m["type"] == "pmessage":
                events.append((m["channel"].split(":", 1)[1], m["data"]))
        # ("new" is not in class A)
        assert events == [("rpush", "l"), ("sortstore", "dst"), ("del", "dst")]
    finally:
        p.close()
        r.config_set("notify-keyspace-events", "")


def test_patterns_across_shards(r):
    # weights and GET keys spread over many slots (and shards in petrel)
    items = ["item%d" % i for i in range(40)]
    r.rpush("src", *items)
    for i, it in enumerate(items):
        r.set("weight:" + it, 40 - i)
        r.hset("obj:" + it, "name", "n%d" % i)
    got = r.sort("src", by="weight:*", get=["#", "obj:*->name"])
    want = []
    for i in reversed(range(40)):
        want += ["item%d" % i, "n%d" % i]
    assert got == want
    assert r.sort("src", by="weight:*", start=0, num=3, store="out") == 3
    assert r.lrange("out", 0, -1) == ["item39", "item38", "item37"]
    assert r.execute_command("SORT_RO", "src", "BY", "obj:*->name", "ALPHA", "LIMIT", "0", "2",
                             "GET", "weight:*") == ["40", "39"]


def test_store_to_other_keys_in_multi(r):
    r.rpush("a", "3", "1", "2")
    for k in ("b", "c", "d", "e", "f"):
        r.set("w_" + k, 1)
    p = r.pipeline(transaction=True)
    for dst in ("x1", "x2", "x3", "x4"):
        p.sort("a", store=dst)
    p.sort("a", by="w_*", get="#")
    assert p.execute() == [3, 3, 3, 3, ["1", "2", "3"]]
    assert [r.lrange(k, 0, -1) for k in ("x1", "x2", "x3", "x4")] == [["1", "2", "3"]] * 4


def test_alpha_collates_c_strings_but_store_compares_bytes(call):
    # Redis: ALPHA without STORE uses strcoll (a NUL ends the string: these
    # three tie and keep their order); with STORE it compares the bytes.
    call("RPUSH", "nul", b"a\x00z", b"a\x00b", b"a")
    assert call("SORT", "nul", "ALPHA") == [b"a\x00z", b"a\x00b", b"a"]
    assert call("SORT", "nul", "ALPHA", "STORE", "nuldst") == 3
    assert call("LRANGE", "nuldst", "0", "-1") == [b"a", b"a\x00b", b"a\x00z"]


def test_sort_converts_a_listpack_zset_like_redis(call):
    call("ZADD", "zs", "1", "a", "2", "b")
    assert call("OBJECT", "ENCODING", "zs") == b"listpack"
    assert call("SORT", "zs", "ALPHA") == [b"a", b"b"]
    assert call("OBJECT", "ENCODING", "zs") == b"skiplist"
    call("ZADD", "zs2", "1", "a")
    call("SORT_RO", "zs2", "BY", "nosort")
    assert call("OBJECT", "ENCODING", "zs2") == b"skiplist"
