"""Retelling sentence by sentence: how a small model can write an article.

Asked for a whole article in one reply, the embedded 1.5B model copies its source in runs
of 60 to 110 words, cuts sentences off at the grammar's length limits and, on two cores,
takes two to five minutes. Asked to say one sentence in other words, it does that well:
on the sample bridge story no rewrite kept a run of 12 source words, and seven sentences
took 30 seconds. So the work is split by what each part does best. The extractive
writer chooses and orders the source sentences (what the story says, first things
first); the model says each one again in its own words; then it writes a headline,
standfirst and teaser for the result. Each body sentence rests on the source sentence it
retells, which is its citation for the checker.

A sentence that is mostly someone's words stays as they said it. A rewrite that is empty,
rambles over several sentences, drops a quotation's marks, echoes the instructions or
copies COPY_LIMIT words in a row outside quotes is asked for once more, then the source's
own sentence stays: the article is then partly extractive, and its note says how much.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from string import Template
from typing import Any

from retold.llm.errors import StoryError
from retold.records import Draft, SourceDoc
from retold.text.copying import COPY_LIMIT, longest_copied_run
from retold.text.quotes import quoted_spans
from retold.text.sentences import ends_sentence, match_key, split_sentences
from retold.text.stem import content_stems
from retold.text.words import words
from retold.verify.policy import MIN_SENTENCES
from retold.write.backend import WriteBrief
from retold.write.extractive import write_extractive
from retold.write.prompting import PromptTemplate, load_prompt, prompt_versions, repair_message
from retold.write.retelling import invented_particulars
from retold.write.schema import MAX_HEADLINE, MAX_STANDFIRST, MAX_TEASER

Messages = list[dict[str, str]]
# The transport: messages and a JSON schema in, the parsed JSON object out.
Ask = Callable[[Messages, dict[str, Any]], Awaitable[dict[str, Any]]]

MAX_HEADLINE_WORDS = 12
TEASER_OPENING = "An AI"
TEASER_TAIL = 100  # characters after the opening: the grammar stops the teaser there


def sentence_schema(sentence: str) -> dict[str, Any]:
    # Room for other words, never for a paragraph: the grammar stops a runaway reply.
    longest = max(80, 2 * len(sentence) + 40)
    return {
        "type": "object",
        "properties": {"sentence": {"type": "string", "minLength": 3, "maxLength": longest}},
        "required": ["sentence"],
        "additionalProperties": False,
    }


HEADS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "headline": {"type": "string", "minLength": 5, "maxLength": MAX_HEADLINE},
        "standfirst": {"type": "string", "minLength": 10, "maxLength": MAX_STANDFIRST},
        # The grammar starts the teaser for the model: told to, a small one still forgets.
        "teaser": {
            "type": "string",
            "pattern": f"^{TEASER_OPENING} [^\"\\\\]{{5,{TEASER_TAIL}}}$",
        },
    },
    "required": ["headline", "standfirst", "teaser"],
    "additionalProperties": False,
}


def prompt_version(prompts_dir: str = "") -> str:
    """The versions of both prompts this method uses, for drafts."""
    return prompt_versions(prompts_dir, ("sentence", "heads"))


# A quotation this long must stay word for word in its marks; shorter ones (a title, a
# word or two someone used) may be said in other words.
QUOTE_WORDS = 5
# A rewrite sharing this many words in a row with the prompt is echoing its instructions
# (a small model asked again may answer "Your sentence did not meet the requirements: …").
ECHO_LIMIT = 6


def rewrite_problems(
    new: str, sentence: str, sources: Sequence[str], instructions: Sequence[str] = ()
) -> list[str]:
    """What is wrong with ``new`` as a retelling of the source ``sentence`` (none: fine)."""
    if not new.strip():
        return ["sentence: write the sentence"]
    if len(longest_copied_run(new, instructions)) >= ECHO_LIMIT:
        return ["sentence: reply with the rewritten sentence only, not these instructions"]
    problems = []
    if len(split_sentences(new)) > 2:
        problems.append("sentence: write one sentence, not several")
    said = {" ".join(words(q)) for q in quoted_spans(new)}
    quotes = [q for q in quoted_spans(sentence) if len(words(q)) >= QUOTE_WORDS]
    if any(" ".join(words(q)) not in said for q in quotes):
        problems.append(
            "sentence: keep what was said word for word, in quotation marks, with who said it"
        )
    run = longest_copied_run(new, sources)
    if len(run) >= COPY_LIMIT:
        problems.append(
            f'sentence: it copies "{" ".join(run)}" from the source; say it in other words '
            "(only what someone said may be copied, in quotation marks)"
        )
    return problems


_QUOTE_MARKS = re.compile(r"[\"“”„«»]")


def is_quotation(sentence: str) -> bool:
    """Whether ``sentence`` is mostly someone's words (kept as said, never paraphrased),
    or part of a quotation running over several sentences (an unpaired quote mark)."""
    marks = len(_QUOTE_MARKS.findall(sentence))
    if marks % 2:
        return True
    quoted = sum(len(words(q)) for q in quoted_spans(sentence))
    return quoted * 2 >= max(1, len(words(sentence)))


def heads_problems(
    data: dict[str, Any], article: str = "", sources: Sequence[str] = ()
) -> list[str]:
    """What is wrong with the model's headline, standfirst and teaser, each problem named
    after its line ("teaser: …"), so a line that has none can be kept on its own."""
    problems = []
    for key, limit in (
        ("headline", MAX_HEADLINE),
        ("standfirst", MAX_STANDFIRST),
        ("teaser", MAX_TEASER),
    ):
        value = data.get(key)
        if not isinstance(value, str) or not value.strip():
            problems.append(f"{key}: write it")
        elif len(value) > limit:
            problems.append(f"{key}: at most {limit} characters")
    written = {key for key in HEADS_SCHEMA["required"] if not _about(problems, key)}
    if "headline" in written:
        headline = data["headline"].strip()
        if len(headline.split()) > MAX_HEADLINE_WORDS:
            problems.append(f"headline: at most {MAX_HEADLINE_WORDS} words")
        if headline.endswith(("?", "!")):
            problems.append("headline: no question and no exclamation mark")
    if "standfirst" in written and len(split_sentences(data["standfirst"])) > 1:
        problems.append("standfirst: one sentence")
    if article or sources:
        parts = [(key, data[key]) for key in ("headline", "standfirst") if key in written]
        problems += invented_particulars(parts, [article, *sources])
    if "teaser" in written:
        teaser = data["teaser"].strip()
        if not ends_sentence(teaser) and len(teaser) > len(TEASER_OPENING) + TEASER_TAIL - 5:
            # the grammar's length cap cut it off mid-phrase (a shorter one only lacks its stop)
            problems.append("teaser: one short sentence that ends with a full stop")
        if not teaser.startswith(TEASER_OPENING):
            problems.append(f'teaser: start it with "{TEASER_OPENING}"')
        elif article and not set(content_stems(words(teaser))) & set(content_stems(words(article))):
            problems.append("teaser: say what this story is about")
    return problems


def _about(problems: Sequence[str], key: str) -> bool:
    return any(p.startswith(f"{key}:") for p in problems)


@dataclass(frozen=True)
class Retelling:
    paragraphs: list[str]
    cites: dict[str, list[str]]  # body sentence (match key) -> the source sentence it retells
    kept: int  # short sentences left in the source's words (no acceptable rewrite)
    total: int
    dropped: int = 0  # longer ones left out: kept, they would be copies


async def _ask_checked(
    ask: Ask,
    prompt: PromptTemplate,
    values: dict[str, str],
    schema: dict[str, Any],
    problems: Callable[[dict[str, Any]], list[str]],
) -> tuple[dict[str, Any], list[str]]:
    """The model's answer, asked once more naming what was wrong, and what is still wrong
    with it (nothing: use it)."""
    messages = [
        {"role": "system", "content": Template(prompt.system).safe_substitute(values)},
        {"role": "user", "content": Template(prompt.user).safe_substitute(values)},
    ]
    data = await ask(messages, schema)
    errors = problems(data)
    if errors:
        messages += [
            {"role": "assistant", "content": json.dumps(data, ensure_ascii=False)},
            repair_message(prompt, errors),
        ]
        data = await ask(messages, schema)
        errors = problems(data)
    return data, errors


async def retell_sentence(
    ask: Ask, prompt: PromptTemplate, sentence: str, sources: Sequence[str], brief: WriteBrief
) -> str | None:
    """``sentence`` in the model's words, or None when both tries copied or strayed."""
    instructions = (prompt.system, prompt.repair)

    def problems(data: dict[str, Any]) -> list[str]:
        return rewrite_problems(str(data.get("sentence", "")), sentence, sources, instructions)

    data, errors = await _ask_checked(
        ask,
        prompt,
        {"sentence": sentence, "language": brief.language},
        sentence_schema(sentence),
        problems,
    )
    return None if errors else " ".join(str(data["sentence"]).split())


async def retell_body(
    ask: Ask, plan: Draft, sources: Sequence[str], brief: WriteBrief, prompts_dir: str = ""
) -> Retelling:
    """Each sentence of the extractive ``plan``'s body, said again by the model."""
    prompt = load_prompt("sentence", prompts_dir)
    paragraphs: list[str] = []
    cites: dict[str, list[str]] = {}
    kept = total = dropped = 0
    for paragraph in plan.paragraphs:
        told = []
        for sentence in split_sentences(paragraph):
            total += 1
            if is_quotation(sentence):
                told.append(sentence)  # what someone said stays as they said it
                cites[match_key(sentence)] = [sentence]
                continue

            told_again = await retell_sentence(ask, prompt, sentence, sources, brief)
            if told_again is None and len(words(sentence)) >= COPY_LIMIT:
                dropped += 1  # kept, it would be a copy: a retelling leaves it out
                continue
            new = told_again or sentence
            if not ends_sentence(new):  # or it runs into the next one when joined
                new += "."
            kept += told_again is None
            told.append(new)
            for piece in split_sentences(new):  # a rewrite may say it in two sentences
                cites[match_key(piece)] = [sentence]
        if told:
            paragraphs.append(" ".join(told))
    return Retelling(paragraphs, cites, kept, total, dropped)


async def write_sentencewise(
    ask: Ask, docs: Sequence[SourceDoc], brief: WriteBrief, prompts_dir: str = ""
) -> Draft:
    """An article retold sentence by sentence (see the module docstring); backend, model and
    accounting are the caller's to fill in."""
    plan = write_extractive(docs, brief, capped=False)  # retold, not copied: no copy caps
    if not plan.paragraphs:
        return plan  # nothing to retell: the write stage skips an empty draft
    sources = [d.text for d in docs]
    body = await retell_body(ask, plan, sources, brief, prompts_dir)
    retold = sum(len(split_sentences(p)) for p in body.paragraphs)
    if retold < MIN_SENTENCES:
        raise StoryError(
            f"it retold only {retold} of {body.total} sentences without copying or straying"
        )
    article = "\n\n".join(body.paragraphs)
    heads, errors = await _ask_checked(
        ask,
        load_prompt("heads", prompts_dir),
        {
            "article": article,
            "language": brief.language,
            "persona": brief.persona or "an AI news writer",
            "site_title": brief.site_title or "a news site",
        },
        HEADS_SCHEMA,
        lambda data: heads_problems(data, article, sources),
    )
    # Each line the model got right is kept; one it got wrong twice is the plan's, and the
    # plan's standfirst, a source sentence, is retold on its own.
    wrong = {key for key in HEADS_SCHEMA["required"] if _about(errors, key)}
    chosen = {
        key: getattr(plan, key) if key in wrong else " ".join(str(heads[key]).split())
        for key in HEADS_SCHEMA["required"]
    }
    if not ends_sentence(chosen["teaser"]):
        chosen["teaser"] += "."
    planned = sorted(wrong)
    if "standfirst" in wrong and plan.standfirst:
        prompt = load_prompt("sentence", prompts_dir)
        told = await retell_sentence(ask, prompt, plan.standfirst, sources, brief)
        if told:
            chosen["standfirst"] = told
            planned.remove("standfirst")
    notes = []
    if body.kept:
        notes.append(
            f"{body.kept} of {body.total} sentences are the source's own words "
            "(the model's rewrites of them copied or strayed)."
        )
    if body.dropped:
        notes.append(
            f"{body.dropped} of {body.total} sentences were left out "
            "(the model's rewrites of them copied or strayed)."
        )
    if planned:
        lines, verb = " and ".join(planned), "is" if len(planned) == 1 else "are"
        notes.append(
            f"The {lines} {verb} the extractive writer's (the model's: {'; '.join(errors[:2])})."
        )
    return replace(
        plan,
        headline=chosen["headline"],
        standfirst=chosen["standfirst"],
        teaser=chosen["teaser"],
        paragraphs=body.paragraphs,
        cites=body.cites,
        prompt_version=prompt_version(prompts_dir),
        note=" ".join(notes),
    )
