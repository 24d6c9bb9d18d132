"""Personal data (PIPA) detection and masking in Korean text. Pure functions, no Django.

A resident registration number blocks a submission; phone numbers, e-mail addresses, bank
account numbers and detailed addresses are masked on every public surface.

Everything is matched on a *folded* copy of the text (`fold_with_offsets`), which keeps, for each
folded character, the offset of the original character it came from, so masking replaces the
original span and leaves the rest of the text exactly as written. Folding:

- every Unicode decimal digit (Arabic-Indic, Devanagari, full-width, mathematical, circled,
  superscript …) becomes its ASCII digit (`unicodedata.digit`); compatibility forms (full-width
  letters, `＠`) become ASCII (NFKC); zero-width characters disappear;
- every dash (Unicode class Pd, `−`, `ㅡ`, box-drawing lines …) becomes `-`, every space `" "`;
- Korean digit words (공/영 일 이 삼 사 오 육/륙 칠 팔 구) become digits, but only where they form
  a long run (6 or more digit words, or 3 or more beside ASCII digits making 9 or more), so
  "일이 많아서" and "이사" stay words;
- a run of separators between two digits (`.` `/` `~` `_` `:` dashes, several spaces) becomes one
  `-` (or one space when it held only spaces), and a number written digit by digit
  (`9 0 0 1 0 1 …`) is joined up.

A resident registration number is then 6 digits forming a real date (any century the sex digit
allows), a sex digit 1–8 and 6 more digits; the check digit is not checked, because numbers issued
since October 2020 have random digits after the sex digit. Dates (2026.11.26), amounts
(1,000,000원) and phone numbers do not have that shape. Each kind is found once: a phone number is
never also counted as a bank account.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

# ---- the old light folding, still used by the abuse and duplicate checks ---------------------

_FOLD = str.maketrans(
    {chr(0xFF10 + i): str(i) for i in range(10)} | {"－": "-", "‐": "-", "‑": "-", "–": "-", "—": "-", "＠": "@"}
)
_ZERO_WIDTH = re.compile(r"[\u200b-\u200f\u2060\ufeff\u00ad]")


def fold(text: str) -> str:
    """Fold full-width digits, dashes and @, and strip zero-width characters, keeping everything else.

    The light folding the abuse and duplicate checks use; personal data uses `fold_with_offsets`."""
    return _ZERO_WIDTH.sub("", (text or "").translate(_FOLD))


# ---- folding with offsets -------------------------------------------------------------------

_ZERO_WIDTH_CHARS = frozenset("\u00ad\u180e\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff")
#: Characters read as a dash besides Unicode class Pd: minus signs, the Hangul vowel ㅡ, lines.
_DASHES = frozenset("−－﹣⁃ㅡ─━―ー一")
#: Separators that join digits when they stand between two digits (after dashes became "-").
_SEP_CLASS = r"[ \-._/~:∼〜～·]"
KOREAN_DIGITS = {
    "공": "0",
    "영": "0",
    "일": "1",
    "이": "2",
    "삼": "3",
    "사": "4",
    "오": "5",
    "육": "6",
    "륙": "6",
    "칠": "7",
    "팔": "8",
    "구": "9",
}
_K = "".join(KOREAN_DIGITS)
_KOREAN_RUN_RE = re.compile(rf"[{_K}\d]+(?:{_SEP_CLASS}{{1,8}}[{_K}\d]+)*")
_GROUP_SPLIT_RE = re.compile(rf"{_SEP_CLASS}+")
_BETWEEN_DIGITS_RE = re.compile(rf"(?<=\d){_SEP_CLASS}{{1,8}}(?=\d)")
_DIGIT_BY_DIGIT_RE = re.compile(r"(?<!\d)\d(?!\d)(?:[ \-]\d(?!\d)){5,}")
#: Korean digit words needed for a run to be read as a number: alone, or beside ASCII digits.
KOREAN_RUN_MIN = 6
#: Syllables that follow the copula 이 ("…칠이에요", "…팔이다", "…공이라서").
_COPULA_NEXT = frozenset("에다라고며면었야지나니든여")
KOREAN_MIXED_MIN, MIXED_RUN_MIN = 3, 9


def _is_hangul_syllable(c: str) -> bool:
    return "\uac00" <= c <= "\ud7a3"


def _has_final_consonant(c: str) -> bool:
    return _is_hangul_syllable(c) and (ord(c) - 0xAC00) % 28 != 0


def _fold_char(c: str) -> str:
    """What one character folds to ("" for a zero-width one)."""
    if c in _ZERO_WIDTH_CHARS:
        return ""
    digit = unicodedata.digit(c, None)
    if digit is not None:
        return str(digit)
    if c in _DASHES or unicodedata.category(c) == "Pd":
        return "-"
    if c != "\n" and c.isspace():
        return " "
    out = unicodedata.normalize("NFKC", c)
    return c if out == c or not out.isascii() else out


#: Hangul syllables and ASCII letters, most of a Korean text: :func:`_fold_char` gives each back as it
#: is (tested over every one), so :func:`_fold_chars` skips its look-ups for them.
_FOLD_TO_THEMSELVES = frozenset(
    [chr(cp) for cp in range(0xAC00, 0xD7A4)]
    + [chr(cp) for cp in range(0x41, 0x5B)]
    + [chr(cp) for cp in range(0x61, 0x7B)]
)


def _fold_chars(text: str) -> tuple[list[str], list[int]]:
    chars: list[str] = []
    origin: list[int] = []
    for i, c in enumerate(text):
        if c in _FOLD_TO_THEMSELVES:
            chars.append(c)
            origin.append(i)
            continue
        for o in _fold_char(c):
            chars.append(o)
            origin.append(i)
    return chars, origin


def _fold_korean_digits(chars: list[str]) -> None:
    """Turn long runs of Korean digit words into digits, in place (one syllable, one digit)."""
    s = "".join(chars)
    for run in _KOREAN_RUN_RE.finditer(s):
        groups, pos = [], run.start()
        for sep in _GROUP_SPLIT_RE.finditer(s, run.start(), run.end()):
            groups.append((pos, sep.start()))
            pos = sep.end()
        groups.append((pos, run.end()))
        glued_after = run.end() < len(s) and _is_hangul_syllable(s[run.end()])
        a, b = groups[-1]
        if glued_after and s[b - 1] == "이" and b - a >= 2 and _has_final_consonant(s[b - 2]):
            if s[run.end()] in _COPULA_NEXT:
                groups[-1] = (a, b - 1)  # "…칠이에요", "…팔이라고": the copula 이 after 칠, not a 2
        # A lone digit word glued to a word before or after the run ("이사를", "오래") is that
        # word, unless the rest of the run is a number already ("… 칠 구입니다").
        core = groups
        if run.start() > 0 and _is_hangul_syllable(s[run.start() - 1]) and core[0][1] - core[0][0] < 2:
            core = core[1:]
        if core and glued_after and core[-1][1] - core[-1][0] < 2:
            core = core[:-1]
        korean = sum(1 for a, b in core for c in s[a:b] if c in KOREAN_DIGITS)
        total = sum(b - a for a, b in core)
        if korean >= KOREAN_RUN_MIN or (korean >= KOREAN_MIXED_MIN and total >= MIXED_RUN_MIN):
            for a, b in groups:
                for k in range(a, b):
                    chars[k] = KOREAN_DIGITS.get(chars[k], chars[k])


def _rewrite(chars: list[str], origin: list[int], pattern: re.Pattern, repl) -> tuple[list[str], list[int]]:
    """Replace each match of pattern in the folded text by repl(match) (same origin as its first
    character), keeping the origin map aligned."""
    s = "".join(chars)
    out_c: list[str] = []
    out_o: list[int] = []
    pos = 0
    for m in pattern.finditer(s):
        out_c.extend(chars[pos : m.start()])
        out_o.extend(origin[pos : m.start()])
        new = repl(m)
        if new == m.group(0):
            out_c.extend(chars[m.start() : m.end()])
            out_o.extend(origin[m.start() : m.end()])
        else:
            kept = [k for k in range(m.start(), m.end()) if chars[k].isdigit()] if new.isdigit() else []
            if kept and len(kept) == len(new):
                out_c.extend(chars[k] for k in kept)
                out_o.extend(origin[k] for k in kept)
            else:
                out_c.extend(new)
                out_o.extend([origin[m.start()]] * len(new))
        pos = m.end()
    out_c.extend(chars[pos:])
    out_o.extend(origin[pos:])
    return out_c, out_o


def fold_with_offsets(text: str) -> tuple[str, list[int]]:
    """Fold text for personal-data matching (see the module docstring).

    Returns the folded text and, for each of its characters, the offset in `text` of the
    character it came from."""
    chars, origin = _fold_chars(text or "")
    _fold_korean_digits(chars)
    chars, origin = _rewrite(chars, origin, _BETWEEN_DIGITS_RE, lambda m: " " if m.group(0).strip() == "" else "-")
    chars, origin = _rewrite(chars, origin, _DIGIT_BY_DIGIT_RE, lambda m: re.sub(r"\D", "", m.group(0)))
    return "".join(chars), origin


def fold_for_matching(text: str) -> str:
    """The folded text alone (see `fold_with_offsets`)."""
    return fold_with_offsets(text)[0]


# ---- patterns (matched on the folded text) ---------------------------------------------------

RRN_RE = re.compile(
    r"(?<!\d)(?<!\d-)(?P<date>\d{6}|\d\d[ \-]\d\d[ \-]\d\d)[ \-]?(?P<rest>[1-8][ \-]?\d{6})(?!\d)(?!-\d)"
)
PHONE_RE = re.compile(
    r"(?<![\d-])(?:\+82[\s.\-]?|\(?)"
    r"(01[016789]|1[05]|02|0[3-6][1-5]|070|050\d?)\)?[\s.\-]?(\d{3,4})[\s.\-]?(\d{4})(?![\d-])"
)
EMAIL_RE = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")
# Bank accounts: 2–6 digit groups joined by dashes, 10–14 digits in all (so dates such as
# 2026-11-26 are not accounts), or 계좌 followed by digits.
ACCOUNT_RE = re.compile(r"(?<![\d-])\d{2,6}-\d{2,6}-\d{1,7}(?:-\d{1,3})?(?![\d-])")
ACCOUNT_WORD_RE = re.compile(r"(계좌(?:번호)?\s*[:：]?\s*(?:[가-힣]{2,6}\s*)?)(\d[\d\s-]{8,18}\d)")
_ACCOUNT_DIGITS = range(10, 15)
# Detailed addresses: a road name with a building number (세종대로 110, 덕수궁길 15, 강남대로96길 10),
# optionally followed by 동/호; or a lot number (역삼동 123-45). A number followed by a unit
# (명, 개, 원, % …) is a quantity, not an address: "청년으로 100명" stays as it is.
_UNITS = (
    r"(?!\s*(?:명|개|원|만|억|천|백|%|퍼센트|년|월|일|시간|분|곳|가구|가|배|회|건|세|살"
    r"|km|m|차|위|호선|층|번째|주년|kg|g|t))"
)
ADDRESS_RE = re.compile(
    r"(?<![가-힣])(?![가-힣]*으로\s)([가-힣]{1,12}\d{0,3}(?:대로|로|길)(?:\s*\d{1,3}(?:번)?길)?\s*\d{1,4}+(?:-\d{1,4}+)?)(?![\d-])"
    + _UNITS
    + r"(\s*,?\s*\d{1,4}\s*동)?(\s*\d{1,5}\s*호)?"
)
LOT_ADDRESS_RE = re.compile(r"(?<![가-힣])([가-힣]{1,8}(?:동|리|가)\s*\d{1,4}-\d{1,4}(?:\s*번지)?)")
ADDRESS_UNIT_RE = re.compile(r"\d{1,4}\s*동\s*\d{1,5}\s*호")

#: The kinds `find_personal_data` reports, with their Korean names for moderators.
KIND_LABELS = {
    "resident_number": "주민등록번호",
    "phone": "전화번호",
    "email": "이메일",
    "account": "계좌번호",
    "address": "상세 주소",
}

#: The sex digit's century: 1, 2, 5, 6 for births in the 1900s; 3, 4, 7, 8 in the 2000s.
_CENTURY = {"1": 1900, "2": 1900, "5": 1900, "6": 1900, "3": 2000, "4": 2000, "7": 2000, "8": 2000}


def _is_resident_number(m: re.Match) -> bool:
    date = re.sub(r"\D", "", m.group("date"))
    sex = m.group("rest")[0]
    try:
        datetime.date(_CENTURY[sex] + int(date[:2]), int(date[2:4]), int(date[4:6]))
    except ValueError:
        return False
    return True


def _is_account(m: re.Match) -> bool:
    return sum(c.isdigit() for c in m.group(0)) in _ACCOUNT_DIGITS


def _digits(s: str) -> str:
    return re.sub(r"\D", "", s)


def _phone_digits(s: str) -> str:
    d = _digits(s)
    return "0" + d[2:] if s.lstrip("( ").startswith("+82") else d


@dataclass(frozen=True)
class Finding:
    """One piece of personal data: its kind, its span in the original text (`start`, `end`) and
    the original characters there."""

    kind: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class AllowedNumber:
    """A number that is not personal data (the city's own contact numbers): the digits, and
    whether every number starting with them is allowed (`02-2133-…`)."""

    digits: str
    is_prefix: bool = False

    def allows(self, digits: str) -> bool:
        return digits.startswith(self.digits) if self.is_prefix else digits == self.digits


# kind, pattern, accept(match) (None: always), how many leading digits masking keeps (None:
# keep all but the last four; "email": the e-mail rule)
_KINDS: list[tuple[str, re.Pattern, object, object]] = [
    ("resident_number", RRN_RE, _is_resident_number, 6),
    ("email", EMAIL_RE, None, "email"),
    ("phone", PHONE_RE, None, None),
    ("account", ACCOUNT_WORD_RE, None, 3),
    ("account", ACCOUNT_RE, _is_account, 3),
    ("address", ADDRESS_UNIT_RE, None, 0),
    ("address", ADDRESS_RE, None, 0),
    ("address", LOT_ADDRESS_RE, None, 0),
]


def _scan(text: str, allowed: Iterable[AllowedNumber]) -> tuple[str, list[int], list[tuple[Finding, object, int, int]]]:
    folded, origin = fold_with_offsets(text)
    allowed = tuple(allowed or ())
    work = folded
    found: list[tuple[Finding, object, int, int]] = []
    for kind, pattern, accept, keep in _KINDS:
        spans = []
        for m in pattern.finditer(work):
            if accept is not None and not accept(m):
                continue
            a, b = m.span()
            spans.append((a, b))
            if kind == "phone" and any(n.allows(_phone_digits(m.group(0))) for n in allowed):
                continue  # the city's own number: neither reported nor read as anything else
            start, end = origin[a], origin[b - 1] + 1
            found.append((Finding(kind, start, end, text[start:end]), keep, a, b))
        for a, b in spans:
            work = work[:a] + "\x00" * (b - a) + work[b:]
    found.sort(key=lambda f: f[0].start)
    return folded, origin, found


def scan_personal_data(text: str, *, allowed: Iterable[AllowedNumber] = ()) -> list[Finding]:
    """Every piece of personal data in text, in order, each found once (see the module docstring).

    `allowed` numbers (the city's contact numbers) are not personal data."""
    return [f for f, *_unused in _scan(text or "", allowed)[2]]


def find_resident_numbers(text: str) -> list[str]:
    """Resident registration numbers in text, as written (any digits, separators or Korean digit
    words), with a real date of birth; the check digit is not required to be right."""
    return [f.text for f in scan_personal_data(text) if f.kind == "resident_number"]


def find_personal_data(text: str, *, allowed: Iterable[AllowedNumber] = ()) -> dict[str, int]:
    """Count each kind of personal data in text, for the moderator's automatic findings.

    Returns only the kinds found, e.g. `{"phone": 1, "email": 2}`. Each match is removed
    before the next kind is looked for, so one number is counted once.
    """
    counts: dict[str, int] = {}
    for f in scan_personal_data(text, allowed=allowed):
        counts[f.kind] = counts.get(f.kind, 0) + 1
    return counts


def _mask_email(s: str) -> str:
    local, domain = s.split("@", 1)
    return local[:2] + "***@" + domain


def mask_personal_data(text: str, *, allowed: Iterable[AllowedNumber] = ()) -> str:
    """Mask personal data for public display, changing nothing else in the text.

    `010-1234-5678` → `010-1234-****`; `hong@example.com` → `ho***@example.com`;
    `국민 123456-01-234567` → `국민 123***-**-******`; `세종대로 110` → `세종대로 ***`;
    `900101-1234567` → `900101-*******`. Digits written in another script or as Korean words are
    replaced by `*` where they stand. `allowed` numbers stay as they are. Returns the text
    unchanged when nothing is found.
    """
    if not text:
        return text
    folded, origin, found = _scan(text, allowed)
    if not found:
        return text
    stars: set[int] = set()
    replace: dict[int, tuple[int, str]] = {}
    for finding, keep, a, b in found:
        if keep == "email":
            written = "".join(c for c in finding.text if c not in _ZERO_WIDTH_CHARS)
            replace[finding.start] = (finding.end, _mask_email(unicodedata.normalize("NFKC", written)))
            continue
        digit_origins = list(dict.fromkeys(origin[k] for k in range(a, b) if folded[k].isdigit()))
        hidden = digit_origins[-4:] if keep is None else digit_origins[keep:]
        stars.update(hidden)
    out, i = [], 0
    while i < len(text):
        if i in replace:
            end, new = replace[i]
            out.append(new)
            i = end
            continue
        out.append("*" if i in stars else text[i])
        i += 1
    return "".join(out)
