"""Personal data (PIPA) detection and masking in Korean text. Pure functions, no Django.

A resident registration number blocks a submission; phone numbers, e-mail addresses, bank
account numbers and detailed addresses are masked on every public surface.

Every function folds the text first (full-width digits and dashes, zero-width characters), so
`０１０－１２３４－５６７８` and `010\u200b1234 5678` are found like `010-1234-5678`. Each kind is
found once: a phone number is never also counted as a bank account.
"""

from __future__ import annotations

import re
import unicodedata

# Full-width digits and dashes are folded before matching.
_FOLD = str.maketrans(
    {chr(0xFF10 + i): str(i) for i in range(10)} | {"－": "-", "‐": "-", "‑": "-", "–": "-", "—": "-", "＠": "@"}
)
_ZERO_WIDTH = re.compile(r"[\u200b-\u200f\u2060\ufeff\u00ad]")

RRN_RE = re.compile(r"(?<!\d)(\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])\s*-?\s*([1-8])\s*(\d{6})(?!\d)")
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


def fold(text: str) -> str:
    """Fold full-width digits, dashes and @, and strip zero-width characters, keeping everything else."""
    return _ZERO_WIDTH.sub("", (text or "").translate(_FOLD))


def find_resident_numbers(text: str) -> list[str]:
    """Return resident registration numbers found in text (also spaced or full-width)."""
    folded = unicodedata.normalize("NFKC", fold(text or ""))
    return [m.group(0) for m in RRN_RE.finditer(folded)]


def _mask_digits_tail(s: str, keep: int) -> str:
    out, seen = [], 0
    for c in s:
        if c.isdigit():
            seen += 1
            out.append(c if seen <= keep else "*")
        else:
            out.append(c)
    return "".join(out)


def _is_account(s: str) -> bool:
    return sum(c.isdigit() for c in s) in _ACCOUNT_DIGITS


def _mask_phone(m: re.Match) -> str:
    s = m.group(0)
    return s[:-4] + "****"


def _mask_email(m: re.Match) -> str:
    local, domain = m.group(0).split("@", 1)
    return local[:2] + "***@" + domain


def _mask_address(m: re.Match) -> str:
    return re.sub(r"\d", "*", m.group(0))


def mask_personal_data(text: str) -> str:
    """Mask phone numbers, e-mails, bank accounts and detailed addresses for public display.

    `010-1234-5678` → `010-1234-****`; `hong@example.com` → `ho***@example.com`;
    `국민 123456-01-234567` → `국민 123***-**-******`; `세종대로 110` → `세종대로 ***`.
    Returns the text unchanged when nothing is found.
    """
    if not text:
        return text
    t = fold(text)
    t = RRN_RE.sub(lambda m: m.group(1) + m.group(2) + m.group(3) + "-*******", t)
    t = EMAIL_RE.sub(_mask_email, t)
    t = PHONE_RE.sub(_mask_phone, t)
    t = ACCOUNT_WORD_RE.sub(lambda m: m.group(1) + _mask_digits_tail(m.group(2), 3), t)
    t = ACCOUNT_RE.sub(lambda m: _mask_digits_tail(m.group(0), 3) if _is_account(m.group(0)) else m.group(0), t)
    t = ADDRESS_UNIT_RE.sub("***동 ***호", t)
    t = ADDRESS_RE.sub(_mask_address, t)
    t = LOT_ADDRESS_RE.sub(_mask_address, t)
    return t


def find_personal_data(text: str) -> dict[str, int]:
    """Count each kind of personal data in text, for the moderator's automatic findings.

    Returns only the kinds found, e.g. `{"phone": 1, "email": 2}`. Each match is removed
    before the next kind is looked for, so one number is counted once.
    """
    t = fold(text or "")
    found: dict[str, int] = {}

    def take(kind: str, pattern: re.Pattern, accept=lambda s: True) -> None:
        nonlocal t
        count = 0

        def blank(m: re.Match) -> str:
            nonlocal count
            if not accept(m.group(0)):
                return m.group(0)
            count += 1
            return " "

        t = pattern.sub(blank, t)
        if count:
            found[kind] = found.get(kind, 0) + count

    take("resident_number", RRN_RE)
    take("email", EMAIL_RE)
    take("phone", PHONE_RE)
    take("account", ACCOUNT_WORD_RE)
    take("account", ACCOUNT_RE, _is_account)
    take("address", ADDRESS_UNIT_RE)
    take("address", ADDRESS_RE)
    take("address", LOT_ADDRESS_RE)
    return found
