#!/usr/bin/python3
"""Active expiry at scale: load N keys (default 1M) that all expire D ms after they
are written, then report how long after the LAST deadline the keyspace is empty, and
the worst PING round trip observed meanwhile (a latency spike would show there).
Runs redis-server and petrel-server (--threads 1 and 2) in turn.

Usage: benches/bench_expire.py [--keys 1000000] [--ttl-ms 3000]
"""
import os, subprocess, sys, tempfile, time

import redis


sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import bench_args, start_server, stop_server  # noqa: E402


def run(binary, extra, n, ttl_ms, tmp):
    p, port = start_server(binary, extra, tmp)
    try:
        c = redis.Redis(port=port, socket_timeout=10)
        data = bytearray()
        for i in range(n):
            k = b"exp:%d" % i
            data += b"*5\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$1\r\nv\r\n$2\r\nPX\r\n$%d\r\n%d\r\n" % (
                len(k), k, len(str(ttl_ms)), ttl_ms)
        subprocess.run(["redis-cli", "-p", str(port), "--pipe"], input=bytes(data),
                       capture_output=True, timeout=600, check=True)
        last_deadline = time.time() + ttl_ms / 1000.0
        worst = 0.0
        deadline = time.time() + 120
        while time.time() < deadline:
            t0 = time.time()
            c.ping()
            worst = max(worst, time.time() - t0)
            if time.time() > last_deadline and c.dbsize() == 0:
                return time.time() - last_deadline, worst
            time.sleep(0.01)
        return float("nan"), worst
    finally:
        stop_server(p)


def main():
    ap = bench_args(runs=False)
    ap.add_argument("--keys", type=int, default=1000000)
    ap.add_argument("--ttl-ms", type=int, default=3000)
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="petrel-exp-")
    print("| server | empty after last deadline (s) | worst PING during expiry (ms) |")
    print("|---|---|---|")
    for name, binary, extra in (("redis", a.redis, []),
                                ("petrel --threads 1", a.petrel, ["--threads", "1"]),
                                ("petrel --threads 2", a.petrel, ["--threads", "2"])):
        after, worst = run(binary, extra, a.keys, a.ttl_ms, tmp)
        print(f"| {name} | {after:.2f} | {worst * 1000:.1f} |")


if __name__ == "__main__":
    sys.exit(main())
