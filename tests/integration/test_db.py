"""Databases: SELECT, SWAPDB, MOVE, FLUSHDB/FLUSHALL, DBSIZE, `databases`."""
import pytest


NOTINT = "ERR value is not an integer or out of range"
OUT_OF_RANGE = "ERR DB index is out of range"


def test_sixteen_databases(call):
    assert call("CONFIG", "GET", "databases") == [b"databases", b"16"]
    for db in range(16):
        assert call("SELECT", str(db)) == b"OK"
        assert call("SET", "k", "db%d" % db) == b"OK"
    for db in range(16):
        call("SELECT", str(db))
        assert call("GET", "k") == b"db%d" % db
        assert call("DBSIZE") == 1


def test_select_errors(call):
    assert call.err("SELECT", "16") == OUT_OF_RANGE
    assert call.err("SELECT", "-1") == OUT_OF_RANGE
    assert call.err("SELECT", "abc") == NOTINT
    assert call.err("SELECT", "1.5") == NOTINT
    # an index outside an int is a range error before the DB range check
    intrange = "ERR value is out of range, value must between -2147483648 and 2147483647"
    assert call.err("SELECT", "100000000000") == intrange
    assert call.err("SELECT", "-2147483649") == intrange
    assert call.err("SELECT", "2147483647") == OUT_OF_RANGE
    call("SET", "k", "v")
    assert call.err("COPY", "k", "k2", "DB", "100000000000") == intrange
    assert call.err("COPY", "nokey", "k2", "DB", "2147483648") == intrange
    assert call.err("COPY", "k", "k2", "DB", "16") == OUT_OF_RANGE
    assert call.err("SELECT") == "ERR wrong number of arguments for 'select' command"


def test_databases_are_isolated(call):
    call("SET", "a", "0")
    call("SELECT", "1")
    assert call("GET", "a") is None
    assert call("EXISTS", "a") == 0
    call("SET", "a", "1")
    call("SELECT", "0")
    assert call("GET", "a") == b"0"


def test_swapdb(shared_server, call):
    call("SET", "a", "0")
    call("SELECT", "1")
    call("MSET", "b", "1", "c", "1")
    call("SELECT", "0")
    assert call("SWAPDB", "0", "1") == b"OK"
    assert call("DBSIZE") == 2
    assert call("MGET", "a", "b") == [None, b"1"]
    # another connection sitting in db 1 sees the swap as well
    other = shared_server.raw()
    try:
        other.call("SELECT", "1")
        assert other.call("GET", "a") == b"0"
    finally:
        other.close()
    assert call("SWAPDB", "1", "1") == b"OK"
    assert call.err("SWAPDB", "0", "16") == OUT_OF_RANGE
    assert call.err("SWAPDB", "-1", "0") == OUT_OF_RANGE
    assert call.err("SWAPDB", "abc", "0") == "ERR invalid first DB index"
    assert call.err("SWAPDB", "0", "abc") == "ERR invalid second DB index"


def test_move(r, call):
    r.set("a", "v", ex=100)
    assert call("MOVE", "a", "1") == 1
    assert call("EXISTS", "a") == 0
    call("SELECT", "1")
    assert call("GET", "a") == b"v"
    assert call("TTL", "a") > 0  # TTL moves along
    call("SELECT", "0")
    r.set("a", "other")
    assert call("MOVE", "a", "1") == 0  # exists in the target
    assert call("GET", "a") == b"other"
    assert call("MOVE", "nokey", "1") == 0
    assert call.err("MOVE", "a", "0") == "ERR source and destination objects are the same"
    assert call.err("MOVE", "a", "16") == OUT_OF_RANGE
    assert call.err("MOVE", "a", "abc") == NOTINT


def test_flushdb_flushall(call):
    for db in (0, 1, 2):
        call("SELECT", str(db))
        call("MSET", "a", "1", "b", "2")
    call("SELECT", "1")
    assert call("FLUSHDB") == b"OK"
    assert call("DBSIZE") == 0
    call("SELECT", "0")
    assert call("DBSIZE") == 2
    assert call("FLUSHALL") == b"OK"
    for db in (0, 1, 2):
        call("SELECT", str(db))
        assert call("DBSIZE") == 0


@pytest.mark.parametrize("mode", ["ASYNC", "SYNC", "async"])
def test_flush_modes(call, mode):
    call("MSET", "a", "1", "b", "2")
    assert call("FLUSHDB", mode) == b"OK"
    assert call("DBSIZE") == 0
    call("MSET", "a", "1", "b", "2")
    call("SELECT", "5")
    call("SET", "c", "3")
    assert call("FLUSHALL", mode) == b"OK"
    assert call("DBSIZE") == 0
    call("SELECT", "0")
    assert call("DBSIZE") == 0


def test_flush_errors(call):
    assert call.err("FLUSHDB", "FOO") == "ERR syntax error"
    assert call.err("FLUSHALL", "ASYNC", "SYNC") == "ERR syntax error"
    assert call.err("FLUSHALL", "FOO") == "ERR syntax error"


def test_flushall_async_large(r):
    pipe = r.pipeline(transaction=False)
    for i in range(0, 20000, 1000):
        pipe.mset({"big:%d" % j: "x" * 20 for j in range(i, i + 1000)})
    pipe.execute()
    assert r.dbsize() == 20000
    r.flushall(asynchronous=True)
    assert r.dbsize() == 0
    assert r.set("after", 1) and r.get("after") == "1"


def test_dbsize(call):
    assert call("DBSIZE") == 0
    call("MSET", *[x for i in range(100) for x in ("k%d" % i, "v")])
    assert call("DBSIZE") == 100
    call("DEL", "k0", "k1")
    assert call("DBSIZE") == 98


def test_databases_config(server_factory):
    srv = server_factory.start("--databases", "4")
    c = srv.raw()
    assert c.call("CONFIG", "GET", "databases") == [b"databases", b"4"]
    assert c.call("SELECT", "3") == b"OK"
    assert c.call("SELECT", "4") == OUT_OF_RANGE
    assert c.call("SWAPDB", "0", "4") == OUT_OF_RANGE
    assert c.call("CONFIG", "SET", "databases", "8").startswith(
        "ERR CONFIG SET failed (possibly related to argument 'databases') - can't set immutable config")


def test_keyspace_info_per_db(r, call):
    call("MSET", "a", "1", "b", "2")
    call("EXPIRE", "a", "1000")
    call("SELECT", "3")
    call("SET", "c", "1")
    ks = r.info("keyspace")
    assert ks["db0"]["keys"] == 2 and ks["db0"]["expires"] == 1
    assert ks["db3"]["keys"] == 1 and ks["db3"]["expires"] == 0
    assert "db1" not in ks
