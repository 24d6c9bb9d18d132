"""The streamed, two-pass build (nlp.index_build) answers exactly as SimilarityIndex.fit on the same corpus."""

from collections import Counter

import numpy as np
import pytest

from nlp.index_build import HashCounter, IndexBuilder, hashes_of, phrase_idf_from_counts
from nlp.index_store import HashedIdf, current_name, load_current, phrase_idf_arrays, publish_build
from nlp.similar import SimilarityIndex
from nlp.tags import phrase_idf

from .conftest import split_tokenizer
from .test_index_store import IDS, QUERIES, TEXTS, TITLES, answers


def streamed(tmp_path, *, chunk: int, ids=IDS, texts=TEXTS, titles=TITLES, name="streamed", **params):
    builder = IndexBuilder(SimilarityIndex(split_tokenizer, **params), tmp_path / "work", band_entries=7)
    for lo in range(0, len(ids), chunk):
        builder.add(ids[lo : lo + chunk], texts[lo : lo + chunk], titles=titles[lo : lo + chunk])
    builder.finish(tmp_path / name)
    return SimilarityIndex.load(tmp_path / name, analyzer=split_tokenizer)


@pytest.mark.parametrize("chunk", [1, 4, len(IDS)])
@pytest.mark.parametrize("params", [{}, {"max_terms": 6}, {"min_df": 2, "max_terms": 6}])
def test_a_streamed_build_answers_query_reposts_and_duplicates_exactly_as_fit(tmp_path, chunk, params):
    fitted = SimilarityIndex(split_tokenizer, **params).fit(IDS, TEXTS, titles=TITLES)
    expected = answers(fitted)
    assert any(dup for _, _, dup in expected)  # the corpus has re-posts to find
    loaded = streamed(tmp_path, chunk=chunk, **params)
    assert answers(loaded) == expected
    assert list(loaded.ids_) == IDS and list(loaded.titles_) == list(fitted.titles_)
    assert list(loaded.texts_) == list(fitted.texts_)
    assert len(loaded.idf_) == len(fitted.idf_) and loaded.n_docs_ == fitted.n_docs_
    assert sorted(loaded.idf_.tolist()) == sorted(fitted.idf_.tolist())
    # every text's neighbours, with their cosines, bit for bit
    assert loaded.neighbours(k=5) == fitted.neighbours(k=5)


def test_the_streamed_arrays_are_the_saved_ones_but_for_the_column_numbering(tmp_path):
    fitted = SimilarityIndex(split_tokenizer, max_terms=6).fit(IDS, TEXTS, titles=TITLES)
    fitted.save(tmp_path / "saved")
    streamed(tmp_path, chunk=3, max_terms=6)
    for name in ("texts", "text_offsets", "titles", "title_offsets", "title_hash", "title_count", "ids", "id_order"):
        a, b = np.load(tmp_path / "saved" / f"{name}.npy"), np.load(tmp_path / "streamed" / f"{name}.npy")
        assert a.dtype == b.dtype and np.array_equal(a, b), name
    # the same (feature hash, item, weight) entries, whatever column each feature got
    entries = []
    for build in ("saved", "streamed"):
        load = {n: np.load(tmp_path / build / f"{n}.npy") for n in ("term_hash", "term_col", "block_indptr")}
        hash_of_col = np.empty(len(load["term_col"]), dtype=np.uint64)
        hash_of_col[load["term_col"]] = load["term_hash"]
        items, data = np.load(tmp_path / build / "block_indices.npy"), np.load(tmp_path / build / "block_data.npy")
        cols = np.repeat(np.arange(len(hash_of_col)), np.diff(load["block_indptr"]))
        entries.append(sorted(zip(hash_of_col[cols].tolist(), items.tolist(), data.tolist(), strict=True)))
    assert entries[0] == entries[1]


def test_string_ids_and_per_item_columns_round_trip(tmp_path):
    ids = [f"idea-{i}" for i in IDS]
    builder = IndexBuilder(SimilarityIndex(split_tokenizer), tmp_path, columns=["changed"])
    for lo in range(0, len(ids), 5):
        builder.add(
            ids[lo : lo + 5],
            TEXTS[lo : lo + 5],
            titles=TITLES[lo : lo + 5],
            columns={"changed": [1000 + n for n in range(lo, min(lo + 5, len(ids)))]},
        )
    builder.finish(tmp_path / "build", meta={"corpus": "ideas"}, extras={"answer": np.arange(3)})
    loaded = SimilarityIndex.load(tmp_path / "build", analyzer=split_tokenizer)
    assert list(loaded.ids_) == ids and loaded.meta_ == {"corpus": "ideas"}
    assert loaded.extras_["changed"].tolist() == [1000 + n for n in range(len(ids))]
    assert loaded.extras_["answer"].tolist() == [0, 1, 2]
    fitted = SimilarityIndex(split_tokenizer).fit(ids, TEXTS, titles=TITLES)
    assert [loaded.query(q, k=5) for q in QUERIES] == [fitted.query(q, k=5) for q in QUERIES]


def test_a_corpus_without_any_feature_is_indexed_as_fit_indexes_it(tmp_path):
    texts = ["...", "!!", "?"]
    fitted = SimilarityIndex(split_tokenizer).fit([1, 2, 3], texts)
    loaded = streamed(tmp_path, chunk=2, ids=[1, 2, 3], texts=texts, titles=["", "", ""])
    assert loaded.idf_.tolist() == fitted.idf_.tolist() == [1.0]
    assert loaded._sublinear == fitted._sublinear
    assert loaded.query("청년 일자리") == fitted.query("청년 일자리") == []
    loaded.add([4], ["청년 일자리 박람회"])
    assert loaded.query("청년 일자리")[0][0] == 4


def test_a_delta_on_a_streamed_build_gives_what_it_gives_on_the_fitted_index(tmp_path):
    fitted = SimilarityIndex(split_tokenizer).fit(IDS, TEXTS, titles=TITLES)
    loaded = streamed(tmp_path, chunk=4)
    new = ["심야 버스 노선 확대와 새벽 배차 간격 단축", "완전히 새로운 낱말 조합 제안"]
    for index in (fitted, loaded):
        index.add([900, 901], new, titles=["심야 버스", "새 제안"])
        index.remove([IDS[0]])
    assert answers(loaded) == answers(fitted)


def test_adding_ideas_one_at_a_time_answers_as_adding_them_at_once(tmp_path):
    # added ideas are kept as rows, compacted every few blocks: the answers do not depend on the batching
    new = [f"{TEXTS[n % len(TEXTS)]} 추가 제안 {n}번" for n in range(20)]
    new_ids = list(range(500, 520))
    at_once, one_by_one = streamed(tmp_path, chunk=5, name="a"), streamed(tmp_path, chunk=5, name="b")
    at_once.add(new_ids, new)
    for i, text in zip(new_ids, new, strict=True):
        one_by_one.add([i], [text])
    assert len([b for b in one_by_one._blocks if b is None]) <= 9
    assert answers(one_by_one) == answers(at_once)
    assert [one_by_one.query(t, k=3) for t in new] == [at_once.query(t, k=3) for t in new]
    assert one_by_one.query(new[7], k=1)[0][0] == 507


def test_hash_counter_counts_and_ranks_like_a_counter_of_strings():
    words = "청년 창업 청년 버스 창업 청년 공원 버스".split()
    counter = HashCounter()
    counter.update(hashes_of(words[:4]))
    counter.update(hashes_of(words[4:]), np.asarray([2, 1, 1, 1]))
    expected = Counter(words[:4]) + Counter(dict(zip(["창업", "청년", "공원"], [2, 1, 1], strict=True)))
    expected["버스"] += 1
    first_seen = list(dict.fromkeys(words))
    for word, count in expected.items():
        pos = counter.find(hashes_of([word]))[0]
        assert counter.counts[pos] == count
        assert counter.ranks[pos] == first_seen.index(word)
    assert counter.find(hashes_of(["없는말"]))[0] == -1
    assert np.all(np.diff(counter.hashes.astype(np.float64)) > 0)


def test_phrase_idf_from_hashed_counts_is_the_phrase_idf_of_the_tags():
    docs = [["청년 창업", "일자리"], ["일자리", "공원"], ["청년 창업", "일자리", "버스"]]
    expected = phrase_idf_arrays(phrase_idf(docs))
    counter = HashCounter()
    for doc in docs:
        counter.update(hashes_of(set(doc)))
    got = phrase_idf_from_counts(counter, len(docs))
    for key, array in expected.items():
        assert np.array_equal(got[key], array), key
    idf = HashedIdf(got["phrase_hash"], got["phrase_idf"], got["phrase_docs"][0])
    assert idf.get("일자리") == phrase_idf(docs)["일자리"]


def test_publish_build_makes_it_current_and_a_failed_build_leaves_nothing(tmp_path):
    root = tmp_path / "root"
    builder = IndexBuilder(SimilarityIndex(split_tokenizer), root)
    builder.add(IDS, TEXTS, titles=TITLES)
    path = publish_build(builder, root, meta={"since": "x"})
    assert current_name(root) == path.name
    name, index = load_current(root, analyzer=split_tokenizer)
    assert name == path.name and len(index) == len(IDS)
    with pytest.raises(FileExistsError):
        builder.finish(path)
    failing = IndexBuilder(SimilarityIndex(split_tokenizer), root)
    failing.add(IDS, TEXTS)
    with pytest.raises(ValueError, match="길이"):
        failing.add([1, 2], ["하나"])
    failing.abort()
    empty = IndexBuilder(SimilarityIndex(split_tokenizer), root)
    with pytest.raises(ValueError, match="항목"):
        empty.finish(root / "never")
    assert sorted(p.name for p in root.iterdir()) == sorted([path.name, "CURRENT"])


def test_the_work_of_a_killed_build_is_removed_at_the_next_publish_and_a_running_one_is_kept(tmp_path):
    import os
    import time

    root = tmp_path / "root"
    killed = IndexBuilder(SimilarityIndex(split_tokenizer), root)  # a worker killed after pass 1
    killed.add(IDS, TEXTS, titles=TITLES)
    running = IndexBuilder(SimilarityIndex(split_tokenizer), root)  # another one still writing
    running.add(IDS, TEXTS, titles=TITLES)
    day_ago = time.time() - 25 * 3600
    for p in [killed.dir, *killed.dir.rglob("*")]:
        os.utime(p, (day_ago, day_ago))
    builder = IndexBuilder(SimilarityIndex(split_tokenizer), root)
    builder.add(IDS, TEXTS, titles=TITLES)
    path = publish_build(builder, root)
    assert not killed.dir.exists()
    assert running.dir.exists()
    assert sorted(p.name for p in root.iterdir()) == sorted([path.name, "CURRENT", running.dir.name])
