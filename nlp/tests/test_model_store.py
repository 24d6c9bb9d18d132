"""The saved models (`nlp.model_store`): a router and a classifier saved and loaded answer as the fitted
ones, the analyser and the neighbours' index are not pickled with them, their large arrays are saved
beside the pickle and come back memory-mapped read-only, and a file that cannot be used is refused
(None), never an error. Synthetic texts written for these tests; no Django."""

import logging
import pickle

import numpy as np
import pytest

from benchmarks.model_store_mmap import model_arrays
from nlp import model_store
from nlp.analyzer import as_analyzer
from nlp.classify import CALIBRATIONS, TrackClassifier
from nlp.route import RouteSuggester

from .conftest import IDEAS, split_tokenizer

TEXTS = [f"{t} {c}" for _, t, c, _ in IDEAS]
TRACKS = [tr for *_, tr in IDEAS]
ROUTES = [{"일자리": "일자리정책과", "환경": "기후환경과"}.get(t, "교통정책과") for t in TRACKS]
QUERIES = ["심야 버스 노선 배차 간격", "하천 정화 쓰레기 수거", "청년 창업 공간 지원", "전혀 무관한 낱말들"]


def routed() -> RouteSuggester:
    analyzer = as_analyzer(split_tokenizer)  # an Analyzer: saved as a reference, not pickled
    return RouteSuggester(analyzer, min_linear=6).fit(TEXTS, ROUTES, TRACKS, ids=range(10, 10 + len(TEXTS)))


def answers(router: RouteSuggester) -> list:
    return [router.suggest(q, track=t) for q in QUERIES for t in (None, "교통")] + [
        router.suggest(TEXTS[0], exclude=10)
    ]


def test_a_saved_router_loads_with_the_given_analyser_and_answers_exactly_as_the_fitted_one(tmp_path):
    fitted = routed()
    assert fitted.linear_ is not None and fitted.index_ is not None
    path = model_store.save(fitted, tmp_path, name=model_store.ROUTER, meta={"live": 12})
    assert path.name == "router.pickle" and model_store.stamp(tmp_path, name="router") is not None
    mine = as_analyzer(split_tokenizer)
    loaded, meta = model_store.load(tmp_path, name="router", analyzer=mine)
    assert meta == {"live": 12} and loaded is not fitted
    assert loaded.analyzer_ is mine and loaded.index_.analyzer_ is mine  # the process's own analyser
    assert loaded.index_.meta_ is not None  # the neighbours' index came from its own directory, mapped
    assert answers(loaded) == answers(fitted)
    loaded.update([99], ["도로 포장 보수 공사"], ["도로관리과"])  # a delta on top of the mapped index
    votes = loaded.component_proba(["도로 포장 보수"])["neighbours"][0]  # found by its own words
    assert loaded.classes_[votes.argmax()] == "도로관리과"
    assert "도로관리과" in [r for r, _ in loaded.suggest("도로 포장 보수")]


def test_a_saved_classifier_loads_and_answers_as_the_fitted_one(tmp_path):
    analyzer = as_analyzer(split_tokenizer)
    fitted = TrackClassifier(analyzer.tokens, random_state=0).fit(TEXTS, TRACKS)
    model_store.save(fitted, tmp_path, name=model_store.CLASSIFIER, meta={"seeds": []})
    loaded, _ = model_store.load(tmp_path, name="classifier", analyzer=split_tokenizer)
    assert loaded.predict_with_score(QUERIES) == fitted.predict_with_score(QUERIES)


def test_only_the_index_directories_of_the_last_two_saves_are_kept(tmp_path):
    router = routed()
    for _ in range(3):
        model_store.save(router, tmp_path, name="router")
    assert len([p for p in tmp_path.iterdir() if p.is_dir() and p.name.startswith("router-")]) == 2
    assert model_store.load(tmp_path, name="router", analyzer=split_tokenizer) is not None


def test_a_missing_broken_or_stale_file_is_refused_not_raised(tmp_path, monkeypatch):
    assert model_store.load(tmp_path, name="router") is None and model_store.stamp(tmp_path, name="router") is None
    model_store.save(routed(), tmp_path, name="router")
    index_dirs = [p for p in tmp_path.iterdir() if p.is_dir()]
    (index_dirs[0] / "index.json").write_text("{", encoding="utf-8")  # its index damaged
    assert model_store.load(tmp_path, name="router", analyzer=split_tokenizer) is None
    (tmp_path / "router.pickle").write_bytes(b"not a pickle")
    assert model_store.load(tmp_path, name="router", analyzer=split_tokenizer) is None
    monkeypatch.setattr(model_store, "MODEL_VERSION", "ilsa-nlp-0.0.1")  # saved by an older version
    model_store.save(routed(), tmp_path, name="router")
    monkeypatch.undo()
    assert model_store.load(tmp_path, name="router", analyzer=split_tokenizer) is None
    with (tmp_path / "classifier.pickle").open("wb") as f:  # the format before this store (the classifier alone)
        pickle.dump({"format": 1, "classifier": None}, f)
    assert model_store.load(tmp_path, name="classifier") is None


def test_a_router_with_removed_rows_or_a_bad_name_is_not_saved(tmp_path):
    router = routed()
    router.update([10], [TEXTS[0]], [None])
    with pytest.raises(ValueError):
        model_store.save(router, tmp_path, name="router")
    assert not (tmp_path / "router.pickle").exists() and not any(tmp_path.iterdir())
    with pytest.raises(ValueError):
        model_store.file_name("../router")


def _array_files(root) -> list:
    return sorted(root.glob("*-*/a*.npy"))


def test_a_saved_classifier_s_arrays_come_back_memory_mapped_read_only_with_identical_answers(tmp_path):
    analyzer = as_analyzer(split_tokenizer)
    fitted = TrackClassifier(analyzer.tokens, random_state=0).fit(TEXTS, TRACKS)
    model_store.save(fitted, tmp_path, name="classifier", array_min_bytes=1)  # every non-empty array
    files = _array_files(tmp_path)
    assert files and all(p.parent.name.startswith("classifier-") for p in files)
    loaded, _ = model_store.load(tmp_path, name="classifier", analyzer=split_tokenizer)
    coef = loaded.model_.coef_
    assert isinstance(coef, np.memmap) and not coef.flags.writeable
    assert isinstance(loaded.vectorizer_.idf_, np.memmap) and isinstance(loaded.vectorizer_.keys_, np.memmap)
    assert (
        np.array_equal(coef, fitted.model_.coef_) and coef.flags.f_contiguous == fitted.model_.coef_.flags.f_contiguous
    )
    for calibration in CALIBRATIONS:
        got = loaded.predict_proba(QUERIES + TEXTS, calibration=calibration)
        assert np.array_equal(got, fitted.predict_proba(QUERIES + TEXTS, calibration=calibration))
    assert loaded.predict_with_score(QUERIES + TEXTS) == fitted.predict_with_score(QUERIES + TEXTS)


def test_a_saved_router_s_arrays_come_back_mapped_and_it_answers_and_takes_a_delta_as_the_fitted_one(tmp_path):
    fitted, twin = routed(), routed()
    model_store.save(fitted, tmp_path, name="router", array_min_bytes=1)
    loaded, _ = model_store.load(tmp_path, name="router", analyzer=split_tokenizer)
    mapped = [a for a in model_arrays(loaded) if isinstance(a, np.memmap)]
    assert any(a is loaded.linear_.model_.coef_ for a in mapped) and any(a is loaded._routes for a in mapped)
    assert all(not a.flags.writeable for a in mapped)
    assert answers(loaded) == answers(fitted)
    for delta in (
        ([10], [TEXTS[0]], ["기후환경과"], [TRACKS[0]]),  # a re-routing to a known route: written in place
        ([99, 11], ["도로 포장 보수 공사", TEXTS[1]], ["도로관리과", None], ["교통", None]),  # new route; taken back
    ):
        loaded.update(*delta[:3], tracks=delta[3])
        twin.update(*delta[:3], tracks=delta[3])
        assert answers(loaded) == answers(twin)
    assert answers(loaded) == answers(twin) and loaded.suggest("도로 포장 보수") == twin.suggest("도로 포장 보수")


def test_small_arrays_stay_in_the_pickle_and_an_array_met_twice_is_saved_once(tmp_path):
    analyzer = as_analyzer(split_tokenizer)
    fitted = TrackClassifier(analyzer.tokens, random_state=0).fit(TEXTS, TRACKS)
    model_store.save(fitted, tmp_path, name="classifier")  # the default threshold: 1 MB
    assert _array_files(tmp_path) == [] and not any(p.is_dir() for p in tmp_path.iterdir())
    loaded, _ = model_store.load(tmp_path, name="classifier", analyzer=split_tokenizer)
    assert not any(isinstance(a, np.memmap) for a in model_arrays(loaded))
    big = np.arange(300_000, dtype=np.float64)  # 2.4 MB: above the default
    model_store.save(
        {"a": big, "b": big, "small": np.arange(3), "labels": np.array(["x"], dtype=object)}, tmp_path, name="pair"
    )
    assert len(_array_files(tmp_path)) == 1
    got, _ = model_store.load(tmp_path, name="pair", analyzer=split_tokenizer)
    assert got["a"] is got["b"] and isinstance(got["a"], np.memmap) and np.array_equal(got["a"], big)
    assert type(got["small"]) is np.ndarray and got["labels"].dtype == object


def test_a_missing_or_broken_array_file_is_refused_and_logged(tmp_path, caplog):
    model_store.save(routed(), tmp_path, name="router", array_min_bytes=1)
    files = _array_files(tmp_path)
    largest = max(files, key=lambda p: p.stat().st_size)
    data = largest.read_bytes()
    largest.write_bytes(data[: len(data) - 8])  # truncated
    with caplog.at_level(logging.WARNING, logger="nlp.model_store"):
        assert model_store.load(tmp_path, name="router", analyzer=split_tokenizer) is None
    assert "arrays are missing or damaged" in caplog.text
    largest.write_bytes(data)
    assert model_store.load(tmp_path, name="router", analyzer=split_tokenizer) is not None
    np.save(largest, np.zeros(3, dtype=np.int8))  # another array under its name
    assert model_store.load(tmp_path, name="router", analyzer=split_tokenizer) is None
    caplog.clear()
    largest.unlink()
    with caplog.at_level(logging.WARNING, logger="nlp.model_store"):
        assert model_store.load(tmp_path, name="router", analyzer=split_tokenizer) is None
    assert "arrays are missing or damaged" in caplog.text


def test_a_file_of_the_previous_format_with_its_arrays_inside_is_still_read(tmp_path):
    fitted = TrackClassifier(split_tokenizer, random_state=0).fit(TEXTS, TRACKS)
    with (tmp_path / "classifier.pickle").open("wb") as f:  # format 2: everything in the pickle
        head = {"format": 2, "model_version": model_store.MODEL_VERSION, "name": "classifier", "meta": {}}
        pickle.dump(head, f)
        model_store._Pickler(f, tmp_path, "classifier-old", array_min_bytes=1 << 62).dump(fitted)
    loaded, _meta = model_store.load(tmp_path, name="classifier", analyzer=split_tokenizer)
    assert not isinstance(loaded.model_.coef_, np.memmap)  # in memory, as that format keeps it
    assert np.array_equal(loaded.predict_proba(TEXTS), fitted.predict_proba(TEXTS))


def test_the_array_directories_follow_the_index_directories_keep_rule(tmp_path):
    router = routed()
    for _ in range(3):
        model_store.save(router, tmp_path, name="router", array_min_bytes=1)
    saves = {p.name.rsplit("-", 1)[0] for p in tmp_path.iterdir() if p.is_dir()}
    assert len(saves) == 2 and len(_array_files(tmp_path)) > 0
    assert {p.parent.name.rsplit("-", 1)[0] for p in _array_files(tmp_path)} == saves
    assert model_store.load(tmp_path, name="router", analyzer=split_tokenizer) is not None
