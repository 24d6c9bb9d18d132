"""Korean particles after a word whose last syllable may or may not end in a consonant (받침).

`with_particle("아이디어", "이/가")` → "아이디어가"; `with_particle("의견", "이/가")` → "의견이". Used where
a message names a kind of submission it does not know in advance. No Django.
"""

from __future__ import annotations

_HANGUL_FIRST, _HANGUL_LAST = 0xAC00, 0xD7A3


def has_final_consonant(word: str) -> bool:
    """True when the last Hangul syllable of ``word`` has a final consonant (받침); False otherwise."""
    for ch in reversed(word.strip()):
        code = ord(ch)
        if _HANGUL_FIRST <= code <= _HANGUL_LAST:
            return (code - _HANGUL_FIRST) % 28 != 0
        if ch.isalnum():
            return False
    return False


def with_particle(word: str, pair: str) -> str:
    """``word`` followed by the right form of a particle pair written "with/without", e.g. "이/가",
    "은/는", "을/를", "과/와"."""
    after_consonant, after_vowel = pair.split("/")
    return word + (after_consonant if has_final_consonant(word) else after_vowel)
