"""Headlines and teasers on every real title: what the cleaning changes and what reads badly.

    .venv/bin/python training/eval_headlines.py [--show N] [--pages] [--baseline DIR]

For each title in the real-web set (../shared/data/realweb/truth.jsonl) the site name is the
URL's host. Prints: headlines kept and changed, cut (words dropped beyond a site name or
kicker), cuts that are not safe ones, headlines ending on a function word, words re-cased,
and teasers failing the simple English checks (retold.write.teasers.teaser_problems).
With --pages, the page's own <title> and og:site_name are used too, as the writer sees them
(site-name-only titles, suffixes, taglines as site names). With --baseline DIR, the
clean_headline and make_teaser of an older src/retold/write/ (e.g. from `git archive`) are
measured by the same checks.
"""

from __future__ import annotations

import argparse
import html
import importlib.util
import re
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.realweb import DEFAULT_DIR, pages  # noqa: E402

from retold.write.headlines import (  # noqa: E402
    clean_headline,
    headline_problems,
    remove_clickbait,
    strip_full_stop,
    strip_site_name,
)
from retold.write.teasers import make_teaser, teaser_problems  # noqa: E402

Impl = tuple[Callable[..., str], Callable[..., str]]


def _load_baseline(write_dir: Path) -> Impl:
    """The clean_headline and make_teaser of an older copy of src/retold/write/."""
    current = sys.modules["retold.write.headlines"]
    modules = {}
    for name in ("headlines", "teasers"):
        spec = importlib.util.spec_from_file_location(
            f"retold.write.{name}", write_dir / f"{name}.py"
        )
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        sys.modules[f"retold.write.{name}"] = module  # the old teasers import the old headlines
        spec.loader.exec_module(module)
        modules[name] = module
    sys.modules["retold.write.headlines"] = current
    return modules["headlines"].clean_headline, modules["teasers"].make_teaser


def _meta(raw: str, prop: str) -> str:
    m = re.search(
        rf"<meta[^>]+(?:property|name)=[\"']{prop}[\"'][^>]+content=[\"']([^\"']*)", raw, re.I
    )
    return html.unescape(m.group(1)).strip() if m else ""


def _page_title(raw: str) -> str:
    m = re.search(r"<title[^>]*>(.*?)</title>", raw, re.S | re.I)
    return " ".join(html.unescape(m.group(1)).split()) if m else ""


def evaluate(
    rows: list[tuple[str, str, str, str]], show: int, label: str, impl: Impl | None = None
) -> None:
    """rows: (title, site_name, url, text)."""
    headline_of, teaser_of = impl or (clean_headline, make_teaser)
    counts: Counter[str] = Counter()
    examples: dict[str, list[str]] = {}

    def note(kind: str, example: str) -> None:
        counts[kind] += 1
        examples.setdefault(kind, []).append(example)

    for title, site, url, text in rows:
        try:
            headline = headline_of(title, site, url=url)
        except TypeError:  # an older clean_headline without url=
            headline = headline_of(title, site)
        note("changed" if headline != title else "kept", f"{title!r} -> {headline!r}")
        whole = strip_full_stop(remove_clickbait(strip_site_name(title, site, url)))
        if headline and headline != whole:
            note("cut", f"{whole!r} -> {headline!r}")
        for problem in headline_problems(title, headline, site, url):
            kind = "recased" if problem.startswith("recased") else problem
            note(kind, f"{title!r} -> {headline!r} ({problem})")
        teaser = teaser_of(headline or title, text, [site], url=url)
        for problem in teaser_problems(teaser):
            note(f"teaser: {problem}", teaser)
        if len(teaser) > 110:
            note("teaser: too long", teaser)

    print(f"== {label}: {len(rows)} titles")
    order = [
        "kept",
        "changed",
        "cut",
        "unsafe cut",
        "ends on a function word",
        "recased",
        "empty",
        "too long",
    ]
    for kind in order + sorted(k for k in counts if k not in order):
        print(f"{kind:32} {counts[kind]:4}")
        if kind not in ("kept", "changed") or show > 20:
            for ex in examples.get(kind, [])[:show]:
                print("    " + ex)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", type=int, default=5, help="examples per figure")
    parser.add_argument("--pages", action="store_true", help="also the pages' own <title>")
    parser.add_argument("--data", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--baseline", type=Path, help="an older src/retold/write/ to measure")
    args = parser.parse_args()
    impl = _load_baseline(args.baseline) if args.baseline else None

    truth, from_pages = [], []
    for page in pages(args.data):
        host = (urlsplit(page.url).hostname or "").removeprefix("www.")
        truth.append((page.title, host, page.url, page.text))
        if args.pages:
            raw = page.html_bytes().decode("utf-8", "replace")
            from_pages.append((_page_title(raw), _meta(raw, "og:site_name"), page.url, page.text))
    evaluate(truth, args.show, "truth titles, site name = host", impl)
    if args.pages:
        evaluate(from_pages, args.show, "page <title>, site name = og:site_name", impl)


if __name__ == "__main__":
    main()
