"""Fixtures for petrel's integration tests.

The server under test is $PETREL_SERVER (default <repo>/build/petrel-server).
Every test here must pass against Debian's redis-server 7.0.15
(PETREL_SERVER=/usr/bin/redis-server) except those marked `petrel_only`,
which are skipped there.

Fixtures
  server_factory  function-scoped factory: start(*args, ...) -> Server; every
                  server it started is stopped (SIGTERM, then SIGKILL, by PID)
                  at teardown.
  shared_server   one server per test module (debug command enabled).
  r / rb          redis.Redis on shared_server (str / bytes replies); FLUSHALL
                  and SELECT 0 before each test.
  raw             a RawConn on shared_server.

Markers
  petrel_only     needs petrel (e.g. --threads); skipped on redis-server.
  needs_types     needs data types other than strings (lists only as a way
                  to get WRONGTYPE do not count); deselect with -m "not needs_types".
  timeout(s)      per-test wall-clock bound (default 60 s), via SIGALRM.
"""
import os
import signal
import socket
import subprocess
import time

import pytest
import redis

from helpers import Err, RawConn, free_port

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SERVER_BIN = os.environ.get("PETREL_SERVER") or os.path.join(REPO, "build", "petrel-server")
IS_PETREL = not os.path.basename(SERVER_BIN).startswith("redis")
DEFAULT_THREADS = int(os.environ.get("PETREL_THREADS", "2"))
DEFAULT_TEST_TIMEOUT = 60
START_TIMEOUT = 10.0
STOP_TIMEOUT = 10.0


def pytest_configure(config):
    config.addinivalue_line("markers", "petrel_only: test depends on petrel-specific behaviour or options")
    config.addinivalue_line("markers", "needs_types: test needs data types beyond strings")
    config.addinivalue_line("markers", "timeout(seconds): wall-clock bound for one test")


def pytest_report_header(config):
    return "server under test: %s (%s)" % (SERVER_BIN, "petrel" if IS_PETREL else "reference redis")


# Modules in this directory that other people own and that manage their own
# servers and time limits: the fixtures here leave them alone.
FOREIGN_MODULES = {"test_benchmark.py"}


def _ours(item):
    return os.path.basename(str(item.fspath)) not in FOREIGN_MODULES


def pytest_collection_modifyitems(config, items):
    missing = not os.access(SERVER_BIN, os.X_OK)
    no_bin = pytest.mark.skip(reason="server binary %s not built (set PETREL_SERVER)" % SERVER_BIN)
    petrel = pytest.mark.skip(reason="petrel-only test (PETREL_SERVER=%s is redis)" % SERVER_BIN)
    for item in items:
        if not _ours(item):
            continue
        if missing:
            item.add_marker(no_bin)
        elif not IS_PETREL and "petrel_only" in item.keywords:
            item.add_marker(petrel)


# ---------------------------------------------------------------------------
# per-test time bound
# ---------------------------------------------------------------------------


class TestTimeout(Exception):
    pass


@pytest.fixture(autouse=True)
def _time_limit(request):
    m = request.node.get_closest_marker("timeout")
    if m is None and not _ours(request.node):
        yield
        return
    limit = m.args[0] if m else DEFAULT_TEST_TIMEOUT

    def on_alarm(signum, frame):
        raise TestTimeout("test exceeded its %ss bound" % limit)

    old = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, limit)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


# ---------------------------------------------------------------------------
# servers
# ---------------------------------------------------------------------------


class ServerStartError(Exception):
    pass


class Server:
    """One server process in its own temp dir."""

    def __init__(self, workdir, args, port, host="127.0.0.1", unixsocket=None,
                 config_file=None, binary=SERVER_BIN):
        self.workdir = workdir
        self.host = host
        self.port = port
        self.unixsocket = unixsocket
        self.config_file = config_file
        self.binary = binary
        self.log_path = os.path.join(workdir, "server.log")
        self.stdout_path = os.path.join(workdir, "stdout.txt")
        self.stderr_path = os.path.join(workdir, "stderr.txt")
        argv = [binary]
        if config_file:
            argv.append(config_file)
        argv += args
        self.argv = argv
        self._out = open(self.stdout_path, "wb")
        self._err = open(self.stderr_path, "wb")
        self.proc = subprocess.Popen(argv, cwd=workdir, stdin=subprocess.DEVNULL,
                                     stdout=self._out, stderr=self._err)
        self.pid = self.proc.pid
        self._clients = []

    # -- lifecycle --
    def wait_ready(self, timeout=START_TIMEOUT):
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise ServerStartError("server exited with %s during start-up\n%s"
                                       % (self.proc.returncode, self.diagnostics()))
            try:
                # any well-formed reply (+PONG, -NOAUTH, -LOADING) means it is up
                conn = self.raw(timeout=1.0)
                try:
                    conn.send(b"PING\r\n")
                    line = conn.recv_line()
                    if line.startswith(b"+PONG") or line.startswith(b"-NOAUTH"):
                        return self
                    last = line
                finally:
                    conn.close()
            except OSError as e:
                last = e
            except Exception as e:  # ConnectionClosed and the like
                last = e
            time.sleep(0.02)
        raise ServerStartError("server did not answer PING within %.0fs (%r)\n%s"
                               % (timeout, last, self.diagnostics()))

    def alive(self):
        return self.proc.poll() is None

    def stop(self, sig=signal.SIGTERM, timeout=STOP_TIMEOUT):
        for c in self._clients:
            try:
                c.close()
            except Exception:
                pass
        self._clients = []
        if self.proc.poll() is None:
            try:
                os.kill(self.pid, sig)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                os.kill(self.pid, signal.SIGKILL)
                self.proc.wait(timeout)
        for f in (self._out, self._err):
            try:
                f.close()
            except Exception:
                pass
        return self.proc.returncode

    def wait_exit(self, timeout=STOP_TIMEOUT):
        """Wait (bounded) for the process to exit by itself; returns its code."""
        return self.proc.wait(timeout)

    # -- clients --
    def _new_client(self, **kw):
        if self.port == 0 and self.unixsocket:
            return redis.Redis(unix_socket_path=self.unixsocket, **kw)
        return redis.Redis(host=self.host, port=self.port, **kw)

    def client(self, decode_responses=True, **kw):
        kw.setdefault("socket_timeout", 10.0)
        kw.setdefault("socket_connect_timeout", 5.0)
        c = self._new_client(decode_responses=decode_responses, **kw)
        self._clients.append(c)
        return c

    def raw(self, timeout=10.0, unix=False):
        if unix or (self.port == 0 and self.unixsocket):
            return RawConn(unix_path=self.unixsocket, timeout=timeout)
        return RawConn(self.host, self.port, timeout=timeout)

    # -- diagnostics --
    def read_log(self):
        out = []
        for p in (self.log_path, self.stdout_path, self.stderr_path):
            try:
                with open(p, "rb") as f:
                    out.append(f.read().decode("utf-8", "replace"))
            except OSError:
                pass
        return "\n".join(out)

    def diagnostics(self):
        return "argv: %r\n--- output (tail) ---\n%s" % (self.argv, self.read_log()[-3000:])


def base_args(port, workdir, bind="127.0.0.1", threads=None, logfile=True):
    args = ["--port", str(port), "--save", "", "--appendonly", "no", "--dir", workdir]
    if bind is not None:
        args += ["--bind"] + bind.split()
    if logfile:
        args += ["--logfile", os.path.join(workdir, "server.log")]
    if IS_PETREL:
        args += ["--threads", str(threads or DEFAULT_THREADS)]
    return args


class ServerFactory:
    def __init__(self, tmp_root):
        self.tmp_root = tmp_root
        self.servers = []
        self.n = 0

    def workdir(self):
        self.n += 1
        d = os.path.join(self.tmp_root, "srv%d" % self.n)
        os.makedirs(d, exist_ok=True)
        return d

    def start(self, *extra, threads=None, config=None, port=None, bind="127.0.0.1",
              unixsocket=None, wait=True, logfile=True, host=None, workdir=None):
        """Start a server. extra: further command-line args ("--requirepass", "x").
        config: text of a config file written to the temp dir and passed first.
        unixsocket: True for <tmp>/s.sock or a path. port=0 with unixsocket gives
        a unix-only server."""
        attempts = 3 if port is None else 1
        for attempt in range(attempts):
            wd = workdir or self.workdir()
            p = free_port() if port is None else port
            cfg_path = None
            if config is not None:
                cfg_path = os.path.join(wd, "petrel.conf")
                with open(cfg_path, "w") as f:
                    f.write(config)
            args = base_args(p, wd, bind=bind, threads=threads, logfile=logfile)
            if unixsocket:
                path = os.path.join(wd, "s.sock") if unixsocket is True else unixsocket
                args += ["--unixsocket", path]
            else:
                path = None
            args += [str(a) for a in extra]
            h = host or (bind.split()[0] if bind else "127.0.0.1")
            srv = Server(wd, args, p, host=h, unixsocket=path, config_file=cfg_path)
            self.servers.append(srv)
            if not wait:
                return srv
            try:
                return srv.wait_ready()
            except ServerStartError:
                srv.stop(signal.SIGKILL)
                # a lost race for the port: try another one
                if attempt + 1 < attempts and "in use" in srv.read_log().lower():
                    continue
                raise

    def run_to_exit(self, argv_tail, timeout=10.0, cwd=None):
        """Run the binary with argv_tail and wait (bounded) for it to exit.
        Returns (returncode, stdout, stderr) as str."""
        cwd = cwd or self.workdir()
        p = subprocess.Popen([SERVER_BIN] + list(argv_tail), cwd=cwd, stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            out, err = p.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.kill(p.pid, signal.SIGKILL)
            out, err = p.communicate(timeout=5)
            raise AssertionError("server did not exit within %ss: %r %r" % (timeout, out, err))
        return p.returncode, out.decode("utf-8", "replace"), err.decode("utf-8", "replace")

    def stop_all(self):
        for s in self.servers:
            s.stop()
        self.servers = []


@pytest.fixture
def server_factory(tmp_path):
    f = ServerFactory(str(tmp_path))
    try:
        yield f
    finally:
        f.stop_all()


@pytest.fixture
def server(server_factory):
    """Alias of server_factory: server.start(*args, threads=, config=, ...)."""
    return server_factory


@pytest.fixture(scope="module")
def shared_server(tmp_path_factory):
    root = str(tmp_path_factory.mktemp("shared"))
    f = ServerFactory(root)
    srv = f.start("--enable-debug-command", "yes")
    try:
        yield srv
    finally:
        f.stop_all()


@pytest.fixture
def r(shared_server):
    assert shared_server.alive(), "shared server died:\n" + shared_server.diagnostics()
    c = shared_server.client(decode_responses=True)
    c.flushall()
    yield c
    c.close()


@pytest.fixture
def rb(shared_server, r):
    c = shared_server.client(decode_responses=False)
    yield c
    c.close()


@pytest.fixture
def raw(shared_server, r):
    conn = shared_server.raw()
    yield conn
    conn.close()


def ipv6_loopback_available():
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


class Caller:
    """Runs commands over a RawConn and returns parsed replies; errors come
    back as helpers.Err (a str holding the full text, code included)."""

    def __init__(self, conn):
        self.conn = conn

    def __call__(self, *args):
        return self.conn.call(*args)

    def err(self, *args):
        rep = self.conn.call(*args)
        assert isinstance(rep, Err), "expected an error from %r, got %r" % (args, rep)
        return str(rep)


@pytest.fixture
def call(raw):
    """call(*args) -> parsed reply; call.err(*args) -> full error text."""
    return Caller(raw)
