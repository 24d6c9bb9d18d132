import pytest

from nlp.analyzer import Analyzer, TokenizerAnalyzer, as_analyzer, get_analyzer


def test_as_analyzer_wraps_a_plain_tokenizer():
    a = as_analyzer(str.split)
    assert isinstance(a, TokenizerAnalyzer)
    assert a.tokens("청년 창업 생각") == ["청년", "창업"]  # 생각 is a stop word


def test_unknown_analyzer_name_is_a_clear_error():
    with pytest.raises(ValueError, match="알 수 없는 분석기"):
        get_analyzer("nonexistent")


def test_analyzer_name_comes_from_environment(monkeypatch):
    monkeypatch.setenv("IDEAS_NLP_ANALYZER", "nonexistent")
    with pytest.raises(ValueError, match="nonexistent"):
        get_analyzer()


@pytest.mark.mecab
def test_mecab_is_built_once_per_process():
    assert get_analyzer() is get_analyzer("mecab")
    assert isinstance(get_analyzer(), Analyzer)


@pytest.mark.mecab
def test_mecab_tokens_nouns_and_compound_phrases():
    a = get_analyzer("mecab")
    text = "청년창업 1000프로젝트를 여성, 장년층까지 확대 적용해 주세요"
    assert a.nouns(text)[:3] == ["청년", "창업", "프로젝트"]
    assert "청년창업" in a.phrases(text)
    tokens = a.tokens(text)
    assert "장년층" in tokens and "적용" in tokens


@pytest.mark.mecab
def test_mecab_survives_odd_texts():
    a = get_analyzer("mecab")
    for text in ["", " ", "😀😀", "12345", "hello world", "漢字와 한글", "a" * 5000]:
        a.tokens(text)
        a.phrases(text)
