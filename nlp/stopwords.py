"""Korean stop words for petitions and policy ideas.

Generic words every citizen text uses (politeness, petition boilerplate, vague nouns). They carry no
topic, so they are dropped from features, tags and cluster labels. Extend :data:`STOP_WORDS` rather than
filtering in callers.
"""

from __future__ import annotations

__all__ = ["STOP_WORDS", "is_stop_word"]

_NOUNS = """
생각 문제 부탁 국민 청원 정말 여러분 사람 경우 때문 정도 이번 지금 오늘 내용 부분 관련 대한 대해
이유 방법 사실 자신 우리 저희 모두 누구 무엇 하나 일 것 수 등 때 중 년 월 일 명 개 번 분 곳 뿐 측 데
듯 바 점 게 거 건 씨 님 안녕 감사 말씀 글 게시 게시판 게시물 요청 동의 청와대 대통령 대통령님 정부
나라 대한민국 한국 제발 꼭 더 좀 너무 매우 아주 이것 그것 저것 이거 그거 여기 거기 하루 이상 이하
이후 이전 현재 앞 뒤 위 아래 자기 본인 가지 상황 모습 입장 의견 마음 정책 제안 필요 생각해 관리자
요건 위배 수정 최근 당시 다음 처음 마지막 계속 다시 또한 그리고 하지만 그러나 그래서 따라서 통해 위해
지난번 저번 요즘 요즈음 그동안 얼마 얼마전 예전 나중 언제 어디 대부분 자체 여부 해당 기타 이곳 그곳
"""
_VERBS = """
하 되 있 없 같 않 이 아니 보 주 받 드리 말 알 싶 만들 나오 가 오 그렇 이렇 어떻 많 크 작 높 좋 대하 위하
통하 의하 따르 바라 원하 생각하 부탁하 감사하 주시 드립 해주 부탁드리
"""

#: Words never used as features, tags or cluster-label terms.
STOP_WORDS: frozenset[str] = frozenset((_NOUNS + _VERBS).split())


def is_stop_word(word: str) -> bool:
    """True when ``word`` is a stop word (case-insensitive for Latin letters)."""
    return word in STOP_WORDS or word.lower() in STOP_WORDS
