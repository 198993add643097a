"""Find judges registered by plugins and build one from settings."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass

from retold.plugins import get_plugin_manager
from retold.verify.judges.base import Judge, JudgeError, JudgeSettings, UnknownJudge

Factory = Callable[[JudgeSettings], Judge]

NONE = ("none", "off", "")


@dataclass(frozen=True)
class Registration:
    name: str
    factory: Factory
    aliases: tuple[str, ...] = ()
    description: str = ""


def registrations() -> dict[str, Registration]:
    """Every registered judge by name (aliases included), asking plugins afresh."""
    found: dict[str, Registration] = {}

    def register(
        name: str, factory: Factory, *, aliases: tuple[str, ...] = (), description: str = ""
    ) -> None:
        reg = Registration(name, factory, tuple(aliases), description)
        for key in (name, *reg.aliases):
            if key in NONE:
                raise JudgeError(
                    f"A plugin registers a judge called '{key}', which means no judge."
                )
            if key in found and found[key].factory is not factory:
                raise JudgeError(f"Two plugins register a judge called '{key}'.")
            found[key] = reg

    get_plugin_manager().hook.register_judges(register=register)
    return found


def judge_names() -> list[str]:
    """Names of the registered judges (no aliases), sorted."""
    return sorted({reg.name for reg in registrations().values()})


def get_judge(name: str, settings: JudgeSettings | None = None) -> Judge | None:
    """The judge called ``name`` built from ``settings``; None for "none" (the default)."""
    key = name.strip().lower()
    if key in NONE:
        return None
    regs = registrations()
    reg = regs.get(key)
    if reg is None:
        names = sorted({r.name for r in regs.values()})
        raise UnknownJudge(_unknown_message(name, sorted(regs), names))
    return reg.factory(settings or JudgeSettings())


def _unknown_message(name: str, keys: list[str], names: list[str]) -> str:
    close = difflib.get_close_matches(name.strip().lower(), keys, n=1, cutoff=0.5)
    if close:
        return f"Unknown checker judge '{name}'; did you mean '{close[0]}'?"
    return f"Unknown checker judge '{name}'; choose one of: none, {', '.join(names)}."
