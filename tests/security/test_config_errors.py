"""Issue 13 item 7: every config value is checked when it is loaded.

Through the real command line: a bad retold.toml is one sentence naming the key, exit
2, no traceback, on `run` and on `status`, and no run is recorded.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from retold.newsroom import Newsroom

CASES = [
    # (what to put in retold.toml, words the sentence must contain)
    ('[fetch]\nallow_hosts = ["127.0.0.1:notaport"]\n', "fetch.allow_hosts"),
    ('[fetch]\nallow_hosts = ["10.0.0.0/33"]\n', "not a valid CIDR range"),
    ('[fetch]\nallow_hosts = ["127.0.0.1:70000"]\n', "number from 1 to 65535"),
    ('[fetch]\nallow_hosts = ["exa mple.org"]\n', "fetch.allow_hosts"),
    ("[fetch]\ntimeout = inf\n", "fetch.timeout"),
    ("[fetch]\nper_host_delay = nan\n", "fetch.per_host_delay"),
    ('[fetch]\nuser_agent = "bot\\r\\nX-Evil: 1"\n', "fetch.user_agent"),
    ('[site]\nlanguage = "english please"\n', "site.language"),
    ('[site]\noutput_dir = "."\n', "site.output_dir"),
    ('[site]\noutput_dir = ".."\n', "site.output_dir"),
    ('[writer]\nbase_url = "file:///etc/passwd"\n', "writer.base_url"),
    ('[[sources]]\nurl = "javascript:alert(1)"\n', "sources.0.url"),
    ("[fetch]\nconcurrency = 0\n", "fetch.concurrency"),
    ('[writer]\nprices = { "m" = [-1.0, 2.0] }\n', "writer.prices"),
]


def retold(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "retold", *args], capture_output=True, text=True, timeout=120
    )


def one_sentence(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 2, (done.returncode, done.stderr)
    assert "Traceback" not in done.stderr and "Error" in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    return lines[0]


@pytest.fixture()
def room(tmp_path: Path) -> Path:
    newsroom = Newsroom.init(tmp_path / "news")
    newsroom.close()
    return newsroom.root


def runs(root: Path) -> int:
    with sqlite3.connect(root / "retold.db") as db:
        return int(db.execute("SELECT count(*) FROM runs").fetchone()[0])


@pytest.mark.parametrize(("toml", "words"), CASES)
def test_a_bad_value_stops_run_with_one_sentence(room: Path, toml: str, words: str) -> None:
    config = room / "retold.toml"
    config.write_text(config.read_text().split("[fetch]")[0].split("[site]")[0] + toml)
    line = one_sentence(retold("-d", str(room), "run"))
    assert words in line, line
    assert runs(room) == 0  # nothing ran, so nothing is recorded as ok


@pytest.mark.parametrize("command", ["run", "status", "build", "sources"])
def test_non_utf8_config_is_one_sentence(room: Path, command: str) -> None:
    (room / "retold.toml").write_bytes(b'[site]\ntitle = "Caf\xe9 News"\n')
    line = one_sentence(retold("-d", str(room), command))
    assert "is not UTF-8 text" in line and "line 2" in line


def test_an_undecodable_environment_value_is_one_sentence(room: Path) -> None:
    import os

    env = {**os.environ, "RETOLD_SITE_TITLE": b"Caf\xe9".decode("utf-8", "surrogateescape")}
    done = subprocess.run(
        [sys.executable, "-m", "retold", "-d", str(room), "status"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert "RETOLD_SITE_TITLE" in one_sentence(done)


def test_a_valid_allowlist_loads(room: Path) -> None:
    config = room / "retold.toml"
    text = config.read_text().replace(
        "allow_hosts = []",
        'allow_hosts = ["127.0.0.1:8080", "[::1]:8080", "::1", "10.0.0.0/8", "fd00::/8", '
        '"news.internal"]',
    )
    config.write_text(text)
    done = retold("-d", str(room), "status", "--json")
    assert done.returncode == 0, done.stderr
