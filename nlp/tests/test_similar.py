import pytest

from nlp.similar import SimilarityIndex, repost_score, shingle_jaccard, title_key

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


# A long proposal under its own title; the re-post keeps the title, drops the long middle sentence and
# adds a greeting, so its whole-text Jaccard falls below the strict threshold.
LONG_TITLE = "야간 근로자 심야 버스 노선 확대"
LONG_BODY = (
    "새벽 두 시에 퇴근하는 물류센터 근로자는 택시비로 한 달 임금의 일부를 씁니다. "
    "강서구와 구로구 물류단지를 잇는 심야 버스를 새벽 네 시까지 운행해 주세요. "
    "배차 간격을 이십 분으로 줄이면 야간 교대 근무자의 출퇴근이 훨씬 안전해지고 주차난도 덜해집니다."
)
SHORT_REPOST = "다시 올립니다. 새벽 두 시에 퇴근하는 물류센터 근로자는 택시비로 한 달 임금의 일부를 씁니다. " + (
    "강서구와 구로구 물류단지를 잇는 심야 버스를 새벽 네 시까지 운행해 주세요."
)


def long_index(extra_titles: int = 0) -> SimilarityIndex:
    ids = ["long", *IDS] + [f"g{n}" for n in range(extra_titles)]
    texts = [f"{LONG_TITLE} {LONG_BODY}", *TEXTS] + [f"{LONG_TITLE} 다른 제안 {n}번" for n in range(extra_titles)]
    titles = [LONG_TITLE, *(t for _, t, _, _ in IDEAS)] + [LONG_TITLE] * extra_titles
    return SimilarityIndex(split_tokenizer).fit(ids, texts, titles=titles)


def test_a_repost_that_dropped_a_long_sentence_counts_under_the_same_title_only():
    repost = f"{LONG_TITLE.replace(' ', '', 1)} {SHORT_REPOST}"
    original = f"{LONG_TITLE} {LONG_BODY}"
    assert 0.5 <= shingle_jaccard(repost, original) < 0.6  # below the strict whole-text threshold
    idx = long_index()
    assert idx.find_duplicate(repost) is None  # title unknown: the strict rule only
    assert idx.find_duplicate(repost, title=LONG_TITLE.replace(" ", "", 1))[0] == "long"
    assert idx.find_duplicate(repost, title="전혀 다른 제목의 제안") is None


def test_a_generic_title_shared_by_many_texts_proves_nothing():
    repost = f"{LONG_TITLE} {SHORT_REPOST}"
    assert long_index(extra_titles=3).find_duplicate(repost, title=LONG_TITLE) is None


def test_repost_score_rules():
    a = {"abc", "bcd", "cde", "def"}
    assert repost_score(a, set(a), threshold=0.6) == 1.0
    assert repost_score(a, set(), threshold=0.6) is None
    half = {"abc", "bcd", "xyz", "yzw"}  # Jaccard 2/6
    assert repost_score(a, half, threshold=0.6) is None
    assert repost_score(a, half, threshold=0.6, same_title=True) is None  # too little in common
    inside = a | {"efg", "fgh", "ghi"}  # a lies wholly inside: Jaccard 4/7, containment 1.0
    assert repost_score(a, inside, threshold=0.6) is None
    assert repost_score(a, inside, threshold=0.6, same_title=True) == pytest.approx(4 / 7)


def test_title_key_ignores_spacing_and_short_titles():
    assert title_key("청년 창업 지원") == title_key("청년창업  지원") == "청년창업지원"
    assert title_key("제안") == "" and title_key(None) == ""


def test_a_mapped_index_unchanged_since_its_load_is_saved_by_linking_its_files_and_otherwise_written(tmp_path):
    import os

    from nlp.similar import SimilarityIndex

    from .conftest import IDEAS, split_tokenizer

    ids = [i for i, *_ in IDEAS]
    texts = [f"{t} {c}" for _, t, c, _ in IDEAS]
    SimilarityIndex(split_tokenizer, min_df=1).fit(ids, texts).save(tmp_path / "a", meta={"m": 1})
    loaded = SimilarityIndex.load(tmp_path / "a", analyzer=split_tokenizer)
    loaded.save(tmp_path / "b", meta={"m": 2})
    for f in (tmp_path / "a").glob("*.npy"):
        assert os.path.samefile(f, tmp_path / "b" / f.name)
    b = SimilarityIndex.load(tmp_path / "b", analyzer=split_tokenizer)
    assert b.meta_ == {"m": 2} and b.query(texts[0]) == loaded.query(texts[0])
    # read into memory, or changed since the load: written out, the change included
    SimilarityIndex.load(tmp_path / "a", analyzer=split_tokenizer, mmap=False).save(tmp_path / "c")
    assert not os.path.samefile(tmp_path / "a" / "idf.npy", tmp_path / "c" / "idf.npy")
    loaded.remove([ids[0]])
    loaded.save(tmp_path / "d")
    assert ids[0] not in SimilarityIndex.load(tmp_path / "d", analyzer=split_tokenizer)
    # its files gone (a build removed after the save): written out from the mapping still held
    b2 = SimilarityIndex.load(tmp_path / "b", analyzer=split_tokenizer)
    for f in (tmp_path / "b").iterdir():
        f.unlink()
    b2.save(tmp_path / "e")
    assert SimilarityIndex.load(tmp_path / "e", analyzer=split_tokenizer).query(texts[0]) == b.query(texts[0])


def test_a_mapped_build_with_extras_is_written_out_without_them_and_without_a_warning(tmp_path, caplog):
    import os

    from nlp.index_build import IndexBuilder
    from nlp.similar import SimilarityIndex

    from .conftest import IDEAS, split_tokenizer

    ids = [i for i, *_ in IDEAS]
    texts = [f"{t} {c}" for _, t, c, _ in IDEAS]
    builder = IndexBuilder(SimilarityIndex(split_tokenizer, min_df=1), tmp_path / "work", columns=("stamp",))
    builder.add(ids, texts, columns={"stamp": list(range(len(ids)))})
    built = SimilarityIndex.load(builder.finish(tmp_path / "a"), analyzer=split_tokenizer)
    assert set(built.extras_) == {"stamp"}
    caplog.clear()
    with caplog.at_level("WARNING", logger="nlp.similar"):
        built.save(tmp_path / "b")
    assert not [r for r in caplog.records if r.levelname == "WARNING"]
    assert not os.path.samefile(tmp_path / "a" / "idf.npy", tmp_path / "b" / "idf.npy")
    saved = SimilarityIndex.load(tmp_path / "b", analyzer=split_tokenizer)
    assert saved.extras_ == {} and saved.query(texts[0]) == built.query(texts[0])
