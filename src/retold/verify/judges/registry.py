"""Find judges registered by plugins and build one from settings."""

from __future__ import annotations

from collections.abc import Callable

from retold.plugins import Registration, collect, unknown_name
from retold.verify.judges.base import Judge, JudgeError, JudgeSettings, UnknownJudge

Factory = Callable[[JudgeSettings], Judge]

NONE = ("none", "off", "")


def registrations() -> dict[str, Registration[Factory]]:
    """Every registered judge by name (aliases included), asking plugins afresh."""
    return collect("register_judges", "judge", JudgeError, reserved=NONE)


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
        names = ["none", *sorted({r.name for r in regs.values()})]
        raise UnknownJudge(unknown_name("checker judge", name, sorted(regs), names))
    return reg.factory(settings or JudgeSettings())
