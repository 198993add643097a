"""Turn fetched bytes into text, even when the page lies about its encoding.

The order follows the WHATWG encoding sniffing rules (BOM, then the HTTP header,
then ``<meta charset>`` or the XML declaration), with two corrections for the web
as it is: a page declared as Latin-1/Windows-1252/ASCII whose bytes are valid
UTF-8 with non-ASCII characters is UTF-8 (by far the most common mislabelling),
and a declaration that cannot decode the bytes is skipped.

With nothing usable declared (a Windows-1252 page sent as ``charset=utf-8`` is the
classic), the bytes are decoded every likely way (UTF-8 with stray Windows-1252
bytes, Windows-1252 first for Western pages, then charset-normalizer's guesses)
and each result is judged by :mod:`retold.ingest.mojibake`: the most plausible
text wins. charset-normalizer alone read such a page as cp775 ("Cafķ reopens").
When even the winner looks wrong, or two readings are close, the choice is logged
as a warning and returned in ``Decoded.warning``: never mojibake in silence.
"""

from __future__ import annotations

import codecs
import logging
import re
from dataclasses import dataclass

from charset_normalizer import from_bytes

from retold.ingest.mojibake import find_mojibake, implausibility

log = logging.getLogger("retold")

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Labels that browsers treat as Windows-1252, and which are the usual lie.
_LEGACY_SINGLE_BYTE = {"ascii", "cp1252", "latin-1", "iso8859-1", "iso8859-15", "cp437"}
_WHATWG_ALIASES = {"iso8859-1": "cp1252", "ascii": "cp1252", "latin-1": "cp1252"}

_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?([\w.:\-]+)""", re.I)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:\-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([\w.:\-]+)["']""", re.I)
_SNIFF_BYTES = 4096  # browsers look at the first 1024; real pages put it later
_LANG = re.compile(rb"""<html[^>]*?\slang\s*=\s*["']?([A-Za-z]{2,3})""", re.I)
# Languages usually written in Windows-1252 when not in UTF-8.
_WESTERN = frozenset(
    {
        "en",
        "fr",
        "de",
        "es",
        "it",
        "pt",
        "nl",
        "da",
        "sv",
        "no",
        "nb",
        "nn",
        "fi",
        "is",
        "ga",
        "gd",
        "cy",
        "ca",
        "eu",
        "gl",
        "af",
        "sq",
        "id",
        "ms",
        "sw",
        "lb",
        "fo",
        "oc",
    }
)
_SINGLE_BYTE_FALLBACK = "retold-utf8-or-cp1252"
_MAX_GUESSES = 4
_JUDGE_CHARS = 200_000  # judging more text than this changes nothing but the time it takes


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str  # Python codec name actually used, e.g. "utf-8", "cp1252"
    # "bom", "header", "meta", "xml", "utf-8 check", "judged", "detected", "fallback"
    source: str
    warning: str = ""  # one sentence when the encoding is a guess that may be wrong


def _cp1252_byte(byte: int) -> str:
    try:
        return bytes([byte]).decode("cp1252")
    except UnicodeDecodeError:
        return chr(byte)  # the five bytes cp1252 leaves undefined: as Latin-1 does


def _utf8_or_cp1252(err: UnicodeError) -> tuple[str, int]:
    """Error handler: bytes that are not UTF-8 are read as Windows-1252 (mixed pages)."""
    assert isinstance(err, UnicodeDecodeError)
    bad = err.object[err.start : err.end]
    return "".join(_cp1252_byte(b) for b in bad), err.end


codecs.register_error(_SINGLE_BYTE_FALLBACK, _utf8_or_cp1252)


def codec_name(label: str) -> str | None:
    """The Python codec for an encoding label, or None if unknown."""
    try:
        name = codecs.lookup(label.strip().strip("\"'")).name
    except (LookupError, ValueError):
        return None
    return _WHATWG_ALIASES.get(name, name)


def header_charset(content_type: str) -> str | None:
    match = _HEADER_CHARSET.search(content_type or "")
    return codec_name(match.group(1)) if match else None


def document_charset(body: bytes) -> tuple[str, str] | None:
    """The encoding a document declares about itself: ``(codec, "meta"|"xml")``."""
    head = body[:_SNIFF_BYTES]
    for pattern, source in ((_XML_ENCODING, "xml"), (_META_CHARSET, "meta")):
        match = pattern.search(head)
        if match:
            name = codec_name(match.group(1).decode("ascii", "replace"))
            # A UTF-16 declaration inside bytes we could read as ASCII is impossible.
            if name and not name.startswith("utf-16"):
                return name, source
    return None


def _valid_utf8_non_ascii(body: bytes) -> bool:
    if body.isascii():
        return False
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _try(body: bytes, codec: str) -> str | None:
    try:
        return body.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def decode(body: bytes, content_type: str = "", *, url: str = "") -> Decoded:
    """Decode a fetched document, choosing the encoding it really uses.

    `url` only names the document in a warning.
    """
    for bom, codec in _BOMS:
        if body.startswith(bom):
            return Decoded(body[len(bom) :].decode(codec, "replace"), codec, "bom")

    declared: list[tuple[str, str]] = []
    from_header = header_charset(content_type)
    if from_header:
        declared.append((from_header, "header"))
    from_document = document_charset(body)
    if from_document and from_document[0] != from_header:
        declared.append(from_document)

    doubtful: list[tuple[str, str, str]] = []  # declarations that decode into mojibake
    for codec, source in declared:
        if codec in _LEGACY_SINGLE_BYTE and _valid_utf8_non_ascii(body):
            return Decoded(body.decode("utf-8"), "utf-8", "utf-8 check")
        text = _try(body, codec)
        if text is None:
            continue
        # Bytes that decode as UTF-8 are UTF-8 (chance does not make valid UTF-8); a
        # legacy table decodes anything, so its result is checked for mojibake.
        if codec.startswith("utf") or not find_mojibake(text[:_JUDGE_CHARS]):
            return Decoded(text, codec, source)
        doubtful.append((text, codec, source))

    if not doubtful and (body.isascii() or _valid_utf8_non_ascii(body)):
        return Decoded(body.decode("utf-8"), "utf-8", "utf-8 check")
    return _judge(body, declared, doubtful, url)


_CLEAR_MARGIN = 1.0  # about two rare letters, or any one strong sign of mojibake


def _total(text: str) -> float:
    return implausibility(text) * max(len(text), 1) / 100.0


def _page_language(body: bytes) -> str:
    match = _LANG.search(body[:_SNIFF_BYTES])
    return match.group(1).decode("ascii").lower() if match else ""


def _candidates(body: bytes, doubtful: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """(text, codec, source) for every likely reading, the likeliest first."""
    # Windows-1252, then UTF-8 with stray Windows-1252 bytes (a page pasted together);
    # for a pure Windows-1252 page the two are the same text and only the first is kept.
    ours: list[tuple[str, str, str]] = [
        *[(t, "cp1252", "judged") for t in [_try(body, "cp1252")] if t is not None],
        (body.decode("utf-8", _SINGLE_BYTE_FALLBACK), "utf-8+cp1252", "judged"),
    ]
    guesses: list[tuple[str, str, str]] = []
    for match in list(from_bytes(body))[:_MAX_GUESSES]:
        codec = codec_name(match.encoding) if match.encoding else None
        text = _try(body, codec) if codec else None
        if codec and text is not None:
            guesses.append((text, codec, "detected"))
    language = _page_language(body)
    western = not language or language in _WESTERN
    ordered = [*(ours + guesses if western else guesses + ours), *doubtful]
    unique: list[tuple[str, str, str]] = []
    seen: set[str] = set()
    for candidate in ordered:
        if candidate[0] not in seen:
            seen.add(candidate[0])
            unique.append(candidate)
    return unique


def _judge(
    body: bytes,
    declared: list[tuple[str, str]],
    doubtful: list[tuple[str, str, str]],
    url: str,
) -> Decoded:
    """The most plausible reading of bytes whose declared charset is missing or wrong."""
    candidates = _candidates(body, doubtful)
    findings = [find_mojibake(text[:_JUDGE_CHARS]) for text, _, _ in candidates]
    # Raw totals (not per 100 characters), so one wrong letter on a long page still counts;
    # a tiny tie-break keeps the likeliest-first order when two readings score alike.
    scored = sorted(
        (_total(text[:_JUDGE_CHARS]) + 0.01 * rank, rank, text, codec, source)
        for rank, (text, codec, source) in enumerate(candidates)
    )
    score, rank, text, codec, source = scored[0]
    broken = findings[rank]
    # The reading we'd take without weighing: the likeliest one with no sign of mojibake.
    expected = next((r for r, found in enumerate(findings) if not found), 0)
    runner_up = scored[1][0] if len(scored) > 1 else float("inf")
    said = " and ".join(sorted({c for c, _ in declared}))
    what = url or "A document"
    warning = ""
    if broken:
        warning = (
            f"{what} is in no encoding Retold can read cleanly (read as {codec}, it still "
            f"shows {broken[0]}); some characters may be wrong."
        )
    elif rank != expected and runner_up - score < _CLEAR_MARGIN:
        # We left the likeliest reading on thin evidence: say so.
        claim = f"declares {said} but is not" if said else "declares no encoding"
        warning = (
            f"{what} {claim}; it was read as {codec}, though {scored[1][3]} was almost "
            "as likely, so some characters may be wrong."
        )
    if warning:
        log.warning(warning)
    elif said:
        log.info("%s declares %s but is %s.", what, said, codec)
    return Decoded(text, codec, source, warning)
