import pytest

from nlp.analyzer import as_analyzer
from nlp.tags import Tag, extract_tags, phrase_idf

from .conftest import IDEAS, split_tokenizer


def test_tags_are_between_three_and_eight_and_verbatim():
    for _, title, content, _ in IDEAS:
        text = f"{title} {content}"
        tags = extract_tags(text, analyzer=split_tokenizer)
        assert 3 <= len(tags) <= 8
        assert all(isinstance(t, Tag) and t.name in text for t in tags)


def test_corpus_idf_prefers_rare_words():
    a = as_analyzer(split_tokenizer)
    corpus = [a.phrases(f"{t} {c}") for _, t, c, _ in IDEAS] + [["주세요"]] * 50
    idf = phrase_idf(corpus)
    tags = extract_tags("주세요 주세요 주세요 따릉이 대여소", corpus_idf=idf, analyzer=split_tokenizer, min_tags=1)
    assert tags[0].name in {"따릉이", "대여소"}


@pytest.mark.parametrize("text", ["", "   ", "😀😀😀", "!!!"])
def test_texts_without_words_give_no_tags(text):
    assert extract_tags(text, analyzer=split_tokenizer) == []


def test_numbers_only_and_english_only_give_what_they_can():
    assert [t.name for t in extract_tags("2024 2025", analyzer=split_tokenizer)] == ["2024", "2025"]
    names = [t.name for t in extract_tags("smart city open data", analyzer=split_tokenizer)]
    assert 3 <= len(names) <= 8


def test_bad_limits_are_rejected():
    with pytest.raises(ValueError):
        extract_tags("청년 창업", min_tags=5, max_tags=2, analyzer=split_tokenizer)


@pytest.mark.mecab
def test_mecab_tags_keep_compounds_written_together():
    text = "청년창업 지원센터 확대. 청년창업 공간과 창업 자금을 늘려 청년 일자리를 만들어 주세요."
    names = [t.name for t in extract_tags(text)]
    assert "청년창업" in names
    assert all(n in text for n in names) and 3 <= len(names) <= 8


def test_generic_time_words_are_stop_words():
    from nlp.stopwords import is_stop_word

    assert is_stop_word("지난번") and is_stop_word("요즘")
