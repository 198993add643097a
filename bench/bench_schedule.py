"""The scheduler under a big newsroom: 10,000 small feeds on loopback, `retold watch` left
running, every feed read again when its server says it may be and not before.

A loopback server plays ``--feeds`` publishers' feeds, each with its own freshness
(``Cache-Control: max-age`` between ``--min-age`` and ``--max-age`` seconds, drawn from a
seeded generator) and an ETag, answering conditional requests with 304. `retold watch
--interval I` runs for ``--minutes``; the server logs when each feed is read and the bench
samples the watch process's RSS every second. Prints

    bench schedule-lateness: ratio=R (retold=p95 seconds a read came after it was due,
        baseline=the watch interval)   (R <= 1: every feed read within one cycle of its time)
    bench schedule-early: ratio=R (retold=reads before the feed's time, baseline=all reads)
    bench schedule-rss: ratio=R (retold=peak RSS in the last third, baseline=the first third)

A feed never read again after its time passed counts as late by the time it waited.
    bench schedule-cpu: ratio=R (retold=CPU per read, baseline=time between the reads the
        feeds ask for): R < 1 means one core can keep every feed on time; lateness on a
        shared machine also shows what else was running

The first cycle reads every feed (all are due), so it takes longest: ``--minutes`` should
leave several cycles after it.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from retold.newsroom import Newsroom  # noqa: E402
from retold.store import sources as sources_store  # noqa: E402


class Feeds:
    """/f/K.xml: an empty RSS channel with feed K's max-age and a fixed ETag."""

    def __init__(self, count: int, min_age: int, max_age: int) -> None:
        rng = random.Random(7)
        self.ages = [rng.randint(min_age, max_age) for _ in range(count)]
        self.reads: list[list[float]] = [[] for _ in range(count)]
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._server.request_queue_size = 256
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        feeds = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out in two writes: with Nagle on, each 200 waited for
            # the client's delayed ACK (40 ms), a publisher slower than any real one.
            disable_nagle_algorithm = True

            def log_message(self, *_args: Any) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                path = self.path.split("?")[0]
                if not (path.startswith("/f/") and path.endswith(".xml")):
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                k = int(path[3:-4])
                with feeds._lock:
                    feeds.reads[k].append(time.monotonic())
                etag = f'"feed-{k}"'
                fresh = f"max-age={feeds.ages[k]}"
                if self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.send_header("Cache-Control", fresh)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                body = (
                    '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
                    f"<title>Feed {k}</title><link>{feeds.base}/</link>"
                    "<description>Generated</description></channel></rss>"
                ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml")
                self.send_header("ETag", etag)
                self.send_header("Cache-Control", fresh)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        return Handler

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of ``pid`` so far (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def lateness(reads: list[float], age: int, end: float, slack: float) -> tuple[list[float], int]:
    """Seconds each read came after its feed's time (and a still-unread overdue one), and
    how many reads came before it (``slack`` allows for the time a read takes)."""
    late, early = [], 0
    for before, after in zip(reads, reads[1:], strict=False):
        due = before + age
        if after < due - slack:
            early += 1
        late.append(max(0.0, after - due))
    if reads and end > reads[-1] + age:
        late.append(end - (reads[-1] + age))
    return late, early


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--feeds", type=int, default=10_000)
    parser.add_argument("--minutes", type=float, default=20.0)
    parser.add_argument("--interval", type=int, default=30, help="seconds between cycles")
    parser.add_argument("--min-age", type=int, default=180)
    parser.add_argument("--max-age", type=int, default=600)
    args = parser.parse_args(argv)
    feeds = Feeds(args.feeds, args.min_age, args.max_age)
    samples: list[tuple[float, float]] = []
    try:
        with tempfile.TemporaryDirectory(prefix="retold-schedule-") as tmp:
            port = feeds.base.rsplit(":", 1)[1]
            room = Newsroom.init(Path(tmp) / "news", allow_hosts=(f"127.0.0.1:{port}",),
                                 per_host_delay=0.0)  # fmt: skip
            with room.db.transaction() as session:
                for k in range(args.feeds):
                    sources_store.add_source(session, f"{feeds.base}/f/{k}.xml", "feed")
            room.close()
            config = room.root / "retold.toml"
            text = config.read_text(encoding="utf-8")
            config.write_text(text.replace("per_host = 2", "per_host = 16"), encoding="utf-8")
            started = time.monotonic()
            watch = subprocess.Popen(
                [sys.executable, "-m", "retold", "-q", "-d", str(room.root), "watch",
                 "--interval", f"{args.interval}s", "--jitter", "0"],
                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            )  # fmt: skip
            stop_at = started + args.minutes * 60
            cpu = 0.0
            while time.monotonic() < stop_at and watch.poll() is None:
                samples.append((time.monotonic() - started, rss_mb(watch.pid)))
                cpu = cpu_seconds(watch.pid) or cpu
                time.sleep(1)
            end = time.monotonic()
            if watch.poll() is None:
                watch.send_signal(signal.SIGTERM)
            _, err = watch.communicate(timeout=300)
            if watch.returncode not in (0, 1, 130, -signal.SIGTERM):
                print(f"# watch ended with {watch.returncode}: {err.decode()[-400:]}")
    finally:
        feeds.stop()
    late: list[float] = []
    early = reads = 0
    never = sum(1 for r in feeds.reads if not r)
    for k, times in enumerate(feeds.reads):
        feed_late, feed_early = lateness(times, feeds.ages[k], end, slack=1.0)
        late += feed_late
        early += feed_early
        reads += len(times)
    late.sort()
    p95 = late[int(len(late) * 0.95)] if late else 0.0
    third = (end - started) / 3
    first = max((mb for t, mb in samples if t <= third), default=0.0)
    last = max((mb for t, mb in samples if t >= 2 * third), default=0.0)
    print(
        f"# {args.feeds} feeds, {reads} reads in {end - started:.0f} s; {never} never read; "
        f"lateness p50 {late[len(late) // 2] if late else 0:.1f} s, p95 {p95:.1f} s, "
        f"max {late[-1] if late else 0:.1f} s; watch RSS {samples[-1][1] if samples else 0:.0f} MB",
        flush=True,
    )
    # Load-independent: the CPU a read costs against the reads the feeds ask for per second.
    per_read = cpu / max(reads, 1)
    demand = sum(1 / age for age in feeds.ages)
    print(
        f"bench schedule-cpu: ratio={demand * per_read:.2f} (retold={per_read * 1000:.1f} ms of "
        f"CPU per read, baseline={1000 / demand:.1f} ms between the reads {args.feeds} feeds ask "
        "for): one core keeps the schedule while this is below 1"
    )
    print(
        f"bench schedule-lateness: ratio={p95 / args.interval:.2f} "
        f"(retold={p95:.1f} s late at p95, baseline={args.interval} s between cycles)"
    )
    print(f"bench schedule-early: ratio={early / max(reads, 1):.3f} (retold={early} early reads, "
          f"baseline={reads} reads)")  # fmt: skip
    print(
        f"bench schedule-rss: ratio={last / first if first else 0:.2f} "
        f"(retold={last:.0f} MB in the last third, baseline={first:.0f} MB in the first)"
    )
    return 0 if never == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
