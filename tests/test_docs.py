"""The documentation against the code (like datasette's test_docs.py): every command and
option README.md names exists, and `retold init`'s retold.toml documents exactly the keys
of the settings model."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import typer

from retold.cli import app
from retold.config import (
    RUNTIME_VARIABLES,
    PluginSection,
    Settings,
    SourceConfig,
    _sections,
    default_toml,
)

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
# Typer (0.29+) carries its own copy of click, so the command tree is read by its
# attributes (commands, params, opts) rather than by click's classes.
CLI: Any = typer.main.get_command(app)
assert hasattr(CLI, "commands")


def readme_invocations() -> list[list[str]]:
    """Every `retold ...` command line in README.md: code spans and code blocks."""
    lines = re.findall(r"`(retold [^`]+)`", README)
    for block in re.findall(r"```(?:sh|bash)?\n(.*?)```", README, re.S):
        lines += [line.split("#")[0].strip() for line in block.splitlines()]
    return [line.split() for line in lines if line.startswith("retold ")]


def options_of(command: Any) -> set[str]:
    return {opt for param in command.params for opt in [*param.opts, *param.secondary_opts]}


@pytest.mark.parametrize("words", readme_invocations(), ids=" ".join)
def test_every_readme_command_and_option_exists(words: list[str]) -> None:
    rest = words[1:]
    while rest and rest[0].startswith("-"):  # options of `retold` itself (-d DIR, -q, -v)
        assert rest[0].split("=")[0] in options_of(CLI), f"no option {rest[0]} on retold"
        takes_value = any(rest[0] in p.opts and not p.is_flag for p in CLI.params)
        rest = rest[2:] if takes_value else rest[1:]
    if not rest:
        return
    name = rest[0]
    if not re.fullmatch(r"[a-z]+", name):
        return  # a placeholder or text, not a command
    command = CLI.commands.get(name)
    assert command is not None, f"README names `retold {name}`, which is no command"
    rest = rest[1:]
    while rest and hasattr(command, "commands") and re.fullmatch(r"[a-z]+", rest[0]):
        sub = command.commands.get(rest[0])  # a group's subcommand: `retold models install`
        assert sub is not None, f"README names `retold {name} {rest[0]}`, which is no command"
        command, rest = sub, rest[1:]
    for word in rest:
        if word.startswith("--"):
            assert word.split("=")[0] in options_of(command), f"no {word} on retold {name}"


def test_every_command_is_in_the_readme() -> None:
    named = {words[1] for words in readme_invocations() if len(words) > 1}
    named |= set(re.findall(r"`retold (?:-\S+ )*([a-z]+)", README))
    missing = set(CLI.commands) - named
    assert not missing, f"README.md never names: {sorted(missing)}"


def documented_keys(toml: str) -> dict[str, set[str]]:
    """Keys the scaffold shows, set or commented out, by section; a plugin's own table
    ([writer.openai]) is an example, not a key of the model."""
    keys: dict[str, set[str]] = {}
    section = ""
    for raw in toml.splitlines():
        line = raw.lstrip("# ").rstrip()
        header = re.fullmatch(r"\[\[?([a-z_.]+)\]\]?(?:\s.*)?", line)
        if header:
            section = header.group(1)
            keys.setdefault(section, set())
            continue
        key = re.match(r"([a-z_]+) = ", line)
        if key and section and "." not in section:
            keys[section].add(key.group(1))
    return {name: found for name, found in keys.items() if "." not in name}


def test_the_init_toml_documents_every_setting_and_only_settings() -> None:
    documented = documented_keys(default_toml())
    model = {name: set(section.model_fields) for name, section in _sections().items()}
    model["sources"] = set(SourceConfig.model_fields)
    assert set(documented) == set(Settings.model_fields)
    for section, keys in model.items():
        assert documented[section] == keys, section


def test_plugin_tables_are_shown_for_the_sections_that_take_them() -> None:
    toml = default_toml()
    for name, section in _sections().items():
        shown = f"# [{name}." in toml
        assert shown == issubclass(section, PluginSection), name


def test_the_readme_documents_every_runtime_variable() -> None:
    table = set(re.findall(r"^\| `(RETOLD_[A-Z_]+)` \|", README, re.M))
    assert table == set(RUNTIME_VARIABLES)
