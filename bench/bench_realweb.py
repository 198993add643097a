"""A whole newsroom over real pages: where Retold's quality is measured.

    python -m bench realweb            # or: python bench/bench_realweb.py [--limit N] [--keep DIR]

The 418 real article pages of `../shared/data/realweb/` are served on loopback with a
generated RSS feed; `retold run` (extractive writer) runs over them in a child process,
and every figure below is read from what it stored and published. One line per figure,
`bench realweb-NAME: ...`, each against its baseline from the same run where one exists:

- extraction: token F1 of the stored text against the truth, pages where a `without`
  snippet leaked; baseline trafilatura alone on the same pages. CPU per page of Retold's
  extraction against trafilatura alone, interleaved in this process. Title, author and
  date accuracy.
- excerpts: complete pages called paywalled, teasers or too short.
- stories: joins of different pages into one story and their pairwise precision.
- checker: sentences of the writer's first draft that the checker flagged (they were
  all copied verbatim from the source).
- articles: published with an empty or near-empty body; headlines cut or ending on a
  function word; impossible dates.
- run: wall time per page against fetching and extracting with trafilatura alone, and
  the run's peak RSS (the child's maximum resident set) against the 600 MB budget.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import realweb  # noqa: E402
from retold.ingest.mojibake import looks_like_mojibake  # noqa: E402
from retold.write.headlines import (  # noqa: E402
    clean_headline,
    headline_problems,
    looks_like_clickbait,
)
from retold.write.teasers import teaser_problems  # noqa: E402

RSS_BUDGET_MB = 600
FLAGGED_TARGET = 0.005


class PageServer:
    """Serves the real pages as /p/ID.html and an RSS feed of them at /feed.xml."""

    def __init__(self, pages: Sequence[realweb.Page]) -> None:
        self.pages = {p.id: p for p in pages}
        self.bodies = {p.id: p.html_bytes() for p in pages}
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                body, kind = server.respond(self.path)
                self.send_response(200 if body is not None else 404)
                self.send_header("Content-Type", kind)
                payload = body or b"not found"
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *_: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, page_id: str) -> str:
        return f"{self.base}/p/{page_id}.html"

    def respond(self, path: str) -> tuple[bytes | None, str]:
        if path == "/feed.xml":
            return self.feed().encode("utf-8"), "application/rss+xml; charset=utf-8"
        found = re.fullmatch(r"/p/(\w+)\.html", path)
        if found and found.group(1) in self.bodies:
            # No charset in the header, as on many real servers: the page's own declaration
            # (or detection) decides.
            return self.bodies[found.group(1)], "text/html"
        return None, "text/plain"

    def feed(self) -> str:
        items = []
        for page in self.pages.values():
            date = ""
            if page.date:
                when = datetime.fromisoformat(page.date).replace(tzinfo=UTC)
                date = f"<pubDate>{format_datetime(when)}</pubDate>"
            items.append(
                f"<item><title>{html.escape(page.title)}</title>"
                f"<link>{self.url(page.id)}</link><guid>{self.url(page.id)}</guid>{date}</item>"
            )
        return (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>Real pages</title><link>{self.base}/</link>"
            f"<description>Real article pages</description>{''.join(items)}</channel></rss>"
        )

    def stop(self) -> None:
        self.httpd.shutdown()


# --- the run -------------------------------------------------------------------------


def run_newsroom(server: PageServer, root: Path) -> tuple[float, float, int]:
    """`retold init` + `add` + `run` in child processes: (seconds, peak RSS MB, exit code)."""
    retold = [sys.executable, "-m", "retold"]
    subprocess.run(
        [
            *retold,
            "init",
            str(root),
            "--title",
            "Real pages",
            "--base-url",
            "http://127.0.0.1:8000",
        ],
        check=True,
        capture_output=True,
    )
    config = root / "retold.toml"
    text = config.read_text("utf-8")
    text = re.sub(r"(?m)^allow_hosts = \[\]", f'allow_hosts = ["127.0.0.1:{server.port}"]', text)
    text = re.sub(r"(?m)^per_host_delay = .*$", "per_host_delay = 0.0", text)
    config.write_text(text, "utf-8")
    subprocess.run(
        [*retold, "add", f"{server.base}/feed.xml"], cwd=root, check=True, capture_output=True
    )
    started = time.perf_counter()
    done = subprocess.run([*retold, "-q", "run"], cwd=root, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    if done.returncode not in (0, 1):
        sys.stderr.write(done.stdout[-2000:] + done.stderr[-4000:])
    return seconds, peak_mb, done.returncode


# --- figures -------------------------------------------------------------------------


def line(name: str, figure: str) -> None:
    print(f"bench realweb-{name}: {figure}", flush=True)


def ratio_line(name: str, ours: float, base: float, unit: str, fmt: str = ".3f") -> None:
    ratio = ours / base if base else float("inf")
    line(name, f"ratio={ratio:.3f} (retold={ours:{fmt}} {unit}, baseline={base:{fmt}} {unit})")


def stored_documents(db: sqlite3.Connection, server: PageServer) -> dict[str, sqlite3.Row]:
    by_url = {server.url(pid): pid for pid in server.pages}
    rows = db.execute("SELECT * FROM documents").fetchall()
    return {by_url[r["fetch_url"]]: r for r in rows if r["fetch_url"] in by_url}


def extraction_figures(
    pages: Sequence[realweb.Page], docs: dict[str, sqlite3.Row], baseline: dict[str, str]
) -> None:
    ours = [realweb.token_f1(docs[p.id]["text"] if p.id in docs else "", p.text) for p in pages]
    theirs = [realweb.token_f1(baseline[p.id], p.text) for p in pages]
    ratio_line(
        "extract-f1",
        statistics.mean(f for _, _, f in ours),
        statistics.mean(f for _, _, f in theirs),
        "F1",
    )
    line(
        "extract-precision-recall",
        f"retold P={statistics.mean(p for p, _, _ in ours):.3f} "
        f"R={statistics.mean(r for _, r, _ in ours):.3f}; trafilatura "
        f"P={statistics.mean(p for p, _, _ in theirs):.3f} "
        f"R={statistics.mean(r for _, r, _ in theirs):.3f}",
    )

    def leaks(text_of: Callable[[realweb.Page], str]) -> int:
        return sum(any(realweb.snippet_found(s, text_of(p)) for s in p.without) for p in pages)

    leaked = leaks(lambda p: docs[p.id]["text"] if p.id in docs else "")
    line(
        "extract-without-leaks",
        f"{leaked} of {len(pages)} pages (baseline trafilatura: {leaks(lambda p: baseline[p.id])})",
    )
    titles = sum(p.id in docs and _same(docs[p.id]["title"], p.title) for p in pages if p.title)
    authors = [p for p in pages if p.author]
    author_ok = sum(p.id in docs and _same_author(docs[p.id]["author"], p.author) for p in authors)
    dated = [p for p in pages if p.date]
    date_ok = sum(p.id in docs and (docs[p.id]["published"] or "")[:10] == p.date for p in dated)
    line(
        "metadata",
        f"title {titles}/{sum(bool(p.title) for p in pages)}, author {author_ok}/{len(authors)}, "
        f"date {date_ok}/{len(dated)} correct",
    )
    missing = len(pages) - len(docs)
    failed = sum(1 for r in docs.values() if r["status"] != "ready")
    line("documents", f"{len(docs)} stored of {len(pages)}, {failed} not ready, {missing} missing")
    excerpts = [r for r in docs.values() if r["excerpt_only"]]
    reasons = ", ".join(sorted({r["excerpt_reason"] for r in excerpts})) or "none"
    line(
        "false-excerpts",
        f"{len(excerpts) / max(len(docs), 1):.1%} ({len(excerpts)} of {len(docs)} complete "
        f"pages called excerpts: {reasons}; target <= 2%)",
    )


def _squash(text: str) -> str:
    return " ".join(realweb.tokens(text))


def _same(a: str, b: str) -> bool:
    return _squash(a) == _squash(b)


def _same_author(found: str, truth: str) -> bool:
    a, b = _squash(found), _squash(truth)
    return bool(a) and (a == b or a in b or b in a)


def story_figures(docs: dict[str, sqlite3.Row], pages: Sequence[realweb.Page]) -> None:
    truth = realweb.same_story_pairs(pages)
    by_story: dict[int, list[str]] = {}
    for pid, row in docs.items():
        if row["story_id"] is not None:
            by_story.setdefault(row["story_id"], []).append(pid)
    joined = {
        frozenset({a, b})
        for members in by_story.values()
        for i, a in enumerate(members)
        for b in members[i + 1 :]
    }
    # Two URLs of one canonical page are one document, not a join: count them as found.
    one_doc = {pair for pair in truth if sum(i in docs for i in pair) == 1}
    precision = len(joined & truth) / len(joined) if joined else 1.0
    recall = len((joined | one_doc) & truth) / len(truth) if truth else 1.0
    multi = sum(len(m) > 1 for m in by_story.values())
    line(
        "story-joins",
        f"{len(joined)} joined pairs in {multi} multi-page stories of {len(by_story)}; "
        f"pairwise precision {precision:.3f}, recall {recall:.3f} ({len(truth)} true pairs)",
    )


def article_figures(db: sqlite3.Connection) -> None:
    first = db.execute(
        "SELECT v.id FROM article_versions v WHERE v.version = "
        "(SELECT MIN(version) FROM article_versions w WHERE w.article_id = v.article_id)"
    ).fetchall()
    ids = [r["id"] for r in first]
    marks = ",".join("?" * len(ids)) or "NULL"
    checks = db.execute(
        f"SELECT verdict, text, reason, evidence FROM sentence_checks "
        f"WHERE article_version_id IN ({marks})",
        ids,
    ).fetchall()
    flagged = [c for c in checks if c["verdict"] != "supported"]
    share = len(flagged) / max(len(checks), 1)
    line(
        "checker-flagged",
        f"{share:.2%} ({len(flagged)} of {len(checks)} copied sentences flagged; "
        f"target <= {FLAGGED_TARGET:.1%})",
    )
    for c in flagged[:5]:
        print(f"#   flagged: {c['text'][:100]!r} ({c['reason'][:80]})")

    published = db.execute(
        "SELECT a.slug, a.published_at, v.headline, v.paragraphs, v.label, v.imagined, v.teaser, "
        "v.sources "
        "FROM articles a JOIN article_versions v ON v.article_id = a.id "
        "AND v.version = a.current_version WHERE a.status = 'published'"
    ).fetchall()
    statuses = dict(db.execute("SELECT status, COUNT(*) FROM articles GROUP BY status").fetchall())
    line("articles", f"{len(published)} published; by status {json.dumps(statuses)}")
    thin = sum(_sentences(json.loads(r["paragraphs"])) < 3 for r in published)
    garbled = sum(
        any(looks_like_mojibake(p) for p in json.loads(r["paragraphs"])) for r in published
    )
    line("mojibake", f"{garbled} published articles with mojibake in their body")
    imagined_label = sum(
        "I imagined this" in (r["label"] or "") and not r["imagined"] for r in published
    )
    line(
        "thin-articles",
        f"{thin} published with fewer than three body sentences; "
        f"{imagined_label} labelled imagined without imagine mode",
    )
    lengths = [len(r["headline"]) for r in published]
    bad_headlines = bad_teasers = 0
    shown: list[str] = []
    from_lede = 0
    for r in published:
        bad_teasers += bool(teaser_problems(r["teaser"]))
        # Judged against the titles it could be made from (the writer picks the most
        # central of a story's titles), each with its page's site name and URL; a story
        # whose titles are all unusable (the site's name, clickbait, one word) is headlined from its
        # lede, which no title check applies to.
        titles = [
            (s.get("title", ""), s.get("site_name", ""), s.get("url", ""))
            for s in json.loads(r["sources"]) or []
        ]
        titles = [t for t in titles if t[0] and _usable(clean_headline(t[0], t[1], url=t[2]))]
        if not titles:
            from_lede += 1
            continue
        problems = min(
            (headline_problems(title, r["headline"], site, url) for title, site, url in titles),
            key=len,
        )
        bad_headlines += bool(problems)
        if problems and len(shown) < 8:
            shown.append(f"#   headline: {titles[0][0][:90]!r} -> {r['headline']!r} {problems}")
    line(
        "headlines",
        f"{bad_headlines} headlines cut unsafely, hanging or re-cased ({from_lede} made from "
        f"the lede: no usable title); {bad_teasers} teasers "
        f"failing the English checks; longest {max(lengths, default=0)} chars, "
        f"median {statistics.median(lengths) if lengths else 0:.0f}",
    )
    for example in shown:
        print(example)
    now = datetime.now(UTC).isoformat()
    bad_dates = sum(
        not r["published_at"] or r["published_at"][:4] < "1990" or r["published_at"] > now
        for r in published
    )
    line("dates", f"{bad_dates} published articles with a missing or impossible date")


def _usable(headline: str) -> bool:
    """A cleaned title the writer would use (extractive._best_title's test)."""
    return bool(headline) and not looks_like_clickbait(headline)


def _sentences(paragraphs: list[str]) -> int:
    return sum(len(re.findall(r"[.!?。！？](?:\s|$)", p)) or 1 for p in paragraphs if p.strip())


# --- baselines -----------------------------------------------------------------------


def trafilatura_texts(pages: Sequence[realweb.Page]) -> dict[str, str]:
    import trafilatura

    from retold.ingest.charset import decode

    out = {}
    for p in pages:
        text = trafilatura.extract(
            decode(p.html_bytes(), "text/html").text, url=p.url, include_comments=False
        )
        out[p.id] = text or ""
    return out


def extraction_cpu(pages: Sequence[realweb.Page], rounds: int = 2) -> tuple[float, float]:
    """CPU seconds per page: Retold's extract() and trafilatura alone, interleaved."""
    import trafilatura

    from retold.ingest.charset import decode
    from retold.ingest.extract import extract

    decoded = [(decode(p.html_bytes(), "text/html").text, p.url) for p in pages]
    ours = base = 0.0
    for _ in range(rounds):
        started = time.process_time()
        for text, url in decoded:
            trafilatura.extract(text, url=url, include_comments=False, with_metadata=True)
        base += time.process_time() - started
        started = time.process_time()
        for text, url in decoded:
            extract(text, url)
        ours += time.process_time() - started
    n = rounds * len(decoded)
    return ours / n, base / n


def naive_seconds(server: PageServer, pages: Sequence[realweb.Page]) -> float:
    import httpx
    import trafilatura

    started = time.perf_counter()
    with httpx.Client() as client:
        for p in pages:
            trafilatura.extract(client.get(server.url(p.id)).text, include_comments=False)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=realweb.DEFAULT_DIR)
    parser.add_argument("--limit", type=int, default=None, help="only the first N pages")
    parser.add_argument("--keep", type=Path, default=None, help="keep the newsroom here")
    args = parser.parse_args()
    pages = list(realweb.pages(args.data, args.limit))
    server = PageServer(pages)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            root = args.keep or Path(tmp) / "news"
            seconds, peak_mb, code = run_newsroom(server, root)
            db = sqlite3.connect(root / "retold.db")
            db.row_factory = sqlite3.Row
            docs = stored_documents(db, server)
            extraction_figures(pages, docs, trafilatura_texts(pages))
            story_figures(docs, pages)
            article_figures(db)
            db.close()
        naive = naive_seconds(server, pages)
    finally:
        server.stop()
    ours_cpu, base_cpu = extraction_cpu(pages)
    ratio_line("extract-cpu", ours_cpu * 1000, base_cpu * 1000, "ms/page", ".1f")
    ratio_line("run-per-page", seconds / len(pages) * 1000, naive / len(pages) * 1000, "ms", ".1f")
    line(
        "peak-rss",
        f"ratio={peak_mb / RSS_BUDGET_MB:.2f} (retold={peak_mb:.0f} MB, "
        f"budget={RSS_BUDGET_MB} MB; run exit code {code})",
    )


if __name__ == "__main__":
    main()
