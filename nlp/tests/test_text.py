import unicodedata

import pytest

from nlp.text import ADMIN_NOTICE, char_shingles, has_hangul, join_title_content, normalize, squash


def test_normalize_composes_to_nfc_and_collapses_whitespace():
    decomposed = unicodedata.normalize("NFD", "청년  창업\n\t지원 ")
    assert normalize(decomposed) == "청년 창업 지원"


def test_normalize_removes_admin_notice_and_zero_width_characters():
    text = f"교통 개선 {ADMIN_NOTICE} 요청\u200b합니다\ufeff"
    assert normalize(text) == "교통 개선 요청합니다"


def test_normalize_handles_none_and_rejects_non_strings():
    assert normalize(None) == ""
    with pytest.raises(TypeError):
        normalize(3)


def test_join_title_content_skips_empty_parts():
    assert join_title_content("제목", "  ") == "제목"
    assert join_title_content("제목", "본문") == "제목 본문"


def test_squash_ignores_spacing():
    assert squash("청년 창업 지원") == squash("청년창업 지원") == "청년창업지원"


def test_char_shingles_of_short_text():
    assert char_shingles("ab", 3) == {"ab"}
    assert char_shingles("", 3) == set()


def test_has_hangul():
    assert has_hangul("AI 교육")
    assert not has_hangul("漢字 123 😀")
