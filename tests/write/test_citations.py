"""A model cites the numbered source sentences each of its sentences rests on; the
citations leave the text and become the checker's first evidence candidates."""

from __future__ import annotations

import asyncio
import re

from retold.records import SourceDoc
from retold.text.sentences import match_key
from retold.text.stem import content_stems
from retold.text.words import words
from retold.verify import evidence
from retold.verify.checker import Checker
from retold.write import WriteBrief, WriterSettings, get_writer
from retold.write.prompting import build_messages, load_prompt, take_citations
from tests.write.fake_openai import GOOD_ARTICLE, FakeOpenAI, serve


def test_citations_leave_the_text_and_stay_with_their_sentence() -> None:
    text, cited = take_citations(
        "The bridge closes for six weeks. [2, 5] Traffic goes via Mill Road [7]. "
        'The mayor said "sorry" [8][9]. Nobody cited this.'
    )
    assert text == (
        'The bridge closes for six weeks. Traffic goes via Mill Road. The mayor said "sorry". '
        "Nobody cited this."
    )
    assert cited == [
        ("The bridge closes for six weeks.", [2, 5]),
        ("Traffic goes via Mill Road.", [7]),
        ('The mayor said "sorry".', [8, 9]),
        ("Nobody cited this.", []),
    ]


def test_ranges_and_bracketed_words() -> None:
    assert take_citations("Works start [2-4] on Monday.") == (
        "Works start on Monday.",
        [("Works start on Monday.", [2, 3, 4])],
    )
    # Words in brackets belong to the article, not to a citation.
    assert take_citations("He said [the mayor] would go.")[0] == "He said [the mayor] would go."


def test_the_prompt_numbers_every_source_sentence(bridge: SourceDoc) -> None:
    prompt = build_messages(load_prompt("article"), [bridge], WriteBrief(), 3000)
    user = prompt.messages[1]["content"]
    assert prompt.sentences and f"[1] {prompt.sentences[0]}" in user
    assert f"[{len(prompt.sentences)}] {prompt.sentences[-1]}" in user
    assert prompt.cited([1, 999, 0]) == [prompt.sentences[0]]  # unknown numbers are ignored


def test_the_writer_keeps_what_the_model_cited(bridge: SourceDoc) -> None:
    fake = FakeOpenAI(["cited"])
    settings = WriterSettings(backend="openai", base_url="", model="fake", retries=0)
    with serve(fake) as url:
        writer = get_writer(WriterSettings(**{**settings.__dict__, "base_url": url}))
        draft = asyncio.run(writer.write([bridge], brief=WriteBrief()))
    assert draft.paragraphs == GOOD_ARTICLE["body"]  # the numbers are gone from the text
    shown = fake.requests[0]["messages"][1]["content"]
    numbered = dict(re.findall(r"\[(\d+)\] (.+?)(?= \[\d+\] |\n|$)", shown))
    last = re.split(r"(?<=\.) ", GOOD_ARTICLE["body"][0])[-1]
    assert draft.cites[match_key(last)] == [numbered["1"], numbered["2"]]


def test_a_cited_passage_is_among_the_evidence(bridge: SourceDoc) -> None:
    """The passage a sentence cites joins the candidates even where retrieval ranks it
    low; one it does not cite does not."""
    checker = Checker()
    (index,) = checker.cache.get_many([(bridge.text, bridge.url)], checker.encoder)
    sentence = "The bridge will close for six weeks."
    vector = checker.encoder.encode([sentence])[0]
    stems = content_stems(words(sentence))
    plain = evidence.find(vector, stems, [index])
    ranked = {(p.doc, p.unit) for p in plain.top}
    far = next(u for u in range(len(index.units)) if (0, u) not in ranked)
    hinted = evidence.find(vector, stems, [index], [(0, far)])
    assert (0, far) in {(p.doc, p.unit) for p in hinted.top}
    assert ranked <= {(p.doc, p.unit) for p in hinted.top}  # citing only adds candidates
    assert hinted.best == plain.best  # and the best passage is still the best one
