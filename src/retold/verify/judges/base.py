"""What a judge is: the small interface every judge plugin implements.

A judge reads (evidence passage, claim sentence) pairs and says, for each, whether
the evidence supports the claim. It is a second opinion on the rule-based checker;
:func:`retold.verify.judges.combine.combine` decides how much that opinion counts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from retold.errors import RetoldError
from retold.llm.settings import LLMSettings

LABELS = ("supported", "unsupported", "contradicted")


class JudgeError(RetoldError):
    """A judge cannot start (unknown name, missing model, bad settings)."""


class UnknownJudge(JudgeError):
    """No judge is registered under the requested name."""


class JudgeModelError(JudgeError):
    """A judge's model files are missing or are not the kind of model it can run."""


@dataclass(frozen=True)
class JudgeVerdict:
    """One judge's opinion on one claim."""

    label: str  # one of LABELS
    probability: float  # that the evidence supports the claim, in [0, 1]
    reason: str = ""
    judge: str = ""  # the judge's name, for the sentence's reason
    abstained: bool = False  # the judge had no usable answer: the check stands as it is

    @classmethod
    def abstain(cls, judge: str, why: str = "judge abstained") -> JudgeVerdict:
        return cls("unsupported", 0.5, why, judge, abstained=True)


@dataclass(frozen=True)
class JudgeSettings:
    """What a judge factory is given (from retold.toml's [writer] and [checker])."""

    # The llm judge's model: the writer's ([writer] in retold.toml; a WriterSettings will do).
    writer: LLMSettings = field(default_factory=LLMSettings)
    nli_model_path: str = ""  # a local directory with an ONNX cross-encoder
    likelihood_model_path: str = ""  # a GGUF file; "" = the packaged SmolLM2
    batch_size: int = 8  # claims per llm request; the nli judge runs 4x as many per pass
    threads: int | None = None  # ONNX Runtime intra-op threads; None = its default
    # The judge's own table from retold.toml ([checker.<judge>]), for plugins' settings.
    options: Mapping[str, Any] = field(default_factory=dict, hash=False)


@runtime_checkable
class Judge(Protocol):
    """Anything that says whether evidence passages support claim sentences."""

    name: str

    def judge(self, pairs: Sequence[tuple[str, str]]) -> list[JudgeVerdict]:
        """One verdict per (evidence, claim) pair, in order; abstain rather than raise."""
        ...
