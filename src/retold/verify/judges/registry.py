"""The checker's names for the one plugin registry (:mod:`retold.plugins`)."""

from __future__ import annotations

from retold import plugins
from retold.verify.judges.base import Judge, JudgeSettings, UnknownJudge


def registrations() -> dict[str, plugins.Registration]:
    """Every registered judge by name (aliases included)."""
    return plugins.registrations("judge")


def judge_names() -> list[str]:
    """Names of the registered judges (no aliases), sorted."""
    return plugins.names("judge")


def get_judge(name: str, settings: JudgeSettings | None = None) -> Judge | None:
    """The judge called ``name`` built from ``settings``; None for "none" (the default)."""
    judge: Judge | None = plugins.build(
        "judge", name, settings or JudgeSettings(), unknown=UnknownJudge
    )
    return judge
