"""The feature-view harness (`benchmarks.feature_views_dev`): weight 0 is the shipped classifier, a view adds
its columns, the smoothing keeps only near vocabulary neighbours, and the shipped vectoriser comes back."""

import numpy as np
import pytest

import nlp.classify
from benchmarks.feature_views_dev import shipped_vectorizer_replaced, smoothing_matrix, view_vectorizer
from nlp.classify import TrackClassifier

from .conftest import THIRD_LABELLED as HALF
from .conftest import TRIPLED_TEXTS as TEXTS
from .conftest import split_tokenizer


def _fit(cls):
    with shipped_vectorizer_replaced(cls):
        return TrackClassifier(split_tokenizer, random_state=0).fit(TEXTS, HALF)


@pytest.mark.parametrize("view", ["chars", "title", "neighbours"])
def test_weight_zero_is_exactly_the_shipped_classifier(view):
    shipped = TrackClassifier(split_tokenizer, random_state=0).fit(TEXTS, HALF)
    variant = _fit(view_vectorizer(view, 0.0, titles={}, neighbours=lambda token: []))
    assert np.array_equal(shipped.predict_proba(TEXTS), variant.predict_proba(TEXTS))


def test_the_character_view_adds_columns_and_keeps_rows_normalised():
    shipped = TrackClassifier(split_tokenizer, random_state=0).fit(TEXTS, HALF)
    clf = _fit(view_vectorizer("chars", 0.5))
    X = clf.vectorizer_.transform(TEXTS)
    assert X.shape[1] > shipped.vectorizer_.transform(TEXTS).shape[1]
    assert np.allclose(np.sqrt(X.multiply(X).sum(axis=1)).A1, 1.0, atol=1e-5)
    assert clf.predict_proba(TEXTS).shape == (len(TEXTS), len(clf.classes_))


def test_smoothing_keeps_the_nearest_vocabulary_neighbours_above_the_similarity():
    table = {
        "청년": [("청년", 1.0), ("젊은이", 0.8), ("없는말", 0.7), ("소년", 0.6), ("노인", 0.4)],
        "젊은이": [("청년", 0.8)],
    }
    vocabulary = ["청년", "젊은이", "소년", "노인"]
    S = smoothing_matrix(vocabulary, lambda token: table.get(token, []), min_similarity=0.5, top=10).toarray()
    assert S[0].tolist() == pytest.approx([0.0, 0.8, 0.6, 0.0])  # itself and out-of-vocabulary skipped, 0.4 cut
    assert S[1].tolist() == pytest.approx([0.8, 0.0, 0.0, 0.0])
    assert not S[2:].any()
    top1 = smoothing_matrix(vocabulary, lambda token: table.get(token, []), min_similarity=0.5, top=1).toarray()
    assert top1[0].tolist() == pytest.approx([0.0, 0.8, 0.0, 0.0])


def test_the_shipped_vectoriser_is_restored_even_after_an_error():
    shipped = nlp.classify._TokenBigramTfidf
    with pytest.raises(RuntimeError), shipped_vectorizer_replaced(view_vectorizer("chars", 1.0)):
        assert nlp.classify._TokenBigramTfidf is not shipped
        raise RuntimeError
    assert nlp.classify._TokenBigramTfidf is shipped
