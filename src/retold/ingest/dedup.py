"""Duplicate detection: canonical URLs, near-duplicate text, changed pages.

- `canonical_url` maps the many spellings of one article's address (tracking
  parameters, AMP and mobile variants, default ports) to one key.
- `fingerprint` is a MinHash signature over 64-bit hashes of word shingles,
  tagged with its construction and stored as bytes (a BLOB column can keep it);
  `similarity` estimates the Jaccard similarity of two texts' shingle sets.
- `content_hash` says whether a page at the same URL changed in substance.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import numpy as np

from retold.text.words import shingle_words

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
    if ":" in host:  # an IPv6 literal: its brackets are part of the URL
        host = f"[{host}]"
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

# A fingerprint is this tag followed by PERMUTATIONS little-endian uint32 values. The tag
# versions the construction: signatures from the first scheme (512 untagged bytes, whose
# 32-bit hashes let one tiny shingle win most permutations) must never be compared with
# these, so `similarity` refuses anything without it and callers recompute from the text.
FINGERPRINT_TAG = b"MH2\x00"
FINGERPRINT_BYTES = len(FINGERPRINT_TAG) + 4 * PERMUTATIONS

_U64 = np.uint64
# Each permutation is x -> mix(x·a + b) over uint64 with wrap-around: a random odd
# multiplier makes it a bijection, and the splitmix64 finaliser spreads every input bit
# over the high bits, so the minima of different permutations are independent.
_rng = np.random.default_rng(20261125)  # fixed: fingerprints must stay comparable
_A = _rng.integers(0, 1 << 63, size=PERMUTATIONS, dtype=np.uint64) * _U64(2) + _U64(1)
_B = _rng.integers(0, 1 << 63, size=PERMUTATIONS, dtype=np.uint64)
_MIX1 = _U64(0xBF58476D1CE4E5B9)
_MIX2 = _U64(0x94D049BB133111EB)
_POSITION = _U64(0x9E3779B97F4A7C15)  # odd: word order matters in a shingle
_CHUNK = 2048  # shingles per block: bounds memory at PERMUTATIONS × _CHUNK × 8 bytes
_EMPTY_VALUE = 0xFFFFFFFF
_EMPTY = FINGERPRINT_TAG + np.full(PERMUTATIONS, _EMPTY_VALUE, dtype="<u4").tobytes()


def _hash64(word: str) -> int:
    return int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(), "little")


def _finalise(z: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser, in place: every input bit reaches every output bit."""
    with np.errstate(over="ignore"):  # wrap-around is the arithmetic we want
        z ^= z >> _U64(30)
        z *= _MIX1
        z ^= z >> _U64(27)
        z *= _MIX2
        z ^= z >> _U64(31)
    return z


def shingle_hashes(tokens: Sequence[str], size: int = SHINGLE) -> np.ndarray:
    """Distinct 64-bit hashes of the word n-grams of `tokens` (stable across processes).

    Each distinct word is hashed once (blake2b); an n-gram's hash combines its words'
    hashes by position with odd multipliers and is finalised, which is ~10x faster than
    hashing every n-gram's string and as good for MinHash (collisions ~ n²/2**64).
    """
    if not tokens:
        return np.empty(0, dtype=np.uint64)
    vocab: dict[str, int] = {}
    ids = [vocab.setdefault(t, len(vocab)) for t in tokens]
    word_hash = np.fromiter((_hash64(w) for w in vocab), dtype=np.uint64, count=len(vocab))
    h = word_hash[np.asarray(ids, dtype=np.intp)]
    n = max(1, len(h) - size + 1)
    combined = np.zeros(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for pos in range(min(size, len(h))):
            combined = combined * _POSITION + h[pos : pos + n]
    return np.unique(_finalise(combined))


def shingles(text: str, size: int = SHINGLE) -> set[int]:
    """The set of 64-bit hashes of the text's word n-grams (a text shorter than n is one)."""
    return {int(v) for v in shingle_hashes(shingle_words(text), size)}


def _permuted_minima(x: np.ndarray) -> np.ndarray:
    """For each permutation, the smallest permuted value of the uint64 hashes `x`."""
    with np.errstate(over="ignore"):
        z = np.multiply.outer(_A, x) + _B[:, None]
    return _finalise(z).min(axis=1)


def fingerprint(text: str) -> bytes:
    """Tagged MinHash signature of `text` (FINGERPRINT_BYTES bytes)."""
    x = shingle_hashes(shingle_words(text))
    if not len(x):
        return _EMPTY
    minima = np.full(PERMUTATIONS, np.iinfo(np.uint64).max, dtype=np.uint64)
    for start in range(0, len(x), _CHUNK):
        np.minimum(minima, _permuted_minima(x[start : start + _CHUNK]), out=minima)
    # The high 32 bits of each minimum: two different minima agree by chance 1 in 2**32.
    top = (minima >> _U64(32)).astype("<u4")
    top[top == _EMPTY_VALUE] = _EMPTY_VALUE - 1  # keep the empty marker unambiguous
    return FINGERPRINT_TAG + top.tobytes()


def is_current_fingerprint(fp: bytes) -> bool:
    """Whether `fp` was made by this construction (older ones must be recomputed)."""
    return len(fp) == FINGERPRINT_BYTES and fp.startswith(FINGERPRINT_TAG)


def _values(fp: str | bytes) -> np.ndarray:
    raw = fp if isinstance(fp, bytes) else fingerprint(fp)
    if not is_current_fingerprint(raw):
        raise ValueError(
            "This fingerprint was made by an older construction; recompute it from the text."
        )
    return np.frombuffer(raw, dtype="<u4", offset=len(FINGERPRINT_TAG))


def similarity(a: str | bytes, b: str | bytes) -> float:
    """Estimated Jaccard similarity (0..1) of two texts or two fingerprints."""
    fa, fb = _values(a), _values(b)
    if bool((fa == _EMPTY_VALUE).all()) or bool((fb == _EMPTY_VALUE).all()):
        return 0.0
    return float((fa == fb).mean())


def fingerprint_values(fp: bytes) -> np.ndarray:
    """The PERMUTATIONS MinHash values of a current fingerprint (for comparing in bulk)."""
    return _values(fp)


def similar_rows(fp: bytes, rows: np.ndarray, threshold: float = NEAR_DUPLICATE) -> np.ndarray:
    """Indices of the rows of ``rows`` (fingerprint values, one row each) that `similarity`
    would call at least ``threshold`` similar to ``fp``: one vectorised pass instead of
    one call per pair."""
    values = _values(fp)
    if not len(rows) or bool((values == _EMPTY_VALUE).all()):
        return np.empty(0, dtype=np.intp)
    equal = (rows == values).sum(axis=1)
    empty = (rows == _EMPTY_VALUE).all(axis=1)
    return np.flatnonzero((equal >= threshold * PERMUTATIONS) & ~empty)


def jaccard(a: str, b: str) -> float:
    """Exact Jaccard similarity of two texts' shingle sets (what `similarity` estimates)."""
    sa, sb = shingles(a), shingles(b)
    if not sa or not sb:
        return 0.0
    return len(sa & sb) / len(sa | sb)


def is_near_duplicate(a: str | bytes, b: str | bytes, threshold: float = NEAR_DUPLICATE) -> bool:
    """Whether two texts are copies of each other with light edits (e.g. one wire story)."""
    return similarity(a, b) >= threshold


def content_hash(text: str) -> str:
    """Hash of a text's words, blind to whitespace, case and punctuation changes.

    Two fetches of the same URL with the same hash carry the same story; a new
    figure, a correction or an added quote changes it.
    """
    return hashlib.sha256(" ".join(shingle_words(text)).encode()).hexdigest()
