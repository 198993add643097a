"""Turn fetched bytes into text, even when the page lies about its encoding.

The order follows the WHATWG encoding sniffing rules (BOM, then the HTTP header,
then ``<meta charset>`` or the XML declaration), with two corrections for the web
as it is: a page declared as Latin-1/Windows-1252/ASCII whose bytes are valid
UTF-8 with non-ASCII characters is UTF-8 (by far the most common mislabelling),
and a declaration that cannot decode the bytes is skipped. With nothing usable
declared, charset-normalizer guesses.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from charset_normalizer import from_bytes

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


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str  # Python codec name actually used, e.g. "utf-8", "cp1252"
    source: str  # "bom", "header", "meta", "xml", "utf-8 check", "detected", "fallback"


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


def decode(body: bytes, content_type: str = "") -> Decoded:
    """Decode a fetched document, choosing the encoding it really uses."""
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

    for codec, source in declared:
        if codec in _LEGACY_SINGLE_BYTE and _valid_utf8_non_ascii(body):
            return Decoded(body.decode("utf-8"), "utf-8", "utf-8 check")
        text = _try(body, codec)
        if text is not None:
            return Decoded(text, codec, source)

    if body.isascii() or _valid_utf8_non_ascii(body):
        return Decoded(body.decode("utf-8"), "utf-8", "utf-8 check")
    best = from_bytes(body).best()
    if best is not None and best.encoding:
        codec = codec_name(best.encoding) or best.encoding
        text = _try(body, codec)
        if text is not None:
            return Decoded(text, codec, "detected")
    return Decoded(body.decode("cp1252", "replace"), "cp1252", "fallback")
