#!/usr/bin/python3
"""Memory per key: 1M keys (16-byte keys, 32-byte values), then the same with a TTL
on each key, loaded into redis-server and petrel-server (--threads 1) side by side.
Reports INFO used_memory and RSS deltas per key for both.

Usage: benches/bench_memory.py [--keys 1000000] [--petrel build/petrel-server]
Keys are loaded with `redis-cli --pipe`. Kills the servers it started by PID.
"""
import os, subprocess, sys, tempfile, time

import redis


sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import bench_args, start_server, stop_server  # noqa: E402


def payload(n, ttl):
    out = bytearray()
    for i in range(n):
        k = b"key:%012d" % i          # 16 bytes
        v = b"v" * 20 + b"%012d" % i  # 32 bytes
        if ttl:
            out += b"*5\r\n$3\r\nSET\r\n$16\r\n%s\r\n$32\r\n%s\r\n$2\r\nEX\r\n$5\r\n86400\r\n" % (k, v)
        else:
            out += b"*3\r\n$3\r\nSET\r\n$16\r\n%s\r\n$32\r\n%s\r\n" % (k, v)
    return bytes(out)


def mem(c):
    i = c.info("memory")
    return i["used_memory"], i["used_memory_rss"]


def measure(c, port, data, n):
    c.flushall()
    time.sleep(0.5)
    u0, r0 = mem(c)
    subprocess.run(["redis-cli", "-p", str(port), "--pipe"], input=data, capture_output=True,
                   timeout=300, check=True)
    assert c.dbsize() == n, c.dbsize()
    time.sleep(0.5)
    u1, r1 = mem(c)
    return (u1 - u0) / n, (r1 - r0) / n


def main():
    ap = bench_args(runs=False)
    ap.add_argument("--keys", type=int, default=1000000)
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="petrel-mem-")
    procs = []
    rows = []
    try:
        # A fresh server per case, so RSS is not flattered by pages freed earlier.
        for name, binary, extra in (("redis", a.redis, []), ("petrel", a.petrel, ["--threads", "1"])):
            for ttl in (False, True):
                p, port = start_server(binary, extra, tmp)
                procs.append(p)
                c = redis.Redis(port=port)
                u, r = measure(c, port, payload(a.keys, ttl), a.keys)
                rows.append((name, ttl, u, r))
                stop_server(p)
    finally:
        for p in procs:
            stop_server(p)
    print("| server | TTL | used_memory B/key | RSS B/key | overhead B/key (used - 48 B data) |")
    print("|---|---|---|---|---|")
    for name, ttl, u, r in rows:
        print(f"| {name} | {'yes' if ttl else 'no'} | {u:.1f} | {r:.1f} | {u - 48:.1f} |")


if __name__ == "__main__":
    sys.exit(main())
