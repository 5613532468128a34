#!/usr/bin/python3
"""Data types side by side with redis-server: throughput and server CPU per
request for LPUSH, LPOP, SADD, HSET, ZADD, ZRANGE, a cross-shard SUNIONSTORE,
GEOADD and GEOSEARCH (10k points)
at -P 1 and -P 16 (-c 50), and memory per element of 1M-element hashes, sets and
sorted sets (INFO used_memory).

Servers pinned to CPU 0 (petrel --threads 1; --threads 2 for the cross-shard
SUNIONSTORE, whose two source sets then live on different shards), redis-benchmark
pinned to CPU 1. Medians of --runs runs.

Usage: benches/bench_types.py [--runs 3] [--requests 200000] [--skip-memory] [--only NAME]
"""
import os, random, statistics, subprocess, sys, tempfile, time

import redis

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import bench_args, redis_benchmark, start_server, stop_server  # noqa: E402

CRC_TAB = []


def crc16(data):
    crc = 0
    for b in data:
        crc ^= b << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return crc


def two_keys_on_two_shards():
    """Two set keys whose slots differ in parity: shards 0 and 1 of 2."""
    a = b = None
    i = 0
    while a is None or b is None:
        k = "us:%d" % i
        s = crc16(k.encode()) % 16384
        if s % 2 == 0 and a is None:
            a = k
        elif s % 2 == 1 and b is None:
            b = k
        i += 1
    return a, b


def main():
    ap = bench_args()
    ap.add_argument("--skip-memory", action="store_true")
    ap.add_argument("--only", help="run only the tests whose name starts with this")
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="petrel-types-")
    s1, s2 = two_keys_on_two_shards()
    tests = [
        ("LPUSH", ["-t", "lpush"], None),
        ("LPOP", ["-t", "lpop"], None),
        ("SADD", ["-t", "sadd"], None),
        ("HSET", ["-t", "hset"], None),
        ("ZADD", ["-t", "zadd"], None),
        ("ZRANGE 0 9", ["ZRANGE", "zr", "0", "9", "WITHSCORES"], "zr"),
        ("SUNIONSTORE (2 shards)", ["SUNIONSTORE", "us:dst", s1, s2], "sets"),
        ("GEOADD", ["GEOADD", "g", "13.361389", "38.115556", "m:__rand_int__"], None),
        ("GEOSEARCH 10 km COUNT 10", ["GEOSEARCH", "geo", "FROMLONLAT", "13.5", "38.5", "BYRADIUS",
                                      "10", "km", "ASC", "COUNT", "10"], "geo"),
    ]
    if a.only:
        tests = [t for t in tests if t[0].startswith(a.only)]
    results = {}
    for run in range(a.runs):
        for name, binary, extra in (("redis", a.redis, []), ("petrel", a.petrel, None)):
            for tname, args, prep in tests:
                ex = extra if extra is not None else (["--threads", "2"] if prep == "sets" else ["--threads", "1"])
                p, port = start_server(binary, ex, tmp, cpu=0)
                try:
                    c = redis.Redis(port=port)
                    if prep == "zr":
                        c.zadd("zr", {"m%d" % i: i for i in range(100)})
                    if prep == "geo":   # 10k points over about 100 x 100 km
                        rnd = random.Random(1)
                        pts = []
                        for i in range(10000):
                            pts += [13 + rnd.random(), 38 + rnd.random(), "p%d" % i]
                        c.execute_command("GEOADD", "geo", *pts)
                    if prep == "sets":
                        c.sadd(s1, *["a%d" % i for i in range(20)])
                        c.sadd(s2, *["b%d" % i for i in range(20)])
                    for P in (1, 16):
                        if tname == "LPOP":  # keep the list from running dry
                            c.rpush("mylist", *["x"] * 10)
                            subprocess.run(["redis-benchmark", "-p", str(port), "-n", str(a.requests * 2),
                                            "-P", "64", "-q", "-t", "lpush"], capture_output=True, timeout=300)
                        results.setdefault((name, tname, P), []).append(redis_benchmark(port, p.pid, P, a.requests, args))
                finally:
                    stop_server(p)
    print("| command | -P | redis req/s | petrel req/s | ratio | redis CPU us/req | petrel CPU us/req | CPU ratio |")
    print("|---|---|---|---|---|---|---|---|")
    for tname, _, _ in tests:
        for P in (1, 16):
            r = results[("redis", tname, P)]
            q = results[("petrel", tname, P)]
            rr, pr = statistics.median(x[0] for x in r), statistics.median(x[0] for x in q)
            ru, pu = statistics.median(x[1] for x in r), statistics.median(x[1] for x in q)
            print(f"| {tname} | {P} | {rr:,.0f} | {pr:,.0f} | {pr / rr:.2f} | {ru:.2f} | {pu:.2f} | {pu / ru:.2f} |")
    if a.skip_memory:
        return
    print("\n| 1M elements in one key | redis B/element | petrel B/element |\n|---|---|---|")
    fills = {
        "hash (HSET f v)": lambda i: b"*4\r\n$4\r\nHSET\r\n$1\r\nh\r\n$%d\r\nf%d\r\n$%d\r\nv%d\r\n" % (
            len(str(i)) + 1, i, len(str(i)) + 1, i),
        "set (SADD m)": lambda i: b"*3\r\n$4\r\nSADD\r\n$1\r\ns\r\n$%d\r\nm%d\r\n" % (len(str(i)) + 1, i),
        "zset (ZADD i m)": lambda i: b"*4\r\n$4\r\nZADD\r\n$1\r\nz\r\n$%d\r\n%d\r\n$%d\r\nm%d\r\n" % (
            len(str(i)), i, len(str(i)) + 1, i),
    }
    for label, f in fills.items():
        data = b"".join(f(i) for i in range(1000000))
        row = []
        for binary, ex in ((a.redis, []), (a.petrel, ["--threads", "1"])):
            p, port = start_server(binary, ex, tmp, cpu=0)
            try:
                c = redis.Redis(port=port)
                u0 = c.info("memory")["used_memory"]
                subprocess.run(["redis-cli", "-p", str(port), "--pipe"], input=data, capture_output=True,
                               timeout=600, check=True)
                time.sleep(0.3)
                row.append((c.info("memory")["used_memory"] - u0) / 1e6)
            finally:
                stop_server(p)
        print(f"| {label} | {row[0]:.1f} | {row[1]:.1f} |")


if __name__ == "__main__":
    sys.exit(main())
