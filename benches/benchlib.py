"""Helpers shared by the benches/*.py scripts: free loopback ports, server CPU time
from /proc, starting a server (optionally pinned) and stopping it by PID."""
import os, signal, socket, subprocess, time

CLK = os.sysconf("SC_CLK_TCK")


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
