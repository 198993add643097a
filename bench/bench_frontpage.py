"""The front page's cost: a full build with ranking, coverage and the search index, against
Hugo building the same pages plus Pagefind indexing them, in one run.

    .venv/bin/python bench/bench_frontpage.py [--sizes 2000 10000] [--processes N]

Prints, for each N,

    bench frontpage-build-N: ratio=R (retold=A s, baseline=B s)   ratio = retold / (hugo + pagefind)

and for the largest N the rebuild after adding one article, search index included, against
the full build (the issue's target is under one second):

    bench frontpage-rebuild-one: ratio=R (retold=A s, baseline=B s)

Fairness: the pages are bench_build's synthetic articles; Retold also ranks every story,
draws a coverage box on every third article (two outlets) and builds the front page,
ranking.json and the Pagefind bundle from the articles' text; the baseline is bench_build's
Hugo site (same anatomy, related lists) followed by the `pagefind` CLI over Hugo's output.
Without Debian's `hugo` the baseline is Pagefind alone over Retold's own output.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_build import OUT, SITE, synthetic_pages, time_hugo  # noqa: E402

from retold.publish import build_site  # noqa: E402
from retold.publish.coverage import Report, words_of  # noqa: E402
from retold.publish.ranking import FrontOptions, StoryFacts  # noqa: E402
from retold.records import ArticlePage  # noqa: E402


def front_options(pages: list[ArticlePage]) -> FrontOptions:
    """Two outlets for every third story, with the text each holds (coverage boxes)."""
    facts: dict[str, StoryFacts] = {}
    for page in pages:
        number = page.slug.rsplit("-", 1)[1]
        # by the article's own number, not its place: adding one must not move the others'
        if not number.isdigit() or int(number) % 3:
            continue
        text = " ".join(t for para in page.paragraphs for t, _ in para)
        first = page.sources[0]
        half = words_of(text[: len(text) // 2])
        reports = (
            Report(first.site_name, first.url, first.title, page.published, words_of(text)),
            Report("Other Outlet", first.url + "-other", "Other", page.published, half),
        )
        facts[page.slug] = StoryFacts((page.published, page.published), "", reports)
    return FrontOptions(facts=facts, search=True)


def time_retold(pages: list[ArticlePage], out: Path, processes: int | None) -> float:
    started = time.perf_counter()
    build_site(SITE, pages, out, processes=processes, front=front_options(pages))
    return time.perf_counter() - started


def time_pagefind(site: Path) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "pagefind", "--site", str(site), "--silent"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def line(name: str, retold: float, baseline: float) -> str:
    return (
        f"bench {name}: ratio={retold / baseline:.2f} "
        f"(retold={retold:.2f} s, baseline={baseline:.2f} s)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 10000])
    parser.add_argument("--processes", type=int, default=None)
    args = parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    full: dict[int, tuple[list[ArticlePage], float, Path]] = {}
    for n in args.sizes:
        pages = synthetic_pages(n)
        out = OUT / f"frontpage-{n}"
        shutil.rmtree(out.parent / f".{out.name}.builds", ignore_errors=True)
        if out.is_symlink():
            out.unlink()
        retold = time_retold(pages, out, args.processes)
        hugo = time_hugo(pages, OUT / f"frontpage-hugo-{n}")
        if hugo is None:
            baseline = time_pagefind(out.resolve())
        else:
            baseline = hugo + time_pagefind(OUT / f"frontpage-hugo-{n}" / "public")
        print(line(f"frontpage-build-{n}", retold, baseline), flush=True)
        full[n] = (pages, retold, out)
    pages, full_time, out = full[max(full)]
    time_retold(pages, out, args.processes)  # unchanged: the timed rebuild is a third build
    newest = pages[0]
    added = replace(
        newest,
        slug="2026/11/a-new",
        headline="A brand new article",
        published=newest.published + timedelta(minutes=5),
        updated=newest.published + timedelta(minutes=5),
    )
    rebuild = time_retold([added, *pages], out, args.processes)
    print(line("frontpage-rebuild-one", rebuild, full_time), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
