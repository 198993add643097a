"""retold.toml and RETOLD_* → Settings: typos are named, with the closest valid key."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from retold.config import ConfigError, default_toml, load_settings, parse_settings


def test_the_scaffold_is_valid_and_complete() -> None:
    settings = parse_settings(tomllib.loads(default_toml(title="Valley News")), environ={})
    assert settings.site.title == "Valley News"
    assert settings.writer.backend == "extractive"
    assert settings.checker.policy == "repair"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"sit": {}}, "Unknown key 'sit' in retold.toml; did you mean 'site'?"),
        ({"checker": {"polcy": "hold"}},
         "Unknown key 'polcy' in [checker] of retold.toml; did you mean 'policy'?"),
        ({"writer": {"bakend": "openai"}},
         "Unknown key 'bakend' in [writer] of retold.toml; did you mean 'backend'?"),
        ({"sources": [{"ulr": "https://x.org/feed"}]},
         "Unknown key 'ulr' in [[sources]] of retold.toml; did you mean 'url'?"),
        ({"checker": {"policy": "holdd"}},
         "Invalid value for 'checker.policy' in retold.toml: Input should be 'mark', "
         "'repair' or 'hold'."),
        ({"site": {"base_url": "news.example.org"}},
         "Invalid value for 'site.base_url' in retold.toml: base_url must start "
         "with http:// or https://."),
    ],
)
def test_errors_name_the_key(data: dict, message: str) -> None:
    with pytest.raises(ConfigError) as err:
        parse_settings(data, environ={})
    assert str(err.value) == message


def test_environment_overrides() -> None:
    env = {
        "RETOLD_SITE_TITLE": "From env",
        "RETOLD_CHECKER_POLICY": "hold",
        "RETOLD_FETCH_CONCURRENCY": "3",
        "RETOLD_MODEL": "llama3",
        "OPENAI_BASE_URL": "http://127.0.0.1:9/v1",
        "RETOLD_DIR": "/ignored/not/a/setting",
    }
    settings = parse_settings({"site": {"title": "From file"}}, environ=env)
    assert settings.site.title == "From env"
    assert settings.checker.policy == "hold"
    assert settings.fetch.concurrency == 3
    assert settings.writer.model == "llama3"
    assert settings.writer.base_url == "http://127.0.0.1:9/v1"


def test_a_misspelled_environment_variable_is_named() -> None:
    with pytest.raises(ConfigError, match="RETOLD_WRITER_BAKEND.*did you mean 'backend'"):
        parse_settings({}, environ={"RETOLD_WRITER_BAKEND": "openai"})


def test_bad_toml_and_missing_file(tmp_path: Path) -> None:
    bad = tmp_path / "retold.toml"
    bad.write_text("[site\n")
    with pytest.raises(ConfigError, match="is not valid TOML"):
        load_settings(bad, environ={})
    with pytest.raises(ConfigError, match="No retold.toml found"):
        load_settings(tmp_path / "nope" / "retold.toml", environ={})
