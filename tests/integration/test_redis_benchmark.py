"""redis-benchmark (the real tool) runs cleanly against the server."""
import os
import shutil
import signal
import subprocess

import pytest

BENCH = shutil.which("redis-benchmark") or "/usr/bin/redis-benchmark"


@pytest.mark.timeout(150)
@pytest.mark.parametrize("extra", [["-P", "100"], ["-c", "20"]], ids=["pipelined", "many-clients"])
def test_redis_benchmark(server_factory, extra):
    if not os.access(BENCH, os.X_OK):
        pytest.skip("redis-benchmark not installed")
    srv = server_factory.start()
    argv = [BENCH, "-h", "127.0.0.1", "-p", str(srv.port)] + extra + \
        ["-n", "20000", "-t", "set,get,incr,mset", "-q"]
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         stdin=subprocess.DEVNULL)
    try:
        out, _ = p.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        os.kill(p.pid, signal.SIGKILL)
        p.communicate(timeout=10)
        raise AssertionError("redis-benchmark did not finish in 120 s")
    text = out.decode("utf-8", "replace")
    assert p.returncode == 0, text
    assert "ERR" not in text and "rror" not in text, text
    final = [l.split("\r")[-1] for l in text.split("\n") if l.strip()]
    for name in ("SET", "GET", "INCR", "MSET (10 keys)"):
        assert any(l.startswith(name + ": ") and "requests per second" in l for l in final), text
    r = srv.client()
    assert r.ping()
    assert int(r.get("counter:__rand_int__")) == 20000
