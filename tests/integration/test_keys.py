"""Keyspace commands and expiry (Redis tests/unit/keyspace.tcl, expire.tcl, scan.tcl)."""
import time

import pytest

from helpers import wait_for

SYNTAX = "ERR syntax error"
NOTINT = "ERR value is not an integer or out of range"


# ---------------------------------------------------------------------------
# DEL / UNLINK / EXISTS / TYPE / TOUCH / RANDOMKEY
# ---------------------------------------------------------------------------


def test_del_unlink(call):
    call("MSET", "a", "1", "b", "2", "c", "3")
    assert call("DEL", "a", "a", "nokey") == 1
    assert call("UNLINK", "b", "c", "nokey") == 2
    assert call("DEL", "a") == 0
    assert call("DBSIZE") == 0
    assert call.err("DEL") == "ERR wrong number of arguments for 'del' command"


def test_exists_counts_duplicates(call):
    call("MSET", "a", "1", "b", "2")
    assert call("EXISTS", "a") == 1
    assert call("EXISTS", "nokey") == 0
    assert call("EXISTS", "a", "a", "nokey", "b", "a") == 4


def test_type(call):
    call("SET", "s", "v")
    call("LPUSH", "l", "v")
    assert call("TYPE", "s") == b"string"
    assert call("TYPE", "l") == b"list"
    assert call("TYPE", "nokey") == b"none"


def test_touch(call):
    call("MSET", "a", "1", "b", "2")
    assert call("TOUCH", "a", "b", "nokey", "a") == 3


def test_randomkey(call):
    assert call("RANDOMKEY") is None
    call("SET", "only", "1")
    assert call("RANDOMKEY") == b"only"
    keys = {b"k%d" % i for i in range(50)}
    call("MSET", *[x for k in keys for x in (k, b"v")])
    seen = set()
    for _ in range(50):
        k = call("RANDOMKEY")
        assert k in keys or k == b"only"
        seen.add(k)
    assert len(seen) > 1


# ---------------------------------------------------------------------------
# RENAME / RENAMENX / COPY
# ---------------------------------------------------------------------------


def test_rename(r):
    r.set("a", "1", ex=100)
    assert r.rename("a", "b") is True
    assert r.get("b") == "1" and r.exists("a") == 0
    assert r.ttl("b") > 0  # the TTL moves with the key
    r.lpush("l", "x")
    r.rename("b", "l")  # overwrites a key of another type
    assert r.type("l") == "string"
    assert r.rename("l", "l") is True  # same name: fine
    assert r.get("l") == "1"


def test_rename_clears_destination_ttl(r):
    r.set("src", "1")
    r.set("dst", "2", ex=100)
    r.rename("src", "dst")
    assert r.ttl("dst") == -1


def test_rename_errors(call):
    assert call.err("RENAME", "nokey", "b") == "ERR no such key"
    assert call.err("RENAMENX", "nokey", "b") == "ERR no such key"
    assert call.err("RENAME", "nokey", "nokey") == "ERR no such key"


def test_renamenx(call):
    call("MSET", "a", "1", "b", "2")
    assert call("RENAMENX", "a", "b") == 0
    assert call("RENAMENX", "a", "a") == 0
    assert call("RENAMENX", "a", "c") == 1
    assert call("MGET", "a", "b", "c") == [None, b"2", b"1"]


def test_copy(r):
    r.set("a", "v", ex=100)
    assert r.execute_command("COPY", "a", "b") == 1
    assert r.get("b") == "v" and r.ttl("b") > 0
    r.set("a", "w")
    assert r.execute_command("COPY", "a", "b") == 0
    assert r.get("b") == "v"
    assert r.execute_command("COPY", "a", "b", "REPLACE") == 1
    assert r.get("b") == "w"
    assert r.ttl("b") == -1
    assert r.execute_command("COPY", "nokey", "c") == 0
    # the copy is independent
    r.append("b", "x")
    assert r.get("a") == "w"


def test_copy_db(r):
    r.set("a", "v")
    assert r.execute_command("COPY", "a", "a", "DB", 1) == 1
    r.execute_command("SELECT", 1)
    try:
        assert r.get("a") == "v"
    finally:
        r.execute_command("SELECT", 0)
    assert r.execute_command("COPY", "a", "a", "DB", 1) == 0
    assert r.execute_command("COPY", "a", "a", "DB", 1, "REPLACE") == 1


def test_copy_errors(call):
    call("SET", "a", "1")
    assert call.err("COPY", "a", "a") == "ERR source and destination objects are the same"
    assert call.err("COPY", "a", "a", "DB", "0") == "ERR source and destination objects are the same"
    assert call.err("COPY", "a", "c", "DB", "16") == "ERR DB index is out of range"
    assert call.err("COPY", "a", "c", "DB", "-1") == "ERR DB index is out of range"
    assert call.err("COPY", "a", "c", "DB", "abc") == NOTINT
    assert call.err("COPY", "a", "c", "FOO") == SYNTAX
    assert call.err("COPY", "a", "c", "DB") == SYNTAX


# ---------------------------------------------------------------------------
# EXPIRE family, TTL, PERSIST
# ---------------------------------------------------------------------------


def test_expire_and_ttl(r):
    r.set("a", "1")
    assert r.ttl("a") == -1 and r.pttl("a") == -1
    assert r.ttl("nokey") == -2 and r.pttl("nokey") == -2
    assert r.execute_command("EXPIRE", "a", 100) == 1
    assert 95 <= r.ttl("a") <= 100
    assert r.execute_command("PEXPIRE", "a", 200000) == 1
    assert 190000 <= r.pttl("a") <= 200000
    assert r.execute_command("EXPIRE", "nokey", 100) == 0


def test_expireat_and_expiretime(r):
    r.set("a", "1")
    assert r.execute_command("EXPIRETIME", "a") == -1
    assert r.execute_command("PEXPIRETIME", "a") == -1
    assert r.execute_command("EXPIRETIME", "nokey") == -2
    assert r.execute_command("PEXPIRETIME", "nokey") == -2
    at = int(time.time()) + 1000
    assert r.execute_command("EXPIREAT", "a", at) == 1
    assert r.execute_command("EXPIRETIME", "a") == at
    assert r.execute_command("PEXPIRETIME", "a") == at * 1000
    assert r.execute_command("PEXPIREAT", "a", at * 1000 + 777) == 1
    assert r.execute_command("PEXPIRETIME", "a") == at * 1000 + 777
    assert r.execute_command("EXPIRETIME", "a") == at + 1  # rounded to the nearest second


def test_expire_in_the_past_deletes(r):
    r.mset({"a": 1, "b": 1, "c": 1, "d": 1})
    assert r.execute_command("EXPIRE", "a", -1) == 1
    assert r.execute_command("PEXPIRE", "b", 0) == 1
    assert r.execute_command("EXPIREAT", "c", 1) == 1
    assert r.execute_command("PEXPIREAT", "d", 1) == 1
    assert r.dbsize() == 0


def test_expire_options(call):
    call("SET", "a", "1")
    assert call("EXPIRE", "a", "100", "XX") == 0   # no TTL yet
    assert call("EXPIRE", "a", "100", "GT") == 0   # no TTL counts as infinite
    assert call("EXPIRE", "a", "100", "LT") == 1
    assert call("EXPIRE", "a", "200", "NX") == 0
    assert call("EXPIRE", "a", "200", "GT") == 1
    assert call("EXPIRE", "a", "100", "GT") == 0
    assert call("EXPIRE", "a", "300", "LT") == 0
    assert call("EXPIRE", "a", "50", "XX", "LT") == 1
    assert 45 <= call("TTL", "a") <= 50
    assert call("PERSIST", "a") == 1
    assert call("EXPIRE", "a", "100", "NX") == 1
    assert call("PEXPIRE", "a", "500000", "gt") == 1


def test_expire_option_errors(call):
    call("SET", "a", "1")
    msg = "ERR NX and XX, GT or LT options at the same time are not compatible"
    assert call.err("EXPIRE", "a", "100", "NX", "XX") == msg
    assert call.err("EXPIRE", "a", "100", "NX", "GT") == msg
    assert call.err("PEXPIRE", "a", "100", "LT", "NX") == msg
    assert call.err("EXPIRE", "a", "100", "GT", "LT") == \
        "ERR GT and LT options at the same time are not compatible"
    assert call.err("EXPIRE", "a", "100", "FOO") == "ERR Unsupported option FOO"
    assert call.err("EXPIRE", "a", "abc") == NOTINT
    assert call.err("EXPIRE", "a", "9223372036854775807") == "ERR invalid expire time in 'expire' command"
    assert call.err("PEXPIRE", "a", "9223372036854775807") == "ERR invalid expire time in 'pexpire' command"
    assert call.err("EXPIREAT", "a", "9223372036854775807") == \
        "ERR invalid expire time in 'expireat' command"
    assert call("TTL", "a") == -1


def test_persist(call):
    call("SET", "a", "1")
    assert call("PERSIST", "a") == 0
    assert call("PERSIST", "nokey") == 0
    call("EXPIRE", "a", "100")
    assert call("PERSIST", "a") == 1
    assert call("TTL", "a") == -1


def test_lazy_expiry(shared_server, r):
    assert r.execute_command("DEBUG", "SET-ACTIVE-EXPIRE", "0") == "OK"
    try:
        r.set("k", "v", px=50)
        r.set("keep", "v")
        time.sleep(0.2)
        # not accessed and active expiry off: the key is still counted
        assert r.dbsize() == 2
        assert r.get("k") is None
        assert r.dbsize() == 1
        r.set("k2", "v", px=50)
        time.sleep(0.2)
        assert r.exists("k2") == 0
        assert r.ttl("k2") == -2
    finally:
        r.execute_command("DEBUG", "SET-ACTIVE-EXPIRE", "1")


def test_active_expiry(r):
    pipe = r.pipeline(transaction=False)
    for i in range(200):
        pipe.set("exp:%d" % i, "v", px=100)
    pipe.set("persistent", "v")
    pipe.execute()
    wait_for(lambda: r.dbsize() == 1, timeout=15, what="active expiry to remove 200 keys")
    assert r.exists("persistent") == 1


def test_expired_key_not_visible_to_keys_or_scan(r):
    r.execute_command("DEBUG", "SET-ACTIVE-EXPIRE", "0")
    try:
        r.set("gone", "v", px=20)
        r.set("here", "v")
        time.sleep(0.1)
        assert r.keys("*") == ["here"]
        assert list(r.scan_iter(count=1000)) == ["here"]
        assert r.mget("gone", "here") == [None, "v"]
    finally:
        r.execute_command("DEBUG", "SET-ACTIVE-EXPIRE", "1")


# ---------------------------------------------------------------------------
# KEYS
# ---------------------------------------------------------------------------

GLOB_KEYS = [b"hello", b"hallo", b"hxllo", b"hllo", b"heeeello", b"h*llo", b"h?llo", b"h[llo",
             b"h]llo", b"h\\llo", b"a-b", b"abc", b"foo:1", b"foo:22"]

GLOB_CASES = [
    (b"h?llo", [b"hello", b"hallo", b"hxllo", b"h*llo", b"h?llo", b"h[llo", b"h]llo", b"h\\llo"]),
    (b"h*llo", [b"hello", b"hallo", b"hxllo", b"hllo", b"heeeello", b"h*llo", b"h?llo", b"h[llo",
                b"h]llo", b"h\\llo"]),
    (b"h[ae]llo", [b"hello", b"hallo"]),
    (b"h[^e]llo", [b"hallo", b"hxllo", b"h*llo", b"h?llo", b"h[llo", b"h]llo", b"h\\llo"]),
    (b"h[a-b]llo", [b"hallo"]),
    (b"h[b-a]llo", [b"hallo"]),          # reversed range works too
    (b"h\\*llo", [b"h*llo"]),
    (b"h\\?llo", [b"h?llo"]),
    (b"h\\[llo", [b"h[llo"]),
    (b"h[\\]]llo", [b"h]llo"]),
    (b"h\\\\llo", [b"h\\llo"]),
    (b"a[-]b", [b"a-b"]),
    (b"foo:?", [b"foo:1"]),
    (b"foo:*", [b"foo:1", b"foo:22"]),
    (b"*", GLOB_KEYS),
    (b"nomatch*", []),
    (b"HELLO", []),                      # case sensitive
    (b"hello", [b"hello"]),
]


@pytest.mark.parametrize("pattern,expected", GLOB_CASES, ids=[c[0].decode() for c in GLOB_CASES])
def test_keys_glob(rb, pattern, expected):
    rb.mset({k: b"1" for k in GLOB_KEYS})
    assert sorted(rb.keys(pattern)) == sorted(expected)
    # SCAN MATCH uses the same matcher
    assert sorted(rb.scan_iter(match=pattern, count=1000)) == sorted(expected)


# ---------------------------------------------------------------------------
# SCAN
# ---------------------------------------------------------------------------


def _fill(r, n, prefix="key:"):
    pipe = r.pipeline(transaction=False)
    for i in range(0, n, 500):
        pipe.mset({"%s%d" % (prefix, j): j for j in range(i, min(n, i + 500))})
    pipe.execute()


def _full_scan(call, *args):
    """Every key a full SCAN returns (as str), following cursors until "0"."""
    cursor = b"0"
    seen = []
    for _ in range(100000):
        reply = call("SCAN", cursor, *args)
        cursor, keys = reply[0], reply[1]
        assert isinstance(cursor, bytes) and cursor.isdigit(), reply
        seen.extend(k.decode() for k in keys)
        if cursor == b"0":
            return seen
    raise AssertionError("SCAN did not terminate")


def test_scan_full_iteration(r, call):
    _fill(r, 5000)
    seen = _full_scan(call)
    assert set(seen) == {"key:%d" % i for i in range(5000)}
    seen = _full_scan(call, "COUNT", 100)
    assert set(seen) == {"key:%d" % i for i in range(5000)}


def test_scan_empty_db(call):
    # a cursor may need several calls even when empty (petrel's cursors walk slots)
    assert _full_scan(call) == []
    cursor, keys = call("SCAN", "0")
    assert cursor.isdigit() and keys == []


def test_scan_match(r, call):
    _fill(r, 1000)
    seen = _full_scan(call, "MATCH", "key:1*", "COUNT", 50)
    assert set(seen) == {"key:%d" % i for i in range(1000) if str(i).startswith("1")}


def test_scan_type(r, call):
    _fill(r, 300)
    for i in range(20):
        r.lpush("list:%d" % i, "x")
    assert set(_full_scan(call, "TYPE", "list")) == {"list:%d" % i for i in range(20)}
    assert set(_full_scan(call, "TYPE", "string", "COUNT", 30)) == {"key:%d" % i for i in range(300)}
    assert _full_scan(call, "TYPE", "hash") == []
    assert set(_full_scan(call, "MATCH", "list:1*", "TYPE", "list")) == \
        {"list:1"} | {"list:1%d" % i for i in range(10)}


def test_scan_survives_concurrent_writes(r, call):
    # keys that exist for the whole scan are returned at least once
    _fill(r, 2000)
    cursor, seen, n = b"0", set(), 0
    while True:
        cursor, keys = call("SCAN", cursor, "COUNT", 37)
        seen.update(k.decode() for k in keys)
        r.set("extra:%d" % n, 1)
        r.delete("extra:%d" % (n - 3))
        n += 1
        if cursor == b"0":
            break
        assert n < 100000
    assert {"key:%d" % i for i in range(2000)} <= seen


def test_scan_errors(call):
    assert call.err("SCAN", "abc") == "ERR invalid cursor"
    assert call.err("SCAN", "0", "COUNT", "0") == SYNTAX
    assert call.err("SCAN", "0", "COUNT", "-1") == SYNTAX
    assert call.err("SCAN", "0", "COUNT", "abc") == NOTINT
    assert call.err("SCAN", "0", "FOO") == SYNTAX
    assert call.err("SCAN", "0", "MATCH") == SYNTAX


# ---------------------------------------------------------------------------
# OBJECT
# ---------------------------------------------------------------------------


def test_object_subcommands(call):
    call("SET", "a", "hello")
    assert call("OBJECT", "ENCODING", "a") == b"embstr"
    assert call("OBJECT", "REFCOUNT", "a") == 1
    idle = call("OBJECT", "IDLETIME", "a")
    assert isinstance(idle, int) and 0 <= idle < 10
    assert call("OBJECT", "ENCODING", "nokey") is None
    assert call("OBJECT", "REFCOUNT", "nokey") is None
    assert call("OBJECT", "IDLETIME", "nokey") is None
    assert call.err("OBJECT", "FREQ", "a") == (
        "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note "
        "that when switching between policies at runtime LRU and LFU data will take some time "
        "to adjust.")
    assert call.err("OBJECT", "FOO", "a") == "ERR unknown subcommand 'FOO'. Try OBJECT HELP."


def test_object_encoding_arity(call):
    err = call.err("OBJECT", "ENCODING")
    assert err == "ERR wrong number of arguments for 'object|encoding' command"


def test_object_help(call):
    lines = call("OBJECT", "HELP")
    assert lines[0].startswith(b"OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:")
    text = b"\n".join(lines)
    for sub in (b"ENCODING <key>", b"FREQ <key>", b"IDLETIME <key>", b"REFCOUNT <key>", b"HELP"):
        assert sub in text


def test_object_freq_with_lfu(server_factory):
    srv = server_factory.start("--maxmemory-policy", "allkeys-lfu")
    c = srv.raw()
    c.call("SET", "a", "1")
    for _ in range(10):
        c.call("GET", "a")
    freq = c.call("OBJECT", "FREQ", "a")
    assert isinstance(freq, int) and freq >= 1
    assert "idle time not tracked" in c.call("OBJECT", "IDLETIME", "a")


@pytest.mark.parametrize("container, sub", [
    ("XINFO", b"STREAM <key> [FULL [COUNT <count>]"),
    ("XGROUP", b"CREATE <key> <groupname> <id|$> [option]"),
    ("MEMORY", b"USAGE <key> [SAMPLES <count>]"),
    ("COMMAND", b"GETKEYS <full-command>"),
    ("CONFIG", b"GET <pattern>"),
])
def test_help_layout_as_redis(call, container, sub):
    # Redis's layout for every container's HELP: header, lines, "HELP" and
    # "    Prints this help." last, all status replies.
    lines = call(container, "HELP")
    assert lines[0] == container.encode() + b" <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"
    assert sub in lines
    assert lines[-2:] == [b"HELP", b"    Prints this help."]
