"""Text normalisation shared by every NLP step.

Normalise once at the boundary (:func:`normalize`); everything downstream assumes NFC text with single
spaces and without the Blue House administrator notice.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = [
    "ADMIN_NOTICE",
    "char_shingles",
    "has_hangul",
    "join_title_content",
    "normalize",
    "split_sentences",
    "squash",
]

#: Notice the Blue House petition site inserted into edited petitions; it is not citizen text.
ADMIN_NOTICE = "[본 게시물의 일부 내용이 국민 청원 요건에 위배되어 관리자에 의해 수정되었습니다]"

ADMIN_NOTICE_RE = re.compile(
    r"\[\s*본\s*게시물의\s*일부\s*내용이\s*국민\s*청원\s*요건에\s*위배되어\s*관리자에\s*의해\s*수정되었습니다\s*\]"
)
_ADMIN_NOTICE_RE = ADMIN_NOTICE_RE  # the former private name, for code written against it
_INVISIBLE_RE = re.compile(r"[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_WHITESPACE_RE = re.compile(r"\s+")
#: Whitespace, punctuation and symbols: a re-post that re-spaces or re-punctuates is the same text.
_NOT_WORD_RE = re.compile(r"[\s\W_]+")
_HANGUL_RE = re.compile(r"[\uac00-\ud7a3]")
_SENTENCE_END_RE = re.compile(r"(?<=[.!?。])\s+|(?<=[다요죠까])\.?\s+(?=\S)")


def normalize(text: object) -> str:
    """Return ``text`` as NFC with the admin notice, invisible and control characters removed.

    Runs of whitespace (including newlines) become one space and the result is stripped. ``None``
    gives ``""``; other non-strings raise ``TypeError``.
    """
    if text is None:
        return ""
    if not isinstance(text, str):
        raise TypeError(f"normalize() expects str, got {type(text).__name__}")
    text = unicodedata.normalize("NFC", text)
    text = ADMIN_NOTICE_RE.sub(" ", text)
    text = _INVISIBLE_RE.sub("", text)
    text = _CONTROL_RE.sub(" ", text)
    return _WHITESPACE_RE.sub(" ", text).strip()


def join_title_content(title: object, content: object) -> str:
    """Normalise and join a title and a body into the one text the NLP steps analyse."""
    title, content = normalize(title), normalize(content)
    if title and content:
        return f"{title} {content}"
    return title or content


def squash(text: str) -> str:
    """Return ``text`` lower-cased with all whitespace and punctuation removed (robust to re-spacing
    and re-punctuation)."""
    return _NOT_WORD_RE.sub("", text).lower()


def char_shingles(text: str, n: int = 3) -> set[str]:
    """Return the set of character ``n``-grams of ``text`` (the whole text if it is shorter)."""
    if len(text) <= n:
        return {text} if text else set()
    return {text[i : i + n] for i in range(len(text) - n + 1)}


def has_hangul(text: str) -> bool:
    """True when ``text`` contains at least one Hangul syllable."""
    return bool(_HANGUL_RE.search(text))


def split_sentences(text: str) -> list[str]:
    """Split normalised ``text`` into rough sentences (on ``.!?`` and sentence-final endings)."""
    return [s for s in _SENTENCE_END_RE.split(text) if s and s.strip()]
