"""The dev harness's experimental classifiers (`benchmarks.classifier_variants`): the baseline is the shipped
method, and every variant fits and gives probabilities (the dev data is not needed)."""

import numpy as np
import pytest
import scipy.sparse as sp

from benchmarks.classifier_variants import _NBSVM, METHODS, ExperimentalClassifier, ProbabilityAverage
from nlp.classify import TrackClassifier

from .conftest import THIRD_LABELLED as HALF
from .conftest import TRIPLED_TEXTS as TEXTS
from .conftest import TRIPLED_TRACKS as TRACKS
from .conftest import split_tokenizer


def test_the_svm_variant_is_exactly_the_shipped_classifier():
    shipped = TrackClassifier(split_tokenizer, random_state=0).fit(TEXTS, HALF)
    variant = ExperimentalClassifier(split_tokenizer, method="svm", random_state=0).fit(TEXTS, HALF)
    assert np.array_equal(shipped.predict_proba(TEXTS), variant.predict_proba(TEXTS))


@pytest.mark.parametrize(
    "params",
    [
        {"method": "nbsvm"},
        {"method": "nbsvm", "nbsvm_binary": True},
        {"method": "nbem", "self_training_rounds": 0},
        {"method": "nbem", "self_training_rounds": 0, "em_prior": "uniform"},
        {"method": "svm+nbem"},
        {"seed_weight": 10},
        {"seed_copies": 2},
        {"agree": "nbem"},
        {"seed_in_folds": False},
    ],
)
def test_every_variant_fits_and_gives_probabilities(params):
    clf = ExperimentalClassifier(split_tokenizer, random_state=0, **params).fit(TEXTS, HALF)
    P = clf.predict_proba(TEXTS)
    assert P.shape == (len(TEXTS), 3)
    assert np.allclose(P.sum(axis=1), 1.0) and (P >= 0).all()
    assert (clf.classes_[P.argmax(axis=1)] == np.array(TRACKS)).mean() > 0.4  # chance: 1/3


def test_an_unknown_method_is_refused():
    with pytest.raises(ValueError, match="method"):
        ExperimentalClassifier(split_tokenizer, method="bayes").fit(TEXTS, HALF)
    assert "nbsvm" in METHODS


def test_probability_average_of_two_views_is_a_distribution_sharpened_to_the_cv_accuracy():
    avg = ProbabilityAverage(split_tokenizer, [{}, {"bigrams": True}], sharpen=True, random_state=0)
    avg.fit(TEXTS, HALF)
    unlabelled = [x for x, t in zip(TEXTS, HALF, strict=True) if t is None]
    P = avg.predict_proba(unlabelled)
    assert np.allclose(P.sum(axis=1), 1.0)
    assert P.max(axis=1).mean() == pytest.approx(avg.cv_accuracy_, abs=0.01)


def test_nbsvm_weights_features_by_their_log_count_ratio():
    # feature 0 only in class "a", feature 1 only in "b", feature 2 in both
    X = sp.csr_matrix(np.array([[1, 0, 1], [1, 0, 1], [0, 1, 1], [0, 1, 1]], dtype=np.float32))
    y = np.array(["a", "a", "b", "b"], dtype=object)
    m = _NBSVM(C=1.0, tol=1e-4, random_state=0, alpha=1.0, beta=1.0).fit(X, y)
    assert list(m.classes_) == ["a", "b"]
    assert m.coef_[0, 0] > 0 > m.coef_[0, 1] and m.coef_[1, 1] > 0 > m.coef_[1, 0]
    assert m.coef_[0, 2] == pytest.approx(0.0, abs=1e-6)  # log-count ratio 0: the shared feature is dropped
    assert list(m.classes_[m.decision_function(X).argmax(axis=1)]) == list(y)


def test_probability_average_members_read_their_own_view():
    seen = []

    def first_words(text):
        seen.append(text)
        return text.split()[:4]

    avg = ProbabilityAverage({"tokens": split_tokenizer, "phrases": first_words}, [{}, {"view": "phrases"}])
    avg.fit(TEXTS, HALF)
    assert seen and avg.members[0].tokenizer is split_tokenizer and avg.members[1].tokenizer is first_words
    assert np.allclose(avg.predict_proba(TEXTS).sum(axis=1), 1.0)
