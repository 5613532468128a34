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
