"""Duplicate detection: canonical URLs, near-duplicate text, changed pages.

- `canonical_url` maps the many spellings of one article's address (tracking
  parameters, AMP and mobile variants, default ports) to one key.
- `fingerprint` is a MinHash signature over word shingles, stored as bytes so
  the store can keep it in a BLOB column; `similarity` estimates the Jaccard
  similarity of two texts' shingle sets from their signatures.
- `content_hash` says whether a page at the same URL changed in substance.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import zlib
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import numpy as np

# --- canonical URLs ---------------------------------------------------------------

_TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "twclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "ref",
        "ref_src",
        "ref_url",
        "referrer",
        "cmpid",
        "icid",
        "ocid",
        "ito",
        "ns_mchannel",
        "ns_source",
        "ns_campaign",
        "ns_linkname",
        "ns_fee",
        "_ga",
        "_gl",
        "_hsenc",
        "_hsmi",
        "hsctatracking",
        "mkt_tok",
        "vero_id",
        "oly_anon_id",
        "oly_enc_id",
        "rb_clickid",
        "s_cid",
        "sr_share",
        "smid",
        "at_medium",
        "at_campaign",
        "at_custom1",
        "at_custom2",
        "at_custom3",
        "at_custom4",
        "guccounter",
        "guce_referrer",
        "guce_referrer_sig",
        "amp",
        "outputtype",
        "__twitter_impression",
        "spm",
        "xtor",
        "wt_mc",
        "wt.mc_id",
        "intcmp",
        "int_cmp",
    }
)
_TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "matomo_", "hmb_", "__s", "_bta_", "oly_")
_DEFAULT_PORTS = {"http": 80, "https": 443}
_AMP_OUTPUT_VALUES = frozenset({"amp", "1", "true", ""})
_MOBILE_HOST = re.compile(r"^(?:m|mobile|amp|www)\.(?=.+\..+)")


def canonical_url(url: str) -> str:
    """One key for every spelling of the same article URL.

    Lowercases scheme and host (the scheme itself is kept: the key may be
    fetched), drops default ports, fragments, tracking and
    AMP parameters, strips AMP and mobile variants (`amp.` / `m.` / `mobile.` /
    `www.` hosts, `/amp/` paths, `.amp.html`), and sorts what query remains.
    """
    url = url.strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return url
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        return url
    host = (parts.hostname or "").rstrip(".")
    host = _MOBILE_HOST.sub("", host)
    netloc = host
    if port is not None and port != _DEFAULT_PORTS.get(scheme):
        netloc = f"{host}:{port}"

    path = parts.path or "/"
    path = re.sub(r"/{2,}", "/", path)
    path = re.sub(r"/amp/?$", "/", path)  # …/story/amp  → …/story/
    path = re.sub(r"^/amp/", "/", path)  # /amp/story   → /story
    path = re.sub(r"/amp/", "/", path)
    path = re.sub(r"\.amp(\.html?)?$", r"\1", path)  # story.amp.html → story.html
    path = re.sub(r"/index\.(?:html?|php)$", "/", path)
    if len(path) > 1 and path.endswith("/"):
        path = path.rstrip("/")

    query = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k, v)
    ]
    query.sort()
    return urlunsplit((scheme, netloc, path, urlencode(query), ""))


def _is_tracking(key: str, value: str) -> bool:
    k = key.lower()
    if k in _TRACKING_PARAMS:
        return k not in ("amp", "outputtype") or value.lower() in _AMP_OUTPUT_VALUES
    return k.startswith(_TRACKING_PREFIXES)


# --- text fingerprints ---------------------------------------------------------------

SHINGLE = 3  # words per shingle: short enough to survive light copy-editing
PERMUTATIONS = 128
NEAR_DUPLICATE = 0.5  # estimated Jaccard of 3-word shingles; unrelated news text is < 0.05

_PRIME = np.uint64((1 << 61) - 1)
_MAX32 = np.uint64(0xFFFFFFFF)
_rng = np.random.default_rng(20261125)  # fixed: stored fingerprints must stay comparable
_A = _rng.integers(1, 1 << 32, size=PERMUTATIONS, dtype=np.uint64)
_B = _rng.integers(0, 1 << 32, size=PERMUTATIONS, dtype=np.uint64)
_WORD = re.compile(r"\w+(?:[.,'’]\w+)*")
_EMPTY = np.full(PERMUTATIONS, 0xFFFFFFFF, dtype=np.uint32).tobytes()


def words(text: str) -> list[str]:
    """Normalised word tokens: case-folded, accents kept, punctuation dropped."""
    text = unicodedata.normalize("NFKC", text).casefold().replace("’", "'")
    return _WORD.findall(text)


def shingles(text: str, size: int = SHINGLE) -> set[int]:
    """32-bit hashes of the text's word n-grams (stable across processes)."""
    toks = words(text)
    if len(toks) < size:
        return {zlib.crc32(" ".join(toks).encode())} if toks else set()
    return {zlib.crc32(" ".join(toks[i : i + size]).encode()) for i in range(len(toks) - size + 1)}


def fingerprint(text: str) -> bytes:
    """MinHash signature of `text` (PERMUTATIONS uint32 values, 512 bytes)."""
    hashes = shingles(text)
    if not hashes:
        return _EMPTY
    x = np.fromiter(hashes, dtype=np.uint64, count=len(hashes))
    # (a·x + b) mod p fits in uint64 because a, x, b < 2**32.
    mixed = (np.outer(_A, x) + _B[:, None]) % _PRIME
    return (mixed.min(axis=1) & _MAX32).astype(np.uint32).tobytes()


def similarity(a: str | bytes, b: str | bytes) -> float:
    """Estimated Jaccard similarity (0..1) of two texts or two fingerprints."""
    fa = np.frombuffer(a if isinstance(a, bytes) else fingerprint(a), dtype=np.uint32)
    fb = np.frombuffer(b if isinstance(b, bytes) else fingerprint(b), dtype=np.uint32)
    if fa.shape != fb.shape:
        raise ValueError("Fingerprints of different sizes cannot be compared.")
    empty = np.uint32(0xFFFFFFFF)
    if bool((fa == empty).all()) or bool((fb == empty).all()):
        return 0.0
    return float((fa == fb).mean())


def is_near_duplicate(a: str | bytes, b: str | bytes, threshold: float = NEAR_DUPLICATE) -> bool:
    """Whether two texts are copies of each other with light edits (e.g. one wire story)."""
    return similarity(a, b) >= threshold


def content_hash(text: str) -> str:
    """Hash of a text's words, blind to whitespace, case and punctuation changes.

    Two fetches of the same URL with the same hash carry the same story; a new
    figure, a correction or an added quote changes it.
    """
    return hashlib.sha256(" ".join(words(text)).encode()).hexdigest()
