"""Routing suggestions (`nlp.route.RouteSuggester`) on synthetic Korean texts written for these tests."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nlp import MODEL_VERSION
from nlp.classify import TrackClassifier
from nlp.route import RouteSuggester, mix, top_k_accuracy

from .conftest import IDEAS, split_tokenizer

# The three tracks of the fixture ideas go to departments; 환경 ideas split between two of them.
ROUTE = {"a": "일자리정책과", "b": "기후환경과", "c": "교통정책과"}
TEXTS = [f"{t} {c}" for _, t, c, _ in IDEAS]
ROUTES = [ROUTE[i[0]] if i != "b4" else "물순환과" for i, *_ in IDEAS]
TRACKS = [tr for *_, tr in IDEAS]


def fitted(**params) -> RouteSuggester:
    return RouteSuggester(split_tokenizer, **params).fit(TEXTS, ROUTES, TRACKS)


def test_init_stores_parameters_only_and_fit_returns_self():
    sug = RouteSuggester(split_tokenizer, k=4)
    assert sug.k == 4 and not any(k.endswith("_") for k in vars(sug))
    assert sug.fit(TEXTS, ROUTES, TRACKS) is sug
    assert list(sug.classes_) == sorted(set(ROUTES))
    assert sug.n_history_ == len(TEXTS) and sug.model_version_ == MODEL_VERSION
    assert sug.track_counts_["환경"] == {"기후환경과": 3, "물순환과": 1}


def test_a_new_text_goes_where_its_neighbours_went():
    sug = fitted()
    top = sug.suggest("심야 버스 노선과 마을버스 배차 간격을 늘려 출퇴근을 도와주세요", track="교통")
    assert top[0][0] == "교통정책과"
    assert len(top) <= 3 and all(0.0 <= s <= 1.0 for _, s in top)
    assert [s for _, s in top] == sorted((s for _, s in top), reverse=True)
    assert sug.suggest("동네 하천 정화 활동 쓰레기 수거 자원봉사", track="환경")[0][0] == "물순환과"


def test_probabilities_sum_to_one_and_are_reproducible():
    a, b = fitted(min_linear=6), fitted(min_linear=6)
    assert a.linear_ is not None
    P = a.predict_proba(TEXTS, TRACKS)
    assert P.shape == (len(TEXTS), 4)
    assert np.allclose(P.sum(axis=1), 1.0)
    assert np.array_equal(P, b.predict_proba(TEXTS, TRACKS))
    assert list(a.predict(TEXTS[:1], TRACKS[:1])) == ["일자리정책과"]


def test_the_track_prior_decides_when_the_text_says_nothing():
    sug = fitted(linear_weight=0)
    # No token of this text is in the history: no neighbour estimate, only the track's routes.
    top = sug.suggest("전혀 무관한 낱말들", track="환경")
    assert [r for r, _ in top[:2]] == ["기후환경과", "물순환과"]
    # Without a track it is the overall route frequencies (the majority department first).
    assert sug.suggest("전혀 무관한 낱말들")[0][0] in {"일자리정책과", "교통정책과"}


def test_excluding_the_text_itself_leaves_it_out_of_its_neighbours():
    sug = fitted(prior_weight=0, linear_weight=0, k=1)
    assert sug.suggest(TEXTS[11], exclude=None)[0] == ("교통정책과", 1.0)
    parts = sug.component_proba([TEXTS[7]], exclude=[7])
    assert parts["neighbours"][0][list(sug.classes_).index("물순환과")] < 1.0


def test_cold_start_without_history_gives_the_prior_or_nothing():
    empty = RouteSuggester(split_tokenizer).fit([], [])
    assert empty.suggest("택시 기사 쉼터가 필요합니다", track="교통") == []
    assert empty.suggest_many(["a", "b"]) == [[], []]
    assert list(empty.predict(["a"])) == [None]
    with_prior = RouteSuggester(split_tokenizer).fit([], [], prior={"교통": {"교통정책과": 2, "택시물류과": 1}})
    top = with_prior.suggest("택시 기사 쉼터가 필요합니다", track="교통")
    assert [r for r, _ in top] == ["교통정책과", "택시물류과"]
    assert top[0][1] == pytest.approx(2 / 3, abs=1e-4)
    # Items not routed yet are no history.
    unrouted = RouteSuggester(split_tokenizer).fit(TEXTS[:2], [None, ""])
    assert unrouted.n_history_ == 0 and unrouted.index_ is None


def test_unfitted_and_bad_input_raise_clearly():
    with pytest.raises(ValueError, match="fit"):
        RouteSuggester(split_tokenizer).suggest("x")
    with pytest.raises(ValueError, match="길이"):
        RouteSuggester(split_tokenizer).fit(TEXTS, ROUTES[:3])


def test_mix_leaves_out_a_component_without_an_estimate_for_a_row():
    a = np.array([[1.0, 0.0], [0.0, 0.0]])
    b = np.array([[0.0, 1.0], [0.5, 0.5]])
    P = mix({"neighbours": a, "prior": b, "linear": None}, {"neighbours": 3, "prior": 1, "linear": 1})
    assert np.allclose(P, [[0.75, 0.25], [0.5, 0.5]])


def test_top_k_accuracy():
    ranked = [[("a", 0.6), ("b", 0.3)], [("b", 0.5), ("c", 0.2)]]
    assert top_k_accuracy(ranked, ["a", "c"], 1) == 0.5
    assert top_k_accuracy(ranked, ["a", "c"], 2) == 1.0


def test_log_pooling_lets_an_estimate_that_finds_a_route_unlikely_pull_it_down():
    a = np.array([[0.5, 0.5, 0.0]])
    b = np.array([[0.9, 0.0, 0.1]])
    mean = mix({"neighbours": a, "linear": b}, {"neighbours": 1, "linear": 1})
    log = mix({"neighbours": a, "linear": b}, {"neighbours": 1, "linear": 1}, pooling="log")
    assert np.allclose(log.sum(axis=1), 1.0)
    assert mean[0, 1] > mean[0, 2] and log[0, 1] < mean[0, 1] and log[0, 0] > mean[0, 0]
    no_estimate = mix({"neighbours": np.zeros((1, 3))}, {"neighbours": 1}, pooling="log")
    assert not no_estimate.any()
    with pytest.raises(ValueError, match="pooling"):
        mix({"neighbours": a}, {"neighbours": 1}, pooling="max")
    sug = RouteSuggester(split_tokenizer, pooling="log").fit(TEXTS, ROUTES, TRACKS)
    assert sug.suggest(TEXTS[8], track="교통")[0][0] == "교통정책과"


# ---- between fits: the delta (update, set_prior) -----------------------------------------------------

ROADS = "보도 블록 파손 도로 포장 보수 공사"


def test_an_update_adds_a_routed_text_to_the_neighbours_and_the_prior_without_fitting_again():
    sug = RouteSuggester(split_tokenizer, linear_weight=0).fit(TEXTS, ROUTES, TRACKS, ids=range(100, 100 + len(TEXTS)))
    linear, n = sug.linear_, sug.n_history_
    sug.update([7], [ROADS], ["도로관리과"], ["교통"])
    assert "도로관리과" in sug.classes_ and list(sug.classes_) == sorted(sug.classes_)
    assert sug.n_history_ == n + 1 and sug.in_history(7) and sug.linear_ is linear
    assert sug.suggest("도로 포장 보수", track="교통")[0][0] == "도로관리과"  # found by its own words
    # the prior's counts are those of a fit on the whole history
    whole = RouteSuggester(split_tokenizer, linear_weight=0).fit(
        [*TEXTS, ROADS], [*ROUTES, "도로관리과"], [*TRACKS, "교통"]
    )
    assert sug.track_counts_ == whole.track_counts_ and sug.route_counts_ == whole.route_counts_
    P = sug.component_proba(["전혀 무관한 낱말들"], ["교통"])["prior"]
    assert np.array_equal(P, whole.component_proba(["전혀 무관한 낱말들"], ["교통"])["prior"])


def test_a_re_routed_text_moves_its_counts_and_its_vote_and_applying_it_twice_changes_nothing():
    ids = list(range(len(TEXTS)))
    sug = RouteSuggester(split_tokenizer, prior_weight=0, linear_weight=0, k=1).fit(TEXTS, ROUTES, TRACKS, ids=ids)
    text = TEXTS[0]
    assert sug.suggest(text)[0][0] == ROUTES[0]
    sug.update([0], [text], ["교통정책과"], [TRACKS[0]])
    assert sug.suggest(text)[0][0] == "교통정책과"  # its own vote, moved; not analysed again
    assert sug.route_counts_[ROUTES[0]] == ROUTES.count(ROUTES[0]) - 1
    before = (sug.route_counts_.copy(), sug.track_counts_.copy(), sug.predict_proba(TEXTS, TRACKS))
    sug.update([0], [text], ["교통정책과"], [TRACKS[0]])
    assert (sug.route_counts_, sug.track_counts_) == before[:2]
    assert np.array_equal(sug.predict_proba(TEXTS, TRACKS), before[2])
    sug.update([0], [text], [None])  # its route taken back: it leaves the history
    assert not sug.in_history(0) and 0 not in sug.history_ids()
    assert sug.n_history_ == len(TEXTS) - 1 and sug.route_counts_.get("교통정책과") == ROUTES.count("교통정책과")
    assert all(pk != 0 for pk, _ in sug.index_.query(text, k=len(TEXTS)))


def test_an_edited_text_is_indexed_again_under_its_id():
    sug = RouteSuggester(split_tokenizer, prior_weight=0, linear_weight=0, k=1).fit(TEXTS, ROUTES, TRACKS)
    sug.update([0], [ROADS], [ROUTES[0]], [TRACKS[0]])
    assert sug.suggest(ROADS)[0][0] == ROUTES[0]
    assert sug.history_ids().count(0) == 1 and sug.n_history_ == len(TEXTS)
    sug.update([1, 55], ["하천 정화 쓰레기 수거", ROADS], [ROUTES[1], "도로관리과"])  # an edit and a new one, one add
    assert sug.suggest("하천 정화 쓰레기")[0][0] == ROUTES[1] and sug.in_history(55)
    assert sorted(sug.history_ids()) == sorted([*range(len(TEXTS)), 55]) and sug.n_history_ == len(TEXTS) + 1


def test_set_prior_replaces_the_given_prior_as_a_fit_with_it_would():
    prior = {"교통": {"도로관리과": 3}}
    sug = RouteSuggester(split_tokenizer, linear_weight=0).fit(TEXTS, ROUTES, TRACKS, prior={"교통": {"교통정책과": 5}})
    sug.set_prior(prior)
    whole = RouteSuggester(split_tokenizer, linear_weight=0).fit(TEXTS, ROUTES, TRACKS, prior=prior)
    assert sug.track_counts_ == whole.track_counts_ and list(sug.classes_) == list(whole.classes_)
    assert np.array_equal(sug.predict_proba(TEXTS, TRACKS), whole.predict_proba(TEXTS, TRACKS))


def test_an_update_of_a_router_without_history_starts_its_neighbours():
    sug = RouteSuggester(split_tokenizer).fit([], [], prior={"교통": {"교통정책과": 1}})
    assert sug.index_ is None
    sug.update([1], [ROADS], ["도로관리과"], ["교통"])
    assert sug.index_ is not None and sug.suggest("도로 포장 보수")[0][0] == "도로관리과"


def test_the_linear_estimate_keeps_no_memo_of_the_history_tokens():
    sug = fitted(min_linear=6)
    assert sug.linear_.tokenizer == sug._tokens and sug.linear_.vectorizer_.tokenizer == sug._tokens


def _history(n: int = 240, seed: int = 0) -> tuple[list[str], list[str], list[str]]:
    """Texts of four routes written from overlapping word pools (so held-out rows are not all right)."""
    rng = np.random.default_rng(seed)
    pools = {
        "일자리정책과": "청년 일자리 취업 창업 지원 고용 임금 채용",
        "기후환경과": "미세먼지 기후 환경 탄소 나무 공원 에너지",
        "교통정책과": "버스 지하철 도로 교통 주차 자전거 신호",
        "복지정책과": "어르신 돌봄 복지 주거 지원 청년 임대",
    }
    common = "서울 시민 우리 동네 개선 요청 부탁 정책 지원".split()
    texts, routes, tracks = [], [], []
    for i in range(n):
        route = list(pools)[i % 4]
        words = list(rng.choice(pools[route].split(), size=6)) + list(rng.choice(common, size=4))
        words += list(rng.choice(pools[list(pools)[(i + 1) % 4]].split(), size=int(rng.integers(0, 5))))
        rng.shuffle(words)
        texts.append(" ".join(words))
        routes.append(route)
        tracks.append(["일자리", "환경", "교통", "복지"][i % 4])
    return texts, routes, tracks


def test_the_streamed_neighbours_index_and_sparse_centroids_answer_as_the_in_memory_fit(monkeypatch):
    import scipy.sparse as sp

    from nlp import route
    from nlp.classify import _off_centroid
    from nlp.similar import SimilarityIndex

    texts, routes, tracks = _history()
    monkeypatch.setattr(route, "INDEX_CHUNK", 37)  # several chunks, the last one short
    sug = RouteSuggester(split_tokenizer, random_state=0).fit(texts, routes, tracks, ids=[i * 3 for i in range(240)])
    assert sp.issparse(sug.linear_.centroids_) and sug.linear_.novelty_ is not None
    # the router as fitted before: the whole history's index fitted in memory, dense centroids
    ref = RouteSuggester(split_tokenizer, random_state=0).fit(texts, routes, tracks, ids=[i * 3 for i in range(240)])
    ref.index_ = SimilarityIndex(ref.analyzer_, min_df=1).fit([i * 3 for i in range(240)], texts)
    ref.linear_.centroids_ = sug.linear_.centroids_.toarray()
    queries, _, query_tracks = _history(40, seed=1)
    queries += ["버스 청년 지원", "아무 관련 없는 말", ""]
    query_tracks += ["교통", None, "복지"]
    V = sug.linear_.vectorizer_.transform(queries)
    pred = np.arange(len(queries)) % 4
    assert np.array_equal(
        _off_centroid(V, sug.linear_.centroids_, pred), _off_centroid(V, ref.linear_.centroids_, pred)
    )
    for k in (5, 20):
        sug.k = ref.k = k
        ours = sug.component_proba(queries, query_tracks, exclude=[0] * len(queries))
        theirs = ref.component_proba(queries, query_tracks, exclude=[0] * len(queries))
        assert all(np.array_equal(ours[c], theirs[c]) for c in ours)
        assert sug.suggest_many(queries, query_tracks) == ref.suggest_many(queries, query_tracks)
    assert [sug.suggest(t, exclude=i * 3) for i, t in enumerate(texts[:30])] == [
        ref.suggest(t, exclude=i * 3) for i, t in enumerate(texts[:30])
    ]
    # the delta works on the streamed index as on the fitted one
    for s in (sug, ref):
        s.update([3, 9999], ["버스 지하철 새 노선", "탄소 나무 공원"], ["교통정책과", "기후환경과"], ["교통", "환경"])
    assert sug.suggest_many(queries, query_tracks) == ref.suggest_many(queries, query_tracks)


def test_the_linear_estimate_keeps_float32_coefficients_whose_answers_are_within_rounding_of_float64(monkeypatch):
    texts, routes, tracks = _history()
    sug = RouteSuggester(split_tokenizer, random_state=0).fit(texts, routes, tracks)
    monkeypatch.setattr(TrackClassifier, "_float32_coefficients", lambda self: None)  # float64 as liblinear gives
    ref = RouteSuggester(split_tokenizer, random_state=0).fit(texts, routes, tracks)
    coef, ref_coef = sug.linear_.model_.coef_, ref.linear_.model_.coef_
    assert coef.dtype == np.float32 and ref_coef.dtype == np.float64
    assert coef.flags["F_CONTIGUOUS"] == ref_coef.flags["F_CONTIGUOUS"]  # no copy when scoring (stop 23)
    assert np.array_equal(coef, ref_coef.astype(np.float32))
    queries, _, query_tracks = _history(200, seed=1)
    ours, theirs = sug.component_proba(queries, query_tracks), ref.component_proba(queries, query_tracks)
    assert np.abs(ours["linear"] - theirs["linear"]).max() < 1e-5
    assert np.array_equal(ours["linear"].argmax(axis=1), theirs["linear"].argmax(axis=1))


def test_the_fit_analyses_each_routed_text_once_even_when_the_same_text_was_routed_twice():
    texts, routes, tracks = _history(120)
    texts, routes, tracks = texts + texts[:30], routes + routes[:30], tracks + tracks[:30]
    calls = []

    def counting(text: str) -> list[str]:
        calls.append(text)
        return split_tokenizer(text)

    sug = RouteSuggester(counting, random_state=0).fit(texts, routes, tracks)
    assert sug.linear_ is not None
    history_calls = [t for t in calls if t in set(texts)]
    assert sorted(history_calls) == sorted(texts)  # once per routed text: the classifier reused the tokens
    plain = RouteSuggester(split_tokenizer, random_state=0).fit(texts, routes, tracks)
    queries, _, query_tracks = _history(40, seed=2)
    assert sug.suggest_many(queries, query_tracks) == plain.suggest_many(queries, query_tracks)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    window=st.integers(min_value=1, max_value=150),
    chunk=st.integers(min_value=1, max_value=70),
    unrouted=st.sets(st.integers(min_value=0, max_value=149), max_size=30),
    given_tokens=st.booleans(),
)
def test_the_linear_estimate_learns_from_the_latest_max_linear_routed_texts_the_rest_from_all(
    monkeypatch, window, chunk, unrouted, given_tokens
):
    from nlp import route
    from nlp.analyzer import as_analyzer
    from nlp.text import normalize

    texts, routes, tracks = _history(150)
    routes = ["" if i in unrouted else r for i, r in enumerate(routes)]  # not routed: not in the history
    routed = [i for i, r in enumerate(routes) if r]
    monkeypatch.setattr(route, "INDEX_CHUNK", chunk)
    # the tokens the router's own analyser gives (its content filter applied)
    tokens = [as_analyzer(split_tokenizer).tokens(normalize(t)) for t in texts] if given_tokens else None
    sug = RouteSuggester(split_tokenizer, random_state=0, min_linear=4, max_linear=window).fit(
        texts, routes, tracks, tokens=tokens, ids=list(range(150))
    )
    latest = routed[-window:]
    # the neighbours and the prior: the whole history
    assert sug.n_history_ == len(routed) and sug.history_ids() == routed
    assert sum(sum(d.values()) for d in sug._history_counts.values()) == len(routed)
    # the linear estimate: what a router fitted on the latest routed texts alone learns
    alone = RouteSuggester(split_tokenizer, random_state=0, min_linear=4, max_linear=None).fit(
        [texts[i] for i in latest], [routes[i] for i in latest], [tracks[i] for i in latest]
    )
    assert (sug.linear_ is None) == (alone.linear_ is None)
    if sug.linear_ is None:
        assert sug.n_linear_ == 0
        return
    assert sug.n_linear_ == len(latest)
    queries, _, _ = _history(30, seed=3)
    V, W = sug.linear_.vectorizer_.transform(queries), alone.linear_.vectorizer_.transform(queries)
    assert (V != W).nnz == 0
    assert np.array_equal(sug.linear_.predict_proba(queries), alone.linear_.predict_proba(queries))


def test_a_history_within_max_linear_is_fitted_as_without_the_bound():
    texts, routes, tracks = _history()
    bounded = RouteSuggester(split_tokenizer, random_state=0, max_linear=len(texts)).fit(texts, routes, tracks)
    unbounded = RouteSuggester(split_tokenizer, random_state=0, max_linear=None).fit(texts, routes, tracks)
    queries, _, query_tracks = _history(60, seed=4)
    assert bounded.n_linear_ == unbounded.n_linear_ == len(texts)
    assert bounded.suggest_many(queries, query_tracks) == unbounded.suggest_many(queries, query_tracks)
    assert RouteSuggester().max_linear == 20000  # the default bound (nlp.route.MAX_LINEAR)


def test_a_window_of_one_route_fits_no_linear_estimate_and_the_others_still_suggest():
    texts, routes, tracks = _history(120)
    routes = routes[:100] + ["교통정책과"] * 20  # the latest 20 all went to one department
    sug = RouteSuggester(split_tokenizer, random_state=0, min_linear=4, max_linear=20).fit(texts, routes, tracks)
    assert sug.linear_ is None and sug.n_linear_ == 0 and sug.n_history_ == 120
    assert sug.suggest("미세먼지 공원 나무", track="환경")[0][0] == "기후환경과"


def test_the_fit_reports_its_progress_in_routed_texts_then_the_linear_estimates(monkeypatch):
    from nlp import route

    monkeypatch.setattr(route, "INDEX_CHUNK", 40)
    texts, routes, tracks = _history(100)
    calls = []
    RouteSuggester(split_tokenizer, random_state=0, max_linear=30).fit(
        texts, routes, tracks, progress=lambda done, total: calls.append((done, total))
    )
    assert calls == [(40, 130), (80, 130), (100, 130), (130, 130)]
    calls.clear()
    RouteSuggester(split_tokenizer, linear_weight=0).fit(texts, routes, tracks, progress=lambda *a: calls.append(a))
    assert calls == [(40, 100), (80, 100), (100, 100)]  # no linear estimate: the index's chunks alone


def _chunked(ids, texts, routes, tracks, tokens, cuts):
    """The entries cut into chunks at the sorted positions ``cuts`` (empty chunks included)."""
    bounds = [0, *sorted(cuts), len(ids)]
    for a, b in zip(bounds, bounds[1:], strict=False):
        yield ids[a:b], texts[a:b], routes[a:b], tracks[a:b], None if tokens is None else tokens[a:b]


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    cuts=st.lists(st.integers(min_value=0, max_value=120), max_size=8),
    unrouted=st.sets(st.integers(min_value=0, max_value=119), max_size=40),
    window=st.one_of(st.none(), st.integers(min_value=1, max_value=120)),
    given_tokens=st.booleans(),
)
def test_a_history_fitted_chunk_by_chunk_as_it_streams_answers_as_the_fit_of_the_whole_list(
    cuts, unrouted, window, given_tokens
):
    from nlp.analyzer import as_analyzer
    from nlp.text import normalize

    texts, routes, tracks = _history(120)
    routes = [None if i in unrouted else r for i, r in enumerate(routes)]
    tracks = [None if i % 7 == 0 else t for i, t in enumerate(tracks)]
    ids = [1000 + 3 * i for i in range(120)]
    tokens = [as_analyzer(split_tokenizer).tokens(normalize(t)) for t in texts] if given_tokens else None
    params = dict(random_state=0, min_linear=4, max_linear=window)
    whole = RouteSuggester(split_tokenizer, **params).fit(texts, routes, tracks, tokens=tokens, ids=ids)
    calls = []
    streamed = RouteSuggester(split_tokenizer, **params).fit_chunks(
        _chunked(ids, texts, routes, tracks, tokens, cuts), n=120, progress=lambda *a: calls.append(a)
    )
    assert streamed.history_ids() == whole.history_ids() == [ids[i] for i, r in enumerate(routes) if r]
    assert streamed.route_counts_ == whole.route_counts_ and streamed.track_counts_ == whole.track_counts_
    assert list(streamed.classes_) == list(whole.classes_) and streamed.n_linear_ == whole.n_linear_
    queries, _, query_tracks = _history(30, seed=5)
    assert streamed.suggest_many(queries, query_tracks) == whole.suggest_many(queries, query_tracks)
    # progress: entries read (routed or not) after each chunk, the window's texts last; ends at done == total
    assert calls[-1][0] == calls[-1][1] == 120 + streamed.n_linear_
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)


def test_a_chunk_of_unequal_columns_is_refused_and_leaves_no_build_behind(tmp_path):
    texts, routes, tracks = _history(40)
    chunks = [(list(range(40)), texts, routes[:39], tracks, None)]
    with pytest.raises(ValueError, match="길이"):
        RouteSuggester(split_tokenizer).fit_chunks(iter(chunks), directory=tmp_path / "index")
    assert list(tmp_path.iterdir()) == []


def test_a_history_fitted_into_a_directory_is_mapped_from_it_and_saved_by_linking_its_files(tmp_path):
    import os

    from nlp import model_store
    from nlp.similar import _Strings

    texts, routes, tracks = _history(200)
    ids = list(range(5, 205))
    mapped = RouteSuggester(split_tokenizer, random_state=0).fit(
        texts, routes, tracks, ids=ids, directory=tmp_path / "build" / "router-index"
    )
    in_memory = RouteSuggester(split_tokenizer, random_state=0).fit(texts, routes, tracks, ids=ids)
    assert isinstance(mapped.index_.texts_._base, _Strings)  # mapped from the directory, not read into memory
    assert isinstance(mapped.index_.idf_, np.memmap) and not isinstance(in_memory.index_.idf_, np.memmap)
    queries, _, query_tracks = _history(40, seed=6)
    assert mapped.suggest_many(queries, query_tracks) == in_memory.suggest_many(queries, query_tracks)
    model_store.save(mapped, tmp_path / "models", name=model_store.ROUTER)
    built = tmp_path / "build" / "router-index"
    saved = next(p for p in (tmp_path / "models").iterdir() if p.is_dir() and (p / "index.json").exists())
    for f in built.glob("*.npy"):  # the same files, linked: no second copy of the texts and vectors
        assert os.path.samefile(f, saved / f.name)
    loaded, _meta = model_store.load(tmp_path / "models", name=model_store.ROUTER, analyzer=split_tokenizer)
    assert loaded.suggest_many(queries, query_tracks) == in_memory.suggest_many(queries, query_tracks)
    # the build may go once saved; the delta changes the mapped index, whose next save writes it out
    import shutil

    shutil.rmtree(tmp_path / "build")
    for s in (mapped, in_memory):
        s.update(
            [9998, 9999], ["버스 지하철 새 노선", "탄소 나무 공원"], ["교통정책과", "기후환경과"], ["교통", "환경"]
        )
    assert mapped.suggest_many(queries, query_tracks) == in_memory.suggest_many(queries, query_tracks)
    model_store.save(mapped, tmp_path / "models2", name=model_store.ROUTER)
    again, _ = model_store.load(tmp_path / "models2", name=model_store.ROUTER, analyzer=split_tokenizer)
    assert again.in_history(9999) and again.suggest_many(queries, query_tracks) == mapped.suggest_many(
        queries, query_tracks
    )
