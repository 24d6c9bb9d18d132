"""The saved models (`nlp.model_store`): a router and a classifier saved and loaded answer as the fitted
ones, the analyser and the neighbours' index are not pickled with them, and a file that cannot be used
is refused (None), never an error. Synthetic texts written for these tests; no Django."""

import pickle

import pytest

from nlp import model_store
from nlp.analyzer import as_analyzer
from nlp.classify import TrackClassifier
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
