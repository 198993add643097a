"""The desk's queue and article pages with 100,000 articles, against a static file.

    .venv/bin/python bench/bench_desk.py [--n 100000] [--requests 200]

Fills a newsroom with ``n`` articles (1% held, 8% with an unmatched sentence, five
checked sentences each, sources from a pool of 1,000 documents), starts `retold desk --site`
as its own process on 127.0.0.1, signs in, and times sequential GETs of the queue page, the
queue filtered by source and verdict, an article page, and the site's style sheet (a plain
static file served by the same server, the baseline). Prints for each page

    bench desk-NAME-p50: ratio=R (retold=A ms, baseline=B ms)

and the same for p95, where R = desk page / static file. "queue-after-a-change" is the
queue page right after a reader's report changed the newsroom (4 samples: the report
back-off allows five per address), so the queue is read from the store, not reused.
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import insert

from retold.desk import auth
from retold.newsroom import Newsroom
from retold.store.schema import Article, ArticleVersion, Document, SentenceCheckRow, Story

PASSWORD = "bench password 1234"
SITES = [f"Outlet {i}" for i in range(40)]
TOPICS = [f"Topic {i}" for i in range(60)]
CHUNK = 5_000


def sentence(doc: int, s: int) -> str:
    return f"Sentence {s} of document {doc} says {s * doc}."


def flagged(i: int) -> bool:
    """8% of articles have an unmatched sentence (1 in 100 of them is held, too)."""
    return i % 25 in (0, 1)


def fill(root: Path, n: int) -> None:
    Newsroom.init(root, title="Bench News").close()
    with Newsroom.open(root) as room:
        base = datetime(2026, 1, 1, tzinfo=UTC)
        with room.db.transaction() as session:
            session.execute(
                insert(Document),
                [
                    {
                        "id": d + 1, "url": f"https://o{d % 40}.example/{d}", "fetch_url": "x",
                        "status": "ready", "title": f"Document {d}", "site_name": SITES[d % 40],
                        "text": " ".join(sentence(d, s) for s in range(40)),
                    }
                    for d in range(1000)
                ],
            )  # fmt: skip
            auth.add_user(session, "bench", "editor", PASSWORD)
        for start in range(0, n, CHUNK):
            ids = range(start + 1, min(n, start + CHUNK) + 1)
            with room.db.transaction() as session:
                session.execute(insert(Story), [{"id": i, "status": "written"} for i in ids])
                session.execute(
                    insert(Article),
                    [
                        {
                            "id": i, "story_id": i, "slug": f"2026/01/article-{i}",
                            "status": "held" if i % 100 == 0 else "published", "current_version": 1,
                            "published_at": base + timedelta(minutes=i),
                            "updated_at": base + timedelta(minutes=i),
                        }
                        for i in ids
                    ],
                )  # fmt: skip
                session.execute(
                    insert(ArticleVersion),
                    [
                        {
                            "id": i, "article_id": i, "version": 1, "headline": f"Headline {i}",
                            "standfirst": "A standfirst.", "teaser": "A teaser.",
                            "paragraphs": [sentence(i % 1000, s) for s in range(5)],
                            "topics": [TOPICS[i % 60]], "backend": "extractive", "checked": True,
                            "sources": [{"document_id": i % 1000 + 1, "version": 1,
                                         "url": f"https://o{i % 40}.example/{i % 1000}",
                                         "title": "T", "site_name": SITES[i % 1000 % 40]}],
                            "label": "I picked these sentences from the original source.",
                        }
                        for i in ids
                    ],
                )  # fmt: skip
                session.execute(
                    insert(SentenceCheckRow),
                    [
                        {
                            "article_version_id": i, "idx": s, "paragraph": s,
                            "text": sentence(i % 1000, s), "evidence": sentence(i % 1000, s),
                            "verdict": "unsupported" if s == 4 and flagged(i) else "supported",
                            "score": 1.0, "reason": "",
                            "source_url": f"https://o{i % 40}.example/{i % 1000}",
                        }
                        for i in ids
                        for s in range(5)
                    ],
                )  # fmt: skip
    site = root / "site"
    site.mkdir(exist_ok=True)
    (site / "style.css").write_text("body { margin: 0 }\n" * 200)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def timed(get: Callable[[], httpx.Response], count: int) -> list[float]:
    for _ in range(5):  # warm up: templates compiled, pages in the OS cache
        assert get().status_code == 200
    out = []
    for _ in range(count):
        start = time.perf_counter()
        response = get()
        out.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code
    return out


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "news"
        started = time.perf_counter()
        fill(root, args.n)
        print(f"filled {args.n} articles in {time.perf_counter() - started:.1f} s", flush=True)
        port = free_port()
        command = [sys.executable, "-m", "retold", "-d", str(root), "desk", "--site"]
        server = subprocess.Popen(
            [*command, "--port", str(port)], stderr=subprocess.PIPE, env=os.environ.copy()
        )
        try:
            run(f"http://127.0.0.1:{port}", args.n, args.requests)
        finally:
            server.terminate()
            server.wait(timeout=30)


def run(base: str, n: int, count: int) -> None:
    client = httpx.Client(base_url=base, timeout=60)
    for _ in range(300):
        try:
            client.get("/style.css")
            break
        except httpx.TransportError:
            time.sleep(0.1)
    login = client.get("/desk/login")
    token = re.search(r'name="csrf" value="([^"]+)"', login.text)
    assert token is not None
    pre = login.cookies["retold_desk_login"]
    signed = client.post(
        "/desk/login",
        data={"csrf": token.group(1), "name": "bench", "password": PASSWORD},
        headers={"cookie": f"retold_desk_login={pre}"},
    )
    cookie = {"cookie": f"retold_desk={signed.cookies['retold_desk']}"}
    static = timed(lambda: client.get("/style.css"), count)
    pages = {
        "queue": "/desk/",
        "queue-filtered": "/desk/?source=Outlet+7&verdict=unsupported",
        "article": f"/desk/article/{n // 2}",
    }
    runs = {
        name: timed(lambda path=path: client.get(path, headers=cookie), count)  # type: ignore[misc]
        for name, path in pages.items()
    }

    def changed_then_queue() -> httpx.Response:
        # A reader's report changes the newsroom: the next queue page reads it afresh.
        client.post("/desk/report", data={"slug": "2026/01/article-7", "message": "x"})
        start = time.perf_counter()
        response = client.get("/desk/", headers=cookie)
        cold.append((time.perf_counter() - start) * 1000)
        return response

    cold: list[float] = []
    for _ in range(4):  # five reports per address, then back-off: stay under it
        changed_then_queue()
    runs["queue-after-a-change"] = cold
    for name, times in runs.items():
        for stat, fn in (("p50", statistics.median), ("p95", p95)):
            desk_ms, static_ms = fn(times), fn(static)
            print(
                f"bench desk-{name}-{stat}: ratio={desk_ms / static_ms:.1f} "
                f"(retold={desk_ms:.2f} ms, baseline={static_ms:.2f} ms)",
                flush=True,
            )


if __name__ == "__main__":
    main()
