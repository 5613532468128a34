#!/usr/bin/python3
"""Side-by-side throughput and server CPU per request: redis-server vs petrel-server.

Each server runs pinned to CPU 0 (petrel with --threads 1), redis-benchmark pinned to
CPU 1. For each test (SET, GET, INCR, MSET) and pipeline depth (-P 1, -P 16) with
-c 50 it records req/s (from redis-benchmark's CSV) and the server's CPU time
(utime+stime from /proc/<pid>/stat) divided by the requests. Several runs; the
table shows medians and the petrel/redis ratios.

Usage: benches/bench_core.py [--runs 3] [--requests 200000] [--petrel build/petrel-server]
Bounded in time; kills the servers it started by PID.
"""
import os, statistics, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import bench_args, redis_benchmark, start_server, stop_server  # noqa: E402


def main():
    ap = bench_args()
    ap.add_argument("--tests", default="set,get,incr,mset")
    a = ap.parse_args()
    servers = {"redis": (a.redis, []), "petrel": (a.petrel, ["--threads", "1"])}
    results = {}  # (server, test, P) -> list of (rps, us)
    procs = []
    try:
        tmp = tempfile.mkdtemp(prefix="petrel-bench-")
        ports = {}
        for name, (binary, extra) in servers.items():
            os.makedirs(tmp + "/" + name)
            p, port = start_server(binary, extra, tmp + "/" + name, cpu=0)
            procs.append(p)
            ports[name] = (p, port)
        for run in range(a.runs):
            for test in a.tests.split(","):
                for P in (1, 16):
                    for name in servers:  # alternate servers inside each run
                        p, port = ports[name]
                        rps, us = redis_benchmark(port, p.pid, P, a.requests, ["-t", test])
                        results.setdefault((name, test, P), []).append((rps, us))
    finally:
        for p in procs:
            stop_server(p)
    print(f"| test | -P | redis req/s | petrel req/s | ratio | redis CPU us/req | petrel CPU us/req | CPU ratio |")
    print("|---|---|---|---|---|---|---|---|")
    for test in a.tests.split(","):
        for P in (1, 16):
            r = results[("redis", test, P)]
            q = results[("petrel", test, P)]
            rr = statistics.median(x[0] for x in r)
            pr = statistics.median(x[0] for x in q)
            ru = statistics.median(x[1] for x in r)
            pu = statistics.median(x[1] for x in q)
            print(f"| {test.upper()} | {P} | {rr:,.0f} | {pr:,.0f} | {pr/rr:.2f} | {ru:.2f} | {pu:.2f} | {pu/ru:.2f} |")
    print(f"\nmedians of {a.runs} runs, {a.requests} requests each, -c 50, -r 100000; "
          "servers pinned to CPU 0, redis-benchmark to CPU 1; CPU ratio < 1 means petrel is cheaper.")


if __name__ == "__main__":
    sys.exit(main())
