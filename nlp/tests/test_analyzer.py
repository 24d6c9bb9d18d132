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


@pytest.mark.mecab
def test_mecab_phrases_are_whole_words_not_fragments_of_an_eojeol():
    a = get_analyzer("mecab")
    phrases = a.phrases("청년 멘토단을 만들고 전문 상담사가 은퇴한 어르신을 돕는 1000프로젝트")
    assert "멘토단" in phrases and "토단" not in phrases
    assert "상담사" in phrases and "담사" not in phrases
    assert "퇴한" not in phrases and "은퇴" in phrases
    assert "프로젝트" in phrases


@pytest.mark.mecab
def test_mecab_nouns_glued_after_a_particle_are_not_tag_candidates():
    phrases = get_analyzer("mecab").phrases("청년들을위한정책 이용한 공간")
    assert "정책" not in phrases and "이용한" not in phrases


@pytest.mark.mecab
def test_mecab_analysis_and_separate_calls_agree():
    a = get_analyzer("mecab")
    text = "서울시청년일자리센터에서 청년창업 지원을 확대해 주세요"
    assert a.analyze(text).tokens == a.tokens(text)
    assert a.analyze(text).phrases == a.phrases(text)
    assert "서울시청년일자리센터" in a.phrases(text)
