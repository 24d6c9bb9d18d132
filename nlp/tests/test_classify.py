import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from nlp import MODEL_VERSION
from nlp.classify import NEEDS_REVIEW, TrackClassifier, _distinct, expected_accuracy_threshold

from .conftest import IDEAS, split_tokenizer

TEXTS = [f"{t} {c}" for _, t, c, _ in IDEAS]
TRACKS = [tr for *_, tr in IDEAS]


def labelled_half():
    return [tr if i % 2 == 0 else None for i, tr in enumerate(TRACKS)]


def test_init_stores_parameters_only():
    clf = TrackClassifier(split_tokenizer, C=2.0, random_state=3)
    assert clf.C == 2.0 and clf.random_state == 3 and clf.tokenizer is split_tokenizer
    assert not any(k.endswith("_") for k in vars(clf))


def test_fit_returns_self_and_sets_learned_attributes():
    clf = TrackClassifier(split_tokenizer, random_state=0)
    assert clf.fit(TEXTS, labelled_half()) is clf
    assert list(clf.classes_) == ["교통", "일자리", "환경"]
    assert clf.model_version_ == MODEL_VERSION


def test_predictions_are_probabilities_and_reproducible():
    a = TrackClassifier(split_tokenizer, random_state=0).fit(TEXTS, labelled_half())
    b = TrackClassifier(split_tokenizer, random_state=0).fit(TEXTS, labelled_half())
    P = a.predict_proba(TEXTS)
    assert P.shape == (len(TEXTS), 3)
    assert np.allclose(P.sum(axis=1), 1.0) and (P >= 0).all() and (P <= 1).all()
    assert np.array_equal(P, b.predict_proba(TEXTS))
    assert all(0.0 <= s <= 1.0 for _, s in a.predict_with_score(TEXTS))


def test_learns_the_tracks_of_the_labelled_texts():
    clf = TrackClassifier(split_tokenizer, random_state=0).fit(TEXTS, TRACKS)
    assert (clf.predict(TEXTS) == np.array(TRACKS)).mean() >= 0.9


def test_works_without_labels_from_seed_texts():
    seeds = {"교통": "버스 지하철 도로 신호등 자전거", "환경": "쓰레기 미세먼지 나무 하천 컵"}
    clf = TrackClassifier(split_tokenizer, seeds=seeds, random_state=0).fit(TEXTS[4:], None)
    assert set(clf.predict(["버스 지하철 도로", "쓰레기 미세먼지 하천"])) == {"교통", "환경"}


def test_one_track_only_gives_that_track_with_a_similarity_score():
    clf = TrackClassifier(split_tokenizer).fit(TEXTS, ["일자리"] * 2 + [None] * (len(TEXTS) - 2))
    out = clf.predict_with_score(TEXTS)
    assert {t for t, _ in out} == {"일자리"}
    assert all(0.0 <= s <= 1.0 for _, s in out)
    assert out[0][1] > out[-1][1]


def test_no_labels_and_no_seeds_is_a_clear_error():
    with pytest.raises(ValueError, match="트랙"):
        TrackClassifier(split_tokenizer).fit(TEXTS, None)


def test_predict_before_fit_is_a_clear_error():
    with pytest.raises(ValueError, match="fit"):
        TrackClassifier(split_tokenizer).predict(TEXTS)


def test_token_bigram_tfidf_matches_sklearn_tfidf_of_tokens_and_bigrams():
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    from nlp.classify import _TokenBigramTfidf
    from nlp.similar import with_bigrams

    texts = ["청년 창업 지원 확대", "청년 주거 지원", "노인 일자리 지원 확대 확대", "청년 창업 공간", "주거 공간"]
    ours = _TokenBigramTfidf(str.split, min_df=2).fit_transform(texts).toarray()
    ref = TfidfVectorizer(analyzer=lambda t: with_bigrams(t.split()), sublinear_tf=True, min_df=2)
    theirs = ref.fit_transform(texts).toarray()
    # same features up to column order: compare each row's sorted weights and the pairwise cosines
    assert np.allclose(np.sort(ours, axis=1), np.sort(theirs, axis=1), atol=1e-6)
    assert np.allclose(ours @ ours.T, theirs @ theirs.T, atol=1e-6)
    unseen = _TokenBigramTfidf(str.split).fit_transform(texts)
    assert unseen.shape[0] == len(texts)


def test_token_tfidf_without_bigrams_matches_sklearn_tfidf_of_tokens():
    from sklearn.feature_extraction.text import TfidfVectorizer

    from nlp.classify import _TokenBigramTfidf

    texts = ["청년 창업 지원 확대", "청년 주거 지원", "노인 일자리 지원 확대 확대", "청년 창업 공간", "주거 공간"]
    ours = _TokenBigramTfidf(str.split, min_df=2, bigrams=False).fit_transform(texts).toarray()
    theirs = TfidfVectorizer(analyzer=str.split, sublinear_tf=True, min_df=2).fit_transform(texts).toarray()
    assert ours.shape == theirs.shape
    assert np.allclose(np.sort(ours, axis=1), np.sort(theirs, axis=1), atol=1e-6)
    assert np.allclose(ours @ ours.T, theirs @ theirs.T, atol=1e-6)


def _n_features(clf: TrackClassifier) -> int:
    return len(clf.vectorizer_.keys_)


def test_bigrams_only_when_the_labelled_texts_outnumber_the_batch_by_default():
    quarter = [tr if i % 4 == 0 else None for i, tr in enumerate(TRACKS)]
    few = TrackClassifier(split_tokenizer, min_df=1, random_state=0).fit(TEXTS, quarter)
    assert not few.vectorizer_.bigrams
    many = TrackClassifier(split_tokenizer, min_df=1, random_state=0).fit(TEXTS, TRACKS)
    assert many.vectorizer_.bigrams
    with_pairs = TrackClassifier(split_tokenizer, min_df=1, bigrams=True, random_state=0).fit(TEXTS, quarter)
    assert with_pairs.vectorizer_.bigrams and _n_features(with_pairs) > _n_features(few)
    tokens_only = TrackClassifier(split_tokenizer, min_df=1, bigrams=False, random_state=0).fit(TEXTS, TRACKS)
    assert not tokens_only.vectorizer_.bigrams and _n_features(tokens_only) < _n_features(many)


def test_an_unknown_bigrams_setting_is_a_clear_error():
    with pytest.raises(ValueError, match="bigrams"):
        TrackClassifier(split_tokenizer, bigrams="sometimes").fit(TEXTS, TRACKS)


def test_tracks_weigh_by_the_inverse_of_their_labelled_share():
    # Many labelled 일자리 texts, few of the others: each track weighs as if equally many were labelled.
    labels = [tr if tr == "일자리" or i % 4 == 0 else None for i, tr in enumerate(TRACKS)]
    labels += ["일자리"] * 6
    texts = TEXTS + [f"{TEXTS[0]} {n}" for n in range(6)]
    clf = TrackClassifier(split_tokenizer, random_state=0).fit(texts, labels)
    w = clf.class_weights_
    assert w["일자리"] < w["교통"] and w["일자리"] < w["환경"]
    unweighted = TrackClassifier(split_tokenizer, class_weight=None, random_state=0).fit(texts, labels)
    assert set(unweighted.class_weights_.values()) == {1.0}


def test_expected_accuracy_threshold_is_the_lowest_confidence_with_a_mean_above_it_at_target():
    assert expected_accuracy_threshold([0.99, 0.95, 0.9, 0.8, 0.5, 0.3], 0.9) == pytest.approx(0.8)
    assert expected_accuracy_threshold([0.99, 0.97, 0.6], 0.9) == pytest.approx(0.97)
    # Nothing is confident enough: the threshold lies above every score, so every suggestion needs review.
    assert expected_accuracy_threshold([0.7, 0.5], 0.9) == pytest.approx(0.9)
    assert expected_accuracy_threshold([], 0.9) == pytest.approx(0.9)


def test_suggestions_under_the_review_threshold_need_review():
    clf = TrackClassifier(split_tokenizer, random_state=0).fit(TEXTS, labelled_half())
    assert 0.0 < clf.review_threshold_ <= 1.0
    scores = [s for _, s in clf.predict_with_score(TEXTS)]
    assert all(clf.needs_review(s) == (s < clf.review_threshold_) for s in scores)
    assert clf.needs_review(None) and NEEDS_REVIEW == "확인 필요"
    strict = TrackClassifier(split_tokenizer, review_threshold=None, review_accuracy=1.0, random_state=0).fit(
        TEXTS, labelled_half()
    )
    assert all(strict.needs_review(s) for s in scores if s < 1.0)


@given(st.lists(st.integers(min_value=-(2**62), max_value=2**62), max_size=300))
def test_distinct_is_numpys_unique(values):
    """The vectoriser's document frequencies count distinct (text, feature) keys with ``_distinct``."""
    a = np.array(values, dtype=np.int64)
    expected = np.unique(a)
    got = _distinct(a.copy())
    assert got.dtype == np.int64
    assert np.array_equal(got, expected)


_WORDS = st.sampled_from(["청년", "일자리", "주차", "창업", "돌봄", "a", "b"])


@given(
    texts=st.lists(st.lists(_WORDS, max_size=8).map(" ".join), min_size=1, max_size=30),
    chunk=st.integers(min_value=1, max_value=5),
    min_df=st.integers(min_value=1, max_value=3),
    bigrams=st.booleans(),
)
def test_the_vectoriser_in_chunks_is_the_vectoriser_in_one_piece(texts, chunk, min_df, bigrams):
    from nlp.classify import _TokenBigramTfidf

    whole = _TokenBigramTfidf(str.split, min_df=min_df, bigrams=bigrams)
    parts = _TokenBigramTfidf(str.split, min_df=min_df, bigrams=bigrams)
    parts.chunk_texts = chunk
    try:
        expected = whole.fit_transform(texts)
    except ValueError:
        with pytest.raises(ValueError):
            parts.fit_transform(texts)
        return
    got = parts.fit_transform(texts)
    assert np.array_equal(parts.keys_, whole.keys_)
    assert np.array_equal(parts.idf_, whole.idf_)
    assert got.shape == expected.shape
    assert np.array_equal(got.toarray(), expected.toarray())
    unseen = texts[::-1] + ["주차 주차 새말", ""]
    assert np.array_equal(parts.transform(unseen).toarray(), whole.transform(unseen).toarray())


def test_the_centroids_are_sparse_and_the_dense_means_normalised():
    import scipy.sparse as sp
    from sklearn.preprocessing import normalize

    texts = [f"{t} {c}" for _, t, c, _ in IDEAS]
    tracks = [tr for *_, tr in IDEAS]
    clf = TrackClassifier(split_tokenizer, random_state=0).fit(texts, tracks)
    assert sp.issparse(clf.centroids_) and clf.centroids_.dtype == np.float32
    X = clf.vectorizer_.transform(texts + [f"{t.replace('/', ' ')}" for t in clf.classes_])
    y = np.array(tracks + list(clf.classes_), dtype=object)
    dense = normalize(np.vstack([np.asarray(X[y == c].mean(axis=0)) for c in clf.classes_])).astype(np.float32)
    assert np.allclose(clf.centroids_.toarray(), dense, atol=1e-6)
