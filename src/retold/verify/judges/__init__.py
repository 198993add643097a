"""Stronger, optional judges for the checker: a second opinion on each sentence.

Off by default (``[checker] judge = "none"``). Built in: ``llm`` (the writer's model),
``nli`` (an ONNX cross-encoder from a local directory) and ``likelihood`` (a local GGUF
model's PMI of claim and evidence). Plugins add more through
the ``register_judges`` hook. Use::

    judge = get_judge("nli", JudgeSettings(nli_model_path="/models/nli"))
    checks = judge_checks(judge, check_article(sentences, docs), weight=0.5)
"""

from retold.verify.judges.base import (
    LABELS,
    Judge,
    JudgeError,
    JudgeModelError,
    JudgeSettings,
    JudgeVerdict,
    UnknownJudge,
)
from retold.verify.judges.combine import DEFAULT_WEIGHT, combine, judge_checks, rule_failure
from retold.verify.judges.registry import get_judge, judge_names, registrations

__all__ = [
    "DEFAULT_WEIGHT",
    "LABELS",
    "Judge",
    "JudgeError",
    "JudgeModelError",
    "JudgeSettings",
    "JudgeVerdict",
    "UnknownJudge",
    "combine",
    "get_judge",
    "judge_checks",
    "judge_names",
    "registrations",
    "rule_failure",
]
