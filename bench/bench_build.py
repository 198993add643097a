# ruff: noqa: E501  (the Hugo layouts below are verbatim HTML templates)
"""Site build speed: Retold against Hugo, on the same synthetic articles, in one run.

    .venv/bin/python bench/bench_build.py [--sizes 1000 10000] [--processes N]

For each N it generates N articles (5 paragraphs of checked sentences, 7 related each),
builds them with Retold, then builds the same articles with Hugo (a generated site with an
article layout of the same anatomy and Hugo's related-content feature) and prints

    bench build-N: ratio=R (retold=A s, baseline=B s)      ratio = retold / hugo

and, for the largest N, the incremental rebuild after adding one article against the full
Retold build:

    bench rebuild-one: ratio=R (retold=A s, baseline=B s)

Hugo comes from the Debian package `hugo`; without it the Hugo figures are skipped.
"""

from __future__ import annotations

import argparse
import random
import resource
import shutil
import subprocess
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from retold.models import ArticlePage, RelatedLink, SentenceCheck, SiteInfo, SourceLink
from retold.publish import build_site

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


def _sentence(rng: random.Random) -> str:
    words = rng.choices(WORDS, k=rng.randint(12, 22))
    return " ".join(words).capitalize() + "."


def synthetic_pages(n: int, seed: int = 7) -> list[ArticlePage]:
    rng = random.Random(seed)
    heads = [" ".join(rng.choices(WORDS, k=6)).capitalize() + f" {i}" for i in range(n)]
    teasers = [f"An AI wonders about the {rng.choice(WORDS)} {i}." for i in range(n)]
    topics = [rng.sample(TOPICS, k=rng.randint(1, 3)) for _ in range(n)]
    pages = []
    for i in range(n):
        url, outlet = OUTLETS[i % len(OUTLETS)]
        source_url = f"{url}/story/{i}"
        paragraphs: list[list[tuple[str, SentenceCheck | None]]] = []
        for _ in range(5):
            sentences: list[tuple[str, SentenceCheck | None]] = []
            for _ in range(rng.randint(2, 4)):
                verdict = "supported" if rng.random() > 0.1 else "unsupported"
                evidence = _sentence(rng) if verdict == "supported" else ""
                check = SentenceCheck(0, "", verdict, 0.9, evidence=evidence, source_url=source_url)
                sentences.append((_sentence(rng), check))
            paragraphs.append(sentences)
        story = i // 8  # stories of 8 articles: each is related to the 7 others
        related = [
            RelatedLink(f"2026/11/a-{j}", heads[j], teasers[j])
            for j in range(story * 8, min(story * 8 + 8, n))
            if j != i
        ]
        published = START - timedelta(minutes=7 * i)
        pages.append(
            ArticlePage(
                slug=f"2026/11/a-{i}",
                headline=heads[i],
                standfirst=_sentence(rng),
                teaser=teasers[i],
                label="I retold this from the original source. Most sentences match it; "
                "the ones I couldn't match are marked.",
                paragraphs=paragraphs,
                sources=[SourceLink(source_url, heads[i], outlet)],
                topics=topics[i],
                published=published,
                updated=published,
                related=related,
            )
        )
    return pages


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument(
        "--processes",
        type=int,
        default=None,
        help="worker processes for Retold (default: one per CPU)",
    )
    args = parser.parse_args(argv)
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
    newest = pages[0]
    added = replace(
        newest,
        slug="2026/11/a-new",
        headline="A brand new article",
        published=newest.published + timedelta(minutes=5),
        updated=newest.published + timedelta(minutes=5),
    )
    rebuild = time_retold([added, *pages], OUT / f"retold-{largest}", args.processes, "rebuild")
    print(_line("rebuild-one", rebuild, full_time), flush=True)
    _cpu_note("rebuild", f"retold-{largest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
