"""A saved, memory-mapped SimilarityIndex answers exactly as the fitted one; a bad build is refused."""

import json

import numpy as np
import pytest

from nlp.similar import IndexFormatError, SimilarityIndex

from .conftest import IDEAS, split_tokenizer

# A small Korean corpus of our own: the shared synthetic ideas, a long proposal with its re-posts
# (re-spaced with a greeting; same title with a sentence dropped), and two items under one generic title.
LONG_TITLE = "야간 근로자 심야 버스 노선 확대"
LONG_BODY = (
    "새벽 두 시에 퇴근하는 물류센터 근로자는 택시비로 한 달 임금의 일부를 씁니다. "
    "강서구와 구로구 물류단지를 잇는 심야 버스를 새벽 네 시까지 운행해 주세요. "
    "배차 간격을 이십 분으로 줄이면 야간 교대 근무자의 출퇴근이 훨씬 안전해지고 주차난도 덜해집니다."
)
ROWS = [(n + 1, t, f"{t} {c}") for n, (_, t, c, _) in enumerate(IDEAS)] + [
    (101, LONG_TITLE, f"{LONG_TITLE} {LONG_BODY}"),
    (102, "건의합니다", "건의합니다 동네 도서관 운영 시간을 밤 열 시까지 늘려 주세요."),
    (103, "건의합니다", "건의합니다 경로당에 어르신 일자리 프로그램을 만들어 주세요."),
]
IDS = [i for i, _, _ in ROWS]
TITLES = [t for _, t, _ in ROWS]
TEXTS = [x for _, _, x in ROWS]
QUERIES = TEXTS + [
    "안녕하세요. 다시 올립니다. " + TEXTS[0].replace(" ", "", 4),
    f"{LONG_TITLE.replace(' ', '', 1)} 다시 올립니다. 새벽 두 시에 퇴근하는 물류센터 근로자는 택시비로 한 달 "
    "임금의 일부를 씁니다. 강서구와 구로구 물류단지를 잇는 심야 버스를 새벽 네 시까지 운행해 주세요.",
    "청년 창업 공간과 일자리 박람회",
    "전혀 관계없는 낱말들",
]
QUERY_TITLES = TITLES + ["청년 창업 지원 확대", LONG_TITLE.replace(" ", "", 1), "청년", "없음"]


def fitted() -> SimilarityIndex:
    return SimilarityIndex(split_tokenizer).fit(IDS, TEXTS, titles=TITLES)


def answers(index: SimilarityIndex, exclude: bool = True) -> list:
    out = []
    for n, (text, title) in enumerate(zip(QUERIES, QUERY_TITLES, strict=True)):
        own = IDS[n] if exclude and n < len(IDS) else None
        out.append(
            (
                index.query(text, k=8, exclude_id=own),
                index.reposts(text, exclude_id=own, title=title),
                index.find_duplicate(text, exclude_id=own, title=title),
            )
        )
    return out


def saved(tmp_path, index=None) -> SimilarityIndex:
    (index or fitted()).save(tmp_path / "build")
    return SimilarityIndex.load(tmp_path / "build", analyzer=split_tokenizer)


def test_a_loaded_index_answers_query_reposts_and_duplicates_exactly_as_the_fitted_one(tmp_path):
    index = fitted()
    expected = answers(index)
    assert any(dup for _, _, dup in expected)  # the corpus has re-posts to find
    loaded = saved(tmp_path, index)
    assert answers(loaded) == expected
    assert list(loaded.ids_) == IDS and list(loaded.titles_) == list(index.titles_)
    assert len(loaded) == len(index)


def test_the_loaded_arrays_are_memory_mapped_not_copied(tmp_path):
    loaded = saved(tmp_path)
    block = loaded._blocks[0]
    for array in (block.data, block.indices, block.indptr):
        while not isinstance(array, np.memmap) and array.base is not None:
            array = array.base
        assert isinstance(array, np.memmap)


def test_string_ids_round_trip(tmp_path):
    index = SimilarityIndex(split_tokenizer).fit([f"i{i}" for i in IDS], TEXTS, titles=TITLES)
    loaded = saved(tmp_path, index)
    assert loaded.query(TEXTS[2], k=3) == index.query(TEXTS[2], k=3)
    assert loaded.query(TEXTS[2], k=3, exclude_id="i3")[0][0] != "i3"


def test_a_delta_added_to_a_loaded_index_gives_what_adding_it_to_the_fitted_one_gives(tmp_path):
    index = fitted()
    loaded = saved(tmp_path, index)
    base = loaded._blocks[0]
    new = ["따릉이 대여소 자전거 도로 연결 확대", "청년 창업 지원센터 확대 요청"]
    for idx in (index, loaded):
        idx.add([201, 202], new, titles=["따릉이 대여소", "청년 창업 지원센터"])
        for n in range(12):  # many small blocks get compacted, the loaded base never
            idx.add([300 + n], [f"심야 버스 노선 {n}"])
    assert loaded._blocks[0] is base
    assert answers(loaded) == answers(index)
    assert loaded.query("따릉이 대여소 자전거", k=1) == index.query("따릉이 대여소 자전거", k=1)
    assert loaded.query("따릉이 대여소 자전거", k=1)[0][0] == 201


def test_removed_and_edited_items_are_never_returned(tmp_path):
    loaded = saved(tmp_path)
    loaded.remove([1, 999])  # an unknown id is ignored
    loaded.add([2], ["따릉이 대여소 자전거 도로 연결"])  # an edit: the new text replaces the old one
    for text in QUERIES:
        found = [i for i, _ in loaded.query(text, k=20)]
        assert 1 not in found
        assert found.count(2) <= 1
        assert loaded.find_duplicate(text) != (1, pytest.approx(1.0))
    assert loaded.query(TEXTS[0], k=20)[0][0] != 1
    assert loaded.query("따릉이 대여소 자전거", k=1)[0][0] == 2
    assert 1 not in loaded and 2 in loaded and len(loaded) == len(IDS) - 1
    assert 1 not in loaded.live_ids()


def test_a_removed_item_no_longer_makes_its_title_generic(tmp_path):
    # Four items under one title make it generic; removing one makes it specific again.
    ids, texts, titles = (
        IDS + [104, 105],
        TEXTS + [f"{LONG_TITLE} 다른 제안 {n}번" for n in (1, 2)],
        TITLES + [LONG_TITLE] * 2,
    )
    index = SimilarityIndex(split_tokenizer).fit(ids, texts, titles=titles)
    loaded = saved(tmp_path, index.add([106], [f"{LONG_TITLE} 세 번째 제안"], titles=[LONG_TITLE]))
    key = loaded.titles_[IDS.index(101)]
    assert not loaded.shares_title(key, IDS.index(101))
    loaded.remove([106])
    assert loaded.shares_title(key, IDS.index(101))


def test_a_saved_index_that_removed_items_leaves_them_out(tmp_path):
    index = fitted()
    index.remove([3])
    loaded = saved(tmp_path, index)
    assert 3 not in loaded and len(loaded) == len(IDS) - 1
    assert all(i != 3 for i, _ in loaded.query(TEXTS[2], k=20))


def test_save_is_atomic_and_never_overwrites(tmp_path):
    target = fitted().save(tmp_path / "build")
    with pytest.raises(FileExistsError):
        fitted().save(target)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["build"]  # no temporary directory left


@pytest.mark.parametrize(
    "damage",
    [
        "truncate_block",
        "missing_file",
        "garbage_header",
        "other_format",
        "other_model_version",
        "swapped_array",
    ],
)
def test_a_corrupt_or_mismatched_build_is_refused_with_index_format_error(tmp_path, damage):
    path = fitted().save(tmp_path / "build")
    header = json.loads((path / "index.json").read_text())
    if damage == "truncate_block":
        data = (path / "block_data.npy").read_bytes()
        (path / "block_data.npy").write_bytes(data[: len(data) // 2])
    elif damage == "missing_file":
        (path / "term_hash.npy").unlink()
    elif damage == "garbage_header":
        (path / "index.json").write_text("{not json")
    elif damage == "other_format":
        header["format"] += 1
        (path / "index.json").write_text(json.dumps(header))
    elif damage == "other_model_version":
        header["model_version"] = "ilsa-nlp-0.0.0"
        (path / "index.json").write_text(json.dumps(header))
    elif damage == "swapped_array":  # same size on disk, inconsistent content
        np.save(path / "text_offsets.npy", np.zeros(len(IDS) + 1, dtype=np.int64) + 7)
    with pytest.raises(IndexFormatError):
        SimilarityIndex.load(path, analyzer=split_tokenizer)


def test_saving_before_fit_is_a_clear_error(tmp_path):
    with pytest.raises(ValueError, match="fit"):
        SimilarityIndex(split_tokenizer).save(tmp_path / "x")


def test_an_added_idea_is_found_by_words_unseen_at_fit_and_survives_a_save(tmp_path):
    index = fitted()
    assert index.query("킥보드 정비소", k=3) == []
    index.add([201], ["킥보드 정비소 일자리 지하철역 청년 정비사"])
    assert index.query("킥보드 정비소", k=3)[0][0] == 201
    assert index.known_terms(["킥보드", "없는말"]).tolist() == [True, False]
    loaded = saved(tmp_path, index)
    assert loaded.query("킥보드 정비소", k=3) == index.query("킥보드 정비소", k=3)
    assert answers(loaded) == answers(index)
    loaded.add([202], ["킥보드 대여 수리 일자리"])  # grows the loaded vocabulary again
    assert [i for i, _ in loaded.query("킥보드 수리", k=2)] == [202, 201]
