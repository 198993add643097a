"""Fetch throughput against slow loopback hosts, compared with the ideal schedule.

Four servers on 127.0.0.2-127.0.0.5 (all loopback on Linux) each add 100 ms to
every request; Retold fetches 80 pages spread over them with the default policy
except ``per_host_delay=0`` (the delay is politeness, not throughput). The ideal
is ``ceil(urls / parallelism) x latency``, where parallelism is the smaller of the
global limit and hosts x per-host limit. Retold's time includes everything a real
run does: robots.txt per host, the SSRF guard, charset decoding.

    .venv/bin/python bench/bench_fetch.py [--urls 80] [--hosts 4] [--latency 0.1]
"""

from __future__ import annotations

import argparse
import asyncio
import math
import multiprocessing
import statistics
import sys
import time
from dataclasses import replace
from multiprocessing.connection import Connection
from multiprocessing.synchronize import Event as EventType
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "ingest"))

import httpx  # noqa: E402
from hostile_server import HostileServer  # noqa: E402

from retold.ingest.fetch import Fetcher, FetchPolicy  # noqa: E402


async def retold_run(urls: list[str], policy: FetchPolicy) -> float:
    async with Fetcher(policy) as fetcher:
        start = time.perf_counter()
        results = await asyncio.gather(*(fetcher.fetch(u) for u in urls))
        elapsed = time.perf_counter() - start
    assert all(r.status == 200 for r in results)
    return elapsed


async def plain_httpx_run(urls: list[str], concurrency: int) -> float:
    """For reference: bare httpx with a semaphore, no politeness or safety."""
    gate = asyncio.Semaphore(concurrency)
    async with httpx.AsyncClient() as client:

        async def one(url: str) -> None:
            async with gate:
                (await client.get(url)).raise_for_status()

        start = time.perf_counter()
        await asyncio.gather(*(one(u) for u in urls))
        return time.perf_counter() - start


def serve(hosts: int, latency: float, pipe: Connection, stop: EventType) -> None:
    servers = [HostileServer(f"127.0.0.{2 + i}", latency=latency).start() for i in range(hosts)]
    pipe.send([server.base for server in servers])
    stop.wait()
    for server in servers:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--urls", type=int, default=80)
    parser.add_argument("--hosts", type=int, default=4)
    parser.add_argument("--latency", type=float, default=0.1)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    # The servers live in another process so their threads don't compete for our GIL.
    context = multiprocessing.get_context("fork")
    parent, child = context.Pipe()
    stop = context.Event()
    process = context.Process(target=serve, args=(args.hosts, args.latency, child, stop))
    process.start()
    bases: list[str] = parent.recv()
    try:
        urls = [f"{bases[i % args.hosts]}/page?n={i}" for i in range(args.urls)]
        policy = FetchPolicy(per_host_delay=0, allow_hosts=frozenset({"127.0.0.0/8"}))
        parallel = min(policy.concurrency, args.hosts * policy.per_host)
        ideal = math.ceil(args.urls / parallel) * args.latency
        # robots.txt costs one extra round trip per host on a cold fetcher
        retold = statistics.median(
            asyncio.run(retold_run(urls, policy)) for _ in range(args.repeat)
        )
        no_robots = statistics.median(
            asyncio.run(retold_run(urls, replace(policy, respect_robots=False)))
            for _ in range(args.repeat)
        )
        plain = statistics.median(
            asyncio.run(plain_httpx_run(urls, parallel)) for _ in range(args.repeat)
        )
    finally:
        stop.set()
        process.join(5)
    print(
        f"# {args.urls} URLs over {args.hosts} hosts, {args.latency * 1000:.0f} ms latency, "
        f"parallelism {parallel}; "
        f"retold without robots.txt: {no_robots:.2f} s; plain httpx+semaphore: {plain:.2f} s"
    )
    print(
        f"bench fetch-throughput: ratio={retold / ideal:.2f} "
        f"(retold={retold:.2f} s, baseline={ideal:.2f} s)"
    )


if __name__ == "__main__":
    main()
