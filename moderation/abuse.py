"""Abuse and spam signals in Korean text. Pure functions, no Django.

Profanity is found through the usual disguises: spaced-out letters ("시 발"), symbols and emoji
between letters ("시🔥발", "시.발"), a digit or Latin letter wedged in ("시1발"), full-width forms
and decomposed jamo ("ㅅㅣㅂㅏㄹ"), and the initial-consonant abbreviations ("ㅅㅂ").
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from dataclasses import dataclass

from .pii import fold
from .wordlists import ADVERTISING, PROFANITY, PROFANITY_ALLOWED, PROFANITY_AT_WORD_START

VERSION = "abuse-1"

# Hangul compatibility jamo → index in the syllable composition tables.
_CHO = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
_JUNG = "ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ"
_JONG = [
    "",
    "ㄱ",
    "ㄲ",
    "ㄳ",
    "ㄴ",
    "ㄵ",
    "ㄶ",
    "ㄷ",
    "ㄹ",
    "ㄺ",
    "ㄻ",
    "ㄼ",
    "ㄽ",
    "ㄾ",
    "ㄿ",
    "ㅀ",
    "ㅁ",
    "ㅂ",
    "ㅄ",
    "ㅅ",
    "ㅆ",
    "ㅇ",
    "ㅈ",
    "ㅊ",
    "ㅋ",
    "ㅌ",
    "ㅍ",
    "ㅎ",
]
_HANGUL = r"가-힣ㄱ-ㅣ"
# One or two digits/Latin letters/underscores wedged between Hangul letters ("시1발", "시_발").
_WEDGE_RE = re.compile(rf"(?<=[{_HANGUL}])[0-9A-Za-z_]{{1,2}}(?=[{_HANGUL}])")
URL_RE = re.compile(
    r"(?:https?://|www\.|javascript:|data:)\S+|\b[a-z0-9-]+\.(?:com|net|kr|co\.kr|org|io|me|ly|gg|xyz|shop)\b(?:/\S*)?",
    re.IGNORECASE,
)
_SAME_CHAR_RE = re.compile(r"(.)\1{14,}")


def compose_jamo(text: str) -> str:
    """Compose runs of compatibility jamo (ㅅㅣㅂㅏㄹ) into syllables (시발); other text unchanged."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in _CHO and i + 1 < n and text[i + 1] in _JUNG:
            cho, jung = _CHO.index(c), _JUNG.index(text[i + 1])
            jong = 0
            if i + 2 < n and text[i + 2] in _JONG[1:] and not (i + 3 < n and text[i + 3] in _JUNG):
                jong = _JONG.index(text[i + 2])
            out.append(chr(0xAC00 + (cho * 21 + jung) * 28 + jong))
            i += 3 if jong else 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def normalise_for_abuse(text: str) -> list[str]:
    """Return the words of text with their disguises removed, for matching against word lists.

    NFKC and zero-width folding, jamo composition, symbols/emoji/punctuation dropped, a digit or
    letter wedged between Hangul dropped, and runs of single-letter words ("시 발", "ㅅ ㅂ") joined.
    """
    t = unicodedata.normalize("NFC", fold(text or ""))
    # NFKC per character, except the compatibility jamo it would turn into conjoining jamo.
    t = "".join(c if "\u3130" <= c <= "\u318f" else unicodedata.normalize("NFKC", c) for c in t)
    t = compose_jamo(t)
    t = "".join(" " if unicodedata.category(c) == "Zs" or c in "\n\t\r" else c for c in t)
    t = "".join(c for c in t if c == " " or unicodedata.category(c)[0] not in "SPC")
    t = _WEDGE_RE.sub("", t)
    words: list[str] = []
    singles: list[str] = []
    for w in t.split():
        if len(w) == 1:
            singles.append(w)
            continue
        if singles:
            words.append("".join(singles))
            singles = []
        words.append(w)
    if singles:
        words.append("".join(singles))
    return [w.lower() for w in words]


def find_profanity(text: str) -> list[str]:
    """The listed profanity and slurs in text (in their plain form), each once, in list order."""
    words = normalise_for_abuse(text)
    found: list[str] = []
    for word in words:
        for bad in PROFANITY:
            if bad in word and bad not in found:
                found.append(bad)
        for bad in PROFANITY_AT_WORD_START:
            if word.startswith(bad) and not word.startswith(PROFANITY_ALLOWED) and bad not in found:
                found.append(bad)
    return found


def find_advertising(text: str) -> list[str]:
    """Advertising or scam phrases in text, matched with whitespace and symbols removed."""
    compact = "".join(normalise_for_abuse(text))
    return [w for w in ADVERTISING if w in compact]


def find_links(text: str) -> list[str]:
    """Links in text, including bare domains and `javascript:` URLs."""
    return URL_RE.findall(fold(text or ""))


def repetition_score(text: str) -> float:
    """How repetitive a text is, 0 (varied) to 1 (one character over and over).

    Uses the zlib compression ratio, which catches repeated characters, words and sentences
    alike. Short texts score 0.
    """
    t = re.sub(r"\s+", " ", text or "").strip()
    if len(t) < 80:
        return 1.0 if _SAME_CHAR_RE.search(t) else 0.0
    raw = t.encode("utf-8")
    ratio = len(zlib.compress(raw, 9)) / len(raw)
    return max(0.0, min(1.0, 1.0 - ratio / 0.45))


@dataclass(frozen=True)
class TextSignal:
    """One abuse or spam signal found in a text: its kind (a `FindingKind` value) and details."""

    kind: str
    detail: str
    score: float | None = None


def text_signals(text: str) -> list[TextSignal]:
    """All abuse and spam signals in one text. Korean details for the moderator."""
    signals: list[TextSignal] = []
    bad = find_profanity(text)
    if bad:
        signals.append(TextSignal("profanity", f"욕설·비하 표현 {len(bad)}종: " + ", ".join(_hint(w) for w in bad)))
    ads = find_advertising(text)
    if ads:
        signals.append(TextSignal("advertising", "광고·홍보 문구: " + ", ".join(ads[:5])))
    links = find_links(text)
    if links:
        js = any(link.lower().startswith(("javascript:", "data:")) for link in links)
        detail = f"링크 {len(links)}개" + (" (스크립트 링크 포함)" if js else "")
        signals.append(TextSignal("link", detail, float(len(links))))
    rep = repetition_score(text)
    if rep >= 0.6:
        signals.append(TextSignal("repeated_text", "같은 글자·문장이 반복됩니다", round(rep, 2)))
    return signals


def _hint(word: str) -> str:
    """A word shown to moderators with its middle hidden (시*), so the queue itself stays clean."""
    return word[0] + "*" * (len(word) - 1) if len(word) > 1 else word
