"""Sizing the workers: one newsroom on PostgreSQL, its stages run by 1, 2 and 4 worker
processes (`retold worker`, Celery with a Redis broker), against one `retold run`.

Each configuration gets a fresh database and the same ``--docs`` generated documents
(bench_soak's loopback publisher: ~290-word news items, no copied text) and runs one
cycle with the extractive writer. Prints

    bench workers-N-speedup: ratio=R (retold=N workers' seconds, baseline=one run's seconds)

(R > 1: faster than one process), and per configuration the documents per second of each
stage per worker process, so an operator can size a newsroom: a stage's rate times the
worker processes given to it is its capacity. On the two-core machines here the speed-up
stops at two processes; the figures say how far each stage scales before that.

Needs Debian's PostgreSQL and Redis (scripts/system-deps.sh) and runs as root, the way
`make test` does.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_soak import FEEDS, Publisher  # noqa: E402
from tests.postgres import Postgres  # noqa: E402
from tests.redis_server import RedisServer  # noqa: E402

from retold.newsroom import Newsroom  # noqa: E402
from retold.store import sources as sources_store  # noqa: E402

PER_ITEM = ("fetch", "extract", "write", "verify")


def newsroom(root: Path, store: str, broker: str, publisher: Publisher) -> Path:
    port = publisher.base.rsplit(":", 1)[1]
    room = Newsroom.init(root, allow_hosts=(f"127.0.0.1:{port}",), per_host_delay=0.0)
    room.close()
    config = root / "retold.toml"
    text = config.read_text(encoding="utf-8")
    text = text.replace("[store]\n", f'[store]\nurl = "{store}"\n', 1)
    text = text.replace("[worker]\n", f'[worker]\nbroker = "{broker}"\nlease_seconds = 30\n', 1)
    config.write_text(text, encoding="utf-8")
    with Newsroom.open(root) as opened, opened.db.transaction() as session:
        for k in range(FEEDS):
            sources_store.add_source(session, f"{publisher.base}/feed/{k}.xml", "feed")
    return root


def timed_run(root: Path, *args: str) -> tuple[float, dict[str, Any]]:
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "retold", "-q", "-d", str(root), "run", "--json", *args],
        capture_output=True,
        text=True,
    )
    seconds = time.monotonic() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"retold run {' '.join(args)} failed: {done.stderr[-600:]}")
    return seconds, json.loads(done.stdout)


def with_workers(root: Path, processes: int) -> tuple[float, dict[str, Any]]:
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "retold",
                "-q",
                "-d",
                str(root),
                "worker",
                "--concurrency",
                "1",
                "--name",
                f"bench{i}@here",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip
        for i in range(processes)
    ]
    try:
        time.sleep(3)  # the dispatcher waits for them too; this keeps start-up out of the time
        return timed_run(root, "--workers")
    finally:
        for worker in workers:
            os.killpg(worker.pid, signal.SIGTERM)
        for worker in workers:
            worker.wait(timeout=120)


def stage_rates(report: dict[str, Any], docs: int, processes: int) -> str:
    timings = report.get("timings", {})
    rates = []
    for stage in PER_ITEM:
        seconds = timings.get(stage, {}).get("seconds", 0.0)
        if seconds:
            rates.append(f"{stage} {docs / seconds / processes:.1f}")
    return ", ".join(rates) + " docs/s per process"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=200, help="documents per configuration")
    parser.add_argument("--workers", default="1,2,4", help="worker process counts to try")
    args = parser.parse_args(argv)
    counts = [int(n) for n in re.split(r"[,\s]+", args.workers) if n]
    publisher = Publisher(args.docs)
    with tempfile.TemporaryDirectory(prefix="retold-workers-") as tmp:
        scratch = Path(tmp)
        scratch.chmod(0o755)  # the PostgreSQL server runs as its own user
        postgres = Postgres(scratch / "pg").start()
        redis = RedisServer(scratch / "redis").start()
        try:
            single_s, single = timed_run(
                newsroom(
                    scratch / "single", postgres.create_database("single"), redis.url, publisher
                )  # fmt: skip
            )
            made = single["counts"].get("documents_extracted", 0)
            print(
                f"# one `retold run`: {made} documents in {single_s:.1f} s; "
                f"{stage_rates(single, made, 1)}",
                flush=True,
            )
            for n in counts:
                redis.flush()
                root = newsroom(
                    scratch / f"w{n}", postgres.create_database(f"w{n}"), redis.url, publisher
                )
                seconds, report = with_workers(root, n)
                made = report["counts"].get("documents_extracted", 0)
                print(
                    f"# {n} worker process(es): {made} documents in {seconds:.1f} s; "
                    f"{stage_rates(report, made, n)}",
                    flush=True,
                )
                print(
                    f"bench workers-{n}-speedup: ratio={single_s / seconds:.2f} "
                    f"(retold={seconds:.1f} s with {n} worker process(es), "
                    f"baseline={single_s:.1f} s for one retold run)",
                    flush=True,
                )
        finally:
            redis.stop()
            postgres.stop()
            publisher.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
