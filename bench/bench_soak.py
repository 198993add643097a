"""Soak: thousands of generated documents through the whole pipeline, run after run.

A loopback publisher serves generated article pages (short news items with varied
vocabulary, people, places, organisations and figures, made from a seeded generator:
no text is copied from anywhere) through several RSS feeds. Each run, the feeds list a
new batch of ``--per-run`` documents; ``retold run`` (a subprocess, extractive writer)
fetches, extracts, clusters, writes, checks, relates and publishes them into one growing
newsroom, ``--docs`` documents in all (at most ``FETCH_PER_RUN``, 500, per run: a run
fetches no more, so a bigger batch would only pile up a backlog).

Per run it records the wall time, the new documents per second, the run process's peak
RSS (``wait4``) and the errors (a non-zero exit, failed sources, failed or quarantined
documents, stories and articles). Prints

    bench soak-throughput: ratio=R (retold=LAST-RUN docs/s, baseline=FIRST-RUN docs/s)
    bench soak-cpu-throughput: ratio=R (the same per CPU second of the run process, which
        other load on a shared machine does not skew the way it skews wall time)
    bench soak-rss: ratio=R (retold=LAST-RUN MB, baseline=FIRST-RUN MB)
    bench soak-errors: ratio=R (retold=ERRORS errors, baseline=0 errors)

(throughput steady: a ratio near 1; memory flat: near 1; errors: none).

Cost: about 0.4 s of CPU per document on these two-core machines (fetch, extraction,
clustering, writing, checking, relating and publishing: the checker is two thirds of it,
plus ~5 s of start-up per run), so the issue's 10,000 documents (``--docs 10000 --per-run
500``) take about 70 minutes on an idle machine, more than `make bench` allows one script.
Each run also prints its CPU seconds per stage, so a stage whose cost grows with the
newsroom shows at once. The default is 2,500 documents in five runs of 500 (about 15
minutes idle); ``--docs 1000 --per-run 200`` is a quick check.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from retold.publish.dates import month_name

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from retold.newsroom import Newsroom  # noqa: E402
from retold.store import sources as sources_store  # noqa: E402
from retold.store.documents import FETCH_PER_RUN  # noqa: E402

FEEDS = 10

# -- a seeded generator of small, distinct news items ---------------------------------------

ONSETS = [
    "b",
    "br",
    "c",
    "ch",
    "cl",
    "d",
    "dr",
    "f",
    "fl",
    "g",
    "gr",
    "h",
    "j",
    "k",
    "kl",
    "l",
    "m",
    "n",
    "p",
    "pr",
    "r",
    "s",
    "st",
    "sh",
    "t",
    "tr",
    "v",
    "w",
    "z",
]
VOWELS = ["a", "e", "i", "o", "u", "ai", "ea", "ie", "ou", "oa"]
CODAS = ["n", "r", "l", "s", "th", "m", "nd", "rk", "st", "ck", "ll", "x"]
ROLES = (
    "mayor",
    "chief executive",
    "head teacher",
    "union leader",
    "harbour master",
    "council leader",
    "director",
    "chief inspector",
    "spokeswoman",
    "spokesman",
    "chair",
    "treasurer",
    "site manager",
    "lead engineer",
    "head of planning",
)
ORG_KINDS = (
    "Council",
    "Trust",
    "Cooperative",
    "Rovers",
    "Shipping",
    "Water",
    "Rail",
    "Hospital",
    "Foundation",
    "Energy",
    "Bank",
    "Museum",
    "College",
    "Brewery",
    "Ferries",
)
THINGS = (
    "bridge",
    "library",
    "swimming pool",
    "wind farm",
    "bus depot",
    "reservoir",
    "market hall",
    "sea wall",
    "cycle path",
    "data centre",
    "tram line",
    "school roof",
    "lighthouse",
    "apple orchard",
    "fish market",
    "concert hall",
    "sports ground",
    "railway station",
    "care home",
    "recycling plant",
    "harbour crane",
    "ferry terminal",
)
CHANGES = (
    ("reopen", "reopened"),
    ("close", "closed"),
    ("expand", "expanded"),
    ("rebuild", "rebuilt"),
    ("sell", "sold"),
    ("replace", "replaced"),
    ("double", "doubled"),
    ("modernise", "modernised"),
    ("move", "moved"),
)
REASONS = (  # (why, in the story; why, in the headline)
    ("a survey found cracks in the foundations", "cracks found"),
    ("visitor numbers rose sharply", "visitor surge"),
    ("the budget fell short", "budget shortfall"),
    ("a storm damaged the roof", "storm damage"),
    ("residents signed a petition", "petition"),
    ("an inspection found the wiring unsafe", "wiring scare"),
    ("a grant was approved", "grant approval"),
    ("costs kept rising", "rising costs"),
    ("a new operator took over the lease", "new lease"),
    ("the old contract ran out", "contract ends"),
)
REACTIONS = (
    "welcomed the decision",
    "called the plan rushed",
    "asked for a public meeting",
    "said the timetable was realistic",
    "warned of longer journeys",
    "promised to publish the full figures",
    "said nobody would lose their job",
    "questioned the cost",
    "praised the volunteers",
    "urged people to comment",
)
MONTHS = tuple(month_name(m) for m in range(1, 13))
EXTRAS = (
    "The work is due to start in {month} and should take {n} weeks.",
    "About {big} people use the {thing} every week, according to the {org}.",
    "A consultation will run for {n} days, and comments can be sent by post or online.",
    "The {org} said it had set aside {money} million crowns for the project.",
    "Local traders said the last change of this kind, {n} years ago, cut their takings.",
    "Campaigners plan to hand a letter to {person} before the next meeting.",
    "Engineers expect the {thing} to last another {n} years once the work is done.",
    "The decision followed a vote of {a} to {b} at a meeting on {weekday}.",
    "Figures published in {month} showed a rise of {pct} percent on the year before.",
    "The {org} will hold an open day at the {thing} on the first {weekday} of {month}.",
    "Buses will stop outside the {thing} for the whole of {month} while the site is fenced off.",
    "A report to the {org} put the cost of doing nothing at {money} million crowns.",
    "Parents at the nearby school were told about the plans in a letter sent on {weekday}.",
    "Opponents collected {big} signatures in {n} days, the largest petition in years.",
    "The {org} has promised a second public meeting once the drawings are finished.",
    "Similar work elsewhere in the region took {n} months longer than planned.",
    "{person} said the money would come from reserves rather than from higher charges.",
    "Volunteers who look after the {thing} said they had not been asked for their views.",
    "An independent engineer will check the work every {n} weeks until it is signed off.",
    "The last figures showed {pct} percent of visitors arriving by car.",
)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")


def word(rng: random.Random, syllables: int) -> str:
    parts = [rng.choice(ONSETS) + rng.choice(VOWELS) for _ in range(syllables)]
    return ("".join(parts) + rng.choice(CODAS)).capitalize()


def voice(rng: random.Random) -> str:
    """A resident's reaction: mostly generated names, so no two documents share it."""
    name = f"{word(rng, 1)} {word(rng, rng.randint(1, 3))}"
    street = f"{word(rng, 2)} {rng.choice(('Road', 'Lane', 'Street', 'Row', 'Close'))}"
    return (
        f"{name}, {rng.randint(19, 88)}, of {street} in {word(rng, 2)}, "
        f"{rng.choice(REACTIONS)} on behalf of the {word(rng, 2)} {rng.choice(ORG_KINDS)}."
    )


@dataclass(frozen=True)
class Item:
    id: int
    title: str
    author: str
    published: datetime
    paragraphs: tuple[str, ...]


def generate(doc_id: int, now: datetime) -> Item:
    """Document ``doc_id``: the same every time, different from every other one."""
    rng = random.Random(doc_id * 7919 + 13)
    person = f"{word(rng, 1)} {word(rng, 2)}"
    other = f"{word(rng, 1)} {word(rng, 2)}"
    place = word(rng, 2) + rng.choice(("ton", "by", "mere", "field", "haven", "wick", ""))
    org = f"{place} {rng.choice(ORG_KINDS)}"
    thing = rng.choice(THINGS)
    verb, done = rng.choice(CHANGES)
    reason, headline_reason = rng.choice(REASONS)
    n, big = rng.randint(3, 40), rng.randint(2, 90) * 100
    facts = {
        "month": rng.choice(MONTHS),
        "n": n,
        "big": f"{big:,}",
        "thing": thing,
        "org": org,
        "money": rng.randint(2, 400),
        "person": other,
        "a": rng.randint(5, 20),
        "b": rng.randint(1, 4),
        "weekday": rng.choice(WEEKDAYS),
        "pct": rng.randint(2, 60),
    }
    # About 280 words (the extractive writer copies at most 30% of a source, and needs
    # three sentences of body and a standfirst from it), few of them in shared templates:
    # two documents must never look like copies of each other.
    extras = [e.format(**facts) for e in rng.sample(EXTRAS, 8)]
    voices = [voice(rng) for _ in range(6)]
    role = rng.choice(ROLES)
    paragraphs = (
        f"The {org} will {verb} the {thing} in {place} after {reason}, {person}, its {role}, "
        f"said on {facts['weekday']}. {extras[0]}",
        f"\u201cWe have looked at every option and this is the one that works for {place},\u201d "
        f"{person} said. {extras[1]} {extras[2]}",
        f"{other}, who lives near the {thing}, {rng.choice(REACTIONS)}. {extras[3]}",
        f"The {thing} was last {done} {rng.randint(8, 60)} years ago. {extras[4]} {extras[5]}",
        f"{voices[0]} {voices[1]} {extras[6]}",
        f"{org} members will discuss the plans again in {facts['month']}. {voices[2]} {voices[3]}",
        f"{voices[4]} {extras[7]} {voices[5]}",
    )
    title = f"{place} {thing} to {verb} after {headline_reason}"
    published = now - timedelta(days=doc_id % 40, minutes=doc_id % 997)
    return Item(doc_id, title[:1].upper() + title[1:], other, published, paragraphs)


def page(item: Item) -> bytes:
    body = "\n".join(f"<p>{escape(p)}</p>" for p in item.paragraphs)
    when = item.published.isoformat()
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{escape(item.title)} | Soak Gazette</title>
<meta property="og:title" content="{escape(item.title)}">
<meta property="og:site_name" content="Soak Gazette">
<meta name="author" content="{escape(item.author)}">
<meta property="article:published_time" content="{when}">
</head><body><header><a href="/">Soak Gazette</a></header>
<main><article><h1>{escape(item.title)}</h1>
<p class="byline">By {escape(item.author)}, <time datetime="{when}">{when[:10]}</time></p>
{body}
</article></main><footer>Generated for Retold's soak benchmark.</footer></body></html>
""".encode()


class Publisher:
    """Generated pages at /a/ID.html; /feed/K.xml lists feed K's share of the batch."""

    def __init__(self, per_run: int) -> None:
        self.per_run, self.batch = per_run, 0
        self.now = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2)
        self.requests = 0
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def feed(self, k: int) -> bytes:
        first = self.batch * self.per_run
        items = []
        for doc_id in range(first + k, first + self.per_run, FEEDS):
            item = generate(doc_id, self.now)
            url = f"{self.base}/a/{doc_id}.html"
            items.append(
                f"<item><title>{escape(item.title)}</title><link>{url}</link>"
                f"<guid>{url}</guid><pubDate>{format_datetime(item.published)}</pubDate>"
                f"<description>{escape(item.paragraphs[0][:160])}</description></item>"
            )
        return (
            '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
            f"<title>Soak Gazette {k}</title><link>{self.base}/</link>"
            f"<description>Generated</description>{''.join(items)}</channel></rss>"
        ).encode()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        publisher = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args: Any) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                publisher.requests += 1
                path = self.path.split("?")[0]
                body, kind = b"", "text/html; charset=utf-8"
                try:
                    if path.startswith("/feed/") and path.endswith(".xml"):
                        body, kind = publisher.feed(int(path[6:-4])), "application/rss+xml"
                    elif path.startswith("/a/") and path.endswith(".html"):
                        body = page(generate(int(path[3:-5]), publisher.now))
                except ValueError:
                    body = b""
                self.send_response(200 if body else 404)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        return Handler

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


# -- the runs ---------------------------------------------------------------------------------

ERROR_COUNTS = (
    "documents_failed",
    "stories_failed",
    "articles_failed",
    "stories_quarantined",
    "articles_quarantined",
    "documents_quarantined",
)


@dataclass
class RunFigures:
    seconds: float
    cpu_seconds: float  # the run process's user + system time: steady on a shared machine
    new_documents: int
    peak_rss_mb: float
    errors: int
    articles_published: int
    stage_cpu: dict[str, float] = field(default_factory=dict)  # stage -> CPU seconds

    @property
    def docs_per_s(self) -> float:
        return self.new_documents / self.seconds if self.seconds else 0.0

    @property
    def docs_per_cpu_s(self) -> float:
        return self.new_documents / self.cpu_seconds if self.cpu_seconds else 0.0


def one_run(root: Path, logs: Path) -> RunFigures:
    out_path, err_path = logs / "out.json", logs / "err.txt"
    with out_path.open("wb") as out, err_path.open("wb") as err:
        started = time.monotonic()
        proc = subprocess.Popen(
            [sys.executable, "-m", "retold", "-q", "-d", str(root), "run", "--json"],
            stdout=out,
            stderr=err,
        )
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.monotonic() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
    try:
        report = json.loads(out_path.read_text("utf-8"))
    except ValueError:
        report = {"counts": {}, "failed_sources": 1}
    counts = report.get("counts", {})
    errors = (proc.returncode != 0) + report.get("failed_sources", 0)
    errors += sum(counts.get(key, 0) for key in ERROR_COUNTS)
    if proc.returncode != 0:
        print(f"#   exit {proc.returncode}: {err_path.read_text('utf-8')[-400:]}", flush=True)
    return RunFigures(
        seconds=seconds,
        cpu_seconds=usage.ru_utime + usage.ru_stime,
        new_documents=counts.get("documents_extracted", 0) + counts.get("documents_from_feed", 0),
        peak_rss_mb=usage.ru_maxrss / 1024,  # kilobytes on Linux
        errors=errors,
        articles_published=counts.get("site_articles", 0),
        stage_cpu={k: v["cpu_seconds"] for k, v in report.get("timings", {}).items()},
    )


def _stages(cpu: dict[str, float]) -> str:
    return ", ".join(f"{name} {seconds:.1f}" for name, seconds in cpu.items())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=2_500, help="documents in all")
    parser.add_argument(
        "--per-run", type=int, default=FETCH_PER_RUN, help="new documents per run (at most 500)"
    )
    args = parser.parse_args(argv)
    if not 1 <= args.per_run <= FETCH_PER_RUN:
        parser.error(f"--per-run must be 1 to {FETCH_PER_RUN}: a run fetches no more pages")
    runs = max(1, -(-args.docs // args.per_run))
    publisher = Publisher(args.per_run)
    figures: list[RunFigures] = []
    try:
        with tempfile.TemporaryDirectory(prefix="retold-soak-") as tmp:
            room = Newsroom.init(
                Path(tmp) / "news",
                allow_hosts=(f"127.0.0.1:{publisher.base.rsplit(':', 1)[1]}",),
                per_host_delay=0.0,
            )
            with room.db.transaction() as session:
                for k in range(FEEDS):
                    sources_store.add_source(session, f"{publisher.base}/feed/{k}.xml", "feed")
            room.close()
            for r in range(runs):
                publisher.batch = r
                ran = one_run(room.root, Path(tmp))
                # A batch not wholly fetched, extracted and written is a failure, not a
                # backlog; so is a document that is not on the site as its own article
                # (every generated document is a different event: fewer articles means
                # stories were skipped, held or joined wrongly).
                shortfall = max(0, args.per_run - ran.new_documents)
                shortfall += max(0, args.per_run * (r + 1) - ran.articles_published)
                ran = replace(ran, errors=ran.errors + shortfall)
                figures.append(ran)
                print(
                    f"# run {r + 1}/{runs}: {ran.new_documents} new documents in "
                    f"{ran.seconds:.1f} s ({ran.docs_per_s:.1f} docs/s; "
                    f"{ran.docs_per_cpu_s:.2f} docs per CPU second), peak RSS "
                    f"{ran.peak_rss_mb:.0f} MB, {ran.errors} errors, "
                    f"{ran.articles_published} articles on the site",
                    flush=True,
                )
                print(f"#   CPU s by stage: {_stages(ran.stage_cpu)}", flush=True)
    finally:
        publisher.stop()
    first, last = figures[0], figures[-1]
    errors = sum(f.errors for f in figures)
    print(
        f"bench soak-throughput: ratio={last.docs_per_s / max(first.docs_per_s, 1e-9):.2f} "
        f"(retold={last.docs_per_s:.1f} docs/s, baseline={first.docs_per_s:.1f} docs/s)"
    )
    print(
        f"bench soak-cpu-throughput: ratio="
        f"{last.docs_per_cpu_s / max(first.docs_per_cpu_s, 1e-9):.2f} "
        f"(retold={last.docs_per_cpu_s:.2f} docs per CPU s, "
        f"baseline={first.docs_per_cpu_s:.2f} docs per CPU s)"
    )
    print(
        f"bench soak-rss: ratio={last.peak_rss_mb / max(first.peak_rss_mb, 1e-9):.2f} "
        f"(retold={last.peak_rss_mb:.0f} MB, baseline={first.peak_rss_mb:.0f} MB)"
    )
    print(
        f"bench soak-errors: ratio={float(errors):.2f} (retold={errors} errors, baseline=0 errors)"
    )
    # Which stage grew: its CPU seconds in the last run against the first.
    for name, cpu in first.stage_cpu.items():
        grown = last.stage_cpu.get(name, 0.0)
        print(f"# stage {name}: {cpu:.1f} CPU s in run 1, {grown:.1f} in run {runs}")
    total = sum(f.seconds for f in figures)
    documents = sum(f.new_documents for f in figures)
    print(f"# {documents} documents in {runs} runs, {total:.0f} s in all")
    return 0 if errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
