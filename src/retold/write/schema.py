"""The shape a model must return, as a JSON schema for the server and a validator for us."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from retold.text.sentences import split_sentences
from retold.write.backend import WriteBrief
from retold.write.topics import TOPICS, category_topic

MAX_HEADLINE = 80
MAX_STANDFIRST = 160
MAX_TEASER = 110
MAX_PARAGRAPH_CHARS = 900


class ArticleOut(BaseModel):
    """A model's article, as parsed from its JSON reply."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    headline: str = Field(min_length=5, max_length=MAX_HEADLINE)
    standfirst: str = Field(min_length=10, max_length=MAX_STANDFIRST)
    body: list[str] = Field(min_length=3, max_length=6)
    teaser: str = Field(min_length=10, max_length=MAX_TEASER)
    topics: list[str] = Field(min_length=1, max_length=3)


# News English averages about six characters a word, spaces included.
CHARS_PER_WORD = 6


def min_paragraph_chars(brief: WriteBrief) -> int:
    """The shortest paragraph that still lets the fewest paragraphs reach the word minimum.

    Under a grammar (llama.cpp) this is enforced while decoding, so even a tiny model
    writes a body long enough to validate; what it invents there is the checker's job.
    """
    return max(20, brief.min_words * CHARS_PER_WORD // brief.min_paragraphs)


def max_paragraph_chars(brief: WriteBrief) -> int:
    """The longest paragraph such that the most paragraphs still fit the word maximum."""
    by_words = brief.max_words * CHARS_PER_WORD // brief.max_paragraphs
    return min(MAX_PARAGRAPH_CHARS, max(2 * min_paragraph_chars(brief), by_words))


def json_schema(brief: WriteBrief) -> dict[str, Any]:
    """The JSON schema sent to the server (it becomes a grammar on llama.cpp)."""
    return {
        "type": "object",
        "properties": {
            "headline": {"type": "string", "minLength": 5, "maxLength": MAX_HEADLINE},
            "standfirst": {"type": "string", "minLength": 10, "maxLength": MAX_STANDFIRST},
            "body": {
                "type": "array",
                "items": {
                    "type": "string",
                    "minLength": min_paragraph_chars(brief),
                    "maxLength": max_paragraph_chars(brief),
                },
                "minItems": brief.min_paragraphs,
                "maxItems": brief.max_paragraphs,
            },
            "teaser": {"type": "string", "minLength": 10, "maxLength": MAX_TEASER},
            "topics": {
                "type": "array",
                "items": {"type": "string", "enum": sorted(TOPICS)},
                "minItems": 1,
                "maxItems": 3,
            },
        },
        "required": ["headline", "standfirst", "body", "teaser", "topics"],
        "additionalProperties": False,
    }


def tidy_body(paragraphs: list[str], brief: WriteBrief) -> list[str]:
    """Mechanical fixes no model call is needed for: repeated sentences go (the first
    stays), then whole sentences come off the end while the body is over the word limit,
    never below the minimum number of paragraphs."""
    seen: set[str] = set()
    kept: list[list[str]] = []
    for para in paragraphs:
        sentences = []
        for sentence in split_sentences(para):
            key = " ".join(sentence.lower().split())
            if key in seen:
                continue
            seen.add(key)
            sentences.append(sentence)
        if sentences:
            kept.append(sentences)

    def words() -> int:
        return sum(len(s.split()) for para in kept for s in para)

    while words() > brief.max_words and kept:
        if len(kept[-1]) > 1:
            kept[-1].pop()
        elif len(kept) > brief.min_paragraphs:
            kept.pop()
        else:
            break
    return [" ".join(para) for para in kept]


def validate_article(
    data: dict[str, Any], brief: WriteBrief
) -> tuple[ArticleOut | None, list[str]]:
    """The article and a list of problems (empty when it is fit to publish)."""
    try:
        article = ArticleOut.model_validate(data)
    except ValidationError as exc:
        return None, [_describe(err) for err in exc.errors()]
    article = article.model_copy(update={"body": tidy_body(article.body, brief)})
    errors: list[str] = []
    if len(article.body) < brief.min_paragraphs:
        errors.append(f"body: write at least {brief.min_paragraphs} paragraphs")
    body = [p for p in article.body if p.strip()]
    if len(body) != len(article.body):
        errors.append("body: every paragraph must have text")
    words = sum(len(p.split()) for p in body)
    if not brief.min_words <= words <= brief.max_words:
        errors.append(
            f"body: {words} words in total; write between {brief.min_words} "
            f"and {brief.max_words} words"
        )
    topics = [normalise_topic(t) for t in article.topics]
    if not all(topics):
        unknown = [t for t, n in zip(article.topics, topics, strict=True) if not n]
        errors.append(f"topics: {unknown} are not among {sorted(TOPICS)}")
    if errors:
        return None, errors
    clean = article.model_copy(update={"topics": list(dict.fromkeys(topics))})
    return clean, []


def normalise_topic(topic: str) -> str:
    return category_topic(topic)


def _describe(err: Any) -> str:
    where = ".".join(str(p) for p in err.get("loc", ())) or "reply"
    return f"{where}: {err.get('msg', 'invalid')}"
