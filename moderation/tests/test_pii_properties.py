"""Property tests of the personal-data detector (`moderation.pii`, pure, no database).

Resident registration numbers with a real date of birth, with and without a valid check digit (numbers
issued since October 2020 have random digits after the sex digit), are rendered with random
separators, digit scripts (Arabic-Indic, Devanagari, mathematical, circled, full-width …), digit by
digit or in Korean digit words, embedded in Korean text: each is found and masked where it stands.
Dates, amounts, phone numbers and ordinary Korean words are never reported as one.
"""

from __future__ import annotations

import datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from moderation import pii

PROPERTY = settings(max_examples=200, deadline=None)

#: Zero of each digit script the detector must read (digit n is zero + n).
DIGIT_ZEROS = [
    0x30,  # ASCII
    0xFF10,  # full-width
    0x660,  # Arabic-Indic
    0x6F0,  # extended Arabic-Indic (Persian)
    0x966,  # Devanagari
    0x9E6,  # Bengali
    0xE50,  # Thai
    0x1D7CE,  # mathematical bold
    0x1D7D8,  # mathematical double-struck
    0x1D7F6,  # mathematical monospace
]
CIRCLED = ["⓪", "①", "②", "③", "④", "⑤", "⑥", "⑦", "⑧", "⑨"]
KOREAN_WORDS = ["공", "일", "이", "삼", "사", "오", "육", "칠", "팔", "구"]
SEPARATORS = ["-", " ", ".", "/", "~", "_", ":", "\u2212", "ㅡ", "–", "—", "－", "  ", " - ", "   ", " . ", "\u200b-"]


def _digit_renderer(script):
    kind, value = script
    if kind == "zero":
        return lambda d: chr(value + int(d))
    if kind == "circled":
        return lambda d: CIRCLED[int(d)]
    # Korean digit words; 0 is 공 or 영, 6 is 육 or 륙
    return lambda d: {"0": value[0], "6": value[1]}.get(d, KOREAN_WORDS[int(d)])


scripts = st.one_of(
    st.tuples(st.just("zero"), st.sampled_from(DIGIT_ZEROS)),
    st.tuples(st.just("circled"), st.none()),
    st.tuples(st.just("korean"), st.tuples(st.sampled_from(["공", "영"]), st.sampled_from(["육", "륙"]))),
)


def render(groups: list[str], *, script, separator: str, digit_by_digit: bool, spacing: str = " ") -> str:
    """Digits in groups, written in one script, groups joined by separator; digit by digit means
    every digit separated by spacing."""
    digit = _digit_renderer(script)
    joiner = spacing if digit_by_digit else ""
    separator = separator or joiner
    return separator.join(joiner.join(digit(d) for d in g) for g in groups)


def check_digit(first12: str) -> str:
    weights = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5]
    return str((11 - sum(int(d) * w for d, w in zip(first12, weights, strict=True)) % 11) % 10)


@st.composite
def resident_numbers(draw) -> tuple[str, str]:
    """(birth date part, rest) of a plausible resident registration number."""
    born = draw(st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2026, 12, 31)))
    sex = draw(st.sampled_from("1256" if born.year < 2000 else "3478"))
    middle = draw(st.text(alphabet="0123456789", min_size=5, max_size=5))
    front = f"{born:%y%m%d}"
    last = check_digit(front + sex + middle) if draw(st.booleans()) else draw(st.sampled_from("0123456789"))
    return front, sex + middle + last


PREFIXES = ["", "제 주민등록번호는 ", "주민번호: ", "번호 ", "신청인(", "본인 확인용 번호는\n", "연락 주세요. "]
SUFFIXES = ["", " 입니다.", "입니다", ")", " 로 확인해 주세요", "요!", "."]


@PROPERTY
@given(
    rrn=resident_numbers(),
    script=scripts,
    separator=st.sampled_from(SEPARATORS + [""]),
    digit_by_digit=st.booleans(),
    spacing=st.sampled_from([" ", "  ", "-", " "]),
    prefix=st.sampled_from(PREFIXES),
    suffix=st.sampled_from(SUFFIXES),
)
def test_any_resident_number_is_found_and_masked_where_it_stands(
    rrn, script, separator, digit_by_digit, spacing, prefix, suffix
):
    front, rest = rrn
    if digit_by_digit and prefix and not prefix[-1].isspace():
        prefix += " "  # a lone digit word glued to a word ("번호구 공 …") reads as that word
    written = render([front, rest], script=script, separator=separator, digit_by_digit=digit_by_digit, spacing=spacing)
    text = f"{prefix}{written}{suffix}"

    assert pii.find_resident_numbers(text) == [written]
    assert pii.find_personal_data(text) == {"resident_number": 1}
    masked = pii.mask_personal_data(text)
    assert masked.startswith(prefix) and masked.endswith(suffix)
    assert masked.count("*") == 7
    assert pii.find_resident_numbers(masked) == []


@PROPERTY
@given(rrn=resident_numbers(), script=scripts, separator=st.sampled_from(SEPARATORS))
def test_a_resident_number_among_other_numbers_is_still_found(rrn, script, separator):
    front, rest = rrn
    written = render([front, rest], script=script, separator=separator, digit_by_digit=False)
    text = f"2026.11.26 접수, 연락처 010-1234-5678 {written} 입니다. 지원금 1,000,000원"
    assert pii.find_resident_numbers(text) == [written]


def _date_formats():
    return st.sampled_from(
        [
            "%Y.%m.%d",
            "%Y-%m-%d",
            "%Y/%m/%d",
            "%d/%m/%Y",
            "%m/%d/%Y",
            "%Y. %m. %d.",
            "%Y년 %m월 %d일",
            "%y.%m.%d",
            "%Y%m%d",
            "%y%m%d",
            "%Y.%m.%d %H:%M",
            "%Y-%m-%d %H:%M:%S",
        ]
    )


@PROPERTY
@given(
    when=st.datetimes(min_value=datetime.datetime(1950, 1, 1), max_value=datetime.datetime(2099, 12, 31)),
    fmt=_date_formats(),
    script=st.sampled_from(DIGIT_ZEROS),
    until=st.dates(min_value=datetime.date(1950, 1, 1), max_value=datetime.date(2099, 12, 31)),
)
def test_dates_are_not_personal_data(when, fmt, script, until):
    written = when.strftime(fmt).translate({ord(str(d)): chr(script + d) for d in range(10)})
    text = f"접수는 {written}에 시작합니다"
    assert pii.find_personal_data(text) == {}
    assert pii.mask_personal_data(text) == text
    period = f"기간: {when:%Y.%m.%d}~{until:%Y.%m.%d}, {when:%Y-%m-%d} ~ {until:%Y-%m-%d}"
    assert pii.find_resident_numbers(period) == []


@PROPERTY
@given(
    amount=st.integers(min_value=0, max_value=10**15),
    fmt=st.sampled_from(["{:,}원", "{:,} 원", "금 {:,}원정", "₩{:,}", "{:,}명"]),
    plain=st.integers(min_value=0, max_value=10**12 - 1),
    unit=st.sampled_from(["원", "만 원", "억 원", "명", "개", "%"]),
)
def test_amounts_are_not_personal_data(amount, fmt, plain, unit):
    text = f"예산 {fmt.format(amount)}을 씁니다"
    assert pii.find_personal_data(text) == {}
    assert pii.mask_personal_data(text) == text
    assert pii.find_resident_numbers(f"총 {plain}{unit}, 또는 {plain:,}{unit}") == []


@st.composite
def phone_numbers(draw) -> list[str]:
    kind = draw(st.sampled_from(["mobile", "seoul", "area", "internet"]))
    digits = st.text(alphabet="0123456789", min_size=4, max_size=4)
    if kind == "mobile":
        head = draw(st.sampled_from(["010", "011", "016", "017", "018", "019"]))
    elif kind == "seoul":
        head = "02"
    elif kind == "area":
        head = draw(
            st.sampled_from(["031", "032", "033", "041", "042", "043", "051", "052", "053", "054", "055", "061"])
        )
    else:
        head = "070"
    middle = draw(digits)
    if kind != "mobile" and draw(st.booleans()):
        middle = middle[1:]
    return [head, middle, draw(digits)]


@PROPERTY
@given(
    phone=phone_numbers(),
    script=scripts,
    separator=st.sampled_from(SEPARATORS + [""]),
    digit_by_digit=st.booleans(),
    prefix=st.sampled_from(["연락처 ", "전화: ", "문의는 ", ""]),
    suffix=st.sampled_from(["", " 로 주세요", "로 연락", "."]),
)
def test_phone_numbers_are_masked_and_never_resident_numbers(phone, script, separator, digit_by_digit, prefix, suffix):
    written = render(phone, script=script, separator=separator, digit_by_digit=digit_by_digit)
    text = f"{prefix}{written}{suffix}"
    assert pii.find_personal_data(text) == {"phone": 1}
    masked = pii.mask_personal_data(text)
    assert masked.count("*") == 4
    assert masked.startswith(prefix) and masked.endswith(suffix)
    assert pii.find_personal_data(masked) == {}


ORDINARY_WORDS = [
    "일이",
    "많아서",
    "이사",
    "사이",
    "오이",
    "구이",
    "일일",
    "공사",
    "공이",
    "이삼일",
    "사오일",
    "육이오",
    "삼일절",
    "오일",
    "이사를",
    "일은",
    "구청",
    "사업",
    "이웃",
    "일자리",
    "공공",
    "일구",
    "칠팔",
    "영",
    "일",
    "이",
    "사",
]


@PROPERTY
@given(words=st.lists(st.sampled_from(ORDINARY_WORDS), min_size=1, max_size=30), sep=st.sampled_from([" ", ", ", "\n"]))
def test_ordinary_korean_words_with_digit_syllables_are_not_numbers(words, sep):
    text = sep.join(words)
    assert pii.find_personal_data(text) == {}
    assert pii.mask_personal_data(text) == text


def test_the_particle_after_a_number_in_korean_words_is_not_a_digit():
    assert pii.find_resident_numbers("제 번호는 구공공일공일-일이삼사오육칠이에요") == ["구공공일공일-일이삼사오육칠"]
    assert pii.find_resident_numbers("구공공일공일 일이삼사오육팔이라고 적었어요") == ["구공공일공일 일이삼사오육팔"]
    assert pii.find_resident_numbers("구공공일공일 일이삼사오육이입니다") == ["구공공일공일 일이삼사오육이"]


def test_a_full_width_or_obfuscated_email_is_masked_and_the_rest_of_the_text_is_left_as_written():
    text = "ＡＢＣ 메일 ｈｏｎｇ＠ｅｘａｍｐｌｅ．ｃｏｍ, 전화 ０１０－１２３４－５６７８ 끝"
    assert pii.mask_personal_data(text) == "ＡＢＣ 메일 ho***@example.com, 전화 ０１０－１２３４－**** 끝"


def test_the_characters_folding_skips_fold_to_themselves():
    from moderation.pii import _FOLD_TO_THEMSELVES, _fold_char

    assert len(_FOLD_TO_THEMSELVES) == 11172 + 52  # every Hangul syllable and ASCII letter
    assert [c for c in _FOLD_TO_THEMSELVES if _fold_char(c) != c] == []
