import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


# ---- the analyses of the latest texts, remembered (nlp.analyzer._Recent) -----------------------------

_KOREAN_WORDS = st.sampled_from(
    ["청년", "창업", "지원", "일자리", "센터", "확대", "해", "주세요", "서울시", "사회적기업", "을", "를", "의"]
)
_TEXTS = st.lists(st.one_of(_KOREAN_WORDS, st.text(min_size=0, max_size=6)), min_size=0, max_size=12).map(
    lambda parts: " ".join(parts)
)


@pytest.mark.mecab
@settings(max_examples=60, deadline=None)
@given(text=_TEXTS)
def test_mecab_remembered_analysis_answers_as_a_fresh_pass(text):
    a = get_analyzer("mecab")
    fresh_tokens = a._scan(text, want_phrases=False).tokens
    fresh = a._scan(text, want_phrases=True)
    assert a.tokens(text) == fresh_tokens  # remembered without phrases now
    assert a.tokens(text) == fresh_tokens
    assert a.analyze(text) == fresh  # a full pass, remembered
    assert a.tokens(text) == fresh_tokens == fresh.tokens  # from the remembered analysis
    assert a.phrases(text) == fresh.phrases and a.analyze(text) == fresh


@pytest.mark.mecab
def test_mecab_remembered_analysis_cannot_be_changed_by_a_caller():
    a = get_analyzer("mecab")
    text = "청년창업 지원센터를 확대해 주세요 (변경 검사)"
    first = a.analyze(text)
    first.tokens.append("끼어든말")
    a.tokens(text).clear()
    a.phrases(text).append("끼어든말")
    again = a.analyze(text)
    assert "끼어든말" not in again.tokens and "끼어든말" not in again.phrases
    assert again.tokens == a._scan(text, want_phrases=False).tokens and again.tokens


@pytest.mark.mecab
def test_mecab_remembers_only_the_latest_texts_per_thread():
    import threading

    from nlp.analyzer import RECENT_TEXTS

    a = get_analyzer("mecab")
    a.analyze("맨 처음 분석한 청년 일자리 글")
    assert a._recent.get("맨 처음 분석한 청년 일자리 글") is not None
    seen_elsewhere = []
    thread = threading.Thread(target=lambda: seen_elsewhere.append(a._recent.get("맨 처음 분석한 청년 일자리 글")))
    thread.start()
    thread.join()
    assert seen_elsewhere == [None]  # each thread remembers its own
    for i in range(RECENT_TEXTS):
        a.analyze(f"다른 글 {i}번 창업 지원")
    assert a._recent.get("맨 처음 분석한 청년 일자리 글") is None
    assert len(a._recent._store()) == RECENT_TEXTS
    text = "토큰만 분석한 새 글 사회적기업 지원"
    tokens = a.tokens(text)  # a tokens-only pass is remembered without phrases
    assert a._recent.get(text) == (tuple(tokens), None)
    assert a.analyze(text) == a._scan(text, want_phrases=True)  # a full pass when phrases are asked for
    assert a._recent.get(text)[1] is not None
