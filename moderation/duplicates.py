"""Near-duplicate detection for screening: the one place moderation asks "was this sent before?".

For now a character-shingle Jaccard over whitespace-stripped, folded text, which is robust to
Korean spacing and particles. When `nlp.similar` exists, `duplicate_candidates_scored` is the
only function to switch over to it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from .pii import fold

VERSION = "shingle-jaccard-3"
#: Jaccard similarity from which two submissions are flagged as near-duplicates.
DEFAULT_THRESHOLD = 0.55
SHINGLE = 3
_NOISE_RE = re.compile(r"[\s\W_]+", re.UNICODE)


def shingles(text: str, k: int = SHINGLE) -> frozenset[str]:
    """The set of k-character shingles of text with spaces, punctuation and case removed."""
    t = _NOISE_RE.sub("", unicodedata.normalize("NFKC", fold(text or "")).lower())
    if len(t) <= k:
        return frozenset({t}) if t else frozenset()
    return frozenset(t[i : i + k] for i in range(len(t) - k + 1))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    """Jaccard similarity of two shingle sets; 0 when either is empty."""
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def duplicate_candidates_scored(
    *, text: str, candidates: Iterable[tuple[int, str]], threshold: float = DEFAULT_THRESHOLD, limit: int = 3
) -> list[tuple[int, float]]:
    """Score `(pk, text)` candidates against text; return the `limit` best `(pk, score)` at or above
    threshold, most similar first."""
    mine = shingles(text)
    if len(mine) < 5:
        return []
    scored = []
    for pk, other in candidates:
        score = jaccard(mine, shingles(other))
        if score >= threshold:
            scored.append((pk, round(score, 3)))
    scored.sort(key=lambda p: (-p[1], p[0]))
    return scored[:limit]
