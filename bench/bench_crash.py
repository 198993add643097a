"""Crash test, long version: SIGKILL `retold run` at random points, rerun, compare.

Each trial makes a fresh newsroom over the bundled sample publishers (served on loopback
by ``SampleServer``, extractive writer), starts ``retold run`` in a subprocess, sleeps a
seeded random fraction of an uninterrupted run's duration, SIGKILLs it, checks what the
kill left (the database passes SQLite's integrity check; the site is absent or one whole
build), runs ``retold run`` again to completion and compares the final state with an
uninterrupted run's:

- the database, dumped canonically (no ids, no timestamps): documents (url, content
  hash, status, version, versions kept), stories (as their sets of document urls, with
  status), articles (slug, status, version count, current headline, standfirst,
  paragraphs, teaser, topics, label, sources, related slugs) and every sentence verdict
  of each current version (text, verdict, score, evidence);
- the site tree: every file's path and bytes (no file embeds a build time: checked by
  the uninterrupted baseline, which runs twice and must agree with itself).

Prints ``bench crash-identical: ratio=R (retold=SHARE of killed-and-resumed runs identical
to the uninterrupted run, baseline=SHARE of a second uninterrupted run identical to it)``.
``tests/security/test_crash.py`` is the short version (a few kills in `make test`) and
imports the machinery from here.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.sites import site_digest  # noqa: E402

from retold.newsroom import Newsroom  # noqa: E402
from retold.samples_server import SampleServer, samples_dir  # noqa: E402
from retold.store import sources as sources_store  # noqa: E402

MANIFEST = ".retold-manifest.json"


def make_newsroom(root: Path, publisher: SampleServer) -> Path:
    """A newsroom following the whole sample newsroom (its OPML), extractive writer."""
    room = Newsroom.init(root, allow_hosts=(publisher.netloc,), per_host_delay=0.0)
    with room.db.transaction() as session:
        sources_store.add_source(session, f"{publisher.base_url}/newsroom.opml", "auto")
    room.close()
    return room.root


def start_run(root: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "retold", "-q", "-d", str(root), "run"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


@dataclass
class Finished:
    code: int
    seconds: float
    stderr: str


def run_to_end(root: Path, timeout: float = 600) -> Finished:
    started = time.monotonic()
    proc = start_run(root)
    _, err = proc.communicate(timeout=timeout)
    return Finished(proc.returncode, time.monotonic() - started, err.decode(errors="replace"))


def kill_after(root: Path, seconds: float) -> bool:
    """Start a run, SIGKILL it after ``seconds``; True if it was still running then."""
    proc = start_run(root)
    try:
        proc.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=60)
        return True
    proc.communicate(timeout=60)
    return False


# -- what a kill may leave, and the final state -----------------------------------------------


def database_intact(root: Path) -> str:
    """SQLite's integrity check of the newsroom's database ("ok", or what is wrong)."""
    path = root / "retold.db"
    if not path.exists():
        return "ok"
    with contextlib.closing(sqlite3.connect(path)) as db:
        return "; ".join(row[0] for row in db.execute("PRAGMA integrity_check"))


def site_intact(site: Path) -> str:
    """Whether the site is absent or one whole build, every file its manifest lists: "ok"."""
    if not site.exists() and not site.is_symlink():
        return "ok"
    try:
        manifest = json.loads((site / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError) as exc:
        return f"no readable manifest ({exc})"
    missing = [rel for rel in manifest["files"] if not (site / rel).is_file()]
    return f"{len(missing)} listed files missing, e.g. {missing[:3]}" if missing else "ok"


def site_tree(site: Path) -> dict[str, str]:
    """Every file of the published site but the search index: path -> hash of its bytes."""
    return site_digest(site)


def _rows(db: sqlite3.Connection, sql: str) -> list[tuple[Any, ...]]:
    return list(db.execute(sql))


def canonical_dump(root: Path) -> dict[str, Any]:
    """The newsroom's stored state without ids or timestamps (see the module docstring)."""
    with contextlib.closing(sqlite3.connect(root / "retold.db")) as db:
        doc_url = dict(_rows(db, "SELECT id, url FROM documents"))
        versions: dict[str, list[tuple[int, str]]] = {}
        for doc, version, digest in _rows(
            db, "SELECT document_id, version, content_hash FROM document_versions"
        ):
            versions.setdefault(doc_url[doc], []).append((version, digest))
        documents = sorted(
            (url, digest, status, version, bool(excerpt), title, sorted(versions.get(url, [])))
            for url, digest, status, version, excerpt, title in _rows(
                db,
                "SELECT url, content_hash, status, version, excerpt_only, title FROM documents",
            )
        )
        story_docs: dict[int, list[str]] = {}
        for story, url in _rows(
            db, "SELECT story_id, url FROM documents WHERE story_id IS NOT NULL"
        ):
            story_docs.setdefault(story, []).append(url)
        story_key = {sid: tuple(sorted(urls)) for sid, urls in story_docs.items()}
        stories = sorted(
            (story_key.get(sid, ()), status, bool(needs_write), note)
            for sid, status, needs_write, note in _rows(
                db, "SELECT id, status, needs_write, note FROM stories"
            )
        )
        slug_of = dict(_rows(db, "SELECT id, slug FROM articles"))
        version_counts = dict(
            _rows(db, "SELECT article_id, count(*) FROM article_versions GROUP BY article_id")
        )
        articles = []
        for aid, sid, slug, status, current, date_kind, related in _rows(
            db,
            "SELECT id, story_id, slug, status, current_version, date_kind, related FROM articles",
        ):
            row = _rows(
                db,
                "SELECT id, headline, standfirst, paragraphs, teaser, topics, sources, label, "
                f"backend, checked FROM article_versions WHERE article_id = {aid} "
                f"AND version = {current}",
            )
            current_version: dict[str, Any] = {}
            if row:
                vid, headline, standfirst, paragraphs, teaser, topics, sources, label, *rest = row[
                    0
                ]
                checks = _rows(
                    db,
                    "SELECT idx, paragraph, text, verdict, round(score, 6), reason, evidence, "
                    f"source_url FROM sentence_checks WHERE article_version_id = {vid} "
                    "ORDER BY idx",
                )
                current_version = {
                    "headline": headline,
                    "standfirst": standfirst,
                    "paragraphs": json.loads(paragraphs),
                    "teaser": teaser,
                    "topics": json.loads(topics),
                    "sources": [s["url"] for s in json.loads(sources)],
                    "label": label,
                    "backend_checked": rest,
                    "checks": checks,
                }
            articles.append(
                {
                    "slug": slug,
                    "story": story_key.get(sid, ()),
                    "status": status,
                    "versions": version_counts.get(aid, 0),
                    "current": current,
                    "date_kind": date_kind,
                    "related": [slug_of.get(r) for r in json.loads(related or "[]")],
                    "version": current_version,
                }
            )
        articles.sort(key=lambda a: a["slug"])
        sources = sorted(_rows(db, "SELECT url, kind, enabled FROM sources"))
    return {"sources": sources, "documents": documents, "stories": stories, "articles": articles}


@dataclass
class Outcome:
    dump: dict[str, Any]
    site: dict[str, str]

    @classmethod
    def of(cls, root: Path) -> Outcome:
        return cls(canonical_dump(root), site_tree(root / "site"))

    def differences(self, other: Outcome) -> list[str]:
        """What differs from ``other``, in a few words per difference (empty: identical)."""
        out = []
        for part in self.dump:
            if self.dump[part] != other.dump[part]:
                mine, theirs = self.dump[part], other.dump[part]
                extra = [json.dumps(x, default=str)[:160] for x in mine if x not in theirs][:2]
                lost = [json.dumps(x, default=str)[:160] for x in theirs if x not in mine][:2]
                out.append(f"database {part} differ: this has {extra}, the reference {lost}")
        changed = sorted(
            rel
            for rel in set(self.site) | set(other.site)
            if self.site.get(rel) != other.site.get(rel)
        )
        if changed:
            out.append(f"{len(changed)} site files differ, e.g. {changed[:5]}")
        return out


@dataclass
class Trial:
    fraction: float
    killed: bool
    after_kill: list[str] = field(default_factory=list)  # integrity problems the kill left
    final_code: int = 0
    differences: list[str] = field(default_factory=list)

    @property
    def identical(self) -> bool:
        return not self.after_kill and self.final_code == 0 and not self.differences


def after_kill_problems(root: Path) -> list[str]:
    problems = []
    if (db := database_intact(root)) != "ok":
        problems.append(f"database: {db}")
    if (site := site_intact(root / "site")) != "ok":
        problems.append(f"site: {site}")
    return problems


@contextlib.contextmanager
def publisher() -> Iterator[SampleServer]:
    server = SampleServer(samples_dir()).start()
    try:
        yield server
    finally:
        server.stop()


def trial(
    workdir: Path, server: SampleServer, reference: Outcome, fraction: float, duration: float
) -> Trial:
    root = make_newsroom(workdir, server)
    killed = kill_after(root, fraction * duration)
    result = Trial(fraction, killed, after_kill_problems(root))
    final = run_to_end(root)
    result.final_code = final.code
    if final.code == 0:
        result.differences = Outcome.of(root).differences(reference)
    else:
        result.differences = [f"the rerun exited {final.code}: {final.stderr[-300:]}"]
    shutil.rmtree(root, ignore_errors=True)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=30, help="killed runs (one per trial)")
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="retold-crash-") as tmp, publisher() as server:
        work = Path(tmp)
        first = make_newsroom(work / "reference", server)
        done = run_to_end(first)
        if done.code != 0:
            print(f"# the uninterrupted run failed ({done.code}): {done.stderr[-500:]}")
            return 1
        reference = Outcome.of(first)
        again = make_newsroom(work / "reference-2", server)
        run_to_end(again)
        baseline_diff = Outcome.of(again).differences(reference)
        for line in baseline_diff:
            print(f"# two uninterrupted runs differ: {line}")
        print(
            f"# an uninterrupted run takes {done.seconds:.1f} s; {args.kills} kills, "
            f"seed {args.seed}",
            flush=True,
        )
        trials = []
        for k in range(args.kills):
            fraction = rng.random()
            result = trial(work / f"trial-{k}", server, reference, fraction, done.seconds)
            trials.append(result)
            verdict = "identical" if result.identical else "DIFFERENT"
            print(
                f"# kill {k + 1}/{args.kills} at {fraction:.2f} of a run "
                f"({'killed' if result.killed else 'had finished'}): {verdict}",
                flush=True,
            )
            for line in result.after_kill + result.differences:
                print(f"#   {line}", flush=True)
    share = sum(t.identical for t in trials) / max(len(trials), 1)
    baseline = 0.0 if baseline_diff else 1.0
    ratio = share / baseline if baseline else 0.0
    print(
        f"bench crash-identical: ratio={ratio:.2f} "
        f"(retold={share:.2f} share, baseline={baseline:.2f} share)"
    )
    killed = sum(t.killed for t in trials)
    print(f"# {killed} of {len(trials)} runs were killed mid-run; the rest had finished")
    return 0


if __name__ == "__main__":
    sys.exit(main())
