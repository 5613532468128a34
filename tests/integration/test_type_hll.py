"""HyperLogLog (PFADD/PFCOUNT) details that show in the stored bytes. Passes
against redis-server 7.0 and petrel."""
import pytest

pytestmark = pytest.mark.needs_types

CACHE_BYTE = 15          # last byte of the 16-byte header; top bit: cache invalid


def test_pfadd_create_invalidates_cache(call):
    # creating the key counts as an update even without elements
    assert call("PFADD", "h") == 1
    v = call("GET", "h")
    assert v[:4] == b"HYLL" and v[CACHE_BYTE] & 0x80
    # PFCOUNT refreshes the cached cardinality
    assert call("PFCOUNT", "h") == 0
    assert call("GET", "h")[CACHE_BYTE] == 0
    # a PFADD that changes nothing leaves it valid
    assert call("PFADD", "h") == 0
    assert call("GET", "h")[CACHE_BYTE] == 0
    assert call("PFADD", "h", "a") == 1
    assert call("GET", "h")[CACHE_BYTE] & 0x80


def test_pfmerge_keeps_sparse_like_redis(call):
    # Redis 7.0 keeps the destination sparse when every input is sparse: the
    # stored bytes (what DUMP/RDB carry) are the same on both servers.
    call("PFADD", "a", "x", "y", "z")
    call("PFADD", "b", "u", "v")
    assert call("PFMERGE", "d", "a", "b") == b"OK"
    v = call("GET", "d")
    assert v.hex() == ("48594c4c0100000000000000000000804de29453a08058cd"
                       "88452080407e8408")
    assert call("PFCOUNT", "d") == 5
    # merging into an existing sparse destination stays sparse
    assert call("PFMERGE", "a", "b") == b"OK"
    assert call("GET", "a")[4] == 1 and call("PFCOUNT", "a") == 5


def test_pfmerge_dense_input_makes_dense(call):
    call("PFADD", "big", *[str(i) for i in range(3000)])
    assert call("GET", "big")[4] == 0          # promoted past hll-sparse-max-bytes
    call("PFADD", "small", "x")
    assert call("PFMERGE", "d", "small", "big") == b"OK"
    v = call("GET", "d")
    assert v[4] == 0 and len(v) == 16 + 12288
    assert call("PFCOUNT", "d") == call("PFCOUNT", "big", "small")


def test_pfmerge_sparse_promotes_past_limit(call):
    old = call("CONFIG", "GET", "hll-sparse-max-bytes")[1]
    call("CONFIG", "SET", "hll-sparse-max-bytes", "60")
    try:
        call("PFADD", "a", *[str(i) for i in range(8)])
        call("PFADD", "b", *[str(i) for i in range(8, 16)])
        assert call("GET", "a")[4] == 1 and call("GET", "b")[4] == 1
        assert call("PFMERGE", "d", "a", "b") == b"OK"
        assert call("GET", "d")[4] == 0
        assert call("PFCOUNT", "d") == call("PFCOUNT", "a", "b")
    finally:
        call("CONFIG", "SET", "hll-sparse-max-bytes", old)


def test_pfdebug(call):
    call("PFADD", "h", "a", "b", *[str(i) for i in range(50)])
    assert call("PFDEBUG", "ENCODING", "h") == b"sparse"
    dec = call("PFDEBUG", "DECODE", "h").decode()
    assert dec.startswith(("z:", "Z:", "v:")) and not dec.endswith(" ")
    before = call("GET", "h")
    regs = call("PFDEBUG", "GETREG", "h")        # leaves it dense
    assert len(regs) == 16384 and sum(1 for r in regs if r) > 40
    assert call("PFDEBUG", "ENCODING", "h") == b"dense"
    assert call("GET", "h") != before and call("PFCOUNT", "h") == 52
    assert call("PFDEBUG", "TODENSE", "h") == 0
    assert call.err("PFDEBUG", "DECODE", "h") == "ERR HLL encoding is not sparse"
    call("PFADD", "h2", "x")
    assert call("PFDEBUG", "TODENSE", "h2") == 1
    assert call.err("PFDEBUG", "FOO", "h") == "ERR Unknown PFDEBUG subcommand 'FOO'"
    assert call.err("PFDEBUG", "FOO", "nokey") == "ERR The specified key does not exist"
    call("SET", "s", "x")
    assert call.err("PFDEBUG", "ENCODING", "s") == "WRONGTYPE Key is not a valid HyperLogLog string value."


def test_pfselftest(call):
    assert call("PFSELFTEST") == b"OK"
