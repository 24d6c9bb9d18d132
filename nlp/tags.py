"""Keyword tags taken from a text itself.

Candidates are the analyser's phrases: nouns of two or more characters, Latin words and compounds of
adjacent nouns written together in the text (``청년창업``), so every tag can be found verbatim in the text.
They are scored by (sublinear) term frequency times inverse document frequency when a corpus is known
(:func:`phrase_idf`), by frequency alone otherwise.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from nlp.analyzer import as_analyzer
from nlp.stopwords import is_stop_word
from nlp.text import normalize

__all__ = ["Tag", "extract_tags", "phrase_idf", "tags_from_phrases"]

_FALLBACK_WORD_RE = re.compile(r"[^\W_]{2,}")
COMPOUND_BONUS = 1.15
LEAD_BONUS = 1.2  # phrases among the first ones (the title comes first) describe the idea best
LEAD_PHRASES = 8
RELATIVE_FLOOR = 0.2  # beyond min_tags, keep tags scoring at least this share of the best one


@dataclass(frozen=True, slots=True)
class Tag:
    """A keyword tag: its text (as written in the source) and its score (higher is more salient)."""

    name: str
    score: float


def phrase_idf(phrase_lists: Iterable[Iterable[str]]) -> dict[str, float]:
    """Smoothed inverse document frequency of every phrase over a corpus of phrase lists.

    The ``"__n_docs__"`` key holds the corpus size, so unseen phrases get the highest idf.
    """
    df: Counter[str] = Counter()
    n = 0
    for phrases in phrase_lists:
        n += 1
        df.update(set(phrases))
    idf = {p: math.log((1 + n) / (1 + c)) + 1.0 for p, c in df.items()}
    idf["__n_docs__"] = float(n)
    return idf


def tags_from_phrases(
    phrases: Sequence[str],
    corpus_idf: dict[str, float] | None = None,
    *,
    min_tags: int = 3,
    max_tags: int = 8,
) -> list[Tag]:
    """Choose ``min_tags``–``max_tags`` tags from already extracted ``phrases`` of one text."""
    if not phrases:
        return []
    counts = Counter(phrases)
    # Occurrences of a word inside a compound written together belong to the compound (청년창업 → not
    # also 청년 and 창업), so the compound wins when the parts never appear on their own.
    for compound, n in list(counts.items()):
        if len(compound) >= 3 and not compound.isascii():
            for i in range(len(compound)):
                for j in range(i + 1, len(compound) + 1):
                    part = compound[i:j]
                    if part != compound and part in counts:
                        counts[part] -= n
    counts = Counter({p: c for p, c in counts.items() if c > 0})
    if not counts:
        counts = Counter(phrases)
    first: dict[str, int] = {}
    for i, p in enumerate(phrases):
        first.setdefault(p, i)
    unseen = math.log(1 + corpus_idf.get("__n_docs__", 0.0)) + 1.0 if corpus_idf else 1.0
    scored = []
    for p, tf in counts.items():
        score = (1.0 + math.log(tf)) * (corpus_idf.get(p, unseen) if corpus_idf else 1.0)
        if first[p] < LEAD_PHRASES:
            score *= LEAD_BONUS
        if len(p) >= 4 and not p.isascii():
            score *= COMPOUND_BONUS
        scored.append((score, -first[p], p))
    scored.sort(reverse=True)
    chosen: list[Tag] = []
    skipped: list[Tag] = []
    best = scored[0][0]
    for score, _, p in scored:
        if len(chosen) >= max_tags:
            break
        if len(chosen) >= min_tags and score < RELATIVE_FLOOR * best:
            break
        tag = Tag(p, round(score, 4))
        if any(p in c.name or c.name in p for c in chosen):
            skipped.append(tag)
            continue
        chosen.append(tag)
    for tag in skipped:  # overlapping tags only when nothing else is left
        if len(chosen) >= min_tags:
            break
        chosen.append(tag)
    return chosen


def extract_tags(
    text: str,
    *,
    corpus_idf: dict[str, float] | None = None,
    min_tags: int = 3,
    max_tags: int = 8,
    analyzer: object = None,
) -> list[Tag]:
    """Return up to ``max_tags`` keyword tags found verbatim in ``text`` (at least ``min_tags`` when the
    text has that many distinct candidates; texts with no Korean give their Latin words or fewer tags).

    ``corpus_idf`` comes from :func:`phrase_idf` over the corpus the text belongs to; without it tags are
    ranked by frequency. ``analyzer`` is anything :func:`nlp.analyzer.as_analyzer` accepts.
    """
    if min_tags < 0 or max_tags < max(min_tags, 1):
        raise ValueError("0 <= min_tags <= max_tags, max_tags >= 1 이어야 합니다")
    text = normalize(text)
    if not text:
        return []
    phrases = as_analyzer(analyzer).phrases(text)
    if not phrases:
        phrases = [w for w in _FALLBACK_WORD_RE.findall(text) if not is_stop_word(w)]
    return tags_from_phrases(phrases, corpus_idf, min_tags=min_tags, max_tags=max_tags)
