"""The io_uring fallback paths (plain ring, one-shot recv, one-shot accept),
forced with PETREL_URING_FALLBACK=1 as on kernels without the newer features:
the server must log the fallback and behave the same."""
import os
import threading

import pytest

from helpers import encode_command, keys_on_distinct_slots

pytestmark = pytest.mark.petrel_only


@pytest.fixture
def fallback_server(server_factory):
    old = os.environ.get("PETREL_URING_FALLBACK")
    os.environ["PETREL_URING_FALLBACK"] = "1"
    try:
        srv = server_factory.start(threads=2)
    finally:
        if old is None:
            del os.environ["PETREL_URING_FALLBACK"]
        else:
            os.environ["PETREL_URING_FALLBACK"] = old
    return srv


def test_fallback_is_logged(fallback_server):
    log = fallback_server.read_log()
    assert "fallback: one-shot recv" in log
    assert "fallback: one-shot accept" in log


def test_fallback_pipeline_and_cross_shard(fallback_server):
    c = fallback_server.raw()
    keys = keys_on_distinct_slots(8)
    req = b"".join(encode_command("SET", k, "v%d" % i) for i, k in enumerate(keys) for _ in range(50))
    req += encode_command("MGET", *keys)
    c.send(req)
    for _ in range(8 * 50):
        c.expect(b"+OK\r\n")
    assert c.read_reply() == [b"v%d" % i for i in range(8)]


def test_fallback_many_clients(fallback_server):
    errors = []

    def worker(n):
        try:
            r = fallback_server.client()
            for i in range(200):
                r.incr("fb:counter")
                r.set("fb:%d:%d" % (n, i), i)
        except Exception as e:  # reported below
            errors.append(e)
    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    assert fallback_server.client().get("fb:counter") == "1600"
