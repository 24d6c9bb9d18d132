import pytest

from nlp.similar import SimilarityIndex, shingle_jaccard

from .conftest import IDEAS, split_tokenizer

IDS = [i for i, *_ in IDEAS]
TEXTS = [f"{t} {c}" for _, t, c, _ in IDEAS]


def index():
    return SimilarityIndex(split_tokenizer).fit(IDS, TEXTS)


def test_query_returns_the_idea_itself_first_and_respects_exclude_id():
    idx = index()
    assert idx.query(TEXTS[0], k=3)[0][0] == "a1"
    hits = idx.query(TEXTS[0], k=3, exclude_id="a1")
    assert "a1" not in [i for i, _ in hits] and len(hits) <= 3
    assert all(0.0 <= s <= 1.0001 for _, s in hits)
    assert [s for _, s in hits] == sorted((s for _, s in hits), reverse=True)


def test_add_indexes_new_ideas_incrementally():
    idx = index()
    idx.add(["new"], ["따릉이 대여소 자전거 도로 연결 확대"])
    assert len(idx) == len(IDS) + 1
    assert idx.query("따릉이 대여소 자전거", k=1)[0][0] in {"new", "c2"}
    for n in range(12):  # many small blocks get compacted
        idx.add([f"x{n}"], [f"심야 버스 {n}"])
    assert idx.query("심야 버스 0", k=1, exclude_id="c1")[0][0].startswith("x")


def test_a_respaced_repost_with_a_greeting_is_a_duplicate():
    idx = index()
    repost = "안녕하세요. 다시 올립니다. " + TEXTS[0].replace(" ", "", 4)
    dup = idx.find_duplicate(repost)
    assert dup is not None and dup[0] == "a1"


def test_unrelated_ideas_are_never_duplicates():
    idx = index()
    for n, text in enumerate(TEXTS):
        dup = idx.find_duplicate(text, exclude_id=IDS[n])
        assert dup is None or shingle_jaccard(text, TEXTS[IDS.index(dup[0])]) >= 0.5


def test_query_before_fit_is_a_clear_error():
    with pytest.raises(ValueError, match="fit"):
        SimilarityIndex(split_tokenizer).query("버스")
