"""One plugin surface: built-ins and third-party plugins arrive the same way (entry points),
`retold plugins` shows where each came from, and a broken plugin never takes Retold down."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from retold import plugins
from retold.newsroom import Newsroom

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_PAGE = ROOT / "samples/site/northfield-courier/news/northfield-hospital-wing-opens.html"


def readme_block(language: str, after: str) -> str:
    """The first ```language block of README.md after the line ``after``."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index(after) :]
    match = re.search(rf"```{language}\n(.*?)```", section, re.S)
    assert match, f"no {language} block after {after!r} in README.md"
    return match.group(1)


def install(site: Path, name: str, module: str, code: str, entry: str = "") -> None:
    """A plugin as pip would leave it: the module and a dist-info with its entry point."""
    site.mkdir(parents=True, exist_ok=True)
    (site / f"{module}.py").write_text(code, encoding="utf-8")
    info = site / f"{name.replace('-', '_')}-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(f"[retold]\n{entry or f'{module} = {module}'}\n")


def retold(site: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    path = os.pathsep.join(p for p in (str(site), os.environ.get("PYTHONPATH", "")) if p)
    return subprocess.run(
        [sys.executable, "-m", "retold", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": path, **env},
    )


def test_the_builtins_are_declared_as_entry_points() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    declared = pyproject["project"]["entry-points"]["retold"]
    assert sorted(declared.values()) == sorted(plugins.BUILTIN_PLUGINS)


def test_the_readme_plugin_is_listed_and_writes_a_run(tmp_path: Path) -> None:
    site = tmp_path / "site-packages"
    declared = tomllib.loads(readme_block("toml", "### Write a plugin"))
    (entry,) = declared["project"]["entry-points"]["retold"].items()
    code = readme_block("python", "### Write a plugin")
    install(site, "retold-shout", "retold_shout", code, f"{entry[0]} = {entry[1]}")

    listed = retold(site, "plugins", "--json")
    assert listed.returncode == 0, listed.stderr
    rows = {(r["kind"], r["name"]): r for r in json.loads(listed.stdout)}
    assert rows["writer", "shout"]["package"] == "retold-shout"
    assert rows["writer", "shout"]["module"] == "retold_shout"
    assert rows["writer", "extractive"]["package"] == "retold"
    assert {"likelihood", "llm", "nli"} <= {name for kind, name in rows if kind == "judge"}

    room = tmp_path / "news"
    assert retold(site, "init", str(room)).returncode == 0
    config = room / "retold.toml"
    table = readme_block("toml", "then choose it")
    text = config.read_text(encoding="utf-8").replace('backend = "extractive"', 'backend = "shout"')
    config.write_text(text + "\n" + table.split("\n\n", 1)[1], encoding="utf-8")
    assert retold(site, "-d", str(room), "add", str(SAMPLE_PAGE)).returncode == 0
    run = retold(site, "-q", "-d", str(room), "run", "--json")
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["counts"]["articles_published"] == 1
    pages = (room / "site").rglob("*.html")
    assert any("NORTHFIELD" in p.read_text(encoding="utf-8") and "!!" in p.read_text(
        encoding="utf-8") for p in pages)

    # The built-ins only: the room's writer is then unknown, before anything runs.
    alone = retold(site, "-d", str(room), "status", RETOLD_LOAD_PLUGINS="")
    assert alone.returncode == 2
    assert "Unknown writer backend 'shout' (writer.backend)" in alone.stderr


def test_a_broken_plugin_is_skipped_with_one_warning(tmp_path: Path) -> None:
    site = tmp_path / "site-packages"
    install(site, "retold-broken", "retold_broken", "raise RuntimeError('half installed')\n")
    install(
        site,
        "retold-angry",
        "retold_angry",
        "from retold.plugins import hookimpl\n\n"
        "@hookimpl\ndef register_judges(register):\n    raise ValueError('no judges today')\n",
    )
    done = retold(site, "plugins")
    assert done.returncode == 0, done.stderr
    warnings = " ".join(done.stderr.split())
    assert warnings.count("retold_broken") == 1 and "half installed" in warnings
    assert "retold_angry" in warnings and "no judges today" in warnings
    assert "extractive" in done.stderr and "likelihood" in done.stderr  # the table, as `sources`


def test_a_plugin_table_reaches_the_plugin(tmp_path: Path) -> None:
    room = Newsroom.init(tmp_path / "news")
    room.close()
    config = tmp_path / "news" / "retold.toml"
    config.write_text(
        config.read_text(encoding="utf-8")
        + '\n[writer.openai]\norganisation = "acme"\n\n[checker.likelihood]\nthreads = 2\n',
        encoding="utf-8",
    )
    with Newsroom.open(tmp_path / "news") as room:
        assert room.writer_settings().options == {}  # the extractive writer has no table
        room.settings.writer.backend = "openai"
        assert room.writer_settings().options == {"organisation": "acme"}
        room.settings.checker.judge = "likelihood"
        assert room.judge_settings().options == {"threads": 2}
        assert room.judge_settings().writer.options == {"organisation": "acme"}


def test_an_unknown_name_says_the_closest_one() -> None:
    with pytest.raises(plugins.UnknownPlugin, match=r"'likelyhood' \(checker.judge\); did you"):
        plugins.get("judge", "likelyhood", setting="checker.judge")
    assert plugins.get("judge", " Off ") is None
    assert plugins.get("writer", "Extract").name == "extractive"  # type: ignore[union-attr]
