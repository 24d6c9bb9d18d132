"""Personal data (PIPA) detection and masking in Korean text. Pure functions, no Django.

A resident registration number blocks a submission; phone numbers, e-mail addresses, bank
account numbers and detailed addresses are masked on every public surface.
"""

from __future__ import annotations

import re
import unicodedata

# Full-width digits and dashes are folded before matching.
_FOLD = str.maketrans({chr(0xFF10 + i): str(i) for i in range(10)} | {"－": "-", "‐": "-", "–": "-", "—": "-"})
_ZERO_WIDTH = re.compile(r"[\u200b-\u200f\u2060\ufeff]")

RRN_RE = re.compile(r"(?<!\d)(\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])\s*-?\s*([1-8])\s*(\d{6})(?!\d)")
PHONE_RE = re.compile(
    r"(?<!\d)(01[016789]|02|0[3-6][1-5]|070)[\s.\-]?(\d{3,4})[\s.\-]?(\d{4})(?!\d)"
)
EMAIL_RE = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")
# Bank accounts: 3–6 digit groups joined by dashes, 10–14 digits in all, or 계좌 followed by digits.
ACCOUNT_RE = re.compile(r"(?<![\d-])\d{2,6}-\d{2,6}-\d{2,7}(?:-\d{1,3})?(?![\d-])")
ACCOUNT_WORD_RE = re.compile(r"(계좌(?:번호)?\s*[:：]?\s*)(\d[\d\s-]{8,18}\d)")
# Detailed addresses: a road name with a building number (…로 12, …길 3-4) and optional 동/호.
ADDRESS_RE = re.compile(
    r"([가-힣0-9]+(?:로|길)\s*\d+(?:-\d+)?(?:번길\s*\d+)?)(\s*,?\s*\d+\s*동)?(\s*\d+\s*호)?"
)
ADDRESS_UNIT_RE = re.compile(r"\d+\s*동\s*\d+\s*호")


def fold(text: str) -> str:
    """NFKC-fold full-width digits and strip zero-width characters, keeping everything else."""
    return _ZERO_WIDTH.sub("", text.translate(_FOLD))


def find_resident_numbers(text: str) -> list[str]:
    """Return resident registration numbers found in text (also spaced or full-width)."""
    folded = unicodedata.normalize("NFKC", fold(text or ""))
    return [m.group(0) for m in RRN_RE.finditer(folded)]


def _mask_digits_tail(s: str, keep: int) -> str:
    out, seen = [], 0
    total = sum(c.isdigit() for c in s)
    for c in s:
        if c.isdigit():
            seen += 1
            out.append(c if seen <= keep else "*")
        else:
            out.append(c)
    return "".join(out) if total else s


def mask_personal_data(text: str) -> str:
    """Mask phone numbers, e-mails, bank accounts and detailed addresses for public display.

    `010-1234-5678` → `010-1234-****`; `hong@example.com` → `ho***@example.com`.
    """
    if not text:
        return text
    t = fold(text)
    t = RRN_RE.sub(lambda m: m.group(1) + m.group(2) + m.group(3) + "-*******", t)
    t = EMAIL_RE.sub(lambda m: m.group(0).split("@")[0][:2] + "***@" + m.group(0).split("@")[1], t)
    t = PHONE_RE.sub(lambda m: m.group(0)[: -4] + "****", t)
    t = ACCOUNT_WORD_RE.sub(lambda m: m.group(1) + _mask_digits_tail(m.group(2), 3), t)
    t = ACCOUNT_RE.sub(lambda m: _mask_digits_tail(m.group(0), 3), t)
    t = ADDRESS_UNIT_RE.sub("***동 ***호", t)
    t = ADDRESS_RE.sub(lambda m: re.sub(r"\d", "*", m.group(0)), t)
    return t


def find_personal_data(text: str) -> dict[str, int]:
    """Count each kind of personal data in text, for the moderator's automatic findings."""
    t = fold(text or "")
    found = {
        "resident_number": len(find_resident_numbers(t)),
        "phone": len(PHONE_RE.findall(t)),
        "email": len(EMAIL_RE.findall(t)),
        "account": len(ACCOUNT_RE.findall(t)) + len(ACCOUNT_WORD_RE.findall(t)),
        "address": len(ADDRESS_RE.findall(t)),
    }
    return {k: v for k, v in found.items() if v}
