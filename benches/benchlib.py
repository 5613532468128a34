"""Helpers shared by the benches/*.py scripts: free loopback ports, server CPU time
from /proc, starting a server (optionally pinned) and stopping it by PID."""
import argparse, os, signal, socket, subprocess, time

CLK = os.sysconf("SC_CLK_TCK")


def bench_args(runs=True):
    """The options every bench takes: --petrel and --redis binaries, and with
    runs also --runs and --requests. Add the bench's own, then parse_args()."""
    ap = argparse.ArgumentParser()
    if runs:
        ap.add_argument("--runs", type=int, default=3)
        ap.add_argument("--requests", type=int, default=200000)
    ap.add_argument("--petrel", default="build/petrel-server")
    ap.add_argument("--redis", default="/usr/bin/redis-server")
    return ap


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def cpu_seconds(pid):
    """utime + stime of pid, in seconds."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK


def redis_benchmark(port, pid, pipeline, requests, args):
    """redis-benchmark pinned to CPU 1 (-c 50, -r 100000, --csv) plus args. Returns
    (req/s of the last CSV row, server CPU µs per request from pid's /proc times)."""
    cmd = ["taskset", "-c", "1", "redis-benchmark", "-p", str(port), "-c", "50", "-n",
           str(requests), "-P", str(pipeline), "-r", "100000", "--csv"] + args
    c0 = cpu_seconds(pid)
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=600).stdout
    c1 = cpu_seconds(pid)
    rps = None
    for line in out.splitlines():
        parts = [x.strip('"') for x in line.split(",")]
        if len(parts) > 1 and parts[0] != "test":
            rps = float(parts[1])
    return rps, (c1 - c0) * 1e6 / requests


def start_server(binary, extra, tmp, cpu=None):
    """Start binary on a free loopback port with no persistence, in dir tmp, pinned
    to CPU cpu when given. Returns (Popen, port) once it accepts connections."""
    port = free_port()
    args = [binary, "--port", str(port), "--bind", "127.0.0.1",
            "--save", "", "--appendonly", "no", "--dir", tmp] + extra
    if cpu is not None:
        args = ["taskset", "-c", str(cpu)] + args
    p = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 10
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return p, port
        except OSError:
            time.sleep(0.05)
    p.kill()
    p.wait()
    raise RuntimeError(f"{binary} did not start")


def stop_server(p):
    """SIGTERM, then SIGKILL if it has not exited within 10 s."""
    if p.poll() is not None:
        return
    p.send_signal(signal.SIGTERM)
    try:
        p.wait(10)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
