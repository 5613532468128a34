"""Hash commands (Redis tests/unit/type/hash.tcl): field writes and reads,
listpack -> hashtable conversion thresholds, HINCRBY/HINCRBYFLOAT rules and
formatting, HRANDFIELD shapes (RESP2 and RESP3), HSCAN over both encodings."""
import random

import pytest

from helpers import RawConn

pytestmark = pytest.mark.needs_types

WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value"
SYNTAX = "ERR syntax error"
NOTINT = "ERR value is not an integer or out of range"
NOTFLOAT = "ERR value is not a valid float"


@pytest.fixture
def hash_config(r):
    """Restores the hash encoding settings a test changes."""
    names = ("hash-max-listpack-entries", "hash-max-listpack-value")
    saved = {k: r.config_get(k)[k] for k in names}
    yield r
    for k, v in saved.items():
        r.config_set(k, v)


def resp3(shared_server):
    conn = RawConn(shared_server.host, shared_server.port)
    conn.call("HELLO", "3")
    return conn


def make_hash(r, key, n, big=False):
    """A hash of n fields; big=True forces the hashtable encoding."""
    mapping = {"f%d" % i: "v%d" % i for i in range(n)}
    if big:
        mapping["big"] = "x" * 100
    r.hset(key, mapping=mapping)
    return mapping


# ---------------------------------------------------------------------------
# basic reads and writes
# ---------------------------------------------------------------------------


def test_hset_hget_basic(r):
    assert r.hset("h", "a", "1") == 1
    assert r.hset("h", mapping={"a": "2", "b": "3", "c": ""}) == 2
    assert r.hget("h", "a") == "2"
    assert r.hget("h", "c") == ""
    assert r.hget("h", "zz") is None
    assert r.hget("nohash", "a") is None
    assert r.hlen("h") == 3
    assert r.hlen("nohash") == 0
    assert r.type("h") == "hash"


def test_hset_arity(call):
    assert call.err("HSET", "h", "a") == "ERR wrong number of arguments for 'hset' command"
    assert call.err("HSET", "h", "a", "b", "c") == "ERR wrong number of arguments for 'hset' command"
    assert call.err("HMSET", "h", "a", "b", "c") == "ERR wrong number of arguments for 'hmset' command"
    assert call("EXISTS", "h") == 0


def test_hmset_hmget(call):
    assert call("HMSET", "h", "a", "1", "b", "2") == b"OK"
    assert call("HMGET", "h", "a", "zz", "b") == [b"1", None, b"2"]
    assert call("HMGET", "nohash", "a", "b") == [None, None]


def test_hsetnx(r):
    assert r.hsetnx("h", "a", "1") == 1
    assert r.hsetnx("h", "a", "2") == 0
    assert r.hget("h", "a") == "1"


def test_hdel_deletes_empty_key(r):
    r.hset("h", mapping={"a": 1, "b": 2, "c": 3})
    assert r.hdel("h", "a", "zz", "a") == 1
    assert r.hdel("h", "b", "c", "d") == 2
    assert r.exists("h") == 0
    assert r.hdel("nohash", "a") == 0


def test_hdel_hashtable_deletes_empty_key(r):
    make_hash(r, "h", 600)
    assert r.object("encoding", "h") == "hashtable"
    assert r.hdel("h", *["f%d" % i for i in range(600)]) == 600
    assert r.exists("h") == 0


def test_hstrlen_hexists(r):
    r.hset("h", mapping={"s": "hello", "i": 12345, "n": -1})
    assert r.hstrlen("h", "s") == 5
    assert r.hstrlen("h", "i") == 5
    assert r.hstrlen("h", "n") == 2
    assert r.hstrlen("h", "zz") == 0
    assert r.hstrlen("nohash", "a") == 0
    assert r.hexists("h", "s") is True
    assert r.hexists("h", "zz") is False
    assert r.hexists("nohash", "s") is False


@pytest.mark.parametrize("big", [False, True])
def test_hkeys_hvals_hgetall(r, big):
    m = make_hash(r, "h", 50, big=big)
    assert r.object("encoding", "h") == ("hashtable" if big else "listpack")
    assert r.hgetall("h") == m
    assert sorted(r.hkeys("h")) == sorted(m)
    assert sorted(r.hvals("h")) == sorted(m.values())
    assert r.hgetall("nohash") == {}
    assert r.hkeys("nohash") == []
    assert r.hvals("nohash") == []


def test_hgetall_resp3_map(shared_server, r):
    r.hset("h", mapping={"a": "1"})
    conn = resp3(shared_server)
    try:
        conn.send_cmd("HGETALL", "h")
        assert conn.read_reply_bytes() == b"%1\r\n$1\r\na\r\n$1\r\n1\r\n"
        conn.send_cmd("HGETALL", "nohash")
        assert conn.read_reply_bytes() == b"%0\r\n"
        conn.send_cmd("HGET", "nohash", "a")
        assert conn.read_reply_bytes() == b"_\r\n"
    finally:
        conn.close()


def test_binary_fields_and_values(rb):
    fields = {b"\x00a\r\n": b"\xff\x00", b"": b"empty", b"12": b"-0", b"-9223372036854775808": b""}
    rb.hset("h", mapping=fields)
    assert rb.hgetall("h") == fields
    assert rb.hget("h", b"") == b"empty"
    assert rb.hget("h", b"12") == b"-0"


def test_wrongtype(call):
    call("SET", "s", "x")
    for args in (("HSET", "s", "a", "b"), ("HSETNX", "s", "a", "b"), ("HMSET", "s", "a", "b"),
                 ("HGET", "s", "a"), ("HMGET", "s", "a"), ("HDEL", "s", "a"), ("HLEN", "s"),
                 ("HSTRLEN", "s", "a"), ("HEXISTS", "s", "a"), ("HKEYS", "s"), ("HVALS", "s"),
                 ("HGETALL", "s"), ("HINCRBY", "s", "a", "1"), ("HINCRBYFLOAT", "s", "a", "1"),
                 ("HRANDFIELD", "s"), ("HRANDFIELD", "s", "2"), ("HSCAN", "s", "0")):
        assert call.err(*args) == WRONGTYPE, args


# ---------------------------------------------------------------------------
# encodings
# ---------------------------------------------------------------------------


def test_listpack_to_hashtable_by_entries(hash_config):
    r = hash_config
    r.config_set("hash-max-listpack-entries", 4)
    r.hset("h", mapping={"a": 1, "b": 2, "c": 3, "d": 4})
    assert r.object("encoding", "h") == "listpack"
    r.hset("h", "d", "changed")             # update: no growth
    assert r.object("encoding", "h") == "listpack"
    r.hset("h", "e", 5)
    assert r.object("encoding", "h") == "hashtable"
    assert r.hgetall("h") == {"a": "1", "b": "2", "c": "3", "d": "changed", "e": "5"}
    r.hdel("h", "a", "b", "c")
    assert r.object("encoding", "h") == "hashtable"     # never converts back


def test_listpack_to_hashtable_by_value(hash_config):
    r = hash_config
    r.config_set("hash-max-listpack-value", 8)
    r.hset("h", "a", "x" * 8)
    assert r.object("encoding", "h") == "listpack"
    r.hset("h", "b", "x" * 9)
    assert r.object("encoding", "h") == "hashtable"
    r.hset("h2", "f" * 9, "v")
    assert r.object("encoding", "h2") == "hashtable"
    r.hsetnx("h3", "a", "x" * 9)
    assert r.object("encoding", "h3") == "hashtable"
    r.hset("h4", "a", "1")
    r.hincrbyfloat("h4", "a", "0.123456789")   # the written value is checked too
    assert r.object("encoding", "h4") == "hashtable"
    assert r.hget("h4", "a") == "1.123456789"


def test_zero_entries_means_hashtable(hash_config):
    r = hash_config
    r.config_set("hash-max-listpack-entries", 0)
    r.hset("h", "a", "1")
    assert r.object("encoding", "h") == "hashtable"


def test_default_encoding_boundaries(r):
    make_hash(r, "h", 512)
    assert r.object("encoding", "h") == "listpack"
    r.hset("h", "one-more", "v")
    assert r.object("encoding", "h") == "hashtable"
    r.hset("v", "a", "x" * 64)
    assert r.object("encoding", "v") == "listpack"
    r.hset("v", "b", "x" * 65)
    assert r.object("encoding", "v") == "hashtable"


@pytest.mark.parametrize("entries", [8, 512])
def test_random_ops_against_model(hash_config, entries):
    r = hash_config
    r.config_set("hash-max-listpack-entries", entries)
    rnd = random.Random(entries)
    model = {}
    for step in range(2000):
        f = "f%d" % rnd.randint(0, 40)
        op = rnd.random()
        if op < 0.4:
            v = rnd.choice(["1", "-7", "abc", "", "x" * 20, str(rnd.randint(-10**12, 10**12))])
            assert r.hset("h", f, v) == (0 if f in model else 1)
            model[f] = v
        elif op < 0.55:
            assert r.hdel("h", f) == (1 if model.pop(f, None) is not None else 0)
        elif op < 0.65:
            if f in model:
                try:
                    cur = int(model[f])
                except ValueError:
                    continue
            else:
                cur = 0
            if str(cur) != model.get(f, "0"):
                continue
            assert r.hincrby("h", f, 3) == cur + 3
            model[f] = str(cur + 3)
        else:
            assert r.hget("h", f) == model.get(f)
        if step % 200 == 0:
            assert r.hgetall("h") == model
    assert r.hgetall("h") == model
    assert r.hlen("h") == len(model)


# ---------------------------------------------------------------------------
# HINCRBY / HINCRBYFLOAT
# ---------------------------------------------------------------------------


def test_hincrby(r, call):
    assert r.hincrby("h", "n", 5) == 5
    assert r.hincrby("h", "n", -10) == -5
    r.hset("h", "big", "9223372036854775806")
    assert r.hincrby("h", "big", 1) == 9223372036854775807
    assert call.err("HINCRBY", "h", "big", "1") == "ERR increment or decrement would overflow"
    r.hset("h", "low", "-9223372036854775808")
    assert call.err("HINCRBY", "h", "low", "-1") == "ERR increment or decrement would overflow"
    r.hset("h", "s", "abc")
    assert call.err("HINCRBY", "h", "s", "1") == "ERR hash value is not an integer"
    r.hset("h", "sp", " 1")
    assert call.err("HINCRBY", "h", "sp", "1") == "ERR hash value is not an integer"
    assert call.err("HINCRBY", "h", "n", "x") == NOTINT
    assert call.err("HINCRBY", "h", "n", "1.5") == NOTINT


def test_hincrbyfloat(r, call):
    assert call("HINCRBYFLOAT", "h", "f", "10.5") == b"10.5"
    assert call("HINCRBYFLOAT", "h", "f", "0.1") == b"10.6"
    assert call("HINCRBYFLOAT", "h", "f", "-10.6") == b"0"
    assert call("HINCRBYFLOAT", "h", "f", "5.0e3") == b"5000"
    assert call("HINCRBYFLOAT", "h", "g", "-0.0") == b"0"
    assert call("HINCRBYFLOAT", "h", "big", "1e20") == b"100000000000000000000"
    r.hset("h", "i", 10)
    assert call("HINCRBYFLOAT", "h", "i", "1.5") == b"11.5"
    assert call("HGET", "h", "i") == b"11.5"
    r.hset("h", "s", "abc")
    assert call.err("HINCRBYFLOAT", "h", "s", "1") == "ERR hash value is not a float"
    assert call.err("HINCRBYFLOAT", "h", "i", "x") == NOTFLOAT
    assert call.err("HINCRBYFLOAT", "h", "i", "inf") == "ERR value is NaN or Infinity"
    r.hset("h", "sp", " 1")
    assert call.err("HINCRBYFLOAT", "h", "sp", "1") == "ERR hash value is not a float"
    # a NUL byte makes a value or an increment invalid
    call("HSET", "h", "nul", b"1\x002", "z", b"\x00")
    assert call.err("HINCRBYFLOAT", "h", "nul", "1") == "ERR hash value is not a float"
    assert call.err("HINCRBYFLOAT", "h", "z", "1") == "ERR hash value is not a float"
    assert call.err("HINCRBY", "h", "nul", "1") == "ERR hash value is not an integer"
    assert call.err("HINCRBYFLOAT", "h", "i", b"1\x002") == NOTFLOAT
    assert call.err("HINCRBYFLOAT", "h", "i", b"\x00") == NOTFLOAT


def test_hincrbyfloat_huge_values(call):
    got = call("HINCRBYFLOAT", "h", "f", "1e4931")
    assert got.startswith(b"1000000000000000000006") and len(got) == 4932
    # the long value it wrote reads back as a number
    got2 = call("HINCRBYFLOAT", "h", "f", "1")
    assert len(got2) == 4932
    assert call.err("HINCRBYFLOAT", "h", "f", "1.18e4932") == \
        "ERR increment would produce NaN or Infinity"


# ---------------------------------------------------------------------------
# HRANDFIELD
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("big", [False, True])
def test_hrandfield_counts(r, big):
    m = make_hash(r, "h", 20, big=big)
    assert r.hrandfield("h") in m
    assert r.hrandfield("nohash") is None
    assert r.hrandfield("nohash", 3) == []
    assert r.hrandfield("h", 0) == []
    got = r.hrandfield("h", 5)
    assert len(got) == 5 and len(set(got)) == 5 and set(got) <= set(m)
    got = r.hrandfield("h", 100)
    assert sorted(got) == sorted(m)
    got = r.hrandfield("h", -50)
    assert len(got) == 50 and set(got) <= set(m)
    pairs = r.hrandfield("h", 6, withvalues=True)
    assert len(pairs) == 12
    d = dict(zip(pairs[0::2], pairs[1::2]))
    assert len(d) == 6 and all(m[k] == v for k, v in d.items())
    pairs = r.hrandfield("h", -30, withvalues=True)
    assert len(pairs) == 60
    assert all(m[k] == v for k, v in zip(pairs[0::2], pairs[1::2]))


def test_hrandfield_distinct_subset_of_large_hash(r):
    m = make_hash(r, "h", 1000)
    got = r.hrandfield("h", 10)
    assert len(set(got)) == 10 and set(got) <= set(m)
    got = r.hrandfield("h", 600)
    assert len(set(got)) == 600 and set(got) <= set(m)


def test_hrandfield_resp3_shape(shared_server, r):
    r.hset("h", mapping={"a": "1"})
    conn = resp3(shared_server)
    try:
        conn.send_cmd("HRANDFIELD", "h", "-2", "WITHVALUES")
        assert conn.read_reply_bytes() == b"*2\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n"
        conn.send_cmd("HRANDFIELD", "h", "1", "WITHVALUES")
        assert conn.read_reply_bytes() == b"*1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n"
        conn.send_cmd("HRANDFIELD", "h", "2")
        assert conn.read_reply_bytes() == b"*1\r\n$1\r\na\r\n"
        conn.send_cmd("HRANDFIELD", "nohash")
        assert conn.read_reply_bytes() == b"_\r\n"
    finally:
        conn.close()


def test_hrandfield_resp2_shape(raw):
    raw.call("HSET", "h", "a", "1")
    raw.send_cmd("HRANDFIELD", "h", "-2", "WITHVALUES")
    assert raw.read_reply_bytes() == b"*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\na\r\n$1\r\n1\r\n"


def test_hrandfield_errors(call):
    call("HSET", "h", "a", "1")
    assert call.err("HRANDFIELD", "h", "x") == NOTINT
    assert call.err("HRANDFIELD", "h", "5", "foo") == SYNTAX
    assert call.err("HRANDFIELD", "h", "5", "withvalues", "x") == SYNTAX
    assert call.err("HRANDFIELD", "h", "-9223372036854775808") == \
        "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"
    assert call.err("HRANDFIELD", "h", "-9223372036854775807", "WITHVALUES") == \
        "ERR value is out of range"
    assert call.err("HRANDFIELD", "nohash", "x") == NOTINT


# ---------------------------------------------------------------------------
# HSCAN
# ---------------------------------------------------------------------------


def full_hscan(r, key, **kw):
    cursor, seen = 0, {}
    calls = 0
    while True:
        cursor, data = r.hscan(key, cursor, **kw)
        seen.update(data)
        calls += 1
        if cursor == 0:
            return seen, calls


def test_hscan_listpack_in_one_call(r):
    m = make_hash(r, "h", 30)
    cursor, data = r.hscan("h", 0)
    assert cursor == 0 and data == m
    cursor, data = r.hscan("h", 12345, count=1)
    assert cursor == 0 and data == m
    cursor, data = r.hscan("h", 0, match="f1*")
    assert data == {k: v for k, v in m.items() if k.startswith("f1")}


def test_hscan_hashtable(r):
    m = make_hash(r, "h", 1000, big=True)
    seen, calls = full_hscan(r, "h", count=20)
    assert seen == m
    assert calls > 5
    seen, _ = full_hscan(r, "h", match="f9?", count=50)
    assert seen == {k: v for k, v in m.items() if len(k) == 3 and k.startswith("f9")}


def test_hscan_missing_and_errors(call):
    assert call("HSCAN", "nohash", "0") == [b"0", []]
    assert call("HSCAN", "nohash", "0", "COUNT", "0") == [b"0", []]
    assert call.err("HSCAN", "h", "x") == "ERR invalid cursor"
    assert call.err("HSCAN", "h", "18446744073709551616") == "ERR invalid cursor"
    call("HSET", "h", "a", "1")
    assert call.err("HSCAN", "h", "0", "COUNT", "0") == SYNTAX
    assert call.err("HSCAN", "h", "0", "COUNT", "-1") == SYNTAX
    assert call.err("HSCAN", "h", "0", "COUNT", "x") == NOTINT
    assert call.err("HSCAN", "h", "0", "MATCH") == SYNTAX
    assert call.err("HSCAN", "h", "0", "FOO", "bar") == SYNTAX
    # strtoul rules: "" is 0, a leading space is invalid, any length
    assert call("HSCAN", "h", "") == [b"0", [b"a", b"1"]]
    assert call("HSCAN", "h", "0" * 100) == [b"0", [b"a", b"1"]]
    assert call.err("HSCAN", "h", " 1") == "ERR invalid cursor"
    assert call.err("HSCAN", "h", "\t0") == "ERR invalid cursor"


@pytest.mark.parametrize("pattern,field,ok", [
    ("*", "anything", True),
    ("a*c", "abbbc", True),
    ("a*c", "abbbd", False),
    ("h?llo", "hello", True),
    ("h[ae]llo", "hallo", True),
    ("h[^e]llo", "hello", False),
    ("h[a-c]llo", "hbllo", True),
    ("h[c-a]llo", "hbllo", True),
    ("h\\*llo", "h*llo", True),
    ("h\\*llo", "hello", False),
    ("*x*y*", "axbyc", True),
    ("*x*y*", "ayx", False),
])
def test_hscan_match_patterns(r, pattern, field, ok):
    r.hset("h", field, "v")
    _, data = r.hscan("h", 0, match=pattern)
    assert (field in data) == ok


def test_hrandfield_integer_listpack_entries(r):
    m = {str(i): str(i * 7) for i in range(10)}
    r.hset("h", mapping=m)
    assert r.object("encoding", "h") == "listpack"
    for _ in range(20):
        pairs = r.hrandfield("h", 4, withvalues=True)
        d = dict(zip(pairs[0::2], pairs[1::2]))
        assert len(d) == 4 and all(m[k] == v for k, v in d.items())
