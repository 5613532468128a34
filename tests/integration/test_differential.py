"""Differential test: the same random command stream against Debian's
redis-server 7.0.15 and petrel (--threads 2), every reply compared.

The generator and the engine live in tests/differential/ (gen.py, run.py; see
its README.md). Each seed runs a few thousand weighted random commands over a
small key space on two connections per server (RESP2 and RESP3), with
MULTI/EXEC, wrong calls, and a whole-data-set comparison every 250 commands.

On a failure the message holds the first divergence and the commands before
it; reproduce and shrink it with
    python3 tests/differential/run.py --seed N --count M --minimize

Environment: PETREL_DIFF_SEEDS ("1-50" or "3,9"), PETREL_DIFF_COUNT (commands
per seed) for longer runs; REDIS_SERVER for another reference binary.
"""
import os
import signal
import sys

import pytest

from conftest import SERVER_BIN, Server, ServerStartError
from helpers import free_port

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(REPO, "tests", "differential"))

import gen  # noqa: E402
import run as differential  # noqa: E402

REDIS_BIN = os.environ.get("REDIS_SERVER", "/usr/bin/redis-server")
SEEDS = differential._seeds(os.environ.get("PETREL_DIFF_SEEDS", "1-8"))
COUNT = int(os.environ.get("PETREL_DIFF_COUNT", "3000"))

# petrel_only: the petrel side is $PETREL_SERVER; when that is redis itself
# there is nothing to compare. needs_types: every data type is exercised.
pytestmark = [pytest.mark.petrel_only, pytest.mark.needs_types]


def _start(root, name, binary, extra):
    for attempt in range(3):
        wd = os.path.join(root, "%s%d" % (name, attempt))
        os.makedirs(wd, exist_ok=True)
        port = free_port()
        args = ["--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                "--dir", wd, "--logfile", os.path.join(wd, "server.log")] + extra
        srv = Server(wd, args, port, binary=binary)
        try:
            return srv.wait_ready()
        except ServerStartError:
            srv.stop(signal.SIGKILL)
            if attempt == 2 or "in use" not in srv.read_log().lower():
                raise


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    if not os.access(REDIS_BIN, os.X_OK):
        pytest.skip("reference server %s not installed (apt-get install redis-server, or set REDIS_SERVER)"
                    % REDIS_BIN)
    root = str(tmp_path_factory.mktemp("differential"))
    servers = []
    try:
        servers.append(_start(root, "redis", REDIS_BIN, []))
        servers.append(_start(root, "petrel", SERVER_BIN, ["--threads", "2"]))
        yield servers
    finally:
        for s in servers:
            s.stop()


@pytest.mark.timeout(60)
@pytest.mark.parametrize("seed", SEEDS)
def test_random_stream(pair, seed):
    redis_srv, petrel_srv = pair
    assert redis_srv.alive(), "redis died:\n" + redis_srv.diagnostics()
    assert petrel_srv.alive(), "petrel died:\n" + petrel_srv.diagnostics()
    d = differential.Differ((redis_srv.host, redis_srv.port), (petrel_srv.host, petrel_srv.port))
    try:
        d.connect()
        div = d.run(seed, COUNT)
    finally:
        d.close()
    if div is not None:
        extra = "" if petrel_srv.alive() else "\npetrel is no longer running:\n" + petrel_srv.diagnostics()
        pytest.fail("%s\n\nreproduce: python3 tests/differential/run.py --seed %d --count %d --minimize%s"
                    % (div.report(40), seed, COUNT, extra), pytrace=False)


@pytest.mark.timeout(30)
def test_generator_is_deterministic():
    """A seed must always give the same stream, or run.py cannot replay a failure."""
    def stream(seed):
        g, st = gen.Gen(seed), gen.State()
        out = []
        for _ in range(500):
            c = g.next(st)
            out.append((c.conn, c.text(), c.mode))
            if c.name == "MULTI":       # the runner flips this from redis's replies
                st.in_multi[c.conn] = True
            elif c.name in ("EXEC", "DISCARD"):
                st.in_multi[c.conn] = False
        return out
    assert stream(11) == stream(11)
    assert stream(11) != stream(12)
