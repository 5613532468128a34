"""Integration tests for build/petrel-benchmark against Debian's redis-server.

Each test starts its own redis-server (free loopback port, private temp dir,
no persistence), runs petrel-benchmark against it, and checks what it reports
against the server's own INFO commandstats. Servers are always killed.
"""
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BENCH = os.path.join(ROOT, "build", "petrel-benchmark")
REDIS_SERVER = shutil.which("redis-server")
REDIS_CLI = shutil.which("redis-cli")
REDIS_BENCH = shutil.which("redis-benchmark")

pytestmark = [
    pytest.mark.skipif(not os.access(BENCH, os.X_OK), reason="build/petrel-benchmark not built"),
    pytest.mark.skipif(REDIS_SERVER is None, reason="redis-server not installed"),
]


def _bindable(port):
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def free_port(cluster=False):
    """A free loopback port; for a cluster node also port+10000 (its bus),
    which redis-server wants at 65535 or below."""
    if not cluster:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            return s.getsockname()[1]
    rnd = random.Random()
    for _ in range(200):
        port = rnd.randint(20000, 45000)
        if _bindable(port) and _bindable(port + 10000):
            return port
    raise RuntimeError("no free port pair")


class Server:
    def __init__(self, *extra):
        self.dir = tempfile.mkdtemp(prefix="petrel-bench-")
        self.port = free_port(cluster="--cluster-enabled" in extra)
        self.sock = os.path.join(self.dir, "redis.sock")
        args = [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", self.dir,
                "--unixsocket", self.sock, "--daemonize", "no", "--logfile", "server.log"]
        self.proc = subprocess.Popen(args + list(extra), stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        self.password = None
        for a, b in zip(extra, extra[1:]):
            if a == "--requirepass":
                self.password = b
        deadline = time.time() + 10
        while time.time() < deadline and self.proc.poll() is None:
            try:
                if self.cmd("PING").strip() == "PONG":
                    self.cmd("CONFIG", "RESETSTAT")
                    return
            except Exception:
                pass
            time.sleep(0.05)
        self.stop()
        raise RuntimeError("redis-server did not start")

    def cmd(self, *args):
        base = [REDIS_CLI, "-p", str(self.port)]
        if self.password:
            base += ["-a", self.password, "--no-auth-warning"]
        return subprocess.run(base + list(args), capture_output=True, text=True,
                              timeout=10, check=True).stdout

    def commandstats(self):
        stats = {}
        for line in self.cmd("INFO", "commandstats").splitlines():
            m = re.match(r"cmdstat_(\S+?):calls=(\d+),.*?rejected_calls=(\d+),failed_calls=(\d+)", line)
            if m:
                stats[m.group(1)] = {"calls": int(m.group(2)), "rejected": int(m.group(3)),
                                     "failed": int(m.group(4))}
        return stats

    def calls(self, name):
        return self.commandstats().get(name, {}).get("calls", 0)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=10)
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture
def server():
    s = Server()
    try:
        yield s
    finally:
        s.stop()


def run(cmd, input=None, timeout=120):
    """subprocess.run that keeps the CRs (text=True would turn them into LFs)."""
    p = subprocess.run([str(a) for a in cmd], capture_output=True, timeout=timeout,
                       input=input.encode() if input is not None else None)
    p.stdout = p.stdout.decode(errors="replace")
    p.stderr = p.stderr.decode(errors="replace")
    return p


def bench(server, *args, input=None, check=True, timeout=120):
    cmd = [BENCH, "-p", str(server.port)] + [str(a) for a in args]
    p = run(cmd, input=input, timeout=timeout)
    if check and p.returncode != 0:
        raise AssertionError(f"{cmd} exited {p.returncode}\n{p.stdout}\n{p.stderr}")
    return p


def quiet_lines(out):
    """The -q one-liners, as a script that splits on CR would read them."""
    lines = []
    for raw in out.split("\n"):
        last = raw.split("\r")[-1].strip()
        if last and "rps=" not in last:
            lines.append(last)
    return lines


QUIET_RE = re.compile(r"^(.+): (\d+\.\d\d) requests per second, p50=(\d+\.\d\d\d) msec$")

SUITE = ["PING_INLINE", "PING_MBULK", "SET", "GET", "INCR", "LPUSH", "RPUSH", "LPOP", "RPOP",
         "SADD", "HSET", "SPOP", "ZADD", "ZPOPMIN", "LPUSH (needed to benchmark LRANGE)",
         "LRANGE_100 (first 100 elements)", "LRANGE_300 (first 300 elements)",
         "LRANGE_500 (first 500 elements)", "LRANGE_600 (first 600 elements)", "MSET (10 keys)"]


def test_default_suite_counts(server):
    n = 500
    p = bench(server, "-q", "-n", n, "-c", 10)
    lines = quiet_lines(p.stdout)
    titles = []
    for line in lines:
        m = QUIET_RE.match(line)
        assert m, line
        assert float(m.group(2)) > 0
        titles.append(m.group(1))
    assert titles == SUITE
    st = server.commandstats()
    want = {"ping": 2 * n, "set": n, "get": n, "incr": n, "lpush": 2 * n, "rpush": n,
            "lpop": n, "rpop": n, "sadd": n, "hset": n, "spop": n, "zadd": n, "zpopmin": n,
            "lrange": 4 * n, "mset": n}
    for cmd, calls in want.items():
        assert st[cmd]["calls"] == calls, (cmd, st[cmd])
        assert st[cmd]["failed"] == 0 and st[cmd]["rejected"] == 0


@pytest.mark.parametrize("extra", [
    ["-P", 7],
    ["-P", 16, "--threads", 3],
    ["--threads", 4, "-c", 9],
    ["-k", 0, "-c", 5],
    ["-c", 1],
])
def test_exact_counts(server, extra):
    n = 1001
    p = bench(server, "-t", "set,get", "-n", n, "-r", 1000, "--csv", *extra)
    rows = [r for r in p.stdout.strip().splitlines() if not r.startswith("WARNING: keepalive")]
    assert rows[0].startswith('"test","rps"')
    assert [r.split(",")[0] for r in rows[1:]] == ['"SET"', '"GET"']
    assert server.calls("set") == n
    assert server.calls("get") == n


def test_json_matches_commandstats(server, tmp_path):
    out = tmp_path / "r.json"
    bench(server, "-t", "incr,lpush", "-n", 2345, "-P", 5, "--threads", 2, "--json", out, "-q")
    d = json.loads(out.read_text())
    tests = {t["name"]: t for t in d["tests"]}
    assert tests["INCR"]["requests"] == 2345 == server.calls("incr")
    assert tests["LPUSH"]["requests"] == 2345 == server.calls("lpush")
    for t in tests.values():
        assert t["errors"] == 0
        lat = t["latency_ms"]
        assert 0 <= lat["min"] <= lat["p50"] <= lat["p99"] <= lat["p99_9"] <= lat["p99_99"] <= lat["max"]
        assert sum(c for _, c in t["histogram_ms"]) == t["requests"]
        assert t["rps"] > 0 and t["seconds"] > 0


def test_error_replies_counted(server, tmp_path):
    server.cmd("LPUSH", "notanumber", "x")
    out = tmp_path / "e.json"
    p = bench(server, "-n", 300, "-P", 3, "--json", out, "-q", "incr", "notanumber")
    d = json.loads(out.read_text())
    t = d["tests"][0]
    st = server.commandstats()["incr"]
    assert t["requests"] == 300 == st["calls"]
    assert t["errors"] == 300 == st["failed"]
    assert t["first_error"].startswith("WRONGTYPE")
    assert "300 error replies" in p.stderr


def test_mixed_errors_under_pipelining(server, tmp_path):
    # half the keys hold lists: INCR on them fails, on the others succeeds
    for i in range(0, 10, 2):
        server.cmd("RPUSH", "counter:%012d" % i, "x")
    out = tmp_path / "m.json"
    bench(server, "-n", 4000, "-P", 10, "-r", 10, "--json", out, "-q", "incr",
          "counter:__rand_int__")
    t = json.loads(out.read_text())["tests"][0]
    st = server.commandstats()["incr"]
    assert t["requests"] == 4000 == st["calls"]
    assert t["errors"] == st["failed"]
    assert 1000 < t["errors"] < 3000


def test_ratio_mode(server, tmp_path):
    out = tmp_path / "ratio.json"
    p = bench(server, "--ratio", "1:3", "-n", 4000, "-r", 100, "--json", out)
    assert "====== SET:GET 1:3 ======" in p.stdout
    assert "  SET: 1000 requests" in p.stdout
    assert "  GET: 3000 requests" in p.stdout
    t = json.loads(out.read_text())["tests"][0]
    kinds = {k["name"]: k["requests"] for k in t["kinds"]}
    assert kinds == {"SET": 1000, "GET": 3000}
    assert server.calls("set") == 1000 and server.calls("get") == 3000
    assert t["nulls"] <= 3000


def test_duration_and_rate(server, tmp_path):
    out = tmp_path / "rate.json"
    p = bench(server, "-t", "get", "--duration", 1.5, "--rate", 2000, "-c", 10, "--json", out)
    t = json.loads(out.read_text())["tests"][0]
    assert 2600 <= t["requests"] <= 3100, t["requests"]
    assert abs(t["rps"] - 2000) < 200, t["rps"]
    assert t["requests"] == server.calls("get")
    assert "latency distribution (msec, HDR):" in p.stdout
    assert "p99.99" in p.stdout


def test_duration_closed_loop(server):
    t0 = time.time()
    p = bench(server, "-t", "ping_mbulk", "--duration", 1, "-q")
    took = time.time() - t0
    assert 0.9 < took < 5
    m = QUIET_RE.match(quiet_lines(p.stdout)[0])
    assert m and m.group(1) == "PING_MBULK"
    assert server.calls("ping") > 100


@pytest.mark.parametrize("dist,check", [
    ("sequential", lambda keys: keys == 100),
    ("uniform", lambda keys: 90 <= keys <= 100),
    ("zipfian", lambda keys: keys < 100),
])
def test_key_distributions(server, dist, check):
    bench(server, "-t", "set", "-n", 1000, "-r", 100, "--distribution", dist, "-q", "--seed", 7)
    keys = int(server.cmd("DBSIZE").strip())
    assert check(keys), (dist, keys)
    assert server.calls("set") == 1000


def test_zipfian_hot_key(server):
    bench(server, "-n", 5000, "-r", 1000, "--distribution", "zipfian", "-q", "--seed", 3,
          "incr", "k:__rand_int__")
    hot = int(server.cmd("GET", "k:000000000000").strip())
    cold = server.cmd("GET", "k:000000000900").strip()
    assert hot > 300
    assert cold == "" or int(cold) < hot / 10


def test_custom_command_and_stdin(server):
    bench(server, "-n", 2000, "-r", 50, "-q", "sadd", "myset", "__rand_int__")
    card = int(server.cmd("SCARD", "myset").strip())
    assert 40 <= card <= 50
    bench(server, "-n", 10, "-x", "-q", "set", "fromstdin", input="hello\nworld")
    assert server.cmd("GET", "fromstdin") == "hello\nworld\n"
    # without -r, __rand_int__ stays literal, as in redis-benchmark
    bench(server, "-n", 10, "-q", "set", "lit:__rand_int__", "v")
    assert server.cmd("GET", "lit:__rand_int__").strip() == "v"


def test_dbnum_resp3_tracking_unix_socket(server):
    p = run([BENCH, "-s", server.sock, "--dbnum", 5, "-3", "--enable-tracking",
             "-n", 500, "-q", "-t", "set,get"])
    assert p.returncode == 0, p.stderr
    assert [QUIET_RE.match(l).group(1) for l in quiet_lines(p.stdout)] == ["SET", "GET"]
    assert "db5:keys=1" in server.cmd("INFO", "keyspace")
    assert server.calls("set") == 500 and server.calls("get") == 500
    # one HELLO and one SELECT per connection, 50 connections per test
    assert server.calls("hello") == 100 and server.calls("select") == 100


def test_auth():
    s = Server("--requirepass", "sekret")
    try:
        p = bench(s, "-a", "sekret", "-n", 300, "-q", "-t", "set")
        assert QUIET_RE.match(quiet_lines(p.stdout)[0])
        assert s.calls("set") == 300
        p = bench(s, "-a", "wrong", "-n", 10, "-q", "-t", "set", check=False)
        assert p.returncode != 0
        p = bench(s, "-u", "redis://default:sekret@127.0.0.1:%d/2" % s.port, "-n", 100,
                  "-q", "-t", "set")
        assert s.calls("set") == 400
        assert "db2:keys=1" in s.cmd("INFO", "keyspace")
    finally:
        s.stop()


def test_server_gone(server):
    port = server.port
    server.stop()
    p = run([BENCH, "-p", port, "-n", 10, "-q"])
    assert p.returncode == 1
    assert "Could not connect to Redis at 127.0.0.1:%d" % port in p.stderr


def test_bad_option(server):
    p = bench(server, "--frobnicate", check=False)
    assert p.returncode == 1
    assert p.stdout.startswith('Invalid option "--frobnicate" or option argument missing')


def normalize(text):
    """Full report with numbers blanked and the variable-length tables dropped."""
    out = []
    for line in text.replace("\r", "\n").splitlines():
        if "rps=" in line or not line.strip():
            continue
        if re.match(r"^\d+\.\d+% <=", line):
            continue
        # numbers blanked; %9.3f columns vary in width with the values
        out.append(re.sub(r" +", " ", re.sub(r"\d+(\.\d+)?", "N", line)))
    return out


@pytest.mark.skipif(REDIS_BENCH is None, reason="redis-benchmark not installed")
def test_output_shapes_match_redis_benchmark(server):
    args = ["-p", str(server.port), "-n", "2000", "-t", "set,get"]
    for mode in ([], ["-q"], ["--csv"], ["--threads", "2"]):
        ours = run([BENCH] + args + mode)
        theirs = run([REDIS_BENCH] + args + mode)
        assert ours.returncode == 0 and theirs.returncode == 0
        if mode == ["-q"]:
            assert [QUIET_RE.match(l).group(1) for l in quiet_lines(ours.stdout)] == \
                   [QUIET_RE.match(l).group(1) for l in quiet_lines(theirs.stdout)]
        elif mode == ["--csv"]:
            o, t = ours.stdout.splitlines(), theirs.stdout.splitlines()
            assert o[0] == t[0]
            assert [re.sub(r'"[\d.]+"', "N", l) for l in o] == \
                   [re.sub(r'"[\d.]+"', "N", l) for l in t]
        else:
            assert normalize(ours.stdout) == normalize(theirs.stdout)


def test_cluster_mode(tmp_path):
    servers = []
    try:
        for _ in range(3):
            # A long node timeout: on a loaded CI machine a short one lets the
            # nodes suspect each other and report CLUSTERDOWN mid-test.
            servers.append(Server("--cluster-enabled", "yes", "--cluster-config-file",
                                  "nodes.conf", "--cluster-node-timeout", "30000"))
        addrs = ["127.0.0.1:%d" % s.port for s in servers]
        subprocess.run([REDIS_CLI, "--cluster", "create"] + addrs +
                       ["--cluster-replicas", "0", "--cluster-yes"], capture_output=True,
                       text=True, timeout=60, check=True)
        deadline = time.time() + 30
        while time.time() < deadline:
            if all("cluster_state:ok" in s.cmd("CLUSTER", "INFO") for s in servers):
                break
            time.sleep(0.2)
        assert all("cluster_state:ok" in s.cmd("CLUSTER", "INFO") for s in servers), \
            "the 3-node cluster did not come up"
        out = tmp_path / "c.json"
        # one ring serving all six connections (two per master): an even spread
        p = bench(servers[0], "--cluster", "-t", "set,get,mset", "-n", 3000, "-r", 10000,
                  "-c", 6, "--threads", 1, "--json", out)
        assert "Cluster has 3 master nodes:" in p.stdout
        assert "cluster mode: yes (3 masters)" in p.stdout
        tests = {t["name"]: t for t in json.loads(out.read_text())["tests"]}
        for name, cmd in (("SET", "set"), ("GET", "get"), ("MSET (10 keys)", "mset")):
            per_node = [s.calls(cmd) for s in servers]
            assert sum(per_node) == 3000 == tests[name]["requests"], (cmd, per_node)
            assert all(c > 300 for c in per_node), per_node
            assert tests[name]["errors"] == 0

        # Move slots to another master while a run is going: the client aims
        # at the old owner, gets MOVED, and must follow it without losing or
        # double-counting requests. GET creates no keys, so every slot stays
        # empty and SETSLOT NODE is accepted by all three nodes.
        for s in servers:
            s.cmd("FLUSHALL")
            s.cmd("CONFIG", "RESETSTAT")
        ids = [s.cmd("CLUSTER", "MYID").strip() for s in servers]
        out2 = tmp_path / "c2.json"
        proc = subprocess.Popen([BENCH, "-p", str(servers[0].port), "--cluster", "-t", "get",
                                 "--duration", "3", "-c", "6", "--json", str(out2), "-q",
                                 "--rate", "3000"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        time.sleep(1.0)
        # all of node 1's slots go to node 2
        owned = []
        for line in servers[0].cmd("CLUSTER", "NODES").splitlines():
            f = line.split()
            if f[0] == ids[1]:
                owned = f[8:]
        slots = []
        for spec in owned:
            a, _, b = spec.partition("-")
            slots += range(int(a), int(b or a) + 1)
        script = "".join("CLUSTER SETSLOT %d NODE %s\n" % (slot, ids[2]) for slot in slots)
        for s in (servers[2], servers[0], servers[1]):    # new owner first
            subprocess.run([REDIS_CLI, "-p", str(s.port)], input=script, text=True,
                           capture_output=True, timeout=30, check=True)
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        t = json.loads(out2.read_text())["tests"][0]
        calls = [s.calls("get") for s in servers]
        assert t["redirects"] > 0
        assert t["errors"] == 0, t["first_error"]
        assert t["requests"] == sum(calls)     # MOVED replies are not executions
        assert calls[1] < calls[2]             # node 2 took over node 1's share
    finally:
        for s in servers:
            s.stop()
