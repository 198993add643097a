"""Checking every sentence of an article against the story's source documents."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from retold.records import SentenceCheck, SourceDoc
from retold.text.paragraphs import split_blocks, unwrapped_sentences
from retold.text.sentences import match_key
from retold.text.stem import content_stems
from retold.text.words import words
from retold.verify import copied, features, names
from retold.verify import evidence as evidence_mod
from retold.verify.index import Encoder, IndexCache, SourceIndex
from retold.verify.scoring import Weights, judge, load_weights

# A sentence's match key -> the source sentences its writer cited for it (Draft.cites).
Cites = Mapping[str, Sequence[str]]


class Checker:
    """Holds the embedder and the per-document cache; reuse one for many articles."""

    def __init__(
        self,
        encoder: Encoder | None = None,
        cache: IndexCache | None = None,
        weights: Weights | None = None,
    ) -> None:
        self._encoder = encoder
        self.cache = cache or IndexCache()
        self.weights = weights

    @property
    def encoder(self) -> Encoder:
        if self._encoder is None:
            from retold.relate.embeddings import fast_embedder

            self._encoder = fast_embedder()
        return self._encoder

    def analyse_many(
        self,
        articles: Sequence[tuple[list[list[str]], Sequence[tuple[str, str]]]],
        cites: Sequence[Cites] = (),
    ) -> list[list[tuple[int, str, features.Signals | None, str, str]]]:
        """Per sentence: (paragraph, text, signals, evidence text, source url); signals None
        when there is no source text at all. Used by :meth:`check_many` and calibration.

        ``cites``, one per article where given, maps a sentence's match key to the source
        sentences its writer says it rests on (see Draft.cites).
        """
        all_docs = [d for _, docs in articles for d in docs if d[0].strip()]
        built = self.cache.get_many(all_docs, self.encoder)
        indexes = {IndexCache.key(t, u): ix for (t, u), ix in zip(all_docs, built, strict=True)}
        flat = [s for paragraphs, _ in articles for para in paragraphs for s in para]
        vectors, pieces = self.encoder.encode_with_tokens(flat) if flat else (None, [])
        out: list[list[tuple[int, str, features.Signals | None, str, str]]] = []
        row = 0
        for a, (paragraphs, docs) in enumerate(articles):
            doc_indexes = [indexes[IndexCache.key(t, u)] for t, u in docs if t.strip()]
            article_cites = cites[a] if a < len(cites) else {}
            article_caps = names.capitalised_words(" ".join(s for p in paragraphs for s in p))
            rows: list[tuple[int, str, features.Signals | None, str, str]] = []
            for p, para in enumerate(paragraphs):
                for sentence in para:
                    assert vectors is not None
                    if not doc_indexes:
                        rows.append((p, sentence, None, "", ""))
                    else:
                        stems = content_stems(words(sentence))
                        cited = article_cites.get(match_key(sentence), ())
                        cited_units = _cited_units(cited, doc_indexes)
                        found = evidence_mod.find(vectors[row], stems, doc_indexes, cited_units)
                        signals = features.compute(
                            sentence, found, doc_indexes, article_caps, pieces[row]
                        )
                        best = doc_indexes[found.best.doc]
                        passage, url = best.units[found.best.unit], best.url
                        copy = _copied_from(sentence, doc_indexes)
                        if copy is not None:
                            signals.copied = True
                            passage, url = copy
                        rows.append((p, sentence, signals, passage, url))
                    row += 1
            out.append(rows)
        return out

    def check_many(
        self,
        articles: Sequence[tuple[list[list[str]], Sequence[tuple[str, str]]]],
        cites: Sequence[Cites] = (),
    ) -> list[list[SentenceCheck]]:
        """Check several articles at once, each given as (sentences by paragraph, [(text, url)]).

        All source documents and all article sentences go to the embedder in two batches.
        """
        weights = self.weights or load_weights()
        return [
            [_verdict(p, text, signals, ev, url, weights) for p, text, signals, ev, url in rows]
            for rows in self.analyse_many(articles, cites)
        ]


def _cited_units(cited: Sequence[str], indexes: Sequence[SourceIndex]) -> list[tuple[int, int]]:
    """The (document, unit) each cited source sentence stands in; unknown ones are dropped
    (a model may cite a number it was never shown)."""
    out = []
    for text in cited:
        needle = copied.normal_form(text).replace("\n", " ")
        for d, index in enumerate(indexes):
            unit = copied.passage(needle, index.normal_units)
            if unit is not None:
                out.append((d, unit))
                break
    return out


def _copied_from(sentence: str, indexes: Sequence[SourceIndex]) -> tuple[str, str] | None:
    """(passage, url) when ``sentence`` stands word for word in the sources: the source's
    sentence (or two) each piece of it was copied from, as the source writes them."""
    pieces = copied.find(sentence, [ix.paragraphs for ix in indexes])
    if pieces is None:
        return None
    passages: list[str] = []
    for d, needle in pieces:
        index = indexes[d]
        unit = copied.passage(needle, index.normal_units)
        text = index.units[unit] if unit is not None else needle
        if text not in passages:
            passages.append(text)
    return " ".join(passages), indexes[pieces[0][0]].url


def _verdict(
    paragraph: int,
    sentence: str,
    signals: features.Signals | None,
    evidence: str,
    url: str,
    weights: Weights,
) -> SentenceCheck:
    if signals is None:
        return SentenceCheck(
            paragraph, sentence, "unsupported", 0.0, "there is no source text to check against"
        )
    result = judge(signals, weights)
    return SentenceCheck(
        paragraph=paragraph,
        text=sentence,
        verdict=result.verdict,
        score=round(result.score, 4),
        reason=result.reason,
        evidence=evidence,
        source_url=url,
    )


_default: Checker | None = None


def default_checker() -> Checker:
    global _default
    if _default is None:
        _default = Checker()
    return _default


def forget_sources() -> None:
    """Drop the default checker's source indexes (a stage done: give the memory back)."""
    if _default is not None:
        _default.cache.clear()


def check_article(
    sentences_by_paragraph: list[list[str]],
    docs: Sequence[SourceDoc],
    *,
    checker: Checker | None = None,
    cites: Cites | None = None,
) -> list[SentenceCheck]:
    """One :class:`SentenceCheck` per sentence, in order, against the story's documents
    (with the source sentences the writer cited for each, where it did)."""
    pairs = [(d.text, d.url) for d in docs]
    return (checker or default_checker()).check_many(
        [(sentences_by_paragraph, pairs)], [cites or {}]
    )[0]


_TOKENISED_STOP = re.compile(r"(?<=\w) \. (?=\S)")


def split_article(text: str) -> list[list[str]]:
    """Paragraphs (blank-line separated) of sentences.

    Tokenised, lower-cased text (" . " between sentences, as some datasets and models
    write it) is split at those stops too, which no segmenter does on its own.
    """
    out = []
    for paragraph in split_blocks(text):
        sentences = [
            piece
            for sentence in unwrapped_sentences(paragraph)
            for piece in _TOKENISED_STOP.sub(" .\n", sentence).split("\n")
            if piece.strip()
        ]
        if sentences:
            out.append(sentences)
    return out


def check_text(
    text: str, sources: list[str], *, checker: Checker | None = None
) -> list[SentenceCheck]:
    """Check plain ``text`` against plain source texts (no URLs)."""
    pairs = [(s, "") for s in sources]
    return (checker or default_checker()).check_many([(split_article(text), pairs)])[0]
