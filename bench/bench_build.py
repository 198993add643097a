# ruff: noqa: E501  (the Hugo layouts below are verbatim HTML templates)
"""Site build speed and memory: Retold against Hugo, on the same synthetic articles, in one run.

    .venv/bin/python bench/bench_build.py [--sizes 1000 10000] [--processes N]
                                          [--memory-size 100000] [--memory-dir DIR]

For each N it generates N articles (5 paragraphs of 2-4 checked sentences, one in ten not
found in the source, 1-3 of 12 topics, 30 outlets, 7 related articles each), builds them
with Retold, then builds the same articles with Hugo and prints

    bench build-N: ratio=R (retold=A s, baseline=B s)      ratio = retold / hugo

then, for the largest N, the incremental rebuild after adding one article (the third build
of the site, so the clean-up of old builds is included) against the full Retold build:

    bench rebuild-one: ratio=R (retold=A s, baseline=B s)

and the peak memory (ru_maxrss) of a child process building --memory-size articles with
``build_site_from`` (pages generated one at a time, never all in memory) against the
1 GiB budget:

    bench build-memory-100000: ratio=R (retold=A MiB, baseline=1024 MiB)

Wall time is what the targets are about, but this machine is shared: the CPU seconds of
each run (this process and its children, so Retold's workers and Hugo's threads count)
are printed beside every line, on stderr.

Fairness of the Hugo comparison (Debian's `hugo`; without it the Hugo figures are skipped):
- the same N articles, one page each, with the same words (Hugo gets the body as Markdown
  paragraphs and the label, teaser and source in front matter);
- Hugo's article layout has the same anatomy: label, share bar twice (four percent-encoded
  network links and a copy field), headline, standfirst, body, original source, and a
  related list of 7 found by Hugo's related-content feature (indexed on a per-story
  keyword, which gives exactly Retold's 7; see HUGO_CONFIG for why not dates or tags);
- Hugo paginates the home page 20 per page as Retold does; Retold additionally builds
  topic, source and archive listings, evidence notes per sentence, JSON-LD and social
  tags, 39 feeds and the sitemaps, so it does more work per page, not less;
- timings include Hugo reading its content files but not the bench writing them, and
  include Retold hashing its inputs but not the bench generating the pages.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from retold.publish import build_site, build_site_from
from retold.records import ArticlePage, RelatedLink, SentenceCheck, SiteInfo, SourceLink

OUT = Path(__file__).parent / "out" / "build"
SITE = SiteInfo(
    title="Bench Retold",
    base_url="https://bench.example.org",
    description="Synthetic articles for the build benchmark.",
    per_page=20,
)
_WORD_TEXT = (
    "harbour bridge council ferry budget repairs residents engineers timetable "
    "closure traffic weather school hospital election mayor river flood library park "
    "rail station museum market port tower festival funding plan report minister "
    "court police fire street housing energy water waste transport workers union "
    "strike vote policy "
)
WORDS = _WORD_TEXT.split()
TOPICS = [
    "Transport",
    "Politics",
    "Health",
    "Education",
    "Environment",
    "Business",
    "Culture",
    "Crime",
    "Housing",
    "Sport",
    "Science",
    "Weather",
]
OUTLETS = [(f"https://outlet{i}.example", f"Outlet {i} News") for i in range(30)]
START = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


_POOL_SIZE = 8192  # distinct sentences to draw from (generating each one costs more)


@functools.cache
def _sentences(seed: int) -> tuple[str, ...]:
    rng = random.Random(seed)
    return tuple(
        " ".join(rng.choices(WORDS, k=rng.randint(12, 22))).capitalize() + "."
        for _ in range(_POOL_SIZE)
    )


def _headline(i: int) -> str:
    words = [WORDS[(i * 7 + k * 13 + k * k * i) % len(WORDS)] for k in range(6)]
    return " ".join(words).capitalize() + f" {i}"


def _teaser(i: int) -> str:
    return f"An AI wonders about the {WORDS[(i * 11) % len(WORDS)]} {i}."


def synthetic_page(i: int, n: int, seed: int = 7) -> ArticlePage:
    """Article ``i`` of ``n``: made on its own, so pages can be generated one at a time."""
    rng = random.Random(seed * 1_000_003 + i)
    pool = _sentences(seed)
    url, outlet = OUTLETS[i % len(OUTLETS)]
    source_url = f"{url}/story/{i}"
    paragraphs: list[list[tuple[str, SentenceCheck | None]]] = []
    for _ in range(5):
        sentences: list[tuple[str, SentenceCheck | None]] = []
        for _ in range(rng.randint(2, 4)):
            verdict = "supported" if rng.random() > 0.1 else "unsupported"
            evidence = rng.choice(pool) if verdict == "supported" else ""
            check = SentenceCheck(0, "", verdict, 0.9, evidence=evidence, source_url=source_url)
            sentences.append((rng.choice(pool), check))
        paragraphs.append(sentences)
    story = i // 8  # stories of 8 articles: each is related to the 7 others
    related = [
        RelatedLink(f"2026/11/a-{j}", _headline(j), _teaser(j))
        for j in range(story * 8, min(story * 8 + 8, n))
        if j != i
    ]
    published = START - timedelta(minutes=7 * i)
    return ArticlePage(
        slug=f"2026/11/a-{i}",
        headline=_headline(i),
        standfirst=rng.choice(pool),
        teaser=_teaser(i),
        label="I retold this from the original source. Most sentences match it; "
        "the ones I couldn't match are marked.",
        paragraphs=paragraphs,
        sources=[SourceLink(source_url, _headline(i), outlet)],
        topics=rng.sample(TOPICS, k=rng.randint(1, 3)),
        published=published,
        updated=published,
        related=related,
    )


def iter_synthetic_pages(n: int, seed: int = 7) -> Iterator[ArticlePage]:
    return (synthetic_page(i, n, seed) for i in range(n))


def synthetic_pages(n: int, seed: int = 7) -> list[ArticlePage]:
    return list(iter_synthetic_pages(n, seed))


def _cpu() -> float:
    """CPU seconds used by this process and its waited-for children (workers, hugo)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


CPU: dict[str, float] = {}  # CPU seconds per timed run, reported on stderr


def time_retold(pages: list[ArticlePage], out: Path, processes: int | None, name: str) -> float:
    cpu, started = _cpu(), time.perf_counter()
    build_site(SITE, pages, out, processes=processes)
    CPU[name] = _cpu() - cpu
    return time.perf_counter() - started


# -- Hugo ------------------------------------------------------------------------------------

HUGO_CONFIG = """\
baseURL = "https://bench.example.org/"
title = "Bench Hugo"
languageCode = "en"
disableKinds = ["taxonomy", "term"]
paginate = 20
[taxonomies]
  tag = "tags"
# Related by story keyword: each synthetic article shares one with the 7 others of its
# story, exactly Retold's related list. Indexing dense fields instead makes Hugo's related
# search quadratic (here: the date index, every 2026 article a candidate for every other,
# about 240 s for 10,000 pages; 12 topics as tags, about 75 s), an unfair baseline.
[related]
  includeNewer = true
  threshold = 80
  toLower = false
  [[related.indices]]
    name = "keywords"
    weight = 100
"""

HUGO_SINGLE = """\
<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title>
<meta name="description" content="{{ .Description }}"><link rel="canonical" href="{{ .Permalink }}">
<meta property="og:title" content="{{ .Title }}"><meta property="og:url" content="{{ .Permalink }}">
<link rel="stylesheet" href="/style.css"></head><body><main><article>
<div class="ai-label" role="note">{{ .Params.label }}</div>
{{ $share := partial "share.html" . }}{{ $share }}
<h1>{{ .Title }}</h1><p class="standfirst">{{ .Description }}</p>
<div class="body">{{ .Content }}</div>
<p>Original source: <a href="{{ .Params.source_url }}">{{ .Params.source_title }}</a> ({{ .Params.source_name }})</p>
{{ $share }}
{{ $related := .Site.RegularPages.Related . | first 7 }}
{{ with $related }}<section><h2>RELATED ARTICLES</h2><ul>
{{ range . }}<li><h3><a href="{{ .RelPermalink }}">{{ .Title }}</a></h3><p>{{ .Params.teaser }}</p><a href="{{ .RelPermalink }}">Read Article</a></li>{{ end }}
</ul></section>{{ end }}
</article></main></body></html>
"""

HUGO_SHARE = """\
<ul class="share">
<li><a href="https://twitter.com/intent/tweet?text={{ .Title | urlquery }}&url={{ .Permalink | urlquery }}" target="_blank" rel="noopener noreferrer">𝕏 X</a></li>
<li><a href="https://www.facebook.com/sharer/sharer.php?u={{ .Permalink | urlquery }}" target="_blank" rel="noopener noreferrer">Facebook</a></li>
<li><a href="https://wa.me/?text={{ printf "%s %s" .Title .Permalink | urlquery }}" target="_blank" rel="noopener noreferrer">WhatsApp</a></li>
<li><a href="https://www.linkedin.com/sharing/share-offsite/?url={{ .Permalink | urlquery }}" target="_blank" rel="noopener noreferrer">LinkedIn</a></li>
<li><details><summary>Copy link</summary><input readonly value="{{ .Permalink }}"></details></li>
</ul>
"""

HUGO_LIST = """\
<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><main><h1>{{ .Title }}</h1><ol>
{{ range (.Paginate .Site.RegularPages.ByDate.Reverse).Pages }}
<li><h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2><p>{{ .Description }}</p>
<p>{{ .Date.Format "2 Jan 2006" }} · {{ .Params.label }}</p></li>{{ end }}
</ol>{{ template "_internal/pagination.html" . }}</main></body></html>
"""


def _yaml_str(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_hugo_site(pages: list[ArticlePage], root: Path) -> None:
    shutil.rmtree(root, ignore_errors=True)
    (root / "layouts/_default").mkdir(parents=True)
    (root / "layouts/partials").mkdir(parents=True)
    (root / "content/posts").mkdir(parents=True)
    (root / "static").mkdir()
    (root / "config.toml").write_text(HUGO_CONFIG)
    (root / "layouts/_default/single.html").write_text(HUGO_SINGLE)
    (root / "layouts/_default/list.html").write_text(HUGO_LIST)
    (root / "layouts/index.html").write_text(HUGO_LIST)
    (root / "layouts/partials/share.html").write_text(HUGO_SHARE)
    (root / "static/style.css").write_text("body{font-family:serif}")
    for page in pages:
        source = page.sources[0]
        body = "\n\n".join(" ".join(text for text, _ in para) for para in page.paragraphs)
        front = "\n".join(
            [
                "---",
                f"title: {_yaml_str(page.headline)}",
                f"description: {_yaml_str(page.standfirst)}",
                f"date: {page.published.isoformat()}",
                f"slug: {page.slug.rsplit('/', 1)[1]}",
                f"url: /{page.slug}/",
                f"tags: [{', '.join(_yaml_str(t) for t in page.topics)}]",
                f"keywords: [story-{int(page.slug.rsplit('-', 1)[1]) // 8}]",
                f"label: {_yaml_str(page.label)}",
                f"teaser: {_yaml_str(page.teaser)}",
                f"source_url: {_yaml_str(source.url)}",
                f"source_title: {_yaml_str(source.title)}",
                f"source_name: {_yaml_str(source.site_name)}",
                "---",
            ]
        )
        name = page.slug.replace("/", "-")
        (root / "content/posts" / f"{name}.md").write_text(front + "\n\n" + body + "\n")


def time_hugo(pages: list[ArticlePage], root: Path) -> float | None:
    hugo = shutil.which("hugo")
    if hugo is None:
        return None
    write_hugo_site(pages, root)
    cpu, started = _cpu(), time.perf_counter()
    subprocess.run(
        [hugo, "--quiet", "-s", str(root), "-d", str(root / "public")],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    CPU[f"hugo-{len(pages)}"] = _cpu() - cpu
    return time.perf_counter() - started


def _line(name: str, retold: float, baseline: float | None) -> str:
    if baseline is None:
        return f"bench {name}: ratio=n/a (retold={retold:.2f} s, baseline=unavailable: no hugo)"
    return f"bench {name}: ratio={retold / baseline:.2f} (retold={retold:.2f} s, baseline={baseline:.2f} s)"


def _cpu_note(name: str, baseline: str) -> None:
    """CPU time is steadier than wall time on a shared machine: report it beside the line."""
    if name in CPU and baseline in CPU:
        print(f"  cpu: {name}={CPU[name]:.2f} s, {baseline}={CPU[baseline]:.2f} s", file=sys.stderr)


MEMORY_BUDGET_MIB = 1024


def memory_child(n: int, out_root: Path) -> None:
    """Build ``n`` generated articles in this (fresh) process; print its peak memory."""
    out = out_root / f"retold-memory-{n}"
    cpu, started = _cpu(), time.perf_counter()
    report = build_site_from(SITE, lambda: iter_synthetic_pages(n), out)
    figures = {
        "max_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "seconds": time.perf_counter() - started,
        "cpu": _cpu() - cpu,
        "files": len(report.written),
    }
    print(json.dumps(figures))


def measure_memory(n: int, out_root: Path) -> None:
    """Peak memory of a build of ``n`` articles, in a child process so nothing else counts."""
    out_root.mkdir(parents=True, exist_ok=True)
    try:
        done = subprocess.run(
            [sys.executable, __file__, "--memory-child", str(n), "--memory-dir", str(out_root)],
            check=True,
            stdout=subprocess.PIPE,
            text=True,
        )
        figures = json.loads(done.stdout.strip().splitlines()[-1])
    finally:
        for leftover in out_root.glob(f"*retold-memory-{n}*"):
            if leftover.is_dir() and not leftover.is_symlink():
                shutil.rmtree(leftover, ignore_errors=True)
            else:
                leftover.unlink(missing_ok=True)
    rss = figures["max_rss_mib"]
    print(
        f"bench build-memory-{n}: ratio={rss / MEMORY_BUDGET_MIB:.2f} "
        f"(retold={rss:.0f} MiB, baseline={MEMORY_BUDGET_MIB} MiB)",
        flush=True,
    )
    print(
        f"  {figures['files']} files in {figures['seconds']:.1f} s wall, {figures['cpu']:.1f} s cpu",
        file=sys.stderr,
    )


def _default_memory_dir() -> Path:
    # Written files are page cache, not the builder's memory, wherever they go; a tmpfs
    # spares a shared disk 100,000 directories (and deleting them afterwards).
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK):
        return shm / "retold-bench-build"
    return OUT


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument(
        "--processes",
        type=int,
        default=None,
        help="worker processes for Retold (default: its own choice)",
    )
    parser.add_argument(
        "--memory-size", type=int, default=100_000, help="articles for the memory run (0: skip)"
    )
    parser.add_argument(
        "--memory-dir", type=Path, default=None, help="where the memory run writes its site"
    )
    parser.add_argument("--memory-child", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    memory_dir = args.memory_dir or _default_memory_dir()
    if args.memory_child:
        memory_child(args.memory_child, memory_dir)
        return 0
    OUT.mkdir(parents=True, exist_ok=True)
    full: dict[int, tuple[list[ArticlePage], float]] = {}
    for n in args.sizes:
        pages = synthetic_pages(n)
        out = OUT / f"retold-{n}"
        shutil.rmtree(out.parent / f".{out.name}.builds", ignore_errors=True)
        if out.is_symlink():
            out.unlink()
        retold = time_retold(pages, out, args.processes, f"retold-{n}")
        hugo = time_hugo(pages, OUT / f"hugo-{n}")
        print(_line(f"build-{n}", retold, hugo), flush=True)
        _cpu_note(f"retold-{n}", f"hugo-{n}")
        full[n] = (pages, retold)
    largest = max(full)
    pages, full_time = full[largest]
    out = OUT / f"retold-{largest}"
    # an unchanged rebuild first, so the timed one is a third build (old builds get cleaned up)
    time_retold(pages, out, args.processes, "rebuild-none")
    newest = pages[0]
    added = replace(
        newest,
        slug="2026/11/a-new",
        headline="A brand new article",
        published=newest.published + timedelta(minutes=5),
        updated=newest.published + timedelta(minutes=5),
    )
    rebuild = time_retold([added, *pages], out, args.processes, "rebuild")
    print(_line("rebuild-one", rebuild, full_time), flush=True)
    _cpu_note("rebuild", f"retold-{largest}")
    if args.memory_size:
        measure_memory(args.memory_size, memory_dir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
